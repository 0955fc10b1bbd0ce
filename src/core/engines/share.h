/* share.h - the state tasks share in one run: variables, locks,
 * semaphores, queues, and the wait-for graph that finds deadlocks.
 * Private to the engines (asyncio.c, threading.c, mp_shared.c).
 *
 * Everything is indexed by the name's index in the workload (w->names),
 * so an op's `b` finds its object directly. Under threading the objects
 * are guarded by one mutex (sim_share_try / sim_share_wait take it);
 * under asyncio the loop's single thread needs none, and the loop keeps
 * its own FIFO of waiters, asking this file only "can it go on?" and
 * "take it".
 */
#ifndef SIM_SHARE_H
#define SIM_SHARE_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>

#include "rec.h"
#include "stop.h"
#include "workload.h"

#define SIM_NO_NAME 0xffffffffu
/* Set in a task's `waits` when it waits to put (for room in a queue's
 * pipe, under multiprocessing), not to get. */
#define SIM_WAIT_PUT 0x80000000u

typedef struct sim_qitem {
    struct sim_qitem *next;
    uint32_t producer;   /* the task that put it */
    uint32_t heap;       /* 1: from the event loop's heap (mainheap.h), 0: calloc's */
    uint64_t seq;        /* the queue's running number of puts */
    int64_t t_put;       /* when it was put (ns from the run's start) */
    int64_t size;
    unsigned char bytes[]; /* `size` bytes: the object the reference is to */
} sim_qitem;

typedef struct sim_share {
    const sim_workload *w;
    sim_rec *rec;
    uint32_t lock_lane0;      /* lane of the first lock (lock k: lock_lane0 + k) */
    uint32_t *lock_lane;      /* per name: its lock lane, or SIM_NO_NAME */
    _Atomic int64_t *vars;    /* per name (variables only are used) */
    uint32_t *holder;         /* per name: the task holding a lock, or SIM_NO_TASK */
    sem_t *inner;             /* per name (threading): a semaphore's or a queue's own
                                 lock, a POSIX semaphore as CPython's Lock is */
    size_t ninner;            /* how many of them are made (sem_init) */
    uint32_t *avail;          /* per name: semaphore permits left */
    sim_qitem **qhead, **qtail;
    uint64_t *qseq, *qgot;    /* per queue: puts so far; seq of the last get */
    uint32_t *waits;          /* per task: the name it waits for (| SIM_WAIT_PUT
                                 when it waits to put), or SIM_NO_NAME */
    uint64_t ntasks;
    /* threading only */
    int threaded;
    pthread_mutex_t mutex;
    pthread_cond_t cond;      /* broadcast on every release, put, and deadlock */
    uint32_t nalive, nblocked;
    int deadlock;             /* found: every waiter gives up */
    int corrupt;              /* a queue item failed its checksum or order */
    uint64_t messages, message_bytes;
    char why[256];            /* the deadlock, in a sentence */
    /* asyncio only: the heap its big queue items live in (mainheap.h),
     * set by the engine after sim_share_init; NULL: malloc's */
    struct sim_mainheap *heap;
} sim_share;

/* `threaded`: guard with a mutex; `nthreads` threads count as alive.
 * lock_lane0: the first of one lane per lock name (in name order).
 * Returns SIM_OK or SIM_E_NOMEM / SIM_E_SYS. */
int sim_share_init(sim_share *s, const sim_workload *w, sim_rec *rec,
                   uint32_t lock_lane0, int threaded, uint32_t nthreads);
void sim_share_deinit(sim_share *s);
/* Lock names in the workload: how many lock lanes an engine adds. */
uint32_t sim_share_nlocks(const sim_workload *w);

/* Variables: relaxed atomic loads and stores, never a read-modify-write
 * instruction, so that two threads without a GIL really lose updates, and
 * yet no access is a C data race. */
void sim_share_inc(sim_share *s, uint32_t var);
int64_t sim_share_load(sim_share *s, uint32_t var);
void sim_share_store(sim_share *s, uint32_t var, int64_t v);

/* The state a task waiting at `op` is in (SIM_ST_LOCK, _SEM, _QUEUE). */
sim_state sim_share_wait_state(const sim_share *s, const sim_op *op);

/* ACQUIRE or GET, without the mutex (asyncio) : can `op` go on now? */
int sim_share_ready(const sim_share *s, const sim_op *op);
/* Does it: takes the lock or permit, or the item (checked). Records the
 * lock lane and the message flow with writer `wr`. */
void sim_share_take(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr);
/* RELEASE and PUT never wait. */
void sim_share_release(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr);
/* Returns SIM_OK, SIM_E_NOMEM, or SIM_E_MEMLIMIT when the item would take
 * the run past its memory budget, which the queued items share with the
 * recording (sim_rec_hold): the run then stops, no item is lost silently,
 * and the message says why. */
int sim_share_put(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr);

/* Threading: tries ACQUIRE/GET without waiting (1 = done, 0 = must wait). */
int sim_share_try(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr);
/* Threading: waits until `op` is done. Returns SIM_OK, SIM_E_DEADLOCK (this
 * wait completed the deadlock, or another did: s->why says it), or the
 * reason to stop within a poll of the run being stopped (stop.h). */
int sim_share_wait(sim_share *s, const sim_op *op, uint32_t task, uint32_t wr,
                   sim_stop *stop);
/* Threading: CPython's threading.Semaphore and queue.Queue are Python code
 * under a lock of their own (the Condition's), held for the whole of an
 * acquire, release, put or get. When the GIL passes to another thread in
 * the middle of one, a thread that reaches the same object blocks on that
 * lock, GIL released, until the first one gets the GIL back and leaves:
 * with a few threads busy on one object this becomes a convoy, and every
 * operation pays a wake-up. A threading.Lock is one C call: no such lock.
 *
 * The lock is what CPython's is on Linux, a POSIX semaphore (sem_t), and
 * that matters for its price: while a thread sleeps on it, every release
 * makes a futex wake-up system call, even when the thread woken then
 * finds the lock taken again by the one that let it go (which ran on
 * while the other was being woken) and goes back to sleep. One thread
 * putting into a queue while another waits for the queue's lock pays a
 * wake-up for every item: CPython's two threads on one queue.Queue then
 * take up to twice as long as one thread doing both (a condition
 * variable would wake the sleeper once and let the later releases pass
 * in silence: not what CPython pays).
 * Whether `op` is one of these: */
int sim_share_has_inner(const sim_share *s, const sim_op *op);
/* Takes op's object's own lock if free (1), else 0. */
int sim_share_inner_try(sim_share *s, const sim_op *op);
/* Waits for it and takes it: SIM_OK, SIM_E_DEADLOCK (another wait found
 * the run deadlocked), the reason to stop (both seen within a poll,
 * stop.h), or SIM_E_ERRNO. A waiter never completes a deadlock: the
 * holder of an object's lock never waits with it held. */
int sim_share_inner_wait(sim_share *s, const sim_op *op, sim_stop *stop);
/* Lets it go (a wake-up system call if a thread sleeps on it). */
void sim_share_inner_give(sim_share *s, uint32_t name);
/* Threading: a thread has no more tasks to run. */
void sim_share_thread_exit(sim_share *s);

/* Explains why `task` and the others can never go on, into s->why, and
 * records the chain of waits (SIM_EV_WAIT_FOR, writer `wr`) when s->rec
 * is set. `unstarted`: tasks that never started because no thread or
 * worker was free. */
void sim_share_explain(sim_share *s, uint32_t task, uint64_t unstarted, uint32_t wr);

/* Records each variable's final value and the messages delivered. */
void sim_share_finish(sim_share *s, uint32_t wr);

#endif
