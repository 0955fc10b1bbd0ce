/* share.c - variables, locks, semaphores and queues that tasks share.
 *
 * One object per name of the workload, in plain arrays. The engines decide
 * who runs; this file decides what a shared step does to the shared state,
 * so that a lost update, a lock held, a semaphore full or a queue empty
 * mean the same thing under every model.
 *
 * Variables are the interesting part. `counter += 1` is a load and a store.
 * Here they are a relaxed atomic load and a relaxed atomic store: never a
 * fetch-and-add, which would make the increment atomic and hide the race
 * a student is meant to see, and never two plain accesses, which would be
 * a C data race (undefined behaviour, and ThreadSanitizer rightly says
 * so). Between the load and the store another thread may store: that
 * update is lost, exactly as in free-threaded Python.
 *
 * Queue items between tasks of one process are what Python passes: a
 * reference to an object of SIZE bytes, made by the producer (as
 * `bytes(n)` makes one: zeroed memory) and never copied. Each carries its
 * number, and the consumer checks that items come out in the order they
 * went in; a failed check is a failed run, never ignored. (Between
 * processes the bytes themselves travel: mp_shared.c.)
 *
 * Deadlock: a thread that must wait counts itself blocked, under the one
 * mutex. When every live thread is blocked, nothing can ever release
 * anything: that is the deadlock, decided from the wait-for graph (who
 * waits for which name, who holds which lock), not from a timeout.
 */
#include "share.h"
#include "mainheap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "err.h"

/* A pthread call that cannot fail unless concviz is broken (check.h). */
static void check(int rc, const char *what)
{
    sim_check_in(rc, "share", what);
}

uint32_t sim_share_nlocks(const sim_workload *w)
{
    uint32_t n = 0;
    for (size_t i = 0; i < w->nnames; i++)
        n += w->names[i].kind == SIM_NAME_LOCK;
    return n;
}

int sim_share_init(sim_share *s, const sim_workload *w, sim_rec *rec,
                   uint32_t lock_lane0, int threaded, uint32_t nthreads)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->rec = rec;
    s->lock_lane0 = lock_lane0;
    s->ntasks = w->ntasks;
    size_t n = w->nnames ? w->nnames : 1;
    s->lock_lane = calloc(n, sizeof *s->lock_lane);
    s->vars = calloc(n, sizeof *s->vars);
    s->holder = calloc(n, sizeof *s->holder);
    s->avail = calloc(n, sizeof *s->avail);
    s->qhead = calloc(n, sizeof *s->qhead);
    s->qtail = calloc(n, sizeof *s->qtail);
    s->qseq = calloc(n, sizeof *s->qseq);
    s->qgot = calloc(n, sizeof *s->qgot);
    s->waits = calloc(w->ntasks, sizeof *s->waits);
    if (!s->lock_lane || !s->vars || !s->holder || !s->avail || !s->qhead ||
        !s->qtail ||
        !s->qseq || !s->qgot || !s->waits) {
        sim_share_deinit(s);
        return SIM_E_NOMEM;
    }
    uint32_t k = 0;
    for (size_t i = 0; i < w->nnames; i++) {
        atomic_init(&s->vars[i], 0);
        s->holder[i] = SIM_NO_TASK;
        s->avail[i] = w->names[i].permits;
        s->lock_lane[i] = w->names[i].kind == SIM_NAME_LOCK ? lock_lane0 + k++ : SIM_NO_NAME;
    }
    for (uint64_t t = 0; t < w->ntasks; t++)
        s->waits[t] = SIM_NO_NAME;
    if (threaded) {
        s->inner = calloc(n, sizeof *s->inner);
        if (!s->inner) {
            sim_share_deinit(s);
            return SIM_E_NOMEM;
        }
        for (; s->ninner < n; s->ninner++)
            if (sem_init(&s->inner[s->ninner], 0, 1) != 0) {
                sim_share_deinit(s);
                return SIM_E_SYS;
            }
        int ok = sim_stop_cond_init(&s->cond) == 0;
        if (!ok || pthread_mutex_init(&s->mutex, NULL) != 0) {
            if (ok)
                check(pthread_cond_destroy(&s->cond), "pthread_cond_destroy");
            sim_share_deinit(s);
            return SIM_E_SYS;
        }
        s->threaded = 1;
        s->nalive = nthreads;
    }
    return SIM_OK;
}

/* A queue item's memory, zeroed as CPython's bytes(n) is (a calloc): a
 * big one from the event loop's heap when the engine gave one
 * (mainheap.h: it grows, faults, clears, maps and gives back as CPython's
 * main heap does), else calloc's, as a thread of CPython gets it from its
 * own arena: a big one a mapping of fresh zero pages, a reused one
 * cleared. */
static sim_qitem *item_alloc(sim_share *s, size_t bytes)
{
    if (s->heap && bytes >= SIM_MAINHEAP_MIN) {
        sim_qitem *it = sim_mainheap_calloc(s->heap, bytes);
        if (it) {
            it->heap = 1;
            return it;
        }
    }
    sim_qitem *it = calloc(1, bytes);
    if (it)
        it->heap = 0;
    return it;
}

static void item_free(sim_share *s, sim_qitem *it)
{
    if (it->heap)
        sim_mainheap_free(s->heap, it);
    else
        free(it);
}

void sim_share_deinit(sim_share *s)
{
    if (s->threaded) {
        check(pthread_mutex_destroy(&s->mutex), "pthread_mutex_destroy");
        check(pthread_cond_destroy(&s->cond), "pthread_cond_destroy");
    }
    if (s->qhead)
        for (size_t i = 0; i < s->w->nnames; i++)
            while (s->qhead[i]) {
                sim_qitem *it = s->qhead[i];
                s->qhead[i] = it->next;
                item_free(s, it);
            }
    free(s->lock_lane);
    free(s->vars);
    free(s->holder);
    for (size_t i = 0; i < s->ninner; i++)
        sem_destroy(&s->inner[i]);
    free(s->inner);
    free(s->avail);
    free(s->qhead);
    free(s->qtail);
    free(s->qseq);
    free(s->qgot);
    free(s->waits);
    memset(s, 0, sizeof *s);
}

/* ---- variables ---- */

void sim_share_inc(sim_share *s, uint32_t var)
{
    int64_t v = atomic_load_explicit(&s->vars[var], memory_order_relaxed);
    atomic_store_explicit(&s->vars[var], v + 1, memory_order_relaxed);
}

int64_t sim_share_load(sim_share *s, uint32_t var)
{
    return atomic_load_explicit(&s->vars[var], memory_order_relaxed);
}

void sim_share_store(sim_share *s, uint32_t var, int64_t v)
{
    atomic_store_explicit(&s->vars[var], v, memory_order_relaxed);
}

/* ---- locks, semaphores, queues ---- */

/* What a queued item of `size` bytes costs in memory: its bytes, its head,
 * and malloc's own bookkeeping (about 16 bytes an allocation). */
static int64_t item_cost(int64_t size)
{
    return size + (int64_t)sizeof(sim_qitem) + 16;
}

sim_state sim_share_wait_state(const sim_share *s, const sim_op *op)
{
    if (op->kind == SIM_OP_GET)
        return SIM_ST_QUEUE;
    return s->w->names[op->b].kind == SIM_NAME_SEM ? SIM_ST_SEM : SIM_ST_LOCK;
}

int sim_share_ready(const sim_share *s, const sim_op *op)
{
    if (op->kind == SIM_OP_GET)
        return s->qhead[op->b] != NULL;
    if (s->w->names[op->b].kind == SIM_NAME_SEM)
        return s->avail[op->b] > 0;
    return s->holder[op->b] == SIM_NO_TASK;
}

void sim_share_take(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr)
{
    uint32_t b = op->b;
    int64_t now = sim_rec_now(s->rec);
    if (op->kind == SIM_OP_GET) {
        sim_qitem *it = s->qhead[b];
        s->qhead[b] = it->next;
        if (!s->qhead[b])
            s->qtail[b] = NULL;
        /* A reference: nothing is copied or read, only the order checked. */
        if (it->seq <= s->qgot[b])
            s->corrupt = 1;
        s->qgot[b] = it->seq;
        s->messages++;
        s->message_bytes += (uint64_t)it->size;
        sim_rec_hold(s->rec, -item_cost(it->size));
        sim_rec_instant(s->rec, wr, task, now, SIM_IN_GOT, b);
        if (it->producer < s->ntasks)
            sim_rec_flow(s->rec, wr, SIM_FL_MESSAGE, it->producer, it->t_put, task, now);
        item_free(s, it);
        return;
    }
    if (s->w->names[b].kind == SIM_NAME_SEM) {
        s->avail[b]--;
        return;
    }
    s->holder[b] = task;
    sim_rec_state(s->rec, wr, s->lock_lane[b], now, SIM_ST_RUNNING, task, SIM_NO_CPU);
}

void sim_share_release(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr)
{
    (void)task;
    if (s->threaded)
        check(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
    uint32_t b = op->b;
    if (s->w->names[b].kind == SIM_NAME_SEM) {
        s->avail[b]++;
    } else {
        s->holder[b] = SIM_NO_TASK;
        sim_rec_state(s->rec, wr, s->lock_lane[b], sim_rec_now(s->rec), SIM_ST_IDLE,
                      SIM_NO_TASK, SIM_NO_CPU);
    }
    if (s->threaded) {
        check(pthread_cond_broadcast(&s->cond), "pthread_cond_broadcast");
        check(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
    }
}

int sim_share_put(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr)
{
    /* Counted before the bytes exist, in the same account as the
     * recording: a queue never takes the machine's memory, it stops the
     * run first. */
    if (sim_rec_hold(s->rec, item_cost(op->a)) != 0)
        return SIM_E_MEMLIMIT;
    /* The item is made as CPython's bytes(n) makes it: allocated and
     * zeroed, for real. Memory the process has not used yet costs a page
     * fault per page as it is written, as it does CPython: 50 items of
     * 100 KB held at once take milliseconds to make, not microseconds;
     * a 1 MB item of fresh pages of its own (a mapping) is not written,
     * and costs a system call. */
    sim_qitem *it = item_alloc(s, sizeof *it + (size_t)op->a);
    if (!it) {
        sim_rec_hold(s->rec, -item_cost(op->a));
        return SIM_E_NOMEM;
    }
    it->next = NULL;
    it->producer = task;
    it->size = op->a;
    it->t_put = sim_rec_now(s->rec);
    /* Numbered, written and queued under the mutex, so that numbers and
     * queue order agree (the consumer checks both). */
    if (s->threaded)
        check(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
    it->seq = ++s->qseq[op->b];
    /* Recorded under the mutex with the item's number, so that a queue's
     * puts and gets are in the order its length went up and down. */
    sim_rec_instant(s->rec, wr, task, sim_rec_now(s->rec), SIM_IN_PUT, op->b);
    if (s->qtail[op->b])
        s->qtail[op->b]->next = it;
    else
        s->qhead[op->b] = it;
    s->qtail[op->b] = it;
    if (s->threaded) {
        check(pthread_cond_broadcast(&s->cond), "pthread_cond_broadcast");
        check(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
    }
    return SIM_OK;
}

/* ---- threads: waiting, and the deadlock ---- */

/* ---- a semaphore's or a queue's own lock (threading) ---- */

int sim_share_has_inner(const sim_share *s, const sim_op *op)
{
    if (op->kind == SIM_OP_PUT || op->kind == SIM_OP_GET)
        return 1;
    return (op->kind == SIM_OP_ACQUIRE || op->kind == SIM_OP_RELEASE) &&
           s->w->names[op->b].kind == SIM_NAME_SEM;
}

int sim_share_inner_try(sim_share *s, const sim_op *op)
{
    return sem_trywait(&s->inner[op->b]) == 0;
}

int sim_share_inner_wait(sim_share *s, const sim_op *op, sim_stop *stop)
{
    for (;;) {
        /* A timed wait, as CPython's own acquire with a timeout, so that
         * a stop or a deadlock is seen within a poll. */
        struct timespec ts = sim_timespec(sim_clock_ns() + SIM_STOP_POLL_NS);
        if (sem_clockwait(&s->inner[op->b], CLOCK_MONOTONIC, &ts) == 0)
            return SIM_OK;
        if (errno != ETIMEDOUT && errno != EINTR)
            return SIM_E_ERRNO(errno);
        int rc = sim_stop_check(stop);
        if (rc != SIM_OK)
            return rc;
        check(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
        int dead = s->deadlock;
        check(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
        if (dead)
            return SIM_E_DEADLOCK;
    }
}

void sim_share_inner_give(sim_share *s, uint32_t name)
{
    /* sem_post fails only past SEM_VALUE_MAX: never, for a lock taken
     * before it is let go (threading.c pairs each give with a take). */
    check(sem_post(&s->inner[name]) == 0 ? 0 : errno, "sem_post");
}

int sim_share_try(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr)
{
    check(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
    int ok = !s->deadlock && sim_share_ready(s, op);
    if (ok)
        sim_share_take(s, op, task, wr);
    check(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
    return ok;
}

int sim_share_wait(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr,
                   sim_stop *stop)
{
    int rc = SIM_OK;
    check(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
    s->waits[task] = op->b;
    s->nblocked++;
    while (!sim_share_ready(s, op)) {
        if (s->deadlock) {
            rc = SIM_E_DEADLOCK;
            break;
        }
        if (s->nblocked == s->nalive) {
            s->deadlock = 1;
            sim_share_explain(s, task, 0, wr);
            sim_rec_instant(s->rec, wr, task, sim_rec_now(s->rec), SIM_IN_DEADLOCK, 0);
            check(pthread_cond_broadcast(&s->cond), "pthread_cond_broadcast");
            rc = SIM_E_DEADLOCK;
            break;
        }
        if ((rc = sim_stop_check(stop)) != SIM_OK)
            break;
        sim_stop_cond_wait(&s->cond, &s->mutex);
    }
    s->nblocked--;
    s->waits[task] = SIM_NO_NAME;
    if (rc == SIM_OK)
        sim_share_take(s, op, task, wr);
    check(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
    return rc;
}

void sim_share_thread_exit(sim_share *s)
{
    check(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
    s->nalive--;
    /* The last thread that could have released something is gone. */
    if (s->nalive > 0 && s->nblocked == s->nalive)
        check(pthread_cond_broadcast(&s->cond), "pthread_cond_broadcast");
    check(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
}

/* "lock B held by task 2", "a permit of semaphore api (all 5 taken)",
 * "an item on queue q", "room in queue q". */
static void describe_wait(const sim_share *s, uint32_t wait, char *buf, size_t n)
{
    uint32_t b = wait & ~SIM_WAIT_PUT;
    const sim_name *nm = &s->w->names[b];
    if (wait & SIM_WAIT_PUT)
        snprintf(buf, n, "room in queue %s (its pipe is full), which no task left running "
                 "will read", nm->name);
    else if (nm->kind == SIM_NAME_LOCK)
        snprintf(buf, n, "lock %s held by task %u", nm->name, s->holder[b]);
    else if (nm->kind == SIM_NAME_SEM)
        snprintf(buf, n, "a permit of semaphore %s (all %u taken)", nm->name, nm->permits);
    else
        snprintf(buf, n, "an item on queue %s, which no task left running will put",
                 nm->name);
}

void sim_share_explain(sim_share *s, uint32_t task, uint64_t unstarted, uint32_t wr)
{
    char *out = s->why;
    size_t n = sizeof s->why, len = 0;
    uint32_t t = task;
    int64_t now = s->rec ? sim_rec_now(s->rec) : 0;
    /* Follow the chain of lock holders from `task` until it closes; each
     * link is also recorded, so the view can draw the cycle. */
    for (int hops = 0; hops < 16 && t < s->ntasks && s->waits[t] != SIM_NO_NAME; hops++) {
        char what[160];
        uint32_t wait = s->waits[t], b = wait & ~SIM_WAIT_PUT;
        uint32_t holder = s->w->names[b].kind == SIM_NAME_LOCK ? s->holder[b] : SIM_NO_TASK;
        if (s->rec)
            sim_rec_wait_for(s->rec, wr, now, t, b, holder);
        describe_wait(s, wait, what, sizeof what);
        int k = hops ? snprintf(out + len, n - len, ", which waits for %s", what)
                     : snprintf(out + len, n - len, "task %u waits for %s", t, what);
        if (k < 0 || (size_t)k >= n - len)
            break;
        len += (size_t)k;
        if (s->w->names[b].kind != SIM_NAME_LOCK || s->holder[b] == task)
            break;
        t = s->holder[b];
    }
    if (unstarted > 0 && len < n)
        snprintf(out + len, n - len, "; %llu more task%s never started: every worker "
                 "is taken by a waiting task", (unsigned long long)unstarted,
                 unstarted == 1 ? "" : "s");
}

void sim_share_finish(sim_share *s, uint32_t wr)
{
    int64_t now = sim_rec_now(s->rec);
    for (size_t i = 0; i < s->w->nnames; i++) {
        if (s->w->names[i].kind != SIM_NAME_VAR)
            continue;
        sim_event e = {.t = now, .v = sim_share_load(s, (uint32_t)i), .type = SIM_EV_COUNTER,
                       .arg = (uint32_t)i, .cpu = SIM_NO_CPU};
        sim_rec_emit(s->rec, wr, &e);
    }
    if (s->messages > 0) {
        sim_event e = {.t = now, .v = (int64_t)s->message_bytes, .type = SIM_EV_MESSAGES,
                       .arg = (uint32_t)s->messages, .cpu = SIM_NO_CPU};
        sim_rec_emit(s->rec, wr, &e);
    }
}
