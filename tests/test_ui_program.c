/* test_ui_program.c - a program's own trace (`concviz trace`) and another
 * tool's Chrome trace, drawn headless at 800x600, 1280x720 and 1920x1080.
 *
 * The fixtures: crash.trace.json, what `concviz trace -- python3 crash.py`
 * saved (tests/fixtures/usertrace/: a worker thread that computes and
 * sleeps, a main thread that divides by zero), and viztracer.json
 * (tests/fixtures/foreign/). Checked: the panel is named after the program
 * and its lanes after its threads; the legend holds what the trace holds
 * (inferred segments and the exception's mark for the program; for the
 * other tool's trace, only running and its mark, none of the waits it
 * cannot know); a span of the other tool's trace is drawn in the running
 * colour where it was open, and nothing where it was not; the mark is
 * drawn; the hover says "inferred" over an inferred segment and names
 * what a blocking call was; the header says how the program ended. With
 * UI_SHOTS_DIR set, the frames are saved for a person to look at.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_events.h"
#include "app_ui.h"
#include "draw.h"
#include "headless.h"
#include "hit.h"
#include "legend.h"
#include "program_view.h"
#include "test.h"
#include "trace_load.h"
#include "ui_probe.h"

static char root[4096];

static void load(const char *rel, sim_comparison *c)
{
    char path[4300], msg[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", root, rel);
    ASSERT_MSG(sim_trace_load(path, c, msg, sizeof msg) == 0, "%s", msg);
}

static int has_item(const sim_comparison *c, ui_legend_kind k, int state)
{
    ui_legend_item it[UI_LEGEND_MAX];
    int n = ui_legend_items_shown(c, 0, it);
    for (int i = 0; i < n; i++)
        if (it[i].kind == k && (k != UI_LEG_STATE || it[i].state == state))
            return 1;
    return 0;
}

static uint32_t lane_named(const sim_trace *t, const char *name)
{
    char buf[128];
    for (uint32_t i = 0; i < t->nlanes; i++) {
        sim_lane_name(t, i, buf, sizeof buf);
        if (!strcmp(buf, name))
            return i;
    }
    ASSERT_MSG(0, "no lane %s", name);
    return 0;
}

static void test_program_words(const sim_comparison *c)
{
    const sim_trace *t = &c->traces[0];
    ASSERT(t->source == SIM_SOURCE_PROGRAM);
    char buf[600];
    ui_program_title(t, buf, sizeof buf);
    ASSERT_STR_EQ(buf, "python3 crash.py");
    ui_program_explain(t, 0, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "ZeroDivisionError");
    ASSERT(has_item(c, UI_LEG_INFERRED, 0));
    ASSERT(has_item(c, UI_LEG_MARK, 0));
    ASSERT(has_item(c, UI_LEG_STATE, SIM_ST_RUNNING));
    /* Every inferred segment says so on hover; the worker's sleep is named. */
    uint32_t main_lane = lane_named(t, "MainThread"), worker = lane_named(t, "worker");
    int inferred = 0, slept = 0;
    for (uint32_t i = 0; i < t->nlanes; i++) {
        const sim_lane *l = &t->lanes[i];
        for (uint32_t k = 0; k < l->nmarks; k++) {
            int64_t end = k + 1 < l->nmarks ? l->marks[k + 1].t : t->end_ns;
            if (end <= l->marks[k].t || l->marks[k].state == SIM_ST_DONE)
                continue;
            ui_why(t, i, l->marks[k].t + (end - l->marks[k].t) / 2, buf, sizeof buf);
            ASSERT_MSG(buf[0], "no words for lane %u mark %u", i, k);
            if (l->marks[k].flags & SIM_MARK_INFERRED) {
                ASSERT_CONTAINS(buf, "inferred");
                inferred++;
            }
            if (i == worker && l->marks[k].state == SIM_ST_IO &&
                !(l->marks[k].flags & SIM_MARK_INFERRED)) {
                ASSERT_CONTAINS(buf, "time.sleep");
                slept++;
            }
        }
    }
    ASSERT(inferred > 0 && slept > 0);
    /* The exception is a mark on the main thread. */
    ASSERT_INT_EQ(t->ninstants, 1);
    ASSERT_INT_EQ(t->instants[0].code, SIM_IN_MARK);
    ASSERT_INT_EQ(t->instants[0].lane, main_lane);
}

static void test_foreign_words(const sim_comparison *c)
{
    ASSERT(has_item(c, UI_LEG_STATE, SIM_ST_RUNNING));
    ASSERT(has_item(c, UI_LEG_MARK, 0));
    /* It cannot know waits: the legend does not offer them. */
    ASSERT(!has_item(c, UI_LEG_STATE, SIM_ST_READY));
    ASSERT(!has_item(c, UI_LEG_STATE, SIM_ST_IO));
    ASSERT(!has_item(c, UI_LEG_INFERRED, 0));
    char buf[600];
    ui_program_recorded(c, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "viztracer 0.16.3");
}

/* Perfetto's fixture has two processes: their lanes are their threads'
 * running, inferred, and the legend says so. */
static void test_foreign_processes(void)
{
    sim_comparison c;
    load("foreign/perfetto.json", &c);
    ASSERT(has_item(&c, UI_LEG_INFERRED, 0));
    ASSERT(has_item(&c, UI_LEG_MESSAGE, 0));
    sim_comparison_deinit(&c);
}

/* The viztracer fixture drawn: worker-1 runs from 199.5 us to 399.5 us
 * and from 449.5 us; between, nothing. */
static void probe_foreign(ui_headless *hl, ui_view *v, const sim_comparison *c)
{
    const ui_theme *th = ui_theme_get(v->theme);
    ui_layout l;
    ui_view_layout(v, c, hl->w, hl->h, 0, &l);
    const sim_trace *t = &c->traces[0];
    uint32_t w = lane_named(t, "worker-1");
    ui_rect r;
    ASSERT(ui_layout_lane_rect(&l, 0, w, t->nlanes, &r) == 0);
    int x = (int)lround(ui_tm_x(&v->tm, 300000));
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 1, r.y + r.h / 2 - 1, 3, 3},
                        th->state[SIM_ST_RUNNING]), "worker-1 should run at 300 us");
    x = (int)lround(ui_tm_x(&v->tm, 425000));
    ASSERT_MSG(!rect_has(hl, (ui_rect){x - 1, r.y + 2, 3, r.h - 4},
                         th->state[SIM_ST_RUNNING]), "worker-1 should not run at 425 us");
    ASSERT_MSG(hl->ui.markers >= 1, "the mark was not drawn");
}

static void draw_all(const char *name, const sim_comparison *c, int foreign)
{
    static const int sizes[3][2] = {{800, 600}, {1280, 720}, {1920, 1080}};
    const char *dir = getenv("UI_SHOTS_DIR");
    for (int s = 0; s < 3; s++) {
        ui_headless hl;
        char err[256];
        ASSERT_MSG(ui_headless_init(&hl, sizes[s][0], sizes[s][1], err, sizeof err) == 0,
                   "%s", err);
        for (int th = 0; th < UI_THEME__COUNT; th++) {
            ui_view v;
            ui_view_init(&v);
            v.theme = (ui_theme_id)th;
            v.show_controls = 0;
            v.playhead = ui_comparison_end(c);
            v.paused = 1;
            ui_headless_draw(&hl, &v, c, NULL);
            ASSERT(hl.ui.boxes > 0);
            if (foreign)
                probe_foreign(&hl, &v, c);
            char shot[128];
            snprintf(shot, sizeof shot, "%s-%s-%d", name, ui_theme_name(v.theme), sizes[s][0]);
            save(&hl, dir, shot);
        }
        ui_headless_deinit(&hl);
    }
}

/* In the window: the program's trace on screen, R does not try to run an
 * empty workload; it says how to trace the program again. */
static void test_window(void)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.busy_window_ns = -1};
    app_init(a, &d);
    sim_comparison c;
    load("usertrace/crash.trace.json", &c);
    app_show_saved(a, &c);
    app_layout(a, 1280, 720);
    char line[300];
    app_recorded_line(&a->cmp, line, sizeof line);
    ASSERT_CONTAINS(line, "traced with CPython 3.11.7");
    send_key(a, SDLK_r, 0);
    ASSERT(!a->run_active && !a->run_pending);
    ASSERT_CONTAINS(a->view.toast, "concviz trace");
    ASSERT(a->cmp.ntraces == 1 && a->cmp.traces[0].program);
    app_deinit(a);
    free(a);
}

int main(void)
{
    const char *r = getenv("CONCVIZ_SOURCE_ROOT");
    ASSERT_MSG(r && r[0], "CONCVIZ_SOURCE_ROOT is not set (run through meson test)");
    snprintf(root, sizeof root, "%s", r);
    sim_comparison c;
    load("usertrace/crash.trace.json", &c);
    test_program_words(&c);
    draw_all("program", &c, 0);
    sim_comparison_deinit(&c);
    load("foreign/viztracer.json", &c);
    test_foreign_words(&c);
    draw_all("viztracer", &c, 1);
    sim_comparison_deinit(&c);
    test_foreign_processes();
    test_window();
    TEST_DONE();
}
