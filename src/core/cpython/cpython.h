/* cpython.h - the same workload measured in CPython, beside each engine.
 *
 * A teacher's hardest question is "is this real?". concviz writes, for any
 * workload, the Python program that does the same thing (pyprog.h); here
 * that program runs under a real interpreter, in its recorded variant
 * (SIM_PYPROG_RECORD: the printed program plus lines that time its steps),
 * and what it recorded becomes a trace on the engines' clock
 * (trace_python.h), so that both can be drawn one above the other.
 *
 * The interpreter is only ever one the user named on the command line (or,
 * later, in the window's own settings): never one a lesson file names. It
 * runs with -I (isolated: no PYTHON* variables, no user site-packages, the
 * script's folder not on sys.path) and -B, in a fresh private folder, its
 * process group stopped and reaped by pyproc.h, so that a crash, a hang, a
 * flood of garbage or a cut-short recording becomes a sentence in the
 * trace's error and nothing else: the engines' results are never lost.
 * Versions: CPython 3.8 and later (the programs use nothing newer, except
 * asyncio.to_thread, 3.9, for thread(...) steps under asyncio: on 3.8 that
 * program is not run, and its trace says why).
 */
#ifndef SIM_CPYTHON_H
#define SIM_CPYTHON_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "model.h"
#include "trace.h"
#include "workload.h"

/* The interpreter `concviz run --python` uses when none is given. */
#define SIM_CPYTHON_DEFAULT "python3"
/* How long an interpreter may take to say what it is. */
#define SIM_CPYTHON_PROBE_NS (10ll * 1000000000ll)

/* An interpreter, found and asked what it is. */
typedef struct sim_interp {
    char path[4096];     /* the file run: absolute */
    sim_python info;     /* info.path is the name the user gave */
    int major, minor;
} sim_interp;

/* Finds `given` (a name searched on PATH, or a path) and asks it what it
 * is (`-I -c ...`, at most `timeout_ns`, 0 for SIM_CPYTHON_PROBE_NS).
 * Returns 0, or SIM_E_USAGE with msg saying what is wrong and what to do:
 * "python3 was not found on PATH: install Python 3 (Debian: sudo apt-get
 * install python3), or name one with --python PATH"; an interpreter older
 * than 3.8, one that does not answer, or answers garbage. */
int sim_cpython_probe(sim_interp *py, const char *given, int64_t timeout_ns,
                      const atomic_int *cancel, char *msg, size_t n);

/* A free-threaded interpreter on PATH (python3.14t, python3.13t, python3t,
 * the first that is one). Returns 0, or SIM_E_USAGE with msg saying none
 * was found and how to name one (--python-ft). */
int sim_cpython_find_ft(sim_interp *py, char *msg, size_t n);

/* Whether the program of model m for workload w can run on py; if not,
 * msg says why (asyncio.to_thread on 3.8). */
int sim_cpython_can_run(const sim_interp *py, const sim_workload *w, sim_model m,
                        char *msg, size_t n);

typedef struct sim_cpython_desc {
    const sim_workload *w;
    sim_model model;
    const sim_config *given;  /* the settings as the user gave them: the program
                                 run is what `concviz python` prints for them */
    const sim_config *cfg;    /* the run's resolved settings (timeout_ns; kept
                                 in the trace) */
    const sim_interp *py;
    const atomic_int *cancel; /* NULL, or nonzero: stop */
} sim_cpython_desc;

/* What else a run found, beside its trace. */
typedef struct sim_cpython_result {
    int status;             /* SIM_OK, SIM_E_TIMEOUT, SIM_E_CANCELLED, or SIM_E_FAILED-like:
                               SIM_E_SYS (could not run, or it failed),
                               SIM_E_FORMAT (a recording concviz cannot use) */
    double printed_wall_ms; /* the program's own last line, wall_ms=...; -1: none */
    int leftovers;          /* pyproc.h: processes it left behind were killed */
} sim_cpython_result;

/* Runs the recorded program of d->model under d->py and fills *t, which it
 * initializes: source SIM_SOURCE_CPYTHON, the interpreter in t->python, the
 * lanes derived from the recording (trace_python.h), the outcome, and when
 * the run did not finish, the reason in t->error ("python3 (CPython 3.11.7)
 * exited with status 1: ZeroDivisionError: ..."). A stopped run keeps what
 * the program saved when it was stopped. Returns res->status. */
int sim_cpython_run(const sim_cpython_desc *d, sim_trace *t, sim_cpython_result *res);

/* A trace of w's tasks under m that says only why nothing was measured:
 * for a model with no interpreter to run it. Returns 0 or SIM_E_NOMEM. */
int sim_cpython_unmeasured(sim_trace *t, const sim_workload *w, sim_model m,
                           const sim_python *py, const char *why);

#endif
