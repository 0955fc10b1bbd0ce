/* estimate.c - events, memory and time a run will need (see estimate.h).
 *
 * The events per step are what each engine records for it, counted from
 * the engines themselves (asyncio.c, threading.c, gil.c, mp_worker.c): for
 * example an `io` step under asyncio is an await with the I/O state (one
 * event), the READY when its timer fires, and the task's and the loop's
 * RUNNING when it runs again (one event): three events. Waits for locks
 * and queues are counted as if every one of them waited, and a thread's
 * computation as if it met a GIL drop request every switch interval: upper
 * ends, so that the plan is rarely short. The memory figures per thread and per process are those
 * README's Performance section measured (a waiting thread about 8 KiB of
 * stack pages, plus the kernel's own; a worker process under 1 MiB of
 * its own pages), rounded up.
 *
 * Every model also records, for the code view and the value lanes
 * (step.h): a task's moves between steps (none for a task that only
 * repeats one step), each load, store and inc up to the task's share of
 * SIM_REC_VALUES (rec.h) and one cut after it, and each queue item's put
 * and get.
 */
#include "estimate.h"

#include <string.h>

#include "rec.h"

enum {
    THREAD_BYTES = 32 * 1024,        /* touched stack, TLS, and the kernel's share */
    PROCESS_BYTES = 2 * 1024 * 1024, /* a worker process's own pages */
    ASYNC_TASK_BYTES = 256,          /* a coroutine and its lane */
    TASK_LANE_BYTES = 128,           /* a lane and its first marks, any model */
    LOOP_TURN_NS = 100,              /* a turn of `inc`/`load`/`store`, for the GIL's
                                        requests: CPython's is about 65 ns */
};

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
    return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

static int64_t sat_add_i(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* The positions a task of group g notes (step.h): at most one per step
 * that moves and one per run of cheap steps after one; none when its
 * program has a single step that moves and no cheap ones, or no step
 * that moves at all (its first step is implied). */
static uint64_t positions(const sim_workload *w, const sim_group *g,
                          const uint64_t n[SIM_OP__KINDS])
{
    size_t movers = 0;
    int cheap = 0;
    for (size_t pc = g->prog; w->ops[pc].kind != SIM_OP_END; pc++) {
        unsigned k = w->ops[pc].kind;
        movers += k == SIM_OP_CPU || k == SIM_OP_IO || k == SIM_OP_YIELD ||
                  k == SIM_OP_ACQUIRE || k == SIM_OP_PUT || k == SIM_OP_GET ||
                  k == SIM_OP_EXEC;
        cheap |= k == SIM_OP_INC || k == SIM_OP_LOAD || k == SIM_OP_STORE;
    }
    if (movers == 0 || (movers == 1 && !cheap))
        return 0;
    uint64_t moves = 0;
    static const unsigned kinds[] = {SIM_OP_CPU, SIM_OP_IO, SIM_OP_YIELD, SIM_OP_ACQUIRE,
                                     SIM_OP_PUT, SIM_OP_GET, SIM_OP_EXEC};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        moves = sat_add(moves, n[kinds[i]]);
    return sat_add(sat_mul(moves, 2), 1);
}

static int64_t bytes_of(uint64_t n, uint64_t each)
{
    uint64_t b = sat_mul(n, each);
    return b > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)b;
}

uint64_t sim_estimate_task_events(const sim_workload *w, const sim_group *g, sim_model m,
                                  const sim_config *cfg)
{
    uint64_t n[SIM_OP__KINDS];
    sim_workload_count_steps(w, g, n);
    uint64_t waits = sat_add(n[SIM_OP_ACQUIRE], n[SIM_OP_GET]);
    uint64_t turns = sat_add(sat_add(n[SIM_OP_INC], n[SIM_OP_LOAD]), n[SIM_OP_STORE]);
    int64_t interval = cfg->switch_interval_ns > 0 ? cfg->switch_interval_ns
                                                   : SIM_DEFAULT_SWITCH_INTERVAL_NS;
    /* Time spent computing, in which a GIL holder meets drop requests. */
    uint64_t busy_ns = sat_add((uint64_t)(g->cpu_ns > 0 ? g->cpu_ns : 0),
                               sat_mul(turns, LOOP_TURN_NS));
    uint64_t e = 0;
    switch (m) {
    case SIM_MODEL_ASYNCIO:
        /* Its first run, its end, its CPU time (creation is one event for
         * all); an await is one event (the instant and the new state), a
         * resume another (the task's RUNNING and the loop's), the io
         * timer's READY a third, and the loop's own wait for that timer
         * (its lane idle in epoll_wait) a fourth. */
        e = 4;
        e = sat_add(e, sat_mul(n[SIM_OP_IO], 4));
        e = sat_add(e, sat_mul(n[SIM_OP_YIELD], 2));
        e = sat_add(e, sat_mul(waits, 3));
        e = sat_add(e, n[SIM_OP_RELEASE]);
        e = sat_add(e, n[SIM_OP_PUT]);
        /* an executor: the await, the hand-over and back, the body's lane */
        e = sat_add(e, sat_mul(n[SIM_OP_EXEC], 12));
        e = sat_add(e, sat_mul(busy_ns / (uint64_t)interval, 6));
        break;
    case SIM_MODEL_THREADING:
        /* A sleep (io, and yield's sleep(0)) gives the GIL up and takes
         * it back: the task's state and the GIL's idle; then READY, a drop
         * request if the wait for the GIL timed out, the GIL's holder, the
         * hand-off arrow and the task's RUNNING. */
        e = 7;
        e = sat_add(e, sat_mul(n[SIM_OP_IO], 7));
        e = sat_add(e, sat_mul(n[SIM_OP_YIELD], 7));
        e = sat_add(e, sat_mul(waits, 7));
        e = sat_add(e, n[SIM_OP_RELEASE]);
        e = sat_add(e, n[SIM_OP_PUT]);
        e = sat_add(e, sat_mul(busy_ns / (uint64_t)interval + 1, 6));
        break;
    case SIM_MODEL_FREE_THREADING:
        e = 6;
        e = sat_add(e, sat_mul(n[SIM_OP_IO], 4));
        e = sat_add(e, sat_mul(n[SIM_OP_YIELD], 4));
        e = sat_add(e, sat_mul(waits, 5));
        e = sat_add(e, n[SIM_OP_RELEASE]);
        e = sat_add(e, n[SIM_OP_PUT]);
        /* moves between cores, at most one per slice of computation */
        e = sat_add(e, sat_mul((uint64_t)(g->cpu_ns > 0 ? g->cpu_ns : 0) / 1000000 + 1, 4));
        break;
    case SIM_MODEL_MULTIPROCESSING:
        /* A worker's sleep, time.sleep(0) included: the wait, and its
         * RUNNING again. */
        e = 8;
        e = sat_add(e, sat_mul(n[SIM_OP_IO], 2));
        e = sat_add(e, sat_mul(n[SIM_OP_YIELD], 2));
        e = sat_add(e, n[SIM_OP_CPU]);
        e = sat_add(e, sat_mul(waits, 4));
        e = sat_add(e, n[SIM_OP_RELEASE]);
        e = sat_add(e, n[SIM_OP_PUT]);
        break;
    case SIM_MODEL__COUNT:
        break;
    }
    /* Every model: where the task is, what it read and wrote (its share),
     * and its queue items. */
    uint64_t cap = sim_rec_value_cap(w->ntasks);
    e = sat_add(e, positions(w, g, n));
    e = sat_add(e, turns < cap ? turns : sat_add(cap, 1));
    e = sat_add(e, sat_add(n[SIM_OP_PUT], n[SIM_OP_GET]));
    return e;
}

/* The bytes one copy of group g puts on queues in all. */
static uint64_t put_bytes(const sim_workload *w, const sim_group *g)
{
    uint64_t mult[SIM_MAX_NEST + 1] = {1}, sum = 0;
    int depth = 0;
    for (size_t pc = g->prog; w->ops[pc].kind != SIM_OP_END; pc++) {
        const sim_op *op = &w->ops[pc];
        if (op->kind == SIM_OP_LOOP && depth < SIM_MAX_NEST) {
            mult[depth + 1] = sat_mul(mult[depth], op->a > 0 ? (uint64_t)op->a : 0);
            depth++;
        } else if (op->kind == SIM_OP_NEXT && depth > 0) {
            depth--;
        } else if (op->kind == SIM_OP_PUT) {
            sum = sat_add(sum, sat_mul(mult[depth], (uint64_t)op->a));
        }
    }
    return sum;
}

static int64_t max_i(int64_t a, int64_t b) { return a > b ? a : b; }

void sim_estimate_model(const sim_workload *w, sim_model m, const sim_config *cfg, int cpus,
                        sim_estimate *e)
{
    memset(e, 0, sizeof *e);
    if (cpus < 1)
        cpus = 1;
    uint64_t events = 64, queued = 0;
    int64_t longest = 0;
    for (size_t i = 0; i < w->ngroups; i++) {
        const sim_group *g = &w->groups[i];
        events = sat_add(events, sat_mul(g->count, sim_estimate_task_events(w, g, m, cfg)));
        queued = sat_add(queued, sat_mul(g->count, put_bytes(w, g)));
        longest = max_i(longest, sat_add_i(g->cpu_ns, g->io_ns));
    }
    e->events = events;
    e->record_bytes = bytes_of(events, SIM_BYTES_PER_EVENT);
    /* Every task lane, and a resource lane for each thread, worker or
     * lock at the most (a few dozen more), folded as far as they go. */
    e->record_min_bytes = sat_add_i(bytes_of(sat_add(w->ntasks, 64 + w->nnames),
                                             SIM_LANE_MIN_BYTES),
                                    SIM_RECORD_LAG_MIN_BYTES);
    if (e->record_min_bytes > e->record_bytes)
        e->record_min_bytes = e->record_bytes;
    e->queue_bytes = m == SIM_MODEL_MULTIPROCESSING ? 0 : bytes_of(queued, 1);
    uint64_t tasks = w->ntasks;
    uint64_t threads = cfg->threads > 0 && (uint64_t)cfg->threads < tasks
                           ? (uint64_t)cfg->threads : tasks;
    uint64_t workers = cfg->workers > 0 ? (uint64_t)cfg->workers : (uint64_t)cpus;
    int64_t all = w->nominal_ns, cpu = w->cpu_ns;
    switch (m) {
    case SIM_MODEL_ASYNCIO:
        e->task_bytes = bytes_of(tasks, ASYNC_TASK_BYTES);
        /* one thread: all the computation one after another */
        e->wall_ns = max_i(cpu, longest);
        break;
    case SIM_MODEL_THREADING:
    case SIM_MODEL_FREE_THREADING: {
        e->task_bytes = bytes_of(tasks, TASK_LANE_BYTES);
        e->thread_bytes = bytes_of(threads, THREAD_BYTES);
        uint64_t cores = m == SIM_MODEL_THREADING ? 1 : (uint64_t)cpus;
        if (cores > threads)
            cores = threads;
        e->wall_ns = max_i(longest, cpu / (int64_t)(cores ? cores : 1));
        if (threads < tasks)
            e->wall_ns = max_i(e->wall_ns, all / (int64_t)threads);
        break;
    }
    case SIM_MODEL_MULTIPROCESSING: {
        e->task_bytes = bytes_of(tasks, TASK_LANE_BYTES);
        e->process_bytes = bytes_of(workers, PROCESS_BYTES);
        uint64_t cores = workers < (uint64_t)cpus ? workers : (uint64_t)cpus;
        e->wall_ns = max_i(longest, max_i(all / (int64_t)workers, cpu / (int64_t)cores));
        break;
    }
    case SIM_MODEL__COUNT:
        break;
    }
    e->total_bytes = sat_add_i(sat_add_i(e->record_bytes, e->queue_bytes),
                               sat_add_i(sat_add_i(e->thread_bytes, e->process_bytes),
                                         e->task_bytes));
}

uint64_t sim_estimate_writer_cap(uint64_t expected)
{
    uint64_t cap = sat_add(sat_mul(expected, 4), 65536);
    /* Address space, not memory: pages are committed as they are written
     * and given back as they are read (rec.h). A terabyte is plenty. */
    if (cap > (1ull << 35))
        cap = 1ull << 35;
    return cap < 4096 ? 4096 : cap;
}
