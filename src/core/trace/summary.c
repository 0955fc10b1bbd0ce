/* summary.c - the measured numbers of a run, derived from its trace alone.
 *
 * Nothing here asks an engine: wall time, CPU time, speed-up and switches
 * all come from the recorded marks, and lost updates from the variables
 * the trace carries, so a run loaded from a file gives the same numbers
 * as the live one did. A loaded file may hold any numbers at all, so the
 * arithmetic on them is checked.
 */
#include "trace.h"

#include <stdio.h>

void sim_trace_task_stat(const sim_trace *t, uint32_t task, sim_task_stat *s)
{
    s->start_ns = -1;
    s->end_ns = -1;
    s->cpu_ns = -1;
    s->lock_wait_ns = 0;
    s->queue_wait_ns = 0;
    if (task >= t->ntasks || task >= t->nlanes)
        return;
    const sim_lane *l = &t->lanes[task];
    for (size_t i = 0; i < l->nmarks; i++) {
        uint8_t st = l->marks[i].state;
        if (st == SIM_ST_DENSE && l->marks[i].arg < t->ndense) {
            /* Summarized states (trace.h, "Dense lanes"): their times are
             * known to the resolution, their waits to the nanosecond. */
            const sim_tdense *d = &t->dense[l->marks[i].arg];
            if (d->n[SIM_ST_RUNNING] > 0 && s->start_ns < 0)
                s->start_ns = l->marks[i].t;
            s->lock_wait_ns += (int64_t)d->ns[SIM_ST_LOCK] + d->ns[SIM_ST_SEM];
            s->queue_wait_ns += d->ns[SIM_ST_QUEUE];
            continue;
        }
        if (st == SIM_ST_RUNNING && s->start_ns < 0)
            s->start_ns = l->marks[i].t;
        if (st == SIM_ST_DONE && s->end_ns < 0)
            s->end_ns = l->marks[i].t;
        if (st == SIM_ST_LOCK || st == SIM_ST_SEM)
            s->lock_wait_ns += sim_lane_seg_end(t, l, i) - l->marks[i].t;
        else if (st == SIM_ST_QUEUE)
            s->queue_wait_ns += sim_lane_seg_end(t, l, i) - l->marks[i].t;
    }
    s->cpu_ns = l->cpu_ns;
}

/* asyncio's "switches": how often the loop resumed a different task than
 * the one it ran last. The loop's own work between tasks (running no task)
 * is not a task: one task that awaits and resumes alone never switches. */
static uint64_t loop_switches(const sim_trace *t)
{
    uint64_t n = 0;
    for (uint32_t i = t->ntasks; i < t->nlanes; i++) {
        const sim_lane *l = &t->lanes[i];
        if (l->kind != SIM_LANE_LOOP)
            continue;
        uint32_t last = SIM_NO_TASK;
        for (size_t j = 0; j < l->nmarks; j++) {
            const sim_mark *m = &l->marks[j];
            if (m->state == SIM_ST_DENSE && m->arg < t->ndense) {
                /* Summarized: the changes of task inside, and at its edge. */
                const sim_tdense *d = &t->dense[m->arg];
                if (d->n[SIM_ST_RUNNING] == 0)
                    continue;
                n += d->arg_changes + (last != SIM_NO_TASK && d->first_arg != last);
                last = d->last_arg;
                continue;
            }
            if (l->marks[j].state != SIM_ST_RUNNING || l->marks[j].arg == SIM_NO_TASK)
                continue;
            if (last != SIM_NO_TASK && l->marks[j].arg != last)
                n++;
            last = l->marks[j].arg;
        }
    }
    return n;
}

void sim_trace_summarize(const sim_trace *t, int64_t nominal_ns, int cpus,
                         sim_summary *s)
{
    *s = (sim_summary){.nominal_ns = nominal_ns};
    int64_t last_end = 0;
    for (uint32_t i = 0; i < t->ntasks; i++) {
        sim_task_stat st;
        sim_trace_task_stat(t, i, &st);
        if (st.end_ns >= 0) {
            s->tasks_done++;
            if (st.end_ns > last_end)
                last_end = st.end_ns;
        }
        if (st.cpu_ns > 0)
            s->cpu_ns += st.cpu_ns;
    }
    /* Wall time: what the program's own clock would say, to the end of the
     * run: past the last task's end, asyncio.run shuts its loop down, the
     * main thread joins its threads, a Pool stops its workers. A run still
     * going (or an old trace without an end) lasts to its last task's end
     * or to now. */
    int64_t end = t->end_ns >= 0 ? t->end_ns : t->now_ns;
    if (s->tasks_done == t->ntasks)
        s->wall_ns = t->end_ns >= last_end ? t->end_ns : last_end;
    else
        s->wall_ns = end;
    if (s->wall_ns > 0) {
        s->speedup = (double)nominal_ns / (double)s->wall_ns;
        s->utilization = (double)s->cpu_ns / ((double)s->wall_ns * (cpus > 0 ? cpus : 1));
    }
    if (t->model == SIM_MODEL_ASYNCIO)
        s->switches = loop_switches(t);
    for (size_t i = 0; i < t->nflows; i++)
        if (t->flows[i].code == SIM_FL_HANDOFF || t->flows[i].code == SIM_FL_DISPATCH)
            s->switches++;
}

const char *sim_ready_name(sim_model m)
{
    switch (m) {
    case SIM_MODEL_ASYNCIO: return "waiting for the loop";
    case SIM_MODEL_THREADING: return "waiting for the GIL";
    case SIM_MODEL_MULTIPROCESSING: return "waiting for a worker";
    case SIM_MODEL_FREE_THREADING: return "waiting for a core";
    default: return "ready";
    }
}

int sim_counter_lost(const sim_tcounter *c, int64_t *lost)
{
    if (!c->has_final)
        return -1;
    int64_t e = c->expected, f = c->final;
    /* e - f overflows exactly when f < 0 and e > INT64_MAX + f, or f > 0
     * and e < INT64_MIN + f; neither bound can overflow itself. */
    if ((f < 0 && e > INT64_MAX + f) || (f > 0 && e < INT64_MIN + f))
        return -1;
    *lost = e - f;
    return 0;
}

size_t sim_counter_sentence(const sim_tcounter *c, sim_model model, char *buf,
                            size_t n)
{
    if (n == 0)
        return 0;
    buf[0] = '\0';
    if (!c->has_final)
        return 0;
    long long e = (long long)c->expected, f = (long long)c->final;
    const char *updates = e == 1 ? "update" : "updates";
    int64_t lost;
    int r;
    if (sim_counter_lost(c, &lost) != 0 || lost < 0 || f < 0)
        r = snprintf(buf, n, "%s: ended at %lld after %lld %s (cannot tell how "
                     "many were lost)", c->name, f, e, updates);
    else if (lost == 0)
        r = snprintf(buf, n, "%s: %lld of %lld %s kept, none lost", c->name, f, e,
                     updates);
    else if (model == SIM_MODEL_MULTIPROCESSING && !c->shared)
        r = snprintf(buf, n, "%s: %lld of %lld %s kept, %lld lost: each process "
                     "changed its own copy", c->name, f, e, updates, (long long)lost);
    else
        r = snprintf(buf, n, "%s: %lld of %lld %s kept, %lld lost", c->name, f, e,
                     updates, (long long)lost);
    if (r < 0) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)r < n ? (size_t)r : n - 1;
}
