/* config.h - the run configuration: one workload's settings, one type.
 *
 * (Filled in by the next step of the redesign; for now the limits.)
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

/* Per-model limits. asyncio's is SIM_MAX_TASKS (workload.h). */
#define SIM_MAX_THREADS 1024     /* threading, free-threading: OS threads */
#define SIM_MAX_WORKERS 256      /* multiprocessing: worker processes */

#endif
