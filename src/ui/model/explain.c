/* explain.c - a panel's result in words, from its trace.
 *
 * Each model has one question that decides its time, and the line answers
 * it with the run's own figures:
 *
 *   asyncio          one thread: did the computation add up (it cannot
 *                    overlap), did one task hold the loop without an
 *                    await, or did the waits overlap?
 *   threading        the GIL: computation takes turns, waits release it
 *   free-threading   no GIL: computation overlaps up to the CPUs
 *   multiprocessing  a pool: how many rounds of the pool the tasks took
 *
 * "Mostly computed" and "mostly waited" are read from each task's lane
 * (its time running against its time waiting for I/O), not from the
 * workload's text: the line describes what happened. The thresholds are
 * plain: computation "dominates" when it fills half of the wall time or
 * more; a task "blocks the loop" when it ran a quarter of the run (and at
 * least 10 ms) without an await while another task was waiting for it.
 */
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Whether some task other than `not` is waiting for its turn at time t. */
static int someone_ready(const sim_trace *tr, uint32_t not, int64_t t)
{
    for (uint32_t i = 0; i < tr->ntasks && i < tr->nlanes; i++) {
        if (i == not)
            continue;
        long k = sim_lane_mark_at(&tr->lanes[i], t);
        if (k >= 0 && tr->lanes[i].marks[k].state == SIM_ST_READY)
            return 1;
    }
    return 0;
}

/* One task lane: its time in each state, its span, its longest run. */
static void task_facts(const sim_trace *tr, uint32_t lane, ui_explain *e, int64_t *span,
                       int64_t *longest_run, int64_t *longest_at)
{
    const sim_lane *l = &tr->lanes[lane];
    int64_t run = 0, io = 0, first = -1, end = -1;
    *longest_run = 0;
    *longest_at = 0;
    for (size_t k = 0; k < l->nmarks; k++) {
        const sim_mark *m = &l->marks[k];
        int64_t d = sim_lane_seg_end(tr, l, k) - m->t;
        if (d < 0)
            d = 0;
        switch (m->state) {
        case SIM_ST_RUNNING:
            run += d;
            if (first < 0)
                first = m->t;
            if (d > *longest_run) {
                *longest_run = d;
                *longest_at = m->t + d / 2;
            }
            break;
        case SIM_ST_IO:
            io += d;
            break;
        case SIM_ST_LOCK:
        case SIM_ST_SEM:
        case SIM_ST_QUEUE:
            e->shared_ns += d;
            break;
        case SIM_ST_DONE:
            if (end < 0)
                end = m->t;
            break;
        default:
            break;
        }
    }
    e->run_ns += run;
    e->io_ns += io;
    if (run >= io)
        e->ncpu++;
    else
        e->nio++;
    if (run + io > e->longest_ns)
        e->longest_ns = run + io;
    *span = first >= 0 && end >= first ? end - first : -1;
}

/* Multiprocessing: the pool's size, its rounds, its start. */
static void pool_facts(const sim_trace *tr, ui_explain *e)
{
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        const sim_lane *l = &tr->lanes[i];
        if (l->kind != SIM_LANE_WORKER)
            continue;
        e->workers++;
        uint32_t ran = 0, last = SIM_NO_TASK;
        for (size_t k = 0; k < l->nmarks; k++) {
            const sim_mark *m = &l->marks[k];
            if (m->state == SIM_ST_STARTING) {
                int64_t d = sim_lane_seg_end(tr, l, k) - m->t;
                if (d > e->start_ns)
                    e->start_ns = d;
            }
            if (m->state == SIM_ST_RUNNING && m->arg != SIM_NO_TASK && m->arg != last) {
                ran++;
                last = m->arg;
            }
        }
        if (ran > e->rounds)
            e->rounds = ran;
    }
}

void ui_explain_facts(const sim_trace *tr, const sim_comparison *c, ui_explain *e)
{
    memset(e, 0, sizeof *e);
    e->model = tr->model;
    e->outcome = tr->outcome;
    e->ntasks = tr->ntasks;
    e->threads = tr->cfg.threads;
    e->cpus = c && c->machine.cpus > 0 ? c->machine.cpus : 1;
    e->now_ns = tr->end_ns >= 0 ? tr->end_ns : tr->now_ns;
    if (tr->outcome == SIM_OUTCOME_RUNNING || tr->outcome == SIM_OUTCOME_NOT_RUN)
        return;
    uint32_t n = tr->ntasks < tr->nlanes ? tr->ntasks : tr->nlanes;
    int64_t *spans = n ? malloc(sizeof *spans * n) : NULL;
    uint32_t nspans = 0;
    int64_t start = -1, last_end = 0, block_at = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t span, run1, at;
        task_facts(tr, i, e, &span, &run1, &at);
        sim_task_stat st;
        sim_trace_task_stat(tr, i, &st);
        if (st.start_ns >= 0 && (start < 0 || st.start_ns < start))
            start = st.start_ns;
        if (st.end_ns > last_end)
            last_end = st.end_ns;
        if (span >= 0 && spans)
            spans[nspans++] = span;
        if (run1 > e->block_ns) {
            e->block_ns = run1;
            e->blocker = i;
            block_at = at;
        }
    }
    e->wall_ns = last_end > start && start >= 0 ? last_end - start : e->now_ns;
    if (nspans) {
        qsort(spans, nspans, sizeof *spans, cmp_i64);
        e->span_ns = spans[nspans / 2];
    }
    free(spans);
    /* Holding the loop only counts if someone was kept waiting. */
    if (e->model != SIM_MODEL_ASYNCIO || n < 2 || e->block_ns < 10000000 ||
        e->block_ns * 4 < e->wall_ns || !someone_ready(tr, e->blocker, block_at))
        e->block_ns = 0;
    if (e->model == SIM_MODEL_MULTIPROCESSING)
        pool_facts(tr, e);
}

/* "8 I/O tasks", "4 CPU tasks", "8 tasks", by what they mostly did. */
static void tasks_noun(const ui_explain *e, char *buf, size_t n)
{
    if (e->ncpu == e->ntasks)
        sim_format_count(e->ntasks, "CPU task", "CPU tasks", buf, n);
    else if (e->nio == e->ntasks)
        sim_format_count(e->ntasks, "I/O task", "I/O tasks", buf, n);
    else
        sim_format_count(e->ntasks, "task", "tasks", buf, n);
}

static size_t stopped(const ui_explain *e, char *buf, size_t n)
{
    char t[32];
    sim_format_ns(e->now_ns, t, sizeof t);
    switch (e->outcome) {
    case SIM_OUTCOME_NOT_RUN:
        return (size_t)snprintf(buf, n, "not run: the run was stopped before its turn");
    case SIM_OUTCOME_CANCELLED:
        return (size_t)snprintf(buf, n, "stopped after %s: the lanes show what it did "
                                        "until then", t);
    case SIM_OUTCOME_TIMEOUT:
        return (size_t)snprintf(buf, n, "stopped by the time limit after %s", t);
    default:
        return 0; /* the trace's own sentence says it (deadlock, a lost worker) */
    }
}

static size_t asyncio_text(const ui_explain *e, int brief, const char *who, char *buf,
                           size_t n)
{
    char run[32], longest[32], block[32];
    sim_format_ns(e->run_ns, run, sizeof run);
    sim_format_ns(e->longest_ns, longest, sizeof longest);
    sim_format_ns(e->block_ns, block, sizeof block);
    if (e->block_ns > 0)
        return (size_t)snprintf(buf, n, brief ? "task %u blocks the loop for %s"
                                              : "task %u computes %s without an await: every "
                                                "other task waits for the loop meanwhile",
                                e->blocker, block);
    if (e->run_ns * 2 >= e->wall_ns)
        return brief ? (size_t)snprintf(buf, n, "one thread: %s of computation in a row", run)
                     : (size_t)snprintf(buf, n, "%s share one thread: their %s of computation "
                                        "run one after another%s", who, run,
                                        e->io_ns > 0 ? "; their waits overlap" : "");
    return (size_t)snprintf(buf, n, brief ? "waits overlap: about the longest task (%s)"
                                          : "%s wait together: while one waits the loop runs "
                                            "another, so all take about the longest task (%s)",
                            brief ? longest : who, longest);
}

static size_t threading_text(const ui_explain *e, int brief, const char *who, char *buf,
                             size_t n)
{
    char run[32], longest[32], pool[64] = "";
    sim_format_ns(e->run_ns, run, sizeof run);
    sim_format_ns(e->longest_ns, longest, sizeof longest);
    if (e->threads > 0 && (uint32_t)e->threads < e->ntasks)
        snprintf(pool, sizeof pool, " on a pool of %d thread%s", e->threads,
                 e->threads == 1 ? "" : "s");
    if (e->run_ns * 2 >= e->wall_ns)
        return brief ? (size_t)snprintf(buf, n, "the GIL: %s of computation in turn", run)
                     : (size_t)snprintf(buf, n, "%s%s take turns holding the GIL: %s of "
                                        "computation one after another%s", who, pool, run,
                                        e->io_ns > 0 ? "; waits release it and overlap" : "");
    return brief ? (size_t)snprintf(buf, n, "waits release the GIL and overlap")
                 : (size_t)snprintf(buf, n, "%s%s wait at once: each releases the GIL while "
                                    "it waits, so the waits overlap (about %s)", who, pool,
                                    longest);
}

static size_t free_text(const ui_explain *e, int brief, const char *who, char *buf, size_t n)
{
    char run[32], wall[32], longest[32];
    sim_format_ns(e->run_ns, run, sizeof run);
    sim_format_ns(e->wall_ns, wall, sizeof wall);
    sim_format_ns(e->longest_ns, longest, sizeof longest);
    if (e->run_ns * 2 >= e->wall_ns)
        return brief ? (size_t)snprintf(buf, n, "no GIL: computation in parallel")
                     : (size_t)snprintf(buf, n, "no GIL: %s compute at once on %d CPU%s, "
                                        "%s of computation in %s", who, e->cpus,
                                        e->cpus == 1 ? "" : "s", run, wall);
    return brief ? (size_t)snprintf(buf, n, "no GIL; waits overlap")
                 : (size_t)snprintf(buf, n, "no GIL, and the waits overlap: %s take about "
                                    "the longest task (%s)", who, longest);
}

static size_t pool_text(const ui_explain *e, int brief, const char *who, char *buf, size_t n)
{
    char span[32], start[64] = "", workers[48];
    sim_format_ns(e->span_ns, span, sizeof span);
    sim_format_count(e->workers, "worker", "workers", workers, sizeof workers);
    if (!brief && e->start_ns * 10 >= e->wall_ns && e->start_ns > 0) {
        char s[32];
        sim_format_ns(e->start_ns, s, sizeof s);
        snprintf(start, sizeof start, ", after %s to start them", s);
    }
    if (e->rounds > 1 && e->ntasks > e->workers) {
        if (brief)
            return (size_t)snprintf(buf, n, "%u rounds of %s on %s", e->rounds, span, workers);
        if (e->nio == e->ntasks)
            return (size_t)snprintf(buf, n, "%s on a pool of %s wait for a free worker, "
                                    "%u rounds of %s%s", who, workers, e->rounds, span, start);
        return (size_t)snprintf(buf, n, "%s on a pool of %s: %u at a time, %u rounds of %s%s",
                                who, workers, e->workers, e->rounds, span, start);
    }
    return (size_t)snprintf(buf, n, brief ? "in parallel on %s" : "%s run in parallel on %s%s",
                            brief ? workers : who, workers, start);
}

size_t ui_explain_text(const ui_explain *e, int brief, char *buf, size_t n)
{
    if (n == 0)
        return 0;
    buf[0] = 0;
    if (e->outcome != SIM_OUTCOME_OK)
        return e->outcome == SIM_OUTCOME_RUNNING ? 0 : stopped(e, buf, n);
    if (e->ntasks == 0)
        return 0;
    char who[48];
    tasks_noun(e, who, sizeof who);
    size_t k;
    switch (e->model) {
    case SIM_MODEL_ASYNCIO: k = asyncio_text(e, brief, who, buf, n); break;
    case SIM_MODEL_THREADING: k = threading_text(e, brief, who, buf, n); break;
    case SIM_MODEL_FREE_THREADING: k = free_text(e, brief, who, buf, n); break;
    case SIM_MODEL_MULTIPROCESSING: k = pool_text(e, brief, who, buf, n); break;
    default: k = 0; break;
    }
    if (!brief && e->shared_ns * 4 >= e->wall_ns && e->shared_ns > 0 && k < n) {
        char sh[32];
        sim_format_ns(e->shared_ns, sh, sizeof sh);
        k += (size_t)snprintf(buf + k, n - k, "; waits for locks, semaphores and queues: %s "
                              "in all", sh);
    }
    return k < n ? k : n - 1;
}
