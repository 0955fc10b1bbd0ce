/* pages.c - big arrays from mmap, in huge pages (see pages.h). */
#include "pages.h"

#include <sys/mman.h>

void *sim_pages_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Advice, not a promise: where the kernel has no huge page to give
     * (or transparent huge pages are off), 4 KiB pages serve the same. */
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

void *sim_pages_resize(void *p, size_t old_bytes, size_t new_bytes)
{
    if (new_bytes == 0)
        new_bytes = 1;
    void *q = mremap(p, old_bytes ? old_bytes : 1, new_bytes, MREMAP_MAYMOVE);
    return q == MAP_FAILED ? NULL : q;
}

void sim_pages_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes ? bytes : 1);
}
