/* trace.c - a trace's lanes, instants and flows: the arrays and their order.
 *
 * Every array here is kept sorted by time: a lane's marks, the instants,
 * the flows. Elements are appended in the order they come, nearly time
 * order; one that comes earlier than the last is put in its place, at
 * once (sim_trace_add_*) or, when a recording is ingested, once per call
 * for a whole batch (trace_ingest.c, order.h).
 */
#include "trace.h"
#include "order.h"
#include "pages.h"
#include "markpool.h"
#include "program.h"
#include "trace_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The trace's arrays: a megabyte or more in mappings of their own
 * (pages.h: grown by mremap, no copy), less in malloc's heap. Which one
 * is told by the size alone, so that every resize and every free agrees
 * without a flag. */
void sim_tr_free(void *p, size_t bytes)
{
    if (bytes >= SIM_PAGES_MIN)
        sim_pages_free(p, bytes);
    else
        free(p);
}

void *sim_tr_resize(void *p, size_t old_bytes, size_t new_bytes)
{
    int was_big = old_bytes >= SIM_PAGES_MIN, big = new_bytes >= SIM_PAGES_MIN;
    if (was_big && big)
        return sim_pages_resize(p, old_bytes, new_bytes);
    if (!was_big && !big)
        return realloc(p, new_bytes ? new_bytes : 1);
    void *q = big ? sim_pages_alloc(new_bytes) : malloc(new_bytes);
    if (!q)
        return NULL;
    if (p)
        memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
    sim_tr_free(p, old_bytes);
    return q;
}

/* Grows an array by half again each time, from 4: a task lane of six
 * marks (the common case) then holds exactly six, and a million lanes
 * waste no tens of megabytes in unused slots. */
int sim_tr_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap + *cap / 2 : 4;
    while (nc < need)
        nc += nc / 2;
    void *np = sim_tr_resize(*p, *cap * elem, nc * elem);
    if (!np)
        return -ENOMEM;
    *p = np;
    *cap = nc;
    return 0;
}

/* Releases a lane's marks, wherever they live: the pool (short lanes),
 * memory of their own (long ones), or the arena (borrowed: freed with it). */
static void lane_free(sim_trace *t, sim_lane *l)
{
    if (l->flags_ & SIM_TR_LANE_BORROWED)
        ;
    else if (l->flags_ & SIM_TR_LANE_POOLED)
        sim_markpool_put(t->pool_, l->marks, l->cap);
    else
        sim_tr_free(l->marks, (size_t)l->cap * sizeof *l->marks);
    l->flags_ &= (uint8_t)~(SIM_TR_LANE_BORROWED | SIM_TR_LANE_POOLED);
    l->marks = NULL;
    l->cap = 0;
}

/* Grows a lane by half again, as sim_tr_grow does. Up to
 * SIM_MARKPOOL_MAX marks a lane's marks are a slot of the trace's pool
 * (markpool.h); beyond, memory of their own. Marks borrowed from the
 * arena move out. */
static int lane_grow(sim_trace *t, sim_lane *l, size_t need)
{
    if (need <= l->cap)
        return 0;
    if (need > UINT32_MAX)
        return -ENOMEM;
    size_t nc = l->cap ? (size_t)l->cap + l->cap / 2 : 4;
    while (nc < need)
        nc += nc / 2;
    if (nc > UINT32_MAX)
        nc = UINT32_MAX;
    int pooled = nc <= SIM_MARKPOOL_MAX && sim_markpool_fits((uint32_t)nc);
    sim_mark *np;
    if (!pooled && !(l->flags_ & (SIM_TR_LANE_BORROWED | SIM_TR_LANE_POOLED))) {
        np = sim_tr_resize(l->marks, (size_t)l->cap * sizeof *np, nc * sizeof *np);
        if (!np)
            return -ENOMEM;
    } else {
        np = pooled ? sim_markpool_get(&t->pool_, (uint32_t)nc)
                    : sim_tr_resize(NULL, 0, nc * sizeof *np);
        if (!np)
            return -ENOMEM;
        if (l->nmarks)
            memcpy(np, l->marks, l->nmarks * sizeof *np);
        lane_free(t, l);
    }
    l->flags_ = (uint8_t)((l->flags_ & ~(SIM_TR_LANE_BORROWED | SIM_TR_LANE_POOLED)) |
                          (pooled ? SIM_TR_LANE_POOLED : 0));
    l->marks = np;
    l->cap = (uint32_t)nc;
    return 0;
}

int sim_trace_init(sim_trace *t, sim_model m, uint32_t ntasks, uint32_t nlanes)
{
    memset(t, 0, sizeof *t);
    t->model = m;
    t->end_ns = -1;
    t->mem_per_task_bytes = -1;
    t->deadlock.t = -1;
    if (nlanes < ntasks)
        return -EINVAL;
    if (nlanes) {
        size_t bytes = (size_t)nlanes * sizeof *t->lanes;
        t->lanes = bytes >= SIM_PAGES_MIN ? sim_pages_alloc(bytes) : calloc(nlanes, sizeof *t->lanes);
        if (!t->lanes)
            return -ENOMEM;
    }
    t->nlanes = nlanes;
    t->ntasks = ntasks;
    for (uint32_t i = 0; i < nlanes; i++) {
        t->lanes[i].kind = i < ntasks ? SIM_LANE_TASK : SIM_LANE_LOOP;
        t->lanes[i].index = i < ntasks ? i : 0;
        t->lanes[i].cpu_ns = -1;
    }
    return 0;
}

void sim_trace_deinit(sim_trace *t)
{
    for (uint32_t i = 0; i < t->nlanes; i++)
        if (!(t->lanes[i].flags_ & (SIM_TR_LANE_BORROWED | SIM_TR_LANE_POOLED)))
            sim_tr_free(t->lanes[i].marks, (size_t)t->lanes[i].cap * sizeof(sim_mark));
    sim_markpool_free(t->pool_); /* every pooled lane at once */
    sim_tr_free(t->lanes, (size_t)t->nlanes * sizeof *t->lanes);
    free(t->arena_);
    sim_tr_free(t->instants, t->cap_instants * sizeof *t->instants);
    sim_tr_free(t->flows, t->cap_flows * sizeof *t->flows);
    sim_tr_free(t->dense, t->cap_dense * sizeof *t->dense);
    sim_tr_ingest_free(t->ingest_);
    free(t->counters);
    free(t->counter_ids_);
    free(t->lock_names);
    free(t->names);
    sim_tprogram_free(t->program);
    memset(t, 0, sizeof *t);
    t->end_ns = -1;
    t->deadlock.t = -1;
}

/* ---- appending ---------------------------------------------------------- */

int sim_tr_append_mark(sim_trace *t, uint32_t lane, sim_mark m)
{
    sim_lane *l = &t->lanes[lane];
    if (lane_grow(t, l, (size_t)l->nmarks + 1))
        return -ENOMEM;
    l->marks[l->nmarks++] = m;
    t->nmarks_++;
    if (m.state < 32)
        t->states_seen |= 1u << m.state;
    if (m.t > t->now_ns)
        t->now_ns = m.t;
    return l->nmarks > 1 && m.t < l->marks[l->nmarks - 2].t;
}

int sim_tr_append_instant(sim_trace *t, sim_tinstant in)
{
    if (sim_tr_grow((void **)&t->instants, &t->cap_instants, t->ninstants + 1,
             sizeof *t->instants))
        return -ENOMEM;
    t->instants[t->ninstants++] = in;
    if (in.code < 32)
        t->instants_seen |= 1u << in.code;
    if (in.code == SIM_IN_DEADLOCK && t->deadlock.t < 0)
        t->deadlock.t = in.t;
    if (in.t > t->now_ns)
        t->now_ns = in.t;
    return t->ninstants > 1 && in.t < t->instants[t->ninstants - 2].t;
}

int sim_tr_append_flow(sim_trace *t, sim_tflow f)
{
    if (sim_tr_grow((void **)&t->flows, &t->cap_flows, t->nflows + 1, sizeof *t->flows))
        return -ENOMEM;
    t->flows[t->nflows++] = f;
    if (f.code < 32)
        t->flows_seen |= 1u << f.code;
    if (f.t1 > t->now_ns)
        t->now_ns = f.t1;
    return t->nflows > 1 && f.t1 < t->flows[t->nflows - 2].t1;
}

int sim_trace_add_mark(sim_trace *t, uint32_t lane, sim_mark m)
{
    if (lane >= t->nlanes)
        return -EINVAL;
    int late = sim_tr_append_mark(t, lane, m);
    if (late < 0)
        return late;
    sim_lane *l = &t->lanes[lane];
    if (late)
        sim_order_last(l->marks, l->nmarks, sizeof *l->marks, SIM_TR_MARK_KEY);
    return 0;
}

int sim_trace_add_instant(sim_trace *t, sim_tinstant in)
{
    if (in.lane >= t->nlanes)
        return -EINVAL;
    int late = sim_tr_append_instant(t, in);
    if (late < 0)
        return late;
    if (late)
        sim_order_last(t->instants, t->ninstants, sizeof *t->instants, SIM_TR_INSTANT_KEY);
    return 0;
}

int sim_trace_add_flow(sim_trace *t, sim_tflow f)
{
    if (f.lane0 >= t->nlanes || f.lane1 >= t->nlanes)
        return -EINVAL;
    int late = sim_tr_append_flow(t, f);
    if (late < 0)
        return late;
    if (late)
        sim_order_last(t->flows, t->nflows, sizeof *t->flows, SIM_TR_FLOW_KEY);
    return 0;
}

int sim_trace_reserve(sim_trace *t, size_t ninstants, size_t nflows)
{
    if (ninstants > t->cap_instants) {
        if (ninstants > SIZE_MAX / sizeof *t->instants)
            return -ENOMEM;
        sim_tinstant *p = sim_tr_resize(t->instants, t->cap_instants * sizeof *p,
                                     ninstants * sizeof *p);
        if (!p)
            return -ENOMEM;
        t->instants = p;
        t->cap_instants = ninstants;
    }
    if (nflows > t->cap_flows) {
        if (nflows > SIZE_MAX / sizeof *t->flows)
            return -ENOMEM;
        sim_tflow *p = sim_tr_resize(t->flows, t->cap_flows * sizeof *p, nflows * sizeof *p);
        if (!p)
            return -ENOMEM;
        t->flows = p;
        t->cap_flows = nflows;
    }
    return 0;
}

sim_mark *sim_trace_arena(sim_trace *t, size_t n)
{
    if (t->arena_ || n == 0 || n > SIZE_MAX / sizeof(sim_mark))
        return NULL;
    t->arena_ = malloc(n * sizeof(sim_mark));
    return t->arena_;
}

int sim_trace_lane_adopt(sim_trace *t, uint32_t lane, sim_mark *marks, uint32_t n)
{
    if (lane >= t->nlanes || t->lanes[lane].nmarks || !t->arena_)
        return -EINVAL;
    for (uint32_t i = 0; i < n; i++) {
        if (i && marks[i].t < marks[i - 1].t)
            return -EINVAL;
        if (marks[i].state < 32)
            t->states_seen |= 1u << marks[i].state;
    }
    sim_lane *l = &t->lanes[lane];
    lane_free(t, l);
    t->nmarks_ += n;
    l->marks = marks;
    l->nmarks = l->cap = n;
    l->flags_ |= SIM_TR_LANE_BORROWED;
    if (n && marks[n - 1].t > t->now_ns)
        t->now_ns = marks[n - 1].t;
    return 0;
}

long sim_lane_mark_at(const sim_lane *l, int64_t at)
{
    size_t lo = 0, hi = l->nmarks; /* first mark with t > at */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->marks[mid].t <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

int64_t sim_lane_seg_end(const sim_trace *t, const sim_lane *l, size_t i)
{
    if (i + 1 < l->nmarks)
        return l->marks[i + 1].t;
    return t->end_ns >= 0 ? t->end_ns : t->now_ns;
}
