/* forkserver.h - a small helper process that forks the workers.
 *
 * Forking copies the parent's page tables: a parent holding a big trace or
 * a window is slow to fork. As Python's forkserver does, concviz starts a
 * tiny helper process at start-up, while it is still small, and asks it to
 * fork each run's workers. Files (the recording's memfd, the task and result
 * pipes) are handed to it over a Unix socket (SCM_RIGHTS).
 *
 * The helper dies with concviz (PR_SET_PDEATHSIG), and its workers die with
 * it, so nothing is ever left behind, even after `kill -9 concviz`.
 */
#ifndef SIM_FORKSERVER_H
#define SIM_FORKSERVER_H

#include <sys/types.h>

typedef struct sim_forkserver {
    pid_t pid;   /* the helper, or 0 when not running */
    int sock;    /* our end of the helper's socket, or -1 */
} sim_forkserver;

/* Starts the helper. Call early, before the process grows. Returns 0 or a
 * sim_err. */
int sim_forkserver_start(sim_forkserver *fs);
/* Stops the helper and reaps it (and any worker still alive). */
void sim_forkserver_stop(sim_forkserver *fs);

#endif
