/* order.c - putting a late tail back in time order (see order.h).
 *
 * Why not insert each late element where it belongs, as a list would? In
 * an array that is a move of everything after it, and when thousands of
 * threads each publish their share of the GIL lane a little after the
 * others, every one of their events is late: the moves add up to the
 * square of the events (a run of 40,000 threads spent seconds here). So
 * the late elements are gathered at the end first, sorted among
 * themselves, and merged with the head in one pass, which touches each
 * element a few times in all.
 */
#include "order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int64_t key_of(const char *e, size_t key_off)
{
    int64_t k;
    memcpy(&k, e + key_off, sizeof k);
    return k;
}

/* A copy of one element. The trace's elements are 16, 24 or 32 bytes:
 * with the size known here, each copy compiles to a few moves instead of a
 * call. */
static inline void copy1(char *d, const char *s, size_t size)
{
    switch (size) {
    case 16: memcpy(d, s, 16); break;
    case 24: memcpy(d, s, 24); break;
    case 32: memcpy(d, s, 32); break;
    default: memcpy(d, s, size); break;
    }
}

/* The first index in a[lo, hi) whose key is greater than k. */
static size_t upper_bound(const char *a, size_t lo, size_t hi, int64_t k, size_t size,
                          size_t key_off)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_of(a + mid * size, key_off) <= k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The end of the run (non-decreasing keys) that starts at i. */
static size_t run_end(const char *a, size_t i, size_t n, size_t size, size_t key_off)
{
    int64_t prev = key_of(a + i * size, key_off);
    for (i++; i < n; i++) {
        int64_t k = key_of(a + i * size, key_off);
        if (k < prev)
            break;
        prev = k;
    }
    return i;
}

/* Merges the sorted x[0, nx) and y[0, ny) into out, x first on equal keys.
 * out overlaps neither. */
static void merge(char *out, const char *x, size_t nx, const char *y, size_t ny,
                  size_t size, size_t key_off)
{
    size_t i = 0, k = 0;
    while (i < nx && k < ny) {
        if (key_of(y + k * size, key_off) < key_of(x + i * size, key_off))
            copy1(out, y + k++ * size, size);
        else
            copy1(out, x + i++ * size, size);
        out += size;
    }
    memcpy(out, x + i * size, (nx - i) * size);
    out += (nx - i) * size;
    memcpy(out, y + k * size, (ny - k) * size);
}

/* Sorts t[0, m) stably, bottom-up: each pass merges neighbouring runs in
 * pairs from one buffer into the other, halving their number. s has room
 * for m elements. Returns the elements copied. */
static uint64_t natural_sort(char *t, size_t m, char *s, size_t size, size_t key_off)
{
    uint64_t work = 0;
    char *src = t, *dst = s;
    while (run_end(src, 0, m, size, key_off) < m) {
        size_t i = 0;
        while (i < m) {
            size_t j = run_end(src, i, m, size, key_off);
            size_t k = j < m ? run_end(src, j, m, size, key_off) : m;
            merge(dst + i * size, src + i * size, j - i, src + j * size, k - j, size,
                  key_off);
            work += k - i;
            i = k;
        }
        char *tmp = src;
        src = dst;
        dst = tmp;
    }
    if (src != t) {
        memcpy(t, src, m * size);
        work += m;
    }
    return work;
}

static int reserve(sim_order_buf *b, size_t bytes)
{
    if (bytes <= b->cap)
        return 0;
    void *p = malloc(bytes);
    if (!p)
        return -1;
    free(b->p);
    b->p = p;
    b->cap = bytes;
    return 0;
}

uint64_t sim_order_last(void *a, size_t n, size_t size, size_t key_off)
{
    char *base = a, tmp[64];
    if (size > sizeof tmp) {
        fprintf(stderr, "sim_order_last: elements of %zu bytes (at most %zu)\n", size,
                sizeof tmp);
        abort();
    }
    if (n < 2)
        return 0;
    char *last = base + (n - 1) * size;
    int64_t k = key_of(last, key_off);
    if (key_of(last - size, key_off) <= k)
        return 0;
    size_t p = upper_bound(base, 0, n - 1, k, size, key_off);
    copy1(tmp, last, size);
    memmove(base + (p + 1) * size, base + p * size, (n - 1 - p) * size);
    copy1(base + p * size, tmp, size);
    return n - p;
}

uint64_t sim_order_tail(void *a, size_t n, size_t from, size_t size, size_t key_off,
                        sim_order_buf *scratch)
{
    char *base = a;
    if (from >= n)
        return 0;
    size_t m = n - from;
    char *tail = base + from * size;
    int tail_sorted = run_end(tail, 0, m, size, key_off) == m;
    /* How far back the tail reaches: past every head element later than
     * its earliest one. */
    int64_t lo = key_of(tail, key_off);
    for (size_t i = 1; !tail_sorted && i < m; i++) {
        int64_t k = key_of(tail + i * size, key_off);
        if (k < lo)
            lo = k;
    }
    size_t p = upper_bound(base, 0, from, lo, size, key_off);
    size_t h = from - p;
    if (tail_sorted && h == 0)
        return 0;
    /* Sorting the tail needs room for all of it; the merge, for the
     * smaller of the two parts it merges. */
    size_t need = tail_sorted && h < m ? h : m;
    if (reserve(scratch, need * size) != 0) {
        /* No memory: one element at a time, in place. */
        uint64_t work = 0;
        for (size_t i = from; i < n; i++)
            work += sim_order_last(base, i + 1, size, key_off);
        return work;
    }
    char *s = scratch->p;
    uint64_t work = tail_sorted ? 0 : natural_sort(tail, m, s, size, key_off);
    if (h == 0)
        return work;
    char *head = base + p * size;
    if (h <= m) {
        /* Copy the overlapped head out and merge forward: the output never
         * overtakes the tail element it reads next. */
        memcpy(s, head, h * size);
        char *out = head, *y = tail, *yend = tail + m * size;
        size_t i = 0;
        while (i < h && y < yend) {
            if (key_of(y, key_off) < key_of(s + i * size, key_off)) {
                copy1(out, y, size);
                y += size;
            } else {
                copy1(out, s + i++ * size, size);
            }
            out += size;
        }
        memcpy(out, s + i * size, (h - i) * size);
        work += h + (size_t)(out - head) / size + (h - i);
    } else {
        /* Copy the tail out and merge backward from the end. */
        memcpy(s, tail, m * size);
        char *out = base + n * size;
        size_t i = h, k = m;
        while (i > 0 && k > 0) {
            out -= size;
            if (key_of(head + (i - 1) * size, key_off) > key_of(s + (k - 1) * size, key_off))
                copy1(out, head + --i * size, size);
            else
                copy1(out, s + --k * size, size);
        }
        memcpy(head, s, k * size);
        work += m + (size_t)(base + n * size - out) / size + k;
    }
    return work;
}
