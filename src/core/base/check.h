/* check.h - a pthread call that fails is a broken program, not an error.
 *
 * pthread_mutex_lock, _unlock, cond_wait and friends fail only when the
 * object is corrupted or misused: there is nothing sane to do after that.
 * Like CPython's Py_FatalError in ceval_gil.c, concviz stops at once with
 * a message naming the call, in every build (not only with asserts on),
 * rather than run on with a lock that no longer locks.
 */
#ifndef SIM_CHECK_H
#define SIM_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rc: what the pthread call returned (0 or an errno). */
static inline void sim_check(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "concviz: fatal: %s failed: %s\n", what, strerror(rc));
        abort();
    }
}

/* The same for a call made by part `who` ("GIL: pthread_mutex_lock"). It
 * is on hot paths (every GIL hand-off, every lock step): nothing is
 * formatted unless the call failed. */
static inline void sim_check_in(int rc, const char *who, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "concviz: fatal: %s: %s failed: %s\n", who, what, strerror(rc));
        abort();
    }
}

#endif
