/* asyncio_rec.c - the event loop's recording (asyncio_rec.h).
 *
 * Lanes: the tasks, then the loop, the locks, and (with executors) the GIL,
 * one per executor thread and one per process slot. Writers: the loop's,
 * which records every task's states, then one per executor thread and per
 * process slot. The loop's writer is sized from the events the workload
 * will record (estimate.h), and those pages are made ready before the
 * run's clock starts (rec.h), so the run does not pay their faults.
 */
#include "asyncio_rec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "estimate.h"
#include "rec.h"
#include "share.h"

/* process(...) executors record from a forked child: only then must the
 * recording be shared between processes. */
static int uses_process_executor(const sim_workload *w)
{
    for (size_t i = 0; i < w->nops; i++)
        if (w->ops[i].kind == SIM_OP_EXEC && w->ops[i].b == SIM_EXEC_PROCESS)
            return 1;
    return 0;
}

int sim_asyncio_rec_init(sim_engine_args *a, const sim_aexec_plan *plan)
{
    const sim_workload *w = a->w;
    enum { MAX_EXEC = 32 + SIM_MAX_WORKERS };
    uint8_t kinds[1 + SIM_MAX_NAMES + 1 + MAX_EXEC];
    uint64_t caps[1 + MAX_EXEC], ready[1 + MAX_EXEC] = {0};
    uint64_t budget = a->budget_bytes > 0 ? (uint64_t)a->budget_bytes / SIM_BYTES_PER_EVENT : 0;
    uint32_t nlocks = sim_share_nlocks(w), nres = 1 + nlocks, nwr = 1;
    kinds[0] = SIM_LANE_LOOP;
    for (uint32_t i = 0; i < nlocks; i++)
        kinds[1 + i] = SIM_LANE_LOCK;
    if (plan->nthreads > 0)
        kinds[nres++] = SIM_LANE_GIL;
    for (uint32_t i = 0; i < plan->nthreads + plan->nprocs; i++)
        kinds[nres++] = SIM_LANE_EXECUTOR;
    uint64_t expected = 2 * w->nnames;
    for (size_t g = 0; g < w->ngroups; g++)
        expected += w->groups[g].count *
                    sim_estimate_task_events(w, &w->groups[g], SIM_MODEL_ASYNCIO, a->cfg);
    if (plan->nthreads > 0) /* the GIL's marks, per task run and per hand-off */
        expected += expected + (uint64_t)(w->cpu_ns / 250000) * 4;
    caps[0] = sim_estimate_writer_cap(expected);
    ready[0] = expected;
    for (uint32_t i = 0; i < plan->nthreads; i++)
        caps[nwr++] = plan->thread_cap;
    for (uint32_t i = 0; i < plan->nprocs; i++)
        caps[nwr++] = plan->proc_cap;
    sim_rec_desc desc = {.model = SIM_MODEL_ASYNCIO, .ntask_lanes = (uint32_t)w->ntasks,
                         .nres_lanes = nres, .res_kind = kinds, .nwriters = nwr,
                         .writer_cap = caps, .writer_ready = ready, .calib = a->calib,
                         .cross_process = uses_process_executor(w),
                         .events_budget = budget};
    int e = sim_rec_init(a->rec, &desc);
    if (e < 0) {
        snprintf(a->error, sizeof a->error, "cannot map the recording: %s", strerror(-e));
        return e == -ENOMEM ? SIM_E_NOMEM : SIM_E_SYS;
    }
    return SIM_OK;
}
