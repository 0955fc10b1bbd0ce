/* widgets.c - flowing the controls into rows, and editing the text field.
 *
 * The flow is the simplest that works on any window: left to right, a new
 * row when the next widget does not fit or asks for one; a growing widget
 * (the workload field) takes whatever its row has left. Cursor movement
 * steps over whole UTF-8 sequences so that a pasted "µs" never leaves half
 * a character behind.
 */
#include "widgets.h"

#include <stdio.h>
#include <string.h>

void ui_widgets_init(ui_widgets *ws)
{
    memset(ws, 0, sizeof *ws);
    ws->hot = -1;
    ws->focus = -1;
    ws->rows = 1;
}

ui_widget *ui_widgets_add(ui_widgets *ws, int id, ui_widget_kind kind,
                          const char *label)
{
    if (ws->n >= UI_MAX_WIDGETS)
        return NULL;
    ui_widget *w = &ws->w[ws->n++];
    memset(w, 0, sizeof *w);
    w->id = id;
    w->kind = kind;
    w->enabled = 1;
    snprintf(w->label, sizeof w->label, "%s", label ? label : "");
    return w;
}

ui_widget *ui_widgets_find(ui_widgets *ws, int id)
{
    for (int i = 0; i < ws->n; i++)
        if (ws->w[i].id == id)
            return &ws->w[i];
    return NULL;
}

int ui_text_estimate(const char *s, int px)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            chars++;
    return (int)(chars * px * 0.62 + 0.5);
}

static int natural_w(const ui_widget *w, int px, int pad)
{
    switch (w->kind) {
    case UI_W_LABEL:
        return ui_text_estimate(w->label, px) + pad;
    case UI_W_FIELD:
        return 20 * px;
    case UI_W_STEPPER:
        return ui_text_estimate(w->label, px) + pad + 2 * (px * 2) +
               ui_text_estimate("00000000", px) + pad;
    case UI_W_SLIDER:
        return ui_text_estimate(w->label, px) + pad + 8 * px +
               ui_text_estimate("0.00x", px) + 2 * pad;
    default:
        return ui_text_estimate(w->label, px) + 2 * pad;
    }
}

int ui_widgets_layout(ui_widgets *ws, ui_rect bar, int font_px, int row_h,
                      int pad)
{
    int x = bar.x + pad, y = bar.y + pad, row = 1;
    int right = bar.x + bar.w - pad;
    int row_start = 0;
    for (int i = 0; i < ws->n; i++) {
        ui_widget *w = &ws->w[i];
        int nw = natural_w(w, font_px, pad);
        if (nw > right - (bar.x + pad))
            nw = right - (bar.x + pad);
        if ((w->newrow && i > row_start) || (x + nw > right && x > bar.x + pad)) {
            x = bar.x + pad;
            y += row_h + pad;
            row++;
            row_start = i;
        }
        w->rect = (ui_rect){x, y, nw, row_h};
        x += nw + pad;
        /* A growing widget takes the rest once the row is complete. */
        int last_in_row = i + 1 >= ws->n || ws->w[i + 1].newrow;
        if (last_in_row) {
            int extra = right - (x - pad);
            for (int j = row_start; j <= i && extra > 0; j++) {
                if (!ws->w[j].grow)
                    continue;
                ws->w[j].rect.w += extra;
                for (int k = j + 1; k <= i; k++)
                    ws->w[k].rect.x += extra;
                break;
            }
        }
    }
    /* The steppers' halves, once the grow pass has moved them. */
    for (int i = 0; i < ws->n; i++) {
        ui_widget *w = &ws->w[i];
        if (w->kind != UI_W_STEPPER)
            continue;
        int bw = font_px * 2;
        w->plus = (ui_rect){w->rect.x + w->rect.w - bw, w->rect.y, bw, row_h};
        w->minus = (ui_rect){w->rect.x + ui_text_estimate(w->label, font_px) + pad,
                             w->rect.y, bw, row_h};
    }
    ws->rows = row;
    return row;
}

int ui_widgets_at(const ui_widgets *ws, int x, int y)
{
    for (int i = 0; i < ws->n; i++)
        if (ws->w[i].kind != UI_W_LABEL && ui_rect_has(ws->w[i].rect, x, y))
            return i;
    return -1;
}

void ui_field_set(ui_widgets *ws, const char *text)
{
    snprintf(ws->text, sizeof ws->text, "%s", text);
    ws->cursor = (int)strlen(ws->text);
}

void ui_field_insert(ui_widgets *ws, const char *utf8)
{
    size_t len = strlen(ws->text), add = strlen(utf8);
    if (len + add >= sizeof ws->text)
        return; /* full: refuse the whole insert rather than cut a character */
    memmove(ws->text + ws->cursor + add, ws->text + ws->cursor,
            len - (size_t)ws->cursor + 1);
    memcpy(ws->text + ws->cursor, utf8, add);
    ws->cursor += (int)add;
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

void ui_field_backspace(ui_widgets *ws)
{
    int p = prev_char(ws->text, ws->cursor);
    memmove(ws->text + p, ws->text + ws->cursor,
            strlen(ws->text + ws->cursor) + 1);
    ws->cursor = p;
}

void ui_field_delete(ui_widgets *ws)
{
    int nx = next_char(ws->text, ws->cursor);
    memmove(ws->text + ws->cursor, ws->text + nx, strlen(ws->text + nx) + 1);
}

void ui_field_move(ui_widgets *ws, int dir)
{
    if (dir == -2)
        ws->cursor = 0;
    else if (dir == 2)
        ws->cursor = (int)strlen(ws->text);
    else if (dir < 0)
        ws->cursor = prev_char(ws->text, ws->cursor);
    else
        ws->cursor = next_char(ws->text, ws->cursor);
}
