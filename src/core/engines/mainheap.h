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
#define SIM_MAINHEAP_TRIM ((size_t)128 << 10) /* glibc's M_TRIM_THRESHOLD */
#define SIM_MAINHEAP_PAD ((size_t)128 << 10)  /* glibc's M_TOP_PAD */

typedef struct sim_mainheap {
    char *base;          /* the reserved region, or NULL: nothing reserved */
    size_t reserve;      /* its size */
    size_t top;          /* bytes in use or on the free list, from base */
    size_t brk;          /* bytes that may be resident (the heap's end) */
    size_t last;         /* size of the block that ends at top, 0: none */
    size_t free_head;    /* offset of the first free block, or 0: none */
    uint64_t trims;      /* times the top was given back (for the tests) */
} sim_mainheap;

/* Reserves `reserve` bytes of address space (no memory yet). Returns 0, or
 * -errno (the caller then uses malloc alone). */
int sim_mainheap_init(sim_mainheap *h, size_t reserve);
void sim_mainheap_deinit(sim_mainheap *h);
/* n bytes, 16-aligned, not zeroed; NULL when the region is full. */
void *sim_mainheap_alloc(sim_mainheap *h, size_t n);
/* The same, zeroed as glibc's calloc zeroes: memory fresh from the kernel
 * (past the heap's old end) is left as it is, all else is cleared. */
void *sim_mainheap_calloc(sim_mainheap *h, size_t n);
/* Whether p came from this heap. */
int sim_mainheap_owns(const sim_mainheap *h, const void *p);
void sim_mainheap_free(sim_mainheap *h, void *p);

#endif
