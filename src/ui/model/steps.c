/* steps.c - the index of each task's positions (see steps.h).
 *
 * Two passes over the instants, as a counting sort does: the first counts
 * each task's notes, the second files them. The instants are sorted by
 * time, so each task's notes come out in time order, ready for a binary
 * search.
 */
#include "steps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ui_steps_free(ui_steps *s)
{
    free(s->first);
    free(s->at);
    memset(s, 0, sizeof *s);
}

int ui_steps_build(ui_steps *s, const sim_trace *tr)
{
    if (s->tr == tr && s->ninstants == tr->ninstants && s->end == tr->end_ns &&
        s->now == tr->now_ns && s->ntasks == tr->ntasks)
        return 0;
    ui_steps_free(s);
    s->tr = tr;
    s->ninstants = tr->ninstants;
    s->end = tr->end_ns;
    s->now = tr->now_ns;
    s->ntasks = tr->ntasks;
    if (!tr->has_steps)
        return 0;
    s->first = calloc((size_t)tr->ntasks + 1, sizeof *s->first);
    if (!s->first)
        return -ENOMEM;
    for (size_t i = 0; i < tr->ninstants; i++) {
        const sim_tinstant *in = &tr->instants[i];
        if (in->code == SIM_IN_STEP && in->lane < tr->ntasks)
            s->first[in->lane + 1]++;
    }
    for (uint32_t k = 0; k < tr->ntasks; k++)
        s->first[k + 1] += s->first[k];
    s->n = s->first[tr->ntasks];
    s->at = malloc((s->n ? s->n : 1) * sizeof *s->at);
    uint32_t *next = malloc(((size_t)tr->ntasks + 1) * sizeof *next);
    if (!s->at || !next) {
        free(next);
        ui_steps_free(s);
        s->tr = NULL;
        return -ENOMEM;
    }
    memcpy(next, s->first, ((size_t)tr->ntasks + 1) * sizeof *next);
    for (size_t i = 0; i < tr->ninstants; i++) {
        const sim_tinstant *in = &tr->instants[i];
        if (in->code == SIM_IN_STEP && in->lane < tr->ntasks)
            s->at[next[in->lane]++] = (ui_step_at){in->t, in->arg};
    }
    free(next);
    s->valid = 1;
    return 0;
}

uint32_t ui_task_first_op(const sim_workload *w, uint32_t task)
{
    sim_cursor c;
    sim_cursor_init(&c, w, task);
    return (uint32_t)(sim_cursor_next(&c, w) - w->ops);
}

long ui_steps_op_at(const ui_steps *s, const sim_workload *w, uint32_t task, int64_t t)
{
    if (!s->valid || !w || task >= s->ntasks || w->ntasks != s->ntasks)
        return -1;
    /* The last note at or before t. */
    size_t lo = s->first[task], hi = s->first[task + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->at[mid].t <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t op = lo > s->first[task] ? s->at[lo - 1].op : ui_task_first_op(w, task);
    return op < w->nops ? (long)op : -1;
}
