/* trace_program.h - a program's trace (program.h) saved as Chrome Trace
 * Event JSON, and read back.
 *
 * A model's run is saved in concviz's own format (trace_chrome.h); a
 * program's trace (`concviz trace`, or another tool's trace opened in
 * concviz) is saved as plain Chrome trace events, which Perfetto and
 * chrome://tracing show as they are: one process per process of the
 * program (its real pid), one thread per lane (tid = 1 + the lane), named
 * and sorted in concviz's order, an "X" event per mark (its state's name:
 * "running", "waiting for I/O", ...; args "st", the sim_state, "what",
 * what it waited on, "on", the lane a loop or process lane runs, "inferred"
 * 1 for inferred marks), instants ("i": "await", "spawn", "exit",
 * "mark") and flows ("s"/"f": a message between two threads, a process
 * started). States that are the absence of activity (none, idle, done)
 * are events of no length. Times are microseconds with 3 decimals: whole
 * nanoseconds.
 *
 * otherData carries "concviz_program" (SIM_PROGRAM_FORMAT), by which
 * concviz knows the file for one of these and reads every mark back
 * exactly (trace_foreign.c), and what a viewer does not show: the command,
 * the interpreter, how the program ended, what tracing cost, the machine,
 * and each lane's kind, depth, process, owner and CPU time ("lanes").
 */
#ifndef SIM_TRACE_PROGRAM_H
#define SIM_TRACE_PROGRAM_H

#include <stddef.h>
#include <stdio.h>

#include "comparison.h"

#define SIM_PROGRAM_FORMAT 1

/* Writes c's first trace (which must have a program) to f. Returns 0,
 * SIM_E_USAGE when it is not a program's trace, or SIM_E_SYS when the
 * stream failed. */
int sim_program_write(FILE *f, const sim_comparison *c);

/* Writes it to `path` atomically (atomic_file.h). Returns 0, or an error
 * with msg naming the path and the cause. */
int sim_program_save(const char *path, const sim_comparison *c, char *msg, size_t n);

/* Whether c holds a program's trace (then it is saved as one). */
int sim_comparison_is_program(const sim_comparison *c);

#endif
