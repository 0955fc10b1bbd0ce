/* hit.c - from a pixel to a sentence.
 *
 * What is under the pointer (a segment of a lane, a value lane, the
 * summary lane, a header), found with the same layout and time map that
 * drew it, and the tooltip that says what it is. The "why" is why.c's,
 * read from the trace alone; the step, its line in the program, is the
 * lens's (lens.h).
 */
#include "hit.h"

#include <stdio.h>
#include <string.h>

#include "cost_note.h"
#include "program_view.h"
#include "sbuf.h"
#include "cpython_panel.h"
#include "panels.h"
#include "timeline.h"
#include "why.h"

int64_t ui_visible_limit(const ui_view *v, const sim_trace *tr)
{
    int64_t end = ui_trace_end(tr);
    if (v->live)
        return end;
    return v->playhead < end ? v->playhead : end;
}

ui_hit_kind ui_hit_test(const ui_layout *l, const ui_view *v,
                        const sim_comparison *c, int x, int y, ui_hit *h)
{
    memset(h, 0, sizeof *h);
    h->mark = -1;
    h->panel = -1;
    h->model = -1;
    if (ui_rect_has(l->ruler, x, y)) {
        h->kind = UI_HIT_RULER;
        h->t = ui_tm_t(&v->tm, x);
        return h->kind;
    }
    int p = ui_layout_panel_at(l, x, y);
    if (p < 0 || p >= l->npanels)
        return UI_HIT_NONE;
    h->panel = p;
    h->model = l->panels[p].src.trace;
    const sim_trace *tr = h->tr = ui_panel_trace(l, c, p);
    const ui_panel_layout *pl = &l->panels[p];
    if (ui_rect_has(pl->header, x, y)) {
        h->kind = UI_HIT_HEADER;
        return h->kind;
    }
    if (!tr)
        return UI_HIT_NONE;
    if (x < l->tl_x0 || x >= l->tl_x0 + l->tl_w)
        return UI_HIT_NONE;
    h->t = ui_tm_t(&v->tm, x);
    h->x = x;
    if (pl->summary.h > 0 && ui_rect_has(pl->summary, x, y)) {
        h->kind = UI_HIT_SUMMARY;
        return h->kind;
    }
    long vk = ui_layout_value_at(l, p, y);
    if (vk >= 0) {
        h->lane = (uint32_t)vk;
        h->kind = UI_HIT_VALUE;
        return h->kind;
    }
    long lane = ui_layout_lane_at(l, p, y, tr->nlanes);
    if (lane < 0)
        return UI_HIT_NONE;
    h->lane = (uint32_t)lane;
    h->kind = UI_HIT_LANE;
    if (h->t < 0 || h->t >= ui_visible_limit(v, tr))
        return h->kind;
    const sim_lane *ln = &tr->lanes[lane];
    long i = sim_lane_mark_at(ln, h->t);
    if (i < 0 || ln->marks[i].state == SIM_ST_NONE)
        return h->kind;
    h->kind = UI_HIT_SEGMENT;
    h->mark = i;
    h->state = ln->marks[i].state;
    h->arg = ln->marks[i].arg;
    h->seg_t0 = ln->marks[i].t;
    h->seg_t1 = sim_lane_seg_end(tr, ln, (size_t)i);
    return h->kind;
}

void ui_state_counts(const sim_trace *tr, int64_t t, uint32_t counts[SIM_ST__COUNT])
{
    memset(counts, 0, sizeof(uint32_t) * SIM_ST__COUNT);
    for (uint32_t i = 0; i < tr->ntasks && i < tr->nlanes; i++) {
        long k = sim_lane_mark_at(&tr->lanes[i], t);
        uint8_t s = k < 0 ? SIM_ST_NONE : tr->lanes[i].marks[k].state;
        if (s < SIM_ST__COUNT)
            counts[s]++;
    }
}


size_t ui_why(const sim_trace *tr, uint32_t lane, int64_t t, char *buf, size_t n)
{
    if (tr->program && lane < tr->nlanes) /* a program's own lanes: program_view.h */
        return ui_program_why(tr, lane, t, buf, n);
    ui_reason w;
    ui_why_facts(tr, NULL, -1, lane, t, &w);
    return ui_why_text(tr, &w, buf, n);
}

/* The value lane's point nearest x, within a few pixels, or -1. */
static long near_point(const ui_vseries *s, const ui_view *v, int x)
{
    int64_t t = ui_tm_t(&v->tm, x), slack = ui_tm_t(&v->tm, x + 4) - t;
    long i = ui_vseries_at(s, t + slack), best = -1;
    int64_t bd = slack + 1;
    for (long k = i; k >= 0 && s->p[k].t >= t - slack; k--) {
        int64_t d = s->p[k].t > t ? s->p[k].t - t : t - s->p[k].t;
        /* A lost update wins a tie: it is what the lane is for. */
        if (d < bd || (d <= bd && s->p[k].lost && best >= 0 && !s->p[best].lost)) {
            bd = d;
            best = k;
        }
    }
    return best;
}

static size_t describe_value(const ui_hit *h, const sim_comparison *c, const ui_lens *L,
                             const ui_view *v, char *buf, size_t n)
{
    ui_sbuf b = {buf, n, 0};
    const sim_trace *tr = h->tr;
    (void)c;
    /* The lens describes the models' runs, not CPython's. */
    if (!L || !tr || tr->source == SIM_SOURCE_CPYTHON || h->model < 0 || h->model >= L->n ||
        h->lane >= (uint32_t)L->p[h->model].values.n)
        return 0;
    const ui_values *vals = &L->p[h->model].values;
    const ui_vseries *s = &vals->s[h->lane];
    const char *name = s->name < tr->nnames ? tr->names[s->name].name : "?";
    char d[32];
    ui_format_dur(h->t, d, sizeof d);
    if (s->kind == SIM_NAME_QUEUE)
        ui_put(&b, "queue %s, %s\n%u item%s in it at %s\n", name, sim_model_name(tr->model),
            ui_vseries_value(s, h->t), ui_vseries_value(s, h->t) == 1 ? "" : "s", d);
    else if (s->own_copies)
        ui_put(&b, "%s, %s\neach worker process changes its own copy; the parent's stays "
                   "%lld\n", name, sim_model_name(tr->model),
               (long long)(s->final > 0 ? s->final : 0));
    else
        ui_put(&b, "%s, %s\n%s = %u at %s\n", name, sim_model_name(tr->model), name,
            ui_vseries_value(s, h->t), d);
    long k = v ? near_point(s, v, h->x) : -1;
    if (k >= 0) {
        char what[160];
        ui_vpoint_describe(tr, s, &s->p[k], what, sizeof what);
        ui_put(&b, "%s\n", what);
    }
    if (s->kind == SIM_NAME_VAR && !s->own_copies && s->nlost)
        ui_put(&b, "%llu update%s lost where a store overwrote another task's (marked x)\n",
            (unsigned long long)s->lost, s->lost == 1 ? "" : "s");
    if (vals->exact_until >= 0 && h->t >= vals->exact_until) {
        ui_format_dur(vals->exact_until, d, sizeof d);
        ui_put(&b, "a summary after %s: each task recorded only its first %u loads and "
                "stores; the final value is the run's\n", d, sim_rec_value_cap(tr->ntasks));
    }
    while (b.len > 0 && buf[b.len - 1] == '\n')
        buf[--b.len] = 0;
    return b.len;
}

/* A summarized mark (trace.h, "Dense lanes"): how many states it holds,
 * each shorter than the trace's resolution, and each kind's share of its
 * time, which is all that is known of them. */
static void describe_dense(ui_sbuf *b, const sim_trace *tr, const sim_tdense *d)
{
    char q[32];
    ui_format_dur(tr->resolution_ns, q, sizeof q);
    ui_put(b, "%u states, each shorter than %s:", d->segs, q);
    uint64_t all = 0;
    for (int s = 0; s < SIM_ST__COUNT; s++)
        all += d->ns[s];
    const char *sep = " ";
    for (int s = 0; s < SIM_ST__COUNT && all > 0; s++)
        if (d->n[s]) {
            ui_put(b, "%s%u %s (%.0f%% of the time)", sep, d->n[s],
                   s == SIM_ST_READY ? sim_ready_name(tr->model) : sim_state_name((sim_state)s),
                   100.0 * (double)d->ns[s] / (double)all);
            sep = ", ";
        }
    ui_put(b, "\n");
}

size_t ui_hit_describe(const ui_hit *h, const sim_comparison *c, const ui_lens *L,
                       const ui_view *v, char *buf, size_t n)
{
    ui_sbuf b = {buf, n, 0};
    if (n)
        buf[0] = 0;
    const sim_trace *tr = h->tr;
    if (!tr)
        return 0;
    if (tr->source == SIM_SOURCE_CPYTHON)
        return ui_cpython_describe(h, c, buf, n);
    char name[64], d0[32], d1[32];
    if (tr->program && h->kind == UI_HIT_SEGMENT)
        return ui_program_describe(h, tr, buf, n);
    if (h->kind == UI_HIT_VALUE)
        return describe_value(h, c, L, v, buf, n);
    if (h->kind == UI_HIT_SUMMARY) {
        uint32_t cnt[SIM_ST__COUNT];
        ui_state_counts(tr, h->t, cnt);
        ui_format_dur(h->t, d0, sizeof d0);
        ui_put(&b, "%s at %s\n", sim_model_name(tr->model), d0);
        for (int s = SIM_ST_READY; s < SIM_ST__COUNT; s++)
            if (cnt[s])
                ui_put(&b, "%u %s\n", cnt[s], sim_state_name((sim_state)s));
        return b.len;
    }
    if (h->kind != UI_HIT_SEGMENT)
        return 0;
    sim_lane_name(tr, h->lane, name, sizeof name);
    ui_put(&b, "%s, %s\n", name, sim_model_name(tr->model));
    ui_put(&b, "%s\n", h->state == SIM_ST_READY && h->lane < tr->ntasks
                         ? sim_ready_name(tr->model)
                         : sim_state_name((sim_state)h->state));
    ui_format_dur(h->seg_t0, d0, sizeof d0);
    int64_t end = h->seg_t1;
    ui_format_dur(end - h->seg_t0, d1, sizeof d1);
    ui_put(&b, "from %s for %s%s\n", d0, d1, tr->end_ns < 0 &&
        h->mark + 1 >= (long)tr->lanes[h->lane].nmarks ? " (so far)" : "");
    if (h->state == SIM_ST_DENSE && h->arg < tr->ndense)
        describe_dense(&b, tr, &tr->dense[h->arg]);
    ui_reason w;
    ui_why_facts(tr, L, h->model, h->lane, h->t, &w);
    /* The step, as the code view shows it: its line and its code. */
    if (w.line && w.state != SIM_ST_DONE && L) {
        size_t len;
        const char *code = ui_lens_line_text(L, h->model, w.line, &len);
        while (code && len && *code == ' ')
            code++, len--;
        if (code && len)
            ui_put(&b, "%s line %u: %.*s\n", h->lane < tr->ntasks ? "at" : "its task at",
                w.line, (int)(len > 60 ? 60 : len), code);
    }
    char why[320];
    if (ui_why_text(tr, &w, why, sizeof why) > 0)
        ui_put(&b, "%s", why);
    char cost[320];
    if (ui_cost_note(tr, h->lane, h->mark, h->state, h->arg, cost, sizeof cost) > 0) {
        if (b.len > 0 && buf[b.len - 1] != '\n')
            ui_put(&b, "\n");
        ui_put(&b, "%s", cost);
    }
    while (b.len > 0 && buf[b.len - 1] == '\n')
        buf[--b.len] = 0;
    return b.len;
}
