/* utrace_rec.h - what the tracer wrote, read back (utrace_read.c), before
 * it becomes lanes (utrace_lanes.c).
 *
 * One ut_proc per file the tracer wrote (one per process of the program:
 * tracer/concviz_trace.py describes the records), holding its threads,
 * its asyncio tasks with their steps, the processes it started and the
 * messages it sent and received on multiprocessing's pipes. Words the
 * records carry (names, what a call waited for) are interned in the
 * sim_tprogram the trace will own, so that an index read here is the
 * index a mark carries later.
 *
 * Times are ns on CLOCK_MONOTONIC as the tracer read them; utrace_lanes.c
 * makes them relative to the run's start.
 */
#ifndef UT_REC_H
#define UT_REC_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* A block's end when it never ended: its thread's end bounds it. */
#define UT_OPEN INT64_MAX

/* The record format this reader reads: FORMAT in concviz_trace.py. */
#define UT_FORMAT 1
/* Most threads, tasks, processes kept from one run: the trace's limit on
 * lanes (SIM_MAX_TASKS) with room for the processes and loops. */
#define UT_MAX_LANES 1000000u

/* A blocking call, or a step of a task: one span of one lane. */
typedef struct ut_block {
    int64_t t0, t1;     /* t1 UT_OPEN: it never ended (a deadlock's wait) */
    int64_t cpu;        /* the thread's CPU time at its end; -1: not read */
    uint32_t what;      /* what it waited for: an index into the program's strs */
    char kind;          /* s n l f w k m q v (concviz_trace.py) */
} ut_block;

typedef struct ut_thread {
    uint64_t ident;     /* threading.get_ident() */
    int64_t native;     /* the OS's thread id (what /proc lists); 0: unknown */
    int64_t t0, t1;     /* start, end; -1: not seen */
    int64_t cpu0, cpu1; /* its CPU time at start and end; -1: unknown */
    uint32_t name;      /* strs index */
    ut_block *blocks;   /* in the order written: by their end */
    size_t nblocks, cap;
    uint32_t loop;      /* the event loop it ran (its number), 0: none */
    int64_t raised_t;   /* an exception ended it at this time, -1: none */
    int64_t wait_t0;    /* W: a lock wait began then and no B has ended it
                           yet; -1: none (at the end of its records, an open
                           wait becomes a block that lasts to its end) */
    uint32_t wait_what;
    char wait_kind;
    uint32_t raised;    /* strs index of "TypeName: message" */
} ut_thread;

typedef struct ut_step {
    int64_t ready, t0, t1;
    int64_t wake;       /* a sleep's timer: when it was due; 0: not a sleep */
    uint32_t what;      /* what it then awaited (strs), or SIM_NO_TASK */
    char st;            /* d done, w waiting, r ready again */
    char kind;          /* when st is w */
} ut_step;

typedef struct ut_task {
    uint32_t num;       /* the tracer's number, per process */
    uint64_t ident;     /* the thread whose loop ran it */
    uint32_t loop;
    int64_t created;
    uint32_t name;
    ut_step *steps;
    size_t nsteps, cap;
} ut_task;

/* A process this one started (multiprocessing's Process.start). */
typedef struct ut_child {
    uint64_t ident;     /* the thread that started it */
    int64_t t0, t1;     /* the call to start(), from its start to its return */
    int32_t pid;
    char method[16];    /* fork, spawn, forkserver */
} ut_child;

/* A message on a pipe: sent (dir 's') or received ('r'). */
typedef struct ut_msg {
    uint64_t ident;
    int64_t t;
    uint32_t len, crc;
    char dir;
} ut_msg;

typedef struct ut_proc {
    int32_t pid, ppid;
    int64_t t_start;    /* the tracer started (P): or, forked, the fork */
    char how[16];       /* main, fork, spawn, forkserver, tracker, exec */
    uint32_t name;      /* its multiprocessing name (N), SIM_NO_TASK: none */
    char version[32];   /* Python's, as the tracer saw it */
    char mode;          /* m sys.monitoring, p sys.setprofile */
    int64_t t_exit;     /* X: it was ending; -1: never said (killed) */
    int exit_code;
    int64_t last_t;     /* the latest time any of its records gave */
    uint64_t events, records, hooks, dropped; /* the Z line; 0 when never written */
    int64_t cost_event, cost_record, cost_hook; /* Q (the main process); -1 */
    int64_t t_begin, t_ready; /* Q: the tracer's own start, from its import to
                                 the script's start; -1 (older records) */
    ut_thread *threads;
    size_t nthreads, cap_threads;
    ut_task *tasks;
    size_t ntasks, cap_tasks;
    ut_child *children;
    size_t nchildren, cap_children;
    ut_msg *msgs;
    size_t nmsgs, cap_msgs;
    uint64_t bad_lines; /* lines that did not parse (a torn last line, garbage) */
} ut_proc;

typedef struct ut_rec {
    ut_proc *procs;     /* by the time each started */
    size_t nprocs, cap;
    sim_tprogram *prog; /* not owned: where words are interned */
} ut_rec;

/* Reads every file of `dir` the tracer wrote (named by a pid). Returns 0,
 * or -ENOMEM; a file that cannot be read is passed over (it is counted in
 * *unreadable when not NULL). Files are read up to their first NUL byte:
 * the unwritten rest of a program that was stopped. */
int ut_rec_read_dir(ut_rec *r, const char *dir, size_t *unreadable);
/* Parses one file's bytes as process `pid`'s records. Returns 0 or -ENOMEM. */
int ut_rec_read_buf(ut_rec *r, int32_t pid, const char *buf, size_t len);
void ut_rec_free(ut_rec *r);

/* The process with this pid, or NULL. */
ut_proc *ut_rec_proc(const ut_rec *r, int32_t pid);

#endif
