/* test_forkserver.c - the helper that forks the workers.
 *
 * It must serve run after run, stop cleanly, and take its workers with it
 * when its owner is killed outright (kill -9), which no cleanup code can
 * handle: only the kernel's PR_SET_PDEATHSIG links can.
 */
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "mp_util.h"

static sim_calib calib;

/* Two runs in a row on one helper, then a clean stop. */
static void test_two_runs(void)
{
    sim_forkserver fs;
    ASSERT_INT_EQ(sim_forkserver_start(&fs), SIM_OK);
    ASSERT(fs.pid > 0 && fs.sock >= 0);
    pid_t spawned[2][2] = {{0}};
    for (int run = 0; run < 2; run++) {
        mp_job j;
        mp_job_init(&j, "4*(cpu:5ms,io:20ms)", 2, &fs, &calib);
        sim_trace t;
        ASSERT_MSG(mp_job_run(&j, &t) == SIM_OK, "run %d: %s", run, j.a.error);
        for (uint32_t i = 0; i < 4; i++)
            ASSERT_INT_EQ(t.lanes[i].marks[t.lanes[i].nmarks - 1].state, SIM_ST_DONE);
        for (size_t n = 0; n < t.ninstants; n++)
            if (t.instants[n].code == SIM_IN_SPAWN)
                spawned[run][t.instants[n].lane - t.ntasks - 1] = (pid_t)t.instants[n].arg;
        /* The workers are the helper's children, not ours, and all gone. */
        ASSERT_INT_EQ(mp_children_of(fs.pid, NULL), 0);
        sim_trace_deinit(&t);
        mp_job_deinit(&j);
    }
    for (int k = 0; k < 2; k++) {
        ASSERT(spawned[0][k] > 0 && spawned[1][k] > 0);
        ASSERT(mp_pid_dead(spawned[0][k]) && mp_pid_dead(spawned[1][k]));
    }
    ASSERT(spawned[0][0] != spawned[1][0]); /* new workers for each run */
    pid_t helper = fs.pid;
    sim_forkserver_stop(&fs);
    ASSERT_INT_EQ(fs.pid, 0);
    ASSERT_INT_EQ(fs.sock, -1);
    ASSERT(mp_pid_dead(helper));
    int z;
    ASSERT_INT_EQ(mp_children_of(getpid(), &z), 0);
    /* Stopping twice is harmless. */
    sim_forkserver_stop(&fs);
}

/* Stopping the helper in the middle of a run kills that run's workers. */
static void test_stop_mid_run(void)
{
    sim_forkserver fs;
    ASSERT_INT_EQ(sim_forkserver_start(&fs), SIM_OK);
    pid_t helper = fs.pid;
    mp_job j;
    mp_job_init(&j, "2*io:30s", 2, &fs, &calib);
    mp_job_start(&j);
    sim_trace live = {0};
    pid_t w0, w1;
    mp_wait_busy(&j, &live, 0, &w0);
    mp_wait_busy(&j, &live, 1, &w1);
    /* Kill the helper: the engine must notice (EOF on its socket), and the
     * workers must die with their parent. */
    ASSERT_INT_EQ(kill(helper, SIGKILL), 0);
    int r = mp_job_join(&j);
    ASSERT_INT_EQ(r, SIM_E_SYS);
    ASSERT_CONTAINS(j.a.error, "forkserver helper");
    sim_forkserver_stop(&fs);
    for (int i = 0; i < 100 && !(mp_pid_dead(w0) && mp_pid_dead(w1)); i++)
        mp_sleep_ms(10);
    ASSERT(mp_pid_dead(w0) && mp_pid_dead(w1));
    ASSERT_INT_EQ(mp_children_of(getpid(), NULL), 0);
    sim_trace_deinit(&live);
    mp_job_deinit(&j);
}

/* kill -9 of the process that owns a forkserver with running workers. We
 * become a child subreaper, so that the orphans are handed to us: that
 * lets us see them die (and reap them) instead of guessing. */
static void test_owner_killed(void)
{
    ASSERT_INT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int p[2];
    ASSERT_INT_EQ(pipe(p), 0);
    pid_t owner = fork();
    ASSERT(owner >= 0);
    if (owner == 0) {
        close(p[0]);
        sim_forkserver fs;
        ASSERT_INT_EQ(sim_forkserver_start(&fs), SIM_OK);
        mp_job j;
        mp_job_init(&j, "2*io:30s", 2, &fs, &calib);
        mp_job_start(&j);
        sim_trace live = {0};
        pid_t pids[3] = {fs.pid, 0, 0};
        mp_wait_busy(&j, &live, 0, &pids[1]);
        mp_wait_busy(&j, &live, 1, &pids[2]);
        ASSERT_INT_EQ(write(p[1], pids, sizeof pids), (long)sizeof pids);
        for (;;)
            pause();
    }
    close(p[1]);
    pid_t pids[3];
    ASSERT_INT_EQ(read(p[0], pids, sizeof pids), (long)sizeof pids);
    close(p[0]);
    ASSERT_INT_EQ(kill(owner, SIGKILL), 0);
    int st;
    ASSERT_INT_EQ(waitpid(owner, &st, 0), owner);
    ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    /* Within a second, the helper and both workers must have died. */
    int gone[3] = {0};
    int64_t until = sim_clock_ns() + 1000000000ll;
    while (!(gone[0] && gone[1] && gone[2]) && sim_clock_ns() < until) {
        pid_t q = waitpid(-1, &st, WNOHANG);
        if (q > 0) {
            for (int i = 0; i < 3; i++)
                if (q == pids[i]) {
                    gone[i] = 1;
                    /* The kernel closes a dying process's files before it
                     * sends its children their death signal: the helper
                     * may see its socket hang up first, kill its workers
                     * and exit cleanly (0) before the SIGKILL comes. */
                    int clean = i == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
                    ASSERT_MSG(clean || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
                               "%s %d ended with status %#x", i ? "worker" : "helper",
                               (int)q, st);
                }
            continue;
        }
        mp_sleep_ms(5);
    }
    for (int i = 0; i < 3; i++)
        ASSERT_MSG(gone[i], "%s %d survived its owner's kill -9",
                   i ? "worker" : "helper", (int)pids[i]);
    ASSERT_INT_EQ(mp_children_of(getpid(), NULL), 0);
    ASSERT_INT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
}

int main(void)
{
    ASSERT_INT_EQ(sim_calib_measure(&calib), 0);
    test_owner_killed();
    test_two_runs();
    test_stop_mid_run();
    return 0;
}
