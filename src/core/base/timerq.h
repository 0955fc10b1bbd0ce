/* timerq.h - the event loop's timers: one queue per duration, a heap of queues.
 *
 * asyncio keeps its timers in a binary heap (heapq), and so did concviz,
 * as a heap of pointers (after libuv's heap-inl.h). With a million
 * sleeping tasks each pop
 * walked twenty levels of nodes scattered over 160 MB: about forty cache
 * misses, two microseconds a timer, most of a million-task run.
 *
 * Yet the timers of a workload are not arbitrary. Every `io:DUR` sets a
 * deadline of now + DUR, and `now` only grows, so the timers set with one
 * duration come due in the order they were set. Kept in one first-in,
 * first-out queue per duration, each queue is already sorted: setting a
 * timer is an append, and the earliest timer of all is the earliest of the
 * queues' heads, found in a small heap of queues (one entry per distinct
 * duration, a handful). libevent does the same for its "common timeouts"
 * (event_base_init_common_timeout), and for the same reason.
 *
 * The order is exactly the heap's: by deadline, then by the order the
 * timers were set (`seq`), so equal deadlines fire first set, first fired.
 * A timer that would not come last in its queue (a duration nobody
 * declared, or a clock that stepped back) is put in its place by walking
 * the queue: correct always, fast in every case that happens.
 *
 * Intrusive, as libuv's heap: the node lives in the task, nothing is
 * allocated per timer. Header-only so that the loop's hot path inlines it.
 */
#ifndef SIM_TIMERQ_H
#define SIM_TIMERQ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct sim_timer {
    int64_t deadline;       /* ns, on the caller's clock */
    uint64_t seq;           /* set order: breaks ties between equal deadlines */
    struct sim_timer *next; /* in its queue */
} sim_timer;

typedef struct sim_timerq {
    int64_t *dur;           /* nq - 1 declared durations, sorted; queue nq - 1
                               takes any other */
    sim_timer **head, **tail;
    uint32_t *heap;         /* the non-empty queues, by their head */
    uint32_t nq, nheap;
    uint64_t seq;
    uint64_t n;             /* timers pending */
} sim_timerq;

static int sim_timerq_cmp_dur_(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* A queue for each distinct value of durs[0..n) (a duration may repeat).
 * Returns 0 or -1 (no memory). */
static inline int sim_timerq_init(sim_timerq *q, const int64_t *durs, uint32_t n)
{
    memset(q, 0, sizeof *q);
    q->dur = malloc(((size_t)n + 1) * sizeof *q->dur);
    q->head = calloc((size_t)n + 1, sizeof *q->head);
    q->tail = calloc((size_t)n + 1, sizeof *q->tail);
    q->heap = malloc(((size_t)n + 1) * sizeof *q->heap);
    if (!q->dur || !q->head || !q->tail || !q->heap) {
        free(q->dur);
        free(q->head);
        free(q->tail);
        free(q->heap);
        memset(q, 0, sizeof *q);
        return -1;
    }
    if (n)
        memcpy(q->dur, durs, (size_t)n * sizeof *durs);
    qsort(q->dur, n, sizeof *q->dur, sim_timerq_cmp_dur_);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (k == 0 || q->dur[k - 1] != q->dur[i])
            q->dur[k++] = q->dur[i];
    q->nq = k + 1;
    return 0;
}

static inline void sim_timerq_deinit(sim_timerq *q)
{
    free(q->dur);
    free(q->head);
    free(q->tail);
    free(q->heap);
    memset(q, 0, sizeof *q);
}

static inline int sim_timer_before_(const sim_timer *a, const sim_timer *b)
{
    return a->deadline != b->deadline ? a->deadline < b->deadline : a->seq < b->seq;
}

static inline int sim_timerq_less_(const sim_timerq *q, uint32_t a, uint32_t b)
{
    return sim_timer_before_(q->head[a], q->head[b]);
}

static inline void sim_timerq_up_(sim_timerq *q, uint32_t i)
{
    uint32_t x = q->heap[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!sim_timerq_less_(q, x, q->heap[p]))
            break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = x;
}

static inline void sim_timerq_down_(sim_timerq *q, uint32_t i)
{
    uint32_t x = q->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= q->nheap)
            break;
        if (c + 1 < q->nheap && sim_timerq_less_(q, q->heap[c + 1], q->heap[c]))
            c++;
        if (!sim_timerq_less_(q, q->heap[c], x))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    q->heap[i] = x;
}

/* The queue of duration `dur`: binary search of the declared ones. */
static inline uint32_t sim_timerq_queue_(const sim_timerq *q, int64_t dur)
{
    uint32_t lo = 0, hi = q->nq - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (q->dur[mid] < dur)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < q->nq - 1 && q->dur[lo] == dur ? lo : q->nq - 1;
}

/* Sets timer t to fire at now + dur. */
static inline void sim_timerq_add(sim_timerq *q, sim_timer *t, int64_t now, int64_t dur)
{
    uint32_t k = sim_timerq_queue_(q, dur);
    t->deadline = now + dur;
    t->seq = q->seq++;
    t->next = NULL;
    q->n++;
    if (!q->head[k]) {
        q->head[k] = q->tail[k] = t;
        q->heap[q->nheap++] = k;
        sim_timerq_up_(q, q->nheap - 1);
        return;
    }
    if (!sim_timer_before_(t, q->tail[k])) {
        q->tail[k]->next = t; /* the case that happens: it comes last */
        q->tail[k] = t;
        return;
    }
    /* Out of order: find its place. A new head sorts its queue earlier. */
    if (sim_timer_before_(t, q->head[k])) {
        t->next = q->head[k];
        q->head[k] = t;
        for (uint32_t i = 0; i < q->nheap; i++)
            if (q->heap[i] == k) {
                sim_timerq_up_(q, i);
                break;
            }
        return;
    }
    sim_timer *p = q->head[k];
    while (p->next && !sim_timer_before_(t, p->next))
        p = p->next;
    t->next = p->next;
    p->next = t;
}

/* The earliest timer, or NULL. */
static inline sim_timer *sim_timerq_min(const sim_timerq *q)
{
    return q->nheap ? q->head[q->heap[0]] : NULL;
}

/* Removes the earliest timer (there must be one) and returns it. */
static inline sim_timer *sim_timerq_pop(sim_timerq *q)
{
    uint32_t k = q->heap[0];
    sim_timer *t = q->head[k];
    q->head[k] = t->next;
    q->n--;
    if (!q->head[k]) {
        q->tail[k] = NULL;
        q->heap[0] = q->heap[--q->nheap];
    }
    if (q->nheap > 1)
        sim_timerq_down_(q, 0);
    return t;
}

#endif
