/* theme.h - colours and patterns of the three themes (light, dark, projector).
 *
 * States use the Okabe-Ito palette, which people with the common forms of
 * colour blindness can tell apart; waiting states also carry a hatching
 * pattern so that a greyscale print still separates them.
 */
#ifndef UI_THEME_H
#define UI_THEME_H

#include "geom.h"
#include "rec.h"

typedef enum ui_theme_id {
    UI_THEME_LIGHT = 0,
    UI_THEME_DARK,
    UI_THEME_PROJECTOR, /* high contrast, thick lines: for the back row */
    UI_THEME__COUNT
} ui_theme_id;

#define UI_TASK_COLORS 8

typedef enum ui_hatch {
    UI_HATCH_NONE = 0,
    UI_HATCH_DIAG,      /* "/" lines: waiting for the loop, the GIL, a worker */
    UI_HATCH_DOTS,      /* dots: waiting for I/O, or a worker receiving */
    UI_HATCH_CROSS,     /* "x": lost */
    UI_HATCH_BACK,      /* "\" lines: waiting for a lock */
    UI_HATCH_HORIZ,     /* "=" lines: waiting for a semaphore permit */
    UI_HATCH_VERT,      /* "|" lines: waiting on an empty queue */
} ui_hatch;

typedef struct ui_theme {
    const char *name;
    ui_color bg;           /* window background */
    ui_color panel[2];     /* alternating panel backgrounds */
    ui_color fg;           /* main text */
    ui_color fg_dim;       /* captions, labels */
    ui_color grid;         /* ruler ticks and grid lines */
    ui_color bar;          /* controls bar and status bar */
    ui_color button, button_hot, button_on, field;
    ui_color focus;        /* keyboard focus ring */
    ui_color error;
    ui_color warn_bg, warn_fg; /* a badge that warns ("busy machine") */
    ui_color bookmark;     /* bookmarked moments */
    ui_color playhead;
    ui_color finish;       /* the finish line */
    ui_color selection;    /* translucent */
    ui_color tip_bg, tip_fg;
    ui_color overlay;      /* help overlay backdrop, translucent */
    ui_color state[SIM_ST__COUNT];
    uint8_t hatch[SIM_ST__COUNT];
    ui_color hatch_ink;    /* the lines of a hatch pattern */
    ui_color marker[SIM_IN__COUNT];
    ui_color flow[SIM_FL__COUNT];
    ui_color deadlock;     /* the deadlock band, its cycle and its label */
    /* Tasks told apart in the code view and on value lanes (task i has
     * colour i % UI_TASK_COLORS); the code's words; a value lane's line,
     * and a lost update. */
    ui_color task[8];
    ui_color code_keyword, code_string, code_comment;
    ui_color value_line, value_fill, lost;
    ui_color wait_for;     /* the arrow from a task waiting for a lock to the lock */
    int line_w;            /* width of the playhead and finish lines, in px at scale 1 */
} ui_theme;

const ui_theme *ui_theme_get(ui_theme_id id);
/* "light", "dark", "projector": returns 0 and sets *id, or -1. */
int ui_theme_parse(const char *name, ui_theme_id *id);
const char *ui_theme_name(ui_theme_id id);

#endif
