/* values.c - variables' values and queues' lengths over time (values.h).
 *
 * One pass over the instants, which are sorted by time: each value event
 * joins its variable's series, each put or get moves its queue's length.
 * Lost updates are found as the stores come, in the order they were
 * recorded: a store that writes no more than the value already there
 * overwrote what another task stored (or several tasks: `cur - v + 1`
 * updates). Over a whole run these add up to the updates lost (the
 * expected count less the final value), since each store that lost
 * nothing adds one. Two stores recorded in the other order than they
 * reached memory (two cores, nanoseconds apart) can hide a loss from this
 * count, never invent one; and after the first task's cut some stores are
 * missing, so no loss is claimed past it.
 */
#include "values.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ui_values_free(ui_values *v)
{
    for (int i = 0; i < v->n; i++)
        free(v->s[i].p);
    memset(v, 0, sizeof *v);
}

static int push(ui_vseries *s, ui_vpoint p)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        ui_vpoint *np = realloc(s->p, cap * sizeof *np);
        if (!np)
            return -ENOMEM;
        s->p = np;
        s->cap = cap;
    }
    s->p[s->n++] = p;
    if (p.value > s->max)
        s->max = p.value;
    return 0;
}

/* The series of a name: variables first, in the workload's order, then
 * queues, as many as fit. */
static void choose(ui_values *v, const sim_trace *tr)
{
    static const uint8_t kinds[] = {SIM_NAME_VAR, SIM_NAME_QUEUE};
    for (size_t k = 0; k < sizeof kinds; k++)
        for (uint32_t i = 0; i < tr->nnames; i++) {
            if (tr->names[i].kind != kinds[k])
                continue;
            if (v->n == UI_MAX_VALUE_LANES) {
                v->more++;
                continue;
            }
            ui_vseries *s = &v->s[v->n++];
            s->name = i;
            s->kind = kinds[k];
            s->max = 1;
            s->final = -1;
            s->own_copies = kinds[k] == SIM_NAME_VAR &&
                            tr->model == SIM_MODEL_MULTIPROCESSING &&
                            strncmp(tr->names[i].name, "shared.", 7) != 0;
            for (uint32_t c = 0; kinds[k] == SIM_NAME_VAR && c < tr->ncounters; c++)
                if (tr->counters[c].has_final &&
                    strcmp(tr->counters[c].name, tr->names[i].name) == 0)
                    s->final = tr->counters[c].final;
        }
}

uint32_t ui_value_lanes(const sim_trace *tr)
{
    if (!tr->has_steps)
        return 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < tr->nnames; i++)
        n += tr->names[i].kind == SIM_NAME_VAR || tr->names[i].kind == SIM_NAME_QUEUE;
    return n < UI_MAX_VALUE_LANES ? n : UI_MAX_VALUE_LANES;
}

static ui_vseries *series_of(ui_values *v, uint32_t name)
{
    for (int i = 0; i < v->n; i++)
        if (v->s[i].name == name)
            return &v->s[i];
    return NULL;
}

/* Lost updates, store by store, up to the first cut. */
static void find_losses(ui_vseries *s, int64_t exact_until)
{
    uint32_t cur = 0, writer = SIM_NO_TASK;
    for (size_t i = 0; i < s->n; i++) {
        ui_vpoint *p = &s->p[i];
        if (p->code == SIM_IN_LOAD)
            continue;
        if (exact_until >= 0 && p->t > exact_until)
            break;
        if (writer != SIM_NO_TASK && p->value <= cur) {
            p->lost = cur - p->value + 1;
            p->over = writer;
            p->was = cur;
            s->lost += p->lost;
            s->nlost++;
        }
        cur = p->value;
        writer = p->task;
    }
}

int ui_values_build(ui_values *v, const sim_trace *tr)
{
    if (v->tr == tr && v->ninstants == tr->ninstants && v->end == tr->end_ns &&
        v->now == tr->now_ns)
        return 0;
    ui_values_free(v);
    v->tr = tr;
    v->ninstants = tr->ninstants;
    v->end = tr->end_ns;
    v->now = tr->now_ns;
    v->exact_until = -1;
    if (!tr->has_steps)
        return 0;
    choose(v, tr);
    if (v->n == 0)
        return 0;
    uint32_t len[UI_MAX_VALUE_LANES] = {0};
    for (size_t i = 0; i < tr->ninstants; i++) {
        const sim_tinstant *in = &tr->instants[i];
        ui_vseries *s = NULL;
        ui_vpoint p = {.t = in->t, .task = in->lane, .code = in->code};
        switch (in->code) {
        case SIM_IN_LOAD:
        case SIM_IN_STORE:
        case SIM_IN_INC:
            s = series_of(v, sim_value_name(in->arg));
            p.value = sim_value_of(in->arg);
            break;
        case SIM_IN_PUT:
        case SIM_IN_GOT:
            s = series_of(v, in->arg);
            if (s) {
                uint32_t *l = &len[s - v->s];
                *l = in->code == SIM_IN_PUT ? *l + 1 : *l > 0 ? *l - 1 : 0;
                p.value = *l;
            }
            break;
        case SIM_IN_VALUES_CUT:
            if (v->exact_until < 0 || in->t < v->exact_until)
                v->exact_until = in->t;
            break;
        default:
            break;
        }
        if (s && push(s, p) != 0) {
            ui_values_free(v);
            return -ENOMEM;
        }
    }
    for (int i = 0; i < v->n; i++) {
        ui_vseries *s = &v->s[i];
        if (s->kind == SIM_NAME_VAR && !s->own_copies)
            find_losses(s, v->exact_until);
        if (s->final > (int64_t)s->max && !s->own_copies)
            s->max = s->final > UINT32_MAX ? UINT32_MAX : (uint32_t)s->final;
    }
    return 0;
}

long ui_vseries_at(const ui_vseries *s, int64_t t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->p[mid].t <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

uint32_t ui_vseries_value(const ui_vseries *s, int64_t t)
{
    long i = ui_vseries_at(s, t);
    if (s->kind == SIM_NAME_QUEUE)
        return i >= 0 ? s->p[i].value : 0;
    /* A variable holds what the last store wrote; a load only reads it. */
    for (; i >= 0; i--)
        if (s->p[i].code != SIM_IN_LOAD)
            return s->p[i].value;
    return 0;
}

uint32_t ui_vseries_scale(const ui_vseries *s, int64_t t0, int64_t t1)
{
    long i = ui_vseries_at(s, t0);
    uint32_t max = ui_vseries_value(s, t0);
    size_t k = (size_t)(i + 1), looked = 0;
    for (; k < s->n && s->p[k].t <= t1; k++, looked++) {
        if (looked > 50000)
            return s->max;
        if (s->p[k].value > max)
            max = s->p[k].value;
    }
    /* A summary after the last point runs to the final value. */
    if (k == s->n && s->final > (int64_t)max && !s->own_copies)
        max = s->final > UINT32_MAX ? UINT32_MAX : (uint32_t)s->final;
    return max ? max : 1;
}

size_t ui_vpoint_describe(const sim_trace *tr, const ui_vseries *s, const ui_vpoint *p,
                          char *buf, size_t n)
{
    const char *name = s->name < tr->nnames ? tr->names[s->name].name : "?";
    int k = 0;
    switch (p->code) {
    case SIM_IN_LOAD:
        k = snprintf(buf, n, "task %u loaded %s = %u", p->task, name, p->value);
        break;
    case SIM_IN_STORE:
    case SIM_IN_INC:
        if (p->lost == 1)
            k = snprintf(buf, n, "task %u stored %u over task %u's %u: one update lost",
                         p->task, p->value, p->over, p->was);
        else if (p->lost > 1)
            k = snprintf(buf, n, "task %u stored %u over task %u's %u: %u updates lost",
                         p->task, p->value, p->over, p->was, p->lost);
        else if (p->code == SIM_IN_INC)
            k = snprintf(buf, n, "task %u did %s += 1: %u", p->task, name, p->value);
        else
            k = snprintf(buf, n, "task %u stored %s = %u", p->task, name, p->value);
        break;
    case SIM_IN_PUT:
        k = snprintf(buf, n, "task %u put an item on %s: %u in it", p->task, name, p->value);
        break;
    case SIM_IN_GOT:
        k = snprintf(buf, n, "task %u got an item from %s: %u left", p->task, name, p->value);
        break;
    default:
        k = snprintf(buf, n, "%s", "");
    }
    return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n ? n - 1 : 0;
}
