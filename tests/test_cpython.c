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
#include "comparison.h"
#include "cpython.h"
#include "trace_chrome.h"
#include "trace_load.h"
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

#define HEAD "concviz-recording 1\nprocess 1 0\npython cpython 3.11.7 0 1 none\n"

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
        "41000000\n"
        "main 1 1000000 42000000 0\n";
    sim_workload w;
    sim_pyrec r;
    char msg[512];
    parse(&w, "(cpu:10ms,io:10ms)");
    ASSERT_MSG(read_one(&r, &w, SIM_MODEL_THREADING, good, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_STR_EQ(r.python.version, "3.11.7");
    ASSERT_INT_EQ(r.tasks[0].ne, 2);

    /* the cpu step: wall 30 ms, CPU 10 ms: runs 10 ms, then waits 20 ms,
     * both inferred (when in the step it ran is not measured); the io step asked 10 ms and took 10 ms: I/O, then done */
    sim_trace t;
    sim_config cfg = {0};
    ASSERT_INT_EQ(sim_trace_from_python(&t, &r, &cfg, "python3"), 0);
    ASSERT_INT_EQ(t.source, SIM_SOURCE_CPYTHON);
    ASSERT_STR_EQ(t.python.path, "python3");
    ASSERT_INT_EQ(t.outcome, SIM_OUTCOME_OK);
    ASSERT_INT_EQ(t.end_ns, 41000000);
    const sim_lane *l = &t.lanes[0];
    const struct { int64_t t; int state, flags; } want[] = {
        {0, SIM_ST_RUNNING, SIM_MARK_INFERRED},
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
                   "0 1000000 31000000 10 1 31000000 41000000\n", "more entries than");
    expect_refused("(2*cpu:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 1 1000000 31000000 10\n"
                   "main 1 1000000 42000000 0\n", "recorded op 1 (a step) 1 time; the "
                   "workload runs it 2 times");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 7 1000000 31000000 10\n",
                   "does not time");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 1 31000000 1000000\n",
                   "values its step cannot have");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 9x 10\n",
                   "not a whole number");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING, HEAD "rm -rf /\n",
                   "not a record");
    expect_refused("(cpu:10ms,io:10ms)", SIM_MODEL_THREADING,
                   HEAD "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 31000000 "
                   "10000000 1 31000000 41000000\nmain 1 1000000 42000000 0\nmain 1 1 2 0\n",
                   "after the main process");
    sim_workload_free(&w);
}

/* A comparison carries its CPython traces through a saved file: the same
 * marks, flags included, the same interpreter; and a file that names a
 * model no CPython trace can stand beside is refused. */
static void test_saved(void)
{
    const char *text = HEAD
        "task 0 1 1 1000000 0 41000000 10000000 1 0 1000000 31000000 10000000 1 31000000 "
        "41000000\n"
        "main 1 1000000 42000000 0\n";
    sim_workload w;
    sim_pyrec r;
    char msg[512];
    parse(&w, "(cpu:10ms,io:10ms)");
    ASSERT_MSG(read_one(&r, &w, SIM_MODEL_THREADING, text, msg, sizeof msg) == 0, "%s", msg);
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.workload = strdup(w.spec);
    c.ntraces = 1;
    c.machine.cpus = 2;
    ASSERT_INT_EQ(sim_trace_init(&c.traces[0], SIM_MODEL_THREADING, 1, 1), 0);
    c.traces[0].outcome = SIM_OUTCOME_OK;
    c.traces[0].end_ns = 5;
    sim_trace_add_mark(&c.traces[0], 0, (sim_mark){.t = 0, .state = SIM_ST_DONE, .cpu = SIM_NO_CPU});
    ASSERT_INT_EQ(sim_trace_from_python(&c.cpython[0], &r, NULL, "python3"), 0);
    ASSERT(sim_comparison_cpython(&c, 0));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ASSERT(f);
    ASSERT_INT_EQ(sim_chrome_write(f, &c), 0);
    ASSERT(fclose(f) == 0);
    ASSERT_CONTAINS(buf, "\"concviz_format\":4");
    ASSERT_CONTAINS(buf, "threading (CPython 3.11.7, measured)");
    ASSERT_CONTAINS(buf, "~1"); /* the inferred wait, in its lane's text */
    sim_comparison back;
    ASSERT_MSG(sim_trace_load_mem(buf, len, "run.json", &back, msg, sizeof msg) == 0, "%s", msg);
    const sim_trace *a = &c.cpython[0], *b = sim_comparison_cpython(&back, 0);
    ASSERT(b);
    ASSERT_STR_EQ(b->python.version, "3.11.7");
    ASSERT_STR_EQ(b->python.path, "python3");
    ASSERT_INT_EQ(b->python.gil, 1);
    ASSERT_INT_EQ(b->nlanes, a->nlanes);
    for (uint32_t i = 0; i < a->nlanes; i++) {
        ASSERT_INT_EQ(b->lanes[i].nmarks, a->lanes[i].nmarks);
        ASSERT_INT_EQ(b->lanes[i].cpu_ns, a->lanes[i].cpu_ns);
        for (size_t k = 0; k < a->lanes[i].nmarks; k++) {
            ASSERT_INT_EQ(b->lanes[i].marks[k].t, a->lanes[i].marks[k].t);
            ASSERT_INT_EQ(b->lanes[i].marks[k].state, a->lanes[i].marks[k].state);
            ASSERT_INT_EQ(b->lanes[i].marks[k].flags, a->lanes[i].marks[k].flags);
        }
    }
    sim_comparison_deinit(&back);
    /* CPython's trace must stand beside a model of its own kind */
    char *bad = strdup(buf), *of = strstr(bad, "\"of\":0");
    ASSERT(of);
    of[5] = '3';
    ASSERT_INT_EQ(sim_trace_load_mem(bad, strlen(bad), "run.json", &back, msg, sizeof msg),
                  SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "must name the model it stands beside");
    free(bad);
    free(buf);
    sim_comparison_deinit(&c);
    sim_pyrec_free(&r);
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
    /* the recording's clock agrees with the program's: it ends where the
     * program printed its wall time (_cz_stop() is the line before), and
     * the last task ended before that (a Pool still has to stop after it) */
    double end_ms = (double)t.end_ns / 1e6, wall_ms = (double)s.wall_ns / 1e6;
    ASSERT_MSG(res.printed_wall_ms > 0 && end_ms <= res.printed_wall_ms + 0.5 &&
                   end_ms >= res.printed_wall_ms - 1.0 && wall_ms <= end_ms,
               "%s: the last task ended at %.1f ms, the recording at %.1f ms, the program "
               "printed %.1f ms", spec, wall_ms, end_ms, res.printed_wall_ms);
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

/* A program that never ends (a get no put will feed) is stopped by the
 * timeout, and the lanes of what it saved when stopped are kept: the task
 * that finished is done, the one that waits is not. */
static void test_stopped(const sim_interp *py)
{
    for (int m = 0; m < 2; m++) {
        sim_model model = m ? SIM_MODEL_THREADING : SIM_MODEL_ASYNCIO;
        sim_workload w;
        parse(&w, "get:q + io:10ms");
        sim_config cfg = {0};
        sim_config_resolve(&cfg, 2);
        cfg.timeout_ns = 1500000000ll;
        sim_cpython_desc d = {&w, model, NULL, &cfg, py, NULL};
        sim_trace t;
        sim_cpython_result res;
        ASSERT_INT_EQ(sim_cpython_run(&d, &t, &res), SIM_E_TIMEOUT);
        ASSERT_INT_EQ(t.outcome, SIM_OUTCOME_TIMEOUT);
        ASSERT_CONTAINS(t.error, "stopped after 1.50 s (--timeout)");
        ASSERT_MSG(t.nlanes >= 2 && t.lanes[1].nmarks >= 2, "%s: no lanes were saved",
                   sim_model_name(model));
        ASSERT_INT_EQ(t.lanes[1].marks[t.lanes[1].nmarks - 1].state, SIM_ST_DONE);
        ASSERT(t.lanes[0].marks[t.lanes[0].nmarks - 1].state != SIM_ST_DONE);
        printf("  %-15s get:q + io:10ms    stopped, its saved lanes kept\n",
               sim_model_name(model));
        sim_trace_deinit(&t);
        sim_workload_free(&w);
    }
}

static void test_pythons(void)
{
    sim_interp py;
    char msg[512];
    if (sim_cpython_probe(&py, "python3", 0, NULL, msg, sizeof msg) != 0)
        TEST_SKIP_CASE("no python3 here (%s): the programs are not run", msg);
    test_python(&py);
    test_stopped(&py);
    const char *more = getenv("CONCVIZ_TEST_PYTHONS");
    char list[4096];
    snprintf(list, sizeof list, "%s", more ? more : "");
    for (char *s = strtok(list, ":"); s; s = strtok(NULL, ":")) {
        ASSERT_MSG(sim_cpython_probe(&py, s, 0, NULL, msg, sizeof msg) == 0, "%s", msg);
        test_python(&py);
    }
}

/* ---- interpreters that misbehave ---- */

/* Whether any process's command line holds `marker` (the fakes start
 * `sleep MARKER`, a number nothing else uses). */
static int running(const char *marker)
{
    DIR *d = opendir("/proc");
    ASSERT(d);
    struct dirent *de;
    int found = 0;
    while (!found && (de = readdir(d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char path[300], buf[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        for (size_t i = 0; i < n; i++)
            if (!buf[i])
                buf[i] = ' ';
        buf[n] = '\0';
        found = strstr(buf, marker) != NULL;
    }
    closedir(d);
    return found;
}

/* A fake interpreter: a shell script that answers the probe as `answer`
 * does and runs `body` for the program. */
static void fake(const char *dir, const char *name, const char *answer, const char *body,
                 char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ASSERT(f);
    fprintf(f, "#!/bin/sh\n# a fake python for test_cpython\n"
               "if [ \"$3\" = \"-c\" ]; then\n%s\nfi\n%s\n", answer, body);
    ASSERT(fclose(f) == 0);
    ASSERT(chmod(path, 0755) == 0);
}

#define ANSWER "echo 'concviz-probe cpython 3.11.7 0 1 3 11'; exit 0"

/* Runs 2*io:10ms under threading with the fake; returns its trace's
 * status, and checks that no process with `marker` is left. */
static int run_fake(const char *path, int64_t timeout_ns, sim_trace *t, sim_cpython_result *res,
                    const char *marker)
{
    sim_interp py;
    char msg[512];
    ASSERT_MSG(sim_cpython_probe(&py, path, 0, NULL, msg, sizeof msg) == 0, "%s", msg);
    sim_workload w;
    parse(&w, "2*io:10ms");
    sim_config cfg = {.timeout_ns = timeout_ns};
    sim_config_resolve(&cfg, 2);
    cfg.timeout_ns = timeout_ns;
    sim_cpython_desc d = {&w, SIM_MODEL_THREADING, NULL, &cfg, &py, NULL};
    int64_t t0 = sim_clock_ns();
    int e = sim_cpython_run(&d, t, res);
    double s = (double)(sim_clock_ns() - t0) / 1e9;
    printf("  %-10s %.2f s: %s\n", strrchr(path, '/') + 1, s, t->error);
    ASSERT_INT_EQ(t->source, SIM_SOURCE_CPYTHON);
    ASSERT_INT_EQ(t->ntasks, 2);
    ASSERT(t->error[0]);
    if (marker)
        ASSERT_MSG(!running(marker), "a process of %s is still running", path);
    ASSERT(s < 10);
    sim_workload_free(&w);
    return e;
}

static void test_fakes(void)
{
    char dir[] = "/tmp/concviz-fakeXXXXXX", path[4096], msg[512];
    ASSERT(mkdtemp(dir));
    sim_trace t;
    sim_cpython_result res;
    sim_interp py;

    fake(dir, "exit1", ANSWER, "echo 'Traceback: ZeroDivisionError: boom' >&2; exit 1",
         path, sizeof path);
    ASSERT_INT_EQ(run_fake(path, 0, &t, &res, NULL), SIM_E_SYS);
    ASSERT_INT_EQ(t.outcome, SIM_OUTCOME_FAILED);
    ASSERT_CONTAINS(t.error, "(CPython 3.11.7) exited with status 1: Traceback: "
                             "ZeroDivisionError: boom");
    sim_trace_deinit(&t);

    fake(dir, "segv", ANSWER, "kill -SEGV $$", path, sizeof path);
    ASSERT_INT_EQ(run_fake(path, 0, &t, &res, NULL), SIM_E_SYS);
    ASSERT_CONTAINS(t.error, "was killed by signal 11");
    sim_trace_deinit(&t);

    /* hangs, with a child: --timeout stops both */
    fake(dir, "hang", ANSWER, "sleep 987651 & sleep 987651; wait", path, sizeof path);
    ASSERT_INT_EQ(run_fake(path, 500000000, &t, &res, "987651"), SIM_E_TIMEOUT);
    ASSERT_INT_EQ(t.outcome, SIM_OUTCOME_TIMEOUT);
    ASSERT_CONTAINS(t.error, "stopped after 500 ms (--timeout)");
    sim_trace_deinit(&t);

    /* ignores SIGTERM: killed after the grace */
    fake(dir, "stubborn", ANSWER, "trap '' TERM; sleep 987652 & sleep 987652; wait", path,
         sizeof path);
    ASSERT_INT_EQ(run_fake(path, 300000000, &t, &res, "987652"), SIM_E_TIMEOUT);
    ASSERT_CONTAINS(t.error, "did not stop when asked and was killed");
    sim_trace_deinit(&t);

    /* garbage, half a JSON, a cut-short recording, nothing at all */
    fake(dir, "garbage", ANSWER,
         "printf 'concviz-recording 1\\nhello world\\n' > \"$CONCVIZ_RECORD.$$\"; "
         "echo '{\"traceEvents\": ['", path, sizeof path);
    ASSERT_INT_EQ(run_fake(path, 0, &t, &res, NULL), SIM_E_FORMAT);
    ASSERT_CONTAINS(t.error, "its recording cannot be used: rec.");
    ASSERT_CONTAINS(t.error, ":2: 'hello' is not a record");
    sim_trace_deinit(&t);
    fake(dir, "halfjson", ANSWER,
         "printf '{\"traceEvents\": [{\"ph\": \"X\", \"ts\": 1' > \"$CONCVIZ_RECORD.$$\"",
         path, sizeof path);
    ASSERT_INT_EQ(run_fake(path, 0, &t, &res, NULL), SIM_E_FORMAT);
    ASSERT_CONTAINS(t.error, "not a concviz recording");
    sim_trace_deinit(&t);
    fake(dir, "cut", ANSWER,
         "printf 'concviz-recording 1\\nprocess 1 0\\ntask 0 1 1 5 0' > \"$CONCVIZ_RECORD.$$\"",
         path, sizeof path);
    ASSERT_INT_EQ(run_fake(path, 0, &t, &res, NULL), SIM_E_FORMAT);
    ASSERT_CONTAINS(t.error, "cut short");
    sim_trace_deinit(&t);
    fake(dir, "silent", ANSWER, "exit 0", path, sizeof path);
    ASSERT_INT_EQ(run_fake(path, 0, &t, &res, NULL), SIM_E_FORMAT);
    ASSERT_CONTAINS(t.error, "the main process's record is missing");
    sim_trace_deinit(&t);

    /* ends, leaving a child behind: the child is killed */
    fake(dir, "leaves", ANSWER, "sleep 987653 & exit 0", path, sizeof path);
    run_fake(path, 0, &t, &res, "987653");
    ASSERT_INT_EQ(res.leftovers, 1);
    sim_trace_deinit(&t);

    /* probes that fail: a clear sentence each, and nothing left */
    fake(dir, "noanswer", "exit 1", "exit 0", path, sizeof path);
    ASSERT_INT_EQ(sim_cpython_probe(&py, path, 0, NULL, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "does not answer like a Python 3 interpreter (it exited with status 1)");
    fake(dir, "chatty", "echo hello; exit 0", "exit 0", path, sizeof path);
    ASSERT_INT_EQ(sim_cpython_probe(&py, path, 0, NULL, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "does not answer like a Python 3 interpreter (it exited with status 0; its last line: hello)");
    fake(dir, "mute", "sleep 987654", "exit 0", path, sizeof path);
    ASSERT_INT_EQ(sim_cpython_probe(&py, path, 300000000, NULL, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "did not say what it is");
    ASSERT(!running("987654"));
    fake(dir, "old", "echo 'concviz-probe cpython 3.7.9 0 1 3 7'", "exit 0", path, sizeof path);
    ASSERT_INT_EQ(sim_cpython_probe(&py, path, 0, NULL, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "is Python 3.7; concviz's programs need Python 3.8 or later");
    snprintf(path, sizeof path, "%s/missing", dir);
    ASSERT_INT_EQ(sim_cpython_probe(&py, path, 0, NULL, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "no such program");
    /* no python3 on PATH: how to get one */
    const char *old = getenv("PATH");
    char saved[8192];
    snprintf(saved, sizeof saved, "%s", old ? old : "");
    setenv("PATH", dir, 1);
    ASSERT_INT_EQ(sim_cpython_probe(&py, "python3", 0, NULL, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "python3 was not found on PATH: install Python 3 (on Debian: "
                         "sudo apt-get install python3)");
    ASSERT_INT_EQ(sim_cpython_find_ft(&py, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "no free-threaded Python was found on PATH");
    setenv("PATH", saved, 1);

    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ASSERT(system(cmd) == 0);
    /* and no folder of concviz's left in /tmp by any of them */
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_read();
    test_saved();
    test_fakes();
    test_pythons();
    (void)python_path;
    printf("test_cpython: all passed\n");
    TEST_DONE();
}
