/* app_python.h - the window's CPython toggle: each model's Python program
 * run in a real interpreter, drawn under the model's panel.
 *
 * With the toggle on (the CPython button, Y, `concviz --python [PATH]`, a
 * lesson step's `cpython: yes`), each run also measures every model's
 * program in CPython, right after the engine's run of that model and
 * never at the same time (run.h), and the view shows CPython's runs under
 * the models' (panels.h). The interpreter is the user's: python3, or the
 * one named with --python; a lesson can turn the panels on, never name
 * an interpreter. Without one, the CPython panels say why and how to
 * install it, and the engines' panels are as ever.
 *
 * Asking an interpreter what it is runs it, which takes a moment, or much
 * longer if it hangs: it is asked once, in a thread of its own, and a run
 * that needs the answer waits for it the way it waits for the machine
 * check (app_run.c), while the window goes on drawing and taking input.
 */
#ifndef APP_PYTHON_H
#define APP_PYTHON_H

#include <pthread.h>
#include <stdatomic.h>

#include "pythons.h"

typedef struct app_python {
    int on;                    /* the toggle: runs measure CPython, panels show it */
    int by_step;               /* turned on by a lesson step, not by the learner */
    char given[4096];          /* --python, or python3 */
    char given_ft[4096];       /* --python-ft, or "" to look on PATH */
    app_pythons py;            /* the interpreters, once asked (py.run) */
    int asked;                 /* the asking thread was started */
    int joined;                /* ... and is over and joined */
    atomic_int answered;       /* 1: py holds the answer */
    atomic_int cancel;         /* stops a slow answer (the window closes) */
    pthread_t thread;
    int told;                  /* what is missing was said in a toast */
    char label[128];           /* "CPython 3.11.7", or the name given until answered */
    char saved_status[256];    /* the status line before the progress took it */
    int progress;              /* 1: the status line shows CPython's progress */
} app_python;

/* `python` (NULL: python3) and `python_ft` (NULL: look on PATH) are
 * copied; `on` turns the toggle on (and asks at once). */
void app_python_init(app_python *p, const char *python, const char *python_ft, int on);
/* Stops asking (if it still is) and joins the thread. */
void app_python_deinit(app_python *p);
/* Starts asking, once. */
void app_python_ask(app_python *p);
/* Whether the answer is there (joins the thread when it is). */
int app_python_ready(app_python *p);
/* For sim_run_desc.python: the interpreters when the toggle is on and
 * the answer is there, else NULL. */
const sim_run_python *app_python_run(app_python *p);

struct app;
/* The toggle (Y, the CPython button): shows or hides the CPython panels;
 * turned on with no CPython run on screen, it runs the workload again with
 * CPython, unless a run is going or the picture is a saved run (then the
 * next run measures it, and a toast says so). */
void app_python_toggle(struct app *a);
/* A lesson step's `cpython: yes` (on 1) turns the panels on for the step;
 * a step without it turns them off again if a step turned them on. */
void app_python_step(struct app *a, int on);
/* Each frame: the status line says which model's program CPython runs
 * while it does, and a toast says once what is missing. */
void app_python_tick(struct app *a);

#endif
