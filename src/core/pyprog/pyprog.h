/* pyprog.h - the plain Python program behind a workload, for one model.
 *
 * `concviz python` prints what a learner would write by hand to run the
 * workload under asyncio, threading, free-threading or multiprocessing, so
 * that each timeline has its code beside it. The programs run with any
 * python3 (3.8 or later; free-threading needs python3.13t to be free) and
 * end by printing their wall time as `wall_ms=123.4`, the last line.
 *
 * The programs are the templates in templates/ (plain .py files), filled
 * in with what depends on the workload: its task functions, the PLAN of
 * how many tasks run each, its names and the pool sizes.
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

/* Which line of the program each step is on, for a view that highlights
 * the line a task is at. Lines count from 1, in the text as written to
 * `out` (no more than that: `concviz python` prints two lines of its own
 * above each program). The generator records each line as it writes it.
 * The caller owns the struct; sim_pyprog_map_free frees its arrays. */
typedef struct sim_pyprog_map {
    uint32_t *op_line;    /* nops entries, one per op of w->ops: the line of
                             its statement (`cpu(...)`, `time.sleep(...)`,
                             `for _ in range(...):`, `with L:`, ...); 0 for
                             the ops that only close a block (NEXT, RELEASE,
                             EXEC_END) and for END. A thread(...) or
                             process(...) op is on the line that calls its
                             body under asyncio (the body's steps are in
                             work_N or in_process_N), and on the comment
                             that says it runs inline elsewhere. Groups that
                             share a function share its lines. */
    size_t nops;
    uint32_t *group_line; /* ngroups entries: the `def task_N():` line of the
                             function that group g's tasks run */
    size_t ngroups;
    uint32_t nlines;      /* lines in the program */
} sim_pyprog_map;

/* sim_pyprog_write, and fills *map for what it wrote. Returns as
 * sim_pyprog_write does; on an error *map is left empty (zeroed). */
int sim_pyprog_write_map(FILE *out, const sim_workload *w, sim_model m,
                         const sim_config *cfg, sim_pyprog_map *map);
void sim_pyprog_map_free(sim_pyprog_map *map);

/* --- the recorded variant: the program concviz runs in CPython
 *
 * `concviz run --python` runs each model's program under CPython to show
 * what CPython itself does with the workload. It runs the printed program
 * plus a recorder: the block of templates/recorder.py after cpu(), and a
 * few lines around the steps that time them. Every line added starts with
 * `_cz_` (the recorder's block is fenced by `# >>> concviz recorder` and
 * `# <<< concviz recorder`), so the program measured is the program shown,
 * and test_pyprog proves it: without those lines the text is byte for
 * byte what sim_pyprog_write prints. The recorder writes only when the
 * environment names a file (CONCVIZ_RECORD=PATH); recorder.py describes
 * what it writes, src/core/cpython/trace_python.c reads it.
 *
 * What is timed, to keep the observer's cost low: every step that waits
 * or calls (cpu, io, yield, put, get, taking a lock or a semaphore and
 * giving it back, thread(...) and process(...) under asyncio), with
 * time.perf_counter_ns() before and after it; a cpu step of at least
 * SIM_PYPROG_CPU_TIMED_NS also with time.thread_time_ns() (a system call,
 * about a microsecond); and each outermost loop holding none of those
 * steps (`(200000*inc:x)`) as a whole, CPU time included. inc, load and
 * store steps are not timed one by one. */
#define SIM_PYPROG_RECORD 1u  /* flags of sim_pyprog_write_ex */
#define SIM_PYPROG_CPU_TIMED_NS 100000ll /* 100 us */

/* sim_pyprog_write_map with flags (0: the printed program). */
int sim_pyprog_write_ex(FILE *out, const sim_workload *w, sim_model m,
                        const sim_config *cfg, unsigned flags, sim_pyprog_map *map);

/* How often the recorded variant of model m records each op of group g's
 * program while one of its tasks runs, loops multiplied out (saturating at
 * UINT64_MAX): counts[i] for op g->prog + i, up to and including its END;
 * 0 for the ops it never times. Inside a thread(...) or process(...) body
 * under asyncio these are the body's records (recorder.py: ENTRY). Returns
 * the number of ops written (the program's length), or 0 when `cap` is too
 * small. */
size_t sim_pyprog_timed_counts(const sim_workload *w, sim_model m, const sim_group *g,
                               uint64_t *counts, size_t cap);
/* Whether groups a and b run the same Python function (their programs are
 * the same ops: the generator writes one function for both). */
int sim_pyprog_same_function(const sim_workload *w, size_t a, size_t b);

/* Whether the recorded variant times loop `pc` as a whole (a loop with no
 * timed step inside; the outermost such loop is the one recorded). */
int sim_pyprog_loop_summarized(const sim_workload *w, uint32_t pc);

#endif
