/* draw_widgets.c - the controls bar: buttons, toggles, steppers, the speed
 * slider, the workload field and the note under it.
 *
 * Every widget shows its keyboard focus with a ring as thick as the
 * playhead, so that the bar can be used without a mouse (Tab, Enter).
 * The bar has its own text size (layout.h: bar_px), which grows with the
 * window but only a little with the projector theme.
 *
 * The field's text is monospaced, and the layout (field.h) says where
 * each column is: the selection, the cursor and an error's caret in the
 * note are drawn at those columns, so they line up with the characters.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"

static void centered(ui_ctx *ui, ui_font f, const char *s, ui_rect rc, ui_color c)
{
    int px = ui->l->bar_small_px, w, h;
    ui_text_size(&ui->text, f, px, s, &w, &h);
    ui_text_draw_fit(&ui->text, f, px, c, s, w < rc.w ? rc.x + (rc.w - w) / 2 : rc.x + 1,
                     rc.y + (rc.h - h) / 2, rc.w - 2);
}

static void button(ui_ctx *ui, ui_rect rc, const char *label, int on, int hot,
                   int enabled)
{
    const ui_theme *th = ui->th;
    fill(ui, rc, on ? th->button_on : hot && enabled ? th->button_hot : th->button);
    frame_rect(ui, rc, th->grid, 1);
    ui_color fg = th->fg;
    if (!enabled)
        fg.a = 110;
    centered(ui, on ? UI_FONT_BOLD : UI_FONT_REGULAR, label, rc, fg);
}

/* The columns [first_col, first_col + cols) of the field's text. */
static void visible(const ui_field *f, char *buf, size_t n)
{
    int i = 0, col = 0;
    while (f->text[i] && col < f->first_col) {
        i++;
        while (((unsigned char)f->text[i] & 0xC0) == 0x80)
            i++;
        col++;
    }
    int j = i;
    for (int c = 0; f->text[j] && c < f->cols + 1; c++) {
        j++;
        while (((unsigned char)f->text[j] & 0xC0) == 0x80)
            j++;
    }
    size_t len = (size_t)(j - i) < n - 1 ? (size_t)(j - i) : n - 1;
    memcpy(buf, f->text + i, len);
    buf[len] = 0;
}

static void field(ui_ctx *ui, const ui_widgets *ws, const ui_widget *w, int focus)
{
    const ui_theme *th = ui->th;
    const ui_layout *l = ui->l;
    const ui_field *f = &ws->field;
    int err = f->error[0] != 0;
    fill(ui, w->rect, th->field);
    frame_rect(ui, w->rect, err ? th->error : th->grid, err ? 2 : 1);
    int px = l->bar_small_px;
    if (w->label[0])
        ui_text_draw(&ui->text, UI_FONT_BOLD, px, th->fg_dim, w->label,
                     w->rect.x + l->bar_pad / 2, w->rect.y + (w->rect.h - px) / 2 - 2,
                     UI_ALIGN_LEFT);
    int x0 = f->text_x, x1 = f->text_x + f->cols * f->char_w;
    SDL_Rect clip = {x0, w->rect.y, x1 - x0 + 2, w->rect.h};
    SDL_RenderSetClipRect(ui->r, &clip);
    int a, b;
    if (ui_field_selection(f, &a, &b) > 0) {
        int sx0 = ui_field_x_of(f, a), sx1 = ui_field_x_of(f, b);
        ui_color sel = th->selection;
        sel.a = focus ? 110 : 60;
        fill(ui, (ui_rect){sx0, w->rect.y + 3, sx1 - sx0, w->rect.h - 6}, sel);
    }
    char shown[UI_FIELD_MAX];
    visible(f, shown, sizeof shown);
    int ty = w->rect.y + (w->rect.h - px) / 2 - 2;
    ui_text_draw(&ui->text, UI_FONT_MONO, px, th->fg, shown, x0, ty, UI_ALIGN_LEFT);
    if (focus)
        fill(ui, (ui_rect){ui_field_x_of(f, f->cursor), w->rect.y + 3, thick(ui) + 1,
                           w->rect.h - 6}, th->focus);
    SDL_RenderSetClipRect(ui->r, NULL);
}

/* The note: an error with its caret under the field's column, or a line
 * of words (stale settings, the busy machine, a hint). */
static void note(ui_ctx *ui, const ui_widgets *ws, const ui_widget *w)
{
    const ui_theme *th = ui->th;
    const ui_layout *l = ui->l;
    const ui_field *f = &ws->field;
    int px = l->bar_small_px;
    int ty = w->rect.y + (w->rect.h - px) / 2 - 2;
    if (ws->note_kind == UI_NOTE_NONE || !ws->note[0])
        return;
    if (ws->note_kind == UI_NOTE_ERROR) {
        int x = w->rect.x + l->bar_pad / 2;
        if (f->error_at >= 0) {
            int cx = ui_field_x_of(f, f->error_at);
            if (cx < f->text_x)
                cx = f->text_x;
            int cw, ch;
            ui_text_size(&ui->text, UI_FONT_MONO, px, "^", &cw, &ch);
            ui_text_draw(&ui->text, UI_FONT_MONO, px, th->error, "^", cx, ty, UI_ALIGN_LEFT);
            /* The message after the caret, or before it when it would not fit. */
            int mw, mh;
            ui_text_size(&ui->text, UI_FONT_BOLD, px, ws->note, &mw, &mh);
            int right = w->rect.x + w->rect.w - l->bar_pad / 2;
            if (cx + cw + l->bar_pad + mw <= right) {
                x = cx + cw + l->bar_pad;
            } else if (cx - l->bar_pad - mw >= w->rect.x) {
                ui_text_draw(&ui->text, UI_FONT_BOLD, px, th->error, ws->note,
                             cx - l->bar_pad - mw, ty, UI_ALIGN_LEFT);
                return;
            }
        }
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, th->error, ws->note, x, ty,
                         w->rect.x + w->rect.w - x);
        return;
    }
    ui_color col = ws->note_kind == UI_NOTE_HINT ? th->fg_dim : th->fg;
    int x = w->rect.x + l->bar_pad / 2;
    if (ws->note_kind == UI_NOTE_STALE || ws->note_kind == UI_NOTE_BUSY) {
        /* A mark at its start, so it reads as a message, not a label. */
        int mh = w->rect.h - 6;
        fill(ui, (ui_rect){x, w->rect.y + 3, thick(ui) + 2, mh},
             ws->note_kind == UI_NOTE_BUSY ? th->warn_bg : th->focus);
        x += thick(ui) + 2 + l->bar_pad;
    }
    ui_text_draw_fit(&ui->text, ws->note_kind == UI_NOTE_HINT ? UI_FONT_REGULAR : UI_FONT_BOLD,
                     px, col, ws->note, x, ty, w->rect.x + w->rect.w - x);
}

static void stepper(ui_ctx *ui, const ui_widgets *ws, int i, int hot)
{
    const ui_theme *th = ui->th;
    const ui_widget *w = &ws->w[i];
    int px = ui->l->bar_small_px;
    ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, w->label, w->rect.x,
                 w->rect.y + (w->rect.h - px) / 2 - 2, UI_ALIGN_LEFT);
    button(ui, w->minus, "\xe2\x88\x92", 0, hot, w->enabled);
    button(ui, w->plus, "+", 0, hot, w->enabled);
    if (ws->editing == i) {
        /* Being typed: a small field with a cursor. */
        ui_rect r = {w->value_r.x + 2, w->value_r.y + 2, w->value_r.w - 4, w->value_r.h - 4};
        fill(ui, r, th->field);
        frame_rect(ui, r, th->focus, thick(ui) + 1);
        int tw = ui_text_draw(&ui->text, UI_FONT_MONO, px, th->fg, ws->edit, r.x + 3,
                              r.y + (r.h - px) / 2 - 2, UI_ALIGN_LEFT);
        fill(ui, (ui_rect){r.x + 3 + tw, r.y + 2, thick(ui) + 1, r.h - 4}, th->focus);
        return;
    }
    centered(ui, UI_FONT_BOLD, w->value, w->value_r, th->fg);
}

void ui_draw_widgets(ui_ctx *ui, const ui_widgets *ws)
{
    const ui_theme *th = ui->th;
    const ui_layout *l = ui->l;
    int px = l->bar_small_px;
    for (int i = 0; i < ws->n; i++) {
        const ui_widget *w = &ws->w[i];
        int hot = ws->hot == i, focus = ws->focus == i;
        switch (w->kind) {
        case UI_W_LABEL:
            ui_text_draw(&ui->text, UI_FONT_BOLD, px, th->fg_dim, w->label,
                         w->rect.x, w->rect.y + (w->rect.h - px) / 2 - 2,
                         UI_ALIGN_LEFT);
            break;
        case UI_W_BUTTON:
        case UI_W_TOGGLE:
            button(ui, w->rect, w->label, w->on, hot, w->enabled);
            break;
        case UI_W_FIELD:
            field(ui, ws, w, focus);
            break;
        case UI_W_NOTE:
            note(ui, ws, w);
            break;
        case UI_W_STEPPER:
            stepper(ui, ws, i, hot);
            break;
        case UI_W_SLIDER: {
            int lw = ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, w->label,
                                  w->rect.x, w->rect.y + (w->rect.h - px) / 2 - 2,
                                  UI_ALIGN_LEFT) + l->bar_pad;
            int vw = ui_text_estimate("0.00x", px) + l->bar_pad;
            int tx = w->rect.x + lw, tw = w->rect.w - lw - vw;
            int cy = w->rect.y + w->rect.h / 2;
            fill(ui, (ui_rect){tx, cy - 1, tw, 3}, th->grid);
            int stops = w->stops > 1 ? w->stops : 2;
            for (int k = 0; k < stops; k++)
                fill(ui, (ui_rect){tx + k * (tw - 1) / (stops - 1), cy - 3, 1, 7},
                     th->fg_dim);
            int kx = tx + w->stop * (tw - 1) / (stops - 1);
            int kr = w->rect.h / 3;
            fill(ui, (ui_rect){kx - kr / 2, cy - kr, kr, 2 * kr},
                 hot ? th->focus : th->fg);
            ui_text_draw(&ui->text, UI_FONT_BOLD, px, th->fg, w->value,
                         w->rect.x + w->rect.w, w->rect.y + (w->rect.h - px) / 2 - 2,
                         UI_ALIGN_RIGHT);
            break;
        }
        }
        if (focus && w->kind != UI_W_FIELD)
            frame_rect(ui, (ui_rect){w->rect.x - 2, w->rect.y - 2, w->rect.w + 4,
                                     w->rect.h + 4}, th->focus, thick(ui) + 1);
        else if (focus)
            frame_rect(ui, w->rect, th->focus, thick(ui) + 1);
    }
}
