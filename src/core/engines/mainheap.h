/* mainheap.h - memory for the event loop's queue items, kept as CPython's
 * main thread keeps it.
 *
 * A Python program's asyncio loop runs on its main thread, and a big
 * object it makes (`bytes(100000)`, a queue item) comes from the C
 * library's main heap: one region that grows at its top (each fresh page
 * costs a page fault as it is first written) and gives its free top back
 * to the kernel once that passes a threshold (glibc's M_TRIM_THRESHOLD,
 * 128 KiB, keeping M_TOP_PAD, 128 KiB, for the next growth). So fifty
 * 100 KB items held at once cost a fault per page each time they are made
 * again (35 us an item on the development machine), while one item made
 * and freed in turn reuses the same warm memory (2.5 us).
 *
 * A big request the heap's top cannot serve goes to its own mapping
 * instead, as glibc's does from M_MMAP_THRESHOLD (128 KiB at first):
 * fresh zero pages that calloc leaves alone, so `bytes(1000000)` costs a
 * system call and the one page its header is written to, not a megabyte
 * of faults. Freeing such a mapping gives it back at once and raises the
 * threshold to its size (glibc's dynamic threshold, up to 32 MiB; the trim
 * threshold becomes twice that), so that size comes from the heap from
 * then on. Measured under CPython 3.11: ten 1 MB items made at once cost
 * 9 us each the first time, 90 to 107 us each once one had been freed.
 *
 * concviz's event loop runs on a thread of its own, whose heap is another
 * one that keeps freed memory: the same malloc and zeroing, none of the
 * faults. This heap gives the loop's big items the main heap's behaviour,
 * for real: a reserved region with a top, a first-fit free list whose
 * neighbours join (boundary tags, as glibc's chunks have), and a top
 * given back with madvise(MADV_DONTNEED) past the threshold, so that the
 * kernel hands zeroed pages, and their faults, again.
 *
 * One thread only (the loop's); not a general allocator: the queue's few
 * large items at a time.
 */
#ifndef SIM_MAINHEAP_H
#define SIM_MAINHEAP_H

#include <stddef.h>
#include <stdint.h>

/* Items at least this big live here; smaller ones stay with malloc (CPython
 * keeps objects up to 512 bytes in its own pools, and the heap's faults
 * matter only where an item spans pages). */
#define SIM_MAINHEAP_MIN ((size_t)16 << 10)
#define SIM_MAINHEAP_TRIM ((size_t)128 << 10) /* glibc's M_TRIM_THRESHOLD, at first */
#define SIM_MAINHEAP_PAD ((size_t)128 << 10)  /* glibc's M_TOP_PAD */
#define SIM_MAINHEAP_MMAP ((size_t)128 << 10) /* glibc's M_MMAP_THRESHOLD, at first */
#define SIM_MAINHEAP_MMAP_MAX ((size_t)32 << 20) /* the most it rises to (64-bit) */

typedef struct sim_mainheap {
    char *base;          /* the reserved region, or NULL: nothing reserved */
    size_t reserve;      /* its size */
    size_t top;          /* bytes in use or on the free list, from base */
    size_t brk;          /* bytes that may be resident (the heap's end) */
    size_t last;         /* size of the block that ends at top, 0: none */
    size_t free_head;    /* offset of the first free block, or 0: none */
    size_t mmap_threshold; /* requests this big get a mapping of their own */
    size_t trim_threshold; /* a top chunk bigger than this is given back */
    uint64_t trims;      /* times the top was given back (for the tests) */
    uint64_t mmaps;      /* mappings made for big requests (for the tests) */
} sim_mainheap;

/* Reserves `reserve` bytes of address space (no memory yet). Returns 0, or
 * -errno (the caller then uses malloc alone). */
int sim_mainheap_init(sim_mainheap *h, size_t reserve);
void sim_mainheap_deinit(sim_mainheap *h);
/* From now on requests of n bytes and more get mappings of their own, as
 * once glibc's threshold has risen to them (the trim threshold becomes
 * twice that); a threshold already higher stays. How the engine starts
 * the heap where the interpreter's imports left it (costs.h). */
void sim_mainheap_raise_threshold(sim_mainheap *h, size_t n);
/* n bytes, 16-aligned, not zeroed; NULL when the region is full. */
void *sim_mainheap_alloc(sim_mainheap *h, size_t n);
/* The same, zeroed as glibc's calloc zeroes: memory fresh from the kernel
 * (past the heap's old end) is left as it is, all else is cleared. */
void *sim_mainheap_calloc(sim_mainheap *h, size_t n);
/* Whether p lies in this heap's region (a block of the heap, not a
 * mapping of its own). */
int sim_mainheap_owns(const sim_mainheap *h, const void *p);
/* Frees what sim_mainheap_alloc or _calloc returned (from the region or a
 * mapping). */
void sim_mainheap_free(sim_mainheap *h, void *p);

#endif
