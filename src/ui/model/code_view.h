/* code_view.h - the code beside the timeline, as data: which program,
 * which lines are in view, which line each task is on.
 *
 * The code view shows the whole Python program of one panel's model (as
 * `concviz python` prints it), for the panel the pointer was last over or
 * clicked. At the playhead, the line each task is on is marked with the
 * task's colour: every task's when there are few, else only the task whose
 * lane was clicked or is under the pointer. The line comes from the trace
 * (the step the task was at, steps.h) and the generator's map from steps
 * to lines (lens.h): never from guessing.
 *
 * Plain arithmetic on the layout's sizes, so the window's input (scroll,
 * jump to a line) and the drawing agree on what is in view without SDL.
 */
#ifndef UI_CODE_VIEW_H
#define UI_CODE_VIEW_H

#include <stdint.h>

#include "comparison.h"
#include "layout.h"
#include "lens.h"
#include "view.h"

/* Tasks up to this many each get their line marked; beyond, only the
 * chosen and the hovered one. */
#define UI_CODE_ALL_TASKS 8
#define UI_CODE_MAX_MARKS 16

typedef struct ui_code_geom {
    int px;           /* text size (the mono font) */
    int line_h;       /* one line */
    ui_rect head;     /* the title line: file and model */
    ui_rect text;     /* the lines: gutter and code */
    int gutter_w;     /* line numbers and task chips */
    int rows;         /* whole lines that fit */
} ui_code_geom;

void ui_code_geom_of(const ui_layout *l, ui_code_geom *g);

/* The panel the code view shows: the view's choice, kept in range. */
int ui_code_panel(const ui_view *v, const sim_comparison *c);

/* The first line in view (0-based), resolving "where the task functions
 * begin" and keeping the last page full. */
int ui_code_first(const ui_view *v, const ui_layout *l, const ui_lens *L, int p);
/* Scrolls by `lines` (negative: up). */
void ui_code_scroll_by(ui_view *v, const ui_layout *l, const ui_lens *L, int lines);
/* Puts line `line` (1-based) in view, a third of the way down. */
void ui_code_show_line(ui_view *v, const ui_layout *l, const ui_lens *L, uint32_t line);

typedef struct ui_code_mark {
    uint32_t line;    /* 1-based */
    uint32_t task;
} ui_code_mark;

/* The lines tasks of panel p are on at time t: every unfinished task's
 * when there are at most UI_CODE_ALL_TASKS, else the chosen one's
 * (v->code_task) and `hover`'s (a task lane under the pointer, or -1).
 * Sorted by line, then task. Returns how many (at most max). */
int ui_code_marks(const ui_lens *L, const ui_view *v, const sim_comparison *c, int p,
                  int64_t t, long hover, ui_code_mark *out, int max);

/* The syntax class of each byte of one line of Python, simply: keywords,
 * strings, comments, the rest. `in_doc` says whether the line starts
 * inside a triple-quoted string, and receives whether the next one does. */
typedef enum ui_code_class {
    UI_CODE_PLAIN = 0,
    UI_CODE_KEYWORD,
    UI_CODE_STRING,
    UI_CODE_COMMENT,
} ui_code_class;
void ui_code_classify(const char *s, size_t n, int *in_doc, uint8_t *cls);

#endif
