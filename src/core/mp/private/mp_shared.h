/* mp_shared.h - shared state between the processes of the multiprocessing
 * engine: multiprocessing.Value, Lock, Semaphore and Queue, for real.
 * Private to multiprocessing.c (the parent) and mp_worker.c (the workers).
 *
 * The state lives in a region inside the recording's own shared mapping
 * (the area of one extra writer that records no events), so it reaches
 * every worker the way the recording does, whatever the start method.
 */
#ifndef SIM_MP_SHARED_H
#define SIM_MP_SHARED_H

#include <stdatomic.h>
#include <stdint.h>

#include "calib.h"
#include "costs.h"
#include "rec.h"
#include "workload.h"

struct sim_mp_region;

/* The parent's side. */
typedef struct sim_mpshare {
    sim_rec *rec;
    const sim_workload *w;
    struct sim_mp_region *reg;
    int *pipes;               /* per name: a queue's pipe, read and write ends */
    uint64_t last_progress;   /* deadlock check: what the region said last poll */
    uint32_t last_blocked;
    int quiet_polls;
} sim_mpshare;

/* The worker's side. */
typedef struct sim_mpshare_w {
    sim_rec *rec;
    const sim_workload *w;
    struct sim_mp_region *reg;
    uint32_t wr;
    int *fds;                 /* per name: the queue's pipe, opened read-write */
    _Atomic int64_t *priv;    /* per name: this process's own copy of a variable */
    struct sim_mp_feeder *feeder; /* the queues' feeder thread, once a put needs it */
    /* What CPython's queue machinery costs (sim_mpshare_set_costs), ns. */
    const sim_calib *calib;
    double put_ns, put_byte_ns; /* the feeder: pickling an item, per item and byte */
    double get_byte_ns;         /* get: unpickling, per byte (the per-item part
                                   is the step's price, price.c) */
} sim_mpshare_w;

/* Events to reserve for the extra writer that holds the region. */
uint64_t sim_mpshare_events(const sim_workload *w);

/* Parent: sets up the region (the last writer's area) and one pipe per
 * queue. lock_lane0 is the lane of the first lock. (What the feeders hold
 * counts against the recording's budget: sim_rec_hold.)
 * Returns SIM_OK or a sim_err with `err` filled. */
int sim_mpshare_setup(sim_mpshare *s, sim_rec *r, const sim_workload *w,
                      uint32_t lock_lane0, char *err, size_t n);
/* Parent, once per poll: SIM_E_DEADLOCK (err says who waits for what)
 * when every task that could run waits and nothing moved since the last
 * poll; `busy` tasks were handed to workers and not yet returned. */
int sim_mpshare_check(sim_mpshare *s, uint32_t nworkers, uint64_t busy, char *err,
                      size_t n);
/* Parent, at the end: records the counters and messages (writer 0),
 * reports a damaged queue item as SIM_E_SYS, and frees everything. */
int sim_mpshare_finish(sim_mpshare *s, int record, char *err, size_t n);

/* Worker, at its end: hands every item still in its feeder to the pipes
 * and waits until they are written, as a process exiting joins its
 * queues' feeder threads (a put nobody reads keeps it here: a deadlock,
 * said as such). */
void sim_mpshare_flush(sim_mpshare_w *s);

/* Worker: finds the region, opens the queues. Returns 0 or -1. */
int sim_mpshare_attach(sim_mpshare_w *s, sim_rec *r, const sim_workload *w, uint32_t wr);
/* Worker: the costs its queues charge as real computation (costs.h), with
 * calibration c; profile NULL charges nothing. Call after attach. */
void sim_mpshare_set_costs(sim_mpshare_w *s, const sim_calib *c, const sim_costs *costs);
/* Worker: where variable `name` lives (shared memory for shared.NAME,
 * this process's own copy otherwise). */
_Atomic int64_t *sim_mpshare_var(sim_mpshare_w *s, uint32_t name);
/* A multiprocessing.Value's own lock, around each read and write of
 * shared.NAME (`take` 1 takes it and does `units` of work under it, 0 lets
 * it go; a plain NAME has none). Returns the ns it waited for it. */
int64_t sim_mpshare_value_guard(sim_mpshare_w *s, uint32_t name, int take, uint32_t units);
/* Worker: the steps. acquire and get return 1 if the task had to wait
 * (then they recorded it RUNNING again), 0 otherwise; a put that fails
 * marks the run's queues damaged (the parent reports it). */
int sim_mpshare_acquire(sim_mpshare_w *s, const sim_op *op, uint32_t task);
void sim_mpshare_release(sim_mpshare_w *s, const sim_op *op);
void sim_mpshare_put(sim_mpshare_w *s, const sim_op *op, uint32_t task);
int sim_mpshare_get(sim_mpshare_w *s, const sim_op *op, uint32_t task);
void sim_mpshare_detach(sim_mpshare_w *s);

#endif
