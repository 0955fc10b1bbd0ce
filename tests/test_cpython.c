/* test_cpython.c - the workload measured in CPython: recordings, the lanes
 * derived from them, and interpreters that misbehave.
 *
 * Without Python: recordings written by hand are read back, refused when
 * they are broken (cut short, garbage, a step recorded twice, a task that
 * is not one), and turned into lanes whose inferred parts are flagged (a
 * cpu step of wall 30 ms and CPU 10 ms runs 10 ms, then waits 20 ms,
 * inferred).
 *
 * With the machine's python3 (these cases are skipped, and say so, where
 * there is none): a few workloads under every model are run, recorded and
 * derived, and the lanes keep their invariants: every task ran once and
 * ended; a task's running time never exceeds its wall time, nor its CPU
 * time; every step was recorded as often as the workload says (the reader
 * checks it); under asyncio the loop runs one task at a time; under
 * multiprocessing the worker lanes are the worker processes, one a pid.
 * Set CONCVIZ_TEST_PYTHONS=/path/python3.8:/path/python3.13 to run them
 * under more interpreters.
 *
 * Fake interpreters (shell scripts) that exit 1, hang, die of a signal,
 * write garbage or a recording cut short, and leave children behind: each
 * gives a trace that says what went wrong, and when the call returns no
 * process of theirs is left.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cpython.h"
#include "err.h"
#include "pyprog.h"
#include "pyrec.h"
#include "test.h"
#include "trace_python.h"
#include "workload.h"

/* ---- recordings by hand ---- */

static void parse(sim_workload *w, const char *spec)
{
    sim_parse_error e;
    ASSERT_MSG(sim_workload_parse(w, spec, &e) == 0, "%s: %s", spec, e.message);
}

/* Reads `text` as one file of a recording of spec under m; returns the
 * reader's result, with msg. */
static int read_one(sim_pyrec *r, const sim_workload *w, sim_model m, const char *text,
                    char *msg, size_t n)
{
    ASSERT_INT_EQ(sim_pyrec_init(r, w, m), 0);
    msg[0] = '\0';
    int e = sim_pyrec_read_text(r, "rec.1", text, strlen(text), msg, n);
    if (!e)
        e = sim_pyrec_check(r, msg, n);
    return e;
}

#define HEAD "concviz-recording 1\nprocess 1 0\npython cpython 3.11.7 0 1\n"

static void expect_refused(const char *spec, sim_model m, const char *text, const char *why)
{
    sim_workload w;
    sim_pyrec r;
    char msg[512];
    parse(&w, spec);
    int e = read_one(&r, &w, m, text, msg, sizeof msg);
    ASSERT_MSG(e == SIM_E_FORMAT, "accepted: %s", text);
    ASSERT_CONTAINS(msg, why);
    sim_pyrec_free(&r);
    sim_workload_free(&w);
}

static void test_read(void)
{
    /* one task: cpu:10ms (op 0), io:20ms (op 1), times from 1000000 */
    const char *good = HEAD
        "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 31000000 10000000 1 31000000 "
        "41000000 -1\n"
        "main 1 1000000 42000000 0\n";
    sim_workload w;
    sim_pyrec r;
    char msg[512];
    parse(&w, "(cpu:10ms,io:10ms)");
    ASSERT_MSG(read_one(&r, &w, SIM_MODEL_THREADING, good, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_STR_EQ(r.python.version, "3.11.7");
    ASSERT_INT_EQ(r.tasks[0].ne, 2);

    /* the cpu step: wall 30 ms, CPU 10 ms: runs 10 ms, then waits 20 ms,
     * inferred; the io step asked 10 ms and took 10 ms: I/O, then done */
    sim_trace t;
    sim_config cfg = {0};
    ASSERT_INT_EQ(sim_trace_from_python(&t, &r, &cfg, "python3"), 0);
    ASSERT_INT_EQ(t.source, SIM_SOURCE_CPYTHON);
    ASSERT_STR_EQ(t.python.path, "python3");
    ASSERT_INT_EQ(t.outcome, SIM_OUTCOME_OK);
    ASSERT_INT_EQ(t.end_ns, 41000000);
    const sim_lane *l = &t.lanes[0];
    const struct { int64_t t; int state, flags; } want[] = {
        {0, SIM_ST_RUNNING, 0},
        {10000000, SIM_ST_READY, SIM_MARK_INFERRED},
        {30000000, SIM_ST_IO, 0},
        {40000000, SIM_ST_DONE, 0},
    };
    ASSERT_INT_EQ(l->nmarks, 4);
    for (size_t i = 0; i < 4; i++) {
        ASSERT_INT_EQ(l->marks[i].t, want[i].t);
        ASSERT_INT_EQ(l->marks[i].state, want[i].state);
        ASSERT_INT_EQ(l->marks[i].flags, want[i].flags);
    }
    ASSERT_INT_EQ(l->cpu_ns, 10000000);
    char label[96];
    sim_python_label(&t.python, label, sizeof label);
    ASSERT_STR_EQ(label, "CPython 3.11.7");
    sim_trace_deinit(&t);
    sim_pyrec_free(&r);

    /* broken ones are refused, saying where and why */
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING, "{\"traceEvents\": [", "not a concviz recording");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 3100", "cut short");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "main 1 1000000 42000000 0\n", "task 0 was never recorded");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 3 1 1 1 0 2 0 1\n", "not a task of the workload");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 31000000 10 "
                   "0 1000000 31000000 10 1 31000000 41000000 -1\n", "more entries than");
    expect_refused("(2*cpu:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 1 1000000 31000000 10\n"
                   "main 1 1000000 42000000 0\n", "recorded op 1 (a step) 1 time; the "
                   "workload runs it 2 times");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 7 1000000 31000000 10\n",
                   "does not time");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 1 1000000 31000000 5\n",
                   "values its step cannot have");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 9x 10\n",
                   "not a whole number");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING, HEAD "rm -rf /\n",
                   "not a record");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 31000000 "
                   "10000000 1 31000000 41000000 -1\nmain 1 1000000 42000000 0\nmain 1 1 2 0\n",
                   "after the main process");
    sim_workload_free(&w);
}

/* ---- python3 ---- */

/* Seconds of running marks on a lane, from the trace. */
static int64_t state_ns(const sim_trace *t, uint32_t lane, int state)
{
    const sim_lane *l = &t->lanes[lane];
    int64_t sum = 0;
    for (size_t i = 0; i < l->nmarks; i++)
        if (l->marks[i].state == state)
            sum += sim_lane_seg_end(t, l, i) - l->marks[i].t;
    return sum;
}

/* The invariants every measured trace keeps. */
static void check_invariants(const sim_trace *t, const sim_workload *w, const char *spec)
{
    ASSERT_INT_EQ(t->source, SIM_SOURCE_CPYTHON);
    ASSERT_MSG(t->outcome == SIM_OUTCOME_OK, "%s under %s: %s", spec, sim_model_name(t->model),
               t->error);
    ASSERT_INT_EQ(t->ntasks, w->ntasks);
    for (uint32_t i = 0; i < t->ntasks; i++) {
        sim_task_stat st;
        sim_trace_task_stat(t, i, &st);
        ASSERT_MSG(st.start_ns >= 0 && st.end_ns >= st.start_ns, "%s: task %u", spec, i);
        int64_t wall = st.end_ns - st.start_ns, run = state_ns(t, i, SIM_ST_RUNNING);
        ASSERT_MSG(run <= wall, "%s: task %u ran %lld ns in %lld ns", spec, i, (long long)run,
                   (long long)wall);
        ASSERT_MSG(st.cpu_ns >= 0 && st.cpu_ns <= wall, "%s: task %u CPU %lld of %lld", spec,
                   i, (long long)st.cpu_ns, (long long)wall);
        const sim_lane *l = &t->lanes[i];
        for (size_t k = 1; k < l->nmarks; k++)
            ASSERT(l->marks[k].t >= l->marks[k - 1].t);
        ASSERT_INT_EQ(l->marks[l->nmarks - 1].state, SIM_ST_DONE);
    }
    /* resource lanes: a lock, a loop, a worker is busy with one task at a time */
    for (uint32_t i = t->ntasks; i < t->nlanes; i++) {
        const sim_lane *l = &t->lanes[i];
        for (size_t k = 1; k < l->nmarks; k++)
            ASSERT(l->marks[k].t >= l->marks[k - 1].t);
    }
}

static char *python_path(void)
{
    static char buf[4096];
    sim_interp py;
    char msg[512];
    if (sim_cpython_probe(&py, "python3", 0, NULL, msg, sizeof msg) != 0)
        return NULL;
    snprintf(buf, sizeof buf, "%s", py.path);
    return buf;
}

static void run_one(const sim_interp *py, const char *spec, sim_model m, const sim_config *given,
                    void (*extra)(const sim_trace *, const sim_workload *))
{
    sim_workload w;
    parse(&w, spec);
    sim_config cfg = given ? *given : (sim_config){0};
    sim_config_resolve(&cfg, 2);
    cfg.workload = w.spec;
    sim_cpython_desc d = {&w, m, given, &cfg, py, NULL};
    sim_trace t;
    sim_cpython_result res;
    int64_t t0 = sim_clock_ns();
    int e = sim_cpython_run(&d, &t, &res);
    double ms = (double)(sim_clock_ns() - t0) / 1e6;
    ASSERT_MSG(e == SIM_OK, "%s under %s: %s", spec, sim_model_name(m), t.error);
    check_invariants(&t, &w, spec);
    sim_summary s;
    sim_trace_summarize(&t, w.nominal_ns, 2, &s);
    printf("  %-15s %-40s wall %8.1f ms (it printed %8.1f), run %7.1f ms\n",
           sim_model_name(m), spec, (double)s.wall_ns / 1e6, res.printed_wall_ms, ms);
    /* the recording's wall time is the one the program printed, give or
     * take the recorder's own start and end */
    ASSERT_MSG(res.printed_wall_ms > 0 &&
                   (double)s.wall_ns / 1e6 <= res.printed_wall_ms + 1.0 &&
                   (double)s.wall_ns / 1e6 >= res.printed_wall_ms * 0.9 - 5.0,
               "%s: recorded %.1f ms, printed %.1f ms", spec, (double)s.wall_ns / 1e6,
               res.printed_wall_ms);
    if (extra)
        extra(&t, &w);
    sim_trace_deinit(&t);
    sim_workload_free(&w);
}

/* asyncio: the loop lane runs one task at a time, each for as long as the
 * task lane runs between its awaits. */
static void loop_checks(const sim_trace *t, const sim_workload *w)
{
    int loops = 0;
    for (uint32_t i = t->ntasks; i < t->nlanes; i++)
        loops += t->lanes[i].kind == SIM_LANE_LOOP;
    ASSERT_INT_EQ(loops, 1);
    sim_summary s;
    sim_trace_summarize(t, w->nominal_ns, 2, &s);
    ASSERT(s.switches >= 1);
}

/* multiprocessing: one worker lane per process, each task on one. */
static void worker_checks(const sim_trace *t, const sim_workload *w)
{
    int workers = 0;
    for (uint32_t i = t->ntasks; i < t->nlanes; i++)
        workers += t->lanes[i].kind == SIM_LANE_WORKER;
    ASSERT_MSG(workers == t->cfg.workers && workers == 2, "%d worker lanes, %d workers",
               workers, t->cfg.workers);
    uint64_t busy = 0;
    for (uint32_t i = t->ntasks; i < t->nlanes; i++)
        if (t->lanes[i].kind == SIM_LANE_WORKER)
            for (size_t k = 0; k < t->lanes[i].nmarks; k++)
                busy += t->lanes[i].marks[k].state == SIM_ST_RUNNING;
    ASSERT(busy >= 1 && busy <= w->ntasks);
}

static void test_python(const sim_interp *py)
{
    char label[96];
    sim_python_label(&py->info, label, sizeof label);
    printf("%s (%s):\n", py->info.path, label);
    sim_config two = {.workers = 2};
    run_one(py, "4*(cpu:20ms,io:30ms,cpu:20ms) + 2*io:50ms", SIM_MODEL_ASYNCIO, NULL, loop_checks);
    run_one(py, "4*(cpu:20ms,io:30ms,cpu:20ms) + 2*io:50ms", SIM_MODEL_THREADING, NULL, NULL);
    run_one(py, "4*(cpu:20ms,io:30ms,cpu:20ms) + 2*io:50ms", SIM_MODEL_MULTIPROCESSING, &two,
            worker_checks);
    run_one(py, "(2000*yield) + (20000*inc:x)", SIM_MODEL_ASYNCIO, NULL, NULL);
    run_one(py, "2*lock:L(50*(load:hits,cpu:20us,store:hits)) + put:q:1KB + get:q",
            SIM_MODEL_THREADING, NULL, NULL);
    run_one(py, "2*lock:L(50*(load:hits,cpu:20us,store:hits)) + put:q:1KB + get:q",
            SIM_MODEL_MULTIPROCESSING, &two, NULL);
    run_one(py, "2*(cpu:10ms,yield)", SIM_MODEL_FREE_THREADING, NULL, NULL);
    if (py->minor >= 9)
        run_one(py, "cpu:20ms + thread(io:10ms,cpu:5ms) + process(2*cpu:5ms) + sem:s/1(io:5ms)",
                SIM_MODEL_ASYNCIO, NULL, NULL);
}

static void test_pythons(void)
{
    sim_interp py;
    char msg[512];
    if (sim_cpython_probe(&py, "python3", 0, NULL, msg, sizeof msg) != 0)
        TEST_SKIP_CASE("no python3 here (%s): the programs are not run", msg);
    test_python(&py);
    const char *more = getenv("CONCVIZ_TEST_PYTHONS");
    char list[4096];
    snprintf(list, sizeof list, "%s", more ? more : "");
    for (char *s = strtok(list, ":"); s; s = strtok(NULL, ":")) {
        ASSERT_MSG(sim_cpython_probe(&py, s, 0, NULL, msg, sizeof msg) == 0, "%s", msg);
        test_python(&py);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_read();
    test_pythons();
    (void)python_path;
    printf("test_cpython: all passed\n");
    TEST_DONE();
}
