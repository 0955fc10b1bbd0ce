/* pages.h - big arrays straight from the kernel, in huge pages.
 *
 * A million-task run keeps arrays of tens or hundreds of megabytes: the
 * tasks of the event loop, the trace's lanes, instants and marks. From
 * malloc, each 4 KiB page of them costs a page fault when first touched
 * (a hundred thousand faults, a quarter of a second of the kernel zeroing
 * and mapping pages). Mapped here, with MADV_HUGEPAGE, they fault in
 * 2 MiB at a time: five hundred times fewer. Growing one is mremap: the
 * kernel moves the page tables, no byte is copied.
 *
 * For arrays of a megabyte or more; smaller ones are malloc's business.
 * Sizes are in bytes and the caller keeps them (munmap needs the length).
 * Memory comes zeroed.
 */
#ifndef SIM_PAGES_H
#define SIM_PAGES_H

#include <stddef.h>
#include <stdint.h>

/* Below this, callers should use malloc (a huge page would be mostly
 * empty, and malloc packs small arrays together). */
#define SIM_PAGES_MIN ((size_t)1 << 20)

/* `bytes` of zeroed memory, or NULL. */
void *sim_pages_alloc(size_t bytes);
/* Resizes a block from sim_pages_alloc (it may move; new bytes are zero).
 * Returns the block, or NULL with the old block unchanged. */
void *sim_pages_resize(void *p, size_t old_bytes, size_t new_bytes);
void sim_pages_free(void *p, size_t bytes);
/* Gives the whole pages inside [p, p + bytes) back to the kernel: they
 * read as zeros afterwards, and cost nothing until written again. */
void sim_pages_discard(void *p, size_t bytes);
/* Makes the whole pages inside [p, p + bytes) of a writable mapping ready
 * now (faulted in, zeroed where they were new) rather than at their first
 * write, so that whoever writes them later pays no page fault: one system
 * call where the kernel has MADV_POPULATE_WRITE (Linux 5.14), else a write
 * of a zero at each page, which leaves them as they were. */
void sim_pages_ready(void *p, size_t bytes);

/* An array that gives its memory back as its elements are done with (the
 * event loop's tasks, as each ends): `n` elements of `elem` bytes at p
 * (from sim_pages_alloc), cut into blocks of one huge page, each counting
 * its elements done in ended[] (sim_pages_blocks of them, zeroed). Marks
 * element i done; a block whose every element is done is discarded.
 * Returns 1 if one was (a system call), else 0. Each element once. */
#define SIM_PAGES_BLOCK ((size_t)2 << 20)
static inline size_t sim_pages_blocks(size_t bytes) { return bytes / SIM_PAGES_BLOCK + 1; }
int sim_pages_done(void *p, size_t n, size_t elem, uint32_t *ended, uint64_t i);

#endif
