/* why.c - from an instant of a lane to the facts and the sentence that
 * say why it is in its state (see why.h).
 *
 * The rules are CPython's, as the engines reproduce them (README.md, "What
 * the engines do"; the essay on top of src/core/engines/gil.c), applied to
 * what the trace shows at that instant:
 *
 *   - asyncio: a ready task waits for the loop, which runs one task at a
 *     time until its next await, or does its own work between tasks;
 *   - threading: a thread that has run waits for the GIL's holder; one that
 *     has not run yet waits for its start (threads are started one by one)
 *     or, in a pool, for a pool thread;
 *   - free-threading: the same without the GIL: nothing to wait for but a
 *     start, a pool thread, or a core;
 *   - multiprocessing: a task waits for a worker, which runs one task at a
 *     time in a process of its own;
 *   - everywhere: a lock has one holder (its lane says who), a semaphore
 *     its permits, a queue its items (the flow of the item a task got says
 *     who put it).
 *
 * Which lock, semaphore or queue a task waits for is its step's (the
 * lens); a trace that recorded no steps falls back to what the lanes
 * alone say (the lock whose lane the task takes when its wait ends).
 */
#include "why.h"

#include <stdio.h>
#include <string.h>

#include "timeline.h"

uint8_t ui_state_at(const sim_trace *tr, long lane, int64_t t, uint32_t *arg)
{
    if (lane < 0 || (uint32_t)lane >= tr->nlanes)
        return SIM_ST_NONE;
    long k = sim_lane_mark_at(&tr->lanes[lane], t);
    if (k < 0)
        return SIM_ST_NONE;
    if (arg)
        *arg = tr->lanes[lane].marks[k].arg;
    return tr->lanes[lane].marks[k].state;
}

/* The first resource lane of a kind, or -1. */
static long res_lane(const sim_trace *tr, sim_lane_kind kind)
{
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++)
        if (tr->lanes[i].kind == kind)
            return (long)i;
    return -1;
}

/* The resource lane of `kind` busy with `task` at t, or -1. */
static long lane_running(const sim_trace *tr, sim_lane_kind kind, uint32_t task, int64_t t)
{
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        uint32_t arg = SIM_NO_TASK;
        if (tr->lanes[i].kind == kind && ui_state_at(tr, (long)i, t, &arg) == SIM_ST_RUNNING &&
            arg == task)
            return (long)i;
    }
    return -1;
}

/* The lock lane of name `name` (lock lanes follow the lock names' order). */
long ui_lock_lane_of(const sim_trace *tr, uint32_t name)
{
    if (name >= tr->nnames || tr->names[name].kind != SIM_NAME_LOCK)
        return -1;
    uint32_t k = 0;
    for (uint32_t i = 0; i < name; i++)
        k += tr->names[i].kind == SIM_NAME_LOCK;
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++)
        if (tr->lanes[i].kind == SIM_LANE_LOCK && tr->lanes[i].index == k)
            return (long)i;
    return -1;
}

/* The lock name of lock lane `lane`, or SIM_NO_TASK. */
static uint32_t lock_name_of(const sim_trace *tr, uint32_t lane)
{
    uint32_t k = tr->lanes[lane].index, seen = 0;
    for (uint32_t i = 0; i < tr->nnames; i++)
        if (tr->names[i].kind == SIM_NAME_LOCK && seen++ == k)
            return i;
    return SIM_NO_TASK;
}

/* Has the task run (or waited for anything but its turn) by t? */
static int started(const sim_trace *tr, uint32_t task, int64_t t)
{
    const sim_lane *l = &tr->lanes[task];
    for (uint32_t i = 0; i < l->nmarks && l->marks[i].t <= t; i++)
        if (l->marks[i].state != SIM_ST_READY && l->marks[i].state != SIM_ST_NONE)
            return 1;
    return 0;
}

static int live_at(const sim_trace *tr, uint32_t task, int64_t t)
{
    uint8_t s = ui_state_at(tr, task, t, NULL);
    return s != SIM_ST_DONE && s != SIM_ST_LOST && s != SIM_ST_NONE && started(tr, task, t);
}

static void other_on(ui_reason *w, uint32_t task, long lane)
{
    if (w->nothers < UI_WHY_MAX_OTHERS) {
        w->other_lane[w->nothers] = lane;
        w->others[w->nothers++] = task;
    }
}

static void other(ui_reason *w, uint32_t task)
{
    other_on(w, task, -1);
}

/* The step of task `task` at t, with its line and kind. */
static void step_of(const sim_trace *tr, const ui_lens *L, int p, uint32_t task, int64_t t,
                    ui_reason *w)
{
    w->op = -1;
    w->line = 0;
    if (!L || task >= tr->ntasks)
        return;
    long op = ui_lens_op_at(L, p, task, t);
    if (op < 0)
        return;
    w->op = op;
    w->op_kind = L->w.ops[op].kind;
    w->line = ui_lens_line_of(L, p, op);
}

static void set_holder(const sim_trace *tr, ui_reason *w, long res, int64_t t)
{
    w->res = res;
    w->holder = SIM_NO_TASK;
    uint32_t arg = SIM_NO_TASK;
    if (ui_state_at(tr, res, t, &arg) == SIM_ST_RUNNING && arg < tr->ntasks)
        w->holder = arg;
    w->holder_state = w->holder != SIM_NO_TASK ? ui_state_at(tr, w->holder, t, NULL)
                                               : SIM_ST_NONE;
}

/* A pool of N threads takes tasks in workload order: a task not run yet
 * waits until a thread is free. Counts the threads busy at t (the tasks
 * started and unfinished) and names a few of them. */
static void pool_facts(const sim_trace *tr, uint32_t task, int64_t t, ui_reason *w)
{
    w->kind = UI_WHY_POOL;
    w->total = tr->cfg.threads;
    for (uint32_t k = 0; k < tr->ntasks && w->busy < w->total; k++) {
        if (k == task || !live_at(tr, k, t))
            continue;
        w->busy++;
        other(w, k);
    }
}

static int is_pool(const sim_trace *tr)
{
    return tr->cfg.threads > 0 && (uint64_t)tr->cfg.threads < tr->ntasks;
}

/* Workers (or cores) of `kind` busy at t: running or sending a result. */
static void count_busy(const sim_trace *tr, sim_lane_kind kind, int64_t t, ui_reason *w)
{
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        if (tr->lanes[i].kind != kind)
            continue;
        w->total++;
        uint32_t arg = SIM_NO_TASK;
        uint8_t s = ui_state_at(tr, (long)i, t, &arg);
        if (s == SIM_ST_RUNNING || s == SIM_ST_SEND || s == SIM_ST_STARTING) {
            w->busy++;
            if (s != SIM_ST_STARTING && arg < tr->ntasks)
                other_on(w, arg, (long)i);
        }
    }
}

static void ready_facts(const sim_trace *tr, uint32_t lane, int64_t t, ui_reason *w)
{
    switch (tr->model) {
    case SIM_MODEL_ASYNCIO:
        w->kind = UI_WHY_LOOP;
        set_holder(tr, w, res_lane(tr, SIM_LANE_LOOP), t);
        break;
    case SIM_MODEL_THREADING:
    case SIM_MODEL_FREE_THREADING:
        if (!started(tr, lane, t) && is_pool(tr)) {
            pool_facts(tr, lane, t, w);
        } else if (!started(tr, lane, t)) {
            w->kind = UI_WHY_START; /* started one by one, or waiting for the GIL */
            if (tr->model == SIM_MODEL_THREADING)
                set_holder(tr, w, res_lane(tr, SIM_LANE_GIL), t);
        } else if (tr->model == SIM_MODEL_THREADING) {
            w->kind = UI_WHY_GIL;
            set_holder(tr, w, res_lane(tr, SIM_LANE_GIL), t);
        } else {
            w->kind = UI_WHY_CORE;
            count_busy(tr, SIM_LANE_CORE, t, w);
        }
        break;
    case SIM_MODEL_MULTIPROCESSING:
        w->kind = UI_WHY_WORKER;
        count_busy(tr, SIM_LANE_WORKER, t, w);
        break;
    default:
        break;
    }
}

static void running_facts(const sim_trace *tr, uint32_t lane, int64_t t, const sim_mark *m,
                          ui_reason *w)
{
    w->kind = UI_WHY_RUNNING;
    switch (tr->model) {
    case SIM_MODEL_ASYNCIO:
        set_holder(tr, w, res_lane(tr, SIM_LANE_LOOP), t);
        break;
    case SIM_MODEL_THREADING:
        set_holder(tr, w, res_lane(tr, SIM_LANE_GIL), t);
        break;
    case SIM_MODEL_MULTIPROCESSING:
        w->res = lane_running(tr, SIM_LANE_WORKER, lane, t);
        if (w->res >= 0)
            set_holder(tr, w, w->res, t);
        break;
    case SIM_MODEL_FREE_THREADING:
        w->cpu = m->cpu;
        w->res = lane_running(tr, SIM_LANE_CORE, lane, t);
        if (w->res >= 0)
            set_holder(tr, w, w->res, t);
        /* Another running thread last seen on the same CPU shares it. */
        for (uint32_t k = 0; m->cpu != SIM_NO_CPU && k < tr->ntasks && k < 4096; k++) {
            long i = k == lane ? -1 : sim_lane_mark_at(&tr->lanes[k], t);
            if (i >= 0 && tr->lanes[k].marks[i].state == SIM_ST_RUNNING &&
                tr->lanes[k].marks[i].cpu == m->cpu) {
                w->shares = 1;
                other(w, k);
                break;
            }
        }
        break;
    default:
        break;
    }
}

/* How far apart a task's own mark and a resource lane's mark of the same
 * event may be: two writers stamp them, microseconds apart. */
#define SAME_EVENT_NS 500000

/* Without steps: the lock lane a task takes when its wait [t0, t1) ends. */
static long lock_taken(const sim_trace *tr, uint32_t task, int64_t t0, int64_t t1)
{
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        const sim_lane *ln = &tr->lanes[i];
        if (ln->kind != SIM_LANE_LOCK)
            continue;
        long k = sim_lane_mark_at(ln, t1 + SAME_EVENT_NS);
        for (int back = 0; k >= 0 && back < 4 && ln->marks[k].t >= t0; k--, back++)
            if (ln->marks[k].state == SIM_ST_RUNNING && ln->marks[k].arg == task)
                return (long)i;
    }
    return -1;
}

/* Tasks other than `lane` that hold a permit of semaphore `name` at t, by
 * where the view puts them: inside a `with` block of it (at its release
 * too, which a thread may wait at). */
static int permits_held(const sim_trace *tr, const ui_lens *L, int p, uint32_t name,
                        uint32_t lane, int64_t t)
{
    int n = 0;
    for (uint32_t i = 0; i < tr->ntasks; i++) {
        long at = i == lane ? -1 : ui_lens_op_at(L, p, i, t);
        for (long q = at; q-- > 0;)
            if (L->w.ops[q].kind == SIM_OP_ACQUIRE && L->w.ops[q].b == name &&
                (long)L->w.ops[q].a >= at) {
                n++;
                break;
            }
    }
    return n;
}

static void wait_facts(const sim_trace *tr, const ui_lens *L, int p, uint32_t lane, int64_t t,
                       const sim_lane *l, long k, ui_reason *w)
{
    const sim_mark *m = &l->marks[k];
    const sim_op *op = w->op >= 0 && L ? &L->w.ops[w->op] : NULL;
    w->deadlocked = tr->outcome == SIM_OUTCOME_DEADLOCK &&
                    (size_t)k + 1 == l->nmarks;
    if (op && (op->kind == SIM_OP_ACQUIRE || op->kind == SIM_OP_RELEASE ||
               op->kind == SIM_OP_GET || op->kind == SIM_OP_PUT))
        w->name = op->b < tr->nnames ? op->b : SIM_NO_TASK;
    /* A wait the deadlock ended: its link says for what. */
    if (w->name == SIM_NO_TASK && tr->deadlock.t >= 0 && t >= m->t)
        for (uint32_t i = 0; i < tr->deadlock.nlinks; i++)
            if (tr->deadlock.links[i].task == lane &&
                sim_lane_seg_end(tr, l, (size_t)k) >= tr->deadlock.t &&
                tr->deadlock.links[i].name < tr->nnames)
                w->name = tr->deadlock.links[i].name;
    if (m->state == SIM_ST_LOCK) {
        w->kind = UI_WHY_LOCK;
        /* Its step names the lock; without one, the lock it took when the
         * wait ended does. */
        long ll = w->name != SIM_NO_TASK
                      ? ui_lock_lane_of(tr, w->name)
                      : lock_taken(tr, lane, m->t, sim_lane_seg_end(tr, l, (size_t)k));
        if (ll >= 0) {
            set_holder(tr, w, ll, t);
            w->name = lock_name_of(tr, (uint32_t)ll);
        } else {
            /* Nothing says which: the locks other tasks hold now. */
            for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
                uint32_t arg = SIM_NO_TASK;
                if (tr->lanes[i].kind == SIM_LANE_LOCK &&
                    ui_state_at(tr, (long)i, t, &arg) == SIM_ST_RUNNING && arg < tr->ntasks &&
                    arg != lane)
                    other_on(w, arg, (long)i);
            }
        }
    } else if (m->state == SIM_ST_SEM) {
        w->kind = UI_WHY_SEM;
        /* A release never waits for a permit: for the semaphore's own lock.
         * At an acquire under threads either may be: a permit free then
         * says which. */
        int threads = tr->model == SIM_MODEL_THREADING || tr->model == SIM_MODEL_FREE_THREADING;
        if (op && op->kind == SIM_OP_RELEASE)
            w->own_lock = 1;
        else if (threads && op && w->name != SIM_NO_TASK)
            w->own_lock = permits_held(tr, L, p, w->name, lane, t) <
                          (int)tr->names[w->name].permits;
        else if (threads)
            w->own_lock = 2;
    } else {
        w->kind = UI_WHY_QUEUE;
        /* The item its wait ended with: a message flow into it then. */
        int64_t t1 = sim_lane_seg_end(tr, l, (size_t)k);
        size_t a, e;
        ui_flows_visible(tr, t1 - SAME_EVENT_NS, t1 + SAME_EVENT_NS, &a, &e);
        for (size_t i = a; i < e; i++) {
            const sim_tflow *f = &tr->flows[i];
            if (f->code == SIM_FL_MESSAGE && f->lane1 == lane && f->lane0 < tr->ntasks &&
                f->t1 >= m->t) {
                w->from = f->lane0;
                w->from_t = f->t0;
                break;
            }
        }
        /* Between threads a put never waits for room, and an item put
         * before the wait began was there all along: the wait was for the
         * queue's own lock. (A process may wait to put: the pipe is full.) */
        int threads = tr->model == SIM_MODEL_THREADING || tr->model == SIM_MODEL_FREE_THREADING;
        if (threads && ((w->op >= 0 && w->op_kind == SIM_OP_PUT) ||
                        (w->from != SIM_NO_TASK && w->from_t < m->t)))
            w->own_lock = 1;
    }
}

static void task_facts(const sim_trace *tr, const ui_lens *L, int p, uint32_t lane,
                       int64_t t, const sim_lane *l, long k, ui_reason *w)
{
    const sim_mark *m = &l->marks[k];
    step_of(tr, L, p, lane, t, w);
    switch (m->state) {
    case SIM_ST_READY:
        ready_facts(tr, lane, t, w);
        break;
    case SIM_ST_RUNNING:
        running_facts(tr, lane, t, m, w);
        break;
    case SIM_ST_IO:
        w->kind = UI_WHY_IO;
        if (w->op >= 0 && w->op_kind == SIM_OP_EXEC) {
            w->kind = UI_WHY_EXECUTOR;
            w->res = lane_running(tr, SIM_LANE_EXECUTOR, lane, t);
            if (w->res >= 0)
                set_holder(tr, w, w->res, t);
        }
        break;
    case SIM_ST_LOCK:
    case SIM_ST_SEM:
    case SIM_ST_QUEUE:
        wait_facts(tr, L, p, lane, t, l, k, w);
        break;
    case SIM_ST_DONE:
        w->kind = UI_WHY_DONE;
        break;
    case SIM_ST_LOST:
        w->kind = UI_WHY_LOST;
        break;
    default:
        break;
    }
}

static void resource_facts(const sim_trace *tr, const ui_lens *L, int p, uint32_t lane,
                           int64_t t, const sim_mark *m, ui_reason *w)
{
    const sim_lane *l = &tr->lanes[lane];
    switch (m->state) {
    case SIM_ST_RUNNING:
        set_holder(tr, w, lane, t);
        w->kind = w->holder != SIM_NO_TASK ? UI_WHY_BUSY : UI_WHY_OWN_WORK;
        if (w->holder != SIM_NO_TASK)
            step_of(tr, L, p, w->holder, t, w);
        if (l->kind == SIM_LANE_LOCK) {
            w->name = lock_name_of(tr, lane);
            /* Who waits for it now: tasks waiting at this lock's step. */
            for (uint32_t k = 0; L && w->name != SIM_NO_TASK && k < tr->ntasks && k < 4096;
                 k++) {
                if (ui_state_at(tr, k, t, NULL) != SIM_ST_LOCK)
                    continue;
                long op = ui_lens_op_at(L, p, k, t);
                if (op >= 0 && L->w.ops[op].kind == SIM_OP_ACQUIRE && L->w.ops[op].b == w->name)
                    other(w, k);
            }
        }
        break;
    case SIM_ST_READY:
        /* The main thread, waiting for the GIL. */
        w->kind = UI_WHY_GIL;
        set_holder(tr, w, res_lane(tr, SIM_LANE_GIL), t);
        break;
    case SIM_ST_IDLE:
        w->kind = l->kind == SIM_LANE_MAIN ? UI_WHY_JOIN : UI_WHY_FREE;
        if (l->kind == SIM_LANE_LOCK)
            w->name = lock_name_of(tr, lane);
        break;
    case SIM_ST_STARTING:
        w->kind = UI_WHY_STARTING;
        break;
    case SIM_ST_RECV:
        w->kind = UI_WHY_RECV;
        break;
    case SIM_ST_SEND:
        w->kind = UI_WHY_SEND;
        w->res = lane;
        if (m->arg < tr->ntasks)
            w->holder = m->arg;
        w->holder_state = w->holder != SIM_NO_TASK ? ui_state_at(tr, w->holder, t, NULL)
                                                   : SIM_ST_NONE;
        break;
    case SIM_ST_DONE:
        w->kind = UI_WHY_EXITED;
        break;
    case SIM_ST_LOST:
        w->kind = UI_WHY_LOST;
        break;
    default:
        break;
    }
}

ui_why_kind ui_why_facts(const sim_trace *tr, const ui_lens *L, int p, uint32_t lane,
                         int64_t t, ui_reason *w)
{
    memset(w, 0, sizeof *w);
    w->lane = lane;
    w->t = t;
    w->res = -1;
    w->op = -1;
    w->holder = w->name = w->from = SIM_NO_TASK;
    w->cpu = SIM_NO_CPU;
    if (L && (p < 0 || p >= L->n || !L->have_w || L->w.ntasks != tr->ntasks))
        L = NULL; /* not this trace's program: no steps */
    if (lane >= tr->nlanes)
        return w->kind;
    const sim_lane *l = &tr->lanes[lane];
    long k = sim_lane_mark_at(l, t);
    if (k < 0 || l->marks[k].state == SIM_ST_NONE)
        return w->kind;
    w->state = l->marks[k].state;
    if (lane < tr->ntasks)
        task_facts(tr, L, p, lane, t, l, k, w);
    else
        resource_facts(tr, L, p, lane, t, &l->marks[k], w);
    return w->kind;
}
