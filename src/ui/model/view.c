/* view.c - the few rules of the view state: speed steps, playback, fit.
 *
 * Playback time is the shared time axis of the runs: at speed 0.01x one
 * second of wall time moves the playhead 10 ms, which is how a class sees
 * 5 ms GIL switches happen one by one.
 */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "cost_note.h"
#include "format.h"
#include "legend.h"
#include "panels.h"
#include "timemap.h"
#include "values.h"

static const double speeds[UI_NSPEEDS] = {0.01, 0.02, 0.05, 0.1, 0.25,
                                          0.5,  1.0,  2.0,  4.0};

double ui_speed_value(int idx)
{
    if (idx < 0)
        idx = 0;
    if (idx >= UI_NSPEEDS)
        idx = UI_NSPEEDS - 1;
    return speeds[idx];
}

void ui_view_init(ui_view *v)
{
    memset(v, 0, sizeof *v);
    v->tm.ns_per_px = 1e6;
    v->fitted = 1;
    v->speed = UI_SPEED_DEFAULT;
    v->theme = UI_THEME_LIGHT;
    v->font_scale = 1.0f;
    v->show_controls = 1;
    v->code_scroll = -1;
    v->code_task = -1;
}

void ui_view_speed_step(ui_view *v, int dir)
{
    v->speed += dir > 0 ? 1 : dir < 0 ? -1 : 0;
    if (v->speed < 0)
        v->speed = 0;
    if (v->speed >= UI_NSPEEDS)
        v->speed = UI_NSPEEDS - 1;
}

int64_t ui_comparison_end(const sim_comparison *c)
{
    int64_t end = 0;
    for (int i = 0; c && i < c->ntraces; i++) {
        const sim_trace *t = &c->traces[i];
        int64_t e = t->end_ns >= 0 ? t->end_ns : t->now_ns;
        if (e > end)
            end = e;
    }
    return end;
}

int64_t ui_comparison_fit_end(const sim_comparison *c)
{
    int64_t end = ui_comparison_end(c);
    for (int i = 0; c && i < c->ntraces; i++)
        if (c->traces[i].outcome == SIM_OUTCOME_DEADLOCK)
            return end + end / 5;
    return end;
}

int64_t ui_view_end(const ui_view *v, const sim_comparison *c)
{
    int64_t end = ui_comparison_end(c);
    for (int i = 0; v->show_cpython && c && i < c->ntraces; i++) {
        const sim_trace *t = sim_comparison_cpython(c, i);
        int64_t e = !t ? 0 : t->end_ns >= 0 ? t->end_ns : t->now_ns;
        if (e > end)
            end = e;
    }
    return end;
}

void ui_view_advance(ui_view *v, double dt, int64_t end)
{
    if (v->toast_left > 0)
        v->toast_left -= dt;
    if (v->paused || v->live)
        return;
    v->playhead += (int64_t)(dt * ui_speed_value(v->speed) * 1e9);
    if (v->playhead >= end) {
        v->playhead = end;
        v->paused = 1;
    }
}

void ui_view_step(ui_view *v, int dir, int64_t end)
{
    int64_t step = (int64_t)(v->tm.ns_per_px * (v->tm.w > 0 ? v->tm.w : 100) * 0.02);
    if (step < 1)
        step = 1;
    v->playhead += dir > 0 ? step : -step;
    if (v->playhead < 0)
        v->playhead = 0;
    if (v->playhead > end)
        v->playhead = end;
}

void ui_view_font_step(ui_view *v, int dir)
{
    float f = v->font_scale * (dir > 0 ? 1.1f : 1.0f / 1.1f);
    if (f < UI_FONT_SCALE_MIN)
        f = UI_FONT_SCALE_MIN;
    if (f > UI_FONT_SCALE_MAX)
        f = UI_FONT_SCALE_MAX;
    v->font_scale = f;
}

void ui_view_fit(ui_view *v, int64_t end)
{
    ui_tm_fit(&v->tm, 0, end);
    v->fitted = 1;
}

void ui_view_toast(ui_view *v, const char *msg, double seconds)
{
    snprintf(v->toast, sizeof v->toast, "%s", msg);
    v->toast_left = seconds;
}

float ui_view_text_scale(const ui_view *v)
{
    return v->presenter || v->theme == UI_THEME_PROJECTOR ? UI_BIG_TEXT : 1.0f;
}

size_t ui_view_status_text(const ui_view *v, const sim_comparison *c, int brief, char *buf,
                           size_t n)
{
    if (v->status[0])
        return (size_t)snprintf(buf, n, "%s", v->status);
    char now[32], end[32], spd[16];
    int64_t e = ui_view_end(v, c);
    ui_format_dur(v->live ? e : v->playhead, now, sizeof now);
    ui_format_dur(e, end, sizeof end);
    sim_format_speed(ui_speed_value(v->speed), spd, sizeof spd);
    /* What the costs rest on, when the line has room (the traces of one
     * comparison share a profile: the first one says it). */
    char tag[96] = "";
    if (!brief && c && c->ntraces > 0 && ui_costs_tag(&c->traces[0], tag + 3, sizeof tag - 3))
        memcpy(tag, "   ", 3);
    if (v->live)
        return (size_t)snprintf(buf, n, "\xe2\x97\x8f recording  %s%s", now, tag);
    return (size_t)snprintf(buf, n, "%s  %s   %s / %s   %s%s",
                            v->paused ? "\xe2\x9d\x9a\xe2\x9d\x9a paused"
                                      : "\xe2\x96\xb6 playing",
                            spd, now, end, brief ? "" : v->presenter ? "F5 leaves" : "F1 help",
                            tag);
}

int ui_view_bookmark(ui_view *v, int64_t t, int64_t near)
{
    for (int i = 0; i < v->nbookmarks; i++) {
        int64_t d = v->bookmarks[i] - t;
        if (d <= near && d >= -near) {
            memmove(v->bookmarks + i, v->bookmarks + i + 1,
                    sizeof v->bookmarks[0] * (size_t)(v->nbookmarks - i - 1));
            v->nbookmarks--;
            return 0;
        }
    }
    if (v->nbookmarks >= UI_MAX_BOOKMARKS)
        return -1;
    int k = v->nbookmarks;
    while (k > 0 && v->bookmarks[k - 1] > t) {
        v->bookmarks[k] = v->bookmarks[k - 1];
        k--;
    }
    v->bookmarks[k] = t;
    v->nbookmarks++;
    return 1;
}

int64_t ui_view_bookmark_next(const ui_view *v, int64_t t, int dir)
{
    if (dir > 0) {
        for (int i = 0; i < v->nbookmarks; i++)
            if (v->bookmarks[i] > t)
                return v->bookmarks[i];
    } else {
        for (int i = v->nbookmarks - 1; i >= 0; i--)
            if (v->bookmarks[i] < t)
                return v->bookmarks[i];
    }
    return -1;
}

void ui_view_seek(ui_view *v, int64_t t)
{
    v->playhead = t < 0 ? 0 : t;
    v->paused = 1;
    double x = ui_tm_x(&v->tm, v->playhead);
    if (v->tm.w > 0 && (x < v->tm.x0 || x > v->tm.x0 + v->tm.w)) {
        /* Centre it: the moment and what leads to it. */
        ui_tm_pan(&v->tm, v->tm.x0 + v->tm.w / 2.0 - x);
        v->fitted = 0;
    }
}

/* The lane labels' column for a program's trace, in small text's size:
 * wide enough for its threads' own names ("ThreadPoolExecutor-0_3",
 * "ForkPoolWorker-12"; a character is about 0.58 of the size), from the
 * models' 8.4 to at most 16 (longer names are cut). Its first 256 lanes
 * are measured: the layout is made every frame, and names past those
 * are the same kind. */
static float program_label_em(const sim_trace *t)
{
    size_t longest = 0;
    char name[128];
    for (uint32_t i = 0; i < t->nlanes && i < 256; i++) {
        size_t k = sim_lane_name(t, i, name, sizeof name);
        if (k > longest)
            longest = k;
    }
    float em = 0.58f * (float)longest + 1.0f;
    return em < 8.4f ? 8.4f : em > 16.0f ? 16.0f : em;
}

void ui_view_layout(ui_view *v, const sim_comparison *c, int w, int h,
                    int controls_rows, ui_layout *l)
{
    ui_legend_item items[UI_LEGEND_MAX];
    char status[320];
    ui_view_status_text(v, c, 0, status, sizeof status);
    ui_panel_src src[UI_MAX_PANELS];
    ui_layout_desc d = {.w = w, .h = h, .font_scale = v->font_scale,
                        .text_scale = ui_view_text_scale(v),
                        .bar_scale = v->bar_scale,
                        .show_controls = v->show_controls && !v->presenter,
                        .controls_rows = controls_rows,
                        .show_code = v->show_code,
                        .task_scroll = v->task_scroll,
                        .legend = items, .nlegend = ui_legend_items_shown(c, v->show_cpython,
                                                                          items),
                        .status = status, .badge = v->badge, .src = src};
    d.npanels = ui_panels_plan(c, v->show_cpython, src);
    for (int p = 0; p < d.npanels; p++) {
        /* A CPython panel not measured yet has the model's task rows,
         * empty, and no resource lanes. */
        const sim_trace *t = src[p].cpython ? sim_comparison_cpython(c, src[p].trace)
                                            : &c->traces[src[p].trace];
        if (!t)
            continue;
        if (t->ntasks > d.ntasks)
            d.ntasks = t->ntasks;
        d.nres[p] = t->nlanes > t->ntasks ? t->nlanes - t->ntasks : 0;
        d.nvalues[p] = ui_value_lanes(t);
        if (t->program)
            d.label_em = program_label_em(t);
    }
    ui_layout_compute(l, &d);
    v->task_scroll = l->task_scroll;
    v->tm.x0 = l->tl_x0;
    v->tm.w = l->tl_w;
    if (v->fitted)
    {
        /* CPython's runs may end later; a deadlock's band needs room. */
        int64_t end = ui_view_end(v, c), fit = ui_comparison_fit_end(c);
        ui_tm_fit(&v->tm, 0, fit > end ? fit : end);
    }
}
