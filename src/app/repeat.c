/* repeat.c - keeping N runs, and choosing each model's median run.
 *
 * The median of an even number of runs is taken as the lower of the two
 * middle ones: it must be one of the runs, since it is drawn. A run that
 * did not finish (stopped, deadlocked) has no wall time to compare: the
 * median is taken among those that finished, and if none did, the first
 * run is shown as it is, with no spread.
 */
#include "repeat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

void app_repeat_init(app_repeat *r) { memset(r, 0, sizeof *r); }

int app_repeat_add(app_repeat *r, sim_comparison *c)
{
    if (r->n >= APP_REPEAT_MAX)
        return -1;
    r->runs[r->n++] = *c;
    memset(c, 0, sizeof *c);
    return 0;
}

void app_repeat_deinit(app_repeat *r)
{
    for (int i = 0; i < r->n; i++)
        sim_comparison_deinit(&r->runs[i]);
    memset(r, 0, sizeof *r);
}

static int64_t wall_of(const sim_trace *t, const sim_comparison *c)
{
    if (t->outcome != SIM_OUTCOME_OK)
        return -1;
    sim_summary s;
    sim_trace_summarize(t, c->nominal_ns, c->machine.cpus, &s);
    return s.wall_ns;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int app_repeat_finish(app_repeat *r, sim_comparison *out, app_spread spread[SIM_MODEL__COUNT])
{
    if (r->n == 0)
        return -1;
    memset(out, 0, sizeof *out);
    memset(spread, 0, sizeof *spread * SIM_MODEL__COUNT);
    /* The first run gives what they all share: workload, machine, date. */
    sim_comparison *first = &r->runs[0];
    *out = *first;
    first->workload = NULL;
    memset(first->traces, 0, sizeof first->traces);
    memset(first->cpython, 0, sizeof first->cpython);
    first->ntraces = 0;
    /* CPython's traces (`run --python`) come from the one run that measured
     * them, whichever it was: they go with the comparison shown. */
    for (int k = 1; k < r->n; k++)
        for (int p = 0; p < SIM_MODEL__COUNT; p++)
            if (sim_comparison_cpython(&r->runs[k], p) && !sim_comparison_cpython(out, p)) {
                sim_trace_deinit(&out->cpython[p]);
                out->cpython[p] = r->runs[k].cpython[p];
                out->cpython[p].cfg.workload = out->workload;
                memset(&r->runs[k].cpython[p], 0, sizeof out->cpython[p]);
            }
    for (int p = 0; p < out->ntraces; p++) {
        app_spread *sp = &spread[p];
        int64_t sorted[APP_REPEAT_MAX];
        int which[APP_REPEAT_MAX];
        /* Run 0's trace is already in out; the others are still in runs. */
        for (int k = 0; k < r->n; k++) {
            const sim_trace *t = k == 0 ? &out->traces[p]
                                 : p < r->runs[k].ntraces ? &r->runs[k].traces[p] : NULL;
            int64_t w = t ? wall_of(t, k == 0 ? out : &r->runs[k]) : -1;
            sp->wall_ns[k] = w;
            if (w >= 0) {
                which[sp->runs] = k;
                sorted[sp->runs++] = w;
            }
        }
        if (sp->runs == 0)
            continue;
        qsort(sorted, (size_t)sp->runs, sizeof sorted[0], cmp_i64);
        sp->min_ns = sorted[0];
        sp->max_ns = sorted[sp->runs - 1];
        sp->median_ns = sorted[(sp->runs - 1) / 2];
        int k = -1;
        for (int j = 0; j < sp->runs; j++)
            if (sp->wall_ns[which[j]] == sp->median_ns) {
                k = which[j];
                break;
            }
        if (k > 0) {
            /* Swap the median run's trace into the shown comparison. */
            sim_trace tmp = out->traces[p];
            out->traces[p] = r->runs[k].traces[p];
            r->runs[k].traces[p] = tmp;
        }
        /* Its settings point at the shown comparison's workload. */
        out->traces[p].cfg.workload = out->workload;
    }
    app_repeat_deinit(r);
    return 0;
}

int app_repeat_fits(const sim_run *run, int n)
{
    int64_t rec = 0;
    for (int i = 0; i < run->cfg.nmodels; i++)
        rec += run->est[i].record_bytes;
    return rec <= run->cfg.memory_limit / (n > 0 ? n : 1);
}

size_t app_spread_text(const app_spread *s, char *buf, size_t n)
{
    char med[32], lo[32], hi[32];
    sim_format_ns(s->median_ns, med, sizeof med);
    sim_format_ns(s->min_ns, lo, sizeof lo);
    sim_format_ns(s->max_ns, hi, sizeof hi);
    return (size_t)snprintf(buf, n, "wall %s, median of %d runs (%s to %s)", med, s->runs,
                            lo, hi);
}

int app_parse_repeat(const char *s, int *n)
{
    char *end = NULL;
    long k = strtol(s, &end, 10);
    if (!end || end == s || *end || k < 1 || k > APP_REPEAT_MAX)
        return -1;
    *n = (int)k;
    return 0;
}
