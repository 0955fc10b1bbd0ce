/* price.c - the steps' prices for one run (price.h), from the table of
 * which cost each step pays (step_costs.h).
 */
#include "price.h"

#include <stdlib.h>

#include "err.h"
#include "step_costs.h"

int sim_prices_init(sim_prices *p, const sim_workload *w, sim_model m, const sim_costs *c,
                    const sim_calib *calib)
{
    p->op_ns = NULL;
    p->gap_units = NULL;
    p->guard_units = NULL;
    p->turn_ns = 0.0;
    p->wait_ns = 0.0;
    p->ns_per_tick = calib ? calib->ns_per_tick : 0.0;
    if (!c || c->origin.source == SIM_COSTS_NONE)
        return SIM_OK;
    size_t n = w->nops ? w->nops : 1;
    p->op_ns = malloc(n * sizeof *p->op_ns);
    p->gap_units = calloc(n, sizeof *p->gap_units);
    p->guard_units = calloc(n, sizeof *p->guard_units);
    if (!p->op_ns || !p->gap_units || !p->guard_units) {
        sim_prices_deinit(p);
        return SIM_E_NOMEM;
    }
    for (size_t i = 0; i < w->nops; i++) {
        p->op_ns[i] = (float)sim_step_cost_ns(c, w, &w->ops[i], m);
        /* `x += 1` reads x, adds, then writes: half of its price lies
         * between the read and the write (for a Value, the way out of the
         * read's lock and into the write's). Without a GIL, that gap is where
         * another core's update is lost, so it is real work there too. The
         * whole price stays in op_ns: the step interpreter counts the gap's
         * time as already paid. */
        if (w->ops[i].kind == SIM_OP_INC && calib)
            p->gap_units[i] = (uint32_t)sim_calib_units(calib, (int64_t)(p->op_ns[i] / 2));
        /* A multiprocessing.Value's getter and setter each run under its
         * lock (sharedctypes.py: acquire, read or write self._obj, then
         * release in a `finally`): of an access's work, the read or write
         * and the way to the release, about half, is done holding it, and
         * that is what another process waits for. An inc is two accesses
         * (a quarter of its price each, the add between them), a load or a
         * store one (half of its price). Also counted as paid. */
        const sim_op *op = &w->ops[i];
        int value = m == SIM_MODEL_MULTIPROCESSING && op->b < w->nnames &&
                    w->names[op->b].shared;
        if (value && calib && (op->kind == SIM_OP_INC || op->kind == SIM_OP_LOAD ||
                               op->kind == SIM_OP_STORE))
            p->guard_units[i] = (uint32_t)sim_calib_units(
                calib, (int64_t)(p->op_ns[i] / (op->kind == SIM_OP_INC ? 4 : 2)));
    }
    p->turn_ns = c->ns[SIM_COST_LOOP_TURN];
    /* Threads wait for real (a futex, the GIL taken back): the kernel and
     * the GIL charge them. A coroutine's wait is Python code. */
    if (m == SIM_MODEL_ASYNCIO)
        p->wait_ns = c->ns[SIM_COST_ASYNCIO_WAIT];
    return SIM_OK;
}

static int64_t import_ns(const sim_costs *c, sim_cost imports)
{
    return imports < SIM_COST__COUNT ? (int64_t)c->ns[imports] : 0;
}

int64_t sim_prices_start(const sim_costs *c, sim_start_method m, sim_cost imports,
                         int64_t elapsed)
{
    static const sim_cost start_cost[SIM_START__COUNT] = {
        [SIM_START_FORKSERVER] = SIM_COST_START_FORKSERVER,
        [SIM_START_FORK] = SIM_COST_START_FORK,
        [SIM_START_SPAWN] = SIM_COST_START_SPAWN,
    };
    if (!c || (unsigned)m >= SIM_START__COUNT)
        return 0;
    int64_t start = (int64_t)c->ns[start_cost[m]] +
                    (m == SIM_START_SPAWN ? import_ns(c, imports) : 0);
    return start > elapsed ? start - elapsed : 0;
}

int64_t sim_prices_launch(const sim_costs *c, sim_start_method m, sim_cost imports)
{
    if (!c || m != SIM_START_FORKSERVER)
        return 0;
    return (int64_t)c->ns[SIM_COST_FORKSERVER_LAUNCH] + import_ns(c, imports);
}

int64_t sim_prices_thread_start(const sim_costs *c, int first)
{
    return (int64_t)(sim_cost_ns(c, SIM_COST_THREAD_START_CODE) +
                     (first ? sim_cost_ns(c, SIM_COST_THREAD_FIRST) : 0.0));
}

int64_t sim_prices_executor_shutdown(const sim_costs *c, uint32_t threads)
{
    double shutdown = sim_cost_ns(c, SIM_COST_EXECUTOR_SHUTDOWN);
    if (threads == 0 || shutdown <= 0.0)
        return 0;
    return (int64_t)(shutdown + sim_cost_ns(c, SIM_COST_LOCK_HANDOVER) * (threads - 1));
}

void sim_prices_deinit(sim_prices *p)
{
    free(p->op_ns);
    free(p->gap_units);
    free(p->guard_units);
    p->op_ns = NULL;
    p->gap_units = NULL;
    p->guard_units = NULL;
}
