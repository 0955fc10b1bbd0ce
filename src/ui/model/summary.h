/* summary.h - the summary lane: how many tasks are in each state over time.
 *
 * With 10,000 tasks no row can be read on its own; a stacked count per
 * pixel column (running at the bottom, then waiting to run, I/O, the waits
 * for locks, semaphores and queues, lost, and done on top) reads as
 * clearly as a handful of rows do.
 */
#ifndef UI_SUMMARY_H
#define UI_SUMMARY_H

#include <stdint.h>

#include "timemap.h"
#include "trace.h"

/* Fills counts[col * SIM_ST__COUNT + state] for `ncols` columns spanning the
 * timemap's view (times before `limit` only). Cost: one merged-box walk per
 * task lane at `ncols` resolution, so it follows columns, not events.
 * `scratch` must hold (ncols + 1) * SIM_ST__COUNT ints. */
void ui_summary_compute(const sim_trace *tr, const ui_timemap *m, int64_t limit,
                        int ncols, uint32_t *counts, int32_t *scratch);
/* The same for columns [first, ncols) only, the others left as they are:
 * after ui_summary_compute with a smaller limit, every column whose
 * middle was before that limit is already right (summary.c), so playback
 * counts only the columns from the old limit's on. Same result as
 * ui_summary_compute, column for column. */
void ui_summary_update(const sim_trace *tr, const ui_timemap *m, int64_t limit,
                       int ncols, int first, uint32_t *counts, int32_t *scratch);

#endif
