/* price.h - what CPython charges for each step, from a cost profile.
 *
 * A cost profile (costs.h) says what CPython's own machinery costs: a turn
 * of a `for` loop, `x += 1` on a global, an uncontended lock, a queue put;
 * step_costs.h says which of those each step pays under each model. This
 * file holds them for one run, per step of its workload, in the form the
 * step interpreter (step.h) reads as it goes; it charges them as real
 * computation by the thread that runs the step, under the GIL where there
 * is one, so that they compete for it as CPython's own bytecodes do.
 *
 * The costs that are not a step's (creating a task, one iteration of the
 * event loop, starting a thread or a process, a pool's round trip, a
 * multiprocessing queue's feeder) are paid by each engine at the place
 * CPython pays them; each engine's header comment says where.
 */
#ifndef SIM_PRICE_H
#define SIM_PRICE_H

#include "calib.h"
#include "clock.h"
#include "costs.h"
#include "model.h"
#include "start_method.h"
#include "workload.h"

typedef struct sim_prices {
    float *op_ns;      /* per op of the workload (w->ops): ns of interpreter work
                          CPython does for that step; NULL when all are 0 */
    double turn_ns;    /* a loop's back-edge: one turn of a `for` loop */
    double wait_ns;    /* a task that waits for another (asyncio's future made,
                          awaited, resolved and woken): charged by the engine
                          that parks it; 0 where waits are real (threads) */
    uint32_t *gap_units; /* per op: work between an `inc`'s read and its write
                            (calib.h units), part of its price; NULL: none */
    uint32_t *guard_units; /* per op: work done under a Value's own lock by each
                              of its reads and writes (multiprocessing: a
                              quarter of `v.value += 1`), part of its price */
    double ns_per_tick;/* the TSC's (calib.h), for sim_prices_clock; 0: none */
} sim_prices;

/* The prices of w's steps under model m with profile c (NULL: none, all
 * free); `calib` gives the fast clock the step interpreter reads to know
 * how much of a price its own work already took. Returns SIM_OK or
 * SIM_E_NOMEM. */
int sim_prices_init(sim_prices *p, const sim_workload *w, sim_model m, const sim_costs *c,
                    const sim_calib *calib);
void sim_prices_deinit(sim_prices *p);

/* A new worker process is not ready when it exists: CPython's runs its
 * start-up (with spawn, a whole new interpreter that imports the program).
 * For a process of start method m that has existed `elapsed` ns, the ns
 * of start-up work it still has to compute to be ready as CPython's would.
 * `imports`: what else the program imports at its top (SIM_COST__COUNT:
 * nothing; an asyncio program's SIM_COST_IMPORT_ASYNCIO), imported again
 * by each spawned process. Profile NULL: 0. */
int64_t sim_prices_start(const sim_costs *c, sim_start_method m, sim_cost imports,
                         int64_t elapsed);

/* A program's first forkserver start launches the server itself, a fresh
 * interpreter that imports the program, before anything can fork: the
 * process that starts the first worker waits that long (the pool's parent,
 * the event loop that submits the first call). The ns to compute for it,
 * 0 for the other start methods or with no profile. */
int64_t sim_prices_launch(const sim_costs *c, sim_start_method m, sim_cost imports);

/* What a Thread.start() costs beyond the kernel's part, which the engines
 * do for real (threading.c's boot says why): start()'s Python code, and
 * for the program's first thread (`first`) thread_first more. Profile
 * NULL: 0. */
int64_t sim_prices_thread_start(const sim_costs *c, int first);

/* What asyncio.run's end costs beyond its loop's shutdown
 * (asyncio_run_end) once the default executor has `threads` threads (0:
 * never made): shutdown_default_executor() starts a thread that joins
 * them (a lock handed over for each beyond the first), then wakes the
 * loop. 0 where the profile's interpreter did not wait (before 3.9). */
int64_t sim_prices_executor_shutdown(const sim_costs *c, uint32_t threads);

/* A cheap clock in ns, for intervals of one thread (the TSC where the
 * kernel trusts it, else CLOCK_MONOTONIC). */
static inline int64_t sim_prices_clock(const sim_prices *p)
{
    if (p->ns_per_tick > 0.0)
        return (int64_t)((double)sim_tsc_read() * p->ns_per_tick);
    return sim_clock_ns();
}

/* The cost `k` of profile c, in ns (0 with no profile). */
static inline double sim_cost_ns(const sim_costs *c, sim_cost k)
{
    return c ? c->ns[k] : 0.0;
}

#endif
