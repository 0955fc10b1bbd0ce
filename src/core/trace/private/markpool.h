/* markpool.h - the marks of short lanes, carved from big blocks.
 *
 * A million-task trace has a million lanes of half a dozen marks each.
 * From malloc, each costs a 16-byte header (16 MB in all), its heap grows
 * by brk, and the calls are most of ingesting. Here a lane's marks are a
 * slot of a fixed size class, cut from 4 MiB blocks (pages.h) by bumping a
 * pointer; a lane that grows moves to the next class and its old slot goes
 * on that class's free list for the next lane that needs one.
 *
 * The classes are the capacities a lane grows through (trace.c: from 4,
 * half again each time), up to SIM_MARKPOOL_MAX marks; longer lanes are
 * few and take memory of their own. Private to the trace part.
 */
#ifndef SIM_MARKPOOL_H
#define SIM_MARKPOOL_H

#include <stdint.h>

#include "trace.h"

#define SIM_MARKPOOL_MAX 3597u  /* the largest class: 56 KiB of marks */

typedef struct sim_markpool sim_markpool;

/* Whether `cap` marks is one of the classes. */
int sim_markpool_fits(uint32_t cap);
/* A slot of `cap` marks (a class), from *pool, which is made on first use.
 * NULL when out of memory. */
sim_mark *sim_markpool_get(sim_markpool **pool, uint32_t cap);
/* Gives a slot back (it came from sim_markpool_get with the same cap). */
void sim_markpool_put(sim_markpool *pool, sim_mark *slot, uint32_t cap);
/* Frees every block at once: every slot is gone. */
void sim_markpool_free(sim_markpool *pool);

#endif
