/* draw.h - one whole frame into ANY SDL_Renderer.
 *
 * The window draws with its own renderer; headless export (headless.h)
 * draws the very same frame into a software renderer over a surface. The
 * drawing reads only the view, the layout and the comparison (recorded
 * traces), never an engine, so a live run, a saved run and a test fixture
 * look the same.
 *
 * Per frame:  ui_view_layout(&view, &cmp, w, h, rows, &layout);
 *             ui_draw_frame(&ctx, &layout, &view, &cmp, &extra);
 */
#ifndef UI_DRAW_H
#define UI_DRAW_H

#include <SDL.h>
#include <stddef.h>

#include "comparison.h"
#include "dialog.h"
#include "explain.h"
#include "help.h"
#include "layout.h"
#include "lens.h"
#include "panels.h"
#include "text.h"
#include "theme.h"
#include "view.h"
#include "widgets.h"

/* What the window adds to the picture; NULL (or zero fields) for none. */
typedef struct ui_frame_extra {
    const ui_widgets *widgets;        /* the controls bar */
    /* The programs, steps and values of the comparison (lens.h), brought
     * up to date by the drawing; NULL: the drawing keeps its own. */
    ui_lens *lens;
    const char *spread[UI_MAX_PANELS];/* a repeated run's spread, per model:
                                         "median of 5 runs, 198 ms to 230 ms" */
    const char *python;               /* the interpreter the CPython panels
                                         wait for ("CPython 3.11.7"), NULL:
                                         "CPython" */
    const ui_help *help;              /* the help card, drawn when v->show_help */
    const ui_dialog *dialog;          /* a question waiting for an answer */
} ui_frame_extra;

typedef struct ui_ctx {
    SDL_Renderer *r;
    ui_text text;
    /* Set for the frame being drawn. */
    const ui_theme *th;
    const ui_layout *l;
    /* Scratch reused across frames (no allocation per frame once grown). */
    /* Boxes batched per state; the second half holds the bands of stacked
     * mixed runs, which are not hatched (too thin for a pattern to read). */
    SDL_Rect *rects[2 * SIM_ST__COUNT];
    int nrects[2 * SIM_ST__COUNT], caprects[2 * SIM_ST__COUNT];
    /* The summary lane of each panel, recomputed only when the view or the
     * trace changed. */
    struct ui_sum_cache {
        uint32_t *counts;
        int cap, ncols;
        const sim_trace *tr;
        double t0, ns_per_px;
        int64_t limit, end, now;
    } sum[UI_MAX_PANELS];
    int32_t *sum_scratch;
    int sum_scratch_cap;
    /* Each panel's measured numbers (sim_trace_summarize reads every mark:
     * once per finished trace, not once per frame). */
    struct ui_stat_cache {
        const sim_trace *tr;
        int64_t end, now;
        size_t nflows;
        sim_summary s;
    } stat[UI_MAX_PANELS];
    /* Each panel's explanation (explain.h reads every mark, too). */
    struct ui_explain_cache {
        const sim_trace *tr;
        int64_t end, now;
        int outcome;
        ui_explain e;
    } why[UI_MAX_PANELS];
    /* Per panel, per lane: the boxes of the last frame (lane_cache.h). */
    struct ui_lane_cache *lane_cache[UI_MAX_PANELS];
    uint32_t lane_cache_n[UI_MAX_PANELS];
    int lane_cache_off;       /* 1: walk every lane afresh (tests compare) */
    int full_w, full_h;       /* the whole output, for the cards' backdrop */
    float *last_x;            /* per lane: x of the last marker drawn */
    size_t last_x_cap;
    ui_lens own_lens;         /* when the frame brings none */
    ui_lens *lens;            /* the frame's (set for the frame being drawn) */
    /* Figures of the last frame, for tests and the benchmark. */
    size_t boxes;             /* state boxes drawn */
    size_t markers, flows;    /* instants and arrows drawn */
} ui_ctx;

/* Prepares drawing into r (finds and opens the fonts). Returns 0, or -1
 * with a sentence in err. */
int ui_ctx_init(ui_ctx *ui, SDL_Renderer *r, char *err, size_t n);
void ui_ctx_deinit(ui_ctx *ui);

void ui_draw_frame(ui_ctx *ui, const ui_layout *l, const ui_view *v,
                   const sim_comparison *c, const ui_frame_extra *x);
/* The cards over everything (the help, a question) in a w x h output:
 * ui_draw_frame ends with them; a window that draws more over its frame
 * (the lesson panel) draws the frame without them, then calls this. */
void ui_draw_cards(ui_ctx *ui, const ui_view *v, const ui_frame_extra *x, int w, int h);

#endif
