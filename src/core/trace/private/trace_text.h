/* trace_text.h - the compact text of trace format 3, and the buffered
 * writer that saves a trace. Private to trace_chrome.c (writing) and
 * trace_load_lanes.c (reading).
 *
 * A lane's marks are one string, each mark written as
 *
 *     STATE DT [/ARG] [@CPU] [~FLAGS]
 *
 * - STATE: one letter for the state (see state_letters in trace_text.c:
 *   r ready, R running, w waiting for I/O, d done, i idle, ...);
 * - DT: the ns since the lane's previous mark (the first: since the run's
 *   start), so the times are sorted by construction and short;
 * - ARG, CPU: the mark's arg and core, written only when they differ from
 *   the previous mark's, "-" for none; before the first mark both are none;
 * - FLAGS: the mark's flags when it has any (format 4: 1, inferred, in
 *   CPython's traces).
 *
 * An asyncio task that waited a second is "r0/0R141019192w1393r1000000000
 * R237165238d1413": six marks in 45 bytes, where format 2 wrote six
 * Chrome events of about 120 bytes each.
 */
#ifndef SIM_TRACE_TEXT_H
#define SIM_TRACE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

/* Output through a buffer of our own: a trace holds tens of millions of
 * numbers, and a call to fprintf for each cost more than all the rest of
 * saving it. Errors stay in the FILE (ferror) as with stdio. */
typedef struct sim_tout {
    FILE *f;
    size_t n;
    char b[1 << 14];
} sim_tout;

void sim_tout_flush(sim_tout *o);
void sim_tout_put(sim_tout *o, const char *s, size_t k);
void sim_tout_str(sim_tout *o, const char *s);        /* as it is */
void sim_tout_json(sim_tout *o, const char *s);       /* quoted, escaped */
void sim_tout_u64(sim_tout *o, uint64_t v);
void sim_tout_i64(sim_tout *o, int64_t v);
/* ns written as microseconds with exactly 3 decimals ("1234.567"). */
void sim_tout_us(sim_tout *o, int64_t ns);

static inline void sim_tout_c(sim_tout *o, char c)
{
    if (o->n == sizeof o->b)
        sim_tout_flush(o);
    o->b[o->n++] = c;
}

/* Writes the marks of a lane (sorted by time) as its text, unquoted. */
void sim_lane_text_write(sim_tout *o, const sim_mark *m, size_t n);

/* How many marks a lane's text holds (its letters). */
size_t sim_lane_text_count(const char *s, size_t len);

/* Decodes a lane's text into out (room for sim_lane_text_count marks);
 * times are at most max_ns. Returns the marks decoded, or -1 with *bad
 * the offset of the first wrong byte and *why what was expected there. */
long sim_lane_text_read(const char *s, size_t len, int64_t max_ns, sim_mark *out,
                        size_t *bad, const char **why);

#endif
