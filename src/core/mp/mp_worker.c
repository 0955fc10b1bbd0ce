/* mp_worker.c - one worker process of the multiprocessing pool.
 *
 * This is what a Python Pool worker does, in C: take a task from the task
 * queue (here a real pipe), run it, put the result on the result queue
 * (another pipe), until the parent closes the pool (one STOP message per
 * worker). The worker is a process of its own, with its own memory and no
 * GIL to share, so its `cpu` steps run in parallel with the other workers'
 * on as many cores as the machine has.
 *
 * It records into the same shared mapping as the parent (sim_rec_attach):
 * writer 1+k is worker k's alone, so no lock is needed across processes.
 * It records its own start: STARTING from the instant it was forked (by
 * the helper, by concviz itself, or forked and exec'd: start_method.h)
 * until it is ready (the mapping attached, the workload parsed again, the
 * analogue of unpickling the work), which is the start cost the window
 * shows. Then the anatomy of each task on its lane: RECV while it waits
 * for and reads the task message, RUNNING while it computes, SEND while it
 * writes the result back. A task's lane is written by the worker that runs
 * it.
 *
 * The steps are walked by the step interpreter (step.h), as in every
 * engine; this file says only what a process does for each.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calib.h"
#include "mp_proto.h"
#include "mp_shared.h"
#include "price.h"
#include "rec.h"
#include "start_method.h"
#include "step.h"
#include "stop.h"
#include "workload.h"

typedef struct worker {
    sim_rec rec;
    sim_workload w;
    sim_calib calib;
    sim_stop stop;      /* never set: a worker is killed, not asked (stop.h) */
    sim_costs costs;    /* what CPython's machinery costs (the parent's profile) */
    const sim_costs *charged; /* &costs, or NULL: charge nothing */
    sim_prices prices;  /* the steps' prices (price.h) */
    uint32_t k;         /* worker index */
    uint32_t wr;        /* its writer */
    uint32_t lane;      /* its lane */
    uint32_t main_lane;
    uint64_t sink;      /* folds every burn's result */
    sim_mpshare_w share; /* Value, Lock, Semaphore, Queue (mp_shared.c) */
    /* The task it runs: RUNNING is recorded again only when the task comes
     * back from a wait or finds itself on another core. */
    int running;
    uint16_t core;
    sim_task_run run;
} worker;

static void mark_running(worker *wk, uint32_t task)
{
    uint16_t now_core = sim_current_cpu();
    if (!wk->running || now_core != wk->core)
        sim_rec_state(&wk->rec, wk->wr, task, sim_rec_now(&wk->rec), SIM_ST_RUNNING,
                      SIM_NO_TASK, now_core);
    wk->core = now_core;
    wk->running = 1;
}

/* ---- the steps, as a worker process runs them (hooks of step.h) ------ */

/* A process has a GIL of its own, held all along: no switch point. */
static int w_cpu(void *eng, sim_task_run *r, int64_t ns)
{
    worker *wk = eng;
    mark_running(wk, r->task);
    return sim_step_burn(&wk->calib, ns, UINT64_MAX, &wk->sink, NULL, NULL);
}

/* A real blocking wait that needs no CPU. Nothing stops it: on a stop the
 * parent kills the worker. */
static int w_io(void *eng, sim_task_run *r, int64_t ns)
{
    worker *wk = eng;
    sim_rec_state(&wk->rec, wk->wr, r->task, sim_rec_now(&wk->rec), SIM_ST_IO,
                  SIM_NO_TASK, SIM_NO_CPU);
    wk->running = 0;
    return sim_stop_sleep_until(&wk->stop, sim_rec_now(&wk->rec) + ns);
}

/* `yield` is time.sleep(0) in a worker, as in a thread: a real
 * nanosleep of nothing, which still costs a trip through the kernel's
 * timers (tens of microseconds of timer slack on Linux), shown as a wait. */
static int w_yield(void *eng, sim_task_run *r)
{
    worker *wk = eng;
    sim_rec_state(&wk->rec, wk->wr, r->task, sim_rec_now(&wk->rec), SIM_ST_IO,
                  SIM_NO_TASK, SIM_NO_CPU);
    wk->running = 0;
    struct timespec zero = {0, 0};
    if (nanosleep(&zero, NULL) != 0 && errno != EINTR)
        return SIM_E_ERRNO(errno);
    mark_running(wk, r->task);
    return SIM_OK;
}

static _Atomic int64_t *w_var(void *eng, sim_task_run *r, uint32_t name)
{
    (void)r;
    return sim_mpshare_var(&((worker *)eng)->share, name);
}

static int64_t w_guard(void *eng, sim_task_run *r, uint32_t name, int take, uint32_t units)
{
    (void)r;
    return sim_mpshare_value_guard(&((worker *)eng)->share, name, take, units);
}

static int w_acquire(void *eng, sim_task_run *r, const sim_op *op)
{
    worker *wk = eng;
    if (!sim_mpshare_acquire(&wk->share, op, r->task))
        return SIM_OK; /* free: only bookkeeping (step.h) */
    wk->running = 1;
    return SIM_STEP_WAITED;
}

static int w_release(void *eng, sim_task_run *r, const sim_op *op)
{
    (void)r;
    sim_mpshare_release(&((worker *)eng)->share, op);
    return SIM_OK;
}

static int w_put(void *eng, sim_task_run *r, const sim_op *op)
{
    sim_mpshare_put(&((worker *)eng)->share, op, r->task);
    return SIM_STEP_WAITED; /* the item made and pickled: the program's work */
}

static int w_get(void *eng, sim_task_run *r, const sim_op *op)
{
    worker *wk = eng;
    if (sim_mpshare_get(&wk->share, op, r->task))
        wk->running = 1;
    return SIM_STEP_WAITED; /* unpickled, or waited: not bookkeeping */
}

/* Where a task is and what it read or wrote (step.h): on its lane, by
 * the worker's writer. A plain variable's values are this process's copy. */
static void w_note(void *eng, sim_task_run *r, sim_instant what, uint32_t arg)
{
    worker *wk = eng;
    sim_rec_instant(&wk->rec, wk->wr, r->task, sim_rec_now(&wk->rec), what, arg);
}

static const sim_step_ops worker_steps = {
    .cpu = w_cpu, .io = w_io, .yield = w_yield, .var = w_var, .guard = w_guard,
    .acquire = w_acquire, .release = w_release, .put = w_put, .get = w_get,
    .exec = NULL, /* thread(...) and process(...) run inline in a worker */
    .note = w_note,
};

/* CPython's own work in the worker (costs.h): real computation. */
static void charge(worker *wk, int64_t ns)
{
    if (ns > 0)
        sim_step_burn(&wk->calib, ns, UINT64_MAX, &wk->sink, NULL, NULL);
}

/* A Python worker is not ready when it exists (sim_prices_start): it
 * computes what CPython's start-up takes beyond what starting took here. */
static void start_up(worker *wk, uint32_t method, int64_t t_fork)
{
    charge(wk, sim_prices_start(wk->charged, (sim_start_method)method, SIM_COST__COUNT,
                                sim_rec_now(&wk->rec) - t_fork));
}

static void run_task(worker *wk, uint32_t task)
{
    sim_rec *r = &wk->rec;
    int64_t cpu0 = sim_thread_cpu_ns();
    /* The task runs from its pickup on. */
    wk->core = sim_current_cpu();
    wk->running = 1;
    sim_rec_state(r, wk->wr, task, sim_rec_now(r), SIM_ST_RUNNING, SIM_NO_TASK, wk->core);
    sim_task_run_init(&wk->run, &wk->w, task);
    sim_step_run(&worker_steps, wk, &wk->stop, &wk->w, &wk->prices, &wk->run, NULL);
    sim_rec_state(r, wk->wr, task, sim_rec_now(r), SIM_ST_DONE, SIM_NO_TASK, SIM_NO_CPU);
    sim_rec_task_cpu(r, wk->wr, task, sim_thread_cpu_ns() - cpu0);
}

static int write_all(int fd, const void *p, size_t n)
{
    ssize_t k;
    do
        k = write(fd, p, n);
    while (k < 0 && errno == EINTR);
    return k == (ssize_t)n ? 0 : -1;
}

/* Reads one whole message; returns 0, or -1 at EOF or on an error. */
static int read_msg(int fd, void *p, size_t n)
{
    ssize_t k;
    do
        k = read(fd, p, n);
    while (k < 0 && errno == EINTR);
    return k == (ssize_t)n ? 0 : -1;
}

/* This process's proportional set size: its private pages plus its share
 * of the pages it shares with the helper and the other workers. */
static int64_t own_pss_bytes(void)
{
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f)
        return -1;
    char line[256];
    long long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Pss: %lld kB", &kb) == 1)
            break;
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

int sim_mp_worker_main(const sim_mp_job *job, const char *spec, int memfd,
                       int task_r, int res_w, uint32_t index, int64_t t_fork_abs)
{
    worker wk = {.k = index, .wr = 1 + index};
    if (sim_rec_attach(&wk.rec, memfd, (size_t)job->map_size) != 0)
        return 2;
    close(memfd);
    sim_rec *r = &wk.rec;
    uint32_t ntasks = r->head->ntask_lanes;
    wk.main_lane = ntasks;
    wk.lane = ntasks + 1 + index;
    int64_t t_fork = t_fork_abs - r->head->t0_abs;
    sim_rec_instant(r, wk.wr, wk.lane, t_fork, SIM_IN_SPAWN, (uint32_t)getpid());
    sim_rec_state(r, wk.wr, wk.lane, t_fork, SIM_ST_STARTING, SIM_NO_TASK, SIM_NO_CPU);

    sim_parse_error perr;
    if (sim_workload_parse(&wk.w, spec, &perr) != 0 || wk.w.ntasks != ntasks)
        return 3;
    if (sim_mpshare_attach(&wk.share, r, &wk.w, wk.wr) != 0)
        return 6;
    wk.calib.ns_per_unit = job->ns_per_unit;
    wk.calib.ns_per_tick = job->ns_per_tick;
    sim_stop_init(&wk.stop, NULL, 0, r);
    if (job->has_costs) {
        memcpy(wk.costs.ns, job->costs, sizeof wk.costs.ns);
        wk.costs.origin.source = SIM_COSTS_FILE;
        wk.charged = &wk.costs;
    }
    if (sim_prices_init(&wk.prices, &wk.w, SIM_MODEL_MULTIPROCESSING, wk.charged,
                        &wk.calib) != 0)
        return 6;
    sim_mpshare_set_costs(&wk.share, &wk.calib, wk.charged);
    start_up(&wk, job->start, t_fork);
    sim_rec_state(r, wk.wr, wk.lane, sim_rec_now(r), SIM_ST_RECV, SIM_NO_TASK,
                  SIM_NO_CPU);

    int code = 0;
    sim_mp_task msg;
    for (;;) {
        if (read_msg(task_r, &msg, sizeof msg) != 0) {
            code = 4; /* the queue vanished: the parent must be gone */
            break;
        }
        if (msg.kind == SIM_MP_STOP)
            break;
        if (msg.kind != SIM_MP_TASK || msg.task >= ntasks) {
            code = 5;
            break;
        }
        /* A Pool worker's own part of each task (pool_task_worker): half
         * reading and unpickling it, half pickling and sending its result.
         * The parent pays its part (pool_task) in multiprocessing.c. */
        double half = sim_cost_ns(wk.charged, SIM_COST_POOL_TASK_WORKER) / 2;
        charge(&wk, (int64_t)half);
        int64_t pickup = sim_rec_now(r);
        sim_rec_flow(r, wk.wr, SIM_FL_DISPATCH, wk.main_lane, msg.t_sent, wk.lane,
                     pickup);
        sim_rec_state(r, wk.wr, wk.lane, pickup, SIM_ST_RUNNING, msg.task,
                      sim_current_cpu());
        run_task(&wk, msg.task);
        int64_t t_done = sim_rec_now(r);
        sim_mp_result res = {.kind = SIM_MP_RESULT, .task = msg.task,
                             .worker = index, .t_sent = t_done, .pss_bytes = -1};
        sim_rec_state(r, wk.wr, wk.lane, t_done, SIM_ST_SEND, msg.task, SIM_NO_CPU);
        charge(&wk, (int64_t)half);
        if (write_all(res_w, &res, sizeof res) != 0) {
            code = 4;
            break;
        }
        sim_rec_state(r, wk.wr, wk.lane, sim_rec_now(r), SIM_ST_RECV, SIM_NO_TASK,
                      SIM_NO_CPU);
    }
    sim_burn_sink(wk.sink);
    /* As a Python process joins its queues' feeder threads before it
     * exits: every item it put is written to its pipe first. */
    sim_mpshare_flush(&wk.share);
    sim_mp_result bye = {.kind = SIM_MP_BYE, .task = SIM_NO_TASK, .worker = index,
                         .t_sent = sim_rec_now(r), .pss_bytes = own_pss_bytes()};
    if (code == 0)
        write_all(res_w, &bye, sizeof bye);
    sim_rec_instant(r, wk.wr, wk.lane, sim_rec_now(r), SIM_IN_EXIT, (uint32_t)code);
    sim_rec_state(r, wk.wr, wk.lane, sim_rec_now(r), SIM_ST_DONE, SIM_NO_TASK,
                  SIM_NO_CPU);
    sim_mpshare_detach(&wk.share);
    sim_prices_deinit(&wk.prices);
    sim_workload_free(&wk.w);
    sim_rec_deinit(r);
    close(task_r);
    close(res_w);
    return code;
}
