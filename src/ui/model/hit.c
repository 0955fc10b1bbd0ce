/* hit.c - from a pixel to a sentence.
 *
 * The tooltip's "why" is the point of the whole tool: a colour says THAT a
 * task waits, the sentence says WHAT it waits for. It is derived from the
 * trace alone (the resource lane at the same instant: who holds the GIL, who
 * has the loop, which workers are busy), never from the engines, so a saved
 * run explains itself as well as a live one. The sentences know the rules
 * of CPython the engines reproduce (README.md, "What the engines do", and
 * the essay on the GIL's protocol that opens src/core/engines/gil.c); if
 * an engine recorded something unexpected, the sentence stays general
 * rather than invent a reason.
 */
#include "hit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cost_note.h"
#include "cpython_panel.h"
#include "panels.h"
#include "timeline.h"

int64_t ui_visible_limit(const ui_view *v, const sim_trace *tr)
{
    int64_t end = ui_trace_end(tr);
    if (v->live)
        return end;
    return v->playhead < end ? v->playhead : end;
}

ui_hit_kind ui_hit_test(const ui_layout *l, const ui_view *v,
                        const sim_comparison *c, int x, int y, ui_hit *h)
{
    memset(h, 0, sizeof *h);
    h->mark = -1;
    h->panel = -1;
    if (ui_rect_has(l->ruler, x, y)) {
        h->kind = UI_HIT_RULER;
        h->t = ui_tm_t(&v->tm, x);
        return h->kind;
    }
    int p = ui_layout_panel_at(l, x, y);
    if (p < 0 || p >= l->npanels)
        return UI_HIT_NONE;
    h->panel = p;
    const sim_trace *tr = h->tr = ui_panel_trace(l, c, p);
    const ui_panel_layout *pl = &l->panels[p];
    if (ui_rect_has(pl->header, x, y)) {
        h->kind = UI_HIT_HEADER;
        return h->kind;
    }
    if (!tr)
        return UI_HIT_NONE;
    if (x < l->tl_x0 || x >= l->tl_x0 + l->tl_w)
        return UI_HIT_NONE;
    h->t = ui_tm_t(&v->tm, x);
    if (pl->summary.h > 0 && ui_rect_has(pl->summary, x, y)) {
        h->kind = UI_HIT_SUMMARY;
        return h->kind;
    }
    long lane = ui_layout_lane_at(l, p, y, tr->nlanes);
    if (lane < 0)
        return UI_HIT_NONE;
    h->lane = (uint32_t)lane;
    h->kind = UI_HIT_LANE;
    if (h->t < 0 || h->t >= ui_visible_limit(v, tr))
        return h->kind;
    const sim_lane *ln = &tr->lanes[lane];
    long i = sim_lane_mark_at(ln, h->t);
    if (i < 0 || ln->marks[i].state == SIM_ST_NONE)
        return h->kind;
    h->kind = UI_HIT_SEGMENT;
    h->mark = i;
    h->state = ln->marks[i].state;
    h->arg = ln->marks[i].arg;
    h->seg_t0 = ln->marks[i].t;
    h->seg_t1 = sim_lane_seg_end(tr, ln, (size_t)i);
    return h->kind;
}

void ui_state_counts(const sim_trace *tr, int64_t t, uint32_t counts[SIM_ST__COUNT])
{
    memset(counts, 0, sizeof(uint32_t) * SIM_ST__COUNT);
    for (uint32_t i = 0; i < tr->ntasks && i < tr->nlanes; i++) {
        long k = sim_lane_mark_at(&tr->lanes[i], t);
        uint8_t s = k < 0 ? SIM_ST_NONE : tr->lanes[i].marks[k].state;
        if (s < SIM_ST__COUNT)
            counts[s]++;
    }
}

/* A bounded appender: never overflows, always NUL-terminated. */
typedef struct sbuf {
    char *p;
    size_t n, len;
} sbuf;

static void put(sbuf *b, const char *fmt, ...)
{
    if (b->n == 0 || b->len >= b->n - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(b->p + b->len, b->n - b->len, fmt, ap);
    va_end(ap);
    if (r > 0)
        b->len += (size_t)r < b->n - b->len ? (size_t)r : b->n - b->len - 1;
}

/* The first resource lane of a kind, or -1. */
static long res_lane(const sim_trace *tr, sim_lane_kind kind)
{
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++)
        if (tr->lanes[i].kind == kind)
            return (long)i;
    return -1;
}

/* State and arg of a lane at t; SIM_ST_NONE if nothing is recorded. */
static uint8_t state_at(const sim_trace *tr, long lane, int64_t t, uint32_t *arg)
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

static void task_name(const sim_trace *tr, uint32_t task, char *buf, size_t n)
{
    if (task < tr->ntasks && task < tr->nlanes)
        sim_lane_name(tr, task, buf, n);
    else
        snprintf(buf, n, "task %u", task);
}

/* Workers (or cores) of a kind busy at t, and how many there are. */
static void busy_count(const sim_trace *tr, sim_lane_kind kind, int64_t t,
                       int *busy, int *total, long *running_task_lane,
                       uint32_t task)
{
    *busy = *total = 0;
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        if (tr->lanes[i].kind != kind)
            continue;
        (*total)++;
        uint32_t arg = SIM_NO_TASK;
        uint8_t s = state_at(tr, (long)i, t, &arg);
        if (s == SIM_ST_RUNNING || s == SIM_ST_STARTING)
            (*busy)++;
        if (s == SIM_ST_RUNNING && arg == task && running_task_lane)
            *running_task_lane = (long)i;
    }
}

static void why_ready(sbuf *b, const sim_trace *tr, uint32_t lane, int64_t t)
{
    char who[48];
    uint32_t arg = SIM_NO_TASK;
    switch (tr->model) {
    case SIM_MODEL_ASYNCIO: {
        uint8_t s = state_at(tr, res_lane(tr, SIM_LANE_LOOP), t, &arg);
        if (s == SIM_ST_RUNNING && arg != SIM_NO_TASK && arg != lane) {
            task_name(tr, arg, who, sizeof who);
            put(b, "waiting for the loop: %s is running a CPU step and will "
                   "not yield until it reaches an await", who);
        } else {
            put(b, "waiting for the loop: ready, it runs when the loop "
                   "reaches it in its queue (first in, first out)");
        }
        break;
    }
    case SIM_MODEL_THREADING: {
        uint8_t s = state_at(tr, res_lane(tr, SIM_LANE_GIL), t, &arg);
        if (s == SIM_ST_RUNNING && arg != SIM_NO_TASK && arg != lane) {
            task_name(tr, arg, who, sizeof who);
            put(b, "waiting for the GIL: %s holds it and will drop it at its "
                   "next check, after a drop request", who);
        } else {
            put(b, "waiting for the GIL: it is being handed over");
        }
        break;
    }
    case SIM_MODEL_MULTIPROCESSING: {
        int busy, total;
        busy_count(tr, SIM_LANE_WORKER, t, &busy, &total, NULL, 0);
        put(b, "waiting for a worker: %d of %d worker processes are busy",
            busy, total);
        break;
    }
    case SIM_MODEL_FREE_THREADING: {
        int busy, total;
        busy_count(tr, SIM_LANE_CORE, t, &busy, &total, NULL, 0);
        put(b, "waiting for a core: %d of %d cores are busy (no GIL here)",
            busy, total);
        break;
    }
    default:
        put(b, "waiting to run");
    }
}

static void why_running(sbuf *b, const sim_trace *tr, uint32_t lane,
                        int64_t t, const sim_mark *m)
{
    switch (tr->model) {
    case SIM_MODEL_ASYNCIO:
        put(b, "running: it has the event loop; nothing else runs until its "
               "next await");
        break;
    case SIM_MODEL_THREADING:
        put(b, "running: it holds the GIL; a waiting thread asks for it after "
               "%.3g ms", (double)tr->cfg.switch_interval_ns / 1e6);
        break;
    case SIM_MODEL_MULTIPROCESSING: {
        int busy, total;
        long wl = -1;
        busy_count(tr, SIM_LANE_WORKER, t, &busy, &total, &wl, lane);
        if (wl >= 0) {
            char w[48];
            sim_lane_name(tr, (uint32_t)wl, w, sizeof w);
            put(b, "running in %s: a process of its own, with its own GIL", w);
        } else {
            put(b, "running in a worker process, with its own GIL");
        }
        break;
    }
    case SIM_MODEL_FREE_THREADING:
        if (m->cpu != SIM_NO_CPU)
            put(b, "running on core %u, in parallel: no GIL", m->cpu);
        else
            put(b, "running in parallel: no GIL");
        break;
    default:
        put(b, "running");
    }
}

/* How far apart a task's own mark and the resource lane's mark of the
 * same event may be: two writers stamp them, microseconds apart. */
#define SAME_EVENT_NS 500000

/* The lock lane a task takes when its wait [t0, t1) ends: a RUNNING mark
 * for it near t1. -1 if the wait never ended (a deadlock) or the lock has
 * no lane. */
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

static void why_lock(sbuf *b, const sim_trace *tr, uint32_t lane, int64_t t,
                     int64_t t0, int64_t t1)
{
    char lock[48], who[48];
    uint32_t holder = SIM_NO_TASK;
    long ll = lock_taken(tr, lane, t0, t1);
    if (ll >= 0) {
        sim_lane_name(tr, (uint32_t)ll, lock, sizeof lock);
        if (state_at(tr, ll, t, &holder) == SIM_ST_RUNNING &&
            holder != SIM_NO_TASK && holder != lane) {
            task_name(tr, holder, who, sizeof who);
            put(b, "waiting for %s, held by %s; it runs when %s releases it",
                lock, who, who);
        } else {
            put(b, "waiting for %s, which is being handed over", lock);
        }
        return;
    }
    /* The wait never ended: name the locks other tasks hold. */
    put(b, "waiting for a lock");
    int first = 1;
    for (uint32_t i = tr->ntasks; i < tr->nlanes; i++) {
        if (tr->lanes[i].kind != SIM_LANE_LOCK ||
            state_at(tr, (long)i, t, &holder) != SIM_ST_RUNNING ||
            holder == SIM_NO_TASK || holder == lane)
            continue;
        sim_lane_name(tr, i, lock, sizeof lock);
        task_name(tr, holder, who, sizeof who);
        put(b, "%s %s held by %s", first ? ":" : ",", lock, who);
        first = 0;
    }
    if (tr->outcome == SIM_OUTCOME_DEADLOCK)
        put(b, " (a deadlock: nobody can release it)");
}

static void why_queue(sbuf *b, const sim_trace *tr, uint32_t lane, int64_t t1)
{
    size_t a, e;
    ui_flows_visible(tr, t1 - SAME_EVENT_NS, t1 + SAME_EVENT_NS, &a, &e);
    for (size_t i = a; i < e; i++) {
        const sim_tflow *f = &tr->flows[i];
        if (f->code != SIM_FL_MESSAGE || f->lane1 != lane)
            continue;
        char who[48], d[32];
        task_name(tr, f->lane0, who, sizeof who);
        ui_format_dur(f->t0, d, sizeof d);
        put(b, "waiting on an empty queue: the item it gets was put by %s at %s",
            who, d);
        return;
    }
    if (tr->outcome == SIM_OUTCOME_DEADLOCK)
        put(b, "waiting on an empty queue: no task left can put an item");
    else
        put(b, "waiting on an empty queue: it runs when a producer puts an item");
}

size_t ui_why(const sim_trace *tr, uint32_t lane, int64_t t, char *buf,
              size_t n)
{
    sbuf b = {buf, n, 0};
    if (n)
        buf[0] = 0;
    if (lane >= tr->nlanes)
        return 0;
    const sim_lane *l = &tr->lanes[lane];
    long k = sim_lane_mark_at(l, t);
    if (k < 0)
        return 0;
    const sim_mark *m = &l->marks[k];
    char who[48];
    if (lane >= tr->ntasks) {
        /* A resource lane: say who has it. */
        if (m->state == SIM_ST_RUNNING && m->arg != SIM_NO_TASK) {
            task_name(tr, m->arg, who, sizeof who);
            char res[48];
            sim_lane_name(tr, lane, res, sizeof res);
            if (l->kind == SIM_LANE_GIL)
                put(&b, "%s holds the GIL", who);
            else if (l->kind == SIM_LANE_LOCK)
                put(&b, "%s holds %s; others that want it wait", who, res);
            else if (l->kind == SIM_LANE_EXECUTOR)
                put(&b, "%s runs work %s handed to it; the loop stays free",
                    res, who);
            else if (l->kind == SIM_LANE_LOOP)
                put(&b, "the loop runs %s until its next await", who);
            else
                put(&b, "busy with %s", who);
        } else if (m->state == SIM_ST_IDLE) {
            put(&b, l->kind == SIM_LANE_GIL ? "nobody holds the GIL"
                    : l->kind == SIM_LANE_LOCK ? "free: nobody holds the lock"
                                               : "free");
        } else if (m->state == SIM_ST_STARTING) {
            put(&b, "the process is starting: from its fork (or exec, under "
                    "spawn) until it is ready for work");
        } else if (m->state == SIM_ST_LOST) {
            put(&b, "the process died; its task is lost");
        }
        return b.len;
    }
    switch (m->state) {
    case SIM_ST_READY:
        why_ready(&b, tr, lane, t);
        break;
    case SIM_ST_RUNNING:
        why_running(&b, tr, lane, t, m);
        break;
    case SIM_ST_IO:
        if (tr->model == SIM_MODEL_THREADING)
            put(&b, "waiting for I/O: the GIL is released, other threads run");
        else if (tr->model == SIM_MODEL_ASYNCIO)
            put(&b, "waiting for I/O or an executor: awaited, so the loop runs other tasks");
        else
            put(&b, "waiting for I/O: needs no CPU");
        break;
    case SIM_ST_DONE:
        put(&b, "finished");
        break;
    case SIM_ST_LOST:
        put(&b, "lost: the worker process running it died");
        break;
    case SIM_ST_LOCK:
        why_lock(&b, tr, lane, t, m->t, sim_lane_seg_end(tr, l, (size_t)k));
        break;
    case SIM_ST_SEM:
        put(&b, "waiting for a semaphore: every permit is taken; it runs "
                "when a holder releases one");
        break;
    case SIM_ST_QUEUE:
        why_queue(&b, tr, lane, sim_lane_seg_end(tr, l, (size_t)k));
        break;
    default:
        put(&b, "%s", sim_state_name((sim_state)m->state));
    }
    return b.len;
}

size_t ui_hit_describe(const ui_hit *h, const sim_comparison *c, char *buf,
                       size_t n)
{
    sbuf b = {buf, n, 0};
    if (n)
        buf[0] = 0;
    const sim_trace *tr = h->tr;
    if (!tr)
        return 0;
    if (tr->source == SIM_SOURCE_CPYTHON)
        return ui_cpython_describe(h, c, buf, n);
    char name[64], d0[32], d1[32];
    if (h->kind == UI_HIT_SUMMARY) {
        uint32_t cnt[SIM_ST__COUNT];
        ui_state_counts(tr, h->t, cnt);
        ui_format_dur(h->t, d0, sizeof d0);
        put(&b, "%s at %s\n", sim_model_name(tr->model), d0);
        for (int s = SIM_ST_READY; s < SIM_ST__COUNT; s++)
            if (cnt[s])
                put(&b, "%u %s\n", cnt[s], sim_state_name((sim_state)s));
        return b.len;
    }
    if (h->kind != UI_HIT_SEGMENT)
        return 0;
    sim_lane_name(tr, h->lane, name, sizeof name);
    put(&b, "%s, %s\n", name, sim_model_name(tr->model));
    put(&b, "%s\n", h->state == SIM_ST_READY && h->lane < tr->ntasks
                         ? sim_ready_name(tr->model)
                         : sim_state_name((sim_state)h->state));
    ui_format_dur(h->seg_t0, d0, sizeof d0);
    int64_t end = h->seg_t1;
    ui_format_dur(end - h->seg_t0, d1, sizeof d1);
    put(&b, "from %s for %s%s\n", d0, d1, tr->end_ns < 0 &&
        h->mark + 1 >= (long)tr->lanes[h->lane].nmarks ? " (so far)" : "");
    char why[256];
    if (ui_why(tr, h->lane, h->t, why, sizeof why) > 0)
        put(&b, "%s\n", why);
    char cost[320];
    if (ui_cost_note(tr, h->lane, h->state, h->arg, cost, sizeof cost) > 0)
        put(&b, "%s", cost);
    while (b.len > 0 && buf[b.len - 1] == '\n')
        buf[--b.len] = 0;
    return b.len;
}
