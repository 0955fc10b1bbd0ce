/* step_costs.h - which of CPython's costs each step of a workload pays,
 * under each model.
 *
 * A cost profile (costs.h) prices CPython's machinery; this file says
 * which of those prices a step is: `inc:x` is a global's `x += 1` under
 * asyncio and threading, but a multiprocessing.Value's read and write
 * under multiprocessing when the name is `shared.x`; `lock:L(...)` is an
 * asyncio.Lock, a threading.Lock or a multiprocessing.Lock. The engines
 * charge these prices (engines/price.h) and the window names them when it
 * explains a lane (ui/model/cost_note.h): one table, read by both.
 *
 * A step that CPython runs as a system call (time.sleep, a pipe's write)
 * has no price here: the engines make the same system call, and the
 * kernel charges it. Costs that are not a step's (creating a task, a turn
 * of the event loop, starting a thread or a process, a pool's round trip,
 * a multiprocessing queue's feeder) are paid by each engine where CPython
 * pays them; sim_model_costs lists them for a model.
 */
#ifndef SIM_STEP_COSTS_H
#define SIM_STEP_COSTS_H

#include "costs.h"
#include "model.h"
#include "workload.h"

/* One part of a step's price: cost k, times `share` (a lock's acquire
 * pays the pair of acquire and release; an executor call pays half of the
 * round trip on the loop's side). */
typedef struct sim_cost_part {
    sim_cost cost;
    double share;
} sim_cost_part;

#define SIM_STEP_COST_PARTS 2

/* The parts of op's price under model m: fills out[] and returns how many
 * (0: the step is free, or the kernel's to charge). */
int sim_step_cost_parts(const sim_workload *w, const sim_op *op, sim_model m,
                        sim_cost_part out[SIM_STEP_COST_PARTS]);

/* op's price under model m with profile c, in ns (0 with no profile). */
double sim_step_cost_ns(const sim_costs *c, const sim_workload *w, const sim_op *op,
                        sim_model m);

/* The costs model m pays outside the steps (the loop's turns, the tasks'
 * creation, thread and process starts, pools, feeders), whatever the
 * workload: fills out[] (at most `n`) and returns how many. */
int sim_model_costs(sim_model m, sim_cost *out, int n);

#endif
