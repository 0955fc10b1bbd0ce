/* trace_chrome.h - saving a comparison as a Chrome Trace Event file.
 *
 * The file opens in Perfetto (ui.perfetto.dev) and chrome://tracing, and
 * concviz reads it back (trace_load.h) into exactly the comparison it came
 * from. Its shape:
 *
 *   {"traceEvents": [...], "displayTimeUnit": "ns", "otherData": {...}}
 *
 * - one process per model: pid = 1 + its index in the comparison, named
 *   with an "M" process_name event and ordered by process_sort_index;
 * - one thread per lane: tid = 1 + lane, with thread_name (sim_lane_name)
 *   and thread_sort_index = lane, so tasks come first as in the window;
 * - one complete "X" event per mark (a state segment): name = the state's
 *   name, args {"state": code, "task": the task on resource lanes, "arg":
 *   the mark's arg on task lanes, "cpu": the core}; "task"/"arg" are left
 *   out when there is none (SIM_NO_TASK), "cpu" when unknown;
 * - "i" instants (scope "t") with args {"code", "arg"};
 * - each flow as an "s" event right followed by its "f" event ("bp": "e"),
 *   with a unique id and args {"code"};
 * - timestamps and durations in microseconds with exactly 3 decimals, so
 *   nanoseconds survive the trip with no rounding. "displayTimeUnit": "ns"
 *   only asks viewers to show nanoseconds (chrome://tracing does; current
 *   Perfetto ignores it). Limit, admitted: old Perfetto releases took it to
 *   mean that "ts" itself counts nanoseconds, and show such files 1000
 *   times too short.
 *
 * otherData holds what the events cannot: "generator", "concviz_format"
 * (SIM_CHROME_FORMAT), "workload", "nominal_ns", "recorded_at", "machine"
 * {cpus, cpu_model, hostname, os} and "models": per model its name, end_ns,
 * now_ns, failed, error, workers, threads, switch_interval_ns,
 * mem_per_task_bytes, ntasks, dropped, the lanes' kinds, indices and
 * measured CPU ns ("lane_kinds", "lane_indices", "lane_cpu_ns", one entry
 * per lane), and how many marks, instants and flows follow in traceEvents
 * ("nmarks", "ninstants", "nflows"), so a reader can tell a complete file.
 *
 * CPython's traces (`run --python`, sim_comparison.cpython) follow the
 * models' as processes ntraces+1 ..., named "asyncio (CPython 3.11.7,
 * measured)", and are described in otherData "cpython": one object each,
 * as in "models", plus "of" (the index in "models" of the model it stands
 * beside) and "python" {path, impl, version, free_threaded, gil}. Their
 * marks may carry args "flags" (SIM_MARK_INFERRED). A file with CPython
 * traces is format 3; one without is written as format 2.
 */
#ifndef SIM_TRACE_CHROME_H
#define SIM_TRACE_CHROME_H

#include <stddef.h>
#include <stdio.h>

#include "comparison.h"

/* The version of the file's layout. A reader refuses a newer one. */
/* 2: each model's "outcome", its "deadlock" links and the workload's
 * "names" (version 1 files are still read: their outcome is derived).
 * 3: "cpython" traces beside the models, and marks' "flags". */
#define SIM_CHROME_FORMAT 3

/* Writes the comparison to f. Returns 0, or SIM_E_SYS if the stream
 * reported an error (the cause is the stream's to tell: sim_afile_commit
 * says it in words), or SIM_E_USAGE if c is not a comparison (ntraces out
 * of range). */
int sim_chrome_write(FILE *f, const sim_comparison *c);

/* Writes the comparison to `path` atomically (atomic_file.h). Returns 0,
 * or SIM_E_SYS with `msg` naming the path and the cause. */
int sim_chrome_save(const char *path, const sim_comparison *c, char *msg, size_t n);

#endif
