/* pyrec.h - what a Python program recorded about itself, as read back.
 *
 * The recorded variant of a model's program (pyprog.h, SIM_PYPROG_RECORD)
 * writes, in each of its processes, a text file of one record a line
 * (the format is in src/core/pyprog/templates/recorder.py). This reads
 * those files into plain arrays and checks them against the workload: a
 * Python that crashed, printed garbage or was cut short mid-line must give
 * a sentence saying so, never a trace that pretends.
 *
 * The files come from a program concviz wrote, but run by an interpreter
 * the user named, which may be anything: every number is checked before
 * it indexes anything, and the memory taken is bounded by what the
 * workload can record (SIM_PYREC_MAX_ENTRIES), not by what a file claims.
 *
 * Times stay as the program read them (time.perf_counter_ns, which on
 * Linux is CLOCK_MONOTONIC: one clock for every process of the machine);
 * trace_python.h puts them on the trace's clock.
 */
#ifndef SIM_PYREC_H
#define SIM_PYREC_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "trace.h"
#include "workload.h"

/* The format's version, the `concviz-recording N` line. */
#define SIM_PYREC_VERSION 1
/* Entries a run may record in all: a workload that would record more is
 * not run under CPython (sim_pyrec_expected), since the recorder's lists
 * would take about 120 bytes an entry in Python. */
#define SIM_PYREC_MAX_ENTRIES 4000000ull

/* An ENTRY (recorder.py): a step from a to b with c ns of the thread's
 * CPU; c = -1: not read (or a step with no CPU time, a wait); -2 / -3: a
 * thread(...) body starts / ends at a (in thread b, for a start). pc
 * counts from the start of the task's program. */
typedef struct sim_pyrec_entry {
    int64_t a, b, c;
    uint32_t pc;
} sim_pyrec_entry;

typedef struct sim_pyrec_task {
    int seen;                 /* its record was read */
    int ok;                   /* 1: it returned; 0: it raised */
    int64_t pid, tid;         /* its process, and its thread (native id) */
    int64_t t0, c0, t1, c1;   /* start and end, and the thread's CPU then;
                                 t1 = -1: it never ended (a stopped run) */
    sim_pyrec_entry *e;
    size_t ne;
} sim_pyrec_task;

/* A process(...) body, run by a worker of asyncio's ProcessPoolExecutor. */
typedef struct sim_pyrec_body {
    uint32_t group;           /* the first group running its function */
    uint32_t pc;              /* its EXEC op, from the program's start */
    int64_t pid, tid, t0, c0, t1, c1;
    sim_pyrec_entry *e;
    size_t ne;
} sim_pyrec_body;

typedef struct sim_pyrec_worker {
    int64_t pid, t;           /* init_worker() ran in process pid at t */
} sim_pyrec_worker;

typedef struct sim_pyrec_counter {
    uint32_t name;            /* index in the workload's names */
    int64_t value;
} sim_pyrec_counter;

typedef struct sim_pyrec {
    const sim_workload *w;
    sim_model model;
    sim_python python;        /* impl, version, free_threaded, gil (no path) */
    int start_method;         /* multiprocessing's (sim_start_method); -1: none */
    int have_main;            /* the main process's last line was read */
    int partial;              /* it was stopped (SIGTERM) and saved what it had */
    int64_t main_pid, origin, end;
    sim_pyrec_task *tasks;    /* w->ntasks of them, by task id */
    sim_pyrec_body *bodies;
    size_t nbodies, cap_bodies;
    sim_pyrec_worker *workers;
    size_t nworkers, cap_workers;
    sim_pyrec_counter *counters;
    size_t ncounters, cap_counters;
    uint64_t entries;         /* read so far, in all */
    uint64_t limit;           /* the most that may be read (sim_pyrec_expected) */
} sim_pyrec;

/* exec_of[pc] for the first `len` ops of group g's program: the thread(...)
 * or process(...) op whose body holds op pc, or UINT32_MAX. */
void sim_pyrec_body_map(const sim_workload *w, const sim_group *g, uint32_t *exec_of,
                        size_t len);

/* The entries a whole run of model m records (saturating). */
uint64_t sim_pyrec_expected(const sim_workload *w, sim_model m);

/* Sets up an empty recording of workload w under m. Returns 0 or SIM_E_NOMEM. */
int sim_pyrec_init(sim_pyrec *r, const sim_workload *w, sim_model m);
void sim_pyrec_free(sim_pyrec *r);

/* Reads one file's text (`len` bytes, `name` for messages). Returns 0, or
 * SIM_E_FORMAT with msg saying where and what ("rec.123:4: task 9 is not
 * a task of the workload"), or SIM_E_NOMEM. */
int sim_pyrec_read_text(sim_pyrec *r, const char *name, const char *buf, size_t len,
                        char *msg, size_t n);

/* Reads every file `prefix`.PID in the folder `dir`. Returns 0, SIM_E_FORMAT,
 * SIM_E_NOMEM, or SIM_E_SYS (msg says which file could not be read). */
int sim_pyrec_read_dir(sim_pyrec *r, const char *dir, const char *prefix, char *msg, size_t n);

/* Checks that the recording is whole and agrees with the workload: the
 * main process's record came, every task was recorded once with every
 * timed step as often as the workload says (a stopped run: no more than
 * that), times in order and within the run. Returns 0 or SIM_E_FORMAT. */
int sim_pyrec_check(const sim_pyrec *r, char *msg, size_t n);

#endif
