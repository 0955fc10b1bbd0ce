/* test_trace.c - lanes of marks: ordering, lookup, ingest, summaries. */
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "test.h"
#include "trace.h"

static sim_mark mk(int64_t t, sim_state s, uint32_t arg)
{
    return (sim_mark){.t = t, .arg = arg, .state = (uint8_t)s, .cpu = SIM_NO_CPU};
}

static void test_marks_sorted_and_lookup(void)
{
    sim_trace t;
    ASSERT_INT_EQ(sim_trace_init(&t, SIM_MODEL_THREADING, 2, 3), 0);
    t.lanes[2].kind = SIM_LANE_GIL;
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 0, mk(0, SIM_ST_READY, 0)), 0);
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 0, mk(30, SIM_ST_IO, 0)), 0);
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 0, mk(10, SIM_ST_RUNNING, 0)), 0); /* late */
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 0, mk(50, SIM_ST_DONE, 0)), 0);
    ASSERT(sim_trace_add_mark(&t, 9, mk(1, SIM_ST_DONE, 0)) != 0); /* no such lane */
    const sim_lane *l = &t.lanes[0];
    ASSERT_INT_EQ(l->nmarks, 4);
    for (size_t i = 1; i < l->nmarks; i++)
        ASSERT(l->marks[i - 1].t <= l->marks[i].t);
    ASSERT_INT_EQ(l->marks[1].state, SIM_ST_RUNNING);
    ASSERT_INT_EQ(sim_lane_mark_at(l, -1), -1);
    ASSERT_INT_EQ(sim_lane_mark_at(l, 0), 0);
    ASSERT_INT_EQ(sim_lane_mark_at(l, 29), 1);
    ASSERT_INT_EQ(sim_lane_mark_at(l, 30), 2);
    ASSERT_INT_EQ(sim_lane_mark_at(l, 1000), 3);
    t.end_ns = 60;
    ASSERT_INT_EQ(sim_lane_seg_end(&t, l, 1), 30);
    ASSERT_INT_EQ(sim_lane_seg_end(&t, l, 3), 60);

    char name[32];
    sim_lane_name(&t, 1, name, sizeof name);
    ASSERT_STR_EQ(name, "task 1");
    sim_lane_name(&t, 2, name, sizeof name);
    ASSERT_STR_EQ(name, "GIL");

    sim_task_stat st;
    t.lanes[0].cpu_ns = 20;
    sim_trace_task_stat(&t, 0, &st);
    ASSERT_INT_EQ(st.start_ns, 10);
    ASSERT_INT_EQ(st.end_ns, 50);
    ASSERT_INT_EQ(st.cpu_ns, 20);
    sim_trace_task_stat(&t, 1, &st);
    ASSERT_INT_EQ(st.start_ns, -1);
    ASSERT_INT_EQ(st.end_ns, -1);

    /* Two hand-offs and a task that never finished: wall is the run's end. */
    sim_tflow f = {.t0 = 5, .t1 = 6, .lane0 = 0, .lane1 = 1, .code = SIM_FL_HANDOFF};
    ASSERT_INT_EQ(sim_trace_add_flow(&t, f), 0);
    f.t1 = 3;
    ASSERT_INT_EQ(sim_trace_add_flow(&t, f), 0);
    ASSERT_INT_EQ(t.flows[0].t1, 3);
    sim_summary s;
    sim_trace_summarize(&t, 100, 2, &s);
    ASSERT_INT_EQ(s.switches, 2);
    ASSERT_INT_EQ(s.tasks_done, 1);
    ASSERT_INT_EQ(s.wall_ns, 60);
    ASSERT_INT_EQ(s.cpu_ns, 20);
    sim_trace_deinit(&t);
}

static void test_loop_switches(void)
{
    sim_trace t;
    ASSERT_INT_EQ(sim_trace_init(&t, SIM_MODEL_ASYNCIO, 2, 3), 0);
    t.lanes[2].kind = SIM_LANE_LOOP;
    /* loop runs 0, idles, runs 0 again, runs 1, runs 0: two switches */
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 2, mk(0, SIM_ST_RUNNING, 0)), 0);
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 2, mk(1, SIM_ST_IDLE, SIM_NO_TASK)), 0);
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 2, mk(2, SIM_ST_RUNNING, 0)), 0);
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 2, mk(3, SIM_ST_RUNNING, 1)), 0);
    ASSERT_INT_EQ(sim_trace_add_mark(&t, 2, mk(4, SIM_ST_RUNNING, 0)), 0);
    for (uint32_t k = 0; k < 2; k++) {
        ASSERT_INT_EQ(sim_trace_add_mark(&t, k, mk(0, SIM_ST_RUNNING, 0)), 0);
        ASSERT_INT_EQ(sim_trace_add_mark(&t, k, mk(10 + k, SIM_ST_DONE, 0)), 0);
    }
    sim_summary s;
    sim_trace_summarize(&t, 22, 1, &s);
    ASSERT_INT_EQ(s.switches, 2);
    ASSERT_INT_EQ(s.wall_ns, 11);
    ASSERT(s.speedup > 1.99 && s.speedup < 2.01);
    sim_trace_deinit(&t);
}

/* Two writers write the same lane; the second publishes an older event
 * after a newer one was ingested: the lane stays sorted. */
static void test_ingest(void)
{
    uint8_t kinds[2] = {SIM_LANE_WORKER, SIM_LANE_WORKER};
    sim_rec_desc d = {.model = SIM_MODEL_MULTIPROCESSING, .ntask_lanes = 2,
                      .nres_lanes = 2, .res_kind = kinds, .nwriters = 2};
    sim_rec r;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    sim_trace t = {0};
    sim_rec_state(&r, 0, 0, 0, SIM_ST_READY, 0, SIM_NO_CPU);
    sim_rec_state(&r, 0, 0, 100, SIM_ST_DONE, 0, SIM_NO_CPU);
    ASSERT_INT_EQ(sim_trace_ingest(&t, &r), 0);
    ASSERT_INT_EQ(t.nlanes, 4);
    ASSERT_INT_EQ(t.ntasks, 2);
    ASSERT_INT_EQ(t.model, SIM_MODEL_MULTIPROCESSING);
    ASSERT_INT_EQ(t.lanes[3].kind, SIM_LANE_WORKER);
    ASSERT_INT_EQ(t.lanes[3].index, 1);
    ASSERT_INT_EQ(t.end_ns, -1);
    ASSERT_INT_EQ(t.lanes[0].nmarks, 2);
    sim_rec_state(&r, 1, 0, 50, SIM_ST_RUNNING, 0, 1);
    sim_rec_instant(&r, 1, 2, 40, SIM_IN_SPAWN, 1234);
    sim_rec_task_cpu(&r, 1, 0, 45);
    sim_rec_finish(&r, 120, 0);
    ASSERT_INT_EQ(sim_trace_ingest(&t, &r), 0);
    ASSERT_INT_EQ(t.lanes[0].nmarks, 3);
    ASSERT_INT_EQ(t.lanes[0].marks[1].t, 50);
    ASSERT_INT_EQ(t.lanes[0].marks[1].state, SIM_ST_RUNNING);
    ASSERT_INT_EQ(t.lanes[0].marks[1].cpu, 1);
    ASSERT_INT_EQ(t.lanes[0].cpu_ns, 45);
    ASSERT_INT_EQ(t.ninstants, 1);
    ASSERT_INT_EQ(t.instants[0].arg, 1234);
    ASSERT_INT_EQ(t.end_ns, 120);
    /* Ingesting again adds nothing. */
    ASSERT_INT_EQ(sim_trace_ingest(&t, &r), 0);
    ASSERT_INT_EQ(t.lanes[0].nmarks, 3);
    sim_trace_deinit(&t);
    sim_rec_deinit(&r);
}

/* The combined events (sim_rec_run, sim_rec_await, sim_rec_state_range)
 * give exactly the trace their separate events give. */
static void test_combined_events(void)
{
    uint8_t kinds[1] = {SIM_LANE_LOOP};
    sim_rec_desc d = {.model = SIM_MODEL_ASYNCIO, .ntask_lanes = 3, .nres_lanes = 1,
                      .res_kind = kinds, .nwriters = 1};
    sim_rec a, b;
    ASSERT_INT_EQ(sim_rec_init(&a, &d), 0);
    ASSERT_INT_EQ(sim_rec_init(&b, &d), 0);
    sim_rec_state_range(&a, 0, 0, 3, 0, SIM_ST_READY, 0);
    for (uint32_t i = 0; i < 3; i++)
        sim_rec_state(&b, 0, i, 0, SIM_ST_READY, 0, SIM_NO_CPU);
    for (uint32_t i = 0; i < 3; i++) {
        int64_t t = 10 + 10 * i;
        sim_rec_run(&a, 0, i, t, 3, SIM_NO_CPU);
        sim_rec_await(&a, 0, i, t + 5, i == 1 ? SIM_ST_READY : SIM_ST_IO);
        sim_rec_state(&b, 0, i, t, SIM_ST_RUNNING, 0, SIM_NO_CPU);
        sim_rec_state(&b, 0, 3, t, SIM_ST_RUNNING, i, SIM_NO_CPU);
        sim_rec_instant(&b, 0, i, t + 5, SIM_IN_AWAIT, 0);
        sim_rec_state(&b, 0, i, t + 5, i == 1 ? SIM_ST_READY : SIM_ST_IO, 0, SIM_NO_CPU);
    }
    sim_rec_state_range(&a, 0, 2, 0, 50, SIM_ST_DONE, 0); /* no lanes: nothing */
    uint64_t na, nb;
    sim_rec_events(&a, 0, &na);
    sim_rec_events(&b, 0, &nb);
    ASSERT_INT_EQ(na, 1 + 2 * 3);
    ASSERT_INT_EQ(nb, 3 + 4 * 3);
    sim_rec_finish(&a, 60, 0);
    sim_rec_finish(&b, 60, 0);
    sim_trace ta = {0}, tb = {0};
    ASSERT_INT_EQ(sim_trace_ingest(&ta, &a), 0);
    ASSERT_INT_EQ(sim_trace_ingest(&tb, &b), 0);
    for (uint32_t l = 0; l < 4; l++) {
        ASSERT_INT_EQ(ta.lanes[l].nmarks, tb.lanes[l].nmarks);
        ASSERT(memcmp(ta.lanes[l].marks, tb.lanes[l].marks,
                      ta.lanes[l].nmarks * sizeof(sim_mark)) == 0);
    }
    ASSERT_INT_EQ(ta.ninstants, 3);
    ASSERT_INT_EQ(ta.ninstants, tb.ninstants);
    for (size_t i = 0; i < ta.ninstants; i++) {
        ASSERT_INT_EQ(ta.instants[i].t, tb.instants[i].t);
        ASSERT_INT_EQ(ta.instants[i].lane, tb.instants[i].lane);
        ASSERT_INT_EQ(ta.instants[i].code, tb.instants[i].code);
        ASSERT_INT_EQ(ta.instants[i].arg, tb.instants[i].arg);
    }
    ASSERT_INT_EQ(ta.states_seen, tb.states_seen);
    ASSERT_INT_EQ(ta.instants_seen, tb.instants_seen);
    sim_trace_deinit(&ta);
    sim_trace_deinit(&tb);
    sim_rec_deinit(&a);
    sim_rec_deinit(&b);
}

/* A consuming reader builds the same trace as one that only reads, while
 * the recording gives its memory back; and lanes of every length (the
 * pool's classes, and past them) keep every mark. */
static void test_consume(void)
{
    enum { LANES = 300, ROUNDS = 40 };
    sim_rec_desc d = {.model = SIM_MODEL_THREADING, .ntask_lanes = LANES, .nwriters = 1,
                      .writer_cap = (uint64_t[]){1u << 20}};
    sim_rec a;
    ASSERT_INT_EQ(sim_rec_init(&a, &d), 0);
    sim_trace keep = {0}, eat = {0};
    int64_t t = 0;
    for (int round = 0; round < ROUNDS; round++) {
        /* lane i gets about i * round / 8 marks in all: from one to 1500 */
        for (uint32_t i = 0; i < LANES; i++)
            for (uint32_t k = 0; k < i / 8 + 1; k++) {
                t++;
                sim_rec_state(&a, 0, i, t, (sim_state)(1 + t % 3), (uint32_t)t, SIM_NO_CPU);
            }
        ASSERT_INT_EQ(sim_trace_ingest(&keep, &a), 0);
        ASSERT_INT_EQ(sim_trace_consume(&eat, &a), 0);
    }
    ASSERT(sim_rec_released(&a, 0) > 0);
    sim_rec_finish(&a, t + 1, 0);
    ASSERT_INT_EQ(sim_trace_consume(&eat, &a), 0);
    for (uint32_t i = 0; i < LANES; i++) {
        ASSERT_INT_EQ(eat.lanes[i].nmarks, (i / 8 + 1) * ROUNDS);
        ASSERT_INT_EQ(eat.lanes[i].nmarks, keep.lanes[i].nmarks);
        ASSERT(memcmp(eat.lanes[i].marks, keep.lanes[i].marks,
                      eat.lanes[i].nmarks * sizeof(sim_mark)) == 0);
        for (uint32_t k = 1; k < eat.lanes[i].nmarks; k++)
            ASSERT(eat.lanes[i].marks[k].t > eat.lanes[i].marks[k - 1].t);
    }
    sim_trace_deinit(&keep);
    sim_trace_deinit(&eat);
    sim_rec_deinit(&a);
}

/* ---- folding what is too dense (trace.h, "Dense lanes") ---- */

/* A trace of `nl` lanes of random segments, from 1 ns to 40 us long (most
 * of them under 60 ns: a dense lane), and random instants; the same each
 * time for the same seed. */
static void random_trace(sim_trace *t, uint32_t nl, uint64_t seed)
{
    ASSERT_INT_EQ(sim_trace_init(t, SIM_MODEL_ASYNCIO, nl, nl), 0);
    uint64_t x = seed;
    for (uint32_t l = 0; l < nl; l++) {
        int64_t at = (int64_t)(x % 1000);
        for (int k = 0; k < 3000; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            sim_state st = (sim_state)(1 + x % 4);
            ASSERT_INT_EQ(sim_trace_add_mark(t, l, mk(at, st, (uint32_t)(x >> 40) % 3)), 0);
            if (x % 5 == 0) {
                sim_tinstant in = {.t = at, .lane = l, .code = (uint8_t)(x >> 8) % 2,
                                   .arg = 7};
                ASSERT_INT_EQ(sim_trace_add_instant(t, in), 0);
            }
            at += (x >> 20) % 32 == 0 ? 1000 + (int64_t)((x >> 24) % 40000)
                                     : 1 + (int64_t)((x >> 24) % 60);
        }
    }
    t->end_ns = t->now_ns + 1;
}

/* Time and count per state before the horizon, exact segments and dense
 * records together (no late marks here, so the shares are exact). */
static void state_ns(const sim_trace *t, uint32_t l, int64_t horizon, int64_t ns[SIM_ST__COUNT],
                     int64_t count[SIM_ST__COUNT])
{
    memset(ns, 0, sizeof(int64_t) * SIM_ST__COUNT);
    memset(count, 0, sizeof(int64_t) * SIM_ST__COUNT);
    const sim_lane *ln = &t->lanes[l];
    for (size_t i = 0; i + 1 < ln->nmarks && ln->marks[i + 1].t <= horizon; i++) {
        if (ln->marks[i].state == SIM_ST_DENSE) {
            ASSERT(ln->marks[i].arg < t->ndense);
            const sim_tdense *d = &t->dense[ln->marks[i].arg];
            int64_t sum = 0, segs = 0;
            for (int s = 0; s < SIM_ST__COUNT; s++) {
                ns[s] += d->ns[s];
                count[s] += d->n[s];
                sum += d->ns[s];
                segs += d->n[s];
            }
            ASSERT_INT_EQ(sum, ln->marks[i + 1].t - ln->marks[i].t);
            ASSERT_INT_EQ(segs, d->segs);
        } else {
            ns[ln->marks[i].state] += ln->marks[i + 1].t - ln->marks[i].t;
            count[ln->marks[i].state]++;
        }
    }
}

static uint64_t instants_of(const sim_trace *t, uint32_t lane, uint8_t code)
{
    uint64_t n = 0;
    for (size_t i = 0; i < t->ninstants; i++)
        if (t->instants[i].lane == lane && t->instants[i].code == code)
            n += 1 + (uint64_t)t->instants[i].more;
    return n;
}

static void test_fold(void)
{
    enum { NL = 4 };
    const int64_t q = 4096;
    sim_trace t, once, twice, orig;
    random_trace(&t, NL, 88172645463325252ull);
    random_trace(&orig, NL, 88172645463325252ull);
    random_trace(&once, NL, 88172645463325252ull);
    random_trace(&twice, NL, 88172645463325252ull);
    int64_t horizon = t.now_ns - 50000;
    int64_t before[NL][SIM_ST__COUNT], nbefore[NL][SIM_ST__COUNT];
    uint64_t inst[NL][2];
    for (uint32_t l = 0; l < NL; l++) {
        state_ns(&t, l, INT64_MAX, before[l], nbefore[l]);
        inst[l][0] = instants_of(&t, l, 0);
        inst[l][1] = instants_of(&t, l, 1);
    }
    int64_t bytes0 = sim_trace_bytes(&t);
    ASSERT_INT_EQ(sim_trace_fold(&once, 2 * q, horizon), 0);
    ASSERT_INT_EQ(sim_trace_fold(&twice, q, horizon), 0);
    ASSERT_INT_EQ(twice.resolution_ns, q);
    ASSERT_INT_EQ(sim_trace_fold(&twice, 2 * q, horizon), 0);
    ASSERT_INT_EQ(sim_trace_fold(&t, q, horizon), 0);

    ASSERT(sim_trace_bytes(&t) < bytes0 / 2);
    ASSERT(t.states_seen & (1u << SIM_ST_DENSE));
    for (uint32_t l = 0; l < NL; l++) {
        const sim_lane *ln = &t.lanes[l];
        /* The time each state took is all there, exact or summarized. */
        int64_t after[SIM_ST__COUNT], nafter[SIM_ST__COUNT];
        state_ns(&t, l, INT64_MAX, after, nafter);
        for (int s = 0; s < SIM_ST__COUNT; s++)
            if (s != SIM_ST_DENSE) {
                ASSERT_INT_EQ(after[s], before[l][s]);
                ASSERT_INT_EQ(nafter[s], nbefore[l][s]);
            }
        /* Sorted; long states and everything past the horizon exact; at
         * most three marks per step of q. */
        size_t dense = 0, long_exact = 0;
        for (size_t i = 0; i < ln->nmarks; i++) {
            if (i)
                ASSERT(ln->marks[i].t > ln->marks[i - 1].t);
            int64_t len = sim_lane_seg_end(&t, ln, i) - ln->marks[i].t;
            dense += ln->marks[i].state == SIM_ST_DENSE;
            if (ln->marks[i].state == SIM_ST_DENSE)
                ASSERT(ln->marks[i].t <= horizon);
            else if (len >= q)
                long_exact++;
        }
        ASSERT(dense > 0);
        ASSERT(ln->nmarks <= 3 * (size_t)(horizon / q) + 3 + 3000);
        /* Instants: every one counted, the kept ones first in their step. */
        ASSERT_INT_EQ(instants_of(&t, l, 0), inst[l][0]);
        ASSERT_INT_EQ(instants_of(&t, l, 1), inst[l][1]);
        /* Folding at q then 2q is folding at 2q. */
        const sim_lane *a = &once.lanes[l], *b = &twice.lanes[l];
        ASSERT_INT_EQ(a->nmarks, b->nmarks);
        for (size_t i = 0; i < a->nmarks; i++) {
            ASSERT_INT_EQ(a->marks[i].t, b->marks[i].t);
            ASSERT_INT_EQ(a->marks[i].state, b->marks[i].state);
            if (a->marks[i].state != SIM_ST_DENSE) {
                ASSERT_INT_EQ(a->marks[i].arg, b->marks[i].arg);
                continue;
            }
            const sim_tdense *da = &once.dense[a->marks[i].arg], *db = &twice.dense[b->marks[i].arg];
            ASSERT_INT_EQ(da->segs, db->segs);
            ASSERT_INT_EQ(da->arg_changes, db->arg_changes);
            ASSERT(memcmp(da->n, db->n, sizeof da->n) == 0);
            ASSERT(memcmp(da->ns, db->ns, sizeof da->ns) == 0);
        }
        /* Every state that lasted q or longer is still there, exactly:
         * the changes the window can show at this resolution. */
        const sim_lane *o = &orig.lanes[l];
        size_t kept = 0, j = 0;
        for (size_t i = 0; i < o->nmarks; i++) {
            int64_t len = sim_lane_seg_end(&orig, o, i) - o->marks[i].t;
            if (len < q)
                continue;
            while (j < ln->nmarks && ln->marks[j].t < o->marks[i].t)
                j++;
            ASSERT(j < ln->nmarks);
            ASSERT_INT_EQ(ln->marks[j].t, o->marks[i].t);
            ASSERT_INT_EQ(ln->marks[j].state, o->marks[i].state);
            ASSERT_INT_EQ(ln->marks[j].arg, o->marks[i].arg);
            kept++;
        }
        ASSERT(kept > 0 && long_exact >= kept);
    }
    for (size_t i = 1; i < t.ninstants; i++)
        ASSERT(t.instants[i].t >= t.instants[i - 1].t);
    for (size_t i = 0; i < t.ninstants; i++)
        for (size_t j = i + 1; j < t.ninstants && t.instants[j].t / q == t.instants[i].t / q; j++)
            ASSERT(t.instants[i].t >= horizon || t.instants[j].lane != t.instants[i].lane ||
                   t.instants[j].code != t.instants[i].code);
    /* Its split: the shares of a dense mark over its own span add up. */
    for (size_t i = 0; i < t.lanes[0].nmarks; i++)
        if (t.lanes[0].marks[i].state == SIM_ST_DENSE) {
            int64_t ns[SIM_ST__COUNT], sum = 0;
            int64_t s0 = t.lanes[0].marks[i].t, s1 = sim_lane_seg_end(&t, &t.lanes[0], i);
            sim_dense_split(&t, &t.lanes[0], i, s0, s1, ns);
            for (int k = 0; k < SIM_ST__COUNT; k++)
                sum += ns[k];
            ASSERT(sum <= s1 - s0 && sum >= s1 - s0 - SIM_ST__COUNT);
            break;
        }
    char line[300];
    ASSERT(sim_trace_detail_sentence(&t, line, sizeof line) > 0);
    ASSERT(strstr(line, "summarized") != NULL);
    sim_trace_deinit(&t);
    sim_trace_deinit(&once);
    sim_trace_deinit(&twice);
    sim_trace_deinit(&orig);
}

/* Ingesting with a budget folds as it goes and stays near the budget. */
/* Pages of [p, p + bytes) in memory now (mincore), whole pages only. */
static size_t resident_pages(const void *p, size_t bytes)
{
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095,
              b = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (b <= a)
        return 0;
    size_t n = (b - a) / 4096, in = 0;
    unsigned char *v = malloc(n);
    ASSERT(v != NULL);
    ASSERT_INT_EQ(mincore((void *)a, b - a, v), 0);
    for (size_t i = 0; i < n; i++)
        in += v[i] & 1;
    free(v);
    return in;
}

/* A fold while the run goes on keeps the pages it emptied at the end of a
 * lane's array (the marks that follow fill them again: given back, each
 * would fault once more per fold); a fold after the run gives them back. */
static void test_fold_keeps_pages(void)
{
    sim_trace t;
    ASSERT_INT_EQ(sim_trace_init(&t, SIM_MODEL_ASYNCIO, 1, 1), 0);
    /* 200,000 states of 10 ns: 3 MiB of marks, an array of its own. */
    for (int k = 0; k < 200000; k++)
        ASSERT_INT_EQ(sim_trace_add_mark(&t, 0, mk(10 * (int64_t)k, 1 + k % 2, 0)), 0);
    const sim_lane *l = &t.lanes[0];
    size_t full = l->nmarks * sizeof *l->marks;
    ASSERT(l->cap * sizeof *l->marks >= ((size_t)1 << 20));

    ASSERT_INT_EQ(sim_trace_fold(&t, 4096, t.now_ns - 1000), 0);
    ASSERT(l->nmarks < 10000);
    size_t kept = l->nmarks * sizeof *l->marks, tail = full - kept;
    size_t in = resident_pages((const char *)l->marks + kept, tail);
    ASSERT_MSG(in + 1 >= tail / 4096, "%zu of %zu emptied pages kept", in, tail / 4096);

    ASSERT_INT_EQ(sim_trace_fold(&t, 4096, INT64_MAX), 0);
    kept = l->nmarks * sizeof *l->marks;
    in = resident_pages((const char *)l->marks + kept, full - kept);
    ASSERT_MSG(in == 0, "%zu pages still in memory after the run's last fold", in);
    sim_trace_deinit(&t);
}

static void test_fold_budget(void)
{
    sim_rec_desc d = {.model = SIM_MODEL_ASYNCIO, .ntask_lanes = 2, .nwriters = 1,
                      .writer_cap = (uint64_t[]){1u << 22}};
    sim_rec r;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    sim_trace t = {0};
    const int64_t budget = 1 << 20;
    sim_trace_set_budget(&t, budget);
    int64_t at = 0;
    for (int round = 0; round < 40; round++) {
        for (int k = 0; k < 50000; k++) {
            at += 50 + k % 7;
            sim_rec_state(&r, 0, k & 1, at, k % 3 ? SIM_ST_READY : SIM_ST_RUNNING, 0,
                          SIM_NO_CPU);
        }
        ASSERT_INT_EQ(sim_trace_consume(&t, &r), 0);
        ASSERT(sim_trace_bytes(&t) <= budget || t.now_ns - at < SIM_DENSE_HORIZON_NS);
    }
    sim_rec_finish(&r, at + 1, 0);
    ASSERT_INT_EQ(sim_trace_consume(&t, &r), 0);
    ASSERT(sim_trace_bytes(&t) <= budget);
    ASSERT(t.resolution_ns > 0);
    sim_trace_deinit(&t);
    sim_rec_deinit(&r);
}

/* The counters sentence, for real runs and for saved runs holding any
 * numbers at all: values near INT64_MIN / INT64_MAX must neither overflow
 * (UBSan in the sanitizer build would stop here) nor print a wrong count. */
static void test_counter_sentence(void)
{
    static const struct {
        int64_t expected, final;
        int has_final, shared;
        sim_model model;
        int lost_ok;          /* sim_counter_lost returns 0 */
        int64_t lost;
        const char *want;
    } cases[] = {
        {200000, 187000, 1, 0, SIM_MODEL_FREE_THREADING, 1, 13000,
         "hits: 187000 of 200000 updates kept, 13000 lost"},
        {200000, 200000, 1, 0, SIM_MODEL_THREADING, 1, 0,
         "hits: 200000 of 200000 updates kept, none lost"},
        {1, 1, 1, 0, SIM_MODEL_ASYNCIO, 1, 0, "hits: 1 of 1 update kept, none lost"},
        {40, 0, 1, 0, SIM_MODEL_MULTIPROCESSING, 1, 40,
         "hits: 0 of 40 updates kept, 40 lost: each process changed its own copy"},
        {40, 31, 1, 1, SIM_MODEL_MULTIPROCESSING, 1, 9,
         "hits: 31 of 40 updates kept, 9 lost"},
        {40, 0, 0, 0, SIM_MODEL_THREADING, 0, 0, ""},
        /* Saved runs with numbers no run makes. */
        {INT64_MAX, INT64_MIN, 1, 0, SIM_MODEL_THREADING, 0, 0,
         "hits: ended at -9223372036854775808 after 9223372036854775807 updates "
         "(cannot tell how many were lost)"},
        {INT64_MIN, INT64_MAX, 1, 0, SIM_MODEL_THREADING, 0, 0,
         "hits: ended at 9223372036854775807 after -9223372036854775808 updates "
         "(cannot tell how many were lost)"},
        {INT64_MIN, 1, 1, 0, SIM_MODEL_THREADING, 0, 0,
         "hits: ended at 1 after -9223372036854775808 updates "
         "(cannot tell how many were lost)"},
        {INT64_MAX, -1, 1, 0, SIM_MODEL_THREADING, 0, 0,
         "hits: ended at -1 after 9223372036854775807 updates "
         "(cannot tell how many were lost)"},
        /* The extremes that do fit. */
        {INT64_MAX, 0, 1, 0, SIM_MODEL_THREADING, 1, INT64_MAX,
         "hits: 0 of 9223372036854775807 updates kept, 9223372036854775807 lost"},
        {INT64_MAX, INT64_MAX, 1, 0, SIM_MODEL_THREADING, 1, 0,
         "hits: 9223372036854775807 of 9223372036854775807 updates kept, none lost"},
        {-1, INT64_MAX, 1, 0, SIM_MODEL_THREADING, 1, INT64_MIN,
         "hits: ended at 9223372036854775807 after -1 updates "
         "(cannot tell how many were lost)"},
        {10, 12, 1, 0, SIM_MODEL_THREADING, 1, -2,
         "hits: ended at 12 after 10 updates (cannot tell how many were lost)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_tcounter c = {.name = "hits", .expected = cases[i].expected,
                          .final = cases[i].final, .has_final = cases[i].has_final,
                          .shared = cases[i].shared};
        int64_t lost = 12345;
        int rc = sim_counter_lost(&c, &lost);
        ASSERT_MSG(rc == (cases[i].lost_ok ? 0 : -1), "case %zu: rc %d", i, rc);
        if (cases[i].lost_ok)
            ASSERT_MSG(lost == cases[i].lost, "case %zu: lost %lld", i, (long long)lost);
        char buf[256];
        size_t len = sim_counter_sentence(&c, cases[i].model, buf, sizeof buf);
        ASSERT_STR_EQ(buf, cases[i].want);
        ASSERT_INT_EQ(len, strlen(cases[i].want));
    }
    /* Cut to fit, and always terminated. */
    sim_tcounter c = {.name = "hits", .expected = 200000, .final = 187000, .has_final = 1};
    char small[12];
    size_t len = sim_counter_sentence(&c, SIM_MODEL_THREADING, small, sizeof small);
    ASSERT_STR_EQ(small, "hits: 18700");
    ASSERT_INT_EQ(len, sizeof small - 1);
    ASSERT_INT_EQ(sim_counter_sentence(&c, SIM_MODEL_THREADING, small, 0), 0);
}

/* Equal times keep the order they came in: one writer's two marks at the
 * same instant stay as written, and a late one of the same time from
 * another writer goes after them. */
static void test_ingest_ties(void)
{
    uint8_t kinds[1] = {SIM_LANE_GIL};
    sim_rec_desc d = {.model = SIM_MODEL_THREADING, .ntask_lanes = 1, .nres_lanes = 1,
                      .res_kind = kinds, .nwriters = 2};
    sim_rec r;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    sim_trace t = {0};
    sim_rec_state(&r, 0, 1, 5, SIM_ST_RUNNING, 0, SIM_NO_CPU);
    sim_rec_state(&r, 0, 1, 5, SIM_ST_IDLE, 1, SIM_NO_CPU);
    sim_rec_state(&r, 0, 1, 9, SIM_ST_RUNNING, 2, SIM_NO_CPU);
    ASSERT_INT_EQ(sim_trace_ingest(&t, &r), 0);
    sim_rec_state(&r, 1, 1, 5, SIM_ST_RUNNING, 3, SIM_NO_CPU);
    sim_rec_state(&r, 1, 1, 3, SIM_ST_IDLE, 4, SIM_NO_CPU); /* out of order in its writer */
    ASSERT_INT_EQ(sim_trace_ingest(&t, &r), 0);
    static const uint32_t want[] = {4, 0, 1, 3, 2};
    ASSERT_INT_EQ(t.lanes[1].nmarks, 5);
    for (int i = 0; i < 5; i++)
        ASSERT_INT_EQ(t.lanes[1].marks[i].arg, want[i]);
    sim_trace_deinit(&t);
    sim_rec_deinit(&r);
}

/* ---- many writers, each late ---------------------------------------------
 *
 * K writers share one resource lane (as threads share the GIL lane) and
 * each has a task lane of its own; events go to lanes, instants and flows.
 * They are recorded in time order, one writer at a time at random, but
 * each writer publishes only what is some distance behind the present, and
 * writer 0 nothing at all until the run ends, while the reader ingests
 * every frame: nearly every event is late, some by the whole run. A second
 * reader ingests the whole run at once, writer after writer (as `run`
 * does). Both traces must come out exactly as the events sorted by time,
 * and the work of keeping them sorted must grow with the events, not with
 * their square: inserting each late event where it belongs would move
 * everything after it. */
enum { K = 32, FRAME = 64, LAG = 256 };

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

typedef struct staged {
    uint64_t *gidx;   /* global index of each staged event, per writer */
    uint64_t n, published;
} staged;

static sim_event *slot_of(sim_rec *r, uint32_t w, uint64_t i)
{
    return (sim_event *)((char *)r->head + r->writers[w].offset) + i;
}

/* Event i of the run: when, which writer, and what. */
static sim_event event_of(uint64_t i, uint32_t *writer)
{
    uint32_t h = mix((uint32_t)i * 2654435761u + 1);
    uint32_t w = h % K, kind = (h >> 8) % 20;
    int64_t t = 3 * (int64_t)i + 1;
    sim_event e = {.t = t, .cpu = (uint16_t)(h >> 20) % 4};
    *writer = w;
    if (kind < 10) {
        e.type = SIM_EV_STATE;
        e.lane = K;
        e.code = (uint8_t)(i % 2 ? SIM_ST_RUNNING : SIM_ST_IDLE);
        e.arg = w;
    } else if (kind < 14) {
        e.type = SIM_EV_STATE;
        e.lane = w;
        e.code = (uint8_t)(SIM_ST_READY + i % 3);
        e.arg = (uint32_t)i;
    } else if (kind < 17) {
        e.type = SIM_EV_INSTANT;
        e.lane = w;
        e.code = SIM_IN_AWAIT;
        e.arg = (uint32_t)i;
    } else {
        e.type = SIM_EV_FLOW;
        e.lane = K;
        e.from_lane = w;
        e.v = t - 2;
        e.code = SIM_FL_HANDOFF;
    }
    return e;
}

/* The trace must hold exactly the events, each array in time order. */
static void same_as_reference(const sim_trace *t, uint64_t n)
{
    size_t lane_n[K + 1] = {0}, ni = 0, nf = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t w;
        sim_event e = event_of(i, &w);
        if (e.type == SIM_EV_STATE) {
            const sim_mark *m = &t->lanes[e.lane].marks[lane_n[e.lane]++];
            ASSERT_MSG(m->t == e.t && m->arg == e.arg && m->state == e.code &&
                           m->cpu == e.cpu, "event %llu: lane %u mark %zu",
                       (unsigned long long)i, e.lane, lane_n[e.lane] - 1);
        } else if (e.type == SIM_EV_INSTANT) {
            const sim_tinstant *in = &t->instants[ni++];
            ASSERT(in->t == e.t && in->lane == e.lane && in->arg == e.arg);
        } else {
            const sim_tflow *f = &t->flows[nf++];
            ASSERT(f->t1 == e.t && f->t0 == e.v && f->lane0 == w && f->lane1 == K);
        }
    }
    for (uint32_t l = 0; l <= K; l++)
        ASSERT_INT_EQ(t->lanes[l].nmarks, lane_n[l]);
    ASSERT_INT_EQ(t->ninstants, ni);
    ASSERT_INT_EQ(t->nflows, nf);
}

/* Runs n events; returns the live reader's work, and sets the most work
 * one frame took (the last excepted: it takes writer 0's whole run) and
 * the work of the reader that took the run at once. */
static uint64_t run_adversarial(uint64_t n, uint64_t *max_frame_work, uint64_t *work_once)
{
    uint8_t kinds[1] = {SIM_LANE_GIL};
    uint64_t caps[K];
    for (int w = 0; w < K; w++)
        caps[w] = n / 8 + 64;  /* each writer gets about n/K */
    sim_rec_desc d = {.model = SIM_MODEL_THREADING, .ntask_lanes = K, .nres_lanes = 1,
                      .res_kind = kinds, .nwriters = K, .writer_cap = caps};
    sim_rec r;
    ASSERT_INT_EQ(sim_rec_init(&r, &d), 0);
    staged st[K];
    for (int w = 0; w < K; w++) {
        st[w] = (staged){.gidx = malloc(caps[w] * sizeof(uint64_t))};
        ASSERT(st[w].gidx);
    }
    sim_trace t = {0};
    *max_frame_work = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t w;
        sim_event e = event_of(i, &w);
        *slot_of(&r, w, st[w].n) = e;
        st[w].gidx[st[w].n++] = i;
        if ((i + 1) % FRAME && i + 1 < n)
            continue;
        /* A frame: each writer publishes what is its lag behind now;
         * writer 0 keeps everything until the end. */
        for (uint32_t v = 1; v < K; v++) {
            uint64_t lag = 1 + (v * 37u) % LAG;
            uint64_t p = st[v].published;
            while (p < st[v].n && st[v].gidx[p] + lag <= i)
                p++;
            st[v].published = p;
            atomic_store_explicit(&r.writers[v].count, p, memory_order_release);
        }
        uint64_t before = sim_trace_order_work(&t);
        ASSERT_INT_EQ(sim_trace_ingest(&t, &r), 0);
        uint64_t did = sim_trace_order_work(&t) - before;
        if (i + 1 < n && did > *max_frame_work)
            *max_frame_work = did;
    }
    for (uint32_t v = 0; v < K; v++)
        atomic_store_explicit(&r.writers[v].count, st[v].n, memory_order_release);
    sim_rec_finish(&r, 3 * (int64_t)n + 1, 0);
    ASSERT_INT_EQ(sim_trace_ingest(&t, &r), 0);
    sim_trace once = {0};
    ASSERT_INT_EQ(sim_trace_ingest(&once, &r), 0);
    same_as_reference(&t, n);
    same_as_reference(&once, n);
    *work_once = sim_trace_order_work(&once);
    sim_trace_deinit(&once);
    uint64_t work = sim_trace_order_work(&t);
    sim_trace_deinit(&t);
    for (int w = 0; w < K; w++)
        free(st[w].gidx);
    sim_rec_deinit(&r);
    return work;
}

static void test_ingest_adversarial(void)
{
    const uint64_t n = 20000;
    uint64_t max1, max4, once1, once4;
    uint64_t w1 = run_adversarial(n, &max1, &once1);
    uint64_t w4 = run_adversarial(4 * n, &max4, &once4);
    printf("order work, live: %.1f copies an event for %llu events, %.1f for %llu; "
           "the most in one frame %llu, %llu; at once: %.1f, %.1f an event\n",
           (double)w1 / (double)n, (unsigned long long)n, (double)w4 / (double)(4 * n),
           (unsigned long long)(4 * n), (unsigned long long)max1, (unsigned long long)max4,
           (double)once1 / (double)n, (double)once4 / (double)(4 * n));
    /* Four times the events, four times the work (and a log K factor of
     * K = 32 at most); one at a time, it would be sixteen times. */
    ASSERT(w1 > 0 && once1 > 0);
    ASSERT(w4 <= 5 * w1 && w4 <= 12 * 4 * n);
    ASSERT(once4 <= 5 * once1 && once4 <= 12 * 4 * n);
    /* A frame's work follows the frame's events and how far back they
     * reach (LAG events), not what the trace holds. */
    ASSERT(max4 <= 2 * max1);
}

int main(void)
{
    test_marks_sorted_and_lookup();
    test_loop_switches();
    test_ingest();
    test_combined_events();
    test_consume();
    test_fold();
    test_fold_budget();
    test_fold_keeps_pages();
    test_counter_sentence();
    test_ingest_ties();
    test_ingest_adversarial();
    return 0;
}
