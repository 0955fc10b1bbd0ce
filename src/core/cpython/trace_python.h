/* trace_python.h - a recording of CPython's run turned into a trace.
 *
 * What a Python program can measure about itself is little: when each
 * wait and call began and ended, how much CPU its thread used meanwhile,
 * and which process and thread ran it (pyrec.h). The lanes are derived
 * from that, and what cannot be observed is marked as inferred
 * (SIM_MARK_INFERRED, trace.h), so that the view says so:
 *
 * - a task lane is ready (inferred) from the start until its task first
 *   runs, and running from then on except during its steps' waits;
 * - a cpu step that took wall W with C of its thread's CPU (C: measured
 *   from time.thread_time_ns for steps of 100 us and more, else taken as
 *   its nominal length) runs for C, then is "ready, inferred" for W - C:
 *   waiting for the GIL, the loop or a core, which one unmeasured; a loop
 *   of cheap steps timed as a whole is drawn the same way;
 * - an io step is waiting for I/O for the time it asked to sleep, and
 *   ready (inferred) for what it took beyond that: waking up late, for
 *   the GIL or the loop; a yield is ready; a lock or semaphore take
 *   waits for it; a get waits on its queue; an asyncio executor call
 *   waits for I/O while the body runs on an executor lane;
 * - asyncio: the event loop lane runs a task from the moment it resumes
 *   until its next await, which is exact (one thread runs the loop);
 * - multiprocessing: one worker lane per worker process (by its pid), busy
 *   while it runs a task; starting (inferred) until init_worker() ran;
 * - locks: who held each lock, from the take's end to the give-back.
 *
 * Differences smaller than 50 us (or 1% of the step) are not drawn: the
 * clocks' own cost and the kernel's timer slack are that large.
 * Nothing is drawn for the GIL: CPython does not tell who holds it.
 */
#ifndef SIM_TRACE_PYTHON_H
#define SIM_TRACE_PYTHON_H

#include "config.h"
#include "pyrec.h"
#include "trace.h"

/* Builds *t (initialized here; the caller deinits it) from a checked
 * recording (sim_pyrec_check), with `cfg` as the run's settings and the
 * interpreter's path `python` ("" when unknown). Times count from the
 * program's start (its `start = time.perf_counter()`). The outcome is OK
 * when every task ended, RUNNING otherwise (the caller says why it
 * stopped). Returns 0 or SIM_E_NOMEM. */
int sim_trace_from_python(sim_trace *t, const sim_pyrec *r, const sim_config *cfg,
                          const char *python);

#endif
