/* test_trace_io.c - traces on disk: the Chrome JSON writer and the loader.
 *
 * A comparison is built by hand (three models, every kind of lane, mark,
 * instant and flow, odd nanoseconds, strings that need escaping), written,
 * checked for the structure Perfetto needs, loaded back and compared field
 * by field. The same comparison saved by the format 2 writer
 * (tests/fixtures/trace/v2.json) must load into the very same thing. Then
 * every kind of bad file, in both formats, is fed to the loader, each with
 * the message a person should see. Every crash the fuzzer found is a case
 * here.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "trace_chrome.h"
#include "trace_load.h"
#include "workload.h"
#include "test.h"

static char dir[64];

/* The format 2 file of build()'s comparison, as that writer saved it. */
static char *read_fixture(const char *name, size_t *len)
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

static void mark(sim_trace *t, uint32_t lane, int64_t at, sim_state s,
                 uint32_t arg, uint16_t cpu)
{
    sim_mark m = {.t = at, .arg = arg, .state = (uint8_t)s, .cpu = cpu};
    ASSERT(sim_trace_add_mark(t, lane, m) == 0);
}

static void instant(sim_trace *t, uint32_t lane, int64_t at, sim_instant i, uint32_t arg)
{
    sim_tinstant in = {.t = at, .lane = lane, .arg = arg, .code = (uint8_t)i};
    ASSERT(sim_trace_add_instant(t, in) == 0);
}

static void flow(sim_trace *t, uint32_t l0, int64_t t0, uint32_t l1, int64_t t1, sim_flow f)
{
    sim_tflow fl = {.t0 = t0, .t1 = t1, .lane0 = l0, .lane1 = l1, .code = (uint8_t)f};
    ASSERT(sim_trace_add_flow(t, fl) == 0);
}

static void build(sim_comparison *c)
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
        mark(t, k, 0, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
        mark(t, k, 1001 + 10000001ll * k, SIM_ST_RUNNING, SIM_NO_TASK, 1);
        mark(t, k, 10000999 + 10000001ll * k, SIM_ST_IO, 0, SIM_NO_CPU);
        mark(t, k, 40000123 + k, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
        t->lanes[k].cpu_ns = 9999999 + k;
        mark(t, 3, 1001 + 10000001ll * k, SIM_ST_RUNNING, k, 1);
        instant(t, k, 10000999 + 10000001ll * k, SIM_IN_AWAIT, 0);
    }
    mark(t, 3, 30000004, SIM_ST_IDLE, SIM_NO_TASK, SIM_NO_CPU);
    mark(t, 0, 40000123, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU); /* zero-length */
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
    mark(t, 0, 5, SIM_ST_RUNNING, SIM_NO_TASK, 0);
    mark(t, 1, 5, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
    mark(t, 2, 5, SIM_ST_RUNNING, 0, 0);
    instant(t, 1, 5000005, SIM_IN_DROP_REQUEST, 1);
    mark(t, 0, 5000100, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
    mark(t, 1, 5000100, SIM_ST_RUNNING, SIM_NO_TASK, 1);
    mark(t, 2, 5000100, SIM_ST_RUNNING, 1, 1);
    flow(t, 0, 5000099, 1, 5000100, SIM_FL_HANDOFF);
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
    mark(t, 3, 0, SIM_ST_STARTING, SIM_NO_TASK, SIM_NO_CPU);
    mark(t, 4, 0, SIM_ST_STARTING, SIM_NO_TASK, SIM_NO_CPU);
    instant(t, 3, 123457, SIM_IN_SPAWN, 4242);
    instant(t, 4, 223457, SIM_IN_SPAWN, 4243);
    mark(t, 2, 300000, SIM_ST_RUNNING, SIM_NO_TASK, SIM_NO_CPU);
    for (uint32_t k = 0; k < 2; k++) {
        mark(t, k, 0, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
        mark(t, k, 400000 + k, SIM_ST_RUNNING, SIM_NO_TASK, (uint16_t)k);
        mark(t, 3 + k, 400000 + k, SIM_ST_RUNNING, k, (uint16_t)k);
        flow(t, 2, 300001, 3 + k, 400000 + k, SIM_FL_DISPATCH);
    }
    mark(t, 0, 10400000, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    flow(t, 3, 10400000, 2, 10400500, SIM_FL_RESULT);
    mark(t, 4, 10400001, SIM_ST_LOST, 1, SIM_NO_CPU);
    instant(t, 4, 10400001, SIM_IN_LOST, 9);
    t->end_ns = -1;
    t->now_ns = 10500000;
    t->outcome = SIM_OUTCOME_RUNNING;
    t->cfg.workers = 2;
    t->dropped = 7;
    t->has_costs = 0;   /* as saved before concviz recorded its costs */
    c->ntraces = 3;
}

static void same_trace(const sim_trace *a, const sim_trace *b)
{
    ASSERT_INT_EQ(a->model, b->model);
    ASSERT_INT_EQ(a->nlanes, b->nlanes);
    ASSERT_INT_EQ(a->ntasks, b->ntasks);
    for (uint32_t i = 0; i < a->nlanes; i++) {
        const sim_lane *x = &a->lanes[i], *y = &b->lanes[i];
        ASSERT_INT_EQ(x->kind, y->kind);
        ASSERT_INT_EQ(x->index, y->index);
        ASSERT_INT_EQ(x->cpu_ns, y->cpu_ns);
        ASSERT_INT_EQ(x->nmarks, y->nmarks);
        for (size_t k = 0; k < x->nmarks; k++) {
            ASSERT_INT_EQ(x->marks[k].t, y->marks[k].t);
            ASSERT_INT_EQ(x->marks[k].arg, y->marks[k].arg);
            ASSERT_INT_EQ(x->marks[k].state, y->marks[k].state);
            ASSERT_INT_EQ(x->marks[k].cpu, y->marks[k].cpu);
        }
    }
    ASSERT_INT_EQ(a->ninstants, b->ninstants);
    for (size_t k = 0; k < a->ninstants; k++) {
        ASSERT_INT_EQ(a->instants[k].t, b->instants[k].t);
        ASSERT_INT_EQ(a->instants[k].lane, b->instants[k].lane);
        ASSERT_INT_EQ(a->instants[k].arg, b->instants[k].arg);
        ASSERT_INT_EQ(a->instants[k].code, b->instants[k].code);
        ASSERT_INT_EQ(a->instants[k].more, b->instants[k].more);
    }
    ASSERT_INT_EQ(a->nflows, b->nflows);
    for (size_t k = 0; k < a->nflows; k++) {
        ASSERT_INT_EQ(a->flows[k].t0, b->flows[k].t0);
        ASSERT_INT_EQ(a->flows[k].t1, b->flows[k].t1);
        ASSERT_INT_EQ(a->flows[k].lane0, b->flows[k].lane0);
        ASSERT_INT_EQ(a->flows[k].lane1, b->flows[k].lane1);
        ASSERT_INT_EQ(a->flows[k].code, b->flows[k].code);
        ASSERT_INT_EQ(a->flows[k].more, b->flows[k].more);
    }
    ASSERT_INT_EQ(a->resolution_ns, b->resolution_ns);
    ASSERT_INT_EQ(a->ndense, b->ndense);
    for (size_t k = 0; k < a->ndense; k++) {
        const sim_tdense *x = &a->dense[k], *y = &b->dense[k];
        ASSERT_INT_EQ(x->segs, y->segs);
        ASSERT_INT_EQ(x->arg_changes, y->arg_changes);
        ASSERT_INT_EQ(x->first_arg, y->first_arg);
        ASSERT_INT_EQ(x->last_arg, y->last_arg);
        ASSERT(memcmp(x->n, y->n, sizeof x->n) == 0);
        ASSERT(memcmp(x->ns, y->ns, sizeof x->ns) == 0);
    }
    ASSERT_INT_EQ(a->end_ns, b->end_ns);
    ASSERT_INT_EQ(a->now_ns, b->now_ns);
    ASSERT_INT_EQ(a->outcome, b->outcome);
    ASSERT_INT_EQ(a->dropped, b->dropped);
    ASSERT_INT_EQ(a->cfg.workers, b->cfg.workers);
    ASSERT_INT_EQ(a->cfg.threads, b->cfg.threads);
    ASSERT_INT_EQ(a->cfg.switch_interval_ns, b->cfg.switch_interval_ns);
    ASSERT_INT_EQ(a->mem_per_task_bytes, b->mem_per_task_bytes);
    ASSERT_INT_EQ(a->has_costs, b->has_costs);
    if (a->has_costs) {
        const sim_costs_origin *x = &a->costs.origin, *y = &b->costs.origin;
        /* ns are written with 3 decimals: exact to half a picosecond. */
        for (int k = 0; k < SIM_COST__COUNT; k++)
            ASSERT_MSG(fabs(a->costs.ns[k] - b->costs.ns[k]) <= 0.0005 + 1e-9 * a->costs.ns[k],
                       "%s: %f != %f",
                       sim_cost_infos[k].name, a->costs.ns[k], b->costs.ns[k]);
        ASSERT_INT_EQ(x->source, y->source);
        ASSERT_STR_EQ(x->implementation, y->implementation);
        ASSERT_STR_EQ(x->version, y->version);
        ASSERT_STR_EQ(x->measured_at, y->measured_at);
        ASSERT_STR_EQ(x->cpu_model, y->cpu_model);
        ASSERT_STR_EQ(x->note, y->note);
        ASSERT_INT_EQ(x->cpus, y->cpus);
        ASSERT(fabs(x->scale - y->scale) <= 0.0005 + 1e-9);
    }
    ASSERT_STR_EQ(a->error, b->error);
    ASSERT_INT_EQ(a->nnames, b->nnames);
    for (uint32_t k = 0; k < a->nnames; k++) {
        ASSERT_STR_EQ(a->names[k].name, b->names[k].name);
        ASSERT_INT_EQ(a->names[k].kind, b->names[k].kind);
        ASSERT_INT_EQ(a->names[k].permits, b->names[k].permits);
    }
    ASSERT_INT_EQ(a->deadlock.t, b->deadlock.t);
    ASSERT_INT_EQ(a->deadlock.nlinks, b->deadlock.nlinks);
    for (uint32_t k = 0; k < a->deadlock.nlinks; k++) {
        ASSERT_INT_EQ(a->deadlock.links[k].task, b->deadlock.links[k].task);
        ASSERT_INT_EQ(a->deadlock.links[k].name, b->deadlock.links[k].name);
        ASSERT_INT_EQ(a->deadlock.links[k].holder, b->deadlock.links[k].holder);
    }
}

static void same(const sim_comparison *a, const sim_comparison *b)
{
    ASSERT_STR_EQ(a->workload, b->workload);
    ASSERT_INT_EQ(a->nominal_ns, b->nominal_ns);
    ASSERT_STR_EQ(a->recorded_at, b->recorded_at);
    ASSERT_INT_EQ(a->machine.cpus, b->machine.cpus);
    ASSERT_STR_EQ(a->machine.cpu_model, b->machine.cpu_model);
    ASSERT_STR_EQ(a->machine.hostname, b->machine.hostname);
    ASSERT_STR_EQ(a->machine.os, b->machine.os);
    ASSERT_INT_EQ(a->ntraces, b->ntraces);
    for (int i = 0; i < a->ntraces; i++)
        same_trace(&a->traces[i], &b->traces[i]);
}

static char *to_text(const sim_comparison *c, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ASSERT(f);
    ASSERT_INT_EQ(sim_chrome_write(f, c), 0);
    ASSERT(fclose(f) == 0);
    return buf;
}

/* ---- the structure Perfetto and chrome://tracing need ------------------ */

typedef struct tally {
    int procs, proc_sorts, threads, thread_sorts, x, i, s, f;
    char names[8][32];   /* thread names of model 2 (threading) */
} tally;

static void walk_event(sim_json *j, tally *n)
{
    char key[16], ph[8] = "", name[64] = "", argname[64] = "", bp[4] = "";
    int64_t pid = -1, tid = -1, sort = -1, v;
    int more;
    ASSERT(sim_json_begin_object(j) == 0);
    while ((more = sim_json_next_key(j, key, sizeof key)) > 0) {
        if (!strcmp(key, "ph")) {
            ASSERT(sim_json_string(j, ph, sizeof ph, NULL) == 0);
        } else if (!strcmp(key, "name")) {
            ASSERT(sim_json_string(j, name, sizeof name, NULL) == 0);
        } else if (!strcmp(key, "bp")) {
            ASSERT(sim_json_string(j, bp, sizeof bp, NULL) == 0);
        } else if (!strcmp(key, "pid")) {
            ASSERT(sim_json_int64(j, &pid) == 0);
        } else if (!strcmp(key, "tid")) {
            ASSERT(sim_json_int64(j, &tid) == 0);
        } else if (!strcmp(key, "ts") || !strcmp(key, "dur")) {
            ASSERT(sim_json_fixed(j, 3, &v) == 0);
            ASSERT(v >= 0);
        } else if (!strcmp(key, "args")) {
            char ak[16];
            ASSERT(sim_json_begin_object(j) == 0);
            while (sim_json_next_key(j, ak, sizeof ak) > 0) {
                if (!strcmp(ak, "name"))
                    ASSERT(sim_json_string(j, argname, sizeof argname, NULL) == 0);
                else if (!strcmp(ak, "sort_index"))
                    ASSERT(sim_json_int64(j, &sort) == 0);
                else
                    ASSERT(sim_json_skip(j) == 0);
            }
        } else {
            ASSERT(sim_json_skip(j) == 0);
        }
    }
    ASSERT_INT_EQ(more, 0);
    ASSERT(pid >= 1 && pid <= 3 && tid >= 0);
    if (!strcmp(ph, "M")) {
        if (!strcmp(name, "process_name")) {
            static const char *const models[] = {"asyncio", "threading", "multiprocessing"};
            ASSERT_STR_EQ(argname, models[pid - 1]);
            n->procs++;
        } else if (!strcmp(name, "process_sort_index")) {
            ASSERT_INT_EQ(sort, pid - 1);
            n->proc_sorts++;
        } else if (!strcmp(name, "thread_name")) {
            if (pid == 2 && tid >= 1 && tid <= 8)
                snprintf(n->names[tid - 1], sizeof n->names[0], "%s", argname);
            n->threads++;
        } else if (!strcmp(name, "thread_sort_index")) {
            ASSERT_INT_EQ(sort, tid - 1);
            n->thread_sorts++;
        }
    } else if (!strcmp(ph, "X")) {
        n->x++;
    } else if (!strcmp(ph, "i")) {
        n->i++;
    } else if (!strcmp(ph, "s")) {
        n->s++;
    } else if (!strcmp(ph, "f")) {
        ASSERT_STR_EQ(bp, "e");
        n->f++;
    }
}

static void test_structure(const char *text, size_t len)
{
    char msg[256];
    ASSERT_MSG(sim_json_validate(text, len, msg, sizeof msg) == 0, "%s", msg);
    sim_json j;
    sim_json_init(&j, text, len);
    ASSERT(sim_json_begin_object(&j) == 0);
    char key[32], unit[8] = "", gen[64] = "";
    int64_t fmt = -1;
    tally n;
    memset(&n, 0, sizeof n);
    int have_other = 0;
    while (sim_json_next_key(&j, key, sizeof key) > 0) {
        if (!strcmp(key, "traceEvents")) {
            ASSERT(sim_json_begin_array(&j) == 0);
            while (sim_json_next_item(&j) > 0)
                walk_event(&j, &n);
        } else if (!strcmp(key, "displayTimeUnit")) {
            ASSERT(sim_json_string(&j, unit, sizeof unit, NULL) == 0);
        } else if (!strcmp(key, "otherData")) {
            have_other = 1;
            ASSERT(sim_json_begin_object(&j) == 0);
            char k2[32];
            while (sim_json_next_key(&j, k2, sizeof k2) > 0) {
                if (!strcmp(k2, "generator"))
                    ASSERT(sim_json_string(&j, gen, sizeof gen, NULL) == 0);
                else if (!strcmp(k2, "concviz_format"))
                    ASSERT(sim_json_int64(&j, &fmt) == 0);
                else
                    ASSERT(sim_json_skip(&j) == 0);
            }
        } else {
            ASSERT(sim_json_skip(&j) == 0);
        }
    }
    ASSERT(sim_json_finish(&j) == 0);
    ASSERT_STR_EQ(unit, "ns");
    ASSERT(have_other);
    ASSERT_INT_EQ(fmt, SIM_CHROME_FORMAT);
    ASSERT(strncmp(gen, "concviz ", 8) == 0);
    ASSERT_INT_EQ(n.procs, 3);
    ASSERT_INT_EQ(n.proc_sorts, 3);
    ASSERT_INT_EQ(n.threads, 4 + 3 + 5);
    ASSERT_INT_EQ(n.thread_sorts, 4 + 3 + 5);
    ASSERT_INT_EQ(n.x, 17 + 6 + 11);
    ASSERT_INT_EQ(n.i, 3 + 1 + 3);
    ASSERT_INT_EQ(n.s, 4);
    ASSERT_INT_EQ(n.f, 4);
    ASSERT_STR_EQ(n.names[0], "task 0");
    ASSERT_STR_EQ(n.names[2], "GIL");
    /* Exact nanoseconds: 1001 ns is 1.001 us, 40000123 ns 40000.123 us. */
    ASSERT_CONTAINS(text, "\"ts\":1.001,");
    ASSERT_CONTAINS(text, "\"ts\":40000.123,");
}

static void test_round_trip(void)
{
    sim_comparison a, b;
    build(&a);
    size_t len;
    char *text = to_text(&a, &len);
    test_structure(text, len);
    char msg[256];
    ASSERT_MSG(sim_trace_load_mem(text, len, "mem.json", &b, msg, sizeof msg) == 0,
               "%s", msg);
    ASSERT_STR_EQ(msg, "");
    same(&a, &b);
    /* otherData comes first; a lane's marks are one short string. */
    ASSERT(strncmp(text, "{\"otherData\":{", 14) == 0);
    ASSERT_CONTAINS(text, "\"r0R1001@1w9999998/0@-d29999124/-d0\"");
    /* Written again, the loaded comparison gives the very same bytes. */
    size_t len2;
    char *text2 = to_text(&b, &len2);
    ASSERT_INT_EQ(len, len2);
    ASSERT(memcmp(text, text2, len) == 0);
    free(text2);
    sim_comparison_deinit(&b);

    /* A format 2 file of the same comparison reads the same. */
    size_t len2v;
    char *v2 = read_fixture("v2.json", &len2v);
    ASSERT_MSG(sim_trace_load_mem(v2, len2v, "v2.json", &b, msg, sizeof msg) == 0, "%s", msg);
    /* ... but for the cost profiles, which format 2 files predate. */
    sim_comparison before_costs = a; /* shallow: only read */
    for (int k = 0; k < before_costs.ntraces; k++)
        before_costs.traces[k].has_costs = 0;
    same(&before_costs, &b);
    sim_comparison_deinit(&b);
    free(v2);

    /* Through a file, atomically; then replaced by a smaller comparison. */
    char path[128];
    snprintf(path, sizeof path, "%s/RUN.json", dir);
    ASSERT_INT_EQ(sim_chrome_save(path, &a, msg, sizeof msg), 0);
    ASSERT_INT_EQ(sim_trace_load(path, &b, msg, sizeof msg), 0);
    same(&a, &b);
    sim_comparison_deinit(&b);
    sim_comparison one = a;
    one.ntraces = 1;
    ASSERT_INT_EQ(sim_chrome_save(path, &one, msg, sizeof msg), 0);
    ASSERT_INT_EQ(sim_trace_load(path, &b, msg, sizeof msg), 0);
    ASSERT_INT_EQ(b.ntraces, 1);
    same_trace(&a.traces[0], &b.traces[0]);
    sim_comparison_deinit(&b);

    /* An empty comparison (no model ran) is a valid file too. */
    sim_comparison none;
    memset(&none, 0, sizeof none);
    free(text);
    text = to_text(&none, &len);
    ASSERT_INT_EQ(sim_trace_load_mem(text, len, "none.json", &b, msg, sizeof msg), 0);
    ASSERT_INT_EQ(b.ntraces, 0);
    ASSERT_STR_EQ(b.workload, "");
    sim_comparison_deinit(&b);
    free(text);
    sim_comparison_deinit(&a);
    unlink(path);
}

/* A summarized trace (trace.h, "Dense lanes") reads back as it was: its
 * 'D' marks, their records, its resolution, the instants and flows that
 * count others; and a 'D' mark without its record is refused. */
static void test_round_trip_dense(void)
{
    sim_comparison a, b;
    memset(&a, 0, sizeof a);
    a.workload = strdup("2*(1000*yield)");
    ASSERT(a.workload);
    a.nominal_ns = 1;
    sim_trace *t = &a.traces[0];
    a.ntraces = 1;
    ASSERT(sim_trace_init(t, SIM_MODEL_ASYNCIO, 2, 3) == 0);
    t->lanes[2].kind = SIM_LANE_LOOP;
    int64_t at = 0;
    for (int k = 0; k < 4000; k++) {
        uint32_t task = (uint32_t)(k / 2) % 2;
        mark(t, task, at, k % 2 ? SIM_ST_READY : SIM_ST_RUNNING, SIM_NO_TASK, SIM_NO_CPU);
        mark(t, 2, at, k % 2 ? SIM_ST_IDLE : SIM_ST_RUNNING, task, SIM_NO_CPU);
        if (k % 2 == 0)
            instant(t, task, at + 1, SIM_IN_AWAIT, 0);
        if (k % 4 == 0)
            flow(t, 2, at, task, at + 3, SIM_FL_HANDOFF);
        /* Mostly short states, and now and then a long one. */
        at += k % 500 == 0 ? 100000 : 30 + k % 11;
    }
    mark(t, 0, at, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    mark(t, 1, at, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    t->end_ns = t->now_ns = at + 10;
    ASSERT_INT_EQ(sim_trace_fold(t, 4096, INT64_MAX), 0);
    ASSERT(t->ndense > 0 && t->resolution_ns == 4096);
    int more = 0;
    for (size_t k = 0; k < t->ninstants; k++)
        more += t->instants[k].more > 0;
    ASSERT(more > 0);
    size_t len;
    char *text = to_text(&a, &len);
    char msg[256];
    ASSERT_MSG(sim_trace_load_mem(text, len, "dense.json", &b, msg, sizeof msg) == 0, "%s", msg);
    same(&a, &b);
    ASSERT(b.traces[0].states_seen & (1u << SIM_ST_DENSE));
    size_t len2;
    char *text2 = to_text(&b, &len2);
    ASSERT_INT_EQ(len, len2);
    ASSERT(memcmp(text, text2, len) == 0);
    free(text2);
    sim_comparison_deinit(&b);
    /* Without its records, a 'D' mark names nothing. */
    char *cut = strstr(text, "\"dense\":[4096");
    ASSERT(cut);
    memcpy(cut, "\"xense\"", 7); /* a key the reader does not know */
    ASSERT_INT_EQ(sim_trace_load_mem(text, len, "dense.json", &b, msg, sizeof msg),
                  SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "summarized mark");
    free(text);
    sim_comparison_deinit(&a);
}

/* Format 4: where each task is and what it read and wrote, kept for the
 * code view and the value lanes; viewers see the stores as a counter. A
 * format 3 file still opens, without them, and never holds their codes. */
static char *edit(const char *doc, const char *from, const char *to);

static void test_steps(void)
{
    sim_comparison a, b;
    memset(&a, 0, sizeof a);
    a.workload = strdup("(cpu:1ms,load:hits,io:1ms,store:hits,put:q:1B) + get:q");
    ASSERT(a.workload);
    sim_trace *t = &a.traces[0];
    ASSERT(sim_trace_init(t, SIM_MODEL_THREADING, 2, 3) == 0);
    t->lanes[2].kind = SIM_LANE_GIL;
    t->names = calloc(2, sizeof *t->names);
    ASSERT(t->names);
    t->nnames = 2;
    snprintf(t->names[0].name, sizeof t->names[0].name, "hits");
    t->names[0].kind = SIM_NAME_VAR;
    snprintf(t->names[1].name, sizeof t->names[1].name, "q");
    t->names[1].kind = SIM_NAME_QUEUE;
    mark(t, 0, 0, SIM_ST_RUNNING, SIM_NO_TASK, 0);
    mark(t, 1, 0, SIM_ST_QUEUE, SIM_NO_TASK, SIM_NO_CPU);
    instant(t, 0, 1000, SIM_IN_STEP, 1);
    instant(t, 0, 1000, SIM_IN_LOAD, sim_value_arg(0, 40));
    instant(t, 0, 2000, SIM_IN_STEP, 2);
    instant(t, 0, 3000, SIM_IN_STORE, sim_value_arg(0, 41));
    instant(t, 0, 3000, SIM_IN_INC, sim_value_arg(0, 42));
    instant(t, 0, 3500, SIM_IN_VALUES_CUT, 0);
    instant(t, 0, 4000, SIM_IN_PUT, 1);
    instant(t, 1, 4100, SIM_IN_GOT, 1);
    mark(t, 0, 5000, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    mark(t, 1, 5000, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    t->end_ns = t->now_ns = 5000;
    t->has_steps = 1;
    a.ntraces = 1;
    size_t len;
    char *text = to_text(&a, &len);
    char msg[256];
    ASSERT_MSG(sim_trace_load_mem(text, len, "steps.json", &b, msg, sizeof msg) == 0, "%s",
               msg);
    same(&a, &b);
    ASSERT_INT_EQ(b.traces[0].has_steps, 1);
    ASSERT_INT_EQ(sim_value_name(b.traces[0].instants[1].arg), 0);
    ASSERT_INT_EQ(sim_value_of(b.traces[0].instants[1].arg), 40);
    sim_comparison_deinit(&b);
    /* For viewers: the stores as a counter track, the steps left out. */
    ASSERT_CONTAINS(text, "\"ph\":\"C\",\"pid\":1,\"tid\":1,\"ts\":3.000,\"name\":\"hits\","
                          "\"args\":{\"hits\":41}}");
    ASSERT(!strstr(text, "\"name\":\"step\""));
    ASSERT_CONTAINS(text, "\"name\":\"put\"");
    /* The same instants claimed by a format 3 file: a damaged file. */
    char *old = edit(text, "\"concviz_format\":4", "\"concviz_format\":3");
    ASSERT_INT_EQ(sim_trace_load_mem(old, strlen(old), "old.json", &b, msg, sizeof msg),
                  SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "instant code 6 is out of range (0..5)");
    free(old);
    free(text);
    sim_comparison_deinit(&a);

    /* A format 3 file (the instants it knew): it opens, with no steps. */
    build(&a);
    text = to_text(&a, &len);
    old = edit(text, "\"concviz_format\":4", "\"concviz_format\":3");
    ASSERT_MSG(sim_trace_load_mem(old, strlen(old), "old.json", &b, msg, sizeof msg) == 0,
               "%s", msg);
    same(&a, &b);
    for (int k = 0; k < b.ntraces; k++)
        ASSERT_INT_EQ(b.traces[k].has_steps, 0);
    sim_comparison_deinit(&b);
    free(old);
    free(text);
    sim_comparison_deinit(&a);
}

/* ---- bad files ---------------------------------------------------------- */

/* The good document with the first `from` replaced by `to`. */
static char *edit(const char *doc, const char *from, const char *to)
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

typedef struct bad_edit {
    const char *from, *to;
    int err;
    const char *msg;     /* must be in the message */
} bad_edit;

/* Edits of the format 2 file: its events are what the loader reads. */
static const bad_edit edits_v2[] = {
    {"\"concviz_format\":2", "\"concviz_format\":5", SIM_E_FORMAT,
     "bad.json: written by a newer concviz (trace format 5); this one reads format 4"},
    {"\"concviz_format\":2", "\"concviz_format\":3", SIM_E_FORMAT,
     "model asyncio has no ntasks, nlanes, nmarks, ninstants or nflows"},
    /* Without concviz_format it is read as another tool's Chrome trace
     * (trace_foreign.c): its events are valid ones, so it opens. */
    {"\"concviz_format\":2", "\"concviz_fmt\":2", 0, NULL},
    {"\"concviz_format\":2", "\"concviz_format\":0", SIM_E_FORMAT,
     "trace format 0 is not one concviz ever wrote"},
    {"\"pid\":1,\"tid\":2,\"ts\"", "\"pid\":1,\"tid\":99,\"ts\"", SIM_E_FORMAT,
     "tid 99 is no lane of model asyncio (1..4)"},
    {"\"pid\":1,\"tid\":2,\"ts\"", "\"pid\":7,\"tid\":2,\"ts\"", SIM_E_FORMAT,
     "pid 7 is no model of this file (1..3)"},
    {"\"ts\":1.001", "\"ts\":-1.001", SIM_E_FORMAT, "ts -1001 ns is out of range"},
    {"\"ts\":1.001", "\"ts\":1e300", SIM_E_FORMAT,
     "expected a number with at most 3 decimals that fits in 64 bits once scaled"},
    {"\"ts\":1.001", "\"ts\":1.0001", SIM_E_FORMAT, "expected a number with at most 3 decimals"},
    {"\"ts\":1.001", "\"ts\":2000000000000", SIM_E_FORMAT, "ns is out of range (0..1000000000000000 ns)"},
    {"\"ts\":1.001", "\"ts\":\"1.001\"", SIM_E_FORMAT, "expected a number"},
    {"\"ntasks\":3", "\"ntasks\":2000000", SIM_E_FORMAT, "ntasks 2000000 is out of range (0..1000000)"},
    {"\"ntasks\":3", "\"ntasks\":5", SIM_E_FORMAT, "model asyncio has 4 lanes for 5 tasks"},
    {"\"ntasks\":3", "\"ntasks\":2", SIM_E_FORMAT, "model asyncio: lane 2 (kind 0, index 2) does not fit"},
    {"\"lane_kinds\":[0,0,0,1]", "\"lane_kinds\":[0,0,0,9]", SIM_E_FORMAT, "lane kind 9 is out of range (0.."},
    {"\"lane_indices\":[0,1,2,0]", "\"lane_indices\":[0,1,2]", SIM_E_FORMAT,
     "model asyncio lists 4 lane kinds, 3 lane indices and 4 lane cpu_ns: they must match"},
    {"[\n {\"name\":\"asyncio\"", "[\n {\"name\":\"gevent\"", SIM_E_FORMAT,
     "model 1 is \"gevent\", not a model concviz knows"},
    {"\"args\":{\"state\":1}", "\"args\":{\"state\":200}", SIM_E_FORMAT, "state 200 is out of range (0.."},
    {"\"args\":{\"state\":1}", "\"args\":{}", SIM_E_FORMAT, "a \"X\" event needs pid, tid, ts, dur and args.state"},
    {"\"nmarks\":17", "\"nmarks\":18", SIM_E_FORMAT,
     "bad.json: incomplete: model asyncio should have 18 marks and has 17"},
    {"\"nflows\":1", "\"nflows\":0", SIM_E_FORMAT,
     "model threading holds more flows than the 0 its otherData says"},
    /* The second mark of task 0 moved before the first. */
    {"\"ts\":1.001,", "\"ts\":0.000,\"x\":", SIM_E_FORMAT, NULL},
    {"\"ph\":\"f\"", "\"ph\":\"X\"", SIM_E_FORMAT, "a \"X\" event needs pid, tid, ts, dur and args.state"},
    {"\"ph\":\"s\"", "\"ph\":\"f\"", SIM_E_FORMAT, "ends without its start right before it"},
    {"\"ph\":\"f\"", "\"ph\":\"s\"", SIM_E_FORMAT, "starts but never ends"},
    {"\"displayTimeUnit\"", "\"otherData\":{},\"displayTimeUnit\"", SIM_E_FORMAT, "otherData appears twice"},
    {"\"traceEvents\":[", "\"traceEvents\":{},\"x\":[", SIM_E_FORMAT, "1:16: expected an array"},
    {"\"cpus\":2", "\"cpus\":2,\"deep\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", SIM_E_FORMAT,
     "expected at most 64 levels of nesting"},
    {"\"workload\":\"2*", "\"workload\":\"\\u0000", SIM_E_FORMAT, "expected a string without \\u0000"},
    {"\"hostname\":\"lab-01\"", "\"hostname\":\"" "0123456789012345678901234567890123456789012345678901234567890123456789" "\"",
     SIM_E_FORMAT, "expected a string of at most 63 bytes"},
    {"\"end_ns\":40000125", "\"end_ns\":-2", SIM_E_FORMAT, "end_ns -2 is out of range"},
    {"\"lane_cpu_ns\":[9999999", "\"lane_cpu_ns\":[-9999999", SIM_E_FORMAT, "lane cpu_ns -9999999 is out of range"},
    /* Unknown members and kinds of events are allowed: they redraw nothing. */
    {"\"displayTimeUnit\"", "\"extra\":[1,{\"a\":null}],\"displayTimeUnit\"", 0, NULL},
    {"\"traceEvents\":[", "\"traceEvents\":[{\"ph\":\"C\",\"pid\":1,\"ts\":5,\"args\":{\"n\":3}},", 0, NULL},
};

/* Edits of the format 4 file: concviz_lanes is what the loader reads. */
static const bad_edit edits_v3[] = {
    /* The cost profile a model charged is read as strictly as a profile file. */
    {"\"loop_turn\": ", "\"loop_turn\": -", SIM_E_FORMAT,
     "costs.loop_turn: expected ns from 0 to 10000 (10 us), got -"},
    {"\"concviz_costs\": 2", "\"concviz_costs\": 7", SIM_E_FORMAT,
     "costs: expected a cost profile of format 2, got 7"},
    {"\"source\": \"builtin\"", "\"source\": \"magic\"", SIM_E_FORMAT,
     "source: expected calibrated, builtin, none or file"},
    {"\"concviz_format\":4", "\"concviz_format\":5", SIM_E_FORMAT,
     "bad.json: written by a newer concviz (trace format 5); this one reads format 4"},
    {"\"concviz_lanes\":[", "\"lanes\":[", SIM_E_FORMAT,
     "bad.json: it has no concviz_lanes, where format 4 keeps the lanes"},
    {"\"concviz_lanes\":[", "\"concviz_lanes\":{}, \"x\":[", SIM_E_FORMAT,
     "expected an array"},
    {"\"nmarks\":17", "\"nmarks\":18", SIM_E_FORMAT,
     "bad.json: incomplete: model asyncio should have 18 marks and has 17"},
    {"\"nmarks\":17", "\"nmarks\":-1", SIM_E_FORMAT, "nmarks -1 is out of range"},
    {",\"nmarks\":17", "", SIM_E_FORMAT,
     "model asyncio has no ntasks, nlanes, nmarks, ninstants or nflows"},
    {"\"nlanes\":4", "\"nlanes\":5", SIM_E_FORMAT,
     "model asyncio: res_kinds lists fewer values for 2 lanes"},
    {"\"nlanes\":4", "\"nlanes\":2", SIM_E_FORMAT, "(or fewer lanes than tasks)"},
    {"\"nlanes\":4", "\"nlanes\":9999", SIM_E_FORMAT,
     "model asyncio has 9999 lanes for 3 tasks: it needs one per task and at most 4096 more"},
    {"\"res_kinds\":[1]", "\"res_kinds\":[0]", SIM_E_FORMAT, "res_kinds 0 is out of range (1..7)"},
    {"\"res_kinds\":[1]", "\"res_kinds\":[1,1]", SIM_E_FORMAT,
     "model asyncio: res_kinds lists more values for 1 lanes"},
    {"\"res_kinds\":[1],", "", SIM_E_FORMAT, "model asyncio: concviz_lanes has no res_kinds"},
    {"\"cpu_ns\":[9999999,", "\"cpu_ns\":[", SIM_E_FORMAT,
     "model asyncio: cpu_ns lists fewer values for 4 lanes"},
    {"\"cpu_ns\":[9999999,", "\"cpu_ns\":[-2,", SIM_E_FORMAT, "cpu_ns -2 is out of range"},
    /* A lane's text, byte by byte. */
    {"\"r0R1001@1w9999998", "\"r0R1001@1W9999998", SIM_E_FORMAT,
     "lane 0 of model asyncio: expected a state letter (one of nrRwdisxlmqve)"},
    {"\"r0R1001@1w9999998", "\"r0R01001@1w9999998", SIM_E_FORMAT,
     "lane 0 of model asyncio: expected the ns since the lane's previous mark"},
    {"\"r0R1001@1w9999998", "\"r0R1000000000000000@1w9999998", SIM_E_FORMAT,
     "keeping the time within 10^15 ns"},
    {"\"r0R1001@1w9999998", "\"r0R@1w9999998", SIM_E_FORMAT, "expected the ns since"},
    {"9999998/0@-d29999124/-d0\"", "9999998/0@-d29999124/d0\"", SIM_E_FORMAT,
     "expected an arg (0..4294967294) or '-' after '/'"},
    {"\"r0R1001@1w9999998", "\"r0R1001@65535w9999998", SIM_E_FORMAT,
     "expected a core (0..65534) or '-' after '@'"},
    /* An escape is valid JSON, but never what concviz writes. */
    {"\"r0R1001@1w9999998", "\"r0R1001@1\\u00779999998", SIM_E_FORMAT,
     "expected a state letter"},
    {"\"r0R20001003@1w9999998/0@-d9999124/-\",\n", "", SIM_E_FORMAT,
     "model asyncio: marks for 3 lanes of its 4"},
    {"\"r0R20001003@1w9999998/0@-d9999124/-\",\n", "\"\",\"\",\n", SIM_E_FORMAT,
     "model asyncio: more lanes of marks than its 4 lanes"},
    {"\"R1001/0@1R10000001/1R10000001/2i9999001/-@-\"", "1", SIM_E_FORMAT,
     "expected a string"},
    /* Instants and flows. */
    {"10000001,2,0,0]", "10000001,9,0,0]", SIM_E_FORMAT, "instant lane 9 is out of range (0..3)"},
    {"10000001,2,0,0]", "10000001,2,13,0]", SIM_E_FORMAT, "instant code 13 is out of range"},
    {"10000001,2,0,0]", "10000001,2,0]", SIM_E_FORMAT,
     "an instant is 4 integers: dt, lane, code, arg"},
    {"10000001,2,0,0]", "-1,2,0,0]", SIM_E_FORMAT, "instant dt -1 is out of range"},
    {"\"ninstants\":3", "\"ninstants\":2", SIM_E_FORMAT,
     "model asyncio holds more instants than the 2 its otherData says"},
    {"\"ninstants\":3", "\"ninstants\":4", SIM_E_FORMAT,
     "incomplete: model asyncio should have 4 instants and has 3"},
    {"5000100,1,0,1,0]", "5000100,1,0,1,7]", SIM_E_FORMAT, "flow code 7 is out of range"},
    {"5000100,1,0,1,0]", "5000100,1,0,3,0]", SIM_E_FORMAT, "flow lane1 3 is out of range (0..2)"},
    {"400000,99999,2,3,1", "400000,999999,2,3,1", SIM_E_FORMAT,
     "a flow starts at -599999 ns, out of range"},
    {"5000100,1,0,1,0]", "5000100,1,0,1]", SIM_E_FORMAT, "a flow is 5 integers"},
    {"\"nflows\":1", "\"nflows\":0", SIM_E_FORMAT,
     "model threading holds more flows than the 0 its otherData says"},
    /* What otherData claims is held to the memory budget before anything is
     * built: a file cannot make concviz reserve what it does not hold. */
    {"\"nmarks\":17", "\"nmarks\":999999999999999", SIM_E_NOMEM,
     "bad.json: too big to open here: its runs need about"},
    /* The events are for other viewers: format 3 reads none of them, so
     * any valid JSON there is fine. */
    {"\"traceEvents\":[", "\"traceEvents\":[{\"ph\":\"X\"},[],", 0, NULL},
    {"{\"res_kinds\"", "{\"extra\":[{}],\"res_kinds\"", 0, NULL},
};

static void test_bad_edits(const char *good, const bad_edit *edits, size_t nedits)
{
    char msg[512];
    for (size_t i = 0; i < nedits; i++) {
        const bad_edit *b = &edits[i];
        char *doc = edit(good, b->from, b->to);
        sim_comparison c;
        int e = sim_trace_load_mem(doc, strlen(doc), "bad.json", &c, msg, sizeof msg);
        ASSERT_MSG(e == b->err, "edit %zu (%s): got %d: %s", i, b->to, e, msg);
        if (b->msg)
            ASSERT_CONTAINS(msg, b->msg);
        if (e) {
            ASSERT(strncmp(msg, "bad.json:", 9) == 0);
            ASSERT(c.ntraces == 0 && c.workload == NULL);  /* nothing half-built */
        }
        sim_comparison_deinit(&c);
        free(doc);
    }
}

/* The budget: a file whose runs need more memory than concviz may use is
 * refused before anything is built, with the sizes. */
static void test_budget(const char *good, size_t len)
{
    char msg[512];
    sim_comparison c;
    ASSERT_INT_EQ(sim_trace_load_mem_budget(good, len, "big.json", 1000, &c, msg, sizeof msg),
                  SIM_E_NOMEM);
    ASSERT_CONTAINS(msg, "big.json: too big to open here: its runs need about ");
    ASSERT_CONTAINS(msg, "(12 lanes, 34 marks, 7 instants, 4 flows)");
    ASSERT_CONTAINS(msg, "and concviz may use 1000 B (half of the memory available now)");
    ASSERT(c.ntraces == 0 && c.workload == NULL);
    /* Exactly what the traces take is enough. */
    uint64_t need = (4 + 3 + 5) * sizeof(sim_lane) + (17 + 6 + 11) * sizeof(sim_mark) +
                    (3 + 1 + 3) * sizeof(sim_tinstant) + (0 + 1 + 3) * sizeof(sim_tflow);
    ASSERT_INT_EQ(sim_trace_load_mem_budget(good, len, "big.json", need, &c, msg, sizeof msg),
                  0);
    sim_comparison_deinit(&c);
    ASSERT_INT_EQ(sim_trace_load_mem_budget(good, len, "big.json", need - 1, &c, msg,
                                            sizeof msg), SIM_E_NOMEM);
    ASSERT(sim_trace_load_budget() > 0);
}

static void test_bad_documents(const char *good, size_t len)
{
    char msg[512];
    sim_comparison c;
    static const struct { const char *doc; const char *msg; } docs[] = {
        {"", "X.json: the file is empty; a trace is a JSON object"},
        {" \n\t ", "X.json: the file is empty"},
        {"[1, 2]", "X.json:1:2: an event is an object"},
        {"{\"traceEvents\": []}", "X.json: it holds no event concviz can draw"},
        {"{\"foo\": 1}", "X.json: not a trace concviz can read: a JSON object with no "
                         "traceEvents"},
        {"\"x\"", "X.json: not a trace concviz can read: it is not a JSON object"},
        {"{\"otherData\": {\"concviz_format\": 1, \"workload\": \"x\", \"models\": []}}",
         "X.json: it has no traceEvents"},
        {"{\"otherData\": {\"concviz_format\": 1, \"models\": []}, \"traceEvents\": []}",
         "X.json:1:15: otherData has no workload"},
        {"hello", "X.json:1:1: expected a value"},
        {"{\"a\":1}}", "X.json:1:8: expected the end of the document"},
        {"\x7f" "ELF\x02\x01\x01\0\0\0", "X.json: not a trace concviz can read: it holds binary data"},
        {"\x89PNG\r\n\x1a\n", "X.json: not a trace concviz can read: it holds binary data"},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        size_t n = strlen(docs[i].doc);
        if (docs[i].doc[0] == '\x7f')
            n = 10;
        int e = sim_trace_load_mem(docs[i].doc, n, "X.json", &c, msg, sizeof msg);
        ASSERT_MSG(e == SIM_E_FORMAT, "docs[%zu]", i);
        ASSERT_CONTAINS(msg, docs[i].msg);
        sim_comparison_deinit(&c);
    }
    /* Cut short anywhere: a clear error, never a crash. */
    for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
        int e = sim_trace_load_mem(good, cut, "cut.json", &c, msg, sizeof msg);
        ASSERT_MSG(e == SIM_E_FORMAT, "cut at %zu", cut);
        ASSERT(strncmp(msg, "cut.json:", 9) == 0);
        sim_comparison_deinit(&c);
    }
    ASSERT(sim_trace_load_mem(good, len / 2, "cut.json", &c, msg, sizeof msg) == SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "(the file ends too early: is it cut short?)");
}

static void put_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ASSERT(f);
    ASSERT(fwrite(data, 1, n, f) == n);
    ASSERT(fclose(f) == 0);
}

static void test_bad_files(const char *good, size_t len)
{
    char msg[512], path[128], want[256];
    sim_comparison c;

    snprintf(path, sizeof path, "%s/RUN.json", dir);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: no such file", path);
    ASSERT_STR_EQ(msg, want);

    ASSERT_INT_EQ(sim_trace_load(dir, &c, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: is a folder, not a trace file", dir);
    ASSERT_STR_EQ(msg, want);

    ASSERT_INT_EQ(sim_trace_load("/dev/zero", &c, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "/dev/zero: not a regular file (a character device)");

    put_file(path, "", 0);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "RUN.json: the file is empty");

    put_file(path, good, len / 3);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "is it cut short?");

    /* Too big: a sparse file just over the limit is refused before reading. */
    FILE *f = fopen(path, "w");
    ASSERT(f);
    ASSERT(ftruncate(fileno(f), (off_t)SIM_TRACE_MAX_FILE + 1) == 0);
    fclose(f);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "RUN.json: too big (17179869185 bytes); concviz opens traces of "
                    "at most 16.0 GiB");
    unlink(path);

    /* The file is mapped, not copied: loading it back from a file gives
     * the same as from memory. */
    put_file(path, good, len);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.ntraces, 3);
    sim_comparison_deinit(&c);
    unlink(path);
}

static void test_bad_saves(void)
{
    char msg[512], path[128], want[256];
    sim_comparison a;
    build(&a);

    ASSERT_INT_EQ(sim_chrome_save("/dev/full", &a, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "/dev/full: not a regular file");

    snprintf(path, sizeof path, "%s/missing/RUN.json", dir);
    ASSERT_INT_EQ(sim_chrome_save(path, &a, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: the folder %s/missing does not exist", path, dir);
    ASSERT_STR_EQ(msg, want);

    /* A save that fails half-way (file-size limit) leaves the old file. */
    snprintf(path, sizeof path, "%s/old.json", dir);
    put_file(path, "old", 3);
    ASSERT(signal(SIGXFSZ, SIG_IGN) != SIG_ERR);
    struct rlimit old, lim;
    ASSERT(getrlimit(RLIMIT_FSIZE, &old) == 0);
    lim = old;
    lim.rlim_cur = 1024;
    ASSERT(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    int e = sim_chrome_save(path, &a, msg, sizeof msg);
    ASSERT(setrlimit(RLIMIT_FSIZE, &old) == 0);
    ASSERT_INT_EQ(e, SIM_E_SYS);
    ASSERT_CONTAINS(msg, "could not write the file: the file would be bigger than the file-size limit");
    sim_comparison c;
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    struct stat st;
    ASSERT(stat(path, &st) == 0 && st.st_size == 3);
    unlink(path);
    ASSERT(rmdir(dir) == 0);   /* empty: no temporary file was left */
    ASSERT(mkdir(dir, 0700) == 0);
    sim_comparison_deinit(&a);
}

/* A version 1 file (before outcomes) still opens: its outcome comes from
 * "failed" and the error's sentence, as that version wrote them. */
static void test_version1(const char *good)
{
    static const char *const outcomes[] = {"\"outcome\":\"finished\",",
                                           "\"outcome\":\"deadlock\",",
                                           "\"outcome\":\"running\","};
    char *doc = edit(good, "\"concviz_format\":2", "\"concviz_format\":1");
    /* (good is the format 2 file: version 1 differs from it only here.) */
    for (size_t i = 0; i < 3; i++) {
        char *next = edit(doc, outcomes[i], "");
        free(doc);
        doc = next;
    }
    sim_comparison c;
    char msg[512];
    ASSERT_MSG(sim_trace_load_mem(doc, strlen(doc), "v1.json", &c, msg, sizeof msg) == 0,
               "%s", msg);
    ASSERT_INT_EQ(c.traces[0].outcome, SIM_OUTCOME_OK);
    ASSERT_INT_EQ(c.traces[1].outcome, SIM_OUTCOME_FAILED);
    ASSERT_INT_EQ(c.traces[2].outcome, SIM_OUTCOME_RUNNING);
    sim_comparison_deinit(&c);
    char *dl = edit(doc, "\"error\":\"a \\\"quoted", "\"error\":\"deadlock: a \\\"quoted");
    ASSERT_MSG(sim_trace_load_mem(dl, strlen(dl), "v1.json", &c, msg, sizeof msg) == 0,
               "%s", msg);
    ASSERT_INT_EQ(c.traces[1].outcome, SIM_OUTCOME_DEADLOCK);
    sim_comparison_deinit(&c);
    free(dl);
    free(doc);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/concviz-trace-io-XXXXXX");
    ASSERT(mkdtemp(dir));
    test_round_trip();
    test_round_trip_dense();
    test_steps();
    sim_comparison a;
    build(&a);
    size_t len;
    char *good = to_text(&a, &len);
    size_t len2;
    char *v2 = read_fixture("v2.json", &len2);
    test_bad_edits(v2, edits_v2, sizeof edits_v2 / sizeof edits_v2[0]);
    test_bad_edits(good, edits_v3, sizeof edits_v3 / sizeof edits_v3[0]);
    test_budget(good, len);
    test_version1(v2);
    test_bad_documents(v2, len2);
    free(v2);
    test_bad_documents(good, len);
    test_bad_files(good, len);
    test_bad_saves();
    free(good);
    sim_comparison_deinit(&a);
    ASSERT(rmdir(dir) == 0);
    puts("trace_io: ok");
    return 0;
}
