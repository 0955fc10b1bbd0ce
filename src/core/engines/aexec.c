/* aexec.c - asyncio's executors, run for real: a thread pool under the GIL
 * and forked child processes.
 *
 * `thread(STEPS)` is `await asyncio.to_thread(f)`. Python hands f to the
 * loop's default ThreadPoolExecutor: at most min(32, cpus + 4) threads,
 * created one by one when a job finds no idle thread, and joined when the
 * loop closes. So here. The awaiting task leaves the loop (its lane shows
 * SIM_ST_IO: it awaits a future and needs no CPU of the loop), and the loop
 * runs other tasks meanwhile. But f is Python code: the executor thread
 * must hold the GIL for its cpu steps, the same GIL the loop holds while it
 * runs a task (thread id 0 here; executor k is k + 1). It drops the GIL
 * around its io steps, as time.sleep does. So a CPU-heavy to_thread still
 * slows the loop down: the two take turns, one switch interval at a time.
 * When f returns, the thread puts the job on a done list and writes to an
 * eventfd that sits in the loop's epoll set, which wakes the loop; the loop
 * makes the task READY (asyncio's call_soon_threadsafe does the same with
 * a self-pipe).
 *
 * `process(STEPS)` is `await loop.run_in_executor(ProcessPoolExecutor(), f)`:
 * a pool of worker processes, at most one per CPU (max_workers defaults to
 * os.cpu_count()), grown one worker at a time as ProcessPoolExecutor grows
 * (a new process only when no worker is idle) and reused: each job goes to
 * a worker through its pipe, as CPython's call queue carries a pickled
 * call, and its end comes back through another pipe whose read end is in
 * the loop's epoll set. A worker is a fork of this process, so it has its
 * GIL to itself and its cpu steps run in parallel with the loop's. It
 * starts as a CPython worker of the run's start method would (the
 * forkserver's launch, an interpreter's start-up: sim_prices_start), and
 * records its own lane with a writer of its own: starting (from the fork
 * until it is ready), running a job, idle. Workers die with the parent
 * (PR_SET_PDEATHSIG); a stop kills and reaps them; the pool's end closes
 * their pipes. What is not shown: the pickling of each call (its cost is
 * the cost profile's, charged where CPython pays it).
 *
 * Lanes: one SIM_LANE_EXECUTOR per executor thread and per process slot,
 * RUNNING (arg = task) while a body runs. A DISPATCH flow goes from the
 * task's lane (when it awaited) to the executor's lane (when the body
 * started); a RESULT flow goes back when the loop took the result.
 */
#include "aexec.h"

#include "fdio.h"
#include "format.h"

#include "estimate.h"
#include "price.h"
#include "step.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NONE 0xffffffffu

typedef struct sim_aexec_thread {
    sim_aexec *x;
    pthread_t tid;
    uint32_t index;          /* 0-based; GIL thread id index + 1 */
    uint64_t acc;
} sim_aexec_thread;

/* ---- planning: lanes and event capacities ---- */

static int group_has(const sim_workload *w, const sim_group *g, sim_exec_kind k)
{
    for (size_t i = g->prog; w->ops[i].kind != SIM_OP_END; i++)
        if (w->ops[i].kind == SIM_OP_EXEC && w->ops[i].b == (uint32_t)k)
            return 1;
    return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void sim_aexec_plan_for(const sim_workload *w, int cpus, sim_aexec_plan *p)
{
    uint64_t nt = 0, np = 0, tev = 0, pev = 0;
    for (size_t g = 0; g < w->ngroups; g++) {
        const sim_group *gr = &w->groups[g];
        /* Per job: a flow, RUNNING, IDLE; per step and per 250 us of cpu a
         * few GIL marks (take, drop, hand-off, request). */
        uint64_t per = 8 + 8 * gr->steps + 4 * (uint64_t)(gr->cpu_ns / 250000);
        uint64_t all = per > UINT64_MAX / gr->count ? UINT64_MAX : per * gr->count;
        if (group_has(w, gr, SIM_EXEC_THREAD)) {
            nt = sat_add(nt, gr->count);
            tev = sat_add(tev, all);
        }
        if (group_has(w, gr, SIM_EXEC_PROCESS)) {
            np = sat_add(np, gr->count);
            pev = sat_add(pev, 4 * gr->steps > UINT64_MAX / gr->count
                                   ? UINT64_MAX : 4 * gr->steps * gr->count);
        }
    }
    uint64_t pool = (uint64_t)(cpus + 4 < 32 ? cpus + 4 : 32);
    uint64_t slots = (uint64_t)(cpus > 0 ? cpus : 1);
    p->nthreads = (uint32_t)(nt < pool ? nt : pool);
    p->nprocs = (uint32_t)(np < slots ? np : slots);
    /* Any thread of the pool may run every job (estimate.h's room). */
    p->thread_cap = sim_estimate_writer_cap(tev);
    p->proc_cap = sim_estimate_writer_cap(pev);
}

/* ---- running a body: the steps between EXEC and EXEC_END ---- */

/* Who runs a body: an executor thread (under the GIL shared with the
 * loop), or a forked child (no GIL to share: a process of its own). */
typedef struct body {
    sim_aexec *x;
    sim_aexec_thread *th;  /* NULL in a child */
    sim_stop *stop;
    uint64_t *acc;
    uint32_t task;
    int holding;           /* an executor thread holds the GIL now */
} body;

/* Between two slices: the stop, and another thread asking for the GIL. */
static int thread_between(void *ctx)
{
    body *b = ctx;
    sim_aexec *x = b->x;
    uint32_t me = b->th->index + 1, wr = x->thread_writer0 + b->th->index;
    int rc = sim_stop_check(b->stop);
    if (rc != SIM_OK || !sim_gil_drop_requested(&x->gil))
        return rc;
    int64_t t;
    b->holding = 0;
    rc = sim_gil_drop(&x->gil, me, b->task, wr, b->stop);
    if (rc == SIM_OK && (rc = sim_gil_take(&x->gil, me, b->task, wr, b->stop, &t)) == SIM_OK)
        b->holding = 1;
    return rc;
}

/* A cpu step: an executor thread holds the GIL for it, and lets it go
 * between slices when asked; a child has a GIL of its own, held all along. */
static int b_cpu(void *eng, sim_task_run *r, int64_t ns)
{
    body *b = eng;
    sim_aexec *x = b->x;
    if (!b->th)
        return sim_step_burn(x->a->calib, ns, UINT64_MAX, b->acc, NULL, NULL);
    uint32_t me = b->th->index + 1, wr = x->thread_writer0 + b->th->index;
    int64_t t;
    int rc = sim_gil_take(&x->gil, me, r->task, wr, b->stop, &t);
    if (rc != SIM_OK)
        return rc;
    b->holding = 1;
    rc = sim_step_burn(x->a->calib, ns, sim_calib_units(x->a->calib, SIM_STEP_SLICE_NS),
                       b->acc, thread_between, b);
    if (!b->holding) /* a stop came while it queued to take the GIL back */
        return rc;
    b->holding = 0;
    int drc = sim_gil_drop(&x->gil, me, r->task, wr, b->stop);
    return rc != SIM_OK ? rc : drc;
}

/* A real sleep (the GIL is not held: time.sleep releases it). In a child
 * nothing stops it: the child is killed instead. */
static int b_io(void *eng, sim_task_run *r, int64_t ns)
{
    body *b = eng;
    (void)r;
    return sim_stop_sleep_until(b->stop, sim_rec_now(b->x->rec) + ns);
}

static int b_yield(void *eng, sim_task_run *r)
{
    (void)eng;
    (void)r;
    return sched_yield() == 0 ? SIM_OK : SIM_E_ERRNO(errno);
}

static int b_done(void *eng, sim_task_run *r)
{
    (void)eng;
    (void)r;
    return SIM_STEP_DONE;
}

/* A body holds only cpu, io and yield steps (the parser sees to it). */
static const sim_step_ops body_steps = {
    .cpu = b_cpu, .io = b_io, .yield = b_yield, .exec_end = b_done, .end = b_done,
};

/* Walks a body from its first op to its EXEC_END. */
static int run_body(sim_aexec *x, sim_aexec_thread *th, sim_stop *stop, uint32_t task,
                    uint32_t first, uint64_t *acc)
{
    struct { body b; sim_task_run r; } run = {
        .b = {.x = x, .th = th, .stop = stop, .acc = acc, .task = task},
    };
    run.r.cur.pc = first;
    run.r.task = task;
    run.r.until_check = SIM_STOP_EVERY;
    int rc = sim_step_run(&body_steps, &run.b, stop, x->w, NULL, &run.r, NULL);
    if (rc != SIM_STEP_DONE)
        return rc;
    /* The executor's half of the call's round trip (the loop paid the
     * other: price.c): the result set on the future, the loop woken, as
     * CPython's worker does it, in Python, under the GIL. */
    double half = sim_cost_ns(x->a->costs, th ? SIM_COST_TO_THREAD : SIM_COST_RUN_IN_PROCESS) / 2;
    return half > 0 ? b_cpu(&run.b, &run.r, (int64_t)half) : SIM_OK;
}

/* ---- the thread pool ---- */

static void lock(sim_aexec *x)
{
    if (pthread_mutex_lock(&x->mutex) != 0)
        abort(); /* a corrupted mutex: nothing sane is left to do */
}

static void unlock(sim_aexec *x)
{
    if (pthread_mutex_unlock(&x->mutex) != 0)
        abort();
}

static void *pool_thread(void *arg)
{
    sim_aexec_thread *th = arg;
    sim_aexec *x = th->x;
    uint32_t lane = x->thread_lane0 + th->index, wr = x->thread_writer0 + th->index;
    lock(x);
    x->running++; /* Thread._bootstrap_inner: `self._started.set()` */
    pthread_cond_signal(&x->ran);
    unlock(x);
    for (;;) {
        lock(x);
        while (x->qhead == NONE && !atomic_load(&x->quit))
            pthread_cond_wait(&x->cond, &x->mutex);
        if (atomic_load(&x->quit)) {
            unlock(x);
            break;
        }
        uint32_t task = x->qhead;
        sim_aexec_job *j = &x->jobs[task];
        x->qhead = j->next;
        if (x->qhead == NONE)
            x->qtail = NONE;
        unlock(x);

        int64_t t = sim_rec_now(x->rec);
        sim_rec_state(x->rec, wr, lane, t, SIM_ST_RUNNING, task, sim_current_cpu());
        sim_rec_flow(x->rec, wr, SIM_FL_DISPATCH, task, j->t_dispatch, lane, t);
        int64_t c0 = sim_thread_cpu_ns();
        int rc = run_body(x, th, x->stop, task, j->body, &th->acc);
        j->cpu_ns = sim_thread_cpu_ns() - c0;
        j->t_end = sim_rec_now(x->rec);
        j->lane = lane;
        j->failed = rc != SIM_OK;
        sim_rec_state(x->rec, wr, lane, j->t_end, SIM_ST_IDLE, SIM_NO_TASK, SIM_NO_CPU);

        lock(x);
        j->next = x->dhead;
        x->dhead = task;
        x->idle++; /* _idle_semaphore.release(): only after a finished item */
        unlock(x);
        uint64_t one = 1;
        if (write(x->evfd, &one, sizeof one) != (ssize_t)sizeof one)
            atomic_store(&x->quit, 1); /* cannot happen for an eventfd below 2^64 */
    }
    sim_burn_sink(th->acc);
    return NULL;
}

static int submit_thread(sim_aexec *x, uint32_t task)
{
    lock(x);
    x->jobs[task].next = NONE;
    if (x->qtail != NONE)
        x->jobs[x->qtail].next = task;
    else
        x->qhead = task;
    x->qtail = task;
    int rc = SIM_OK;
    /* ThreadPoolExecutor._adjust_thread_count: an idle thread is reused
     * (`_idle_semaphore.acquire(timeout=0)`), else a new thread starts while
     * the pool is not full. A thread counts as idle only once it has
     * finished an item, so a burst of submissions grows the pool to its
     * maximum: the first one finds no idle thread, and neither does the
     * next, however soon it comes. */
    if (x->idle > 0) {
        x->idle--;
    } else if (x->started < x->plan.nthreads) {
        sim_aexec_thread *th = &x->threads[x->started];
        th->x = x;
        th->index = x->started;
        th->acc = 0x2545f4914f6cdd1dull + th->index;
        sim_rec_state(x->rec, 0, x->thread_lane0 + th->index, sim_rec_now(x->rec),
                      SIM_ST_IDLE, SIM_NO_TASK, SIM_NO_CPU);
        int e = pthread_create(&th->tid, NULL, pool_thread, th);
        if (e != 0) {
            snprintf(x->a->error, sizeof x->a->error,
                     "cannot start an executor thread: %s", strerror(e));
            rc = SIM_E_SYS;
        } else {
            /* start() returns once the new thread runs: the loop waits. */
            x->started++;
            while (x->running < x->started && (rc = sim_stop_check(x->stop)) == SIM_OK)
                sim_stop_cond_wait(&x->ran, &x->mutex);
        }
    }
    if (rc == SIM_OK)
        pthread_cond_signal(&x->cond);
    unlock(x);
    return rc;
}

/* ---- the process pool: ProcessPoolExecutor ---- */

/* What the loop sends a worker process, and what it sends back. Far
 * smaller than PIPE_BUF: each is written and read whole. */
typedef struct job_msg {
    uint32_t task;
    uint32_t body;        /* index of the body's first op */
    int64_t t_dispatch;
} job_msg;

typedef struct done_msg {
    uint32_t task;
    uint32_t pad_;
    int64_t t_end;
    int64_t cpu_ns;
} done_msg;

/* A worker process: a fork of this one made when the pool grows, that
 * takes jobs from its pipe, runs their bodies, and answers, until the pipe
 * closes (the pool shuts down) or it is killed (a stop). */
static _Noreturn void worker_main(sim_aexec *x, uint32_t slot, int jobs, int results,
                                  pid_t parent, int64_t t_fork)
{
    /* Dies with the parent: nothing is left behind even if it crashes. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(2);
    uint32_t lane = x->proc_lane0 + slot, wr = x->proc_writer0 + slot;
    sim_stop never; /* a worker is not asked to stop: it is killed */
    sim_stop_init(&never, NULL, 0, x->rec);
    uint64_t acc = 0x9e3779b97f4a7c15ull + slot;
    /* Ready as CPython's worker would be, with the program's start method
     * (sim_prices_start): the lane shows it starting until then. */
    int64_t compute = sim_prices_start(x->a->costs, x->a->cfg->start_method,
                                       SIM_COST_IMPORT_ASYNCIO, sim_rec_now(x->rec) - t_fork);
    if (compute > 0)
        acc = sim_burn(sim_calib_units(x->a->calib, compute), acc);
    sim_rec_state(x->rec, wr, lane, sim_rec_now(x->rec), SIM_ST_IDLE, SIM_NO_TASK,
                  SIM_NO_CPU);
    job_msg job;
    while (sim_fd_read_all(jobs, &job, sizeof job, NULL) == 0) {
        int64_t t = sim_rec_now(x->rec);
        sim_rec_state(x->rec, wr, lane, t, SIM_ST_RUNNING, job.task, sim_current_cpu());
        sim_rec_flow(x->rec, wr, SIM_FL_DISPATCH, job.task, job.t_dispatch, lane, t);
        int64_t c0 = sim_thread_cpu_ns();
        run_body(x, NULL, &never, job.task, job.body, &acc);
        done_msg m = {.task = job.task, .t_end = sim_rec_now(x->rec),
                      .cpu_ns = sim_thread_cpu_ns() - c0};
        sim_rec_state(x->rec, wr, lane, m.t_end, SIM_ST_IDLE, SIM_NO_TASK, SIM_NO_CPU);
        if (sim_fd_write_all(results, &m, sizeof m, NULL) != 0)
            break;
    }
    sim_burn_sink(acc);
    _exit(0);
}

/* Between two slices of the forkserver's launch: only the stop. */
static int launch_between(void *ctx)
{
    return sim_stop_check(((sim_aexec *)ctx)->stop);
}

/* Grows the pool by one worker process in `slot`. The lane shows it
 * starting from the fork until it is ready for work. */
static int start_worker(sim_aexec *x, uint32_t slot)
{
    int jp[2], rp[2];
    if (pipe2(jp, O_CLOEXEC) != 0)
        goto fail;
    if (pipe2(rp, O_CLOEXEC) != 0) {
        close(jp[0]);
        close(jp[1]);
        goto fail;
    }
    int64_t t_fork = sim_rec_now(x->rec);
    sim_rec_state(x->rec, 0, x->proc_lane0 + slot, t_fork, SIM_ST_STARTING,
                  SIM_NO_TASK, SIM_NO_CPU);
    /* The pool's first process, with forkserver, launches the server
     * first (sim_prices_launch), and submit() blocks the loop meanwhile, as
     * CPython's does: here the loop computes the launch itself, then forks
     * (the CPU is the server's in CPython: one core busy either way). */
    if (x->nprocs_started == 0) {
        int64_t launch = sim_prices_launch(x->a->costs, x->a->cfg->start_method,
                                           SIM_COST_IMPORT_ASYNCIO);
        int rc = launch > 0 ? sim_step_burn(x->a->calib, launch,
                                             sim_calib_units(x->a->calib, SIM_STEP_SLICE_NS),
                                             &x->acc, launch_between, x)
                            : SIM_OK;
        if (rc != SIM_OK) {
            close(jp[0]);
            close(jp[1]);
            close(rp[0]);
            close(rp[1]);
            return rc;
        }
        t_fork = sim_rec_now(x->rec);
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(jp[0]);
        close(jp[1]);
        close(rp[0]);
        close(rp[1]);
        goto fail;
    }
    if (pid == 0) {
        close(jp[1]);
        close(rp[0]);
        worker_main(x, slot, jp[0], rp[1], parent, t_fork);
    }
    close(jp[0]);
    close(rp[1]);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = SIM_AEXEC_TAG_PROC0 + slot};
    if (epoll_ctl(x->epfd, EPOLL_CTL_ADD, rp[0], &ev) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(jp[1]);
        close(rp[0]);
        goto fail;
    }
    x->pid[slot] = pid;
    x->rfd[slot] = rp[0];
    x->wfd[slot] = jp[1];
    x->slot_task[slot] = NONE;
    x->nprocs_started++;
    return SIM_OK;
fail:
    snprintf(x->a->error, sizeof x->a->error,
             "cannot start a process for the executor: %s", strerror(errno));
    return SIM_E_ERRNO(errno);
}

static int end_worker(sim_aexec *x, uint32_t slot, int kill_it);

/* Hands task's body to the worker in `slot`: the job goes through its
 * pipe, as ProcessPoolExecutor's call queue does. */
static int send_job(sim_aexec *x, uint32_t slot, uint32_t task)
{
    const sim_aexec_job *j = &x->jobs[task];
    job_msg m = {.task = task, .body = j->body, .t_dispatch = j->t_dispatch};
    x->slot_task[slot] = task;
    if (sim_fd_write_all(x->wfd[slot], &m, sizeof m, NULL) != 0) {
        /* Its job pipe is closed: the worker died before its result pipe's
         * end was read. Reaping it says how, as for a lost result. */
        pid_t pid = x->pid[slot];
        char how[96];
        /* (Any other failure: it may still live, and is killed.) */
        sim_format_wait_status(end_worker(x, slot, errno != EPIPE), how, sizeof how);
        snprintf(x->a->error, sizeof x->a->error, "the executor's worker process %u "
                 "(pid %d) %s before it could take task %u; the run was stopped", slot,
                 (int)pid, how, task);
        return SIM_E_LOST;
    }
    return SIM_OK;
}

static int submit_process(sim_aexec *x, uint32_t task)
{
    /* ProcessPoolExecutor._adjust_process_count: an idle worker is reused,
     * else the pool grows while below max_workers (the CPUs), else the job
     * waits for a worker to be free. */
    for (uint32_t s = 0; s < x->nprocs_started; s++)
        if (x->pid[s] != 0 && x->slot_task[s] == NONE)
            return send_job(x, s, task);
    if (x->nprocs_started < x->plan.nprocs) {
        uint32_t s = x->nprocs_started;
        int rc = start_worker(x, s);
        return rc != SIM_OK ? rc : send_job(x, s, task);
    }
    x->jobs[task].next = NONE;
    if (x->ptail != NONE)
        x->jobs[x->ptail].next = task;
    else
        x->phead = task;
    x->ptail = task;
    return SIM_OK;
}

/* Kills (when `kill_it`) or lets exit (its job pipe closed) the worker of
 * `slot`, reaps it, and frees the slot. Returns its wait status (0 when
 * there was none). */
static int end_worker(sim_aexec *x, uint32_t slot, int kill_it)
{
    int status = 0;
    if (x->pid[slot] == 0)
        return 0;
    if (x->wfd[slot] >= 0)
        close(x->wfd[slot]);
    x->wfd[slot] = -1;
    if (kill_it)
        kill(x->pid[slot], SIGKILL);
    while (waitpid(x->pid[slot], &status, 0) < 0 && errno == EINTR) {
    }
    epoll_ctl(x->epfd, EPOLL_CTL_DEL, x->rfd[slot], NULL);
    close(x->rfd[slot]);
    x->rfd[slot] = -1;
    x->pid[slot] = 0;
    return status;
}

/* ---- the loop's side ---- */

int sim_aexec_submit(sim_aexec *x, uint32_t task, const sim_op *exec)
{
    sim_aexec_job *j = &x->jobs[task];
    memset(j, 0, sizeof *j);
    j->body = (uint32_t)(exec - x->w->ops) + 1;
    j->t_dispatch = sim_rec_now(x->rec);
    int rc = exec->b == SIM_EXEC_THREAD ? submit_thread(x, task) : submit_process(x, task);
    if (rc == SIM_OK)
        x->inflight++;
    return rc;
}

static void hand_back(sim_aexec *x, uint32_t task, void (*done)(void *, uint32_t),
                      void *ctx)
{
    const sim_aexec_job *j = &x->jobs[task];
    sim_rec_flow(x->rec, 0, SIM_FL_RESULT, j->lane, j->t_end, task, sim_rec_now(x->rec));
    x->inflight--;
    done(ctx, task);
}

int sim_aexec_event(sim_aexec *x, uint64_t tag, void (*done)(void *, uint32_t),
                    void *ctx)
{
    if (tag == SIM_AEXEC_TAG_THREADS) {
        uint64_t n;
        if (read(x->evfd, &n, sizeof n) < 0 && errno != EAGAIN)
            return SIM_E_SYS;
        lock(x);
        uint32_t list = x->dhead;
        x->dhead = NONE;
        unlock(x);
        int failed = 0;
        while (list != NONE) {
            uint32_t task = list;
            list = x->jobs[task].next;
            failed |= x->jobs[task].failed;
            hand_back(x, task, done, ctx);
        }
        return failed ? SIM_E_CANCELLED : SIM_OK;
    }
    uint32_t slot = (uint32_t)(tag - SIM_AEXEC_TAG_PROC0);
    if (slot >= x->plan.nprocs || x->pid[slot] == 0)
        return SIM_OK;
    done_msg m;
    uint32_t task = x->slot_task[slot];
    int gone = sim_fd_read_all(x->rfd[slot], &m, sizeof m, NULL) != 0;
    if (gone || m.task != task || task == NONE) {
        /* Its result pipe closed: the worker is dead (killed, or it
         * crashed), and reaping it says how. A message out of place: it is
         * killed. Either way the run ends, naming it, as multiprocessing
         * names a lost worker. */
        pid_t pid = x->pid[slot];
        int status = end_worker(x, slot, !gone);
        char how[96], what[48];
        if (gone)
            sim_format_wait_status(status, how, sizeof how);
        else
            snprintf(how, sizeof how, "sent a result it did not owe");
        if (task != NONE)
            snprintf(what, sizeof what, "while running task %u", task);
        else
            snprintf(what, sizeof what, "while idle");
        snprintf(x->a->error, sizeof x->a->error, "the executor's worker process %u "
                 "(pid %d) %s %s; the run was stopped", slot, (int)pid, how, what);
        return SIM_E_LOST;
    }
    x->slot_task[slot] = NONE;
    sim_aexec_job *j = &x->jobs[task];
    j->t_end = m.t_end;
    j->cpu_ns = m.cpu_ns;
    j->lane = x->proc_lane0 + slot;
    hand_back(x, task, done, ctx);
    if (x->phead != NONE) {
        uint32_t next = x->phead;
        x->phead = x->jobs[next].next;
        if (x->phead == NONE)
            x->ptail = NONE;
        return send_job(x, slot, next);
    }
    return SIM_OK;
}

int sim_aexec_init(sim_aexec *x, sim_engine_args *a, sim_stop *stop, const sim_aexec_plan *p,
                   uint32_t gil_lane, uint32_t thread_writer0, int epfd)
{
    memset(x, 0, sizeof *x);
    x->a = a;
    x->rec = a->rec;
    x->w = a->w;
    x->plan = *p;
    x->epfd = epfd;
    x->evfd = -1;
    x->qhead = x->qtail = x->dhead = x->phead = x->ptail = NONE;
    x->gil_lane = gil_lane;
    x->thread_lane0 = gil_lane + (p->nthreads ? 1 : 0);
    x->proc_lane0 = x->thread_lane0 + p->nthreads;
    x->thread_writer0 = thread_writer0;
    x->proc_writer0 = thread_writer0 + p->nthreads;
    atomic_init(&x->quit, 0);
    x->stop = stop;
    x->jobs = calloc(a->w->ntasks, sizeof *x->jobs);
    x->threads = calloc(p->nthreads ? p->nthreads : 1, sizeof *x->threads);
    uint32_t ns = p->nprocs ? p->nprocs : 1;
    x->pid = calloc(ns, sizeof *x->pid);
    x->rfd = malloc(ns * sizeof *x->rfd);
    x->wfd = malloc(ns * sizeof *x->wfd);
    x->slot_task = calloc(ns, sizeof *x->slot_task);
    if (!x->jobs || !x->threads || !x->pid || !x->rfd || !x->wfd || !x->slot_task) {
        snprintf(a->error, sizeof a->error, "no memory for the executors");
        goto fail_mem;
    }
    for (uint32_t s = 0; s < ns; s++)
        x->rfd[s] = x->wfd[s] = -1;
    if (p->nthreads == 0)
        return SIM_OK;
    int e = sim_gil_init(&x->gil, a->cfg->switch_interval_ns, a->rec, gil_lane);
    if (e != SIM_OK) {
        snprintf(a->error, sizeof a->error, "cannot create the GIL");
        goto fail_mem;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = SIM_AEXEC_TAG_THREADS};
    x->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (x->evfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, x->evfd, &ev) != 0 ||
        pthread_mutex_init(&x->mutex, NULL) != 0) {
        snprintf(a->error, sizeof a->error, "cannot set up the thread pool: %s",
                 strerror(errno));
        goto fail_gil;
    }
    int conds = pthread_cond_init(&x->cond, NULL) == 0;
    if (conds == 1 && sim_stop_cond_init(&x->ran) == 0)
        conds = 2;
    if (conds < 2) {
        if (conds == 1)
            pthread_cond_destroy(&x->cond);
        pthread_mutex_destroy(&x->mutex);
        snprintf(a->error, sizeof a->error, "cannot set up the thread pool");
        goto fail_gil;
    }
    x->has_gil = 1;
    return SIM_OK;
fail_gil:
    if (x->evfd >= 0)
        close(x->evfd);
    sim_gil_deinit(&x->gil);
fail_mem:
    free(x->jobs);
    free(x->threads);
    free(x->pid);
    free(x->rfd);
    free(x->wfd);
    free(x->slot_task);
    memset(x, 0, sizeof *x);
    return SIM_E_NOMEM;
}

void sim_aexec_deinit(sim_aexec *x)
{
    if (!x->jobs)
        return;
    for (uint32_t s = 0; s < x->plan.nprocs; s++)
        if (x->pid[s] != 0)
            end_worker(x, s, 1);
    if (x->has_gil) {
        lock(x);
        atomic_store(&x->quit, 1);
        pthread_cond_broadcast(&x->cond);
        unlock(x);
        for (uint32_t i = 0; i < x->started; i++)
            pthread_join(x->threads[i].tid, NULL);
        pthread_cond_destroy(&x->cond);
        pthread_cond_destroy(&x->ran);
        pthread_mutex_destroy(&x->mutex);
        close(x->evfd);
        sim_gil_deinit(&x->gil);
    }
    free(x->jobs);
    free(x->threads);
    free(x->pid);
    free(x->rfd);
    free(x->wfd);
    free(x->slot_task);
    memset(x, 0, sizeof *x);
}
