/* draw.c - a frame, from the back to the front.
 *
 * Order: background, controls bar, ruler and grid, each panel (header with
 * its measured numbers, lane labels, lanes, markers, arrows, finish line,
 * summary lane, code view), the playhead, a Shift-drag selection, the
 * legend and status bar, and last the overlays (tooltip, field error,
 * help, confirmation). Each layer is a function of the view and the
 * traces alone; nothing here remembers anything between frames except
 * caches that only save work (text textures, scratch arrays).
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
    const sim_trace *tr = &c->traces[p];
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

/* ---- layers -------------------------------------------------------- */

static void draw_ruler(ui_ctx *ui, const ui_view *v)
{
    const ui_layout *l = ui->l;
    int64_t ticks[64], step;
    int n = ui_tm_ticks(&v->tm, 7.5 * l->small_px, ticks, 64, &step);
    SDL_Rect clip = {l->tl_x0, l->ruler.y, l->tl_w, l->legend.y - l->ruler.y};
    SDL_RenderSetClipRect(ui->r, &clip);
    for (int i = 0; i < n; i++) {
        int x = (int)lround(ui_tm_x(&v->tm, ticks[i]));
        fill(ui, (ui_rect){x, l->ruler.y + l->ruler.h - l->pad, 1, l->pad},
             ui->th->fg_dim);
        fill(ui, (ui_rect){x, l->body.y, 1, l->body.h}, ui->th->grid);
        char buf[32];
        ui_tm_format(ticks[i], step, buf, sizeof buf);
        ui_text_draw(&ui->text, UI_FONT_REGULAR, l->small_px, ui->th->fg_dim,
                     buf, x + 3, l->ruler.y + (l->ruler.h - l->small_px) / 2 - 2,
                     UI_ALIGN_LEFT);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
    fill(ui, (ui_rect){l->tl_x0, l->ruler.y + l->ruler.h - 1, l->tl_w, 1},
         ui->th->grid);
}

/* The shared variables of a run, in the sentence `concviz run` prints
 * (sim_counter_sentence), joined by "; ". Empty when the run recorded
 * none. A sentence that does not fit is left out whole, and "..." says so. */
static void counters_text(const sim_trace *tr, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (uint32_t k = 0; k < tr->ncounters; k++) {
        char one[256];
        if (sim_counter_sentence(&tr->counters[k], tr->model, one, sizeof one) == 0)
            continue;
        int r = snprintf(buf + len, n - len, "%s%s", len ? "; " : "", one);
        if (r < 0 || (size_t)r >= n - len) {
            buf[len] = 0;
            snprintf(buf + len, n - len, "%s\xe2\x80\xa6", len ? "; " : "");
            return;
        }
        len += (size_t)r;
    }
}

/* Did the run stop on a deadlock? Its outcome says so; the error sentence
 * is only shown, never read. */
static int deadlocked(const sim_trace *tr)
{
    return tr->outcome == SIM_OUTCOME_DEADLOCK;
}

static void draw_header(ui_ctx *ui, const sim_comparison *c, const sim_trace *tr,
                        int p)
{
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    const ui_theme *th = ui->th;
    char stats[320];
    if (deadlocked(tr)) {
        snprintf(stats, sizeof stats, "%s", tr->error);
    } else if (tr->end_ns >= 0 && !sim_trace_failed(tr)) {
        sim_summary s = *ui_panel_summary(ui, c, p);
        char wall[32], mem[48] = "";
        ui_format_dur(s.wall_ns, wall, sizeof wall);
        if (tr->mem_per_task_bytes >= 0) {
            char bytes[24];
            sim_format_bytes(tr->mem_per_task_bytes, bytes, sizeof bytes);
            snprintf(mem, sizeof mem, "  \xc2\xb7  %s/task", bytes);
        }
        snprintf(stats, sizeof stats,
                 "wall %s  \xc2\xb7  %.2fx vs one by one  \xc2\xb7  CPU %.0f%%  "
                 "\xc2\xb7  %llu switches%s",
                 wall, s.speedup, s.utilization * 100.0,
                 (unsigned long long)s.switches, mem);
    } else if (sim_trace_failed(tr)) {
        snprintf(stats, sizeof stats, "failed: %s", tr->error);
    } else {
        char now[32];
        ui_format_dur(tr->now_ns, now, sizeof now);
        snprintf(stats, sizeof stats, "running\xe2\x80\xa6 %s", now);
    }
    char cnt[320];
    counters_text(tr, cnt, sizeof cnt);
    char both[sizeof cnt + sizeof stats + 8];
    const char *show = stats;
    if (cnt[0] && !sim_trace_failed(tr)) {
        snprintf(both, sizeof both, "%s  \xc2\xb7  %s", cnt, stats);
        show = both;
    }
    int ty = pl->header.y + (pl->header.h - l->title_px) / 2 - 1;
    int x = pl->header.x;
    x += ui_text_draw(&ui->text, UI_FONT_BOLD, l->title_px, th->fg,
                      sim_model_name(tr->model), x, ty, UI_ALIGN_LEFT);
    x += l->pad * 2;
    int sw, sh;
    ui_font font = deadlocked(tr) ? UI_FONT_BOLD : UI_FONT_REGULAR;
    ui_text_size(&ui->text, font, l->small_px, show, &sw, &sh);
    int sx = pl->header.x + pl->header.w - sw;
    int sy = pl->header.y + (pl->header.h - sh) / 2;
    if (sx < x + l->pad * 4)
        sx = x + l->pad * 4;
    ui_text_draw_fit(&ui->text, font, l->small_px, deadlocked(tr) ? th->deadlock
                                 : sim_trace_failed(tr) ? th->error : th->fg,
                     show, sx, sy, pl->header.x + pl->header.w - sx);
    ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, l->small_px, th->fg_dim,
                     sim_model_caption(tr->model), x, sy, sx - x - l->pad * 3);
}

static void draw_labels(ui_ctx *ui, const sim_trace *tr, int p)
{
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    int px = l->small_px;
    int row = l->task_row_h;
    /* Thin rows: label every k-th row so labels never overlap. */
    uint32_t every = row >= px ? 1 : (uint32_t)((px + 2 + row - 1) / row);
    int lpx = px;
    /* When rows scroll, the bottom of the label column says which rows
     * are shown; labels stay clear of it. */
    int scrolled = l->rows_visible < l->ntasks && pl->tasks.h > 0;
    int label_end = pl->tasks.y + pl->tasks.h - (scrolled ? px + 4 : 0);
    char name[48];
    for (uint32_t i = 0; i < l->rows_visible; i++) {
        uint32_t lane = l->task_scroll + i;
        if (lane >= tr->ntasks || lane >= tr->nlanes || lane % every)
            continue;
        sim_lane_name(tr, lane, name, sizeof name);
        int y = pl->tasks.y + (int)i * row + (row - lpx) / 2 - 1;
        if (row < px)
            y = pl->tasks.y + (int)i * row;
        if (y + px > label_end)
            continue;
        ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, lpx, ui->th->fg_dim, name,
                         l->label_x, y, l->label_w);
    }
    for (uint32_t j = 0; j < pl->nres && tr->ntasks + j < tr->nlanes; j++) {
        if (pl->res_row_h < px * 0.8 && j % ((uint32_t)((px + pl->res_row_h - 1) / pl->res_row_h)))
            continue;
        sim_lane_name(tr, tr->ntasks + j, name, sizeof name);
        int y = pl->res.y + (int)j * pl->res_row_h + (pl->res_row_h - px) / 2 - 1;
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, ui->th->fg, name,
                         l->label_x, y, l->label_w);
    }
    if (pl->summary.h > 0)
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, ui->th->fg, "all tasks",
                         l->label_x, pl->summary.y + (pl->summary.h - px) / 2,
                         l->label_w);
    if (scrolled) {
        char more[64];
        snprintf(more, sizeof more, "%u-%u of %u", l->task_scroll + 1,
                 l->task_scroll + l->rows_visible, l->ntasks);
        ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, px, ui->th->fg_dim, more,
                         l->label_x, pl->tasks.y + pl->tasks.h - px - 2, l->label_w);
    }
}

static void draw_playhead(ui_ctx *ui, const ui_view *v)
{
    const ui_layout *l = ui->l;
    if (v->live)
        return;
    double x = ui_tm_x(&v->tm, v->playhead);
    if (x < l->tl_x0 || x > l->tl_x0 + l->tl_w)
        return;
    int t = ui->th->line_w * thick(ui);
    int ix = (int)lround(x);
    fill(ui, (ui_rect){ix - t / 2, l->ruler.y, t, l->legend.y - l->ruler.y},
         ui->th->playhead);
    char buf[32];
    ui_format_dur(v->playhead, buf, sizeof buf);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px, buf, &w, &h);
    int bx = ix + t;
    if (bx + w + 8 > l->tl_x0 + l->tl_w)
        bx = ix - t - w - 8;
    fill(ui, (ui_rect){bx, l->ruler.y + 1, w + 8, l->ruler.h - 2}, ui->th->playhead);
    ui_color white = {255, 255, 255, 255};
    ui_text_draw(&ui->text, UI_FONT_BOLD, l->small_px, white, buf, bx + 4,
                 l->ruler.y + (l->ruler.h - h) / 2, UI_ALIGN_LEFT);
}

static void draw_legend(ui_ctx *ui, const ui_view *v, const sim_comparison *c,
                        const ui_frame_extra *x)
{
    const ui_layout *l = ui->l;
    const ui_theme *th = ui->th;
    fill(ui, l->legend, th->bar);
    int px = l->small_px;
    int sw = px * 2, sh = px;
    int y = l->legend.y + (l->legend.h - sh) / 2;
    int xx = l->pad;
    /* Long words when they fit, short ones when the shared-state waits
     * crowd the bar. */
    static const struct { int state; const char *label, *brief; } all[] = {
        {SIM_ST_RUNNING, "running", "running"},
        {SIM_ST_READY, "waiting for the loop / GIL / a worker", "waiting to run"},
        {SIM_ST_IO, "waiting for I/O", "I/O"},
        {SIM_ST_DONE, "done", "done"},
        /* Worker lanes only: shown when a multiprocessing panel is. */
        {SIM_ST_STARTING, "process starting", "starting"},
        {SIM_ST_RECV, "receiving / sending", "recv / send"},
        /* Shown when some lane of the comparison is in that state. */
        {SIM_ST_LOCK, "waiting for a lock", "lock"},
        {SIM_ST_SEM, "waiting for a semaphore", "semaphore"},
        {SIM_ST_QUEUE, "waiting on a queue", "queue"},
    };
    /* What the traces hold, not what the workload's text says. */
    uint32_t states = 0, flows = 0;
    for (int i = 0; i < c->ntraces; i++) {
        states |= c->traces[i].states_seen;
        flows |= c->traces[i].flows_seen;
    }
    int show[sizeof all / sizeof all[0]];
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        show[i] = i < 4 || ((states >> all[i].state) & 1u) ||
                  (all[i].state == SIM_ST_RECV && ((states >> SIM_ST_SEND) & 1u));
    int queues = (flows >> SIM_FL_MESSAGE) & 1u, brief = show[6] || show[7] || show[8];
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (!show[i])
            continue;
        ui_rect box = {xx, y, sw, sh};
        ui_draw_state_box(ui, box, all[i].state);
        frame_rect(ui, box, th->fg_dim, 1);
        xx += sw + l->pad / 2;
        xx += ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg,
                           brief ? all[i].brief : all[i].label, xx, y - 2,
                           UI_ALIGN_LEFT) + l->pad * 2;
    }
    if (queues) {
        float my = (float)y + sh / 2.0f;
        ui_color mc = th->flow[SIM_FL_MESSAGE];
        ui_draw_line(ui, xx, my, xx + px * 1.4f, my, (float)thick(ui) + 1, mc);
        ui_draw_triangle(ui, xx + px * 1.5f, my, xx + px * 0.9f, my - px * 0.35f,
                         xx + px * 0.9f, my + px * 0.35f, mc);
        xx += px * 2 + l->pad / 2;
        xx += ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, "queue item",
                           xx, y - 2, UI_ALIGN_LEFT) + l->pad * 2;
    }
    /* Markers. */
    float cy = (float)y + sh / 2.0f;
    ui_draw_triangle(ui, xx, y, xx + px * 0.9f, y, xx + px * 0.45f, cy + 2,
                     th->marker[SIM_IN_DROP_REQUEST]);
    xx += px + l->pad / 2;
    xx += ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, "drop request",
                       xx, y - 2, UI_ALIGN_LEFT) + l->pad * 2;
    ui_draw_line(ui, xx, cy, xx + px * 1.4f, cy, (float)thick(ui), th->flow[SIM_FL_HANDOFF]);
    ui_draw_triangle(ui, xx + px * 1.5f, cy, xx + px * 0.9f, cy - px * 0.35f,
                     xx + px * 0.9f, cy + px * 0.35f, th->flow[SIM_FL_HANDOFF]);
    xx += px * 2 + l->pad / 2;
    xx += ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, "hand-off", xx,
                       y - 2, UI_ALIGN_LEFT) + l->pad * 2;
    fill(ui, (ui_rect){xx, y, thick(ui) + 1, sh / 2}, th->marker[SIM_IN_AWAIT]);
    xx += l->pad;
    xx += ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, "await", xx,
                       y - 2, UI_ALIGN_LEFT) + l->pad * 2;

    /* Status, right-aligned: what plays, how fast, where. */
    char st[200], now[32], end[32];
    int64_t e = ui_comparison_end(c);
    ui_format_dur(v->live ? e : v->playhead, now, sizeof now);
    ui_format_dur(e, end, sizeof end);
    double sp = ui_speed_value(v->speed);
    char spd[16];
    sim_format_speed(sp, spd, sizeof spd);
    if (x && x->status && *x->status)
        snprintf(st, sizeof st, "%s", x->status);
    else if (v->live)
        snprintf(st, sizeof st, "\xe2\x97\x8f recording  %s", now);
    else
        snprintf(st, sizeof st, "%s  %s   %s / %s   F1 help",
                 v->paused ? "\xe2\x9d\x9a\xe2\x9d\x9a paused" : "\xe2\x96\xb6 playing",
                 spd, now, end);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, px, st, &w, &h);
    int sx = l->w - l->pad - w;
    if (sx < xx)
        sx = xx;
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, th->fg, st, sx, y - 2,
                     l->w - l->pad - sx);
}

void ui_draw_frame(ui_ctx *ui, const ui_layout *l, const ui_view *v,
                   const sim_comparison *c, const ui_frame_extra *x)
{
    ui->l = l;
    ui->th = ui_theme_get(v->theme);
    ui->boxes = ui->markers = ui->flows = 0;
    ui_text_frame(&ui->text);
    const ui_theme *th = ui->th;
    set_col(ui, th->bg);
    SDL_RenderClear(ui->r);
    SDL_SetRenderDrawBlendMode(ui->r, SDL_BLENDMODE_BLEND);

    for (int p = 0; p < l->npanels && p < c->ntraces; p++)
        fill(ui, l->panels[p].rect, th->panel[p % 2]);
    draw_ruler(ui, v);
    for (int p = 0; p < l->npanels && p < c->ntraces; p++) {
        const sim_trace *tr = &c->traces[p];
        draw_header(ui, c, tr, p);
        draw_labels(ui, tr, p);
        ui_draw_panel_lanes(ui, v, c, p);
        if (l->panels[p].summary.h > 0)
            ui_draw_summary_lane(ui, v, tr, p);
        if (l->panels[p].code.w > 0 && x && x->code[p])
            ui_draw_code(ui, x->code[p], l->panels[p].code);
    }
    if (c->ntraces == 0) {
        const char *msg = v->live ? "starting the run\xe2\x80\xa6"
                                  : "no run yet: press R to run the workload";
        ui_text_draw(&ui->text, UI_FONT_REGULAR, l->font_px, th->fg_dim, msg,
                     l->w / 2, l->body.y + l->body.h / 3, UI_ALIGN_CENTER);
    }
    ui_draw_selection(ui, v, c);
    draw_playhead(ui, v);
    if (l->controls.h > 0) {
        fill(ui, l->controls, th->bar);
        if (x && x->widgets)
            ui_draw_widgets(ui, x->widgets);
    }
    draw_legend(ui, v, c, x);
    if (v->hover && !v->show_help)
        ui_draw_tooltip(ui, v, c);
    if (x && x->widgets)
        ui_draw_field_error(ui, x->widgets);
    if (v->show_help)
        ui_draw_help(ui);
    ui_draw_toast(ui, v);
}
