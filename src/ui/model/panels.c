/* panels.c - from a panel to the run it draws (panels.h). */
#include "panels.h"

int ui_panels_plan(const sim_comparison *c, int show_cpython, ui_panel_src *out)
{
    int n = 0;
    for (int i = 0; c && i < c->ntraces && n < UI_MAX_PANELS; i++) {
        out[n++] = (ui_panel_src){i, 0};
        if (show_cpython && n < UI_MAX_PANELS)
            out[n++] = (ui_panel_src){i, 1};
    }
    return n;
}

const sim_trace *ui_panel_trace(const ui_layout *l, const sim_comparison *c, int p)
{
    if (!c || p < 0 || p >= l->npanels)
        return NULL;
    const ui_panel_src *s = &l->panels[p].src;
    if (s->trace < 0 || s->trace >= c->ntraces)
        return NULL;
    return s->cpython ? sim_comparison_cpython(c, s->trace) : &c->traces[s->trace];
}

int ui_comparison_has_cpython(const sim_comparison *c)
{
    for (int i = 0; c && i < c->ntraces; i++)
        if (sim_comparison_cpython(c, i))
            return 1;
    return 0;
}
