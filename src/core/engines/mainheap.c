/* mainheap.c - the event loop's heap for big queue items (see the header).
 *
 * Blocks sit one after another from the start of the region up to `top`.
 * Each begins with a 16-byte header: the size of the block before it (0
 * for the first) and its own size, whose low bit says it is in use; so a
 * freed block finds both neighbours in constant time and joins the free
 * ones, as glibc's chunks do. A free block keeps the offsets of its
 * neighbours on the free list in its first bytes. A free block that
 * reaches `top` lowers it instead of joining the list, and once the
 * resident space above `top` passes SIM_MAINHEAP_TRIM, all but
 * SIM_MAINHEAP_PAD of it goes back to the kernel.
 */
#include "mainheap.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct block {
    size_t prev; /* size of the block before, 0 for the first */
    size_t size; /* this block's size, header included; bit 0: in use */
} block;

typedef struct links {
    size_t next, prev; /* offsets of the neighbours on the free list, 0: none */
} links;

#define HDR sizeof(block)
#define USED ((size_t)1)
#define MAPPED ((size_t)2)
#define FIRST HDR /* offset 0 stays unused, so that 0 means "none" */
#define MIN_BLOCK (HDR + sizeof(links))

static block *at(const sim_mainheap *h, size_t off) { return (block *)(h->base + off); }
static links *links_of(const sim_mainheap *h, size_t off)
{
    return (links *)(h->base + off + HDR);
}
static size_t size_of(const block *b) { return b->size & ~(USED | MAPPED); }

static void unlink_free(sim_mainheap *h, size_t off)
{
    links *l = links_of(h, off);
    if (l->prev)
        links_of(h, l->prev)->next = l->next;
    else
        h->free_head = l->next;
    if (l->next)
        links_of(h, l->next)->prev = l->prev;
}

static void push_free(sim_mainheap *h, size_t off)
{
    links *l = links_of(h, off);
    l->prev = 0;
    l->next = h->free_head;
    if (h->free_head)
        links_of(h, h->free_head)->prev = off;
    h->free_head = off;
}

int sim_mainheap_init(sim_mainheap *h, size_t reserve)
{
    memset(h, 0, sizeof *h);
    void *p = mmap(NULL, reserve, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    h->base = p;
    h->reserve = reserve;
    h->top = h->brk = FIRST;
    h->mmap_threshold = SIM_MAINHEAP_MMAP;
    h->trim_threshold = SIM_MAINHEAP_TRIM;
    return 0;
}

void sim_mainheap_deinit(sim_mainheap *h)
{
    if (h->base)
        munmap(h->base, h->reserve);
    memset(h, 0, sizeof *h);
}

int sim_mainheap_owns(const sim_mainheap *h, const void *p)
{
    const char *c = p;
    return h->base && c >= h->base + FIRST && c < h->base + h->top;
}

static size_t page_up(size_t x)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (x + page - 1) & ~(page - 1);
}

static size_t need_of(size_t n)
{
    size_t need = (n + HDR + 15) & ~(size_t)15;
    return need < MIN_BLOCK ? MIN_BLOCK : need;
}

void sim_mainheap_raise_threshold(sim_mainheap *h, size_t n)
{
    size_t t = need_of(n);
    if (t > SIM_MAINHEAP_MMAP_MAX)
        t = SIM_MAINHEAP_MMAP_MAX;
    if (t > h->mmap_threshold) {
        h->mmap_threshold = t;
        h->trim_threshold = 2 * t;
    }
}

/* A mapping of its own for a big request (glibc's sysmalloc, when the top
 * chunk is too small and the request reaches the threshold): fresh zero
 * pages; only the header is written. The block, or NULL. */
static block *map_block(sim_mainheap *h, size_t need)
{
    size_t len = page_up(need);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    block *b = p;
    b->prev = len;
    b->size = need | USED | MAPPED;
    h->mmaps++;
    return b;
}

/* The block of `need` bytes (its offset), and *fresh: the offset from
 * which its memory is fresh from the kernel, so already zero. 0 when the
 * region is full, or when the request should have a mapping of its own
 * (*fresh is then 0). */
static size_t take(sim_mainheap *h, size_t need, size_t *fresh)
{
    /* First fit on the free list. */
    for (size_t off = h->free_head; off; off = links_of(h, off)->next) {
        block *b = at(h, off);
        size_t have = size_of(b);
        if (have < need)
            continue;
        unlink_free(h, off);
        if (have - need >= MIN_BLOCK + 16) { /* split: the rest stays free */
            size_t roff = off + need;
            block *r = at(h, roff);
            r->prev = need;
            r->size = have - need;
            size_t after = roff + r->size;
            if (after < h->top)
                at(h, after)->prev = r->size;
            push_free(h, roff);
            have = need;
        }
        b->size = have | USED;
        *fresh = SIZE_MAX; /* reused: nothing of it is fresh */
        return off;
    }
    /* As glibc: a big request the top chunk cannot hold gets a mapping
     * of its own rather than a bigger heap. */
    if (need >= h->mmap_threshold && need > h->brk - h->top) {
        *fresh = 0;
        return 0;
    }
    /* From the top. Past the heap's end it grows as glibc's sbrk does:
     * by the block and the pad, to a page; what lies past the old end is
     * fresh from the kernel (a fault per page when first written). */
    *fresh = SIZE_MAX;
    if (need > h->reserve - h->top)
        return 0;
    size_t off = h->top;
    block *b = at(h, off);
    b->prev = h->last;
    b->size = need | USED;
    h->top += need;
    h->last = need;
    if (h->top > h->brk) {
        *fresh = h->brk;
        size_t end = page_up(h->top + SIM_MAINHEAP_PAD);
        h->brk = end < h->reserve ? end : h->reserve;
    }
    return off;
}

/* n bytes from the heap or a mapping; zeroed as glibc's calloc zeroes
 * when `zero`: only what is not fresh from the kernel is cleared, and
 * clearing writes, so its pages fault if they were given back. */
static void *get(sim_mainheap *h, size_t n, int zero)
{
    if (!h->base || n > h->reserve)
        return NULL;
    size_t need = need_of(n), fresh;
    size_t off = take(h, need, &fresh);
    if (!off && fresh == 0) { /* fresh pages: nothing to clear */
        block *b = map_block(h, need);
        return b ? (char *)b + HDR : NULL;
    }
    if (!off)
        return NULL;
    size_t from = off + HDR, to = from + n;
    if (fresh < to)
        to = fresh > from ? fresh : from;
    if (zero)
        memset(h->base + from, 0, to - from);
    return h->base + off + HDR;
}

void *sim_mainheap_alloc(sim_mainheap *h, size_t n) { return get(h, n, 0); }

void *sim_mainheap_calloc(sim_mainheap *h, size_t n) { return get(h, n, 1); }

/* Gives back what lies past the top beyond the pad, as glibc trims. */
static void trim(sim_mainheap *h)
{
    if (h->brk - h->top <= h->trim_threshold)
        return;
    size_t keep = page_up(h->top + SIM_MAINHEAP_PAD);
    if (keep >= h->brk)
        return;
    madvise(h->base + keep, h->brk - keep, MADV_DONTNEED);
    h->brk = keep;
    h->trims++;
}

/* A mapping goes back to the kernel at once; the threshold rises to its
 * size (glibc's free of an mmapped chunk), so the next request this big
 * comes from the heap. */
static void unmap_block(sim_mainheap *h, block *b)
{
    size_t len = b->prev;
    if (len > h->mmap_threshold && len <= SIM_MAINHEAP_MMAP_MAX) {
        h->mmap_threshold = len;
        h->trim_threshold = 2 * len;
    }
    munmap(b, len);
}

void sim_mainheap_free(sim_mainheap *h, void *p)
{
    block *b = (block *)((char *)p - HDR);
    if (b->size & MAPPED) {
        unmap_block(h, b);
        return;
    }
    size_t off = (size_t)((char *)p - h->base) - HDR;
    size_t size = size_of(b);
    /* Join the free neighbour after it, then the one before. */
    size_t next = off + size;
    if (next < h->top && !(at(h, next)->size & USED)) {
        unlink_free(h, next);
        size += size_of(at(h, next));
    }
    if (b->prev && !(at(h, off - b->prev)->size & USED)) {
        size_t poff = off - b->prev;
        unlink_free(h, poff);
        size += size_of(at(h, poff));
        off = poff;
        b = at(h, off);
    }
    if (off + size == h->top) { /* the top comes down to it */
        h->top = off;
        h->last = b->prev; /* in use: a free one would have joined it */
        trim(h);
        return;
    }
    b->size = size;
    at(h, off + size)->prev = size;
    push_free(h, off);
}
