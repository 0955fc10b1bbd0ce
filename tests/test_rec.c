/* test_rec.c - the recording: layout, publishing, overflow, threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "estimate.h"
#include "rec.h"
#include "test.h"

static void test_basic(void)
{
    uint8_t kinds[1] = {SIM_LANE_LOOP};
    uint64_t caps[2] = {4, 100};
    sim_rec_desc d = {.model = SIM_MODEL_ASYNCIO, .ntask_lanes = 3, .nres_lanes = 1,
                      .res_kind = kinds, .nwriters = 2, .writer_cap = caps,
                      .cross_process = 1};
    sim_rec r;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    ASSERT(r.head != NULL);
    ASSERT_INT_EQ(r.head->ntask_lanes, 3);
    ASSERT_INT_EQ(r.res_kind[0], SIM_LANE_LOOP);
    ASSERT_INT_EQ(atomic_load(&r.head->end_ns), -1);
    ASSERT(sizeof(sim_event) == 32);

    for (int i = 0; i < 6; i++)
        sim_rec_state(&r, 0, 1, i * 10, SIM_ST_RUNNING, 7, 3);
    sim_rec_flow(&r, 1, SIM_FL_HANDOFF, 0, 5, 2, 9);
    uint64_t n;
    const sim_event *ev = sim_rec_events(&r, 0, &n);
    ASSERT_INT_EQ(n, 4); /* capacity 4: two were dropped, and counted */
    ASSERT_INT_EQ(atomic_load(&r.writers[0].overflow), 2);
    ASSERT_INT_EQ(ev[3].t, 30);
    ASSERT_INT_EQ(ev[3].arg, 7);
    ASSERT_INT_EQ(ev[3].cpu, 3);
    ev = sim_rec_events(&r, 1, &n);
    ASSERT_INT_EQ(n, 1);
    ASSERT_INT_EQ(ev[0].type, SIM_EV_FLOW);
    ASSERT_INT_EQ(ev[0].v, 5);
    ASSERT_INT_EQ(ev[0].from_lane, 0);

    /* Another mapping of the same memfd sees the same events. */
    sim_rec other;
    ASSERT(r.memfd >= 0);
    ASSERT_INT_EQ(sim_rec_attach(&other, r.memfd, r.map_size), 0);
    ev = sim_rec_events(&other, 1, &n);
    ASSERT_INT_EQ(n, 1);
    ASSERT_INT_EQ(ev[0].t, 9);
    other.memfd = -1;
    sim_rec_deinit(&other);

    sim_rec_finish(&r, 123, 0);
    ASSERT_INT_EQ(atomic_load(&r.head->end_ns), 123);
    ASSERT(sim_rec_now(&r) >= 0);
    sim_rec_deinit(&r);
}

/* A reader follows a writer thread live and never sees a torn event. */
typedef struct live {
    sim_rec *r;
    int n;
} live;

static void *writer_main(void *p)
{
    live *l = p;
    for (int i = 0; i < l->n; i++)
        sim_rec_state(l->r, 0, 0, i, SIM_ST_RUNNING, (uint32_t)i, SIM_NO_CPU);
    sim_rec_finish(l->r, l->n, 0);
    return NULL;
}

static void test_live_reader(void)
{
    sim_rec_desc d = {.model = SIM_MODEL_THREADING, .ntask_lanes = 1, .nwriters = 1};
    sim_rec r;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    live l = {&r, 200000};
    pthread_t th;
    ASSERT_INT_EQ(pthread_create(&th, NULL, writer_main, &l), 0);
    uint64_t seen = 0;
    for (;;) {
        int64_t end = atomic_load_explicit(&r.head->end_ns, memory_order_acquire);
        uint64_t n;
        const sim_event *ev = sim_rec_events(&r, 0, &n);
        for (; seen < n; seen++) {
            ASSERT_INT_EQ(ev[seen].t, (int64_t)seen);
            ASSERT_INT_EQ(ev[seen].arg, seen);
        }
        if (end >= 0 && seen == (uint64_t)l.n)
            break;
    }
    ASSERT_INT_EQ(pthread_join(th, NULL), 0);
    sim_rec_deinit(&r);
}

/* A reader that gives back what it read: whole pages below the point
 * return to the kernel (they read as zeros), the rest stays intact, and
 * the budget counts only what is held. A shared recording keeps all. */
static void test_release(void)
{
    enum { N = 10000, PER_PAGE = 4096 / sizeof(sim_event) };
    uint64_t cap = 2 * N;
    sim_rec_desc d = {.model = SIM_MODEL_ASYNCIO, .ntask_lanes = 1, .nwriters = 1,
                      .writer_cap = &cap, .events_budget = 1u << 30};
    sim_rec r;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    for (int i = 0; i < N; i++)
        sim_rec_state(&r, 0, 0, i + 1, SIM_ST_RUNNING, (uint32_t)i, SIM_NO_CPU);
    ASSERT_INT_EQ(sim_rec_released(&r, 0), 0);
    sim_rec_release(&r, 0, 1000); /* whole pages below event 1000 */
    uint64_t gone = sim_rec_released(&r, 0), n;
    ASSERT_INT_EQ(gone, 1000 / PER_PAGE * PER_PAGE);
    ASSERT_INT_EQ(atomic_load(&r.head->events_released), gone);
    const sim_event *ev = sim_rec_events(&r, 0, &n);
    ASSERT_INT_EQ(n, N);
    ASSERT_INT_EQ(ev[0].t, 0);          /* given back: zeros */
    ASSERT_INT_EQ(ev[gone - 1].t, 0);
    for (uint64_t i = gone; i < N; i++)  /* the rest is as written */
        ASSERT_INT_EQ(ev[i].t, (int64_t)i + 1);
    sim_rec_release(&r, 0, 500);         /* backwards: nothing */
    ASSERT_INT_EQ(sim_rec_released(&r, 0), gone);
    sim_rec_release(&r, 0, 1u << 30);    /* past the end: up to what exists */
    ASSERT(sim_rec_released(&r, 0) <= N);
    ASSERT_INT_EQ(ev[N - 1].t, N);
    /* Recording goes on after a release. */
    sim_rec_state(&r, 0, 0, N + 1, SIM_ST_DONE, 0, SIM_NO_CPU);
    ev = sim_rec_events(&r, 0, &n);
    ASSERT_INT_EQ(ev[N].t, N + 1);
    sim_rec_deinit(&r);

    d.cross_process = 1;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    for (int i = 0; i < N; i++)
        sim_rec_state(&r, 0, 0, i + 1, SIM_ST_RUNNING, (uint32_t)i, SIM_NO_CPU);
    sim_rec_release(&r, 0, N);
    ASSERT_INT_EQ(sim_rec_released(&r, 0), 0);
    ev = sim_rec_events(&r, 0, &n);
    ASSERT_INT_EQ(ev[0].t, 1);
    sim_rec_deinit(&r);
}

/* One account for the events and what the run holds besides (queued
 * items): together they may not pass the budget, and the first thing that
 * would marks the recording full. A second mapping (a worker process)
 * holds against the same account. */
static void test_hold(void)
{
    uint64_t caps[1] = {2 * SIM_REC_CHUNK};
    sim_rec_desc d = {.model = SIM_MODEL_MULTIPROCESSING, .ntask_lanes = 1, .nwriters = 1,
                      .writer_cap = caps, .cross_process = 1,
                      .events_budget = SIM_REC_CHUNK + 100};
    sim_rec r, worker;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    ASSERT_INT_EQ(sim_rec_attach(&worker, r.memfd, r.map_size), 0);

    /* 100 events' worth held: fits, and given back. */
    ASSERT_INT_EQ(sim_rec_hold(&worker, 100 * SIM_BYTES_PER_EVENT), 0);
    ASSERT_INT_EQ(atomic_load(&r.head->full), 0);
    /* One byte more does not, and is not held. */
    ASSERT_INT_EQ(sim_rec_hold(&r, 1), 0);
    ASSERT_INT_EQ(sim_rec_hold(&r, -1), 0);
    ASSERT_INT_EQ(sim_rec_hold(&r, SIM_REC_CHUNK * SIM_BYTES_PER_EVENT + 1), -1);
    ASSERT_INT_EQ(atomic_load(&r.head->full), 2);
    ASSERT_INT_EQ(atomic_load(&r.head->held_bytes), 100 * SIM_BYTES_PER_EVENT);
    atomic_store(&r.head->full, 0);

    /* A chunk of events while the 100 are still held: the budget is the
     * sum's, so the recording is full, which it would not be alone. */
    for (uint32_t i = 0; i < SIM_REC_CHUNK; i++)
        sim_rec_state(&r, 0, 0, i, SIM_ST_RUNNING, 0, 0);
    ASSERT_INT_EQ(atomic_load(&r.head->full), 0); /* exactly the budget */
    ASSERT_INT_EQ(sim_rec_hold(&worker, 1), -1);
    ASSERT_INT_EQ(atomic_load(&r.head->full), 2);
    /* Given back, the events alone fit again. */
    atomic_store(&r.head->full, 0);
    ASSERT_INT_EQ(sim_rec_hold(&worker, -100 * SIM_BYTES_PER_EVENT), 0);
    ASSERT_INT_EQ(sim_rec_hold(&r, 100 * SIM_BYTES_PER_EVENT), 0);
    ASSERT_INT_EQ(atomic_load(&r.head->full), 0);

    /* Held first, then the events come: the recording sees the sum too. */
    sim_rec_deinit(&worker);
    sim_rec_deinit(&r);
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    ASSERT_INT_EQ(sim_rec_hold(&r, 101 * SIM_BYTES_PER_EVENT), 0);
    for (uint32_t i = 0; i < SIM_REC_CHUNK; i++)
        sim_rec_state(&r, 0, 0, i, SIM_ST_RUNNING, 0, 0);
    ASSERT_INT_EQ(atomic_load(&r.head->full), 2);
    sim_rec_deinit(&r);

    /* No budget: anything may be held. */
    d.events_budget = 0;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    ASSERT_INT_EQ(sim_rec_hold(&r, INT64_MAX / 2), 0);
    ASSERT_INT_EQ(atomic_load(&r.head->full), 0);
    sim_rec_deinit(&r);
}

/* Pages of [p, p + bytes) that are in memory now (mincore). */
static size_t resident_pages(const void *p, size_t bytes)
{
    size_t n = (bytes + 4095) / 4096, in = 0;
    unsigned char *v = malloc(n);
    ASSERT(v != NULL);
    ASSERT_INT_EQ(mincore((void *)p, n * 4096, v), 0);
    for (size_t i = 0; i < n; i++)
        in += v[i] & 1;
    free(v);
    return in;
}

/* The pages each writer is expected to fill are in memory before its
 * first event (no page fault during the run), the rest are not, and all
 * writers together get no more than SIM_REC_READY_BYTES. */
static void test_ready(void)
{
    enum { CAP = 10000, PAGE_EVENTS = 4096 / sizeof(sim_event) };
    const uint64_t big = (40u << 20) / sizeof(sim_event);
    uint64_t caps[3] = {CAP, CAP, big}, ready[3] = {1000, 0, big};
    for (int cross = 0; cross < 2; cross++) {
        sim_rec_desc d = {.model = SIM_MODEL_THREADING, .ntask_lanes = 3, .nwriters = 3,
                          .writer_cap = caps, .writer_ready = ready, .cross_process = cross};
        sim_rec r;
        ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
        uint64_t n;
        const sim_event *w0 = sim_rec_events(&r, 0, &n), *w1 = sim_rec_events(&r, 1, &n),
                        *w2 = sim_rec_events(&r, 2, &n);
        size_t first = (1000 + PAGE_EVENTS - 1) / PAGE_EVENTS; /* 8 pages */
        ASSERT_INT_EQ(resident_pages(w0, first * 4096), first);
        ASSERT_INT_EQ(resident_pages(w0 + first * PAGE_EVENTS, 4096 * 8), 0);
        ASSERT_INT_EQ(resident_pages(w1, CAP * sizeof(sim_event)), 0);
        /* The rest of the 32 MiB (a kernel that gives huge pages anyway,
         * THP "always", may bring up to 2 MiB more). */
        size_t left = (SIM_REC_READY_BYTES - first * 4096) / 4096,
               in = resident_pages(w2, (size_t)big * sizeof(sim_event));
        ASSERT(in >= left);
        ASSERT(in <= left + 512);
        /* Ready pages record as any: zeros until written. */
        ASSERT_INT_EQ(w0[0].t, 0);
        sim_rec_state(&r, 0, 0, 5, SIM_ST_RUNNING, 0, SIM_NO_CPU);
        ASSERT_INT_EQ(sim_rec_events(&r, 0, &n)[0].t, 5);
        ASSERT_INT_EQ(n, 1);
        sim_rec_deinit(&r);
    }
}

int main(void)
{
    test_basic();
    test_live_reader();
    test_release();
    test_hold();
    test_ready();
    return 0;
}
