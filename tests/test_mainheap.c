/* test_mainheap.c - the event loop's heap for big queue items behaves as
 * CPython's main heap does: it grows at its top, joins freed neighbours,
 * reuses freed blocks, gives its top back to the kernel past the trim
 * threshold and keeps the pad, and zeroes as calloc does (what is fresh
 * from the kernel is left alone, all else cleared). */
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

/* A region too small says so; the caller then uses malloc. */
static void test_full(void)
{
    sim_mainheap h;
    ASSERT(sim_mainheap_init(&h, (size_t)1 << 20) == 0);
    void *a = sim_mainheap_alloc(&h, 600 << 10);
    ASSERT(a);
    ASSERT(sim_mainheap_alloc(&h, 600 << 10) == NULL);
    ASSERT(!sim_mainheap_owns(&h, &h));
    sim_mainheap_free(&h, a);
    ASSERT(sim_mainheap_alloc(&h, 600 << 10) == a);
    sim_mainheap_deinit(&h);
}

int main(void)
{
    test_grow_and_trim();
    test_one_at_a_time();
    test_random();
    test_full();
    printf("ok\n");
    return 0;
}
