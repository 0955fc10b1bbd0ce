/* test_estimate.c - the plan of a run (estimate.c) is not short of what
 * the engines really record.
 *
 * A run is planned before it starts: its writers' areas are sized, and its
 * memory budget checked, from the events estimate.c expects each step to
 * record. A plan short of the truth stops a perfectly ordinary run with
 * "it grew past its memory budget" (a multiprocessing worker's area has
 * little slack: `(5000*yield)` once did exactly that, because a worker's
 * time.sleep(0) records two events and the plan counted one). So each
 * step kind, repeated, runs under every model here, and the events every
 * writer published are compared with the plan: never more.
 */
#include "engine_util.h"
#include "estimate.h"
#include "mp_util.h"

/* Each step kind, repeated enough that a wrong figure per step shows
 * above the plan's constant part, and a few mixes. */
static const char *const SPECS[] = {
    "(300*yield)",
    "3*(300*yield)",
    "(300*io:20us)",
    "2*(300*cpu:20us)",
    "2*(300*inc:x)",
    "2*(300*(load:n,store:n))",
    "4*(100*(load:n,yield,store:n))",
    "2*(300*lock:L(inc:x))",
    "3*(200*sem:S/2(yield))",
    "(300*put:q:10B) + (300*get:q)",
    "(100*put:q:10B) + 2*(50*get:q)",
    "2*(100*(io:20us,yield,cpu:20us))",
    "(40*thread(yield))",
    "(10*process(yield))",
};

/* Every event every writer published. */
static uint64_t recorded(const sim_rec *r)
{
    uint64_t all = 0;
    for (uint32_t w = 0; w < r->head->nwriters; w++)
        all += atomic_load(&r->writers[w].count);
    return all;
}

static uint64_t planned(const sim_workload *w, sim_model m, const sim_config *cfg)
{
    sim_estimate e;
    sim_estimate_model(w, m, cfg, (int)sysconf(_SC_NPROCESSORS_ONLN), &e);
    return e.events;
}

/* Says every run short of its plan, not only the first. */
static int short_plans;

static void check(const char *spec, sim_model m, uint64_t got, uint64_t plan)
{
    if (getenv("ESTIMATE_VERBOSE"))
        printf("%-36s %-16s recorded %8llu planned %8llu\n", spec, sim_model_name(m),
               (unsigned long long)got, (unsigned long long)plan);
    fflush(stdout); /* before a fork: the workers must not print it again */
    if (got <= plan)
        return;
    fprintf(stderr, "%s under %s recorded %llu events, the plan counted %llu\n", spec,
            sim_model_name(m), (unsigned long long)got, (unsigned long long)plan);
    short_plans++;
}

static void test_threads_and_loop(const sim_calib *cal)
{
    static const sim_model models[] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                       SIM_MODEL_FREE_THREADING};
    for (size_t i = 0; i < sizeof SPECS / sizeof SPECS[0]; i++) {
        for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
            eng_job j;
            eng_job_init(&j, models[k], SPECS[i], cal);
            eng_job_run(&j);
            check(SPECS[i], models[k], recorded(&j.rec), planned(&j.w, models[k], &j.cfg));
            eng_job_free(&j);
        }
    }
}

static void test_processes(const sim_calib *cal)
{
    for (size_t i = 0; i < sizeof SPECS / sizeof SPECS[0]; i++) {
        mp_job j;
        mp_job_init(&j, SPECS[i], 2, NULL, cal);
        int rc = sim_multiprocessing_run(&j.a);
        ASSERT_MSG(rc == SIM_OK, "%s under multiprocessing returned %d (%s)", SPECS[i], rc,
                   j.a.error);
        check(SPECS[i], SIM_MODEL_MULTIPROCESSING, recorded(&j.rec),
              planned(&j.w, SIM_MODEL_MULTIPROCESSING, &j.cfg));
        mp_job_deinit(&j);
    }
}

/* The run that failed: more yields in one worker than its area's slack. */
static void test_many_yields_in_a_worker(const sim_calib *cal)
{
    mp_job j;
    mp_job_init(&j, "(6000*yield)", 2, NULL, cal);
    int rc = sim_multiprocessing_run(&j.a);
    ASSERT_MSG(rc == SIM_OK, "(6000*yield) under multiprocessing returned %d (%s)", rc,
               j.a.error);
    mp_job_deinit(&j);
}

int main(void)
{
    sim_calib cal;
    eng_calibrate(&cal);
    test_threads_and_loop(&cal);
    test_processes(&cal);
    test_many_yields_in_a_worker(&cal);
    ASSERT_MSG(short_plans == 0, "%d runs recorded more than their plan", short_plans);
    TEST_DONE();
}
