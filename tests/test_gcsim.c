/* test_gcsim.c - the garbage collector's count follows CPython's rules:
 * a collection when generation 0's count passes its threshold, generation
 * 1 every threshold[1] + 1 of those, a full one only once the oldest
 * generation grew by a quarter, each costing the objects it looks at; and
 * from the state a CPython 3.11 asyncio program starts in, a hundred
 * thousand waiting tasks make about as many collections as they made in
 * CPython. */
#include <stdio.h>

#include "gcsim.h"
#include "test.h"

static sim_costs_gc plain(void)
{
    sim_costs_gc p = {.threshold = {700, 10, 10}, .young_object_ns = 10.0,
                      .full_object_ns = 100.0, .full_object_ns_small = 100.0};
    return p;
}

static void test_off(void)
{
    sim_gcsim g;
    sim_gcsim_init(&g, NULL);
    ASSERT_INT_EQ(sim_gcsim_alloc(&g, 1e6), 0);
    sim_costs_gc p = {0}; /* a profile without a "gc" section */
    sim_gcsim_init(&g, &p);
    ASSERT_INT_EQ(sim_gcsim_alloc(&g, 1e6), 0);
    ASSERT_INT_EQ(g.collections[0], 0);
}

static void test_young(void)
{
    sim_costs_gc p = plain();
    sim_gcsim g;
    sim_gcsim_init(&g, &p);
    ASSERT_INT_EQ(sim_gcsim_alloc(&g, 700), 0); /* at the threshold: not past it */
    ASSERT_INT_EQ(sim_gcsim_alloc(&g, 1), 7010); /* 701 objects looked at, 10 ns each */
    ASSERT_INT_EQ(g.collections[0], 1);
    ASSERT_INT_EQ(g.count[0], 0);
    ASSERT_INT_EQ(g.count[1], 1);
    /* Half objects add up: two halves are one allocation. */
    sim_gcsim_alloc(&g, 0.5);
    ASSERT_INT_EQ(g.count[0], 0);
    sim_gcsim_alloc(&g, 0.5);
    ASSERT_INT_EQ(g.count[0], 1);
    /* Ten more collections of generation 0, then generation 1's count is
     * past 10 and the next one collects both: 11 x 701 + 701 objects. */
    sim_gcsim_alloc(&g, 700 + 9 * 701);
    ASSERT_INT_EQ(g.collections[0], 11);
    ASSERT_INT_EQ(g.count[1], 11);
    int64_t ns = sim_gcsim_alloc(&g, 701);
    ASSERT_INT_EQ(g.collections[1], 1);
    ASSERT_INT_EQ(ns, 12 * 701 * 10);
    ASSERT_INT_EQ(g.count[1], 0);
    ASSERT_INT_EQ(g.count[2], 1);
    ASSERT(g.pending == 12 * 701); /* promoted to the oldest generation */
}

/* The oldest generation is collected only when it has grown by a quarter
 * since its last collection: with a million objects kept then, not after
 * eleven collections of generation 1 (92,532 objects promoted), but once
 * 250,000 have come. */
static void test_full(void)
{
    sim_costs_gc p = plain();
    p.start_objects[2] = 1000000;
    p.start_full = 1;
    sim_gcsim g;
    sim_gcsim_init(&g, &p);
    ASSERT(g.total == 1e6 && g.pending == 0);
    sim_gcsim_alloc(&g, 132 * 701);
    ASSERT_INT_EQ(g.collections[1], 11);
    ASSERT_INT_EQ(g.collections[2], 0);
    ASSERT(g.count[2] > 10);
    while (g.collections[2] == 0)
        sim_gcsim_alloc(&g, 701);
    ASSERT_MSG(g.collections[1] * 12 * 701 >= 250000, "%llu",
               (unsigned long long)g.collections[1]);
    ASSERT(g.total >= 1250000 && g.pending == 0);
    ASSERT_INT_EQ(g.count[2], 0);
    ASSERT(g.objects[0] == 0 && g.objects[1] == 0);
    /* Before any full collection, all of generation 2 counts as new: the
     * first full one comes as soon as generation 2's count allows. */
    p.start_full = 0;
    sim_gcsim_init(&g, &p);
    sim_gcsim_alloc(&g, 133 * 701);
    ASSERT_INT_EQ(g.collections[2], 1);
}

/* A full collection's cost per object grows with the objects, between the
 * two measured points, as the logarithm goes. */
static void test_full_cost(void)
{
    sim_costs_gc p = plain();
    p.full_object_ns_small = 50.0;
    p.full_objects_small = 10000;
    p.full_object_ns = 150.0;
    p.full_objects = 1000000;
    p.start_full = 1;
    int64_t sizes[] = {1000, 100000, 5000000};
    double per[] = {50.0, 100.0, 150.0};
    for (int i = 0; i < 3; i++) {
        p.start_objects[2] = sizes[i];
        p.start_count[2] = 11;
        p.start_count[0] = 700;
        sim_gcsim g;
        sim_gcsim_init(&g, &p);
        g.total = 0; /* grown enough */
        int64_t ns = sim_gcsim_alloc(&g, 1);
        ASSERT_INT_EQ(g.collections[2], 1);
        double want = (double)(sizes[i] + 1) * per[i];
        ASSERT_MSG(ns > want * 0.999 && ns < want * 1.001, "%lld objects: %lld ns",
                   (long long)sizes[i], (long long)ns);
    }
}

/* CPython 3.11.7 on the development machine: an asyncio program (its
 * imports and definitions) starts main() with gc.get_count() (682, 5, 3)
 * and 704, 2089 and 14313 objects in the generations, no full collection
 * yet; gathering 100,000 tasks that sleep, 12 objects a task as they wait
 * and 2 more as each ends, it made 1822, 166 and 11 collections (gc's
 * callbacks counted them). */
static void test_cpython(void)
{
    sim_costs_gc p = plain();
    const int64_t count[3] = {682, 5, 3}, objects[3] = {704, 2089, 14313};
    for (int k = 0; k < 3; k++) {
        p.start_count[k] = count[k];
        p.start_objects[k] = objects[k];
    }
    sim_gcsim g;
    sim_gcsim_init(&g, &p);
    sim_gcsim_alloc(&g, 12.0 * 100000);
    for (int i = 0; i < 100000; i++)
        sim_gcsim_alloc(&g, 2.0);
    printf("gcsim: 100,000 tasks: %llu, %llu and %llu collections (CPython: 1822, 166, 11)\n",
           (unsigned long long)g.collections[0], (unsigned long long)g.collections[1],
           (unsigned long long)g.collections[2]);
    ASSERT(g.collections[0] >= 1800 && g.collections[0] <= 1845);
    ASSERT(g.collections[1] >= 163 && g.collections[1] <= 169);
    ASSERT(g.collections[2] >= 8 && g.collections[2] <= 12);
}

int main(void)
{
    test_off();
    test_young();
    test_full();
    test_full_cost();
    test_cpython();
    return 0;
}
