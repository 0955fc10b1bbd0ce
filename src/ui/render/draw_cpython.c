/* draw_cpython.c - a CPython panel: what the model's Python program did
 * in a real interpreter, under the model's own panel, on the same axis.
 *
 * Its lanes are drawn exactly as a model's (draw_lanes.c), so the two can
 * be compared row by row; then every segment that was inferred rather
 * than observed (SIM_MARK_INFERRED) is drawn paler, under a veil of the
 * background (the hatching still shows through, for greyscale prints),
 * with a dashed edge above and below where the row is tall enough: "we
 * worked this out" must not look like "we saw this". Its header is one
 * line: the
 * interpreter and its version, and at the right its wall time, CPU time
 * and how it compares with the engine's run (cpython_panel.h has the
 * words). A panel with no run yet, or a run that could not be made (no
 * python3, a crash), says so across its rows.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cpython_panel.h"
#include "draw_priv.h"
#include "hit.h"
#include "timeline.h"

void ui_draw_inferred_box(ui_ctx *ui, ui_rect rc)
{
    if (rc.w <= 0 || rc.h <= 0)
        return;
    ui_color veil = ui->th->bg;
    veil.a = 96;
    fill(ui, rc, veil);
    /* The dashes only where a row is tall enough to keep its colour
     * between them; on thin rows the veil alone says it. */
    if (rc.w < 4 || rc.h < 8)
        return;
    int t = rc.h >= 24 ? thick(ui) : 1, dash = ui->l->pad > 3 ? ui->l->pad : 3;
    for (int x = rc.x; x < rc.x + rc.w; x += dash * 2) {
        int w = x + dash > rc.x + rc.w ? rc.x + rc.w - x : dash;
        fill(ui, (ui_rect){x, rc.y, w, t}, ui->th->fg_dim);
        fill(ui, (ui_rect){x, rc.y + rc.h - t, w, t}, ui->th->fg_dim);
    }
}

/* The inferred segments of one lane, over its boxes. Bounded by pixels:
 * a run of segments narrower than two pixels is skipped by a binary
 * search to the next pixel column, as the timeline walk does. */
static void inferred_lane(ui_ctx *ui, const ui_view *v, const sim_trace *tr, uint32_t lane,
                          ui_rect row, int64_t limit)
{
    const sim_lane *ln = &tr->lanes[lane];
    const ui_timemap *m = &v->tm;
    int64_t t0 = ui_tm_t(m, m->x0), t1 = ui_tm_t_end(m);
    if (t1 > limit)
        t1 = limit;
    if (t1 <= t0 || ln->nmarks == 0)
        return;
    size_t i, last;
    ui_lane_visible(tr, ln, t0, t1, &i, &last);
    while (i < last) {
        const sim_mark *mk = &ln->marks[i];
        int64_t a = mk->t > t0 ? mk->t : t0;
        int64_t b = sim_lane_seg_end(tr, ln, i);
        if (b > t1)
            b = t1;
        double x0 = ui_tm_x(m, a), x1 = ui_tm_x(m, b);
        if (x1 - x0 < 2.0) {
            /* Sub-pixel detail: jump to the mark in effect two pixels on. */
            long k = sim_lane_mark_at(ln, ui_tm_t(m, x0 + 2.0));
            i = k > (long)i ? (size_t)k : i + 1;
            continue;
        }
        if (mk->flags & SIM_MARK_INFERRED) {
            int ix0 = (int)lround(x0), ix1 = (int)lround(x1);
            ui_draw_inferred_box(ui, (ui_rect){ix0, row.y, ix1 - ix0, row.h});
        }
        i++;
    }
}

void ui_draw_inferred_marks(ui_ctx *ui, const ui_view *v, const sim_trace *tr, int p)
{
    const ui_layout *l = ui->l;
    int64_t limit = ui_visible_limit(v, tr);
    SDL_Rect clip = {l->tl_x0, l->panels[p].rect.y, l->tl_w, l->panels[p].rect.h};
    SDL_RenderSetClipRect(ui->r, &clip);
    for (uint32_t lane = 0; lane < tr->nlanes; lane++) {
        if (lane < tr->ntasks && (lane < l->task_scroll ||
                                  lane >= l->task_scroll + l->rows_visible)) {
            if (lane < l->task_scroll)
                lane = l->task_scroll - 1; /* on to the first row shown */
            else
                lane = tr->ntasks - 1;     /* on to the resource lanes */
            continue;
        }
        ui_rect r;
        if (ui_layout_lane_rect(l, p, lane, tr->nlanes, &r) != 0)
            continue;
        /* The same gap as the boxes (draw_lanes.c). */
        int gap = r.h >= 8 ? (r.h >= 16 ? 2 : 1) : 0;
        ui_rect row = {r.x, r.y + gap, r.w, r.h - 2 * gap};
        inferred_lane(ui, v, tr, lane, row, limit);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
}

/* Whether the trace holds anything to draw. */
static int has_marks(const sim_trace *tr)
{
    for (uint32_t i = 0; i < tr->nlanes; i++)
        if (tr->lanes[i].nmarks)
            return 1;
    return 0;
}

/* The header's right side: the numbers, or how the run stands. */
static void header_right(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                         const sim_trace *tr, const char *python, char *buf, size_t n,
                         ui_font *font, ui_color *col, int room)
{
    const ui_layout *l = ui->l;
    const ui_theme *th = ui->th;
    const sim_trace *eng = &c->traces[l->panels[p].src.trace];
    *font = UI_FONT_REGULAR;
    *col = th->fg;
    if (!tr) {
        /* The rows say why, in full (say_in_rows); the header stays quiet. */
        buf[0] = 0;
        return;
    }
    const char *why = tr->error[0] ? tr->error : sim_outcome_name(tr->outcome);
    switch (tr->outcome) {
    case SIM_OUTCOME_OK: {
        /* The engine's numbers are its panel's, just above, when shown. */
        const sim_summary *s = ui_panel_summary(ui, c, p);
        sim_summary e;
        int cpus = c->machine.cpus > 0 ? c->machine.cpus : 1;
        int ok = eng->outcome == SIM_OUTCOME_OK;
        if (ok)
            sim_trace_summarize(eng, c->nominal_ns, cpus, &e);
        /* The variables first, as a model's header has them, while they
         * fit beside the longest numbers; then ever shorter numbers. */
        char vars[300], one[300];
        size_t nv = ui_cpython_counters(tr, vars, sizeof vars);
        for (int form = nv ? -1 : 0; form < 3; form++) {
            ui_cpython_stats(s, ok ? &e : NULL, form < 0 ? 0 : form, one, sizeof one);
            if (form < 0)
                snprintf(buf, n, "%.200s  \xc2\xb7  %.180s", vars, one);
            else
                snprintf(buf, n, "%s", one);
            int w, h;
            ui_text_size(&ui->text, *font, l->small_px, buf, &w, &h);
            if (w <= room)
                break;
        }
        return;
    }
    case SIM_OUTCOME_NOT_RUN:
        snprintf(buf, n, "not measured");
        *col = th->fg_dim;
        break;
    case SIM_OUTCOME_CANCELLED:
    case SIM_OUTCOME_TIMEOUT:
        /* A stop is the user's doing ("stopped after 2.00 s (--timeout)"). */
        snprintf(buf, n, "%s", why);
        *col = th->fg_dim;
        break;
    default:
        snprintf(buf, n, "did not finish: %s", why);
        *col = th->error;
        break;
    }
    *font = UI_FONT_BOLD;
}

static void draw_header(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                        const sim_trace *tr, const char *python)
{
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    const ui_theme *th = ui->th;
    char title[128];
    ui_cpython_title(tr, python, title, sizeof title);
    int ty = pl->header.y + (l->row_h - l->title_px) / 2 - 1;
    int x = pl->header.x;
    x += ui_text_draw(&ui->text, UI_FONT_BOLD, l->title_px, th->fg, title, x, ty,
                      UI_ALIGN_LEFT);
    x += l->pad * 2;
    int room = pl->header.x + pl->header.w - x;
    char right[400];
    ui_font font;
    ui_color col;
    header_right(ui, v, c, p, tr, python, right, sizeof right, &font, &col, room);
    int sw, sh;
    ui_text_size(&ui->text, font, l->small_px, right, &sw, &sh);
    int sx = pl->header.x + pl->header.w - sw;
    if (sx < x)
        sx = x;
    ui_text_draw_fit(&ui->text, font, l->small_px, col, right, sx,
                     pl->header.y + (l->row_h - sh) / 2, pl->header.x + pl->header.w - sx);
}

/* Across the rows of a panel with nothing to draw: why, in full. */
static void say_in_rows(ui_ctx *ui, int p, const char *text, ui_color col)
{
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    ui_rect area = pl->tasks.h > 0 ? pl->tasks : pl->res;
    if (area.h <= 0 || !text[0])
        return;
    int lh = (int)lround(l->small_px * 1.35);
    ui_rect r = {area.x + l->pad, area.y + (area.h > 2 * lh ? lh / 2 : 0),
                 area.w - 2 * l->pad, area.h};
    ui_draw_wrapped(ui, UI_FONT_REGULAR, l->small_px, col, text, r, lh);
}

void ui_draw_cpython_panel(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                           const char *python)
{
    const ui_layout *l = ui->l;
    const sim_trace *tr = ui_panel_trace(l, c, p);
    draw_header(ui, v, c, p, tr, python);
    if (!tr) {
        char why[300];
        ui_cpython_pending(&c->traces[l->panels[p].src.trace], v->live, python, why,
                           sizeof why);
        say_in_rows(ui, p, why, ui->th->fg_dim);
        return;
    }
    ui_draw_labels(ui, tr, p);
    if (!has_marks(tr)) {
        /* No run to draw (no python3, a crash before the first record):
         * the reason, whole, where the lanes would be. */
        say_in_rows(ui, p, tr->error[0] ? tr->error : "nothing was recorded",
                    tr->outcome == SIM_OUTCOME_NOT_RUN ? ui->th->fg : ui->th->error);
        return;
    }
    ui_draw_panel_lanes(ui, v, c, p);
    if (l->panels[p].summary.h > 0)
        ui_draw_summary_lane(ui, v, tr, p);
    ui_draw_inferred_marks(ui, v, tr, p);
}
