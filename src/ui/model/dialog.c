/* dialog.c - the question card's places. */
#include "dialog.h"

#include <math.h>

#include "widgets.h"

void ui_dialog_layout(ui_dialog *d, int w, int h, int font_px)
{
    int px = font_px < 8 ? 8 : font_px;
    d->px = px;
    d->pad = px / 2 > 2 ? px / 2 : 2;
    d->row_h = (int)lround(px * 1.6);
    d->line_h = (int)lround(px * 1.4);
    int bw = px * 34;
    if (bw > w - 2 * d->pad)
        bw = w - 2 * d->pad;
    int inner = bw - 4 * d->pad;
    /* The question's lines, by estimate, with one to spare. */
    int lines = ui_text_estimate(d->text, px) / (inner > 0 ? inner : 1) + 2;
    int bh = 2 * d->pad + lines * d->line_h + d->pad + d->row_h + 2 * d->pad;
    if (bh > h)
        bh = h;
    d->box = (ui_rect){(w - bw) / 2, (h - bh) / 2, bw, bh};
    d->body = (ui_rect){d->box.x + 2 * d->pad, d->box.y + 2 * d->pad, inner,
                        lines * d->line_h};
    int yw = ui_label_estimate(d->yes, px) + 2 * d->pad;
    int nw = ui_label_estimate(d->no, px) + 2 * d->pad;
    int by = d->box.y + bh - 2 * d->pad - d->row_h;
    d->no_r = (ui_rect){d->box.x + bw - 2 * d->pad - nw, by, nw, d->row_h};
    d->yes_r = (ui_rect){d->no_r.x - d->pad - yw, by, yw, d->row_h};
}

int ui_dialog_hit(const ui_dialog *d, int x, int y)
{
    if (!ui_rect_has(d->box, x, y))
        return UI_DIALOG_NONE;
    if (ui_rect_has(d->yes_r, x, y))
        return UI_DIALOG_YES;
    if (ui_rect_has(d->no_r, x, y))
        return UI_DIALOG_NO;
    return UI_DIALOG_BOX;
}
