/* pages.c - big arrays from mmap (see pages.h). */
#include "pages.h"

#include <stdint.h>
#include <sys/mman.h>

void *sim_pages_alloc(size_t bytes)
{
    /* Anonymous memory comes zeroed, a page at a time as it is touched.
     * No MADV_HUGEPAGE: see pages.h. */
    void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void *sim_pages_resize(void *p, size_t old_bytes, size_t new_bytes)
{
    if (new_bytes == 0)
        new_bytes = 1;
    void *q = mremap(p, old_bytes ? old_bytes : 1, new_bytes, MREMAP_MAYMOVE);
    return q == MAP_FAILED ? NULL : q;
}

void sim_pages_discard(void *p, size_t bytes)
{
    uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1),
              b = ((uintptr_t)p + bytes) & ~(page - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED);
}

void sim_pages_ready(void *p, size_t bytes)
{
    uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1),
              b = ((uintptr_t)p + bytes) & ~(page - 1);
    if (b <= a)
        return;
#ifdef MADV_POPULATE_WRITE
    if (madvise((void *)a, b - a, MADV_POPULATE_WRITE) == 0)
        return;
#endif
    /* A relaxed add of zero on each page (an atomic, so that a thread
     * already writing there loses nothing): a write fault, no change. */
    for (uintptr_t q = a; q < b; q += page)
        __atomic_fetch_add((char *)q, 0, __ATOMIC_RELAXED);
}

int sim_pages_done(void *p, size_t n, size_t elem, uint32_t *ended, uint64_t i)
{
    const size_t all = n * elem;
    int gave = 0;
    for (size_t b = i * elem / SIM_PAGES_BLOCK; b <= ((i + 1) * elem - 1) / SIM_PAGES_BLOCK;
         b++) {
        /* The elements with a byte in block b: those holding its first and
         * its last byte, and every one between. */
        uint64_t first = b * SIM_PAGES_BLOCK / elem, last = ((b + 1) * SIM_PAGES_BLOCK - 1) / elem;
        if (last >= n)
            last = n - 1;
        if (++ended[b] == last - first + 1) {
            size_t at = b * SIM_PAGES_BLOCK;
            sim_pages_discard((char *)p + at,
                              all - at < SIM_PAGES_BLOCK ? all - at : SIM_PAGES_BLOCK);
            gave = 1;
        }
    }
    return gave;
}

void sim_pages_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes ? bytes : 1);
}
