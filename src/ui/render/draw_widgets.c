/* draw_widgets.c - the controls bar: buttons, toggles, steppers, the speed
 * slider and the workload field with its inline error.
 *
 * Every widget shows its keyboard focus with a ring as thick as the
 * playhead, so that the bar can be used without a mouse (Tab, Enter).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"

static void centered(ui_ctx *ui, ui_font f, const char *s, ui_rect rc, ui_color c)
{
    int px = ui->l->small_px, w, h;
    ui_text_size(&ui->text, f, px, s, &w, &h);
    ui_text_draw(&ui->text, f, px, c, s, rc.x + rc.w / 2, rc.y + (rc.h - h) / 2,
                 UI_ALIGN_CENTER);
}

static void button(ui_ctx *ui, ui_rect rc, const char *label, int on, int hot,
                   int enabled)
{
    const ui_theme *th = ui->th;
    fill(ui, rc, on ? th->button_on : hot ? th->button_hot : th->button);
    frame_rect(ui, rc, th->grid, 1);
    ui_color fg = th->fg;
    if (!enabled)
        fg.a = 110;
    centered(ui, on ? UI_FONT_BOLD : UI_FONT_REGULAR, label, rc, fg);
}

static void field(ui_ctx *ui, const ui_widgets *ws, const ui_widget *w, int focus)
{
    const ui_theme *th = ui->th;
    const ui_layout *l = ui->l;
    fill(ui, w->rect, th->field);
    frame_rect(ui, w->rect, ws->error[0] ? th->error : th->grid, ws->error[0] ? 2 : 1);
    int px = l->small_px, tw, h;
    int lw = 0;
    if (w->label[0]) {
        lw = ui_text_draw(&ui->text, UI_FONT_BOLD, px, th->fg_dim, w->label,
                          w->rect.x + l->pad / 2, w->rect.y + (w->rect.h - px) / 2 - 2,
                          UI_ALIGN_LEFT) + l->pad;
    }
    int x = w->rect.x + l->pad / 2 + lw;
    SDL_Rect clip = {x, w->rect.y, w->rect.w - lw - l->pad, w->rect.h};
    SDL_RenderSetClipRect(ui->r, &clip);
    /* Cursor position: measure the text before it. */
    char before[UI_FIELD_MAX];
    snprintf(before, sizeof before, "%.*s", ws->cursor, ws->text);
    ui_text_size(&ui->text, UI_FONT_MONO, px, before, &tw, &h);
    int shift = 0;
    if (tw > clip.w - px)
        shift = tw - (clip.w - px);
    int ty = w->rect.y + (w->rect.h - px) / 2 - 2;
    ui_text_draw(&ui->text, UI_FONT_MONO, px, th->fg, ws->text, x - shift, ty,
                 UI_ALIGN_LEFT);
    if (focus)
        fill(ui, (ui_rect){x - shift + tw, w->rect.y + 3, thick(ui) + 1,
                           w->rect.h - 6}, th->focus);
    SDL_RenderSetClipRect(ui->r, NULL);
}

void ui_draw_widgets(ui_ctx *ui, const ui_widgets *ws)
{
    const ui_theme *th = ui->th;
    const ui_layout *l = ui->l;
    int px = l->small_px;
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
        case UI_W_STEPPER: {
            ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, w->label,
                         w->rect.x, w->rect.y + (w->rect.h - px) / 2 - 2,
                         UI_ALIGN_LEFT);
            button(ui, w->minus, "\xe2\x88\x92", 0, hot, w->enabled);
            button(ui, w->plus, "+", 0, hot, w->enabled);
            ui_rect val = {w->minus.x + w->minus.w, w->rect.y,
                           w->plus.x - (w->minus.x + w->minus.w), w->rect.h};
            centered(ui, UI_FONT_BOLD, w->value, val, th->fg);
            break;
        }
        case UI_W_SLIDER: {
            int lw = ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, w->label,
                                  w->rect.x, w->rect.y + (w->rect.h - px) / 2 - 2,
                                  UI_ALIGN_LEFT) + l->pad;
            int vw = ui_text_estimate("0.00x", px) + l->pad;
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

void ui_draw_field_error(ui_ctx *ui, const ui_widgets *ws)
{
    if (!ws->error[0])
        return;
    const ui_widget *f = NULL;
    for (int i = 0; i < ws->n; i++)
        if (ws->w[i].kind == UI_W_FIELD)
            f = &ws->w[i];
    if (!f)
        return;
    const ui_layout *l = ui->l;
    /* The error hangs under the field, in the mono font so that its caret
     * lines up with the column it points at. */
    int px = l->small_px, lh = (int)lround(px * 1.35);
    char copy[sizeof ws->error];
    snprintf(copy, sizeof copy, "%s", ws->error);
    int nlines = 1;
    for (char *p = copy; *p; p++)
        nlines += *p == '\n' && p[1];
    ui_rect box = {f->rect.x, f->rect.y + f->rect.h + 2, f->rect.w,
                   nlines * lh + l->pad};
    fill(ui, box, ui->th->tip_bg);
    frame_rect(ui, box, ui->th->error, 2);
    int y = box.y + l->pad / 2;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        ui_text_draw_fit(&ui->text, UI_FONT_MONO, px, ui->th->error, line,
                         box.x + l->pad / 2, y, box.w - l->pad);
        y += lh;
    }
}
