/* draw_arrows.c - arrows that help: the GIL's hand-offs, tasks sent to
 * workers and their results, queue items, waits for a lock, and the
 * deadlock's band and cycle.
 *
 * An arrow earns its place only where it says something the boxes do not:
 *
 *   - a GIL hand-off is drawn only where it is immediate: the thread that
 *     took the GIL was waiting for it when the other dropped it. A GIL that
 *     sat free in between (both threads in I/O) was not handed over, and a
 *     diagonal across the gap would say it was;
 *   - a task sent to a worker (or an executor) and its result are drawn in
 *     full for the task under the pointer, and wherever they are short;
 *     the others, which wait in the pool's queue for long, are drawn as a
 *     short arrow into the lane that receives them: two workers fed twenty
 *     tasks make twenty ticks, not a hairball of diagonals;
 *   - a wait for a lock (one wide enough to see) points, where it begins,
 *     at the lock's lane, whose box names the holder;
 *   - a deadlock is a band from the moment it formed (the last wait of its
 *     cycle began) to the right edge, since those waits never end, with
 *     the cycle drawn between the lanes: each waiter's arrow to the task
 *     holding what it waits for.
 *
 * Arrows are found by binary search (ui_flows_visible) and thinned to a
 * few pixels apart per kind, so their cost follows the pixels.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"
#include "hit.h"
#include "timeline.h"
#include "why.h"

static int lane_center(const ui_layout *l, int p, uint32_t lane, uint32_t nlanes, float *y)
{
    ui_rect r;
    if (ui_layout_lane_rect(l, p, lane, nlanes, &r) != 0)
        return -1;
    *y = r.y + r.h / 2.0f;
    return 0;
}

/* A line from (x0, y0) to (x1, y1) with its head at the end. */
static void arrow(ui_ctx *ui, float x0, float y0, float x1, float y1, float w, ui_color c)
{
    float ah = (float)ui->l->small_px * 0.55f;
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1.0f)
        return;
    float ux = dx / len, uy = dy / len;
    if (ah > len)
        ah = len;
    ui_draw_line(ui, x0, y0, x1 - ux * ah * 0.8f, y1 - uy * ah * 0.8f, w, c);
    ui_draw_triangle(ui, x1, y1, x1 - ux * ah - uy * ah * 0.45f, y1 - uy * ah + ux * ah * 0.45f,
                     x1 - ux * ah + uy * ah * 0.45f, y1 - uy * ah - ux * ah * 0.45f, c);
}

/* The task a dispatch or result is about: its task lane's, or the
 * worker's (executor's) task at the worker's end. */
static uint32_t flow_task(const sim_trace *tr, const sim_tflow *f)
{
    if (f->lane0 < tr->ntasks)
        return f->lane0;
    if (f->lane1 < tr->ntasks)
        return f->lane1;
    uint32_t arg = SIM_NO_TASK;
    if (f->code == SIM_FL_DISPATCH)
        ui_state_at(tr, f->lane1, f->t1, &arg);
    else
        ui_state_at(tr, f->lane0, f->t0, &arg);
    return arg;
}

/* A hand-off is immediate when the taker was waiting for the GIL as the
 * other dropped it (just before: it may take it in the same nanosecond). */
static int immediate(const sim_trace *tr, const sim_tflow *f)
{
    return f->lane1 >= tr->nlanes ||
           ui_state_at(tr, f->lane1, f->t0 > 0 ? f->t0 - 1 : 0, NULL) == SIM_ST_READY ||
           ui_state_at(tr, f->lane1, f->t0, NULL) == SIM_ST_READY;
}

static void draw_flows(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                       int64_t limit)
{
    const sim_trace *tr = ui_panel_trace(ui->l, c, p);
    const ui_layout *l = ui->l;
    if (!tr)
        return;
    int64_t t0 = ui_tm_t(&v->tm, l->tl_x0), t1 = ui_tm_t_end(&v->tm);
    if (t1 > limit)
        t1 = limit;
    size_t a, b;
    ui_flows_visible(tr, t0, t1, &a, &b);
    float last[SIM_FL__COUNT + 1];
    for (int k = 0; k <= SIM_FL__COUNT; k++)
        last[k] = -1e9f;
    float t = (float)thick(ui) + (l->scale > 1.5f ? 1.0f : 0.5f);
    long hover = ui_hover_task(ui, v, c, p);
    for (size_t i = a; i < b; i++) {
        const sim_tflow *f = &tr->flows[i];
        float y0, y1;
        if (lane_center(l, p, f->lane0, tr->nlanes, &y0) != 0 ||
            lane_center(l, p, f->lane1, tr->nlanes, &y1) != 0)
            continue;
        float x0 = (float)ui_tm_x(&v->tm, f->t0), x1 = (float)ui_tm_x(&v->tm, f->t1);
        int code = f->code < SIM_FL__COUNT ? f->code : 0;
        ui_color col = ui->th->flow[code];
        if (code == SIM_FL_HANDOFF && !immediate(tr, f))
            continue;
        if (code == SIM_FL_DISPATCH || code == SIM_FL_RESULT) {
            int mine = hover >= 0 && flow_task(tr, f) == (uint32_t)hover;
            if (!mine && x1 - x0 > 6.0f * l->scale) {
                /* Waited long in a queue: a short arrow into its receiver. */
                if (x1 - last[SIM_FL__COUNT] < 4.0f * l->scale)
                    continue;
                last[SIM_FL__COUNT] = x1;
                float dir = y1 >= y0 ? 1.0f : -1.0f;
                float stub = (float)l->small_px * 1.1f;
                if (stub > fabsf(y1 - y0))
                    stub = fabsf(y1 - y0);
                arrow(ui, x1, y1 - dir * stub, x1, y1, t, col);
                ui->flows++;
                continue;
            }
            if (mine) {
                arrow(ui, x0, y0, x1, y1, t + 1.5f, col);
                ui->flows++;
                continue;
            }
        }
        if (x1 - last[code] < 5.0f * l->scale)
            continue;
        last[code] = x1;
        /* A queue item is data that crossed between tasks: a bolder line
         * than the scheduler's hand-offs, so it reads over the boxes. */
        arrow(ui, x0, y0, x1, y1, code == SIM_FL_MESSAGE ? t + 1.0f : t, col);
        ui->flows++;
    }
}

/* A wait for a lock: where it begins, an arrow from the waiting task to the
 * lock's lane (its box there names the holder). The lock is the task's
 * step's (the lens); without steps, the deadlock's link for it. */
static void draw_waits(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                       int64_t limit)
{
    const sim_trace *tr = ui_panel_trace(ui->l, c, p);
    const ui_layout *l = ui->l;
    /* The lens knows the models' steps; CPython's runs have none. */
    const ui_lens *L = l->panels[p].src.cpython ? NULL : ui->lens;
    int model = l->panels[p].src.trace;
    if (!tr)
        return;
    if (!(tr->states_seen & (1u << SIM_ST_LOCK)))
        return;
    int64_t vt0 = ui_tm_t(&v->tm, l->tl_x0), vt1 = ui_tm_t_end(&v->tm);
    if (vt1 > limit)
        vt1 = limit;
    uint32_t first = l->task_scroll, stop = first + l->rows_visible;
    if (stop > tr->ntasks)
        stop = tr->ntasks;
    float t = (float)thick(ui) + 0.5f;
    for (uint32_t lane = first; lane < stop; lane++) {
        const sim_lane *ln = &tr->lanes[lane];
        size_t i0, i1;
        ui_lane_visible(tr, ln, vt0, vt1, &i0, &i1);
        float last = -1e9f;
        for (size_t i = i0; i < i1; i++) {
            const sim_mark *m = &ln->marks[i];
            if (m->state != SIM_ST_LOCK || m->t < vt0 || m->t > vt1)
                continue;
            /* A wait too short to see needs no arrow to explain it. */
            double w = ui_tm_x(&v->tm, sim_lane_seg_end(tr, ln, i)) - ui_tm_x(&v->tm, m->t);
            if (w < 3.0 * l->scale)
                continue;
            long op = L ? ui_lens_op_at(L, model, lane, m->t) : -1;
            uint32_t name = op >= 0 && L->w.ops[op].kind == SIM_OP_ACQUIRE ? L->w.ops[op].b
                                                                          : SIM_NO_TASK;
            for (uint32_t k = 0; name == SIM_NO_TASK && k < tr->deadlock.nlinks; k++)
                if (tr->deadlock.links[k].task == lane && i + 1 == ln->nmarks)
                    name = tr->deadlock.links[k].name;
            long ll = name != SIM_NO_TASK ? ui_lock_lane_of(tr, name) : -1;
            float y0;
            ui_rect lr;
            if (ll < 0 || lane_center(l, p, lane, tr->nlanes, &y0) != 0 ||
                ui_layout_lane_rect(l, p, (uint32_t)ll, tr->nlanes, &lr) != 0)
                continue;
            float x = (float)ui_tm_x(&v->tm, m->t);
            if (x - last < 4.0f * l->scale)
                continue;
            last = x;
            /* To the edge of the lock's lane, not over its holder's number. */
            float y1 = y0 < lr.y ? (float)lr.y + 1 : (float)(lr.y + lr.h - 1);
            arrow(ui, x, y0, x, y1, t, ui->th->wait_for);
            ui->flows++;
        }
    }
}

void ui_draw_arrows(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                    int64_t limit)
{
    draw_waits(ui, v, c, p, limit);
    draw_flows(ui, v, c, p, limit);
}

/* ---- the deadlock ------------------------------------------------------ */

/* When the deadlock formed: the last of its waits began. The links say
 * which tasks wait (a trace without them: every task waiting then). */
static int64_t formed_at(const sim_trace *tr, int64_t found)
{
    int64_t at = -1;
    for (uint32_t k = 0; k < tr->deadlock.nlinks; k++) {
        uint32_t task = tr->deadlock.links[k].task;
        if (task >= tr->ntasks)
            continue;
        long i = sim_lane_mark_at(&tr->lanes[task], found);
        if (i >= 0 && tr->lanes[task].marks[i].t > at)
            at = tr->lanes[task].marks[i].t;
    }
    for (uint32_t task = 0; at < 0 && task < tr->ntasks && task < 4096; task++) {
        long i = sim_lane_mark_at(&tr->lanes[task], found);
        uint8_t s = i >= 0 ? tr->lanes[task].marks[i].state : SIM_ST_NONE;
        if ((s == SIM_ST_LOCK || s == SIM_ST_SEM || s == SIM_ST_QUEUE) &&
            tr->lanes[task].marks[i].t > at)
            at = tr->lanes[task].marks[i].t;
    }
    return at >= 0 && at <= found ? at : found;
}

void ui_draw_deadlock(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                      int64_t limit)
{
    const sim_trace *tr = ui_panel_trace(ui->l, c, p);
    if (!tr || !sim_trace_failed(tr))
        return;
    /* The instant is the last thing a deadlocked run records: a look at
     * the last few instants finds it without a walk over them all. */
    const sim_tinstant *dl = NULL;
    for (size_t i = tr->ninstants, k = 0; i > 0 && k < 64 && !dl; i--, k++)
        if (tr->instants[i - 1].code == SIM_IN_DEADLOCK)
            dl = &tr->instants[i - 1];
    if (!dl)
        return;
    int64_t from = formed_at(tr, dl->t);
    if (from > limit)
        return;
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    int right = l->tl_x0 + l->tl_w;
    double xf = ui_tm_x(&v->tm, from);
    /* Past the run's end the waits go on forever: to the edge. */
    double xe = limit >= dl->t ? right : ui_tm_x(&v->tm, limit);
    if (xe > right)
        xe = right;
    if (xf > right || xe < l->tl_x0)
        return;
    int x0 = (int)lround(xf < l->tl_x0 ? l->tl_x0 : xf), x1 = (int)lround(xe);
    int y0 = pl->tasks.h > 0 ? pl->tasks.y : pl->res.y;
    int y1 = pl->res.y + pl->res.h;
    ui_color band = ui->th->deadlock;
    band.a = 38;
    fill(ui, (ui_rect){x0, y0, x1 - x0 > 1 ? x1 - x0 : 1, y1 - y0}, band);
    int t = (ui->th->line_w + 1) * thick(ui);
    if (xf >= l->tl_x0)
        fill(ui, (ui_rect){x0 - t / 2, y0, t, y1 - y0}, ui->th->deadlock);
    ui->markers++;

    /* The cycle: each waiter's arrow to the task that holds what it waits
     * for, side by side in the band. */
    uint32_t n = tr->deadlock.nlinks;
    float room = (float)(x1 - x0);
    float step = n ? room / (float)(n + 1) : 0;
    if (step > 40.0f * l->scale)
        step = 40.0f * l->scale;
    for (uint32_t k = 0; k < n && step >= 6.0f; k++) {
        const sim_twait *lk = &tr->deadlock.links[k];
        float ya, yb;
        if (lane_center(l, p, lk->task, tr->nlanes, &ya) != 0)
            continue;
        float x = (float)x0 + step * (float)(k + 1);
        const char *what = lk->name < tr->nnames ? tr->names[lk->name].name : "?";
        if (lk->holder < tr->ntasks && lane_center(l, p, lk->holder, tr->nlanes, &yb) == 0) {
            arrow(ui, x, ya, x, yb, (float)thick(ui) + 1.5f, ui->th->deadlock);
        } else {
            /* Nobody holds it: an item no task left will put. */
            float lw = (float)thick(ui) + 1;
            ui_draw_line(ui, x - 4, ya - 4, x + 4, ya + 4, lw, ui->th->deadlock);
            ui_draw_line(ui, x - 4, ya + 4, x + 4, ya - 4, lw, ui->th->deadlock);
            yb = ya;
        }
        int w, h;
        ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px * 9 / 10, what, &w, &h);
        int ty = (int)((ya + yb) / 2) - h / 2;
        fill(ui, (ui_rect){(int)x + 3, ty, w + 4, h}, ui->th->panel[p % 2]);
        ui_text_draw(&ui->text, UI_FONT_BOLD, l->small_px * 9 / 10, ui->th->deadlock, what,
                     (int)x + 5, ty, UI_ALIGN_LEFT);
    }

    /* The label, at the band's start (the header says when). */
    const char *word = "deadlock";
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px, word, &w, &h);
    int bx = x0 + t / 2 + 1;
    if (bx + w + 8 > right)
        bx = x0 - t / 2 - w - 9;
    if (bx < l->tl_x0)
        bx = l->tl_x0;
    fill(ui, (ui_rect){bx, y0 + 1, w + 8, h}, ui->th->deadlock);
    ui_color white = {255, 255, 255, 255};
    ui_text_draw(&ui->text, UI_FONT_BOLD, l->small_px, white, word, bx + 4, y0 + 1,
                 UI_ALIGN_LEFT);
}
