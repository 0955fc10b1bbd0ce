/* cost_note.c - the hover's words about CPython's costs (cost_note.h). */
#include "cost_note.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "step_costs.h"
#include "workload.h"

enum { MAX_COSTS = 8 };

typedef struct note {
    char *buf;
    size_t n, len;
    const sim_costs *c;
    sim_cost seen[MAX_COSTS];
    int nseen;
} note;

static void put(note *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->buf + b->len, b->n - b->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        b->len += (size_t)k < b->n - b->len ? (size_t)k : b->n - b->len - 1;
}

/* "56.6 ns", "1.51 us", "109 ms"; a per-byte cost keeps its decimals. */
static void put_cost(note *b, sim_cost k)
{
    for (int i = 0; i < b->nseen; i++)
        if (b->seen[i] == k)
            return;
    if (b->nseen == MAX_COSTS)
        return;
    b->seen[b->nseen++] = k;
    double ns = b->c->ns[k];
    char d[32];
    if (ns < 1000.0)
        snprintf(d, sizeof d, "%.3g ns", ns);
    else
        sim_format_ns((int64_t)ns, d, sizeof d);
    put(b, "%s%s %s", b->nseen > 1 ? ", " : "", sim_cost_infos[k].label, d);
    if (!strcmp(sim_cost_infos[k].unit, "per byte"))
        put(b, " a byte");
}

/* The costs of the steps of task `task`'s program. */
/* A task's own costs as it runs; `ends`: this run of it ends the task
 * (its thread's exit is paid there). */
static void task_costs(note *b, const sim_trace *tr, uint32_t task, int ends)
{
    if (!tr->cfg.workload)
        return;
    sim_workload w;
    sim_parse_error pe;
    if (sim_workload_parse(&w, tr->cfg.workload, &pe) != 0)
        return;
    for (size_t g = 0; g < w.ngroups; g++) {
        const sim_group *gr = &w.groups[g];
        if (task < gr->first_task || task - gr->first_task >= gr->count)
            continue;
        int loops = 0;
        for (size_t i = gr->prog; i < w.nops && w.ops[i].kind != SIM_OP_END; i++) {
            sim_cost_part parts[SIM_STEP_COST_PARTS];
            int np = sim_step_cost_parts(&w, &w.ops[i], tr->model, parts);
            for (int p = 0; p < np; p++)
                put_cost(b, parts[p].cost);
            /* A coroutine that must wait for a lock or an item pays for
             * its future too (asyncio.c). */
            if (tr->model == SIM_MODEL_ASYNCIO &&
                (w.ops[i].kind == SIM_OP_ACQUIRE || w.ops[i].kind == SIM_OP_GET))
                put_cost(b, SIM_COST_ASYNCIO_WAIT);
            /* A call that makes the default executor, or grows its pool,
             * pays for that too (asyncio.c's s_exec). */
            if (tr->model == SIM_MODEL_ASYNCIO && w.ops[i].kind == SIM_OP_EXEC &&
                w.ops[i].b == SIM_EXEC_THREAD) {
                put_cost(b, SIM_COST_DEFAULT_EXECUTOR);
                put_cost(b, SIM_COST_THREAD_START_CODE);
            }
            loops |= w.ops[i].kind == SIM_OP_LOOP;
        }
        if (loops)
            put_cost(b, SIM_COST_LOOP_TURN);
        /* A pool's thread does its part of each task; a thread of its own
         * ends its bootstrap after the task, in its last run (threading.c). */
        if (tr->model == SIM_MODEL_THREADING || tr->model == SIM_MODEL_FREE_THREADING) {
            if (tr->cfg.threads > 0)
                put_cost(b, SIM_COST_THREAD_POOL_TASK_WORKER);
            else if (ends)
                put_cost(b, SIM_COST_THREAD_EXIT);
        }
        /* A coroutine pays its task's end in its last run (asyncio.c). */
        if (tr->model == SIM_MODEL_ASYNCIO && ends)
            put_cost(b, SIM_COST_ASYNCIO_TASK_END);
        break;
    }
    sim_workload_free(&w);
}

/* The start of a worker process of the run's start method. */
static void start_costs(note *b, const sim_trace *tr, int executor)
{
    sim_start_method m = tr->cfg.start_method;
    if (m == SIM_START_FORKSERVER)
        put_cost(b, SIM_COST_FORKSERVER_LAUNCH);
    put_cost(b, m == SIM_START_FORK    ? SIM_COST_START_FORK
                : m == SIM_START_SPAWN ? SIM_COST_START_SPAWN
                                       : SIM_COST_START_FORKSERVER);
    if (executor && m != SIM_START_FORK)
        put_cost(b, SIM_COST_IMPORT_ASYNCIO);
}

size_t ui_costs_tag(const sim_trace *tr, char *buf, size_t n)
{
    if (n)
        buf[0] = 0;
    if (!tr->has_costs || n == 0)
        return 0;
    const sim_costs_origin *o = &tr->costs.origin;
    int k = o->source == SIM_COSTS_NONE
                ? snprintf(buf, n, "no CPython costs (--costs none)")
                : snprintf(buf, n, "CPython %s's costs, %s", o->version,
                           o->source == SIM_COSTS_CALIBRATED ? "calibrated here"
                           : o->source == SIM_COSTS_BUILTIN  ? "built-in"
                                                             : "from a file");
    return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

size_t ui_cost_note(const sim_trace *tr, uint32_t lane, long mark, uint8_t state,
                    uint32_t arg, char *buf, size_t n)
{
    note b = {.buf = buf, .n = n, .c = &tr->costs};
    if (n)
        buf[0] = 0;
    if (!tr->has_costs || lane >= tr->nlanes)
        return 0;
    if (tr->costs.origin.source == SIM_COSTS_NONE) {
        if (lane < tr->ntasks)
            put(&b, "CPython's own costs: none charged (--costs none: the bare engines)");
        return b.len;
    }
    put(&b, "CPython's costs here: ");
    size_t empty = b.len;
    uint8_t kind = tr->lanes[lane].kind;
    if (lane < tr->ntasks) {
        const sim_lane *ln = &tr->lanes[lane];
        int ends = mark >= 0 && (size_t)mark + 1 < ln->nmarks &&
                   ln->marks[mark + 1].state == SIM_ST_DONE;
        if (state == SIM_ST_RUNNING)
            task_costs(&b, tr, lane, ends);
    } else if (kind == SIM_LANE_LOOP && state == SIM_ST_RUNNING && arg == SIM_NO_TASK) {
        /* The loop's own work between tasks (asyncio.c says what). */
        put_cost(&b, SIM_COST_ASYNCIO_ITERATION);
        put_cost(&b, SIM_COST_ASYNCIO_TASK);
        put_cost(&b, SIM_COST_ASYNCIO_RUN_START);
        put_cost(&b, SIM_COST_ASYNCIO_RUN_END);
        if (tr->cfg.workload && strstr(tr->cfg.workload, "thread("))
            put_cost(&b, SIM_COST_EXECUTOR_SHUTDOWN);
        const sim_costs_gc *gc = &tr->costs.gc;
        if (gc->threshold[0] > 0) /* gcsim.h: as the tasks are made and end */
            put(&b, ", garbage collections %.0f to %.0f ns an object looked at",
                gc->young_object_ns, gc->full_object_ns);
    } else if (kind == SIM_LANE_WORKER && state == SIM_ST_STARTING) {
        start_costs(&b, tr, 0);
    } else if (kind == SIM_LANE_EXECUTOR && state == SIM_ST_STARTING) {
        start_costs(&b, tr, 1);
    } else if (kind == SIM_LANE_WORKER && (state == SIM_ST_RECV || state == SIM_ST_SEND)) {
        put_cost(&b, SIM_COST_POOL_TASK_WORKER);
    } else if (kind == SIM_LANE_MAIN && tr->model == SIM_MODEL_MULTIPROCESSING) {
        if (state == SIM_ST_STARTING) { /* Pool() itself, and the forkserver */
            put_cost(&b, SIM_COST_POOL_MAKE);
            if (tr->cfg.start_method == SIM_START_FORKSERVER)
                put_cost(&b, SIM_COST_FORKSERVER_LAUNCH);
        }
        put_cost(&b, SIM_COST_POOL_TASK);
    } else if (kind == SIM_LANE_MAIN) {
        if (tr->cfg.threads > 0) {
            put_cost(&b, SIM_COST_THREAD_POOL);
            put_cost(&b, SIM_COST_THREAD_POOL_TASK);
        }
        put_cost(&b, SIM_COST_THREAD_NEW);
        put_cost(&b, SIM_COST_THREAD_START_CODE);
        put_cost(&b, SIM_COST_THREAD_FIRST);
        put_cost(&b, SIM_COST_THREAD_JOIN);
    }
    if (b.len == empty) {
        buf[0] = 0;
        return 0;
    }
    const sim_costs_origin *o = &tr->costs.origin;
    put(&b, "\n(CPython %s, %s)", o->version,
        o->source == SIM_COSTS_CALIBRATED ? "calibrated on this machine"
        : o->source == SIM_COSTS_BUILTIN  ? "built-in, scaled to this machine"
                                          : "from a profile file");
    return b.len;
}
