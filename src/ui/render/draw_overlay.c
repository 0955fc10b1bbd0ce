/* draw_overlay.c - what floats above the timelines: the tooltip, the
 * selection and its summary, the help overlay, the code view and the
 * short confirmation after a screenshot.
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

/* A box of lines; the first is bold. (x, y) is where the box wants to be;
 * it is moved to stay on screen. */
static void text_box(ui_ctx *ui, const char *s, int x, int y, int px,
                     ui_color bg, ui_color fg, int bold_first)
{
    const ui_layout *l = ui->l;
    char copy[2048], *lines[MAX_LINES];
    int n = split_lines(s, copy, sizeof copy, lines);
    int w = 0, lh = (int)lround(px * 1.35);
    for (int i = 0; i < n; i++) {
        int tw, th;
        ui_text_size(&ui->text, i == 0 && bold_first ? UI_FONT_BOLD : UI_FONT_REGULAR,
                     px, lines[i], &tw, &th);
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
        ui_text_draw_fit(&ui->text, i == 0 && bold_first ? UI_FONT_BOLD : UI_FONT_REGULAR,
                         px, fg, lines[i], x + pad, y + pad + i * lh, bw - 2 * pad);
}

void ui_draw_tooltip(ui_ctx *ui, const ui_view *v, const sim_comparison *c)
{
    ui_hit h;
    if (ui_hit_test(ui->l, v, c, v->mouse_x, v->mouse_y, &h) == UI_HIT_NONE)
        return;
    char buf[1024];
    if (ui_hit_describe(&h, c, buf, sizeof buf) == 0)
        return;
    /* Outline the segment under the pointer so the tooltip's subject is clear. */
    if (h.kind == UI_HIT_SEGMENT) {
        ui_rect r;
        if (ui_layout_lane_rect(ui->l, h.panel, h.lane, c->traces[h.panel].nlanes,
                                &r) == 0) {
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

static const char help_text[] =
    "Keys\n"
    "Space\tplay / pause\n"
    "-  +\tslower / faster (0.01x to 4x)\n"
    "Left  Right\tstep back / forward while paused\n"
    "Home  End\trestart / jump to the end\n"
    "F\tfit the whole run\n"
    "wheel\tzoom around the pointer\n"
    "drag\tpan;  Shift+drag: select a range\n"
    "PgUp  PgDn\tscroll the task lanes\n"
    "R  Esc\trun the workload / stop the run\n"
    "C\tcode view: the Python program of each model\n"
    "T\ttheme: light, dark, projector\n"
    "Ctrl+=  Ctrl+-\tlarger / smaller text\n"
    "F11\tfullscreen\n"
    "F12  Ctrl+S\tscreenshot (PNG)\n"
    "Ctrl+Shift+S\tsave the run as a trace (concviz open)\n"
    "Tab\tmove between controls; Enter uses one\n"
    "F1  ?\tthis help (any key closes it)";

void ui_draw_help(ui_ctx *ui)
{
    const ui_layout *l = ui->l;
    fill(ui, (ui_rect){0, 0, l->w, l->h}, ui->th->overlay);
    char copy[sizeof help_text], *lines[MAX_LINES];
    int n = split_lines(help_text, copy, sizeof copy, lines);
    int px = l->font_px, lh = (int)lround(px * 1.5);
    int keyw = 0, descw = 0;
    for (int i = 1; i < n; i++) {
        char *tab = strchr(lines[i], '\t');
        if (!tab)
            continue;
        *tab = 0;
        int w, h;
        ui_text_size(&ui->text, UI_FONT_BOLD, px, lines[i], &w, &h);
        if (w > keyw)
            keyw = w;
        ui_text_size(&ui->text, UI_FONT_REGULAR, px, tab + 1, &w, &h);
        if (w > descw)
            descw = w;
        *tab = '\t';
    }
    int bw = keyw + descw + 6 * l->pad, bh = n * lh + 3 * l->pad;
    int x = (l->w - bw) / 2, y = (l->h - bh) / 2;
    if (x < 0)
        x = 0;
    if (y < 0)
        y = 0;
    fill(ui, (ui_rect){x, y, bw, bh}, ui->th->tip_bg);
    frame_rect(ui, (ui_rect){x, y, bw, bh}, ui->th->fg, thick(ui));
    ui_text_draw(&ui->text, UI_FONT_BOLD, l->title_px, ui->th->fg, lines[0],
                 x + 2 * l->pad, y + l->pad, UI_ALIGN_LEFT);
    for (int i = 1; i < n; i++) {
        char *tab = strchr(lines[i], '\t');
        if (!tab)
            continue;
        *tab = 0;
        int ly = y + l->pad + i * lh + l->pad;
        ui_text_draw(&ui->text, UI_FONT_BOLD, px, ui->th->fg, lines[i],
                     x + 2 * l->pad, ly, UI_ALIGN_LEFT);
        ui_text_draw(&ui->text, UI_FONT_REGULAR, px, ui->th->fg, tab + 1,
                     x + 4 * l->pad + keyw, ly, UI_ALIGN_LEFT);
    }
}

void ui_draw_toast(ui_ctx *ui, const ui_view *v)
{
    if (v->toast_left <= 0 || !v->toast[0])
        return;
    const ui_layout *l = ui->l;
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->font_px, v->toast, &w, &h);
    int bw = w + 4 * l->pad, bh = h + 2 * l->pad;
    int x = (l->w - bw) / 2, y = l->legend.y - bh - l->pad;
    fill(ui, (ui_rect){x, y, bw, bh}, ui->th->fg);
    ui_text_draw(&ui->text, UI_FONT_BOLD, l->font_px, ui->th->bg, v->toast,
                 x + 2 * l->pad, y + l->pad, UI_ALIGN_LEFT);
}

void ui_draw_code(ui_ctx *ui, const char *code, ui_rect rc)
{
    const ui_layout *l = ui->l;
    fill(ui, rc, ui->th->field);
    frame_rect(ui, rc, ui->th->grid, 1);
    int px = l->small_px * 9 / 10;
    if (px < 8)
        px = 8;
    int lh = (int)lround(px * 1.3);
    SDL_Rect clip = {rc.x, rc.y, rc.w, rc.h};
    SDL_RenderSetClipRect(ui->r, &clip);
    int y = rc.y + l->pad / 2;
    const char *p = code;
    char line[256];
    while (*p && y + lh <= rc.y + rc.h) {
        size_t k = strcspn(p, "\n");
        size_t m = k < sizeof line - 1 ? k : sizeof line - 1;
        memcpy(line, p, m);
        line[m] = 0;
        if (m)
            ui_text_draw_fit(&ui->text, UI_FONT_MONO, px, ui->th->fg, line,
                             rc.x + l->pad / 2, y, rc.w - l->pad);
        y += lh;
        p += k;
        if (*p == '\n')
            p++;
    }
    SDL_RenderSetClipRect(ui->r, NULL);
}
