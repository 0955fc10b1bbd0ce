/* err.h - errors are values: every fallible call returns 0 or one of these.
 *
 * One domain for every error, as libuv has: an int that is 0 (success),
 * one of concviz's own codes below, or a system error, the negated errno
 * (-ENOENT, -ENOSPC, ...). concviz's codes lie far below any errno
 * (-4000 and down), so the two never mean the same number, and
 * sim_err_str describes both. SIM_E_NOMEM is -ENOMEM itself: running out
 * of memory is the same thing whoever noticed it.
 */
#ifndef SIM_ERR_H
#define SIM_ERR_H

#include <errno.h>

typedef enum sim_err {
    SIM_OK = 0,
    SIM_E_NOMEM = -ENOMEM,  /* out of memory (the system's own code) */
    SIM_E_USAGE = -4001,    /* bad option, workload or limit: the user's to fix (exit 2) */
    SIM_E_SYS = -4002,      /* a system call failed and its errno is gone (exit 1);
                               prefer SIM_E_ERRNO(errno) where it is known */
    SIM_E_CANCELLED = -4003,/* stopped on request (Stop, SIGINT, SIGTERM) */
    SIM_E_LOST = -4004,     /* a worker process died */
    SIM_E_TIMEOUT = -4005,  /* --timeout ran out */
    SIM_E_FORMAT = -4006,   /* a file that is not what it should be (exit 1) */
    SIM_E_DEADLOCK = -4007, /* every task waits on something nothing can release */
    SIM_E_MEMLIMIT = -4008, /* the run would pass its memory budget */
    SIM_E_VERSION = -4009,  /* a file of another format version: made by another
                               concviz (exit 1, as SIM_E_FORMAT) */
} sim_err;

/* A system error as a sim_err: SIM_E_ERRNO(errno). */
#define SIM_E_ERRNO(e) (-(e))

/* Whether e is a system error (a negated errno), not one of concviz's. */
int sim_err_is_errno(int e);

/* A short description: "cancelled", "a worker process died", or the
 * system's strerror for a negated errno ("No space left on device"). */
const char *sim_err_str(int e);

#endif
