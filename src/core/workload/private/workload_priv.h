/* workload_priv.h - the parser's state, shared by workload.c (the core
 * grammar) and workload_share.c (the shared-state steps). Private to
 * those two files: nobody else includes it.
 */
#ifndef SIM_WORKLOAD_PRIV_H
#define SIM_WORKLOAD_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "workload.h"

/* What one copy of a (sub)task costs: the nominal figures of sim_group. */
typedef struct tally {
    int64_t cpu_ns;
    int64_t io_ns;
    int64_t steps;     /* saturates at INT64_MAX, like the durations */
} tally;

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    sim_op *ops;
    size_t nops, cap_ops;
    sim_group *groups;
    size_t ngroups, cap_groups;
    uint64_t ntasks;
    sim_parse_error *err;
    /* workload_share.c */
    sim_name *names;
    size_t nnames, cap_names;
    uint32_t held[SIM_MAX_NEST + 2];  /* locks and semaphores open around here */
    int nheld;
    int in_exec;                      /* inside thread(...) or process(...) */
} parser;

/* workload.c, for workload_share.c. */
int sim_wl_emit(parser *p, sim_op_kind kind, int64_t a, size_t at, size_t *index);
int sim_wl_sequence(parser *p, int depth, tally *t);

/* workload_share.c, for workload.c. */
/* Parses a shared-state step whose word (at `at`, `n` bytes) is one of
 * inc, load, store, lock, sem, put, get, thread, process. Returns 1 if the
 * word is not one of them (nothing consumed), 0 when parsed, -1 on error. */
int sim_wl_share_step(parser *p, size_t at, size_t n, int depth, tally *t);
/* Fills each variable's `updates` from the groups' programs. */
void sim_wl_count_updates(parser *p);

#endif
