/* test_pages.c - an array that gives its memory back as its elements are
 * done with (sim_pages_done): a block goes when, and only when, every
 * element with a byte in it is done, elements that straddle two blocks
 * included, and what went reads as zeros. */
#include <string.h>

#include "pages.h"
#include "test.h"

int main(void)
{
    /* 48-byte elements: 2 MiB is no multiple of 48, so some straddle. */
    const size_t elem = 48, n = (3 * SIM_PAGES_BLOCK) / elem;
    const size_t bytes = n * elem;
    unsigned char *p = sim_pages_alloc(bytes);
    uint32_t ended[8] = {0};
    ASSERT(p && sim_pages_blocks(bytes) <= 8);
    memset(p, 0xab, bytes);
    /* The first block's elements, all but the one that straddles it and
     * the next: nothing goes yet. */
    size_t straddler = SIM_PAGES_BLOCK / elem; /* holds the block's last byte */
    ASSERT(straddler * elem < SIM_PAGES_BLOCK && (straddler + 1) * elem > SIM_PAGES_BLOCK);
    int gave = 0;
    for (size_t i = 0; i < straddler; i++)
        gave |= sim_pages_done(p, n, elem, ended, i);
    ASSERT_INT_EQ(gave, 0);
    ASSERT_INT_EQ(p[0], 0xab);
    /* The straddler is done: the first block goes, not the second. */
    ASSERT_INT_EQ(sim_pages_done(p, n, elem, ended, straddler), 1);
    ASSERT_INT_EQ(p[0], 0);
    ASSERT_INT_EQ(p[SIM_PAGES_BLOCK - 4096], 0);
    ASSERT_INT_EQ(p[SIM_PAGES_BLOCK + 8192], 0xab);
    /* The rest, last to first: the last block (a short one) goes too. */
    for (size_t i = n; i-- > straddler + 1;)
        sim_pages_done(p, n, elem, ended, i);
    ASSERT_INT_EQ(p[bytes - 4096 - 1], 0);
    ASSERT_INT_EQ(p[SIM_PAGES_BLOCK + 8192], 0);
    sim_pages_free(p, bytes);
    TEST_DONE();
}
