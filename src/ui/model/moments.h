/* moments.h - the moments a presenter steps through: events and switches.
 *
 * In slow motion a class can follow one GIL hand-off; stepping makes it
 * exact. An event is any change of state on any lane of any panel (a task
 * starts running, starts waiting, finishes; a worker takes a task); a
 * switch is what the panels' "switches" count: the loop resuming another
 * task (asyncio), the GIL handed from one thread to another (threading),
 * a task dispatched to a worker (multiprocessing). Both are read from the
 * traces, by binary search in each lane, so a step costs a few
 * comparisons per lane whatever the length of the run.
 */
#ifndef UI_MOMENTS_H
#define UI_MOMENTS_H

#include <stdint.h>

#include "comparison.h"

/* The first event after t (dir > 0) or the last one before t (dir < 0),
 * in any trace of c, at most `limit` ns (the end shown); -1 if none. */
int64_t ui_next_event(const sim_comparison *c, int64_t t, int dir, int64_t limit);
/* The same for switches. */
int64_t ui_next_switch(const sim_comparison *c, int64_t t, int dir, int64_t limit);

#endif
