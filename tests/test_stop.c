/* test_stop.c - every run stops when asked, whatever it is doing.
 *
 * For every step kind, inside a long repeat, under every model, the run is
 * stopped two ways: by its --timeout (300 ms) and by a cancel (Esc, Ctrl+C)
 * 300 ms in. Each time the engine must return the right reason within the
 * promise of stop.h: one poll (20 ms) plus the time to finish what it was
 * doing, here allowed 250 ms since the machine may be busy. The workloads
 * would run for minutes if nothing stopped them. Whole runs through the
 * command line (the recording written, no process left) are
 * tests/cli/test_cli_stop.py's.
 */
#include <pthread.h>
#include <unistd.h>

#include "engine_util.h"
#include "mp_util.h"
#include "test.h"

#define STOP_AT_NS 300000000ll   /* when the stop comes */
#define SLACK_NS 250000000ll     /* how late the engine may return after it */

/* One long repeat of each step kind (two tasks, so that the locks, the
 * queue and the GIL are contended), each far longer than STOP_AT_NS on any
 * machine: six million bare yields of the event loop took 0.3 s. */
static const char *const kinds[] = {
    "2*(100*(3000000*yield))",
    "2*(300000*cpu:100us)",
    "2*(300000*io:1ms)",
    "2*(100*(30000000*inc:x))",
    "2*(100*(30000000*(load:x,store:x)))",
    "2*(3000000*(load:x,yield,store:x))",
    "2*(3000000*lock:L(inc:x))",
    "2*(3000000*sem:S/1(yield))",
    "2*(100*(3000000*(put:q:8B,get:q)))",
    "2*(300000*thread(cpu:100us))",
    "2*(300000*process(io:1ms))",
    "2*(100000*(100000*(load:x,inc:x)))",
};

static const sim_model models[] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                   SIM_MODEL_FREE_THREADING, SIM_MODEL_MULTIPROCESSING};

/* Runs spec under m, stopped by a timeout (cancel = 0) or a cancel. */
static void stop_one(sim_model m, const char *spec, int cancel, const sim_calib *c,
                     sim_forkserver *fs)
{
    int rc;
    int64_t asked, returned;
    if (m == SIM_MODEL_MULTIPROCESSING) {
        mp_job j;
        mp_job_init(&j, spec, 2, fs, c);
        if (!cancel)
            j.cfg.timeout_ns = STOP_AT_NS;
        mp_job_start(&j);
        usleep((useconds_t)(STOP_AT_NS / 1000));
        if (cancel) {
            asked = sim_clock_ns();
            atomic_store(&j.cancel, 1);
        } else {
            /* The deadline is on the run's clock, which starts a little
             * after the call (the recording is set up first). */
            while (!atomic_load(&j.pub))
                usleep(1000);
            asked = j.rec.head->t0_abs + STOP_AT_NS;
        }
        mp_job_join(&j);
        rc = j.result;
        returned = j.returned_ns;
        mp_job_deinit(&j);
    } else {
        eng_job j;
        eng_job_init(&j, m, spec, c);
        if (!cancel)
            j.cfg.timeout_ns = STOP_AT_NS;
        eng_job_start(&j);
        eng_sleep_ms(STOP_AT_NS / 1000000);
        if (cancel) {
            asked = sim_clock_ns();
            atomic_store(&j.cancel, 1);
        }
        eng_job_join(&j);
        if (!cancel)
            asked = j.rec.head->t0_abs + STOP_AT_NS;
        rc = j.result;
        returned = j.returned_ns;
        eng_job_free(&j);
    }
    int want = cancel ? SIM_E_CANCELLED : SIM_E_TIMEOUT;
    ASSERT_MSG(rc == want, "%s '%s' (%s): returned %d (%s)", sim_model_name(m), spec,
               cancel ? "cancel" : "timeout", rc, sim_err_str(rc));
    int64_t late = returned - asked;
    printf("%-16s %-36s %-7s stopped %6.1f ms after it was asked\n", sim_model_name(m), spec,
           cancel ? "cancel" : "timeout", (double)late / 1e6);
    ASSERT_MSG(late < SLACK_NS, "%s '%s' (%s): stopped %lld ms late", sim_model_name(m), spec,
               cancel ? "cancel" : "timeout", (long long)(late / 1000000));
}

int main(void)
{
    sim_calib c;
    eng_calibrate(&c);
    sim_forkserver fs;
    ASSERT_INT_EQ(sim_forkserver_start(&fs), 0);
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++)
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            for (int cancel = 0; cancel < 2; cancel++)
                stop_one(models[m], kinds[k], cancel, &c, &fs);
    sim_forkserver_stop(&fs);
    TEST_DONE();
}
