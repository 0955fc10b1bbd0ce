/* test_ui_classroom.c - what a teacher and a newcomer meet, driven by
 * synthetic events: the welcome on a first start (remembered once
 * closed, in a temporary XDG_STATE_HOME), its three ways in, the help's
 * pages (every step kind of the language, every key), the Lessons button
 * and L outside a lesson, presenter mode (events, switches, bookmarks),
 * the busy-machine badge (from a made-up /proc) and repeated runs with
 * their median. Last, the window drawn headless in every theme at three
 * sizes, presenter mode and the cards included, with checks that nothing
 * leaves the bar or covers another control; with UI_SHOTS_DIR set the
 * pictures are saved for a person to look at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app_events.h"
#include "app_lesson.h"
#include "headless.h"
#include "progress.h"
#include "test.h"
#include "ui_fixture.h"

#define W 1280
#define H 720

static char tmp[256], welcomed[600], sdir[600];

static app *new_app(const app_desc *extra)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = extra ? *extra : (app_desc){0};
    if (!d.busy_window_ns && !d.busy_source)
        d.busy_window_ns = -1;
    d.shipped_dir = sdir;
    d.welcomed_path = welcomed;
    app_init(a, &d);
    return a;
}

static void free_app(app *a)
{
    app_deinit(a);
    free(a);
}

static void with_fixture(app *a, uint32_t ntasks)
{
    sim_comparison c;
    fixture_comparison(&c, ntasks);
    app_show_saved(a, &c);
    a->view.status[0] = 0;
    a->view.paused = 1;
    a->view.playhead = 150 * FX_MS;
}

static void test_welcome(void)
{
    struct stat st;
    ASSERT(stat(welcomed, &st) != 0);
    app *a = new_app(NULL);
    app_welcome_if_new(a);
    ASSERT(a->view.show_help);
    ASSERT_INT_EQ(a->help.page, UI_HELP_WELCOME);
    app_layout(a, W, H);
    /* Its three ways in are there, inside the card. */
    ASSERT(a->help.course.w > 0 && a->help.type.w > 0);
    ASSERT_INT_EQ(a->help.npresets, app_npresets);
    for (int i = 0; i < app_npresets; i++) {
        ui_rect r = a->help.preset[i];
        ASSERT(r.x >= a->help.box.x && r.x + r.w <= a->help.box.x + a->help.box.w);
        ASSERT(r.y >= a->help.box.y && r.y + r.h <= a->help.box.y + a->help.box.h);
    }
    /* Keys are the card's: T does not change the theme, it closes it. */
    ui_theme_id th = a->view.theme;
    send_key(a, SDLK_TAB, 0);
    ASSERT_INT_EQ(a->help.page, UI_HELP_LANGUAGE);
    send_key(a, SDLK_LEFT, 0);
    ASSERT_INT_EQ(a->help.page, UI_HELP_WELCOME);
    /* "Start the course": the picker, outside any lesson. */
    app_layout(a, W, H);
    click(a, a->help.course);
    ASSERT(!a->view.show_help);
    ASSERT(a->lesson && a->lesson->panel.picker);
    ASSERT(a->lesson->nrows >= 10);
    ASSERT_INT_EQ(a->view.theme, th);
    /* Closing the welcome remembered it. */
    ASSERT_INT_EQ(stat(welcomed, &st), 0);
    /* Esc leaves the picker: back to the window, nothing lost. */
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(!a->lesson);
    free_app(a);

    /* The next start opens on the comparison; F1 and Help reach the card. */
    a = new_app(NULL);
    app_welcome_if_new(a);
    ASSERT(!a->view.show_help);
    send_key(a, SDLK_F1, 0);
    ASSERT(a->view.show_help);
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(!a->view.show_help);
    app_layout(a, W, H);
    click(a, ui_widgets_find(&a->ws, APP_W_HELP)->rect);
    ASSERT(a->view.show_help);
    app_layout(a, W, H);
    /* "Type a workload": the field, its text selected to be typed over. */
    click(a, a->help.type);
    ASSERT(!a->view.show_help);
    ASSERT(a->ws.focus >= 0 && a->ws.w[a->ws.focus].id == APP_W_FIELD);
    ASSERT_INT_EQ(ui_field_selection(&a->ws.field, NULL, NULL), (int)strlen(a->ws.field.text));
    type(a, "8*io:20ms");
    ASSERT_STR_EQ(a->ws.field.text, "8*io:20ms");
    send_key(a, SDLK_ESCAPE, 0);
    /* A preset from the card runs it. */
    send_key(a, SDLK_F1, 0);
    a->help.page = UI_HELP_WELCOME;
    app_layout(a, W, H);
    click(a, a->help.preset[0]);
    ASSERT(!a->view.show_help);
    ASSERT_STR_EQ(a->ws.field.text, app_presets[0].workload);
    ASSERT(app_run_busy(a));
    app_clear_run(a);
    free_app(a);
}

/* The cheat sheet names every step kind; the keys page every key. */
static void test_help_words(void)
{
    static const char *steps[] = {"cpu:", "io:", "yield", "(s1,s2", "8*", "A + B", "inc:",
                                  "load:", "store:", "shared.", "lock:", "sem:", "put:",
                                  "get:", "thread(", "process("};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int found = 0;
        for (int r = 0; r < ui_help_nlanguage; r++)
            found |= ui_help_language[r].key && strstr(ui_help_language[r].key, steps[i]);
        ASSERT_MSG(found, "the cheat sheet lacks '%s'", steps[i]);
    }
    static const char *keys[] = {"Space", "F5", "L", "N  P", "B", "G", "]", ".", "F1",
                                 "Ctrl+Z", "Ctrl+V", "Up  Down", "R  Esc", "F12"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int found = 0;
        for (int r = 0; r < ui_help_nkeys; r++)
            found |= ui_help_keys[r].key && strstr(ui_help_keys[r].key, keys[i]);
        ASSERT_MSG(found, "the keys page lacks '%s'", keys[i]);
    }
    /* Every page fits every window: no card leaves the screen. */
    static const int sizes[][2] = {{800, 600}, {1280, 720}, {1920, 1080}};
    for (int s = 0; s < 3; s++)
        for (int p = 0; p < UI_HELP__PAGES; p++)
            for (int px = 11; px <= 31; px += 10) {
                ui_help hp = {.page = (ui_help_page)p, .npresets = 5,
                              .presets = {"I/O-bound", "CPU-bound", "mixed",
                                          "blocking the loop", "convoy"}};
                ui_help_layout(&hp, sizes[s][0], sizes[s][1], px);
                ASSERT(hp.box.x >= 0 && hp.box.y >= 0);
                ASSERT(hp.box.x + hp.box.w <= sizes[s][0]);
                ASSERT_MSG(hp.box.y + hp.box.h <= sizes[s][1], "page %d at %dx%d, %d px", p,
                           sizes[s][0], sizes[s][1], px);
            }
}

/* L and the Lessons button open the course anywhere; a lesson picked
 * from it plays. */
static void test_lessons_anywhere(void)
{
    app *a = new_app(NULL);
    with_fixture(a, 4);
    app_layout(a, W, H);
    send_key(a, SDLK_l, 0);
    ASSERT(a->lesson && a->lesson->panel.picker);
    ASSERT_INT_EQ(a->cmp.ntraces, 3); /* the picture stays meanwhile */
    app_refresh(a);
    ASSERT_CONTAINS(a->title, "choose a lesson");
    send_key(a, SDLK_l, 0); /* L again closes it */
    ASSERT(!a->lesson);
    app_layout(a, W, H);
    click(a, ui_widgets_find(&a->ws, APP_W_LESSONS)->rect);
    ASSERT(a->lesson && a->lesson->panel.picker);
    send_key(a, SDLK_RETURN, 0); /* the first lesson */
    ASSERT(a->lesson && !a->lesson->panel.picker);
    ASSERT(a->lesson->les.nsteps > 0);
    app_refresh(a);
    ASSERT_CONTAINS(a->title, "step 1 of");
    app_clear_run(a);
    free_app(a);
}

static void test_presenter(void)
{
    app *a = new_app(NULL);
    with_fixture(a, 4);
    app_layout(a, W, H);
    int bar = a->layout.controls.h, px = a->layout.font_px;
    ASSERT(bar > 0);
    send_key(a, SDLK_F5, 0);
    ASSERT(a->view.presenter);
    app_layout(a, W, H);
    ASSERT_INT_EQ(a->layout.controls.h, 0);
    ASSERT(a->layout.font_px > px);
    /* Right: the next event, exactly; Left back to it. */
    a->view.playhead = 0;
    send_key(a, SDLK_RIGHT, 0);
    int64_t e1 = a->view.playhead;
    ASSERT(e1 > 0 && a->view.paused);
    send_key(a, SDLK_RIGHT, 0);
    ASSERT(a->view.playhead > e1);
    send_key(a, SDLK_LEFT, 0);
    ASSERT_INT_EQ(a->view.playhead, e1);
    /* ] the next switch (a GIL hand-off, a dispatch, the loop's switch). */
    send_key(a, SDLK_RIGHTBRACKET, 0);
    int64_t s1 = a->view.playhead;
    ASSERT(s1 > e1);
    send_key(a, SDLK_RIGHTBRACKET, 0);
    ASSERT(a->view.playhead > s1);
    send_key(a, SDLK_LEFTBRACKET, 0);
    ASSERT_INT_EQ(a->view.playhead, s1);
    /* Bookmarks: B marks, G goes, Shift+G back. */
    send_key(a, SDLK_b, 0);
    a->view.playhead = 10 * FX_MS;
    send_key(a, SDLK_b, 0);
    ASSERT_INT_EQ(a->view.nbookmarks, 2);
    a->view.playhead = 0;
    send_key(a, SDLK_g, 0);
    ASSERT_INT_EQ(a->view.playhead, a->view.bookmarks[0]);
    send_key(a, SDLK_g, 0);
    ASSERT_INT_EQ(a->view.playhead, a->view.bookmarks[1]);
    send_key(a, SDLK_g, KMOD_LSHIFT);
    ASSERT_INT_EQ(a->view.playhead, a->view.bookmarks[0]);
    /* The keys also work outside presenter mode, but Left and Right step
     * by time there, as before. */
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(!a->view.presenter);
    send_key(a, SDLK_PERIOD, 0);
    ASSERT(a->view.playhead > a->view.bookmarks[0]);
    free_app(a);
}

/* A made-up /proc: other programs use `others` CPUs of 2, 0.25 s a sample. */
typedef struct fake_proc {
    double others;
    int64_t t;
    uint64_t busy, ours;
} fake_proc;

static int fake_source(void *user, app_busy_sample *s)
{
    fake_proc *f = user;
    double tick = (double)sysconf(_SC_CLK_TCK);
    f->t += 250000000;
    f->busy += (uint64_t)(f->others * 0.25 * tick + 0.5);
    s->t_ns = f->t;
    s->busy_ticks = f->busy;
    s->ours_ticks = f->ours;
    s->cpus = 2;
    return 0;
}

static void test_busy(void)
{
    fake_proc f = {.others = 1.5};
    app_desc d = {.busy_source = fake_source, .busy_user = &f,
                  .cfg = {.workload = "2*io:5ms", .models = {SIM_MODEL_ASYNCIO}, .nmodels = 1}};
    app *a = new_app(&d);
    /* The first run waits for its second of looking at the machine. */
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    ASSERT(a->run_pending && !a->run_active);
    ASSERT(ui_widgets_find(&a->ws, APP_W_STOP)->enabled);
    ASSERT(run_out(a, W, H, 10));
    ASSERT(a->shown_busy.known && a->shown_busy.busy);
    ASSERT(a->shown_busy.others > 1.2 && a->shown_busy.others < 1.8);
    ASSERT_STR_EQ(a->view.badge, "busy machine");
    ASSERT_INT_EQ(a->ws.note_kind, UI_NOTE_BUSY);
    ASSERT_CONTAINS(a->ws.note, "other programs used 1.5 of 2 CPUs");
    /* A quiet machine: no badge, and the run starts at once now. */
    f.others = 0.05;
    for (int i = 0; i < 5; i++)
        app_idle(a);
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    ASSERT(a->run_active);
    ASSERT(run_out(a, W, H, 10));
    ASSERT(a->shown_busy.known && !a->shown_busy.busy);
    ASSERT_STR_EQ(a->view.badge, "");
    free_app(a);

    /* What the verdict weighs: asyncio alone needs one CPU of two, so one
     * busy CPU leaves it room; multiprocessing on both does not. */
    app_busy_sample s0 = {.t_ns = 0, .busy_ticks = 0, .cpus = 2};
    double tick = (double)sysconf(_SC_CLK_TCK);
    app_busy_sample s1 = {.t_ns = 1000000000, .busy_ticks = (uint64_t)(1.0 * tick),
                          .ours_ticks = 0, .cpus = 2};
    app_busy_verdict v;
    app_busy_between(&s0, &s1, 1, &v);
    ASSERT(v.known && !v.busy);
    app_busy_between(&s0, &s1, 2, &v);
    ASSERT(v.known && v.busy);
    /* Our own CPU time is not another program's. */
    s1.ours_ticks = (uint64_t)(1.0 * tick);
    app_busy_between(&s0, &s1, 2, &v);
    ASSERT(v.known && !v.busy);
    /* Too short a window says nothing. */
    s1.t_ns = 50000000;
    app_busy_between(&s0, &s1, 2, &v);
    ASSERT(!v.known);
    /* /proc's text. */
    const char stat[] = "cpu  100 0 50 900 10 0 0 0 0 0\n"
                        "cpu0 60 0 30 400 5 0 0 0 0 0\n"
                        "cpu1 40 0 20 500 5 0 0 5 0 0\n"
                        "intr 1 2 3\n";
    unsigned char only1[128] = {0};
    only1[0] = 2; /* cpu1 alone */
    int cpus;
    uint64_t busy;
    ASSERT_INT_EQ(app_busy_parse_stat(stat, only1, &cpus, &busy), 0);
    ASSERT_INT_EQ(cpus, 1);
    ASSERT_INT_EQ(busy, 65);
    ASSERT_INT_EQ(app_busy_parse_stat(stat, NULL, &cpus, &busy), 0);
    ASSERT_INT_EQ(cpus, 2);
    ASSERT_INT_EQ(busy, 155);
    uint64_t ticks;
    ASSERT_INT_EQ(app_busy_parse_pid_stat("42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 "
                                          "7 3 2 1 20 0 1 0 100 1000 50", &ticks), 0);
    ASSERT_INT_EQ(ticks, 13);
    /* The real /proc reads. */
    app_busy_sample real;
    ASSERT_INT_EQ(app_busy_read_proc(NULL, &real), 0);
    ASSERT(real.cpus >= 1 && real.busy_ticks > 0);
}

static void test_repeat(void)
{
    app_desc d = {.cfg = {.workload = "2*(cpu:2ms,io:3ms)", .models = {SIM_MODEL_ASYNCIO,
                  SIM_MODEL_THREADING}, .nmodels = 2}, .repeat = 3};
    app *a = new_app(&d);
    ASSERT_STR_EQ(ui_widgets_find(&a->ws, APP_W_REPEAT)->value, "3 (median)");
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    ASSERT_CONTAINS(a->view.status, "run 1 of 3");
    ASSERT(run_out(a, W, H, 30));
    ASSERT_INT_EQ(a->cmp.ntraces, 2);
    for (int p = 0; p < 2; p++) {
        const app_spread *s = &a->spread[p];
        ASSERT_INT_EQ(s->runs, 3);
        ASSERT(s->min_ns <= s->median_ns && s->median_ns <= s->max_ns);
        /* The run drawn is the median one. */
        sim_summary sum;
        sim_trace_summarize(&a->cmp.traces[p], a->cmp.nominal_ns, a->cmp.machine.cpus, &sum);
        ASSERT_INT_EQ(sum.wall_ns, s->median_ns);
        ASSERT_CONTAINS(a->spread_text[p], "median of 3 runs");
        ASSERT(a->cmp.traces[p].cfg.workload == a->cmp.workload);
    }
    /* The runs stepper: 1, 3, 5, ... */
    ui_widget *rw = ui_widgets_find(&a->ws, APP_W_REPEAT);
    app_layout(a, W, H);
    click(a, rw->plus);
    ASSERT_INT_EQ(a->repeat, 5);
    click(a, rw->minus);
    click(a, rw->minus);
    ASSERT_INT_EQ(a->repeat, 1);
    free_app(a);
}

/* Draws the window headless; checks the bar; saves it with UI_SHOTS_DIR. */
static void render(app *a, int w, int h, const char *name)
{
    ui_headless hl;
    char err[256];
    ASSERT_MSG(ui_headless_init(&hl, w, h, err, sizeof err) == 0, "%s", err);
    app_refresh(a);
    app_layout(a, w, h);
    ui_frame_extra x = {.widgets = &a->ws, .help = &a->help,
                        .dialog = a->asking ? &a->dialog : NULL, .lens = &a->lens};
    for (int i = 0; i < SIM_MODEL__COUNT; i++)
        x.spread[i] = a->spread_text[i];
    ui_draw_frame(&hl.ui, &a->layout, &a->view, &a->cmp, &x);
    SDL_RenderPresent(hl.r);
    const ui_layout *l = &a->layout;
    /* Every panel shows, in the body, with a task row at least. */
    ASSERT_INT_EQ(l->npanels, a->cmp.ntraces);
    for (int p = 0; p < l->npanels; p++) {
        ASSERT(l->panels[p].rect.y + l->panels[p].rect.h <= l->legend.y);
        ASSERT(l->rows_visible >= 1);
    }
    if (l->controls.h > 0) {
        /* Every widget lies inside the bar, and none overlaps another. */
        for (int i = 0; i < a->ws.n; i++) {
            ui_rect r = a->ws.w[i].rect;
            ASSERT_MSG(r.y >= l->controls.y && r.y + r.h <= l->controls.y + l->controls.h &&
                       r.x >= 0 && r.x + r.w <= l->w, "%s: widget %d outside the bar",
                       name, i);
            for (int j = i + 1; j < a->ws.n; j++) {
                ui_rect o = a->ws.w[j].rect;
                int overlap = r.x < o.x + o.w && o.x < r.x + r.w && r.y < o.y + o.h &&
                              o.y < r.y + r.h;
                ASSERT_MSG(!overlap, "%s: widgets %d and %d overlap", name, i, j);
            }
        }
        /* The Run button has its label on it. */
        ui_widget *run = ui_widgets_find(&a->ws, APP_W_RUN);
        ui_color bg = ui_theme_get(a->view.theme)->button;
        int ink = 0;
        for (int y = run->rect.y + 2; y < run->rect.y + run->rect.h - 2; y++)
            for (int xx = run->rect.x + 2; xx < run->rect.x + run->rect.w - 2; xx++) {
                ui_color c = ui_headless_pixel(&hl, xx, y);
                ink += abs(c.r - bg.r) + abs(c.g - bg.g) + abs(c.b - bg.b) > 90;
            }
        ASSERT_MSG(ink > 10 || a->view.show_help || a->asking || run->on,
                   "%s: no label on Run (%d)",
                   name, ink);
    }
    const char *dir = getenv("UI_SHOTS_DIR");
    if (dir) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.png", dir, name);
        ASSERT_MSG(ui_save_png(hl.surf, path, err, sizeof err) == 0, "%s", err);
    }
    ui_headless_deinit(&hl);
}

static void test_render(void)
{
    static const int sizes[][2] = {{800, 600}, {1280, 720}, {1920, 1080}};
    char name[96];
    for (int s = 0; s < 3; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        for (int t = 0; t < UI_THEME__COUNT; t++) {
            app *a = new_app(NULL);
            with_fixture(a, 8);
            a->view.theme = (ui_theme_id)t;
            const char *tn = ui_theme_name((ui_theme_id)t);
            snprintf(name, sizeof name, "app-%s-%d", tn, w);
            render(a, w, h, name);
            /* Projector text for the back of the room: 28 px on 1080p. */
            if (t == UI_THEME_PROJECTOR && h == 1080)
                ASSERT_MSG(a->layout.small_px >= 28, "%d px", a->layout.small_px);
            /* An error as it is typed, under the field. */
            ui_field_set(&a->ws.field, "4*(cpu:40ms,io:60)");
            a->ws.focus = (int)(ui_widgets_find(&a->ws, APP_W_FIELD) - a->ws.w);
            snprintf(name, sizeof name, "app-%s-%d-error", tn, w);
            render(a, w, h, name);
            /* Stale settings, and the busy badge. */
            ui_field_set(&a->ws.field, a->cmp.workload);
            a->ws.focus = -1;
            a->cfg.workers = 3;
            a->shown_busy = (app_busy_verdict){.known = 1, .busy = 1, .others = 1.4, .cpus = 2,
                                               .needed = 2, .seconds = 1};
            snprintf(name, sizeof name, "app-%s-%d-stale-busy", tn, w);
            render(a, w, h, name);
            a->cfg.workers = 0;
            snprintf(name, sizeof name, "app-%s-%d-busy", tn, w);
            render(a, w, h, name);
            /* Presenter mode, with bookmarks. */
            a->view.presenter = 1;
            ui_view_bookmark(&a->view, 60 * FX_MS, 0);
            ui_view_bookmark(&a->view, 200 * FX_MS, 0);
            snprintf(name, sizeof name, "app-%s-%d-presenter", tn, w);
            render(a, w, h, name);
            a->view.presenter = 0;
            /* Large text: nothing hidden, nothing overlapping. */
            a->view.font_scale = 2.0f;
            snprintf(name, sizeof name, "app-%s-%d-scale2", tn, w);
            render(a, w, h, name);
            a->view.font_scale = 1.0f;
            /* The cards. */
            for (int p = 0; p < UI_HELP__PAGES; p++) {
                app_help_open(a, (ui_help_page)p);
                snprintf(name, sizeof name, "app-%s-%d-help%d", tn, w, p);
                render(a, w, h, name);
            }
            app_help_close(a);
            a->asking = 1;
            snprintf(a->dialog.text, sizeof a->dialog.text,
                     "This run will take at least 3 h 28 min: threading alone needs that "
                     "long, by the workload and the settings. Run it anyway? (Stop ends "
                     "it at any time, keeping what it drew.)");
            snprintf(a->dialog.yes, sizeof a->dialog.yes, "Run it anyway (Enter)");
            snprintf(a->dialog.no, sizeof a->dialog.no, "Cancel (Esc)");
            snprintf(name, sizeof name, "app-%s-%d-ask", tn, w);
            render(a, w, h, name);
            a->asking = 0;
            free_app(a);
        }
    }
    /* Four models and many tasks at twice the text: still four panels. */
    app *a = new_app(NULL);
    with_fixture(a, 8);
    sim_comparison *c = &a->cmp;
    fixture_schedule(&c->traces[3], SIM_MODEL_THREADING, 8, 40 * FX_MS, 60 * FX_MS,
                     40 * FX_MS);
    c->traces[3].model = SIM_MODEL_FREE_THREADING;
    c->traces[3].outcome = SIM_OUTCOME_OK;
    c->ntraces = 4;
    a->view.font_scale = 2.0f;
    render(a, 1280, 720, "app-four-scale2-1280");
    render(a, 800, 600, "app-four-scale2-800");
    a->view.theme = UI_THEME_PROJECTOR;
    a->view.font_scale = 3.0f;
    render(a, 800, 600, "app-four-projector-scale3-800");
    free_app(a);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/concviz-classroom-XXXXXX");
    ASSERT(mkdtemp(tmp));
    ASSERT_INT_EQ(setenv("XDG_STATE_HOME", tmp, 1), 0);
    ASSERT_INT_EQ(setenv("XDG_DATA_HOME", tmp, 1), 0);
    ASSERT_INT_EQ(lesson_state_path("welcomed", welcomed, sizeof welcomed), 0);
    snprintf(sdir, sizeof sdir, "%s/lessons", getenv("CONCVIZ_SOURCE_ROOT")
                                                  ? getenv("CONCVIZ_SOURCE_ROOT") : ".");
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        fprintf(stderr, "note: SDL video did not start (%s)\n", SDL_GetError());
    test_help_words();
    test_welcome();
    test_lessons_anywhere();
    test_presenter();
    test_busy();
    test_repeat();
    test_render();
    SDL_Quit();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    ASSERT_INT_EQ(system(cmd), 0);
    puts("ui_classroom: ok");
    return 0;
}
