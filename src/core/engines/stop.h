/* stop.h - one way for every run to stop when asked.
 *
 * A run stops for one of three reasons:
 *   - someone asked: Esc or Stop in the window, Ctrl+C, SIGTERM, the window
 *     closing. The caller sets its `cancel` flag, from any thread.
 *   - its time ran out: --timeout is a deadline on the run's own clock.
 *   - it cannot go on: a deadlock, the memory budget (the recording says
 *     when it is full: rec.h), a failed system call, a worker lost.
 *     Whichever thread sees it first halts the run.
 * All three end in the same place, the `halt` word, so every thread of the
 * engine asks one question, sim_stop_check, and gets the first reason.
 *
 * The promise: every wait in every engine is a wait of at most
 * SIM_STOP_POLL_NS that looks at the stop between pieces (a sleep, a GIL
 * wait, a lock wait, the event loop's epoll), and every walk through a
 * task's steps looks at it at least every SIM_STOP_EVERY steps (step.h),
 * so no run outlives a stop by more than about one poll. Worker processes
 * are not asked: the parent kills them, which is faster and cannot be
 * ignored.
 */
#ifndef SIM_STOP_H
#define SIM_STOP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "rec.h"

#define SIM_STOP_POLL_NS 20000000ll /* 20 ms: the longest a wait goes unchecked */

typedef struct sim_stop {
    const atomic_int *cancel; /* the caller's: nonzero = stop (may be NULL) */
    atomic_int halt;          /* 0, or the sim_err the run stopped for */
    int64_t deadline;         /* run-clock ns to stop at (0: none) */
    const sim_rec *rec;       /* the run's clock */
} sim_stop;

void sim_stop_init(sim_stop *s, const atomic_int *cancel, int64_t deadline,
                   const sim_rec *rec);

/* Ends the run with `why` (a sim_err). The first reason is kept. */
void sim_stop_halt(sim_stop *s, int why);

/* SIM_OK, or why the run must stop (SIM_E_CANCELLED, SIM_E_TIMEOUT or the
 * halt's reason). Reads the clock only when there is a deadline. */
int sim_stop_check(sim_stop *s);

/* The flags only, no clock: for the tightest loops, between checks. */
static inline int sim_stop_flags(sim_stop *s)
{
    int h = atomic_load_explicit(&s->halt, memory_order_relaxed);
    if (h)
        return h;
    if (s->cancel && atomic_load_explicit(s->cancel, memory_order_relaxed))
        return sim_stop_check(s);
    return 0;
}

/* Sleeps for real (clock_nanosleep: no CPU) until `until`, in ns of the
 * run's clock, in pieces of at most SIM_STOP_POLL_NS. Returns SIM_OK, the
 * reason to stop as soon as there is one, or SIM_E_SYS if the sleep fails.
 * The threads of the threading engine and the executors sleep so. */
int sim_stop_sleep_until(sim_stop *s, int64_t until);

/* Makes `c` a condition whose timed waits count on CLOCK_MONOTONIC, as
 * sim_stop_cond_wait's do (the wall clock may jump). Returns 0 or -1. */
int sim_stop_cond_init(pthread_cond_t *c);

/* A timed wait on `c` (its clock CLOCK_MONOTONIC) of at most one poll.
 * Returns 1 if it timed out, 0 if woken. For waits that then re-check
 * their condition and the stop. */
int sim_stop_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);

#endif
