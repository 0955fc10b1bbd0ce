/* run_util.h - a real run of one workload under every model, for the
 * tests that check what the recordings hold (test_steps) and what the
 * view says of them (test_ui_why). CPython's costs are left out (--costs
 * none): these tests check invariants, not times. */
#ifndef CONCVIZ_RUN_UTIL_H
#define CONCVIZ_RUN_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "test.h"

/* Runs `spec` under asyncio, threading, free-threading and
 * multiprocessing (threads and workers: 0 for the defaults) into *c.
 * A deadlock is a result, not a failure. */
static inline void run_every_model(sim_comparison *c, const char *spec, int threads,
                                   int workers, const sim_calib *calib)
{
    static const sim_model models[] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                       SIM_MODEL_FREE_THREADING,
                                       SIM_MODEL_MULTIPROCESSING};
    sim_run_desc d = {.cfg = {.workload = spec, .nmodels = 4, .workers = workers,
                              .threads = threads, .costs = SIM_COSTS_NONE,
                              .timeout_ns = 30ll * 1000000000ll},
                      .calib = calib};
    memcpy(d.cfg.models, models, sizeof models);
    sim_run *r = calloc(1, sizeof *r);
    ASSERT(r);
    char msg[512];
    int rc = sim_run_exec(r, &d, msg, sizeof msg);
    ASSERT_MSG(rc == SIM_OK || rc == SIM_E_DEADLOCK, "%s: %s", spec, msg);
    memset(c, 0, sizeof *c);
    ASSERT_INT_EQ(sim_run_sync(r, c), 0);
    sim_run_deinit(r);
    free(r);
    ASSERT_INT_EQ(c->ntraces, 4);
}

#endif
