/* program_view.h - the words of a panel that shows a person's own program
 * (a trace with a program: `concviz trace`, or another tool's trace
 * opened in concviz; core/trace/program.h).
 *
 * A model's panel is named by its model and explained by what the model
 * does ("waiting for the GIL: task 2 holds it"); a program's lanes are its
 * own threads, tasks, loops and processes, and what concviz knows of them
 * is partly observed (a blocking call, a task's step) and partly inferred
 * (the waits between calls, from samples and CPU time). So every sentence
 * here names the program's own things, and says "inferred" where it is.
 * The drawing calls these in place of the model's texts when tr->program
 * is set (draw_panel.c, hit.c).
 */
#ifndef UI_PROGRAM_VIEW_H
#define UI_PROGRAM_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "hit.h"

/* The panel's title: "python3 crawl.py", or for another tool's trace,
 * "trace.json (viztracer 0.16.3)". */
size_t ui_program_title(const sim_trace *tr, char *buf, size_t n);

/* The numbers at the right of the title, in forms from the longest (0) to
 * the shortest (2): "wall 1.23 s  ·  CPU 40%  ·  4 threads  ·  12 tasks  ·
 * 2 processes  ·  exit 0". */
size_t ui_program_stats(const sim_trace *tr, int cpus, int form, char *buf, size_t n);

/* The header's second line: where the time went ("threads ran 38% of
 * their time, waited in calls 47%, waited for the GIL or a CPU 15%
 * (inferred)"), how the program ended if it did not end well, or what
 * another tool's trace could not show. `brief` asks for a shorter one. */
size_t ui_program_explain(const sim_trace *tr, int brief, char *buf, size_t n);

/* The "why" sentence for lane `lane` at time t. */
size_t ui_program_why(const sim_trace *tr, uint32_t lane, int64_t t, char *buf, size_t n);

/* The whole tooltip for a hit on a program's panel (as ui_hit_describe). */
size_t ui_program_describe(const ui_hit *h, const sim_trace *tr, char *buf, size_t n);

/* The status line's words for a program's trace: "traced on vm, 2 CPUs,
 * ..., 2026-11-29 23:05 UTC" or "a trace by viztracer 0.16.3, opened in
 * concviz". Returns 0 when c is not a program's (the caller says its own). */
size_t ui_program_recorded(const sim_comparison *c, char *buf, size_t n);

#endif
