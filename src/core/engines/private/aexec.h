/* aexec.h - asyncio's executors: `thread(STEPS)` as asyncio.to_thread and
 * `process(STEPS)` as loop.run_in_executor(ProcessPoolExecutor(), f).
 * Private to asyncio.c; aexec.c says how they work.
 *
 * The loop hands a task's executor body over (sim_aexec_submit) and goes
 * on with other tasks; a finished body wakes the loop through a file
 * descriptor in the loop's epoll set (an eventfd for the threads, a pipe
 * per child process), and sim_aexec_event hands the task back.
 */
#ifndef SIM_AEXEC_H
#define SIM_AEXEC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "gil.h"
#include "stop.h"

/* epoll tags (epoll_event.data.u64) of the loop's file descriptors. */
#define SIM_AEXEC_TAG_THREADS 1u
#define SIM_AEXEC_TAG_PROC0 2u   /* + process slot */

/* How many lanes and writers the executors need, and their event caps. */
typedef struct sim_aexec_plan {
    uint32_t nthreads;     /* executor thread lanes (0: no thread(...)) */
    uint32_t nprocs;       /* process slots (0: no process(...)) */
    uint64_t thread_cap;   /* events per executor thread writer */
    uint64_t proc_cap;     /* events per process slot writer */
} sim_aexec_plan;

/* How many executor threads and processes w needs, and their writers' room. */
void sim_aexec_plan_for(const sim_workload *w, int cpus, sim_aexec_plan *p);

typedef struct sim_aexec_job {
    uint32_t next;        /* in the thread queue, done list or process queue */
    uint32_t body;        /* index of the body's first op */
    int64_t t_dispatch;   /* when the task handed it over */
    int64_t t_end;        /* when the body finished */
    int64_t cpu_ns;       /* CPU the body used */
    uint32_t lane;        /* the executor lane that ran it */
    int failed;           /* the worker died or could not run it */
} sim_aexec_job;

struct sim_aexec_thread;

typedef struct sim_aexec {
    sim_engine_args *a;
    sim_rec *rec;
    const sim_workload *w;
    sim_aexec_plan plan;
    uint32_t task_lanes;       /* == ntasks: the first resource lane's index */
    uint32_t gil_lane, thread_lane0, proc_lane0;
    uint32_t thread_writer0, proc_writer0;
    int epfd;
    sim_aexec_job *jobs;       /* per task */
    uint64_t inflight;         /* bodies handed over and not handed back */
    /* The thread pool (when plan.nthreads > 0). */
    int has_gil;
    sim_gil gil;               /* shared by the loop (thread 0) and the pool */
    int evfd;
    pthread_mutex_t mutex;
    pthread_cond_t cond;       /* jobs for the pool's threads */
    pthread_cond_t ran;        /* a new thread runs (Thread.start()'s wait) */
    uint32_t running;          /* threads that have said they run */
    uint32_t qhead, qtail;     /* jobs waiting for a thread */
    uint32_t dhead;            /* jobs done, not yet handed back (a stack) */
    uint32_t started, idle;
    atomic_int quit;           /* the pool closes (deinit) */
    sim_stop *stop;            /* the run's stop (the loop's), seen by every wait */
    struct sim_aexec_thread *threads;
    /* The process slots (when plan.nprocs > 0). */
    /* The process pool (when plan.nprocs > 0), grown one worker at a time
     * as ProcessPoolExecutor grows, the workers reused. */
    pid_t *pid;                /* per worker, 0 when none */
    int *rfd;                  /* per worker: its results pipe (in the epoll set), or -1 */
    int *wfd;                  /* per worker: its jobs pipe, or -1 */
    uint32_t *slot_task;       /* per worker: the task it runs, or NONE when idle */
    uint32_t nprocs_started;
    uint32_t phead, ptail;     /* jobs waiting for a free worker */
    uint64_t acc;
} sim_aexec;

/* Lanes: the GIL at gil_lane (when threads), then the thread lanes, then
 * the process lanes; writers likewise from thread_writer0 / proc_writer0.
 * Returns SIM_OK or a sim_err with a->error filled; nothing is left on
 * failure. */
int sim_aexec_init(sim_aexec *x, sim_engine_args *a, sim_stop *stop, const sim_aexec_plan *p,
                   uint32_t gil_lane, uint32_t thread_writer0, int epfd);
/* Stops and joins every thread, kills and reaps every child. */
void sim_aexec_deinit(sim_aexec *x);

/* Hands task `task`'s body (the op `exec` is its EXEC) to its executor.
 * Returns SIM_OK or SIM_E_SYS (a->error filled). */
int sim_aexec_submit(sim_aexec *x, uint32_t task, const sim_op *exec);

/* The loop saw `tag` readable: calls done(ctx, task) for every body
 * finished. Returns SIM_OK, or SIM_E_SYS when a child died (a->error). */
int sim_aexec_event(sim_aexec *x, uint64_t tag,
                    void (*done)(void *ctx, uint32_t task), void *ctx);

#endif
