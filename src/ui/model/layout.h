/* layout.h - where everything goes, from the window size and a font scale.
 *
 * Plain arithmetic, no SDL: the window, the headless export and the tests
 * all get the same rectangles. From top to bottom: the controls bar, the
 * time ruler, one panel per model (header, task lanes, resource lanes, an
 * optional summary lane), and the legend/status bar. All panels share the
 * timeline's x range, so one x is one time in every panel, and task i sits
 * on the same row of every panel.
 */
#ifndef UI_LAYOUT_H
#define UI_LAYOUT_H

#include <stdint.h>

#include "geom.h"
#include "model.h"

#define UI_MAX_PANELS SIM_MODEL__COUNT

typedef struct ui_layout_desc {
    int w, h;                     /* output size in pixels */
    float font_scale;             /* 1.0 = the size that suits the window */
    int npanels;
    uint32_t ntasks;              /* task lanes (the same in every panel) */
    uint32_t nres[UI_MAX_PANELS]; /* resource lanes of each panel */
    int show_controls;            /* the window has them; an export may not */
    int controls_rows;            /* rows of widgets (0: 2) */
    int show_code;                /* the code view beside each panel */
    uint32_t task_scroll;         /* first task row shown */
} ui_layout_desc;

typedef struct ui_panel_layout {
    ui_rect rect;       /* the whole panel */
    ui_rect header;     /* title, caption and measured numbers */
    ui_rect tasks;      /* task lanes (timeline part only) */
    ui_rect res;        /* resource lanes (timeline part only) */
    ui_rect summary;    /* the summary lane (h == 0 when not shown) */
    ui_rect code;       /* the code view (w == 0 when not shown) */
    uint32_t nres;
    int res_row_h;
} ui_panel_layout;

typedef struct ui_layout {
    int w, h;
    float scale;          /* font scale times the window's own factor */
    int font_px;          /* body text */
    int small_px;         /* lane labels, ruler, legend */
    int title_px;         /* panel titles */
    int row_h;            /* one line of text with its padding */
    int pad;
    ui_rect controls;     /* h == 0 when not shown */
    ui_rect ruler;
    ui_rect body;         /* the panels */
    ui_rect legend;       /* legend and playback status */
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

/* Which lane of panel p is at height y: returns the lane, or -1. */
long ui_layout_lane_at(const ui_layout *l, int p, int y, uint32_t nlanes);

/* Which panel contains (x, y), or -1. */
int ui_layout_panel_at(const ui_layout *l, int x, int y);

#endif
