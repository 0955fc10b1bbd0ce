/* threading.c - real threads, with a GIL (threading) or without (free-threading).
 *
 * Python's `threading` runs every thread as a real OS thread, and so does
 * this engine: one pthread per task (threading.Thread), or a pool of
 * --threads N that take tasks in workload order (ThreadPoolExecutor).
 *
 * Under the model `threading`, a thread must hold the GIL (gil.c) to
 * compute. A cpu step is burned in slices of about 50 us, CPython's
 * "bytecodes": between two slices the thread checks whether a waiter asked
 * for the GIL, and if so drops it and queues to take it back. An io step
 * drops the GIL around a real clock_nanosleep, as time.sleep does, so the
 * waits of many threads overlap. `yield` is time.sleep(0): drop, re-take.
 *
 * Under `free-threading` (CPython 3.13t, PEP 703) the very same threads run
 * with no GIL at all, and the OS spreads them over the cores. The engine
 * cannot see the scheduler, but it can ask where it is: at every slice it
 * reads sched_getcpu(), and when a thread finds itself on another core it
 * records the move on the core lanes. Those lanes are samples, good to
 * about a slice, not a kernel trace: a thread preempted for a while still
 * looks RUNNING on its last core.
 *
 * The threads are started as a Python program starts them, by a main
 * thread that starts them one after another and joins them: that is
 * threading_main.c; this file is the threads it starts, and the engine's
 * setting up (their shared state is in private/threading_priv.h).
 *
 * What CPython's own machinery costs is paid where it pays it (price.h,
 * costs.h): the steps' prices by the thread that runs them, under the
 * GIL (step.h); what Thread.start() costs beyond the real creation, and
 * join(), by the main thread; time.sleep(0) is a real nanosleep.
 *
 * Each thread records with its own writer (no lock on the hot path); the
 * main thread has writer 0 and marks every task READY at t = 0. Task
 * lanes: READY (waiting to be started, for the GIL or for a pool thread),
 * RUNNING (holding the GIL and burning), IO (sleeping, GIL released), DONE.
 */
#include "engine.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "estimate.h"
#include "threading_priv.h"

/* Each thread's stack: 8 MB reserved, Linux's default, as a Python thread
 * gets. The engine maps the stacks itself rather than let glibc reuse the
 * stacks of an earlier run's threads (its cache), so that every run's
 * memory measurement starts from untouched pages. */
#define STACK_BYTES (8u << 20)

static worker *worker_of(sim_task_run *r)
{
    return (worker *)((char *)r - offsetof(worker, run));
}

/* ---- free-threading: where each thread runs ---- */

static int core_lane(engine *E, int cpu)
{
    if (cpu < 0 || cpu >= MAX_CPU_IDS || E->lane_of_cpu[cpu] < 0)
        return -1;
    return E->lane_of_cpu[cpu];
}

/* Core lanes change rarely (a migration, a task starting or stopping), so a
 * mutex here costs nothing; it keeps each core lane's marks in time order
 * although several threads write them. */
static void core_leave(worker *wk, uint32_t task)
{
    engine *E = wk->E;
    int k = core_lane(E, wk->cpu);
    wk->cpu = -1;
    if (k < 0)
        return;
    sim_threading_check(pthread_mutex_lock(&E->core_mutex), "pthread_mutex_lock");
    if (E->core_owner[k] == task) {
        E->core_owner[k] = SIM_NO_TASK;
        sim_rec_state(E->rec, wk->writer, E->core_lane0 + (uint32_t)k,
                      sim_rec_now(E->rec), SIM_ST_IDLE, SIM_NO_TASK, SIM_NO_CPU);
    }
    sim_threading_check(pthread_mutex_unlock(&E->core_mutex), "pthread_mutex_unlock");
}

static void core_enter(worker *wk, uint32_t task, int cpu)
{
    engine *E = wk->E;
    if (wk->cpu >= 0)
        core_leave(wk, task);
    wk->cpu = cpu;
    int k = core_lane(E, cpu);
    if (k < 0)
        return;
    sim_threading_check(pthread_mutex_lock(&E->core_mutex), "pthread_mutex_lock");
    E->core_owner[k] = task;
    sim_rec_state(E->rec, wk->writer, E->core_lane0 + (uint32_t)k,
                  sim_rec_now(E->rec), SIM_ST_RUNNING, task, (uint16_t)cpu);
    sim_threading_check(pthread_mutex_unlock(&E->core_mutex), "pthread_mutex_unlock");
}

/* ---- a task's states ---- */

/* Becomes RUNNING: takes the GIL (threading) or a core (free-threading). */
static int run_on(worker *wk, uint32_t task)
{
    engine *E = wk->E;
    int64_t t;
    if (E->gil_mode) {
        int rc = sim_gil_take(&E->gil, wk->index, task, wk->writer, &E->stop, &t);
        if (rc != SIM_OK)
            return rc;
        wk->holding = 1;
        sim_rec_state(E->rec, wk->writer, task, t, SIM_ST_RUNNING, 0,
                      sim_current_cpu());
    } else {
        uint16_t cpu = sim_current_cpu();
        t = sim_rec_now(E->rec);
        sim_rec_state(E->rec, wk->writer, task, t, SIM_ST_RUNNING, 0, cpu);
        core_enter(wk, task, cpu == SIM_NO_CPU ? -1 : (int)cpu);
    }
    return SIM_OK;
}

/* Leaves RUNNING for `s` (READY, IO, a wait, or DONE): drops the GIL or
 * the core. */
static int step_off(worker *wk, uint32_t task, sim_state s)
{
    engine *E = wk->E;
    sim_rec_state(E->rec, wk->writer, task, sim_rec_now(E->rec), s, 0, SIM_NO_CPU);
    if (!E->gil_mode) {
        core_leave(wk, task);
        return SIM_OK;
    }
    wk->holding = 0;
    return sim_gil_drop(&E->gil, wk->index, task, wk->writer, &E->stop);
}

/* Back to RUNNING after a wait: under the GIL the thread is READY first,
 * waiting for the GIL (it may take a while: the convoy effect). */
static int back_on(worker *wk, uint32_t task)
{
    engine *E = wk->E;
    if (E->gil_mode)
        sim_rec_state(E->rec, wk->writer, task, sim_rec_now(E->rec), SIM_ST_READY, 0,
                      SIM_NO_CPU);
    return run_on(wk, task);
}

/* The switch point: a stop; under the GIL, a drop request honoured (the
 * thread queues to take the GIL back); without it, a move to another core
 * noticed and drawn. */
static int switch_point(void *ctx)
{
    worker *wk = ctx;
    engine *E = wk->E;
    int rc = sim_stop_check(&E->stop);
    if (rc != SIM_OK)
        return rc;
    if (E->gil_mode) {
        if (!sim_gil_drop_requested(&E->gil))
            return SIM_OK;
        rc = step_off(wk, wk->task, SIM_ST_READY);
        return rc != SIM_OK ? rc : run_on(wk, wk->task);
    }
    uint16_t cpu = sim_current_cpu();
    if (cpu != SIM_NO_CPU && (int)cpu != wk->cpu) {
        sim_rec_state(E->rec, wk->writer, wk->task, sim_rec_now(E->rec), SIM_ST_RUNNING, 0,
                      cpu);
        core_enter(wk, wk->task, cpu);
    }
    return SIM_OK;
}

/* ---- the steps, as threads run them (hooks of step.h) ---------------- */

/* A cpu step: slices of real work with a switch point between slices (the
 * backward jumps of compute()'s loop). The interpreter (step.h) checks the
 * eval breaker as the call begins and as it returns, so a short
 * computation between a load and a store is where a thread usually loses
 * the GIL, as in CPython. */
static int t_cpu(void *eng, sim_task_run *r, int64_t ns)
{
    engine *E = eng;
    worker *wk = worker_of(r);
    return sim_step_burn(E->a->calib, ns, E->slice_units, &wk->acc, switch_point, wk);
}

/* time.sleep(DUR): the GIL (or the core) is released around a real sleep,
 * so the waits of many threads overlap. */
static int t_io(void *eng, sim_task_run *r, int64_t ns)
{
    engine *E = eng;
    worker *wk = worker_of(r);
    int rc = step_off(wk, r->task, SIM_ST_IO);
    if (rc != SIM_OK)
        return rc;
    /* The sleep starts once the GIL is released, as in time.sleep. */
    rc = sim_stop_sleep_until(&E->stop, sim_rec_now(E->rec) + ns);
    return rc != SIM_OK ? rc : back_on(wk, r->task);
}

/* time.sleep(0): since Python 3.11 a real nanosleep(0), the GIL released
 * around it, so the kernel's timer slack (50 us by default) is paid, as
 * CPython pays it, and another thread may take the GIL meanwhile. */
static int t_yield(void *eng, sim_task_run *r)
{
    (void)eng;
    worker *wk = worker_of(r);
    int rc = step_off(wk, r->task, SIM_ST_IO);
    if (rc != SIM_OK)
        return rc;
    struct timespec zero = {0, 0};
    if (nanosleep(&zero, NULL) != 0 && errno != EINTR)
        return SIM_E_ERRNO(errno);
    return back_on(wk, r->task);
}

static _Atomic int64_t *t_var(void *eng, sim_task_run *r, uint32_t name)
{
    (void)r;
    return &((engine *)eng)->share.vars[name];
}

static void t_note(void *eng, sim_task_run *r, sim_instant what, uint32_t arg);

/* The state of a thread that waits for `op`'s object (or its own lock). */
static sim_state wait_state(const sim_share *s, const sim_op *op)
{
    return op->kind == SIM_OP_PUT ? SIM_ST_QUEUE : sim_share_wait_state(s, op);
}

/* Before a semaphore's or a queue's step: its own lock, as CPython's
 * `with self._cond:` / `with self.mutex:` takes it (share.h). Held, it
 * keeps other threads out while the step's price is paid, GIL switches
 * included; taken by a thread that lost the GIL in the middle, the thread
 * here waits for it with the GIL released, then queues for the GIL. */
static int t_enter(void *eng, sim_task_run *r, const sim_op *op)
{
    engine *E = eng;
    worker *wk = worker_of(r);
    sim_share *s = &E->share;
    if (!sim_share_has_inner(s, op))
        return SIM_OK;
    if (sim_share_inner_try(s, op)) {
        wk->inner = op->b;
        return SIM_OK;
    }
    /* A release is no position of its own (step.h), unless it waits:
     * then the view must show the task there. */
    uint32_t at = (uint32_t)(op - E->w->ops);
    if (at != r->at) {
        t_note(eng, r, SIM_IN_STEP, at);
        r->at = at;
    }
    int rc = step_off(wk, r->task, wait_state(s, op));
    if (rc == SIM_OK)
        rc = sim_share_inner_wait(s, op, &E->stop);
    if (rc == SIM_OK) {
        wk->inner = op->b;
        rc = back_on(wk, r->task);
    }
    return rc == SIM_OK ? SIM_STEP_WAITED : rc;
}

/* The end of the `with` block: the object's own lock goes. Its
 * Condition.__exit__ is Python code, and CPython checks the eval breaker
 * as it is called, the lock still held: a drop request pending now is
 * honoured here, and the thread that takes the GIL may then find the lock
 * taken (share.h). SIM_OK, SIM_STEP_WAITED (it gave the GIL up and took
 * it back) or a sim_err. */
static int leave(worker *wk)
{
    if (wk->inner == SIM_NO_NAME)
        return SIM_OK;
    engine *E = wk->E;
    int rc = SIM_OK;
    if (E->gil_mode && sim_gil_drop_requested(&E->gil)) {
        rc = switch_point(wk);
        rc = rc == SIM_OK ? SIM_STEP_WAITED : rc;
    }
    sim_share_inner_give(&E->share, wk->inner);
    wk->inner = SIM_NO_NAME;
    return rc;
}

/* lock.acquire() / sem.acquire() / q.get(): a thread that must wait gives
 * the GIL up first, as CPython's do, and queues for it again once it may
 * go on. A semaphore's or a queue's own lock is let go before the wait, as
 * Condition.wait lets it go. */
static int t_wait_for(void *eng, sim_task_run *r, const sim_op *op)
{
    engine *E = eng;
    worker *wk = worker_of(r);
    sim_share *s = &E->share;
    int done = sim_share_try(s, op, r->task, wk->writer);
    int rc = leave(wk);
    if (done || (rc != SIM_OK && rc != SIM_STEP_WAITED))
        return rc;
    rc = step_off(wk, r->task, sim_share_wait_state(s, op));
    if (rc == SIM_OK)
        rc = sim_share_wait(s, op, r->task, wk->writer, &E->stop);
    if (rc == SIM_OK)
        rc = back_on(wk, r->task);
    return rc == SIM_OK ? SIM_STEP_WAITED : rc;
}

static int t_release(void *eng, sim_task_run *r, const sim_op *op)
{
    engine *E = eng;
    sim_share_release(&E->share, op, r->task, worker_of(r)->writer);
    return leave(worker_of(r));
}

/* q.put(bytes(n)): making the item is the program's work, not concviz's
 * bookkeeping (step.h: SIM_STEP_WAITED). */
static int t_put(void *eng, sim_task_run *r, const sim_op *op)
{
    engine *E = eng;
    int rc = sim_share_put(&E->share, op, r->task, worker_of(r)->writer);
    int lrc = leave(worker_of(r));
    if (rc == SIM_OK && lrc != SIM_OK && lrc != SIM_STEP_WAITED)
        rc = lrc;
    return rc == SIM_OK ? SIM_STEP_WAITED : rc;
}

/* Turns of a loop between two looks at the core a free thread runs on: a
 * loop of `x += 1` has no cpu step whose slices would look, and without a
 * look the core lanes would show it where it began. About every 100 us of
 * CPython's turns; sched_getcpu costs tens of nanoseconds. */
#define CORE_LOOK_TURNS 1024u

/* The eval breaker at a loop's back-edge: under the GIL, a drop request
 * honoured; without it, now and then, a look at the core. */
static int t_breaker(void *eng, sim_task_run *r)
{
    engine *E = eng;
    if (!E->gil_mode) {
        worker *wk = worker_of(r);
        if (++wk->turns < CORE_LOOK_TURNS)
            return SIM_OK;
        wk->turns = 0;
        return switch_point(wk);
    }
    if (!sim_gil_drop_requested(&E->gil))
        return SIM_OK;
    int rc = switch_point(worker_of(r));
    return rc == SIM_OK ? SIM_STEP_WAITED : rc;
}

/* Where a task is and what it read or wrote (step.h): on its lane, by
 * its thread's writer. */
static void t_note(void *eng, sim_task_run *r, sim_instant what, uint32_t arg)
{
    engine *E = eng;
    sim_rec_instant(E->rec, worker_of(r)->writer, r->task, sim_rec_now(E->rec), what, arg);
}

static const sim_step_ops thread_steps = {
    .cpu = t_cpu, .io = t_io, .yield = t_yield, .var = t_var,
    .acquire = t_wait_for, .release = t_release, .put = t_put, .get = t_wait_for,
    .exec = NULL, /* thread(...) and process(...) run inline: a thread is a thread */
    .breaker = t_breaker, .enter = t_enter, .note = t_note,
};

/* The Python code of Thread.start(), paid by the new thread as CPython's
 * bootstrap runs it (Thread._bootstrap_inner, until it says it has
 * started), before its target. A start in CPython is that code
 * (thread_start_code, costs.h) and the kernel's work: clone(), the stack
 * mapped, the new thread woken and the starter woken back (the rest of
 * thread_start). concviz does the kernel's part for real, the same calls
 * in the same order (start_one, worker_main), so it costs what it costs on
 * this machine now, as in a CPython started now; charging the measured
 * thread_start instead would carry the machine's mood at calibration (on
 * the reference machine 130 to 430 us within one afternoon, while the
 * code's part stayed at 20 to 30). The program's first start costs more
 * (thread_first): code run for the first time. Only a stop interrupts
 * it: a few hundred us at most. */
static int boot_check(void *ctx)
{
    return sim_stop_check(&((engine *)ctx)->stop);
}

static int boot_burn(worker *wk, int64_t ns)
{
    engine *E = wk->E;
    return ns > 0 ? sim_step_burn(E->a->calib, ns, E->slice_units, &wk->acc, boot_check, E)
                  : SIM_OK;
}

static int boot(worker *wk)
{
    return boot_burn(wk, sim_prices_thread_start(wk->E->a->costs, wk->index == 0));
}

/* The end of the bootstrap, after the target returns (thread_exit): the
 * thread leaves threading's table of threads and its thread state is
 * cleared, Python and the interpreter's C, holding the GIL; only then can
 * join() return. CPython's thread pays it as it ends, so a thread that
 * wakes from its last wait delays whoever wants the GIL next: the main
 * thread still starting the others, say. A pool's thread runs task after
 * task and ends only at the pool's shutdown (threading_main.c), where its
 * one exit is not charged: the main thread's joins would have to wait for
 * it, and its lane would be no task's. */
static int boot_end(worker *wk)
{
    return boot_burn(wk, (int64_t)sim_cost_ns(wk->E->a->costs, SIM_COST_THREAD_EXIT));
}

static int run_task(worker *wk, uint32_t task)
{
    engine *E = wk->E;
    wk->task = task;
    sim_task_run_init(&wk->run, E->w, task);
    /* A pool's thread takes the work item, runs it and sets the future's
     * result, in Python: the task's first price (step.h's debt). */
    if (E->pool)
        wk->run.debt_ns += (float)sim_cost_ns(E->a->costs, SIM_COST_THREAD_POOL_TASK_WORKER);
    int64_t c0 = sim_thread_cpu_ns();
    int rc = SIM_OK;
    if (wk->holding) /* straight from its start, the GIL in hand */
        sim_rec_state(E->rec, wk->writer, task, sim_rec_now(E->rec), SIM_ST_RUNNING, 0,
                      sim_current_cpu());
    else
        rc = run_on(wk, task);
    if (rc == SIM_OK)
        rc = sim_step_run(&thread_steps, E, &E->stop, E->w, &E->prices, &wk->run, NULL);
    if (rc == SIM_STEP_DONE && !E->pool && (rc = boot_end(wk)) == SIM_OK)
        rc = SIM_STEP_DONE;
    if (rc == SIM_STEP_DONE) {
        int64_t cpu = sim_thread_cpu_ns() - c0;
        rc = step_off(wk, task, SIM_ST_DONE);
        sim_rec_task_cpu(E->rec, wk->writer, task, cpu);
        return rc;
    }
    /* Stopped: leave the GIL to the others, who are stopping too. */
    if (E->gil_mode && wk->holding) {
        wk->holding = 0;
        sim_gil_drop(&E->gil, wk->index, task, wk->writer, &E->stop);
    } else if (!E->gil_mode) {
        core_leave(wk, task);
    }
    return rc;
}

static void *worker_main(void *arg)
{
    worker *wk = arg;
    engine *E = wk->E;

    /* The thread's bootstrap (CPython's Thread._bootstrap) is Python code:
     * it needs the GIL before it can say it has started. */
    uint64_t task = E->pool ? atomic_fetch_add(&E->next_task, 1) : wk->index;
    if (E->gil_mode && task < E->w->ntasks) {
        int64_t t;
        wk->rc = sim_gil_take(&E->gil, wk->index, (uint32_t)task, wk->writer, &E->stop, &t);
        wk->holding = wk->rc == SIM_OK;
    }
    if (wk->rc == SIM_OK && task < E->w->ntasks)
        wk->rc = boot(wk);
    sim_threading_check(pthread_mutex_lock(&E->mutex), "pthread_mutex_lock");
    wk->started = 1;
    sim_threading_check(pthread_cond_broadcast(&E->cond), "pthread_cond_broadcast");
    sim_threading_check(pthread_mutex_unlock(&E->mutex), "pthread_mutex_unlock");

    if (wk->rc != SIM_OK || (wk->rc = sim_stop_check(&E->stop)) != SIM_OK) {
        /* the run stopped before it began */
    } else if (E->pool) {
        for (; task < E->w->ntasks; task = atomic_fetch_add(&E->next_task, 1))
            if ((wk->rc = run_task(wk, (uint32_t)task)) != SIM_OK)
                break;
    } else {
        wk->rc = run_task(wk, wk->index);
    }
    if (wk->holding) { /* stopped, or a pool with no task left for it */
        wk->holding = 0;
        sim_gil_drop(&E->gil, wk->index, (uint32_t)(task < E->w->ntasks ? task : 0),
                     wk->writer, &E->stop);
    }
    /* Whatever stopped this thread stops them all: a memory error, a
     * failed sleep, a deadlock. */
    if (wk->rc != SIM_OK)
        sim_stop_halt(&E->stop, wk->rc);
    sim_burn_sink(wk->acc);
    sim_share_thread_exit(&E->share);

    sim_threading_check(pthread_mutex_lock(&E->mutex), "pthread_mutex_lock");
    E->nfinished++;
    sim_threading_check(pthread_cond_broadcast(&E->cond), "pthread_cond_broadcast");
    sim_threading_check(pthread_mutex_unlock(&E->mutex), "pthread_mutex_unlock");
    return NULL;
}

/* ---- setting up ---- */

/* Core lane k = the k-th CPU this process may run on. */
static void map_cores(engine *E)
{
    for (int i = 0; i < MAX_CPU_IDS; i++)
        E->lane_of_cpu[i] = -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        for (uint32_t k = 0; k < E->ncores && k < MAX_CPU_IDS; k++)
            E->lane_of_cpu[k] = (int16_t)k;
        return;
    }
    uint32_t k = 0;
    for (int c = 0; c < MAX_CPU_IDS && c < CPU_SETSIZE && k < E->ncores; c++)
        if (CPU_ISSET(c, &set))
            E->lane_of_cpu[c] = (int16_t)k++;
}

/* Events thread i is expected to record (estimate.h): its task's, or,
 * in a pool, its share of all tasks' plus the largest one's. */
static uint64_t thread_events(const engine *E, uint32_t i)
{
    const sim_workload *w = E->w;
    sim_model m = E->a->model;
    if (!E->pool)
        return sim_estimate_task_events(w, sim_workload_group_of(w, i), m, E->a->cfg);
    uint64_t most = 0, all = 0;
    for (size_t k = 0; k < w->ngroups; k++) {
        uint64_t one = sim_estimate_task_events(w, &w->groups[k], m, E->a->cfg);
        most = one > most ? one : most;
        all = all + one * w->groups[k].count;
    }
    return most + all / E->nthreads;
}

static int fail(sim_engine_args *a, int rc, const char *what, int err)
{
    snprintf(a->error, sizeof a->error, "%s: %s", what, strerror(err));
    return rc;
}

static int start_recording(engine *E)
{
    sim_engine_args *a = E->a;
    uint32_t ntasks = (uint32_t)E->w->ntasks;
    uint32_t nlocks = sim_share_nlocks(E->w);
    uint32_t nres = (E->gil_mode ? 1 : E->ncores) + 1 + nlocks;
    uint32_t nw = E->nthreads + 1;
    uint8_t *kinds = malloc(nres);
    uint64_t *caps = malloc(2 * nw * sizeof *caps), *ready = caps + nw;
    if (!kinds || !caps) {
        free(kinds);
        free(caps);
        return fail(a, SIM_E_NOMEM, "cannot allocate the recording", ENOMEM);
    }
    /* The GIL (or the cores), the main thread, then the locks. */
    uint32_t nfirst = E->gil_mode ? 1 : E->ncores;
    for (uint32_t i = 0; i < nres; i++)
        kinds[i] = i >= nres - nlocks ? SIM_LANE_LOCK
                   : i == nfirst      ? SIM_LANE_MAIN
                   : E->gil_mode      ? SIM_LANE_GIL
                                      : SIM_LANE_CORE;
    E->main_lane = ntasks + nfirst;
    E->lock_lane0 = ntasks + nres - nlocks;
    uint64_t budget = a->budget_bytes > 0 ? (uint64_t)a->budget_bytes / SIM_BYTES_PER_EVENT : 0;
    caps[0] = ready[0] = ntasks + 64u + (uint32_t)E->w->nnames + 8u * E->nthreads;
    for (uint32_t i = 0; i < E->nthreads; i++) {
        ready[i + 1] = thread_events(E, i);
        caps[i + 1] = sim_estimate_writer_cap(ready[i + 1]);
    }
    sim_rec_desc d = {.model = a->model, .ntask_lanes = ntasks, .nres_lanes = nres,
                      .res_kind = kinds, .nwriters = nw, .writer_cap = caps,
                      .writer_ready = ready,
                      .calib = a->calib, .events_budget = budget};
    int e = sim_rec_init(E->rec, &d);
    free(kinds);
    free(caps);
    if (e < 0)
        return fail(a, e == -ENOMEM ? SIM_E_NOMEM : SIM_E_SYS,
                    "cannot map the recording", -e);
    atomic_store_explicit(a->publish, E->rec, memory_order_release);
    E->core_lane0 = ntasks;
    return SIM_OK;
}

static int init_sync(engine *E)
{
    if (sim_stop_cond_init(&E->cond) != 0)
        return -1;
    if (pthread_mutex_init(&E->mutex, NULL) != 0) {
        sim_threading_check(pthread_cond_destroy(&E->cond), "pthread_cond_destroy");
        return -1;
    }
    if (pthread_mutex_init(&E->core_mutex, NULL) != 0) {
        sim_threading_check(pthread_mutex_destroy(&E->mutex), "pthread_mutex_destroy");
        sim_threading_check(pthread_cond_destroy(&E->cond), "pthread_cond_destroy");
        return -1;
    }
    return 0;
}

static void deinit_sync(engine *E)
{
    sim_threading_check(pthread_mutex_destroy(&E->core_mutex), "pthread_mutex_destroy");
    sim_threading_check(pthread_mutex_destroy(&E->mutex), "pthread_mutex_destroy");
    sim_threading_check(pthread_cond_destroy(&E->cond), "pthread_cond_destroy");
}

/* ---- the threads started and joined (for threading_main.c) ---- */

/* Starts one thread on a stack of its own, with a guard page at its low
 * end (stacks grow down) as glibc would put. Returns 0 or an errno. */
static int start_thread(worker *wk)
{
    long page = sysconf(_SC_PAGESIZE);
    void *st = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (st == MAP_FAILED)
        return errno;
    pthread_attr_t attr;
    int e = mprotect(st, (size_t)page, PROT_NONE) != 0 ? errno : 0;
    if (e == 0 && (e = pthread_attr_init(&attr)) == 0) {
        e = pthread_attr_setstack(&attr, st, STACK_BYTES);
        if (e == 0)
            e = pthread_create(&wk->thread, &attr, worker_main, wk);
        sim_threading_check(pthread_attr_destroy(&attr), "pthread_attr_destroy");
    }
    if (e != 0) {
        munmap(st, STACK_BYTES);
        return e;
    }
    wk->stack = st;
    return 0;
}

int sim_threading_start_worker(engine *E, uint32_t k)
{
    worker *wk = &E->workers[k];
    *wk = (worker){.E = E, .index = k, .writer = k + 1, .cpu = -1, .inner = SIM_NO_NAME,
                   .acc = 0x9e3779b97f4a7c15ull + k};
    int e = start_thread(wk);
    return e != 0 ? fail(E->a, SIM_E_ERRNO(e), "cannot start a thread", e) : SIM_OK;
}

void sim_threading_join_worker(worker *wk)
{
    sim_threading_check(pthread_join(wk->thread, NULL), "pthread_join");
    munmap(wk->stack, STACK_BYTES);
    wk->stack = NULL;
}

int sim_threading_run(sim_engine_args *a)
{
    const sim_workload *w = a->w;
    a->error[0] = '\0';
    a->mem_per_task_bytes = -1;
    if (a->model != SIM_MODEL_THREADING && a->model != SIM_MODEL_FREE_THREADING) {
        snprintf(a->error, sizeof a->error, "threading engine asked to run %s",
                 sim_model_name(a->model));
        return SIM_E_USAGE;
    }
    uint64_t nthreads = a->cfg->threads > 0 ? (uint64_t)a->cfg->threads : w->ntasks;
    if (nthreads > w->ntasks)
        nthreads = w->ntasks;
    if (w->ntasks == 0 || w->ntasks > SIM_MAX_TASKS || nthreads > SIM_MAX_THREADS) {
        snprintf(a->error, sizeof a->error, "%llu threads for %llu tasks is out of range",
                 (unsigned long long)nthreads, (unsigned long long)w->ntasks);
        return SIM_E_USAGE;
    }

    engine *E = calloc(1, sizeof *E);
    if (!E)
        return fail(a, SIM_E_NOMEM, "cannot allocate the engine", ENOMEM);
    E->a = a;
    E->rec = a->rec;
    E->w = w;
    E->gil_mode = a->model == SIM_MODEL_THREADING;
    E->nthreads = (uint32_t)nthreads;
    E->pool = a->cfg->threads > 0;
    E->ncores = a->cpus > 0 ? (uint32_t)a->cpus : 1;
    atomic_init(&E->next_task, 0);
    E->slice_units = sim_calib_units(a->calib, SIM_STEP_SLICE_NS);
    map_cores(E);

    int rc = start_recording(E);
    if (rc != SIM_OK) {
        free(E);
        return rc;
    }
    sim_stop_init(&E->stop, a->cancel, a->cfg->timeout_ns, E->rec);
    if ((rc = sim_prices_init(&E->prices, w, a->model, a->costs, a->calib)) != SIM_OK) {
        sim_rec_finish(a->rec, 0, rc);
        free(E);
        return fail(a, rc, "cannot price the steps", ENOMEM);
    }
    int sync_ok = 0, gil_ok = 0, share_ok = 0;
    E->workers = calloc(E->nthreads, sizeof *E->workers);
    E->core_owner = malloc(E->ncores * sizeof *E->core_owner);
    if (!E->workers || !E->core_owner) {
        rc = fail(a, SIM_E_NOMEM, "cannot allocate the threads", ENOMEM);
        goto out;
    }
    for (uint32_t k = 0; k < E->ncores; k++)
        E->core_owner[k] = SIM_NO_TASK;
    if (init_sync(E) != 0) {
        rc = fail(a, SIM_E_SYS, "cannot create a mutex", EAGAIN);
        goto out;
    }
    sync_ok = 1;
    if (sim_share_init(&E->share, w, E->rec, E->lock_lane0, 1, E->nthreads) != SIM_OK) {
        rc = fail(a, SIM_E_NOMEM, "cannot set up the shared state", ENOMEM);
        goto out;
    }
    share_ok = 1;
    if (E->gil_mode) {
        if (sim_gil_init(&E->gil, a->cfg->switch_interval_ns, E->rec, (uint32_t)w->ntasks) != 0) {
            rc = fail(a, SIM_E_SYS, "cannot create the GIL", EAGAIN);
            goto out;
        }
        gil_ok = 1;
    }
    rc = sim_threading_main_run(E);

out:;
    int64_t end = sim_rec_now(E->rec);
    if (share_ok) {
        sim_share_finish(&E->share, 0);
        sim_share_deinit(&E->share);
    }
    if (gil_ok)
        sim_gil_deinit(&E->gil);
    if (sync_ok)
        deinit_sync(E);
    free(E->core_owner);
    free(E->workers);
    sim_prices_deinit(&E->prices);
    free(E);
    sim_rec_finish(a->rec, end, rc);
    return rc;
}
