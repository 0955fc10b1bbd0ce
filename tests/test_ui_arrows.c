/* test_ui_arrows.c - arrows that help, the value lane and the code view,
 * checked by pixel probes of headless renders of hand-made traces.
 *
 *   - a GIL hand-off to a thread that was waiting is drawn; one across a
 *     gap in which the GIL sat free (the taker was in I/O) is not;
 *   - a task sent to a worker that waited long in the queue is a short
 *     arrow into the worker, not a diagonal; under the pointer, its task's
 *     arrow is drawn in full;
 *   - a lost update is marked on the value lane where it happened;
 *   - the code view marks a task's line in the task's colour.
 *
 * With UI_SHOTS_DIR set, the frames are saved as PNGs to look at.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "code_view.h"
#include "draw.h"
#include "headless.h"
#include "test.h"
#include "ui_fixture.h"
#include "ui_probe.h"

static void flow(sim_trace *t, uint32_t l0, int64_t t0, uint32_t l1, int64_t t1, sim_flow f)
{
    sim_tflow fl = {.t0 = t0, .t1 = t1, .lane0 = l0, .lane1 = l1, .code = (uint8_t)f};
    ASSERT(sim_trace_add_flow(t, fl) == 0);
}

/* The whole run drawn, paused at its end, as the window shows it after a
 * run; *l receives its layout. */
static void draw_end(ui_headless *hl, const sim_comparison *c, ui_view *v, ui_layout *l,
                     const char *name)
{
    ui_view_init(v);
    v->show_controls = 0;
    v->playhead = ui_comparison_end(c);
    v->paused = 1;
    ui_headless_draw(hl, v, c, NULL);
    save(hl, getenv("UI_SHOTS_DIR"), name);
    ui_view_layout(v, c, hl->w, hl->h, 0, l);
}

static float lane_y(const ui_layout *l, int p, uint32_t lane, uint32_t nlanes)
{
    ui_rect r;
    ASSERT(ui_layout_lane_rect(l, p, lane, nlanes, &r) == 0);
    return r.y + r.h / 2.0f;
}

/* Threading, two tasks: at 20 ms task 0 drops the GIL and task 1, which
 * waited, takes it (a hand-off); at 40 ms task 1 drops it to sleep, the
 * GIL sits free, and at 70 ms task 0 comes back from I/O and takes it. */
static void handoffs(sim_comparison *c)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup("2*(cpu:20ms,io:30ms,cpu:20ms)");
    sim_trace *t = &c->traces[0];
    ASSERT(sim_trace_init(t, SIM_MODEL_THREADING, 2, 3) == 0);
    t->lanes[2].kind = SIM_LANE_GIL;
    fx_mark(t, 0, 0, SIM_ST_RUNNING, SIM_NO_TASK);
    fx_mark(t, 1, 0, SIM_ST_READY, SIM_NO_TASK);
    fx_mark(t, 2, 0, SIM_ST_RUNNING, 0);
    fx_mark(t, 0, 20 * FX_MS, SIM_ST_IO, SIM_NO_TASK);
    fx_mark(t, 2, 20 * FX_MS, SIM_ST_RUNNING, 1);
    fx_mark(t, 1, 20 * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
    flow(t, 0, 20 * FX_MS, 1, 20 * FX_MS + 1000, SIM_FL_HANDOFF);
    fx_mark(t, 1, 40 * FX_MS, SIM_ST_IO, SIM_NO_TASK);
    fx_mark(t, 2, 40 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    fx_mark(t, 0, 50 * FX_MS, SIM_ST_READY, SIM_NO_TASK);
    fx_mark(t, 0, 70 * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
    fx_mark(t, 2, 70 * FX_MS, SIM_ST_RUNNING, 0);
    flow(t, 1, 40 * FX_MS, 0, 70 * FX_MS, SIM_FL_HANDOFF);
    fx_mark(t, 0, 90 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    fx_mark(t, 1, 90 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    fx_mark(t, 2, 90 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    t->end_ns = t->now_ns = 90 * FX_MS;
    t->outcome = SIM_OUTCOME_OK;
    c->ntraces = 1;
}

static void test_handoffs(ui_headless *hl)
{
    sim_comparison c;
    handoffs(&c);
    ui_view v;
    ui_layout l;
    draw_end(hl, &c, &v, &l, "arrows-handoffs");
    const ui_theme *th = ui_theme_get(v.theme);
    /* The one across the gap would pass (55 ms, midway) between the lanes. */
    float ym = (lane_y(&l, 0, 0, 3) + lane_y(&l, 0, 1, 3)) / 2;
    int x = (int)lround(ui_tm_x(&v.tm, 55 * FX_MS));
    ASSERT_MSG(!rect_has(hl, (ui_rect){x - 4, (int)ym - 4, 9, 9}, th->flow[SIM_FL_HANDOFF]),
               "a hand-off drawn across a gap in which the GIL was free");
    /* The immediate one is there, at 20 ms. */
    x = (int)lround(ui_tm_x(&v.tm, 20 * FX_MS));
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 3, (int)ym - 3, 7, 7}, th->flow[SIM_FL_HANDOFF]),
               "the immediate hand-off is missing");
    sim_comparison_deinit(&c);
}

/* Multiprocessing: the parent sends both tasks at 1 ms; worker 0 takes
 * task 0 at 2 ms, worker 1 takes task 1 only at 60 ms (it was busy). */
static void dispatches(sim_comparison *c)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup("2*cpu:30ms");
    sim_trace *t = &c->traces[0];
    ASSERT(sim_trace_init(t, SIM_MODEL_MULTIPROCESSING, 2, 5) == 0);
    t->lanes[2].kind = SIM_LANE_MAIN;
    t->lanes[3].kind = SIM_LANE_WORKER;
    t->lanes[4].kind = SIM_LANE_WORKER;
    t->lanes[4].index = 1;
    fx_mark(t, 2, 0, SIM_ST_RUNNING, SIM_NO_TASK);
    fx_mark(t, 2, 1 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    for (uint32_t k = 0; k < 2; k++) {
        int64_t at = k ? 60 * FX_MS : 2 * FX_MS;
        fx_mark(t, k, 0, SIM_ST_READY, SIM_NO_TASK);
        fx_mark(t, k, at, SIM_ST_RUNNING, SIM_NO_TASK);
        fx_mark(t, 3 + k, 0, SIM_ST_RECV, SIM_NO_TASK);
        fx_mark(t, 3 + k, at, SIM_ST_RUNNING, k);
        fx_mark(t, k, at + 30 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
        fx_mark(t, 3 + k, at + 30 * FX_MS, SIM_ST_RECV, SIM_NO_TASK);
        flow(t, 2, 1 * FX_MS, 3 + k, at, SIM_FL_DISPATCH);
    }
    t->end_ns = t->now_ns = 95 * FX_MS;
    t->outcome = SIM_OUTCOME_OK;
    c->ntraces = 1;
}

static void test_dispatches(ui_headless *hl)
{
    sim_comparison c;
    dispatches(&c);
    ui_view v;
    ui_layout l;
    draw_end(hl, &c, &v, &l, "arrows-dispatch");
    const ui_theme *th = ui_theme_get(v.theme);
    ui_color green = th->flow[SIM_FL_DISPATCH];
    /* Task 1's dispatch waited 59 ms: no diagonal through its middle... */
    float y0 = lane_y(&l, 0, 2, 5), y1 = lane_y(&l, 0, 4, 5);
    int x = (int)lround(ui_tm_x(&v.tm, 30 * FX_MS));
    int ym = (int)((y0 + y1) / 2);
    ASSERT_MSG(!rect_has(hl, (ui_rect){x - 6, ym - 6, 13, 13}, green),
               "a long dispatch is drawn as a diagonal");
    /* ...but a short arrow into worker 1 when it took it. */
    int x1 = (int)lround(ui_tm_x(&v.tm, 60 * FX_MS));
    ASSERT_MSG(rect_has(hl, (ui_rect){x1 - 3, (int)y1 - 12, 7, 12}, green),
               "no arrow into worker 1 at 60 ms");
    /* Under the pointer, task 1's dispatch is drawn in full. */
    ui_rect r;
    ASSERT(ui_layout_lane_rect(&l, 0, 1, 5, &r) == 0);
    v.hover = 1;
    v.mouse_x = (int)lround(ui_tm_x(&v.tm, 70 * FX_MS));
    v.mouse_y = r.y + r.h / 2;
    ui_headless_draw(hl, &v, &c, NULL);
    save(hl, getenv("UI_SHOTS_DIR"), "arrows-dispatch-hover");
    /* On the line from (1 ms, main) to (60 ms, worker 1), at 30 ms. */
    double f = (30.0 - 1.0) / (60.0 - 1.0);
    ym = (int)lround(y0 + (y1 - y0) * f);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 4, ym - 4, 9, 9}, green),
               "the hovered task's dispatch is not drawn in full");
    sim_comparison_deinit(&c);
}

/* The race of lesson 08 with the code view: task 1's store over task 0's
 * is marked on the value lane, and the tasks' lines in the code view. */
static void test_values_and_code(ui_headless *hl)
{
    sim_workload w;
    sim_parse_error pe;
    ASSERT(sim_workload_parse(&w, "2*(load:hits,yield,store:hits)", &pe) == 0);
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.workload = strdup(w.spec);
    sim_trace *t = &c.traces[0];
    ASSERT(sim_trace_init(t, SIM_MODEL_ASYNCIO, 2, 3) == 0);
    t->lanes[2].kind = SIM_LANE_LOOP;
    ASSERT(sim_trace_set_names(t, &w) == 0);
    t->has_steps = 1;
    uint32_t yield = 0, store = 0;
    for (uint32_t k = 0; k < w.nops; k++) {
        yield = w.ops[k].kind == SIM_OP_YIELD ? k : yield;
        store = w.ops[k].kind == SIM_OP_STORE ? k : store;
    }
    for (uint32_t k = 0; k < 2; k++) {
        int64_t at = 20 * FX_MS * k;
        fx_mark(t, k, 0, SIM_ST_READY, SIM_NO_TASK);
        fx_mark(t, k, at + FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
        sim_tinstant in = {.t = at + FX_MS, .lane = k, .code = SIM_IN_LOAD,
                           .arg = sim_value_arg(0, 0)};
        ASSERT(sim_trace_add_instant(t, in) == 0);
        in = (sim_tinstant){.t = at + 2 * FX_MS, .lane = k, .code = SIM_IN_STEP, .arg = yield};
        ASSERT(sim_trace_add_instant(t, in) == 0);
        fx_mark(t, k, at + 2 * FX_MS, SIM_ST_READY, SIM_NO_TASK);
    }
    for (uint32_t k = 0; k < 2; k++) {
        int64_t at = 50 * FX_MS + 20 * FX_MS * k;
        fx_mark(t, k, at, SIM_ST_RUNNING, SIM_NO_TASK);
        sim_tinstant in = {.t = at + FX_MS, .lane = k, .code = SIM_IN_STEP, .arg = store};
        ASSERT(sim_trace_add_instant(t, in) == 0);
        in = (sim_tinstant){.t = at + FX_MS, .lane = k, .code = SIM_IN_STORE,
                            .arg = sim_value_arg(0, 1)};
        ASSERT(sim_trace_add_instant(t, in) == 0);
        fx_mark(t, k, at + 2 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    }
    fx_mark(t, 2, 0, SIM_ST_IDLE, SIM_NO_TASK);
    t->end_ns = t->now_ns = 100 * FX_MS;
    t->outcome = SIM_OUTCOME_OK;
    c.ntraces = 1;

    ui_view v;
    ui_view_init(&v);
    v.show_controls = 0;
    v.show_code = 1;
    v.playhead = 60 * FX_MS; /* task 0 has stored; task 1 still awaits */
    v.paused = 1;
    ui_headless_draw(hl, &v, &c, NULL);
    ui_layout l;
    ui_view_layout(&v, &c, hl->w, hl->h, 0, &l);
    const ui_theme *th = ui_theme_get(v.theme);
    ASSERT_INT_EQ(l.panels[0].nvalues, 1);
    /* The code view marks task 1 (at the await) with its colour. */
    ui_code_geom g;
    ui_code_geom_of(&l, &g);
    ASSERT_MSG(rect_has(hl, (ui_rect){g.text.x, g.text.y, g.gutter_w, g.text.h}, th->task[1]),
               "no mark of task 1's line in the code view");
    /* At the end, the lost update is marked at 71 ms on the value lane. */
    v.playhead = ui_comparison_end(&c);
    ui_headless_draw(hl, &v, &c, NULL);
    save(hl, getenv("UI_SHOTS_DIR"), "arrows-values-code");
    ui_rect r;
    ASSERT(ui_layout_value_rect(&l, 0, 0, &r) == 0);
    int x = (int)lround(ui_tm_x(&v.tm, 71 * FX_MS));
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 8, r.y, 17, r.h}, th->lost),
               "no lost update marked on the value lane");
    x = (int)lround(ui_tm_x(&v.tm, 51 * FX_MS));
    ASSERT_MSG(!rect_has(hl, (ui_rect){x - 3, r.y, 7, r.h}, th->lost),
               "task 0's store lost nothing, yet it is marked");
    sim_comparison_deinit(&c);
    sim_workload_free(&w);
}

int main(void)
{
    ui_headless hl;
    char err[256];
    ASSERT_MSG(ui_headless_init(&hl, 1280, 720, err, sizeof err) == 0, "%s", err);
    test_handoffs(&hl);
    test_dispatches(&hl);
    test_values_and_code(&hl);
    ui_headless_deinit(&hl);
    puts("ui_arrows: ok");
    return 0;
}
