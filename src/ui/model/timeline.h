/* timeline.h - what to draw of one lane: visible segments, merged into boxes.
 *
 * Drawing cost must follow the pixels, not the events: a lane with a million
 * marks spans at most a few thousand pixels. ui_timeline_boxes finds the
 * first visible mark by binary search and, wherever segments get narrower
 * than a pixel, covers the pixel column with ONE box showing the state in
 * effect at the column's middle, then jumps (binary search again) to the
 * next column. So a lane yields at most about two boxes per pixel column.
 */
#ifndef UI_TIMELINE_H
#define UI_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "timemap.h"
#include "trace.h"

typedef struct ui_box {
    double x0, x1;     /* pixels, x0 < x1, clipped to the visible range */
    int64_t t0, t1;    /* the time the box covers (clipped) */
    uint8_t state;     /* sim_state */
    uint8_t mixed;     /* 1: several segments merged (sub-pixel detail) */
    uint32_t arg;      /* resource lanes: the task (of the first segment) */
    size_t mark;       /* index of the box's first mark */
    float y0, y1;      /* the band of the lane's height it fills: 0..1 for a
                        * whole box; a stacked mixed run fills a share */
} ui_box;

/* Flags of ui_timeline_boxes. */
#define UI_TL_STACK 1     /* draw sampled columns as stacked runs (see .c) */
#define UI_TL_MIX_RUN 16  /* columns in one stacked run at most */

/* The first and one-past-last marks whose segments overlap [t0, t1). */
void ui_lane_visible(const sim_trace *tr, const sim_lane *l, int64_t t0,
                     int64_t t1, size_t *first, size_t *last);

/* The state mark m shows when a column samples it: its own, or, for a
 * summarized mark (SIM_ST_DENSE), the kind it spent most time in. */
uint8_t ui_mark_kind(const sim_trace *tr, const sim_mark *m);

/* The end of the trace's drawable time: end_ns, or now_ns while it runs. */
int64_t ui_trace_end(const sim_trace *tr);

/* Calls emit() for each box of lane `lane` inside the timemap's view,
 * clipped to times before `limit` (the playhead; INT64_MAX for none), in
 * order of time. Neighbouring boxes of the same state are joined; NONE and
 * IDLE segments are skipped. Without flags a lane yields at most about two
 * boxes per pixel column; with UI_TL_STACK, sampled columns are grouped
 * into stacked runs (a few boxes per UI_TL_MIX_RUN columns). Returns the
 * number of boxes emitted. */
typedef void (*ui_box_fn)(void *ud, const ui_box *b);
size_t ui_timeline_boxes(const sim_trace *tr, uint32_t lane,
                         const ui_timemap *m, int64_t limit, int flags,
                         ui_box_fn emit, void *ud);

/* The state of a walk over one lane (fields private to timeline.c), so
 * that it can be resumed. Zero it to start. */
typedef struct ui_tl_walk {
    size_t i;                  /* next mark */
    int64_t from;              /* everything before this time is done */
    int started, stack;
    ui_box cur;                /* a box waiting to be joined */
    int have;
    uint32_t mix[SIM_ST__COUNT]; /* a stacked run being gathered: each
                                    state's weight (timeline.c, MIX_UNIT) */
    int mix_cols;
    double mix_x0, mix_x1;
    int64_t mix_t0, mix_t1;
    size_t mix_mark;
    size_t count;              /* boxes emitted since the walk started */
} ui_tl_walk;

/* ui_timeline_boxes, resumable. Walks on from *w (zeroed: from the start)
 * and finishes the walk (pending boxes are emitted, so *w cannot go on).
 * If `safe` is not NULL it receives the state at the last point before the
 * walk cut anything at `limit`: resuming from a copy of *safe with the same
 * trace, lane, timemap and flags and any limit >= this one emits exactly
 * what a fresh walk would emit after its first safe->count boxes. Returns
 * the number of boxes emitted by this call. */
size_t ui_timeline_walk(const sim_trace *tr, uint32_t lane,
                        const ui_timemap *m, int64_t limit, int flags,
                        ui_box_fn emit, void *ud, ui_tl_walk *w,
                        ui_tl_walk *safe);

/* The first and one-past-last indices of sorted items (instants by t, flows
 * by t1) inside [t0, t1]. */
void ui_instants_visible(const sim_trace *tr, int64_t t0, int64_t t1,
                         size_t *first, size_t *last);
void ui_flows_visible(const sim_trace *tr, int64_t t0, int64_t t1,
                      size_t *first, size_t *last);

#endif
