/* trace.c - turning a recording into lanes of marks, live.
 *
 * The reader calls sim_trace_ingest as often as it likes (the window does
 * it every frame). Each call picks up, from every writer, the events
 * published since the previous call, and files them into their lanes.
 *
 * Events of one writer arrive in time order, but a lane can be written by
 * several writers (the GIL lane by every thread that takes the GIL; a task
 * lane by the parent and then by a worker process), and a writer may
 * publish a little later than another one that recorded after it. So
 * marks are inserted in time order, searching from the end: nearly always
 * an append, and a short move when an event was late.
 */
#include "trace.h"
#include "err.h"
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    void *np = realloc(*p, nc * elem);
    if (!np)
        return -ENOMEM;
    *p = np;
    *cap = nc;
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
        t->lanes = calloc(nlanes, sizeof *t->lanes);
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
        free(t->lanes[i].marks);
    free(t->lanes);
    free(t->instants);
    free(t->flows);
    free(t->seen_);
    free(t->counters);
    free(t->counter_ids_);
    free(t->lock_names);
    free(t->names);
    memset(t, 0, sizeof *t);
    t->end_ns = -1;
    t->deadlock.t = -1;
}

int sim_trace_add_mark(sim_trace *t, uint32_t lane, sim_mark m)
{
    if (lane >= t->nlanes)
        return -EINVAL;
    sim_lane *l = &t->lanes[lane];
    if (grow((void **)&l->marks, &l->cap, l->nmarks + 1, sizeof *l->marks))
        return -ENOMEM;
    size_t i = l->nmarks;
    while (i > 0 && l->marks[i - 1].t > m.t)
        i--;
    if (i < l->nmarks)
        memmove(&l->marks[i + 1], &l->marks[i], (l->nmarks - i) * sizeof *l->marks);
    l->marks[i] = m;
    l->nmarks++;
    if (m.state < 32)
        t->states_seen |= 1u << m.state;
    if (m.t > t->now_ns)
        t->now_ns = m.t;
    return 0;
}

int sim_trace_add_instant(sim_trace *t, sim_tinstant in)
{
    if (in.lane >= t->nlanes)
        return -EINVAL;
    if (grow((void **)&t->instants, &t->cap_instants, t->ninstants + 1,
             sizeof *t->instants))
        return -ENOMEM;
    size_t i = t->ninstants;
    while (i > 0 && t->instants[i - 1].t > in.t)
        i--;
    if (i < t->ninstants)
        memmove(&t->instants[i + 1], &t->instants[i],
                (t->ninstants - i) * sizeof *t->instants);
    t->instants[i] = in;
    t->ninstants++;
    if (in.code < 32)
        t->instants_seen |= 1u << in.code;
    if (in.code == SIM_IN_DEADLOCK && t->deadlock.t < 0)
        t->deadlock.t = in.t;
    if (in.t > t->now_ns)
        t->now_ns = in.t;
    return 0;
}

int sim_trace_add_flow(sim_trace *t, sim_tflow f)
{
    if (f.lane0 >= t->nlanes || f.lane1 >= t->nlanes)
        return -EINVAL;
    if (grow((void **)&t->flows, &t->cap_flows, t->nflows + 1, sizeof *t->flows))
        return -ENOMEM;
    size_t i = t->nflows;
    while (i > 0 && t->flows[i - 1].t1 > f.t1)
        i--;
    if (i < t->nflows)
        memmove(&t->flows[i + 1], &t->flows[i], (t->nflows - i) * sizeof *t->flows);
    t->flows[i] = f;
    t->nflows++;
    if (f.code < 32)
        t->flows_seen |= 1u << f.code;
    if (f.t1 > t->now_ns)
        t->now_ns = f.t1;
    return 0;
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
    t->seen_ = calloc(h->nwriters, sizeof *t->seen_);
    if (!t->seen_) {
        sim_trace_deinit(t);
        return -ENOMEM;
    }
    t->nwriters_ = h->nwriters;
    return 0;
}

static int apply(sim_trace *t, const sim_event *e)
{
    switch (e->type) {
    case SIM_EV_STATE: {
        sim_mark m = {.t = e->t, .arg = e->arg, .state = e->code, .cpu = e->cpu};
        /* A finished task's CPU time is recorded only when it is not zero
         * (a million waiting tasks need no million zeros): until a
         * TASK_CPU event says otherwise, a finished task used none. */
        if (e->code == SIM_ST_DONE && e->lane < t->ntasks && t->lanes[e->lane].cpu_ns < 0)
            t->lanes[e->lane].cpu_ns = 0;
        return sim_trace_add_mark(t, e->lane, m);
    }
    case SIM_EV_INSTANT: {
        sim_tinstant in = {.t = e->t, .lane = e->lane, .arg = e->arg, .code = e->code};
        return sim_trace_add_instant(t, in);
    }
    case SIM_EV_FLOW: {
        sim_tflow f = {.t0 = e->v, .t1 = e->t, .lane0 = e->from_lane,
                       .lane1 = e->lane, .code = e->code};
        return sim_trace_add_flow(t, f);
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
    if (!t->seen_) {
        int e = setup_from(t, r);
        if (e)
            return e;
    }
    /* Read the end first: if the run is over, every event is published. */
    int64_t end = atomic_load_explicit(&r->head->end_ns, memory_order_acquire);
    uint64_t dropped = 0;
    for (uint32_t w = 0; w < t->nwriters_; w++) {
        uint64_t n;
        const sim_event *ev = sim_rec_events(r, w, &n);
        for (uint64_t i = t->seen_[w]; i < n; i++) {
            int e = apply(t, &ev[i]);
            if (e == -ENOMEM)
                return e;
            t->seen_[w] = i + 1;
        }
        dropped += atomic_load_explicit(&r->writers[w].overflow, memory_order_relaxed);
    }
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
