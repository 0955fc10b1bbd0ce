/* cpython_panel.c - a CPython panel's words: title, numbers, hover.
 *
 * The hover reads the marks as trace_python.c laid them: a cpu step whose
 * wall time exceeds its CPU time is a RUNNING mark and a READY mark, both
 * inferred, at the step's start and at its start plus its CPU time; an io
 * step that woke up late is an IO mark (the sleep asked for) followed by
 * an inferred READY mark (the rest). So the step's wall and CPU time come
 * back from two neighbouring marks, and the sentence can say what the
 * inference rests on. What a lane cannot tell (which of the GIL, the loop
 * or a core a task waited for) is said to be unknown, never guessed.
 */
#include "cpython_panel.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "textbuf.h"
#include "timeline.h"

size_t ui_cpython_title(const sim_trace *py, const char *python, char *buf, size_t n)
{
    ui_textbuf b = ui_textbuf_of(buf, n);
    if (py && py->python.version[0]) {
        char label[96];
        sim_python_label(&py->python, label, sizeof label);
        ui_textbuf_put(&b, "%s (measured)", label);
    } else {
        ui_textbuf_put(&b, "%s", python && python[0] ? python : "CPython");
    }
    return b.len;
}

size_t ui_cpython_stats(const sim_summary *py, const sim_summary *engine, int form,
                        char *buf, size_t n)
{
    ui_textbuf b = ui_textbuf_of(buf, n);
    const char *dot = "  \xc2\xb7  ";
    char wall[32], cpu[32], ew[32];
    ui_format_dur(py->wall_ns, wall, sizeof wall);
    ui_format_dur(py->cpu_ns, cpu, sizeof cpu);
    int ratio = engine && engine->wall_ns > 0 && py->wall_ns > 0;
    double r = ratio ? (double)py->wall_ns / (double)engine->wall_ns : 0;
    if (ratio)
        ui_format_dur(engine->wall_ns, ew, sizeof ew);
    switch (form) {
    case 0:
        ui_textbuf_put(&b, "wall %s%sCPU %s", wall, dot, cpu);
        if (ratio)
            ui_textbuf_put(&b, "%s%.2fx concviz's wall (%s)", dot, r, ew);
        break;
    case 1:
        ui_textbuf_put(&b, "%s%sCPU %s", wall, dot, cpu);
        if (ratio)
            ui_textbuf_put(&b, "%s%.2fx concviz", dot, r);
        break;
    default:
        ui_textbuf_put(&b, "%s", wall);
        if (ratio)
            ui_textbuf_put(&b, "%s%.2fx", dot, r);
        break;
    }
    return b.len;
}

size_t ui_cpython_counters(const sim_trace *py, char *buf, size_t n)
{
    ui_textbuf b = ui_textbuf_of(buf, n);
    for (uint32_t k = 0; k < py->ncounters; k++) {
        char one[256];
        if (sim_counter_sentence(&py->counters[k], py->model, one, sizeof one) > 0)
            ui_textbuf_put(&b, "%s%s", b.len ? "; " : "", one);
    }
    return b.len;
}

size_t ui_cpython_pending(const sim_trace *engine, int live, const char *python, char *buf,
                          size_t n)
{
    ui_textbuf b = ui_textbuf_of(buf, n);
    const char *py = python && python[0] ? python : "CPython";
    if (!live) {
        ui_textbuf_put(
            &b, "not measured in this run: press R to run it again, with CPython after "
                "each model");
    } else if (engine && engine->outcome == SIM_OUTCOME_NOT_RUN) {
        ui_textbuf_put(&b, "not run: the run was stopped");
    } else if (engine && engine->end_ns >= 0) {
        /* The core measures CPython right after the engine's run of the
         * same model, never at the same time (run.h). */
        ui_textbuf_put(&b, "running the program under %s\xe2\x80\xa6", py);
    } else {
        ui_textbuf_put(&b, "next: %s runs this program once concviz's run of %s is over",
                       py, engine ? sim_model_name(engine->model) : "the model");
    }
    return b.len;
}

/* What an inferred wait may have been, by model: the lane cannot say. */
static const char *off_cpu_candidates(sim_model m, int woke_late)
{
    switch (m) {
    case SIM_MODEL_ASYNCIO:
        return woke_late ? "for the loop, busy with another task, or for a core"
                         : "for a core, or for the GIL while an executor thread held it";
    case SIM_MODEL_THREADING:
        return "for the GIL or for a core";
    default:
        return "for a core";
    }
}

static void task_name(const sim_trace *tr, uint32_t task, char *buf, size_t n)
{
    if (task < tr->ntasks && task < tr->nlanes)
        sim_lane_name(tr, task, buf, n);
    else
        snprintf(buf, n, "task %u", task);
}

/* A resource lane: who had it, and how that is known. */
static void why_resource(ui_textbuf *b, const sim_trace *tr, uint32_t lane,
                         const sim_lane *l, long k)
{
    const sim_mark *m = &l->marks[k];
    char who[48], res[48];
    sim_lane_name(tr, lane, res, sizeof res);
    if (m->state == SIM_ST_STARTING) {
        ui_textbuf_put(
            b, "starting, inferred: the worker was ready when its init_worker() ran;\n"
               "when its process started is not recorded");
        return;
    }
    if (m->state != SIM_ST_RUNNING || m->arg == SIM_NO_TASK) {
        ui_textbuf_put(b,
                       l->kind == SIM_LANE_LOCK ? "free: nobody holds the lock" : "free");
        return;
    }
    task_name(tr, m->arg, who, sizeof who);
    switch (l->kind) {
    case SIM_LANE_LOOP:
        ui_textbuf_put(
            b,
            "the loop runs %s, measured: one thread runs the loop,\nso a task has it "
            "from its resume to its next await",
            who);
        break;
    case SIM_LANE_WORKER:
        ui_textbuf_put(
            b,
            "busy with %s, measured: from the task's first line to its last,\nin the "
            "process whose id it recorded",
            who);
        break;
    case SIM_LANE_LOCK:
        ui_textbuf_put(b, "%s holds %s, measured: from its acquire's return to its release",
                       who, res);
        break;
    case SIM_LANE_EXECUTOR:
        ui_textbuf_put(b,
                       "%s runs the body %s handed to it, measured;\nthe loop stays free",
                       res, who);
        break;
    default:
        ui_textbuf_put(b, "busy with %s", who);
    }
}

/* A task lane's READY mark k, inferred: what it was inferred from. */
static void why_inferred_wait(ui_textbuf *b, const sim_trace *tr, const sim_lane *l, long k,
                              int64_t end)
{
    const sim_mark *m = &l->marks[k];
    const sim_mark *prev = k > 0 ? &l->marks[k - 1] : NULL;
    char d0[32], d1[32], d2[32];
    if (!prev) {
        ui_format_dur(end - m->t, d0, sizeof d0);
        ui_textbuf_put(
            b,
            "waiting to start, inferred: %s from the program's start\nto the task's "
            "first line; what held it (the loop, a thread's start,\na free worker) is "
            "not recorded",
            d0);
    } else if (prev->state == SIM_ST_RUNNING && (prev->flags & SIM_MARK_INFERRED)) {
        ui_format_dur(end - prev->t, d0, sizeof d0);
        ui_format_dur(m->t - prev->t, d1, sizeof d1);
        ui_format_dur(end - m->t, d2, sizeof d2);
        ui_textbuf_put(
            b,
            "waiting, inferred: wall %s, CPU %s\nthis cpu step took %s; its thread "
            "ran %s of it,\nso for %s it was off the CPU, waiting %s\n(which, and "
            "when in the step, CPython does not say)",
            d0, d1, d0, d1, d2, off_cpu_candidates(tr->model, 0));
    } else if (prev->state == SIM_ST_IO) {
        ui_format_dur(end - prev->t, d0, sizeof d0);
        ui_format_dur(m->t - prev->t, d1, sizeof d1);
        ui_format_dur(end - m->t, d2, sizeof d2);
        ui_textbuf_put(b,
                       "woke up late, inferred: the sleep asked for %s and took %s;\n"
                       "for the last %s the task was ready but not running,\nwaiting %s "
                       "(which, CPython does not say)",
                       d1, d0, d2, off_cpu_candidates(tr->model, 1));
    } else {
        ui_format_dur(end - m->t, d0, sizeof d0);
        ui_textbuf_put(
            b,
            "waiting, inferred: %s of wall time with no CPU time recorded for it;\n"
            "what it waited for, CPython does not say",
            d0);
    }
}

size_t ui_cpython_why(const sim_trace *tr, uint32_t lane, int64_t t, char *buf, size_t n)
{
    ui_textbuf b = ui_textbuf_of(buf, n);
    if (lane >= tr->nlanes)
        return 0;
    const sim_lane *l = &tr->lanes[lane];
    long k = sim_lane_mark_at(l, t);
    if (k < 0 || l->marks[k].state == SIM_ST_NONE)
        return 0;
    if (lane >= tr->ntasks) {
        why_resource(&b, tr, lane, l, k);
        return b.len;
    }
    const sim_mark *m = &l->marks[k];
    int64_t end = sim_lane_seg_end(tr, l, (size_t)k);
    int inferred = (m->flags & SIM_MARK_INFERRED) != 0;
    char d0[32], d1[32];
    switch (m->state) {
    case SIM_ST_READY:
        if (inferred)
            why_inferred_wait(&b, tr, l, k, end);
        else
            ui_textbuf_put(&b, "a yield, measured: it gave way (await asyncio.sleep(0),\n"
                               "time.sleep(0)) and went on after this");
        break;
    case SIM_ST_RUNNING:
        if (inferred && ui_mark_inferred(l, (size_t)k + 1) &&
            l->marks[k + 1].state == SIM_ST_READY) {
            ui_format_dur(l->marks[k + 1].t - m->t, d0, sizeof d0);
            ui_format_dur(sim_lane_seg_end(tr, l, (size_t)k + 1) - m->t, d1, sizeof d1);
            ui_textbuf_put(
                &b,
                "running, inferred: CPU %s in the step's wall %s;\ndrawn first by "
                "convention: when in the step it ran is not measured",
                d0, d1);
        } else if (tr->model == SIM_MODEL_ASYNCIO) {
            ui_textbuf_put(
                &b, "running, measured: it has the event loop\nfrom its resume to its "
                    "next await");
        } else if (tr->model == SIM_MODEL_MULTIPROCESSING) {
            ui_textbuf_put(&b, "running, measured: in a worker process, with its own GIL");
        } else {
            ui_textbuf_put(
                &b, "running, measured: between its waits\n(who held the GIL meanwhile, "
                    "CPython does not say)");
        }
        break;
    case SIM_ST_IO:
        if (tr->model == SIM_MODEL_ASYNCIO)
            ui_textbuf_put(
                &b, "waiting, measured: an await of asyncio.sleep (or of an executor's\n"
                    "call), from its start to its return; the loop runs others");
        else
            ui_textbuf_put(&b,
                           "waiting, measured: a time.sleep, from its call to its return");
        break;
    case SIM_ST_LOCK:
    case SIM_ST_SEM:
        ui_textbuf_put(
            &b, "waiting for a %s, measured:\nfrom the call to acquire until it returned",
            m->state == SIM_ST_LOCK ? "lock" : "semaphore");
        break;
    case SIM_ST_QUEUE:
        ui_textbuf_put(
            &b, "waiting on a queue, measured:\nfrom the call to get until an item came");
        break;
    case SIM_ST_DONE:
        ui_textbuf_put(&b, "finished");
        break;
    default:
        ui_textbuf_put(&b, "%s", sim_state_name((sim_state)m->state));
    }
    return b.len;
}

/* The engine's run of the model CPython's trace stands beside, or NULL. */
static const sim_trace *engine_of(const sim_comparison *c, const sim_trace *py)
{
    for (int i = 0; c && i < c->ntraces; i++)
        if (sim_comparison_cpython(c, i) == py)
            return &c->traces[i];
    return NULL;
}

static void describe_header(ui_textbuf *b, const sim_comparison *c, const sim_trace *tr)
{
    char title[128], path[300];
    ui_cpython_title(tr, NULL, title, sizeof title);
    ui_textbuf_put(b, "%s's program in %s\n", sim_model_name(tr->model), title);
    if (tr->python.path[0]) {
        snprintf(path, sizeof path, "%s", tr->python.path);
        ui_textbuf_put(b, "run by %s with a recorder (concviz python --record)\n", path);
    }
    const sim_trace *eng = engine_of(c, tr);
    if (tr->outcome == SIM_OUTCOME_OK) {
        sim_summary s, e;
        int cpus = c && c->machine.cpus > 0 ? c->machine.cpus : 1;
        sim_trace_summarize(tr, c ? c->nominal_ns : 0, cpus, &s);
        if (eng && eng->outcome == SIM_OUTCOME_OK)
            sim_trace_summarize(eng, c->nominal_ns, cpus, &e);
        char stats[200], vars[300];
        ui_cpython_stats(&s, eng && eng->outcome == SIM_OUTCOME_OK ? &e : NULL, 0, stats,
                         sizeof stats);
        ui_textbuf_put(b, "%s\n", stats);
        if (ui_cpython_counters(tr, vars, sizeof vars) > 0)
            ui_textbuf_put(b, "%s\n", vars);
    } else if (tr->error[0]) {
        ui_textbuf_put(b, "%s: %s\n",
                       tr->outcome == SIM_OUTCOME_NOT_RUN ? "not measured"
                                                          : sim_outcome_name(tr->outcome),
                       tr->error);
    }
    ui_textbuf_put(b,
                   "paler segments are inferred (a step's wall time beyond its CPU time);\n"
                   "the rest was observed. No GIL lane: CPython does not say who holds it");
}

size_t ui_cpython_describe(const ui_hit *h, const sim_comparison *c, char *buf, size_t n)
{
    ui_textbuf b = ui_textbuf_of(buf, n);
    const sim_trace *tr = h->tr;
    if (!tr)
        return 0;
    if (h->kind == UI_HIT_HEADER) {
        describe_header(&b, c, tr);
        return b.len;
    }
    if (h->kind != UI_HIT_SEGMENT || h->lane >= tr->nlanes)
        return 0;
    const sim_lane *l = &tr->lanes[h->lane];
    int inferred = h->mark >= 0 && ui_mark_inferred(l, (size_t)h->mark);
    char name[64], label[96], d0[32], d1[32];
    sim_lane_name(tr, h->lane, name, sizeof name);
    sim_python_short(&tr->python, label, sizeof label);
    ui_textbuf_put(&b, "%s, %s in %s\n", name, sim_model_name(tr->model), label);
    const char *state = h->state == SIM_ST_READY && h->lane < tr->ntasks
                            ? "waiting to run"
                            : sim_state_name((sim_state)h->state);
    ui_textbuf_put(&b, "%s%s\n", state, inferred ? ", inferred" : "");
    ui_format_dur(h->seg_t0, d0, sizeof d0);
    ui_format_dur(h->seg_t1 - h->seg_t0, d1, sizeof d1);
    ui_textbuf_put(&b, "from %s for %s\n", d0, d1);
    char why[400];
    if (ui_cpython_why(tr, h->lane, h->t, why, sizeof why) > 0)
        ui_textbuf_put(&b, "%s", why);
    while (b.len > 0 && buf[b.len - 1] == '\n')
        buf[--b.len] = 0;
    return b.len;
}
