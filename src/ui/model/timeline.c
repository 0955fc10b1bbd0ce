/* timeline.c - visible range and sub-pixel merging of a lane's segments.
 *
 * A segment narrower than a pixel cannot be seen on its own, yet drawing
 * it still costs a rectangle: with 100,000 segments in view that is most of
 * a frame. So the walk below handles two cases. A segment that reaches past
 * its pixel column becomes a box of its own. A segment that starts and ends
 * inside one column makes the whole column ONE box, coloured by the state in
 * effect at the column's middle (a sample: a column that is 40% running and
 * 60% waiting shows waiting; `mixed` tells the drawing it is a summary), and
 * the walk jumps to the next column by binary search. Work per lane is then
 * O(columns * log(marks)), whatever the number of events; the searches
 * gallop forward from the current mark (1, 2, 4, ... then bisect), so a
 * column holding a handful of marks costs a handful of steps.
 *
 * The walk can stop and go on later (ui_timeline_walk): during playback the
 * limit moves right a little each frame, and everything the walk did
 * before it first had to cut something at the limit would be done the
 * same way with a later limit. So the drawing keeps the boxes emitted up
 * to that point, plus a copy of the walk's state there, and next frame
 * walks only the new columns; the result is the same boxes as a fresh walk.
 *
 * With UI_TL_STACK, neighbouring sampled columns go further: up to
 * UI_TL_MIX_RUN of them become one "mixed" run drawn as stacked bands, each
 * state's band as tall as the share of columns sampled in it. A lane that
 * flickers faster than the pixels then costs a few rectangles per run
 * instead of one per column, and still shows how its time was split.
 *
 * A summarized trace (trace.h, "Dense lanes") holds marks of state DENSE:
 * many states shorter than its resolution, with the time spent in each
 * kind. Such a mark is never drawn as itself, only as what it holds: wider
 * than a pixel (zoomed in past the resolution), as stacked bands, each
 * kind as tall as its share of the time; sampled in a column, as its
 * shares of the column (stacked runs) or its main kind (single columns).
 * So a lane looks the same whether its states were kept or summarized,
 * down to the resolution, and no finer: the bands then say "this much of
 * each", not when.
 */
#include "timeline.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

int64_t ui_trace_end(const sim_trace *tr)
{
    return tr->end_ns >= 0 ? tr->end_ns : tr->now_ns;
}

/* First mark index with t >= at, searching [lo, n). */
static size_t lower_bound(const sim_mark *m, size_t lo, size_t n, int64_t at)
{
    size_t hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid].t < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First mark index with t >= at in [lo, n), galloping from lo: cheap when
 * the answer is near. */
static size_t gallop(const sim_mark *m, size_t lo, size_t n, int64_t at)
{
    size_t step = 1, hi = lo;
    while (hi < n && m[hi].t < at) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    return lower_bound(m, lo, hi < n ? hi + 1 : n, at);
}

void ui_lane_visible(const sim_trace *tr, const sim_lane *l, int64_t t0,
                     int64_t t1, size_t *first, size_t *last)
{
    (void)tr;
    size_t n = l->nmarks;
    /* The segment in effect at t0 starts at the last mark <= t0. */
    size_t i = lower_bound(l->marks, 0, n, t0);
    if (i < n && l->marks[i].t == t0)
        *first = i;
    else
        *first = i > 0 ? i - 1 : 0;
    *last = lower_bound(l->marks, *first, n, t1);
}

/* The accumulator is the walk's state (ui_tl_walk, declared in the header
 * so that a caller can keep a copy and resume); emit and ud travel beside
 * it because they belong to one call, not to the state. */
typedef struct box_acc {
    ui_tl_walk *w;
    ui_box_fn emit;
    void *ud;
} box_acc;

static void flush(box_acc *a)
{
    if (a->w->have && a->w->cur.x1 > a->w->cur.x0) {
        a->emit(a->ud, &a->w->cur);
        a->w->count++;
    }
    a->w->have = 0;
}

/* Stacked bands go from the top in this fixed order, so that neighbouring
 * runs line up. */
static const uint8_t order[] = {SIM_ST_RUNNING, SIM_ST_READY, SIM_ST_IO,
                                SIM_ST_LOCK,    SIM_ST_SEM,   SIM_ST_QUEUE,
                                SIM_ST_STARTING, SIM_ST_LOST, SIM_ST_DONE};

/* A column sampled in a stacked run weighs this much; a summarized mark
 * sampled there spreads it over its kinds by their shares of its time. */
#define MIX_UNIT 64u

/* The kind a summarized mark spent most time in, among those drawn. */
static uint8_t dense_major(const sim_tdense *d)
{
    uint8_t best = SIM_ST_IDLE;
    uint32_t most = 0;
    for (size_t k = 0; k < sizeof order; k++)
        if (d->ns[order[k]] > most) {
            most = d->ns[order[k]];
            best = order[k];
        }
    return best;
}

uint8_t ui_mark_kind(const sim_trace *tr, const sim_mark *m)
{
    if (m->state == SIM_ST_DENSE && m->arg < tr->ndense)
        return dense_major(&tr->dense[m->arg]);
    return m->state;
}

/* The summarized mark i of lane l, or NULL if the mark is not one. */
static const sim_tdense *dense_of(const sim_trace *tr, const sim_lane *l, size_t i)
{
    const sim_mark *m = &l->marks[i];
    return m->state == SIM_ST_DENSE && m->arg < tr->ndense ? &tr->dense[m->arg] : NULL;
}

static void flush_mix(box_acc *a)
{
    if (a->w->mix_cols == 0)
        return;
    uint32_t shown = 0;
    for (size_t k = 0; k < sizeof order; k++)
        shown += a->w->mix[order[k]];
    uint32_t acc = 0;
    for (size_t k = 0; k < sizeof order && shown > 0; k++) {
        uint32_t c = a->w->mix[order[k]];
        if (!c)
            continue;
        ui_box b = {.x0 = a->w->mix_x0, .x1 = a->w->mix_x1, .t0 = a->w->mix_t0,
                    .t1 = a->w->mix_t1, .state = order[k], .mixed = 1,
                    .arg = SIM_NO_TASK, .mark = a->w->mix_mark,
                    .y0 = (float)acc / shown, .y1 = (float)(acc + c) / shown};
        acc += c;
        a->emit(a->ud, &b);
        a->w->count++;
    }
    memset(a->w->mix, 0, sizeof a->w->mix);
    a->w->mix_cols = 0;
}

/* A sampled column: `weight` says how its MIX_UNIT splits over the
 * kinds (NULL: all of it to b->state). */
static void push_sampled(box_acc *a, const ui_box *b, const uint32_t *weight);

static void push(box_acc *a, const ui_box *b)
{
    if (a->w->stack && b->mixed) {
        push_sampled(a, b, NULL);
        return;
    }
    if (a->w->stack)
        flush_mix(a);
    if (b->state == SIM_ST_NONE || b->state == SIM_ST_IDLE) {
        flush(a);
        return;
    }
    /* Join with the previous box when they touch and agree. */
    if (a->w->have && a->w->cur.state == b->state && b->x0 <= a->w->cur.x1 + 0.5 &&
        (a->w->cur.arg == b->arg || a->w->cur.mixed || b->mixed)) {
        a->w->cur.x1 = b->x1;
        a->w->cur.t1 = b->t1;
        a->w->cur.mixed |= b->mixed;
        return;
    }
    flush(a);
    a->w->cur = *b;
    a->w->have = 1;
}

static void push_sampled(box_acc *a, const ui_box *b, const uint32_t *weight)
{
    if (a->w->mix_cols > 0 &&
        (b->x0 > a->w->mix_x1 + 0.5 || a->w->mix_cols >= UI_TL_MIX_RUN))
        flush_mix(a);
    if (a->w->mix_cols == 0) {
        flush(a);
        a->w->mix_x0 = b->x0;
        a->w->mix_t0 = b->t0;
        a->w->mix_mark = b->mark;
    }
    if (weight)
        for (int s = 0; s < SIM_ST__COUNT; s++)
            a->w->mix[s] += weight[s];
    else
        a->w->mix[b->state] += MIX_UNIT;
    a->w->mix_cols++;
    a->w->mix_x1 = b->x1;
    a->w->mix_t1 = b->t1;
}

/* The kinds' weights of a summarized mark: MIX_UNIT split by their shares
 * of its time. */
static void dense_weights(const sim_tdense *d, uint32_t weight[SIM_ST__COUNT])
{
    uint64_t all = 0;
    for (int s = 0; s < SIM_ST__COUNT; s++)
        all += d->ns[s];
    for (int s = 0; s < SIM_ST__COUNT; s++)
        weight[s] = all ? (uint32_t)((uint64_t)d->ns[s] * MIX_UNIT / all) : 0;
}

/* A summarized mark wider than a pixel: a band per kind it holds, as tall
 * as its share among the kinds drawn. */
static void push_dense_wide(box_acc *a, const ui_box *b, const sim_tdense *d)
{
    if (a->w->stack)
        flush_mix(a);
    flush(a);
    uint64_t shown = 0, acc = 0;
    for (size_t k = 0; k < sizeof order; k++)
        shown += d->ns[order[k]];
    for (size_t k = 0; k < sizeof order && shown > 0; k++) {
        uint32_t c = d->ns[order[k]];
        if (!c)
            continue;
        ui_box band = *b;
        band.state = order[k];
        band.mixed = 1;
        band.arg = SIM_NO_TASK;
        band.y0 = (float)((double)acc / (double)shown);
        band.y1 = (float)((double)(acc + c) / (double)shown);
        acc += c;
        a->emit(a->ud, &band);
        a->w->count++;
    }
}

size_t ui_timeline_boxes(const sim_trace *tr, uint32_t lane,
                         const ui_timemap *m, int64_t limit, int flags,
                         ui_box_fn emit, void *ud)
{
    ui_tl_walk w = {0};
    return ui_timeline_walk(tr, lane, m, limit, flags, emit, ud, &w, NULL);
}

size_t ui_timeline_walk(const sim_trace *tr, uint32_t lane,
                        const ui_timemap *m, int64_t limit, int flags,
                        ui_box_fn emit, void *ud, ui_tl_walk *w,
                        ui_tl_walk *safe)
{
    size_t count0 = w->count;
    if (safe)
        *safe = *w;
    if (lane >= tr->nlanes)
        return 0;
    const sim_lane *l = &tr->lanes[lane];
    int64_t vt0 = ui_tm_t(m, m->x0);
    int64_t vt1 = ui_tm_t_end(m) + 1;
    int64_t end = ui_trace_end(tr);
    /* Clipping at the limit is what a later, larger limit would do
     * differently; clipping at the view or the trace's end is not. */
    int64_t fixed = vt1 < end ? vt1 : end;
    if (limit < vt1)
        vt1 = limit;
    if (end < vt1)
        vt1 = end;
    if (vt0 < 0)
        vt0 = 0;
    box_acc acc = {.w = w, .emit = emit, .ud = ud};
    if (l->nmarks == 0 || vt1 <= vt0)
        return 0;
    size_t i, last;
    ui_lane_visible(tr, l, vt0, vt1, &i, &last);
    int64_t from = vt0; /* the walk has drawn everything before this time */
    if (w->started) {
        i = w->i;
        from = w->from;
    }
    w->started = 1;
    w->stack = (flags & UI_TL_STACK) != 0;
    int clipped = 0; /* a step so far was cut at the limit */
    double xl = m->x0, xr = (double)m->x0 + m->w;
    while (i < last) {
        if (safe && !clipped) {
            w->i = i;
            w->from = from;
            *safe = *w;
        }
        const sim_mark *mk = &l->marks[i];
        int64_t s = mk->t > from ? mk->t : from;
        int64_t e = sim_lane_seg_end(tr, l, i);
        if (e > vt1 && vt1 < fixed)
            clipped = 1;
        if (e > vt1)
            e = vt1;
        if (e <= s) {
            i++;
            continue;
        }
        double xs = ui_tm_x(m, s), xe = ui_tm_x(m, e);
        double col = floor(xs);
        if (xe - xs >= 1.0 || i + 1 >= l->nmarks) {
            ui_box b = {.x0 = xs < xl ? xl : xs, .x1 = xe > xr ? xr : xe,
                        .t0 = s, .t1 = e, .state = mk->state, .arg = mk->arg,
                        .mark = i, .y0 = 0, .y1 = 1};
            const sim_tdense *d = dense_of(tr, l, i);
            if (d)
                push_dense_wide(&acc, &b, d);
            else
                push(&acc, &b);
            from = e;
            i++;
            continue;
        }
        /* Sub-pixel: one box for the whole column, sampled at its middle. */
        int64_t tmid = ui_tm_t(m, col + 0.5);
        int64_t tnext = ui_tm_t(m, col + 1.0);
        if (tnext <= s)
            tnext = s + 1;
        if (tnext > vt1 && vt1 < fixed)
            clipped = 1;
        /* The mark in effect at the middle: the last one at or before it. */
        size_t j = gallop(l->marks, i + 1, l->nmarks, tmid + 1) - 1;
        ui_box b = {.x0 = col < xl ? xl : col,
                    .x1 = col + 1.0 > xr ? xr : col + 1.0,
                    .t0 = s, .t1 = tnext < vt1 ? tnext : vt1,
                    .state = l->marks[j].state, .mixed = 1,
                    .arg = l->marks[j].arg, .mark = i, .y0 = 0, .y1 = 1};
        const sim_tdense *d = dense_of(tr, l, j);
        if (d && w->stack) {
            uint32_t weight[SIM_ST__COUNT];
            dense_weights(d, weight);
            push_sampled(&acc, &b, weight);
        } else {
            if (d) {
                b.state = dense_major(d);
                b.arg = SIM_NO_TASK;
            }
            push(&acc, &b);
        }
        /* Resume at the column's end, from the mark in effect there. */
        size_t k = gallop(l->marks, j > i ? j : i + 1, l->nmarks, tnext);
        i = (k < l->nmarks && l->marks[k].t == tnext) ? k : k - 1;
        from = tnext;
    }
    if (safe && !clipped) {
        w->i = i;
        w->from = from;
        *safe = *w;
    }
    flush_mix(&acc);
    flush(&acc);
    return w->count - count0;
}

/* Binary search over an array sorted by a time: the index of the first
 * element whose time (an int64_t `off` bytes into each `stride`-byte
 * element) is >= t, or > t when `after`. */
static size_t search_time(const void *base, size_t n, size_t stride, size_t off,
                          int64_t t, int after)
{
    const char *b = base;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t v;
        memcpy(&v, b + mid * stride + off, sizeof v);
        if (after ? v <= t : v < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void ui_instants_visible(const sim_trace *tr, int64_t t0, int64_t t1,
                         size_t *first, size_t *last)
{
    size_t st = sizeof *tr->instants, off = offsetof(sim_tinstant, t);
    *first = search_time(tr->instants, tr->ninstants, st, off, t0, 0);
    *last = search_time(tr->instants, tr->ninstants, st, off, t1, 1);
}

void ui_flows_visible(const sim_trace *tr, int64_t t0, int64_t t1,
                      size_t *first, size_t *last)
{
    size_t st = sizeof *tr->flows, off = offsetof(sim_tflow, t1);
    *first = search_time(tr->flows, tr->nflows, st, off, t0, 0);
    *last = search_time(tr->flows, tr->nflows, st, off, t1, 1);
}
