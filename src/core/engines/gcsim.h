/* gcsim.h - CPython's cyclic garbage collector, counted: when a program's
 * allocations start a collection, which generation it collects, and what
 * that costs.
 *
 * CPython frees most objects by reference counting; the cyclic collector
 * is for the cycles counting cannot free, and it runs on its own when a
 * program allocates (Modules/gcmodule.c, 3.8 to 3.13). Container objects
 * live in three generations. Each allocation of one adds 1 to the count of
 * generation 0 and each free takes 1 off (never below 0); when the count
 * passes threshold[0] (700), the allocating thread collects:
 *   - generation 2 (everything), if its count (collections of generation 1
 *     since its last) passed threshold[2] (10) and the objects promoted to
 *     it since its last collection are at least a quarter of those it kept
 *     then (so that full collections get rarer as a program grows);
 *   - else generation 1, if its count (collections of generation 0 since)
 *     passed threshold[1] (10);
 *   - else generation 0.
 * A collection of generation g looks at every object of generations 0 to
 * g, moves the survivors one generation up, zeroes the counts of 0 to g
 * and adds 1 to that of g + 1. Its time is the objects it looks at, each
 * costing more in a full collection (old objects, out of the caches).
 *
 * What concviz models: the asyncio program's tasks, the objects each
 * keeps while it waits (they live until gather returns, so none is freed
 * before the run ends) and those it allocates as it finishes. The engine
 * pays the collections' time where CPython pays it: as the tasks are
 * made, and as they end. A hundred thousand `io:1s` tasks: 1,822, 166 and
 * 11 collections of generations 0, 1 and 2 in CPython 3.11, 1.1 s of its
 * 2.4 s; this count gives 1,823, 166 and 9.
 */
#ifndef SIM_GCSIM_H
#define SIM_GCSIM_H

#include <stdint.h>

#include "costs.h"

typedef struct sim_gcsim {
    const sim_costs_gc *p;   /* NULL: no collector (none known, or no profile) */
    int64_t count[3];        /* gc.get_count() */
    double objects[3];       /* objects in each generation */
    double pending;          /* promoted to generation 2 since its last collection */
    double total;            /* kept by its last collection (0: none yet) */
    double carry;            /* a fraction of an object, for the next allocation */
    uint64_t collections[3]; /* how many of each so far (for tests and the curious) */
} sim_gcsim;

/* Starts the count where the program's main() starts (p->start_*);
 * p NULL or without a threshold: a collector that never runs. */
void sim_gcsim_init(sim_gcsim *g, const sim_costs_gc *p);

/* `objects` container objects allocated (a fraction is carried to the
 * next call): the ns of the collections they start, 0 if none. */
int64_t sim_gcsim_alloc(sim_gcsim *g, double objects);

#endif
