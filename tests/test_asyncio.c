/* test_asyncio.c - the event loop, checked on what it recorded.
 *
 * Invariants: the loop runs at most one task at any instant; a cpu step is
 * one unbroken RUNNING segment; waits overlap; yields go round in FIFO
 * order; a timer that expires while a cpu step holds the loop leaves its
 * task READY from the deadline until the loop is free. Ratios use generous
 * bounds: this machine is shared and noisy. */
#include "costs.h"
#include "engine_util.h"
#include "timerq.h"

/* ---- the timers on their own ---- */

typedef struct item {
    sim_timer node;
    int64_t set_at, dur;
    int in;
} item;

/* Against the definition: timers fire by deadline, then in the order set.
 * Durations repeat (one queue each), some are not declared (the catch-all
 * queue), and the clock sometimes steps back (out-of-order appends). */
static void test_timers(void)
{
    enum { N = 3000 };
    static item items[N];
    static const int64_t declared[] = {50, 7, 50, 1000, 0};
    sim_timerq q;
    ASSERT_INT_EQ(sim_timerq_init(&q, declared, 5), 0);
    ASSERT_INT_EQ(q.nq, 4 + 1); /* 0, 7, 50, 1000 and the catch-all */
    uint64_t x = 88172645463325252ull;
    int64_t now = 0;
    int popped = 0, set = 0;
    for (int round = 0; round < 2 * N; round++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (set < N && (x % 3 != 0 || !sim_timerq_min(&q))) {
            item *it = &items[set];
            static const int64_t durs[] = {50, 7, 1000, 0, 13, 50};
            it->dur = durs[x % 6];
            /* Mostly forward, now and then a step back. */
            now += (x >> 8) % 16 == 0 ? -(int64_t)((x >> 16) % 40) : (int64_t)((x >> 16) % 5);
            it->set_at = now;
            it->in = 1;
            sim_timerq_add(&q, &it->node, now, it->dur);
            ASSERT_INT_EQ(it->node.deadline, now + it->dur);
            set++;
        } else if (sim_timerq_min(&q)) {
            sim_timer *t = sim_timerq_min(&q);
            ASSERT(sim_timerq_pop(&q) == t);
            item *it = (item *)t;
            ASSERT(it->in);
            it->in = 0;
            popped++;
            /* Nothing pending may come before what was just popped. */
            for (int i = 0; i < set; i++)
                if (items[i].in)
                    ASSERT(items[i].node.deadline > t->deadline ||
                           (items[i].node.deadline == t->deadline &&
                            items[i].node.seq > t->seq));
        }
        ASSERT_INT_EQ(q.n, (uint64_t)(set - popped));
    }
    /* The rest drains in order. */
    int64_t last_deadline = INT64_MIN;
    uint64_t last_seq = 0;
    while (sim_timerq_min(&q)) {
        sim_timer *t = sim_timerq_pop(&q);
        ASSERT(last_deadline == INT64_MIN || t->deadline > last_deadline ||
               (t->deadline == last_deadline && t->seq > last_seq));
        last_deadline = t->deadline;
        last_seq = t->seq;
        ((item *)t)->in = 0;
        popped++;
    }
    ASSERT_INT_EQ(popped, set);
    for (int i = 0; i < N; i++)
        ASSERT(!items[i].in);
    sim_timerq_deinit(&q);
}

/* ---- runs ---- */

static void check_one_at_a_time(const sim_trace *t)
{
    ASSERT_INT_EQ(eng_max_concurrent(t, 0, t->ntasks, SIM_ST_RUNNING), 1);
    /* The loop lane says which task runs, and it agrees with the tasks. */
    uint32_t loop = eng_lane_of_kind(t, SIM_LANE_LOOP);
    ASSERT(loop != UINT32_MAX);
    const sim_lane *l = &t->lanes[loop];
    for (size_t i = 0; i < l->nmarks; i++) {
        if (l->marks[i].state != SIM_ST_RUNNING)
            continue;
        uint32_t task = l->marks[i].arg;
        ASSERT(task < t->ntasks);
        long k = sim_lane_mark_at(&t->lanes[task], l->marks[i].t);
        ASSERT(k >= 0);
        ASSERT_INT_EQ(t->lanes[task].marks[k].state, SIM_ST_RUNNING);
    }
}

static void test_io_overlaps(const sim_calib *c)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "8*io:200ms", c);
    eng_job_run(&j);
    check_one_at_a_time(&j.t);
    int64_t wall = eng_wall(&j.t);
    ASSERT_MSG(wall >= 200000000 && wall < 400000000, "wall %lld ns", (long long)wall);
    ASSERT(eng_max_concurrent(&j.t, 0, j.t.ntasks, SIM_ST_IO) >= 6);
    /* The loop slept (IDLE) while everyone waited. */
    uint32_t loop = eng_lane_of_kind(&j.t, SIM_LANE_LOOP);
    int64_t idle = 0;
    ASSERT(eng_segments(&j.t, loop, SIM_ST_IDLE, &idle) >= 1);
    ASSERT(idle > 150000000);
    /* Light coroutines: a waiting task costs a few hundred bytes at most. */
    ASSERT(j.a.mem_per_task_bytes > 0 && j.a.mem_per_task_bytes < 256);
    for (uint32_t i = 0; i < 8; i++) {
        ASSERT_INT_EQ(eng_segments(&j.t, i, SIM_ST_IO, NULL), 1);
        ASSERT(j.t.lanes[i].cpu_ns >= 0);
    }
    /* Every task reached an await. */
    int awaits = 0;
    for (size_t i = 0; i < j.t.ninstants; i++)
        awaits += j.t.instants[i].code == SIM_IN_AWAIT;
    ASSERT_INT_EQ(awaits, 8);
    eng_job_free(&j);
}

static void test_cpu_serial(const sim_calib *c)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "4*cpu:200ms", c);
    eng_job_run(&j);
    check_one_at_a_time(&j.t);
    int64_t wall = eng_wall(&j.t);
    ASSERT_MSG(wall >= 640000000, "wall %lld ns", (long long)wall);
    for (uint32_t i = 0; i < 4; i++) {
        int64_t run = 0;
        /* One unbroken segment per cpu step, and in workload order. */
        ASSERT_INT_EQ(eng_segments(&j.t, i, SIM_ST_RUNNING, &run), 1);
        ASSERT(run >= 100000000);
        ASSERT(j.t.lanes[i].cpu_ns >= 100000000);
        if (i > 0) {
            sim_task_stat a, b;
            sim_trace_task_stat(&j.t, i - 1, &a);
            sim_trace_task_stat(&j.t, i, &b);
            ASSERT(b.start_ns >= a.end_ns);
        }
    }
    eng_job_free(&j);
}

/* A cpu step blocks everyone: the io of task 0 ends at ~100 ms, but the
 * loop is busy with the others' cpu steps until ~160 ms. */
static void test_cpu_blocks_the_loop(const sim_calib *c)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "4*(cpu:40ms,io:60ms,cpu:40ms) + 4*io:150ms", c);
    eng_job_run(&j);
    check_one_at_a_time(&j.t);
    const sim_lane *l = &j.t.lanes[0];
    int64_t ready_at = -1, ran_at = -1;
    for (size_t i = 1; i < l->nmarks; i++) {
        if (l->marks[i].state == SIM_ST_READY && l->marks[i - 1].state == SIM_ST_IO) {
            ready_at = l->marks[i].t;
            ASSERT(i + 1 < l->nmarks && l->marks[i + 1].state == SIM_ST_RUNNING);
            ran_at = l->marks[i + 1].t;
            break;
        }
    }
    ASSERT(ready_at > 0);
    ASSERT_MSG(ran_at - ready_at >= 30000000, "task 0 waited only %lld ns for the loop",
               (long long)(ran_at - ready_at));
    /* Every cpu step is one segment: each of the first four tasks runs
     * exactly twice (two cpu steps around one await). */
    for (uint32_t i = 0; i < 4; i++)
        ASSERT_INT_EQ(eng_segments(&j.t, i, SIM_ST_RUNNING, NULL), 2);
    eng_job_free(&j);
}

/* Yields go round the ready queue in FIFO order: 0 1 2 0 1 2 0 1 2. */
static void test_yield_fifo(const sim_calib *c)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "3*(cpu:1ms,yield,cpu:1ms,yield,cpu:1ms)", c);
    eng_job_run(&j);
    check_one_at_a_time(&j.t);
    uint32_t loop = eng_lane_of_kind(&j.t, SIM_LANE_LOOP);
    const sim_lane *l = &j.t.lanes[loop];
    uint32_t order[16];
    int n = 0;
    for (size_t i = 0; i < l->nmarks; i++)
        if (l->marks[i].state == SIM_ST_RUNNING && n < 16)
            order[n++] = l->marks[i].arg;
    ASSERT_INT_EQ(n, 9);
    for (int i = 0; i < 9; i++)
        ASSERT_INT_EQ(order[i], (uint32_t)(i % 3));
    eng_job_free(&j);
}

/* Task i is on row i, whatever the workload mixes. */
static void test_rows(const sim_calib *c)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "2*cpu:20ms + 3*io:30ms + yield", c);
    eng_job_run(&j);
    ASSERT_INT_EQ(j.t.ntasks, 6);
    for (uint32_t i = 0; i < 6; i++) {
        ASSERT_INT_EQ(j.t.lanes[i].kind, SIM_LANE_TASK);
        ASSERT_INT_EQ(j.t.lanes[i].index, i);
        int64_t run = 0;
        eng_segments(&j.t, i, SIM_ST_RUNNING, &run);
        int io = eng_segments(&j.t, i, SIM_ST_IO, NULL);
        ASSERT_INT_EQ(io, i >= 2 && i < 5 ? 1 : 0);
        ASSERT(i < 2 ? run >= 10000000 : run < 10000000);
    }
    eng_job_free(&j);
}

static void test_cancel(const sim_calib *c, const char *spec)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, spec, c);
    eng_job_start(&j);
    eng_sleep_ms(100);
    int64_t asked = sim_clock_ns();
    atomic_store(&j.cancel, 1);
    ASSERT_INT_EQ(eng_job_join(&j), SIM_E_CANCELLED);
    ASSERT_MSG(j.returned_ns - asked < 200000000, "%s: took %lld ns to stop", spec,
               (long long)(j.returned_ns - asked));
    eng_job_ingest(&j);
    ASSERT(sim_trace_failed(&j.t));
    ASSERT_INT_EQ(j.t.outcome, SIM_OUTCOME_CANCELLED);
    eng_job_free(&j);
}

static void test_timeout(const sim_calib *c)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "2*io:5s", c);
    j.cfg.timeout_ns = 100000000;
    ASSERT_INT_EQ(eng_job_call(&j), SIM_E_TIMEOUT);
    ASSERT(j.returned_ns - j.started_ns < 1000000000);
    eng_job_free(&j);
}

static void test_many_tasks(const sim_calib *c)
{
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "100000*io:100ms", c);
    eng_job_run(&j);
    ASSERT_INT_EQ(j.t.ntasks, 100000);
    int64_t wall = eng_wall(&j.t);
    /* One wait plus bookkeeping: about a second at worst, under
     * ThreadSanitizer; the bound leaves room for a machine busy with others
     * (the performance figures are the benchmarks' business). */
    ASSERT_MSG(wall < 10000000000ll, "wall %lld ns", (long long)wall);
    ASSERT_INT_EQ(eng_max_concurrent(&j.t, 0, j.t.ntasks, SIM_ST_RUNNING), 1);
    for (uint32_t i = 0; i < j.t.ntasks; i++)
        ASSERT_INT_EQ(eng_segments(&j.t, i, SIM_ST_IO, NULL), 1);
    eng_job_free(&j);
}

/* A coroutine that must wait for a lock or an item pays CPython's price
 * of its future (asyncio_wait) as it runs again: with that cost alone at
 * 300 us, each waiting task's running time holds 300 us a wait; at 0,
 * none of it. */
static int64_t waiting_pays(const sim_calib *c, const char *spec, double wait_ns,
                            int *waits)
{
    sim_costs costs;
    sim_costs_none(&costs);
    costs.origin.source = SIM_COSTS_FILE;
    costs.ns[SIM_COST_ASYNCIO_WAIT] = wait_ns;
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, spec, c);
    j.a.costs = &costs;
    eng_job_run(&j);
    int64_t run = 0;
    *waits = 0;
    for (uint32_t i = 0; i < j.t.ntasks; i++) {
        int64_t r = 0;
        eng_segments(&j.t, i, SIM_ST_RUNNING, &r);
        run += r;
        *waits += eng_segments(&j.t, i, SIM_ST_LOCK, NULL) +
                  eng_segments(&j.t, i, SIM_ST_QUEUE, NULL);
    }
    eng_job_free(&j);
    return run;
}

/* asyncio.to_thread's pool, as CPython's: the first call makes the
 * default executor (default_executor), each call that grows the pool
 * makes a Thread and starts it (thread_new, thread_start_code; the
 * program's first thread thread_first more; the kernel's part for real, so
 * never thread_start), all computed by the calling task; and
 * asyncio.run's end shuts the executor down (executor_shutdown), which
 * the loop waits for. Each cost here is a distinct number of ms, so a
 * charge missing or paid twice shows. The first thread is still busy when
 * the second call comes, so the pool grows (an idle one is reused). */
static int64_t exec_run(const sim_calib *c, const sim_costs *costs, int64_t *task0,
                        int64_t *task1, int64_t *loop_ns)
{
    sim_costs copy = *costs;
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "2*thread(io:40ms)", c);
    j.a.costs = &copy;
    eng_job_run(&j);
    *task0 = *task1 = *loop_ns = 0;
    eng_segments(&j.t, 0, SIM_ST_RUNNING, task0);
    eng_segments(&j.t, 1, SIM_ST_RUNNING, task1);
    eng_segments(&j.t, eng_lane_of_kind(&j.t, SIM_LANE_LOOP), SIM_ST_RUNNING, loop_ns);
    int64_t wall = eng_wall(&j.t);
    eng_job_free(&j);
    return wall;
}

static void test_executor_costs(const sim_calib *c)
{
    sim_costs costs;
    sim_costs_none(&costs);
    costs.origin.source = SIM_COSTS_FILE;
    costs.ns[SIM_COST_DEFAULT_EXECUTOR] = 8e6;
    costs.ns[SIM_COST_THREAD_NEW] = 1e6;
    costs.ns[SIM_COST_THREAD_START_CODE] = 2e6;
    costs.ns[SIM_COST_THREAD_START] = 100e6;
    costs.ns[SIM_COST_THREAD_FIRST] = 4e6;
    costs.ns[SIM_COST_EXECUTOR_SHUTDOWN] = 16e6;
    int64_t t0, t1, loop;
    int64_t wall = exec_run(c, &costs, &t0, &t1, &loop);
    printf("asyncio: to_thread's pool: task 0 computed %.2f ms, task 1 %.2f, the loop "
           "%.2f, in %.2f ms\n", t0 / 1e6, t1 / 1e6, loop / 1e6, wall / 1e6);
    fflush(stdout);
    /* (the bounds above leave room for a real start under a sanitizer,
     * milliseconds; never for thread_start's 100) */
    ASSERT_MSG(t0 >= 14500000 && t0 < 55000000, "task 0: %lld ns", (long long)t0);
    ASSERT_MSG(t1 >= 2500000 && t1 < 43000000, "task 1: %lld ns", (long long)t1);
    /* the loop runs the tasks' code, and then shuts the executor down */
    ASSERT_MSG(loop >= t0 + t1 + 15500000, "the loop: %lld ns", (long long)loop);
    /* the executor made, then the pool thread's 40 ms (it starts as the
     * task goes on paying for its start) */
    ASSERT_MSG(wall >= 8000000 + 40000000, "in %lld ns", (long long)wall);
    sim_costs_none(&costs);
    wall = exec_run(c, &costs, &t0, &t1, &loop);
    ASSERT_MSG(wall < 62000000 && t0 + t1 < 10000000, "without costs: %lld ns, tasks computed "
               "%lld ns", (long long)wall, (long long)(t0 + t1));
}

static void test_waits_pay(const sim_calib *c)
{
    static const char *const specs[] = {"2*(20*lock:L(yield))",
                                        "(20*(put:q:1KB,yield)) + (20*get:q)"};
    for (int i = 0; i < 2; i++) {
        int waits = 0, none = 0;
        int64_t paid = waiting_pays(c, specs[i], 300000.0, &waits);
        int64_t free_ = waiting_pays(c, specs[i], 0.0, &none);
        ASSERT_MSG(waits >= 15 && none >= 15, "%s: %d and %d waits", specs[i], waits, none);
        ASSERT_MSG(paid >= (int64_t)waits * 270000, "%s: %d waits, %lld ns running",
                   specs[i], waits, (long long)paid);
        ASSERT_MSG(free_ < (int64_t)none * 100000, "%s: %d waits free, %lld ns running",
                   specs[i], none, (long long)free_);
    }
}

/* A task's life in two parts: made and gathered by the loop before it
 * runs, ended by the task itself after its wait (asyncio_task_end). Four
 * tasks that sleep 30 ms, a task of 10 ms of which 8 at its end: the loop
 * computes about 4 * 2 ms before anything sleeps, each task about 8 ms
 * in its last run; paid all at the start, the loop's part was 40 ms. */
static void test_task_end_pays(const sim_calib *c)
{
    sim_costs costs;
    sim_costs_none(&costs);
    costs.origin.source = SIM_COSTS_FILE;
    costs.ns[SIM_COST_ASYNCIO_TASK] = 10e6;
    costs.ns[SIM_COST_ASYNCIO_TASK_END] = 8e6;
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "4*io:30ms", c);
    j.a.costs = &costs;
    eng_job_run(&j);
    /* The loop's own work: its lane running no task. */
    int64_t loop = 0, task = 0;
    const sim_lane *l = &j.t.lanes[eng_lane_of_kind(&j.t, SIM_LANE_LOOP)];
    for (size_t k = 0; k < l->nmarks; k++)
        if (l->marks[k].state == SIM_ST_RUNNING && l->marks[k].arg == SIM_NO_TASK)
            loop += sim_lane_seg_end(&j.t, l, k) - l->marks[k].t;
    for (uint32_t i = 0; i < 4; i++) {
        int64_t ran = 0;
        eng_segments(&j.t, i, SIM_ST_RUNNING, &ran);
        task += ran;
    }
    printf("asyncio: task ends: the loop ran %.1f ms, the tasks %.1f ms\n", loop / 1e6,
           task / 1e6);
    ASSERT_MSG(task >= 4 * 7500000, "the tasks ran %lld ns", (long long)task);
    ASSERT_MSG(loop < 4 * 2000000 + 10000000, "the loop ran %lld ns", (long long)loop);
    eng_job_free(&j);
}

/* CPython's garbage collector, as the loop pays it (gcsim.h): 2,000
 * tasks that sleep are 24,000 objects, about 34 collections as they are
 * made and 5 more as they end, 45,000 objects looked at; at 2 us an
 * object (far dearer than CPython's, so that it shows), 90 ms of the
 * loop's work. A profile without the collector's figures pays none. */
static int64_t gc_loop_ns(const sim_calib *c, int with_gc, int64_t *wall)
{
    sim_costs costs;
    sim_costs_none(&costs);
    costs.origin.source = SIM_COSTS_FILE;
    if (with_gc)
        costs.gc = (sim_costs_gc){.threshold = {700, 10, 10}, .task_objects = 12.0,
                                  .task_ready_objects = 9.0, .task_end_objects = 2.0,
                                  .young_object_ns = 2000.0, .full_object_ns = 2000.0,
                                  .full_object_ns_small = 2000.0};
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "2000*io:10ms", c);
    j.a.costs = &costs;
    eng_job_run(&j);
    int64_t loop = 0;
    eng_segments(&j.t, eng_lane_of_kind(&j.t, SIM_LANE_LOOP), SIM_ST_RUNNING, &loop);
    *wall = eng_wall(&j.t);
    eng_job_free(&j);
    return loop;
}

static void test_gc_pays(const sim_calib *c)
{
    int64_t wall_gc, wall;
    int64_t with = gc_loop_ns(c, 1, &wall_gc), without = gc_loop_ns(c, 0, &wall);
    printf("asyncio: the garbage collector: the loop ran %.1f ms (%.1f without), the run "
           "took %.1f ms (%.1f)\n", with / 1e6, without / 1e6, wall_gc / 1e6, wall / 1e6);
    ASSERT_MSG(with >= 70000000, "with collections: the loop ran %lld ns", (long long)with);
    ASSERT_MSG(without < 40000000, "without: the loop ran %lld ns", (long long)without);
    /* Made before any task sleeps: the run is the collections, then 10 ms. */
    ASSERT_MSG(wall_gc >= 80000000, "with collections: %lld ns", (long long)wall_gc);

    /* A collection as a task ends, while executor threads share the GIL
     * with the loop: the task computes it holding the GIL it has (it once
     * took the GIL again as loop work, and waited for itself for ever). */
    sim_costs costs;
    sim_costs_none(&costs);
    costs.origin.source = SIM_COSTS_FILE;
    costs.gc = (sim_costs_gc){.threshold = {700, 10, 10}, .start_count = {690, 0, 0},
                              .task_objects = 0.0, .task_ready_objects = 0.0,
                              .task_end_objects = 2.0, .young_object_ns = 1000.0,
                              .full_object_ns = 1000.0, .full_object_ns_small = 1000.0};
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO, "32*thread(io:10ms)", c);
    j.a.costs = &costs;
    eng_job_run(&j);
    for (uint32_t i = 0; i < 32; i++)
        ASSERT_INT_EQ(eng_segments(&j.t, i, SIM_ST_DONE, NULL), 1);
    ASSERT_MSG(eng_wall(&j.t) < 10000000000ll, "%lld ns", (long long)eng_wall(&j.t));
    eng_job_free(&j);
}

int main(void)
{
    sim_calib c;
    eng_calibrate(&c);
    test_timers();
    test_io_overlaps(&c);
    test_cpu_serial(&c);
    test_cpu_blocks_the_loop(&c);
    test_yield_fifo(&c);
    test_rows(&c);
    test_executor_costs(&c);
    test_waits_pay(&c);
    test_task_end_pays(&c);
    test_gc_pays(&c);
    test_cancel(&c, "4*cpu:2s");
    test_cancel(&c, "io:10s");
    test_timeout(&c);
    test_many_tasks(&c);
    return 0;
}
