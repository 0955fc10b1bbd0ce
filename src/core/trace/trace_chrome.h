/* trace_chrome.h - saving a comparison as a Chrome Trace Event file.
 *
 * The file opens in Perfetto (ui.perfetto.dev) and chrome://tracing, and
 * concviz reads it back (trace_load.h) into exactly the comparison it came
 * from. Its shape (format 4):
 *
 *   {"otherData": {...}, "traceEvents": [...], "displayTimeUnit": "ns",
 *    "concviz_lanes": [...]}
 *
 * otherData: "generator", "concviz_format" (SIM_CHROME_FORMAT), "workload",
 * "nominal_ns", "recorded_at", "machine" {cpus, cpu_model, hostname, os}
 * and "models": per model its name, end_ns, now_ns, failed, outcome,
 * error, deadlock, workers, threads, switch_interval_ns,
 * mem_per_task_bytes, start_method, shared state, ntasks, dropped, "costs"
 * (the cost profile the engines charged: costs.h, sim_costs_write; absent
 * in files saved before concviz recorded it), and how much it holds:
 * "nlanes", "nmarks", "ninstants", "nflows" (a reader tells a complete
 * file by them, and the memory it needs before reading more).
 *
 * traceEvents, for the viewers:
 * - one process per model: pid = 1 + its index in the comparison, named
 *   with an "M" process_name event and ordered by process_sort_index;
 * - one thread per lane: tid = 1 + lane, with thread_name (sim_lane_name)
 *   and thread_sort_index = lane, so tasks come first as in the window;
 * - one complete "X" event per mark (a state segment): name = the state's
 *   name, args {"task": the task a resource lane serves, "cpu": the core}
 *   when known;
 * - "i" instants (scope "t"), args {"arg"} when not 0, but for the steps
 *   and the values: each store and inc is a "C" counter event of the
 *   variable instead (args {NAME: value}), a track of its value;
 * - each flow as an "s" event right followed by its "f" event ("bp": "e"),
 *   with a unique id;
 * - timestamps and durations in microseconds with exactly 3 decimals, so
 *   nanoseconds survive. "displayTimeUnit": "ns" only asks viewers to show
 *   nanoseconds (chrome://tracing does; current Perfetto ignores it).
 *   Limit, admitted: old Perfetto releases took it to mean that "ts" itself
 *   counts nanoseconds, and show such files 1000 times too short.
 *
 * concviz_lanes, what concviz reads (formats 3 and 4): per model, in the
 * order of "models",
 *   {"res_kinds": [...], "res_indices": [...]   kind and index of each
 *                                               resource lane (lanes ntasks..)
 *    "cpu_ns": [...]                            measured CPU ns per lane, -1 unknown
 *    "marks": ["r0/0R1001w999...", ...]         one string per lane (trace_text.h)
 *    "instants": [dt, lane, code, arg, ...]     4 integers each, dt since the
 *                                               previous instant (the first: since 0)
 *    "flows": [dt, back, lane0, lane1, code, ...]  5 each: dt between the
 *                                               flows' ends, back = t1 - t0
 *    and, only in a summarized trace (trace.h, "Dense lanes"):
 *    "dense": [resolution_ns, records...]       each record: segs, arg_changes,
 *                                               first_arg, last_arg, k, then k
 *                                               triples (state, count, ns); a
 *                                               'D' mark's arg is its index
 *    "instants_more": [i, more, ...]            the instants that count others
 *    "flows_more": [i, more, ...]}              and the flows (their "more")
 * Task lanes are lane i = task i by construction, so only resource lanes
 * list kinds and indices. Viewers skip the member (current Perfetto skips
 * keys it does not know; older releases stop reading at one, which is why
 * it comes after traceEvents).
 *
 * CPython's traces (`run --python`, sim_comparison.cpython), from format 4:
 * otherData "cpython" lists them after "models", each entry as a model's
 * plus "of" (the index in "models" of the model it stands beside) and
 * "python" {path, impl, version, free_threaded, gil}; their events follow
 * the models' as processes ntraces+1..., named "asyncio (CPython 3.11.7,
 * measured)", and their lanes follow the models' in concviz_lanes, where a
 * mark may carry flags ("~1": SIM_MARK_INFERRED). A file without them is
 * written as format 3.
 */
#ifndef SIM_TRACE_CHROME_H
#define SIM_TRACE_CHROME_H

#include <stddef.h>
#include <stdio.h>

#include "comparison.h"

/* The version of the file's layout. A reader refuses a newer one. */
/* 2: each model's "outcome", its "deadlock" links and the workload's
 * "names" (version 1 files are still read: their outcome is derived).
 * 3: concviz reads its lanes from "concviz_lanes", a tenth of the size;
 * the events keep only what viewers show, and otherData comes first.
 * Versions 1 and 2, which concviz read from the events, are still read.
 * 4: "cpython", the traces measured in CPython beside the models, and
 * marks' flags; the instants also hold where each task is and what it
 * read and wrote (SIM_IN_STEP ... SIM_IN_GOT, rec.h), for the code view
 * and the value lanes; the events show the stores as counter ("C")
 * tracks and leave the steps out. A file of format 3 opens as before,
 * with no steps and no values (trace.h: has_steps). */
#define SIM_CHROME_FORMAT 4

/* Writes the comparison to f. Returns 0, or SIM_E_SYS if the stream
 * reported an error (the cause is the stream's to tell: sim_afile_commit
 * says it in words), or SIM_E_USAGE if c is not a comparison (ntraces out
 * of range). */
int sim_chrome_write(FILE *f, const sim_comparison *c);

/* Writes the comparison to `path` atomically (atomic_file.h). Returns 0,
 * or SIM_E_SYS with `msg` naming the path and the cause. */
int sim_chrome_save(const char *path, const sim_comparison *c, char *msg, size_t n);

#endif
