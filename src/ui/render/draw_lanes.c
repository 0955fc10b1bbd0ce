/* draw_lanes.c - the lanes of one panel: state boxes, markers, the finish
 * line and the summary lane (the arrows and the deadlock: draw_arrows.c).
 *
 * Boxes come from ui_timeline_boxes (visible range by binary search,
 * sub-pixel segments merged), are kept per lane between frames
 * (lane_cache.h: a paused frame walks nothing, playback only the new
 * columns), are batched per state and filled with one
 * SDL_RenderFillRects call per state, then hatched. Markers and arrows are
 * thinned the same way: the visible range is found by binary search, and
 * one closer than a few pixels to the last one drawn on its lane is
 * skipped, so their cost also follows the pixels.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw_priv.h"
#include "hit.h"
#include "lane_cache.h"
#include "summary.h"
#include "timeline.h"

typedef struct lane_ctx {
    ui_ctx *ui;
    ui_rect row;
    int resource;          /* label the busy boxes with their task */
    struct ui_lane_cache *cache; /* NULL: push the rectangles directly */
    struct { ui_rect rc; uint32_t arg; } labels[64];
    int nlabels;
} lane_ctx;

/* Queues one box for its state's batch. The boxes are the model's ui_rect
 * until here, where they become what SDL_RenderFillRects takes. */
static int push_rect(ui_ctx *ui, int state, ui_rect rc)
{
    if (ui->nrects[state] == ui->caprects[state]) {
        int cap = ui->caprects[state] ? ui->caprects[state] * 2 : 1024;
        SDL_Rect *nr = realloc(ui->rects[state], sizeof *nr * (size_t)cap);
        if (!nr)
            return -1; /* out of memory: this box is not drawn, nothing breaks */
        ui->rects[state] = nr;
        ui->caprects[state] = cap;
    }
    ui->rects[state][ui->nrects[state]++] = (SDL_Rect){rc.x, rc.y, rc.w, rc.h};
    return 0;
}

static void on_box(void *ud, const ui_box *b)
{
    lane_ctx *lc = ud;
    int x0 = (int)lround(b->x0), x1 = (int)lround(b->x1);
    if (x1 <= x0)
        x1 = x0 + 1;
    int y0 = (int)lround(b->y0 * lc->row.h);
    int y1 = (int)lround(b->y1 * lc->row.h);
    if (y1 <= y0)
        y1 = y0 + 1;
    /* y relative to the row, so that a cached lane survives scrolling. */
    ui_rect r = {x0, y0, x1 - x0, y1 - y0};
    /* Resource lanes: a one-pixel gap where the holder changes. */
    if (lc->resource && r.w > 3 && b->state == SIM_ST_RUNNING) {
        r.x += 1;
        r.w -= 1;
    }
    int slot = b->state + (b->y1 - b->y0 < 0.999f ? SIM_ST__COUNT : 0);
    int label = lc->resource && b->state == SIM_ST_RUNNING &&
                b->arg != SIM_NO_TASK && r.w > lc->ui->l->small_px * 2;
    if (lc->cache) {
        ui_lane_cache *e = lc->cache;
        if (label && e->nlabels < 64)
            e->labels[e->nlabels++] = (ui_lane_label){r, b->arg, e->n};
        ui_lane_cache_add(e, r, slot);
        return;
    }
    r.y += lc->row.y;
    if (push_rect(lc->ui, slot, r) == 0)
        lc->ui->boxes++;
    if (label && lc->nlabels < 64) {
        lc->labels[lc->nlabels].rc = r;
        lc->labels[lc->nlabels++].arg = b->arg;
    }
}

/* One lane's boxes through its cache: walk on from where the last frame
 * stopped being sure (often nowhere to go), then replay every kept box. */
static void lane_cached(lane_ctx *lc, const sim_trace *tr, uint32_t lane,
                        const ui_timemap *m, int64_t limit)
{
    ui_ctx *ui = lc->ui;
    ui_lane_cache *e = lc->cache;
    ui_lane_key k;
    ui_lane_key_make(&k, tr, lane, m, lc->row.h, ui->l->small_px,
                     UI_TL_STACK, lc->resource);
    ui_tl_walk w, safe;
    ui_lane_cache_begin(e, &k, limit, &w);
    ui_timeline_walk(tr, lane, m, limit, UI_TL_STACK, on_box, lc, &w, &safe);
    for (size_t i = 0; i < e->n; i++) {
        ui_rect r = e->rects[i].r;
        r.y += lc->row.y;
        if (push_rect(ui, e->rects[i].slot, r) == 0)
            ui->boxes++;
    }
    for (int i = 0; i < e->nlabels; i++) {
        ui_rect rc = e->labels[i].rc;
        rc.y += lc->row.y;
        lc->labels[i].rc = rc;
        lc->labels[i].arg = e->labels[i].arg;
    }
    lc->nlabels = e->nlabels;
    ui_lane_cache_end(e, &safe, limit);
}

/* The cache entry of lane `lane` of panel p, or NULL (cache off, or no
 * memory: the lane is then drawn afresh). There is one entry per row that
 * can be drawn, not per lane: a million task lanes show a few dozen rows,
 * and an entry is kilobytes. Task lane i takes entry i mod rows, so the
 * rows still in view after a scroll keep theirs; an entry's key names its
 * lane, so one that served another lane is simply walked afresh. */
static ui_lane_cache *lane_cache(ui_ctx *ui, int p, const sim_trace *tr, uint32_t lane)
{
    if (ui->lane_cache_off)
        return NULL;
    uint32_t rows = ui->l->rows_visible ? ui->l->rows_visible : 1;
    if (rows > tr->ntasks)
        rows = tr->ntasks ? tr->ntasks : 1;
    uint32_t n = rows + (tr->nlanes - tr->ntasks);
    uint32_t slot = lane < tr->ntasks ? lane % rows : rows + (lane - tr->ntasks);
    if (n > ui->lane_cache_n[p]) {
        ui_lane_cache *nc = realloc(ui->lane_cache[p], sizeof *nc * n);
        if (!nc)
            return NULL;
        memset(nc + ui->lane_cache_n[p], 0, sizeof *nc * (n - ui->lane_cache_n[p]));
        ui->lane_cache[p] = nc;
        ui->lane_cache_n[p] = n;
    }
    return &ui->lane_cache[p][slot];
}

static void flush_boxes(ui_ctx *ui)
{
    for (int slot = 0; slot < 2 * SIM_ST__COUNT; slot++) {
        int s = slot % SIM_ST__COUNT;
        if (!ui->nrects[slot])
            continue;
        ui_color c = ui->th->state[s];
        set_col(ui, c);
        SDL_RenderFillRects(ui->r, ui->rects[slot], ui->nrects[slot]);
        if (slot < SIM_ST__COUNT && ui->th->hatch[s])
            for (int i = 0; i < ui->nrects[s]; i++) {
                SDL_Rect *r = &ui->rects[s][i];
                ui_draw_hatch(ui, (ui_rect){r->x, r->y, r->w, r->h},
                              ui->th->hatch[s]);
            }
        ui->nrects[slot] = 0;
    }
}

static void draw_instants(ui_ctx *ui, const ui_view *v, const sim_trace *tr,
                          int p, int64_t limit)
{
    const ui_layout *l = ui->l;
    if (tr->nlanes > ui->last_x_cap) {
        float *nx = realloc(ui->last_x, sizeof *nx * tr->nlanes);
        if (!nx)
            return;
        ui->last_x = nx;
        ui->last_x_cap = tr->nlanes;
    }
    for (uint32_t i = 0; i < tr->nlanes; i++)
        ui->last_x[i] = -1e9f;
    int64_t t0 = ui_tm_t(&v->tm, l->tl_x0), t1 = ui_tm_t_end(&v->tm);
    if (t1 > limit)
        t1 = limit;
    size_t a, b;
    ui_instants_visible(tr, t0, t1, &a, &b);
    float s = (float)l->task_row_h;
    for (size_t i = a; i < b; i++) {
        const sim_tinstant *in = &tr->instants[i];
        /* Steps, values and queue items are drawn by the code view and
         * the value lanes, not as markers on the task's lane; a program's
         * own marks (an exception, another tool's instant) are. */
        if (in->code > SIM_IN_DEADLOCK && in->code != SIM_IN_MARK)
            continue;
        ui_rect r;
        if (in->lane >= tr->nlanes ||
            ui_layout_lane_rect(l, p, in->lane, tr->nlanes, &r) != 0)
            continue;
        float x = (float)ui_tm_x(&v->tm, in->t);
        if (x - ui->last_x[in->lane] < 4.0f * l->scale)
            continue;
        ui->last_x[in->lane] = x;
        ui_color c = ui->th->marker[in->code < SIM_IN__COUNT ? in->code : 0];
        float h = (float)r.h;
        float m = h * 0.3f < s * 0.3f ? h * 0.3f : s * 0.3f;
        if (m < 3)
            m = 3;
        switch (in->code) {
        case SIM_IN_DEADLOCK:
            continue; /* drawn across the whole panel by draw_deadlock */
        case SIM_IN_AWAIT:
            fill(ui, (ui_rect){(int)x, r.y, thick(ui), (int)(h * 0.4f) + 1}, c);
            break;
        case SIM_IN_DROP_REQUEST:
            ui_draw_triangle(ui, x - m, r.y, x + m, r.y, x, r.y + m * 1.2f, c);
            break;
        case SIM_IN_SPAWN:
            ui_draw_triangle(ui, x, r.y + h * 0.1f, x + m * 1.2f, r.y + h / 2,
                             x, r.y + h * 0.9f, c);
            break;
        case SIM_IN_EXIT:
            fill(ui, (ui_rect){(int)(x - m / 2), (int)(r.y + h / 2 - m / 2),
                               (int)m, (int)m}, c);
            break;
        default:
            ui_draw_line(ui, x - m / 2, r.y + h / 2 - m / 2, x + m / 2,
                         r.y + h / 2 + m / 2, (float)thick(ui) + 1, c);
            ui_draw_line(ui, x - m / 2, r.y + h / 2 + m / 2, x + m / 2,
                         r.y + h / 2 - m / 2, (float)thick(ui) + 1, c);
        }
        ui->markers++;
    }
}

static void draw_finish(ui_ctx *ui, const ui_view *v, const sim_comparison *c,
                        int p, int64_t limit)
{
    const sim_trace *tr = ui_panel_trace(ui->l, c, p);
    if (tr->end_ns < 0 || sim_trace_failed(tr))
        return;
    const sim_summary *s = ui_panel_summary(ui, c, p);
    if (s->tasks_done != tr->ntasks || s->wall_ns <= 0)
        return; /* no finish line for a run that did not finish */
    int64_t fin = s->wall_ns;
    if (fin > limit)
        return;
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    double x = ui_tm_x(&v->tm, fin);
    if (x < l->tl_x0 || x > l->tl_x0 + l->tl_w)
        return;
    int t = ui->th->line_w * thick(ui);
    int y0 = pl->tasks.y, y1 = pl->summary.h ? pl->summary.y + pl->summary.h
                                              : pl->res.y + pl->res.h;
    /* Dashed, so it is not taken for the playhead. */
    int dash = l->pad;
    for (int y = y0; y < y1; y += dash * 2)
        fill(ui, (ui_rect){(int)lround(x) - t / 2, y, t,
                           y + dash > y1 ? y1 - y : dash}, ui->th->finish);
    char buf[48], d[32];
    ui_format_dur(fin, d, sizeof d);
    snprintf(buf, sizeof buf, "finish %s", d);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px, buf, &w, &h);
    int bx = (int)lround(x) + t + 2;
    /* On the first row, right of the line: after the finish there is only
     * "done" to cover, and the header's numbers stay readable. */
    int by = (pl->tasks.h > 0 ? pl->tasks.y : pl->res.y) + 1;
    if (bx + w + 6 > l->tl_x0 + l->tl_w) {
        /* No room on the right: left of the line, on the first task row
         * already done where the tag begins, so that it hides no work
         * (a run's end can come after its last task's, when the loop, the
         * threads or the pool shut down). With no such row, no tag: the
         * header says the wall time already. */
        bx = (int)lround(x) - t - w - 8;
        int64_t at = ui_tm_t(&v->tm, bx);
        by = -1;
        for (uint32_t lane = 0; lane < tr->ntasks; lane++) {
            ui_rect r;
            if (ui_layout_lane_rect(l, p, lane, tr->nlanes, &r) != 0)
                continue;
            const sim_lane *ln = &tr->lanes[lane];
            long k = sim_lane_mark_at(ln, at);
            if (k >= 0 && ln->marks[k].state == SIM_ST_DONE) {
                by = r.y + 1;
                break;
            }
        }
        if (by < 0)
            return;
    }
    ui_rect tag = {bx, by, w + 6, h};
    fill(ui, tag, ui->th->panel[p % 2]);
    ui_text_draw(&ui->text, UI_FONT_BOLD, l->small_px, ui->th->finish, buf,
                 bx + 3, by, UI_ALIGN_LEFT);
}

void ui_draw_panel_lanes(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p)
{
    const sim_trace *tr = ui_panel_trace(ui->l, c, p);
    const ui_layout *l = ui->l;
    int64_t limit = ui_visible_limit(v, tr);
    SDL_Rect clip = {l->tl_x0, l->panels[p].rect.y, l->tl_w, l->panels[p].rect.h};
    SDL_RenderSetClipRect(ui->r, &clip);
    /* Visible task rows, then every resource lane. */
    uint32_t first = l->task_scroll;
    uint32_t stop = first + l->rows_visible;
    if (stop > tr->ntasks)
        stop = tr->ntasks;
    for (uint32_t lane = first < stop ? first : tr->ntasks; lane < tr->nlanes;
         lane = (lane + 1 == stop && stop < tr->ntasks) ? tr->ntasks : lane + 1) {
        ui_rect r;
        if (ui_layout_lane_rect(l, p, lane, tr->nlanes, &r) != 0)
            continue;
        int gap = r.h >= 8 ? (r.h >= 16 ? 2 : 1) : 0;
        lane_ctx lc = {.ui = ui, .row = {r.x, r.y + gap, r.w, r.h - 2 * gap},
                       .resource = lane >= tr->ntasks,
                       .cache = lane_cache(ui, p, tr, lane)};
        if (lc.cache)
            lane_cached(&lc, tr, lane, &v->tm, limit);
        else
            ui_timeline_boxes(tr, lane, &v->tm, limit, UI_TL_STACK, on_box, &lc);
        flush_boxes(ui);
        for (int i = 0; i < lc.nlabels; i++) {
            char buf[24];
            snprintf(buf, sizeof buf, "%u", lc.labels[i].arg);
            ui_rect rc = lc.labels[i].rc;
            int px = l->small_px < rc.h - 2 ? l->small_px : rc.h - 2;
            if (px < 7)
                continue;
            ui_color white = {255, 255, 255, 255};
            ui_text_draw(&ui->text, UI_FONT_BOLD, px, white, buf,
                         rc.x + rc.w / 2, rc.y + (rc.h - px) / 2 - 2,
                         UI_ALIGN_CENTER);
        }
    }
    draw_instants(ui, v, tr, p, limit);
    ui_draw_arrows(ui, v, c, p, limit);
    SDL_RenderSetClipRect(ui->r, NULL);
    draw_finish(ui, v, c, p, limit);
    ui_draw_deadlock(ui, v, c, p, limit);
}

void ui_draw_summary_lane(ui_ctx *ui, const ui_view *v, const sim_trace *tr, int p)
{
    const ui_layout *l = ui->l;
    ui_rect rc = l->panels[p].summary;
    int colw = l->scale > 1.5f ? 3 : 2;
    int ncols = rc.w / colw;
    if (ncols <= 0 || tr->ntasks == 0)
        return;
    struct ui_sum_cache *sc = &ui->sum[p];
    if (ncols > sc->cap) {
        uint32_t *cn = realloc(sc->counts, sizeof *cn * (size_t)ncols * SIM_ST__COUNT);
        if (!cn)
            return;
        sc->counts = cn;
        sc->cap = ncols;
        sc->tr = NULL;
    }
    if (ncols > ui->sum_scratch_cap) {
        int32_t *scr = realloc(ui->sum_scratch,
                               sizeof *scr * (size_t)(ncols + 1) * SIM_ST__COUNT);
        if (!scr)
            return;
        ui->sum_scratch = scr;
        ui->sum_scratch_cap = ncols;
    }
    int64_t limit = ui_visible_limit(v, tr);
    int same_view = sc->tr == tr && sc->ncols == ncols && sc->t0 == v->tm.t0 &&
                    sc->ns_per_px == v->tm.ns_per_px && sc->end == tr->end_ns &&
                    sc->now == tr->now_ns;
    if (!same_view || sc->limit != limit) {
        ui_timemap m = v->tm;
        m.w = ncols * colw;
        /* Playback moved the limit right: the columns before the old
         * limit's are final (summary.h); count from there on. */
        int first = 0;
        if (same_view && limit > sc->limit) {
            double x = (double)(sc->limit - m.t0) / (m.ns_per_px * (double)m.w / ncols);
            first = x > 1.0 ? (int)floor(x) - 1 : 0;
        }
        ui_summary_update(tr, &m, limit, ncols, first, sc->counts, ui->sum_scratch);
        *sc = (struct ui_sum_cache){sc->counts, sc->cap, ncols, tr, v->tm.t0,
                                   v->tm.ns_per_px, limit, tr->end_ns, tr->now_ns};
    }
    static const int order[] = {SIM_ST_RUNNING, SIM_ST_READY, SIM_ST_IO,
                                SIM_ST_LOCK, SIM_ST_SEM, SIM_ST_QUEUE,
                                SIM_ST_LOST, SIM_ST_DONE};
    double per = (double)rc.h / tr->ntasks;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        int s = order[k];
        for (int c = 0; c < ncols; c++) {
            const uint32_t *cnt = &sc->counts[c * SIM_ST__COUNT];
            uint32_t below = 0;
            for (size_t j = 0; j < k; j++)
                below += cnt[order[j]];
            if (!cnt[s])
                continue;
            int y1 = rc.y + rc.h - (int)lround(below * per);
            int y0 = rc.y + rc.h - (int)lround((below + cnt[s]) * per);
            if (y1 <= y0)
                y0 = y1 - 1;
            push_rect(ui, s, (ui_rect){rc.x + c * colw, y0, colw, y1 - y0});
        }
    }
    flush_boxes(ui);
    fill(ui, (ui_rect){rc.x, rc.y, rc.w, 1}, ui->th->grid);
}
