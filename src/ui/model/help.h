/* help.h - the welcome and help overlay, as plain data: its pages, its
 * words, and where each clickable part is.
 *
 * Three pages under three tabs:
 *
 *   Welcome             what concviz shows, in three sentences, and three
 *                       ways in: the course (the lesson picker), a preset,
 *                       a workload of one's own
 *   Workload language   every kind of step, with an example, as a cheat sheet
 *   Keys                every key of the window, lessons and presenter mode
 *
 * The window opens it on the Welcome page the first time it starts; F1 and
 * the Help button open it later. Its text is here, not in the drawing, so
 * a test can check that the cheat sheet names every step kind the
 * language has and that the keys page names every key the window takes.
 *
 * As lesson_panel.c does, the layout places everything clickable with
 * plain arithmetic from the text sizes (words are estimated, widgets.h),
 * so clicks are tested without fonts; the drawing (draw_help.c) wraps the
 * text inside the rectangles given here.
 */
#ifndef UI_HELP_H
#define UI_HELP_H

#include "geom.h"

typedef enum ui_help_page {
    UI_HELP_WELCOME = 0,
    UI_HELP_LANGUAGE,
    UI_HELP_KEYS,
    UI_HELP__PAGES
} ui_help_page;

/* What is under the pointer (ui_help_hit). */
enum {
    UI_HELP_NONE = 0,      /* outside the box: a click closes it */
    UI_HELP_BOX,           /* inside, on nothing clickable */
    UI_HELP_CLOSE,
    UI_HELP_COURSE,        /* "Start the course" */
    UI_HELP_TYPE,          /* "Type a workload" */
    UI_HELP_TAB0 = 8,      /* + page */
    UI_HELP_PRESET0 = 16,  /* + preset index */
};

#define UI_HELP_MAX_PRESETS 8

/* One line of a two-column page: a key (or a step of the language) and
 * what it does. A NULL key is a heading. */
typedef struct ui_help_row {
    const char *key;
    const char *text;
} ui_help_row;

typedef struct ui_help {
    /* Inputs (the app sets them). */
    ui_help_page page;
    int npresets;
    const char *presets[UI_HELP_MAX_PRESETS]; /* the preset buttons' names */
    int hot;                       /* the UI_HELP_* item under the pointer */
    /* Set by ui_help_layout. */
    int px, small_px, title_px, row_h, line_h, pad;
    ui_rect box;                   /* the whole card */
    ui_rect title;                 /* "Welcome to concviz" */
    ui_rect tabs[UI_HELP__PAGES];
    ui_rect close;
    ui_rect body;                  /* the page's text */
    /* The Welcome page: the three ways in, anchored under the text. */
    ui_rect course, course_text;
    ui_rect presets_label, preset[UI_HELP_MAX_PRESETS];
    ui_rect type, type_text;
    int columns;                   /* the two-column pages: 1 or 2 columns */
} ui_help;

/* The words of the pages. */
extern const char ui_help_intro[];            /* what concviz shows, in a few sentences */
extern const char *const ui_help_tab_names[UI_HELP__PAGES];
extern const ui_help_row ui_help_language[];
extern const int ui_help_nlanguage;
extern const ui_help_row ui_help_keys[];
extern const int ui_help_nkeys;

/* Lays the current page out in a w x h window with body text of font_px
 * (smaller when the page would not fit: a card never runs off screen). */
void ui_help_layout(ui_help *hp, int w, int h, int font_px);

/* The UI_HELP_* item at (x, y). */
int ui_help_hit(const ui_help *hp, int x, int y);

#endif
