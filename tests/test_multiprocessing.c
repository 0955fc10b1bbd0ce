/* test_multiprocessing.c - the pool of worker processes, run for real.
 *
 * Each case checks the structure of the recorded trace (who ran when, on
 * which lane, in what order) and ratios with generous bounds, never tight
 * absolute times: the machine is shared and noisy. The last cases kill a
 * worker, cancel and time out, and then look in /proc for anything left
 * behind.
 */
#include <stdatomic.h>
#include <sys/wait.h>

#include "mp_util.h"

static sim_calib calib;

/* Marks of lane `l` whose state is `s`, as [t0, t1) segments: counts them
 * and calls back for each. */
typedef struct seg {
    int64_t t0, t1;
    uint32_t lane;
} seg;

static size_t segments(const sim_trace *t, sim_state s, int tasks_only, seg *out,
                       size_t cap)
{
    size_t n = 0;
    uint32_t upto = tasks_only ? t->ntasks : t->nlanes;
    for (uint32_t i = 0; i < upto; i++) {
        const sim_lane *l = &t->lanes[i];
        for (size_t m = 0; m < l->nmarks; m++) {
            if (l->marks[m].state != s)
                continue;
            int64_t end = sim_lane_seg_end(t, l, m);
            /* Consecutive marks of one state (a core change) merge. */
            if (n > 0 && out[n - 1].lane == i && out[n - 1].t1 == l->marks[m].t) {
                out[n - 1].t1 = end;
                continue;
            }
            ASSERT(n < cap);
            out[n++] = (seg){l->marks[m].t, end, i};
        }
    }
    return n;
}

/* The most task lanes that are active (running or waiting for I/O) at once. */
static int max_active(const sim_trace *t)
{
    static seg s[4096];
    size_t n = segments(t, SIM_ST_RUNNING, 1, s, 4096);
    n += segments(t, SIM_ST_IO, 1, s + n, 4096 - n);
    int best = 0;
    for (size_t i = 0; i < n; i++) {
        /* Count tasks (not segments) active at the start of segment i. */
        uint8_t seen[256] = {0};
        int k = 0;
        for (size_t j = 0; j < n; j++) {
            if (s[j].t0 <= s[i].t0 && s[i].t0 < s[j].t1 && !seen[s[j].lane]) {
                seen[s[j].lane] = 1;
                k++;
            }
        }
        if (k > best)
            best = k;
    }
    return best;
}

static void check_common(const sim_trace *t, const mp_job *j, int workers)
{
    uint32_t ntasks = (uint32_t)j->w.ntasks;
    ASSERT_INT_EQ(t->ntasks, ntasks);
    ASSERT_INT_EQ(t->nlanes, ntasks + 1 + (uint32_t)workers);
    ASSERT(t->end_ns > 0);
    ASSERT_INT_EQ(sim_trace_failed(t), 0);
    ASSERT_INT_EQ(t->dropped, 0);
    ASSERT_INT_EQ(t->lanes[ntasks].kind, SIM_LANE_MAIN);

    /* Every task waited for a worker from t=0, ran, and finished. */
    for (uint32_t i = 0; i < ntasks; i++) {
        const sim_lane *l = &t->lanes[i];
        ASSERT(l->nmarks >= 3);
        ASSERT_INT_EQ(l->marks[0].state, SIM_ST_READY);
        ASSERT_INT_EQ(l->marks[0].t, 0);
        ASSERT_INT_EQ(l->marks[1].state, SIM_ST_RUNNING);
        ASSERT_INT_EQ(l->marks[l->nmarks - 1].state, SIM_ST_DONE);
        ASSERT(l->cpu_ns >= 0);
    }

    /* Each worker: a SPAWN instant with its pid, STARTING at the fork,
     * RECV (waiting for its first task) when ready (a start cost > 0), an
     * EXIT instant at the end. */
    for (int k = 0; k < workers; k++) {
        uint32_t lane = ntasks + 1 + (uint32_t)k;
        const sim_lane *l = &t->lanes[lane];
        ASSERT_INT_EQ(l->kind, SIM_LANE_WORKER);
        ASSERT(l->nmarks >= 2);
        ASSERT_INT_EQ(l->marks[0].state, SIM_ST_STARTING);
        ASSERT_INT_EQ(l->marks[1].state, SIM_ST_RECV);
        ASSERT_MSG(l->marks[1].t > l->marks[0].t, "start cost of worker %d: %lld ns",
                   k, (long long)(l->marks[1].t - l->marks[0].t));
        int spawns = 0, exits = 0;
        for (size_t n = 0; n < t->ninstants; n++) {
            if (t->instants[n].lane != lane)
                continue;
            if (t->instants[n].code == SIM_IN_SPAWN) {
                spawns++;
                ASSERT(t->instants[n].arg > 1);
                ASSERT(t->instants[n].arg != (uint32_t)getpid());
                ASSERT_INT_EQ(t->instants[n].t, l->marks[0].t);
            }
            if (t->instants[n].code == SIM_IN_EXIT) {
                exits++;
                ASSERT_INT_EQ(t->instants[n].arg, 0);
            }
        }
        ASSERT_INT_EQ(spawns, 1);
        ASSERT_INT_EQ(exits, 1);
    }

    /* One dispatch and one result per task; the parent sent the tasks in
     * workload order: sorted by send time, the tasks that the dispatches
     * led to (the worker lane's RUNNING mark at the pickup) go 0, 1, 2... */
    size_t nd = 0, nr = 0;
    int64_t last_sent = -1;
    uint32_t next = 0;
    for (size_t f = 0; f < t->nflows; f++)
        nr += t->flows[f].code == SIM_FL_RESULT;
    for (;;) {
        const sim_tflow *best = NULL;
        for (size_t f = 0; f < t->nflows; f++) {
            const sim_tflow *fl = &t->flows[f];
            if (fl->code == SIM_FL_DISPATCH && fl->t0 > last_sent &&
                (!best || fl->t0 < best->t0))
                best = fl;
        }
        if (!best)
            break;
        ASSERT_INT_EQ(best->lane0, ntasks);
        ASSERT(best->t1 >= best->t0);
        const sim_lane *wl = &t->lanes[best->lane1];
        long m = sim_lane_mark_at(wl, best->t1);
        ASSERT(m >= 0);
        ASSERT_INT_EQ(wl->marks[m].state, SIM_ST_RUNNING);
        ASSERT_INT_EQ(wl->marks[m].arg, next);
        next++;
        nd++;
        last_sent = best->t0;
    }
    ASSERT_INT_EQ(nd, ntasks);
    ASSERT_INT_EQ(nr, ntasks);
    ASSERT_MSG(j->a.mem_per_task_bytes > 0, "mem per process: %lld",
               (long long)j->a.mem_per_task_bytes);
}

/* The end of the last task: the run's wall time as the summary sees it. */
static int64_t last_done(const sim_trace *t)
{
    int64_t end = 0;
    for (uint32_t i = 0; i < t->ntasks; i++) {
        sim_task_stat st;
        sim_trace_task_stat(t, i, &st);
        ASSERT(st.end_ns > 0);
        if (st.end_ns > end)
            end = st.end_ns;
    }
    return end;
}

/* The machine's busy CPU time so far, in ns: /proc/stat's first line
 * (user, nice, system, idle, iowait, irq, softirq, steal, in clock ticks),
 * all but idle and iowait; -1 if unreadable. */
static int64_t machine_busy_ns(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    unsigned long long v[8] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n < 8)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return hz > 0 ? (int64_t)(busy * (1000000000ull / (unsigned long long)hz)) : -1;
}

/* 4*cpu:200ms on 2 workers: about half the sum, cpu steps overlap. The
 * bound is 0.8 x the sum (800 ms), or 0.8 x what one worker takes right
 * now if the machine is busy enough to make even that slower. Other
 * programs share this machine (and, in a test run, another test runs
 * beside this one), so the parallel run gets three tries: one run under
 * the bound shows that the workers can run in parallel. A try during which
 * other programs kept a third of a CPU or more busy (the machine's busy
 * time less this run's computation, over the wall time) cannot show it; when every try was such, the overlap is all that is checked,
 * and it says so. */
static int test_cpu_parallel(int cpus)
{
    if (cpus < 2) {
        fprintf(stderr, "cpu parallelism: skipped, this machine has 1 CPU\n");
        return 0;
    }
    mp_job one;
    mp_job_init(&one, "4*cpu:200ms", 1, NULL, &calib);
    sim_trace t1;
    ASSERT_MSG(mp_job_run(&one, &t1) == SIM_OK, "%s", one.a.error);
    check_common(&t1, &one, 1);
    int64_t serial = last_done(&t1);
    int64_t bound = (serial > 800000000 ? serial : 800000000) / 10 * 8;
    sim_trace_deinit(&t1);
    mp_job_deinit(&one);

    int64_t wall = 0;
    int busy_tries = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        mp_job j;
        mp_job_init(&j, "4*cpu:200ms", 2, NULL, &calib);
        sim_trace t;
        int64_t busy0 = machine_busy_ns(), t0 = sim_clock_ns();
        ASSERT_MSG(mp_job_run(&j, &t) == SIM_OK, "%s", j.a.error);
        int64_t busy = machine_busy_ns() - busy0, took = sim_clock_ns() - t0;
        for (uint32_t i = 0; i < 4; i++)
            busy -= t.lanes[i].cpu_ns;
        int others = busy0 >= 0 && busy * 3 >= took;
        check_common(&t, &j, 2);
        wall = last_done(&t);
        for (uint32_t i = 0; i < 4; i++)
            ASSERT(t.lanes[i].cpu_ns > 100000000); /* it really computed */
        /* The cores were recorded. */
        ASSERT(t.lanes[0].marks[1].cpu != SIM_NO_CPU);
        static seg s[64];
        size_t n = segments(&t, SIM_ST_RUNNING, 1, s, 64);
        int overlap = 0;
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < n; b++)
                if (s[a].lane != s[b].lane && s[a].t0 < s[b].t1 && s[b].t0 < s[a].t1 &&
                    (s[a].t1 - s[b].t0) > 20000000 && (s[b].t1 - s[a].t0) > 20000000)
                    overlap = 1;
        printf("cpu parallel: %lld ms on 2 workers, %lld ms on 1; %lld KiB per "
               "worker\n", (long long)(wall / 1000000), (long long)(serial / 1000000),
               (long long)(j.a.mem_per_task_bytes / 1024));
        sim_trace_deinit(&t);
        mp_job_deinit(&j);
        ASSERT_MSG(overlap, "4*cpu:200ms on 2 workers: no cpu steps overlapped");
        if (wall < bound)
            return 1;
        if (others) {
            printf("cpu parallel: other programs used %.1f CPUs meanwhile\n",
                   (double)busy / (double)took);
            busy_tries++;
        }
    }
    if (busy_tries == 3) {
        printf("cpu parallel: the machine was busy in every try; only the overlap is "
               "checked\n");
        return 1;
    }
    ASSERT_MSG(0, "4*cpu:200ms took %lld ms on 2 workers (3 tries), %lld ms on 1",
               (long long)(wall / 1000000), (long long)(serial / 1000000));
    return 0;
}

/* 8*io:200ms on 2 workers: four rounds of two. */
static void test_io_rounds(void)
{
    mp_job j;
    mp_job_init(&j, "8*io:200ms", 2, NULL, &calib);
    sim_trace t;
    ASSERT_MSG(mp_job_run(&j, &t) == SIM_OK, "%s", j.a.error);
    check_common(&t, &j, 2);
    int64_t end = last_done(&t);
    ASSERT_MSG(end >= 600000000, "8*io:200ms on 2 workers took %lld ms",
               (long long)(end / 1000000));
    ASSERT_MSG(end < 3000000000, "took %lld ms", (long long)(end / 1000000));
    int most = max_active(&t);
    ASSERT_MSG(most == 2, "%d tasks active at once", most);
    printf("io rounds: %lld ms, at most %d tasks at once\n",
           (long long)(end / 1000000), most);
    sim_trace_deinit(&t);
    mp_job_deinit(&j);
}

/* Pool() costs what CPython's takes before its first start (pool_make):
 * the parent computes it, its lane "starting", and no task begins before. */
static void test_pool_make(void)
{
    sim_costs c;
    sim_costs_none(&c);
    c.origin.source = SIM_COSTS_FILE;
    c.ns[SIM_COST_POOL_MAKE] = 40e6;
    mp_job j;
    mp_job_init(&j, "2*yield", 2, NULL, &calib);
    j.cfg.start_method = SIM_START_FORK; /* no forkserver launch to add */
    j.a.costs = &c;
    sim_trace t;
    ASSERT_MSG(mp_job_run(&j, &t) == SIM_OK, "%s", j.a.error);
    uint32_t main_lane = 0;
    while (main_lane < t.nlanes && t.lanes[main_lane].kind != SIM_LANE_MAIN)
        main_lane++;
    ASSERT(main_lane < t.nlanes);
    const sim_lane *l = &t.lanes[main_lane];
    int64_t made = -1;
    for (size_t k = 0; k + 1 < l->nmarks; k++)
        if (l->marks[k].state == SIM_ST_STARTING)
            made = l->marks[k + 1].t - l->marks[k].t;
    ASSERT_MSG(made >= 39000000, "Pool() took %lld ns", (long long)made);
    for (uint32_t i = 0; i < t.ntasks; i++) {
        sim_task_stat st;
        sim_trace_task_stat(&t, i, &st);
        ASSERT_MSG(st.start_ns >= made, "task %u began at %lld ns", i,
                   (long long)st.start_ns);
    }
    sim_trace_deinit(&t);
    mp_job_deinit(&j);
}

/* More tasks than the pipe holds at once, and yield steps. */
static void test_many_tasks(void)
{
    mp_job j;
    mp_job_init(&j, "5000*(yield,cpu:10us)", 2, NULL, &calib);
    sim_trace t;
    ASSERT_MSG(mp_job_run(&j, &t) == SIM_OK, "%s", j.a.error);
    for (uint32_t i = 0; i < 5000; i++) {
        const sim_lane *l = &t.lanes[i];
        ASSERT_INT_EQ(l->marks[l->nmarks - 1].state, SIM_ST_DONE);
    }
    ASSERT_INT_EQ(t.dropped, 0);
    sim_trace_deinit(&t);
    mp_job_deinit(&j);
}

static void check_no_children(pid_t helper)
{
    int z;
    if (helper > 0)
        ASSERT_INT_EQ(mp_children_of(helper, NULL), 0);
    int n = mp_children_of(getpid(), &z);
    ASSERT_INT_EQ(z, 0);
    ASSERT_INT_EQ(n, helper > 0 ? 1 : 0); /* the helper itself, if it runs */
}

/* SIGKILL one worker mid-task: SIM_E_LOST, a message naming it, the lost
 * worker and task in the trace, and no process left. */
static void test_worker_killed(void)
{
    sim_forkserver fs;
    ASSERT_INT_EQ(sim_forkserver_start(&fs), SIM_OK);
    mp_job j;
    mp_job_init(&j, "4*cpu:1s", 2, &fs, &calib);
    mp_job_start(&j);
    sim_trace live = {0};
    pid_t pid;
    uint32_t task = mp_wait_busy(&j, &live, 1, &pid);
    ASSERT(pid > 0);
    ASSERT_INT_EQ(kill(pid, SIGKILL), 0);
    int64_t t_kill = sim_clock_ns();
    ASSERT_INT_EQ(mp_job_join(&j), SIM_E_LOST);
    ASSERT_MSG(j.returned_ns - t_kill < 1000000000ll, "took %lld ms",
               (long long)((j.returned_ns - t_kill) / 1000000));
    char want[128];
    snprintf(want, sizeof want, "worker 1 (pid %d) was killed by signal 9 (SIGKILL) "
             "while running task %u; the run was stopped", (int)pid, task);
    ASSERT_STR_EQ(j.a.error, want);
    ASSERT_INT_EQ(sim_trace_ingest(&live, &j.rec), 0);
    ASSERT(sim_trace_failed(&live));
    const sim_lane *wl = &live.lanes[live.ntasks + 2];
    int lost_lane = 0, lost_task = 0, lost_instant = 0;
    for (size_t m = 0; m < wl->nmarks; m++)
        lost_lane |= wl->marks[m].state == SIM_ST_LOST && wl->marks[m].arg == task;
    const sim_lane *tl = &live.lanes[task];
    lost_task = tl->marks[tl->nmarks - 1].state == SIM_ST_LOST;
    for (size_t n = 0; n < live.ninstants; n++)
        lost_instant |= live.instants[n].code == SIM_IN_LOST &&
                        live.instants[n].arg == SIGKILL &&
                        live.instants[n].lane == live.ntasks + 2;
    ASSERT(lost_lane && lost_task && lost_instant);
    check_no_children(fs.pid);
    /* The forkserver still serves a run after a lost one. */
    mp_job j2;
    mp_job_init(&j2, "2*cpu:10ms", 2, &fs, &calib);
    sim_trace t2;
    ASSERT_MSG(mp_job_run(&j2, &t2) == SIM_OK, "%s", j2.a.error);
    sim_trace_deinit(&t2);
    mp_job_deinit(&j2);
    pid_t helper = fs.pid;
    sim_forkserver_stop(&fs);
    ASSERT(mp_pid_dead(helper));
    check_no_children(0);
    sim_trace_deinit(&live);
    mp_job_deinit(&j);
}

/* Cancel and timeout stop the run within a fraction of a second. */
static void test_cancel(int timeout)
{
    mp_job j;
    mp_job_init(&j, "4*cpu:3s", 2, NULL, &calib);
    if (timeout)
        j.cfg.timeout_ns = 300000000;
    mp_job_start(&j);
    sim_trace live = {0};
    pid_t pid;
    mp_wait_busy(&j, &live, 0, &pid);
    int64_t t_cancel = sim_clock_ns();
    if (!timeout)
        atomic_store(&j.cancel, 1);
    int r = mp_job_join(&j);
    ASSERT_INT_EQ(r, timeout ? SIM_E_TIMEOUT : SIM_E_CANCELLED);
    if (timeout)
        ASSERT_CONTAINS(j.a.error, "timeout");
    /* A timeout is due 300 ms after the run's start, not at our request. */
    int64_t took = j.returned_ns - (timeout ? j.rec.head->t0_abs + 300000000 : t_cancel);
    ASSERT_MSG(took < 500000000, "stopping took %lld ms", (long long)(took / 1000000));
    ASSERT(j.rec.head->end_ns < 1500000000);
    ASSERT(mp_pid_dead(pid));
    check_no_children(0);
    printf("%s: stopped in %lld ms\n", timeout ? "timeout" : "cancel",
           (long long)(took / 1000000));
    sim_trace_deinit(&live);
    mp_job_deinit(&j);
}

int main(void)
{
    ASSERT_INT_EQ(sim_calib_measure(&calib), 0);
    int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    test_io_rounds();
    test_pool_make();
    test_many_tasks();
    test_worker_killed();
    test_cancel(0);
    test_cancel(1);
    if (!test_cpu_parallel(cpus)) {
        fprintf(stderr, "skipped (this case only): cpu steps cannot overlap on 1 CPU\n");
        test_skipped_cases_++;
    }
    TEST_DONE();
}
