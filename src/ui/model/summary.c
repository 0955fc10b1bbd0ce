/* summary.c - counting tasks per state per column with difference arrays.
 *
 * A column counts, for each task lane, the state in effect at the column's
 * middle (the same sampling rule the lanes use for their sub-pixel
 * columns), when that middle is before the limit. Each lane is walked by
 * its segments, not by its columns: a segment adds +1 at the first column
 * whose middle it holds and -1 after the last, and the walk jumps (by
 * binary search) to the mark in effect at the next column's middle. A
 * lane costs a step per segment or per column, whichever is fewer, with a
 * search each; one prefix sum at the end turns the differences into
 * counts.
 *
 * Because a column is a sample at one instant, a column whose middle is
 * before the limit is final: a later limit counts it the same. During
 * playback the limit moves right a little each frame, and only the columns
 * from the old limit's on are counted again (ui_summary_update), with the
 * same result, column for column, as counting them all.
 */
#include "summary.h"

#include <math.h>
#include <string.h>

#include "timeline.h"

/* The mark in effect at t (the last one at or before it), searched from
 * mark `lo` on, galloping (1, 2, 4, ... then bisecting): a next column is
 * usually a few marks away. Returns nmarks when t is before them all. */
static size_t in_effect(const sim_lane *l, size_t lo, int64_t t)
{
    size_t n = l->nmarks;
    if (lo >= n || l->marks[lo].t > t)
        lo = 0;
    if (n == 0 || l->marks[0].t > t)
        return n;
    size_t step = 1, hi = lo + 1;
    while (hi < n && l->marks[hi].t <= t) {
        lo = hi;
        hi += step;
        step *= 2;
    }
    if (hi > n)
        hi = n;
    /* marks[lo].t <= t; marks[hi].t > t or hi == n */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->marks[mid].t <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Lane l's samples for columns [c, ncols) of the coarse map, middles
 * before `stop`, into the difference array. */
static void count_lane(const sim_trace *tr, const sim_lane *l, const ui_timemap *m,
                       int64_t stop, int c, int ncols, int32_t *diff)
{
    size_t i = 0;
    while (c < ncols) {
        int64_t tm = ui_tm_t(m, c + 0.5);
        if (tm >= stop)
            return;
        i = in_effect(l, i, tm);
        if (i >= l->nmarks) { /* before the lane's first mark */
            int next = (int)ceil(ui_tm_x(m, l->marks[0].t) - 0.5);
            c = next > c ? next : c + 1;
            i = 0;
            continue;
        }
        int64_t e = sim_lane_seg_end(tr, l, i);
        if (e > stop)
            e = stop;
        if (tm >= e) { /* a gap after the segment: nothing to count here */
            c++;
            continue;
        }
        /* The columns whose middles the segment holds: c up to c1. The
         * estimate from x is checked against the middles' own times, so
         * that rounding never counts a column twice or skips one. */
        int c1 = (int)ceil(ui_tm_x(m, e) - 0.5);
        if (c1 <= c)
            c1 = c + 1;
        if (c1 > ncols)
            c1 = ncols;
        while (c1 > c + 1 && ui_tm_t(m, c1 - 1 + 0.5) >= e)
            c1--;
        while (c1 < ncols && ui_tm_t(m, c1 + 0.5) < e)
            c1++;
        uint8_t st = ui_mark_kind(tr, &l->marks[i]);
        if (st < SIM_ST__COUNT) {
            diff[c * SIM_ST__COUNT + st]++;
            diff[c1 * SIM_ST__COUNT + st]--;
        }
        c = c1;
    }
}

void ui_summary_update(const sim_trace *tr, const ui_timemap *m, int64_t limit,
                       int ncols, int first, uint32_t *counts, int32_t *scratch)
{
    if (ncols <= 0)
        return;
    if (first < 0)
        first = 0;
    if (first >= ncols)
        return;
    memset(scratch + (size_t)first * SIM_ST__COUNT, 0,
           sizeof(int32_t) * (size_t)(ncols + 1 - first) * SIM_ST__COUNT);
    ui_timemap coarse = *m;
    coarse.x0 = 0;
    coarse.w = ncols;
    coarse.ns_per_px = m->ns_per_px * (double)m->w / ncols;
    int64_t end = ui_trace_end(tr);
    int64_t stop = limit < end ? limit : end;
    for (uint32_t i = 0; i < tr->ntasks && i < tr->nlanes; i++)
        if (tr->lanes[i].nmarks)
            count_lane(tr, &tr->lanes[i], &coarse, stop, first, ncols, scratch);
    int32_t run[SIM_ST__COUNT] = {0};
    for (int c = first; c < ncols; c++) {
        for (int s = 0; s < SIM_ST__COUNT; s++) {
            run[s] += scratch[c * SIM_ST__COUNT + s];
            counts[c * SIM_ST__COUNT + s] = run[s] > 0 ? (uint32_t)run[s] : 0;
        }
    }
}

void ui_summary_compute(const sim_trace *tr, const ui_timemap *m, int64_t limit,
                        int ncols, uint32_t *counts, int32_t *scratch)
{
    ui_summary_update(tr, m, limit, ncols, 0, counts, scratch);
}
