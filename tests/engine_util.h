/* engine_util.h - helpers shared by the engine tests: run one model on one
 * workload (in the test's thread, or in a thread of its own so the test can
 * cancel it), turn the recording into a trace, and ask the trace the
 * questions the invariants need (how many tasks run at once, where a
 * task's segments are). */
#ifndef CONCVIZ_ENGINE_UTIL_H
#define CONCVIZ_ENGINE_UTIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calib.h"
#include "engine.h"
#include "test.h"
#include "trace.h"
#include "workload.h"

typedef struct eng_job {
    sim_workload w;
    sim_calib calib;
    sim_rec rec;
    _Atomic(sim_rec *) pub;
    atomic_int cancel;
    sim_config cfg;        /* the engine's settings, resolved */
    sim_engine_args a;
    sim_trace t;
    int result;
    int64_t started_ns, returned_ns; /* CLOCK_MONOTONIC around the engine call */
    pthread_t th;
} eng_job;

static inline void eng_job_init(eng_job *j, sim_model m, const char *spec,
                                const sim_calib *calib)
{
    memset(j, 0, sizeof *j);
    sim_parse_error err;
    ASSERT_MSG(sim_workload_parse(&j->w, spec, &err) == 0, "%s: %s", spec,
               err.message);
    j->calib = *calib;
    j->rec.memfd = -1;
    atomic_init(&j->pub, NULL);
    atomic_init(&j->cancel, 0);
    sim_config_resolve(&j->cfg, (int)sysconf(_SC_NPROCESSORS_ONLN));
    j->a.cfg = &j->cfg;
    j->a.w = &j->w;
    j->a.calib = &j->calib;
    j->a.model = m;
    j->a.cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    j->cfg.workers = 2;
    j->cfg.switch_interval_ns = 5000000;
    j->a.cancel = &j->cancel;
    j->a.rec = &j->rec;
    j->a.publish = &j->pub;
    j->a.mem_per_task_bytes = -1;
}

static inline int eng_job_call(eng_job *j)
{
    j->started_ns = sim_clock_ns();
    j->result = j->a.model == SIM_MODEL_ASYNCIO ? sim_asyncio_run(&j->a)
                                                : sim_threading_run(&j->a);
    j->returned_ns = sim_clock_ns();
    return j->result;
}

static inline void *eng_job_thread(void *p)
{
    eng_job_call(p);
    return NULL;
}

/* Builds the trace from the finished recording. */
static inline void eng_job_ingest(eng_job *j)
{
    ASSERT(atomic_load(&j->pub) == &j->rec);
    ASSERT_INT_EQ(sim_trace_ingest(&j->t, &j->rec), 0);
    ASSERT(j->t.end_ns >= 0);
    ASSERT_INT_EQ(j->t.dropped, 0);
}

/* Runs to the end and ingests; asserts success. */
static inline void eng_job_run(eng_job *j)
{
    int rc = eng_job_call(j);
    ASSERT_MSG(rc == SIM_OK, "%s on '%s' returned %d (%s)",
               sim_model_name(j->a.model), j->w.spec, rc, j->a.error);
    eng_job_ingest(j);
}

static inline void eng_job_start(eng_job *j)
{
    ASSERT_INT_EQ(pthread_create(&j->th, NULL, eng_job_thread, j), 0);
}

static inline int eng_job_join(eng_job *j)
{
    ASSERT_INT_EQ(pthread_join(j->th, NULL), 0);
    return j->result;
}

static inline void eng_job_free(eng_job *j)
{
    sim_trace_deinit(&j->t);
    sim_rec_deinit(&j->rec);
    sim_workload_free(&j->w);
}

static inline void eng_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000l};
    nanosleep(&ts, NULL);
}

/* The end of the last task (the run's wall time as the summary sees it). */
static inline int64_t eng_wall(const sim_trace *t)
{
    int64_t end = 0;
    for (uint32_t i = 0; i < t->ntasks; i++) {
        sim_task_stat s;
        sim_trace_task_stat(t, i, &s);
        ASSERT_MSG(s.end_ns >= 0, "task %u never finished", i);
        if (s.end_ns > end)
            end = s.end_ns;
    }
    return end;
}

/* One change of a count at time t (+1 or -1), for sweeps. */
typedef struct eng_delta {
    int64_t t;
    int d;
} eng_delta;

static inline int eng_delta_cmp(const void *a, const void *b)
{
    const eng_delta *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->d - y->d; /* segments are half-open: ends before starts */
}

/* The most lanes in [first, last) that are in state `s` at one instant
 */
static inline int eng_max_concurrent(const sim_trace *t, uint32_t first, uint32_t last,
                                     sim_state s)
{
    size_t n = 0;
    for (uint32_t l = first; l < last; l++)
        n += t->lanes[l].nmarks;
    eng_delta *d = malloc((2 * n + 1) * sizeof *d);
    ASSERT(d);
    size_t k = 0;
    for (uint32_t l = first; l < last; l++) {
        const sim_lane *lane = &t->lanes[l];
        for (size_t i = 0; i < lane->nmarks; i++) {
            if (lane->marks[i].state != s)
                continue;
            int64_t a = lane->marks[i].t, b = sim_lane_seg_end(t, lane, i);
            if (b <= a)
                continue;
            d[k++] = (eng_delta){a, +1};
            d[k++] = (eng_delta){b, -1};
        }
    }
    qsort(d, k, sizeof *d, eng_delta_cmp);
    int cur = 0, best = 0;
    for (size_t i = 0; i < k; i++) {
        cur += d[i].d;
        if (cur > best)
            best = cur;
    }
    free(d);
    return best;
}

/* Counts a lane's segments in state s; *total gets their summed length. */
static inline int eng_segments(const sim_trace *t, uint32_t lane, sim_state s,
                               int64_t *total)
{
    const sim_lane *l = &t->lanes[lane];
    int n = 0;
    int64_t sum = 0;
    for (size_t i = 0; i < l->nmarks; i++) {
        if (l->marks[i].state != s)
            continue;
        /* Consecutive marks of the same state are one segment. */
        if (i > 0 && l->marks[i - 1].state == s)
            continue;
        size_t j = i;
        while (j + 1 < l->nmarks && l->marks[j + 1].state == s)
            j++;
        n++;
        sum += sim_lane_seg_end(t, l, j) - l->marks[i].t;
    }
    if (total)
        *total = sum;
    return n;
}

/* The first lane of kind k, or UINT32_MAX. */
static inline uint32_t eng_lane_of_kind(const sim_trace *t, sim_lane_kind k)
{
    for (uint32_t l = t->ntasks; l < t->nlanes; l++)
        if (t->lanes[l].kind == k)
            return l;
    return UINT32_MAX;
}

static inline void eng_calibrate(sim_calib *c)
{
    ASSERT_INT_EQ(sim_calib_measure(c), 0);
    ASSERT(c->ns_per_unit > 0.0);
}

#endif
