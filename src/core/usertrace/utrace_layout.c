/* utrace_layout.c - which lanes a traced program gets, in what order, and
 * their names.
 *
 * The order is the program's tree, so that a student reads it top down
 * as the program grew: the main process, its threads by their start (the
 * main thread first); right under a thread that ran an event loop, the
 * loop's lane and its tasks by their creation; then each process the
 * program started, under the one that started it (Process.start, or a
 * fork), with its own threads. A program of one process has no process
 * lane; a process of one thread has one lane, named after the process,
 * that is both.
 *
 * Where each process starts and ends is decided here too (ut_span): it
 * starts when its parent asked for it (Process.start, fork) or, for the
 * main one, when concviz launched the interpreter; it ends when it said so
 * (the tracer's last record) or, killed, when the sampler saw its pid gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utrace_build.h"

void ut_build_free(ut_build *b)
{
    if (b->busy)
        for (size_t i = 0; i < b->rec->nprocs; i++)
            free(b->busy[i].iv);
    free(b->busy);
    b->busy = NULL;
    if (b->thread_lane)
        for (size_t i = 0; i < b->rec->nprocs; i++)
            free(b->thread_lane[i]);
    free(b->thread_lane);
    free(b->proc_lane);
    free(b->spans);
    free(b->lanes);
    free(b->order);
    b->thread_lane = NULL;
    b->proc_lane = NULL;
    b->spans = NULL;
    b->lanes = NULL;
    b->order = NULL;
    b->nlanes = b->cap = 0;
}

uint32_t ut_lane_of_thread(const ut_build *b, uint32_t proc, uint64_t ident, int64_t at)
{
    if (proc >= b->rec->nprocs)
        return SIM_NO_TASK;
    /* An ident is reused once its thread ended: the one that had started
     * by `at` and started last (threads are in the order of their start
     * records), or, when none had, the first. */
    const ut_proc *p = &b->rec->procs[proc];
    size_t found = SIZE_MAX;
    for (size_t i = 0; i < p->nthreads; i++) {
        if (p->threads[i].ident != ident)
            continue;
        if (found == SIZE_MAX || p->threads[i].t0 <= at)
            found = i;
    }
    return found == SIZE_MAX ? SIM_NO_TASK : b->thread_lane[proc][found];
}

static int add_lane(ut_build *b, ut_lane l)
{
    if (b->nlanes >= UT_MAX_LANES)
        return 0; /* past the limit: not drawn (the build says how many) */
    if (b->nlanes == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 64;
        ut_lane *nl = realloc(b->lanes, sizeof *nl * cap);
        if (!nl)
            return -ENOMEM;
        b->lanes = nl;
        b->cap = cap;
    }
    b->lanes[b->nlanes++] = l;
    return 0;
}

/* ---- where each process starts and ends ------------------------------------- */

static void find_parent(ut_build *b, uint32_t i)
{
    const ut_rec *r = b->rec;
    const ut_proc *p = &r->procs[i];
    ut_span *s = &b->spans[i];
    s->parent = UINT32_MAX;
    s->ready = p->t_start;
    s->start = p->t_start;
    if (strcmp(p->how, "main") == 0) {
        s->start = b->origin; /* concviz launched it: the interpreter's start-up */
        return;
    }
    /* Process.start() said which pid it started; a fork's parent is its
     * parent; a process started by an untraced one hangs under the main. */
    for (uint32_t q = 0; q < r->nprocs; q++)
        for (size_t k = 0; k < r->procs[q].nchildren; k++)
            if (q != i && r->procs[q].children[k].pid == p->pid) {
                s->parent = q;
                s->ident = r->procs[q].children[k].ident;
                if (r->procs[q].children[k].t0 < s->start)
                    s->start = r->procs[q].children[k].t0;
                return;
            }
    for (uint32_t q = 0; q < r->nprocs; q++)
        if (q != i && r->procs[q].pid == p->ppid) {
            s->parent = q;
            return;
        }
    for (uint32_t q = 0; q < r->nprocs; q++)
        if (strcmp(r->procs[q].how, "main") == 0 && q != i) {
            s->parent = q;
            return;
        }
}

static void find_end(ut_build *b, uint32_t i)
{
    const ut_proc *p = &b->rec->procs[i];
    ut_span *s = &b->spans[i];
    const ut_psamples *ps = b->samples ? ut_sampler_proc(b->samples, p->pid) : NULL;
    s->end_inferred = 0;
    if (p->t_exit >= 0) {
        s->end = p->t_exit;
    } else if (strcmp(p->how, "main") == 0) {
        s->end = b->end; /* the guard saw it end */
    } else if (ps && ps->gone_at >= 0) {
        /* Killed (a Pool's workers are terminated): between the last
         * sample that saw it and the first that did not. */
        int64_t seen = ps->last_alive >= 0 ? ps->last_alive : ps->gone_at;
        s->end = seen + (ps->gone_at - seen) / 2;
        s->end_inferred = 1;
    } else {
        s->end = p->last_t;
        s->end_inferred = 1;
    }
    if (s->end < p->last_t)
        s->end = p->last_t;
    if (s->end > b->end && b->end > 0)
        s->end = b->end;
}

/* ---- the tree's order --------------------------------------------------------- */

/* Depth first: a process, then its children in the order they were
 * asked for (Process.start, a fork). Recursion as deep as the tree. */
static void visit(ut_build *b, uint32_t i, uint8_t *done, uint32_t *n)
{
    if (done[i])
        return;
    done[i] = 1;
    b->order[(*n)++] = i;
    for (;;) {
        uint32_t next = UINT32_MAX;
        for (uint32_t q = 0; q < b->rec->nprocs; q++)
            if (!done[q] && b->spans[q].parent == i &&
                (next == UINT32_MAX || b->spans[q].start < b->spans[next].start))
                next = q;
        if (next == UINT32_MAX)
            return;
        visit(b, next, done, n);
    }
}

/* ---- names ----------------------------------------------------------------------- */

static int proc_label(ut_build *b, const ut_proc *p, uint32_t *idx)
{
    char buf[128];
    const char *name = sim_tprogram_str(b->prog, p->name);
    if (name)
        snprintf(buf, sizeof buf, "%s", name);
    else if (strcmp(p->how, "main") == 0)
        snprintf(buf, sizeof buf, "MainProcess");
    else if (strcmp(p->how, "tracker") == 0)
        snprintf(buf, sizeof buf, "resource tracker");
    else
        snprintf(buf, sizeof buf, "%s %d", strcmp(p->how, "exec") == 0 ? "python" : p->how,
                 p->pid);
    return sim_tprogram_intern(b->prog, buf, idx);
}

static int thread_label(ut_build *b, const ut_thread *t, uint32_t *idx)
{
    if (sim_tprogram_str(b->prog, t->name)) {
        *idx = t->name;
        return 0;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "thread %lld", (long long)t->native);
    return sim_tprogram_intern(b->prog, buf, idx);
}

/* A thread's start for sorting: its T record, else its first block. */
static int64_t thread_start(const ut_thread *t)
{
    if (t->t0 >= 0)
        return t->t0;
    return t->nblocks ? t->blocks[0].t0 : INT64_MAX;
}

static int by_thread_start(const void *a, const void *b, void *proc)
{
    const ut_proc *p = proc;
    int64_t x = thread_start(&p->threads[*(const uint32_t *)a]);
    int64_t y = thread_start(&p->threads[*(const uint32_t *)b]);
    return (x > y) - (x < y);
}

static int by_created(const void *a, const void *b, void *proc)
{
    const ut_proc *p = proc;
    int64_t x = p->tasks[*(const uint32_t *)a].created;
    int64_t y = p->tasks[*(const uint32_t *)b].created;
    return (x > y) - (x < y);
}

/* The lanes of one process. */
static int proc_lanes(ut_build *b, uint32_t pi, int multi)
{
    const ut_proc *p = &b->rec->procs[pi];
    uint32_t plabel, depth = 0;
    int e = proc_label(b, p, &plabel);
    if (e)
        return e;
    int merged = multi && p->nthreads == 1;
    if (multi && !merged) {
        b->proc_lane[pi] = b->nlanes;
        e = add_lane(b, (ut_lane){.kind = SIM_PLANE_PROCESS, .proc = pi, .owner = SIM_NO_TASK,
                                  .label = plabel});
        depth = 1;
    }
    uint32_t *th = malloc(sizeof *th * (p->nthreads + 1));
    uint32_t *tk = malloc(sizeof *tk * (p->ntasks + 1));
    if (e || !th || !tk) {
        free(th);
        free(tk);
        return e ? e : -ENOMEM;
    }
    for (uint32_t i = 0; i < p->nthreads; i++)
        th[i] = i;
    for (uint32_t i = 0; i < p->ntasks; i++)
        tk[i] = i;
    qsort_r(th, p->nthreads, sizeof *th, by_thread_start, (void *)p);
    qsort_r(tk, p->ntasks, sizeof *tk, by_created, (void *)p);
    uint32_t loop_label = 0;
    e = sim_tprogram_intern(b->prog, "event loop", &loop_label);
    for (uint32_t k = 0; !e && k < p->nthreads; k++) {
        const ut_thread *t = &p->threads[th[k]];
        uint32_t label, me = b->nlanes;
        if (merged) {
            label = plabel;
            b->proc_lane[pi] = me;
        } else if ((e = thread_label(b, t, &label)) != 0) {
            break;
        }
        b->thread_lane[pi][th[k]] = me;
        e = add_lane(b, (ut_lane){.kind = SIM_PLANE_THREAD, .depth = (uint8_t)depth,
                                  .merged = (uint8_t)merged, .proc = pi, .thread = th[k],
                                  .owner = depth ? b->proc_lane[pi] : SIM_NO_TASK,
                                  .label = label});
        if (e || !t->loop)
            continue;
        uint32_t loop = b->nlanes;
        e = add_lane(b, (ut_lane){.kind = SIM_PLANE_LOOP, .depth = (uint8_t)(depth + 1),
                                  .proc = pi, .thread = th[k], .owner = me,
                                  .label = loop_label});
        for (uint32_t j = 0; !e && j < p->ntasks; j++) {
            const ut_task *task = &p->tasks[tk[j]];
            if (task->ident != t->ident)
                continue;
            e = add_lane(b, (ut_lane){.kind = SIM_PLANE_TASK, .depth = (uint8_t)(depth + 2),
                                      .proc = pi, .thread = th[k], .task = tk[j],
                                      .owner = loop, .label = task->name});
        }
    }
    free(th);
    free(tk);
    return e;
}

int ut_layout(ut_build *b)
{
    const ut_rec *r = b->rec;
    size_t n = r->nprocs;
    b->spans = calloc(n + 1, sizeof *b->spans);
    b->order = calloc(n + 1, sizeof *b->order);
    b->proc_lane = calloc(n + 1, sizeof *b->proc_lane);
    b->thread_lane = calloc(n + 1, sizeof *b->thread_lane);
    b->busy = calloc(n + 1, sizeof *b->busy);
    if (!b->spans || !b->order || !b->proc_lane || !b->thread_lane || !b->busy)
        return -ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        b->proc_lane[i] = SIM_NO_TASK;
        b->thread_lane[i] = malloc(sizeof **b->thread_lane * (r->procs[i].nthreads + 1));
        if (!b->thread_lane[i])
            return -ENOMEM;
        for (size_t k = 0; k < r->procs[i].nthreads; k++)
            b->thread_lane[i][k] = SIM_NO_TASK;
        find_parent(b, i);
        find_end(b, i);
    }
    uint8_t *done = calloc(n + 1, 1);
    if (!done)
        return -ENOMEM;
    uint32_t norder = 0;
    for (uint32_t i = 0; i < n; i++)
        if (b->spans[i].parent == UINT32_MAX)
            visit(b, i, done, &norder);
    for (uint32_t i = 0; i < n; i++) /* a cycle of parents (a garbled file) */
        visit(b, i, done, &norder);
    free(done);
    int e = 0;
    for (uint32_t k = 0; !e && k < n; k++)
        e = proc_lanes(b, b->order[k], n > 1);
    return e;
}
