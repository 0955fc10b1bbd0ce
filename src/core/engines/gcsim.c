/* gcsim.c - CPython's cyclic garbage collector, counted (see gcsim.h). */
#include "gcsim.h"

#include <math.h>
#include <stddef.h>

/* A full collection's ns per object when it looks at n (costs.h). */
static double full_ns(const sim_costs_gc *p, double n)
{
    double a = (double)p->full_objects_small, b = (double)p->full_objects;
    if (!(a > 0.0) || !(b > a) || n >= b)
        return p->full_object_ns;
    if (n <= a)
        return p->full_object_ns_small;
    double f = log(n / a) / log(b / a);
    return p->full_object_ns_small + f * (p->full_object_ns - p->full_object_ns_small);
}

void sim_gcsim_init(sim_gcsim *g, const sim_costs_gc *p)
{
    *g = (sim_gcsim){0};
    if (!p || p->threshold[0] <= 0)
        return;
    g->p = p;
    for (int k = 0; k < 3; k++) {
        g->count[k] = p->start_count[k];
        g->objects[k] = (double)p->start_objects[k];
    }
    /* Before the first full collection, everything in generation 2 came
     * there since "the last one" (CPython's long_lived_total is 0 then).
     * After one, what it kept is not known: taken as all that is there. */
    if (p->start_full > 0)
        g->total = g->objects[2];
    else
        g->pending = g->objects[2];
}

/* Which generation CPython's gc_collect_generations picks: the oldest
 * whose count passed its threshold, generation 2 only when it has grown
 * by a quarter since its last collection. */
static int generation(const sim_gcsim *g)
{
    const int64_t *th = g->p->threshold;
    if (g->count[2] > th[2] && g->pending >= g->total / 4)
        return 2;
    if (g->count[1] > th[1])
        return 1;
    return 0;
}

/* Collects generation `gen`: returns its ns. Nothing is freed (the
 * program's objects are all reachable), so every object looked at
 * survives and moves up. */
static double collect(sim_gcsim *g, int gen)
{
    double seen = 0.0;
    for (int k = 0; k <= gen; k++)
        seen += g->objects[k];
    g->collections[gen]++;
    for (int k = 0; k <= gen; k++)
        g->count[k] = 0;
    if (gen < 2) {
        g->count[gen + 1]++;
        for (int k = 0; k <= gen; k++)
            g->objects[k] = 0.0;
        g->objects[gen + 1] += seen;
        if (gen == 1)
            g->pending += seen; /* promoted to the oldest generation */
        return seen * g->p->young_object_ns;
    }
    g->objects[0] = g->objects[1] = 0.0;
    g->objects[2] = seen;
    g->total = seen;
    g->pending = 0.0;
    return seen * full_ns(g->p, seen);
}

int64_t sim_gcsim_alloc(sim_gcsim *g, double objects)
{
    if (!g->p || !(objects > 0.0))
        return 0;
    double whole = objects + g->carry;
    int64_t n = (int64_t)whole;
    g->carry = whole - (double)n;
    int64_t th0 = g->p->threshold[0];
    double ns = 0.0;
    /* Up to the allocation that passes the threshold, then its collection,
     * then on: the same order as CPython's, in steps of hundreds. */
    while (n > 0) {
        int64_t step = g->count[0] <= th0 ? th0 + 1 - g->count[0] : 0;
        if (step > n)
            step = n;
        g->count[0] += step;
        g->objects[0] += (double)step;
        n -= step;
        if (g->count[0] > th0)
            ns += collect(g, generation(g));
    }
    return ns > (double)INT64_MAX ? INT64_MAX : (int64_t)ns;
}
