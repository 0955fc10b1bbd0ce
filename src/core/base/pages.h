/* pages.h - big arrays straight from the kernel.
 *
 * A million-task run keeps arrays of tens or hundreds of megabytes: the
 * tasks of the event loop, the trace's lanes, instants and marks. Mapped
 * here, each is its own mapping: growing one is mremap (the kernel moves
 * the page tables, no byte is copied), and the parts done with go back
 * to the kernel at once (sim_pages_discard), where malloc would keep them.
 *
 * In 4 KiB pages, not huge ones. Transparent huge pages (MADV_HUGEPAGE)
 * fault in 2 MiB at a time, and when the kernel has them at hand 300 MiB
 * fault in 25 ms instead of the 4 KiB pages' 110 ms. But it has them at
 * hand only after something freed them: on a virtual machine that hands
 * its free memory back to the host (free page reporting, as Firecracker
 * and many clouds run), the large free blocks huge pages are cut from are
 * what it hands back, and the first run after the machine was idle waited
 * 720 ms for the same 300 MiB (measured on the development machine; a
 * million coroutines: 1.55 to 1.59 s against 1.17 to 1.21 right after).
 * 4 KiB pages cost the same either way (1.31 to 1.34 s), so a run takes
 * as long the first time as the next.
 *
 * For arrays of a megabyte or more; smaller ones are malloc's business.
 * Sizes are in bytes and the caller keeps them (munmap needs the length).
 * Memory comes zeroed.
 */
#ifndef SIM_PAGES_H
#define SIM_PAGES_H

#include <stddef.h>
#include <stdint.h>

/* Below this, callers should use malloc (it packs small arrays together,
 * where a mapping of its own costs a system call and whole pages). */
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
 * (from sim_pages_alloc), cut into blocks of 2 MiB, each counting
 * its elements done in ended[] (sim_pages_blocks of them, zeroed). Marks
 * element i done; a block whose every element is done is discarded.
 * Returns 1 if one was (a system call), else 0. Each element once. */
#define SIM_PAGES_BLOCK ((size_t)2 << 20)
static inline size_t sim_pages_blocks(size_t bytes) { return bytes / SIM_PAGES_BLOCK + 1; }
int sim_pages_done(void *p, size_t n, size_t elem, uint32_t *ended, uint64_t i);

#endif
