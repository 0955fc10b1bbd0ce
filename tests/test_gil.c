/* test_gil.c - the GIL on its own: mutual exclusion, the drop request
 * after one interval, forced switching, giving up on a stop. The engine's
 * behaviour with it (hand-off rhythm, overlapping waits) is in
 * test_threading.c. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "calib.h"
#include "err.h"
#include "gil.h"
#include "rec.h"
#include "test.h"
#include "trace.h"

#define INTERVAL_NS 5000000ll

typedef struct fixture {
    sim_rec rec;
    sim_gil gil;
    atomic_int cancel;   /* what a Stop button sets */
    sim_stop stop;
    atomic_int inside;   /* threads between take and drop: must stay <= 1 */
    atomic_int max_inside;
    long counter;        /* plain: only ever touched under the GIL */
} fixture;

static void fixture_init(fixture *f, uint32_t nthreads)
{
    memset(f, 0, sizeof *f);
    uint8_t kind = SIM_LANE_GIL;
    sim_rec_desc d = {.model = SIM_MODEL_THREADING, .ntask_lanes = nthreads,
                      .nres_lanes = 1, .res_kind = &kind, .nwriters = nthreads};
    ASSERT_INT_EQ(sim_rec_init(&f->rec, &d), 0);
    ASSERT_INT_EQ(sim_gil_init(&f->gil, INTERVAL_NS, &f->rec, nthreads), 0);
    atomic_init(&f->cancel, 0);
    sim_stop_init(&f->stop, &f->cancel, 0, &f->rec);
    atomic_init(&f->inside, 0);
    atomic_init(&f->max_inside, 0);
}

static void fixture_deinit(fixture *f)
{
    sim_gil_deinit(&f->gil);
    sim_rec_finish(&f->rec, sim_rec_now(&f->rec), 0);
    sim_rec_deinit(&f->rec);
}

static void take(fixture *f, uint32_t id)
{
    int64_t t;
    ASSERT_INT_EQ(sim_gil_take(&f->gil, id, id, id, &f->stop, &t), 0);
    int n = atomic_fetch_add(&f->inside, 1) + 1;
    int m = atomic_load(&f->max_inside);
    while (n > m && !atomic_compare_exchange_weak(&f->max_inside, &m, n))
        ;
}

static void drop(fixture *f, uint32_t id)
{
    atomic_fetch_sub(&f->inside, 1);
    ASSERT_INT_EQ(sim_gil_drop(&f->gil, id, id, id, &f->stop), 0);
}

/* ---- mutual exclusion under churn ---- */

typedef struct arg {
    fixture *f;
    uint32_t id;
} arg;

static void *churn(void *p)
{
    arg *a = p;
    for (int round = 0; round < 200; round++) {
        take(a->f, a->id);
        for (int k = 0; k < 50; k++) {
            long v = a->f->counter; /* a read-modify-write that a race would break */
            sim_burn_sink(sim_burn(20, (uint64_t)v));
            a->f->counter = v + 1;
            if (sim_gil_drop_requested(&a->f->gil))
                break;
        }
        drop(a->f, a->id);
    }
    return NULL;
}

static void test_exclusion(void)
{
    enum { N = 4 };
    fixture f;
    fixture_init(&f, N);
    pthread_t th[N];
    arg args[N];
    for (uint32_t i = 0; i < N; i++) {
        args[i] = (arg){&f, i};
        ASSERT_INT_EQ(pthread_create(&th[i], NULL, churn, &args[i]), 0);
    }
    for (int i = 0; i < N; i++)
        ASSERT_INT_EQ(pthread_join(th[i], NULL), 0);
    ASSERT_INT_EQ(atomic_load(&f.max_inside), 1);
    ASSERT(f.counter >= N * 200);
    fixture_deinit(&f);
}

/* ---- a holder that never checks: the waiter asks after one interval ---- */

typedef struct waiter {
    fixture *f;
    int64_t asked_at;   /* when take() started */
    int64_t got_at;
} waiter;

static void *wait_for_it(void *p)
{
    waiter *w = p;
    w->asked_at = sim_rec_now(&w->f->rec);
    take(w->f, 1);
    w->got_at = sim_rec_now(&w->f->rec);
    drop(w->f, 1);
    return NULL;
}

static void test_drop_request_and_force_switch(void)
{
    fixture f;
    fixture_init(&f, 2);
    take(&f, 0);
    waiter w = {.f = &f};
    pthread_t th;
    ASSERT_INT_EQ(pthread_create(&th, NULL, wait_for_it, &w), 0);

    /* Hold for three intervals without looking ("a long C call"): the
     * request must come, but not before one interval. */
    int64_t t0 = sim_rec_now(&f.rec);
    while (!sim_gil_drop_requested(&f.gil)) {
        ASSERT_MSG(sim_rec_now(&f.rec) - t0 < 2000000000ll, "no drop request in 2 s");
        sim_burn_sink(sim_burn(1000, 1));
    }

    drop(&f, 0);  /* forced switching: returns once the waiter has it */
    int64_t returned = sim_rec_now(&f.rec);
    ASSERT_INT_EQ(pthread_join(th, NULL), 0);
    ASSERT(w.got_at > 0);

    sim_trace t;
    memset(&t, 0, sizeof t);
    ASSERT_INT_EQ(sim_trace_ingest(&t, &f.rec), 0);
    /* The request was recorded, by the waiter, at least an interval after
     * it started waiting. */
    int requests = 0;
    for (size_t i = 0; i < t.ninstants; i++) {
        if (t.instants[i].code != SIM_IN_DROP_REQUEST)
            continue;
        requests++;
        ASSERT_INT_EQ(t.instants[i].arg, 1);
        ASSERT_MSG(t.instants[i].t - w.asked_at >= INTERVAL_NS * 9 / 10,
                   "asked after %lld ns", (long long)(t.instants[i].t - w.asked_at));
    }
    ASSERT_INT_EQ(requests, 1);
    /* One hand-off, 0 -> 1, and the dropper came back only after it. */
    ASSERT_INT_EQ(t.nflows, 1);
    ASSERT_INT_EQ(t.flows[0].code, SIM_FL_HANDOFF);
    ASSERT_INT_EQ(t.flows[0].lane0, 0);
    ASSERT_INT_EQ(t.flows[0].lane1, 1);
    ASSERT(t.flows[0].t1 <= returned);
    ASSERT_INT_EQ(f.gil.handoffs, 1);
    /* The GIL lane: RUNNING 0, IDLE, RUNNING 1, IDLE. */
    const sim_lane *l = &t.lanes[2];
    ASSERT_INT_EQ(l->nmarks, 4);
    ASSERT_INT_EQ(l->marks[0].state, SIM_ST_RUNNING);
    ASSERT_INT_EQ(l->marks[0].arg, 0);
    ASSERT_INT_EQ(l->marks[1].state, SIM_ST_IDLE);
    ASSERT_INT_EQ(l->marks[2].state, SIM_ST_RUNNING);
    ASSERT_INT_EQ(l->marks[2].arg, 1);
    ASSERT_INT_EQ(l->marks[3].state, SIM_ST_IDLE);
    sim_trace_deinit(&t);
    fixture_deinit(&f);
}

/* ---- a waiter gives up when told to stop ---- */

typedef struct quitter {
    fixture *f;
    int rc;
    int64_t returned;
} quitter;

static void *give_up(void *p)
{
    quitter *q = p;
    int64_t t;
    q->rc = sim_gil_take(&q->f->gil, 1, 1, 1, &q->f->stop, &t);
    q->returned = sim_clock_ns();
    return NULL;
}

static void test_stop(void)
{
    fixture f;
    fixture_init(&f, 2);
    take(&f, 0);
    quitter q = {.f = &f};
    pthread_t th;
    ASSERT_INT_EQ(pthread_create(&th, NULL, give_up, &q), 0);
    struct timespec ts = {0, 30000000};
    nanosleep(&ts, NULL);
    int64_t asked = sim_clock_ns();
    atomic_store(&f.cancel, 1);
    ASSERT_INT_EQ(pthread_join(th, NULL), 0);
    ASSERT_INT_EQ(q.rc, SIM_E_CANCELLED);
    ASSERT(q.returned - asked < 200000000);
    /* The holder still holds it; its drop does not wait for a switch that
     * will never come. */
    atomic_fetch_sub(&f.inside, 1);
    int rc = sim_gil_drop(&f.gil, 0, 0, 0, &f.stop);
    ASSERT(rc == SIM_OK || rc == SIM_E_CANCELLED);
    fixture_deinit(&f);
}

int main(void)
{
    test_exclusion();
    test_drop_request_and_force_switch();
    test_stop();
    return 0;
}
