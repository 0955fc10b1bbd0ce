/* field.h - the workload field as plain data: text, cursor, selection,
 * undo and history.
 *
 * A text field is small but it is where a learner types the most, so it
 * behaves as every other text field on their desktop: a selection (from
 * `anchor` to `cursor`) that typing replaces, Shift with a move to extend
 * it, select-all, undo and redo, and a history of the workloads already
 * run (Up and Down, as a shell). The app maps keys and the clipboard onto
 * these calls (app_field.c); drawing reads the same struct.
 *
 * The field's text is drawn in the monospaced font, so a column is a
 * fixed number of pixels (ui_mono_advance): the pointer's x becomes a
 * character without measuring any text, and an error's caret lines up
 * under the column it points at.
 *
 * Offsets are in bytes and always fall between whole UTF-8 characters;
 * a column is one character.
 */
#ifndef UI_FIELD_H
#define UI_FIELD_H

#include <stddef.h>

#define UI_FIELD_MAX 1024     /* bytes of text, NUL included */
#define UI_FIELD_UNDO 32      /* undo (and redo) steps kept */
#define UI_FIELD_HISTORY 32   /* workloads remembered for Up / Down */

typedef struct ui_field_snap {
    char text[UI_FIELD_MAX];
    int cursor, anchor;
} ui_field_snap;

typedef struct ui_field {
    char text[UI_FIELD_MAX];
    int cursor;               /* where typing goes (byte offset) */
    int anchor;               /* the selection's other end; == cursor: none */
    /* Undo: the state before each edit; typing (or deleting) character
     * after character is one edit, as in any editor. */
    ui_field_snap undo[UI_FIELD_UNDO], redo[UI_FIELD_UNDO];
    int nundo, nredo;
    int last_kind;            /* the kind of the last edit, for that grouping */
    /* History: workloads run, newest last. */
    char history[UI_FIELD_HISTORY][UI_FIELD_MAX];
    int nhistory;
    int hist_pos;             /* -1: the text being typed; k: history[nhistory-1-k] */
    char draft[UI_FIELD_MAX]; /* the text being typed, kept while in the history */
    /* Geometry, set by the bar's layout (widgets.c). */
    int text_x;               /* where column first_col is drawn */
    int char_w;               /* pixels per column (ui_mono_advance) */
    int cols;                 /* columns that fit */
    int first_col;            /* the first column shown (horizontal scroll) */
    /* What is wrong with the text, "" if nothing; error_at is the byte
     * offset the caret points at, -1 for none. */
    char error[512];
    int error_at;
} ui_field;

/* Pixels per character of the monospaced font (DejaVu Sans Mono, whose
 * advance is 1233/2048 em, rounded as the hinted font rounds it). */
int ui_mono_advance(int px);

void ui_field_init(ui_field *f);
/* Replaces the whole text (an edit: Ctrl+Z brings the old text back). */
void ui_field_set(ui_field *f, const char *text);
/* Types text at the cursor, replacing the selection; tabs and line breaks
 * become spaces, other control characters are dropped. Text that would
 * not fit is refused whole (never half a character). Returns 0 or -1. */
int ui_field_insert(ui_field *f, const char *utf8);
/* Backspace and Delete: the selection, else one character (word: the
 * word before or after the cursor, as Ctrl+Backspace does). */
void ui_field_backspace(ui_field *f, int word);
void ui_field_delete(ui_field *f, int word);

/* Moves. UI_MOVE_* says where; `select` extends the selection (Shift). */
enum { UI_MOVE_LEFT, UI_MOVE_RIGHT, UI_MOVE_WORD_LEFT, UI_MOVE_WORD_RIGHT,
       UI_MOVE_HOME, UI_MOVE_END };
void ui_field_move(ui_field *f, int where, int select);
void ui_field_select_all(ui_field *f);
/* Puts the cursor at byte offset `at` (clamped to a character boundary). */
void ui_field_place(ui_field *f, int at, int select);
/* The selection as [*from, *to); returns its length in bytes. */
int ui_field_selection(const ui_field *f, int *from, int *to);
/* Copies the selection into buf (NUL-terminated); returns its length. */
size_t ui_field_selected(const ui_field *f, char *buf, size_t n);

/* Undo and redo; each returns 1 if it changed something. */
int ui_field_undo(ui_field *f);
int ui_field_redo(ui_field *f);

/* Remembers `text` as run (no duplicate of the newest entry). */
void ui_field_remember(ui_field *f, const char *text);
/* Up (dir -1: older) and Down (+1: newer, back to the text being typed).
 * Returns 1 if the text changed. */
int ui_field_history(ui_field *f, int dir);

/* Geometry: the text starts at pixel x, `width` pixels wide, `char_w`
 * pixels per column; keeps the cursor in view. */
void ui_field_geometry(ui_field *f, int x, int width, int char_w);
/* Scrolls so that the cursor is visible (after a change). */
void ui_field_scroll(ui_field *f);
/* The byte offset nearest to pixel x; and the pixel x of byte offset at. */
int ui_field_offset_at(const ui_field *f, int x);
int ui_field_x_of(const ui_field *f, int at);
/* The column (character count) of byte offset at. */
int ui_field_col(const ui_field *f, int at);

#endif
