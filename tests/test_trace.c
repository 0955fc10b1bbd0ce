/* test_trace.c - lanes of marks: ordering, lookup, ingest, summaries. */
#include <stdint.h>

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

int main(void)
{
    test_marks_sorted_and_lookup();
    test_loop_switches();
    test_ingest();
    test_counter_sentence();
    return 0;
}
