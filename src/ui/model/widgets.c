/* widgets.c - flowing the controls into rows.
 *
 * The flow is the simplest that works on any window: left to right, a new
 * row when the next widget does not fit or asks for one; a growing widget
 * (the workload field, the note) takes whatever its row has left. The
 * layout also places what inside a widget can be clicked: a stepper's two
 * halves and its value, the first column of the field's text.
 */
#include "widgets.h"

#include <stdio.h>
#include <string.h>

void ui_widgets_init(ui_widgets *ws)
{
    memset(ws, 0, sizeof *ws);
    ws->hot = -1;
    ws->focus = -1;
    ws->editing = -1;
    ws->rows = 1;
    ui_field_init(&ws->field);
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

int ui_label_estimate(const char *s, int px)
{
    /* Bold runs wider than regular: 10% more keeps the text clear of it. */
    return ui_text_estimate(s, px) * 11 / 10;
}

static int natural_w(const ui_widget *w, int px, int pad)
{
    switch (w->kind) {
    case UI_W_LABEL:
        return ui_label_estimate(w->label, px) + pad;
    case UI_W_FIELD:
        return 14 * px; /* it grows into what its row leaves */
    case UI_W_NOTE:
        return px;
    case UI_W_STEPPER:
        return ui_text_estimate(w->label, px) + pad + 2 * (px * 2) +
               ui_text_estimate("0", px) * (w->value_chars > 0 ? w->value_chars : 8) + pad;
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
    /* What inside a widget is clicked, once the grow pass has moved them. */
    for (int i = 0; i < ws->n; i++) {
        ui_widget *w = &ws->w[i];
        if (w->kind == UI_W_FIELD) {
            int lw = w->label[0] ? ui_label_estimate(w->label, font_px) + pad : 0;
            int tx = w->rect.x + pad / 2 + lw;
            ui_field_geometry(&ws->field, tx, w->rect.x + w->rect.w - pad / 2 - tx,
                              ui_mono_advance(font_px));
        }
        if (w->kind != UI_W_STEPPER)
            continue;
        int bw = font_px * 2;
        w->plus = (ui_rect){w->rect.x + w->rect.w - bw, w->rect.y, bw, row_h};
        w->minus = (ui_rect){w->rect.x + ui_text_estimate(w->label, font_px) + pad,
                             w->rect.y, bw, row_h};
        w->value_r = (ui_rect){w->minus.x + w->minus.w, w->rect.y,
                               w->plus.x - (w->minus.x + w->minus.w), row_h};
    }
    ws->rows = row;
    return row;
}

int ui_widgets_at(const ui_widgets *ws, int x, int y)
{
    for (int i = 0; i < ws->n; i++)
        if (ws->w[i].kind != UI_W_LABEL && ws->w[i].kind != UI_W_NOTE &&
            ui_rect_has(ws->w[i].rect, x, y))
            return i;
    return -1;
}

ui_widget *ui_widgets_field(ui_widgets *ws)
{
    for (int i = 0; i < ws->n; i++)
        if (ws->w[i].kind == UI_W_FIELD)
            return &ws->w[i];
    return NULL;
}

int ui_widgets_focusable(const ui_widgets *ws, int i)
{
    if (i < 0 || i >= ws->n)
        return 0;
    const ui_widget *w = &ws->w[i];
    return w->kind != UI_W_LABEL && w->kind != UI_W_NOTE && w->enabled;
}
