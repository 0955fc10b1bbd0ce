/* test_ui_cost_note.c - the hover's words about CPython's costs name what
 * the engines charged for the segment under the pointer, from the trace
 * alone: the costs of the task's own steps, the loop's own work, a
 * worker's start, and on what the figures rest. No SDL, no run.
 */
#include <stdio.h>
#include <string.h>

#include "cost_note.h"
#include "test.h"
#include "trace.h"

/* A trace of `ntasks` task lanes and the given other lanes, with the
 * built-in profile, for workload `spec`. */
static void make(sim_trace *t, sim_model m, const char *spec, uint32_t ntasks,
                 const uint8_t *kinds, uint32_t nres)
{
    ASSERT(sim_trace_init(t, m, ntasks, ntasks + nres) == 0);
    for (uint32_t i = 0; i < ntasks + nres; i++) {
        t->lanes[i].kind = i < ntasks ? SIM_LANE_TASK : kinds[i - ntasks];
        t->lanes[i].index = i < ntasks ? i : i - ntasks;
    }
    t->cfg.workload = spec;
    sim_costs_builtin(NULL, &t->costs);
    t->has_costs = 1;
}

static void test_tag(void)
{
    sim_trace t;
    make(&t, SIM_MODEL_THREADING, "io:1ms", 1, NULL, 0);
    char s[96];
    ASSERT(ui_costs_tag(&t, s, sizeof s) > 0);
    ASSERT_STR_EQ(s, "CPython 3.12.1's costs, built-in");
    t.costs.origin.source = SIM_COSTS_CALIBRATED;
    ui_costs_tag(&t, s, sizeof s);
    ASSERT_STR_EQ(s, "CPython 3.12.1's costs, calibrated here");
    sim_costs_none(&t.costs);
    ui_costs_tag(&t, s, sizeof s);
    ASSERT_STR_EQ(s, "no CPython costs (--costs none)");
    t.has_costs = 0;
    ASSERT_INT_EQ(ui_costs_tag(&t, s, sizeof s), 0);
    t.cfg.workload = NULL;
    sim_trace_deinit(&t);
}

static void test_asyncio(void)
{
    sim_trace t;
    uint8_t loop = SIM_LANE_LOOP;
    make(&t, SIM_MODEL_ASYNCIO, "2*(100*inc:x) + yield", 3, &loop, 1);
    char s[512];
    /* A running task: its own steps' costs, the loop's turn, the source. */
    ASSERT(ui_cost_note(&t, 0, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "CPython's costs here: x += 1 ");
    ASSERT_CONTAINS(s, "loop turn ");
    ASSERT_CONTAINS(s, "(CPython 3.12.1, built-in, scaled to this machine)");
    ASSERT(!strstr(s, "await")); /* task 0 never yields: not its cost */
    /* Task 2 is the `yield`: asyncio.sleep(0)'s part, no loop. */
    ASSERT(ui_cost_note(&t, 2, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT(!strstr(s, "x += 1") && !strstr(s, "loop turn"));
    /* Waiting costs nothing of CPython's. */
    ASSERT_INT_EQ(ui_cost_note(&t, 0, -1, SIM_ST_READY, SIM_NO_TASK, s, sizeof s), 0);
    ASSERT_STR_EQ(s, "");
    /* The loop running no task: its own work. */
    ASSERT(ui_cost_note(&t, 3, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "loop iteration ");
    ASSERT_CONTAINS(s, "asyncio.run start ");
    ASSERT_CONTAINS(s, ", garbage collections "); /* the built-in profile counts them */
    ASSERT_CONTAINS(s, " ns an object looked at");
    /* ... and running a task, the task's (its own lane says which). */
    ASSERT_INT_EQ(ui_cost_note(&t, 3, -1, SIM_ST_RUNNING, 0, s, sizeof s), 0);
    /* No profile charged: said plainly for the tasks, nothing elsewhere. */
    sim_costs_none(&t.costs);
    ASSERT(ui_cost_note(&t, 0, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "none charged");
    ASSERT_INT_EQ(ui_cost_note(&t, 3, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s), 0);
    /* A trace saved before profiles: no words. */
    t.has_costs = 0;
    ASSERT_INT_EQ(ui_cost_note(&t, 0, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s), 0);
    t.cfg.workload = NULL;
    sim_trace_deinit(&t);

    /* A task pays its end in its last run, not in an earlier one. */
    static const uint8_t states[] = {SIM_ST_RUNNING, SIM_ST_IO, SIM_ST_RUNNING, SIM_ST_DONE};
    make(&t, SIM_MODEL_ASYNCIO, "io:1ms", 1, &loop, 1);
    for (int i = 0; i < 4; i++)
        ASSERT_INT_EQ(sim_trace_add_mark(&t, 0, (sim_mark){.t = i * 1000, .state = states[i],
                                                         .cpu = SIM_NO_CPU}),
                      0);
    ASSERT(ui_cost_note(&t, 0, 2, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "task end ");
    ui_cost_note(&t, 0, 0, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s);
    ASSERT(!strstr(s, "task end"));
    t.cfg.workload = NULL;
    sim_trace_deinit(&t);

    /* A step that may wait for another task names the waiting's price. */
    make(&t, SIM_MODEL_ASYNCIO, "2*lock:L(yield) + get:q + put:q:1KB", 4, &loop, 1);
    ASSERT(ui_cost_note(&t, 0, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "asyncio lock ");
    ASSERT_CONTAINS(s, "wait for another task ");
    ASSERT(ui_cost_note(&t, 2, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "wait for another task ");
    ASSERT(ui_cost_note(&t, 3, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT(!strstr(s, "wait for another task")); /* a put never waits */
    ASSERT(!strstr(s, "default executor"));
    t.cfg.workload = NULL;
    sim_trace_deinit(&t);

    /* A call to to_thread may make the default executor, or grow its
     * pool; the loop shuts it down at the end. */
    make(&t, SIM_MODEL_ASYNCIO, "thread(yield) + yield", 2, &loop, 1);
    ASSERT(ui_cost_note(&t, 0, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "to_thread ");
    ASSERT_CONTAINS(s, "default executor ");
    ASSERT_CONTAINS(s, "thread start's Python ");
    ASSERT(ui_cost_note(&t, 1, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT(!strstr(s, "default executor"));
    ASSERT(ui_cost_note(&t, 2, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "default executor shut down ");
    t.cfg.workload = NULL;
    sim_trace_deinit(&t);
}

/* The main thread of a threading program makes, starts and joins. */
static void test_threading(void)
{
    sim_trace t;
    uint8_t main_lane = SIM_LANE_MAIN;
    make(&t, SIM_MODEL_THREADING, "2*io:1ms", 2, &main_lane, 1);
    char s[512];
    ASSERT(ui_cost_note(&t, 2, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "Thread() ");
    ASSERT_CONTAINS(s, "thread start's Python ");
    ASSERT_CONTAINS(s, "first thread ");
    ASSERT_CONTAINS(s, "thread join ");
    ASSERT(!strstr(s, "ThreadPoolExecutor"));
    /* A task's thread ends its bootstrap after the task: in its last run
     * (the mark after it is the task's end), not in an earlier one. */
    static const uint8_t states[] = {SIM_ST_RUNNING, SIM_ST_IO, SIM_ST_RUNNING, SIM_ST_DONE};
    for (int i = 0; i < 4; i++)
        ASSERT_INT_EQ(sim_trace_add_mark(&t, 0, (sim_mark){.t = i * 1000, .state = states[i],
                                                         .cpu = SIM_NO_CPU}),
                      0);
    ASSERT(ui_cost_note(&t, 0, 2, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "thread exit ");
    ASSERT(!strstr(s, "pool task"));
    ui_cost_note(&t, 0, 0, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s);
    ASSERT(!strstr(s, "thread exit"));
    /* With --threads, the program makes a pool first; a pool's thread
     * does its part of each task, and ends only at the pool's shutdown. */
    t.cfg.threads = 2;
    ASSERT(ui_cost_note(&t, 2, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "ThreadPoolExecutor made ");
    ASSERT(ui_cost_note(&t, 0, 2, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "pool task, its thread's part ");
    ASSERT(!strstr(s, "thread exit"));
    t.cfg.workload = NULL;
    sim_trace_deinit(&t);
}

static void test_multiprocessing(void)
{
    sim_trace t;
    uint8_t kinds[] = {SIM_LANE_MAIN, SIM_LANE_WORKER, SIM_LANE_WORKER};
    make(&t, SIM_MODEL_MULTIPROCESSING, "2*(50*inc:shared.hits) + inc:mine", 3, kinds, 3);
    char s[512];
    /* shared.NAME is a multiprocessing.Value under multiprocessing. */
    ASSERT(ui_cost_note(&t, 0, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "v.value += 1 ");
    ASSERT(ui_cost_note(&t, 2, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "x += 1 ");
    /* A worker starting: the start method's costs (forkserver: its launch). */
    t.cfg.start_method = SIM_START_FORKSERVER;
    ASSERT(ui_cost_note(&t, 4, -1, SIM_ST_STARTING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "forkserver launch ");
    ASSERT_CONTAINS(s, "forkserver start ");
    t.cfg.start_method = SIM_START_SPAWN;
    ASSERT(ui_cost_note(&t, 4, -1, SIM_ST_STARTING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT(!strstr(s, "forkserver"));
    ASSERT_CONTAINS(s, "spawn start ");
    /* The parent feeding the pool. */
    ASSERT(ui_cost_note(&t, 3, -1, SIM_ST_RUNNING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "pool task ");
    ASSERT(!strstr(s, "Pool made"));
    /* ...and making it: Pool() itself, then (forkserver) the server. */
    ASSERT(ui_cost_note(&t, 3, -1, SIM_ST_STARTING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "Pool made ");
    ASSERT(!strstr(s, "forkserver"));
    t.cfg.start_method = SIM_START_FORKSERVER;
    ASSERT(ui_cost_note(&t, 3, -1, SIM_ST_STARTING, SIM_NO_TASK, s, sizeof s) > 0);
    ASSERT_CONTAINS(s, "Pool made ");
    ASSERT_CONTAINS(s, "forkserver launch ");
    /* A tiny buffer is cut, never overrun. */
    char tiny[8];
    ui_cost_note(&t, 0, -1, SIM_ST_RUNNING, SIM_NO_TASK, tiny, sizeof tiny);
    ASSERT(strlen(tiny) < sizeof tiny);
    t.cfg.workload = NULL;
    sim_trace_deinit(&t);
}

int main(void)
{
    test_tag();
    test_asyncio();
    test_threading();
    test_multiprocessing();
    puts("ui_cost_note: ok");
    return 0;
}
