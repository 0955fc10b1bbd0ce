/* test_usertrace.c - a person's own programs, traced (`concviz trace`,
 * usertrace/utrace.h), and the lanes' invariants.
 *
 * The scripts in tests/fixtures/usertrace/ (an asyncio crawler over local
 * sockets, a thread pool doing blocking I/O, a CPU-bound Pool under each
 * start method, a lock convoy, a deadlock, a script that crashes mid-run)
 * run under python3 with the tracer, and whatever they did, the trace
 * holds these, checked on every lane (never a timing):
 *   - marks go forward in time and stay within the run;
 *   - a task runs only while its loop runs it (the loop's lane names the
 *     task), so it is never running while suspended, and a loop runs one
 *     task at a time;
 *   - a thread's running time never exceeds its CPU time (running between
 *     two blocking calls is inferred from samples, then held to the CPU
 *     time the tracer read);
 *   - a process lane ends (done) when its pid exits, and its threads' lanes
 *     have ended by then;
 * and each script shows what it is about: the crawler's tasks waiting on
 * sockets, the pool's threads in blocking calls, the workers as process
 * lanes with the messages between them, the convoy's threads waiting for
 * the lock, the crash's exception, the deadlock's two threads each waiting
 * for a lock when --timeout stopped it. Every run leaves no file in its
 * TMPDIR (the tracer's private folder is removed).
 *
 * Set CONCVIZ_TEST_PYTHONS=/path/python3.8:/path/python3.13 to trace the
 * crawler, the thread pool and the spawn Pool under more interpreters too
 * (setprofile up to 3.11, sys.monitoring from 3.12).
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "program.h"
#include "test.h"
#include "trace_load.h"
#include "trace_program.h"
#include "utrace.h"
#include "utrace_rec.h"

static char root[4096], tmp[4096];

/* A failed assertion aborts: the test's TMPDIR goes with it when empty
 * (rmdir is safe in a signal handler), then the abort goes on. */
static void on_abort(int sig)
{
    rmdir(tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- the invariants ---- */

static const sim_plane *plane(const sim_trace *t, uint32_t lane)
{
    return &t->program->lanes[lane];
}

static const char *label(const sim_trace *t, uint32_t lane)
{
    const char *s = sim_tprogram_str(t->program, plane(t, lane)->label);
    return s ? s : "?";
}

/* Total time of `lane` in state st. */
static int64_t time_in(const sim_trace *t, uint32_t lane, sim_state st)
{
    const sim_lane *l = &t->lanes[lane];
    int64_t sum = 0;
    for (uint32_t k = 0; k < l->nmarks; k++) {
        int64_t end = k + 1 < l->nmarks ? l->marks[k + 1].t : t->end_ns;
        if (l->marks[k].state == st && end > l->marks[k].t)
            sum += end - l->marks[k].t;
    }
    return sum;
}

static int has_state(const sim_trace *t, uint32_t lane, sim_state st)
{
    const sim_lane *l = &t->lanes[lane];
    for (uint32_t k = 0; k < l->nmarks; k++)
        if (l->marks[k].state == st)
            return 1;
    return 0;
}

/* The state of `lane` at t and the mark's arg, or SIM_ST_NONE. */
static sim_state state_at(const sim_trace *t, uint32_t lane, int64_t at, uint32_t *arg)
{
    long k = sim_lane_mark_at(&t->lanes[lane], at);
    if (k < 0)
        return SIM_ST_NONE;
    if (arg)
        *arg = t->lanes[lane].marks[k].arg;
    return (sim_state)t->lanes[lane].marks[k].state;
}

static void check_marks(const sim_trace *t, uint32_t i)
{
    const sim_lane *l = &t->lanes[i];
    for (uint32_t k = 0; k < l->nmarks; k++) {
        ASSERT_MSG(l->marks[k].t >= 0 && l->marks[k].t <= t->end_ns,
                   "lane %s: a mark at %lld, outside the run (0..%lld)", label(t, i),
                   (long long)l->marks[k].t, (long long)t->end_ns);
        if (k)
            ASSERT_MSG(l->marks[k].t >= l->marks[k - 1].t, "lane %s: mark %u goes back",
                       label(t, i), k);
        ASSERT(l->marks[k].state < SIM_ST__COUNT);
    }
}

/* Every moment a task runs, its loop runs it. */
static void check_task(const sim_trace *t, uint32_t i)
{
    const sim_lane *l = &t->lanes[i];
    uint32_t loop = plane(t, i)->owner;
    ASSERT_MSG(loop < t->nlanes && plane(t, loop)->kind == SIM_PLANE_LOOP,
               "task %s is under no loop", label(t, i));
    for (uint32_t k = 0; k < l->nmarks; k++) {
        if (l->marks[k].state != SIM_ST_RUNNING)
            continue;
        int64_t t0 = l->marks[k].t, t1 = k + 1 < l->nmarks ? l->marks[k + 1].t : t->end_ns;
        /* The middle and both ends (an end is the next mark: a moment
         * the loop may already have moved on, so 1 ns before it). */
        int64_t at[3] = {t0, t0 + (t1 - t0) / 2, t1 > t0 ? t1 - 1 : t0};
        for (int j = 0; j < 3; j++) {
            uint32_t arg = SIM_NO_TASK;
            sim_state ls = state_at(t, loop, at[j], &arg);
            ASSERT_MSG(ls == SIM_ST_RUNNING && arg == i,
                       "task %s runs at %lld ns while its loop %s (state %s, arg %u)",
                       label(t, i), (long long)at[j],
                       ls == SIM_ST_RUNNING ? "runs another" : "does not run it",
                       sim_state_name(ls), arg);
        }
    }
}

static void check_thread(const sim_trace *t, uint32_t i)
{
    const sim_lane *l = &t->lanes[i];
    if (l->cpu_ns < 0)
        return;
    int64_t ran = time_in(t, i, SIM_ST_RUNNING);
    /* 100 us: a segment's ends are rounded to the sampler's moments. And
     * a tenth: a thread the kernel preempts still runs in Python's sense
     * (it holds the GIL, its frame is on top) while it uses no CPU; on a
     * busy machine (the tests run two at a time) that was 5% of a 35 ms
     * thread. A thread drawn running while it slept would be far over. */
    ASSERT_MSG(ran <= l->cpu_ns + l->cpu_ns / 10 + 100000,
               "thread %s ran %lld ns but used %lld ns of CPU", label(t, i), (long long)ran,
               (long long)l->cpu_ns);
}

/* A process lane ends (done) when its pid exits; its threads have ended. */
static void check_process(const sim_trace *t, uint32_t i, int must_end)
{
    const sim_lane *l = &t->lanes[i];
    ASSERT_MSG(l->nmarks > 0, "process %s has no marks", label(t, i));
    const sim_mark *last = &l->marks[l->nmarks - 1];
    if (!must_end && last->state != SIM_ST_DONE)
        return;
    ASSERT_MSG(last->state == SIM_ST_DONE, "process %s never ended (last: %s)", label(t, i),
               sim_state_name((sim_state)last->state));
    for (uint32_t k = 0; k < t->nlanes; k++) {
        if (plane(t, k)->owner != i || plane(t, k)->kind != SIM_PLANE_THREAD)
            continue;
        const sim_lane *th = &t->lanes[k];
        if (!th->nmarks)
            continue;
        sim_state s = state_at(t, k, last->t, NULL);
        ASSERT_MSG(s == SIM_ST_DONE || s == SIM_ST_NONE,
                   "thread %s of process %s is %s after the process ended", label(t, k),
                   label(t, i), sim_state_name(s));
    }
}

/* The invariants on every lane; `ended`: the program ended by itself, so
 * every process ended. */
static void check_trace(const sim_trace *t, int ended)
{
    ASSERT(t->source == SIM_SOURCE_PROGRAM && t->program);
    ASSERT_INT_EQ(t->program->nlanes, t->nlanes);
    ASSERT(t->end_ns > 0);
    for (uint32_t i = 0; i < t->nlanes; i++) {
        check_marks(t, i);
        switch (plane(t, i)->kind) {
        case SIM_PLANE_TASK: check_task(t, i); break;
        case SIM_PLANE_THREAD: check_thread(t, i); break;
        case SIM_PLANE_PROCESS: check_process(t, i, ended); break;
        default: break;
        }
    }
    for (size_t k = 0; k < t->ninstants; k++)
        ASSERT(t->instants[k].lane < t->nlanes && t->instants[k].t <= t->end_ns);
    for (size_t k = 0; k < t->nflows; k++)
        ASSERT(t->flows[k].lane0 < t->nlanes && t->flows[k].lane1 < t->nlanes &&
               t->flows[k].t0 <= t->flows[k].t1);
}

/* Saved (Chrome JSON, trace_program.h) and read back, the trace is the
 * same: every mark (time, state, what, inferred), instant and flow. */
static void check_round_trip(const sim_comparison *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ASSERT(f);
    ASSERT_INT_EQ(sim_program_write(f, a), 0);
    ASSERT(fclose(f) == 0);
    sim_comparison b;
    char msg[512];
    ASSERT_MSG(sim_trace_load_mem(buf, len, "saved.json", &b, msg, sizeof msg) == 0, "%s", msg);
    const sim_trace *x = &a->traces[0], *y = &b.traces[0];
    ASSERT(y->source == SIM_SOURCE_PROGRAM && y->program);
    ASSERT_INT_EQ(y->nlanes, x->nlanes);
    ASSERT_INT_EQ(y->end_ns, x->end_ns);
    ASSERT_INT_EQ(y->outcome, x->outcome);
    ASSERT_STR_EQ(y->program->raised, x->program->raised);
    ASSERT_INT_EQ(y->program->exit_code, x->program->exit_code);
    for (uint32_t i = 0; i < x->nlanes; i++) {
        ASSERT_STR_EQ(label(y, i), label(x, i));
        ASSERT_INT_EQ(y->program->lanes[i].kind, x->program->lanes[i].kind);
        ASSERT_INT_EQ(y->program->lanes[i].owner, x->program->lanes[i].owner);
        ASSERT_INT_EQ(y->lanes[i].cpu_ns, x->lanes[i].cpu_ns);
        ASSERT_INT_EQ(y->lanes[i].nmarks, x->lanes[i].nmarks);
        for (uint32_t k = 0; k < x->lanes[i].nmarks; k++) {
            const sim_mark *m = &x->lanes[i].marks[k], *n = &y->lanes[i].marks[k];
            ASSERT_INT_EQ(n->t, m->t);
            ASSERT_INT_EQ(n->state, m->state);
            ASSERT_INT_EQ(n->flags & SIM_MARK_INFERRED, m->flags & SIM_MARK_INFERRED);
            const char *w = sim_tprogram_str(x->program, m->arg);
            const char *v = sim_tprogram_str(y->program, n->arg);
            /* words stay words; a loop's or process's arg (a lane) stays it */
            if (w && plane(x, i)->kind != SIM_PLANE_LOOP &&
                plane(x, i)->kind != SIM_PLANE_PROCESS)
                ASSERT_STR_EQ(v ? v : "(none)", w);
        }
    }
    ASSERT_INT_EQ(y->ninstants, x->ninstants);
    for (size_t k = 0; k < x->ninstants; k++)
        ASSERT(y->instants[k].t == x->instants[k].t &&
               y->instants[k].code == x->instants[k].code &&
               y->instants[k].lane == x->instants[k].lane);
    ASSERT_INT_EQ(y->nflows, x->nflows);
    sim_comparison_deinit(&b);
    free(buf);
}

/* ---- running the scripts ---- */

/* No file is left in TMPDIR. */
static void check_tmp_empty(void)
{
    DIR *d = opendir(tmp);
    ASSERT(d);
    struct dirent *de;
    while ((de = readdir(d)))
        ASSERT_MSG(!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."),
                   "%s was left in TMPDIR", de->d_name);
    closedir(d);
}

/* Traces fixture `name` (with `arg`, or none) under py, keeping blocking
 * calls from min_block_ns (0: the default); the trace in *c. */
static void trace_min(const sim_interp *py, const char *name, const char *arg,
                      int64_t timeout_ns, int64_t min_block_ns, sim_comparison *c,
                      sim_utrace_result *res)
{
    char script[4200], msg[1024];
    snprintf(script, sizeof script, "%s/tests/fixtures/usertrace/%s", root, name);
    char *args[] = {script, (char *)arg, NULL};
    sim_utrace_desc d = {.py = py, .args = args, .timeout_ns = timeout_ns,
                         .min_block_ns = min_block_ns, .label = name};
    fflush(stdout);
    int e = sim_utrace_run(&d, c, res, msg, sizeof msg);
    ASSERT_MSG(e == 0, "%s: %s", name, msg);
    ASSERT_INT_EQ(c->ntraces, 1);
    ASSERT_MSG(res->unreadable == 0 && res->bad_lines == 0,
               "%s: %llu unreadable files, %llu bad lines", name,
               (unsigned long long)res->unreadable, (unsigned long long)res->bad_lines);
    check_tmp_empty();
}

static void trace(const sim_interp *py, const char *name, const char *arg, int64_t timeout_ns,
                  sim_comparison *c, sim_utrace_result *res)
{
    trace_min(py, name, arg, timeout_ns, 0, c, res);
}

/* Lanes of kind k (SIM_PLANE__COUNT: any); with `prefix`, only those
 * whose name starts with it. */
static uint32_t count(const sim_trace *t, sim_plane_kind k, const char *prefix)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->nlanes; i++)
        if ((k == SIM_PLANE__COUNT || plane(t, i)->kind == k) && (!prefix || !strncmp(label(t, i), prefix,
                                                              strlen(prefix))))
            n++;
    return n;
}

static int ended_ok(const sim_utrace_result *r)
{
    return !r->timed_out && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

static void test_crawler(const sim_interp *py)
{
    sim_comparison c;
    sim_utrace_result r;
    trace(py, "crawler.py", NULL, 60000000000ll, &c, &r);
    const sim_trace *t = &c.traces[0];
    ASSERT_MSG(ended_ok(&r), "status %d", r.status);
    ASSERT(t->outcome == SIM_OUTCOME_OK);
    check_trace(t, 1);
    /* main, 8 fetches, 8 handlers: 17 tasks at least, one loop */
    ASSERT_MSG(count(t, SIM_PLANE_TASK, NULL) >= 17, "%u tasks",
               count(t, SIM_PLANE_TASK, NULL));
    ASSERT_INT_EQ(count(t, SIM_PLANE_LOOP, NULL), 1);
    ASSERT(count(t, SIM_PLANE_TASK, "Task-") >= 17);
    /* The fetches wait on their sockets (suspended at an await: I/O). */
    uint32_t waited = 0;
    for (uint32_t i = 0; i < t->nlanes; i++)
        if (plane(t, i)->kind == SIM_PLANE_TASK && has_state(t, i, SIM_ST_IO))
            waited++;
    ASSERT_MSG(waited >= 8, "%u tasks waited on I/O", waited);
    ASSERT((t->instants_seen >> SIM_IN_AWAIT) & 1u);
    ASSERT_INT_EQ(t->program->exit_code, 0);
    check_round_trip(&c);
    sim_comparison_deinit(&c);
}

static void test_thread_io(const sim_interp *py)
{
    sim_comparison c;
    sim_utrace_result r;
    trace(py, "thread_io.py", NULL, 60000000000ll, &c, &r);
    const sim_trace *t = &c.traces[0];
    ASSERT(ended_ok(&r));
    check_trace(t, 1);
    ASSERT_INT_EQ(count(t, SIM_PLANE_THREAD, "ThreadPoolExecutor"), 4);
    ASSERT_INT_EQ(count(t, SIM_PLANE_THREAD, "MainThread"), 1);
    ASSERT_INT_EQ(count(t, SIM_PLANE_TASK, NULL), 0);
    /* Each worker slept (time.sleep: a blocking call, observed), and ended. */
    for (uint32_t i = 0; i < t->nlanes; i++) {
        if (strncmp(label(t, i), "ThreadPoolExecutor", 18) != 0)
            continue;
        ASSERT_MSG(time_in(t, i, SIM_ST_IO) > 0, "%s never blocked", label(t, i));
        const sim_lane *l = &t->lanes[i];
        ASSERT(l->nmarks && l->marks[l->nmarks - 1].state == SIM_ST_DONE);
        int slept = 0;
        for (uint32_t k = 0; k < l->nmarks; k++) {
            const char *w = sim_tprogram_str(t->program, l->marks[k].arg);
            if (l->marks[k].state == SIM_ST_IO && w && !strcmp(w, "time.sleep"))
                slept = 1;
        }
        ASSERT_MSG(slept, "%s: no time.sleep", label(t, i));
    }
    sim_comparison_deinit(&c);
}

static void test_pool(const sim_interp *py, const char *method)
{
    sim_comparison c;
    sim_utrace_result r;
    trace(py, "cpu_pool.py", method, 120000000000ll, &c, &r);
    const sim_trace *t = &c.traces[0];
    ASSERT_MSG(ended_ok(&r), "%s: status %d", method, r.status);
    check_trace(t, 1);
    /* The main process and its two workers, each a lane of its own that
     * ended (the pool stopped them before the script's last sleep). A
     * worker of one thread is one lane, the process's and its thread's
     * (program.h); of more, a process lane with its threads under it. */
    uint32_t workers = count(t, SIM_PLANE__COUNT, "SpawnPoolWorker") +
                       count(t, SIM_PLANE__COUNT, "ForkPoolWorker") +
                       count(t, SIM_PLANE__COUNT, "ForkServerPoolWorker");
    ASSERT_MSG(workers == 2, "%s: %u worker lanes", method, workers);
    ASSERT(t->program->nprocesses >= 3);
    for (uint32_t i = 0; i < t->nlanes; i++) {
        if (plane(t, i)->depth != 0 || !strstr(label(t, i), "PoolWorker"))
            continue;
        ASSERT_MSG(plane(t, i)->pid > 0, "%s: %s has no pid", method, label(t, i));
        const sim_lane *l = &t->lanes[i];
        ASSERT_MSG(l->marks[l->nmarks - 1].state == SIM_ST_DONE &&
                       l->marks[l->nmarks - 1].t < t->end_ns,
                   "%s: %s did not end before the program", method, label(t, i));
        ASSERT_MSG(time_in(t, i, SIM_ST_RUNNING) > 0, "%s: %s never ran", method,
                   label(t, i));
    }
    /* The pool's dispatch and results: messages between processes. */
    ASSERT_MSG((t->flows_seen >> SIM_FL_MESSAGE) & 1u, "%s: no message seen", method);
    check_round_trip(&c);
    sim_comparison_deinit(&c);
}

/* A forked child writes only into its own file, even before the tracer's
 * at-fork hook has opened it (threading's hook runs first and takes locks,
 * recorded at a 1 us minimum): the fixture's child checks its parent's
 * file and exits 3 if it wrote there. Such a record, written where the
 * parent writes too, once cost a traced pool a line (a rare "bad line"). */
static void test_fork_hooks(const sim_interp *py)
{
    sim_comparison c;
    sim_utrace_result r;
    trace_min(py, "fork_hooks.py", NULL, 60000000000ll, 1000, &c, &r);
    ASSERT_MSG(ended_ok(&r), "fork_hooks.py: exit code %d (3: the child wrote into its "
                             "parent's file)", WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1);
    check_trace(&c.traces[0], 1);
    ASSERT(c.traces[0].program->nprocesses == 2);
    sim_comparison_deinit(&c);
}

static void test_convoy(const sim_interp *py)
{
    sim_comparison c;
    sim_utrace_result r;
    trace(py, "lock_convoy.py", NULL, 60000000000ll, &c, &r);
    const sim_trace *t = &c.traces[0];
    ASSERT(ended_ok(&r));
    check_trace(t, 1);
    ASSERT_INT_EQ(count(t, SIM_PLANE_THREAD, "convoy-"), 4);
    uint32_t waited = 0;
    for (uint32_t i = 0; i < t->nlanes; i++)
        if (!strncmp(label(t, i), "convoy-", 7) && time_in(t, i, SIM_ST_LOCK) > 0)
            waited++;
    ASSERT_MSG(waited >= 3, "%u convoy threads waited for the lock", waited);
    sim_comparison_deinit(&c);
}

static void test_crash(const sim_interp *py)
{
    sim_comparison c;
    sim_utrace_result r;
    trace(py, "crash.py", NULL, 60000000000ll, &c, &r);
    const sim_trace *t = &c.traces[0];
    ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1);
    ASSERT(t->outcome == SIM_OUTCOME_FAILED);
    ASSERT_INT_EQ(t->program->exit_code, 1);
    ASSERT_CONTAINS(t->program->raised, "ZeroDivisionError");
    ASSERT_CONTAINS(t->error, "ZeroDivisionError");
    check_trace(t, 1);
    /* The exception is a mark on the main thread's lane. */
    int marked = 0;
    for (size_t k = 0; k < t->ninstants; k++)
        if (t->instants[k].code == SIM_IN_MARK &&
            !strcmp(label(t, t->instants[k].lane), "MainThread"))
            marked = 1;
    ASSERT(marked);
    ASSERT_INT_EQ(count(t, SIM_PLANE_THREAD, "worker"), 1);
    check_round_trip(&c);
    sim_comparison_deinit(&c);
}

static void test_deadlock(const sim_interp *py)
{
    sim_comparison c;
    sim_utrace_result r;
    trace(py, "deadlock.py", NULL, 1500000000ll, &c, &r);
    const sim_trace *t = &c.traces[0];
    ASSERT(r.timed_out);
    ASSERT(t->outcome == SIM_OUTCOME_TIMEOUT);
    check_trace(t, 0);
    /* What was recorded up to the timeout is kept: each thread took one
     * lock and waits for the other until it is stopped, its longest stretch:
     * observed, not inferred, though the wait never returned (the tracer
     * wrote it as it began: W). */
    uint32_t stuck = 0;
    for (uint32_t i = 0; i < t->nlanes; i++) {
        if (strncmp(label(t, i), "takes-", 6) != 0)
            continue;
        const sim_lane *l = &t->lanes[i];
        int64_t longest = 0;
        uint32_t at = 0;
        for (uint32_t k = 0; k + 1 < l->nmarks; k++)
            if (l->marks[k + 1].t - l->marks[k].t > longest) {
                longest = l->marks[k + 1].t - l->marks[k].t;
                at = k;
            }
        const char *what = sim_tprogram_str(t->program, l->marks[at].arg);
        if (l->marks[at].state == SIM_ST_LOCK && !(l->marks[at].flags & SIM_MARK_INFERRED) &&
            what && !strcmp(what, "Lock.acquire"))
            stuck++;
    }
    ASSERT_INT_EQ(stuck, 2);
    sim_comparison_deinit(&c);
}

/* The reader of the tracer's records (utrace_read.c), without Python:
 * garbage and a torn last line are counted, never fatal; names are
 * %-decoded; a lock wait that never ended lasts to its thread's end. */
static void test_reader(void)
{
    static const char buf[] =
        "Z 10 5 0 0\n"
        "V 1 3.11.7 cpython 0 1 p\n"
        "P 42 1 1000 main\n"
        "T 7 4242 1100 50 Main%20Thread\n"
        "B 7 1200 1500 60 s time.sleep\n"
        "B 7 1600 1550 60 s time.sleep\n"        /* ends before it starts: bad */
        "Q x y z\n"                             /* bad */
        "T 123456789012345678901 1 1 1 x\n"     /* a number too long: bad */
        "W 7 1700 k Lock.acquire\n"
        "Y what is this\n"                      /* an unknown record: bad */
        "E 7 1800 70 Main%20Th";                 /* torn: never counted */
    sim_tprogram *prog = sim_tprogram_new();
    ASSERT(prog);
    ut_rec r = {.prog = prog};
    ASSERT_INT_EQ(ut_rec_read_buf(&r, 42, buf, sizeof buf - 1), 0);
    ASSERT_INT_EQ(r.nprocs, 1);
    const ut_proc *p = &r.procs[0];
    ASSERT_INT_EQ(p->bad_lines, 4);
    ASSERT_STR_EQ(p->how, "main");
    ASSERT_INT_EQ(p->nthreads, 1);
    const ut_thread *t = &p->threads[0];
    ASSERT_STR_EQ(sim_tprogram_str(prog, t->name), "Main Thread");
    ASSERT_INT_EQ(t->t1, -1); /* its end was torn off */
    ASSERT_INT_EQ(t->nblocks, 2);
    ASSERT_INT_EQ(t->blocks[0].t1, 1500);
    ASSERT(t->blocks[1].t0 == 1700 && t->blocks[1].t1 == UT_OPEN && t->blocks[1].kind == 'k');
    ASSERT_STR_EQ(sim_tprogram_str(prog, t->blocks[1].what), "Lock.acquire");
    ut_rec_free(&r);
    sim_tprogram_free(prog);
}

static void test_python(const sim_interp *py, int all)
{
    fprintf(stderr, "tracing under %s (%d.%d)\n", py->path, py->major, py->minor);
    test_crawler(py);
    test_thread_io(py);
    test_pool(py, "spawn"); /* its workers start the tracer by sitecustomize */
    test_fork_hooks(py);
    if (!all)
        return;
    test_pool(py, "fork");
    test_pool(py, "forkserver");
    test_convoy(py);
    test_crash(py);
    test_deadlock(py);
}

int main(void)
{
    const char *r = getenv("CONCVIZ_SOURCE_ROOT");
    ASSERT_MSG(r && r[0], "CONCVIZ_SOURCE_ROOT is not set (run through meson test)");
    snprintf(root, sizeof root, "%s", r);
    /* A TMPDIR of the test's own, to see that nothing is left in it. */
    snprintf(tmp, sizeof tmp, "/tmp/concviz-test-usertrace-XXXXXX");
    ASSERT(mkdtemp(tmp));
    signal(SIGABRT, on_abort);
    ASSERT(setenv("TMPDIR", tmp, 1) == 0);
    sim_interp py;
    char msg[512];
    test_reader();
    if (sim_cpython_probe(&py, "python3", 0, NULL, msg, sizeof msg) != 0) {
        rmdir(tmp);
        TEST_SKIP("no python3 here (%s)", msg);
    }
    test_python(&py, 1);
    const char *more = getenv("CONCVIZ_TEST_PYTHONS");
    char list[4096];
    snprintf(list, sizeof list, "%s", more ? more : "");
    for (char *s = strtok(list, ":"); s; s = strtok(NULL, ":")) {
        ASSERT_MSG(sim_cpython_probe(&py, s, 0, NULL, msg, sizeof msg) == 0, "%s", msg);
        test_python(&py, 0);
    }
    ASSERT(rmdir(tmp) == 0);
    TEST_DONE();
}
