/* mp_shared.c - what processes can share: Value, Lock, Semaphore, Queue.
 *
 * Processes share nothing by default, and this file keeps it so: a plain
 * variable is a private array in each worker (the parent's copy never
 * moves, as a Python global changed in a child never changes in the
 * parent). What they do share lives in one region of shared memory, the
 * area of an extra writer of the recording's mapping (that writer records
 * no events), so it reaches every worker exactly as the recording does:
 *
 *   - `shared.NAME` variables: int64 counters touched with relaxed atomic
 *     loads and stores, each under the Value's own lock (its getter and its
 *     setter take it, not `v.value += 1` as a whole), so that two processes
 *     really wait for each other at every access and still lose updates, as
 *     two processes doing `v.value += 1` without `v.get_lock()` do;
 *   - locks and semaphores: a PTHREAD_PROCESS_SHARED, PTHREAD_MUTEX_ROBUST
 *     mutex guarding who holds what, and a shared condition variable to
 *     wait on. Robust: a worker killed while inside the mutex leaves it
 *     recoverable (EOWNERDEAD), never stuck; a worker killed while it holds
 *     the lock itself is seen by the parent, which stops the run;
 *   - queues: a real pipe per queue, created by the parent and opened by
 *     each worker through /proc/<parent>/fd, so that the item's bytes are
 *     copied into the kernel and out again (the IPC cost); the workers'
 *     side, with its feeder thread, is mp_queue.c.
 *
 * Deadlock: a task about to wait counts itself blocked and says on what.
 * The parent polls: when every task handed to a worker (or every worker)
 * is blocked and nothing moved (no take, release, put or get) for a few
 * polls, nothing ever will. That is a decision on the wait-for state, not
 * a timeout; the few polls only let a wake-up that is under way land.
 *
 * The region's layout is private/mp_region.h's.
 */
#include "mp_shared.h"

#include "fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calib.h"
#include "clock.h"
#include "err.h"
#include "mp_proto.h"
#include "mp_region.h"
#include "share.h"

#define WAIT_NS 10000000ll
/* Polls (about 20 ms apart) with every task blocked and nothing moving
 * before the parent calls it a deadlock: long enough that a process the
 * OS has not scheduled for a while on a busy machine is not mistaken for
 * a stuck one. */
#define QUIET_POLLS 12

static size_t region_bytes(const sim_workload *w)
{
    return sizeof(sim_mp_region) + (size_t)w->ntasks * sizeof(_Atomic uint32_t);
}

uint64_t sim_mpshare_events(const sim_workload *w)
{
    return (region_bytes(w) + sizeof(sim_event) - 1) / sizeof(sim_event);
}

static int init_objects(sim_mp_region *g, const sim_workload *w)
{
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    if (pthread_mutexattr_init(&ma) != 0)
        return -1;
    if (pthread_condattr_init(&ca) != 0) {
        pthread_mutexattr_destroy(&ma);
        return -1;
    }
    int ok = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0 &&
             pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST) == 0 &&
             pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED) == 0 &&
             pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0;
    for (size_t i = 0; ok && i < w->nnames; i++) {
        mp_obj *o = &g->obj[i];
        ok = pthread_mutex_init(&o->m, &ma) == 0 && pthread_mutex_init(&o->rd, &ma) == 0 &&
             pthread_mutex_init(&o->wrt, &ma) == 0 && pthread_cond_init(&o->c, &ca) == 0;
        o->holder = SIM_NO_TASK;
        o->avail = w->names[i].permits;
    }
    pthread_mutexattr_destroy(&ma);
    pthread_condattr_destroy(&ca);
    return ok ? 0 : -1;
}

int sim_mpshare_setup(sim_mpshare *s, sim_rec *r, const sim_workload *w,
                      uint32_t lock_lane0, char *err, size_t n)
{
    memset(s, 0, sizeof *s);
    s->rec = r;
    s->w = w;
    s->reg = sim_mp_region_of(r);
    s->pipes = malloc((w->nnames ? w->nnames : 1) * 2 * sizeof *s->pipes);
    if (!s->reg || !s->pipes) {
        free(s->pipes);
        snprintf(err, n, "no room for the shared state");
        return SIM_E_NOMEM;
    }
    sim_mp_region *g = s->reg;
    memset(g, 0, region_bytes(w));
    g->nnames = (uint32_t)w->nnames;
    g->lock_lane0 = lock_lane0;
    g->parent_pid = (int32_t)getpid();
    for (size_t i = 0; i < w->nnames; i++) {
        s->pipes[2 * i] = s->pipes[2 * i + 1] = -1;
        g->qfd[i] = -1;
    }
    if (init_objects(g, w) != 0) {
        snprintf(err, n, "cannot create process-shared locks");
        sim_mpshare_finish(s, 0, NULL, 0);
        return SIM_E_SYS;
    }
    for (size_t i = 0; i < w->nnames; i++) {
        if (w->names[i].kind != SIM_NAME_QUEUE)
            continue;
        if (pipe2(&s->pipes[2 * i], O_CLOEXEC) != 0) {
            snprintf(err, n, "cannot create the pipe of queue %s: %s", w->names[i].name,
                     strerror(errno));
            sim_mpshare_finish(s, 0, NULL, 0);
            return SIM_E_SYS;
        }
        /* The kernel's default size (64 KiB on Linux), as CPython's
         * Pipe(duplex=False) has: a big item crosses in pieces, the feeder
         * and the reader taking turns, and a feeder whose items nobody
         * reads blocks once it is full. */
        g->qfd[i] = s->pipes[2 * i];
    }
    g->magic = SIM_MP_REGION_MAGIC;
    return SIM_OK;
}

int sim_mpshare_check(sim_mpshare *s, uint32_t nworkers, uint64_t busy, char *err,
                      size_t n)
{
    sim_mp_region *g = s->reg;
    uint32_t nb = atomic_load(&g->nblocked);
    uint64_t prog = atomic_load(&g->progress);
    int stuck = nb > 0 && (nb >= nworkers || nb >= busy) && prog == s->last_progress &&
                nb == s->last_blocked;
    s->quiet_polls = stuck ? s->quiet_polls + 1 : 0;
    s->last_progress = prog;
    s->last_blocked = nb;
    if (s->quiet_polls < QUIET_POLLS)
        return SIM_OK;
    /* Explain it with the same words as the other engines (share.c). */
    const sim_workload *w = s->w;
    sim_share v;
    memset(&v, 0, sizeof v);
    v.w = w;
    v.rec = s->rec;
    v.ntasks = w->ntasks;
    v.waits = malloc(w->ntasks * sizeof *v.waits);
    v.holder = malloc((w->nnames ? w->nnames : 1) * sizeof *v.holder);
    uint32_t first = SIM_NO_TASK;
    if (v.waits && v.holder) {
        for (size_t i = 0; i < w->nnames; i++)
            v.holder[i] = g->obj[i].holder;
        for (uint64_t t = 0; t < w->ntasks; t++) {
            uint32_t x = atomic_load(&g->waits[t]);
            v.waits[t] = x ? ((x & ~SIM_WAIT_PUT) - 1) | (x & SIM_WAIT_PUT) : SIM_NO_NAME;
            if (x && first == SIM_NO_TASK)
                first = (uint32_t)t;
        }
        if (first != SIM_NO_TASK)
            sim_share_explain(&v, first, 0, 0);
    }
    snprintf(err, n, "deadlock: %.200s", v.why[0] ? v.why : "every task waits");
    free(v.waits);
    free(v.holder);
    sim_rec_instant(s->rec, 0, first == SIM_NO_TASK ? 0 : first, sim_rec_now(s->rec),
                    SIM_IN_DEADLOCK, 0);
    return SIM_E_DEADLOCK;
}

int sim_mpshare_finish(sim_mpshare *s, int record, char *err, size_t n)
{
    int rc = SIM_OK;
    sim_mp_region *g = s->reg;
    const sim_workload *w = s->w;
    if (record && g) {
        int64_t now = sim_rec_now(s->rec);
        for (size_t i = 0; i < w->nnames; i++) {
            if (w->names[i].kind != SIM_NAME_VAR)
                continue;
            /* A plain variable: the parent's own copy, which no worker can touch. */
            int64_t v = w->names[i].shared ? atomic_load(&g->vars[i]) : 0;
            sim_event e = {.t = now, .v = v, .type = SIM_EV_COUNTER, .arg = (uint32_t)i,
                           .cpu = SIM_NO_CPU};
            sim_rec_emit(s->rec, 0, &e);
        }
        uint64_t msgs = atomic_load(&g->messages);
        if (msgs) {
            sim_event e = {.t = now, .v = (int64_t)atomic_load(&g->bytes),
                           .type = SIM_EV_MESSAGES, .arg = (uint32_t)msgs, .cpu = SIM_NO_CPU};
            sim_rec_emit(s->rec, 0, &e);
        }
        if (atomic_load(&g->corrupt)) {
            rc = SIM_E_SYS;
            snprintf(err, n, "a queue item arrived damaged or out of order");
        }
    }
    /* The process-shared mutexes and conditions are not destroyed: a
     * worker killed while waiting leaves itself counted as a waiter, and
     * pthread_cond_destroy would wait for it forever. They live in the
     * recording's mapping and go with it. */
    for (size_t i = 0; s->pipes && i < 2 * w->nnames; i++)
        if (s->pipes[i] >= 0)
            close(s->pipes[i]);
    free(s->pipes);
    memset(s, 0, sizeof *s);
    return rc;
}

/* ---- the worker's side ---- */

int sim_mpshare_attach(sim_mpshare_w *s, sim_rec *r, const sim_workload *w, uint32_t wr)
{
    memset(s, 0, sizeof *s);
    s->rec = r;
    s->w = w;
    s->wr = wr;
    s->reg = sim_mp_region_of(r);
    size_t nn = w->nnames ? w->nnames : 1;
    s->fds = malloc(nn * sizeof *s->fds);
    s->priv = calloc(nn, sizeof *s->priv); /* zeroed: an atomic 0 on Linux */
    if (!s->reg || s->reg->magic != SIM_MP_REGION_MAGIC || !s->fds || !s->priv) {
        sim_mpshare_detach(s);
        return -1;
    }
    for (size_t i = 0; i < w->nnames; i++) {
        s->fds[i] = -1;
        if (s->reg->qfd[i] < 0)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)s->reg->parent_pid,
                 (int)s->reg->qfd[i]);
        s->fds[i] = open(path, O_RDWR | O_CLOEXEC);
        if (s->fds[i] < 0) {
            sim_mpshare_detach(s);
            return -1;
        }
    }
    return 0;
}

void sim_mpshare_detach(sim_mpshare_w *s)
{
    sim_mpshare_flush(s);
    for (size_t i = 0; s->fds && i < s->w->nnames; i++)
        if (s->fds[i] >= 0)
            close(s->fds[i]);
    free(s->fds);
    free(s->priv);
    memset(s, 0, sizeof *s);
}

static int acquire(sim_mpshare_w *s, const sim_op *op, uint32_t task)
{
    mp_obj *o = &s->reg->obj[op->b];
    int sem = s->w->names[op->b].kind == SIM_NAME_SEM, waited = 0;
    sim_mp_locked(&o->m);
    while (sem ? o->avail == 0 : o->holder != SIM_NO_TASK) {
        if (!waited) {
            sim_rec_state(s->rec, s->wr, task, sim_rec_now(s->rec),
                          sem ? SIM_ST_SEM : SIM_ST_LOCK, SIM_NO_TASK, SIM_NO_CPU);
            sim_mp_block(s, task, op->b);
            waited = 1;
        }
        int64_t until = sim_clock_ns() + WAIT_NS;
        struct timespec ts = {until / 1000000000ll, until % 1000000000ll};
        int e = pthread_cond_timedwait(&o->c, &o->m, &ts);
        if (e == EOWNERDEAD)
            pthread_mutex_consistent(&o->m);
    }
    if (sem)
        o->avail--;
    else
        o->holder = task;
    if (waited)
        sim_mp_unblock(s, task);
    else
        atomic_fetch_add(&s->reg->progress, 1);
    sim_mp_unlocked(&o->m);
    int64_t now = sim_rec_now(s->rec);
    if (!sem)
        sim_rec_state(s->rec, s->wr, sim_mp_lock_lane(s, op->b), now, SIM_ST_RUNNING, task,
                      SIM_NO_CPU);
    if (waited)
        sim_rec_state(s->rec, s->wr, task, now, SIM_ST_RUNNING, SIM_NO_TASK,
                      sim_current_cpu());
    return waited;
}

static void release(sim_mpshare_w *s, const sim_op *op)
{
    mp_obj *o = &s->reg->obj[op->b];
    int sem = s->w->names[op->b].kind == SIM_NAME_SEM;
    if (!sem)
        sim_rec_state(s->rec, s->wr, sim_mp_lock_lane(s, op->b), sim_rec_now(s->rec), SIM_ST_IDLE,
                      SIM_NO_TASK, SIM_NO_CPU);
    sim_mp_locked(&o->m);
    if (sem)
        o->avail++;
    else
        o->holder = SIM_NO_TASK;
    atomic_fetch_add(&s->reg->progress, 1);
    pthread_cond_broadcast(&o->c);
    sim_mp_unlocked(&o->m);
}

_Atomic int64_t *sim_mpshare_var(sim_mpshare_w *s, uint32_t name)
{
    /* shared.NAME is a multiprocessing.Value: one copy in shared memory;
     * a plain NAME is this process's own (its parent's never moves). */
    if (name < s->w->nnames && s->w->names[name].shared)
        return &s->reg->vars[name];
    return &s->priv[name];
}

/* The Value's lock is the name's process-shared mutex, which a Value
 * (not a Lock or a Semaphore) has no other use for: robust, so a worker
 * killed inside an access leaves it recoverable. Like CPython's SemLock
 * (a POSIX semaphore), it is a futex with no hand-over: a contended take
 * sleeps in the kernel until the holder lets go, and the holder may take
 * it straight back meanwhile. That wait is what two processes doing
 * `v.value += 1` pay each other: 0.4 us an increment alone, 2 us with a
 * second process at it (CPython 3.11, this machine). */
int64_t sim_mpshare_value_guard(sim_mpshare_w *s, uint32_t name, int take, uint32_t units)
{
    if (name >= s->w->nnames || !s->w->names[name].shared)
        return 0;
    pthread_mutex_t *m = &s->reg->obj[name].m;
    if (!take) {
        sim_mp_unlocked(m);
        return 0;
    }
    int64_t waited = 0;
    int e = pthread_mutex_trylock(m);
    if (e == EOWNERDEAD) {
        pthread_mutex_consistent(m);
    } else if (e != 0) {
        int64_t t0 = sim_clock_ns();
        sim_mp_locked(m);
        waited = sim_clock_ns() - t0;
    }
    if (units)
        sim_burn_sink(sim_burn(units, (uint64_t)waited));
    return waited;
}

int sim_mpshare_acquire(sim_mpshare_w *s, const sim_op *op, uint32_t task)
{
    return acquire(s, op, task);
}

void sim_mpshare_release(sim_mpshare_w *s, const sim_op *op) { release(s, op); }

