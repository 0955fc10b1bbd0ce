/* selection.h - what each model did in a selected time range. */
#ifndef UI_SELECTION_H
#define UI_SELECTION_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"

typedef struct ui_sel_stat {
    int64_t state_ns[SIM_ST__COUNT]; /* task-ns spent in each state */
    uint32_t finished;               /* tasks that ended in the range */
    uint64_t switches;               /* hand-offs and dispatches in the range */
} ui_sel_stat;

/* Sums the task lanes of tr over [t0, t1) (clipped to what is recorded). */
void ui_selection_stat(const sim_trace *tr, int64_t t0, int64_t t1,
                       ui_sel_stat *s);
/* A few lines: the range, then one line per model ("threading: on average
 * 1.0 running, 2.9 waiting for the GIL, 0.1 waiting for I/O; 1 finished,
 * 4 switches"). Returns the length. */
size_t ui_selection_describe(const sim_comparison *c, int64_t t0, int64_t t1,
                             char *buf, size_t n);

#endif
