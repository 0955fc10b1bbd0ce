/* utrace_build.h - from what the tracer and the sampler saw to a trace's
 * lanes (utrace_layout.c: which lanes, in what order, named how;
 * utrace_marks.c: each lane's marks; utrace_build.c: the trace, its
 * process lanes, flows and outcome).
 *
 * Times in here are absolute (CLOCK_MONOTONIC ns) until the marks are
 * made, where `origin` (the moment concviz started the program) is
 * subtracted: the trace's 0.
 */
#ifndef UT_BUILD_H
#define UT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"
#include "trace.h"
#include "utrace_rec.h"
#include "utrace_sample.h"

/* When at least one thread of a process was sampled running: sorted,
 * disjoint [iv[2k], iv[2k+1]) (absolute ns). A thread asleep in a futex
 * then may be waiting for the GIL; when none runs, the GIL is free, and
 * it waits for something else (a lock, a queue, a condition). */
typedef struct ut_busy {
    int64_t *iv;
    size_t n;       /* intervals */
    int made;
} ut_busy;

/* One lane to be, and what it is made from. */
typedef struct ut_lane {
    uint8_t kind;        /* sim_plane_kind */
    uint8_t depth;
    uint8_t merged;      /* a process of one thread: the thread's lane is the
                            process's (it starts and ends with the process) */
    uint32_t proc;       /* index in rec.procs */
    uint32_t thread;     /* index in proc.threads (thread, loop, merged lanes) */
    uint32_t task;       /* index in proc.tasks (task lanes) */
    uint32_t owner;      /* lane index, or SIM_NO_TASK */
    uint32_t label;      /* strs */
} ut_lane;

/* What a process lane spans: from when it was started to when it ended. */
typedef struct ut_span {
    int64_t start;       /* Process.start, the fork, or the program's launch */
    int64_t ready;       /* its tracer started */
    int64_t end;         /* it exited (or was last seen); -1: it outlived the run */
    int end_inferred;    /* end from samples, not from the process's last word */
    uint32_t parent;     /* the process that started it (index), or UINT32_MAX */
    uint64_t ident;      /* the parent's thread that started it (0: unknown) */
} ut_span;

typedef struct ut_build {
    const ut_rec *rec;
    const ut_sampler *samples;   /* NULL: nothing was sampled */
    sim_tprogram *prog;
    int64_t origin;              /* the trace's 0 */
    int64_t end;                 /* the run's end */
    ut_span *spans;              /* one per process */
    ut_lane *lanes;
    uint32_t nlanes, cap;
    uint32_t *order;             /* processes in the order of the tree */
    uint32_t **thread_lane;      /* [proc][thread]: the thread's lane */
    uint32_t *proc_lane;         /* [proc]: its process lane (or merged lane);
                                    SIM_NO_TASK in a program of one process */
    ut_busy *busy;               /* [proc], made when first needed */
    int gil;                     /* the interpreter had a GIL (1), not (0) */
    /* Instants and flows as they are found, sorted once at the end. */
    sim_tinstant *inst;
    size_t ninst, cap_inst;
    sim_tflow *flows;
    size_t nflows, cap_flows;
} ut_build;

/* Adds an instant or a flow (absolute times). Return 0 or -ENOMEM. */
int ut_instant(ut_build *b, int64_t t, uint32_t lane, sim_instant what, uint32_t arg);
int ut_flow(ut_build *b, int64_t t0, uint32_t lane0, int64_t t1, uint32_t lane1,
            sim_flow what);

void ut_build_free(ut_build *b);

/* The trace of what rec holds (and samples saw), from `origin` (its 0)
 * to `end`, for an interpreter with a GIL (`gil` 1) or without (0): fills *t (initialized here; on failure left empty) and the
 * lanes and counts of prog, which the caller then gives t. Returns 0 or
 * -ENOMEM. */
int ut_build_trace(const ut_rec *rec, const ut_sampler *samples, int64_t origin,
                   int64_t end, int gil, sim_tprogram *prog, sim_trace *t);

/* Which lanes, from rec's processes: fills b->spans, b->order, b->lanes,
 * and the labels in b->prog. Returns 0 or -ENOMEM. */
int ut_layout(ut_build *b);

/* The marks of lane i of the trace (thread, task, loop and merged lanes;
 * process lanes come from their threads, in ut_marks_process). Returns 0
 * or -ENOMEM. */
int ut_marks_lane(ut_build *b, sim_trace *t, uint32_t i);
int ut_marks_process(ut_build *b, sim_trace *t, uint32_t i);

/* The lane of thread `ident` of process `proc` at time `at` (absolute ns:
 * an ident is reused once its thread has ended), or SIM_NO_TASK. */
uint32_t ut_lane_of_thread(const ut_build *b, uint32_t proc, uint64_t ident, int64_t at);

/* Time from the trace's 0, never negative. */
static inline int64_t ut_rel(const ut_build *b, int64_t t)
{
    return t > b->origin ? t - b->origin : 0;
}

#endif
