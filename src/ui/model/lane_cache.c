/* lane_cache.c - keeping each lane's boxes between frames (see the header).
 *
 * The key must change whenever the picture of the lane could. The timemap,
 * sizes and flags are compared exactly. The trace is harder: a new run may
 * reuse the same sim_trace, and even the same marks buffer. So the key
 * holds the marks pointer, their count, the end and "now" times, and a
 * signature of at most 16 marks spread over the lane, plus its last one. Two different traces
 * that agree on all of that would fool it; runs measured in nanoseconds
 * practically never do, and a test fixture that wants certainty turns the
 * cache off (ui_ctx.lane_cache_off).
 */
#include "lane_cache.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

void ui_lane_key_make(ui_lane_key *k, const sim_trace *tr, uint32_t lane,
                      const ui_timemap *m, int row_h, int small_px,
                      int flags, int resource)
{
    memset(k, 0, sizeof *k);
    const sim_lane *l = &tr->lanes[lane];
    k->tr = tr;
    k->marks = l->marks;
    k->nmarks = l->nmarks;
    k->end = tr->end_ns;
    k->now = tr->now_ns;
    uint64_t h = 0;
    size_t step = l->nmarks / 16 + 1;
    for (size_t i = 0; i < l->nmarks; i += step) {
        const sim_mark *mk = &l->marks[i];
        h = mix64(h, (uint64_t)mk->t);
        h = mix64(h, ((uint64_t)mk->arg << 8) | mk->state);
    }
    if (l->nmarks)
        h = mix64(h, (uint64_t)l->marks[l->nmarks - 1].t);
    k->sig = h;
    k->t0 = m->t0;
    k->ns_per_px = m->ns_per_px;
    k->x0 = m->x0;
    k->w = m->w;
    k->row_h = row_h;
    k->small_px = small_px;
    k->flags = flags;
    k->resource = resource;
    k->lane = lane;
}

void ui_lane_cache_begin(ui_lane_cache *e, const ui_lane_key *k,
                         int64_t limit, ui_tl_walk *w)
{
    /* A limit that moved left (a rewind) may have cut boxes that the kept
     * ones already join across: start over. */
    if (!e->valid || limit < e->limit || memcmp(&e->key, k, sizeof *k) != 0) {
        memcpy(&e->key, k, sizeof *k);
        memset(&e->safe, 0, sizeof e->safe);
        e->n = 0;
        e->nlabels = 0;
        e->valid = 1;
    }
    e->oom = 0;
    *w = e->safe;
}

void ui_lane_cache_add(ui_lane_cache *e, ui_rect rel, int slot)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 256;
        ui_lane_rect *nr = realloc(e->rects, sizeof *nr * cap);
        if (!nr) {
            e->oom = 1; /* this box is not drawn; the entry is dropped */
            return;
        }
        e->rects = nr;
        e->cap = cap;
    }
    e->rects[e->n++] = (ui_lane_rect){rel, slot};
}

void ui_lane_cache_end(ui_lane_cache *e, const ui_tl_walk *safe, int64_t limit)
{
    if (e->oom || safe->count > e->n) {
        e->valid = 0;
        return;
    }
    e->n = safe->count;
    int k = 0;
    for (int i = 0; i < e->nlabels; i++)
        if (e->labels[i].box < e->n)
            e->labels[k++] = e->labels[i];
    e->nlabels = k;
    e->safe = *safe;
    e->limit = limit;
}

void ui_lane_cache_free(ui_lane_cache *e)
{
    free(e->rects);
    memset(e, 0, sizeof *e);
}
