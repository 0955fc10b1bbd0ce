/* pyprog_priv.h - what pyprog's files share: the plan of a program (plan.c)
 * and the writing of its task functions (steps.c). Private to pyprog.
 */
#ifndef PYPROG_PRIV_H
#define PYPROG_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "pyprog.h"
#include "template.h"
#include "workload.h"

/* Room for a name, '.' turned to '_', and one '_' per clash it can meet. */
#define PY_ID_LEN (SIM_MAX_NAME_LEN + SIM_MAX_NAMES + 40)

/* What a program needs to know about the workload before writing it: its
 * distinct task programs (each one Python function), the Python
 * identifiers of its names, and which kinds of steps it uses. */
typedef struct plan {
    size_t *fn_of;         /* group -> function number (0-based: task_1 is 0) */
    size_t *first;         /* function -> the first group that runs it */
    size_t nfns;
    char (*id)[PY_ID_LEN]; /* w->names[i] as a Python identifier */
    int vars, holds, queues, processes; /* how many of each the workload has */
    unsigned char *seen;   /* scratch, one per name: a function's globals */
} plan;

int plan_make(plan *p, const sim_workload *w);
void plan_free(plan *p);

static inline int is_threads(sim_model m)
{
    return m == SIM_MODEL_THREADING || m == SIM_MODEL_FREE_THREADING;
}

/* `shared.NAME` under multiprocessing: a multiprocessing.Value, used as
 * NAME.value. */
static inline int is_value(const sim_workload *w, sim_model m, uint32_t name)
{
    return m == SIM_MODEL_MULTIPROCESSING && w->names[name].shared;
}

/* Writes every task function (the __TASKS__ slot, `indent` spaces in),
 * and under asyncio, before each, the module-level functions its
 * process(...) bodies become; with `record`, the recorder's lines around
 * the timed steps (pyprog.h, SIM_PYPROG_RECORD).
 * When map is not NULL, records the line of each op and of each group's
 * function in its arrays (allocated, and zeroed, by the caller). */
void steps_write_tasks(py_out *o, const sim_workload *w, sim_model m, plan *p, int indent,
                       sim_pyprog_map *map, int record);

#endif
