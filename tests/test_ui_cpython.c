/* test_ui_cpython.c - the CPython panels: CPython's run of each model drawn
 * under the model's panel (panels.h, cpython_panel.h, draw_cpython.c,
 * app_python.h).
 *
 * The comparison is hand-made (ui_fixture.h): three models, and beside
 * each a CPython trace laid out as trace_python.c lays one, with known
 * inferred segments. Checked: where the panels go at 800x600, 1280x720 and
 * 1920x1080 in every theme (each CPython panel right under its model's,
 * inside the window, one header line); the toggle (panels, time axis,
 * legend, the bar's button, the key); the hover over an inferred segment
 * says what it rests on and over an observed one that it was measured;
 * inferred segments are drawn paler than observed ones; a panel with no
 * run says why in its rows. Then the window's run path with the toggle on:
 * an interpreter that does not exist (the panels say how to install one,
 * the engine's run is whole) and, where python3 is, a real one: the status
 * says what CPython runs while it does, and Esc stops it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_events.h"
#include "app_ui.h"
#include "cpython_panel.h"
#include "headless.h"
#include "hit.h"
#include "panels.h"
#include "test.h"
#include "ui_fixture.h"
#include "view.h"

static void set_python(sim_trace *t)
{
    t->source = SIM_SOURCE_CPYTHON;
    snprintf(t->python.path, sizeof t->python.path, "python3");
    snprintf(t->python.impl, sizeof t->python.impl, "cpython");
    snprintf(t->python.version, sizeof t->python.version, "3.11.7");
    t->python.free_threaded = 0;
    t->python.gil = 1;
}

static void mark(sim_trace *t, uint32_t lane, int64_t at, int state, int flags, uint32_t arg)
{
    sim_mark m = {.t = at, .arg = arg, .state = (uint8_t)state, .flags = (uint8_t)flags,
                  .cpu = SIM_NO_CPU};
    ASSERT(sim_trace_add_mark(t, lane, m) == 0);
}

/* CPython's run of `model` with 4 tasks, as trace_python.c draws one. Task
 * 0: waits to start (inferred) until 1 ms; a cpu step of wall 30 ms and
 * CPU 10 ms (running, then waiting, both inferred); then an io step that
 * asked 30 ms and took 35 ms (I/O measured, 5 ms inferred); done at 80 ms.
 * The others run plainly. It ends at `end`. */
static void cpython_trace(sim_trace *t, sim_model model, int64_t end)
{
    uint32_t nres = model == SIM_MODEL_ASYNCIO ? 1 : 0;
    ASSERT(sim_trace_init(t, model, 4, 4 + nres) == 0);
    for (uint32_t i = 0; i < 4; i++) {
        t->lanes[i].kind = SIM_LANE_TASK;
        t->lanes[i].index = i;
    }
    if (nres)
        t->lanes[4].kind = SIM_LANE_LOOP;
    set_python(t);
    const int INF = SIM_MARK_INFERRED;
    mark(t, 0, 0, SIM_ST_READY, INF, 0);
    mark(t, 0, 1 * FX_MS, SIM_ST_RUNNING, INF, 0);
    mark(t, 0, 11 * FX_MS, SIM_ST_READY, INF, 0);
    mark(t, 0, 31 * FX_MS, SIM_ST_RUNNING, 0, 0);
    mark(t, 0, 40 * FX_MS, SIM_ST_IO, 0, 0);
    mark(t, 0, 70 * FX_MS, SIM_ST_READY, INF, 0);
    mark(t, 0, 75 * FX_MS, SIM_ST_RUNNING, 0, 0);
    mark(t, 0, 80 * FX_MS, SIM_ST_DONE, 0, 0);
    for (uint32_t i = 1; i < 4; i++) {
        mark(t, i, 0, SIM_ST_RUNNING, 0, 0);
        mark(t, i, (int64_t)(20 + 10 * i) * FX_MS, SIM_ST_IO, 0, 0);
        mark(t, i, (int64_t)(60 + 10 * i) * FX_MS, SIM_ST_DONE, 0, 0);
    }
    if (nres) {
        mark(t, 4, 0, SIM_ST_IDLE, 0, SIM_NO_TASK);
        mark(t, 4, 1 * FX_MS, SIM_ST_RUNNING, 0, 0);
        mark(t, 4, 40 * FX_MS, SIM_ST_IDLE, 0, SIM_NO_TASK);
    }
    for (uint32_t i = 0; i < 4; i++)
        t->lanes[i].cpu_ns = 10 * FX_MS;
    t->end_ns = t->now_ns = end;
    t->outcome = SIM_OUTCOME_OK;
}

/* Three models and, with `cpython`, CPython's run of each (asyncio's the
 * longest of all: 400 ms). */
static void make(sim_comparison *c, int cpython)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup("4*(cpu:20ms,io:30ms,cpu:10ms)");
    ASSERT(c->workload);
    c->machine.cpus = 2;
    c->nominal_ns = 4 * 60 * FX_MS;
    sim_model ms[3] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING, SIM_MODEL_MULTIPROCESSING};
    for (int i = 0; i < 3; i++) {
        fixture_schedule(&c->traces[i], ms[i], 4, 20 * FX_MS, 30 * FX_MS, 10 * FX_MS);
        if (cpython)
            cpython_trace(&c->cpython[i], ms[i], i == 0 ? 400 * FX_MS : 90 * FX_MS);
    }
    c->ntraces = 3;
}

static void layout_for(ui_view *v, const sim_comparison *c, int w, int h, ui_layout *l)
{
    ui_view_layout(v, c, w, h, v->show_controls ? 3 : 0, l);
}

/* Every size, every theme, with and without the controls bar and the code
 * view: each model's panel then its CPython panel, in order, none over
 * another, all inside the body, a CPython header of one line. */
static void test_layout(void)
{
    sim_comparison c;
    make(&c, 1);
    static const int sizes[][2] = {{800, 600}, {1280, 720}, {1920, 1080}};
    for (int s = 0; s < 3; s++)
        for (int th = 0; th < UI_THEME__COUNT; th++)
            for (int bar = 0; bar < 2; bar++)
                for (int code = 0; code < 2; code++) {
                    ui_view v;
                    ui_view_init(&v);
                    v.theme = (ui_theme_id)th;
                    v.show_controls = bar;
                    v.show_code = code;
                    v.show_cpython = 1;
                    ui_layout l;
                    layout_for(&v, &c, sizes[s][0], sizes[s][1], &l);
                    char at[96];
                    snprintf(at, sizeof at, "%dx%d %s bar %d code %d", sizes[s][0],
                             sizes[s][1], ui_theme_name((ui_theme_id)th), bar, code);
                    ASSERT_MSG(l.npanels == 6, "%s: %d panels", at, l.npanels);
                    ASSERT_MSG(l.rows_visible >= 1, "%s: no task row", at);
                    for (int p = 0; p < 6; p++) {
                        const ui_panel_layout *pl = &l.panels[p];
                        ASSERT_INT_EQ(pl->src.trace, p / 2);
                        ASSERT_INT_EQ(pl->src.cpython, p % 2);
                        ASSERT(ui_panel_trace(&l, &c, p) ==
                               (p % 2 ? &c.cpython[p / 2] : &c.traces[p / 2]));
                        ASSERT_MSG(pl->rect.y >= l.body.y &&
                                   pl->rect.y + pl->rect.h <= l.body.y + l.body.h,
                                   "%s: panel %d leaves the body", at, p);
                        if (p > 0)
                            ASSERT_MSG(pl->rect.y >= l.panels[p - 1].rect.y +
                                                         l.panels[p - 1].rect.h,
                                       "%s: panel %d overlaps the one above", at, p);
                        ASSERT_INT_EQ(pl->header.h, p % 2 ? l.row_h : l.row_h + l.line_h);
                        ASSERT_INT_EQ(pl->explain.h, p % 2 ? 0 : l.line_h);
                        if (code && l.code.w > 0)
                            /* One code view, right of every panel, CPython's too. */
                            ASSERT_MSG(pl->rect.x + pl->rect.w <= l.code.x,
                                       "%s: panel %d runs under the code view", at, p);
                    }
                }
    sim_comparison_deinit(&c);
}

/* The toggle: panels, the time axis, the legend. */
static void test_toggle_view(void)
{
    sim_comparison c;
    make(&c, 1);
    ui_view v;
    ui_view_init(&v);
    ui_layout l;
    layout_for(&v, &c, 1280, 720, &l);
    ASSERT_INT_EQ(l.npanels, 3);
    int64_t engines = ui_comparison_end(&c);
    ASSERT_INT_EQ(ui_view_end(&v, &c), engines);
    ASSERT(engines < 400 * FX_MS);
    ui_legend_item items[UI_LEGEND_MAX];
    int n = ui_legend_items_shown(&c, v.show_cpython, items);
    for (int i = 0; i < n; i++)
        ASSERT(items[i].kind != UI_LEG_INFERRED);
    v.show_cpython = 1;
    layout_for(&v, &c, 1280, 720, &l);
    ASSERT_INT_EQ(l.npanels, 6);
    /* CPython's asyncio took longer: the shared axis reaches its end. */
    ASSERT_INT_EQ(ui_view_end(&v, &c), 400 * FX_MS);
    ASSERT(ui_tm_x(&v.tm, 400 * FX_MS) <= l.tl_x0 + l.tl_w + 0.5);
    n = ui_legend_items_shown(&c, v.show_cpython, items);
    int inferred = 0;
    for (int i = 0; i < n; i++)
        inferred += items[i].kind == UI_LEG_INFERRED;
    ASSERT_INT_EQ(inferred, 1);
    /* Off again: the axis is the engines' once more. */
    v.show_cpython = 0;
    layout_for(&v, &c, 1280, 720, &l);
    ASSERT_INT_EQ(l.npanels, 3);
    ASSERT_INT_EQ(ui_view_end(&v, &c), engines);
    sim_comparison_deinit(&c);

    /* Shown, but not measured (yet): the panels are there, with no trace. */
    make(&c, 0);
    v.show_cpython = 1;
    layout_for(&v, &c, 1280, 720, &l);
    ASSERT_INT_EQ(l.npanels, 6);
    ASSERT(ui_panel_trace(&l, &c, 1) == NULL);
    ASSERT(ui_panel_trace(&l, &c, 2) == &c.traces[1]);
    sim_comparison_deinit(&c);
}

/* The tooltip at time t on lane `lane` of panel p. */
static void hover(const ui_layout *l, const ui_view *v, const sim_comparison *c, int p,
                  uint32_t lane, int64_t t, ui_hit *h, char *buf, size_t n)
{
    ui_rect r;
    const sim_trace *tr = ui_panel_trace(l, c, p);
    ASSERT(tr);
    ASSERT_INT_EQ(ui_layout_lane_rect(l, p, lane, tr->nlanes, &r), 0);
    int x = (int)lround(ui_tm_x(&v->tm, t));
    ASSERT_INT_EQ(ui_hit_test(l, v, c, x, r.y + r.h / 2, h), UI_HIT_SEGMENT);
    ASSERT(h->tr == tr);
    ASSERT(ui_hit_describe(h, c, NULL, v, buf, n) > 0);
}

static void test_hover(void)
{
    sim_comparison c;
    make(&c, 1);
    ui_view v;
    ui_view_init(&v);
    v.show_cpython = 1;
    v.playhead = ui_view_end(&v, &c);
    ui_layout l;
    layout_for(&v, &c, 1920, 1080, &l);
    ui_hit h;
    char buf[1024];
    /* The cpu step's wait: inferred, from its wall and CPU time. */
    hover(&l, &v, &c, 1, 0, 20 * FX_MS, &h, buf, sizeof buf);
    ASSERT_INT_EQ(h.state, SIM_ST_READY);
    ASSERT_CONTAINS(buf, "task 0, asyncio in CPython 3.11");
    ASSERT_CONTAINS(buf, "waiting to run, inferred");
    ASSERT_CONTAINS(buf, "waiting, inferred: wall 30.0 ms, CPU 10.0 ms");
    ASSERT_CONTAINS(buf, "for 20.0 ms it was off the CPU");
    /* ... and its running part: inferred too, drawn first by convention. */
    hover(&l, &v, &c, 1, 0, 5 * FX_MS, &h, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "running, inferred: CPU 10.0 ms in the step's wall 30.0 ms");
    /* A sleep that woke late: the sleep measured, the lateness inferred. */
    hover(&l, &v, &c, 1, 0, 72 * FX_MS, &h, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "woke up late, inferred: the sleep asked for 30.0 ms and took "
                         "35.0 ms");
    hover(&l, &v, &c, 1, 0, 50 * FX_MS, &h, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "measured");
    ASSERT_MSG(!strstr(buf, "inferred"), "an observed segment called inferred: %s", buf);
    /* Waiting to start: the first segment. */
    hover(&l, &v, &c, 1, 0, 500000, &h, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "waiting to start, inferred");
    /* The loop lane: exact. */
    hover(&l, &v, &c, 1, 4, 20 * FX_MS, &h, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "the loop runs task 0, measured");
    /* The engine's panel says nothing is inferred, and speaks of its loop. */
    hover(&l, &v, &c, 0, 0, 5 * FX_MS, &h, buf, sizeof buf);
    ASSERT_MSG(!strstr(buf, "inferred") && !strstr(buf, "CPython 3.11"), "%s", buf);
    /* The header: what the panel is, its numbers beside the engine's, the
     * variables' fates as CPython's program recorded them. */
    sim_tcounter k = {.name = "hits", .expected = 4000, .final = 2233, .has_final = 1};
    ASSERT_INT_EQ(sim_trace_add_counter(&c.cpython[0], &k), 0);
    const ui_panel_layout *pl = &l.panels[1];
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, pl->header.x + pl->header.w / 2,
                              pl->header.y + pl->header.h / 2, &h), UI_HIT_HEADER);
    ASSERT(ui_hit_describe(&h, &c, NULL, &v, buf, sizeof buf) > 0);
    ASSERT_CONTAINS(buf, "asyncio's program in CPython 3.11.7 (measured)");
    ASSERT_CONTAINS(buf, "concviz's wall");
    ASSERT_CONTAINS(buf, "hits: 2233 of 4000 updates kept, 1767 lost");
    ASSERT_CONTAINS(buf, "No GIL lane");
    sim_comparison_deinit(&c);
}

/* The words of a panel with no run, and of the numbers. */
static void test_words(void)
{
    sim_comparison c;
    make(&c, 0);
    char buf[300];
    sim_trace *eng = &c.traces[0];
    ui_cpython_pending(eng, 1, "CPython 3.11.7", buf, sizeof buf);
    ASSERT_CONTAINS(buf, "running the program under CPython 3.11.7");
    int64_t end = eng->end_ns;
    eng->end_ns = -1; /* the engine's run goes on: CPython's comes next */
    ui_cpython_pending(eng, 1, NULL, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "next: CPython runs this program once concviz's run of asyncio");
    eng->end_ns = end;
    ui_cpython_pending(eng, 0, NULL, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "not measured in this run: press R");
    sim_summary py = {.wall_ns = 125 * FX_MS, .cpu_ns = 74 * FX_MS};
    sim_summary en = {.wall_ns = 250 * FX_MS};
    ui_cpython_stats(&py, &en, 0, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "wall 125 ms");
    ASSERT_CONTAINS(buf, "CPU 74.0 ms");
    ASSERT_CONTAINS(buf, "0.50x concviz's wall (250 ms)");
    ui_cpython_stats(&py, NULL, 0, buf, sizeof buf);
    ASSERT_MSG(!strstr(buf, "x concviz"), "a ratio with no engine run: %s", buf);
    ui_cpython_title(NULL, NULL, buf, sizeof buf);
    ASSERT_STR_EQ(buf, "CPython");
    sim_comparison_deinit(&c);
}

static int dist(ui_color a, ui_color b)
{
    return abs(a.r - b.r) + abs(a.g - b.g) + abs(a.b - b.b);
}

/* Drawn: an inferred running segment is paler (nearer the background)
 * than an observed one on the same lane; the title is inked; a panel whose
 * run could not be made says why across its rows. */
static void test_pixels(void)
{
    sim_comparison c;
    make(&c, 1);
    /* threading's CPython run could not be made: no interpreter. */
    sim_trace_deinit(&c.cpython[1]);
    sim_workload w;
    sim_parse_error pe;
    ASSERT_INT_EQ(sim_workload_parse(&w, c.workload, &pe), 0);
    ASSERT_INT_EQ(sim_cpython_unmeasured(&c.cpython[1], &w, SIM_MODEL_THREADING, NULL,
                                         "python3 was not found on PATH: install Python 3 "
                                         "(on Debian: sudo apt-get install python3)"), 0);
    sim_workload_free(&w);
    char err[256];
    ui_headless hl;
    ASSERT_MSG(ui_headless_init(&hl, 1280, 720, err, sizeof err) == 0, "%s", err);
    for (int th = 0; th < UI_THEME__COUNT; th++) {
        ui_view v;
        ui_view_init(&v);
        v.theme = (ui_theme_id)th;
        v.show_controls = 0;
        v.show_cpython = 1;
        v.paused = 1;
        v.playhead = ui_view_end(&v, &c);
        ui_headless_draw(&hl, &v, &c, NULL);
        ui_layout l;
        layout_for(&v, &c, 1280, 720, &l);
        const ui_theme *t = ui_theme_get(v.theme);
        ui_rect r;
        ASSERT_INT_EQ(ui_layout_lane_rect(&l, 1, 0, c.cpython[0].nlanes, &r), 0);
        int y = r.y + r.h / 2;
        ui_color inferred = ui_headless_pixel(&hl, (int)lround(ui_tm_x(&v.tm, 6 * FX_MS)), y);
        ui_color seen = ui_headless_pixel(&hl, (int)lround(ui_tm_x(&v.tm, 35 * FX_MS)), y);
        ASSERT_MSG(dist(seen, t->state[SIM_ST_RUNNING]) < 30, "%s: observed running is "
                   "not the running colour", t->name);
        ASSERT_MSG(dist(inferred, seen) > 30, "%s: an inferred segment looks observed",
                   t->name);
        ASSERT_MSG(dist(inferred, t->bg) < dist(seen, t->bg), "%s: inferred is not paler",
                   t->name);
        /* The title, inked at the left of the CPython panel's header. */
        const ui_panel_layout *pl = &l.panels[1];
        int ink = 0;
        for (int x = pl->header.x; x < pl->header.x + 120; x++)
            for (int yy = pl->header.y; yy < pl->header.y + pl->header.h; yy++)
                ink += dist(ui_headless_pixel(&hl, x, yy), t->panel[1]) > 100;
        ASSERT_MSG(ink > 30, "%s: no title in the CPython header", t->name);
        /* No run: the reason across the rows, where lanes would be. */
        const ui_panel_layout *none = &l.panels[3];
        ink = 0;
        for (int x = none->tasks.x; x < none->tasks.x + none->tasks.w / 2; x++)
            for (int yy = none->tasks.y; yy < none->tasks.y + none->tasks.h; yy++)
                ink += dist(ui_headless_pixel(&hl, x, yy), t->panel[1]) > 100;
        ASSERT_MSG(ink > 50, "%s: a CPython panel with no run says nothing", t->name);
    }
    ui_headless_deinit(&hl);
    sim_comparison_deinit(&c);
}

/* Lets time pass (10 ms a tick) until the run is over or `s` seconds did;
 * `seen` (or NULL) becomes 1 if the status ever named CPython's run. */
static double follow_run(app *a, double s, int *seen)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < (int)(s * 100) && (a->run_active || a->run_pending); i++) {
        struct timespec d = {0, 10 * 1000 * 1000};
        nanosleep(&d, NULL);
        app_tick(a, 0.01);
        app_layout(a, 1280, 720);
        if (seen && strstr(a->view.status, "program under "))
            *seen = 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* The toggle in the window: the key, the button, a saved run. */
static void test_app_toggle(void)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    sim_comparison c;
    make(&c, 0);
    app_desc d = {.busy_window_ns = -1, .preloaded = &c};
    app_init(a, &d);
    app_layout(a, 1280, 720);
    ASSERT_INT_EQ(a->view.show_cpython, 0);
    ASSERT_INT_EQ(ui_widgets_find(&a->ws, APP_W_CPYTHON)->on, 0);
    /* A saved run without CPython: on, and the next run measures it; this
     * one is not replaced. */
    send_key(a, SDLK_y, 0);
    ASSERT_INT_EQ(a->view.show_cpython, 1);
    ASSERT_INT_EQ(ui_widgets_find(&a->ws, APP_W_CPYTHON)->on, 1);
    ASSERT_INT_EQ(app_run_busy(a), 0);
    ASSERT_CONTAINS(a->view.toast, "the next run (R)");
    app_layout(a, 1280, 720);
    ASSERT_INT_EQ(a->layout.npanels, 6);
    send_key(a, SDLK_y, 0);
    ASSERT_INT_EQ(a->view.show_cpython, 0);
    app_layout(a, 1280, 720);
    ASSERT_INT_EQ(a->layout.npanels, 3);
    app_deinit(a);
    /* A saved run with CPython's runs reopens with them. */
    make(&c, 1);
    app_init(a, &d);
    ASSERT_INT_EQ(a->view.show_cpython, 1);
    ASSERT_INT_EQ(ui_widgets_find(&a->ws, APP_W_CPYTHON)->on, 1);
    app_deinit(a);
    free(a);
    sim_comparison_deinit(&c);
}

/* The run path with an interpreter that is not there: the engine's run is
 * whole, CPython's panel says how to install one, and so does a toast. */
static void test_app_no_python(void)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.busy_window_ns = -1, .cfg = {.workload = "2*io:10ms"},
                  .python = "/nonexistent/python3"};
    d.cfg.models[0] = SIM_MODEL_ASYNCIO;
    d.cfg.nmodels = 1;
    app_init(a, &d);
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    follow_run(a, 30, NULL);
    ASSERT_INT_EQ(a->cmp.ntraces, 1);
    ASSERT(sim_comparison_cpython(&a->cmp, 0) == NULL); /* toggle off: not measured */
    send_key(a, SDLK_y, 0); /* on: the workload runs again, CPython after it */
    ASSERT_INT_EQ(app_run_busy(a), 1);
    follow_run(a, 30, NULL);
    ASSERT_INT_EQ(a->cmp.traces[0].outcome, SIM_OUTCOME_OK);
    const sim_trace *py = sim_comparison_cpython(&a->cmp, 0);
    ASSERT(py);
    ASSERT_INT_EQ(py->outcome, SIM_OUTCOME_NOT_RUN);
    ASSERT_CONTAINS(py->error, "install Python 3 (on Debian: sudo apt-get install python3)");
    ASSERT_CONTAINS(a->view.toast, "install Python 3");
    app_deinit(a);
    free(a);
}

/* A real python3: measured under each model, the status says so while it
 * runs; then Esc stops a long one, the interpreter with it. */
static void test_app_real_python(void)
{
    if (system("python3 -c pass >/dev/null 2>&1") != 0)
        TEST_SKIP_CASE("no python3 here: the window's CPython run is tested with a real "
                       "interpreter only where there is one");
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.busy_window_ns = -1, .cfg = {.workload = "2*io:200ms"}, .cpython = 1};
    d.cfg.models[0] = SIM_MODEL_ASYNCIO;
    d.cfg.models[1] = SIM_MODEL_THREADING;
    d.cfg.nmodels = 2;
    app_init(a, &d);
    ASSERT_INT_EQ(a->view.show_cpython, 1);
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    int seen = 0;
    follow_run(a, 120, &seen);
    ASSERT_MSG(seen, "the status never said which program CPython ran");
    ASSERT_MSG(!strstr(a->view.status, "program under "), "still says: %s", a->view.status);
    for (int i = 0; i < 2; i++) {
        const sim_trace *py = sim_comparison_cpython(&a->cmp, i);
        ASSERT(py);
        ASSERT_MSG(py->outcome == SIM_OUTCOME_OK, "%s: %s", sim_model_name(py->model),
                   py->error);
        ASSERT(py->python.version[0] == '3');
    }
    app_layout(a, 1280, 720);
    ASSERT_INT_EQ(a->layout.npanels, 4);
    /* Esc while CPython runs a long program: stopped, not waited for. */
    ui_field_set(&a->ws.field, "(40*io:250ms)");
    a->cfg.nmodels = 1;
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    int measuring = 0;
    for (int i = 0; i < 3000 && !measuring && a->run_active; i++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
        app_tick(a, 0.01);
        measuring = strstr(a->view.status, "program under ") != NULL;
    }
    ASSERT_MSG(measuring, "CPython's run never began");
    send_key(a, SDLK_ESCAPE, 0);
    double took = follow_run(a, 60, NULL);
    ASSERT_INT_EQ(a->run_active, 0);
    /* 40 waits of 250 ms are 10 s in CPython; stopping takes the guard's
     * SIGTERM and at most a second's grace before SIGKILL. */
    ASSERT_MSG(took < 8.0, "Esc took %.1f s to stop CPython's run", took);
    const sim_trace *py = sim_comparison_cpython(&a->cmp, 0);
    ASSERT(py && py->outcome != SIM_OUTCOME_OK);
    app_deinit(a);
    free(a);
}

/* F1's keys page names the toggle's key. */
static void test_help(void)
{
    int found = 0;
    for (int r = 0; r < ui_help_nkeys; r++)
        found |= ui_help_keys[r].key && strcmp(ui_help_keys[r].key, "Y") == 0 &&
                 strstr(ui_help_keys[r].text, "CPython");
    ASSERT_MSG(found, "the keys page lacks Y, the CPython toggle");
    ASSERT_CONTAINS(ui_help_intro, "Press Y");
}

int main(void)
{
    test_layout();
    test_toggle_view();
    test_hover();
    test_words();
    test_pixels();
    test_help();
    test_app_toggle();
    test_app_no_python();
    test_app_real_python();
    TEST_DONE();
}
