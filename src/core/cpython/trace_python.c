/* trace_python.c - lanes derived from what a Python program recorded.
 *
 * trace_python.h says what is derived and what is inferred. The shape of
 * the work: each task's entries, in the order its code ran them, become
 * the marks of its lane (a small state machine that adds a mark only when
 * the state changes); the resource lanes (the loop, executors, workers,
 * locks) are intervals collected from every task, sorted, and written as
 * RUNNING(task) / IDLE marks. Times become nanoseconds from the program's
 * start, clamped into the run, so that a late or early clock reading
 * cannot put a mark before the one it follows.
 */
#include "trace_python.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pyprog.h"

/* A difference this small is the clocks' and the kernel's, not a wait. */
#define NOISE_NS 50000ll


static int worth(int64_t extra, int64_t whole)
{
    return extra > NOISE_NS && extra * 100 > whole;
}

/* A lane being written: its last state, so that equal marks merge. */
typedef struct pen {
    sim_trace *t;
    uint32_t lane;
    int64_t last_t;
    int state, flags;
    uint32_t arg;
} pen;

static int put(pen *p, int64_t t, int state, int flags, uint32_t arg)
{
    if (t < p->last_t)
        t = p->last_t;
    if (state == p->state && flags == p->flags && arg == p->arg)
        return 0;
    sim_lane *l = &p->t->lanes[p->lane];
    if (l->nmarks && l->marks[l->nmarks - 1].t == t) {
        /* A segment of no length: the new state replaces it, and merges
         * with the one before if they are the same. */
        l->nmarks--;
        const sim_mark *prev = l->nmarks ? &l->marks[l->nmarks - 1] : NULL;
        if (prev && prev->state == state && prev->flags == flags && prev->arg == arg) {
            p->state = state;
            p->flags = flags;
            p->arg = arg;
            p->last_t = prev->t;
            return 0;
        }
    }
    p->last_t = t;
    p->state = state;
    p->flags = flags;
    p->arg = arg;
    sim_mark m = {.t = t, .arg = arg, .state = (uint8_t)state, .flags = (uint8_t)flags,
                  .cpu = SIM_NO_CPU};
    return sim_trace_add_mark(p->t, p->lane, m);
}

/* ns from the program's start, within [0, end]. */
static int64_t rel(const sim_pyrec *r, int64_t t, int64_t end)
{
    int64_t v = t - r->origin;
    return v < 0 ? 0 : v > end ? end : v;
}

/* An interval of a resource lane: busy with `task` over [t0, t1). */
typedef struct span {
    int64_t t0, t1;
    uint32_t task;
    uint32_t lane;      /* which resource lane, from the first one of its kind */
} span;

typedef struct spans {
    span *v;
    size_t n, cap;
} spans;

static int add_span(spans *s, int64_t t0, int64_t t1, uint32_t task, uint32_t lane)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        span *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv)
            return SIM_E_NOMEM;
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = (span){t0, t1 < t0 ? t0 : t1, task, lane};
    return 0;
}

static int by_lane_then_start(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->lane != y->lane)
        return x->lane < y->lane ? -1 : 1;
    return (x->t0 > y->t0) - (x->t0 < y->t0);
}

/* Writes spans as RUNNING(task) / IDLE marks, lane by lane, each lane
 * IDLE from `idle_from` (or from its first span). */
static int write_spans(sim_trace *t, spans *s, uint32_t first_lane, int64_t idle_from)
{
    if (s->n)  /* qsort's array may not be NULL, even when empty */
        qsort(s->v, s->n, sizeof *s->v, by_lane_then_start);
    int e = 0;
    for (size_t i = 0; !e && i < s->n; i++) {
        const span *sp = &s->v[i];
        int first = i == 0 || s->v[i - 1].lane != sp->lane;
        pen p = {t, first_lane + sp->lane, 0, -1, 0, 0};
        if (!first) {
            const sim_lane *l = &t->lanes[p.lane];
            const sim_mark *m = &l->marks[l->nmarks - 1];
            p = (pen){t, p.lane, m->t, m->state, m->flags, m->arg};
        } else if (idle_from >= 0 && idle_from < sp->t0) {
            e = put(&p, idle_from, SIM_ST_IDLE, 0, SIM_NO_TASK);
        }
        if (!e)
            e = put(&p, sp->t0, SIM_ST_RUNNING, 0, sp->task);
        int next_at_end = i + 1 < s->n && s->v[i + 1].lane == sp->lane &&
                          s->v[i + 1].t0 <= sp->t1;
        if (!e && !next_at_end)
            e = put(&p, sp->t1, SIM_ST_IDLE, 0, SIM_NO_TASK);
    }
    return e;
}

/* Everything the derivation gathers on its way through the tasks. */
typedef struct derive {
    const sim_pyrec *r;
    const sim_workload *w;
    sim_trace *t;
    int64_t end;                 /* the run's end, ns from its start */
    spans loop, threads, locks;  /* resource intervals */
    int64_t *tids;               /* executor threads seen, in order */
    const sim_group *mapped;     /* the group exec_of describes */
    uint32_t *exec_of;           /* sim_pyrec_body_map of that group */
    size_t cap_exec;
    size_t ntids, cap_tids;
    uint32_t *lock_of;           /* workload name -> lock lane number, or UINT32_MAX */
    uint32_t nlocks;
    uint64_t gets;
} derive;

/* The executor lane of thread `tid` (numbered in order of appearance). */
static long thread_lane(derive *d, int64_t tid)
{
    for (size_t i = 0; i < d->ntids; i++)
        if (d->tids[i] == tid)
            return (long)i;
    if (d->ntids == d->cap_tids) {
        size_t nc = d->cap_tids ? d->cap_tids * 2 : 8;
        int64_t *nv = realloc(d->tids, nc * sizeof *nv);
        if (!nv)
            return -1;
        d->tids = nv;
        d->cap_tids = nc;
    }
    d->tids[d->ntids] = tid;
    return (long)d->ntids++;
}

/* The state a wait step puts its task in while it waits. */
static int wait_state(const derive *d, const sim_op *op)
{
    switch (op->kind) {
    case SIM_OP_IO:
    case SIM_OP_EXEC: return SIM_ST_IO;
    case SIM_OP_YIELD: return SIM_ST_READY;
    case SIM_OP_GET: return SIM_ST_QUEUE;
    case SIM_OP_ACQUIRE:
        return d->w->names[op->b].kind == SIM_NAME_SEM ? SIM_ST_SEM : SIM_ST_LOCK;
    default: return -1; /* put, release: the task goes on running */
    }
}

/* One task's lane, from its entries; collects the resource intervals.
 * Returns 0 or SIM_E_NOMEM. */
static int task_lane(derive *d, uint32_t id)
{
    const sim_pyrec_task *rt = &d->r->tasks[id];
    const sim_group *g = sim_workload_group_of(d->w, id);
    pen p = {d->t, id, 0, -1, 0, 0};
    int e = put(&p, 0, SIM_ST_READY, SIM_MARK_INFERRED, 0);
    if (e || !rt->seen)
        return e;
    if (d->mapped != g) {
        size_t len = 1;
        while (d->w->ops[g->prog + len - 1].kind != SIM_OP_END)
            len++;
        if (len > d->cap_exec) {
            uint32_t *nv = realloc(d->exec_of, len * sizeof *nv);
            if (!nv)
                return SIM_E_NOMEM;
            d->exec_of = nv;
            d->cap_exec = len;
        }
        sim_pyrec_body_map(d->w, g, d->exec_of, len);
        d->mapped = g;
    }
    int64_t start = rel(d->r, rt->t0, d->end), held = start, cpu = 0;
    int async = d->r->model == SIM_MODEL_ASYNCIO;
    uint64_t acquired[SIM_MAX_NAMES]; /* per lock: when the task took it (+1) */
    memset(acquired, 0, sizeof acquired);
    e = put(&p, start, SIM_ST_RUNNING, 0, 0);
    long body_lane = -1;
    int64_t body_start = 0;
    for (size_t i = 0; !e && i < rt->ne; i++) {
        const sim_pyrec_entry *en = &rt->e[i];
        const sim_op *op = &d->w->ops[g->prog + en->pc];
        int64_t a = rel(d->r, en->a, d->end), b = rel(d->r, en->b, d->end);
        if (en->c == -2 || en->c == -3) { /* a thread(...) body on an executor lane */
            if (en->c == -2) {
                body_lane = thread_lane(d, en->b);
                body_start = a;
                if (body_lane < 0)
                    e = SIM_E_NOMEM;
            } else if (body_lane >= 0) {
                e = add_span(&d->threads, body_start, a, id, (uint32_t)body_lane);
                body_lane = -1;
            }
            continue;
        }
        /* the steps of an executor body are the executor's, not the task's */
        if (async && d->exec_of[en->pc] != UINT32_MAX)
            continue;
        if (b < a)
            b = a;
        if (op->kind == SIM_OP_CPU || op->kind == SIM_OP_LOOP) {
            int64_t wall = b - a;
            int64_t c = en->c >= 0 ? en->c : op->kind == SIM_OP_CPU ? op->a : wall;
            if (c > wall)
                c = wall;
            cpu += c;
            /* With a wait worth drawing, both parts are inferred: the step
             * ran for its CPU time and waited for the rest, but when in the
             * step it ran was not measured (drawn first by convention).
             * Their own marks keep the step's start, so a reader can tell
             * its wall and CPU time again ("wall 30 ms, CPU 10 ms"). */
            int split = worth(wall - c, wall);
            e = put(&p, a, SIM_ST_RUNNING, split ? SIM_MARK_INFERRED : 0, 0);
            if (!e && split) {
                e = put(&p, a + c, SIM_ST_READY, SIM_MARK_INFERRED, 0);
                if (!e)
                    e = put(&p, b, SIM_ST_RUNNING, 0, 0);
            }
            continue;
        }
        if (op->kind == SIM_OP_RELEASE) {
            uint32_t k = d->lock_of[op->b];
            if (k != UINT32_MAX && acquired[op->b]) {
                e = add_span(&d->locks, (int64_t)acquired[op->b] - 1, a, id, k);
                acquired[op->b] = 0;
            }
            continue;
        }
        int st = wait_state(d, op);
        if (st < 0)
            continue;
        e = put(&p, a, st, 0, 0);
        if (!e && op->kind == SIM_OP_IO && worth(b - a - op->a, b - a)) /* woke up late */
            e = put(&p, a + op->a, SIM_ST_READY, SIM_MARK_INFERRED, 0);
        if (!e)
            e = put(&p, b, SIM_ST_RUNNING, 0, 0);
        if (op->kind == SIM_OP_GET)
            d->gets++;
        if (op->kind == SIM_OP_ACQUIRE && d->lock_of[op->b] != UINT32_MAX)
            acquired[op->b] = (uint64_t)b + 1;
        /* asyncio: the task held the loop from its last resume to here */
        if (!e && async) {
            e = add_span(&d->loop, held, a, id, 0);
            held = b;
        }
    }
    int64_t stop = rt->t1 >= 0 ? rel(d->r, rt->t1, d->end) : d->end;
    if (!e && async)
        e = add_span(&d->loop, held, stop, id, 0);
    for (uint32_t k = 0; !e && k < d->w->nnames; k++) /* a lock still held at the end */
        if (acquired[k])
            e = add_span(&d->locks, (int64_t)acquired[k] - 1, stop, id, d->lock_of[k]);
    if (!e && rt->t1 >= 0)
        e = put(&p, stop, SIM_ST_DONE, 0, 0);
    /* The task's CPU: its thread's, over the task, where the thread ran
     * nothing else; under asyncio, its own steps'. */
    int64_t wall = stop - start;
    if (!async && rt->t1 >= 0 && rt->c0 >= 0 && rt->c1 >= rt->c0)
        cpu = rt->c1 - rt->c0;
    d->t->lanes[id].cpu_ns = cpu < 0 ? 0 : cpu > wall ? wall : cpu;
    return e;
}

/* The worker processes of multiprocessing: one lane per pid, ordered by
 * when each was ready (or first ran a task). */
typedef struct proc {
    int64_t pid, ready, first;
} proc;

static int by_ready(const void *a, const void *b)
{
    const proc *x = a, *y = b;
    int64_t tx = x->ready >= 0 ? x->ready : x->first, ty = y->ready >= 0 ? y->ready : y->first;
    return (tx > ty) - (tx < ty);
}

static long find_proc(proc *v, size_t n, int64_t pid)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].pid == pid)
            return (long)i;
    return -1;
}

/* Collects the worker processes (of tasks, or of process(...) bodies). */
static int gather_procs(const derive *d, int bodies, proc **out, size_t *nout)
{
    const sim_pyrec *r = d->r;
    size_t cap = r->nworkers + (bodies ? r->nbodies : 0) + 1, n = 0;
    if (!bodies)
        for (uint64_t i = 0; i < d->w->ntasks; i++)
            cap += r->tasks[i].seen;
    proc *v = malloc(cap * sizeof *v);
    if (!v)
        return SIM_E_NOMEM;
    for (size_t i = 0; i < r->nworkers; i++)
        if (find_proc(v, n, r->workers[i].pid) < 0)
            v[n++] = (proc){r->workers[i].pid, rel(r, r->workers[i].t, d->end), -1};
    for (uint64_t i = 0; !bodies && i < d->w->ntasks; i++) {
        const sim_pyrec_task *rt = &r->tasks[i];
        if (!rt->seen)
            continue;
        long k = find_proc(v, n, rt->pid);
        if (k < 0) {
            v[n] = (proc){rt->pid, -1, rel(r, rt->t0, d->end)};
            k = (long)n++;
        }
        int64_t t0 = rel(r, rt->t0, d->end);
        if (v[k].first < 0 || t0 < v[k].first)
            v[k].first = t0;
    }
    for (size_t i = 0; bodies && i < r->nbodies; i++)
        if (find_proc(v, n, r->bodies[i].pid) < 0)
            v[n++] = (proc){r->bodies[i].pid, -1, rel(r, r->bodies[i].t0, d->end)};
    if (n)
        qsort(v, n, sizeof *v, by_ready);
    *out = v;
    *nout = n;
    return 0;
}

/* Worker lanes: starting (inferred) until ready, then busy with each task. */
static int worker_lanes(derive *d, const proc *v, size_t n, uint32_t first)
{
    spans s = {0};
    int e = 0;
    for (uint64_t i = 0; !e && i < d->w->ntasks; i++) {
        const sim_pyrec_task *rt = &d->r->tasks[i];
        if (rt->seen)
            e = add_span(&s, rel(d->r, rt->t0, d->end),
                         rt->t1 >= 0 ? rel(d->r, rt->t1, d->end) : d->end, (uint32_t)i,
                         (uint32_t)find_proc((proc *)v, n, rt->pid));
    }
    for (size_t k = 0; !e && k < n; k++) {
        pen p = {d->t, first + (uint32_t)k, 0, -1, 0, 0};
        if (v[k].ready > 0)
            e = put(&p, 0, SIM_ST_STARTING, SIM_MARK_INFERRED, SIM_NO_TASK);
        if (!e && v[k].ready >= 0)
            e = put(&p, v[k].ready, SIM_ST_IDLE, 0, SIM_NO_TASK);
    }
    if (!e)
        e = write_spans(d->t, &s, first, -1);
    free(s.v);
    return e;
}

/* process(...) bodies: each on the lane of its worker process, given to
 * the task whose await of it holds it in time (the earliest such await
 * not yet given a body; the recording cannot say more). */
static int body_lanes(derive *d, const proc *v, size_t n, uint32_t first)
{
    const sim_pyrec *r = d->r;
    spans s = {0};
    int e = 0;
    unsigned char *used = NULL;
    size_t nused = 0;
    for (uint64_t i = 0; i < d->w->ntasks; i++)
        nused += r->tasks[i].ne;
    used = calloc(nused + 1, 1);
    if (!used)
        return SIM_E_NOMEM;
    for (size_t bi = 0; !e && bi < r->nbodies; bi++) {
        const sim_pyrec_body *b = &r->bodies[bi];
        uint32_t owner = SIM_NO_TASK;
        size_t best = SIZE_MAX, base = 0;
        int64_t best_t = 0;
        for (uint64_t i = 0; i < d->w->ntasks; base += r->tasks[i].ne, i++) {
            const sim_pyrec_task *rt = &r->tasks[i];
            const sim_group *g = sim_workload_group_of(d->w, i);
            if (!sim_pyprog_same_function(d->w, (size_t)(g - d->w->groups), b->group))
                continue;
            for (size_t k = 0; k < rt->ne; k++) {
                const sim_pyrec_entry *en = &rt->e[k];
                if (en->pc != b->pc || used[base + k] || en->a > b->t0 || en->b < b->t1)
                    continue;
                if (best == SIZE_MAX || en->a < best_t) {
                    best = base + k;
                    best_t = en->a;
                    owner = (uint32_t)i;
                }
            }
        }
        if (best != SIZE_MAX)
            used[best] = 1;
        e = add_span(&s, rel(r, b->t0, d->end), rel(r, b->t1, d->end), owner,
                     (uint32_t)find_proc((proc *)v, n, b->pid));
    }
    if (!e)
        e = write_spans(d->t, &s, first, 0);
    free(s.v);
    free(used);
    return e;
}

/* A put: when it ended, and the bytes it carried. */
typedef struct item {
    int64_t t, bytes;
} item;

static int by_time(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* Queue items delivered: one per get, each carrying the bytes of a put,
 * the earliest puts first (a queue is first in, first out; which put a
 * get took is not recorded, only how many gets there were). */
static int messages(derive *d)
{
    d->t->messages = d->gets;
    for (uint32_t q = 0; q < d->w->nnames; q++) {
        if (d->w->names[q].kind != SIM_NAME_QUEUE)
            continue;
        uint64_t gets = 0;
        size_t n = 0, cap = 0;
        item *v = NULL;
        for (uint64_t i = 0; i < d->w->ntasks; i++) {
            const sim_pyrec_task *rt = &d->r->tasks[i];
            const sim_group *g = sim_workload_group_of(d->w, i);
            for (size_t k = 0; k < rt->ne; k++) {
                const sim_op *op = &d->w->ops[g->prog + rt->e[k].pc];
                if (op->b != q)
                    continue;
                gets += op->kind == SIM_OP_GET;
                if (op->kind != SIM_OP_PUT)
                    continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    item *nv = realloc(v, cap * sizeof *nv);
                    if (!nv) {
                        free(v);
                        return SIM_E_NOMEM;
                    }
                    v = nv;
                }
                v[n++] = (item){rt->e[k].b, op->a};
            }
        }
        if (n)
            qsort(v, n, sizeof *v, by_time);
        for (size_t k = 0; k < n && k < gets; k++)
            d->t->message_bytes += (uint64_t)v[k].bytes;
        free(v);
    }
    return 0;
}

/* The lanes each model has besides its tasks, in the engines' order. */
typedef struct layout {
    uint32_t loop, locks, execs, workers; /* first lane of each kind */
    uint32_t nlanes;
} layout;

int sim_trace_from_python(sim_trace *t, const sim_pyrec *r, const sim_config *cfg,
                          const char *python)
{
    const sim_workload *w = r->w;
    derive d = {.r = r, .w = w, .t = t};
    d.end = r->end - r->origin;
    if (d.end < 0 || d.end > 86400ll * 1000000000ll)
        d.end = 0;
    int async = r->model == SIM_MODEL_ASYNCIO;
    proc *procs = NULL, *bprocs = NULL;
    size_t nprocs = 0, nbprocs = 0;
    d.lock_of = malloc((w->nnames + 1) * sizeof *d.lock_of);
    int e = d.lock_of ? 0 : SIM_E_NOMEM;
    for (uint32_t i = 0; !e && i < w->nnames; i++)
        d.lock_of[i] = w->names[i].kind == SIM_NAME_LOCK ? d.nlocks++ : UINT32_MAX;
    if (!e && r->model == SIM_MODEL_MULTIPROCESSING)
        e = gather_procs(&d, 0, &procs, &nprocs);
    if (!e && async)
        e = gather_procs(&d, 1, &bprocs, &nbprocs);
    /* Executor threads are known only once the tasks are walked: lay the
     * lanes out for the most there can be (a lane per body run), then
     * drop those no thread took. */
    uint64_t max_threads = 0;
    for (uint64_t i = 0; async && i < w->ntasks; i++)
        for (size_t k = 0; k < r->tasks[i].ne; k++)
            max_threads += r->tasks[i].e[k].c == -2;
    layout L = {0};
    L.loop = (uint32_t)w->ntasks;
    L.locks = L.loop + (async ? 1 : 0);
    L.execs = L.locks + d.nlocks;
    L.workers = L.execs + (uint32_t)(async ? max_threads + nbprocs : 0);
    L.nlanes = L.workers + (uint32_t)nprocs;
    if (!e)
        e = sim_trace_init(t, r->model, (uint32_t)w->ntasks, L.nlanes) ? SIM_E_NOMEM : 0;
    if (!e)
        e = sim_trace_set_names(t, w) ? SIM_E_NOMEM : 0;
    for (uint32_t i = (uint32_t)w->ntasks; !e && i < L.nlanes; i++) {
        sim_lane *l = &t->lanes[i];
        l->kind = i < L.locks ? SIM_LANE_LOOP : i < L.execs ? SIM_LANE_LOCK
                : i < L.workers ? SIM_LANE_EXECUTOR : SIM_LANE_WORKER;
        l->index = i < L.locks ? 0 : i < L.execs ? i - L.locks
                 : i < L.workers ? i - L.execs : i - L.workers;
    }
    for (uint32_t i = 0; !e && i < w->ntasks; i++)
        e = task_lane(&d, i);
    if (!e && async)
        e = write_spans(t, &d.loop, L.loop, 0);
    if (!e)
        e = write_spans(t, &d.locks, L.locks, 0);
    if (!e && async)
        e = write_spans(t, &d.threads, L.execs, 0);
    if (!e && async && nbprocs)
        e = body_lanes(&d, bprocs, nbprocs, L.execs + (uint32_t)d.ntids);
    if (!e && nprocs)
        e = worker_lanes(&d, procs, nprocs, L.workers);
    if (!e)
        e = messages(&d);
    /* Lanes laid out for executor threads that never came: drop them. */
    if (!e && async && d.ntids < max_threads) {
        uint32_t gap = (uint32_t)(max_threads - d.ntids), from = L.execs + (uint32_t)d.ntids;
        for (uint32_t i = from; i < from + gap; i++)
            free(t->lanes[i].marks);
        memmove(&t->lanes[from], &t->lanes[from + gap],
                (t->nlanes - from - gap) * sizeof *t->lanes);
        t->nlanes -= gap;
        for (uint32_t i = from; i < t->nlanes && t->lanes[i].kind == SIM_LANE_EXECUTOR; i++)
            t->lanes[i].index = i - L.execs;
    }
    for (size_t i = 0; !e && i < r->ncounters; i++) {
        for (uint32_t k = 0; k < t->ncounters; k++)
            if (!strcmp(t->counters[k].name, w->names[r->counters[i].name].name)) {
                t->counters[k].final = r->counters[i].value;
                t->counters[k].has_final = 1;
            }
    }
    free(d.loop.v);
    free(d.threads.v);
    free(d.locks.v);
    free(d.tids);
    free(d.exec_of);
    free(d.lock_of);
    free(procs);
    free(bprocs);
    if (e) {
        sim_trace_deinit(t);
        return e;
    }
    int all = 1;
    for (uint64_t i = 0; i < w->ntasks; i++)
        all &= r->tasks[i].seen && r->tasks[i].t1 >= 0;
    t->end_ns = t->now_ns = d.end;
    t->outcome = all && !r->partial ? SIM_OUTCOME_OK : SIM_OUTCOME_RUNNING;
    t->source = SIM_SOURCE_CPYTHON;
    t->python = r->python;
    snprintf(t->python.path, sizeof t->python.path, "%s", python ? python : "");
    if (cfg)
        t->cfg = *cfg;
    if (r->model == SIM_MODEL_MULTIPROCESSING)
        t->cfg.workers = (int)nprocs;
    if (r->start_method >= 0)
        t->cfg.start_method = (sim_start_method)r->start_method;
    return 0;
}
