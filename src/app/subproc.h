/* subproc.h - running another program to its end, and nothing left behind.
 *
 * `concviz calibrate` runs a Python interpreter that itself starts threads
 * and processes (multiprocessing's workers, its forkserver). Whatever
 * happens (it finishes, fails, hangs past the timeout, or concviz gets
 * Ctrl+C), every one of those processes must be gone when concviz goes on,
 * so the program runs in a process group of its own, which is killed
 * whole, and concviz makes itself the "subreaper" of its descendants
 * (PR_SET_CHILD_SUBREAPER) so that the orphans come back to it to be
 * reaped rather than to init.
 *
 * SIGINT and SIGTERM are blocked in the caller while the program runs and
 * collected with sigtimedwait (as `concviz run` does): no handler, no
 * global flag. Ctrl+C at a terminal reaches concviz only (the program's
 * group is not the terminal's foreground group), and concviz stops the
 * program.
 *
 * Call from a process with no other threads and no other children: the
 * child is made with fork, and the orphans are reaped with waitpid(-1).
 */
#ifndef APP_SUBPROC_H
#define APP_SUBPROC_H

#include <stddef.h>
#include <stdint.h>

typedef enum app_subproc_end {
    APP_SUBPROC_EXITED = 0,   /* it exited by itself: see status */
    APP_SUBPROC_SIGNALED,     /* a signal killed it: see status */
    APP_SUBPROC_TIMEOUT,      /* it ran past the timeout: killed */
    APP_SUBPROC_INTERRUPTED,  /* concviz got SIGINT or SIGTERM: killed */
    APP_SUBPROC_TOO_MUCH,     /* it printed more than max_out: killed */
} app_subproc_end;

typedef struct app_subproc {
    app_subproc_end end;
    int status;        /* EXITED: the exit status; SIGNALED: the signal */
    int signal;        /* INTERRUPTED: SIGINT or SIGTERM */
    char *out;         /* its standard output, NUL-terminated (malloc'd) */
    size_t len;
} app_subproc;

/* Runs argv[0] (an absolute path) with argv, standard input from
 * /dev/null, standard error shared with concviz's, standard output
 * collected (at most max_out bytes). Returns 0 when the program ran (what
 * became of it is in r), or -1 with msg if it could not be started. */
int app_subproc_run(char *const argv[], int64_t timeout_ns, size_t max_out,
                    app_subproc *r, char *msg, size_t n);

void app_subproc_free(app_subproc *r);

#endif
