/* test_executors.c - asyncio's executors, run for real: `thread(STEPS)`
 * (asyncio.to_thread, under the GIL) and `process(STEPS)`
 * (run_in_executor with a process pool, in parallel).
 *
 * Times on a shared 2-core machine are noisy, so each lesson is checked as
 * structure (who ran while whom waited, flows joining the lanes) and as a
 * ratio with generous bounds, never as a tight absolute time. Cancel and
 * timeout must leave no child process and no thread behind: checked with
 * waitpid and /proc/self/task, not assumed.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/wait.h>

#include "engine_util.h"

static int run_async(eng_job *j, const char *spec, const sim_calib *c)
{
    eng_job_init(j, SIM_MODEL_ASYNCIO, spec, c);
    j->cfg.timeout_ns = 30ll * 1000000000ll; /* a hang fails, never blocks the suite */
    int rc = eng_job_call(j);
    eng_job_ingest(j);
    return rc;
}

static int64_t wall_of(const char *spec, const sim_calib *c)
{
    eng_job j;
    ASSERT_INT_EQ(run_async(&j, spec, c), SIM_OK);
    int64_t w = eng_wall(&j.t);
    printf("  %-40s %4lld ms\n", spec, (long long)(w / 1000000));
    eng_job_free(&j);
    return w;
}

/* The executor lane that ran `task` (RUNNING arg = task), its segment. */
static uint32_t exec_lane_of(const sim_trace *t, uint32_t task, int64_t *a, int64_t *b)
{
    for (uint32_t l = t->ntasks; l < t->nlanes; l++) {
        const sim_lane *lane = &t->lanes[l];
        if (lane->kind != SIM_LANE_EXECUTOR)
            continue;
        for (size_t i = 0; i < lane->nmarks; i++)
            if (lane->marks[i].state == SIM_ST_RUNNING && lane->marks[i].arg == task) {
                *a = lane->marks[i].t;
                *b = sim_lane_seg_end(t, lane, i);
                return l;
            }
    }
    ASSERT_MSG(0, "no executor lane ran task %u", task);
    return 0;
}

/* A DISPATCH flow from the task to its executor lane and a RESULT back. */
static void check_flows(const sim_trace *t, uint32_t task, uint32_t lane)
{
    int out = 0, back = 0;
    for (size_t i = 0; i < t->nflows; i++) {
        const sim_tflow *f = &t->flows[i];
        ASSERT(f->t0 <= f->t1);
        if (f->code == SIM_FL_DISPATCH && f->lane0 == task && f->lane1 == lane)
            out++;
        if (f->code == SIM_FL_RESULT && f->lane0 == lane && f->lane1 == task)
            back++;
    }
    ASSERT_INT_EQ(out, 1);
    ASSERT_INT_EQ(back, 1);
}

/* to_thread frees the loop: the other tasks run while the executor works,
 * and the awaiting task is IO (not READY, not RUNNING) meanwhile. */
static void test_thread_frees_loop(const sim_calib *c)
{
    eng_job j;
    ASSERT_INT_EQ(run_async(&j, "cpu:200ms + thread(io:300ms) + 4*(io:50ms, cpu:5ms)", c),
                  SIM_OK);
    int64_t a, b;
    uint32_t lane = exec_lane_of(&j.t, 1, &a, &b);
    ASSERT(b - a >= 250000000);
    check_flows(&j.t, 1, lane);
    /* Tasks 2..5 ran (on the loop) and finished inside the executor's work. */
    for (uint32_t k = 2; k < 6; k++) {
        sim_task_stat s;
        sim_trace_task_stat(&j.t, k, &s);
        ASSERT_MSG(s.end_ns < b, "task %u ended at %lld, after the executor (%lld)", k,
                   (long long)s.end_ns, (long long)b);
    }
    ASSERT(eng_max_concurrent(&j.t, 1, 2, SIM_ST_RUNNING) == 1);
    int64_t io;
    eng_segments(&j.t, 1, SIM_ST_IO, &io);
    ASSERT_MSG(io >= (b - a) * 9 / 10, "task 1 awaited %lld ns of a %lld ns body",
               (long long)io, (long long)(b - a));
    eng_job_free(&j);
}

/* The GIL: a CPU-heavy to_thread and a cpu step of the loop take turns,
 * so together they take about the sum; a process runs in parallel. */
static void test_gil_and_processes(const sim_calib *c)
{
    eng_job j;
    ASSERT_INT_EQ(run_async(&j, "thread(cpu:300ms) + cpu:300ms", c), SIM_OK);
    size_t handoffs = 0;
    for (size_t i = 0; i < j.t.nflows; i++)
        handoffs += j.t.flows[i].code == SIM_FL_HANDOFF;
    ASSERT_MSG(handoffs >= 2, "the loop and the executor never traded the GIL");
    int64_t gil_wall = eng_wall(&j.t);
    eng_job_free(&j);

    /* The process computes while the loop computes: their segments overlap
     * (structure, whatever the machine's load), and the wall shows it. */
    ASSERT_INT_EQ(run_async(&j, "process(cpu:300ms) + cpu:300ms", c), SIM_OK);
    int64_t a, b, overlap = 0;
    exec_lane_of(&j.t, 0, &a, &b);
    const sim_lane *l1 = &j.t.lanes[1];
    for (size_t i = 0; i < l1->nmarks; i++) {
        if (l1->marks[i].state != SIM_ST_RUNNING)
            continue;
        int64_t s0 = l1->marks[i].t, s1 = sim_lane_seg_end(&j.t, l1, i);
        s0 = s0 > a ? s0 : a;
        s1 = s1 < b ? s1 : b;
        overlap += s1 > s0 ? s1 - s0 : 0;
    }
    int64_t proc_wall = eng_wall(&j.t);
    eng_job_free(&j);
    printf("  thread(cpu) + cpu: %lld ms (GIL); process(cpu) + cpu: %lld ms, "
           "overlapping %lld ms\n", (long long)(gil_wall / 1000000),
           (long long)(proc_wall / 1000000), (long long)(overlap / 1000000));
    ASSERT_MSG(gil_wall >= 480000000, "under the GIL two 300 ms steps took %lld ms",
               (long long)(gil_wall / 1000000));
    ASSERT_MSG(overlap >= 150000000, "the process and the loop did not run together");
    if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
        ASSERT_MSG(proc_wall < gil_wall, "the process did not run in parallel");

    /* The brief's pair: the cpu step off the loop lets the waits overlap it. */
    int64_t inl = wall_of("cpu:300ms + 4*io:100ms", c);
    int64_t off = wall_of("process(cpu:300ms) + 4*io:100ms", c);
    ASSERT(inl >= 380000000);
    ASSERT(off < inl);

    ASSERT_INT_EQ(run_async(&j, "process(cpu:50ms, io:50ms) + 3*process(io:80ms)", c),
                  SIM_OK);
    for (uint32_t k = 0; k < 4; k++)
        check_flows(&j.t, k, exec_lane_of(&j.t, k, &a, &b));
    eng_job_free(&j);
}

/* A task awaiting its executor is not deadlocked; a get nobody feeds is. */
static void test_deadlock(const sim_calib *c)
{
    eng_job j;
    ASSERT_INT_EQ(run_async(&j, "(thread(io:200ms), put:q:10B) + get:q", c), SIM_OK);
    eng_job_free(&j);
    ASSERT_INT_EQ(run_async(&j, "(process(io:200ms), put:q:10B) + get:q", c), SIM_OK);
    eng_job_free(&j);
    ASSERT_INT_EQ(run_async(&j, "thread(io:100ms) + get:q", c), SIM_E_DEADLOCK);
    ASSERT_CONTAINS(j.a.error, "deadlock");
    /* found once the executor had finished, not before */
    ASSERT(j.t.end_ns >= 90000000);
    eng_job_free(&j);
}

static int threads_now(void)
{
    DIR *d = opendir("/proc/self/task");
    ASSERT(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void assert_nothing_left(void)
{
    errno = 0;
    pid_t p = waitpid(-1, NULL, WNOHANG);
    ASSERT_MSG(p == -1 && errno == ECHILD, "a child was left behind (waitpid: %d)", (int)p);
    ASSERT_INT_EQ(threads_now(), 1);
}

/* Cancel and timeout kill the children and join the threads. */
static void test_cancel(const sim_calib *c)
{
    assert_nothing_left();
    eng_job j;
    eng_job_init(&j, SIM_MODEL_ASYNCIO,
                 "2*process(cpu:5s) + 2*thread(cpu:5s) + 2*process(io:5s) + io:5s", c);
    eng_job_start(&j);
    eng_sleep_ms(400);
    atomic_store(&j.cancel, 1);
    ASSERT_INT_EQ(eng_job_join(&j), SIM_E_CANCELLED);
    ASSERT(j.returned_ns - j.started_ns < 3000000000ll);
    assert_nothing_left();
    eng_job_free(&j);

    eng_job_init(&j, SIM_MODEL_ASYNCIO, "process(cpu:5s) + thread(io:5s) + 4*io:100ms", c);
    j.cfg.timeout_ns = 300000000;
    ASSERT_INT_EQ(eng_job_call(&j), SIM_E_TIMEOUT);
    ASSERT(j.returned_ns - j.started_ns < 3000000000ll);
    assert_nothing_left();
    eng_job_free(&j);
}

/* The pools grow as CPython's do. A burst of to_thread calls grows the
 * thread pool to its maximum, min(32, CPUs + 4): a thread counts as idle
 * only once it has finished an item (ThreadPoolExecutor's
 * _idle_semaphore), so 32 waits of 10 ms take a few rounds, not 32. The
 * process pool starts one worker per CPU at most, and reuses them: more
 * jobs than workers means some workers run several. */
static void test_pools(const sim_calib *c)
{
    eng_job j;
    ASSERT_INT_EQ(run_async(&j, "32*thread(io:10ms)", c), SIM_OK);
    uint32_t threads = 0;
    for (uint32_t l = j.t.ntasks; l < j.t.nlanes; l++)
        threads += j.t.lanes[l].kind == SIM_LANE_EXECUTOR &&
                   eng_segments(&j.t, l, SIM_ST_RUNNING, NULL) > 0;
    int cpus = j.a.cpus;
    uint32_t most = (uint32_t)(cpus + 4 < 32 ? cpus + 4 : 32);
    printf("  32*thread(io:10ms): %u pool threads (at most %u), %lld ms\n", threads, most,
           (long long)(eng_wall(&j.t) / 1000000));
    ASSERT_INT_EQ(threads, most);
    /* far from one at a time (320 ms) */
    ASSERT(eng_wall(&j.t) < 200000000);
    eng_job_free(&j);

    ASSERT_INT_EQ(run_async(&j, "6*process(io:20ms)", c), SIM_OK);
    uint32_t workers = 0, jobs = 0;
    for (uint32_t l = j.t.ntasks; l < j.t.nlanes; l++) {
        if (j.t.lanes[l].kind != SIM_LANE_EXECUTOR)
            continue;
        int n = eng_segments(&j.t, l, SIM_ST_RUNNING, NULL);
        workers += n > 0;
        jobs += (uint32_t)n;
        ASSERT(eng_segments(&j.t, l, SIM_ST_STARTING, NULL) <= 1); /* started once */
    }
    printf("  6*process(io:20ms): %u jobs on %u worker processes\n", jobs, workers);
    ASSERT_INT_EQ(jobs, 6);
    ASSERT(workers >= 1 && workers <= (uint32_t)cpus && workers < 6);
    eng_job_free(&j);
}

int main(void)
{
    sim_calib c;
    eng_calibrate(&c);
    test_pools(&c);
    test_thread_frees_loop(&c);
    test_gil_and_processes(&c);
    test_deadlock(&c);
    test_cancel(&c);
    printf("test_executors: all passed\n");
    return 0;
}
