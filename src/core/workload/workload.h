/* workload.h - the workload language: one string describes the tasks.
 *
 * The same string runs under every model. Grammar (spaces allowed between
 * tokens, columns count from 1):
 *
 *   workload := group ('+' group)*
 *   group    := [N '*'] task          N copies of the task, run concurrently
 *   task     := step | '(' item (',' item)* ')'
 *   item     := [N '*'] task          inside a sequence: repeat N times, in order
 *   step     := 'cpu:' DUR | 'io:' DUR | 'yield'
 *             | 'inc:' NAME | 'load:' NAME | 'store:' NAME     shared state
 *             | 'lock:' NAME seq | 'sem:' NAME '/' K seq       with lock: / with sem:
 *             | 'put:' NAME ':' SIZE | 'get:' NAME              queues
 *             | 'thread' seq | 'process' seq                   asyncio executors
 *   seq      := '(' item (',' item)* ')'
 *   DUR      := number ('us' | 'ms' | 's')      e.g. 200ms, 0.5s, 50us
 *   NAME     := letters, digits, '_', '.' (from a letter or '_'); `shared.x`
 *               is a multiprocessing.Value: shared memory between processes
 *   SIZE     := number ('B' | 'KB' | 'MB' | 'KiB' | 'MiB')  KB = 1000 B, KiB = 1024 B
 *
 * So `8*io:200ms` is eight tasks (about 200 ms) while `(8*io:200ms)` is one
 * task that waits eight times (1.6 s).
 *
 * Numbers: counts are whole numbers from 1; durations may have decimals
 * (`0.5s`) and lie between 1us and one hour. A duration of 0 is refused:
 * `cpu:0ms` would do nothing and `io:0ms` is what `yield` already says, so a
 * zero is more likely a typo than a wish. Nominal totals saturate instead of
 * overflowing, and a workload whose total would not fit in an int64_t of
 * nanoseconds (292 years) is refused; `steps` saturates at INT64_MAX.
 *
 * Parsing compiles every distinct task into a tiny flat program of sim_ops
 * (loops become SIM_OP_LOOP ... SIM_OP_NEXT pairs). Every engine walks those
 * programs with the same sim_cursor, so the only difference between models
 * is who decides when a task runs.
 *
 * Units: every duration is int64_t nanoseconds.
 */
#ifndef SIM_WORKLOAD_H
#define SIM_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

/* Documented limits of the language itself (engines add their own). */
#define SIM_MAX_NEST 12                 /* parentheses nested at most this deep */
#define SIM_MAX_SPEC_LEN 65536          /* bytes in one workload string */
#define SIM_MAX_TASKS 1000000ull        /* tasks in one workload (asyncio's limit too) */
#define SIM_MAX_REPEAT 100000000ull     /* N in N*X */
#define SIM_MAX_DURATION_NS (3600ll * 1000000000ll) /* one step: at most 1 hour */

typedef enum sim_op_kind {
    SIM_OP_END = 0, /* end of the task's program */
    SIM_OP_CPU,     /* a = ns of single-core computation */
    SIM_OP_IO,      /* a = ns of blocking wait that needs no CPU */
    SIM_OP_YIELD,   /* await something already done (asyncio.sleep(0)) */
    SIM_OP_LOOP,    /* a = repeat count; b = index just after the matching NEXT */
    SIM_OP_NEXT,    /* b = index of the matching LOOP */
    /* Shared state (workload_share.c). b = the name's index in w->names. */
    SIM_OP_INC,     /* NAME += 1, load and store with no switch point between */
    SIM_OP_LOAD,    /* tmp = NAME (the task keeps tmp) */
    SIM_OP_STORE,   /* NAME = tmp + 1 */
    SIM_OP_ACQUIRE, /* take lock or semaphore b; a = index of the matching RELEASE */
    SIM_OP_RELEASE, /* give lock or semaphore b back */
    SIM_OP_PUT,     /* put an item of a bytes on queue b */
    SIM_OP_GET,     /* take an item from queue b (waits while it is empty) */
    SIM_OP_EXEC,    /* b = sim_exec_kind; a = index just after the matching EXEC_END */
    SIM_OP_EXEC_END,
} sim_op_kind;

/* What `thread(...)` and `process(...)` hand their body to. */
typedef enum sim_exec_kind { SIM_EXEC_THREAD = 0, SIM_EXEC_PROCESS = 1 } sim_exec_kind;

/* The names a workload uses: variables, locks, semaphores, queues. A name
 * means one thing in the whole workload. */
typedef enum sim_name_kind {
    SIM_NAME_VAR = 1,
    SIM_NAME_LOCK,
    SIM_NAME_SEM,
    SIM_NAME_QUEUE,
} sim_name_kind;

#define SIM_MAX_NAME_LEN 31          /* bytes in one name */
#define SIM_MAX_NAMES 256            /* distinct names in one workload */
#define SIM_MAX_PERMITS 100000       /* K in sem:NAME/K */
#define SIM_MAX_ITEM_BYTES (64ll << 20) /* SIZE of one queue item: 64 MiB */

typedef struct sim_name {
    char name[SIM_MAX_NAME_LEN + 1];
    uint8_t kind;        /* sim_name_kind */
    uint8_t shared;      /* variables written shared.NAME (multiprocessing.Value) */
    uint32_t permits;    /* semaphores: K; locks: 1 */
    int column;          /* where it is first used */
    uint64_t updates;    /* variables: inc and store steps of all tasks together,
                            the value a run that loses nothing ends with
                            (saturates at UINT64_MAX) */
} sim_name;

typedef struct sim_op {
    int64_t a;
    uint32_t b;
    uint16_t kind;   /* sim_op_kind */
    uint16_t column; /* 1-based column of the step in the spec, for messages */
} sim_op;

/* A group: `count` concurrent copies of the program starting at ops[prog]. */
typedef struct sim_group {
    uint64_t count;
    uint64_t first_task;   /* id of the group's first task (ids are 0-based) */
    uint32_t prog;         /* index of the program's first op */
    int64_t cpu_ns;        /* nominal CPU of one copy (sum of cpu steps) */
    int64_t io_ns;         /* nominal I/O wait of one copy */
    uint64_t steps;        /* primitive steps one copy executes */
    int column;            /* where the group starts in the spec */
} sim_group;

typedef struct sim_workload {
    char *spec;            /* a copy of the string as given */
    sim_op *ops;
    size_t nops;
    sim_group *groups;
    size_t ngroups;
    uint64_t ntasks;
    int64_t nominal_ns;    /* sum over all tasks of cpu_ns + io_ns ("one by one") */
    int64_t cpu_ns;        /* sum over all tasks of cpu_ns */
    sim_name *names;       /* every name used, in order of first use (NULL if none) */
    size_t nnames;
} sim_workload;

typedef struct sim_parse_error {
    int line;              /* always 1 for a workload string */
    int column;            /* 1-based; 0 when no place applies */
    char message[240];
} sim_parse_error;

/* Parses `spec`. Returns 0 and fills *w (the caller frees it with
 * sim_workload_free), or -1 and fills *err; *w is then left zeroed. */
int sim_workload_parse(sim_workload *w, const char *spec, sim_parse_error *err);
void sim_workload_free(sim_workload *w);

/* Writes "workload:1:7: message\n  <spec>\n        ^\n" into buf (always
 * NUL-terminated). Returns the length written. */
size_t sim_parse_error_format(const sim_parse_error *err, const char *spec,
                              char *buf, size_t n);

/* How many steps of each kind one copy of group g executes, loops
 * unrolled (counts[kind], kind a sim_op_kind; LOOP, NEXT and END stay 0).
 * Saturates at UINT64_MAX. What the engines' recordings and the memory
 * budget are estimated from. */
#define SIM_OP__KINDS (SIM_OP_EXEC_END + 1)
void sim_workload_count_steps(const sim_workload *w, const sim_group *g,
                              uint64_t counts[SIM_OP__KINDS]);

/* The group a task belongs to (binary search; task < w->ntasks). */
const sim_group *sim_workload_group_of(const sim_workload *w, uint64_t task);

/* Walks one task's program. Small on purpose: an asyncio task embeds one,
 * so a waiting task stays a few dozen bytes. */
typedef struct sim_cursor {
    uint32_t pc;
    uint32_t depth;
    uint32_t left[SIM_MAX_NEST]; /* iterations left in each open loop */
    uint32_t jumps;              /* loop back-edges taken so far (wraps): where
                                    CPython checks its eval breaker */
} sim_cursor;

void sim_cursor_init(sim_cursor *c, const sim_workload *w, uint64_t task);
/* The next primitive step to execute (any kind but LOOP and NEXT), or a
 * pointer to a SIM_OP_END op when the task is finished. Loops are handled
 * here and never returned. */
const sim_op *sim_cursor_next(sim_cursor *c, const sim_workload *w);

/* The name `name` (NUL-terminated) of kind `kind`, or -1. */
long sim_workload_find_name(const sim_workload *w, const char *name, sim_name_kind kind);

#endif
