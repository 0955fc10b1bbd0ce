/* cpython_panel.h - the words of a CPython panel: its header, what it says
 * while it has no run, and its hover.
 *
 * A CPython panel draws what the model's Python program did under a real
 * interpreter (README.md, "CPython beside the engines"). Some of it was
 * observed (when each wait began and ended, a thread's CPU time) and some
 * inferred from it (a cpu step's wall time beyond its CPU time was spent
 * off a CPU; what for, CPython does not say): trace.h's SIM_MARK_INFERRED.
 * The words here never pass an inference off as an observation: each
 * inferred segment says what it was inferred from ("waiting, inferred:
 * wall 30 ms, CPU 10 ms"), and nothing is said about the GIL, which
 * CPython does not report.
 *
 * Plain C, no SDL: the panel's drawing (render/draw_cpython.c) and the
 * tests read the same sentences.
 */
#ifndef UI_CPYTHON_PANEL_H
#define UI_CPYTHON_PANEL_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "hit.h"

/* The panel's title: "CPython 3.11.7 (measured)", or with no measured
 * run, the interpreter the window will run (`python`, e.g. "CPython
 * 3.11.7"; NULL or "": "CPython"). Returns the length. */
size_t ui_cpython_title(const sim_trace *py, const char *python, char *buf, size_t n);

/* The header's numbers, beside the engine's run of the same model, in
 * forms from the longest (0) to the shortest (2):
 *   0  "wall 125 ms  ·  CPU 74.4 ms  ·  0.39x concviz's wall (324 ms)"
 *   1  "125 ms  ·  CPU 74.4 ms  ·  0.39x concviz"
 *   2  "125 ms  ·  0.39x"
 * The ratio is CPython's wall time over the engine's; it is left out when
 * the engine's run did not finish (engine NULL, or its wall time 0).
 * Returns the length. */
size_t ui_cpython_stats(const sim_summary *py, const sim_summary *engine, int form,
                        char *buf, size_t n);

/* The run's shared variables, as `concviz run` says them ("hits: 2389 of
 * 4000 updates kept, 1611 lost"), joined by "; ": CPython's program
 * records each one's final value. "" when it has none. Returns the
 * length. */
size_t ui_cpython_counters(const sim_trace *py, char *buf, size_t n);

/* What a CPython panel with no run says, from the engine's run of its
 * model: "running the program under CPython 3.11.7…" (the engine's run
 * is over and the run goes on: CPython's comes right after it), "next,
 * after concviz's run of asyncio…", or (no run going on) "not measured
 * in this run: press R to run it again with CPython". `python` names the
 * interpreter as ui_cpython_title's. Returns the length. */
size_t ui_cpython_pending(const sim_trace *engine, int live, const char *python, char *buf,
                          size_t n);

/* Only the "why" of lane `lane` of a CPython trace at time t: what was
 * measured, or what was inferred and from what. Returns the length (0:
 * nothing recorded there). */
size_t ui_cpython_why(const sim_trace *tr, uint32_t lane, int64_t t, char *buf, size_t n);

/* The tooltip over a CPython panel (h->tr is the CPython trace): for a
 * segment, who, its state ("waiting to run, inferred"), when, why; for
 * the header, what the panel is, its numbers beside the engine's (found
 * in c) and, for a run that failed, the whole sentence. Lines are
 * separated by '\n'. Returns the length (0: nothing to say). */
size_t ui_cpython_describe(const ui_hit *h, const sim_comparison *c, char *buf, size_t n);

/* Whether mark i of lane l is a segment inferred rather than observed. */
static inline int ui_mark_inferred(const sim_lane *l, size_t i)
{
    return i < l->nmarks && (l->marks[i].flags & SIM_MARK_INFERRED);
}

#endif
