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

#endif
