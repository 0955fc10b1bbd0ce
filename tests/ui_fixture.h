/* ui_fixture.h - hand-made traces for the UI tests and the benchmark.
 *
 * The UI reads traces, never engines, so its tests build traces directly.
 * fixture_schedule() plays a tiny scheduler of its own (N processors, a
 * FIFO ready queue, an optional time slice) over tasks of (cpu, io, cpu)
 * steps, and records what happens with sim_trace_add_mark/instant/flow:
 * with 1 processor and no slice it looks like asyncio, with a 5 ms slice
 * like threading under the GIL, with 2 processors held through I/O like a
 * pool of 2 worker processes. It is deliberately simple; the pictures and
 * pixel probes only need traces of the right shape with known times.
 * fixture_huge() makes one lane with a very large number of marks.
 */
#ifndef UI_FIXTURE_H
#define UI_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comparison.h"
#include "test.h"

#define FX_MS 1000000ll

typedef struct fx_task {
    int64_t steps[3];   /* cpu, io, cpu (ns) */
    int phase;
    int64_t left;       /* ns left in the current cpu step */
    int64_t io_until;
    int proc;           /* processor held, or -1 */
    int done;
} fx_task;

static inline void fx_mark(sim_trace *t, uint32_t lane, int64_t at, int state, uint32_t arg)
{
    sim_mark m = {.t = at, .arg = arg, .state = (uint8_t)state, .cpu = SIM_NO_CPU};
    ASSERT(sim_trace_add_mark(t, lane, m) == 0);
}

/* Runs `ntasks` tasks (cpu a, io b, cpu c) on `nproc` processors with time
 * slice `slice` (0: none) and records it into t (which this initializes).
 * hold_io: a task keeps its processor while waiting for I/O (a pool worker).
 * Resource lanes: asyncio one loop lane, threading one GIL lane,
 * multiprocessing a main lane and nproc worker lanes. */
static inline void fixture_schedule(sim_trace *t, sim_model model, uint32_t ntasks,
                             int64_t a, int64_t b, int64_t c)
{
    int nproc = model == SIM_MODEL_MULTIPROCESSING ? 2 : 1;
    int64_t slice = model == SIM_MODEL_THREADING ? 5 * FX_MS : 0;
    int hold_io = model == SIM_MODEL_MULTIPROCESSING;
    uint32_t nres = model == SIM_MODEL_MULTIPROCESSING ? 1 + (uint32_t)nproc : 1;
    ASSERT(sim_trace_init(t, model, ntasks, ntasks + nres) == 0);
    for (uint32_t i = 0; i < ntasks; i++) {
        t->lanes[i].kind = SIM_LANE_TASK;
        t->lanes[i].index = i;
    }
    uint32_t r0 = ntasks;
    if (model == SIM_MODEL_ASYNCIO) {
        t->lanes[r0].kind = SIM_LANE_LOOP;
    } else if (model == SIM_MODEL_THREADING) {
        t->lanes[r0].kind = SIM_LANE_GIL;
    } else {
        t->lanes[r0].kind = SIM_LANE_MAIN;
        for (int k = 0; k < nproc; k++) {
            t->lanes[r0 + 1 + k].kind = SIM_LANE_WORKER;
            t->lanes[r0 + 1 + k].index = (uint32_t)k;
        }
    }
    t->cfg.switch_interval_ns = 5 * FX_MS;
    t->cfg.workers = hold_io ? nproc : 0;
    t->mem_per_task_bytes = -1;
    fx_task *ts = calloc(ntasks, sizeof *ts);
    uint32_t *q = calloc(ntasks + 1, sizeof *q);
    int holder[4] = {-1, -1, -1, -1};
    int64_t slice_end[4] = {0};
    ASSERT(ts && q);
    uint32_t qh = 0, qn = 0;
    for (uint32_t i = 0; i < ntasks; i++) {
        ts[i] = (fx_task){{a, b, c}, 0, a, 0, -1, 0};
        q[(qh + qn++) % (ntasks + 1)] = i;
        fx_mark(t, i, 0, SIM_ST_READY, SIM_NO_TASK);
    }
    if (model == SIM_MODEL_MULTIPROCESSING) {
        fx_mark(t, r0, 0, SIM_ST_RUNNING, SIM_NO_TASK);
        for (int k = 0; k < nproc; k++) {
            fx_mark(t, r0 + 1 + (uint32_t)k, 0, SIM_ST_STARTING, SIM_NO_TASK);
            sim_tinstant in = {.t = 0, .lane = r0 + 1 + (uint32_t)k, .code = SIM_IN_SPAWN};
            ASSERT(sim_trace_add_instant(t, in) == 0);
        }
    } else {
        fx_mark(t, r0, 0, SIM_ST_IDLE, SIM_NO_TASK);
    }
    int64_t now = hold_io ? 1 * FX_MS : 0; /* workers take 1 ms to start */
    uint32_t left = ntasks;
    while (left > 0) {
        /* Give free processors to the queue's head. */
        for (int p = 0; p < nproc; p++) {
            if (holder[p] >= 0 || qn == 0)
                continue;
            uint32_t i = q[qh];
            qh = (qh + 1) % (ntasks + 1);
            qn--;
            holder[p] = (int)i;
            ts[i].proc = p;
            slice_end[p] = now + slice;
            fx_mark(t, i, now, SIM_ST_RUNNING, SIM_NO_TASK);
            fx_mark(t, r0 + (hold_io ? 1 + (uint32_t)p : 0), now, SIM_ST_RUNNING, i);
            if (hold_io) {
                sim_tflow f = {.t0 = now, .t1 = now, .lane0 = r0,
                               .lane1 = r0 + 1 + (uint32_t)p, .code = SIM_FL_DISPATCH};
                ASSERT(sim_trace_add_flow(t, f) == 0);
            }
        }
        /* The next event. */
        int64_t next = INT64_MAX;
        for (uint32_t i = 0; i < ntasks; i++)
            if (!ts[i].done && ts[i].phase == 1 && ts[i].io_until < next)
                next = ts[i].io_until;
        for (int p = 0; p < nproc; p++) {
            if (holder[p] < 0 || ts[holder[p]].phase == 1)
                continue;
            int64_t fin = now + ts[holder[p]].left;
            if (fin < next)
                next = fin;
            if (slice && qn > 0 && slice_end[p] < next)
                next = slice_end[p];
        }
        ASSERT(next != INT64_MAX);
        for (int p = 0; p < nproc; p++)
            if (holder[p] >= 0 && ts[holder[p]].phase != 1)
                ts[holder[p]].left -= next - now;
        now = next;
        for (int p = 0; p < nproc; p++) {
            int i = holder[p];
            if (i < 0 || ts[i].phase == 1)
                continue;
            uint32_t rl = r0 + (hold_io ? 1 + (uint32_t)p : 0);
            if (ts[i].left <= 0) {
                if (ts[i].phase == 0) {
                    ts[i].phase = 1;
                    ts[i].io_until = now + b;
                    fx_mark(t, (uint32_t)i, now, SIM_ST_IO, SIM_NO_TASK);
                    if (!hold_io) {
                        holder[p] = -1;
                        fx_mark(t, rl, now, SIM_ST_IDLE, SIM_NO_TASK);
                    }
                } else {
                    ts[i].done = 1;
                    left--;
                    holder[p] = -1;
                    fx_mark(t, (uint32_t)i, now, SIM_ST_DONE, SIM_NO_TASK);
                    fx_mark(t, rl, now, SIM_ST_IDLE, SIM_NO_TASK);
                }
            } else if (slice && qn > 0 && now >= slice_end[p]) {
                /* A waiter asked for the GIL: drop it, hand it over. */
                uint32_t w = q[qh];
                sim_tinstant in = {.t = now - 1, .lane = w, .code = SIM_IN_DROP_REQUEST};
                ASSERT(sim_trace_add_instant(t, in) == 0);
                sim_tflow f = {.t0 = now, .t1 = now, .lane0 = (uint32_t)i, .lane1 = w,
                               .code = SIM_FL_HANDOFF};
                ASSERT(sim_trace_add_flow(t, f) == 0);
                holder[p] = -1;
                fx_mark(t, (uint32_t)i, now, SIM_ST_READY, SIM_NO_TASK);
                q[(qh + qn++) % (ntasks + 1)] = (uint32_t)i;
            }
        }
        for (uint32_t i = 0; i < ntasks; i++) {
            if (ts[i].done || ts[i].phase != 1 || ts[i].io_until > now)
                continue;
            ts[i].phase = 2;
            ts[i].left = c;
            if (hold_io) {
                fx_mark(t, i, now, SIM_ST_RUNNING, SIM_NO_TASK);
            } else {
                fx_mark(t, i, now, SIM_ST_READY, SIM_NO_TASK);
                q[(qh + qn++) % (ntasks + 1)] = i;
            }
            if (model == SIM_MODEL_ASYNCIO) {
                sim_tinstant in = {.t = now, .lane = i, .code = SIM_IN_AWAIT};
                ASSERT(sim_trace_add_instant(t, in) == 0);
            }
        }
    }
    t->end_ns = now;
    t->now_ns = now;
    for (uint32_t i = 0; i < ntasks; i++)
        t->lanes[i].cpu_ns = a + c;
    free(ts);
    free(q);
}

/* The default-like comparison: 4 tasks of (cpu 40 ms, io 60 ms, cpu 40 ms)
 * under asyncio, threading and multiprocessing (2 workers). */
static inline void fixture_comparison(sim_comparison *c, uint32_t ntasks)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup("4*(cpu:40ms,io:60ms,cpu:40ms)");
    ASSERT(c->workload);
    c->machine.cpus = 2;
    c->nominal_ns = (int64_t)ntasks * 140 * FX_MS;
    static const sim_model ms[3] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                    SIM_MODEL_MULTIPROCESSING};
    for (int i = 0; i < 3; i++)
        fixture_schedule(&c->traces[i], ms[i], ntasks, 40 * FX_MS, 60 * FX_MS,
                         40 * FX_MS);
    c->ntraces = 3;
}

/* One task lane (plus a GIL lane) alternating RUNNING/READY every `step`
 * ns, `nmarks` marks in all: the worst case for drawing. */
static inline void fixture_huge(sim_trace *t, size_t nmarks, int64_t step)
{
    ASSERT(sim_trace_init(t, SIM_MODEL_THREADING, 1, 2) == 0);
    t->lanes[0].kind = SIM_LANE_TASK;
    t->lanes[1].kind = SIM_LANE_GIL;
    for (size_t i = 0; i < nmarks; i++)
        fx_mark(t, 0, (int64_t)i * step, i % 2 ? SIM_ST_READY : SIM_ST_RUNNING,
                SIM_NO_TASK);
    fx_mark(t, 1, 0, SIM_ST_RUNNING, 0);
    t->end_ns = t->now_ns = (int64_t)nmarks * step;
    t->mem_per_task_bytes = -1;
}

#endif
