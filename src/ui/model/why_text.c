/* why_text.c - the sentence that says why a lane is in its state, from the
 * facts why.c found (see why.h): what the learner reads in the hover and
 * the status line. Only words here: every fact it names was read off the
 * trace by ui_why_facts, so a sentence cannot say what the lanes do not
 * show.
 */
#include "why.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "sbuf.h"
#include "timemap.h"

static const char *name_of(const sim_trace *tr, uint32_t name)
{
    return name < tr->nnames ? tr->names[name].name : "?";
}

/* Who holds a semaphore's or a queue's own lock, and why (share.h: their
 * Python code runs under it). */
static const char *inside(const sim_trace *tr)
{
    return tr->model == SIM_MODEL_THREADING
               ? "kept by a thread that lost the GIL inside its Python code"
               : "held by a thread inside its Python code";
}

/* The GIL's switch interval, in ms: how long a thread keeps the GIL while
 * another waits for it. */
static double switch_ms(const sim_trace *tr)
{
    return (double)tr->cfg.switch_interval_ns / 1e6;
}

/* "task 0, task 1 and task 3". */
static void put_tasks(ui_sbuf *b, const ui_reason *w)
{
    for (int i = 0; i < w->nothers; i++)
        ui_put(b, "%stask %u", i == 0 ? "" : i + 1 == w->nothers ? " and " : ", ",
               w->others[i]);
}

static void text_loop(ui_sbuf *b, const sim_trace *tr, const ui_reason *w)
{
    ui_put(b, "waiting for the loop: ");
    if (w->holder == SIM_NO_TASK) {
        if (w->res >= 0 && ui_state_at(tr, w->res, w->t, NULL) == SIM_ST_RUNNING)
            ui_put(b, "the loop is doing its own work between tasks (CPython's event loop "
                   "code); it runs this task when it reaches it in its queue");
        else
            ui_put(b, "it is ready and runs when the loop reaches it in its queue (first in, "
                   "first out)");
    } else if (w->holder == w->lane) {
        ui_put(b, "the loop is switching to it now");
    } else if (w->holder_state == SIM_ST_RUNNING) {
        ui_put(b, "task %u has the loop and keeps it until its next await", w->holder);
    } else {
        ui_put(b, "the loop is between tasks (task %u has just given it up)", w->holder);
    }
}

static void text_task(ui_sbuf *b, const sim_trace *tr, const ui_reason *w)
{
    switch (w->kind) {
    case UI_WHY_LOOP:
        text_loop(b, tr, w);
        break;
    case UI_WHY_GIL:
        if (w->holder != SIM_NO_TASK && w->holder != w->lane)
            ui_put(b, "waiting for the GIL: task %u holds it and drops it at its next check "
                   "after a drop request (every %.3g ms)", w->holder, switch_ms(tr));
        else if (w->holder == SIM_NO_TASK && w->res >= 0 &&
                 ui_state_at(tr, w->res, w->t, NULL) == SIM_ST_RUNNING)
            ui_put(b, "waiting for the GIL: the main thread holds it");
        else
            ui_put(b, "waiting for the GIL: it is being handed over");
        break;
    case UI_WHY_START:
        /* Its thread may be started already and wait for the GIL, or not
         * yet: the trace does not say which, so both are said. */
        if (tr->model == SIM_MODEL_THREADING && w->holder != SIM_NO_TASK)
            ui_put(b, "waiting for the GIL, to begin: task %u holds it (the main thread starts "
                   "the threads one by one; each needs the GIL to run)", w->holder);
        else {
            ui_put(b, "waiting to begin: the main thread starts the threads one by one "
                   "(Thread.start waits for each)");
            if (tr->model == SIM_MODEL_THREADING)
                ui_put(b, ", and each needs the GIL to run");
        }
        break;
    case UI_WHY_POOL:
        if (w->busy >= w->total) {
            ui_put(b, "waiting for a pool thread: all %d are busy with other tasks (",
                   w->total);
            put_tasks(b, w);
            ui_put(b, "%s)", w->busy > w->nothers ? ", ..." : "");
        } else {
            ui_put(b, "waiting for a pool thread: %d of %d are busy; a free one takes the next "
                   "task in workload order", w->busy, w->total);
        }
        break;
    case UI_WHY_WORKER:
        if (w->total > 0 && w->busy >= w->total) {
            ui_put(b, "waiting for a worker: all %d worker processes are busy", w->total);
            if (w->nothers) {
                ui_put(b, " (");
                put_tasks(b, w);
                ui_put(b, ")");
            }
        } else {
            ui_put(b, "waiting for a worker: %d of %d are busy; the parent sends the tasks in "
                   "order through the task queue, one message each", w->busy, w->total);
        }
        break;
    case UI_WHY_CORE:
        ui_put(b, "waiting for a core: %d of %d cores run a thread of this run (no GIL here)",
            w->busy, w->total);
        break;
    case UI_WHY_RUNNING:
        switch (tr->model) {
        case SIM_MODEL_ASYNCIO:
            ui_put(b, "running: it has the event loop; nothing else runs until its next await");
            break;
        case SIM_MODEL_THREADING:
            if (w->holder == w->lane)
                ui_put(b, "running: it holds the GIL; a waiting thread asks for it after "
                       "%.3g ms", switch_ms(tr));
            else
                ui_put(b, "running: it is taking the GIL over");
            break;
        case SIM_MODEL_MULTIPROCESSING:
            if (w->res >= 0)
                ui_put(b, "running in worker %u: a process of its own, with its own GIL",
                    tr->lanes[w->res].index);
            else
                ui_put(b, "running in a worker process, with its own GIL");
            break;
        case SIM_MODEL_FREE_THREADING:
            if (w->cpu != SIM_NO_CPU && w->shares)
                ui_put(b, "running, no GIL: last seen on CPU %u, as task %u is: the OS takes "
                       "turns between them there", w->cpu, w->others[0]);
            else if (w->cpu != SIM_NO_CPU)
                ui_put(b, "running in parallel, no GIL: last seen on CPU %u", w->cpu);
            else
                ui_put(b, "running in parallel: no GIL");
            break;
        default:
            ui_put(b, "running");
        }
        break;
    case UI_WHY_IO:
        if (w->op >= 0 && w->op_kind == SIM_OP_YIELD)
            ui_put(b, tr->model == SIM_MODEL_ASYNCIO
                       ? "it awaited asyncio.sleep(0): the loop runs the other ready tasks"
                       : "in time.sleep(0): a real sleep of nothing, the GIL released");
        else if (tr->model == SIM_MODEL_THREADING)
            ui_put(b, "waiting for I/O: the GIL is released, other threads run");
        else if (tr->model == SIM_MODEL_ASYNCIO && w->op >= 0)
            ui_put(b, "waiting for I/O: awaited, so the loop runs other tasks");
        else if (tr->model == SIM_MODEL_ASYNCIO)
            ui_put(b, "waiting for I/O or an executor: awaited, so the loop runs other tasks");
        else
            ui_put(b, "waiting for I/O: it needs no CPU");
        break;
    case UI_WHY_EXECUTOR:
        if (w->res >= 0) {
            char ex[48];
            sim_lane_name(tr, (uint32_t)w->res, ex, sizeof ex);
            ui_put(b, "awaiting its executor: %s runs the body it handed over; the loop runs "
                   "other tasks", ex);
        } else
            ui_put(b, "awaiting its executor: the body waits for a free executor, or its "
                   "result is on its way back");
        break;
    case UI_WHY_LOCK: {
        char lock[48] = "a lock";
        if (w->res >= 0)
            sim_lane_name(tr, (uint32_t)w->res, lock, sizeof lock);
        if (w->res >= 0 && w->holder != SIM_NO_TASK && w->holder != w->lane)
            ui_put(b, "waiting for %s, held by task %u; it runs when task %u releases it", lock,
                w->holder, w->holder);
        else if (w->res >= 0)
            ui_put(b, "waiting for %s, which is being handed over", lock);
        else
            ui_put(b, "waiting for a lock");
        for (int i = 0; w->res < 0 && i < w->nothers; i++) {
            sim_lane_name(tr, (uint32_t)w->other_lane[i], lock, sizeof lock);
            ui_put(b, "%s %s, held by task %u", i ? ";" : ":", lock, w->others[i]);
        }
        if (w->deadlocked)
            ui_put(b, " (a deadlock: nobody can release it)");
        break;
    }
    case UI_WHY_SEM:
        if (w->own_lock == 1)
            ui_put(b, "waiting for semaphore %s's own lock, %s", name_of(tr, w->name),
                   inside(tr));
        else if (w->name != SIM_NO_TASK && tr->names[w->name].permits == 1)
            ui_put(b, "waiting for semaphore %s: its one permit is taken; it runs when its "
                   "holder releases it", name_of(tr, w->name));
        else if (w->name != SIM_NO_TASK)
            ui_put(b, "waiting for semaphore %s: all %u permits are taken; it runs when a "
                   "holder releases one", name_of(tr, w->name), tr->names[w->name].permits);
        else
            ui_put(b, "waiting for a semaphore: every permit is taken");
        if (w->own_lock == 2)
            ui_put(b, " (or for its own lock)");
        break;
    case UI_WHY_QUEUE: {
        /* " q.in" after "queue", or nothing when the trace names none. */
        char q[sizeof tr->names[0].name + 1] = "";
        if (w->name != SIM_NO_TASK)
            snprintf(q, sizeof q, " %s", name_of(tr, w->name));
        if (w->own_lock) {
            ui_put(b, "waiting for queue%s's own lock, %s", q, inside(tr));
        } else if (w->from != SIM_NO_TASK) {
            char d[32];
            ui_format_dur(w->from_t, d, sizeof d);
            ui_put(b, "waiting on an empty queue%s: the item it gets was put by task %u at %s",
                   q, w->from, d);
        } else if (w->deadlocked) {
            ui_put(b, "waiting on queue%s: no task left will put an item (or read one)", q);
        } else {
            ui_put(b, "waiting on an empty queue%s: it runs when a producer puts an item", q);
        }
        break;
    }
    case UI_WHY_DONE:
        ui_put(b, "finished");
        break;
    case UI_WHY_LOST:
        ui_put(b, "lost: the worker process running it died");
        break;
    default:
        break;
    }
}

static void text_resource(ui_sbuf *b, const sim_trace *tr, const ui_reason *w)
{
    const sim_lane *l = &tr->lanes[w->lane];
    char res[48];
    sim_lane_name(tr, w->lane, res, sizeof res);
    switch (w->kind) {
    case UI_WHY_BUSY:
        switch (l->kind) {
        case SIM_LANE_LOOP:
            if (w->holder_state == SIM_ST_RUNNING && w->op >= 0 && w->op_kind == SIM_OP_CPU)
                ui_put(b, "the loop runs task %u, in a CPU step: no other task runs until it "
                       "ends and the task awaits", w->holder);
            else if (w->holder_state == SIM_ST_RUNNING)
                ui_put(b, "the loop runs task %u until its next await", w->holder);
            else if (w->holder_state == SIM_ST_READY)
                ui_put(b, "the loop is switching to task %u", w->holder);
            else if (w->holder_state == SIM_ST_DONE)
                ui_put(b, "task %u has finished; the loop does its own work after it",
                       w->holder);
            else
                ui_put(b, "task %u has awaited; the loop does its own work before the next "
                          "task",
                    w->holder);
            break;
        case SIM_LANE_GIL:
            ui_put(b, "task %u holds the GIL", w->holder);
            break;
        case SIM_LANE_LOCK:
            ui_put(b, "task %u holds %s", w->holder, res);
            if (w->nothers) {
                ui_put(b, "; ");
                put_tasks(b, w);
                ui_put(b, " wait%s for it", w->nothers == 1 ? "s" : "");
            }
            break;
        case SIM_LANE_EXECUTOR:
            ui_put(b, "%s runs the body task %u handed to it; the loop stays free", res,
                w->holder);
            break;
        case SIM_LANE_WORKER:
            /* The worker's lane and the task's are stamped a moment apart:
             * say what both show. */
            if (w->holder_state == SIM_ST_RUNNING)
                ui_put(b, "%s runs task %u, in a process of its own", res, w->holder);
            else if (w->holder_state == SIM_ST_READY)
                ui_put(b, "%s has taken task %u and is about to run it", res, w->holder);
            else if (w->holder_state == SIM_ST_DONE)
                ui_put(b, "task %u has finished in %s, which wraps it up", w->holder, res);
            else
                ui_put(b, "%s is busy with task %u, which %s", res, w->holder,
                    sim_state_name((sim_state)w->holder_state));
            break;
        case SIM_LANE_CORE:
            if (w->holder_state == SIM_ST_RUNNING)
                ui_put(b, "task %u's thread runs on this core (seen at its last check)",
                    w->holder);
            else
                ui_put(b, "task %u's thread was last seen on this core", w->holder);
            break;
        default:
            ui_put(b, "busy with task %u", w->holder);
        }
        break;
    case UI_WHY_OWN_WORK:
        if (l->kind == SIM_LANE_LOOP)
            ui_put(b, "the loop's own work: CPython's event loop code between tasks "
                   "(asyncio.run starting or ending, a pass of _run_once)");
        else if (l->kind == SIM_LANE_GIL)
            ui_put(b, tr->model == SIM_MODEL_ASYNCIO ? "the event loop holds the GIL for its "
                                                    "own work"
                                                  : "the main thread holds the GIL");
        else if (l->kind == SIM_LANE_MAIN && tr->model == SIM_MODEL_MULTIPROCESSING)
            ui_put(b, "the parent feeds the pool: it pickles each task and writes it to the "
                   "task queue, in order");
        else if (l->kind == SIM_LANE_MAIN && tr->cfg.threads > 0)
            ui_put(b, "the main thread runs Python code: it makes the pool and submits "
                   "the tasks (the first %d each start a thread, and wait for it), then "
                   "collects their results and shuts the pool down", tr->cfg.threads);
        else if (l->kind == SIM_LANE_MAIN)
            ui_put(b, "the main thread runs Python code: it starts the threads one by one "
                   "(Thread.start waits for each), then joins them");
        else
            ui_put(b, "busy with its own work");
        break;
    case UI_WHY_GIL:
        if (w->holder != SIM_NO_TASK)
            ui_put(b, "the main thread waits for the GIL, which task %u holds", w->holder);
        else
            ui_put(b, "the main thread waits for the GIL");
        break;
    case UI_WHY_JOIN:
        ui_put(b, tr->model == SIM_MODEL_MULTIPROCESSING
                   ? "the parent has sent every task and waits for the results"
                   : "the main thread waits in join() for the threads, the GIL released");
        break;
    case UI_WHY_FREE:
        switch (l->kind) {
        case SIM_LANE_GIL:
            ui_put(b, "nobody holds the GIL");
            break;
        case SIM_LANE_LOCK:
            ui_put(b, "free: nobody holds %s", res);
            break;
        case SIM_LANE_LOOP:
            ui_put(b, "idle: no task is ready; the loop sleeps in epoll until the next timer "
                   "or I/O");
            break;
        case SIM_LANE_CORE:
            ui_put(b, "no thread of this run was seen on this core");
            break;
        default:
            ui_put(b, "idle: no work for it now");
        }
        break;
    case UI_WHY_STARTING:
        ui_put(b, "the process is starting: from its fork (or exec, under spawn) until it is "
               "ready for work");
        break;
    case UI_WHY_RECV:
        ui_put(b, "waiting for its next task message from the parent, then reading it");
        break;
    case UI_WHY_SEND:
        if (w->holder != SIM_NO_TASK)
            ui_put(b, "sending task %u's result back to the parent", w->holder);
        else
            ui_put(b, "sending a result back to the parent");
        break;
    case UI_WHY_EXITED:
        ui_put(b, l->kind == SIM_LANE_MAIN ? "finished" : "the process has exited");
        break;
    case UI_WHY_LOST:
        ui_put(b, "the process died; its task is lost");
        break;
    default:
        break;
    }
}

size_t ui_why_text(const sim_trace *tr, const ui_reason *w, char *buf, size_t n)
{
    ui_sbuf b = {buf, n, 0};
    if (n)
        buf[0] = 0;
    if (w->kind == UI_WHY_NOTHING || w->lane >= tr->nlanes)
        return 0;
    if (w->lane < tr->ntasks)
        text_task(&b, tr, w);
    else
        text_resource(&b, tr, w);
    return b.len;
}
