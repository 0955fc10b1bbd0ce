/* mp_starter.h - the starter: what serves the forkserver protocol (private
 * to the multiprocessing engine).
 *
 * Two places start workers on the engine's request: the forkserver helper
 * process (forkserver.c, also for spawn) and the fork method's starter
 * thread (mp_fork.c). Both read run requests with their three files from a
 * socket (mp_proto.h), fork one child per worker, kill and reap them, and
 * answer with a note for every fork and every exit. That shared part lives
 * here; each user brings its own loop (what it polls) and its own way of
 * turning a fresh child into a worker.
 */
#ifndef SIM_MP_STARTER_H
#define SIM_MP_STARTER_H

#include <stdint.h>
#include <sys/types.h>

#include "mp_proto.h"
#include "workload.h"

/* The largest request: a job and its spec. A receive buffer needs one more
 * byte, for the spec's terminating NUL. */
#define SIM_MP_MAX_MSG (sizeof(sim_mp_job) + SIM_MAX_SPEC_LEN + 1)

typedef struct sim_mp_starter sim_mp_starter;

/* Runs in the freshly forked child: ties its life to st->self, drops what
 * belongs to the starter, and runs (or execs) the worker loop for worker
 * `index`, forked at CLOCK_MONOTONIC `t_fork_abs`. Must not return (the
 * starter exits the child with status 1 if it does). */
typedef void (*sim_mp_become_fn)(void *ctx, const sim_mp_starter *st,
                                 const sim_mp_job *job, const char *spec,
                                 uint32_t index, int64_t t_fork_abs);

struct sim_mp_starter {
    int sock;               /* to the engine */
    pid_t self;             /* the process that forks (the workers' parent) */
    int want_pidfds;        /* keep a pidfd per worker, for the caller's poll() */
    sim_mp_become_fn become;
    void *ctx;              /* passed to become */
    /* The current run. */
    int active;
    int fds[3];             /* memfd, task pipe read end, result pipe write end */
    pid_t *pids;            /* per worker; 0 once reaped */
    int *pidfds;            /* per worker, -1 when none; NULL unless want_pidfds */
    uint32_t n, alive;
};

/* Makes an idle starter on `sock` (not owned: the caller closes it). */
void sim_mp_starter_init(sim_mp_starter *st, int sock, int want_pidfds,
                         sim_mp_become_fn become, void *ctx);
/* Reads one request into buf (SIM_MP_MAX_MSG + 1 bytes) and acts on it:
 * starts a run, kills the current one, or answers SIM_FS_FAILED. Returns 0
 * at EOF or a fatal socket error (the engine is gone), 1 otherwise. */
int sim_mp_starter_serve(sim_mp_starter *st, char *buf);
/* Reaps the run's exited workers (block: wait for all of them), with an
 * EXITED note each; once none is left, closes the run's files and sends
 * IDLE. Waits for the workers' pids only, never for "any child". */
void sim_mp_starter_reap(sim_mp_starter *st, int block);
/* SIGKILLs every worker of the current run still alive. */
void sim_mp_starter_kill(sim_mp_starter *st);
/* The end: kills and reaps whatever run is still active. */
void sim_mp_starter_finish(sim_mp_starter *st);

/* A SOCK_SEQPACKET pair (close-on-exec) with room for a whole request.
 * Returns 0, or -1 with errno set. */
int sim_mp_starter_socketpair(int sv[2]);

#endif
