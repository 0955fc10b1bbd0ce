/* test_mainheap.c - the event loop's heap for big queue items behaves as
 * CPython's main heap does: it grows at its top, joins freed neighbours,
 * reuses freed blocks, gives its top back to the kernel past the trim
 * threshold and keeps the pad, and zeroes as calloc does (what is fresh
 * from the kernel is left alone, all else cleared); a big request gets a
 * mapping of its own until one of that size was freed (glibc's dynamic
 * mmap threshold). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mainheap.h"
#include "test.h"

#define ITEM ((size_t)100000)

static uint64_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* Pages of [p, p + n) that are resident. */
static size_t resident(const void *p, size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(page - 1);
    size_t len = (size_t)((uintptr_t)p + n - a);
    size_t np = (len + page - 1) / page;
    unsigned char vec[4096];
    ASSERT(np <= sizeof vec);
    ASSERT(mincore((void *)a, len, vec) == 0);
    size_t r = 0;
    for (size_t i = 0; i < np; i++)
        r += vec[i] & 1;
    return r;
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* Fifty items held at once, then freed in order (a queue): the heap
 * grows, comes back down to nothing, and gives its memory back; the next
 * round takes fresh pages again. */
static void test_grow_and_trim(void)
{
    sim_mainheap h;
    ASSERT(sim_mainheap_init(&h, (size_t)1 << 30) == 0);
    unsigned char *items[50];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 50; i++) {
            items[i] = sim_mainheap_calloc(&h, ITEM);
            ASSERT(items[i] && sim_mainheap_owns(&h, items[i]));
            ASSERT(((uintptr_t)items[i] & 15) == 0);
            ASSERT_MSG(all_zero(items[i], ITEM), "round %d item %d not zeroed", round, i);
            memset(items[i], 0xA5, ITEM); /* the program writes its bytes */
        }
        ASSERT(h.top >= 50 * ITEM);
        uint64_t trims = h.trims;
        for (int i = 0; i < 50; i++)
            sim_mainheap_free(&h, items[i]);
        ASSERT_MSG(h.top <= 64, "top %zu after every item was freed", h.top);
        ASSERT(h.trims == trims + 1);
        ASSERT(h.brk <= SIM_MAINHEAP_PAD + 2 * (size_t)sysconf(_SC_PAGESIZE));
        /* What was given back is no longer resident: the next round's
         * items fault again, as CPython's do. */
        ASSERT_MSG(resident(h.base + h.brk, 40 * ITEM) == 0, "round %d: %zu pages kept",
                   round, resident(h.base + h.brk, 40 * ITEM));
    }
    sim_mainheap_deinit(&h);
}

/* One item at a time, made and freed: the same warm memory every time
 * (below the trim threshold nothing is given back). */
static void test_one_at_a_time(void)
{
    sim_mainheap h;
    ASSERT(sim_mainheap_init(&h, (size_t)1 << 30) == 0);
    unsigned char *first = sim_mainheap_calloc(&h, ITEM);
    ASSERT(first);
    memset(first, 1, ITEM);
    sim_mainheap_free(&h, first);
    uint64_t trims = h.trims;
    for (int i = 0; i < 100; i++) {
        unsigned char *p = sim_mainheap_calloc(&h, ITEM);
        ASSERT(p == first);
        ASSERT_MSG(all_zero(p, ITEM), "reused memory not cleared (turn %d)", i);
        memset(p, 0x5A, ITEM);
        sim_mainheap_free(&h, p);
    }
    ASSERT(h.trims == trims);
    ASSERT(resident(first, ITEM) >= ITEM / (size_t)sysconf(_SC_PAGESIZE));
    sim_mainheap_deinit(&h);
}

/* Random puts and gets on several queues: blocks never overlap, contents
 * survive, freed neighbours join, and everything comes back at the end. */
static void test_random(void)
{
    sim_mainheap h;
    ASSERT(sim_mainheap_init(&h, (size_t)1 << 30) == 0);
    enum { N = 300 };
    unsigned char *p[N] = {0};
    size_t sz[N] = {0};
    uint64_t seed = 42;
    for (int step = 0; step < 20000; step++) {
        int k = (int)(rnd(&seed) % N);
        if (p[k]) {
            for (size_t i = 0; i < sz[k]; i += 97)
                ASSERT_MSG(p[k][i] == (unsigned char)k, "block %d damaged at %zu", k, i);
            sim_mainheap_free(&h, p[k]);
            p[k] = NULL;
            continue;
        }
        sz[k] = SIM_MAINHEAP_MIN + rnd(&seed) % (300u << 10);
        p[k] = rnd(&seed) % 2 ? sim_mainheap_calloc(&h, sz[k]) : sim_mainheap_alloc(&h, sz[k]);
        ASSERT(p[k]);
        memset(p[k], k, sz[k]);
    }
    for (int k = 0; k < N; k++)
        if (p[k]) {
            for (size_t i = 0; i < sz[k]; i += 97)
                ASSERT(p[k][i] == (unsigned char)k);
            sim_mainheap_free(&h, p[k]);
        }
    ASSERT_MSG(h.top <= 64 && h.free_head == 0, "top %zu, free list %zu at the end", h.top,
               h.free_head);
    sim_mainheap_deinit(&h);
}

/* A region too small says so; the caller then uses malloc. (Requests
 * below the mapping threshold: a bigger one would get a mapping.) */
static void test_full(void)
{
    sim_mainheap h;
    ASSERT(sim_mainheap_init(&h, (size_t)256 << 10) == 0);
    void *a = sim_mainheap_alloc(&h, 100 << 10);
    void *b = sim_mainheap_alloc(&h, 100 << 10);
    ASSERT(a && b && sim_mainheap_owns(&h, a) && sim_mainheap_owns(&h, b));
    ASSERT(sim_mainheap_alloc(&h, 100 << 10) == NULL);
    ASSERT(!sim_mainheap_owns(&h, &h));
    sim_mainheap_free(&h, b);
    ASSERT(sim_mainheap_alloc(&h, 100 << 10) == b);
    ASSERT_INT_EQ(h.mmaps, 0);
    sim_mainheap_deinit(&h);
}

/* glibc's dynamic mmap threshold, as CPython's `bytes(1000000)` meets it:
 * a first 1 MB item is a mapping of fresh pages (only its header's page
 * written, nothing cleared); once one is freed, the threshold is its size
 * and the next comes from the heap, which clears what it reuses; bigger
 * than 32 MiB is always a mapping and never raises the threshold. */
static void test_mapped(void)
{
    enum { MB = 1000000 };
    sim_mainheap h;
    ASSERT(sim_mainheap_init(&h, (size_t)1 << 30) == 0);
    unsigned char *big[4];
    for (int i = 0; i < 4; i++) {
        big[i] = sim_mainheap_calloc(&h, MB);
        ASSERT(big[i] && !sim_mainheap_owns(&h, big[i]));
        ASSERT_MSG(resident(big[i], MB) <= 1, "a fresh mapping was written: %zu pages",
                   resident(big[i], MB));
        ASSERT(all_zero(big[i], MB));
        memset(big[i], 7, MB);
    }
    ASSERT_INT_EQ(h.mmaps, 4);
    ASSERT(h.top == 16 && h.mmap_threshold == SIM_MAINHEAP_MMAP);
    for (int i = 0; i < 4; i++)
        sim_mainheap_free(&h, big[i]);
    ASSERT(h.mmap_threshold > (size_t)MB && h.mmap_threshold < (size_t)MB + 8192);
    ASSERT(h.trim_threshold == 2 * h.mmap_threshold);
    unsigned char *p = sim_mainheap_calloc(&h, MB);
    ASSERT(p && sim_mainheap_owns(&h, p));
    ASSERT_INT_EQ(h.mmaps, 4);
    memset(p, 9, MB);
    sim_mainheap_free(&h, p);
    /* Below the new trim threshold the top stays: the same memory again,
     * cleared. */
    unsigned char *q = sim_mainheap_calloc(&h, MB);
    ASSERT(q == p && all_zero(q, MB));
    sim_mainheap_free(&h, q);
    size_t huge = (size_t)40 << 20;
    unsigned char *r = sim_mainheap_calloc(&h, huge);
    ASSERT(r && !sim_mainheap_owns(&h, r));
    sim_mainheap_free(&h, r);
    ASSERT(h.mmap_threshold < (size_t)2 * MB);
    ASSERT_INT_EQ(h.mmaps, 5);
    sim_mainheap_deinit(&h);

    /* Started where an interpreter's imports left glibc (the profile's
     * threshold): an item below it comes from the heap at once, one above
     * it is a mapping; a lower threshold never lowers it. */
    ASSERT(sim_mainheap_init(&h, (size_t)1 << 30) == 0);
    sim_mainheap_raise_threshold(&h, 209612);
    ASSERT(h.mmap_threshold >= 209612 && h.trim_threshold == 2 * h.mmap_threshold);
    sim_mainheap_raise_threshold(&h, 150000);
    ASSERT(h.mmap_threshold >= 209612);
    unsigned char *below = sim_mainheap_calloc(&h, 200000);
    unsigned char *above = sim_mainheap_calloc(&h, 300000);
    ASSERT(below && sim_mainheap_owns(&h, below));
    ASSERT(above && !sim_mainheap_owns(&h, above));
    sim_mainheap_free(&h, above);
    sim_mainheap_free(&h, below);
    sim_mainheap_deinit(&h);
}

int main(void)
{
    test_grow_and_trim();
    test_one_at_a_time();
    test_random();
    test_full();
    test_mapped();
    printf("ok\n");
    return 0;
}
