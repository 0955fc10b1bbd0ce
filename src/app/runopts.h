/* runopts.h - the options every command that runs a comparison takes:
 * --workload, --models, --workers, --threads, --switch-interval, --timeout,
 * --start-method. */
#ifndef APP_RUNOPTS_H
#define APP_RUNOPTS_H

#include <stddef.h>

#include "run.h"

typedef struct app_runopts {
    const char *workload;               /* NULL: the default comparison */
    sim_model models[SIM_MODEL__COUNT];
    int nmodels;                        /* 0: asyncio, threading, multiprocessing */
    int workers;                        /* 0: online CPUs */
    int threads;                        /* 0: one per task */
    int64_t switch_interval_ns;         /* 0: 5 ms */
    int64_t timeout_ns;                 /* 0: none */
    sim_start_method start_method;      /* 0: forkserver */
} app_runopts;

void app_runopts_init(app_runopts *o);
/* If argv[*i] is one of these options (as `--opt VALUE` or `--opt=VALUE`),
 * consumes it and its value (advancing *i past them) and returns 1.
 * Returns 0 if argv[*i] is not a run option, -1 with `msg` if its value is
 * bad ("--workers: expected a whole number from 1 to 256, got 'x'"). */
int app_runopts_take(app_runopts *o, int argc, char **argv, int *i,
                     char *msg, size_t n);
/* A run description pointing into `o`. */
void app_runopts_desc(const app_runopts *o, sim_run_desc *d);
/* Help lines for these options, for --help texts. */
extern const char app_runopts_help[];

#endif
