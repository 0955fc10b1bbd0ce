/* cost_note.h - what CPython's own machinery costs in what a lane shows,
 * in the words of a hover.
 *
 * The engines charge CPython's costs (costs.h) where CPython pays them:
 * each `x += 1` its price, each loop pass of asyncio its iteration, each
 * worker its start. The hover over a lane says which of those its segment
 * holds and what each one costs, and on what the figures rest:
 *
 *   CPython's costs here: x += 1 56.6 ns, loop turn 14 ns
 *   (CPython 3.11.7, calibrated on this machine)
 *
 * Read from the trace alone (its workload, its model and the profile it
 * recorded), through the same table the engines charge from
 * (step_costs.h), so the words name exactly what was charged.
 */
#ifndef UI_COST_NOTE_H
#define UI_COST_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* The note for lane `lane` in state `state` (arg: the mark's argument;
 * mark: its index on the lane, or -1), at most two lines separated by
 * '\n'. Returns the length; 0 when the segment holds none of CPython's
 * costs or the trace has no profile (an old trace). With --costs none,
 * says that nothing was charged. */
size_t ui_cost_note(const sim_trace *tr, uint32_t lane, long mark, uint8_t state,
                    uint32_t arg, char *buf, size_t n);

/* A few words for the status line on what a trace's costs rest on:
 * "CPython 3.11.7's costs, calibrated here", "CPython 3.12.1's costs,
 * built-in", "no CPython costs (--costs none)". 0 with no profile. */
size_t ui_costs_tag(const sim_trace *tr, char *buf, size_t n);

#endif
