/* mp_region.h - the shared memory of the multiprocessing engine (private
 * to mp_shared.c and mp_queue.c).
 *
 * One region, the area of an extra writer of the recording's mapping, that
 * every worker maps as it maps the recording: the shared variables, the
 * process-shared locks, semaphores and queue guards, who waits for what.
 */
#ifndef SIM_MP_REGION_H
#define SIM_MP_REGION_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_shared.h"
#include "share.h"

#define SIM_MP_REGION_MAGIC 0x43565348u /* "CVSH" */

typedef struct mp_obj {
    pthread_mutex_t m;       /* robust, process-shared: guards holder and avail */
    pthread_cond_t c;        /* process-shared: signalled on every release */
    pthread_mutex_t rd, wrt; /* queues: one whole item read / written at a time */
    uint32_t holder;         /* lock: the task holding it, or SIM_NO_TASK */
    uint32_t avail;          /* semaphore: permits left */
    _Atomic uint64_t puts, gets;
    uint64_t last_seq;       /* queues: number of the last item got */
} mp_obj;

typedef struct sim_mp_region {
    uint32_t magic, nnames;
    uint32_t lock_lane0;
    int32_t parent_pid;
    int32_t qfd[SIM_MAX_NAMES];      /* the parent's descriptor of each queue's pipe */
    _Atomic uint32_t nblocked;
    _Atomic uint32_t corrupt;
    _Atomic uint64_t progress;
    _Atomic uint64_t messages, bytes;
    _Atomic int64_t vars[SIM_MAX_NAMES];
    mp_obj obj[SIM_MAX_NAMES];
    _Atomic uint32_t waits[];        /* per task: 1 + the name it waits for, or 0 */
} sim_mp_region;

/* A queue item on the pipe: this header, then `size` bytes, each of them
 * `fill` (the consumer checks a sample of them, and the number). */
typedef struct item_head {
    uint32_t producer;
    uint32_t fill;
    uint64_t seq;
    int64_t size, t_put;
} item_head;


static inline sim_mp_region *sim_mp_region_of(sim_rec *r)
{
    const sim_writer *last = &r->writers[r->head->nwriters - 1];
    if (last->cap * sizeof(sim_event) < sizeof(sim_mp_region))
        return NULL;
    return (sim_mp_region *)((char *)r->head + last->offset);
}

static inline void sim_mp_locked(pthread_mutex_t *m)
{
    int e = pthread_mutex_lock(m);
    if (e == EOWNERDEAD)
        e = pthread_mutex_consistent(m); /* its holder died inside: recover */
    if (e != 0) {
        fprintf(stderr, "concviz: fatal: mp_shared: mutex: %s\n", strerror(e));
        abort();
    }
}

static inline void sim_mp_unlocked(pthread_mutex_t *m)
{
    int e = pthread_mutex_unlock(m);
    if (e != 0) {
        fprintf(stderr, "concviz: fatal: mp_shared: unlock: %s\n", strerror(e));
        abort();
    }
}


static inline uint32_t sim_mp_lock_lane(const sim_mpshare_w *s, uint32_t b)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < b; i++)
        k += s->w->names[i].kind == SIM_NAME_LOCK;
    return s->reg->lock_lane0 + k;
}

/* `wait`: the name's index, | SIM_WAIT_PUT for a put waiting for room. */
static inline void sim_mp_block(sim_mpshare_w *s, uint32_t task, uint32_t wait)
{
    atomic_store(&s->reg->waits[task], (wait & ~SIM_WAIT_PUT) + 1 + (wait & SIM_WAIT_PUT));
    atomic_fetch_add(&s->reg->nblocked, 1);
}

static inline void sim_mp_unblock(sim_mpshare_w *s, uint32_t task)
{
    atomic_store(&s->reg->waits[task], 0);
    atomic_fetch_sub(&s->reg->nblocked, 1);
    atomic_fetch_add(&s->reg->progress, 1);
}

#endif
