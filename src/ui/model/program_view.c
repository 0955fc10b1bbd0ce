/* program_view.c - a program's panel in words (program_view.h).
 *
 * What each state of each kind of lane means is program.h's; the
 * sentences below say it for one segment, reading the trace alone, as
 * hit.c does for the models: a task ready to run is told what its loop is
 * running instead, a thread waiting between two calls is told whether the
 * sampler saw it asleep in a futex (the GIL, or a lock) or ready for a CPU
 * the machine did not give it.
 */
#include "program_view.h"

#include <stdio.h>
#include <string.h>

#include "format.h"
#include "program.h"
#include "sbuf.h"
#include "timeline.h"
#include "timemap.h"

/* An empty sentence in buf (sbuf.h: the view's bounded appender). */
static ui_sbuf start(char *buf, size_t n)
{
    if (n)
        buf[0] = '\0';
    return (ui_sbuf){buf, n, 0};
}

static const sim_plane *plane(const sim_trace *tr, uint32_t lane)
{
    return tr->program && lane < tr->program->nlanes ? &tr->program->lanes[lane] : NULL;
}

static const char *words(const sim_trace *tr, uint32_t idx)
{
    return sim_tprogram_str(tr->program, idx);
}

static int is(const char *a, const char *b)
{
    return a && !strcmp(a, b);
}

/* ---- the header ------------------------------------------------------------------ */

size_t ui_program_title(const sim_trace *tr, char *buf, size_t n)
{
    ui_sbuf b = start(buf, n);
    const sim_tprogram *p = tr->program;
    if (!p)
        return 0;
    if (tr->source == SIM_SOURCE_FOREIGN)
        ui_put(&b, "%s (%s)", p->command, p->tool);
    else
        ui_put(&b, "%s", p->command);
    return b.len;
}

/* Time each kind of lane spent in each state, and the CPU its threads used. */
typedef struct totals {
    int64_t thread[SIM_ST__COUNT], thread_inferred;
    int64_t loop_busy, loop_span;
    int64_t cpu;       /* threads' CPU time, where known */
} totals;

static void sum(const sim_trace *tr, totals *s)
{
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < tr->nlanes; i++) {
        const sim_plane *pl = plane(tr, i);
        const sim_lane *l = &tr->lanes[i];
        if (!pl)
            continue;
        if (pl->kind == SIM_PLANE_THREAD && l->cpu_ns > 0)
            s->cpu += l->cpu_ns;
        for (uint32_t k = 0; k < l->nmarks; k++) {
            int64_t d = sim_lane_seg_end(tr, l, k) - l->marks[k].t;
            if (d <= 0)
                continue;
            uint8_t st = l->marks[k].state;
            if (pl->kind == SIM_PLANE_THREAD && st < SIM_ST__COUNT && st != SIM_ST_DONE) {
                s->thread[st] += d;
                if (l->marks[k].flags & SIM_MARK_INFERRED)
                    s->thread_inferred += d;
            } else if (pl->kind == SIM_PLANE_LOOP && st != SIM_ST_NONE) {
                s->loop_span += d;
                if (st == SIM_ST_RUNNING)
                    s->loop_busy += d;
            }
        }
    }
}

size_t ui_program_stats(const sim_trace *tr, int cpus, int form, char *buf, size_t n)
{
    ui_sbuf b = start(buf, n);
    const sim_tprogram *p = tr->program;
    if (!p)
        return 0;
    char wall[32], th[48], tk[48], pr[48];
    ui_format_dur(ui_trace_end(tr), wall, sizeof wall);
    sim_format_count(p->nthreads, "thread", "threads", th, sizeof th);
    sim_format_count(p->ntasks, "task", "tasks", tk, sizeof tk);
    sim_format_count(p->nprocesses, "process", "processes", pr, sizeof pr);
    const char *dot = "  \xc2\xb7  ";
    totals s;
    sum(tr, &s);
    int64_t end = ui_trace_end(tr);
    ui_put(&b, "%s%s", form == 0 ? "wall " : "", wall);
    if (tr->source == SIM_SOURCE_PROGRAM && end > 0 && s.cpu > 0 && form < 2)
        ui_put(&b, "%sCPU %.0f%%", dot, 100.0 * (double)s.cpu / (double)end / (cpus > 0 ? cpus : 1));
    if (form < 2) {
        ui_put(&b, "%s%s", dot, th);
        if (p->ntasks)
            ui_put(&b, "%s%s", dot, tk);
        if (p->nprocesses > 1)
            ui_put(&b, "%s%s", dot, pr);
    }
    if (tr->source == SIM_SOURCE_PROGRAM && form == 0 && p->exit_code >= 0)
        ui_put(&b, "%sexit %d", dot, p->exit_code);
    return b.len;
}

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

size_t ui_program_explain(const sim_trace *tr, int brief, char *buf, size_t n)
{
    ui_sbuf b = start(buf, n);
    const sim_tprogram *p = tr->program;
    if (!p)
        return 0;
    if (tr->outcome != SIM_OUTCOME_OK && tr->error[0]) {
        ui_put(&b, "%s%s", tr->error, brief ? "" : "; what it did until then is drawn");
        return b.len;
    }
    if (tr->source == SIM_SOURCE_FOREIGN) {
        if (p->note[0] && !brief)
            ui_put(&b, "spans drawn as running (what a thread waited for is not in such a "
                    "trace); %s", p->note);
        else
            ui_put(&b, "spans drawn as running; what a thread waited for is not in such a trace");
        return b.len;
    }
    totals s;
    sum(tr, &s);
    int64_t all = 0; /* from each thread's start (not the interpreter's) to its end */
    for (int k = 0; k < SIM_ST__COUNT; k++)
        if (k != SIM_ST_STARTING)
            all += s.thread[k];
    int64_t run = s.thread[SIM_ST_RUNNING], ready = s.thread[SIM_ST_READY];
    int64_t blocked = s.thread[SIM_ST_IO] + s.thread[SIM_ST_LOCK] + s.thread[SIM_ST_SEM] +
                      s.thread[SIM_ST_QUEUE];
    if (brief)
        ui_put(&b, "threads: ran %.0f%%, in calls %.0f%%, waited to run %.0f%% (inferred)",
            pct(run, all), pct(blocked, all), pct(ready, all));
    else
        ui_put(&b, "threads ran %.0f%% of their time, waited in blocking calls %.0f%%, and waited "
                "for the GIL or a CPU %.0f%% (inferred from samples and CPU time)",
            pct(run, all), pct(blocked, all), pct(ready, all));
    if (s.loop_span > 0)
        ui_put(&b, brief ? "; loop busy %.0f%%" : "; the event loop was busy %.0f%% of the time",
            pct(s.loop_busy, s.loop_span));
    return b.len;
}

/* ---- a segment --------------------------------------------------------------------- */

static long mark_at(const sim_trace *tr, uint32_t lane, int64_t t)
{
    return lane < tr->nlanes ? sim_lane_mark_at(&tr->lanes[lane], t) : -1;
}

/* The thread of the same process running at t, other than `lane`, or -1. */
static long other_running(const sim_trace *tr, uint32_t lane, int64_t t)
{
    const sim_plane *me = plane(tr, lane);
    for (uint32_t i = 0; me && i < tr->nlanes; i++) {
        const sim_plane *pl = plane(tr, i);
        if (i == lane || pl->kind != SIM_PLANE_THREAD || pl->pid != me->pid)
            continue;
        long k = mark_at(tr, i, t);
        if (k >= 0 && tr->lanes[i].marks[k].state == SIM_ST_RUNNING)
            return (long)i;
    }
    return -1;
}

static void thread_why(ui_sbuf *b, const sim_trace *tr, uint32_t lane, int64_t t,
                       const sim_mark *m)
{
    const char *w = words(tr, m->arg);
    int inferred = (m->flags & SIM_MARK_INFERRED) != 0;
    char who[64];
    switch (m->state) {
    case SIM_ST_RUNNING:
        ui_put(b, "running on a CPU%s", inferred ? " (inferred: sampled as running, and held to "
                                                "the CPU time the thread used)" : "");
        break;
    case SIM_ST_READY: {
        if (is(w, "a CPU")) {
            ui_put(b, "waiting for a CPU (inferred: ready to run, but its CPU time did not grow: "
                   "the machine's CPUs were busy)");
            break;
        }
        long o = other_running(tr, lane, t);
        if (is(w, "the GIL or a CPU"))
            ui_put(b, "waiting for the GIL or a CPU (inferred: between two calls its CPU time "
                   "grew by less than the time that passed)");
        else
            ui_put(b, "waiting for the GIL, or a lock (inferred: asleep in a futex, between two "
                   "calls it was seen to make)");
        if (o >= 0) {
            sim_lane_name(tr, (uint32_t)o, who, sizeof who);
            ui_put(b, "; %s was running then", who);
        }
        break;
    }
    case SIM_ST_STARTING:
        ui_put(b, "starting: the interpreter starts up (or the process was asked for) until "
               "concviz's tracer ran in it");
        break;
    case SIM_ST_DONE:
        ui_put(b, "finished");
        break;
    default:
        if (inferred && m->state == SIM_ST_LOCK)
            ui_put(b, "waiting for a lock, a queue or an event concviz does not see (inferred: "
                   "asleep in a futex while no other thread of its process ran, so not "
                   "for the GIL)");
        else if (inferred)
            ui_put(b, "asleep in %s (inferred: seen asleep, not in a futex, outside any call "
                   "the tracer knows)", w ? w : "a call concviz does not see");
        else if (m->state == SIM_ST_LOCK)
            ui_put(b, "waiting for a lock: %s; the GIL is released meanwhile", w ? w : "acquire");
        else if (m->state == SIM_ST_QUEUE)
            ui_put(b, "waiting on a queue: %s; the GIL is released meanwhile", w ? w : "get");
        else if (m->state == SIM_ST_SEM)
            ui_put(b, "waiting for a semaphore: %s", w ? w : "acquire");
        else
            ui_put(b, "in a blocking call: %s; the GIL is released meanwhile, so other threads "
                   "can run", w ? w : "I/O");
    }
}

static void task_why(ui_sbuf *b, const sim_trace *tr, uint32_t lane, int64_t t, const sim_mark *m)
{
    const sim_plane *pl = plane(tr, lane);
    const char *w = words(tr, m->arg);
    char who[64];
    switch (m->state) {
    case SIM_ST_RUNNING:
        ui_put(b, "running a step: it has the event loop until its next await");
        break;
    case SIM_ST_READY: {
        long k = pl && pl->owner != SIM_NO_TASK ? mark_at(tr, pl->owner, t) : -1;
        const sim_mark *lm = k >= 0 ? &tr->lanes[pl->owner].marks[k] : NULL;
        if (lm && lm->state == SIM_ST_RUNNING && lm->arg != SIM_NO_TASK && lm->arg != lane) {
            sim_lane_name(tr, lm->arg, who, sizeof who);
            ui_put(b, "ready, waiting for its event loop: the loop is running %s, which will not "
                   "give it back before its next await", who);
        } else {
            ui_put(b, "ready, waiting for its event loop to reach it (the loop runs ready tasks "
                   "first in, first out)");
        }
        break;
    }
    case SIM_ST_DONE:
        ui_put(b, "finished");
        break;
    default:
        ui_put(b, "suspended at an await on %s: the loop runs other tasks meanwhile",
            w ? w : "a future");
    }
}

size_t ui_program_why(const sim_trace *tr, uint32_t lane, int64_t t, char *buf, size_t n)
{
    ui_sbuf b = start(buf, n);
    const sim_plane *pl = plane(tr, lane);
    long k = mark_at(tr, lane, t);
    if (!pl || k < 0)
        return 0;
    const sim_mark *m = &tr->lanes[lane].marks[k];
    char who[64];
    if (tr->source == SIM_SOURCE_FOREIGN) {
        const char *w = words(tr, m->arg);
        if (m->state == SIM_ST_RUNNING && pl->kind == SIM_PLANE_THREAD)
            ui_put(&b, "running %s (the innermost span open here)", w ? w : "a span");
        else if (m->state == SIM_ST_RUNNING && m->arg < tr->nlanes) {
            sim_lane_name(tr, m->arg, who, sizeof who);
            ui_put(&b, "%s is running", who);
        }
        return b.len;
    }
    switch (pl->kind) {
    case SIM_PLANE_TASK:
        task_why(&b, tr, lane, t, m);
        break;
    case SIM_PLANE_LOOP:
        if (m->state == SIM_ST_RUNNING && m->arg != SIM_NO_TASK) {
            sim_lane_name(tr, m->arg, who, sizeof who);
            ui_put(&b, "the loop runs %s until its next await", who);
        } else if (m->state == SIM_ST_RUNNING) {
            ui_put(&b, "the loop's own work: its callbacks, the I/O events it got, scheduling");
        }
        break;
    case SIM_PLANE_PROCESS:
        if (m->state == SIM_ST_STARTING) {
            ui_put(&b, "the process is starting: from when it was asked for (Process.start, a "
                    "fork) until concviz's tracer ran in it");
        } else if (m->state == SIM_ST_RUNNING && m->arg < tr->nlanes) {
            sim_lane_name(tr, m->arg, who, sizeof who);
            ui_put(&b, "%s is running (inferred from its threads)", who);
        } else if (m->state == SIM_ST_DONE) {
            ui_put(&b, "the process has exited%s", m->flags & SIM_MARK_INFERRED
                                                    ? " (seen gone: it was killed, or ended "
                                                      "without a word)" : "");
        }
        break;
    default:
        thread_why(&b, tr, lane, t, m);
    }
    return b.len;
}

/* The state in the program's words, for the tooltip's second line. */
static const char *state_words(const sim_trace *tr, const sim_plane *pl, const sim_mark *m)
{
    switch (m->state) {
    case SIM_ST_READY:
        return pl->kind == SIM_PLANE_TASK ? "waiting for the loop"
             : is(words(tr, m->arg), "a CPU") ? "waiting for a CPU" : "waiting for the GIL";
    case SIM_ST_IO:
        return pl->kind == SIM_PLANE_TASK ? "suspended at an await" : "in a blocking call";
    case SIM_ST_IDLE:
        return pl->kind == SIM_PLANE_LOOP ? "waiting in select" : "idle";
    default:
        return sim_state_name((sim_state)m->state);
    }
}

size_t ui_program_describe(const ui_hit *h, const sim_trace *tr, char *buf, size_t n)
{
    ui_sbuf b = start(buf, n);
    const sim_plane *pl = plane(tr, h->lane);
    if (h->kind != UI_HIT_SEGMENT || !pl || h->mark < 0 ||
        (uint32_t)h->mark >= tr->lanes[h->lane].nmarks)
        return 0;
    const sim_mark *m = &tr->lanes[h->lane].marks[h->mark];
    char name[64], d0[32], d1[32];
    sim_lane_name(tr, h->lane, name, sizeof name);
    ui_put(&b, "%s, %s", name, sim_plane_kind_name((sim_plane_kind)pl->kind));
    if (pl->pid > 0)
        ui_put(&b, " of pid %d", pl->pid);
    ui_put(&b, "\n%s%s\n", state_words(tr, pl, m), m->flags & SIM_MARK_INFERRED ? " (inferred)"
                                                                             : "");
    ui_format_dur(h->seg_t0, d0, sizeof d0);
    ui_format_dur(h->seg_t1 - h->seg_t0, d1, sizeof d1);
    ui_put(&b, "from %s for %s\n", d0, d1);
    char why[400];
    if (ui_program_why(tr, h->lane, h->t, why, sizeof why) > 0)
        ui_put(&b, "%s", why);
    while (b.len > 0 && buf[b.len - 1] == '\n')
        buf[--b.len] = 0;
    return b.len;
}

size_t ui_program_recorded(const sim_comparison *c, char *buf, size_t n)
{
    ui_sbuf b = start(buf, n);
    if (c->ntraces != 1 || !c->traces[0].program)
        return 0;
    const sim_trace *tr = &c->traces[0];
    const sim_tprogram *p = tr->program;
    if (tr->source == SIM_SOURCE_FOREIGN) {
        /* "viztracer 0.16.3" wrote it, or, when the file does not say,
         * it is "a Chrome trace" from some other tool. */
        if (!strncmp(p->tool, "a ", 2))
            ui_put(&b, "%s from another tool, opened in concviz", p->tool);
        else
            ui_put(&b, "a trace written by %s, opened in concviz", p->tool);
        return b.len;
    }
    char label[64];
    sim_python_label(&tr->python, label, sizeof label);
    const char *at = c->recorded_at;
    ui_put(&b, "traced with %s on %s, %d CPU%s, %.10s %.5s UTC", label,
        c->machine.hostname[0] ? c->machine.hostname : "an unnamed machine", c->machine.cpus,
        c->machine.cpus == 1 ? "" : "s", at, strlen(at) >= 16 ? at + 11 : "");
    if (p->slowdown >= 1.0)
        ui_put(&b, "; the tracer made it about %.2fx slower (estimated)", p->slowdown);
    return b.len;
}
