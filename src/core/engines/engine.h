/* engine.h - what every engine is given, and how it answers.
 *
 * An engine runs one workload under one model, for real, and records every
 * state change into a recording it creates (it alone knows its lanes and
 * writers). It publishes the recording through `publish` as soon as the
 * recording exists, so that a reader can follow the run live.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "calib.h"
#include "config.h"
#include "costs.h"
#include "err.h"
#include "rec.h"
#include "workload.h"

struct sim_forkserver;

typedef struct sim_engine_args {
    const sim_workload *w;
    const sim_config *cfg;       /* the settings, resolved (sim_config_resolve) */
    const sim_calib *calib;
    sim_model model;             /* the one to run (a model of cfg) */
    int cpus;                    /* CPUs concviz may use */
    const sim_costs *costs;      /* what CPython's own machinery costs, charged where
                                    CPython pays it (price.h); NULL: nothing */
    int64_t budget_bytes;        /* the memory this model's recording and queues may
                                    use (estimate.h, run.c); 0: no budget */
    struct sim_forkserver *fs;   /* multiprocessing: where workers are forked from (NULL: fork here) */
    const atomic_int *cancel;    /* nonzero: stop as soon as possible, return SIM_E_CANCELLED */
    sim_rec *rec;                /* storage for the recording: the engine calls sim_rec_init on it */
    _Atomic(sim_rec *) *publish; /* the engine stores `rec` here once it is initialized */
    int64_t mem_per_task_bytes;  /* out: measured memory per waiting task, -1 if unknown */
    char error[256];             /* out: on failure, a sentence saying what happened
                                  * (the caller names the model before it) */
} sim_engine_args;

/* Each returns SIM_OK or a sim_err, with a.error filled on failure. On any
 * return the recording is finished (sim_rec_finish) and every thread and
 * process the engine started has been joined or reaped. */
int sim_asyncio_run(sim_engine_args *a);
int sim_threading_run(sim_engine_args *a);       /* also free-threading: see a->model */
int sim_multiprocessing_run(sim_engine_args *a);

#endif
