/* threading_main.c - the main thread of a threaded Python program.
 *
 * The threads are started as a Python program starts them: the main
 * thread (the caller of sim_threading_run, with a lane of its own) holds
 * the GIL and starts them one after another, and each Thread.start()
 * waits until the new thread has started, which needs the GIL; so starts
 * are staggered, and a thousand threads do not all wake at once. Then the
 * main thread waits in join() until they have finished.
 *
 * What Thread.start() costs beyond the real creation, and join(), the main
 * thread pays, as its own Python work under the GIL (price.h, costs.h).
 * It also measures what a thread costs in memory (a->mem_per_task_bytes).
 * The threads themselves, and the engine's setting up, are threading.c's.
 */
#include "threading_priv.h"

#include <stdio.h>
#include <unistd.h>

/* Resident memory of the whole process, in bytes (/proc/self/statm). */
static int64_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    long size = 0, resident = -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : (int64_t)resident * sysconf(_SC_PAGESIZE);
}

/* Waits until every started thread has finished. The threads look at the
 * stop themselves; the supervisor looks too, each poll, so that a timeout
 * is seen even while every thread sleeps or waits. Returns the reason the
 * run stopped early, or SIM_OK. */
static int supervise(engine *E, uint32_t started)
{
    sim_threading_check(pthread_mutex_lock(&E->mutex), "pthread_mutex_lock");
    while (E->nfinished < started) {
        sim_stop_check(&E->stop);
        sim_stop_cond_wait(&E->cond, &E->mutex);
    }
    sim_threading_check(pthread_mutex_unlock(&E->mutex), "pthread_mutex_unlock");
    return sim_stop_check(&E->stop);
}

/* The main thread, as a Python program's: records on writer 0 and on its
 * own lane, and under the GIL has an id no worker has (nthreads). */
static void main_state(engine *E, sim_state st)
{
    sim_rec_state(E->rec, 0, E->main_lane, sim_rec_now(E->rec), st, SIM_NO_TASK,
                  st == SIM_ST_RUNNING ? sim_current_cpu() : SIM_NO_CPU);
}

static int main_take(engine *E)
{
    if (!E->gil_mode)
        return SIM_OK;
    int64_t t;
    main_state(E, SIM_ST_READY);
    int rc = sim_gil_take(&E->gil, E->nthreads, SIM_NO_TASK, 0, &E->stop, &t);
    if (rc == SIM_OK)
        main_state(E, SIM_ST_RUNNING);
    return rc;
}

static void main_drop(engine *E)
{
    main_state(E, SIM_ST_IDLE);
    if (E->gil_mode)
        sim_gil_drop(&E->gil, E->nthreads, SIM_NO_TASK, 0, &E->stop);
}

/* The main thread's switch point between slices of its own work. */
static int main_between(void *ctx)
{
    engine *E = ctx;
    int rc = sim_stop_check(&E->stop);
    if (rc != SIM_OK || !E->gil_mode || !sim_gil_drop_requested(&E->gil))
        return rc;
    main_drop(E);
    return main_take(E);
}

/* The main thread's own Python work (holding the GIL, if any), `ns` of it. */
static int main_work(engine *E, int64_t ns, uint64_t *acc)
{
    if (ns <= 0)
        return SIM_OK;
    main_state(E, SIM_ST_RUNNING);
    return sim_step_burn(E->a->calib, ns, E->slice_units, acc, main_between, E);
}

/* Thread.start(): creates thread k and waits, the GIL released, until it
 * has started (its bootstrap paid what start() costs: threading.c's
 * boot); then takes the GIL back, once the new thread lets it go. In a
 * pool, each start is a submit() that makes its Thread first
 * (ThreadPoolExecutor._adjust_thread_count). Returns SIM_OK or why not. */
static int start_one(engine *E, uint32_t k, uint64_t *acc)
{
    worker *wk = &E->workers[k];
    if (E->pool) {
        /* The pool itself first: ThreadPoolExecutor(n) made (thread_pool);
         * then this task's submit(), which grows the pool. */
        const sim_costs *c = E->a->costs;
        double ns = sim_cost_ns(c, SIM_COST_THREAD_POOL_TASK) +
                    sim_cost_ns(c, SIM_COST_THREAD_NEW) +
                    (k == 0 ? sim_cost_ns(c, SIM_COST_THREAD_POOL) : 0.0);
        int rc = main_work(E, (int64_t)ns, acc);
        if (rc != SIM_OK)
            return rc;
    }
    int rc = sim_threading_start_worker(E, k);
    if (rc != SIM_OK)
        return rc;
    main_drop(E);
    sim_threading_check(pthread_mutex_lock(&E->mutex), "pthread_mutex_lock");
    while (!wk->started && (rc = sim_stop_check(&E->stop)) == SIM_OK)
        sim_stop_cond_wait(&E->cond, &E->mutex);
    sim_threading_check(pthread_mutex_unlock(&E->mutex), "pthread_mutex_unlock");
    return rc != SIM_OK ? rc : main_take(E);
}

/* The run, as the main thread of a Python program runs it: start the
 * threads one by one (each start waits for the thread), then join them. */
int sim_threading_main_run(engine *E)
{
    sim_engine_args *a = E->a;
    int rc = SIM_OK;
    uint32_t started = 0;
    int64_t rss0 = rss_bytes();

    sim_rec_start_clock(E->rec);
    for (uint32_t i = 0; i < E->w->ntasks; i++)
        sim_rec_state(E->rec, 0, i, 0, SIM_ST_READY, 0, SIM_NO_CPU);
    uint64_t acc = 0x2545f4914f6cdd1dull;
    main_state(E, SIM_ST_RUNNING);
    rc = main_take(E);
    /* The program makes every Thread object, then starts them. */
    if (rc == SIM_OK && !E->pool)
        rc = main_work(E, (int64_t)(sim_cost_ns(a->costs, SIM_COST_THREAD_NEW) * E->nthreads),
                       &acc);
    while (rc == SIM_OK && started < E->nthreads) {
        rc = start_one(E, started, &acc);
        if (E->workers[started].stack)
            started++;
    }
    /* A pool's other tasks are submitted as its threads run (each a
     * submit() and, later, a result()). */
    if (rc == SIM_OK && E->pool && E->w->ntasks > started)
        rc = main_work(E, (int64_t)(sim_cost_ns(a->costs, SIM_COST_THREAD_POOL_TASK) *
                                    (double)(E->w->ntasks - started)),
                       &acc);
    if (rc == SIM_OK)
        main_drop(E); /* join() waits with the GIL released */
    else
        sim_stop_halt(&E->stop, rc);

    /* What a thread costs: the growth of the resident set once all have
     * started, per thread. It counts the stack pages each thread touched,
     * its thread descriptor and TLS (glibc keeps them at the top of the
     * stack mapping); not the 8 MB of reserved but untouched stack, nor
     * the kernel's own per-thread memory (task struct, kernel stack). */
    int64_t rss1 = rss_bytes();
    if (rc == SIM_OK && rss0 >= 0 && rss1 >= rss0 && started > 0)
        a->mem_per_task_bytes = (rss1 - rss0) / started;

    /* The first reason any thread stopped for is the run's: a memory
     * error is not hidden behind the deadlock that followed it. */
    int reason = supervise(E, started);
    for (uint32_t i = 0; i < started; i++)
        sim_threading_join_worker(&E->workers[i]);
    /* join() of each thread, finished: the main thread's last Python work.
     * A pool's shutdown() wakes each of its threads first, waiting for
     * work (a lock handed over each). */
    double join = sim_cost_ns(E->a->costs, SIM_COST_THREAD_JOIN) * started;
    if (E->pool)
        join += sim_cost_ns(E->a->costs, SIM_COST_LOCK_HANDOVER) * started;
    if (reason == SIM_OK && join > 0 && (reason = main_take(E)) == SIM_OK) {
        reason = main_work(E, (int64_t)join, &acc);
        main_drop(E);
    }
    sim_burn_sink(acc);
    main_state(E, SIM_ST_DONE);
    if (rc == SIM_OK)
        rc = reason;
    if (rc == SIM_E_DEADLOCK)
        snprintf(a->error, sizeof a->error, "deadlock: %.200s", E->share.why);
    if (rc == SIM_OK && E->share.corrupt) {
        rc = SIM_E_SYS;
        snprintf(a->error, sizeof a->error, "a queue item arrived damaged or out of order");
    }
    return rc;
}
