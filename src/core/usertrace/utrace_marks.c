/* utrace_marks.c - each lane's marks, from what was recorded and sampled.
 *
 * What is observed and what is inferred (program.h lists each lane's
 * states):
 *
 * A thread's blocking calls are observed: the tracer timed each one (the
 * call, the GIL given back around it and taken again after it). Between
 * two of them, the thread either ran or waited, and only the sampler
 * (utrace_sample.h) saw which, once a period: each stretch is drawn as it
 * was sampled (running; waiting for the GIL or a lock, inferred from a
 * futex; blocked in a call the tracer does not know, from any other
 * sleep), and the running is then held to the thread's CPU time over the
 * stretch, which the tracer read at each call's end: a thread that was
 * sampled running for 10 ms but used 4 ms of CPU ran 4 ms, and waited
 * (for a CPU, or the GIL) the rest. Where nothing was sampled, it ran its
 * CPU time first and waited after, by convention. So a thread's running
 * never exceeds its CPU time, and all of it is marked SIM_MARK_INFERRED.
 * The end of a blocking call is split too when the sampler saw the thread
 * in a futex there: the call was over, the thread waited for the GIL to
 * come back.
 *
 * A task's steps are observed: the loop's callback that ran the step was
 * timed, and the moment the task was made ready (its wake-up scheduled),
 * and, for asyncio.sleep, when its timer was due. So a task waits for its
 * loop (READY) from the later of the two, and is suspended on what its
 * innermost await was before that. Not inferred.
 *
 * A loop's lane is its thread's: a task's step, the loop's own work
 * between them, and IDLE while it waits in select.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utrace_build.h"

/* A lane's marks as they are made, in time order. */
typedef struct mk {
    sim_trace *t;
    uint32_t lane;
    int e;
} mk;

static void put(mk *m, int64_t t, sim_state st, uint32_t arg, uint8_t flags)
{
    if (m->e)
        return;
    sim_lane *l = &m->t->lanes[m->lane];
    if (l->nmarks) {
        sim_mark *last = &l->marks[l->nmarks - 1];
        if (t < last->t)
            t = last->t; /* never back in time: a later call cannot start earlier */
        if (last->state == st && last->arg == arg && last->flags == flags)
            return;
        if (t == last->t) { /* a segment of no length: replaced */
            last->state = (uint8_t)st;
            last->arg = arg;
            last->flags = flags;
            m->t->states_seen |= 1u << st;
            return;
        }
    }
    sim_mark k = {.t = t, .arg = arg, .state = (uint8_t)st, .flags = flags, .cpu = SIM_NO_CPU};
    if (sim_trace_add_mark(m->t, m->lane, k) != 0)
        m->e = -ENOMEM;
}

/* The state a blocking call's kind is drawn as. */
static sim_state kind_state(char kind)
{
    switch (kind) {
    case 'k': return SIM_ST_LOCK;
    case 'm': return SIM_ST_SEM;
    case 'q': return SIM_ST_QUEUE;
    default: return SIM_ST_IO; /* s n l f w: a sleep, I/O, a child process;
                                  v: another's doing (an event, a join, a result) */
    }
}

int ut_instant(ut_build *b, int64_t t, uint32_t lane, sim_instant what, uint32_t arg)
{
    if (b->ninst == b->cap_inst) {
        size_t cap = b->cap_inst ? b->cap_inst * 2 : 256;
        sim_tinstant *n = realloc(b->inst, sizeof *n * cap);
        if (!n)
            return -ENOMEM;
        b->inst = n;
        b->cap_inst = cap;
    }
    b->inst[b->ninst++] = (sim_tinstant){.t = ut_rel(b, t), .lane = lane, .arg = arg,
                                          .code = (uint8_t)what};
    return 0;
}

int ut_flow(ut_build *b, int64_t t0, uint32_t lane0, int64_t t1, uint32_t lane1,
            sim_flow what)
{
    if (lane0 == SIM_NO_TASK || lane1 == SIM_NO_TASK)
        return 0;
    if (b->nflows == b->cap_flows) {
        size_t cap = b->cap_flows ? b->cap_flows * 2 : 64;
        sim_tflow *n = realloc(b->flows, sizeof *n * cap);
        if (!n)
            return -ENOMEM;
        b->flows = n;
        b->cap_flows = cap;
    }
    b->flows[b->nflows++] = (sim_tflow){.t0 = ut_rel(b, t0),
                                        .t1 = ut_rel(b, t1 < t0 ? t0 : t1),
                                        .lane0 = lane0, .lane1 = lane1,
                                        .code = (uint8_t)what};
    return 0;
}

/* ---- what the sampler saw ------------------------------------------------------- */

/* The change in effect at absolute time t: the last one placed at or
 * before it (a change is placed halfway between the sample before it and
 * the one that saw it), or -1 before the first. *until: where the next
 * is placed (or the last sample, past which nothing is known). */
static long change_at(const ut_tsamples *s, int64_t t, int64_t *until)
{
    *until = INT64_MAX;
    if (!s || !s->n)
        return -1;
    size_t lo = 0, hi = s->n; /* the first change placed after t */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const ut_change *c = &s->changes[mid];
        if (c->t_prev + (c->t - c->t_prev) / 2 <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n)
        *until = s->changes[lo].t_prev + (s->changes[lo].t - s->changes[lo].t_prev) / 2;
    if (lo == 0 || t > s->last) {
        if (t > s->last)
            *until = INT64_MAX;
        return -1;
    }
    if (*until > s->last)
        *until = s->last;
    return (long)lo - 1;
}

/* Whether change k's class was seen by a sample inside [a, b): from the
 * sample that saw the change to the last one before the next change. A
 * class seen only in a blocking call next to a stretch says nothing about
 * the stretch (the call's own sleep, seen a little late). */
static int seen_within(const ut_tsamples *s, long k, int64_t a, int64_t b)
{
    int64_t from = s->changes[k].t;
    int64_t to = (size_t)k + 1 < s->n ? s->changes[k + 1].t_prev : s->last;
    return from < b && to >= a;
}

/* One piece of a stretch, as sampled (cls 0: not seen). */
typedef struct piece {
    int64_t a, b;
    char cls;
} piece;

#define MAX_PIECES 4096

/* [g0, g1) cut into pieces by sampled class (at most MAX_PIECES; the
 * rest as one unknown piece). Returns how many. */
static size_t pieces_of(const ut_tsamples *s, int64_t g0, int64_t g1, piece *out)
{
    size_t n = 0;
    for (int64_t t = g0; t < g1 && n < MAX_PIECES;) {
        int64_t until;
        long k = change_at(s, t, &until);
        char c = k >= 0 && seen_within(s, k, g0, g1) ? s->changes[k].cls : 0;
        if (c == UT_GONE)
            c = 0;
        if (until > g1 || n == MAX_PIECES - 1)
            until = g1;
        if (until <= t)
            until = t + 1;
        if (n && out[n - 1].cls == c)
            out[n - 1].b = until;
        else
            out[n++] = (piece){t, until, c};
        t = until;
    }
    return n;
}

/* The words a thread's inferred marks carry (program.h: a mark's arg). */
typedef struct words {
    uint32_t cpu;     /* READY: sampled runnable, but its CPU time did not grow */
    uint32_t gil;     /* READY: asleep in a futex while another thread ran */
    uint32_t either;  /* READY: not sampled: its CPU time says it waited */
    uint32_t unseen;  /* IO: asleep elsewhere, in a call the tracer does not know */
    uint32_t lock;    /* LOCK: asleep in a futex while no thread of its process ran */
} words;

/* ---- when a process had a thread running -------------------------------------------- */

static int by_start(const void *x, const void *y)
{
    const int64_t *a = x, *b = y;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

static int64_t placed(const ut_change *c)
{
    return c->t_prev + (c->t - c->t_prev) / 2;
}

/* b->busy[proc], from its threads' samples: their runs, merged. */
static const ut_busy *busy_of(ut_build *b, uint32_t proc)
{
    ut_busy *u = &b->busy[proc];
    if (u->made || !b->samples)
        return u;
    u->made = 1;
    int32_t pid = b->rec->procs[proc].pid;
    size_t n = 0;
    for (size_t i = 0; i < b->samples->nthreads; i++)
        if (b->samples->threads[i].pid == pid)
            n += b->samples->threads[i].n;
    int64_t *iv = malloc(sizeof *iv * 2 * (n + 1));
    if (!iv)
        return u; /* none known: futex waits are then all "the GIL or a lock" */
    size_t k = 0;
    for (size_t i = 0; i < b->samples->nthreads; i++) {
        const ut_tsamples *s = &b->samples->threads[i];
        if (s->pid != pid)
            continue;
        for (size_t c = 0; c < s->n; c++)
            if (s->changes[c].cls == UT_RUN) {
                iv[2 * k] = placed(&s->changes[c]);
                iv[2 * k + 1] = c + 1 < s->n ? placed(&s->changes[c + 1]) : s->last;
                if (iv[2 * k + 1] > iv[2 * k])
                    k++;
            }
    }
    if (k > 1)
        qsort(iv, k, 2 * sizeof *iv, by_start);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m && iv[2 * i] <= iv[2 * m - 1]) {
            if (iv[2 * i + 1] > iv[2 * m - 1])
                iv[2 * m - 1] = iv[2 * i + 1];
        } else {
            iv[2 * m] = iv[2 * i];
            iv[2 * m + 1] = iv[2 * i + 1];
            m++;
        }
    }
    u->iv = iv;
    u->n = m;
    return u;
}

/* A futex wait [a, b) (absolute): READY for the GIL where another thread
 * of the process ran, LOCK elsewhere (nobody held the GIL then); with no
 * GIL at all, LOCK throughout. */
static void futex(const ut_build *b, mk *m, const ut_busy *u, int64_t a, int64_t z,
                  const words *w)
{
    const uint8_t I = SIM_MARK_INFERRED;
    if (!b->gil || !u) {
        put(m, ut_rel(b, a), b->gil ? SIM_ST_READY : SIM_ST_LOCK, b->gil ? w->gil : w->lock, I);
        return;
    }
    /* The first interval that ends after a. */
    size_t lo = 0, hi = u->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (u->iv[2 * mid + 1] <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    int64_t t = a;
    for (size_t i = lo; t < z; i++) {
        int64_t s = i < u->n ? u->iv[2 * i] : z, e = i < u->n ? u->iv[2 * i + 1] : z;
        if (s > t) { /* nobody ran from t to s */
            put(m, ut_rel(b, t), SIM_ST_LOCK, w->lock, I);
            t = s < z ? s : z;
        }
        if (t < z && i < u->n) { /* someone ran from t to e */
            put(m, ut_rel(b, t), SIM_ST_READY, w->gil, I);
            t = e < z ? e : z;
        }
        if (i >= u->n)
            break;
    }
}

/* A stretch between two blocking calls: running for at most `cpu` ns
 * (-1: unknown), the rest waiting, by what was sampled. */
static void gap(const ut_build *b, mk *m, const ut_tsamples *s, const ut_busy *u,
                int64_t g0, int64_t g1, int64_t cpu, const words *w)
{
    if (g1 <= g0)
        return;
    piece *pc = malloc(sizeof *pc * MAX_PIECES);
    if (!pc) {
        m->e = -ENOMEM;
        return;
    }
    size_t n = pieces_of(s, g0, g1, pc);
    int64_t run = 0;
    for (size_t i = 0; i < n; i++)
        if (pc[i].cls == UT_RUN)
            run += pc[i].b - pc[i].a;
    if (cpu < 0)
        cpu = g1 - g0; /* unknown: nothing holds the running back */
    /* Sampled runnable beyond the CPU time it used was waiting for a CPU:
     * each run gives back its share. */
    double keep = run > cpu ? (double)cpu / (double)run : 1.0;
    int64_t left = cpu - (run > cpu ? cpu : run); /* for the unsampled pieces */
    const uint8_t I = SIM_MARK_INFERRED;
    for (size_t i = 0; i < n; i++) {
        int64_t a = ut_rel(b, pc[i].a), z = ut_rel(b, pc[i].b), len = z - a;
        switch (pc[i].cls) {
        case UT_RUN: {
            int64_t r = (int64_t)((double)len * keep);
            put(m, a, SIM_ST_RUNNING, SIM_NO_TASK, I);
            if (r < len)
                put(m, a + r, SIM_ST_READY, w->cpu, I);
            break;
        }
        case UT_FUTEX:
            futex(b, m, u, pc[i].a, pc[i].b, w);
            break;
        case UT_SLEEP:
            put(m, a, SIM_ST_IO, w->unseen, I);
            break;
        default: { /* not sampled: its CPU time first, then waiting */
            int64_t r = left < len ? left : len;
            left -= r;
            if (r > 0)
                put(m, a, SIM_ST_RUNNING, SIM_NO_TASK, I);
            if (r < len)
                put(m, a + r, SIM_ST_READY, w->either, I);
            break;
        }
        }
    }
    free(pc);
}

/* When, at the end of blocking call k, the thread was back in a futex
 * until the call returned: the GIL taken again. Returns the start of that
 * wait, or k->t1 when there was none (or the call is a lock's own wait). */
static int64_t tail_wait(const ut_tsamples *s, const ut_block *k)
{
    if (!s || strchr("snlfw", k->kind) == NULL)
        return k->t1;
    int64_t until;
    long c = change_at(s, k->t1 - 1, &until);
    if (c < 0 || s->changes[c].cls != UT_FUTEX || !seen_within(s, c, k->t0, k->t1))
        return k->t1;
    const ut_change *ch = &s->changes[c];
    int64_t from = ch->t_prev + (ch->t - ch->t_prev) / 2;
    return from > k->t0 ? from : k->t1;
}

/* ---- threads ---------------------------------------------------------------------- */

static int by_t0(const void *x, const void *y)
{
    const ut_block *a = x, *b = y;
    return (a->t0 > b->t0) - (a->t0 < b->t0);
}

static int thread_marks(ut_build *b, sim_trace *t, uint32_t i, const ut_lane *ln)
{
    const ut_proc *p = &b->rec->procs[ln->proc];
    const ut_span *sp = &b->spans[ln->proc];
    ut_thread *th = &p->threads[ln->thread];
    const ut_tsamples *s = b->samples && th->native > 0 && th->native <= INT32_MAX
                               ? ut_sampler_thread(b->samples, (int32_t)th->native) : NULL;
    words w;
    if (sim_tprogram_intern(b->prog, "a CPU", &w.cpu) ||
        sim_tprogram_intern(b->prog, "the GIL or a lock", &w.gil) ||
        sim_tprogram_intern(b->prog, "the GIL or a CPU", &w.either) ||
        sim_tprogram_intern(b->prog, "a call concviz does not see", &w.unseen) ||
        sim_tprogram_intern(b->prog, "a lock, a queue or an event concviz does not see",
                            &w.lock))
        return -ENOMEM;
    const ut_busy *u = busy_of(b, ln->proc);
    mk m = {t, i, 0};
    int64_t start = th->t0 >= 0 ? th->t0 : th->nblocks ? th->blocks[0].t0 : sp->ready;
    int first = p->nthreads && ln->thread == 0;
    int is_main = first && strcmp(p->how, "main") == 0;
    if (ln->merged || is_main) {
        /* The interpreter's start-up (and a child's start): from when it was
         * asked for to the tracer's first record. */
        if (sp->start < start)
            put(&m, ut_rel(b, sp->start), SIM_ST_STARTING, SIM_NO_TASK, 0);
    }
    int ended = th->t1 >= 0;
    int64_t end = ended ? th->t1 : sp->end;
    if (end < start)
        end = start;
    if (th->nblocks > 1)
        qsort(th->blocks, th->nblocks, sizeof *th->blocks, by_t0);
    int64_t cursor = start, cpu_prev = th->cpu0;
    for (size_t k = 0; k < th->nblocks && !m.e; k++) {
        const ut_block *blk = &th->blocks[k];
        if (blk->t1 <= cursor || blk->t0 >= end)
            continue;
        int64_t t0 = blk->t0 > cursor ? blk->t0 : cursor;
        int64_t t1 = blk->t1 < end ? blk->t1 : end;
        int64_t budget = blk->cpu >= 0 && cpu_prev >= 0 ? blk->cpu - cpu_prev : -1;
        gap(b, &m, s, u, cursor, t0, budget < 0 ? -1 : budget, &w);
        int64_t back = tail_wait(s, blk);
        put(&m, ut_rel(b, t0), kind_state(blk->kind), blk->what, 0);
        if (back < t1)
            futex(b, &m, u, back > t0 ? back : t0, t1, &w);
        if (blk->cpu >= 0)
            cpu_prev = blk->cpu;
        cursor = t1;
    }
    int64_t budget = th->cpu1 >= 0 && cpu_prev >= 0 ? th->cpu1 - cpu_prev : -1;
    gap(b, &m, s, u, cursor, end, budget, &w);
    if (ended || sp->end >= 0)
        put(&m, ut_rel(b, end), SIM_ST_DONE, SIM_NO_TASK,
            !ended && sp->end_inferred ? SIM_MARK_INFERRED : 0);
    /* Its CPU time, measured; unknown when it never said its last (its
     * process was killed): the samples alone then tell its running. */
    t->lanes[i].cpu_ns = th->cpu1 >= 0 && th->cpu0 >= 0 ? th->cpu1 - th->cpu0 : -1;
    if (th->raised_t >= 0 && !m.e)
        return ut_instant(b, th->raised_t, i, SIM_IN_MARK, th->raised);
    return m.e;
}

/* ---- tasks ----------------------------------------------------------------------- */

static int task_marks(ut_build *b, sim_trace *t, uint32_t i, const ut_lane *ln)
{
    const ut_task *k = &b->rec->procs[ln->proc].tasks[ln->task];
    mk m = {t, i, 0};
    put(&m, ut_rel(b, k->created), SIM_ST_READY, SIM_NO_TASK, 0);
    char last = 'r';
    for (size_t j = 0; j < k->nsteps && !m.e; j++) {
        const ut_step *s = &k->steps[j];
        if (last == 'w') {
            /* Woken: when its future was done (the loop scheduled it), or
             * for a sleep, when its timer was due, if the loop was late. */
            int64_t woke = s->ready;
            if (s->wake > 0 && s->wake < woke)
                woke = s->wake;
            put(&m, ut_rel(b, woke), SIM_ST_READY, SIM_NO_TASK, 0);
        }
        put(&m, ut_rel(b, s->t0), SIM_ST_RUNNING, SIM_NO_TASK, 0);
        if (s->st == 'd') {
            put(&m, ut_rel(b, s->t1), SIM_ST_DONE, SIM_NO_TASK, 0);
        } else if (s->st == 'r') {
            put(&m, ut_rel(b, s->t1), SIM_ST_READY, SIM_NO_TASK, 0);
        } else {
            put(&m, ut_rel(b, s->t1), kind_state(s->kind), s->what, 0);
            if (ut_instant(b, s->t1, i, SIM_IN_AWAIT, s->what))
                return -ENOMEM;
        }
        last = s->st;
    }
    t->lanes[i].cpu_ns = -1; /* its thread's lane holds the CPU time */
    return m.e;
}

/* ---- loops ----------------------------------------------------------------------- */

typedef struct span3 {
    int64_t a, b;
    uint32_t lane; /* the task's lane; SIM_NO_TASK: the loop waiting in select */
} span3;

static int by_a(const void *x, const void *y)
{
    const span3 *p = x, *q = y;
    return (p->a > q->a) - (p->a < q->a);
}

static int loop_marks(ut_build *b, sim_trace *t, uint32_t i, const ut_lane *ln)
{
    const ut_proc *p = &b->rec->procs[ln->proc];
    const ut_thread *th = &p->threads[ln->thread];
    size_t n = th->nblocks;
    for (uint32_t j = i + 1; j < b->nlanes && b->lanes[j].owner == i; j++)
        n += p->tasks[b->lanes[j].task].nsteps;
    span3 *sp = malloc(sizeof *sp * (n + 1));
    if (!sp)
        return -ENOMEM;
    size_t k = 0;
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (uint32_t j = i + 1; j < b->nlanes && b->lanes[j].owner == i; j++) {
        const ut_task *task = &p->tasks[b->lanes[j].task];
        for (size_t s = 0; s < task->nsteps; s++) {
            sp[k++] = (span3){task->steps[s].t0, task->steps[s].t1, j};
            if (task->steps[s].t0 < first)
                first = task->steps[s].t0;
            if (task->steps[s].t1 > last)
                last = task->steps[s].t1;
        }
    }
    for (size_t s = 0; s < th->nblocks; s++)
        if (th->blocks[s].kind == 'l' && th->blocks[s].t0 >= first && th->blocks[s].t1 <= last)
            sp[k++] = (span3){th->blocks[s].t0, th->blocks[s].t1, SIM_NO_TASK};
    if (k > 1)
        qsort(sp, k, sizeof *sp, by_a);
    mk m = {t, i, 0};
    int64_t cursor = first;
    for (size_t s = 0; s < k && !m.e; s++) {
        if (sp[s].a > cursor) /* between two: the loop's own work */
            put(&m, ut_rel(b, cursor), SIM_ST_RUNNING, SIM_NO_TASK, 0);
        int64_t a = sp[s].a > cursor ? sp[s].a : cursor;
        if (sp[s].b <= a)
            continue;
        put(&m, ut_rel(b, a), sp[s].lane == SIM_NO_TASK ? SIM_ST_IDLE : SIM_ST_RUNNING,
            sp[s].lane, 0);
        cursor = sp[s].b;
    }
    if (k)
        put(&m, ut_rel(b, cursor), SIM_ST_IDLE, SIM_NO_TASK, 0);
    free(sp);
    t->lanes[i].cpu_ns = -1;
    return m.e;
}

int ut_marks_lane(ut_build *b, sim_trace *t, uint32_t i)
{
    const ut_lane *ln = &b->lanes[i];
    switch (ln->kind) {
    case SIM_PLANE_THREAD: return thread_marks(b, t, i, ln);
    case SIM_PLANE_TASK: return task_marks(b, t, i, ln);
    case SIM_PLANE_LOOP: return loop_marks(b, t, i, ln);
    default: return 0; /* processes: from their threads, after them */
    }
}

/* ---- processes ------------------------------------------------------------------- */

int ut_marks_process(ut_build *b, sim_trace *t, uint32_t i)
{
    const ut_lane *ln = &b->lanes[i];
    const ut_span *sp = &b->spans[ln->proc];
    uint32_t n = 0;
    for (uint32_t j = i + 1; j < b->nlanes && b->lanes[j].proc == ln->proc; j++)
        n++;
    uint32_t *threads = malloc(sizeof *threads * (n + 1));
    if (!threads)
        return -ENOMEM;
    uint32_t k = 0;
    for (uint32_t j = i + 1; j < b->nlanes && b->lanes[j].proc == ln->proc; j++)
        if (b->lanes[j].kind == SIM_PLANE_THREAD)
            threads[k++] = j;
    mk m = {t, i, 0};
    int64_t ready = sp->ready > sp->start ? sp->ready : sp->start;
    if (sp->start < ready)
        put(&m, ut_rel(b, sp->start), SIM_ST_STARTING, SIM_NO_TASK, 0);
    int64_t end = sp->end >= 0 ? ut_rel(b, sp->end) : INT64_MAX;
    if (!m.e && sim_tprogram_union(t, i, threads, k, ut_rel(b, ready), end) != 0)
        m.e = -ENOMEM;
    free(threads);
    if (sp->end >= 0)
        put(&m, end, SIM_ST_DONE, SIM_NO_TASK, sp->end_inferred ? SIM_MARK_INFERRED : 0);
    t->lanes[i].cpu_ns = -1;
    return m.e;
}
