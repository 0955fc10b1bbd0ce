/* comparison.h - one workload run under several models, with where it ran.
 *
 * This is what the window draws, what `--trace` saves and what `open`
 * loads: a recorded comparison is the same thing whether it was measured a
 * second ago or on another machine last year.
 */
#ifndef SIM_COMPARISON_H
#define SIM_COMPARISON_H

#include <stdint.h>

#include "trace.h"

typedef struct sim_machine {
    int cpus;                /* CPUs concviz could use */
    char cpu_model[128];     /* "Intel(R) Xeon(R) ..." from /proc/cpuinfo */
    char hostname[64];
    char os[64];             /* "Linux 6.1.0" */
} sim_machine;

typedef struct sim_comparison {
    char *workload;                      /* the spec, as given */
    sim_machine machine;
    int64_t nominal_ns;                  /* sum of the tasks' nominal durations */
    sim_trace traces[SIM_MODEL__COUNT];  /* in run order */
    int ntraces;
    /* cpython[i]: traces[i]'s model measured in CPython beside it (`run
     * --python`; source SIM_SOURCE_CPYTHON, and when it could not run, the
     * reason in its error); untouched, all zero, where nothing was
     * measured: see sim_comparison_cpython. */
    sim_trace cpython[SIM_MODEL__COUNT];
    char recorded_at[32];                /* "2026-11-25T22:04:28Z" */
} sim_comparison;

/* Fills *m with this machine's description. */
void sim_machine_probe(sim_machine *m);
/* CPUs this process may use (its affinity mask). */
int sim_machine_cpus(void);
/* The CPython trace beside traces[i], or NULL if there is none. */
static inline const sim_trace *sim_comparison_cpython(const sim_comparison *c, int i)
{
    return i >= 0 && i < c->ntraces && c->cpython[i].source == SIM_SOURCE_CPYTHON
               ? &c->cpython[i] : NULL;
}

/* Frees the workload string and every trace. */
void sim_comparison_deinit(sim_comparison *c);

#endif
