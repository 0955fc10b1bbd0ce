/* run.h - running a comparison: the chosen models one after another.
 *
 * Models never run at the same time, so that they do not steal each
 * other's cores. The run goes on in a thread of its own, so a window stays
 * responsive; the reader follows it with sim_run_sync, which brings a
 * sim_comparison up to date from the recordings (live, while it runs).
 */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "calib.h"
#include "comparison.h"
#include "config.h"
#include "costs.h"
#include "cpython.h"
#include "estimate.h"
#include "err.h"
#include "rec.h"
#include "start_method.h"
#include "forkserver.h"
#include "workload.h"

/* A run whose slowest model will take longer than this is announced
 * before it starts (`run` says so, the window asks). */
#define SIM_RUN_LONG_NS (60ll * 1000000000ll)

/* How many more threads this machine can start now (the kernel's pid and
 * thread limits, memory mappings, ulimit -u), and which limit binds. */
long long sim_machine_thread_room(const char **why);

/* Checks a workload against a model's sane limits before anything runs.
 * Returns 0, or SIM_E_USAGE with a message saying what to change. */
int sim_engine_check_limits(sim_model m, const sim_workload *w, int workers,
                            int threads, char *msg, size_t n);

/* `run --python`: the interpreters that measure each model in CPython,
 * chosen by the user (never by a lesson), already probed (cpython.h). */
typedef struct sim_run_python {
    const sim_interp *gil;       /* runs asyncio, threading, multiprocessing;
                                    NULL: none, and `gil_missing` says why */
    const sim_interp *ft;        /* runs free-threading; NULL: none, `ft_missing` */
    const char *gil_missing, *ft_missing;
} sim_run_python;

/* Would w fit in the memory budget under cfg (zero fields: the defaults)?
 * The check sim_run_start makes first (each model's estimate against
 * --memory-limit), alone, so that a window can say so before Run is
 * pressed. Returns SIM_OK, or SIM_E_USAGE with the same message. */
int sim_run_check_memory(const sim_workload *w, const sim_config *cfg, char *msg, size_t n);

/* What a run needs besides its configuration. */
typedef struct sim_run_desc {
    sim_config cfg;              /* the settings; zero fields mean the defaults */
    sim_forkserver *fs;          /* NULL: workers are forked from this process */
    const sim_calib *calib;      /* NULL: measured when the run starts */
    const sim_run_python *python; /* also measure each model in CPython, right
                                    after it, never at the same time; NULL: no */
} sim_run_desc;

typedef struct sim_run {
    sim_workload w;
    sim_calib calib;
    sim_config cfg;                      /* resolved; cfg.workload is w.spec,
                                            cfg.costs_file costs.origin.file */
    sim_costs costs;                     /* the cost profile cfg chose, resolved
                                            (sim_costs_resolve): what the engines
                                            charge for CPython's own machinery */
    int cpus;
    sim_estimate est[SIM_MODEL__COUNT];  /* what each model will need (estimate.h) */
    int64_t budget[SIM_MODEL__COUNT];    /* the memory each may use while it runs */
    sim_forkserver *fs;
    sim_rec recs[SIM_MODEL__COUNT];
    _Atomic(sim_rec *) published[SIM_MODEL__COUNT];
    int64_t mem_per_task[SIM_MODEL__COUNT];
    int status[SIM_MODEL__COUNT];        /* sim_err of each model, once done */
    char errors[SIM_MODEL__COUNT][256];
    /* `run --python`: each model's program measured in CPython after it. */
    int python;                          /* 1: asked for */
    sim_interp interp[2];                /* [0] with a GIL, [1] free-threaded */
    int has_interp[2];
    char interp_missing[2][512];
    sim_config given;                    /* the settings as given: the programs are
                                            what `concviz python` prints for them */
    sim_trace cpython[SIM_MODEL__COUNT]; /* moved into the comparison by sync */
    sim_cpython_result cpython_res[SIM_MODEL__COUNT];
    atomic_int cpython_done;             /* models measured so far (or not run) */
    atomic_int cancel;
    atomic_int done;                     /* models finished so far */
    atomic_int finished;                 /* the whole run is over */
    int result;                          /* first failure, or SIM_OK */
    pthread_t thread;
    int started;
} sim_run;

/* Parses the workload, checks every limit, reads the cost profile and, if
 * all is well, starts the run in its own thread. Returns 0, or SIM_E_USAGE
 * with `msg` saying what is wrong (a workload error with its column and
 * caret, a profile file that cannot be read), before anything started. */
int sim_run_start(sim_run *r, const sim_run_desc *d, char *msg, size_t n);
/* Runs to the end in the calling thread instead (the same checks). */
int sim_run_exec(sim_run *r, const sim_run_desc *d, char *msg, size_t n);
/* Asks the run to stop as soon as it can (thread-safe, signal-safe). */
void sim_run_cancel(sim_run *r);
/* Waits for the run's thread; returns the run's result (SIM_OK or the
 * first model's failure). */
int sim_run_wait(sim_run *r);
/* Brings `c` up to date with the recordings (call from one reader thread).
 * The first call fills the workload, the machine and the traces; each
 * CPython trace is moved into the comparison once it is complete (so into
 * the first comparison synced after that). What it read is given back
 * (sim_trace_consume): sync a run into one comparison only, as often as
 * you like; a reader that follows a long run as it goes keeps its memory
 * down to the trace and what is not read yet. */
int sim_run_sync(sim_run *r, sim_comparison *c);
/* The longest a model of the run is expected to take (estimate.h's lower
 * bound), and which model that is. After sim_run_start. */
int64_t sim_run_expected_ns(const sim_run *r, sim_model *which);
/* Frees everything. The run must be over (sim_run_wait returned). */
void sim_run_deinit(sim_run *r);

#endif
