/* gil.c - the Global Interpreter Lock, as CPython 3.2+ builds it.
 *
 * Notes on the protocol (after the essay that opens CPython's
 * Python/ceval_gil.c; this is a re-telling, not a copy):
 *
 * - The GIL is a boolean, `locked`, guarded by a mutex and announced by a
 *   condition variable, `cond`. The mutex is held only for a few
 *   instructions at a time, so it is almost never contended: the GIL is the
 *   boolean, not the mutex.
 *
 * - A thread that wants the GIL and finds it taken waits on `cond` for one
 *   switch interval (5 ms by default, sys.getswitchinterval()). If the
 *   wait times out, the GIL is still locked and nobody took it in the
 *   meantime (`switch_number` did not move), the waiter sets
 *   `drop_request` and waits again. The interval is therefore a minimum
 *   wait before asking, not a time slice: the holder may run much longer.
 *
 * - The holder never blocks to look at the request: it is an atomic flag
 *   (CPython's "eval breaker") read between bytecodes. Here a bytecode is a
 *   small slice of a cpu step's work (see threading.c); work that never
 *   reaches a check (a long C call in Python) delays the switch for as long
 *   as it runs.
 *
 * - FORCE_SWITCHING: a thread that drops the GIL while a drop was requested
 *   then waits on `switch_cond` until another thread has taken it. Without
 *   that, the dropper (already running on a CPU) would usually grab the
 *   GIL straight back before the waiter is even scheduled, and the request
 *   would achieve nothing. `switch_mutex` guards only that wait.
 *
 * - The GIL is dropped around every blocking wait (io, time.sleep), so
 *   waits of several threads overlap while their computations do not.
 *
 * What is recorded, on the GIL's own lane: RUNNING (arg = task) from each
 * take, IDLE from each drop (the gap until the next take is the real cost
 * of a hand-off: the time the OS takes to wake the waiter), a
 * DROP_REQUEST instant (arg = the asking task) when a waiter sets the
 * request, and a HANDOFF flow from the dropping task's lane to the taking
 * task's lane whenever the GIL changes tasks. Times are read under the
 * mutex, so the lane's marks are in the order things happened.
 *
 * Every pthread call's result is checked. Failures of lock, unlock,
 * signal or wait mean a corrupted lock: like CPython (Py_FatalError), the
 * process stops with a message rather than run on without a GIL.
 */
#include "gil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "config.h"
#include "err.h"

/* Waits are cut into pieces of at most SIM_STOP_POLL_NS so that a stop
 * is seen (stop.h). */

/* A pthread call that cannot fail unless concviz is broken (check.h). */
static void check(int rc, const char *what)
{
    sim_check_in(rc, "GIL", what);
}

/* A timed wait until `until` (CLOCK_MONOTONIC ns). Returns 1 if it timed
 * out, 0 if it was woken (or woke spuriously). */
static int timed_wait(pthread_cond_t *c, pthread_mutex_t *m, int64_t until)
{
    struct timespec ts = sim_timespec(until);
    int rc = pthread_cond_timedwait(c, m, &ts);
    if (rc == ETIMEDOUT)
        return 1;
    check(rc, "pthread_cond_timedwait");
    return 0;
}

int sim_gil_init(sim_gil *g, int64_t interval_ns, sim_rec *rec, uint32_t lane)
{
    memset(g, 0, sizeof *g);
    pthread_condattr_t ca;
    int ok_attr = 0, ok_mutex = 0, ok_cond = 0, ok_smutex = 0, ok_scond = 0;

    if (pthread_condattr_init(&ca) != 0)
        return SIM_E_SYS;
    ok_attr = 1;
    /* Monotonic, so that a change of the wall clock cannot stretch a wait. */
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0)
        goto fail;
    if (pthread_mutex_init(&g->mutex, NULL) != 0)
        goto fail;
    ok_mutex = 1;
    if (pthread_cond_init(&g->cond, &ca) != 0)
        goto fail;
    ok_cond = 1;
    if (pthread_mutex_init(&g->switch_mutex, NULL) != 0)
        goto fail;
    ok_smutex = 1;
    if (pthread_cond_init(&g->switch_cond, &ca) != 0)
        goto fail;
    ok_scond = 1;
    check(pthread_condattr_destroy(&ca), "pthread_condattr_destroy");

    g->holder = g->last_holder = SIM_NO_TASK;
    atomic_init(&g->drop_request, 0);
    g->interval_ns = interval_ns > 0 ? interval_ns : SIM_DEFAULT_SWITCH_INTERVAL_NS;
    g->rec = rec;
    g->lane = lane;
    g->last_task = SIM_NO_TASK;
    return SIM_OK;

fail:
    if (ok_scond)
        pthread_cond_destroy(&g->switch_cond);
    if (ok_smutex)
        pthread_mutex_destroy(&g->switch_mutex);
    if (ok_cond)
        pthread_cond_destroy(&g->cond);
    if (ok_mutex)
        pthread_mutex_destroy(&g->mutex);
    if (ok_attr)
        pthread_condattr_destroy(&ca);
    return SIM_E_SYS;
}

void sim_gil_deinit(sim_gil *g)
{
    check(pthread_cond_destroy(&g->switch_cond), "pthread_cond_destroy");
    check(pthread_mutex_destroy(&g->switch_mutex), "pthread_mutex_destroy");
    check(pthread_cond_destroy(&g->cond), "pthread_cond_destroy");
    check(pthread_mutex_destroy(&g->mutex), "pthread_mutex_destroy");
}

/* Waits for the GIL to be dropped, asking for it after each interval that
 * passed without a switch. Called and returns with the mutex held. */
static int wait_for_gil(sim_gil *g, uint32_t task, uint32_t w, sim_stop *stop)
{
    g->waiters++;
    while (g->locked) {
        uint64_t saved_switch = g->switch_number;
        int64_t interval_end = sim_clock_ns() + g->interval_ns;
        int timed_out = 0;
        for (;;) {
            int why = sim_stop_check(stop);
            if (why) {
                g->waiters--;
                return why;
            }
            int64_t now = sim_clock_ns();
            if (now >= interval_end) {
                timed_out = 1;
                break;
            }
            int64_t until = interval_end < now + SIM_STOP_POLL_NS ? interval_end
                                                                   : now + SIM_STOP_POLL_NS;
            if (!timed_wait(&g->cond, &g->mutex, until))
                break; /* signalled: the GIL was dropped (or taken again) */
            if (!g->locked)
                break;
        }
        if (timed_out && g->locked && g->switch_number == saved_switch) {
            if (!atomic_exchange_explicit(&g->drop_request, 1, memory_order_relaxed))
                sim_rec_instant(g->rec, w, g->lane, sim_rec_now(g->rec),
                                SIM_IN_DROP_REQUEST, task);
        }
    }
    g->waiters--;
    return SIM_OK;
}

int sim_gil_take(sim_gil *g, uint32_t thread, uint32_t task, uint32_t w,
                 sim_stop *stop, int64_t *t_taken)
{
    check(pthread_mutex_lock(&g->mutex), "pthread_mutex_lock");
    if (g->locked) {
        int rc = wait_for_gil(g, task, w, stop);
        if (rc != SIM_OK) {
            check(pthread_mutex_unlock(&g->mutex), "pthread_mutex_unlock");
            return rc;
        }
    }

    /* Ours. The time is read before a forced-switching dropper is told, so
     * that the take is never recorded after the dropper went on. Nor
     * before the drop: two threads' clocks (the TSC, read on two cores,
     * and not ordered by the mutex) can disagree by tens of nanoseconds,
     * and a take drawn before the drop would show two threads running at
     * once under the GIL (15 ns of it was seen). */
    int64_t t = sim_rec_now(g->rec);
    if (t < g->last_drop_t)
        t = g->last_drop_t;
    check(pthread_mutex_lock(&g->switch_mutex), "pthread_mutex_lock");
    g->locked = 1;
    g->holder = thread;
    g->last_holder = thread;
    g->switch_number++;
    check(pthread_cond_signal(&g->switch_cond), "pthread_cond_signal");
    check(pthread_mutex_unlock(&g->switch_mutex), "pthread_mutex_unlock");

    sim_rec_state(g->rec, w, g->lane, t, SIM_ST_RUNNING, task, sim_current_cpu());
    /* Hand-offs are drawn between tasks; the main thread (SIM_NO_TASK)
     * starting threads has no task lane to draw them from or to. */
    if (g->last_task != SIM_NO_TASK && task != SIM_NO_TASK && g->last_task != task) {
        sim_rec_flow(g->rec, w, SIM_FL_HANDOFF, g->last_task, g->last_drop_t, task, t);
        g->handoffs++;
    }
    /* A request made to the previous holder is answered. */
    atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
    check(pthread_mutex_unlock(&g->mutex), "pthread_mutex_unlock");
    *t_taken = t;
    return SIM_OK;
}

int sim_gil_drop(sim_gil *g, uint32_t thread, uint32_t task, uint32_t w,
                 sim_stop *stop)
{
    check(pthread_mutex_lock(&g->mutex), "pthread_mutex_lock");
    if (!g->locked || g->holder != thread) {
        fprintf(stderr, "concviz: fatal: GIL dropped by thread %u, which does not "
                "hold it\n", thread);
        abort();
    }
    int64_t t = sim_rec_now(g->rec);
    g->locked = 0;
    g->holder = SIM_NO_TASK;
    g->last_task = task;
    g->last_drop_t = t;
    sim_rec_state(g->rec, w, g->lane, t, SIM_ST_IDLE, SIM_NO_TASK, SIM_NO_CPU);
    check(pthread_cond_signal(&g->cond), "pthread_cond_signal");
    check(pthread_mutex_unlock(&g->mutex), "pthread_mutex_unlock");

    if (!sim_gil_drop_requested(g))
        return SIM_OK;

    /* FORCE_SWITCHING: do not run on until somebody else has the GIL. */
    int rc = SIM_OK;
    check(pthread_mutex_lock(&g->switch_mutex), "pthread_mutex_lock");
    if (g->last_holder == thread) {
        /* Cleared before waiting: the request has been honoured. */
        atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
        while (g->last_holder == thread) {
            if ((rc = sim_stop_check(stop)) != SIM_OK)
                break;
            timed_wait(&g->switch_cond, &g->switch_mutex, sim_clock_ns() + SIM_STOP_POLL_NS);
        }
    }
    check(pthread_mutex_unlock(&g->switch_mutex), "pthread_mutex_unlock");
    return rc;
}
