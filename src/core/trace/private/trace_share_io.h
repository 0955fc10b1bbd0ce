/* trace_share_io.h - shared-state figures of a trace (counters, lock
 * names, queue messages) in the Chrome trace's otherData, both ways.
 * Private to trace_chrome.c and trace_load.c.
 */
#ifndef SIM_TRACE_SHARE_IO_H
#define SIM_TRACE_SHARE_IO_H

#include <stdio.h>

#include "json.h"
#include "trace.h"

/* What a model's "shared" object held, before its trace exists. */
typedef struct sim_shared_meta {
    sim_tcounter *counters;
    uint32_t ncounters;
    char (*lock_names)[32];
    uint32_t nlock_names;
    sim_tname *names;
    uint32_t nnames;
    uint64_t messages, message_bytes;
} sim_shared_meta;

/* Writes `,"shared":{...}` for a model (nothing if it has no shared state). */
void sim_chrome_write_shared(FILE *f, const sim_trace *t);
/* Reads the value of a "shared" key. Returns 0, or -1 with the reason in
 * the parser's error. */
int sim_chrome_read_shared(sim_json *j, sim_shared_meta *m);
/* Hands what was read to the trace (replacing its own), leaving m empty. */
void sim_shared_meta_move(sim_shared_meta *m, sim_trace *t);
void sim_shared_meta_free(sim_shared_meta *m);

#endif
