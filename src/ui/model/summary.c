/* summary.c - counting tasks per state per column with difference arrays.
 *
 * Each task lane is walked as merged boxes (timeline.c) on a coarse copy of
 * the timemap with one "pixel" per column; a box adds +1 at its first
 * column and -1 after its last, and one prefix sum at the end turns those
 * differences into counts. A column counts the state at its middle, the
 * same sampling rule the lanes themselves use.
 */
#include "summary.h"

#include <math.h>
#include <string.h>

#include "timeline.h"

typedef struct acc {
    int32_t *diff;
    int ncols;
} acc;

static void add_box(void *ud, const ui_box *b)
{
    acc *a = ud;
    int c0 = (int)ceil(b->x0 - 0.5), c1 = (int)ceil(b->x1 - 0.5);
    if (c0 < 0)
        c0 = 0;
    if (c1 > a->ncols)
        c1 = a->ncols;
    if (c1 <= c0)
        return;
    a->diff[c0 * SIM_ST__COUNT + b->state]++;
    a->diff[c1 * SIM_ST__COUNT + b->state]--;
}

void ui_summary_compute(const sim_trace *tr, const ui_timemap *m, int64_t limit,
                        int ncols, uint32_t *counts, int32_t *scratch)
{
    if (ncols <= 0)
        return;
    memset(scratch, 0, sizeof(int32_t) * (size_t)(ncols + 1) * SIM_ST__COUNT);
    ui_timemap coarse = *m;
    coarse.x0 = 0;
    coarse.w = ncols;
    coarse.ns_per_px = m->ns_per_px * (double)m->w / ncols;
    acc a = {scratch, ncols};
    for (uint32_t i = 0; i < tr->ntasks && i < tr->nlanes; i++)
        ui_timeline_boxes(tr, i, &coarse, limit, 0, add_box, &a);
    int32_t run[SIM_ST__COUNT] = {0};
    for (int c = 0; c < ncols; c++) {
        for (int s = 0; s < SIM_ST__COUNT; s++) {
            run[s] += scratch[c * SIM_ST__COUNT + s];
            counts[c * SIM_ST__COUNT + s] = run[s] > 0 ? (uint32_t)run[s] : 0;
        }
    }
}
