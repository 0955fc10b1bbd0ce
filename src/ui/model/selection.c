/* selection.c - summing a time range, lane by lane.
 *
 * "On average 2.9 tasks waiting for the GIL" is the time all tasks spent
 * waiting inside the range divided by its length: it reads the same for 4
 * tasks as for 10,000. The walk starts at the range by binary search and
 * stops at its end, so its cost follows the marks inside the range.
 */
#include "selection.h"

#include <stdio.h>
#include <string.h>

#include "timeline.h"
#include "timemap.h"

void ui_selection_stat(const sim_trace *tr, int64_t t0, int64_t t1,
                       ui_sel_stat *s)
{
    memset(s, 0, sizeof *s);
    int64_t end = ui_trace_end(tr);
    if (t1 > end)
        t1 = end;
    if (t1 <= t0)
        return;
    for (uint32_t i = 0; i < tr->ntasks && i < tr->nlanes; i++) {
        const sim_lane *l = &tr->lanes[i];
        size_t a, b;
        ui_lane_visible(tr, l, t0, t1, &a, &b);
        for (size_t k = a; k < b; k++) {
            int64_t s0 = l->marks[k].t, s1 = sim_lane_seg_end(tr, l, k);
            if (s0 < t0)
                s0 = t0;
            if (s1 > t1)
                s1 = t1;
            uint8_t st = l->marks[k].state;
            if (s1 > s0 && st < SIM_ST__COUNT)
                s->state_ns[st] += s1 - s0;
            if (st == SIM_ST_DONE && l->marks[k].t >= t0 && l->marks[k].t < t1)
                s->finished++;
        }
    }
    size_t a, b;
    ui_flows_visible(tr, t0, t1, &a, &b);
    for (size_t k = a; k < b; k++)
        if (tr->flows[k].code == SIM_FL_HANDOFF || tr->flows[k].code == SIM_FL_DISPATCH)
            s->switches++;
}

size_t ui_selection_describe(const sim_comparison *c, int64_t t0, int64_t t1,
                             char *buf, size_t n)
{
    if (t1 < t0) {
        int64_t x = t0;
        t0 = t1;
        t1 = x;
    }
    size_t len = 0;
    char a[32], b[32], d[32];
    ui_format_dur(t0, a, sizeof a);
    ui_format_dur(t1, b, sizeof b);
    ui_format_dur(t1 - t0, d, sizeof d);
    int r = snprintf(buf, n, "%s to %s (%s)", a, b, d);
    len = r > 0 && (size_t)r < n ? (size_t)r : n ? n - 1 : 0;
    double span = (double)(t1 - t0);
    for (int i = 0; i < c->ntraces && span > 0; i++) {
        const sim_trace *tr = &c->traces[i];
        ui_sel_stat s;
        ui_selection_stat(tr, t0, t1, &s);
        char line[320];
        int k = snprintf(line, sizeof line, "\n%s: on average %.1f running, "
                         "%.1f %s, %.1f waiting for I/O; %u finished, %llu switches",
                         sim_model_name(tr->model),
                         s.state_ns[SIM_ST_RUNNING] / span,
                         s.state_ns[SIM_ST_READY] / span,
                         sim_ready_name(tr->model), s.state_ns[SIM_ST_IO] / span,
                         s.finished, (unsigned long long)s.switches);
        if (k > 0 && len + (size_t)k < n) {
            memcpy(buf + len, line, (size_t)k + 1);
            len += (size_t)k;
        }
    }
    return len;
}
