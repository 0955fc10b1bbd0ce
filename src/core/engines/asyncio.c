/* asyncio.c - one thread, one event loop, tasks that switch only at await.
 *
 * This is Python's asyncio reduced to its skeleton, run for real:
 *
 *   - A task is a coroutine: here a tiny struct (where it is in its program,
 *     a timer-heap node, a queue link). It has no stack of its own, just as
 *     a Python coroutine keeps its frame on the heap, so a waiting task
 *     costs about a hundred bytes and a million of them fit easily.
 *   - The ready queue is first in, first out; at the start it holds every
 *     task in workload order (asyncio.gather schedules them so).
 *   - A running task keeps the loop until it awaits: `cpu` steps run to the
 *     end and nobody else runs meanwhile, `io` and `yield` give the loop up.
 *   - When nothing is ready, the loop sleeps in one blocking call, epoll,
 *     until the nearest timer, as asyncio's selector does: its timeout is
 *     in whole milliseconds, rounded up (selectors.EpollSelector), so a
 *     100 us sleep takes at least 1 ms, in CPython as here. It never
 *     spins.
 *
 * Each pass of the loop (asyncio's _run_once) first moves the expired
 * timers to the ready queue, then runs the tasks that were ready at that
 * moment; tasks made ready by this pass run in the next one. A timer that
 * expired while a cpu step held the loop marks its task READY at the
 * deadline, not when the loop noticed: the task was waiting for the loop
 * since then, and that wait is the lesson "a CPU step blocks everyone".
 *
 * Shared state (share.c) needs no lock here, as in Python: only one task
 * runs at a time, and it is switched only at an await. `inc`, and a
 * `load` ... `store` with no io or yield between, lose nothing. A lock,
 * a semaphore or a queue is asyncio's: a task that must wait joins the
 * name's FIFO of waiters and gives the loop up; a release or a put hands
 * the lock, the permit or the item straight to the first waiter and makes
 * it ready. When nothing is ready, no timer is pending and tasks still
 * wait, nothing can ever wake them: a deadlock, reported as such.
 *
 * What CPython's own machinery costs (price.h, costs.h) is paid where it
 * pays it: the steps' own prices by the task that runs them (step.h);
 * making the loop (asyncio.run's start) and creating and gathering every
 * task, by the loop before its first pass; each pass of the loop
 * (_run_once's own work), by the loop, once per pass that runs tasks;
 * a wait for a lock, a semaphore or a queue's item (the future), by the
 * waiter as it runs again;
 * shutting the loop down, by the loop after the last task is done. The loop's own work shows on its lane as running no
 * task; under an executor's GIL, the loop holds the GIL for it.
 *
 * Limits, said plainly: the loop is the caller's thread; a task's measured
 * CPU time covers its cpu steps only (the loop's own bookkeeping, well under
 * a microsecond per switch, is not charged to tasks, so that a million
 * waits do not cost two million clock system calls).
 */
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "aexec.h"
#include "asyncio_rec.h"
#include "estimate.h"
#include "gcsim.h"
#include "mainheap.h"
#include "pages.h"
#include "price.h"
#include "step.h"
#include "stop.h"
#include "share.h"
#include "timerq.h"

/* One coroutine. Keep it small: it is all a waiting task costs. */
typedef struct atask {
    sim_timer timer;      /* io: when the wait ends (ns from the run's start) */
    struct atask *next;   /* in the ready queue, or in a name's waiters */
    int64_t cpu_ns;       /* CPU time of its cpu steps so far */
    sim_task_run run;     /* where it is in its program (step.h) */
} atask;
/* Two cache lines: a million waiting coroutines are 128 MB. What one
 * thread shares among its tasks (the own-work account, step.h) lives in
 * the loop, not here. */
_Static_assert(sizeof(atask) <= 128, "a coroutine grew past two cache lines");

enum {
    MAX_SLEEP_NS = SIM_STOP_POLL_NS, /* wake at least this often to notice a stop */
};

typedef struct loop {
    sim_engine_args *a;
    sim_rec *rec;
    const sim_workload *w;
    sim_stop stop;             /* cancel, --timeout, or a failure (stop.h) */
    sim_prices prices;         /* what CPython charges for each step (price.h) */
    int64_t mark;              /* the loop thread's own-work account (step.h) */
    atask *tasks;
    uint64_t ntasks, ndone;
    uint32_t *ended;           /* per block of the tasks' array: tasks that ended */
    atask *head, *tail;        /* the ready queue */
    uint64_t nready;
    sim_timerq timers;         /* the tasks waiting for io (timerq.h) */
    uint32_t loop_lane;
    int idle;                  /* the loop lane shows IDLE */
    int epfd;
    uint64_t slice_units;
    uint64_t acc;              /* folds every burn's result */
    uint32_t running;          /* the task the loop runs now */
    int64_t t_switch;          /* when the task just run gave the loop back (awaited or
                                  ended), if nothing has happened since; else -1 */
    sim_share share;           /* variables, locks, semaphores, queues */
    atask **whead, **wtail;    /* per name: tasks waiting for it, first in first out */
    uint64_t nwaiting;
    const sim_op **wop;        /* per name: an op that waits for it (to ask "ready?") */
    sim_mainheap heap;         /* big queue items, as CPython's main heap holds them */
    int has_exec;              /* thread(...) or process(...) in the workload */
    sim_aexec x;               /* their executors (aexec.c) */
    sim_gcsim gc;              /* CPython's garbage collector, counted (gcsim.h) */
} loop;

static atask *task_of(sim_timer *n)
{
    return (atask *)((char *)n - offsetof(atask, timer));
}

static atask *atask_of(sim_task_run *r)
{
    return (atask *)((char *)r - offsetof(atask, run));
}

static void push_ready(loop *L, atask *t)
{
    t->next = NULL;
    if (L->tail)
        L->tail->next = t;
    else
        L->head = t;
    L->tail = t;
    L->nready++;
}

static atask *pop_ready(loop *L)
{
    atask *t = L->head;
    L->head = t->next;
    if (!L->head)
        L->tail = NULL;
    L->nready--;
    return t;
}

/* With a thread pool, the loop runs Python code only while it holds the
 * GIL, as CPython's loop thread does: it takes it to run a task (thread
 * id 0 for the GIL) and drops it when the task awaits, so it never holds
 * it while it sleeps in epoll. Between tasks of one pass it lets it go
 * too: a switch there is one CPython could also make. */
static int gil_take(loop *L, uint32_t id)
{
    int64_t t;
    if (!L->x.has_gil)
        return SIM_OK;
    L->t_switch = -1; /* it may wait */
    int rc = sim_gil_take(&L->x.gil, 0, id, 0, &L->stop, &t);
    L->mark = sim_prices_clock(&L->prices); /* a wait is not the loop's work */
    return rc;
}

static void gil_drop(loop *L, uint32_t id)
{
    if (L->x.has_gil)
        sim_gil_drop(&L->x.gil, 0, id, 0, &L->stop);
}

/* The loop's switch point between two slices of computation: a stop, or
 * an executor thread asking for the GIL. Then it lets it have it, and
 * queues to take it back (the task is READY meanwhile: runnable, waiting
 * for the GIL). */
static int between(void *ctx)
{
    loop *L = ctx;
    int rc = sim_stop_check(&L->stop);
    if (rc != SIM_OK || !L->x.has_gil || !sim_gil_drop_requested(&L->x.gil))
        return rc;
    uint32_t id = L->running; /* SIM_NO_TASK: the loop's own work */
    if (id != SIM_NO_TASK)
        sim_rec_state(L->rec, 0, id, sim_rec_now(L->rec), SIM_ST_READY, 0, SIM_NO_CPU);
    gil_drop(L, id);
    rc = gil_take(L, id);
    if (rc == SIM_OK && id != SIM_NO_TASK)
        sim_rec_state(L->rec, 0, id, sim_rec_now(L->rec), SIM_ST_RUNNING, 0, SIM_NO_CPU);
    return rc;
}

/* ---- the steps, as asyncio runs them (hooks of step.h) ---------------- */

/* A cpu step: real work, the loop blocked for all of it. */
static int s_cpu(void *eng, sim_task_run *r, int64_t ns)
{
    loop *L = eng;
    atask *t = atask_of(r);
    /* Reading this thread's CPU clock is a system call (about a
     * microsecond): worth it around a real computation, not around the
     * few microseconds of CPython's costs of a step (under 50 us), counted
     * as charged. */
    if (ns < 50000) {
        t->cpu_ns += ns;
        return sim_step_burn(L->a->calib, ns, L->slice_units, &L->acc, between, L);
    }
    int64_t c0 = sim_thread_cpu_ns();
    int rc = sim_step_burn(L->a->calib, ns, L->slice_units, &L->acc, between, L);
    t->cpu_ns += sim_thread_cpu_ns() - c0;
    return rc;
}

/* A switch is one instant. The task that awaits gives the loop back at
 * the time its await is recorded, and the next task of the same pass
 * starts then: only popping the ready queue lies between, a few
 * nanoseconds. So the clock is read once per switch, not twice: on this
 * machine reading it (the CPU's time-stamp counter) costs more than
 * storing the event. Whatever else the loop does in between (a wait for
 * the GIL, a pass's own work, timers, giving memory back) forgets the
 * time, and the next task reads the clock again. */
static int64_t gave_back(loop *L)
{
    L->t_switch = sim_rec_now(L->rec);
    return L->t_switch;
}

static int64_t switch_time(loop *L)
{
    int64_t t = L->t_switch >= 0 ? L->t_switch : sim_rec_now(L->rec);
    L->t_switch = -1;
    return t;
}

/* The task awaits: an AWAIT mark, and from now on `state`. */
static void await_as(loop *L, uint32_t id, sim_state state)
{
    sim_rec_await(L->rec, 0, id, gave_back(L), state);
}

/* await asyncio.sleep(DUR): a timer, and the loop goes on. */
static int s_io(void *eng, sim_task_run *r, int64_t ns)
{
    loop *L = eng;
    atask *t = atask_of(r);
    int64_t now = gave_back(L);
    sim_rec_await(L->rec, 0, r->task, now, SIM_ST_IO);
    sim_timerq_add(&L->timers, &t->timer, now, ns);
    return SIM_STEP_PARKED;
}

/* await asyncio.sleep(0): back of the ready queue. */
static int s_yield(void *eng, sim_task_run *r)
{
    loop *L = eng;
    await_as(L, r->task, SIM_ST_READY);
    push_ready(L, atask_of(r));
    return SIM_STEP_PARKED;
}

static _Atomic int64_t *s_var(void *eng, sim_task_run *r, uint32_t name)
{
    (void)r;
    return &((loop *)eng)->share.vars[name];
}

/* Hands name b to its first waiters while it can take them (a release
 * frees one lock; a put feeds one get; a semaphore may free several). */
static void wake_waiters(loop *L, uint32_t b)
{
    while (L->whead[b] && sim_share_ready(&L->share, L->wop[b])) {
        atask *t = L->whead[b];
        L->whead[b] = t->next;
        if (!L->whead[b])
            L->wtail[b] = NULL;
        L->nwaiting--;
        uint32_t id = t->run.task;
        L->share.waits[id] = SIM_NO_NAME;
        sim_share_take(&L->share, L->wop[b], id, 0);
        sim_rec_state(L->rec, 0, id, sim_rec_now(L->rec), SIM_ST_READY, 0, SIM_NO_CPU);
        push_ready(L, t);
    }
}

/* `async with lock` / `await q.get()`: free and nobody queued before us,
 * no await happens at all; else the task joins the name's FIFO. */
static int s_wait_for(void *eng, sim_task_run *r, const sim_op *op)
{
    loop *L = eng;
    sim_share *s = &L->share;
    uint32_t b = op->b;
    if (!L->whead[b] && sim_share_ready(s, op)) {
        sim_share_take(s, op, r->task, 0);
        return SIM_OK;
    }
    await_as(L, r->task, sim_share_wait_state(s, op));
    /* What CPython's waiting costs beyond the operation (a future made and
     * awaited, resolved by the task that frees the name, the wake-up) is
     * the waiter's debt, paid as it runs again (step.h). */
    r->debt_ns += (float)L->prices.wait_ns;
    atask *t = atask_of(r);
    L->wop[b] = op;
    t->next = NULL;
    if (L->wtail[b])
        L->wtail[b]->next = t;
    else
        L->whead[b] = t;
    L->wtail[b] = t;
    L->nwaiting++;
    s->waits[r->task] = b;
    return SIM_STEP_PARKED;
}

static int s_release(void *eng, sim_task_run *r, const sim_op *op)
{
    loop *L = eng;
    sim_share_release(&L->share, op, r->task, 0);
    wake_waiters(L, op->b);
    return SIM_OK;
}

static int s_put(void *eng, sim_task_run *r, const sim_op *op)
{
    loop *L = eng;
    int rc = sim_share_put(&L->share, op, r->task, 0);
    if (rc != SIM_OK)
        return rc;
    wake_waiters(L, op->b);
    /* The item's bytes were made: the program's work (step.h). */
    return SIM_STEP_WAITED;
}

/* await asyncio.to_thread(f) / loop.run_in_executor(pool, f): the task
 * awaits a future and needs no CPU of the loop, so its lane shows
 * SIM_ST_IO, as for any other await of I/O. The body is the executor's.
 * Beyond the round trip (the step's price), the task computes what
 * CPython does to hand a call to the thread pool: the first call makes
 * the default executor; a call that grows the pool makes a Thread and
 * starts it (ThreadPoolExecutor._adjust_thread_count), the kernel's part
 * done for real by the submission, which waits as start() does. */
static int s_exec(void *eng, sim_task_run *r, const sim_op *op)
{
    loop *L = eng;
    int rc = SIM_OK;
    if (op->b == SIM_EXEC_THREAD) {
        int64_t ns = 0;
        if (L->x.started == 0) { /* the executor first, then its first thread */
            ns = (int64_t)sim_cost_ns(L->a->costs, SIM_COST_DEFAULT_EXECUTOR);
            if (ns > 0)
                rc = s_cpu(L, r, ns);
        }
        uint32_t had = L->x.started;
        if (rc == SIM_OK)
            rc = sim_aexec_submit(&L->x, r->task, op);
        ns = L->x.started > had
                 ? (int64_t)sim_cost_ns(L->a->costs, SIM_COST_THREAD_NEW) +
                       sim_prices_thread_start(L->a->costs, L->x.started == 1)
                 : 0;
        if (rc == SIM_OK && ns > 0)
            rc = s_cpu(L, r, ns);
    } else {
        rc = sim_aexec_submit(&L->x, r->task, op);
    }
    await_as(L, r->task, SIM_ST_IO);
    r->cur.pc = (uint32_t)op->a;
    L->t_switch = -1; /* the submission took system calls: the next task reads the clock */
    return rc != SIM_OK ? rc : SIM_STEP_PARKED;
}

/* At a loop's back-edge: nothing to check but an executor thread asking
 * for the GIL (a coroutine switches only at await). */
static int s_breaker(void *eng, sim_task_run *r)
{
    loop *L = eng;
    (void)r;
    if (!L->x.has_gil || !sim_gil_drop_requested(&L->x.gil))
        return SIM_OK;
    int rc = between(L); /* the loop waited for the GIL: not its own work (step.h) */
    return rc == SIM_OK ? SIM_STEP_WAITED : rc;
}

/* A task's life (asyncio_task) is paid in two parts: as it is made and
 * gathered, before the loop runs, and as it ends (asyncio_task_end: its
 * coroutine returns, its result is set, gather's callback runs), after
 * its waits. Paid all at the start, the end of ten thousand sleeping
 * tasks would delay the first wake-up instead of following each. */
static double task_end_ns(const sim_costs *c)
{
    double end = sim_cost_ns(c, SIM_COST_ASYNCIO_TASK_END);
    double all = sim_cost_ns(c, SIM_COST_ASYNCIO_TASK);
    return end < all ? end : all;
}

static double task_begin_ns(const sim_costs *c)
{
    return sim_cost_ns(c, SIM_COST_ASYNCIO_TASK) - task_end_ns(c);
}

static int s_end(void *eng, sim_task_run *r)
{
    loop *L = eng;
    atask *t = atask_of(r);
    /* The task's end, and what it allocates as it finishes (its result
     * set, its callbacks scheduled), which can start a collection that
     * CPython runs right there, in the task's last step: the task computes
     * both (holding the GIL the loop holds while it runs a task), then
     * ends. */
    int64_t gc = sim_gcsim_alloc(&L->gc, L->gc.p ? L->gc.p->task_end_objects : 0.0) +
                 (int64_t)task_end_ns(L->a->costs);
    if (gc > 0) {
        int rc = s_cpu(eng, r, gc);
        L->mark = sim_prices_clock(&L->prices); /* not concviz's own work */
        if (rc != SIM_OK)
            return rc;
    }
    sim_rec_state(L->rec, 0, r->task, gave_back(L), SIM_ST_DONE, 0, SIM_NO_CPU);
    if (t->cpu_ns > 0) /* zero is what a DONE without it means */
        sim_rec_task_cpu(L->rec, 0, r->task, t->cpu_ns);
    L->ndone++;
    return SIM_OK;
}

/* Where a task is and what it read or wrote (step.h): on its lane. */
static void s_note(void *eng, sim_task_run *r, sim_instant what, uint32_t arg)
{
    loop *L = eng;
    sim_rec_instant(L->rec, 0, r->task, sim_rec_now(L->rec), what, arg);
}

static const sim_step_ops loop_steps = {
    .cpu = s_cpu, .io = s_io, .yield = s_yield, .var = s_var,
    .acquire = s_wait_for, .release = s_release, .put = s_put, .get = s_wait_for,
    .exec = s_exec, .breaker = s_breaker, .end = s_end, .note = s_note,
};

/* The loop's own work, as CPython's event loop does it in Python: `ns`
 * of real computation on the loop's thread, its lane running no task,
 * under the GIL when executor threads share one; less what concviz's own
 * loop took since the account's mark (step.h): popping timers, recording
 * events, its trips through epoll. */
static int loop_work(loop *L, int64_t ns)
{
    int64_t now = sim_prices_clock(&L->prices);
    ns -= now - L->mark;
    L->mark = now;
    if (ns <= 0)
        return SIM_OK;
    sim_rec_state(L->rec, 0, L->loop_lane, sim_rec_now(L->rec), SIM_ST_RUNNING, SIM_NO_TASK,
                  SIM_NO_CPU);
    L->idle = 0;
    L->running = SIM_NO_TASK;
    int rc = gil_take(L, SIM_NO_TASK);
    if (rc != SIM_OK)
        return rc;
    rc = sim_step_burn(L->a->calib, ns, L->slice_units, &L->acc, between, L);
    gil_drop(L, SIM_NO_TASK);
    L->mark = sim_prices_clock(&L->prices);
    return rc;
}

/* A finished task gives its memory back, as Python frees a finished
 * coroutine: a block of the tasks' array whose every task ended is
 * discarded (pages.h). However the tasks end, a million of them free
 * their 128 MB as they go, while the trace grows. */
static size_t task_bytes(const loop *L) { return (size_t)L->ntasks * sizeof(atask); }

static void task_ended(loop *L, uint64_t i)
{
    if (sim_pages_done(L->tasks, L->ntasks, sizeof(atask), L->ended, i))
        L->t_switch = -1; /* a system call: the next task reads the clock */
}

/* Runs one task from the loop until it awaits or ends. */
static int run_task(loop *L, atask *t)
{
    uint32_t id = t->run.task;
    sim_rec_run(L->rec, 0, id, switch_time(L), L->loop_lane, SIM_NO_CPU);
    L->idle = 0;
    L->running = id;
    /* One thread, one own-work account for all its tasks (step.h). */
    int rc = sim_step_run(&loop_steps, L, &L->stop, L->w, &L->prices, &t->run, &L->mark);
    if (rc == SIM_STEP_DONE)
        task_ended(L, id);
    return rc == SIM_STEP_PARKED || rc == SIM_STEP_DONE ? SIM_OK : rc;
}

/* Nothing ready, no timer pending, and tasks still wait: a deadlock. */
static int deadlocked(loop *L)
{
    for (uint64_t i = 0; i < L->ntasks; i++)
        if (L->share.waits[i] != SIM_NO_NAME) {
            sim_share_explain(&L->share, (uint32_t)i, 0, 0);
            sim_rec_instant(L->rec, 0, (uint32_t)i, sim_rec_now(L->rec), SIM_IN_DEADLOCK, 0);
            break;
        }
    snprintf(L->a->error, sizeof L->a->error, "deadlock: %.200s", L->share.why);
    return SIM_E_DEADLOCK;
}

/* Moves every timer due by `now` to the ready queue, earliest first. */
static void fire_timers(loop *L, int64_t now)
{
    sim_timer *n;
    while ((n = sim_timerq_min(&L->timers)) && n->deadline <= now) {
        atask *t = task_of(sim_timerq_pop(&L->timers));
        sim_rec_state(L->rec, 0, (uint32_t)(t - L->tasks), n->deadline,
                      SIM_ST_READY, 0, SIM_NO_CPU);
        push_ready(L, t);
    }
}

/* An executor finished task `task`'s body: the task is ready again. */
static void exec_done(void *ctx, uint32_t task)
{
    loop *L = ctx;
    atask *t = &L->tasks[task];
    t->cpu_ns += L->x.jobs[task].cpu_ns; /* the work was the task's */
    sim_rec_state(L->rec, 0, task, sim_rec_now(L->rec), SIM_ST_READY, 0, SIM_NO_CPU);
    push_ready(L, t);
}

/* One epoll_wait of at most `ms`: the executors' eventfd and pipes.
 * Returns 0, or -errno; an executor's failure fills the error and returns
 * -EPIPE. */
static int poll_events(loop *L, int ms)
{
    struct epoll_event ev[8];
    int n = epoll_wait(L->epfd, ev, 8, ms);
    if (ms != 0)
        L->mark = sim_prices_clock(&L->prices); /* it slept: not the loop's work */
    if (n < 0 && errno != EINTR)
        return -errno;
    for (int i = 0; i < n; i++)
        if (sim_aexec_event(&L->x, ev[i].data.u64, exec_done, L) != SIM_OK)
            return -EPIPE;
    return 0;
}

/* The loop's one blocking call: epoll_wait until the nearest deadline, in
 * whole milliseconds rounded up, as CPython's selector computes it
 * (`math.ceil(timeout * 1e3) * 1e-3`), but never longer than MAX_SLEEP_NS
 * at a time, so that a stop is seen. */
static int sleep_until(loop *L, int64_t deadline)
{
    int64_t left = deadline - sim_rec_now(L->rec);
    if (left > MAX_SLEEP_NS)
        left = MAX_SLEEP_NS;
    int ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
    return poll_events(L, ms);
}

static int poll_failed(loop *L, int e)
{
    int why = sim_stop_check(&L->stop);
    if (why)
        return why;
    if (e != -EPIPE || !L->a->error[0])
        snprintf(L->a->error, sizeof L->a->error,
                 "the event loop's wait failed: %s", strerror(-e));
    return e == -EPIPE ? SIM_E_SYS : e;
}

static int run_loop(loop *L)
{
    int rc;
    for (;;) {
        if ((rc = sim_stop_check(&L->stop)) != SIM_OK)
            return rc;
        int busy = L->has_exec && L->x.inflight > 0;
        /* Like _run_once: with work out in executors, look at the
         * selector without blocking, so that a result is not starved. */
        if (busy && L->nready > 0 && (rc = poll_events(L, 0)) < 0)
            return poll_failed(L, rc);
        fire_timers(L, sim_rec_now(L->rec));
        if (L->nready > 0) {
            /* One iteration of CPython's loop (_run_once) costs its own
             * work, shared by the tasks it runs. */
            if ((rc = loop_work(L, (int64_t)sim_cost_ns(L->a->costs,
                                                        SIM_COST_ASYNCIO_ITERATION))) != SIM_OK)
                return rc;
            /* Only those ready now; the ones they make ready wait a pass. */
            L->t_switch = -1;
            for (uint64_t todo = L->nready; todo > 0; todo--) {
                atask *t = pop_ready(L);
                uint32_t id = t->run.task;
                if ((rc = gil_take(L, id)) != SIM_OK)
                    return rc;
                rc = run_task(L, t);
                gil_drop(L, id);
                if (rc == SIM_OK)
                    rc = sim_stop_flags(&L->stop);
                if (rc != SIM_OK)
                    return rc;
            }
            continue;
        }
        sim_timer *n = sim_timerq_min(&L->timers);
        /* A task awaiting its executor is not stuck: the executor runs. */
        if (!n && !busy && L->nwaiting > 0)
            return deadlocked(L);
        if (!n && !busy)
            return SIM_OK; /* nothing ready, nothing waiting: all done */
        if (!L->idle) {
            sim_rec_state(L->rec, 0, L->loop_lane, sim_rec_now(L->rec), SIM_ST_IDLE,
                          SIM_NO_TASK, SIM_NO_CPU);
            L->idle = 1;
        }
        int64_t wake = n ? n->deadline : sim_rec_now(L->rec) + MAX_SLEEP_NS;
        if (L->stop.deadline > 0 && wake > L->stop.deadline)
            wake = L->stop.deadline;
        int e = sleep_until(L, wake);
        if (e < 0)
            return poll_failed(L, e);
    }
}

/* One timer queue per duration of the workload's io steps (timerq.h):
 * each is then sorted by itself, as the clock only goes forward. */
static int init_timers(loop *L)
{
    const sim_workload *w = L->w;
    int64_t *durs = malloc((w->nops ? w->nops : 1) * sizeof *durs);
    uint32_t n = 0;
    for (size_t i = 0; durs && i < w->nops; i++)
        if (w->ops[i].kind == SIM_OP_IO)
            durs[n++] = w->ops[i].a;
    int e = durs ? sim_timerq_init(&L->timers, durs, n) : -1;
    free(durs);
    if (e == 0)
        return SIM_OK;
    snprintf(L->a->error, sizeof L->a->error, "asyncio: no memory for the timers");
    return SIM_E_NOMEM;
}

/* Address space for the big items' heap: only what is written becomes
 * memory, and the run's budget bounds that (sim_rec_hold). */
#define MAINHEAP_RESERVE ((size_t)64 << 30)

static int big_items(const sim_workload *w)
{
    for (size_t i = 0; i < w->nops; i++)
        if (w->ops[i].kind == SIM_OP_PUT && (size_t)w->ops[i].a >= SIM_MAINHEAP_MIN)
            return 1;
    return 0;
}

int sim_asyncio_run(sim_engine_args *a)
{
    const sim_workload *w = a->w;
    loop L = {.a = a, .rec = a->rec, .w = w, .ntasks = w->ntasks, .epfd = -1, .t_switch = -1,
              .acc = 0x9e3779b97f4a7c15ull};
    a->mem_per_task_bytes = (int64_t)sizeof(atask);
    a->error[0] = '\0';
    if (w->ntasks == 0 || w->ntasks > SIM_MAX_TASKS) {
        snprintf(a->error, sizeof a->error, "%llu tasks is out of range",
                 (unsigned long long)w->ntasks);
        return SIM_E_USAGE;
    }

    sim_aexec_plan plan;
    sim_aexec_plan_for(w, a->cpus, &plan);
    if (plan.nprocs > SIM_MAX_WORKERS)
        plan.nprocs = SIM_MAX_WORKERS;
    L.has_exec = plan.nthreads > 0 || plan.nprocs > 0;
    int e = sim_asyncio_rec_init(a, &plan);
    if (e != SIM_OK)
        return e;
    atomic_store_explicit(a->publish, a->rec, memory_order_release);
    sim_stop_init(&L.stop, a->cancel, a->cfg->timeout_ns, a->rec);
    L.loop_lane = (uint32_t)w->ntasks;

    int rc = SIM_OK, share_ok = 0;
    /* A million tasks are 130 MB: a mapping of their own (pages.h), given
     * back as blocks of them end. */
    L.tasks = sim_pages_alloc(task_bytes(&L));
    L.ended = calloc(sim_pages_blocks(task_bytes(&L)), sizeof *L.ended);
    size_t nn = w->nnames ? w->nnames : 1;
    L.whead = calloc(nn, sizeof *L.whead);
    L.wtail = calloc(nn, sizeof *L.wtail);
    L.wop = calloc(nn, sizeof *L.wop);
    if (L.whead && L.wtail && L.wop &&
        sim_share_init(&L.share, w, a->rec, L.loop_lane + 1, 0, 0) == SIM_OK) {
        share_ok = 1;
        /* Big items come from a heap that behaves as the main thread's
         * does in CPython (mainheap.h), its mmap threshold where the
         * program's imports left it (the profile's); without one, from
         * calloc. */
        if (big_items(w) && sim_mainheap_init(&L.heap, MAINHEAP_RESERVE) == 0) {
            if (a->costs && a->costs->asyncio_mmap_threshold > 0)
                sim_mainheap_raise_threshold(&L.heap,
                                             sizeof(sim_qitem) +
                                                 (size_t)a->costs->asyncio_mmap_threshold);
            L.share.heap = &L.heap;
        }
    }
    if (!L.tasks || !L.ended || !share_ok) {
        snprintf(a->error, sizeof a->error, "no memory for %llu tasks",
                 (unsigned long long)w->ntasks);
        rc = SIM_E_NOMEM;
        goto out;
    }
    L.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (L.epfd < 0) {
        snprintf(a->error, sizeof a->error, "cannot set up the event loop: %s",
                 strerror(errno));
        rc = SIM_E_ERRNO(errno);
        goto out;
    }
    if (L.has_exec &&
        (rc = sim_aexec_init(&L.x, a, &L.stop, &plan, L.loop_lane + 1 + sim_share_nlocks(w), 1,
                             L.epfd)) != SIM_OK)
        goto out;
    if ((rc = init_timers(&L)) != SIM_OK)
        goto out;
    L.slice_units = sim_calib_units(a->calib, SIM_STEP_SLICE_NS);

    /* asyncio.gather: every task scheduled, in order, before the loop runs. */
    for (size_t g = 0; g < w->ngroups; g++) {
        const sim_group *gr = &w->groups[g];
        sim_task_run first;
        sim_task_run_init(&first, w, (uint32_t)gr->first_task);
        for (uint64_t i = 0; i < gr->count; i++) {
            L.tasks[gr->first_task + i].run = first;
            L.tasks[gr->first_task + i].run.task = (uint32_t)(gr->first_task + i);
        }
    }
    if ((rc = sim_prices_init(&L.prices, w, SIM_MODEL_ASYNCIO, a->costs, a->calib)) != SIM_OK)
        goto out;
    sim_rec_start_clock(a->rec);
    L.mark = sim_prices_clock(&L.prices);
    sim_rec_state_range(a->rec, 0, 0, (uint32_t)w->ntasks, 0, SIM_ST_READY, 0);
    for (uint64_t i = 0; i < w->ntasks; i++)
        push_ready(&L, &L.tasks[i]);
    /* asyncio.run makes the loop, then main() creates every task and
     * gathers them before any runs; once they are done, asyncio.run shuts
     * the loop down. */
    double create = sim_cost_ns(a->costs, SIM_COST_ASYNCIO_RUN_START) +
                    task_begin_ns(a->costs) * (double)w->ntasks;
    /* ...and each task's objects, which start the garbage collector's
     * collections as they pile up: a full one looks at all of them. */
    sim_gcsim_init(&L.gc, a->costs ? &a->costs->gc : NULL);
    for (size_t g = 0; L.gc.p && g < w->ngroups; g++) {
        /* A task that sleeps holds its sleep's future and timer meanwhile. */
        double each = w->groups[g].io_ns > 0 ? L.gc.p->task_objects
                                             : L.gc.p->task_ready_objects;
        create += (double)sim_gcsim_alloc(&L.gc, each * (double)w->groups[g].count);
    }
    rc = loop_work(&L, create > (double)INT64_MAX ? INT64_MAX : (int64_t)create);
    if (rc == SIM_OK)
        rc = run_loop(&L);
    /* Its end shuts the loop down, and the default executor if a call
     * made one. */
    if (rc == SIM_OK)
        rc = loop_work(&L, (int64_t)sim_cost_ns(a->costs, SIM_COST_ASYNCIO_RUN_END) +
                               sim_prices_executor_shutdown(a->costs, L.x.started));

out:
    sim_burn_sink(L.acc);
    if (share_ok) {
        if (rc == SIM_OK && L.share.corrupt) {
            rc = SIM_E_SYS;
            snprintf(a->error, sizeof a->error,
                     "a queue item arrived damaged or out of order");
        }
        sim_share_finish(&L.share, 0);
        sim_share_deinit(&L.share);
    }
    sim_mainheap_deinit(&L.heap); /* after the items it holds */
    sim_aexec_deinit(&L.x); /* joins the pool, kills and reaps children */
    free(L.whead);
    free(L.wtail);
    free(L.wop);
    if (L.epfd >= 0)
        close(L.epfd);
    sim_pages_free(L.tasks, task_bytes(&L));
    free(L.ended);
    sim_timerq_deinit(&L.timers);
    sim_prices_deinit(&L.prices);
    int64_t end = sim_rec_now(a->rec);
    if (rc == SIM_OK)
        sim_rec_state(a->rec, 0, L.loop_lane, end, SIM_ST_IDLE, SIM_NO_TASK,
                      SIM_NO_CPU);
    sim_rec_finish(a->rec, end, rc);
    return rc;
}
