/* utrace.h - a person's own Python program, run and traced: `concviz trace
 * -- python3 script.py`.
 *
 * The course shows concviz's engines running workloads; the next question
 * is "what does MY program do?". Here the program itself runs, under the
 * interpreter the person named, with a tracer concviz carries (the Python
 * files in tracer/, embedded into concviz and written to a private folder
 * for the run: nothing to install), and what it did becomes a trace the
 * window draws as it draws the engines: its threads, asyncio tasks, event
 * loops and processes as lanes, on one clock.
 *
 * How a run goes (utrace_run.c): the interpreter is started through the
 * guard of cpython/pyproc.h (its own process group, --timeout, Ctrl+C, no
 * process left behind), its output passing through to concviz's; a thread
 * of concviz samples its threads' states meanwhile (utrace_sample.h);
 * then the tracer's files are read (utrace_read.c) and turned into lanes
 * (utrace_build.c). Whatever happened (the script raised, was killed, ran
 * past the timeout), what was recorded up to then is kept and drawn.
 */
#ifndef SIM_UTRACE_H
#define SIM_UTRACE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "cpython.h"

/* The oldest Python the tracer runs on (os.register_at_fork, runpy,
 * threading.excepthook: 3.8). */
#define SIM_UTRACE_MIN_MINOR 8

typedef struct sim_utrace_desc {
    const sim_interp *py;       /* the interpreter, found and asked (cpython.h) */
    /* What follows the interpreter on its command line: its own options,
     * then SCRIPT [ARGS] or -m MODULE [ARGS]; NULL-terminated. */
    char *const *args;
    size_t nopts;               /* how many of args are the interpreter's options */
    int64_t timeout_ns;         /* 0: none; else stopped (SIGTERM, then SIGKILL) */
    const atomic_int *cancel;   /* NULL, or nonzero: stop it as for a timeout */
    int pass_stdin;             /* 1: the program reads concviz's stdin; 0: /dev/null */
    int64_t min_block_ns;       /* blocking calls kept from this long; 0: 50 us */
    int64_t sample_ns;          /* the sampler's period; 0: 1 ms; < 0: no sampling */
    const char *label;          /* how the command is shown: "python3 crawl.py" */
    int baseline;               /* 1: run it once untraced first (output discarded),
                                   to measure what tracing costs */
} sim_utrace_desc;

/* How the run went, beside the trace. */
typedef struct sim_utrace_result {
    int exec_errno;             /* the interpreter could not be started */
    int status;                 /* its wait status (WIFEXITED, WEXITSTATUS, ...) */
    int timed_out, cancelled, killed;
    int leftovers;              /* pyproc.h: processes it left had to be killed */
    int64_t wall_ns;            /* from its start to its end */
    int64_t baseline_ns;        /* the untraced run's (desc.baseline); -1: none */
    uint64_t unreadable;        /* tracer files concviz could not read */
    uint64_t bad_lines;         /* lines of them that made no sense */
    int untraced_children;      /* processes it started that wrote nothing */
} sim_utrace_result;

/* Runs and traces the program; fills *c (which it initializes: one trace,
 * source SIM_SOURCE_PROGRAM, its description in traces[0].program) and
 * *res. Returns 0 when a trace was made, whatever the program did (see
 * res and the trace's outcome and error); SIM_E_SYS with msg when concviz
 * could not run it at all (no folder, no fork), SIM_E_NOMEM. */
int sim_utrace_run(const sim_utrace_desc *d, sim_comparison *c, sim_utrace_result *res,
                   char *msg, size_t n);

/* The tracer's files, as concviz carries them: name and text, for tests
 * that run the tracer themselves. NULL past the last. */
const char *sim_utrace_file(size_t i, const char **text, size_t *len);

#endif
