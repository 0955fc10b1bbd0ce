/* lane_cache.h - the boxes of each lane, kept from one frame to the next.
 *
 * Walking a lane of a million marks column by column costs most of a frame
 * at 1920 px, yet between two frames of a paused view nothing changes. So
 * the drawing keeps, per panel and lane, the rectangles the walk produced
 * and a copy of the walk's state (ui_tl_walk), under a key of everything
 * the rectangles depend on: the trace's marks, the timemap, the row's
 * height, the text size. A frame with the same key replays them; a frame
 * whose limit (the playhead) moved right resumes the walk where it last
 * stopped being sure, so playback walks only the new columns.
 *
 * This is bookkeeping only: rectangles are the project's own ui_rect and
 * nothing here touches SDL, so the cache lives with the model. The render
 * side (draw_lanes.c) fills it from the walk, replays it into its SDL
 * batches each frame, and frees it with the drawing context (draw.c).
 */
#ifndef UI_LANE_CACHE_H
#define UI_LANE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "geom.h"
#include "timeline.h"

/* What a lane's rectangles depend on, besides the limit. Compared bytewise
 * (built from a zeroed struct, so padding compares equal). */
typedef struct ui_lane_key {
    const sim_trace *tr;
    const sim_mark *marks;
    size_t nmarks;
    int64_t end, now;
    uint64_t sig;             /* a few marks' contents (see the .c) */
    double t0, ns_per_px;
    int x0, w, row_h, small_px, flags, resource;
    uint32_t lane;
} ui_lane_key;

typedef struct ui_lane_rect {
    ui_rect r;                /* y relative to the row's top */
    int slot;                 /* the batch (draw.h: state, or a band) */
} ui_lane_rect;

typedef struct ui_lane_label {
    ui_rect rc;               /* y relative to the row's top */
    uint32_t arg;
    size_t box;               /* index of the box it belongs to */
} ui_lane_label;

typedef struct ui_lane_cache {
    ui_lane_key key;
    int valid;
    int64_t limit;            /* the limit of the walk kept */
    ui_tl_walk safe;          /* where the next walk resumes */
    ui_lane_rect *rects;      /* one per box emitted, in order */
    size_t n, cap;
    ui_lane_label labels[64];
    int nlabels;
    int oom;                  /* an append failed this frame */
} ui_lane_cache;

/* Fills the key of one lane (zeroing it first). */
void ui_lane_key_make(ui_lane_key *k, const sim_trace *tr, uint32_t lane,
                      const ui_timemap *m, int row_h, int small_px,
                      int flags, int resource);

/* Makes ready for this frame: keeps what is still valid for key k and
 * limit, drops the rest, and sets *w to the state to resume from. */
void ui_lane_cache_begin(ui_lane_cache *e, const ui_lane_key *k,
                         int64_t limit, ui_tl_walk *w);
/* Appends one box's rectangle (the box of index e->n). */
void ui_lane_cache_add(ui_lane_cache *e, ui_rect rel, int slot);
/* Keeps only the boxes emitted before `safe`, and its state, for the next
 * frame. If an append failed the entry is dropped instead. */
void ui_lane_cache_end(ui_lane_cache *e, const ui_tl_walk *safe, int64_t limit);
void ui_lane_cache_free(ui_lane_cache *e);

#endif
