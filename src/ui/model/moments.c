/* moments.c - finding the next event or switch in the traces. */
#include "moments.h"

/* Keeps the nearer of best and cand in direction dir. */
static int64_t nearer(int64_t best, int64_t cand, int dir)
{
    if (cand < 0)
        return best;
    if (best < 0)
        return cand;
    return dir > 0 ? (cand < best ? cand : best) : (cand > best ? cand : best);
}

/* The first mark time after t (dir > 0) or before t (dir < 0) on a lane. */
static int64_t lane_next(const sim_lane *l, int64_t t, int dir)
{
    if (l->nmarks == 0)
        return -1;
    if (dir > 0) {
        long i = sim_lane_mark_at(l, t);
        /* Marks may share a time; the next one is strictly later. */
        for (size_t k = (size_t)(i + 1); k < l->nmarks; k++)
            if (l->marks[k].t > t)
                return l->marks[k].t;
        return -1;
    }
    long i = sim_lane_mark_at(l, t - 1);
    return i >= 0 ? l->marks[i].t : -1;
}

int64_t ui_next_event(const sim_comparison *c, int64_t t, int dir, int64_t limit)
{
    int64_t best = -1;
    for (int p = 0; c && p < c->ntraces; p++) {
        const sim_trace *tr = &c->traces[p];
        for (uint32_t i = 0; i < tr->nlanes; i++) {
            int64_t m = lane_next(&tr->lanes[i], t, dir);
            if (m >= 0 && m <= limit)
                best = nearer(best, m, dir);
        }
    }
    return best;
}

/* The loop's switches: a RUNNING mark on the loop lane for another task
 * than the one it ran before (as summary.c counts them). */
static int64_t loop_switch(const sim_lane *l, int64_t t, int dir, int64_t limit)
{
    long i = sim_lane_mark_at(l, t);
    long step = dir > 0 ? 1 : -1;
    long k = dir > 0 ? i + 1 : i;
    for (; k >= 0 && (size_t)k < l->nmarks; k += step) {
        const sim_mark *m = &l->marks[k];
        if (m->t > limit && dir > 0)
            return -1;
        if (m->state != SIM_ST_RUNNING || (dir > 0 && m->t <= t) || (dir < 0 && m->t >= t))
            continue;
        /* The task the loop ran before this mark. */
        uint32_t before = SIM_NO_TASK;
        for (long j = k - 1; j >= 0; j--)
            if (l->marks[j].state == SIM_ST_RUNNING) {
                before = l->marks[j].arg;
                break;
            }
        if (before != SIM_NO_TASK && before != m->arg && m->t <= limit)
            return m->t;
    }
    return -1;
}

/* Flows are sorted by t1: binary search for the first after t. */
static int64_t flow_switch(const sim_trace *tr, int64_t t, int dir, int64_t limit)
{
    size_t lo = 0, hi = tr->nflows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr->flows[mid].t1 <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (dir > 0) {
        for (size_t k = lo; k < tr->nflows && tr->flows[k].t1 <= limit; k++)
            if (tr->flows[k].code == SIM_FL_HANDOFF || tr->flows[k].code == SIM_FL_DISPATCH)
                return tr->flows[k].t1;
        return -1;
    }
    for (size_t k = lo; k-- > 0;)
        if (tr->flows[k].t1 < t && tr->flows[k].t1 <= limit &&
            (tr->flows[k].code == SIM_FL_HANDOFF || tr->flows[k].code == SIM_FL_DISPATCH))
            return tr->flows[k].t1;
    return -1;
}

int64_t ui_next_switch(const sim_comparison *c, int64_t t, int dir, int64_t limit)
{
    int64_t best = -1;
    for (int p = 0; c && p < c->ntraces; p++) {
        const sim_trace *tr = &c->traces[p];
        best = nearer(best, flow_switch(tr, t, dir, limit), dir);
        for (uint32_t i = tr->ntasks; i < tr->nlanes; i++)
            if (tr->lanes[i].kind == SIM_LANE_LOOP)
                best = nearer(best, loop_switch(&tr->lanes[i], t, dir, limit), dir);
    }
    return best;
}
