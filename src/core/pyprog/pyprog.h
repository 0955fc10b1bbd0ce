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

#include "config.h"
#include "model.h"
#include "workload.h"

/* Writes the program for `w` under `m` to `out`, with the settings of
 * `cfg` (NULL: all defaults). A zero field means what it means for `concviz
 * run`; workers 0, "the CPUs", is Python's own default, os.cpu_count().
 * Returns SIM_OK, SIM_E_NOMEM, or SIM_E_SYS when writing failed (errno). */
int sim_pyprog_write(FILE *out, const sim_workload *w, sim_model m,
                     const sim_config *cfg);

#endif
