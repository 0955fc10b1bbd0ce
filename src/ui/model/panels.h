/* panels.h - which run each panel draws: the engines', and CPython's.
 *
 * A panel shows one trace of the comparison: a model's run by concviz's
 * engine or, when the view shows CPython (the CPython toggle, `shot
 * --python`, a saved run that kept them), CPython's run of the same
 * model's program, right under the model's panel on the same time axis
 * (README.md, "CPython beside the engines"). The layout keeps what each
 * panel shows (ui_panel_src, layout.h); drawing, hit-testing and the
 * lesson player go from a panel to its trace through here, so the order
 * is decided in one place.
 */
#ifndef UI_PANELS_H
#define UI_PANELS_H

#include "comparison.h"
#include "layout.h"

/* The panels of comparison c, in order, into out (UI_MAX_PANELS at most):
 * each model's, and with show_cpython a CPython panel under each, whether
 * or not CPython's run is there yet (its panel then says why). Returns how
 * many. */
int ui_panels_plan(const sim_comparison *c, int show_cpython, ui_panel_src *out);

/* The trace panel p of layout l shows, or NULL: no such panel, or a
 * CPython panel whose run was not measured (yet). */
const sim_trace *ui_panel_trace(const ui_layout *l, const sim_comparison *c, int p);

/* Whether c holds any of CPython's runs (comparison.h). */
int ui_comparison_has_cpython(const sim_comparison *c);

#endif
