/* test_share_inner.c - a queue's or a semaphore's own lock under threading
 * (share.h): held, it keeps others out; a thread waiting for it gets it
 * once it is let go, and not before; a waiter sees a stop and a deadlock
 * found elsewhere within a poll; and a thread that lets it go may take it
 * straight back while the woken waiter is still on its way (no hand-over:
 * CPython's lock is a semaphore, and so is this one). */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "share.h"
#include "stop.h"
#include "test.h"
#include "workload.h"

typedef struct waiter {
    sim_share *s;
    const sim_op *op;
    sim_stop *stop;
    atomic_int done; /* 0 while waiting, then 1 */
    int rc;
    int64_t returned_ns;
} waiter;

static void *wait_main(void *arg)
{
    waiter *w = arg;
    w->rc = sim_share_inner_wait(w->s, w->op, w->stop);
    w->returned_ns = sim_clock_ns();
    atomic_store(&w->done, 1);
    return NULL;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* The first op of the workload on the queue (a put). */
static const sim_op *queue_op(const sim_workload *w)
{
    for (size_t i = 0; i < w->nops; i++)
        if (w->ops[i].kind == SIM_OP_PUT)
            return &w->ops[i];
    return NULL;
}

/* Starts a waiter on op's lock, which the caller holds. */
static void start_waiter(pthread_t *t, waiter *w, sim_share *s, const sim_op *op,
                         sim_stop *stop)
{
    *w = (waiter){.s = s, .op = op, .stop = stop};
    atomic_init(&w->done, 0);
    ASSERT_INT_EQ(pthread_create(t, NULL, wait_main, w), 0);
    sleep_ms(30); /* long enough to be asleep on the semaphore */
}

int main(void)
{
    sim_workload w;
    sim_parse_error perr;
    ASSERT_INT_EQ(sim_workload_parse(&w, "put:q:1KB + get:q", &perr), SIM_OK);
    const sim_op *op = queue_op(&w);
    ASSERT(op != NULL);
    sim_share s;
    ASSERT_INT_EQ(sim_share_init(&s, &w, NULL, 0, 1, 2), SIM_OK);
    ASSERT(sim_share_has_inner(&s, op));
    sim_stop stop;
    sim_stop_init(&stop, NULL, 0, NULL);

    /* Held, it keeps others out; let go, it can be taken again. */
    ASSERT_INT_EQ(sim_share_inner_try(&s, op), 1);
    ASSERT_INT_EQ(sim_share_inner_try(&s, op), 0);
    sim_share_inner_give(&s, op->b);
    ASSERT_INT_EQ(sim_share_inner_try(&s, op), 1);

    /* A waiter gets it when it is let go, not before. */
    pthread_t t;
    waiter wt;
    start_waiter(&t, &wt, &s, op, &stop);
    ASSERT_INT_EQ(atomic_load(&wt.done), 0);
    int64_t gave = sim_clock_ns();
    sim_share_inner_give(&s, op->b);
    ASSERT_INT_EQ(pthread_join(t, NULL), 0);
    ASSERT_INT_EQ(wt.rc, SIM_OK);
    ASSERT(wt.returned_ns >= gave);
    ASSERT_INT_EQ(sim_share_inner_try(&s, op), 0); /* the waiter has it */
    sim_share_inner_give(&s, op->b);

    /* No hand-over: let go while a thread sleeps on it, it can be taken
     * back at once by the one that let it go (the waiter, woken, finds it
     * taken and sleeps again); a hand-over would have made this fail. */
    ASSERT_INT_EQ(sim_share_inner_try(&s, op), 1);
    start_waiter(&t, &wt, &s, op, &stop);
    int retaken = 0, held = 1; /* gives only what it holds: a semaphore counts */
    for (int i = 0; i < 100 && !atomic_load(&wt.done); i++) {
        if (held)
            sim_share_inner_give(&s, op->b);
        held = sim_share_inner_try(&s, op);
        retaken += held;
    }
    ASSERT_MSG(retaken >= 1, "the lock was handed over every time (%d)", retaken);
    if (held)
        sim_share_inner_give(&s, op->b);
    ASSERT_INT_EQ(pthread_join(t, NULL), 0);
    ASSERT_INT_EQ(wt.rc, SIM_OK);
    sim_share_inner_give(&s, op->b); /* the waiter's */

    /* A stop reaches a waiter within a poll. */
    ASSERT_INT_EQ(sim_share_inner_try(&s, op), 1);
    start_waiter(&t, &wt, &s, op, &stop);
    int64_t halted = sim_clock_ns();
    sim_stop_halt(&stop, SIM_E_CANCELLED);
    ASSERT_INT_EQ(pthread_join(t, NULL), 0);
    ASSERT_INT_EQ(wt.rc, SIM_E_CANCELLED);
    ASSERT(wt.returned_ns - halted < 20 * SIM_STOP_POLL_NS);

    /* So does a deadlock another wait found. */
    sim_stop_init(&stop, NULL, 0, NULL);
    start_waiter(&t, &wt, &s, op, &stop);
    ASSERT_INT_EQ(pthread_mutex_lock(&s.mutex), 0);
    s.deadlock = 1;
    ASSERT_INT_EQ(pthread_mutex_unlock(&s.mutex), 0);
    ASSERT_INT_EQ(pthread_join(t, NULL), 0);
    ASSERT_INT_EQ(wt.rc, SIM_E_DEADLOCK);

    sim_share_deinit(&s);
    sim_workload_free(&w);
    TEST_DONE();
}
