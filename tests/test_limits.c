/* test_limits.c - each model refuses what it cannot sanely run, and says
 * what to change. */
#include "engine.h"
#include "run.h"
#include "test.h"

static void parse(sim_workload *w, const char *spec)
{
    sim_parse_error err;
    ASSERT_MSG(sim_workload_parse(w, spec, &err) == 0, "%s: %s", spec, err.message);
}

int main(void)
{
    char msg[512];
    sim_workload small, many;
    parse(&small, "8*io:200ms");
    parse(&many, "200000*io:1ms");

    /* Within every limit. */
    for (int m = 0; m < SIM_MODEL__COUNT; m++)
        ASSERT_INT_EQ(sim_engine_check_limits((sim_model)m, &small, 2, 0, msg, sizeof msg),
                      SIM_OK);

    /* One thread per task, too many of them: use a pool. */
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_THREADING, &many, 2, 0, msg, sizeof msg),
                  SIM_E_USAGE);
    ASSERT_STR_EQ(msg, "threading would start 200000 threads, one per task; the limit is "
                       "100000: use --threads N (a pool of N threads, as ThreadPoolExecutor) "
                       "with N <= 100000");
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_FREE_THREADING, &many, 2, 0, msg,
                                          sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "free-threading would start 200000 threads");
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_THREADING, &many, 2, 64, msg, sizeof msg),
                  SIM_OK);
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_THREADING, &small, 2, 100001, msg,
                                          sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "--threads N with N from 1 to 100000");

    /* Ten thousand threads are an ordinary classroom example; what this
     * machine cannot start (its pid or map limits) is refused up front,
     * naming the limit. */
    const char *why;
    long long room = sim_machine_thread_room(&why);
    ASSERT(room > 0);
    sim_workload ten;
    parse(&ten, "10000*io:1ms");
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_THREADING, &ten, 2, 0, msg, sizeof msg),
                  room >= 10000 ? SIM_OK : SIM_E_USAGE);
    sim_workload_free(&ten);
    sim_workload over;
    char spec[64];
    snprintf(spec, sizeof spec, "%lld*io:1ms", room + 1);
    if (room + 1 <= 100000) {
        parse(&over, spec);
        ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_THREADING, &over, 2, 0, msg,
                                              sizeof msg), SIM_E_USAGE);
        ASSERT_CONTAINS(msg, "this machine can start about");
        ASSERT_CONTAINS(msg, why);
        sim_workload_free(&over);
    }
    /* asyncio takes 5000 tasks without a blink. */
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_ASYNCIO, &many, 2, 0, msg, sizeof msg),
                  SIM_OK);

    /* Workers: 1 to 256. */
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_MULTIPROCESSING, &small, 257, 0, msg,
                                          sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "use --workers N with N from 1 to 256");
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_MULTIPROCESSING, &small, 0, 0, msg,
                                          sizeof msg), SIM_E_USAGE);
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_MULTIPROCESSING, &small, 256, 0, msg,
                                          sizeof msg), SIM_OK);

    /* The task limit applies to every model. A workload can only exceed it
     * if built by hand (the parser refuses it first), so fake the count. */
    many.ntasks = SIM_MAX_TASKS + 1;
    ASSERT_INT_EQ(sim_engine_check_limits(SIM_MODEL_ASYNCIO, &many, 2, 0, msg, sizeof msg),
                  SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "the limit is 1000000");
    many.ntasks = 200000;

    sim_workload_free(&small);
    sim_workload_free(&many);
    return 0;
}
