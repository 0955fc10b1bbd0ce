/* app_run.c - a run's life in the window.
 *
 * The run goes on in a thread of its own (run.h); each frame app_tick
 * brings the comparison up to date with sim_run_sync, so each model's panel
 * grows while it runs. When the whole run is over the thread is joined and
 * the panels replay together from t = 0.
 *
 * Before a run starts, in this order:
 *   1. the field and the settings are checked (app_check.c): an error goes
 *      under the field and what is on screen stays;
 *   2. the machine is looked at for a second (busy.h): the window samples
 *      it all the time, so the second is usually there already; right
 *      after start-up the run waits for it ("pending"); with the CPython
 *      toggle on, it also waits for the interpreter's answer
 *      (app_python.h), asked in the background;
 *   3. the run is started, and if it will take more than a minute the
 *      window stops it at once and asks ("at least 3 h 28 min: run it
 *      anyway?"); a run the core refuses (too much memory) says why.
 * Only a run that passed all three replaces the picture on screen: a
 * refused run, or a question answered "no", keeps the previous result.
 *
 * A stopped run (Esc) keeps what it drew, and its panels say "stopped";
 * a model whose turn never came stays, saying "not run".
 *
 * With "runs" above 1 the comparison is run that many times, one after
 * another; each finished run is kept (repeat.h) and the next starts at
 * once; after the last, each model's median run is shown, its spread in
 * its header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_lesson.h"
#include "app_ui.h"
#include "panels.h"
#include "pyprog.h"

/* A new picture: the code view starts again where the task functions
 * begin, with no task chosen (the lens follows the comparison by itself). */
static void reset_code_view(app *a)
{
    a->view.code_scroll = -1;
    a->view.code_task = -1;
}

static void remember_shown(app *a)
{
    app_shown *s = &a->shown;
    s->valid = 1;
    snprintf(s->workload, sizeof s->workload, "%s", a->ws.field.text);
    s->cfg = a->cfg;
    s->repeat = a->repeat;
    s->saved = 0;
}

static void replay(app *a)
{
    a->view.live = 0;
    a->view.playhead = 0;
    a->view.paused = 0;
}

void app_show_saved(app *a, sim_comparison *c)
{
    a->cmp = *c;
    memset(c, 0, sizeof *c);
    a->cfg.nmodels = 0;
    for (int i = 0; i < a->cmp.ntraces; i++)
        a->cfg.models[a->cfg.nmodels++] = a->cmp.traces[i].model;
    ui_field_set(&a->ws.field, a->cmp.workload ? a->cmp.workload : "");
    reset_code_view(a);
    app_recorded_line(&a->cmp, a->view.status, sizeof a->view.status);
    remember_shown(a);
    a->shown.saved = 1;
    /* A run saved with CPython's runs reopens with them. */
    if (ui_comparison_has_cpython(&a->cmp)) {
        a->py.on = 1;
        a->view.show_cpython = 1;
    }
    replay(a);
    a->view.fitted = 1;
}

int app_run_busy(const app *a)
{
    return a->run_active || a->run_pending || a->asking;
}

/* Joins the run's thread and frees the run; the comparison stays, with
 * the run's last events. Returns the run's result. */
static int join(app *a)
{
    if (!a->run)
        return SIM_OK;
    int rc = sim_run_wait(a->run);
    sim_run_sync(a->run, &a->cmp);
    sim_run_deinit(a->run);
    free(a->run);
    a->run = NULL;
    a->run_active = 0;
    return rc;
}

static void say_result(app *a, int rc)
{
    if (rc == SIM_E_CANCELLED && a->repeat > 1)
        snprintf(a->view.status, sizeof a->view.status,
                 "stopped during run %d of %d: press R to run again", a->rep_index + 1,
                 a->repeat);
    else if (rc == SIM_E_CANCELLED)
        snprintf(a->view.status, sizeof a->view.status, "stopped: press R to run again");
    else if (rc == SIM_E_DEADLOCK)
        snprintf(a->view.status, sizeof a->view.status, "deadlock: the panel says who waits "
                 "for what");
    else if (rc != SIM_OK)
        snprintf(a->view.status, sizeof a->view.status, "the run failed: %s",
                 sim_err_str(rc));
    else
        a->view.status[0] = 0;
}

/* The question before a long run. */
static void ask(app *a, int64_t ns, sim_model m)
{
    char d[32];
    sim_format_ns(ns, d, sizeof d);
    ui_dialog *q = &a->dialog;
    memset(q, 0, sizeof *q);
    snprintf(q->text, sizeof q->text,
             "This run will take at least %s: %s alone needs that long, by the workload "
             "and the settings. Run it anyway? (Stop ends it at any time, keeping what it "
             "drew.)", d, sim_model_name(m));
    snprintf(q->yes, sizeof q->yes, "Run it anyway (Enter)");
    snprintf(q->no, sizeof q->no, "Cancel (Esc)");
    a->asking = 1;
}

static void refuse(app *a, const char *msg)
{
    snprintf(a->ws.field.error, sizeof a->ws.field.error, "%s", msg);
    a->ws.field.error_at = -1;
}

/* Whether a run may start now: the machine was looked at, and the
 * interpreter answered when CPython is to be measured. */
static int may_launch(app *a)
{
    if (a->busy.window_ns > 0 && !app_busy_ready(&a->busy))
        return 0;
    return !a->py.on || app_python_ready(&a->py);
}

/* Starts one run of the field's workload; see the top of the file. */
static int launch(app *a)
{
    a->run_pending = 0;
    int first = a->rep_index == 0;
    int confirmed = a->confirmed; /* a "yes" is good for one start */
    a->confirmed = 0;
    if (first && a->busy.window_ns > 0) {
        double need = app_busy_needed(&a->cfg, a->field_ntasks, sim_machine_cpus());
        app_busy_check(&a->busy, need, &a->shown_busy);
    } else if (first) {
        memset(&a->shown_busy, 0, sizeof a->shown_busy);
    }
    sim_run *r = calloc(1, sizeof *r);
    if (!r) {
        refuse(a, "out of memory");
        return SIM_E_NOMEM;
    }
    sim_run_desc d = {.cfg = a->cfg, .fs = a->fs};
    d.cfg.workload = a->ws.field.text;
    /* With runs above 1, CPython runs once, in the last run (as `run
     * --repeat` does): the median is the engines', and an interpreter's
     * start is long. */
    if (a->repeat <= 1 || a->rep_index + 1 == a->repeat)
        d.python = app_python_run(&a->py);
    char msg[512];
    int rc = sim_run_start(r, &d, msg, sizeof msg);
    if (rc != SIM_OK) {
        free(r);
        refuse(a, msg); /* the old picture stays */
        return rc;
    }
    sim_model m = SIM_MODEL_ASYNCIO;
    int64_t ns = sim_run_expected_ns(r, &m);
    int long_run = first && !confirmed && ns >= SIM_RUN_LONG_NS;
    int too_big = first && a->repeat > 1 && !app_repeat_fits(r, a->repeat);
    if (long_run || too_big) {
        sim_run_cancel(r);
        sim_run_wait(r);
        sim_run_deinit(r);
        free(r);
        if (too_big) {
            char t[200];
            snprintf(t, sizeof t, "%d runs of this workload would not fit in memory at "
                     "once: choose fewer runs (each is kept until the last)", a->repeat);
            refuse(a, t);
            return SIM_E_USAGE;
        }
        ask(a, ns, m);
        return SIM_OK;
    }
    /* Accepted: the picture on screen makes way for the new run. */
    if (first) {
        app_repeat_deinit(&a->rep);
        memset(a->spread, 0, sizeof a->spread);
        memset(a->spread_text, 0, sizeof a->spread_text);
        a->view.nbookmarks = 0; /* they marked moments of another run */
        ui_field_remember(&a->ws.field, a->ws.field.text);
        remember_shown(a);
        reset_code_view(a);
    }
    sim_comparison_deinit(&a->cmp);
    memset(&a->cmp, 0, sizeof a->cmp);
    a->run = r;
    a->run_active = 1;
    if (a->repeat > 1)
        snprintf(a->view.status, sizeof a->view.status, "\xe2\x97\x8f run %d of %d: "
                 "recording (the median run is shown at the end)", a->rep_index + 1,
                 a->repeat);
    else
        a->view.status[0] = 0;
    a->view.live = 1;
    a->view.playhead = 0;
    a->view.paused = 0;
    a->view.fitted = 1;
    a->view.has_sel = 0;
    return SIM_OK;
}

static int start(app *a)
{
    /* A person's own program on screen (concviz trace, another tool's
     * trace) has no workload to run again: its field is empty. Typing one
     * and pressing R runs it, as ever. */
    if (!a->ws.field.text[0] && a->cmp.ntraces == 1 && a->cmp.traces[0].program) {
        ui_view_toast(&a->view, "a traced program is not run from here: run `concviz trace -- "
                      "python3 SCRIPT` again, or type a workload and press R", 4.0);
        return SIM_E_USAGE;
    }
    a->checked.valid = 0; /* check afresh: a refusal's words go */
    if (app_check_field(a) != 0)
        return SIM_E_USAGE;
    a->asking = 0;
    if (a->run_active) {
        /* A new run replaces the one going on: two at once would steal
         * each other's cores. */
        sim_run_cancel(a->run);
        say_result(a, join(a));
    }
    a->rep_index = 0;
    if (a->py.on)
        app_python_ask(&a->py);
    if (!may_launch(a)) {
        a->run_pending = 1;
        return SIM_OK;
    }
    return launch(a);
}

int app_start_run(app *a)
{
    int rc = start(a);
    app_refresh(a); /* the bar says at once what happened */
    return rc;
}

void app_answer(app *a, int yes)
{
    if (!a->asking)
        return;
    a->asking = 0;
    if (yes) {
        a->confirmed = 1;
        app_start_run(a);
    } else {
        ui_view_toast(&a->view, "not run: the picture stays as it was", 2.5);
    }
}

void app_stop_run(app *a)
{
    if (a->run_active)
        sim_run_cancel(a->run);
    a->run_pending = 0;
}

void app_clear_run(app *a)
{
    if (a->run_active)
        sim_run_cancel(a->run);
    join(a);
    app_repeat_deinit(&a->rep);
    a->run_pending = 0;
    a->asking = 0;
    sim_comparison_deinit(&a->cmp);
    memset(&a->cmp, 0, sizeof a->cmp);
    memset(a->spread_text, 0, sizeof a->spread_text);
    memset(&a->shown_busy, 0, sizeof a->shown_busy);
    a->shown.valid = 0;
    a->view.status[0] = 0;
    a->view.live = 0;
    a->view.playhead = 0;
    a->view.fitted = 1;
}

/* A repeat's run is over: keep it and start the next, or show the medians. */
static int next_of_repeat(app *a, int rc)
{
    if (a->repeat <= 1)
        return 0;
    if (rc != SIM_OK) {
        /* Stopped or failed: what it drew stays, the others go. */
        app_repeat_deinit(&a->rep);
        return 0;
    }
    app_repeat_add(&a->rep, &a->cmp);
    if (a->rep_index + 1 < a->repeat) {
        a->rep_index++;
        if (launch(a) == SIM_OK)
            return 1;
    }
    app_repeat_finish(&a->rep, &a->cmp, a->spread);
    for (int p = 0; p < a->cmp.ntraces; p++) {
        a->spread_text[p][0] = 0;
        if (a->spread[p].runs > 1) {
            char lo[32], hi[32];
            sim_format_ns(a->spread[p].min_ns, lo, sizeof lo);
            sim_format_ns(a->spread[p].max_ns, hi, sizeof hi);
            snprintf(a->spread_text[p], sizeof a->spread_text[p],
                     "median of %d runs, %s to %s", a->spread[p].runs, lo, hi);
        }
    }
    a->view.status[0] = 0;
    return 0;
}

void app_tick(app *a, double dt)
{
    if (a->run_pending) {
        if (a->busy.window_ns > 0)
            app_busy_poll(&a->busy);
        if (may_launch(a))
            launch(a);
    } else if (a->busy.window_ns > 0) {
        app_busy_poll(&a->busy);
    }
    app_python_tick(a);
    if (a->run_active) {
        int rc = sim_run_sync(a->run, &a->cmp);
        if (rc != 0)
            sim_run_cancel(a->run);
        if (atomic_load(&a->run->finished) || rc != 0) {
            rc = join(a);
            if (!next_of_repeat(a, rc)) {
                say_result(a, rc);
                replay(a); /* every panel together, from the start */
            }
        }
    }
    ui_view_advance(&a->view, dt, ui_view_end(&a->view, &a->cmp));
    app_lesson_tick(a);
    app_refresh(a);
}

void app_idle(app *a)
{
    if (a->busy.window_ns > 0)
        app_busy_poll(&a->busy);
}

void app_deinit(app *a)
{
    app_lesson_detach(a);
    if (a->run_active)
        sim_run_cancel(a->run);
    join(a);
    app_python_deinit(&a->py);
    app_repeat_deinit(&a->rep);
    sim_comparison_deinit(&a->cmp);
    ui_lens_free(&a->lens);
}
