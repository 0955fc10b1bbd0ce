/* steps.h - which step of its program each task is at, at any instant.
 *
 * The engines note a task's position as it moves (SIM_IN_STEP, rec.h;
 * step.h says when); its first step is never noted, since its program
 * says it. This index gathers each task's notes from the trace's instants
 * so that "which step is task 3 at, at 12.5 ms" is a binary search: the
 * code view highlights that step's line, a click on a lane jumps to it,
 * and the "why" names it. Everything comes from the trace and the
 * workload, never from an engine, so a saved run answers as a live one.
 *
 * A trace saved before concviz recorded steps (has_steps == 0) has no
 * index: every question is answered with -1, never with a guess.
 *
 * The caller owns the index; building reads every instant once, so a
 * drawing rebuilds it only when the trace has grown (ui_steps_build
 * returns at once when nothing changed).
 */
#ifndef UI_STEPS_H
#define UI_STEPS_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"
#include "workload.h"

typedef struct ui_step_at {
    int64_t t;
    uint32_t op;      /* index into the workload's ops */
} ui_step_at;

typedef struct ui_steps {
    const sim_trace *tr;   /* what it was built from, and that trace's size then */
    size_t ninstants;
    int64_t end, now;
    uint32_t ntasks;
    uint32_t *first;       /* ntasks + 1 offsets into at[]: task i's notes are
                              at[first[i]] .. at[first[i + 1] - 1], in time order */
    ui_step_at *at;
    size_t n;
    int valid;             /* the trace records steps and the index is built */
} ui_steps;

/* Builds (or brings up to date) the index of trace tr. Returns 0, or
 * -ENOMEM (the index is then empty, and answers -1). */
int ui_steps_build(ui_steps *s, const sim_trace *tr);
void ui_steps_free(ui_steps *s);

/* The first step task `task` runs: its program's first op (w->ops index). */
uint32_t ui_task_first_op(const sim_workload *w, uint32_t task);

/* The op task `task` is at, at time t (its latest note at or before t,
 * else its first op), or -1 when the trace records no steps or the
 * workload does not fit the trace (another workload's ops). */
long ui_steps_op_at(const ui_steps *s, const sim_workload *w, uint32_t task, int64_t t);

#endif
