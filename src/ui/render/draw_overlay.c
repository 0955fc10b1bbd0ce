/* draw_overlay.c - what floats above the timelines: the tooltip, the
 * selection and its summary, and the short confirmation after a
 * screenshot (the help card and questions: draw_help.c; the code view:
 * draw_code.c).
 *
 * Text boxes are measured line by line with the cached text renderer, then
 * placed so they stay inside the window (a tooltip near the right edge
 * opens to the left of the pointer).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"
#include "hit.h"
#include "selection.h"
#include "wrap.h"

#define MAX_LINES 48

/* Splits s into lines (in place in `copy`), returns the count. */
static int split_lines(const char *s, char *copy, size_t n, char **lines)
{
    snprintf(copy, n, "%s", s);
    int k = 0;
    char *p = copy;
    while (p && k < MAX_LINES) {
        lines[k++] = p;
        char *nl = strchr(p, '\n');
        if (nl)
            *nl++ = 0;
        p = nl;
    }
    return k;
}


typedef struct font_at {
    ui_ctx *ui;
    ui_font f;
    int px;
} font_at;

static int width_in(void *ctx, const char *s)
{
    const font_at *fa = ctx;
    return ui_text_width(&fa->ui->text, fa->f, fa->px, s);
}

/* A box of lines, each wrapped to the window's width; the first line (and
 * what it wraps into) is bold. (x, y) is where the box wants to be; it is
 * moved to stay on screen. */
static void text_box(ui_ctx *ui, const char *s, int x, int y, int px,
                     ui_color bg, ui_color fg, int bold_first)
{
    const ui_layout *l = ui->l;
    char copy[2048], *given[MAX_LINES], *lines[MAX_LINES];
    int ngiven = split_lines(s, copy, sizeof copy, given);
    int n = 0, nbold = 0, max_w = l->w - 4 * l->pad;
    for (int i = 0; i < ngiven; i++) {
        font_at fa = {ui, i == 0 && bold_first ? UI_FONT_BOLD : UI_FONT_REGULAR, px};
        ui_wrap_line(given[i], max_w, width_in, &fa, lines, &n, MAX_LINES);
        if (i == 0 && bold_first)
            nbold = n;
    }
    int w = 0, lh = (int)lround(px * 1.35);
    for (int i = 0; i < n; i++) {
        ui_font f = i < nbold ? UI_FONT_BOLD : UI_FONT_REGULAR;
        int tw = ui_text_width(&ui->text, f, px, lines[i]);
        if (tw > w)
            w = tw;
    }
    int pad = l->pad;
    int bw = w + 2 * pad, bh = n * lh + 2 * pad;
    if (bw > l->w - 2 * pad)
        bw = l->w - 2 * pad;
    if (x + bw > l->w - pad)
        x = l->w - pad - bw;
    if (x < pad)
        x = pad;
    if (y + bh > l->h - pad)
        y = l->h - pad - bh;
    if (y < pad)
        y = pad;
    ui_rect box = {x, y, bw, bh};
    fill(ui, (ui_rect){x + 3, y + 3, bw, bh}, (ui_color){0, 0, 0, 60});
    fill(ui, box, bg);
    frame_rect(ui, box, ui->th->fg_dim, 1);
    for (int i = 0; i < n; i++)
        ui_text_draw_fit(&ui->text, i < nbold ? UI_FONT_BOLD : UI_FONT_REGULAR, px, fg,
                         lines[i], x + pad, y + pad + i * lh, bw - 2 * pad);
}

void ui_draw_tooltip(ui_ctx *ui, const ui_view *v, const sim_comparison *c)
{
    ui_hit h;
    if (ui_hit_test(ui->l, v, c, v->mouse_x, v->mouse_y, &h) == UI_HIT_NONE)
        return;
    char buf[1024];
    if (ui_hit_describe(&h, c, ui->lens, v, buf, sizeof buf) == 0)
        return;
    /* Outline the segment under the pointer so the tooltip's subject is clear. */
    if (h.kind == UI_HIT_SEGMENT) {
        ui_rect r;
        if (ui_layout_lane_rect(ui->l, h.panel, h.lane, h.tr->nlanes, &r) == 0) {
            int x0 = (int)lround(ui_tm_x(&v->tm, h.seg_t0));
            int x1 = (int)lround(ui_tm_x(&v->tm, h.seg_t1));
            if (x0 < ui->l->tl_x0)
                x0 = ui->l->tl_x0;
            if (x1 > ui->l->tl_x0 + ui->l->tl_w)
                x1 = ui->l->tl_x0 + ui->l->tl_w;
            if (x1 - x0 < 2)
                x1 = x0 + 2;
            frame_rect(ui, (ui_rect){x0, r.y, x1 - x0, r.h}, ui->th->fg, thick(ui));
        }
    }
    int off = ui->l->font_px;
    text_box(ui, buf, v->mouse_x + off, v->mouse_y + off, ui->l->small_px,
             ui->th->tip_bg, ui->th->tip_fg, 1);
}

void ui_draw_selection(ui_ctx *ui, const ui_view *v, const sim_comparison *c)
{
    if (!v->has_sel)
        return;
    const ui_layout *l = ui->l;
    int64_t t0 = v->sel_t0 < v->sel_t1 ? v->sel_t0 : v->sel_t1;
    int64_t t1 = v->sel_t0 < v->sel_t1 ? v->sel_t1 : v->sel_t0;
    int x0 = (int)lround(ui_tm_x(&v->tm, t0)), x1 = (int)lround(ui_tm_x(&v->tm, t1));
    if (x0 < l->tl_x0)
        x0 = l->tl_x0;
    if (x1 > l->tl_x0 + l->tl_w)
        x1 = l->tl_x0 + l->tl_w;
    if (x1 <= x0)
        return;
    fill(ui, (ui_rect){x0, l->ruler.y, x1 - x0, l->legend.y - l->ruler.y},
         ui->th->selection);
    fill(ui, (ui_rect){x0, l->ruler.y, 1, l->legend.y - l->ruler.y}, ui->th->focus);
    fill(ui, (ui_rect){x1 - 1, l->ruler.y, 1, l->legend.y - l->ruler.y}, ui->th->focus);
    if (t1 - t0 <= 0)
        return;
    char buf[1600];
    ui_selection_describe(c, t0, t1, buf, sizeof buf);
    text_box(ui, buf, x1 + l->pad, l->body.y + l->pad, l->small_px,
             ui->th->tip_bg, ui->th->tip_fg, 1);
}

void ui_draw_toast(ui_ctx *ui, const ui_view *v)
{
    if (v->toast_left <= 0 || !v->toast[0])
        return;
    const ui_layout *l = ui->l;
    /* Whole, however long (a full path): wrapped when wider than the window. */
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->font_px, v->toast, &w, &h);
    int maxw = l->w - 6 * l->pad;
    int lh = (int)lround(l->font_px * 1.35);
    int lines = w <= maxw ? 1 : (w + maxw - 1) / maxw + 1;
    int tw = w <= maxw ? w : maxw;
    int bw = tw + 4 * l->pad, bh = lines * lh + 2 * l->pad;
    int x = (l->w - bw) / 2, y = l->legend.y - bh - l->pad;
    if (y < l->pad)
        y = l->pad;
    fill(ui, (ui_rect){x, y, bw, bh}, ui->th->fg);
    ui_draw_wrapped(ui, UI_FONT_BOLD, l->font_px, ui->th->bg, v->toast,
                    (ui_rect){x + 2 * l->pad, y + l->pad, tw, lines * lh}, lh);
}
