/* mp_proto.h - the messages of the multiprocessing engine (private).
 *
 * Three channels, each with fixed-size messages:
 *
 *   parent --task pipe--> workers     sim_mp_task   (as Pool's task queue)
 *   workers --result pipe--> parent   sim_mp_result (as Pool's result queue)
 *   parent <--socket--> forkserver    sim_mp_job out, sim_mp_note back
 *
 * Pipe messages are far smaller than PIPE_BUF, so each write is atomic and
 * each read of exactly one message's size returns exactly one message, even
 * with several workers reading the same pipe. The socket is SOCK_SEQPACKET,
 * which keeps message boundaries by itself, and carries file descriptors
 * (SCM_RIGHTS) along with the job.
 */
#ifndef SIM_MP_PROTO_H
#define SIM_MP_PROTO_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "costs.h"
#include "forkserver.h"

/* --- task pipe: parent -> workers */
enum { SIM_MP_TASK = 1, SIM_MP_STOP = 2 }; /* STOP: one per worker, as Pool.close() */

typedef struct sim_mp_task {
    uint32_t kind;
    uint32_t task;
    int64_t t_sent;       /* ns since the run's start */
} sim_mp_task;

/* --- result pipe: workers -> parent */
enum { SIM_MP_RESULT = 1, SIM_MP_BYE = 2 }; /* BYE: the worker's last word */

typedef struct sim_mp_result {
    uint32_t kind;
    uint32_t task;
    uint32_t worker;
    uint32_t pad_;
    int64_t t_sent;       /* RESULT: when the worker sent it */
    int64_t pss_bytes;    /* BYE: the worker's own PSS just before exiting, or -1 */
} sim_mp_result;

/* --- socket: parent -> forkserver */
enum { SIM_FS_RUN = 1, SIM_FS_KILL = 2 };

/* A run request. With SIM_FS_RUN it carries three descriptors (the
 * recording's memfd, the task pipe's read end, the result pipe's write
 * end) and is followed in the same message by `spec_len` bytes of the
 * workload spec: the workers parse it again, the honest analogue of
 * Python pickling the work for a new process. */
typedef struct sim_mp_job {
    uint32_t kind;
    uint32_t nworkers;
    uint64_t map_size;    /* bytes of the recording's mapping */
    int64_t t0_abs;       /* the run's CLOCK_MONOTONIC start (also in the mapping) */
    double ns_per_unit;   /* the parent's calibration, so work means the same */
    double ns_per_tick;   /* and its TSC's rate (calib.h) */
    uint32_t spec_len;
    uint32_t pad_;
    uint32_t start;       /* sim_start_method: SIM_START_SPAWN makes the helper exec */
    uint32_t has_costs;   /* 1: the workers charge `costs` (costs.h) */
    double costs[SIM_COST__COUNT]; /* what CPython's machinery costs, ns */
} sim_mp_job;

/* --- socket: forkserver -> parent */
enum {
    SIM_FS_SPAWNED = 1, /* worker `index` was forked as `pid` */
    SIM_FS_EXITED,      /* worker `index` (`pid`) was reaped; `status` from waitpid */
    SIM_FS_FAILED,      /* the run could not start: `err` is an errno */
    SIM_FS_IDLE,        /* every worker of the run is reaped; its files are closed */
};

typedef struct sim_mp_note {
    uint32_t kind;
    uint32_t index;
    int32_t pid;
    int32_t status;
    int32_t err;
    int32_t pad_;
} sim_mp_note;

/* Sends a run request with its three descriptors. Returns 0 or -errno. */
int sim_fs_send_run(sim_forkserver *fs, const sim_mp_job *job, const char *spec,
                    int memfd, int task_r, int res_w);
/* Asks the helper to SIGKILL the current run's workers. Returns 0 or -errno. */
int sim_fs_send_kill(sim_forkserver *fs);

/* The worker process: runs tasks from the task pipe until a STOP message.
 * Called in the child right after fork; returns the exit code. t_fork_abs
 * is the CLOCK_MONOTONIC time the helper took just before fork(). */
int sim_mp_worker_main(const sim_mp_job *job, const char *spec, int memfd,
                       int task_r, int res_w, uint32_t index, int64_t t_fork_abs);

#endif
