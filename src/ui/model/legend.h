/* legend.h - what the bottom bar explains, as data.
 *
 * The legend shows what the traces hold and nothing else: the four states
 * every run has, the states of worker processes and of shared state only
 * when some lane was in them, the queue's arrows only when items went
 * through a queue, tasks sent to workers only when some were, the value
 * lanes' marks when there are value lanes, a lost update's mark when an
 * update was lost. Each item has a long label and a brief one; the layout
 * (layout.c) picks the long ones when they fit on one line with the
 * status, the brief ones otherwise, and gives the bar a second line when
 * even those do not fit, so that neither the legend nor the status is cut.
 */
#ifndef UI_LEGEND_H
#define UI_LEGEND_H

#include "comparison.h"

#define UI_LEGEND_MAX 20

typedef enum ui_legend_kind {
    UI_LEG_STATE = 0,    /* a state's box (colour and hatching) */
    UI_LEG_MESSAGE,      /* the arrow of a queue item */
    UI_LEG_DROP,         /* the drop request marker */
    UI_LEG_HANDOFF,      /* the hand-off arrow */
    UI_LEG_AWAIT,        /* the await tick */
    UI_LEG_DISPATCH,     /* a task sent to a worker, and its result back */
    UI_LEG_WAIT_FOR,     /* the arrow from a lock's waiter to the lock */
    UI_LEG_VALUES,       /* a value lane's load and store marks */
    UI_LEG_LOST,         /* a lost update's mark */
    UI_LEG_INFERRED,     /* a segment inferred, not observed (CPython's runs, a
                            program's traces): drawn under a veil (draw_cpython.c) */
    UI_LEG_MARK,         /* a program's own instant (an exception, another tool's) */
} ui_legend_kind;

typedef struct ui_legend_item {
    ui_legend_kind kind;
    int state;           /* UI_LEG_STATE: the sim_state */
    const char *label;   /* "waiting for the loop / GIL / a worker" */
    const char *brief;   /* "waiting to run" */
} ui_legend_item;

/* The items to show for comparison c (NULL: the four basic states and the
 * markers), in order. Returns how many (at most UI_LEGEND_MAX). */
int ui_legend_items(const sim_comparison *c, ui_legend_item *out);

/* The items for a view: ui_legend_items, and with the CPython panels
 * shown (and some of CPython's runs there), what an inferred segment
 * looks like. */
int ui_legend_items_shown(const sim_comparison *c, int show_cpython, ui_legend_item *out);

/* The width one item takes at text size px (estimated as the layout
 * estimates text: widgets.h), its swatch and spacing included. */
int ui_legend_item_width(const ui_legend_item *it, int brief, int px, int pad);

#endif
