/* utrace_build.c - a traced program's trace, from what its processes wrote
 * and what the sampler saw: its lanes (utrace_layout.c), their marks
 * (utrace_marks.c), then what joins them: a process started by another
 * (a dispatch arrow from the thread that called Process.start, or forked,
 * to the new process), the messages on multiprocessing's pipes (a queue
 * item's arrow from the thread that sent it to the one that received it:
 * a send and a receive are paired by their length and the checksum of
 * their first bytes, in the order they happened), and the outcome.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utrace_build.h"

/* ---- messages ------------------------------------------------------------------- */

typedef struct msg_ref {
    uint32_t len, crc;
    int64_t t;
    uint32_t lane;
} msg_ref;

static int by_key(const void *x, const void *y)
{
    const msg_ref *a = x, *b = y;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    if (a->crc != b->crc)
        return a->crc < b->crc ? -1 : 1;
    return (a->t > b->t) - (a->t < b->t);
}

static int messages(ut_build *b)
{
    const ut_rec *r = b->rec;
    size_t n = 0;
    for (size_t i = 0; i < r->nprocs; i++)
        n += r->procs[i].nmsgs;
    if (!n)
        return 0;
    msg_ref *snd = malloc(sizeof *snd * n), *rcv = malloc(sizeof *rcv * n);
    if (!snd || !rcv) {
        free(snd);
        free(rcv);
        return -ENOMEM;
    }
    size_t ns = 0, nr = 0;
    for (uint32_t i = 0; i < r->nprocs; i++)
        for (size_t k = 0; k < r->procs[i].nmsgs; k++) {
            const ut_msg *m = &r->procs[i].msgs[k];
            msg_ref x = {m->len, m->crc, m->t, ut_lane_of_thread(b, i, m->ident, m->t)};
            if (x.lane == SIM_NO_TASK)
                continue;
            if (m->dir == 's')
                snd[ns++] = x;
            else
                rcv[nr++] = x;
        }
    if (ns > 1)
        qsort(snd, ns, sizeof *snd, by_key);
    if (nr > 1)
        qsort(rcv, nr, sizeof *rcv, by_key);
    /* Per key, the k-th send goes with the k-th receive that follows it. */
    int e = 0;
    for (size_t i = 0, j = 0; i < ns && j < nr && !e;) {
        int c = snd[i].len != rcv[j].len ? (snd[i].len < rcv[j].len ? -1 : 1)
              : snd[i].crc != rcv[j].crc ? (snd[i].crc < rcv[j].crc ? -1 : 1) : 0;
        if (c < 0) {
            i++;
        } else if (c > 0) {
            j++;
        } else if (rcv[j].t < snd[i].t) {
            j++; /* received before any such send: its sender was not traced */
        } else {
            e = ut_flow(b, snd[i].t, snd[i].lane, rcv[j].t, rcv[j].lane, SIM_FL_MESSAGE);
            i++;
            j++;
        }
    }
    free(snd);
    free(rcv);
    return e;
}

/* ---- processes starting and ending --------------------------------------------------- */

static int processes(ut_build *b)
{
    const ut_rec *r = b->rec;
    int e = 0;
    for (uint32_t i = 0; i < r->nprocs && !e; i++) {
        const ut_proc *p = &r->procs[i];
        const ut_span *sp = &b->spans[i];
        uint32_t lane = b->proc_lane[i];
        if (lane == SIM_NO_TASK)
            continue; /* a program of one process */
        e = ut_instant(b, sp->start, lane, SIM_IN_SPAWN, (uint32_t)p->pid);
        if (!e && p->t_exit >= 0)
            e = ut_instant(b, sp->end, lane, SIM_IN_EXIT, (uint32_t)p->exit_code);
        if (e || sp->parent == UINT32_MAX)
            continue;
        /* From the thread that started it: Process.start's, or for a fork,
         * the thread that forked (the child's only thread, the same ident). */
        uint64_t ident = sp->ident ? sp->ident : p->nthreads ? p->threads[0].ident : 0;
        uint32_t from = ut_lane_of_thread(b, sp->parent, ident, sp->start);
        e = ut_flow(b, sp->start, from, sp->ready, lane, SIM_FL_DISPATCH);
    }
    return e;
}

/* ---- the trace ------------------------------------------------------------------------- */

static int by_time_i(const void *x, const void *y)
{
    const sim_tinstant *a = x, *b = y;
    return (a->t > b->t) - (a->t < b->t);
}

static int by_time_f(const void *x, const void *y)
{
    const sim_tflow *a = x, *b = y;
    return (a->t1 > b->t1) - (a->t1 < b->t1);
}

/* The model whose words fit best where the program's own do not (the
 * window's legend): asyncio when it ran tasks, else threading. */
static sim_model model_of(const ut_rec *r)
{
    for (size_t i = 0; i < r->nprocs; i++)
        if (r->procs[i].ntasks)
            return SIM_MODEL_ASYNCIO;
    return SIM_MODEL_THREADING;
}

/* The run's end: the main process's, or later when another process of
 * the program (multiprocessing's resource tracker, a daemon) outlived it
 * and was seen after it: its last record, or the sample that saw it gone. */
static int64_t run_end(const ut_rec *rec, const ut_sampler *s, int64_t end)
{
    for (size_t i = 0; i < rec->nprocs; i++) {
        const ut_proc *p = &rec->procs[i];
        if (p->last_t > end)
            end = p->last_t;
        if (p->t_exit > end)
            end = p->t_exit;
        const ut_psamples *ps = s ? ut_sampler_proc(s, p->pid) : NULL;
        if (ps && ps->gone_at > end)
            end = ps->gone_at;
    }
    return end;
}

int ut_build_trace(const ut_rec *rec, const ut_sampler *samples, int64_t origin,
                   int64_t end, int gil, sim_tprogram *prog, sim_trace *t)
{
    end = run_end(rec, samples, end);
    ut_build b = {.rec = rec, .samples = samples, .prog = prog, .origin = origin,
                  .end = end, .gil = gil};
    memset(t, 0, sizeof *t);
    int e = ut_layout(&b);
    if (!e && sim_trace_init(t, model_of(rec), b.nlanes, b.nlanes) != 0)
        e = -ENOMEM;
    if (!e)
        e = sim_tprogram_lanes(prog, b.nlanes);
    for (uint32_t i = 0; !e && i < b.nlanes; i++) {
        t->lanes[i].kind = SIM_LANE_TASK;
        t->lanes[i].index = i;
        t->lanes[i].cpu_ns = -1;
        prog->lanes[i] = (sim_plane){b.lanes[i].kind, b.lanes[i].depth,
                                     rec->procs[b.lanes[i].proc].pid, b.lanes[i].label,
                                     b.lanes[i].owner};
    }
    t->end_ns = ut_rel(&b, end);
    t->now_ns = t->end_ns;
    for (uint32_t i = 0; !e && i < b.nlanes; i++)
        e = ut_marks_lane(&b, t, i);
    for (uint32_t i = 0; !e && i < b.nlanes; i++)
        if (b.lanes[i].kind == SIM_PLANE_PROCESS)
            e = ut_marks_process(&b, t, i);
    if (!e)
        e = processes(&b);
    if (!e)
        e = messages(&b);
    if (!e) {
        if (b.ninst > 1)
            qsort(b.inst, b.ninst, sizeof *b.inst, by_time_i);
        if (b.nflows > 1)
            qsort(b.flows, b.nflows, sizeof *b.flows, by_time_f);
        e = sim_trace_reserve(t, b.ninst, b.nflows) ? -ENOMEM : 0;
    }
    for (size_t i = 0; !e && i < b.ninst; i++)
        e = sim_trace_add_instant(t, b.inst[i]) ? -ENOMEM : 0;
    for (size_t i = 0; !e && i < b.nflows; i++)
        e = sim_trace_add_flow(t, b.flows[i]) ? -ENOMEM : 0;
    /* What the lanes hold, for the header's numbers. */
    for (uint32_t i = 0; !e && i < b.nlanes; i++) {
        if (b.lanes[i].kind == SIM_PLANE_THREAD)
            prog->nthreads++;
        else if (b.lanes[i].kind == SIM_PLANE_TASK)
            prog->ntasks++;
    }
    prog->nprocesses = (uint32_t)rec->nprocs;
    free(b.inst);
    free(b.flows);
    ut_build_free(&b);
    if (e)
        sim_trace_deinit(t);
    return e;
}
