/* price.c - which of CPython's costs each step pays, per model (price.h).
 *
 * The whole mapping is the table in step_price below: one row per kind of
 * step, one column per model. A step that CPython runs as a system call
 * (time.sleep, a pipe's write) is not priced here: the engines make the
 * same system call, and the kernel charges it.
 */
#include "price.h"

#include <stdlib.h>

#include "err.h"

/* What one step of kind `op` costs under model m. */
static double step_price(const sim_workload *w, const sim_op *op, sim_model m,
                         const sim_costs *c)
{
    int mp = m == SIM_MODEL_MULTIPROCESSING;
    int asyncio = m == SIM_MODEL_ASYNCIO;
    int shared = op->b < w->nnames && w->names[op->b].shared;
    int sem = op->b < w->nnames && w->names[op->b].kind == SIM_NAME_SEM;
    switch ((sim_op_kind)op->kind) {
    case SIM_OP_INC:
        /* A Value's `v.value += 1`: two calls into ctypes, no lock taken. */
        return mp && shared ? c->ns[SIM_COST_MP_VALUE_INC] : c->ns[SIM_COST_GLOBAL_INC];
    case SIM_OP_LOAD:
        return mp && shared ? c->ns[SIM_COST_MP_VALUE_INC] / 2 : c->ns[SIM_COST_GLOBAL_LOAD];
    case SIM_OP_STORE:
        return mp && shared ? c->ns[SIM_COST_MP_VALUE_INC] / 2 : c->ns[SIM_COST_GLOBAL_STORE];
    case SIM_OP_ACQUIRE: /* the pair: acquire and release, paid at the acquire */
        if (asyncio)
            return c->ns[sem ? SIM_COST_ASYNCIO_SEMAPHORE : SIM_COST_ASYNCIO_LOCK];
        if (mp)
            return c->ns[sem ? SIM_COST_MP_SEMAPHORE : SIM_COST_MP_LOCK];
        return c->ns[sem ? SIM_COST_SEMAPHORE : SIM_COST_LOCK];
    case SIM_OP_PUT:
        /* multiprocessing: the feeder thread pays it (mp_queue.c) */
        return asyncio ? c->ns[SIM_COST_ASYNCIO_QUEUE_PUT]
               : mp    ? 0.0
                       : c->ns[SIM_COST_QUEUE_PUT];
    case SIM_OP_GET:
        /* multiprocessing: per item here, per byte where the size is known */
        return asyncio ? c->ns[SIM_COST_ASYNCIO_QUEUE_GET]
               : mp    ? c->ns[SIM_COST_MPQ_GET]
                       : c->ns[SIM_COST_QUEUE_GET];
    case SIM_OP_YIELD:
        /* asyncio.sleep(0)'s own part (the loop's iteration is the loop's);
         * time.sleep(0) is a real nanosleep, the kernel's to charge */
        return asyncio ? c->ns[SIM_COST_ASYNCIO_YIELD] : 0.0;
    case SIM_OP_IO:
        /* asyncio.sleep(d): a timer made, pushed and fired, beyond sleep(0) */
        return asyncio ? c->ns[SIM_COST_ASYNCIO_YIELD] + c->ns[SIM_COST_ASYNCIO_TIMER] : 0.0;
    case SIM_OP_EXEC:
        /* the loop's half of the round trip: the call handed over; the other
         * half is the executor's (aexec.c). Inline under threads. */
        if (!asyncio)
            return 0.0;
        return op->b == SIM_EXEC_THREAD ? c->ns[SIM_COST_TO_THREAD] / 2
                                        : c->ns[SIM_COST_RUN_IN_PROCESS] / 2;
    case SIM_OP_END:
    case SIM_OP_CPU:
    case SIM_OP_LOOP:
    case SIM_OP_NEXT:
    case SIM_OP_RELEASE:
    case SIM_OP_EXEC_END:
        break;
    }
    return 0.0;
}

int sim_prices_init(sim_prices *p, const sim_workload *w, sim_model m, const sim_costs *c,
                    const sim_calib *calib)
{
    p->op_ns = NULL;
    p->gap_units = NULL;
    p->turn_ns = 0.0;
    p->ns_per_tick = calib ? calib->ns_per_tick : 0.0;
    if (!c || c->origin.source == SIM_COSTS_NONE)
        return SIM_OK;
    size_t n = w->nops ? w->nops : 1;
    p->op_ns = malloc(n * sizeof *p->op_ns);
    p->gap_units = calloc(n, sizeof *p->gap_units);
    if (!p->op_ns || !p->gap_units) {
        sim_prices_deinit(p);
        return SIM_E_NOMEM;
    }
    for (size_t i = 0; i < w->nops; i++) {
        p->op_ns[i] = (float)step_price(w, &w->ops[i], m, c);
        /* `x += 1` reads x, adds, then writes: half of its price lies
         * between the read and the write (for a Value, the read's and the
         * write's calls into ctypes). Without a GIL, that gap is where
         * another core's update is lost, so it is real work there too. The
         * whole price stays in op_ns: the step interpreter counts the gap's
         * time as already paid. */
        if (w->ops[i].kind == SIM_OP_INC && calib)
            p->gap_units[i] = (uint32_t)sim_calib_units(calib, (int64_t)(p->op_ns[i] / 2));
    }
    p->turn_ns = c->ns[SIM_COST_LOOP_TURN];
    return SIM_OK;
}

void sim_prices_start(const sim_costs *c, sim_start_method m, int first, sim_cost imports,
                      int64_t elapsed, int64_t *wait_ns, int64_t *compute_ns)
{
    static const sim_cost start_cost[SIM_START__COUNT] = {
        [SIM_START_FORKSERVER] = SIM_COST_START_FORKSERVER,
        [SIM_START_FORK] = SIM_COST_START_FORK,
        [SIM_START_SPAWN] = SIM_COST_START_SPAWN,
    };
    *wait_ns = *compute_ns = 0;
    if (!c || (unsigned)m >= SIM_START__COUNT)
        return;
    /* The server's launch: the first process computes it, as the server
     * does; the others wait for it. */
    int64_t import = imports < SIM_COST__COUNT ? (int64_t)c->ns[imports] : 0;
    int64_t launch = m == SIM_START_FORKSERVER
                         ? (int64_t)c->ns[SIM_COST_FORKSERVER_LAUNCH] + import : 0;
    int64_t start = (int64_t)c->ns[start_cost[m]] + (m == SIM_START_SPAWN ? import : 0);
    if (first) {
        *compute_ns = launch + start - elapsed;
    } else {
        *wait_ns = launch - elapsed;
        elapsed = elapsed > launch ? elapsed - launch : 0;
        *compute_ns = start - elapsed;
    }
    if (*wait_ns < 0)
        *wait_ns = 0;
    if (*compute_ns < 0)
        *compute_ns = 0;
}

void sim_prices_deinit(sim_prices *p)
{
    free(p->op_ns);
    free(p->gap_units);
    p->op_ns = NULL;
    p->gap_units = NULL;
}
