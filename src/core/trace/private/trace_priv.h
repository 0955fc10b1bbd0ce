/* trace_priv.h - what the trace's own files share: trace.c (its arrays),
 * trace_ingest.c (filling them from a recording) and trace_names.c.
 * Private to the trace part; readers see trace.h only.
 */
#ifndef SIM_TRACE_PRIV_H
#define SIM_TRACE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* sim_lane.flags_ */
enum {
    SIM_TR_LANE_LATE = 1,      /* in the ingest's list of late arrays */
    SIM_TR_LANE_BORROWED = 2,  /* marks lie in the trace's arena: not freed alone */
    SIM_TR_LANE_POOLED = 4,    /* marks are a slot of the trace's pool (markpool.h) */
};

/* The time of each kind of element, for order.h. */
#define SIM_TR_MARK_KEY offsetof(sim_mark, t)
#define SIM_TR_INSTANT_KEY offsetof(sim_tinstant, t)
#define SIM_TR_FLOW_KEY offsetof(sim_tflow, t1)

/* The arrays' memory (trace.c says why two kinds). */
void sim_tr_free(void *p, size_t bytes);
void *sim_tr_resize(void *p, size_t old_bytes, size_t new_bytes);
/* Grows *p of *cap elements of `elem` bytes to hold `need`. 0 or -ENOMEM. */
int sim_tr_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Each append returns 1 when the element came earlier than the array's
 * last one (the caller then puts it in order), else 0, or -ENOMEM. */
int sim_tr_append_mark(sim_trace *t, uint32_t lane, sim_mark m);
int sim_tr_append_instant(sim_trace *t, sim_tinstant in);
int sim_tr_append_flow(sim_trace *t, sim_tflow f);

/* Frees what ingesting kept between calls (trace_ingest.c). */
struct sim_ingest;
void sim_tr_ingest_free(struct sim_ingest *g);

#endif
