/* multiprocessing.c - the parent's side of a pool of worker processes.
 *
 * What Python's multiprocessing.Pool does, for real: N worker processes
 * (forked by the forkserver helper, see forkserver.c, or as the start
 * method says: start_method.h, mp_start.h) take tasks from one
 * queue in workload order and send results back on another. Both queues
 * are plain pipes; every message is smaller than PIPE_BUF, so writes and
 * reads are atomic and no lock is needed between the workers.
 *
 * Lanes: the tasks, then the main process (feeding the pool), then one
 * lane per worker. Writers: 0 is this process, 1+k is worker k; each
 * writer is used by exactly one process, and all of them live in the one
 * shared mapping of the recording, so the window reads a worker's events
 * as soon as the worker writes them.
 *
 * The parent never blocks for good: every wait is a poll() of at most
 * POLL_MS that looks at the cancel flag and the timeout on every round,
 * and the helper's death shows as EOF on its socket. The parent keeps its
 * own copy of the task pipe's read end for the whole run, so a write can
 * never raise SIGPIPE even when every worker has died: the pipe merely
 * fills, and the death is learnt from the helper instead.
 *
 * What CPython's own machinery costs (costs.h) is paid where it pays it:
 * this parent computes half of pool_task before it sends each task (the
 * pool's task handler pickles it) and half as each result comes back (the
 * result handler unpickles it); each worker computes pool_task_worker
 * around each task, its start cost as it starts (mp_worker.c), and its
 * queues' pickling and unpickling (mp_queue.c); the steps' prices are the
 * step interpreter's (price.h).
 *
 * When a worker dies, the run stops (as a Pool would hang or raise): the
 * other workers are killed through the helper, the dead worker's lane and
 * the task it was running (read back from its own published events) are
 * marked lost, and the error says who died, of what, doing what.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "estimate.h"
#include "forkserver.h"
#include "format.h"
#include "mp_proto.h"
#include "mp_shared.h"
#include "share.h"
#include "mp_start.h"
#include "price.h"
#include "step.h"

#define POLL_MS 20
#define KILL_WAIT_NS 3000000000ll  /* how long the helper may take to reap */
#define WORKER_CAP_MAX (1ull << 22) /* events per worker writer, at most */

typedef struct mp {
    sim_engine_args *a;
    sim_rec *r;
    sim_forkserver own, *fs;
    sim_mp_forker forker; /* the fork start method's starter thread */
    int task_r, task_w, res_r;
    uint32_t ntasks, n, main_lane;
    pid_t *pids;          /* per worker, from SPAWNED notes */
    uint64_t next_task;   /* the next task to send */
    uint32_t stops;       /* STOP messages sent */
    uint64_t results;
    sim_mpshare share;    /* Value, Lock, Semaphore, Queue and deadlocks (mp_shared.c) */
    int64_t pss_sum;
    uint32_t pss_n;
    int idle;             /* the helper said the run is over */
    int fail;             /* a sim_err once the run must stop */
    int64_t deadline;     /* ns from t0, or 0 */
    double half_task_ns;  /* half of the parent's CPU per task (pool_task) */
    uint64_t paid;        /* tasks whose sending the parent has computed */
} mp;

static void fail(mp *m, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(mp *m, int err, const char *fmt, ...)
{
    if (m->fail)
        return;
    m->fail = err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->a->error, sizeof m->a->error, fmt, ap);
    va_end(ap);
}

static uint32_t worker_lane(const mp *m, uint32_t k) { return m->ntasks + 1 + k; }

/* Events the workers record in all (estimate.h's figures), at most
 * WORKER_CAP_MAX. */
static uint64_t workers_events(const sim_workload *w, const sim_config *cfg)
{
    uint64_t all = 16;
    for (size_t g = 0; g < w->ngroups && all < WORKER_CAP_MAX; g++) {
        uint64_t one = sim_estimate_task_events(w, &w->groups[g], SIM_MODEL_MULTIPROCESSING,
                                                cfg);
        uint64_t count = w->groups[g].count;
        all += count && one > WORKER_CAP_MAX / count ? WORKER_CAP_MAX : one * count;
    }
    return all;
}

/* Events one worker may record: a pool hands tasks to whichever worker is
 * free, so any worker may run every task, with the slack every engine's
 * writers have (sim_estimate_writer_cap), within the run's budget. Pages
 * cost nothing until written. */
static uint64_t worker_cap(uint64_t all, uint64_t budget)
{
    uint64_t cap = sim_estimate_writer_cap(all);
    if (cap > WORKER_CAP_MAX)
        cap = WORKER_CAP_MAX;
    return budget > 0 && cap > budget ? budget : cap;
}

/* The task worker k was running when it died, from its own events. */
static uint32_t task_of_dead(const mp *m, uint32_t k)
{
    uint64_t cnt = 0;
    const sim_event *ev = sim_rec_events(m->r, 1 + k, &cnt);
    for (uint64_t i = cnt; i-- > 0;) {
        if (ev[i].type == SIM_EV_STATE && ev[i].lane == worker_lane(m, k))
            return ev[i].code == SIM_ST_RUNNING ? ev[i].arg : SIM_NO_TASK;
    }
    return SIM_NO_TASK;
}

static void worker_died(mp *m, uint32_t k, pid_t pid, int status)
{
    if (m->fail)
        return; /* killed by us, or after the run already failed */
    int64_t t = sim_rec_now(m->r);
    uint32_t task = task_of_dead(m, k);
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    sim_rec_state(m->r, 0, worker_lane(m, k), t, SIM_ST_LOST, task, SIM_NO_CPU);
    sim_rec_instant(m->r, 0, worker_lane(m, k), t, SIM_IN_LOST, (uint32_t)sig);
    if (task != SIM_NO_TASK)
        sim_rec_state(m->r, 0, task, t, SIM_ST_LOST, SIM_NO_TASK, SIM_NO_CPU);
    char how[96], what[48];
    sim_format_wait_status(status, how, sizeof how);
    if (task != SIM_NO_TASK)
        snprintf(what, sizeof what, "while running task %u", task);
    else
        snprintf(what, sizeof what, "while idle");
    fail(m, SIM_E_LOST, "worker %u (pid %d) %s %s; the run was stopped", k,
         (int)pid, how, what);
}

/* Reads every note the helper has sent. */
static void read_notes(mp *m)
{
    for (;;) {
        sim_mp_note nt;
        ssize_t k = recv(m->fs->sock, &nt, sizeof nt, MSG_DONTWAIT);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (k <= 0) {
            fail(m, SIM_E_SYS, "the forkserver helper (pid %d) died; the run was "
                 "stopped", (int)m->fs->pid);
            m->idle = 1; /* its workers died with it (PR_SET_PDEATHSIG) */
            return;
        }
        if (k != (ssize_t)sizeof nt)
            continue;
        switch (nt.kind) {
        case SIM_FS_SPAWNED:
            if (nt.index < m->n)
                m->pids[nt.index] = nt.pid;
            break;
        case SIM_FS_EXITED:
            if (nt.index < m->n &&
                !(WIFEXITED(nt.status) && WEXITSTATUS(nt.status) == 0))
                worker_died(m, nt.index, nt.pid, nt.status);
            break;
        case SIM_FS_FAILED:
            fail(m, SIM_E_SYS, "could not start worker %u: %s", nt.index,
                 strerror(nt.err));
            break;
        case SIM_FS_IDLE:
            m->idle = 1;
            break;
        default:
            break;
        }
    }
}

/* Reads every result the workers have sent. */
/* The parent's own work for a task of the pool (costs.h, pool_task):
 * real computation, as CPython's task and result handler threads do it. */
static void pool_work(const mp *m)
{
    if (m->half_task_ns >= 1.0)
        sim_burn_sink(sim_burn(sim_calib_units(m->a->calib, (int64_t)m->half_task_ns), 1));
}

static void read_results(mp *m)
{
    sim_mp_result res;
    for (;;) {
        ssize_t k = read(m->res_r, &res, sizeof res);
        if (k < 0 && errno == EINTR)
            continue;
        if (k != (ssize_t)sizeof res)
            return;
        if (res.worker >= m->n)
            continue;
        if (res.kind == SIM_MP_RESULT && res.task < m->ntasks) {
            pool_work(m); /* the result handler unpickles it */
            int64_t t = sim_rec_now(m->r);
            sim_rec_flow(m->r, 0, SIM_FL_RESULT, worker_lane(m, res.worker),
                         res.t_sent, m->main_lane, t);
            m->results++;
        } else if (res.kind == SIM_MP_BYE && res.pss_bytes > 0) {
            m->pss_sum += res.pss_bytes;
            m->pss_n++;
        }
    }
}

/* Feeds the task queue as far as the pipe takes it: the tasks in workload
 * order, then one STOP per worker (Pool.close()). */
static void feed(mp *m)
{
    while (m->next_task < m->ntasks || m->stops < m->n) {
        int is_task = m->next_task < m->ntasks;
        if (is_task && m->paid == m->next_task) {
            pool_work(m); /* the task handler pickles it, once */
            m->paid++;
        }
        sim_mp_task msg = {.kind = is_task ? SIM_MP_TASK : SIM_MP_STOP,
                           .task = is_task ? (uint32_t)m->next_task : SIM_NO_TASK,
                           .t_sent = sim_rec_now(m->r)};
        ssize_t k = write(m->task_w, &msg, sizeof msg);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && errno == EAGAIN)
            return;
        if (k != (ssize_t)sizeof msg) {
            fail(m, SIM_E_SYS, "could not write to the task queue: %s",
                 strerror(errno));
            return;
        }
        if (!is_task) {
            m->stops++;
            continue;
        }
        if (++m->next_task == m->ntasks)
            sim_rec_state(m->r, 0, m->main_lane, msg.t_sent, SIM_ST_IDLE,
                          SIM_NO_TASK, SIM_NO_CPU);
    }
}

static void check_stop(mp *m)
{
    if (m->a->cancel && atomic_load(m->a->cancel))
        fail(m, SIM_E_CANCELLED, "cancelled");
    if (atomic_load_explicit(&m->r->head->full, memory_order_relaxed))
        fail(m, SIM_E_MEMLIMIT, "the recording grew past the run's memory budget");
    if (m->deadline > 0 && sim_rec_now(m->r) >= m->deadline) {
        char d[32];
        sim_format_ns(m->a->cfg->timeout_ns, d, sizeof d);
        fail(m, SIM_E_TIMEOUT, "the run took longer than the timeout (%s) and was "
             "stopped", d);
    }
}

/* Between two slices of the forkserver's launch: the stop. */
static int launch_between(void *ctx)
{
    mp *m = ctx;
    check_stop(m);
    return m->fail;
}

/* Pool() makes its queues and locks (importing the modules a first Pool
 * needs) before it starts a worker; with forkserver, that first start
 * launches the server (a fresh interpreter importing the program) before
 * anything forks, and Pool() waits for it. The parent computes both here,
 * its lane "starting", before it asks for the workers. */
static void make_pool(mp *m)
{
    int64_t ns = (int64_t)sim_cost_ns(m->a->costs, SIM_COST_POOL_MAKE) +
                 sim_prices_launch(m->a->costs, m->a->cfg->start_method, SIM_COST__COUNT);
    if (ns <= 0)
        return;
    sim_rec_state(m->r, 0, m->main_lane, sim_rec_now(m->r), SIM_ST_STARTING, SIM_NO_TASK,
                  SIM_NO_CPU);
    uint64_t acc = 0;
    sim_step_burn(m->a->calib, ns, sim_calib_units(m->a->calib, 1000000), &acc, launch_between,
                  m);
    sim_burn_sink(acc);
    sim_rec_state(m->r, 0, m->main_lane, sim_rec_now(m->r), SIM_ST_RUNNING, SIM_NO_TASK,
                  sim_current_cpu());
}

static void run_loop(mp *m)
{
    while (!m->fail) {
        check_stop(m);
        if (m->fail)
            break;
        char why[256];
        if (m->share.reg && sim_mpshare_check(&m->share, m->n, m->next_task - m->results,
                                              why, sizeof why) != SIM_OK) {
            fail(m, SIM_E_DEADLOCK, "%s", why);
            break;
        }
        int want_out = m->next_task < m->ntasks || m->stops < m->n;
        struct pollfd p[3] = {
            {m->fs->sock, POLLIN, 0},
            {m->res_r, POLLIN, 0},
            {m->task_w, want_out ? POLLOUT : 0, 0},
        };
        if (poll(p, 3, POLL_MS) < 0 && errno != EINTR) {
            fail(m, SIM_E_SYS, "poll failed: %s", strerror(errno));
            break;
        }
        read_results(m);
        read_notes(m);
        if (want_out && !m->fail)
            feed(m);
        if (m->idle) {
            read_results(m); /* the last ones may have come after the note */
            if (m->results < m->ntasks)
                fail(m, SIM_E_SYS, "the workers stopped after %llu of %u tasks",
                     (unsigned long long)m->results, m->ntasks);
            break;
        }
    }
}

/* After a failure: kill the workers through the helper and wait, for a
 * bounded time, until it has reaped them all. */
static void stop_workers(mp *m)
{
    if (m->idle)
        return;
    sim_fs_send_kill(m->fs);
    int64_t until = sim_clock_ns() + KILL_WAIT_NS;
    while (!m->idle && sim_clock_ns() < until) {
        struct pollfd p = {m->fs->sock, POLLIN, 0};
        poll(&p, 1, POLL_MS);
        read_notes(m);
        read_results(m); /* keeps the result pipe from filling */
    }
    if (!m->idle && m->fs->pid > 0) {
        /* A helper that does not answer is killed; its workers die with it. */
        kill(m->fs->pid, SIGKILL);
    }
}

/* Where the workers come from (start_method.h): fork, a thread of ours that
 * forks them from this process; forkserver and spawn, the helper given in
 * the args, or one of our own when there is none. */
static int open_starter(mp *m)
{
    if (m->a->cfg->start_method == SIM_START_FORK) {
        if (sim_mp_forker_start(&m->forker) != SIM_OK)
            return SIM_E_SYS;
        m->fs = &m->forker.fs;
        return SIM_OK;
    }
    if (m->fs)
        return SIM_OK;
    if (sim_forkserver_start(&m->own) != SIM_OK)
        return SIM_E_SYS;
    m->fs = &m->own;
    return SIM_OK;
}

static int make_pipes(mp *m)
{
    int t[2], r[2];
    if (pipe2(t, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(r, O_CLOEXEC) != 0) {
        close(t[0]);
        close(t[1]);
        return -1;
    }
    /* O_NONBLOCK is per open file: only the parent's ends get it. */
    fcntl(t[1], F_SETFL, O_NONBLOCK);
    fcntl(r[0], F_SETFL, O_NONBLOCK);
    m->task_r = t[0];
    m->task_w = t[1];
    m->res_r = r[0];
    return r[1];
}

int sim_multiprocessing_run(sim_engine_args *a)
{
    a->error[0] = '\0';
    a->mem_per_task_bytes = -1;
    const sim_workload *w = a->w;
    if (a->cfg->workers < 1 || w->ntasks == 0 || w->ntasks > UINT32_MAX - 1024) {
        snprintf(a->error, sizeof a->error, "multiprocessing needs at least one "
                 "worker and one task");
        return SIM_E_USAGE;
    }
    mp m = {.a = a, .task_r = -1, .task_w = -1, .res_r = -1,
            .ntasks = (uint32_t)w->ntasks, .n = (uint32_t)a->cfg->workers};
    m.main_lane = m.ntasks;
    if (a->costs && a->costs->origin.source != SIM_COSTS_NONE)
        m.half_task_ns = a->costs->ns[SIM_COST_POOL_TASK] / 2;

    /* Lanes: main, workers, then one per lock. Writers: main, workers, and
     * one that records nothing: its area holds the shared state. */
    uint32_t nlocks = sim_share_nlocks(w);
    uint32_t nres = 1 + m.n + nlocks, nwriters = 2 + m.n;
    uint8_t *kinds = malloc(nres);
    uint64_t *caps = malloc(2 * nwriters * sizeof *caps), *ready = caps + nwriters;
    m.pids = calloc(m.n, sizeof *m.pids);
    if (!kinds || !caps || !m.pids) {
        free(kinds);
        free(caps);
        free(m.pids);
        snprintf(a->error, sizeof a->error, "out of memory");
        return SIM_E_NOMEM;
    }
    kinds[0] = SIM_LANE_MAIN;
    uint64_t budget = a->budget_bytes > 0 ? (uint64_t)a->budget_bytes / SIM_BYTES_PER_EVENT : 0;
    caps[0] = 2 * (uint64_t)m.ntasks + 64;
    uint64_t all = workers_events(w, a->cfg);
    for (uint32_t k = 0; k < m.n; k++) {
        kinds[1 + k] = SIM_LANE_WORKER;
        caps[1 + k] = worker_cap(all, budget);
        ready[1 + k] = all / m.n; /* each its share: the pool spreads the tasks */
    }
    for (uint32_t k = 0; k < nlocks; k++)
        kinds[1 + m.n + k] = SIM_LANE_LOCK;
    caps[0] += w->nnames + 2;
    caps[nwriters - 1] = sim_mpshare_events(w);
    ready[0] = caps[0];
    ready[nwriters - 1] = caps[nwriters - 1];
    sim_rec_desc d = {.model = SIM_MODEL_MULTIPROCESSING, .ntask_lanes = m.ntasks,
                      .nres_lanes = nres, .res_kind = kinds, .nwriters = nwriters,
                      .writer_cap = caps, .writer_ready = ready,
                      .calib = a->calib, .cross_process = 1, .events_budget = budget};
    int e = sim_rec_init(a->rec, &d);
    free(kinds);
    free(caps);
    if (e != 0) {
        free(m.pids);
        snprintf(a->error, sizeof a->error, "could not create the recording: %s",
                 strerror(-e));
        return e == -ENOMEM ? SIM_E_NOMEM : SIM_E_SYS;
    }
    m.r = a->rec;
    if (a->publish)
        atomic_store(a->publish, m.r);

    /* The clock starts before any process is created: start-up is part of
     * what multiprocessing costs. */
    sim_rec_start_clock(m.r);
    for (uint32_t i = 0; i < m.ntasks; i++)
        sim_rec_state(m.r, 0, i, 0, SIM_ST_READY, SIM_NO_TASK, SIM_NO_CPU);
    sim_rec_state(m.r, 0, m.main_lane, 0, SIM_ST_RUNNING, SIM_NO_TASK,
                  sim_current_cpu());
    if (a->cfg->timeout_ns > 0)
        m.deadline = a->cfg->timeout_ns;

    int res_w = -1;
    char why[200];
    m.fs = a->fs;
    if (m.r->memfd < 0) {
        fail(&m, SIM_E_SYS, "the recording has no memfd to share with workers");
    } else if ((e = sim_mpshare_setup(&m.share, m.r, w, m.ntasks + 1 + m.n, why,
                                      sizeof why)) != SIM_OK) {
        fail(&m, e, "%s", why);
    } else if ((res_w = make_pipes(&m)) < 0) {
        fail(&m, SIM_E_SYS, "could not create the pool's pipes: %s", strerror(errno));
    } else if (open_starter(&m) != SIM_OK) {
        fail(&m, SIM_E_SYS, "could not start the %s: %s",
             a->cfg->start_method == SIM_START_FORK ? "thread that forks the workers"
                                               : "forkserver", strerror(errno));
    } else {
        sim_mp_job job = {.kind = SIM_FS_RUN, .nworkers = m.n,
                          .map_size = m.r->map_size, .t0_abs = m.r->head->t0_abs,
                          .ns_per_unit = a->calib->ns_per_unit,
                          .ns_per_tick = a->calib->ns_per_tick,
                          .spec_len = (uint32_t)strlen(w->spec),
                          .start = (uint32_t)a->cfg->start_method,
                          .has_costs = a->costs &&
                                       a->costs->origin.source != SIM_COSTS_NONE};
        if (job.has_costs)
            memcpy(job.costs, a->costs->ns, sizeof job.costs);
        make_pool(&m);
        int asked = !m.fail; /* a stop during the launch: no worker is asked for */
        e = asked ? sim_fs_send_run(m.fs, &job, w->spec, m.r->memfd, m.task_r, res_w) : 0;
        /* The helper has its own copy now (or the send failed): either way,
         * the write end must close here, or it would outlive the workers. */
        close(res_w);
        res_w = -1;
        if (e != 0) {
            m.idle = 1;
            fail(&m, SIM_E_SYS, "could not reach the forkserver: %s", strerror(-e));
        } else if (asked) {
            run_loop(&m);
            if (m.fail)
                stop_workers(&m);
        }
    }

    int64_t end = sim_rec_now(m.r);
    sim_rec_state(m.r, 0, m.main_lane, end, SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    if (m.pss_n > 0)
        a->mem_per_task_bytes = m.pss_sum / m.pss_n;
    if (m.fs == &m.own)
        sim_forkserver_stop(&m.own);
    else if (m.fs == &m.forker.fs)
        sim_mp_forker_stop(&m.forker);
    if (m.task_r >= 0)
        close(m.task_r);
    if (m.task_w >= 0)
        close(m.task_w);
    if (m.res_r >= 0)
        close(m.res_r);
    free(m.pids);
    /* After the workers are gone: the queues' pipes close here. */
    if (m.share.reg && (e = sim_mpshare_finish(&m.share, 1, why, sizeof why)) != SIM_OK)
        fail(&m, e, "%s", why);
    sim_rec_finish(m.r, end, m.fail);
    return m.fail;
}
