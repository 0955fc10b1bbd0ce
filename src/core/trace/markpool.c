/* markpool.c - size classes of lane slots in big blocks (markpool.h). */
#include "markpool.h"

#include <stdlib.h>

#include "pages.h"

#define BLOCK_BYTES ((size_t)4 << 20)
#define NCLASSES 18

/* 4, then half again each time (rounded down), as trace.c grows a lane. */
static const uint32_t class_cap[NCLASSES] = {
    4, 6, 9, 13, 19, 28, 42, 63, 94, 141, 211, 316, 474, 711, 1066, 1599, 2398, 3597,
};

struct sim_markpool {
    char *cur, *end;          /* the free part of the newest block */
    void **blocks;            /* every block, to free them */
    size_t nblocks, cap_blocks;
    void *free[NCLASSES];     /* per class: a list of slots given back, linked
                                 through their first bytes */
};

static int class_of(uint32_t cap)
{
    int lo = 0, hi = NCLASSES - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (class_cap[mid] < cap)
            lo = mid + 1;
        else
            hi = mid;
    }
    return class_cap[lo] == cap ? lo : -1;
}

int sim_markpool_fits(uint32_t cap) { return class_of(cap) >= 0; }

static int new_block(sim_markpool *p)
{
    if (p->nblocks == p->cap_blocks) {
        size_t nc = p->cap_blocks ? 2 * p->cap_blocks : 16;
        void **nb = realloc(p->blocks, nc * sizeof *nb);
        if (!nb)
            return -1;
        p->blocks = nb;
        p->cap_blocks = nc;
    }
    char *b = sim_pages_alloc(BLOCK_BYTES);
    if (!b)
        return -1;
    p->blocks[p->nblocks++] = b;
    p->cur = b;
    p->end = b + BLOCK_BYTES;
    return 0;
}

sim_mark *sim_markpool_get(sim_markpool **pool, uint32_t cap)
{
    int k = class_of(cap);
    if (k < 0)
        abort(); /* a caller's bug: only classes come here */
    if (!*pool && !(*pool = calloc(1, sizeof **pool)))
        return NULL;
    sim_markpool *p = *pool;
    if (p->free[k]) {
        void *slot = p->free[k];
        p->free[k] = *(void **)slot;
        return slot;
    }
    size_t bytes = (size_t)cap * sizeof(sim_mark);
    if ((size_t)(p->end - p->cur) < bytes && new_block(p) != 0)
        return NULL;
    sim_mark *slot = (sim_mark *)p->cur;
    p->cur += bytes;
    return slot;
}

void sim_markpool_put(sim_markpool *p, sim_mark *slot, uint32_t cap)
{
    int k = class_of(cap);
    if (k < 0 || !p)
        abort();
    *(void **)slot = p->free[k];
    p->free[k] = slot;
}

void sim_markpool_free(sim_markpool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nblocks; i++)
        sim_pages_free(p->blocks[i], BLOCK_BYTES);
    free(p->blocks);
    free(p);
}
