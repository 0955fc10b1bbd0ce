/* view.h - what the user is looking at: the view state, apart from the data.
 *
 * The view is plain data changed by input (app) and read by drawing (draw.c):
 * playhead, speed, pause, zoom and scroll, selection, theme, font scale,
 * presenter mode and its bookmarks, which overlays are open, the status
 * line. Keeping it in one struct is what lets a test drive input with
 * synthetic events and check the result without a window, and lets an
 * export draw exactly what the window showed.
 */
#ifndef UI_VIEW_H
#define UI_VIEW_H

#include <stdint.h>

#include "comparison.h"
#include "layout.h"
#include "theme.h"
#include "timemap.h"

#define UI_NSPEEDS 9
#define UI_SPEED_DEFAULT 4 /* 0.25x: a 1 s run replays in 4 s */
#define UI_FONT_SCALE_MIN 0.6f
#define UI_FONT_SCALE_MAX 3.0f
#define UI_MAX_BOOKMARKS 16

typedef struct ui_view {
    ui_timemap tm;          /* t0 and zoom; x0/w are set from the layout */
    int fitted;             /* follow the whole run until the user zooms or pans */
    int live;               /* a run in progress: panels grow, no playhead */
    int64_t playhead;       /* ns on the shared axis */
    int paused;
    int speed;              /* index into the speed table */
    int has_sel;            /* a Shift-drag selection */
    int64_t sel_t0, sel_t1;
    ui_theme_id theme;
    float font_scale;
    float bar_scale;        /* the controls bar's text factor; 0: automatic */
    uint32_t task_scroll;   /* first task row shown */
    int show_code, show_help, show_controls;
    /* The code view (code_view.h): the panel whose program it shows (the
     * one the pointer was last over, or clicked), its first line shown
     * (-1: where that program's task functions begin), and the task a
     * click on its lane chose (-1: none), highlighted however many tasks
     * there are. */
    int code_panel;
    int code_scroll;
    long code_task;
    int show_cpython;       /* CPython's run of each model under its panel */
    int presenter;          /* presenter mode: no controls, big text (F5) */
    int64_t bookmarks[UI_MAX_BOOKMARKS]; /* moments marked (ns), sorted */
    int nbookmarks;
    int hover;              /* the pointer is over the window */
    int mouse_x, mouse_y;
    char toast[600];        /* a short confirmation ("saved /home/.../shot.png") */
    double toast_left;      /* seconds it stays on screen */
    char status[256];       /* the status line's own words ("stopped", "recorded
                               on ..."), "" for the playback status */
    char badge[48];         /* a warning beside the status ("busy machine"), or "" */
} ui_view;

void ui_view_init(ui_view *v);

/* 0.01x .. 4x. */
double ui_speed_value(int idx);
void ui_view_speed_step(ui_view *v, int dir);

/* The end of the comparison on the shared axis: the latest end (or now,
 * while running) over every model's trace; 0 when empty. */
int64_t ui_comparison_end(const sim_comparison *c);
/* The end of what the view shows: ui_comparison_end, or later when the
 * CPython panels are shown and one of CPython's runs took longer. */
int64_t ui_view_end(const ui_view *v, const sim_comparison *c);

/* The end the view fits to: the comparison's end, and a fifth more when a
 * run ended in a deadlock, whose waits go on: its band has room to say so. */
int64_t ui_comparison_fit_end(const sim_comparison *c);

/* Advances the playhead by dt seconds of wall time at the current speed;
 * stops (pauses) at `end`. */
void ui_view_advance(ui_view *v, double dt, int64_t end);
/* A step while paused: 2% of the visible range, in direction dir. */
void ui_view_step(ui_view *v, int dir, int64_t end);
/* Multiplies the font scale by 1.1^dir, within bounds. */
void ui_view_font_step(ui_view *v, int dir);
/* Fits the whole run [0, end] into the timeline and follows it. */
void ui_view_fit(ui_view *v, int64_t end);
/* Shows a confirmation for `seconds`. */
void ui_view_toast(ui_view *v, const char *msg, double seconds);

/* The text factor of the view's theme and mode: UI_BIG_TEXT for the
 * projector theme and presenter mode, else 1. */
float ui_view_text_scale(const ui_view *v);

/* The status line: v->status when set, else the playback ("▶ playing
 * 0.25x  120 ms / 1.20 s  F1 help"; brief: without the key's hint).
 * Returns the length. */
size_t ui_view_status_text(const ui_view *v, const sim_comparison *c, int brief, char *buf,
                           size_t n);

/* Bookmarks: marks the moment t, or removes the bookmark within `near` ns
 * of it. Returns 1 if one was added, 0 removed, -1 when full. */
int ui_view_bookmark(ui_view *v, int64_t t, int64_t near);
/* The first bookmark after t (dir > 0) or before it (dir < 0), or -1. */
int64_t ui_view_bookmark_next(const ui_view *v, int64_t t, int dir);
/* Puts the playhead at t and pauses, panning the view to show it if it is
 * outside what is shown. */
void ui_view_seek(ui_view *v, int64_t t);

/* Lays out the view for a w x h output: sets the timemap's pixel range,
 * keeps the whole run in view while `fitted`, clamps the task scroll. */
void ui_view_layout(ui_view *v, const sim_comparison *c, int w, int h,
                    int controls_rows, ui_layout *l);

#endif
