/* hit.h - what is under the pointer, and the words a tooltip says about it.
 *
 * Hit-testing uses the same layout and timemap as drawing, so what the
 * tooltip names is exactly what is drawn under the pointer. The "why" line
 * reads the other lanes of the same trace at the same instant (why.h): a
 * thread waiting for the GIL is told who holds it; with the lens (lens.h)
 * it also names the task's step, its line of the program.
 */
#ifndef UI_HIT_H
#define UI_HIT_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "layout.h"
#include "lens.h"
#include "view.h"

typedef enum ui_hit_kind {
    UI_HIT_NONE = 0,
    UI_HIT_SEGMENT,   /* a segment of a task or resource lane */
    UI_HIT_LANE,      /* a lane, at a time with nothing recorded */
    UI_HIT_SUMMARY,   /* the summary lane */
    UI_HIT_HEADER,    /* a panel's header */
    UI_HIT_RULER,
    UI_HIT_VALUE,     /* a value lane: `lane` is its number in the panel */
} ui_hit_kind;

typedef struct ui_hit {
    ui_hit_kind kind;
    int panel;          /* the layout's panel (panels.h) */
    int model;          /* the model whose program that panel runs: an index
                           of c->traces and of the lens (-1: none) */
    const sim_trace *tr;/* the trace it shows: a model's, or CPython's run of
                           one (NULL: a CPython panel not measured yet) */
    uint32_t lane;
    long mark;          /* the mark in effect, or -1 */
    int64_t t;          /* the time under the pointer */
    int x;              /* the pointer's x */
    int64_t seg_t0, seg_t1;
    uint8_t state;
    uint32_t arg;
} ui_hit;

/* The time limit drawing uses for a trace: what is recorded so far, or the
 * playhead once the run replays. */
int64_t ui_visible_limit(const ui_view *v, const sim_trace *tr);

/* Fills *h with what is at (x, y). Returns h->kind. */
ui_hit_kind ui_hit_test(const ui_layout *l, const ui_view *v,
                        const sim_comparison *c, int x, int y, ui_hit *h);

/* The tooltip: a few lines separated by '\n' (who, state, when, its step,
 * why; over a CPython panel, cpython_panel.h's words; a value lane: the value, the load or store under the pointer, a
 * lost update). L and v may be NULL (no steps, no values). Returns the
 * length (0 when there is nothing to say). */
size_t ui_hit_describe(const ui_hit *h, const sim_comparison *c, const ui_lens *L,
                       const ui_view *v, char *buf, size_t n);

/* Only the "why" sentence for a task's state at time t (also used by tests
 * and lessons): e.g. "waiting for the GIL: task 2 holds it and will drop it
 * at its next check". */
size_t ui_why(const sim_trace *tr, uint32_t lane, int64_t t, char *buf,
              size_t n);

/* How many tasks are in each state at time t (task lanes only). */
void ui_state_counts(const sim_trace *tr, int64_t t, uint32_t counts[SIM_ST__COUNT]);

#endif
