/* order.h - keeping an array sorted by time when appends come late.
 *
 * A trace's arrays (a lane's marks, the instants, the flows) are sorted by
 * time, and events are appended to them in the order the writers publish
 * them, which is nearly, not exactly, time order. These two functions put
 * such an array back in order at a cost that depends on what came late,
 * never on how much the array already holds:
 *
 *   - sim_order_tail: a[0, from) is sorted, a[from, n) was appended in any
 *     order. The tail is sorted (a natural merge sort: the runs each writer
 *     appended in order stay runs, so k writers cost about log2(k) passes)
 *     and merged into the part of the head it overlaps, found by binary
 *     search. Work: O(m log r + h) for a tail of m elements in r runs that
 *     reaches back over h elements of the head.
 *   - sim_order_last: the same for a tail of one element (a binary search
 *     and one move), for callers that append one element at a time.
 *
 * The elements are opaque: `size` bytes each, with an int64_t key (a time
 * in ns) at byte `key_off`. Equal keys keep their order, the head's first:
 * an element appended later goes after every element of the same time.
 * Private to trace.c and trace_ingest.c.
 */
#ifndef SIM_ORDER_H
#define SIM_ORDER_H

#include <stddef.h>
#include <stdint.h>

/* Scratch memory, kept between calls so that frame after frame of small
 * tails costs no allocation. Zero it to start; free `p` when done. */
typedef struct sim_order_buf {
    void *p;
    size_t cap;          /* bytes */
} sim_order_buf;

/* Sorts a[0, n) given that a[0, from) is sorted. Never fails: without
 * memory for the scratch it inserts the tail one element at a time (slower,
 * as correct). Returns the elements copied, a measure of the work done. */
uint64_t sim_order_tail(void *a, size_t n, size_t from, size_t size, size_t key_off,
                        sim_order_buf *scratch);

/* Moves a[n-1] back to its place in the sorted a[0, n-1). Returns the
 * elements copied. */
uint64_t sim_order_last(void *a, size_t n, size_t size, size_t key_off);

#endif
