/* trace.c - turning a recording into lanes of marks, live.
 *
 * The reader calls sim_trace_ingest as often as it likes (the window does
 * it every frame). Each call picks up, from every writer, the events
 * published since the previous call, and files them into their lanes.
 *
 * Events of one writer arrive nearly in time order, but a lane can be
 * written by several writers (the GIL lane by every thread that takes the
 * GIL; a task lane by the parent and then by a worker process), and a
 * writer may publish a little after another one that recorded later. So
 * an ingest appends every event to its array, notes each array that got
 * an event earlier than its last one ("late"), and at the end puts those
 * arrays back in order (order.h): the late tail is sorted and merged into
 * the part of the array it reaches back into. Readers only ever see sorted
 * arrays, and the cost of a call follows the events it took, not the size
 * of the trace.
 *
 * Why not wait until an event can no longer be late (the smallest of the
 * writers' latest times)? A writer that has nothing to say (a thread
 * waiting for I/O, a finished worker) would hold every lane back, and the
 * window would show nothing new until it spoke again.
 */
#include "trace.h"
#include "err.h"
#include "order.h"
#include "pages.h"
#include "workload.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    LANE_LATE = 1,      /* in the ingest's list of late arrays */
    LANE_BORROWED = 2,  /* marks lie in the trace's arena: not freed alone */
};

/* An array that got a late event during this ingest: a lane, the instants
 * or the flows, sorted up to `from`. */
#define LATE_INSTANTS UINT32_MAX
#define LATE_FLOWS (UINT32_MAX - 1)
typedef struct late_array {
    uint32_t which;   /* a lane, LATE_INSTANTS or LATE_FLOWS */
    size_t from;
} late_array;

struct sim_ingest {
    uint64_t *seen;          /* per writer: events taken so far */
    uint32_t nwriters;
    late_array *late;
    size_t nlate, cap_late;
    uint8_t instants_late, flows_late;
    sim_order_buf scratch;   /* kept between frames (a big one is freed) */
    uint64_t work;
};

/* The trace's arrays: a megabyte or more in huge pages (pages.h: a
 * million-task trace would otherwise fault in 4 KiB at a time), less in
 * malloc's heap. Which one is told by the size alone, so that every
 * resize and every free agrees without a flag. */
static void arr_free(void *p, size_t bytes)
{
    if (bytes >= SIM_PAGES_MIN)
        sim_pages_free(p, bytes);
    else
        free(p);
}

static void *arr_resize(void *p, size_t old_bytes, size_t new_bytes)
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
    arr_free(p, old_bytes);
    return q;
}

/* Grows an array by half again each time, from 4: a task lane of six
 * marks (the common case) then holds exactly six, and a million lanes
 * waste no tens of megabytes in unused slots. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap + *cap / 2 : 4;
    while (nc < need)
        nc += nc / 2;
    void *np = arr_resize(*p, *cap * elem, nc * elem);
    if (!np)
        return -ENOMEM;
    *p = np;
    *cap = nc;
    return 0;
}

/* The same for a lane, whose marks may be borrowed from the arena: those
 * move out to memory of their own. */
static int lane_grow(sim_lane *l, size_t need)
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
    sim_mark *np;
    if (l->flags_ & LANE_BORROWED) {
        np = arr_resize(NULL, 0, nc * sizeof *np);
        if (np && l->nmarks)
            memcpy(np, l->marks, l->nmarks * sizeof *np);
    } else {
        np = arr_resize(l->marks, (size_t)l->cap * sizeof *np, nc * sizeof *np);
    }
    if (!np)
        return -ENOMEM;
    l->flags_ &= (uint8_t)~LANE_BORROWED;
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

static void ingest_free(struct sim_ingest *g)
{
    if (!g)
        return;
    free(g->seen);
    arr_free(g->late, g->cap_late * sizeof *g->late);
    free(g->scratch.p);
    free(g);
}

void sim_trace_deinit(sim_trace *t)
{
    for (uint32_t i = 0; i < t->nlanes; i++)
        if (!(t->lanes[i].flags_ & LANE_BORROWED))
            arr_free(t->lanes[i].marks, (size_t)t->lanes[i].cap * sizeof(sim_mark));
    arr_free(t->lanes, (size_t)t->nlanes * sizeof *t->lanes);
    free(t->arena_);
    arr_free(t->instants, t->cap_instants * sizeof *t->instants);
    arr_free(t->flows, t->cap_flows * sizeof *t->flows);
    ingest_free(t->ingest_);
    free(t->counters);
    free(t->counter_ids_);
    free(t->lock_names);
    free(t->names);
    memset(t, 0, sizeof *t);
    t->end_ns = -1;
    t->deadlock.t = -1;
}

/* ---- appending ---------------------------------------------------------- */

/* Each append returns 1 when the element came earlier than the array's
 * last one (the caller then puts it in order), else 0, or -ENOMEM. */

static int append_mark(sim_trace *t, uint32_t lane, sim_mark m)
{
    sim_lane *l = &t->lanes[lane];
    if (lane_grow(l, (size_t)l->nmarks + 1))
        return -ENOMEM;
    l->marks[l->nmarks++] = m;
    if (m.state < 32)
        t->states_seen |= 1u << m.state;
    if (m.t > t->now_ns)
        t->now_ns = m.t;
    return l->nmarks > 1 && m.t < l->marks[l->nmarks - 2].t;
}

static int append_instant(sim_trace *t, sim_tinstant in)
{
    if (grow((void **)&t->instants, &t->cap_instants, t->ninstants + 1,
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

static int append_flow(sim_trace *t, sim_tflow f)
{
    if (grow((void **)&t->flows, &t->cap_flows, t->nflows + 1, sizeof *t->flows))
        return -ENOMEM;
    t->flows[t->nflows++] = f;
    if (f.code < 32)
        t->flows_seen |= 1u << f.code;
    if (f.t1 > t->now_ns)
        t->now_ns = f.t1;
    return t->nflows > 1 && f.t1 < t->flows[t->nflows - 2].t1;
}

#define MARK_KEY offsetof(sim_mark, t)
#define INSTANT_KEY offsetof(sim_tinstant, t)
#define FLOW_KEY offsetof(sim_tflow, t1)

int sim_trace_add_mark(sim_trace *t, uint32_t lane, sim_mark m)
{
    if (lane >= t->nlanes)
        return -EINVAL;
    int late = append_mark(t, lane, m);
    if (late < 0)
        return late;
    sim_lane *l = &t->lanes[lane];
    if (late)
        sim_order_last(l->marks, l->nmarks, sizeof *l->marks, MARK_KEY);
    return 0;
}

int sim_trace_add_instant(sim_trace *t, sim_tinstant in)
{
    if (in.lane >= t->nlanes)
        return -EINVAL;
    int late = append_instant(t, in);
    if (late < 0)
        return late;
    if (late)
        sim_order_last(t->instants, t->ninstants, sizeof *t->instants, INSTANT_KEY);
    return 0;
}

int sim_trace_add_flow(sim_trace *t, sim_tflow f)
{
    if (f.lane0 >= t->nlanes || f.lane1 >= t->nlanes)
        return -EINVAL;
    int late = append_flow(t, f);
    if (late < 0)
        return late;
    if (late)
        sim_order_last(t->flows, t->nflows, sizeof *t->flows, FLOW_KEY);
    return 0;
}

int sim_trace_reserve(sim_trace *t, size_t ninstants, size_t nflows)
{
    if (ninstants > t->cap_instants) {
        if (ninstants > SIZE_MAX / sizeof *t->instants)
            return -ENOMEM;
        sim_tinstant *p = arr_resize(t->instants, t->cap_instants * sizeof *p,
                                     ninstants * sizeof *p);
        if (!p)
            return -ENOMEM;
        t->instants = p;
        t->cap_instants = ninstants;
    }
    if (nflows > t->cap_flows) {
        if (nflows > SIZE_MAX / sizeof *t->flows)
            return -ENOMEM;
        sim_tflow *p = arr_resize(t->flows, t->cap_flows * sizeof *p, nflows * sizeof *p);
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
    if (!(l->flags_ & LANE_BORROWED))
        free(l->marks);
    l->marks = marks;
    l->nmarks = l->cap = n;
    l->flags_ |= LANE_BORROWED;
    if (n && marks[n - 1].t > t->now_ns)
        t->now_ns = marks[n - 1].t;
    return 0;
}

/* ---- ingesting ---------------------------------------------------------- */

/* Notes that array `which` got a late element; it is sorted up to `from`.
 * When the list cannot grow, the element is put in place at once (a
 * move, but no failure). */
static void note_late(sim_trace *t, uint32_t which, size_t from)
{
    struct sim_ingest *g = t->ingest_;
    if (grow((void **)&g->late, &g->cap_late, g->nlate + 1, sizeof *g->late) == 0) {
        g->late[g->nlate++] = (late_array){which, from};
        if (which == LATE_INSTANTS)
            g->instants_late = 1;
        else if (which == LATE_FLOWS)
            g->flows_late = 1;
        else
            t->lanes[which].flags_ |= LANE_LATE;
        return;
    }
    if (which == LATE_INSTANTS)
        g->work += sim_order_last(t->instants, t->ninstants, sizeof *t->instants,
                                  INSTANT_KEY);
    else if (which == LATE_FLOWS)
        g->work += sim_order_last(t->flows, t->nflows, sizeof *t->flows, FLOW_KEY);
    else
        g->work += sim_order_last(t->lanes[which].marks, t->lanes[which].nmarks,
                                  sizeof(sim_mark), MARK_KEY);
}

/* Puts every array noted late back in order. */
static void settle(sim_trace *t)
{
    struct sim_ingest *g = t->ingest_;
    for (size_t i = 0; i < g->nlate; i++) {
        late_array *a = &g->late[i];
        if (a->which == LATE_INSTANTS) {
            g->work += sim_order_tail(t->instants, t->ninstants, a->from,
                                      sizeof *t->instants, INSTANT_KEY, &g->scratch);
        } else if (a->which == LATE_FLOWS) {
            g->work += sim_order_tail(t->flows, t->nflows, a->from, sizeof *t->flows,
                                      FLOW_KEY, &g->scratch);
        } else {
            sim_lane *l = &t->lanes[a->which];
            g->work += sim_order_tail(l->marks, l->nmarks, a->from, sizeof *l->marks,
                                      MARK_KEY, &g->scratch);
            l->flags_ &= (uint8_t)~LANE_LATE;
        }
    }
    g->nlate = 0;
    g->instants_late = g->flows_late = 0;
    /* Frame after frame the scratch is small and kept; the one a whole
     * run's worth of events needed at once is given back. */
    if (g->scratch.cap > (1u << 20)) {
        free(g->scratch.p);
        g->scratch = (sim_order_buf){0};
    }
}

/* The first ingest: lanes as the recording declares them. */
static int setup_from(sim_trace *t, const sim_rec *r)
{
    const sim_rec_head *h = r->head;
    uint32_t n = h->ntask_lanes + h->nres_lanes;
    /* Names set before the first ingest (sim_trace_set_names) are kept. */
    sim_tcounter *counters = t->counters;
    uint32_t *ids = t->counter_ids_, ncounters = t->ncounters, nlock_names = t->nlock_names;
    char(*lock_names)[32] = t->lock_names;
    sim_tname *names = t->names;
    uint32_t nnames = t->nnames;
    int e = sim_trace_init(t, (sim_model)h->model, h->ntask_lanes, n);
    t->counters = counters;
    t->counter_ids_ = ids;
    t->ncounters = ncounters;
    t->lock_names = lock_names;
    t->nlock_names = nlock_names;
    t->names = names;
    t->nnames = nnames;
    t->outcome = SIM_OUTCOME_RUNNING;
    if (e)
        return e;
    uint32_t per_kind[8] = {0};
    for (uint32_t j = 0; j < h->nres_lanes; j++) {
        uint8_t k = r->res_kind[j] < 8 ? r->res_kind[j] : SIM_LANE_LOOP;
        t->lanes[h->ntask_lanes + j].kind = k;
        t->lanes[h->ntask_lanes + j].index = per_kind[k]++;
    }
    struct sim_ingest *g = calloc(1, sizeof *g);
    if (g)
        g->seen = calloc(h->nwriters ? h->nwriters : 1, sizeof *g->seen);
    if (!g || !g->seen) {
        free(g);
        sim_trace_deinit(t);
        return -ENOMEM;
    }
    g->nwriters = h->nwriters;
    t->ingest_ = g;
    return 0;
}

/* Files one mark of lane `lane` (< nlanes). Returns 0 or -ENOMEM. */
static int file_mark(sim_trace *t, uint32_t lane, sim_mark m)
{
    /* A finished task's CPU time is recorded only when it is not zero
     * (a million waiting tasks need no million zeros): until a TASK_CPU
     * event says otherwise, a finished task used none. */
    if (m.state == SIM_ST_DONE && lane < t->ntasks && t->lanes[lane].cpu_ns < 0)
        t->lanes[lane].cpu_ns = 0;
    int late = append_mark(t, lane, m);
    if (late > 0 && !(t->lanes[lane].flags_ & LANE_LATE))
        note_late(t, lane, t->lanes[lane].nmarks - 1);
    return late < 0 ? late : 0;
}

static int file_instant(sim_trace *t, sim_tinstant in)
{
    int late = append_instant(t, in);
    if (late > 0 && !t->ingest_->instants_late)
        note_late(t, LATE_INSTANTS, t->ninstants - 1);
    return late < 0 ? late : 0;
}

/* Files one event. Returns 0 or -ENOMEM. */
static int apply(sim_trace *t, const sim_event *e)
{
    struct sim_ingest *g = t->ingest_;
    int late, rc;
    switch (e->type) {
    case SIM_EV_STATE:
        if (e->lane >= t->nlanes)
            return 0;
        return file_mark(t, e->lane,
                         (sim_mark){.t = e->t, .arg = e->arg, .state = e->code, .cpu = e->cpu});
    case SIM_EV_RUN:
        if (e->lane >= t->nlanes || e->from_lane >= t->nlanes)
            return 0;
        rc = file_mark(t, e->lane,
                       (sim_mark){.t = e->t, .arg = e->arg, .state = e->code, .cpu = e->cpu});
        if (rc == 0)
            rc = file_mark(t, e->from_lane, (sim_mark){.t = e->t, .arg = e->lane,
                                                       .state = e->code, .cpu = e->cpu});
        return rc;
    case SIM_EV_STATE_INSTANT:
        if (e->lane >= t->nlanes)
            return 0;
        rc = file_instant(t, (sim_tinstant){.t = e->t, .lane = e->lane,
                                            .arg = (uint32_t)e->v,
                                            .code = (uint8_t)e->from_lane});
        if (rc == 0)
            rc = file_mark(t, e->lane, (sim_mark){.t = e->t, .arg = e->arg,
                                                  .state = e->code, .cpu = e->cpu});
        return rc;
    case SIM_EV_STATE_RANGE:
        for (uint32_t l = e->lane; l < e->from_lane && l < t->nlanes; l++)
            if ((rc = file_mark(t, l, (sim_mark){.t = e->t, .arg = e->arg,
                                                 .state = e->code, .cpu = e->cpu})) != 0)
                return rc;
        return 0;
    case SIM_EV_INSTANT:
        if (e->lane >= t->nlanes)
            return 0;
        return file_instant(t, (sim_tinstant){.t = e->t, .lane = e->lane, .arg = e->arg,
                                              .code = e->code});
    case SIM_EV_FLOW: {
        if (e->lane >= t->nlanes || e->from_lane >= t->nlanes)
            return 0;
        sim_tflow f = {.t0 = e->v, .t1 = e->t, .lane0 = e->from_lane,
                       .lane1 = e->lane, .code = e->code};
        late = append_flow(t, f);
        if (late > 0 && !g->flows_late)
            note_late(t, LATE_FLOWS, t->nflows - 1);
        return late < 0 ? late : 0;
    }
    case SIM_EV_TASK_CPU:
        if (e->lane < t->nlanes)
            t->lanes[e->lane].cpu_ns = e->v;
        return 0;
    case SIM_EV_COUNTER:
        /* arg is the variable's index among the workload's names; the
         * counters keep the same order, variables only. */
        for (uint32_t i = 0; t->counter_ids_ && i < t->ncounters; i++)
            if (t->counter_ids_[i] == e->arg) {
                t->counters[i].final = e->v;
                t->counters[i].has_final = 1;
            }
        return 0;
    case SIM_EV_MESSAGES:
        t->messages += e->arg;
        t->message_bytes += (uint64_t)e->v;
        return 0;
    case SIM_EV_WAIT_FOR:
        if (t->deadlock.nlinks < SIM_DEADLOCK_MAX_LINKS)
            t->deadlock.links[t->deadlock.nlinks++] =
                (sim_twait){.task = e->lane, .name = e->arg, .holder = e->from_lane};
        if (t->deadlock.t < 0)
            t->deadlock.t = e->t;
        return 0;
    default:
        return 0; /* unknown events are skipped, not fatal */
    }
}

int sim_trace_ingest(sim_trace *t, const sim_rec *r)
{
    if (!r || !r->head)
        return -EINVAL;
    if (!t->ingest_) {
        int e = setup_from(t, r);
        if (e)
            return e;
    }
    struct sim_ingest *g = t->ingest_;
    /* Read the end first: if the run is over, every event is published. */
    int64_t end = atomic_load_explicit(&r->head->end_ns, memory_order_acquire);
    uint64_t dropped = 0;
    int err = 0;
    for (uint32_t w = 0; w < g->nwriters && !err; w++) {
        uint64_t n;
        const sim_event *ev = sim_rec_events(r, w, &n);
        for (uint64_t i = g->seen[w]; i < n; i++) {
            if ((err = apply(t, &ev[i])) != 0)
                break;
            g->seen[w] = i + 1;
        }
        dropped += atomic_load_explicit(&r->writers[w].overflow, memory_order_relaxed);
    }
    /* Sorted again before anyone reads, even after a failure. */
    settle(t);
    if (err)
        return err;
    t->dropped = dropped;
    if (end >= 0) {
        t->end_ns = end;
        t->outcome = sim_outcome_of((int)atomic_load(&r->head->result));
        if (end > t->now_ns)
            t->now_ns = end;
    } else {
        int64_t now = sim_rec_now(r);
        if (now > t->now_ns)
            t->now_ns = now;
    }
    return 0;
}

uint64_t sim_trace_order_work(const sim_trace *t)
{
    return t->ingest_ ? t->ingest_->work : 0;
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

int sim_trace_set_names(sim_trace *t, const struct sim_workload *w)
{
    uint32_t nv = 0, nl = 0;
    for (size_t i = 0; i < w->nnames; i++) {
        nv += w->names[i].kind == SIM_NAME_VAR;
        nl += w->names[i].kind == SIM_NAME_LOCK;
    }
    sim_tcounter *c = nv ? calloc(nv, sizeof *c) : NULL;
    uint32_t *ids = nv ? calloc(nv, sizeof *ids) : NULL;
    char(*ln)[32] = nl ? calloc(nl, sizeof *ln) : NULL;
    sim_tname *names = w->nnames ? calloc(w->nnames, sizeof *names) : NULL;
    if ((nv && (!c || !ids)) || (nl && !ln) || (w->nnames && !names)) {
        free(c);
        free(ids);
        free(ln);
        free(names);
        return -ENOMEM;
    }
    uint32_t kv = 0, kl = 0;
    for (size_t i = 0; i < w->nnames; i++) {
        const sim_name *nm = &w->names[i];
        snprintf(names[i].name, sizeof names[i].name, "%s", nm->name);
        names[i].kind = nm->kind;
        names[i].permits = nm->permits;
        if (nm->kind == SIM_NAME_VAR) {
            snprintf(c[kv].name, sizeof c[kv].name, "%s", nm->name);
            c[kv].expected = nm->updates > (uint64_t)INT64_MAX ? INT64_MAX
                                                               : (int64_t)nm->updates;
            c[kv].shared = nm->shared;
            ids[kv++] = (uint32_t)i;
        } else if (nm->kind == SIM_NAME_LOCK) {
            snprintf(ln[kl++], sizeof ln[0], "%s", nm->name);
        }
    }
    free(t->counters);
    free(t->counter_ids_);
    free(t->lock_names);
    free(t->names);
    t->names = names;
    t->nnames = (uint32_t)w->nnames;
    t->counters = c;
    t->counter_ids_ = ids;
    t->ncounters = nv;
    t->lock_names = ln;
    t->nlock_names = nl;
    return 0;
}

int sim_trace_add_counter(sim_trace *t, const sim_tcounter *c)
{
    for (uint32_t i = 0; i < t->ncounters; i++)
        if (strcmp(t->counters[i].name, c->name) == 0) {
            t->counters[i] = *c;
            return 0;
        }
    sim_tcounter *nc = realloc(t->counters, (t->ncounters + 1) * sizeof *nc);
    if (!nc)
        return -ENOMEM;
    t->counters = nc;
    uint32_t *ids = realloc(t->counter_ids_, (t->ncounters + 1) * sizeof *ids);
    if (!ids)
        return -ENOMEM;
    t->counter_ids_ = ids;
    ids[t->ncounters] = UINT32_MAX;
    nc[t->ncounters++] = *c;
    return 0;
}

size_t sim_lane_name(const sim_trace *t, uint32_t lane, char *buf, size_t n)
{
    if (lane >= t->nlanes)
        return (size_t)snprintf(buf, n, "lane %u", lane);
    const sim_lane *l = &t->lanes[lane];
    int k;
    switch (l->kind) {
    case SIM_LANE_TASK: k = snprintf(buf, n, "task %u", l->index); break;
    case SIM_LANE_LOOP: k = snprintf(buf, n, "event loop"); break;
    case SIM_LANE_GIL: k = snprintf(buf, n, "GIL"); break;
    case SIM_LANE_MAIN:
        k = snprintf(buf, n, t->model == SIM_MODEL_MULTIPROCESSING ? "main process"
                                                                    : "main thread");
        break;
    case SIM_LANE_WORKER: k = snprintf(buf, n, "worker %u", l->index); break;
    case SIM_LANE_CORE: k = snprintf(buf, n, "core %u", l->index); break;
    case SIM_LANE_LOCK:
        if (l->index < t->nlock_names)
            k = snprintf(buf, n, "lock %s", t->lock_names[l->index]);
        else
            k = snprintf(buf, n, "lock %u", l->index);
        break;
    case SIM_LANE_EXECUTOR: k = snprintf(buf, n, "executor %u", l->index); break;
    default: k = snprintf(buf, n, "lane %u", lane); break;
    }
    return k < 0 ? 0 : (size_t)k;
}

const char *sim_state_name(sim_state s)
{
    static const char *const names[SIM_ST__COUNT] = {
        [SIM_ST_NONE] = "none",
        [SIM_ST_READY] = "ready",
        [SIM_ST_RUNNING] = "running",
        [SIM_ST_IO] = "waiting for I/O",
        [SIM_ST_DONE] = "done",
        [SIM_ST_IDLE] = "idle",
        [SIM_ST_STARTING] = "starting",
        [SIM_ST_LOST] = "lost",
        [SIM_ST_LOCK] = "waiting for a lock",
        [SIM_ST_SEM] = "waiting for a semaphore",
        [SIM_ST_QUEUE] = "waiting on a queue",
        [SIM_ST_RECV] = "receiving a task",
        [SIM_ST_SEND] = "sending a result",
    };
    return (unsigned)s < SIM_ST__COUNT ? names[s] : "unknown";
}

const char *sim_instant_name(sim_instant i)
{
    static const char *const names[SIM_IN__COUNT] = {
        [SIM_IN_AWAIT] = "await",
        [SIM_IN_DROP_REQUEST] = "drop request",
        [SIM_IN_SPAWN] = "process spawn",
        [SIM_IN_EXIT] = "process exit",
        [SIM_IN_LOST] = "process lost",
        [SIM_IN_DEADLOCK] = "deadlock",
    };
    return (unsigned)i < SIM_IN__COUNT ? names[i] : "unknown";
}

const char *sim_flow_name(sim_flow f)
{
    static const char *const names[SIM_FL__COUNT] = {
        [SIM_FL_HANDOFF] = "GIL hand-off",
        [SIM_FL_DISPATCH] = "task sent to a worker",
        [SIM_FL_RESULT] = "result sent back",
        [SIM_FL_MESSAGE] = "queue item",
    };
    return (unsigned)f < SIM_FL__COUNT ? names[f] : "unknown";
}

/* ---- outcomes ---- */

sim_outcome sim_outcome_of(int result)
{
    switch (result) {
    case SIM_OK: return SIM_OUTCOME_OK;
    case SIM_E_DEADLOCK: return SIM_OUTCOME_DEADLOCK;
    case SIM_E_TIMEOUT: return SIM_OUTCOME_TIMEOUT;
    case SIM_E_CANCELLED: return SIM_OUTCOME_CANCELLED;
    case SIM_E_LOST: return SIM_OUTCOME_LOST;
    case SIM_E_MEMLIMIT: return SIM_OUTCOME_MEMLIMIT;
    default: return SIM_OUTCOME_FAILED;
    }
}

static const char *const outcome_names[SIM_OUTCOME__COUNT][2] = {
    [SIM_OUTCOME_OK] = {"finished", "finished"},
    [SIM_OUTCOME_RUNNING] = {"running", "running"},
    [SIM_OUTCOME_DEADLOCK] = {"deadlock", "deadlock"},
    [SIM_OUTCOME_TIMEOUT] = {"stopped (timeout)", "timeout"},
    [SIM_OUTCOME_CANCELLED] = {"stopped", "cancelled"},
    [SIM_OUTCOME_LOST] = {"a worker died", "lost"},
    [SIM_OUTCOME_MEMLIMIT] = {"stopped (memory budget)", "memory"},
    [SIM_OUTCOME_FAILED] = {"failed", "failed"},
    [SIM_OUTCOME_NOT_RUN] = {"not run", "not-run"},
};

const char *sim_outcome_name(sim_outcome o)
{
    return (unsigned)o < SIM_OUTCOME__COUNT ? outcome_names[o][0] : "unknown";
}

const char *sim_outcome_key(sim_outcome o)
{
    return (unsigned)o < SIM_OUTCOME__COUNT ? outcome_names[o][1] : "failed";
}

int sim_outcome_parse(const char *key, sim_outcome *o)
{
    for (int i = 0; i < SIM_OUTCOME__COUNT; i++)
        if (strcmp(key, outcome_names[i][1]) == 0) {
            *o = (sim_outcome)i;
            return 0;
        }
    return -1;
}
