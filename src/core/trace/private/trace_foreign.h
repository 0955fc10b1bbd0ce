/* trace_foreign.h - what the readers of program traces and other tools'
 * Chrome traces share (trace_foreign.c reads the events of any Chrome
 * trace; trace_program_load.c builds a concviz program trace back exactly,
 * trace_foreign_lanes.c makes lanes of anyone else's).
 */
#ifndef SIM_TRACE_FOREIGN_H
#define SIM_TRACE_FOREIGN_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"
#include "trace_load_priv.h"

/* One event as read, compactly. Times are ns as the file gives them
 * (microseconds times 1000, rounded): not yet from the trace's 0. */
typedef struct tf_event {
    int64_t ts, dur;      /* dur: 'X' only, else 0 */
    uint64_t id;          /* flows: their id */
    uint32_t thread;      /* index into tf.threads */
    uint32_t name;        /* strs index */
    uint32_t what;        /* program files: args.what (strs) or args.on (a lane);
                             SIM_NO_TASK: none */
    char ph;              /* 'X', 'B', 'E', 'i', 's', 'f' */
    uint8_t st;           /* program files: args.st / args.code */
    uint8_t flags;        /* TF_* */
} tf_event;

#define TF_INFERRED 1     /* args.inferred */
#define TF_HAS_ST 2       /* args.st (or, on an instant or flow, args.code) was given */
#define TF_ON_LANE 4      /* `what` is a lane (args.on), not words */

/* A pid or tid the file gave as a string ("browser", "t1"): this plus the
 * string's index in the program's strs, far from any number a file may
 * give (those are held within 2^53), so the same string is the same id and
 * the lane can be named by it. */
#define TF_STRING_ID ((int64_t)1 << 62)

/* The tid of events that name none (an instant of a process's or global
 * scope): a lane of their own, named so, never a thread "0". */
#define TF_NO_TID INT64_MIN

/* A thread of the file: a (pid, tid) pair. */
typedef struct tf_thread {
    int64_t pid, tid;
    uint32_t name;        /* thread_name, SIM_NO_TASK: none */
    int64_t sort;         /* thread_sort_index, or INT64_MIN */
    uint32_t lane;        /* set by the builder */
} tf_thread;

typedef struct tf_process {
    int64_t pid;
    uint32_t name;        /* process_name, SIM_NO_TASK: none */
    int64_t sort;         /* process_sort_index, or INT64_MIN */
} tf_process;

/* Kinds of events the reader cannot show, counted for the note. */
enum { TF_SKIP_COUNTER, TF_SKIP_ASYNC, TF_SKIP_SAMPLE, TF_SKIP_OBJECT, TF_SKIP_MEMORY,
       TF_SKIP_OTHER, TF_SKIP__COUNT };

typedef struct tf {
    sim_tl *L;
    sim_tprogram *prog;
    int program;          /* otherData.concviz_program: a concviz program trace */
    tf_event *ev;
    size_t nev, cap_ev;
    tf_thread *threads;
    size_t nthreads, cap_threads;
    uint32_t *thread_index_;   /* (pid, tid) hash -> thread */
    size_t nindex_;
    tf_process *procs;
    size_t nprocs, cap_procs;
    uint64_t skipped[TF_SKIP__COUNT];
    uint64_t unpaired;    /* 'E' without a 'B', flows without an end */
    int64_t t0, t1;       /* the earliest and latest times */
    int system_trace;     /* systemTraceEvents (ftrace text) was there */
    char tool[96];        /* who wrote it, when the file says */
    int64_t want_marks;   /* program files: otherData's nmarks (-1: not said) */
} tf;

/* Reads every event of the traceEvents array at `at` into t (names and
 * threads, metadata applied). Returns 0 or an error (L->msg says). */
int tf_read_events(tf *t, size_t at);

/* Lanes of a foreign file's threads (trace_foreign_lanes.c): fills trace
 * 0 of the comparison. Returns 0 or an error. */
int tf_build_foreign(tf *t);

/* A concviz program file (trace_program_load.c): otherData's meta, before
 * the events; then the trace from the events, exactly. */
int tf_program_meta(tf *t, size_t other_at);
int tf_build_program(tf *t);

/* The lane kind named in a program file, or -1. */
int tf_plane_kind(const char *name);

#endif
