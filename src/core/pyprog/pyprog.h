/* pyprog.h - the plain Python program behind a workload, for one model.
 *
 * `concviz python` prints what a learner would write by hand to run the
 * workload under asyncio, threading, free-threading or multiprocessing, so
 * that each timeline has its code beside it. The programs run with any
 * python3 (3.8 or later; free-threading needs python3.13t to be free) and
 * end by printing their wall time as `wall_ms=123.4`, the last line.
 */
#ifndef SIM_PYPROG_H
#define SIM_PYPROG_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "workload.h"

/* A zero field means the same default as `concviz run`. */
typedef struct sim_pyprog_opts {
    int workers;                /* multiprocessing pool size; 0: os.cpu_count() */
    int threads;                /* thread pool size; 0: one thread per task */
    int64_t switch_interval_ns; /* the GIL's switch interval; 0: 5 ms */
} sim_pyprog_opts;

/* Writes the program for `w` under `m` to `out` (`o` may be NULL).
 * Returns SIM_OK, SIM_E_NOMEM, or SIM_E_SYS when writing failed (errno). */
int sim_pyprog_write(FILE *out, const sim_workload *w, sim_model m,
                     const sim_pyprog_opts *o);

#endif
