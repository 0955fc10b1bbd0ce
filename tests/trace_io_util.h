/* trace_io_util.h - what the two trace file tests share: a comparison
 * built by hand, the text the writer makes of it, the fixtures of
 * tests/fixtures/trace/, and an edit of a document (for files damaged on
 * purpose, or saved by an older concviz). test_trace_io.c writes and reads
 * back; test_trace_io_bad.c feeds the loader what it must refuse.
 */
#ifndef CONCVIZ_TRACE_IO_UTIL_H
#define CONCVIZ_TRACE_IO_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_chrome.h"
#include "trace_load.h"
#include "workload.h"
#include "test.h"

/* A file of tests/fixtures/trace/, read whole (NUL-terminated); the
 * caller frees it. v2.json is trace_io_build()'s comparison as the format 2
 * writer saved it. */
static inline char *trace_io_fixture(const char *name, size_t *len)
{
    const char *root = getenv("CONCVIZ_SOURCE_ROOT");
    ASSERT_MSG(root, "CONCVIZ_SOURCE_ROOT is not set (run through meson test)");
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/trace/%s", root, name);
    FILE *f = fopen(path, "rb");
    ASSERT_MSG(f, "cannot open %s", path);
    ASSERT(fseek(f, 0, SEEK_END) == 0);
    long n = ftell(f);
    ASSERT(n > 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    ASSERT(buf);
    ASSERT(fread(buf, 1, (size_t)n, f) == (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static inline void trace_io_mark(sim_trace *t, uint32_t lane, int64_t at, sim_state s,
                                 uint32_t arg, uint16_t cpu)
{
    sim_mark m = {.t = at, .arg = arg, .state = (uint8_t)s, .cpu = cpu};
    ASSERT(sim_trace_add_mark(t, lane, m) == 0);
}

static inline void trace_io_instant(sim_trace *t, uint32_t lane, int64_t at, sim_instant i,
                                    uint32_t arg)
{
    sim_tinstant in = {.t = at, .lane = lane, .arg = arg, .code = (uint8_t)i};
    ASSERT(sim_trace_add_instant(t, in) == 0);
}

static inline void trace_io_flow(sim_trace *t, uint32_t l0, int64_t t0, uint32_t l1,
                                 int64_t t1, sim_flow f)
{
    sim_tflow fl = {.t0 = t0, .t1 = t1, .lane0 = l0, .lane1 = l1, .code = (uint8_t)f};
    ASSERT(sim_trace_add_flow(t, fl) == 0);
}

/* The comparison both programs write and read: three models, every kind of
 * lane, mark, instant and flow, odd nanoseconds, strings that need
 * escaping. The caller owns it (sim_comparison_deinit). */
static inline void trace_io_build(sim_comparison *c)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup("2*(cpu:10ms,io:5ms) + io:7ms");
    ASSERT(c->workload);
    c->nominal_ns = 37000000;
    snprintf(c->recorded_at, sizeof c->recorded_at, "2026-11-25T22:04:28Z");
    c->machine.cpus = 2;
    snprintf(c->machine.cpu_model, sizeof c->machine.cpu_model,
             "Caf\xc3\xa9 \"Turbo\" CPU\\2 \xf0\x9f\x98\x80");
    snprintf(c->machine.hostname, sizeof c->machine.hostname, "lab-01");
    snprintf(c->machine.os, sizeof c->machine.os, "Linux 6.1.0");

    /* asyncio: 3 tasks and the loop. */
    sim_trace *t = &c->traces[0];
    ASSERT(sim_trace_init(t, SIM_MODEL_ASYNCIO, 3, 4) == 0);
    t->lanes[3].kind = SIM_LANE_LOOP;
    for (uint32_t k = 0; k < 3; k++) {
        trace_io_mark(t, k, 0, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
        trace_io_mark(t, k, 1001 + 10000001ll * k, SIM_ST_RUNNING, SIM_NO_TASK, 1);
        trace_io_mark(t, k, 10000999 + 10000001ll * k, SIM_ST_IO, 0, SIM_NO_CPU);
        trace_io_mark(t, k, 40000123 + k, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
        t->lanes[k].cpu_ns = 9999999 + k;
        trace_io_mark(t, 3, 1001 + 10000001ll * k, SIM_ST_RUNNING, k, 1);
        trace_io_instant(t, k, 10000999 + 10000001ll * k, SIM_IN_AWAIT, 0);
    }
    trace_io_mark(t, 3, 30000004, SIM_ST_IDLE, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_mark(t, 0, 40000123, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU); /* zero-length */
    t->end_ns = 40000125;
    t->now_ns = 40000125;
    t->cfg.switch_interval_ns = 0;
    t->mem_per_task_bytes = 312;
    /* The built-in cost profile, scaled (so with more than 3 decimals
     * before it is written), and a note that needs escaping. */
    sim_calib slow = {.ns_per_unit = 1.2345};
    sim_costs_builtin(&slow, &t->costs);
    snprintf(t->costs.origin.note, sizeof t->costs.origin.note, "a \"note\"\n");
    t->has_costs = 1;

    /* threading: 2 tasks and the GIL, a failed run. */
    t = &c->traces[1];
    ASSERT(sim_trace_init(t, SIM_MODEL_THREADING, 2, 3) == 0);
    t->lanes[2].kind = SIM_LANE_GIL;
    trace_io_mark(t, 0, 5, SIM_ST_RUNNING, SIM_NO_TASK, 0);
    trace_io_mark(t, 1, 5, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_mark(t, 2, 5, SIM_ST_RUNNING, 0, 0);
    trace_io_instant(t, 1, 5000005, SIM_IN_DROP_REQUEST, 1);
    trace_io_mark(t, 0, 5000100, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_mark(t, 1, 5000100, SIM_ST_RUNNING, SIM_NO_TASK, 1);
    trace_io_mark(t, 2, 5000100, SIM_ST_RUNNING, 1, 1);
    trace_io_flow(t, 0, 5000099, 1, 5000100, SIM_FL_HANDOFF);
    t->outcome = SIM_OUTCOME_DEADLOCK;
    snprintf(t->error, sizeof t->error, "a \"quoted\" error\non two lines");
    t->names = calloc(2, sizeof *t->names);
    ASSERT(t->names);
    t->nnames = 2;
    snprintf(t->names[0].name, sizeof t->names[0].name, "A");
    snprintf(t->names[1].name, sizeof t->names[1].name, "q.in");
    t->names[0].kind = SIM_NAME_LOCK;
    t->names[0].permits = 1;
    t->names[1].kind = SIM_NAME_QUEUE;
    t->deadlock = (sim_tdeadlock){.t = 5999999, .nlinks = 2,
                                  .links = {{0, 0, 1}, {1, 1, SIM_NO_TASK}}};
    t->end_ns = 6000000;
    t->now_ns = 6000000;
    t->cfg.threads = 2;
    t->cfg.switch_interval_ns = 5000000;
    sim_costs_none(&t->costs);
    t->has_costs = 1;

    /* multiprocessing: 2 tasks, the main process, 2 workers; still running. */
    t = &c->traces[2];
    ASSERT(sim_trace_init(t, SIM_MODEL_MULTIPROCESSING, 2, 5) == 0);
    t->lanes[2].kind = SIM_LANE_MAIN;
    t->lanes[3].kind = SIM_LANE_WORKER;
    t->lanes[4].kind = SIM_LANE_WORKER;
    t->lanes[4].index = 1;
    trace_io_mark(t, 3, 0, SIM_ST_STARTING, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_mark(t, 4, 0, SIM_ST_STARTING, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_instant(t, 3, 123457, SIM_IN_SPAWN, 4242);
    trace_io_instant(t, 4, 223457, SIM_IN_SPAWN, 4243);
    trace_io_mark(t, 2, 300000, SIM_ST_RUNNING, SIM_NO_TASK, SIM_NO_CPU);
    for (uint32_t k = 0; k < 2; k++) {
        trace_io_mark(t, k, 0, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
        trace_io_mark(t, k, 400000 + k, SIM_ST_RUNNING, SIM_NO_TASK, (uint16_t)k);
        trace_io_mark(t, 3 + k, 400000 + k, SIM_ST_RUNNING, k, (uint16_t)k);
        trace_io_flow(t, 2, 300001, 3 + k, 400000 + k, SIM_FL_DISPATCH);
    }
    trace_io_mark(t, 0, 10400000, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_flow(t, 3, 10400000, 2, 10400500, SIM_FL_RESULT);
    trace_io_mark(t, 4, 10400001, SIM_ST_LOST, 1, SIM_NO_CPU);
    trace_io_instant(t, 4, 10400001, SIM_IN_LOST, 9);
    t->end_ns = -1;
    t->now_ns = 10500000;
    t->outcome = SIM_OUTCOME_RUNNING;
    t->cfg.workers = 2;
    t->dropped = 7;
    t->has_costs = 0;   /* as saved before concviz recorded its costs */
    c->ntraces = 3;
}

/* c as the Chrome JSON writer writes it; the caller frees the text. */
static inline char *trace_io_text(const sim_comparison *c, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ASSERT(f);
    ASSERT_INT_EQ(sim_chrome_write(f, c), 0);
    ASSERT(fclose(f) == 0);
    return buf;
}

/* The good document with the first `from` replaced by `to`. */
static inline char *trace_io_edit(const char *doc, const char *from, const char *to)
{
    const char *p = strstr(doc, from);
    ASSERT_MSG(p, "'%s' is not in the document", from);
    size_t a = (size_t)(p - doc), lf = strlen(from), lt = strlen(to);
    char *out = malloc(strlen(doc) - lf + lt + 1);
    ASSERT(out);
    memcpy(out, doc, a);
    memcpy(out + a, to, lt);
    strcpy(out + a + lt, p + lf);
    return out;
}

#endif
