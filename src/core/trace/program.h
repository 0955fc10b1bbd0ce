/* program.h - what a trace of a person's own program says about its lanes.
 *
 * A model's trace knows its lanes by their kind alone ("task 3", "GIL").
 * A trace of a real program (`concviz trace -- python3 script.py`, or a
 * Chrome trace another tool wrote, opened with `concviz open`) has lanes
 * that only the program can name: its threads ("MainThread", "Thread-2
 * (worker)"), its asyncio tasks ("Task-7", "fetch-3"), its event loops and
 * its processes ("ForkPoolWorker-1"). sim_tprogram holds those names, and
 * the words a mark's arg points at ("time.sleep", "Queue.get", the
 * function a span of another tool's trace ran), for a sim_trace whose
 * source is SIM_SOURCE_PROGRAM or SIM_SOURCE_FOREIGN (trace.h), which
 * owns it.
 *
 * Every lane of such a trace is a row of its own (ntasks == nlanes: they
 * all scroll together), in the order of a tree: a process, then its
 * threads, a thread that ran an event loop followed by the loop's lane and
 * its tasks. What each state means on each kind of lane:
 *   thread:  RUNNING on a CPU; READY waiting for the GIL (or a core), always
 *            inferred; IO, LOCK, SEM, QUEUE in a blocking call (arg: which,
 *            an index into strs); DONE after its end;
 *   task:    RUNNING its step; READY woken, waiting for its loop; IO, LOCK,
 *            SEM, QUEUE suspended at an await (arg: on what); DONE;
 *   loop:    RUNNING a task's step (arg: the task's lane) or its own work
 *            (arg SIM_NO_TASK); IDLE waiting in select for I/O or timers;
 *   process: STARTING from its start to its first traced moment; RUNNING
 *            while one of its threads runs (arg: that thread's lane), IDLE
 *            while none does; DONE once it exited.
 * Marks derived rather than observed carry SIM_MARK_INFERRED.
 */
#ifndef SIM_PROGRAM_H
#define SIM_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

typedef enum sim_plane_kind {
    SIM_PLANE_THREAD = 0,
    SIM_PLANE_TASK,
    SIM_PLANE_LOOP,
    SIM_PLANE_PROCESS,
    SIM_PLANE__COUNT
} sim_plane_kind;

/* One lane of a program's trace. */
typedef struct sim_plane {
    uint8_t kind;      /* sim_plane_kind */
    uint8_t depth;     /* 0: a process (or a thread of a one-process program),
                          1: under it, 2: a loop's task */
    int32_t pid;       /* its process; 0 when unknown */
    uint32_t label;    /* its name: an index into strs */
    uint32_t owner;    /* the lane it belongs under (its process, its loop's
                          thread), or SIM_NO_TASK */
} sim_plane;

typedef struct sim_tprogram {
    sim_plane *lanes;          /* one per lane of the trace */
    uint32_t nlanes;
    char **strs;               /* the names and words lanes and marks point at */
    uint32_t nstrs, cap_strs;
    uint32_t *hash_;           /* private: strs by hash, for interning */
    uint32_t nhash_;
    char command[512];         /* what ran: "python3 crawl.py --fast" */
    char tool[96];             /* who traced it: "concviz trace", "viztracer 0.16.3" */
    char note[512];            /* what the trace holds that concviz cannot show, "" */
    int exit_code;             /* the program's exit status; -1: unknown */
    int signal;                /* the signal that killed it; 0: none */
    char raised[256];          /* the exception that ended it, "" if none */
    uint32_t nprocesses, nthreads, ntasks;
    uint64_t events;           /* the tracer's callbacks (what it cost), 0: unknown */
    uint64_t records;          /* what it kept */
    int64_t overhead_ns;       /* the tracer's own time, estimated; -1: unknown */
    double slowdown;           /* how much slower the program ran for it, estimated
                                  (the worst of its processes); 0: unknown */
    int64_t cost_event_ns;     /* what one event cost, calibrated; -1: unknown */
    int64_t start_ns;          /* the tracer's own start in the main process
                                  (importing it, calibrating), part of
                                  overhead_ns; -1: unknown */
    int64_t baseline_ns;       /* the untraced run's wall time, measured; -1: not */
    int64_t sample_ns;         /* how often threads' states were sampled; 0: never */
} sim_tprogram;

/* A new, empty description (exit_code, overhead and baseline unknown),
 * or NULL when memory ran out. */
sim_tprogram *sim_tprogram_new(void);
void sim_tprogram_free(sim_tprogram *p);

/* Room for nlanes lanes, zeroed. Returns 0 or -ENOMEM. */
int sim_tprogram_lanes(sim_tprogram *p, uint32_t nlanes);

/* The index of string s in strs, added if new (the same text gives the
 * same index). Returns 0 or -ENOMEM. */
int sim_tprogram_intern(sim_tprogram *p, const char *s, uint32_t *idx);

/* strs[idx], or NULL when idx is out of range (SIM_NO_TASK, say). */
const char *sim_tprogram_str(const sim_tprogram *p, uint32_t idx);

/* Marks on `lane` (a process's) from its threads' lanes (the `n` lanes in
 * `threads`): RUNNING from when one of them runs (arg: the lane that
 * started running last) to when none does, IDLE between, from `from` to
 * `to` (the caller marks what comes before and after: starting, done).
 * The running is inferred from the threads'. Returns 0 or -ENOMEM. */
struct sim_trace;
int sim_tprogram_union(struct sim_trace *t, uint32_t lane, const uint32_t *threads, size_t n,
                       int64_t from, int64_t to);

/* "thread", "task", "event loop", "process". */
const char *sim_plane_kind_name(sim_plane_kind k);

#endif
