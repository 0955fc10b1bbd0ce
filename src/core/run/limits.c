/* limits.c - refusing, before anything runs, what a model cannot sanely do.
 *
 * Each model has its own ceiling, and it is a different resource each time:
 * asyncio pays a few hundred bytes per task, so only the language's own
 * task limit applies; threading pays an OS thread (and an 8 MB stack
 * reservation) per task unless a pool is used; multiprocessing pays a whole
 * process per worker. The message says what to change, because the person
 * reading it wants to run something, not to be told no.
 */
#include "engine.h"
#include "run.h"

#include <stdio.h>

int sim_engine_check_limits(sim_model m, const sim_workload *w, int workers,
                            int threads, char *msg, size_t n)
{
    const char *name = sim_model_name(m);

    if (w->ntasks > SIM_MAX_TASKS) {
        snprintf(msg, n, "%s would run %llu tasks; the limit is %llu: "
                 "use fewer copies (the N in N*task)", name,
                 (unsigned long long)w->ntasks,
                 (unsigned long long)SIM_MAX_TASKS);
        return SIM_E_USAGE;
    }
    switch (m) {
    case SIM_MODEL_THREADING:
    case SIM_MODEL_FREE_THREADING:
        if (threads < 0 || threads > SIM_MAX_THREADS) {
            snprintf(msg, n, "%s: --threads %d is out of range: use --threads "
                     "N with N from 1 to %d (0 = one thread per task)", name,
                     threads, SIM_MAX_THREADS);
            return SIM_E_USAGE;
        }
        if (threads == 0 && w->ntasks > (uint64_t)SIM_MAX_THREADS) {
            snprintf(msg, n, "%s would start %llu threads, one per task; the "
                     "limit is %d: use --threads N (a pool of N threads, as "
                     "ThreadPoolExecutor) with N <= %d", name,
                     (unsigned long long)w->ntasks, SIM_MAX_THREADS,
                     SIM_MAX_THREADS);
            return SIM_E_USAGE;
        }
        break;
    case SIM_MODEL_MULTIPROCESSING:
        if (workers < 1 || workers > SIM_MAX_WORKERS) {
            snprintf(msg, n, "multiprocessing would start %d worker processes: "
                     "use --workers N with N from 1 to %d", workers,
                     SIM_MAX_WORKERS);
            return SIM_E_USAGE;
        }
        break;
    case SIM_MODEL_ASYNCIO:
    case SIM_MODEL__COUNT:
        break;
    }
    if (n > 0)
        msg[0] = '\0';
    return SIM_OK;
}
