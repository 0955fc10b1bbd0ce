/* draw_values.c - value lanes: a shared variable's value, or a queue's
 * length, over time, with each task's loads and stores as marks and each
 * lost update marked where it happened.
 *
 * A lane is drawn column by column, as a counter track: the value at each
 * pixel column (a binary search into the series, values.h), filled below,
 * with a vertical stroke where it changed within the column. So the cost
 * follows the pixels, not the hundred thousand stores of a long loop.
 * Marks are thinned the same way (one a few pixels, per task), but a lost
 * update is always drawn: it is the point of the lane.
 *
 * Where the recording was cut (each task records only its share of
 * values, rec.h), the exact line stops and a dashed one runs to the final
 * value the run recorded, with the words "summary from here": what is
 * shown is never more than what was recorded.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"
#include "hit.h"
#include "timeline.h"
#include "values.h"

static float value_y(ui_rect r, uint32_t v, uint32_t max)
{
    double f = max ? (double)v / max : 0;
    if (f > 1)
        f = 1;
    return (float)(r.y + r.h - 2 - f * (r.h - 5));
}

/* Value at the start of each column, and its range within the column. */
static void draw_line(ui_ctx *ui, const ui_view *v, const ui_vseries *s, ui_rect r,
                      uint32_t scale, int64_t limit, int64_t exact_until)
{
    const ui_theme *th = ui->th;
    SDL_Rect area[512], strokes[512];
    int na = 0, ns = 0;
    int x0 = r.x, x1 = r.x + r.w;
    double xl = ui_tm_x(&v->tm, limit);
    if (xl < x1)
        x1 = (int)ceil(xl);
    int64_t stop = exact_until >= 0 && exact_until < limit ? exact_until : limit;
    double xs = ui_tm_x(&v->tm, stop);
    int t = thick(ui);
    for (int x = x0; x < x1 && x < xs; x++) {
        int64_t ta = ui_tm_t(&v->tm, x), tb = ui_tm_t(&v->tm, x + 1);
        if (tb <= 0)
            continue;
        if (tb > stop)
            tb = stop;
        uint32_t lo = ui_vseries_value(s, ta), hi = lo;
        long i = ui_vseries_at(s, ta);
        for (size_t k = (size_t)(i + 1); k < s->n && s->p[k].t < tb; k++) {
            if (s->kind == SIM_NAME_VAR && s->p[k].code == SIM_IN_LOAD)
                continue;
            if (s->p[k].value < lo)
                lo = s->p[k].value;
            if (s->p[k].value > hi)
                hi = s->p[k].value;
            if (k - (size_t)i > 64)
                break; /* a dense column: its range so far is enough */
        }
        uint32_t end = ui_vseries_value(s, tb - 1);
        int ya = (int)value_y(r, end, scale), yl = (int)value_y(r, hi, scale);
        int yb = (int)value_y(r, lo, scale);
        area[na++] = (SDL_Rect){x, ya, 1, r.y + r.h - ya};
        strokes[ns++] = (SDL_Rect){x, yl - t / 2, 1, yb - yl + t};
        if (na == 512) {
            set_col(ui, th->value_fill);
            SDL_RenderFillRects(ui->r, area, na);
            na = 0;
        }
        if (ns == 512) {
            set_col(ui, th->value_line);
            SDL_RenderFillRects(ui->r, strokes, ns);
            ns = 0;
        }
    }
    if (na) {
        set_col(ui, th->value_fill);
        SDL_RenderFillRects(ui->r, area, na);
    }
    if (ns) {
        set_col(ui, th->value_line);
        SDL_RenderFillRects(ui->r, strokes, ns);
    }
}

/* After the cut: a dashed line from the last value recorded to the final
 * value, and the words that say so. */
static void draw_summary(ui_ctx *ui, const ui_view *v, const sim_trace *tr,
                         const ui_vseries *s, ui_rect r, uint32_t scale, int64_t limit,
                         int64_t cut)
{
    const ui_layout *l = ui->l;
    if (cut < 0 || cut >= limit)
        return;
    int64_t end = ui_trace_end(tr);
    int64_t to = limit < end ? limit : end;
    float xa = (float)ui_tm_x(&v->tm, cut), xb = (float)ui_tm_x(&v->tm, to);
    uint32_t from = ui_vseries_value(s, cut);
    uint32_t fin = s->final >= 0 && to >= end && !s->own_copies
                       ? (s->final > UINT32_MAX ? UINT32_MAX : (uint32_t)s->final)
                       : from;
    float ya = value_y(r, from, scale), yb = value_y(r, fin, scale);
    float dash = 6.0f * l->scale;
    float len = xb - xa;
    for (float d = 0; len > 0 && d < len; d += 2 * dash) {
        float e = d + dash < len ? d + dash : len;
        ui_draw_line(ui, xa + d, ya + (yb - ya) * d / len, xa + e, ya + (yb - ya) * e / len,
                     (float)thick(ui), ui->th->fg_dim);
    }
    fill(ui, (ui_rect){(int)xa, r.y, thick(ui), r.h}, ui->th->fg_dim);
    const char *words = "summary from here: only the final value is known";
    int w, h;
    ui_text_size(&ui->text, UI_FONT_REGULAR, l->small_px * 9 / 10, words, &w, &h);
    if (xa + 4 + w < r.x + r.w && h <= r.h)
        ui_text_draw(&ui->text, UI_FONT_REGULAR, l->small_px * 9 / 10, ui->th->fg_dim, words,
                     (int)xa + 4, r.y + 1, UI_ALIGN_LEFT);
}

static void mark(ui_ctx *ui, float x, float y, float m, int up, ui_color c)
{
    if (up)
        ui_draw_triangle(ui, x - m, y + m * 0.6f, x + m, y + m * 0.6f, x, y - m, c);
    else
        ui_draw_triangle(ui, x - m, y - m * 0.6f, x + m, y - m * 0.6f, x, y + m, c);
}

static void draw_marks(ui_ctx *ui, const ui_view *v, const ui_vseries *s, ui_rect r,
                       uint32_t scale, int64_t limit)
{
    const ui_layout *l = ui->l;
    int64_t t0 = ui_tm_t(&v->tm, r.x), t1 = ui_tm_t_end(&v->tm);
    if (t1 > limit)
        t1 = limit;
    long i = ui_vseries_at(s, t0 - 1);
    float last[UI_TASK_COLORS + 1];
    for (int k = 0; k <= UI_TASK_COLORS; k++)
        last[k] = -1e9f;
    float m = (float)r.h * 0.16f;
    if (m < 2.5f)
        m = 2.5f;
    if (m > l->small_px * 0.4f)
        m = l->small_px * 0.4f;
    for (size_t k = (size_t)(i + 1); k < s->n && s->p[k].t <= t1; k++) {
        const ui_vpoint *p = &s->p[k];
        float x = (float)ui_tm_x(&v->tm, p->t);
        int slot = p->lost ? UI_TASK_COLORS : (int)(p->task % UI_TASK_COLORS);
        if (x - last[slot] < 3.0f * l->scale)
            continue;
        last[slot] = x;
        if (s->kind == SIM_NAME_QUEUE) {
            /* A put raises the length, a get lowers it: the line says it;
             * the marks say who. */
            mark(ui, x, value_y(r, p->value, scale), m, p->code == SIM_IN_PUT,
                 ui->th->task[p->task % UI_TASK_COLORS]);
            continue;
        }
        float y = s->own_copies ? (float)(r.y + r.h / 2) : value_y(r, p->value, scale);
        ui_color c = ui->th->task[p->task % UI_TASK_COLORS];
        if (p->code == SIM_IN_LOAD) {
            c.a = 170;
            mark(ui, x, y, m * 0.8f, 0, c);
        } else {
            mark(ui, x, y, m, 1, c);
        }
        if (p->lost) {
            float q = m * 1.1f + 1, w = (float)thick(ui) + 0.5f;
            ui_draw_line(ui, x - q, y - q, x + q, y + q, w, ui->th->lost);
            ui_draw_line(ui, x - q, y + q, x + q, y - q, w, ui->th->lost);
        }
    }
}

void ui_draw_value_lanes(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p)
{
    const ui_layout *l = ui->l;
    /* The panel's model: its index in the comparison and the lens. */
    int m = l->panels[p].src.trace;
    if (l->panels[p].src.cpython || m < 0 || m >= c->ntraces || m >= ui->lens->n)
        return;
    const sim_trace *tr = &c->traces[m];
    const ui_values *vals = &ui->lens->p[m].values;
    int64_t limit = ui_visible_limit(v, tr);
    SDL_Rect clip = {l->tl_x0, l->panels[p].values.y, l->tl_w, l->panels[p].values.h};
    SDL_RenderSetClipRect(ui->r, &clip);
    for (int k = 0; k < vals->n && k < (int)l->panels[p].nvalues; k++) {
        const ui_vseries *s = &vals->s[k];
        ui_rect r;
        if (ui_layout_value_rect(l, p, (uint32_t)k, &r) != 0)
            continue;
        fill(ui, (ui_rect){r.x, r.y + r.h - 1, r.w, 1}, ui->th->grid);
        int64_t t0 = ui_tm_t(&v->tm, r.x), t1 = ui_tm_t_end(&v->tm);
        uint32_t scale = ui_vseries_scale(s, t0, t1 < limit ? t1 : limit);
        if (!s->own_copies) {
            draw_line(ui, v, s, r, scale, limit, vals->exact_until);
            /* The scale: the value the lane's top stands for. */
            char top[24];
            snprintf(top, sizeof top, "%u", scale);
            int px = l->small_px * 8 / 10 > 8 ? l->small_px * 8 / 10 : 8;
            /* At the left, where a value that grows is still low. */
            if (r.h >= px * 2)
                ui_text_draw(&ui->text, UI_FONT_REGULAR, px, ui->th->fg_dim, top, r.x + 3, r.y,
                             UI_ALIGN_LEFT);
        }
        else if (r.h > l->small_px)
            ui_text_draw(&ui->text, UI_FONT_REGULAR, l->small_px * 9 / 10, ui->th->fg_dim,
                         "each worker process changes its own copy: these are its values",
                         r.x + 4, r.y + 1, UI_ALIGN_LEFT);
        if (s->kind == SIM_NAME_VAR)
            draw_summary(ui, v, tr, s, r, scale, limit, vals->exact_until);
        draw_marks(ui, v, s, r, scale, limit);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
}

/* The label column: the name, and its value (a queue: its length) at
 * the playhead. */
void ui_draw_value_labels(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p)
{
    const ui_layout *l = ui->l;
    int m = l->panels[p].src.trace;
    if (l->panels[p].src.cpython || m < 0 || m >= c->ntraces || m >= ui->lens->n)
        return;
    const sim_trace *tr = &c->traces[m];
    const ui_values *vals = &ui->lens->p[m].values;
    int64_t at = ui_visible_limit(v, tr);
    for (int k = 0; k < vals->n && k < (int)l->panels[p].nvalues; k++) {
        const ui_vseries *s = &vals->s[k];
        ui_rect r;
        if (ui_layout_value_rect(l, p, (uint32_t)k, &r) != 0)
            continue;
        char buf[48];
        const char *name = s->name < tr->nnames ? tr->names[s->name].name : "?";
        uint32_t now = ui_vseries_value(s, at > 0 ? at - 1 : 0);
        /* At the end, a summarised variable is what the run ended with. */
        if (s->kind == SIM_NAME_VAR && s->final >= 0 && at >= ui_trace_end(tr) &&
            vals->exact_until >= 0)
            now = s->final > UINT32_MAX ? UINT32_MAX : (uint32_t)s->final;
        if (s->own_copies)
            snprintf(buf, sizeof buf, "%s", name);
        else
            snprintf(buf, sizeof buf, s->kind == SIM_NAME_QUEUE ? "%s: %u" : "%s = %u", name,
                     now);
        int px = ui_label_px(l->small_px, r.h, 0);
        int y = r.y + (r.h - px) / 2 - 1;
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, ui->th->fg, buf, l->label_x, y,
                         l->label_w);
    }
}
