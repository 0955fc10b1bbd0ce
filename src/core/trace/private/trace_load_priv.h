/* trace_load_priv.h - what the parts of the trace loader share.
 *
 * trace_load.c reads the document, trace_load_meta.c otherData, which sets
 * up the traces; then the lanes come from traceEvents in format 1 and 2 files
 * (trace_load_events.c), or from concviz_lanes in formats 3 and 4
 * (trace_load_lanes.c). Private to those three files.
 */
#ifndef SIM_TRACE_LOAD_PRIV_H
#define SIM_TRACE_LOAD_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "json.h"

typedef struct sim_tl {
    sim_json j;
    const char *name;
    sim_comparison *c;
    char *msg;
    size_t n;
    int format;                          /* concviz_format: 1 to 4 */
    /* The traces in the order of the file: the models' (slot k is
     * c->traces[k]), then, from format 4, CPython's beside them (slot
     * ntraces + j is c->cpython[of[j]]); sim_tl_trace gives slot k. */
    int nslots;
    int of[SIM_MODEL__COUNT];
    /* Per slot: what otherData promised (-1: not said; format 3 always
     * says), and what the lanes or events gave. */
    int64_t want[2 * SIM_MODEL__COUNT][3];   /* marks, instants, flows */
    size_t got[2 * SIM_MODEL__COUNT][3];
    int64_t now_ns[2 * SIM_MODEL__COUNT];
    /* Memory: what the traces will need, and what they may use. */
    uint64_t need, budget;
    /* A file mapped into memory: pages already read are given back as the
     * reader moves on (sim_tl_drop_behind), so a file of gigabytes costs
     * no more than a window of it. NULL for a buffer the caller owns. */
    const char *map;
    size_t dropped;                      /* bytes below this were given back */
} sim_tl;

/* The trace of slot k (see sim_tl.nslots). */
static inline sim_trace *sim_tl_trace(sim_tl *L, int k)
{
    return k < L->c->ntraces ? &L->c->traces[k] : &L->c->cpython[L->of[k - L->c->ntraces]];
}

/* The message of a JSON or content error, at its line and column. */
int sim_tl_syntax(sim_tl *L);
/* A content error at byte `at` of the file. */
int sim_tl_bad_at(sim_tl *L, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int sim_tl_nomem(sim_tl *L);
/* Reads an integer in [lo, hi] (`what` names it in the message). */
int sim_tl_read_int(sim_tl *L, int64_t lo, int64_t hi, const char *what, int64_t *v);
/* Reads a time in microseconds with up to 3 decimals, as ns. */
int sim_tl_read_us(sim_tl *L, const char *what, int64_t *ns);
/* Moves the reader to byte `pos`, at the top level. */
void sim_tl_seek(sim_tl *L, size_t pos);
/* Gives back the pages of a mapped file that the reader has passed. */
void sim_tl_drop_behind(sim_tl *L);

/* otherData: sets up the traces, after checking what they will need
 * against the budget (trace_load_meta.c). */
int sim_tl_read_other_data(sim_tl *L, size_t other_at);
/* Two of its objects, which a program's trace holds too (trace_load_meta.c,
 * for trace_program_load.c): the machine, into L->c->machine, and a
 * Python interpreter. */
int sim_tl_read_machine(sim_tl *L);
int sim_tl_read_python(sim_tl *L, sim_python *p);
/* Format 1 and 2: the marks, instants and flows from traceEvents. */
int sim_tl_read_events(sim_tl *L, size_t events_at);
/* Format 3: the same from concviz_lanes. */
int sim_tl_read_lanes(sim_tl *L, size_t lanes_at);

/* A file with no otherData.concviz_format: a program's trace
 * (trace_program.h) or another tool's Chrome trace (trace_foreign.c);
 * `array`: the document is a bare array of events. */
int sim_tl_read_foreign(sim_tl *L, int array);

#endif
