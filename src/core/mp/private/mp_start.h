/* mp_start.h - the two less common ways of starting workers (private to the
 * multiprocessing engine; see start_method.h for what each one means).
 *
 * The engine always talks the forkserver's protocol (mp_proto.h): a run
 * request with its files goes out on a socket, notes about forks and exits
 * come back. Where that socket leads is the start method:
 *
 *   forkserver  the helper process (forkserver.c)
 *   spawn       the same helper, which execs each child (mp_spawn.c)
 *   fork        a thread of this process that forks each worker straight
 *               from it (mp_fork.c)
 */
#ifndef SIM_MP_START_H
#define SIM_MP_START_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "forkserver.h"
#include "mp_proto.h"

/* --- fork: a starter thread inside this process */
typedef struct sim_mp_forker {
    sim_forkserver fs;  /* the engine's end: pid 0 (no helper process), sock */
    int sock;           /* the thread's end */
    pthread_t thread;
    int running;
} sim_mp_forker;

/* Starts the thread. Returns 0, or a sim_err with errno set. */
int sim_mp_forker_start(sim_mp_forker *f);
/* Closes the engine's end, which makes the thread kill and reap any worker
 * still alive, and joins it. */
void sim_mp_forker_stop(sim_mp_forker *f);

/* --- spawn: in a freshly forked child of the helper, hands the work to a
 * new image of this program through a pipe and execs it. fds are the
 * memfd, the task pipe's read end, the result pipe's write end; `parent`
 * is the helper, which the exec'd worker checks is still its parent.
 * Never returns (exit status 1 if the exec failed). */
_Noreturn void sim_mp_spawn_exec(const sim_mp_job *job, const char *spec,
                                 const int fds[3], uint32_t index,
                                 int64_t t_fork_abs, pid_t parent);

#endif
