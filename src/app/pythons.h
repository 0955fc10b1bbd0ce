/* pythons.h - the interpreters a command runs the models' Python programs
 * in: `--python [INTERPRETER]` and `--python-ft INTERPRETER`, read from the
 * command line and asked what they are.
 *
 * An interpreter is only ever one the user named here, or python3 by
 * default: never one a lesson file names (cpython.h). `run`, `shot`, the
 * window and `lesson` read these options the same way and ask the
 * interpreters the same way; what each does when one is missing is its
 * own (`run` exits 1; the window and a picture say why in the CPython
 * panels and draw everything else).
 */
#ifndef APP_PYTHONS_H
#define APP_PYTHONS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "cpython.h"
#include "run.h"

typedef struct app_pythons {
    const char *python;      /* --python: the interpreter; NULL: not asked for */
    const char *python_ft;   /* --python-ft; NULL: look for one on PATH */
    sim_interp interp[2];    /* [0] with a GIL, [1] free-threaded */
    char missing[2][512];    /* why one is not there */
    sim_run_python run;      /* for sim_run_desc.python, once asked */
} app_pythons;

/* The help lines of these options, for a command's --help. */
extern const char app_pythons_help[];

/* If argv[*i] is `--python [INTERPRETER]` (the interpreter is optional:
 * the next argument, unless it is an option; python3 without it),
 * `--python=INTERPRETER` or `--python-ft[=]INTERPRETER`, consumes it and
 * its value (advancing *i past them) and returns 1; --python-ft implies
 * --python. Returns 0 if argv[*i] is neither, -1 with msg if a value is
 * missing. Pointers into argv are kept. */
int app_pythons_take(app_pythons *p, int argc, char **argv, int *i, char *msg, size_t n);

/* Finds and asks the interpreters: the one with a GIL when want_gil (for
 * asyncio, threading and multiprocessing), a free-threaded one when
 * want_ft (--python-ft, or the first on PATH). `cancel` (or NULL) stops a
 * slow answer. With `say`, what is missing is said there as `run` says it
 * ("concviz: --python: python3 was not found on PATH: install ..."); a
 * missing free-threaded one is never a failure. Sets p->run. Returns 1
 * when the interpreter with a GIL was wanted and is not usable, else 0. */
int app_pythons_probe(app_pythons *p, int want_gil, int want_ft, const atomic_int *cancel,
                      FILE *say);

#endif
