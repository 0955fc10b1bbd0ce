/* lesson_panel.h - the lesson player's narration panel, as plain data.
 *
 * The panel sits to the right of the timelines. From top to bottom: a
 * header (the lesson's title and "step 3 of 5"), the narration (the step's
 * title, paragraphs, list items, code, and after the run the reveal and the
 * narration written for after it), which scrolls when it is long; at the
 * bottom, anchored so that they never move while the narration scrolls, a
 * prediction's question and its numbered choices, then the buttons.
 *
 * The app fills the inputs; ui_lesson_panel_layout places everything that
 * can be clicked with plain arithmetic (no SDL, no text measurement), so
 * tests click choices and buttons without a window; drawing (draw_lesson.c)
 * wraps the narration to the panel's width with the cached text renderer.
 * The picker (the course, with progress) takes the panel's place while it
 * is open.
 */
#ifndef UI_LESSON_PANEL_H
#define UI_LESSON_PANEL_H

#include <stddef.h>
#include <stdint.h>

#include "geom.h"
#include "lesson.h"

#define UI_LESSON_MAX_ROWS 256       /* picker rows (LESSON_MAX_LISTED) */

/* What is under the pointer (ui_lesson_panel_hit). */
enum {
    UI_LP_NONE = 0,
    UI_LP_PANEL,          /* inside the panel, on nothing clickable */
    UI_LP_PREV,
    UI_LP_NEXT,
    UI_LP_LESSONS,
    UI_LP_RESTART,
    UI_LP_CHOICE0 = 16,   /* + choice index */
    UI_LP_ROW0 = 64,      /* + picker row index */
};

/* One lesson in the picker. */
typedef struct ui_lesson_row {
    char title[256];
    char detail[256];     /* "step 3/5 · 2/3 right first time · 05-threads-and-the-gil.md" */
    int done;
    int current;          /* the lesson now open */
} ui_lesson_row;

/* One run of same-style text on one line of the narration (draw_lesson.c). */
typedef struct ui_flow_run {
    int x, y;             /* relative to the narration's top-left */
    const char *text;     /* not NUL-terminated at len */
    uint32_t len;
    uint8_t style;        /* LESSON_STYLE_* */
    uint8_t big;          /* 1: a title (larger, bold) */
    uint8_t in_code;      /* 1: a line of a code block (not inline code) */
} ui_flow_run;

/* Decorations under the text: code backgrounds, quote bars, the reveal box. */
enum { UI_FLOW_CODE = 0, UI_FLOW_QUOTE, UI_FLOW_GOOD, UI_FLOW_BAD, UI_FLOW_BULLET };

typedef struct ui_flow_deco {
    ui_rect r;            /* relative to the narration's top-left */
    int kind;
    char mark[8];         /* UI_FLOW_BULLET: "•" or "3." */
} ui_flow_deco;

typedef struct ui_flow {
    ui_flow_run *runs;
    size_t nruns, cap;
    ui_flow_deco *decos;
    size_t ndecos, dcap;
    int height;           /* of the whole narration, in pixels */
    int reveal_y;         /* top of the reveal box, or -1 */
    int title_y;          /* top of the step's title (after a lesson's intro) */
} ui_flow;

typedef struct ui_lesson_panel {
    /* Inputs (the app sets them). */
    const lesson *les;
    int step;                      /* index into les->steps */
    int show_after;                /* narration marked after_run is shown */
    const lesson_block *reveal;    /* the verdict, styled; NULL before the reveal */
    int reveal_good;               /* 1: the guess matched this machine */
    int asking;                    /* the choices wait for a guess */
    int guess;                     /* the choice taken, or -1 */
    uint32_t right;                /* after the reveal: the lesson's answers */
    uint32_t measured;             /* after the reveal: right on this machine */
    int revealed;
    int next_lesson;               /* 1: at the last step, Next opens the next lesson */
    int handout;                   /* 1: a page for paper or slides: no buttons, key
                                      hints nor status; the footer instead */
    char footer[400];              /* handout: the machine and the date, in full */
    char status[160];              /* a line above the buttons ("running...") */
    int version;                   /* bumped by the app when the narration changes */
    int hot;                       /* the UI_LP_* item under the pointer */
    int scroll;                    /* narration scrolled by this many pixels */
    int scroll_to_reveal;          /* 1: the next draw scrolls the reveal into view */
    int scroll_to_title;           /* 1: the next draw scrolls to the step's title */
    /* The picker. */
    int picker;                    /* 1: open */
    const ui_lesson_row *rows;
    int nrows, sel, top;           /* top: first row shown */
    /* Set by ui_lesson_panel_layout. */
    ui_rect rect;                  /* the whole panel */
    int font_px, small_px, title_px, row_h, pad;
    ui_rect header;                /* lesson title and step counter */
    ui_rect body;                  /* the narration's viewport (bottom set by the draw) */
    ui_rect pred;                  /* the question and choices (h 0: none) */
    ui_rect choice[LESSON_MAX_CHOICES];
    int nchoices;
    int tag_h;                     /* the tags' line under each choice (0: none yet) */
    ui_rect prev, next, lessons, restart;
    ui_rect keys;                  /* the line of key hints */
    ui_rect foot;                  /* handout: the footer's room (3 small lines) */
    int rows_visible;              /* picker rows that fit */
    ui_rect row_rect0;             /* the first picker row; the next ones follow */
    /* Draw-time state: the wrapped narration, rebuilt when inputs change. */
    ui_flow flow;
    ui_flow qflow;                 /* the question, wrapped */
    int flow_version, flow_w, flow_px, flow_step;
    const lesson *flow_les;
    int body_h;                    /* the viewport's height in the last draw */
} ui_lesson_panel;

/* The panel's width for a w-pixel-wide window at body font size font_px:
 * about 30% of the window, at least 22 and at most 42 characters' worth. */
int ui_lesson_panel_width(int w, int font_px);

/* Places the panel in `r` with the window's text sizes (layout.h): header,
 * buttons, key hints, choices, picker rows. The question's height is not
 * known without measuring text; the draw puts it above the choices. */
void ui_lesson_panel_layout(ui_lesson_panel *p, ui_rect r, int font_px, int small_px,
                            int title_px, int row_h, int pad);

/* The UI_LP_* item at (x, y): UI_LP_NONE outside the panel. */
int ui_lesson_panel_hit(const ui_lesson_panel *p, int x, int y);

/* The rectangle of picker row i (scrolled by p->top); 0, or -1 if not shown. */
int ui_lesson_panel_row_rect(const ui_lesson_panel *p, int i, ui_rect *r);

/* Keeps the picker's selection in view (adjusts p->top). */
void ui_lesson_panel_show_sel(ui_lesson_panel *p);

/* Scrolls the narration by dy pixels, within what the last draw measured. */
void ui_lesson_panel_scroll(ui_lesson_panel *p, int dy);

void ui_lesson_panel_deinit(ui_lesson_panel *p);

/* ---- the narration flow (lesson_flow.c, no SDL) -------------------- */

/* Width in pixels of `len` bytes of s in the given style (big: title size). */
typedef int (*ui_measure_fn)(void *user, int style, int big, const char *s, size_t len);

typedef struct ui_flow_desc {
    int w;                 /* the width to wrap to */
    int line_h, big_line_h;/* line heights of body text and titles */
    int gap;               /* space between blocks */
    int indent;            /* per list level */
    ui_measure_fn measure;
    void *user;
} ui_flow_desc;

/* Lays one block out below what the flow holds (big: a title). Returns 0,
 * or -1 when out of memory (the flow keeps what it had). */
int ui_flow_add_block(ui_flow *f, const ui_flow_desc *d, const lesson_block *b, int big);
/* Adds a reveal box around the next block (good: the guess matched). */
int ui_flow_add_reveal(ui_flow *f, const ui_flow_desc *d, const lesson_block *b, int good);
void ui_flow_clear(ui_flow *f);
void ui_flow_free(ui_flow *f);

#endif
