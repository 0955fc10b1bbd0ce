/* trace_ingest.c - turning a recording into lanes of marks, live.
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
#include "trace_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

void sim_tr_ingest_free(struct sim_ingest *g)
{
    if (!g)
        return;
    free(g->seen);
    sim_tr_free(g->late, g->cap_late * sizeof *g->late);
    free(g->scratch.p);
    free(g);
}

/* Notes that array `which` got a late element; it is sorted up to `from`.
 * When the list cannot grow, the element is put in place at once (a
 * move, but no failure). */
static void note_late(sim_trace *t, uint32_t which, size_t from)
{
    struct sim_ingest *g = t->ingest_;
    if (sim_tr_grow((void **)&g->late, &g->cap_late, g->nlate + 1, sizeof *g->late) == 0) {
        g->late[g->nlate++] = (late_array){which, from};
        if (which == LATE_INSTANTS)
            g->instants_late = 1;
        else if (which == LATE_FLOWS)
            g->flows_late = 1;
        else
            t->lanes[which].flags_ |= SIM_TR_LANE_LATE;
        return;
    }
    if (which == LATE_INSTANTS)
        g->work += sim_order_last(t->instants, t->ninstants, sizeof *t->instants,
                                  SIM_TR_INSTANT_KEY);
    else if (which == LATE_FLOWS)
        g->work += sim_order_last(t->flows, t->nflows, sizeof *t->flows, SIM_TR_FLOW_KEY);
    else
        g->work += sim_order_last(t->lanes[which].marks, t->lanes[which].nmarks,
                                  sizeof(sim_mark), SIM_TR_MARK_KEY);
}

/* Puts every array noted late back in order. */
static void settle(sim_trace *t)
{
    struct sim_ingest *g = t->ingest_;
    for (size_t i = 0; i < g->nlate; i++) {
        late_array *a = &g->late[i];
        if (a->which == LATE_INSTANTS) {
            g->work += sim_order_tail(t->instants, t->ninstants, a->from,
                                      sizeof *t->instants, SIM_TR_INSTANT_KEY, &g->scratch);
        } else if (a->which == LATE_FLOWS) {
            g->work += sim_order_tail(t->flows, t->nflows, a->from, sizeof *t->flows,
                                      SIM_TR_FLOW_KEY, &g->scratch);
        } else {
            sim_lane *l = &t->lanes[a->which];
            g->work += sim_order_tail(l->marks, l->nmarks, a->from, sizeof *l->marks,
                                      SIM_TR_MARK_KEY, &g->scratch);
            l->flags_ &= (uint8_t)~SIM_TR_LANE_LATE;
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
    int64_t budget = t->budget_;
    int e = sim_trace_init(t, (sim_model)h->model, h->ntask_lanes, n);
    t->budget_ = budget;
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
    t->has_steps = 1; /* every engine notes them (step.h) */
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
    int late = sim_tr_append_mark(t, lane, m);
    if (late > 0 && !(t->lanes[lane].flags_ & SIM_TR_LANE_LATE))
        note_late(t, lane, t->lanes[lane].nmarks - 1);
    return late < 0 ? late : 0;
}

static int file_instant(sim_trace *t, sim_tinstant in)
{
    int late = sim_tr_append_instant(t, in);
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
        late = sim_tr_append_flow(t, f);
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

/* The first resolution a trace folds at, and the coarsest: a microsecond
 * holds a few cheap steps; past a second, a step could not be shown as a
 * share of its span (sim_tdense counts ns in 32 bits). */
#define FIRST_Q 1024
#define MAX_Q (1ll << 30)

/* When the trace holds more than its budget, folds what is too dense
 * (trace_dense.c): first at the resolution it has (what came since the
 * last fold), then at twice that, and so on, until it holds half its
 * budget, so that the next fold is as far away as this one was. The last
 * SIM_DENSE_HORIZON_NS of a live run stay as they are. */
static void maybe_fold(sim_trace *t)
{
    if (t->budget_ <= 0 || sim_trace_bytes(t) <= t->budget_)
        return;
    int64_t horizon = t->end_ns >= 0 ? INT64_MAX : t->now_ns - SIM_DENSE_HORIZON_NS;
    int64_t q = t->resolution_ns > 0 ? t->resolution_ns : FIRST_Q;
    for (;;) {
        if (sim_trace_fold(t, q, horizon) != 0)
            return; /* no memory for it: the trace stays as it is, exact */
        if (sim_trace_bytes(t) <= t->budget_ / 2 || q >= MAX_Q)
            return;
        q *= 2;
    }
}

/* Events taken between two releases when consuming: 2 MiB of recording,
 * so that a catch-up of millions of events gives memory
 * back while the trace grows, not only at the end. */
#define RELEASE_EVERY 65536u

/* Both ways of reading: `rel` is the same recording when its memory is to
 * be given back as it is read (sim_trace_consume), else NULL. */
static int ingest(sim_trace *t, const sim_rec *r, sim_rec *rel)
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
            if (rel && (g->seen[w] & (RELEASE_EVERY - 1)) == 0)
                sim_rec_release(rel, w, g->seen[w]);
        }
        if (rel)
            sim_rec_release(rel, w, g->seen[w]);
        dropped += atomic_load_explicit(&r->writers[w].overflow, memory_order_relaxed);
    }
    /* Sorted again before anyone reads, even after a failure. */
    settle(t);
    if (err)
        return err;
    t->dropped = dropped;
    t->rec_wait_ns = atomic_load_explicit(&r->head->waited_ns, memory_order_relaxed);
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
    maybe_fold(t);
    return 0;
}

int sim_trace_ingest(sim_trace *t, const sim_rec *r)
{
    return ingest(t, r, NULL);
}

int sim_trace_consume(sim_trace *t, sim_rec *r)
{
    return ingest(t, r, r);
}

uint64_t sim_trace_order_work(const sim_trace *t)
{
    return t->ingest_ ? t->ingest_->work : 0;
}
