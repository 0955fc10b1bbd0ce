/* field.c - editing one line of text: selection, undo, history.
 *
 * Every edit goes through one function, edit(), which first saves the
 * state for undo. Typing characters one after another (or deleting them)
 * saves only before the first of them, so Ctrl+Z takes back a word typed,
 * not one letter, as desktop text fields do; any move of the cursor ends
 * such a run.
 *
 * Cursor moves step over whole UTF-8 sequences, so a pasted "µs" never
 * leaves half a character behind; a "word" is a run of letters, digits,
 * '_' and '.', the characters a workload's names and durations are made
 * of, so Ctrl+Left stops at each step of "4*(cpu:40ms,io:60ms)".
 */
#include "field.h"

#include <stdio.h>
#include <string.h>

enum { EDIT_NONE = 0, EDIT_TYPE, EDIT_DELETE, EDIT_OTHER };

int ui_mono_advance(int px)
{
    int w = (int)(px * 1233.0 / 2048.0 + 0.5);
    return w > 0 ? w : 1;
}

void ui_field_init(ui_field *f)
{
    memset(f, 0, sizeof *f);
    f->hist_pos = -1;
    f->error_at = -1;
    f->char_w = 1;
}

static int prev_char(const char *s, int i)
{
    if (i <= 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

static int next_char(const char *s, int i)
{
    if (!s[i])
        return i;
    i++;
    while (s[i] && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static int is_word(unsigned char c)
{
    return c >= 0x80 || c == '_' || c == '.' || (c >= '0' && c <= '9') ||
           (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int word_left(const char *s, int i)
{
    while (i > 0 && !is_word((unsigned char)s[prev_char(s, i)]))
        i = prev_char(s, i);
    while (i > 0 && is_word((unsigned char)s[prev_char(s, i)]))
        i = prev_char(s, i);
    return i;
}

static int word_right(const char *s, int i)
{
    while (s[i] && !is_word((unsigned char)s[i]))
        i = next_char(s, i);
    while (s[i] && is_word((unsigned char)s[i]))
        i = next_char(s, i);
    return i;
}

static void snap(const ui_field *f, ui_field_snap *s)
{
    memcpy(s->text, f->text, sizeof s->text);
    s->cursor = f->cursor;
    s->anchor = f->anchor;
}

static void restore(ui_field *f, const ui_field_snap *s)
{
    memcpy(f->text, s->text, sizeof f->text);
    f->cursor = s->cursor;
    f->anchor = s->anchor;
}

/* Pushes onto a stack of UI_FIELD_UNDO, dropping the oldest when full. */
static void push(ui_field_snap *stack, int *n, const ui_field *f)
{
    if (*n == UI_FIELD_UNDO) {
        memmove(stack, stack + 1, sizeof *stack * (UI_FIELD_UNDO - 1));
        (*n)--;
    }
    snap(f, &stack[(*n)++]);
}

/* Before an edit of this kind: saves the state for undo, unless the edit
 * continues a run of the same kind. Any edit forgets the redo steps and
 * leaves the history (the edited text is a new draft). */
static void edit(ui_field *f, int kind)
{
    if (kind == EDIT_OTHER || kind != f->last_kind)
        push(f->undo, &f->nundo, f);
    f->last_kind = kind == EDIT_OTHER ? EDIT_NONE : kind;
    f->nredo = 0;
    f->hist_pos = -1;
}

int ui_field_selection(const ui_field *f, int *from, int *to)
{
    int a = f->anchor < f->cursor ? f->anchor : f->cursor;
    int b = f->anchor < f->cursor ? f->cursor : f->anchor;
    if (from)
        *from = a;
    if (to)
        *to = b;
    return b - a;
}

size_t ui_field_selected(const ui_field *f, char *buf, size_t n)
{
    int a, b;
    ui_field_selection(f, &a, &b);
    if (n == 0)
        return 0;
    size_t len = (size_t)(b - a) < n - 1 ? (size_t)(b - a) : n - 1;
    memcpy(buf, f->text + a, len);
    buf[len] = 0;
    return len;
}

/* Removes the selection (no undo step of its own: the caller made one). */
static void cut_selection(ui_field *f)
{
    int a, b;
    if (ui_field_selection(f, &a, &b) == 0)
        return;
    memmove(f->text + a, f->text + b, strlen(f->text + b) + 1);
    f->cursor = f->anchor = a;
}

/* The length of the UTF-8 sequence that starts with byte c (1 for a
 * stray continuation byte, which the view shows escaped). */
static int seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

void ui_field_set(ui_field *f, const char *text)
{
    if (strcmp(text, f->text) == 0) {
        f->cursor = f->anchor = (int)strlen(f->text);
        return;
    }
    edit(f, EDIT_OTHER);
    snprintf(f->text, sizeof f->text, "%s", text);
    /* A text cut to fit must not end inside a character. */
    int len = (int)strlen(f->text);
    int last = prev_char(f->text, len);
    if (last < len && last + seq_len((unsigned char)f->text[last]) > len)
        f->text[len = last] = 0;
    f->cursor = f->anchor = len;
    f->first_col = 0;
    ui_field_scroll(f);
}

int ui_field_insert(ui_field *f, const char *utf8)
{
    char clean[UI_FIELD_MAX];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)utf8; *p; p++) {
        unsigned char c = *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p;
        if (c < 0x20 || c == 0x7f)
            continue;
        if (k + 1 >= sizeof clean)
            return -1;
        clean[k++] = (char)c;
    }
    clean[k] = 0;
    int a, b;
    ui_field_selection(f, &a, &b);
    size_t len = strlen(f->text) - (size_t)(b - a);
    if (len + k >= sizeof f->text)
        return -1; /* full: refuse the whole insert rather than cut a character */
    if (k == 0 && a == b)
        return 0;
    edit(f, a == b && k > 0 && k < 8 ? EDIT_TYPE : EDIT_OTHER);
    cut_selection(f);
    memmove(f->text + f->cursor + k, f->text + f->cursor, strlen(f->text + f->cursor) + 1);
    memcpy(f->text + f->cursor, clean, k);
    f->cursor += (int)k;
    f->anchor = f->cursor;
    ui_field_scroll(f);
    return 0;
}

void ui_field_backspace(ui_field *f, int word)
{
    if (ui_field_selection(f, NULL, NULL) > 0) {
        edit(f, EDIT_OTHER);
        cut_selection(f);
    } else if (f->cursor > 0) {
        edit(f, word ? EDIT_OTHER : EDIT_DELETE);
        int p = word ? word_left(f->text, f->cursor) : prev_char(f->text, f->cursor);
        memmove(f->text + p, f->text + f->cursor, strlen(f->text + f->cursor) + 1);
        f->cursor = f->anchor = p;
    }
    ui_field_scroll(f);
}

void ui_field_delete(ui_field *f, int word)
{
    if (ui_field_selection(f, NULL, NULL) > 0) {
        edit(f, EDIT_OTHER);
        cut_selection(f);
    } else if (f->text[f->cursor]) {
        edit(f, word ? EDIT_OTHER : EDIT_DELETE);
        int nx = word ? word_right(f->text, f->cursor) : next_char(f->text, f->cursor);
        memmove(f->text + f->cursor, f->text + nx, strlen(f->text + nx) + 1);
        f->anchor = f->cursor;
    }
    ui_field_scroll(f);
}

void ui_field_move(ui_field *f, int where, int select)
{
    int a, b;
    int had = ui_field_selection(f, &a, &b) > 0;
    int c = f->cursor;
    switch (where) {
    case UI_MOVE_LEFT:
        /* Left on a selection goes to its start, as text fields do. */
        c = had && !select ? a : prev_char(f->text, c);
        break;
    case UI_MOVE_RIGHT:
        c = had && !select ? b : next_char(f->text, c);
        break;
    case UI_MOVE_WORD_LEFT: c = word_left(f->text, c); break;
    case UI_MOVE_WORD_RIGHT: c = word_right(f->text, c); break;
    case UI_MOVE_HOME: c = 0; break;
    case UI_MOVE_END: c = (int)strlen(f->text); break;
    default: break;
    }
    f->cursor = c;
    if (!select)
        f->anchor = c;
    f->last_kind = EDIT_NONE;
    ui_field_scroll(f);
}

void ui_field_select_all(ui_field *f)
{
    f->anchor = 0;
    f->cursor = (int)strlen(f->text);
    f->last_kind = EDIT_NONE;
    ui_field_scroll(f);
}

void ui_field_place(ui_field *f, int at, int select)
{
    int len = (int)strlen(f->text);
    if (at < 0)
        at = 0;
    if (at > len)
        at = len;
    while (at > 0 && ((unsigned char)f->text[at] & 0xC0) == 0x80)
        at--;
    f->cursor = at;
    if (!select)
        f->anchor = at;
    f->last_kind = EDIT_NONE;
    ui_field_scroll(f);
}

int ui_field_undo(ui_field *f)
{
    if (f->nundo == 0)
        return 0;
    push(f->redo, &f->nredo, f);
    restore(f, &f->undo[--f->nundo]);
    f->last_kind = EDIT_NONE;
    f->hist_pos = -1;
    ui_field_scroll(f);
    return 1;
}

int ui_field_redo(ui_field *f)
{
    if (f->nredo == 0)
        return 0;
    push(f->undo, &f->nundo, f);
    restore(f, &f->redo[--f->nredo]);
    f->last_kind = EDIT_NONE;
    f->hist_pos = -1;
    ui_field_scroll(f);
    return 1;
}

void ui_field_remember(ui_field *f, const char *text)
{
    if (!text[0])
        return;
    if (f->nhistory > 0 && strcmp(f->history[f->nhistory - 1], text) == 0) {
        f->hist_pos = -1;
        return;
    }
    if (f->nhistory == UI_FIELD_HISTORY) {
        memmove(f->history, f->history + 1, sizeof f->history[0] * (UI_FIELD_HISTORY - 1));
        f->nhistory--;
    }
    snprintf(f->history[f->nhistory++], sizeof f->history[0], "%s", text);
    f->hist_pos = -1;
}

int ui_field_history(ui_field *f, int dir)
{
    int pos = f->hist_pos + (dir < 0 ? 1 : -1);
    if (pos >= f->nhistory || pos < -1 || (pos == -1 && f->hist_pos == -1))
        return 0;
    if (f->hist_pos == -1)
        snprintf(f->draft, sizeof f->draft, "%s", f->text);
    /* The text shown is an edit of its own: Ctrl+Z goes back through it. */
    const char *t = pos == -1 ? f->draft : f->history[f->nhistory - 1 - pos];
    push(f->undo, &f->nundo, f);
    f->nredo = 0;
    f->last_kind = EDIT_NONE;
    snprintf(f->text, sizeof f->text, "%s", t);
    f->cursor = f->anchor = (int)strlen(f->text);
    f->hist_pos = pos;
    f->first_col = 0;
    ui_field_scroll(f);
    return 1;
}

int ui_field_col(const ui_field *f, int at)
{
    int col = 0;
    for (int i = 0; i < at && f->text[i]; i++)
        if (((unsigned char)f->text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

void ui_field_geometry(ui_field *f, int x, int width, int char_w)
{
    f->text_x = x;
    f->char_w = char_w > 0 ? char_w : 1;
    f->cols = width / f->char_w;
    if (f->cols < 1)
        f->cols = 1;
    ui_field_scroll(f);
}

void ui_field_scroll(ui_field *f)
{
    int col = ui_field_col(f, f->cursor), cols = f->cols > 0 ? f->cols : 1;
    /* Keep a column free after the cursor, so that it is seen at the end. */
    if (col >= f->first_col + cols)
        f->first_col = col - cols + 1;
    if (col < f->first_col)
        f->first_col = col;
    int total = ui_field_col(f, (int)strlen(f->text));
    if (f->first_col > 0 && total - f->first_col < cols - 1)
        f->first_col = total - cols + 1 > 0 ? total - cols + 1 : 0;
    if (f->first_col < 0)
        f->first_col = 0;
}

int ui_field_offset_at(const ui_field *f, int x)
{
    int w = f->char_w > 0 ? f->char_w : 1;
    int dx = x - f->text_x;
    int col = f->first_col + (dx >= 0 ? (dx + w / 2) / w : -((-dx + w / 2) / w));
    if (col < 0)
        col = 0;
    int i = 0;
    for (int c = 0; c < col && f->text[i]; c++)
        i = next_char(f->text, i);
    return i;
}

int ui_field_x_of(const ui_field *f, int at)
{
    return f->text_x + (ui_field_col(f, at) - f->first_col) * f->char_w;
}
