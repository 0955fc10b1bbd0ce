/* threading_priv.h - what the two halves of the threading engine share.
 *
 * threading.c is the threads a program starts: their states, the steps as
 * they run them, and the engine's setting up; threading_main.c is the
 * program's main thread, which starts them one by one and joins them.
 * Private to those two files: nobody else includes it.
 */
#ifndef SIM_THREADING_PRIV_H
#define SIM_THREADING_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "engine.h"
#include "gil.h"
#include "price.h"
#include "share.h"
#include "step.h"
#include "stop.h"

enum {
    MAX_CPU_IDS = 1024,      /* CPU numbers we can map to a core lane */
};

struct engine;

typedef struct worker {
    struct engine *E;
    pthread_t thread;
    void *stack;         /* its stack mapping (STACK_BYTES), or NULL */
    uint32_t index;      /* thread id, also the GIL's identity for it */
    uint32_t writer;     /* index + 1 */
    int holding;         /* holds the GIL */
    int cpu;             /* free-threading: the core it was last seen on, or -1 */
    uint32_t turns;      /* free-threading: loop turns since it last looked */
    int rc;              /* how its tasks ended: SIM_OK or why it stopped */
    int started;         /* it has started: Thread.start() may return */
    uint32_t task;       /* the task it runs now */
    uint32_t inner;      /* the name whose object's own lock it holds (share.h:
                            a semaphore's, a queue's), or SIM_NO_NAME */
    uint64_t acc;        /* folds every burn's result */
    sim_task_run run;    /* that task's place in its program (step.h) */
} worker;

typedef struct engine {
    sim_engine_args *a;
    sim_rec *rec;
    const sim_workload *w;
    int gil_mode;             /* threading (1) or free-threading (0) */
    sim_gil gil;
    uint32_t nthreads;
    int pool;                 /* threads take tasks from next_task */
    worker *workers;
    atomic_uint_fast64_t next_task;
    sim_stop stop;            /* cancel, --timeout, or a failure (stop.h) */
    sim_prices prices;        /* what CPython charges for each step (price.h) */
    uint64_t slice_units;
    /* Starts and finishes, announced under `mutex` on `cond`. */
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    uint32_t nfinished;
    uint32_t main_lane;       /* the main thread's lane */
    /* free-threading: core lanes. */
    pthread_mutex_t core_mutex;
    uint32_t core_lane0, ncores;
    int16_t lane_of_cpu[MAX_CPU_IDS];
    uint32_t *core_owner;     /* task on each core lane, or SIM_NO_TASK */
    sim_share share;          /* variables, locks, semaphores, queues (share.c) */
    uint32_t lock_lane0;      /* lanes of the locks, after the GIL or the cores */
} engine;

/* sim_check, the call named as the engine's: "threading: pthread_join". */
static inline void sim_threading_check(int rc, const char *what)
{
    sim_check_in(rc, "threading", what);
}

/* threading.c, for threading_main.c. */
/* Starts thread k (E->workers[k], which it initializes) on a stack of its
 * own. Returns SIM_OK, or why not with E->a->error filled; wk->stack is
 * then NULL. */
int sim_threading_start_worker(engine *E, uint32_t k);
/* Joins a started thread and unmaps its stack. */
void sim_threading_join_worker(worker *wk);

/* threading_main.c, for threading.c. */
/* The run, as the main thread of a Python program runs it (every task
 * READY at t = 0, the threads started one by one, then joined). Returns
 * SIM_OK or why the run stopped, with E->a->error filled. */
int sim_threading_main_run(engine *E);

#endif
