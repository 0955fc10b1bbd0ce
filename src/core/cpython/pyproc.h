/* pyproc.h - running an interpreter the user named, and leaving nothing
 * behind.
 *
 * A Python program that concviz runs may start processes of its own (a
 * multiprocessing Pool, a ProcessPoolExecutor, the forkserver and the
 * resource tracker of Python 3.14), may hang (a deadlock), crash, or be
 * anything at all (the interpreter is the user's). Whatever it does, when
 * sim_pyproc_run returns, every process it started is gone and reaped.
 *
 * How: concviz forks a small guard process, which becomes the "subreaper"
 * of everything below it (PR_SET_CHILD_SUBREAPER: orphans are handed to it,
 * not to init, so it can wait for them) and forks the interpreter in a
 * process group of its own. To stop the run (--timeout, Ctrl+C), concviz
 * sends the guard SIGTERM; the guard sends SIGTERM to the whole group,
 * which lets the program save what it recorded, then SIGKILL after a
 * grace period. When the program ends by itself, whatever it left running
 * gets a moment to end too, then SIGKILL. The guard reports how it went
 * through a pipe and exits once it has no child left. If concviz itself
 * dies (kill -9), the guard gets SIGTERM from the kernel
 * (PR_SET_PDEATHSIG) and stops the group the same way.
 *
 * Limit, admitted: a process that leaves the group (setsid) and outlives
 * the grace periods is reported, not hunted down (`leftovers` < 0).
 * Linux only, as the rest of concviz.
 */
#ifndef SIM_PYPROC_H
#define SIM_PYPROC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_pyproc_desc {
    const char *path;         /* the file to run: a path, never searched on PATH */
    char *const *argv;        /* its arguments, argv[0] first, NULL-terminated */
    char *const *envp;        /* its environment, NULL-terminated */
    const char *cwd;          /* where it runs (NULL: where concviz runs) */
    const char *out_path;     /* its stdout and stderr go to these files, */
    const char *err_path;     /* created afresh (mode 0600); NULL: to concviz's own */
    int pass_stdin;           /* 1: it reads concviz's stdin; 0: /dev/null */
    int64_t timeout_ns;       /* 0: none; else stopped after this (SIGTERM, then SIGKILL) */
    const atomic_int *cancel; /* NULL, or nonzero: stop it as for a timeout */
    int64_t grace_ns;         /* from SIGTERM to SIGKILL; 0: 1 s */
} sim_pyproc_desc;

typedef struct sim_pyproc_result {
    int exec_errno;    /* it could not be started: execve's errno (0: it was) */
    int status;        /* its wait status (WIFEXITED, WEXITSTATUS, WTERMSIG) */
    int timed_out;     /* stopped by the timeout */
    int cancelled;     /* stopped by *cancel */
    int killed;        /* it did not end within the grace after SIGTERM: SIGKILLed */
    int leftovers;     /* 1: processes it left running after it ended had to be
                          killed; -1: some could not be (they left its group) */
    int64_t wall_ns;   /* from the fork to its end */
} sim_pyproc_result;

/* Runs d->path and waits for it and everything it started. Returns 0 with
 * *res filled (whatever the program did: see exec_errno and status), or
 * SIM_E_SYS / a negated errno when concviz itself could not (msg says). */
int sim_pyproc_run(const sim_pyproc_desc *d, sim_pyproc_result *res, char *msg, size_t n);

#endif
