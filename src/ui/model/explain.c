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
 * Two stories come first when the trace tells them: a lock the tasks
 * queued for (their waits add up to three quarters of the run or more,
 * and it was held half of it: they took turns holding it), and, under
 * threading, the convoy (an I/O task that waited longer for the GIL than
 * for its I/O).
 *
 * "Mostly computed" and "mostly waited" are read from each task's lane
 * (its time running against its time waiting for I/O), not from the
 * workload's text: the line describes what happened. The thresholds are
 * plain: computation "dominates" when it fills half of the wall time or
 * more; a task "blocks the loop" when it ran a quarter of the run (and at
 * least 10 ms) without an await, while another task was waiting for it,
 * and twice as long at a stretch as any other task (four equal CPU tasks
 * block nobody in particular: their computation adds up). The amount of
 * computation is the CPU time measured when the trace has it: time
 * "running" counts a thread the OS has not scheduled, too.
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
                       int64_t *longest_run, int64_t *longest_at, int64_t *ready_ns,
                       int64_t *io_ns, int64_t *run_ns)
{
    const sim_lane *l = &tr->lanes[lane];
    int64_t run = 0, io = 0, ready = 0, first = -1, end = -1;
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
        case SIM_ST_READY:
            ready += d;
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
    *ready_ns = ready;
    *io_ns = io;
    *run_ns = run;
    if (l->cpu_ns >= 0 && e->cpu_ns >= 0)
        e->cpu_ns += l->cpu_ns;
    else
        e->cpu_ns = -1;
    if (run >= io)
        e->ncpu++;
    else
        e->nio++;
    if (run + io > e->longest_ns)
        e->longest_ns = run + io;
    *span = first >= 0 && end >= first ? end - first : -1;
}

/* The most worker lanes running a task at one moment: a sweep over their
 * runs' starts and ends, each sorted (an end at a start's instant comes
 * first: one task ending as the next begins is not two at once). */
static uint32_t workers_at_once(const sim_trace *tr)
{
    size_t n = 0;
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++)
        if (tr->lanes[i].kind == SIM_LANE_WORKER)
            n += tr->lanes[i].nmarks;
    int64_t *from = n ? malloc(2 * n * sizeof *from) : NULL;
    if (!from)
        return 0;
    int64_t *to = from + n;
    size_t k = 0;
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        const sim_lane *l = &tr->lanes[i];
        for (size_t j = 0; l->kind == SIM_LANE_WORKER && j < l->nmarks; j++)
            if (l->marks[j].state == SIM_ST_RUNNING && l->marks[j].arg != SIM_NO_TASK &&
                sim_lane_seg_end(tr, l, j) > l->marks[j].t) { /* an empty run is none */
                from[k] = l->marks[j].t;
                to[k++] = sim_lane_seg_end(tr, l, j);
            }
    }
    qsort(from, k, sizeof *from, cmp_i64);
    qsort(to, k, sizeof *to, cmp_i64);
    uint32_t cur = 0, most = 0;
    for (size_t a = 0, b = 0; a < k;) {
        if (to[b] <= from[a]) {
            cur--, b++;
        } else {
            cur++, a++;
            most = cur > most ? cur : most;
        }
    }
    free(from);
    return most;
}

/* Multiprocessing: the pool's size, its rounds, its start. */
static void pool_facts(const sim_trace *tr, ui_explain *e)
{
    e->at_once = workers_at_once(tr);
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        const sim_lane *l = &tr->lanes[i];
        if (l->kind != SIM_LANE_WORKER)
            continue;
        e->workers++;
        uint32_t ran = 0, last = SIM_NO_TASK;
        for (size_t k = 0; k < l->nmarks; k++) {
            const sim_mark *m = &l->marks[k];
            if (m->state == SIM_ST_STARTING) {
                /* From the pool's creation (the run's start): with
                 * forkserver, the server's launch comes before any fork. */
                int64_t d = sim_lane_seg_end(tr, l, k);
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

/* The lock held longest, from the lock lanes (RUNNING: held). */
static void lock_facts(const sim_trace *tr, ui_explain *e)
{
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        const sim_lane *l = &tr->lanes[i];
        if (l->kind != SIM_LANE_LOCK)
            continue;
        int64_t held = 0;
        for (size_t k = 0; k < l->nmarks; k++)
            if (l->marks[k].state == SIM_ST_RUNNING)
                held += sim_lane_seg_end(tr, l, k) - l->marks[k].t;
        if (held > e->lock_held_ns) {
            e->lock_held_ns = held;
            sim_lane_name(tr, i, e->lock, sizeof e->lock);
        }
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
    e->cpu_ns = 0; /* until a lane does not know its own */
    int64_t *spans = n ? malloc(sizeof *spans * n) : NULL;
    uint32_t nspans = 0;
    int64_t start = -1, last_end = 0, block_at = 0, second = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t span, run1, at, ready, io, run;
        task_facts(tr, i, e, &span, &run1, &at, &ready, &io, &run);
        e->ready_ns += ready;
        /* The convoy: an I/O task (it waits for I/O more than it runs) that
         * waited more for the GIL than for I/O. */
        if (io > run && ready > io && ready > e->convoy_ready_ns) {
            e->convoy = i;
            e->convoy_ready_ns = ready;
            e->convoy_io_ns = io;
        }
        sim_task_stat st;
        sim_trace_task_stat(tr, i, &st);
        if (st.start_ns >= 0 && (start < 0 || st.start_ns < start))
            start = st.start_ns;
        if (st.end_ns > last_end)
            last_end = st.end_ns;
        if (span >= 0 && spans)
            spans[nspans++] = span;
        if (run1 > e->block_ns) {
            second = e->block_ns;
            e->block_ns = run1;
            e->blocker = i;
            block_at = at;
        } else if (run1 > second) {
            second = run1;
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
        e->block_ns * 4 < e->wall_ns || e->block_ns < 2 * second ||
        !someone_ready(tr, e->blocker, block_at))
        e->block_ns = 0;
    /* A convoy needs a CPU task to hold the GIL: where every task waits for
     * I/O (`3000*io:50ms`), the GIL is held by threads starting and
     * ending, which the line says otherwise. */
    if (e->model != SIM_MODEL_THREADING || e->ncpu == 0 ||
        e->convoy_ready_ns * 10 < e->wall_ns)
        e->convoy_ready_ns = 0;
    if (e->model == SIM_MODEL_MULTIPROCESSING)
        pool_facts(tr, e);
    lock_facts(tr, e);
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

/* The computation there was: measured CPU time when known. */
static void computation(const ui_explain *e, char *buf, size_t n)
{
    sim_format_ns(e->cpu_ns > 0 ? e->cpu_ns : e->run_ns, buf, n);
}

/* Neither the computation (it fills less than half the wall) nor the
 * waits for I/O explain the wall time: the tasks mostly waited to run, for
 * the interpreter's own work around them (the main thread starting the
 * threads one by one, the GIL changing hands, the event loop between
 * tasks). Fine steps do that: `4*(200*lock:L(inc:hits))` computes 0.3 ms
 * in 5 ms. "The waits overlap" would then name waits there were not. */
static int few_waits(const ui_explain *e)
{
    return e->io_ns * 2 < e->wall_ns;
}

/* "; they wait to run, 14 ms in all: <what>", when they did (a quarter of
 * the wall time or more, all tasks together). */
static size_t waited_to_run(const ui_explain *e, const char *what, char *buf, size_t n)
{
    if (e->ready_ns * 4 < e->wall_ns)
        return 0;
    char ready[32];
    sim_format_ns(e->ready_ns, ready, sizeof ready);
    return (size_t)snprintf(buf, n, "; they wait to run, %s in all: %s", ready, what);
}

static size_t asyncio_text(const ui_explain *e, int brief, const char *who, char *buf,
                           size_t n)
{
    char run[32], longest[32], block[32];
    computation(e, run, sizeof run);
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
    if (few_waits(e))
        return brief ? (size_t)snprintf(buf, n, "one thread: %s of computation, and the "
                                        "loop's own work", run)
                     : (size_t)snprintf(buf, n, "%s share one thread: %s of computation, and "
                                        "the event loop's own work between them takes the "
                                        "rest", who, run);
    return (size_t)snprintf(buf, n, brief ? "waits overlap: about the longest task (%s)"
                                          : "%s wait together: while one waits the loop runs "
                                            "another, so all take about the longest task (%s)",
                            brief ? longest : who, longest);
}

static size_t threading_text(const ui_explain *e, int brief, const char *who, char *buf,
                             size_t n)
{
    char run[32], longest[32], pool[64] = "";
    computation(e, run, sizeof run);
    sim_format_ns(e->longest_ns, longest, sizeof longest);
    if (e->threads > 0 && (uint32_t)e->threads < e->ntasks)
        snprintf(pool, sizeof pool, " on a pool of %d thread%s", e->threads,
                 e->threads == 1 ? "" : "s");
    if (e->convoy_ready_ns > 0) {
        char ready[32], io[32];
        sim_format_ns(e->convoy_ready_ns, ready, sizeof ready);
        sim_format_ns(e->convoy_io_ns, io, sizeof io);
        return (size_t)snprintf(buf, n, brief ? "the convoy: task %u waits %s for the GIL"
                                              : "the convoy effect: task %u waits %s for the GIL "
                                                "after its waits, more than the %s of I/O "
                                                "itself, while a CPU task holds it",
                                e->convoy, ready, io);
    }
    if (e->run_ns * 2 >= e->wall_ns)
        return brief ? (size_t)snprintf(buf, n, "the GIL: %s of computation in turn", run)
                     : (size_t)snprintf(buf, n, "%s%s take turns holding the GIL: %s of "
                                        "computation one after another%s", who, pool, run,
                                        e->io_ns > 0 ? "; waits release it and overlap" : "");
    if (few_waits(e)) {
        if (brief)
            return (size_t)snprintf(buf, n, "the GIL: %s of computation", run);
        size_t k = (size_t)snprintf(buf, n, "%s%s take turns holding the GIL: %s of "
                                    "computation", who, pool, run);
        if (k < n)
            k += waited_to_run(e, "for the main thread to start each thread (start() waits "
                               "for it), and for the GIL", buf + k, n - k);
        return k;
    }
    if (brief)
        return (size_t)snprintf(buf, n, "waits release the GIL and overlap");
    size_t k = (size_t)snprintf(buf, n, "%s%s wait at once: each releases the GIL while "
                                "it waits, so the waits overlap (about %s)", who, pool,
                                longest);
    if (k < n)
        k += waited_to_run(e, "for the main thread to start each thread, and for the GIL "
                           "as threads start and end", buf + k, n - k);
    return k;
}

static size_t free_text(const ui_explain *e, int brief, const char *who, char *buf, size_t n)
{
    char run[32], wall[32], longest[32], cpus[32];
    computation(e, run, sizeof run);
    sim_format_ns(e->wall_ns, wall, sizeof wall);
    sim_format_ns(e->longest_ns, longest, sizeof longest);
    sim_format_count((uint64_t)e->cpus, "CPU", "CPUs", cpus, sizeof cpus);
    if (e->run_ns * 2 >= e->wall_ns) {
        if (brief)
            return (size_t)snprintf(buf, n, "no GIL: computation in parallel");
        if (e->ncpu > (uint32_t)e->cpus)
            return (size_t)snprintf(buf, n, "no GIL: %s share %s, %d at a time: %s of "
                                    "computation in %s", who, cpus, e->cpus, run, wall);
        return (size_t)snprintf(buf, n, "no GIL: %s compute at once on %s: %s of computation "
                                "in %s", who, cpus, run, wall);
    }
    if (few_waits(e)) {
        if (brief)
            return (size_t)snprintf(buf, n, "no GIL: %s of computation", run);
        size_t k = (size_t)snprintf(buf, n, "no GIL: %s compute %s", who, run);
        if (k < n)
            k += waited_to_run(e, "for the main thread to start each thread (start() waits "
                               "for it)", buf + k, n - k);
        return k;
    }
    return brief ? (size_t)snprintf(buf, n, "no GIL; waits overlap")
                 : (size_t)snprintf(buf, n, "no GIL, and the waits overlap: %s take about "
                                    "the longest task (%s)", who, longest);
}

/* Tasks that queued for one lock took turns holding it: that lock set
 * the time. */
static size_t lock_text(const ui_explain *e, int brief, const char *who, char *buf, size_t n)
{
    char held[32], wall[32];
    sim_format_ns(e->lock_held_ns, held, sizeof held);
    sim_format_ns(e->wall_ns, wall, sizeof wall);
    if (brief)
        return (size_t)snprintf(buf, n, "%s held %s of %s", e->lock, held, wall);
    return (size_t)snprintf(buf, n, "%s take turns holding %s: it is held %s of the %s", who,
                            e->lock, held, wall);
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
        /* At most as many at a time as ran at once: a worker still
         * starting may leave the others to run every task. */
        return (size_t)snprintf(buf, n, "%s on a pool of %s: %u at a time, %u rounds of %s%s",
                                who, workers, e->at_once ? e->at_once : e->workers, e->rounds,
                                span, start);
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
    if (e->lock[0] && e->shared_ns * 4 >= e->wall_ns * 3 && e->lock_held_ns * 2 >= e->wall_ns)
        return lock_text(e, brief, who, buf, n);
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
