/* step_costs.c - which of CPython's costs each step pays (step_costs.h).
 *
 * The whole mapping is the switch in sim_step_cost_parts: one case per kind
 * of step, the models inside.
 */
#include "step_costs.h"

int sim_step_cost_parts(const sim_workload *w, const sim_op *op, sim_model m,
                        sim_cost_part out[SIM_STEP_COST_PARTS])
{
    int mp = m == SIM_MODEL_MULTIPROCESSING;
    int asyncio = m == SIM_MODEL_ASYNCIO;
    int shared = op->b < w->nnames && w->names[op->b].shared;
    int sem = op->b < w->nnames && w->names[op->b].kind == SIM_NAME_SEM;
    int n = 0;
#define PART(k, s) (out[n++] = (sim_cost_part){(k), (s)})
    switch ((sim_op_kind)op->kind) {
    case SIM_OP_INC:
        /* A Value's `v.value += 1`: a read and a write, each under the
         * Value's lock (price.h says how much of it is done holding it). */
        PART(mp && shared ? SIM_COST_MP_VALUE_INC : SIM_COST_GLOBAL_INC, 1.0);
        break;
    case SIM_OP_LOAD:
        if (mp && shared)
            PART(SIM_COST_MP_VALUE_INC, 0.5);
        else
            PART(SIM_COST_GLOBAL_LOAD, 1.0);
        break;
    case SIM_OP_STORE:
        if (mp && shared)
            PART(SIM_COST_MP_VALUE_INC, 0.5);
        else
            PART(SIM_COST_GLOBAL_STORE, 1.0);
        break;
    case SIM_OP_ACQUIRE: /* the pair: acquire and release, paid at the acquire */
        if (asyncio)
            PART(sem ? SIM_COST_ASYNCIO_SEMAPHORE : SIM_COST_ASYNCIO_LOCK, 1.0);
        else if (mp)
            PART(sem ? SIM_COST_MP_SEMAPHORE : SIM_COST_MP_LOCK, 1.0);
        else
            PART(sem ? SIM_COST_SEMAPHORE : SIM_COST_LOCK, 1.0);
        break;
    case SIM_OP_PUT:
        /* multiprocessing: the feeder thread pays it (mp_queue.c) */
        if (asyncio)
            PART(SIM_COST_ASYNCIO_QUEUE_PUT, 1.0);
        else if (!mp)
            PART(SIM_COST_QUEUE_PUT, 1.0);
        break;
    case SIM_OP_GET:
        /* multiprocessing: per item here, per byte where the size is known */
        PART(asyncio ? SIM_COST_ASYNCIO_QUEUE_GET : mp ? SIM_COST_MPQ_GET : SIM_COST_QUEUE_GET,
             1.0);
        break;
    case SIM_OP_YIELD:
        /* asyncio.sleep(0)'s own part (the loop's iteration is the loop's);
         * time.sleep(0) is a real nanosleep, the kernel's to charge */
        if (asyncio)
            PART(SIM_COST_ASYNCIO_YIELD, 1.0);
        break;
    case SIM_OP_IO:
        /* asyncio.sleep(d): a timer made, pushed and fired, beyond sleep(0) */
        if (asyncio) {
            PART(SIM_COST_ASYNCIO_YIELD, 1.0);
            PART(SIM_COST_ASYNCIO_TIMER, 1.0);
        }
        break;
    case SIM_OP_EXEC:
        /* the loop's half of the round trip: the call handed over; the other
         * half is the executor's (aexec.c). Inline under threads. */
        if (asyncio)
            PART(op->b == SIM_EXEC_THREAD ? SIM_COST_TO_THREAD : SIM_COST_RUN_IN_PROCESS, 0.5);
        break;
    case SIM_OP_END:
    case SIM_OP_CPU:
    case SIM_OP_LOOP:
    case SIM_OP_NEXT:
    case SIM_OP_RELEASE:
    case SIM_OP_EXEC_END:
        break;
    }
#undef PART
    return n;
}

double sim_step_cost_ns(const sim_costs *c, const sim_workload *w, const sim_op *op,
                        sim_model m)
{
    if (!c)
        return 0.0;
    sim_cost_part parts[SIM_STEP_COST_PARTS];
    int n = sim_step_cost_parts(w, op, m, parts);
    double ns = 0.0;
    for (int i = 0; i < n; i++)
        ns += c->ns[parts[i].cost] * parts[i].share;
    return ns;
}

int sim_model_costs(sim_model m, sim_cost *out, int n)
{
    static const sim_cost asyncio[] = {
        SIM_COST_ASYNCIO_RUN_START, SIM_COST_ASYNCIO_TASK, SIM_COST_ASYNCIO_TASK_END,
        SIM_COST_ASYNCIO_ITERATION,
        SIM_COST_ASYNCIO_RUN_END,
    };
    static const sim_cost threading[] = {
        SIM_COST_THREAD_POOL, SIM_COST_THREAD_NEW, SIM_COST_THREAD_START_CODE,
        SIM_COST_THREAD_FIRST,
        SIM_COST_THREAD_EXIT, SIM_COST_THREAD_JOIN, SIM_COST_LOOP_TURN,
    };
    static const sim_cost mp[] = {
        SIM_COST_FORKSERVER_LAUNCH, SIM_COST_START_FORKSERVER, SIM_COST_START_FORK,
        SIM_COST_START_SPAWN, SIM_COST_POOL_MAKE, SIM_COST_POOL_TASK,
        SIM_COST_POOL_TASK_WORKER,
        SIM_COST_MPQ_PUT, SIM_COST_MPQ_PUT_BYTE, SIM_COST_MPQ_GET_BYTE,
    };
    const sim_cost *list = m == SIM_MODEL_ASYNCIO ? asyncio
                           : m == SIM_MODEL_MULTIPROCESSING ? mp
                                                            : threading;
    int k = m == SIM_MODEL_ASYNCIO ? (int)(sizeof asyncio / sizeof asyncio[0])
            : m == SIM_MODEL_MULTIPROCESSING ? (int)(sizeof mp / sizeof mp[0])
                                             : (int)(sizeof threading / sizeof threading[0]);
    int i = 0;
    for (; i < k && i < n; i++)
        out[i] = list[i];
    return i;
}
