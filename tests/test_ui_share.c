/* test_ui_share.c - the window's side of shared state, by pixel probes.
 *
 * A hand-made threading trace with a lock wait, a lock lane, a queue wait
 * and a queue item's arrow, and a second one that stops on a deadlock,
 * are drawn headless in every theme; probes check the colour of the wait,
 * the holder's box on the lock lane, the message arrow, the deadlock line,
 * the legend entry, and the tooltip's sentence ("waiting for lock A, held
 * by task 1"). A real run of `2*lock:L(io:20ms)` under threading then
 * checks the same on what an engine recorded. With UI_SHOTS_DIR set, the
 * frames are saved as PNGs too.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "headless.h"
#include "hit.h"
#include "run.h"
#include "test.h"
#include "ui_fixture.h"
#include "ui_probe.h"

static void set_lock_names(sim_trace *t, const char *const *names, uint32_t n)
{
    t->lock_names = calloc(n, sizeof *t->lock_names);
    ASSERT(t->lock_names);
    for (uint32_t i = 0; i < n; i++)
        snprintf(t->lock_names[i], sizeof t->lock_names[i], "%s", names[i]);
    t->nlock_names = n;
}

static void lanes(sim_trace *t, sim_model m, uint32_t ntasks, const uint8_t *res,
                  uint32_t nres)
{
    ASSERT(sim_trace_init(t, m, ntasks, ntasks + nres) == 0);
    uint32_t per[8] = {0};
    for (uint32_t i = 0; i < ntasks; i++)
        t->lanes[i] = (sim_lane){.kind = SIM_LANE_TASK, .index = i, .cpu_ns = -1};
    for (uint32_t j = 0; j < nres; j++) {
        t->lanes[ntasks + j].kind = res[j];
        t->lanes[ntasks + j].index = per[res[j]]++;
    }
    t->mem_per_task_bytes = -1;
    t->cfg.switch_interval_ns = 5 * FX_MS;
}

/* Lanes: tasks 0-2, GIL (3), lock A (4). Task 1 holds A from 0 to 60 ms;
 * task 0 waits for it from 20 to 60 ms; task 2 waits on a queue from 0 to
 * 50 ms, fed by an item task 1 put at 10 ms. */
static void shared_trace(sim_trace *t)
{
    static const uint8_t res[] = {SIM_LANE_GIL, SIM_LANE_LOCK};
    lanes(t, SIM_MODEL_THREADING, 3, res, 2);
    static const char *const names[] = {"A"};
    set_lock_names(t, names, 1);
    fx_mark(t, 0, 0, SIM_ST_IO, SIM_NO_TASK);
    fx_mark(t, 0, 20 * FX_MS, SIM_ST_LOCK, SIM_NO_TASK);
    fx_mark(t, 0, 60 * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
    fx_mark(t, 0, 80 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    fx_mark(t, 1, 0, SIM_ST_RUNNING, SIM_NO_TASK);
    fx_mark(t, 1, 60 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    fx_mark(t, 2, 0, SIM_ST_QUEUE, SIM_NO_TASK);
    fx_mark(t, 2, 50 * FX_MS, SIM_ST_IO, SIM_NO_TASK);
    fx_mark(t, 2, 90 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    fx_mark(t, 3, 0, SIM_ST_RUNNING, 1);
    fx_mark(t, 3, 60 * FX_MS, SIM_ST_RUNNING, 0);
    fx_mark(t, 3, 80 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    fx_mark(t, 4, 0, SIM_ST_RUNNING, 1);
    fx_mark(t, 4, 60 * FX_MS, SIM_ST_RUNNING, 0);
    fx_mark(t, 4, 80 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    sim_tflow f = {.t0 = 10 * FX_MS, .t1 = 50 * FX_MS, .lane0 = 1, .lane1 = 2,
                   .code = SIM_FL_MESSAGE};
    ASSERT(sim_trace_add_flow(t, f) == 0);
    sim_tcounter ct = {.name = "hits", .expected = 4000, .final = 2246, .has_final = 1};
    ASSERT(sim_trace_add_counter(t, &ct) == 0);
    t->end_ns = t->now_ns = 100 * FX_MS;
}

/* Lanes: tasks 0-2 (one workload, so as many tasks as the other panel),
 * loop (3), locks A (4) and B (5): tasks 0 and 1 each hold one lock and
 * wait for the other from 10 ms; the deadlock is found at 40 ms. */
static void deadlock_trace(sim_trace *t)
{
    static const uint8_t res[] = {SIM_LANE_LOOP, SIM_LANE_LOCK, SIM_LANE_LOCK};
    lanes(t, SIM_MODEL_ASYNCIO, 3, res, 3);
    static const char *const names[] = {"A", "B"};
    set_lock_names(t, names, 2);
    for (uint32_t i = 0; i < 2; i++) {
        fx_mark(t, i, 0, SIM_ST_IO, SIM_NO_TASK);
        fx_mark(t, i, 10 * FX_MS, SIM_ST_LOCK, SIM_NO_TASK);
        fx_mark(t, 4 + i, 0, SIM_ST_RUNNING, i);
    }
    fx_mark(t, 2, 0, SIM_ST_IO, SIM_NO_TASK);
    fx_mark(t, 2, 5 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    fx_mark(t, 3, 0, SIM_ST_IDLE, SIM_NO_TASK);
    sim_tinstant in = {.t = 40 * FX_MS, .lane = 0, .code = SIM_IN_DEADLOCK};
    ASSERT(sim_trace_add_instant(t, in) == 0);
    t->outcome = SIM_OUTCOME_DEADLOCK;
    snprintf(t->error, sizeof t->error, "deadlock: task 0 waits for lock B held "
             "by task 1, which waits for lock A held by task 0");
    t->end_ns = t->now_ns = 40 * FX_MS;
}

static ui_rect lane_rect(const ui_layout *l, const sim_comparison *c, int p,
                         uint32_t lane)
{
    ui_rect r;
    ASSERT(ui_layout_lane_rect(l, p, lane, c->traces[p].nlanes, &r) == 0);
    return r;
}

static int xat(const ui_view *v, int64_t t)
{
    return (int)lround(ui_tm_x(&v->tm, t));
}

static void probe(ui_headless *hl, ui_view *v, const sim_comparison *c,
                  const ui_theme *th)
{
    ui_layout l;
    ui_view_layout(v, c, hl->w, hl->h, 0, &l);
    /* Task 0 waits for lock A at 40 ms: the lock colour. */
    ui_rect r = lane_rect(&l, c, 0, 0);
    int x = xat(v, 40 * FX_MS);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 4, r.y + 2, 9, r.h - 4}, th->state[SIM_ST_LOCK]),
               "%s: task 0 should wait for the lock at 40 ms", th->name);
    ASSERT_MSG(!rect_has(hl, (ui_rect){x - 4, r.y + 2, 9, r.h - 4}, th->state[SIM_ST_IO]),
               "%s: a lock wait is not drawn as I/O", th->name);
    /* Task 2 waits on the queue at 5 ms, in a colour of its own. */
    r = lane_rect(&l, c, 0, 2);
    x = xat(v, 5 * FX_MS);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 4, r.y + 2, 9, r.h - 4}, th->state[SIM_ST_QUEUE]),
               "%s: task 2 should wait on the queue at 5 ms", th->name);
    /* The lock lane: task 1 holds A at 30 ms, task 0 at 70 ms. */
    r = lane_rect(&l, c, 0, 4);
    ASSERT_MSG(rect_has(hl, (ui_rect){xat(v, 30 * FX_MS) - 2, r.y + r.h / 2 - 2, 5, 5},
                        th->state[SIM_ST_RUNNING]), "%s: lock A held at 30 ms", th->name);
    ASSERT_MSG(!rect_has(hl, (ui_rect){xat(v, 95 * FX_MS) - 2, r.y + r.h / 2 - 2, 5, 5},
                         th->state[SIM_ST_RUNNING]), "%s: lock A free at 95 ms", th->name);
    /* The queue item's arrow, halfway from (10 ms, task 1) to (50 ms, task 2). */
    ui_rect r1 = lane_rect(&l, c, 0, 1), r2 = lane_rect(&l, c, 0, 2);
    int my = (r1.y + r1.h / 2 + r2.y + r2.h / 2) / 2;
    x = xat(v, 30 * FX_MS);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 3, my - 3, 7, 7}, th->flow[SIM_FL_MESSAGE]),
               "%s: no message arrow at its midpoint", th->name);
    /* The deadlock: a band from where it formed (10 ms: both tasks wait
     * from then on) to the edge, its line at 10 ms across panel 1, over
     * task and lock lanes; found at 40 ms, it tints what comes after. */
    x = xat(v, 10 * FX_MS);
    r = lane_rect(&l, c, 1, 1);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 3, r.y + r.h / 2, 7, 1}, th->deadlock),
               "%s: no deadlock line on task 1", th->name);
    ASSERT_MSG(!rect_has(hl, (ui_rect){xat(v, 30 * FX_MS) - 2, r.y + 2, 5, r.h - 4},
                         th->state[SIM_ST_LOCK]), "%s: no band over task 1's wait", th->name);
    r = lane_rect(&l, c, 1, 5);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 3, r.y + r.h / 2, 7, 1}, th->deadlock),
               "%s: no deadlock line on lock B", th->name);
    ASSERT_MSG(rect_has(hl, (ui_rect){xat(v, 5 * FX_MS) - 2, r.y + r.h / 2 - 2, 5, 5},
                        th->state[SIM_ST_RUNNING]), "%s: lock B held at 5 ms", th->name);
    ASSERT_MSG(!rect_has(hl, (ui_rect){xat(v, 5 * FX_MS) - 3, r.y + r.h / 2, 7, 1},
                         th->deadlock), "%s: the deadlock line is elsewhere", th->name);
    /* The legend names lock waits (the workload has lock: steps). */
    ASSERT_MSG(rect_has(hl, l.legend, th->state[SIM_ST_LOCK]),
               "%s: no lock wait in the legend", th->name);
}

static void probe_words(const sim_comparison *c)
{
    char buf[256];
    ASSERT(ui_why(&c->traces[0], 0, 40 * FX_MS, buf, sizeof buf) > 0);
    ASSERT_MSG(strstr(buf, "waiting for lock A, held by task 1"), "got: %s", buf);
    ASSERT(ui_why(&c->traces[0], 4, 30 * FX_MS, buf, sizeof buf) > 0);
    ASSERT_MSG(strstr(buf, "task 1 holds lock A"), "got: %s", buf);
    ASSERT(ui_why(&c->traces[0], 2, 30 * FX_MS, buf, sizeof buf) > 0);
    ASSERT_MSG(strstr(buf, "put by task 1"), "got: %s", buf);
    /* A wait that never ended: the locks others hold, and the deadlock. */
    ASSERT(ui_why(&c->traces[1], 0, 30 * FX_MS, buf, sizeof buf) > 0);
    ASSERT_MSG(strstr(buf, "lock B, held by task 1") && !strstr(buf, "lock A"),
               "got: %s", buf);
    ASSERT_MSG(strstr(buf, "deadlock"), "got: %s", buf);
}

/* A real run: two threads take lock L in turn around 20 ms of I/O, so one
 * of them waits for it while the other holds it. */
static void real_run(ui_headless *hl, const char *dir)
{
    sim_model m = SIM_MODEL_THREADING;
    sim_run_desc d = {.cfg = {.workload = "2*lock:L(io:20ms)", .models = {m}, .nmodels = 1}};
    sim_run *run = calloc(1, sizeof *run);
    ASSERT(run);
    char msg[512];
    int rc = sim_run_exec(run, &d, msg, sizeof msg);
    ASSERT_MSG(rc == SIM_OK, "%s", msg);
    sim_comparison c;
    memset(&c, 0, sizeof c);
    ASSERT(sim_run_sync(run, &c) == 0);
    sim_run_deinit(run);
    free(run);
    const sim_trace *t = &c.traces[0];
    long lock_lane = -1;
    for (uint32_t i = t->ntasks; i < t->nlanes; i++)
        if (t->lanes[i].kind == SIM_LANE_LOCK)
            lock_lane = (long)i;
    ASSERT_MSG(lock_lane >= 0, "the run recorded no lock lane");
    char name[48];
    sim_lane_name(t, (uint32_t)lock_lane, name, sizeof name);
    ASSERT_STR_EQ(name, "lock L");
    /* The longest lock wait of either task: its middle is drawn in the
     * lock colour, and the lock lane is busy there. */
    int64_t best = 0, mid = 0;
    uint32_t who = 0;
    for (uint32_t i = 0; i < t->ntasks; i++)
        for (size_t k = 0; k < t->lanes[i].nmarks; k++)
            if (t->lanes[i].marks[k].state == SIM_ST_LOCK) {
                int64_t t0 = t->lanes[i].marks[k].t;
                int64_t t1 = sim_lane_seg_end(t, &t->lanes[i], k);
                if (t1 - t0 > best) {
                    best = t1 - t0;
                    mid = t0 + (t1 - t0) / 2;
                    who = i;
                }
            }
    ASSERT_MSG(best > 5 * FX_MS, "no lock wait of more than 5 ms (%lld ns)",
               (long long)best);
    ui_view v;
    ui_view_init(&v);
    v.show_controls = 0;
    v.playhead = ui_comparison_end(&c);
    v.paused = 1;
    ui_headless_draw(hl, &v, &c, NULL);
    save(hl, dir, "share-real-run");
    ui_layout l;
    ui_view_layout(&v, &c, hl->w, hl->h, 0, &l);
    const ui_theme *th = ui_theme_get(v.theme);
    int x = xat(&v, mid);
    ui_rect r = lane_rect(&l, &c, 0, who);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 3, r.y + 2, 7, r.h - 4}, th->state[SIM_ST_LOCK]),
               "task %u should be drawn waiting for the lock", who);
    r = lane_rect(&l, &c, 0, (uint32_t)lock_lane);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 3, r.y + r.h / 2 - 2, 7, 5},
                        th->state[SIM_ST_RUNNING]), "lock L should be held then");
    char why[256];
    ASSERT(ui_why(t, who, mid, why, sizeof why) > 0);
    ASSERT_MSG(strstr(why, "waiting for lock L, held by task "), "got: %s", why);
    sim_comparison_deinit(&c);
}

int main(void)
{
    const char *dir = getenv("UI_SHOTS_DIR");
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.workload = strdup("lock:A(io:10ms) + put:q:1KB + get:q");
    ASSERT(c.workload);
    c.ntraces = 2;
    c.machine.cpus = 2;
    c.nominal_ns = 100 * FX_MS;
    shared_trace(&c.traces[0]);
    deadlock_trace(&c.traces[1]);
    probe_words(&c);
    ui_headless hl;
    char err[256];
    ASSERT_MSG(ui_headless_init(&hl, 1280, 720, err, sizeof err) == 0, "%s", err);
    for (int th = 0; th < UI_THEME__COUNT; th++) {
        ui_view v;
        ui_view_init(&v);
        v.theme = (ui_theme_id)th;
        v.show_controls = 0;
        v.playhead = ui_comparison_end(&c);
        v.paused = 1;
        ui_headless_draw(&hl, &v, &c, NULL);
        probe(&hl, &v, &c, ui_theme_get(v.theme));
        char name[64];
        snprintf(name, sizeof name, "share-%s", ui_theme_name(v.theme));
        save(&hl, dir, name);
    }
    /* A saved run may carry counters no run makes: near INT64_MIN and
     * INT64_MAX, expected - final overflows. The header says "cannot tell"
     * (sim_counter_sentence) and the frame draws as before; under the
     * sanitizers an overflow would stop the test here. */
    sim_tcounter far = {.name = "far", .expected = INT64_MAX, .final = INT64_MIN,
                        .has_final = 1};
    ASSERT(sim_trace_add_counter(&c.traces[0], &far) == 0);
    far = (sim_tcounter){.name = "near", .expected = INT64_MIN, .final = 1, .has_final = 1};
    ASSERT(sim_trace_add_counter(&c.traces[0], &far) == 0);
    {
        ui_view v;
        ui_view_init(&v);
        v.show_controls = 0;
        v.playhead = ui_comparison_end(&c);
        v.paused = 1;
        ui_headless_draw(&hl, &v, &c, NULL);
        probe(&hl, &v, &c, ui_theme_get(v.theme));
        save(&hl, dir, "share-far-counters");
    }
    sim_comparison_deinit(&c);
    real_run(&hl, dir);
    ui_headless_deinit(&hl);
    return 0;
}
