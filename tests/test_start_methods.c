/* test_start_methods.c - fork, forkserver and spawn, run for real.
 *
 * The same workload runs under each start method and must do the same work:
 * every task done, with the same shape on its lane, and every worker lane
 * showing the anatomy of a process (starting, then receive, compute, send
 * for each task). Who the workers really are is checked in /proc while they
 * run: children of this process (fork), of the helper (forkserver), or of
 * the helper and running a new program image (spawn). The start costs come
 * out in the order Python users know, with generous margins (the machine is
 * shared and noisy). The last cases kill a spawned worker, kill the helper
 * under spawned workers, and cancel, and then look for anything left
 * behind; and the hidden worker mode must refuse to be run by hand.
 *
 * Like any program that uses spawn, this one hands over to the worker mode
 * first thing in main(): its spawned workers are this test binary exec'd.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "mp_util.h"
#include "run.h"
#include "mp_spawn.h"
#include "trace_chrome.h"
#include "trace_load.h"

static sim_calib calib;
static sim_forkserver fs;

static const sim_start_method methods[] = {SIM_START_FORK, SIM_START_FORKSERVER,
                                           SIM_START_SPAWN};
#define NMETHODS 3
#define WORKLOAD "4*cpu:50ms + 4*io:50ms"

/* A task lane's states in order, one letter each ('A' + the sim_state),
 * repeats merged (a RUNNING mark on another core is the same segment). */
static void lane_shape(const sim_lane *l, char *buf, size_t n)
{
    size_t k = 0;
    for (size_t m = 0; m < l->nmarks && k + 1 < n; m++) {
        char c = (char)('A' + l->marks[m].state);
        if (k == 0 || buf[k - 1] != c)
            buf[k++] = c;
    }
    buf[k] = '\0';
}

/* Worker lane k: STARTING, RECV, then RUNNING(task) SEND(task) RECV per
 * task, DONE. Returns the tasks it ran, marking them in ran[]. */
static int check_anatomy(const sim_trace *t, uint32_t k, int *ran)
{
    const sim_lane *l = &t->lanes[t->ntasks + 1 + k];
    ASSERT_INT_EQ(l->kind, SIM_LANE_WORKER);
    ASSERT(l->nmarks >= 3);
    ASSERT_INT_EQ(l->marks[0].state, SIM_ST_STARTING);
    ASSERT_INT_EQ(l->marks[1].state, SIM_ST_RECV);
    ASSERT(l->marks[1].t > l->marks[0].t);
    size_t m = 2;
    int tasks = 0;
    while (m + 2 < l->nmarks && l->marks[m].state == SIM_ST_RUNNING) {
        uint32_t task = l->marks[m].arg;
        ASSERT(task < t->ntasks);
        ASSERT_INT_EQ(l->marks[m + 1].state, SIM_ST_SEND);
        ASSERT_INT_EQ(l->marks[m + 1].arg, task);
        ASSERT_INT_EQ(l->marks[m + 2].state, SIM_ST_RECV);
        ASSERT(l->marks[m + 1].t >= l->marks[m].t);
        ASSERT(l->marks[m + 2].t >= l->marks[m + 1].t);
        ASSERT_INT_EQ(ran[task], 0);
        ran[task] = 1;
        tasks++;
        m += 3;
    }
    ASSERT_INT_EQ(m + 1, l->nmarks);
    ASSERT_INT_EQ(l->marks[m].state, SIM_ST_DONE);
    return tasks;
}

/* Every start method runs the same work to the end, the same way. */
static void test_same_work(void)
{
    char shapes[NMETHODS][8][32];
    for (int i = 0; i < NMETHODS; i++) {
        mp_job j;
        mp_job_init(&j, WORKLOAD, 2, &fs, &calib);
        j.cfg.start_method = methods[i];
        sim_trace t;
        int e = mp_job_run(&j, &t);
        ASSERT_MSG(e == SIM_OK, "%s: %s", sim_start_method_name(methods[i]), j.a.error);
        ASSERT_INT_EQ(t.ntasks, 8);
        ASSERT_INT_EQ(t.nlanes, 8 + 1 + 2);
        ASSERT_INT_EQ(sim_trace_failed(&t), 0);
        ASSERT_INT_EQ(t.dropped, 0);
        for (uint32_t k = 0; k < 8; k++) {
            const sim_lane *l = &t.lanes[k];
            ASSERT_INT_EQ(l->marks[0].state, SIM_ST_READY);
            ASSERT_INT_EQ(l->marks[l->nmarks - 1].state, SIM_ST_DONE);
            /* cpu:50ms took real CPU time; io:50ms took next to none. */
            if (k < 4)
                ASSERT_MSG(l->cpu_ns > 25000000, "task %u: %lld ns", k,
                           (long long)l->cpu_ns);
            else
                ASSERT(l->cpu_ns >= 0 && l->cpu_ns < 25000000);
            lane_shape(l, shapes[i][k], sizeof shapes[i][k]);
        }
        int ran[8] = {0};
        int total = check_anatomy(&t, 0, ran) + check_anatomy(&t, 1, ran);
        ASSERT_INT_EQ(total, 8);
        size_t nd = 0, nr = 0;
        for (size_t f = 0; f < t.nflows; f++) {
            nd += t.flows[f].code == SIM_FL_DISPATCH;
            nr += t.flows[f].code == SIM_FL_RESULT;
        }
        ASSERT_INT_EQ(nd, 8);
        ASSERT_INT_EQ(nr, 8);
        ASSERT(j.a.mem_per_task_bytes > 0);
        sim_trace_deinit(&t);
        mp_job_deinit(&j);
    }
    for (int i = 1; i < NMETHODS; i++)
        for (int k = 0; k < 8; k++)
            ASSERT_MSG(strcmp(shapes[i][k], shapes[0][k]) == 0, "task %d: %s under %s, "
                       "%s under fork", k, shapes[i][k], sim_start_method_name(methods[i]),
                       shapes[0][k]);
    printf("same work: cpu task %s, io task %s under every start method\n", shapes[0][0],
           shapes[0][4]);
}

static pid_t parent_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    ASSERT(f);
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = '\0';
    char *p = strrchr(buf, ')');
    int pp = 0;
    ASSERT(p && sscanf(p + 1, " %*c %d", &pp) == 1);
    return (pid_t)pp;
}

/* argv[1] of a process: "__worker" for an exec'd worker. */
static void arg1_of(pid_t pid, char *out, size_t n)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "r");
    ASSERT(f);
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = '\0';
    size_t first = strlen(buf);
    snprintf(out, n, "%s", first + 1 < k ? buf + first + 1 : "");
}

/* Who the workers really are, while they run. */
static void test_who_forks(void)
{
    for (int i = 0; i < NMETHODS; i++) {
        mp_job j;
        mp_job_init(&j, "2*cpu:400ms", 2, &fs, &calib);
        j.cfg.start_method = methods[i];
        mp_job_start(&j);
        sim_trace live = {0};
        pid_t pid;
        mp_wait_busy(&j, &live, 0, &pid);
        pid_t pp = parent_of(pid);
        char arg1[64];
        arg1_of(pid, arg1, sizeof arg1);
        ASSERT_INT_EQ(pp, methods[i] == SIM_START_FORK ? getpid() : fs.pid);
        if (methods[i] == SIM_START_SPAWN)
            ASSERT_STR_EQ(arg1, SIM_WORKER_ARG);
        else
            ASSERT(strcmp(arg1, SIM_WORKER_ARG) != 0);
        ASSERT_INT_EQ(mp_job_join(&j), SIM_OK);
        sim_trace_deinit(&live);
        mp_job_deinit(&j);
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median start cost (fork or exec to ready) of a method's workers. */
static int64_t start_cost(sim_start_method sm)
{
    enum { RUNS = 5, W = 2 };
    int64_t v[RUNS * W];
    int n = 0;
    for (int run = 0; run < RUNS; run++) {
        mp_job j;
        mp_job_init(&j, "2*io:1ms", W, &fs, &calib);
        j.cfg.start_method = sm;
        sim_trace t;
        ASSERT_MSG(mp_job_run(&j, &t) == SIM_OK, "%s", j.a.error);
        for (uint32_t k = 0; k < W; k++) {
            const sim_lane *l = &t.lanes[t.ntasks + 1 + k];
            ASSERT(l->nmarks >= 2 && l->marks[0].state == SIM_ST_STARTING);
            v[n++] = l->marks[1].t - l->marks[0].t;
        }
        sim_trace_deinit(&t);
        mp_job_deinit(&j);
    }
    qsort(v, (size_t)n, sizeof v[0], cmp_i64);
    return (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void test_start_costs(void)
{
    int64_t c[NMETHODS];
    for (int i = 0; i < NMETHODS; i++)
        c[i] = start_cost(methods[i]);
    printf("start cost, median per worker: fork %.3f ms, forkserver %.3f ms, "
           "spawn %.3f ms\n", (double)c[0] / 1e6, (double)c[1] / 1e6, (double)c[2] / 1e6);
    /* spawn execs a new image, loads its libraries and parses its work:
     * it must cost clearly more than either fork. */
    ASSERT_MSG(c[2] > c[0] * 3 / 2, "spawn %lld ns, fork %lld ns", (long long)c[2],
               (long long)c[0]);
    ASSERT_MSG(c[2] > c[1] * 3 / 2, "spawn %lld ns, forkserver %lld ns",
               (long long)c[2], (long long)c[1]);
}

static void check_no_children(pid_t helper)
{
    int z;
    if (helper > 0)
        ASSERT_INT_EQ(mp_children_of(helper, NULL), 0);
    int n = mp_children_of(getpid(), &z);
    ASSERT_INT_EQ(z, 0);
    ASSERT_INT_EQ(n, helper > 0 ? 1 : 0);
}

/* A spawned worker killed mid-task: the run stops, names it, leaves nothing. */
static void test_spawn_killed(void)
{
    mp_job j;
    mp_job_init(&j, "4*cpu:1s", 2, &fs, &calib);
    j.cfg.start_method = SIM_START_SPAWN;
    mp_job_start(&j);
    sim_trace live = {0};
    pid_t pid, other;
    uint32_t task = mp_wait_busy(&j, &live, 1, &pid);
    mp_wait_busy(&j, &live, 0, &other);
    ASSERT_INT_EQ(kill(pid, SIGKILL), 0);
    ASSERT_INT_EQ(mp_job_join(&j), SIM_E_LOST);
    char want[128];
    snprintf(want, sizeof want, "worker 1 (pid %d) was killed by signal 9 (SIGKILL) "
             "while running task %u", (int)pid, task);
    ASSERT_CONTAINS(j.a.error, want);
    ASSERT(mp_pid_dead(pid) && mp_pid_dead(other));
    check_no_children(fs.pid);
    sim_trace_deinit(&live);
    mp_job_deinit(&j);
}

/* The helper dies under spawned workers: they die with it (the death
 * signal set again after exec), and the run says what happened. */
static void test_spawn_helper_killed(void)
{
    sim_forkserver own;
    ASSERT_INT_EQ(sim_forkserver_start(&own), SIM_OK);
    mp_job j;
    mp_job_init(&j, "4*cpu:2s", 2, &own, &calib);
    j.cfg.start_method = SIM_START_SPAWN;
    mp_job_start(&j);
    sim_trace live = {0};
    pid_t w0, w1;
    mp_wait_busy(&j, &live, 0, &w0);
    mp_wait_busy(&j, &live, 1, &w1);
    ASSERT_INT_EQ(kill(own.pid, SIGKILL), 0);
    ASSERT_INT_EQ(mp_job_join(&j), SIM_E_SYS);
    ASSERT_CONTAINS(j.a.error, "helper");
    int dead = 0;
    for (int i = 0; i < 200 && !dead; i++) {
        dead = mp_pid_dead(w0) && mp_pid_dead(w1);
        if (!dead)
            mp_sleep_ms(5);
    }
    ASSERT_MSG(dead, "spawned workers %d and %d outlived their helper", (int)w0, (int)w1);
    sim_forkserver_stop(&own);
    sim_trace_deinit(&live);
    mp_job_deinit(&j);
}

/* Cancel under spawn and under fork, with no helper given: nothing stays. */
static void test_cancel(sim_start_method sm)
{
    mp_job j;
    mp_job_init(&j, "4*cpu:3s", 2, NULL, &calib);
    j.cfg.start_method = sm;
    mp_job_start(&j);
    sim_trace live = {0};
    pid_t pid;
    mp_wait_busy(&j, &live, 0, &pid);
    int64_t t0 = sim_clock_ns();
    atomic_store(&j.cancel, 1);
    ASSERT_INT_EQ(mp_job_join(&j), SIM_E_CANCELLED);
    ASSERT_MSG(j.returned_ns - t0 < 500000000, "stopping took %lld ms",
               (long long)((j.returned_ns - t0) / 1000000));
    ASSERT(mp_pid_dead(pid));
    check_no_children(fs.pid);
    sim_trace_deinit(&live);
    mp_job_deinit(&j);
}

/* Runs this program as `PROGRAM __worker [arg]` with fd 5 open on `in_fd`
 * (if >= 0); returns its exit status and its stderr in `err`. */
static int run_worker_mode(const char *arg, int in_fd, char *err, size_t n)
{
    int ep[2];
    ASSERT_INT_EQ(pipe(ep), 0);
    pid_t p = fork();
    ASSERT(p >= 0);
    if (p == 0) {
        dup2(ep[1], 2);
        if (in_fd >= 0)
            dup2(in_fd, 5);
        char *argv[] = {"concviz", SIM_WORKER_ARG, (char *)arg, NULL};
        execv("/proc/self/exe", argv);
        _exit(99);
    }
    close(ep[1]);
    size_t k = 0;
    ssize_t r;
    while (k + 1 < n && (r = read(ep[0], err + k, n - 1 - k)) > 0)
        k += (size_t)r;
    err[k] = '\0';
    close(ep[0]);
    int st;
    ASSERT_INT_EQ(waitpid(p, &st, 0), p);
    ASSERT(WIFEXITED(st));
    return WEXITSTATUS(st);
}

/* `concviz __worker` by hand: a clear message and exit 2, never a hang. */
static void test_refuses_by_hand(void)
{
    char err[1024];
    ASSERT_INT_EQ(run_worker_mode(NULL, -1, err, sizeof err), 2);
    ASSERT_CONTAINS(err, "cannot be run by hand");
    ASSERT_INT_EQ(run_worker_mode("0", -1, err, sizeof err), 2);
    ASSERT_CONTAINS(err, "cannot be run by hand");
    ASSERT_INT_EQ(run_worker_mode("x", -1, err, sizeof err), 2);
    ASSERT_CONTAINS(err, "cannot be run by hand");
    /* A pipe, but not concviz's, and one with nothing in it yet. */
    int p[2];
    ASSERT_INT_EQ(pipe(p), 0);
    ASSERT_INT_EQ(write(p[1], "hello, worker, this is not a job at all.........", 48), 48);
    ASSERT_INT_EQ(run_worker_mode("5", p[0], err, sizeof err), 2);
    ASSERT_CONTAINS(err, "cannot be run by hand");
    close(p[0]);
    close(p[1]);
    ASSERT_INT_EQ(pipe(p), 0);
    ASSERT_INT_EQ(run_worker_mode("5", p[0], err, sizeof err), 2);
    ASSERT_CONTAINS(err, "cannot be run by hand");
    close(p[0]);
    close(p[1]);
    /* Not the worker mode: the program goes on. */
    char *argv[] = {"concviz", "run", NULL};
    ASSERT_INT_EQ(sim_spawn_worker_main(2, argv), -1);
}

/* The saved trace says how the workers started, and reads back so. */
static void test_trace_keeps_it(void)
{
    sim_model m = SIM_MODEL_MULTIPROCESSING;
    sim_run_desc d = {.cfg = {.workload = "2*io:1ms", .models = {m}, .nmodels = 1,
                              .workers = 2, .start_method = SIM_START_SPAWN},
                      .fs = &fs, .calib = &calib};
    sim_run r;
    sim_comparison c = {0};
    char msg[512];
    ASSERT_MSG(sim_run_exec(&r, &d, msg, sizeof msg) == SIM_OK, "%s %s", msg, r.errors[0]);
    ASSERT_INT_EQ(sim_run_sync(&r, &c), 0);
    ASSERT_INT_EQ(c.traces[0].cfg.start_method, SIM_START_SPAWN);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ASSERT(f);
    ASSERT_INT_EQ(sim_chrome_write(f, &c), 0);
    ASSERT_INT_EQ(fclose(f), 0);
    ASSERT_CONTAINS(buf, "\"start_method\":\"spawn\"");
    sim_comparison back = {0};
    ASSERT_MSG(sim_trace_load_mem(buf, len, "run.json", &back, msg, sizeof msg) == 0, "%s",
               msg);
    ASSERT_INT_EQ(back.traces[0].cfg.start_method, SIM_START_SPAWN);
    sim_comparison_deinit(&back);
    /* A start method concviz does not know is refused, by name. */
    char *at = strstr(buf, "\"spawn\"");
    memcpy(at, "\"vfork\"", 7);
    ASSERT(sim_trace_load_mem(buf, len, "run.json", &back, msg, sizeof msg) != 0);
    ASSERT_CONTAINS(msg, "start method \"vfork\"");
    free(buf);
    sim_comparison_deinit(&c);
    sim_run_deinit(&r);
}

static void test_names(void)
{
    sim_start_method s;
    for (int i = 0; i < SIM_START__COUNT; i++) {
        ASSERT_INT_EQ(sim_start_method_parse(sim_start_method_name((sim_start_method)i), &s),
                      0);
        ASSERT_INT_EQ(s, i);
    }
    ASSERT_INT_EQ(sim_start_method_parse("vfork", &s), -1);
    ASSERT_STR_EQ(sim_start_method_name(SIM_START_FORKSERVER), "forkserver");
}

int main(int argc, char **argv)
{
    int ws = sim_spawn_worker_main(argc, argv);
    if (ws >= 0)
        return ws;
    ASSERT_INT_EQ(sim_calib_measure(&calib), 0);
    ASSERT_INT_EQ(sim_forkserver_start(&fs), SIM_OK);
    test_names();
    test_refuses_by_hand();
    test_same_work();
    test_trace_keeps_it();
    test_who_forks();
    test_start_costs();
    test_spawn_killed();
    test_cancel(SIM_START_SPAWN);
    test_cancel(SIM_START_FORK);
    test_spawn_helper_killed();
    pid_t helper = fs.pid;
    sim_forkserver_stop(&fs);
    ASSERT(mp_pid_dead(helper));
    check_no_children(0);
    return 0;
}
