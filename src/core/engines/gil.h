/* gil.h - a Global Interpreter Lock built as CPython's (Python/ceval_gil.c).
 *
 * One lock that a thread must hold to run "Python": here, to burn a cpu
 * step. Waiters ask the holder to let go after one switch interval; the
 * holder checks for that request between small slices of its work. See
 * gil.c for the protocol. The GIL records itself on its own lane of the
 * recording (holder, drop requests, hand-offs); the caller records the task
 * lanes.
 */
#ifndef SIM_GIL_H
#define SIM_GIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "rec.h"
#include "stop.h"

typedef struct sim_gil {
    pthread_mutex_t mutex;        /* protects everything below but drop_request */
    pthread_cond_t cond;          /* signalled when the GIL is dropped */
    pthread_mutex_t switch_mutex; /* FORCE_SWITCHING: protects nothing but the wait */
    pthread_cond_t switch_cond;   /* signalled when a thread took the GIL */
    int locked;
    int waiters;                  /* threads inside sim_gil_take, waiting */
    uint32_t holder;              /* thread id holding it */
    uint32_t last_holder;         /* thread id that took it last */
    uint64_t switch_number;       /* how many times it was taken */
    atomic_int drop_request;      /* "please drop": the eval breaker */
    int64_t interval_ns;          /* the switch interval */
    /* Recording. */
    sim_rec *rec;
    uint32_t lane;                /* the GIL's resource lane */
    uint32_t last_task;           /* the task that dropped it last (SIM_NO_TASK) */
    int64_t last_drop_t;          /* when (ns from the run's start) */
    uint64_t handoffs;            /* takes by a task other than the last holder's */
} sim_gil;

/* Initializes an unlocked GIL recording on `lane` of `rec`. Returns 0 or a
 * sim_err (nothing is left initialized on failure). */
int sim_gil_init(sim_gil *g, int64_t interval_ns, sim_rec *rec, uint32_t lane);
void sim_gil_deinit(sim_gil *g);

/* Takes the GIL for `task` running on thread `thread` (any id unique to
 * the thread), recording with writer `w`. Blocks; gives up, without the
 * GIL, within a poll of the run being stopped (stop.h), and returns the
 * reason. Otherwise returns 0 and sets *t_taken (ns from the run's start). */
int sim_gil_take(sim_gil *g, uint32_t thread, uint32_t task, uint32_t w,
                 sim_stop *stop, int64_t *t_taken);
/* Drops the GIL held by `thread`. If a drop was requested, waits until
 * another thread has taken it (FORCE_SWITCHING), unless the run stops.
 * Returns 0 or the reason to stop (the GIL is dropped either way). */
int sim_gil_drop(sim_gil *g, uint32_t thread, uint32_t task, uint32_t w,
                 sim_stop *stop);

/* The holder's check between "bytecodes": has a waiter asked for the GIL? */
static inline int sim_gil_drop_requested(sim_gil *g)
{
    return atomic_load_explicit(&g->drop_request, memory_order_relaxed);
}

#endif
