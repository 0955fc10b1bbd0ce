/* layout.h - where everything goes, from the window size and a font scale.
 *
 * Plain arithmetic, no SDL: the window, the headless export and the tests
 * all get the same rectangles. From top to bottom: the controls bar, the
 * time ruler, one panel per model (a header of two lines: the model and
 * its numbers, then what explains its result; task lanes, resource lanes,
 * value lanes of shared variables and queues, an optional summary lane),
 * and the legend/status bar; the code view, when shown, is a column on
 * the right beside every panel. All panels share
 * the timeline's x range, so one x is one time in every panel, and task i
 * sits on the same row of every panel.
 *
 * Every panel always shows: text too large for the window first costs the
 * controls bar its size (it is capped, and the teacher reads it from close
 * by), then task rows (they thin and scroll), then resource rows; only if
 * every panel still cannot have its header and one task row does the text
 * itself get smaller, as much as it must (`fitted` says so).
 */
#ifndef UI_LAYOUT_H
#define UI_LAYOUT_H

#include <stdint.h>

#include "geom.h"
#include "legend.h"
#include "model.h"

/* A panel per model, and with the CPython toggle one more under each. */
#define UI_MAX_PANELS (2 * SIM_MODEL__COUNT)

/* Text for the back of a room: the projector theme and presenter mode
 * multiply the window's text size by this (at least 28 px on 1080p). */
#define UI_BIG_TEXT 1.6f
/* The controls bar grows with the text up to this factor, no more. */
#define UI_BAR_TEXT_MAX 1.25f
/* Fewer tasks than this always get rows of their own (they scroll rather
 * than collapse into the summary lane). */
#define UI_SUMMARY_MIN_TASKS 16

/* What a panel shows: the comparison's traces[trace], or with `cpython`
 * cpython[trace], CPython's run of the same model (comparison.h). A
 * CPython panel has a header of one line: its numbers (the legend and the
 * hover say what it is). */
typedef struct ui_panel_src {
    int trace;
    int cpython;
} ui_panel_src;

typedef struct ui_layout_desc {
    int w, h;                     /* output size in pixels */
    float font_scale;             /* 1.0 = the size that suits the window */
    float text_scale;             /* the theme's or presenter's factor; 0: 1 */
    float bar_scale;              /* the bar's text factor; 0: automatic (up to
                                     UI_BAR_TEXT_MAX) */
    int npanels;
    uint32_t ntasks;              /* task lanes (the same in every panel) */
    uint32_t nres[UI_MAX_PANELS]; /* resource lanes of each panel */
    uint32_t nvalues[UI_MAX_PANELS]; /* value lanes of each panel (values.h) */
    const ui_panel_src *src;      /* what each panel shows; NULL: panel p
                                     shows traces[p] */
    int show_controls;            /* the window has them; an export may not */
    int controls_rows;            /* rows of widgets (0: 2) */
    int show_code;                /* the code view, right of the panels */
    uint32_t task_scroll;         /* first task row shown */
    /* The bottom bar: the legend's items and the status text (NULL: a
     * typical "playing" line), to decide how many lines it needs. */
    const ui_legend_item *legend;
    int nlegend;
    const char *status;
    const char *badge;            /* a warning beside the status, or NULL */
    float label_em;               /* the lane labels' column, in small text's
                                     size (0: 8.4; a program's own names need more) */
} ui_layout_desc;

typedef struct ui_panel_layout {
    ui_panel_src src;   /* what it shows */
    ui_rect rect;       /* the whole panel */
    ui_rect header;     /* both lines: title and numbers, then the explanation */
    ui_rect explain;    /* the second line alone (h == 0: a CPython panel) */
    ui_rect tasks;      /* task lanes (timeline part only) */
    ui_rect res;        /* resource lanes (timeline part only) */
    ui_rect values;     /* value lanes (timeline part only; h == 0: none) */
    ui_rect summary;    /* the summary lane (h == 0 when not shown) */
    uint32_t nres;
    int res_row_h;
    uint32_t nvalues;
    int value_row_h;
} ui_panel_layout;

typedef struct ui_layout {
    int w, h;
    float scale;          /* font scale times the window's own factor */
    int font_px;          /* body text */
    int small_px;         /* lane labels, ruler, legend */
    int title_px;         /* panel titles */
    int row_h;            /* one line of text with its padding */
    int pad;
    int line_h;           /* a line of small text (a header's second line) */
    int bar_px, bar_small_px, bar_row_h, bar_pad; /* the controls bar's sizes */
    float bar_scale;      /* the factor the bar's text was given */
    int fitted;           /* 1: the text was made smaller than asked, to fit */
    ui_rect controls;     /* h == 0 when not shown */
    ui_rect ruler;
    ui_rect body;         /* the panels */
    ui_rect legend;       /* legend and playback status */
    ui_rect code;         /* the code view (w == 0 when not shown) */
    int legend_lines;     /* 1 or more */
    int legend_brief;     /* 1: the items' brief labels */
    int badge_line;       /* 1: the badge has the line above the status */
    ui_rect scroll_note;  /* "tasks 1-4 of 8": left of the ruler */
    int label_x, label_w; /* the lane label column */
    int tl_x0, tl_w;      /* the shared timeline's pixel range */
    int npanels;
    ui_panel_layout panels[UI_MAX_PANELS];
    uint32_t ntasks;
    int task_row_h;       /* height of a task row (>= 1) */
    uint32_t rows_visible;/* task rows that fit in a panel */
    uint32_t task_scroll; /* first task row shown (clamped) */
    int show_summary;
} ui_layout;

void ui_layout_compute(ui_layout *l, const ui_layout_desc *d);

/* The highest valid task_scroll. */
uint32_t ui_layout_max_scroll(const ui_layout *l);

/* The rectangle (timeline part) of a lane of panel p: lanes [0, ntasks)
 * are task rows, the rest resource rows. Returns 0, or -1 when the lane is
 * scrolled out of view or does not exist. */
int ui_layout_lane_rect(const ui_layout *l, int p, uint32_t lane,
                        uint32_t nlanes, ui_rect *r);

/* The rectangle (timeline part) of value lane k of panel p. Returns 0, or
 * -1 when there is no such lane. */
int ui_layout_value_rect(const ui_layout *l, int p, uint32_t k, ui_rect *r);
/* Which value lane of panel p is at height y, or -1. */
long ui_layout_value_at(const ui_layout *l, int p, int y);

/* Which lane of panel p is at height y: returns the lane, or -1. */
long ui_layout_lane_at(const ui_layout *l, int p, int y, uint32_t nlanes);

/* Which panel contains (x, y), or -1. */
int ui_layout_panel_at(const ui_layout *l, int x, int y);

#endif
