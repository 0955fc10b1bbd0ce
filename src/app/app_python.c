/* app_python.c - the window's CPython toggle (app_python.h).
 *
 * The one thread here only asks the interpreters what they are
 * (pythons.h) and publishes the answer with a release store; the window
 * reads it after an acquire load and joins the thread. Measuring runs in
 * the run's own thread (run.h), which also stops the interpreter on Stop
 * or Esc: its guard process kills whatever the program started.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_python.h"
#include "app_ui.h"
#include "panels.h"

void app_python_init(app_python *p, const char *python, const char *python_ft, int on)
{
    memset(p, 0, sizeof *p);
    atomic_init(&p->answered, 0);
    atomic_init(&p->cancel, 0);
    snprintf(p->given, sizeof p->given, "%s", python ? python : SIM_CPYTHON_DEFAULT);
    snprintf(p->given_ft, sizeof p->given_ft, "%s", python_ft ? python_ft : "");
    p->py.python = p->given;
    p->py.python_ft = p->given_ft[0] ? p->given_ft : NULL;
    snprintf(p->label, sizeof p->label, "%.120s", p->given);
    p->on = on;
    if (on)
        app_python_ask(p);
}

static void *ask_thread(void *arg)
{
    app_python *p = arg;
    app_pythons_probe(&p->py, 1, 1, &p->cancel, NULL);
    atomic_store_explicit(&p->answered, 1, memory_order_release);
    return NULL;
}

void app_python_ask(app_python *p)
{
    if (p->asked)
        return;
    p->asked = 1;
    if (pthread_create(&p->thread, NULL, ask_thread, p) != 0) {
        /* No thread to spare: ask here, the window waits this once. */
        ask_thread(p);
        p->joined = 1;
    }
}

static void join(app_python *p)
{
    if (!p->asked || p->joined)
        return;
    int e = pthread_join(p->thread, NULL);
    if (e) {
        fprintf(stderr, "concviz: pthread_join: %s\n", strerror(e));
        abort();
    }
    p->joined = 1;
}

int app_python_ready(app_python *p)
{
    if (!p->asked || !atomic_load_explicit(&p->answered, memory_order_acquire))
        return 0;
    join(p);
    if (p->py.run.gil)
        sim_python_label(&p->py.run.gil->info, p->label, sizeof p->label);
    return 1;
}

void app_python_deinit(app_python *p)
{
    atomic_store(&p->cancel, 1);
    join(p);
}

const sim_run_python *app_python_run(app_python *p)
{
    return p->on && app_python_ready(p) ? &p->py.run : NULL;
}

void app_python_toggle(app *a)
{
    app_python *p = &a->py;
    p->on = !p->on;
    p->by_step = 0;
    a->view.show_cpython = p->on;
    if (!p->on)
        return;
    app_python_ask(p);
    if (ui_comparison_has_cpython(&a->cmp))
        return; /* the run on screen has them: they show */
    char msg[300];
    if (app_run_busy(a) || a->cmp.ntraces == 0 || a->shown.saved) {
        snprintf(msg, sizeof msg, "CPython on: the next run (R) also runs each model's "
                 "program under %s", p->label);
        ui_view_toast(&a->view, msg, 3.0);
        return;
    }
    /* One key shows it: the workload runs again, CPython after each model. */
    app_start_run(a);
}

void app_python_step(app *a, int on)
{
    app_python *p = &a->py;
    if (on && !p->on) {
        p->on = p->by_step = 1;
        app_python_ask(p);
    } else if (!on && p->by_step) {
        p->on = p->by_step = 0;
    }
    a->view.show_cpython = p->on;
}

/* Which model's program CPython runs now, or -1: the core measures model
 * i right after its engine (done == i + 1) and before the next starts. */
static int measuring(const app *a)
{
    const sim_run *r = a->run;
    if (!a->run_active || !r || !r->python)
        return -1;
    int done = atomic_load_explicit(&r->done, memory_order_acquire);
    int measured = atomic_load_explicit(&r->cpython_done, memory_order_acquire);
    return measured < done && measured < r->cfg.nmodels ? measured : -1;
}

void app_python_tick(app *a)
{
    app_python *p = &a->py;
    if (p->on && !p->told && app_python_ready(p) && !p->py.run.gil) {
        /* No interpreter: said once, at once; the panels say it too. */
        p->told = 1;
        ui_view_toast(&a->view, p->py.missing[0], 6.0);
    }
    int i = measuring(a);
    if (i >= 0) {
        if (!p->progress)
            snprintf(p->saved_status, sizeof p->saved_status, "%s", a->view.status);
        p->progress = 1;
        snprintf(a->view.status, sizeof a->view.status,
                 "\xe2\x97\x8f running %s's program under %s\xe2\x80\xa6 (Esc stops it)",
                 sim_model_name(a->run->cfg.models[i]), p->label);
    } else if (p->progress) {
        p->progress = 0;
        snprintf(a->view.status, sizeof a->view.status, "%s", p->saved_status);
    }
}
