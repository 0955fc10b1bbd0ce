/* test_trace_io.c - traces on disk, written and read back: the Chrome JSON
 * writer and the loader.
 *
 * A comparison is built by hand (trace_io_util.h: three models, every kind
 * of lane, mark, instant and flow, odd nanoseconds, strings that need
 * escaping), written, checked for the structure Perfetto needs, loaded back
 * and compared field by field. The same comparison saved by the format 2
 * writer (tests/fixtures/trace/v2.json) must load into the very same thing,
 * and files of the older formats still open. What the loader must refuse
 * is test_trace_io_bad.c's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "trace_chrome.h"
#include "trace_load.h"
#include "trace_io_util.h"
#include "workload.h"
#include "test.h"

static char dir[64];

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

/* doc without the first cost `name` (its key, value and comma). */
static char *strip_cost(const char *doc, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\": ", name);
    const char *p = strstr(doc, key);
    ASSERT_MSG(p, "%s is not in the document", key);
    const char *end = strchr(p, ',');
    ASSERT(end);
    end++;
    while (*end == ' ' || *end == '\n')
        end++;
    char *out = malloc(strlen(doc) + 1);
    ASSERT(out);
    memcpy(out, doc, (size_t)(p - doc));
    strcpy(out + (p - doc), end);
    return out;
}

/* `doc` (a trace whose profiles are of the current format, some costs
 * stripped) as if saved when profiles were of format `fmt`: it loads. */
static void load_costs_format(const char *doc, int fmt, sim_comparison *c)
{
    char to[32], msg[256];
    snprintf(to, sizeof to, "\"concviz_costs\": %d", fmt);
    char *old = trace_io_edit(doc, "\"concviz_costs\": 6", to);
    ASSERT_MSG(sim_trace_load_mem(old, strlen(old), "old.json", c, msg, sizeof msg) == 0,
               "format %d: %s", fmt, msg);
    ASSERT(c->traces[0].has_costs);
    free(old);
}

static void test_round_trip(void)
{
    sim_comparison a, b;
    trace_io_build(&a);
    size_t len;
    char *text = trace_io_text(&a, &len);
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
    char *text2 = trace_io_text(&b, &len2);
    ASSERT_INT_EQ(len, len2);
    ASSERT(memcmp(text, text2, len) == 0);
    free(text2);
    sim_comparison_deinit(&b);

    /* A format 2 file of the same comparison reads the same. */
    size_t len2v;
    char *v2 = trace_io_fixture("v2.json", &len2v);
    ASSERT_MSG(sim_trace_load_mem(v2, len2v, "v2.json", &b, msg, sizeof msg) == 0, "%s", msg);
    /* ... but for the cost profiles, which format 2 files predate. */
    sim_comparison before_costs = a; /* shallow: only read */
    for (int k = 0; k < before_costs.ntraces; k++)
        before_costs.traces[k].has_costs = 0;
    same(&before_costs, &b);
    sim_comparison_deinit(&b);
    free(v2);

    /* A trace saved when profiles were of format 5 (before pool_make and
     * asyncio_task_end) reads: its runs charged no such cost, so it is 0,
     * the rest as saved. Of format 4 (before thread_exit), 3 (before the
     * costs of making and starting threads, and of the default executor)
     * and 2 (before asyncio_wait) too. */
    char *no_end = strip_cost(text, "asyncio_task_end");
    char *no_pool = strip_cost(no_end, "pool_make");
    free(no_end);
    load_costs_format(no_pool, 5, &b);
    ASSERT(b.traces[0].costs.ns[SIM_COST_POOL_MAKE] == 0.0);
    ASSERT(b.traces[0].costs.ns[SIM_COST_ASYNCIO_TASK_END] == 0.0);
    ASSERT(b.traces[0].costs.ns[SIM_COST_POOL_TASK] > 0.0);
    sim_comparison_deinit(&b);
    char *no_exit = strip_cost(no_pool, "thread_exit");
    load_costs_format(no_exit, 4, &b);
    ASSERT(b.traces[0].costs.ns[SIM_COST_THREAD_EXIT] == 0.0);
    ASSERT(b.traces[0].costs.ns[SIM_COST_THREAD_START_CODE] > 0.0);
    sim_comparison_deinit(&b);
    free(no_exit);
    static const char *const added4[] = {"thread_exit",      "thread_new",
                                         "thread_start_code",
                                         "thread_first",     "thread_pool",
                                         "thread_pool_task", "thread_pool_task_worker",
                                         "default_executor", "executor_shutdown"};
    char *old_costs = no_pool;
    for (size_t k = 0; k < sizeof added4 / sizeof added4[0]; k++) {
        char *less = strip_cost(old_costs, added4[k]);
        free(old_costs);
        old_costs = less;
    }
    load_costs_format(old_costs, 3, &b);
    ASSERT(b.traces[0].costs.ns[SIM_COST_THREAD_FIRST] == 0.0);
    ASSERT(b.traces[0].costs.ns[SIM_COST_DEFAULT_EXECUTOR] == 0.0);
    ASSERT(b.traces[0].costs.ns[SIM_COST_THREAD_START] > 0.0);
    sim_comparison_deinit(&b);
    char *older = strip_cost(old_costs, "asyncio_wait");
    load_costs_format(older, 2, &b);
    ASSERT(b.traces[0].costs.ns[SIM_COST_ASYNCIO_WAIT] == 0.0);
    ASSERT(b.traces[0].costs.ns[SIM_COST_ASYNCIO_YIELD] > 0.0);
    sim_comparison_deinit(&b);
    free(older);
    free(old_costs);

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
    text = trace_io_text(&none, &len);
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
        trace_io_mark(t, task, at, k % 2 ? SIM_ST_READY : SIM_ST_RUNNING, SIM_NO_TASK, SIM_NO_CPU);
        trace_io_mark(t, 2, at, k % 2 ? SIM_ST_IDLE : SIM_ST_RUNNING, task, SIM_NO_CPU);
        if (k % 2 == 0)
            trace_io_instant(t, task, at + 1, SIM_IN_AWAIT, 0);
        if (k % 4 == 0)
            trace_io_flow(t, 2, at, task, at + 3, SIM_FL_HANDOFF);
        /* Mostly short states, and now and then a long one. */
        at += k % 500 == 0 ? 100000 : 30 + k % 11;
    }
    trace_io_mark(t, 0, at, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_mark(t, 1, at, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    t->end_ns = t->now_ns = at + 10;
    ASSERT_INT_EQ(sim_trace_fold(t, 4096, INT64_MAX), 0);
    ASSERT(t->ndense > 0 && t->resolution_ns == 4096);
    int more = 0;
    for (size_t k = 0; k < t->ninstants; k++)
        more += t->instants[k].more > 0;
    ASSERT(more > 0);
    size_t len;
    char *text = trace_io_text(&a, &len);
    char msg[256];
    ASSERT_MSG(sim_trace_load_mem(text, len, "dense.json", &b, msg, sizeof msg) == 0, "%s", msg);
    same(&a, &b);
    ASSERT(b.traces[0].states_seen & (1u << SIM_ST_DENSE));
    size_t len2;
    char *text2 = trace_io_text(&b, &len2);
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
    trace_io_mark(t, 0, 0, SIM_ST_RUNNING, SIM_NO_TASK, 0);
    trace_io_mark(t, 1, 0, SIM_ST_QUEUE, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_instant(t, 0, 1000, SIM_IN_STEP, 1);
    trace_io_instant(t, 0, 1000, SIM_IN_LOAD, sim_value_arg(0, 40));
    trace_io_instant(t, 0, 2000, SIM_IN_STEP, 2);
    trace_io_instant(t, 0, 3000, SIM_IN_STORE, sim_value_arg(0, 41));
    trace_io_instant(t, 0, 3000, SIM_IN_INC, sim_value_arg(0, 42));
    trace_io_instant(t, 0, 3500, SIM_IN_VALUES_CUT, 0);
    trace_io_instant(t, 0, 4000, SIM_IN_PUT, 1);
    trace_io_instant(t, 1, 4100, SIM_IN_GOT, 1);
    trace_io_mark(t, 0, 5000, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    trace_io_mark(t, 1, 5000, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    t->end_ns = t->now_ns = 5000;
    t->has_steps = 1;
    a.ntraces = 1;
    size_t len;
    char *text = trace_io_text(&a, &len);
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
    char *old = trace_io_edit(text, "\"concviz_format\":4", "\"concviz_format\":3");
    ASSERT_INT_EQ(sim_trace_load_mem(old, strlen(old), "old.json", &b, msg, sizeof msg),
                  SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "instant code 6 is out of range (0..5)");
    free(old);
    free(text);
    sim_comparison_deinit(&a);

    /* A format 3 file (the instants it knew): it opens, with no steps. */
    trace_io_build(&a);
    text = trace_io_text(&a, &len);
    old = trace_io_edit(text, "\"concviz_format\":4", "\"concviz_format\":3");
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

/* A version 1 file (before outcomes) still opens: its outcome comes from
 * "failed" and the error's sentence, as that version wrote them. */
static void test_version1(const char *good)
{
    static const char *const outcomes[] = {"\"outcome\":\"finished\",",
                                           "\"outcome\":\"deadlock\",",
                                           "\"outcome\":\"running\","};
    char *doc = trace_io_edit(good, "\"concviz_format\":2", "\"concviz_format\":1");
    /* (good is the format 2 file: version 1 differs from it only here.) */
    for (size_t i = 0; i < 3; i++) {
        char *next = trace_io_edit(doc, outcomes[i], "");
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
    char *dl = trace_io_edit(doc, "\"error\":\"a \\\"quoted", "\"error\":\"deadlock: a \\\"quoted");
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
    size_t len2;
    char *v2 = trace_io_fixture("v2.json", &len2);
    test_version1(v2);
    free(v2);
    ASSERT(rmdir(dir) == 0);
    puts("trace_io: ok");
    return 0;
}
