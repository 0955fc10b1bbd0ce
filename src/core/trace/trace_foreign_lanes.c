/* trace_foreign_lanes.c - lanes from another tool's Chrome trace.
 *
 * Such a trace knows what ran (spans: "X" complete events, "B"/"E" pairs),
 * on which thread of which process, and instants; it does not know what a
 * thread waited for, nor when it was not on a CPU. So concviz draws what
 * it knows and no more: one lane per thread, running while any span is
 * open on it (the mark's words: the innermost span's name, so a hover
 * says which function), idle (not drawn) when none is; an instant as a
 * mark; a flow ("s" then "f" with one id) as an arrow. With several
 * processes, each gets a lane of its own above its threads, running while
 * one of them does. The note says what was left out.
 *
 * Order: processes by process_sort_index, then by first appearance;
 * threads by thread_sort_index, then by first appearance (the order the
 * tool wrote them in, which is how Perfetto shows them too).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "format.h"
#include "trace_foreign.h"

typedef struct order_ctx {
    const tf *t;
    const uint32_t *proc_of; /* thread -> index in t->procs */
    const uint32_t *rank;    /* process -> its place */
} order_ctx;

static int by_process_order(const void *x, const void *y, void *arg)
{
    const tf *t = arg;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const tf_process *p = &t->procs[a], *q = &t->procs[b];
    if (p->sort != q->sort)
        return p->sort < q->sort ? -1 : 1;
    return (a > b) - (a < b);
}

static int by_thread_order(const void *x, const void *y, void *arg)
{
    const order_ctx *o = arg;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const tf_thread *p = &o->t->threads[a], *q = &o->t->threads[b];
    uint32_t ra = o->rank[o->proc_of[a]], rb = o->rank[o->proc_of[b]];
    if (ra != rb)
        return (ra > rb) - (ra < rb);
    if (p->sort != q->sort)
        return p->sort < q->sort ? -1 : 1;
    return (a > b) - (a < b);
}

/* ---- one thread's spans -------------------------------------------------------------- */

typedef struct edge {
    int64_t t;
    int64_t other;   /* a begin: its end (longer spans open first); an end: its begin */
    uint32_t span;   /* the event's index */
    uint8_t up;      /* 1 begin, 0 end */
} edge;

static int by_edge(const void *x, const void *y)
{
    const edge *a = x, *b = y;
    if (a->t != b->t)
        return (a->t > b->t) - (a->t < b->t);
    if (a->up != b->up)
        return a->up - b->up; /* an end before a begin at one instant */
    /* Two begins: the longer first (it encloses); two ends: the later begun first. */
    return a->up ? (a->other < b->other) - (a->other > b->other)
                 : (a->other < b->other) - (a->other > b->other);
}

static int put(sim_trace *tr, uint32_t lane, int64_t t, sim_state st, uint32_t arg)
{
    sim_lane *l = &tr->lanes[lane];
    if (l->nmarks) {
        sim_mark *last = &l->marks[l->nmarks - 1];
        if (last->state == st && last->arg == arg)
            return 0;
        if (t <= last->t) {
            last->state = (uint8_t)st;
            last->arg = arg;
            tr->states_seen |= 1u << st;
            return 0;
        }
    }
    sim_mark m = {.t = t, .arg = arg, .state = (uint8_t)st, .cpu = SIM_NO_CPU};
    return sim_trace_add_mark(tr, lane, m) ? -ENOMEM : 0;
}

/* The lane of thread `th`, from its events (ev[idx[0..n)]). */
static int thread_lane(tf *t, sim_trace *tr, uint32_t lane, const uint32_t *idx, size_t n)
{
    edge *e = malloc(sizeof *e * (2 * n + 1));
    uint32_t *stack = malloc(sizeof *stack * (n + 1));
    if (!e || !stack) {
        free(e);
        free(stack);
        return -ENOMEM;
    }
    size_t k = 0;
    int64_t t0 = t->t0;
    for (size_t i = 0; i < n; i++) {
        const tf_event *ev = &t->ev[idx[i]];
        if (ev->ph == 'X') {
            e[k++] = (edge){ev->ts - t0, ev->ts + ev->dur - t0, idx[i], 1};
            e[k++] = (edge){ev->ts + ev->dur - t0, ev->ts - t0, idx[i], 0};
        } else if (ev->ph == 'B' || ev->ph == 'E') {
            e[k++] = (edge){ev->ts - t0, INT64_MAX, idx[i], ev->ph == 'B'};
        }
    }
    if (k > 1)
        qsort(e, k, sizeof *e, by_edge);
    size_t depth = 0;
    int err = 0;
    for (size_t i = 0; i < k && !err; i++) {
        const tf_event *ev = &t->ev[e[i].span];
        if (e[i].up) {
            stack[depth++] = e[i].span;
        } else if (ev->ph == 'E') {
            if (depth == 0)
                t->unpaired++; /* an end with no begin */
            else
                depth--;
        } else { /* an X's end: its own entry, normally the top */
            size_t j = depth;
            while (j > 0 && stack[j - 1] != e[i].span)
                j--;
            if (j > 0) {
                memmove(&stack[j - 1], &stack[j], (depth - j) * sizeof *stack);
                depth--;
            }
        }
        err = depth ? put(tr, lane, e[i].t, SIM_ST_RUNNING, t->ev[stack[depth - 1]].name)
                    : put(tr, lane, e[i].t, SIM_ST_IDLE, SIM_NO_TASK);
    }
    if (depth)
        t->unpaired += depth; /* begins never ended: they run to the trace's end */
    free(e);
    free(stack);
    return err;
}

/* ---- what was left out ------------------------------------------------------------------ */

static void note(tf *t, sim_tprogram *p)
{
    static const char *const one[TF_SKIP__COUNT] = {
        [TF_SKIP_COUNTER] = "counter event", [TF_SKIP_ASYNC] = "async event",
        [TF_SKIP_SAMPLE] = "sample", [TF_SKIP_OBJECT] = "object event",
        [TF_SKIP_MEMORY] = "memory dump", [TF_SKIP_OTHER] = "event of an unknown kind",
    };
    static const char *const many[TF_SKIP__COUNT] = {
        [TF_SKIP_COUNTER] = "counter events", [TF_SKIP_ASYNC] = "async events",
        [TF_SKIP_SAMPLE] = "samples", [TF_SKIP_OBJECT] = "object events",
        [TF_SKIP_MEMORY] = "memory dumps", [TF_SKIP_OTHER] = "events of unknown kinds",
    };
    char *b = p->note;
    size_t n = sizeof p->note, len = 0;
    for (int i = 0; i < TF_SKIP__COUNT && len < n; i++) {
        if (!t->skipped[i])
            continue;
        char cnt[64];
        sim_format_count(t->skipped[i], one[i], many[i], cnt, sizeof cnt);
        len += (size_t)snprintf(b + len, n - len, "%s%s", len ? ", " : "not shown: ", cnt);
    }
    if (t->system_trace && len < n)
        len += (size_t)snprintf(b + len, n - len, "%skernel events (systemTraceEvents)",
                                len ? ", " : "not shown: ");
    if (len && len < n)
        len += (size_t)snprintf(b + len, n - len, " (concviz draws threads' spans, instants "
                                "and flows; Perfetto shows the rest)");
    if (t->unpaired && len < n)
        snprintf(b + len, n - len, "%s%llu begin, end or flow events without their other half",
                 len ? "; " : "", (unsigned long long)t->unpaired);
}

/* ---- the trace ---------------------------------------------------------------------------- */

static int by_thread(const void *x, const void *y, void *arg)
{
    const tf *t = arg;
    const tf_event *a = &t->ev[*(const uint32_t *)x], *b = &t->ev[*(const uint32_t *)y];
    if (a->thread != b->thread)
        return (a->thread > b->thread) - (a->thread < b->thread);
    return (*(const uint32_t *)x > *(const uint32_t *)y) -
           (*(const uint32_t *)x < *(const uint32_t *)y);
}

static int by_id(const void *x, const void *y, void *arg)
{
    const tf *t = arg;
    const tf_event *a = &t->ev[*(const uint32_t *)x], *b = &t->ev[*(const uint32_t *)y];
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    if (a->ts != b->ts)
        return (a->ts > b->ts) - (a->ts < b->ts);
    return (a->ph == 'f') - (b->ph == 'f');
}

static int label(tf *t, char *buf, size_t n, const char *fmt, long long v, uint32_t *idx)
{
    snprintf(buf, n, fmt, v);
    return sim_tprogram_intern(t->prog, buf, idx) ? -ENOMEM : 0;
}

int tf_build_foreign(tf *t)
{
    sim_tl *L = t->L;
    sim_comparison *c = L->c;
    sim_trace *tr = &c->traces[0];
    int e = 0;
    /* Every thread's process, in the order they are shown. */
    uint32_t *proc_of = malloc(sizeof *proc_of * (t->nthreads + 1));
    uint32_t *torder = malloc(sizeof *torder * (t->nthreads + 1));
    if (!proc_of || !torder)
        e = -ENOMEM;
    for (size_t i = 0; !e && i < t->nthreads; i++) {
        tf_process *p = NULL;
        for (size_t k = 0; k < t->nprocs && !p; k++)
            if (t->procs[k].pid == t->threads[i].pid)
                p = &t->procs[k];
        if (!p) {
            if (t->nprocs == t->cap_procs) {
                size_t cap = t->cap_procs ? t->cap_procs * 2 : 16;
                tf_process *np = realloc(t->procs, sizeof *np * cap);
                if (!np) {
                    e = -ENOMEM;
                    break;
                }
                t->procs = np;
                t->cap_procs = cap;
            }
            t->procs[t->nprocs] = (tf_process){t->threads[i].pid, SIM_NO_TASK, INT64_MIN};
            p = &t->procs[t->nprocs++];
        }
        proc_of[i] = (uint32_t)(p - t->procs);
    }
    uint32_t *porder = e ? NULL : malloc(sizeof *porder * (t->nprocs + 1));
    if (!e && !porder)
        e = -ENOMEM;
    size_t nt = 0;
    int multi = 0;
    if (!e) {
        for (uint32_t i = 0; i < t->nprocs; i++)
            porder[i] = i;
        /* (the processes named only by metadata, with no thread, get no lane) */
        qsort_r(porder, t->nprocs, sizeof *porder, by_process_order, t);
        /* Threads by their process's place, then in their own order. */
        uint32_t *rank = malloc(sizeof *rank * (t->nprocs + 1));
        if (!rank) {
            e = -ENOMEM;
        } else {
            for (uint32_t k = 0; k < t->nprocs; k++)
                rank[porder[k]] = k;
            for (uint32_t i = 0; i < t->nthreads; i++)
                torder[nt++] = i;
            order_ctx oc = {t, proc_of, rank};
            qsort_r(torder, nt, sizeof *torder, by_thread_order, &oc);
            free(rank);
        }
        size_t used = 0;
        for (size_t k = 0; k < t->nprocs; k++)
            for (size_t i = 0; i < nt; i++)
                if (proc_of[torder[i]] == porder[k]) {
                    used++;
                    break;
                }
        multi = used > 1;
    }
    /* The lanes: per process (when several) its own, then its threads. */
    uint32_t nlanes = (uint32_t)nt;
    if (!e && multi)
        for (size_t k = 0; k < t->nprocs; k++)
            for (size_t i = 0; i < nt; i++)
                if (proc_of[torder[i]] == porder[k]) {
                    nlanes++;
                    break;
                }
    if (!e && nlanes == 0) {
        snprintf(L->msg, L->n, "%s: it holds no event concviz can draw (no complete, "
                 "begin/end or instant event on a thread)", L->name);
        e = SIM_E_FORMAT;
    }
    if (!e && (sim_trace_init(tr, SIM_MODEL_THREADING, nlanes, nlanes) != 0 ||
               sim_tprogram_lanes(t->prog, nlanes) != 0))
        e = -ENOMEM;
    if (!e) {
        c->ntraces = 1;
        tr->source = SIM_SOURCE_FOREIGN;
        tr->end_ns = t->t1 - t->t0;
        tr->now_ns = tr->end_ns;
        tr->outcome = SIM_OUTCOME_OK;
        tr->python.free_threaded = tr->python.gil = -1;
    }
    uint32_t *lane_of_proc = e ? NULL : malloc(sizeof *lane_of_proc * (t->nprocs + 1));
    if (!e && !lane_of_proc)
        e = -ENOMEM;
    uint32_t lane = 0;
    char buf[160];
    for (size_t k = 0; !e && k < t->nprocs; k++) {
        uint32_t pk = porder[k];
        lane_of_proc[pk] = SIM_NO_TASK;
        int any = 0;
        for (size_t i = 0; i < nt && !any; i++)
            any = proc_of[torder[i]] == pk;
        if (!any)
            continue;
        const tf_process *p = &t->procs[pk];
        if (multi) {
            sim_plane *pl = &t->prog->lanes[lane];
            pl->kind = SIM_PLANE_PROCESS;
            pl->pid = p->pid < TF_STRING_ID ? (int32_t)p->pid : 0;
            if (p->name != SIM_NO_TASK)
                pl->label = p->name;
            else if (p->pid >= TF_STRING_ID) /* its id was a string: its name */
                pl->label = (uint32_t)(p->pid - TF_STRING_ID);
            else
                e = label(t, buf, sizeof buf, "pid %lld", (long long)p->pid, &pl->label);
            lane_of_proc[pk] = lane++;
        }
        for (size_t i = 0; !e && i < nt; i++) {
            if (proc_of[torder[i]] != pk)
                continue;
            tf_thread *th = &t->threads[torder[i]];
            sim_plane *pl = &t->prog->lanes[lane];
            pl->kind = SIM_PLANE_THREAD;
            pl->depth = (uint8_t)multi;
            pl->pid = th->pid < TF_STRING_ID ? (int32_t)th->pid : 0;
            pl->owner = multi ? lane_of_proc[pk] : SIM_NO_TASK;
            if (th->name != SIM_NO_TASK)
                pl->label = th->name;
            else if (th->tid >= TF_STRING_ID)
                pl->label = (uint32_t)(th->tid - TF_STRING_ID);
            else if (th->tid == TF_NO_TID) /* events of no thread */
                e = sim_tprogram_intern(t->prog, "process-wide", &pl->label) ? -ENOMEM : 0;
            else
                e = label(t, buf, sizeof buf, "thread %lld", (long long)th->tid, &pl->label);
            th->lane = lane++;
        }
    }
    /* Each thread's events together, in the order they came. */
    uint32_t *idx = e ? NULL : malloc(sizeof *idx * (t->nev + 1));
    if (!e && !idx)
        e = -ENOMEM;
    if (!e) {
        for (uint32_t i = 0; i < t->nev; i++)
            idx[i] = i;
        qsort_r(idx, t->nev, sizeof *idx, by_thread, t);
    }
    for (size_t a = 0; !e && a < t->nev;) {
        size_t b = a;
        while (b < t->nev && t->ev[idx[b]].thread == t->ev[idx[a]].thread)
            b++;
        e = thread_lane(t, tr, t->threads[t->ev[idx[a]].thread].lane, idx + a, b - a);
        a = b;
    }
    for (size_t k = 0; !e && multi && k < t->nprocs; k++) {
        uint32_t pl = lane_of_proc[porder[k]];
        if (pl == SIM_NO_TASK)
            continue;
        uint32_t first = pl + 1, last = first;
        while (last < nlanes && t->prog->lanes[last].owner == pl)
            last++;
        uint32_t *ths = malloc(sizeof *ths * (last - first + 1));
        if (!ths) {
            e = -ENOMEM;
            break;
        }
        for (uint32_t j = first; j < last; j++)
            ths[j - first] = j;
        e = sim_tprogram_union(tr, pl, ths, last - first, 0, tr->end_ns);
        free(ths);
    }
    /* Instants, then flows: an "s" and the "f" with its id that follows it. */
    for (size_t i = 0; !e && i < t->nev; i++) {
        const tf_event *ev = &t->ev[i];
        if (ev->ph != 'i')
            continue;
        sim_tinstant in = {.t = ev->ts - t->t0, .lane = t->threads[ev->thread].lane,
                           .arg = ev->name, .code = SIM_IN_MARK};
        e = sim_trace_add_instant(tr, in) ? -ENOMEM : 0;
    }
    size_t nf = 0;
    for (size_t i = 0; !e && i < t->nev; i++)
        if (t->ev[i].ph == 's' || t->ev[i].ph == 'f')
            idx[nf++] = (uint32_t)i;
    if (!e)
        qsort_r(idx, nf, sizeof *idx, by_id, t);
    for (size_t i = 0; !e && i + 1 < nf; i++) {
        const tf_event *s = &t->ev[idx[i]], *f = &t->ev[idx[i + 1]];
        if (s->ph != 's' || f->ph != 'f' || s->id != f->id) {
            t->unpaired++;
            continue;
        }
        sim_tflow fl = {.t0 = s->ts - t->t0, .t1 = f->ts - t->t0,
                        .lane0 = t->threads[s->thread].lane,
                        .lane1 = t->threads[f->thread].lane, .code = SIM_FL_MESSAGE};
        e = sim_trace_add_flow(tr, fl) ? -ENOMEM : 0;
        i++;
    }
    if (!e) {
        note(t, t->prog);
        snprintf(t->prog->tool, sizeof t->prog->tool, "%s", t->tool[0] ? t->tool
                                                                      : "a Chrome trace");
        const char *slash = strrchr(L->name, '/');
        snprintf(t->prog->command, sizeof t->prog->command, "%s", slash ? slash + 1 : L->name);
        t->prog->nprocesses = (uint32_t)t->nprocs;
        t->prog->nthreads = (uint32_t)nt;
        tr->program = t->prog;
        t->prog = NULL;
    }
    free(proc_of);
    free(torder);
    free(porder);
    free(lane_of_proc);
    free(idx);
    if (e == -ENOMEM)
        return sim_tl_nomem(L);
    return e;
}
