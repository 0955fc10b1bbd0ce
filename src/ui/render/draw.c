/* draw.c - a frame, from the back to the front.
 *
 * Order: background, ruler and grid, each panel (header with its measured
 * numbers and its explanation, lane labels, lanes, markers, arrows, finish
 * line, summary lane, code view: draw_panel.c, draw_lanes.c), bookmarks,
 * the playhead, a Shift-drag selection, the controls bar, the legend and
 * status bar (draw_legend.c), and last the overlays (tooltip, help,
 * a question, confirmation). Each layer is a function of the view and the
 * traces alone; nothing here remembers anything between frames except
 * caches that only save work (text textures, scratch arrays, each panel's
 * numbers and explanation).
 */
#include "draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw_priv.h"
#include "format.h"
#include "hit.h"
#include "lane_cache.h"
#include "timeline.h"

int ui_ctx_init(ui_ctx *ui, SDL_Renderer *r, char *err, size_t n)
{
    memset(ui, 0, sizeof *ui);
    ui->r = r;
    if (ui_text_init(&ui->text, r, err, n) != 0)
        return -1;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    return 0;
}

void ui_ctx_deinit(ui_ctx *ui)
{
    ui_text_deinit(&ui->text);
    for (int s = 0; s < 2 * SIM_ST__COUNT; s++)
        free(ui->rects[s]);
    for (int p = 0; p < UI_MAX_PANELS; p++)
        free(ui->sum[p].counts);
    free(ui->sum_scratch);
    for (int p = 0; p < UI_MAX_PANELS; p++) {
        for (uint32_t i = 0; i < ui->lane_cache_n[p]; i++)
            ui_lane_cache_free(&ui->lane_cache[p][i]);
        free(ui->lane_cache[p]);
    }
    free(ui->last_x);
    ui_lens_free(&ui->own_lens);
    memset(ui, 0, sizeof *ui);
}

/* ---- primitives ---------------------------------------------------- */

void ui_draw_line(ui_ctx *ui, float x0, float y0, float x1, float y1, float t,
                  ui_color c)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f)
        return;
    float nx = -dy / len * t / 2, ny = dx / len * t / 2;
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Vertex vx[4] = {
        {{x0 + nx, y0 + ny}, col, {0, 0}}, {{x1 + nx, y1 + ny}, col, {0, 0}},
        {{x1 - nx, y1 - ny}, col, {0, 0}}, {{x0 - nx, y0 - ny}, col, {0, 0}}};
    int idx[6] = {0, 1, 2, 0, 2, 3};
    SDL_RenderGeometry(ui->r, NULL, vx, 4, idx, 6);
}

void ui_draw_triangle(ui_ctx *ui, float x0, float y0, float x1, float y1,
                      float x2, float y2, ui_color c)
{
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Vertex vx[3] = {{{x0, y0}, col, {0, 0}}, {{x1, y1}, col, {0, 0}},
                        {{x2, y2}, col, {0, 0}}};
    SDL_RenderGeometry(ui->r, NULL, vx, 3, NULL, 0);
}

/* Diagonal lines x + y = k*sp (or x - y for the other direction), each cut
 * to the rectangle analytically: no clip rectangle, so no batch break. */
static void diag(ui_ctx *ui, ui_rect rc, int sp, int back, int t)
{
    int x0 = rc.x, x1 = rc.x + rc.w - 1, y0 = rc.y, y1 = rc.y + rc.h - 1;
    int lo = back ? x0 - y1 : x0 + y0, hi = back ? x1 - y0 : x1 + y1;
    int k0 = (int)floor((double)lo / sp);
    for (int k = k0; k * sp <= hi; k++) {
        int c = k * sp;
        for (int o = 0; o < t; o++) {
            int cc = c + o;
            int ya, yb;
            if (!back) { /* x = cc - y */
                ya = cc - x1 > y0 ? cc - x1 : y0;
                yb = cc - x0 < y1 ? cc - x0 : y1;
                if (ya <= yb)
                    SDL_RenderDrawLine(ui->r, cc - ya, ya, cc - yb, yb);
            } else { /* x = cc + y */
                ya = x0 - cc > y0 ? x0 - cc : y0;
                yb = x1 - cc < y1 ? x1 - cc : y1;
                if (ya <= yb)
                    SDL_RenderDrawLine(ui->r, cc + ya, ya, cc + yb, yb);
            }
        }
    }
}

/* Straight lines every sp pixels, anchored to the window like the
 * diagonals: horizontal ones ("=", semaphores) or vertical ones ("|",
 * queues). Batched, 64 lines a call. */
static void straight(ui_ctx *ui, ui_rect rc, int sp, int vertical, int t)
{
    SDL_Rect lines[64];
    int n = 0;
    int from = vertical ? rc.x : rc.y, len = vertical ? rc.w : rc.h;
    int c = from + ((sp - from % sp) % sp);
    for (; c + t <= from + len; c += sp) {
        lines[n++] = vertical ? (SDL_Rect){c, rc.y, t, rc.h}
                              : (SDL_Rect){rc.x, c, rc.w, t};
        if (n == 64) {
            SDL_RenderFillRects(ui->r, lines, n);
            n = 0;
        }
    }
    if (n)
        SDL_RenderFillRects(ui->r, lines, n);
}

void ui_draw_hatch(ui_ctx *ui, ui_rect rc, int hatch)
{
    if (hatch == UI_HATCH_NONE || rc.w < 2 || rc.h < 4)
        return;
    int t = thick(ui);
    int sp = (int)lround(7 * ui->l->scale);
    if (sp < 5)
        sp = 5;
    set_col(ui, ui->th->hatch_ink);
    switch (hatch) {
    case UI_HATCH_DIAG:
        diag(ui, rc, sp, 0, t);
        break;
    case UI_HATCH_BACK:
        diag(ui, rc, sp, 1, t);
        break;
    case UI_HATCH_CROSS:
        diag(ui, rc, sp, 0, t);
        diag(ui, rc, sp, 1, t);
        break;
    case UI_HATCH_HORIZ:
        straight(ui, rc, sp, 0, t);
        break;
    case UI_HATCH_VERT:
        straight(ui, rc, sp, 1, t);
        break;
    case UI_HATCH_DOTS: {
        SDL_Rect dots[256];
        int nd = 0, ds = t + 1;
        int y = rc.y + ((sp - rc.y % sp) % sp);
        for (int row = 0; y + ds <= rc.y + rc.h; y += sp / 2 + 1, row++) {
            int off = (y / (sp / 2 + 1)) % 2 ? sp / 2 : 0;
            int x = rc.x + ((sp - (rc.x - off) % sp) % sp);
            for (; x + ds <= rc.x + rc.w; x += sp) {
                dots[nd++] = (SDL_Rect){x, y, ds, ds};
                if (nd == 256) {
                    SDL_RenderFillRects(ui->r, dots, nd);
                    nd = 0;
                }
            }
            (void)row;
        }
        if (nd)
            SDL_RenderFillRects(ui->r, dots, nd);
        break;
    }
    default:
        break;
    }
}

void ui_draw_state_box(ui_ctx *ui, ui_rect rc, int state)
{
    fill(ui, rc, ui->th->state[state]);
    ui_draw_hatch(ui, rc, ui->th->hatch[state]);
}

const sim_summary *ui_panel_summary(ui_ctx *ui, const sim_comparison *c, int p)
{
    struct ui_stat_cache *k = &ui->stat[p];
    const sim_trace *tr = ui_panel_trace(ui->l, c, p);
    if (k->tr != tr || k->end != tr->end_ns || k->now != tr->now_ns ||
        k->nflows != tr->nflows) {
        sim_trace_summarize(tr, c->nominal_ns,
                            c->machine.cpus > 0 ? c->machine.cpus : 1, &k->s);
        k->tr = tr;
        k->end = tr->end_ns;
        k->now = tr->now_ns;
        k->nflows = tr->nflows;
    }
    return &k->s;
}

long ui_hover_task(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p)
{
    if (!v->hover)
        return -1;
    ui_hit h;
    ui_hit_test(ui->l, v, c, v->mouse_x, v->mouse_y, &h);
    if (h.panel != p || (h.kind != UI_HIT_SEGMENT && h.kind != UI_HIT_LANE))
        return -1;
    if (!h.tr)
        return -1;
    if (h.lane < h.tr->ntasks)
        return (long)h.lane;
    /* A resource lane busy with a task (the GIL, a worker): that task. */
    return h.kind == UI_HIT_SEGMENT && (h.state == SIM_ST_RUNNING || h.state == SIM_ST_SEND) &&
                   h.arg < h.tr->ntasks
               ? (long)h.arg : -1;
}

/* ---- layers -------------------------------------------------------- */

/* The playhead's label: where it is drawn (w == 0 when not shown). */
static ui_rect playhead_label(ui_ctx *ui, const ui_view *v, char *buf, size_t n)
{
    const ui_layout *l = ui->l;
    ui_rect r = {0, 0, 0, 0};
    if (v->live)
        return r;
    double x = ui_tm_x(&v->tm, v->playhead);
    if (x < l->tl_x0 || x > l->tl_x0 + l->tl_w)
        return r;
    int t = ui->th->line_w * thick(ui);
    int ix = (int)lround(x);
    ui_format_dur(v->playhead, buf, n);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px, buf, &w, &h);
    int bx = ix + t;
    if (bx + w + 8 > l->tl_x0 + l->tl_w)
        bx = ix - t - w - 8;
    return (ui_rect){bx, l->ruler.y + 1, w + 8, l->ruler.h - 2};
}

static void draw_ruler(ui_ctx *ui, const ui_view *v)
{
    const ui_layout *l = ui->l;
    int64_t ticks[64], step;
    int n = ui_tm_ticks(&v->tm, 7.5 * l->small_px, ticks, 64, &step);
    char pbuf[32];
    ui_rect ph = playhead_label(ui, v, pbuf, sizeof pbuf);
    SDL_Rect clip = {l->tl_x0, l->ruler.y, l->tl_w, l->legend.y - l->ruler.y};
    SDL_RenderSetClipRect(ui->r, &clip);
    for (int i = 0; i < n; i++) {
        int x = (int)lround(ui_tm_x(&v->tm, ticks[i]));
        fill(ui, (ui_rect){x, l->ruler.y + l->ruler.h - l->pad, 1, l->pad},
             ui->th->fg_dim);
        fill(ui, (ui_rect){x, l->body.y, 1, l->body.h}, ui->th->grid);
        char buf[32];
        ui_tm_format(ticks[i], step, buf, sizeof buf);
        int w, h;
        ui_text_size(&ui->text, UI_FONT_REGULAR, l->small_px, buf, &w, &h);
        /* A tick label under the playhead's label would be half hidden:
         * the playhead says the time there. */
        if (ph.w > 0 && x + 3 < ph.x + ph.w && x + 3 + w > ph.x)
            continue;

        ui_text_draw(&ui->text, UI_FONT_REGULAR, l->small_px, ui->th->fg_dim,
                     buf, x + 3, l->ruler.y + (l->ruler.h - l->small_px) / 2 - 2,
                     UI_ALIGN_LEFT);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
    fill(ui, (ui_rect){l->tl_x0, l->ruler.y + l->ruler.h - 1, l->tl_w, 1},
         ui->th->grid);
}

static void draw_playhead(ui_ctx *ui, const ui_view *v)
{
    const ui_layout *l = ui->l;
    char buf[32];
    ui_rect box = playhead_label(ui, v, buf, sizeof buf);
    if (box.w == 0)
        return;
    int t = ui->th->line_w * thick(ui);
    int ix = (int)lround(ui_tm_x(&v->tm, v->playhead));
    /* Down the lanes, not across the panels' headers: a finished run's
     * playhead stands at the right end, where a header's numbers end. */
    int y = l->ruler.y;
    for (int p = 0; p < l->npanels; p++) {
        const ui_rect *h = &l->panels[p].header;
        if (h->h <= 0 || h->y + h->h <= y)
            continue;
        if (h->y > y)
            fill(ui, (ui_rect){ix - t / 2, y, t, h->y - y}, ui->th->playhead);
        y = h->y + h->h;
    }
    if (l->legend.y > y)
        fill(ui, (ui_rect){ix - t / 2, y, t, l->legend.y - y}, ui->th->playhead);
    fill(ui, box, ui->th->playhead);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px, buf, &w, &h);
    ui_color white = {255, 255, 255, 255};
    ui_text_draw(&ui->text, UI_FONT_BOLD, l->small_px, white, buf, box.x + 4,
                 l->ruler.y + (l->ruler.h - h) / 2, UI_ALIGN_LEFT);
}

/* Bookmarks: a line down the panels and a numbered flag at its foot, where
 * neither the playhead's label nor the ruler's are. */
static void draw_bookmarks(ui_ctx *ui, const ui_view *v)
{
    const ui_layout *l = ui->l;
    for (int i = 0; i < v->nbookmarks; i++) {
        double x = ui_tm_x(&v->tm, v->bookmarks[i]);
        if (x < l->tl_x0 || x > l->tl_x0 + l->tl_w)
            continue;
        int ix = (int)lround(x), t = thick(ui);
        ui_color line = ui->th->bookmark;
        line.a = 150;
        fill(ui, (ui_rect){ix - t / 2, l->body.y, t, l->body.h}, line);
        char num[8];
        snprintf(num, sizeof num, "%d", i + 1);
        int w, h;
        ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px, num, &w, &h);
        ui_rect flag = {ix, l->body.y + l->body.h - h - 2, w + 6, h};
        fill(ui, flag, ui->th->bookmark);
        ui_color white = {255, 255, 255, 255};
        ui_text_draw(&ui->text, UI_FONT_BOLD, l->small_px, white, num, ix + 3, flag.y,
                     UI_ALIGN_LEFT);
    }
}

/* The background, where no panel is: the panels fill their own
 * rectangles next, so the window's pixels are written once, not twice (a
 * clear of a 4K window is 8 million pixels, about 2 ms of the software
 * renderer; a GPU's clear costs nothing, and is kept). The panels do not
 * overlap: the window is cut into bands at
 * their top and bottom edges, and each band filled left and right of the
 * panels that span it. */
static void fill_around_panels(ui_ctx *ui, const ui_layout *l, ui_color bg)
{
    SDL_RenderSetClipRect(ui->r, NULL);
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ui->r, &info) != 0 || !(info.flags & SDL_RENDERER_SOFTWARE)) {
        set_col(ui, bg); /* a GPU clears a whole target for next to nothing */
        SDL_RenderClear(ui->r);
        return;
    }
    int ys[2 * UI_MAX_PANELS + 2], ny = 0;
    ys[ny++] = 0;
    ys[ny++] = l->h;
    for (int p = 0; p < l->npanels; p++) {
        const ui_rect *r = &l->panels[p].rect;
        if (r->y > 0 && r->y < l->h)
            ys[ny++] = r->y;
        if (r->y + r->h > 0 && r->y + r->h < l->h)
            ys[ny++] = r->y + r->h;
    }
    for (int i = 1; i < ny; i++) /* a handful: insertion sort */
        for (int j = i; j > 0 && ys[j - 1] > ys[j]; j--) {
            int t = ys[j];
            ys[j] = ys[j - 1];
            ys[j - 1] = t;
        }
    for (int b = 0; b + 1 < ny; b++) {
        int y0 = ys[b], y1 = ys[b + 1];
        if (y1 <= y0)
            continue;
        /* The panels spanning the band, by their left edge. */
        int xs[UI_MAX_PANELS], xe[UI_MAX_PANELS], n = 0;
        for (int p = 0; p < l->npanels; p++) {
            const ui_rect *r = &l->panels[p].rect;
            if (r->w <= 0 || r->y > y0 || r->y + r->h < y1)
                continue;
            int k = n++;
            for (; k > 0 && xs[k - 1] > r->x; k--) {
                xs[k] = xs[k - 1];
                xe[k] = xe[k - 1];
            }
            xs[k] = r->x;
            xe[k] = r->x + r->w;
        }
        int x = 0;
        for (int k = 0; k < n; k++) {
            if (xs[k] > x)
                fill(ui, (ui_rect){x, y0, xs[k] - x, y1 - y0}, bg);
            if (xe[k] > x)
                x = xe[k];
        }
        if (x < l->w)
            fill(ui, (ui_rect){x, y0, l->w - x, y1 - y0}, bg);
    }
}

void ui_draw_frame(ui_ctx *ui, const ui_layout *l, const ui_view *v,
                   const sim_comparison *c, const ui_frame_extra *x)
{
    ui->l = l;
    ui->th = ui_theme_get(v->theme);
    ui->boxes = ui->markers = ui->flows = 0;
    ui_text_frame(&ui->text);
    ui->lens = x && x->lens ? x->lens : &ui->own_lens;
    ui_lens_update(ui->lens, c); /* what cannot be built is left out */
    const ui_theme *th = ui->th;
    fill_around_panels(ui, l, th->bg);
    SDL_SetRenderDrawBlendMode(ui->r, SDL_BLENDMODE_BLEND);

    for (int p = 0; p < l->npanels; p++)
        fill(ui, l->panels[p].rect, th->panel[p % 2]);
    draw_ruler(ui, v);
    ui_draw_scroll_note(ui);
    for (int p = 0; p < l->npanels; p++) {
        const ui_panel_src *s = &l->panels[p].src;
        if (s->cpython) {
            ui_draw_cpython_panel(ui, v, c, p, x ? x->python : NULL);
            continue;
        }
        const sim_trace *tr = ui_panel_trace(l, c, p);
        if (!tr)
            continue;
        ui_draw_header(ui, c, p, x ? x->spread[s->trace] : NULL);
        ui_draw_labels(ui, tr, p);
        ui_draw_panel_lanes(ui, v, c, p);
        if (tr->program) /* a program's trace: what was inferred, veiled */
            ui_draw_inferred_marks(ui, v, tr, p);
        if (l->panels[p].nvalues > 0) {
            ui_draw_value_lanes(ui, v, c, p);
            ui_draw_value_labels(ui, v, c, p);
        }
        if (l->panels[p].summary.h > 0)
            ui_draw_summary_lane(ui, v, tr, p);
    }
    if (l->code.w > 0)
        ui_draw_code_view(ui, v, c);
    if (c->ntraces == 0) {
        const char *msg = v->live ? "starting the run\xe2\x80\xa6"
                                  : "no run yet: press R to run the workload";
        ui_text_draw(&ui->text, UI_FONT_REGULAR, l->font_px, th->fg_dim, msg,
                     l->w / 2, l->body.y + l->body.h / 3, UI_ALIGN_CENTER);
    }
    draw_bookmarks(ui, v);
    ui_draw_selection(ui, v, c);
    draw_playhead(ui, v);
    if (l->controls.h > 0) {
        fill(ui, l->controls, th->bar);
        if (x && x->widgets)
            ui_draw_widgets(ui, x->widgets);
    }
    ui_draw_legend(ui, v, c);
    int overlay = v->show_help || (x && x->dialog);
    if (v->hover && !overlay)
        ui_draw_tooltip(ui, v, c);
    ui_draw_toast(ui, v);
    ui_draw_cards(ui, v, x, l->w, l->h);
}

void ui_draw_cards(ui_ctx *ui, const ui_view *v, const ui_frame_extra *x, int w, int h)
{
    ui->full_w = w;
    ui->full_h = h;
    if (v->show_help && x && x->help)
        ui_draw_help(ui, x->help);
    if (x && x->dialog)
        ui_draw_dialog(ui, x->dialog);
}
