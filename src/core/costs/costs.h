/* costs.h - what CPython's own machinery costs: a cost profile.
 *
 * concviz runs a workload for real, but a Python program does more than
 * its workload: every `await` is a trip through the event loop, every
 * `Thread.start()` waits for the new thread, every item put on a
 * multiprocessing.Queue is pickled and written to a pipe by a feeder
 * thread. For big steps (cpu:200ms) that is noise; for fine-grained work
 * (20000*yield) it is most of the time. A cost profile is the price list:
 * for each operation the engines perform, what it costs in CPython, in
 * nanoseconds, measured on a machine with an interpreter.
 *
 * Where a profile comes from (the setting `costs`, config.h):
 *   calibrated  `concviz calibrate` ran calibrate.py with python3 on this
 *               machine and saved what it measured in the cache folder
 *               (sim_costs_cache_dir); the default. Without one, the
 *               built-in profile serves, and the profile says why.
 *   builtin     CPython 3.12 measured on the reference machine, embedded
 *               in concviz (builtin-cpython-3.12.json) and scaled by how
 *               fast this machine computes against that one (sim_calib).
 *   none        every cost 0: the bare engines. Itself a lesson.
 *   FILE        a profile saved by `concviz calibrate`, anywhere.
 *
 * Every profile says which interpreter measured it, when, on what machine,
 * and how fast that interpreter computes (spin_turn_ns: the loop of the
 * cpu() helper of the programs `concviz python` prints), so a run can
 * tell what its costs rest on, and a trace records it.
 *
 * The file format (version SIM_COSTS_FORMAT), as sim_costs_save writes it:
 *
 *   {"concviz_costs": 5,
 *    "interpreter": {"implementation": "cpython", "version": "3.12.1",
 *                    "executable": "/usr/bin/python3.12",
 *                    "command": "/usr/bin/python3", "gil": true},
 *    "measured_at": "2026-11-29T20:49:32Z",
 *    "machine": {"cpus": 2, "cpu_model": "AMD EPYC"},
 *    "speed": {"spin_turn_ns": 50.748, "unit_ns": 0.912},
 *    "costs": {"asyncio_iteration": 1574.229, ..., "to_thread": 103161.21}}
 *
 * Every cost of the table below must be there, and nothing else; values
 * are ns with at most 3 decimals. A trace holds the same object per model,
 * with "source", "file", "scale" and "note" added (sim_costs_write).
 */
#ifndef SIM_COSTS_H
#define SIM_COSTS_H

#include <stddef.h>
#include <stdio.h>

#include "calib.h"
#include "config.h"
#include "json.h"

#define SIM_COSTS_FORMAT 6 /* 2: pool_task_worker, forkserver_launch, import_asyncio,
                                asyncio_run_*; 3: asyncio_wait; 4: thread_new,
                                thread_start_code, thread_first, thread_pool,
                                thread_pool_task(_worker), default_executor,
                                executor_shutdown; 5: thread_exit; 6: pool_make,
                                asyncio_task_end, and start_forkserver with
                                the server's part */
/* The oldest format a trace's profile may have: a trace records what its
 * run charged, and a cost that format did not have was charged nothing
 * (read as 0). A profile file to charge from must be SIM_COSTS_FORMAT. */
#define SIM_COSTS_FORMAT_OLDEST 2

/* The operations, by what the engines do. Their names (sim_cost_infos)
 * are stable: files, traces and hovers use them. */
typedef enum sim_cost {
    /* plain bytecode, in a `for` loop */
    SIM_COST_LOOP_TURN = 0,
    SIM_COST_GLOBAL_INC,
    SIM_COST_GLOBAL_LOAD,
    SIM_COST_GLOBAL_STORE,
    /* asyncio */
    SIM_COST_ASYNCIO_TASK,
    SIM_COST_ASYNCIO_TASK_END,
    SIM_COST_ASYNCIO_ITERATION,
    SIM_COST_ASYNCIO_RUN_START,
    SIM_COST_ASYNCIO_RUN_END,
    SIM_COST_ASYNCIO_YIELD,
    SIM_COST_ASYNCIO_TIMER,
    SIM_COST_ASYNCIO_LOCK,
    SIM_COST_ASYNCIO_SEMAPHORE,
    SIM_COST_ASYNCIO_QUEUE_PUT,
    SIM_COST_ASYNCIO_QUEUE_GET,
    SIM_COST_ASYNCIO_WAIT,
    SIM_COST_TO_THREAD,
    SIM_COST_DEFAULT_EXECUTOR,
    SIM_COST_EXECUTOR_SHUTDOWN,
    SIM_COST_RUN_IN_PROCESS,
    /* threading */
    SIM_COST_THREAD_NEW,
    SIM_COST_THREAD_START,
    SIM_COST_THREAD_START_CODE,
    SIM_COST_THREAD_FIRST,
    SIM_COST_THREAD_POOL,
    SIM_COST_THREAD_POOL_TASK,
    SIM_COST_THREAD_POOL_TASK_WORKER,
    SIM_COST_THREAD_JOIN,
    SIM_COST_THREAD_EXIT,
    SIM_COST_SLEEP0,
    SIM_COST_GIL_HANDOFF,
    SIM_COST_LOCK,
    SIM_COST_SEMAPHORE,
    SIM_COST_LOCK_HANDOVER,
    SIM_COST_QUEUE_PUT,
    SIM_COST_QUEUE_GET,
    /* multiprocessing */
    SIM_COST_START_FORK,
    SIM_COST_START_FORKSERVER,
    SIM_COST_FORKSERVER_LAUNCH,
    SIM_COST_START_SPAWN,
    SIM_COST_IMPORT_ASYNCIO,
    SIM_COST_POOL_MAKE,
    SIM_COST_POOL_TASK,
    SIM_COST_POOL_TASK_WORKER,
    SIM_COST_MPQ_PUT,
    SIM_COST_MPQ_PUT_BYTE,
    SIM_COST_MPQ_GET,
    SIM_COST_MPQ_GET_BYTE,
    SIM_COST_MP_LOCK,
    SIM_COST_MP_SEMAPHORE,
    SIM_COST_MP_VALUE_INC,
    SIM_COST__COUNT
} sim_cost;

typedef struct sim_cost_info {
    const char *name;   /* "asyncio_yield": stable, in files and JSON */
    const char *label;  /* "loop trip": short, for a hover ("loop trip: 1.6 us") */
    const char *what;   /* one line for people: what is measured, exactly */
    const char *unit;   /* "per await", "per byte": the ns are per this */
    double max_ns;      /* a value above this is absurd: refused in files */
    int scales;         /* 1: interpreter work, scaled with the machine's
                           speed; 0: set by the kernel, not the CPU's speed
                           (the timer slack of time.sleep(0)) */
} sim_cost_info;

extern const sim_cost_info sim_cost_infos[SIM_COST__COUNT];

/* The cost called `name`, or -1. */
int sim_cost_find(const char *name);

/* Where a profile came from and what it rests on. Strings are "" when
 * unknown (a profile of source none has no interpreter). */
typedef struct sim_costs_origin {
    sim_costs_source source;   /* calibrated, builtin, none or file */
    char implementation[16];   /* "cpython" (sys.implementation.name) */
    char version[32];          /* "3.12.1" (platform.python_version()) */
    char executable[256];      /* sys.executable as the interpreter said */
    char command[256];         /* what concviz ran, an absolute path: how
                                  `calibrated` finds the default python3's */
    int gil;                   /* 0: a free-threaded build without its GIL */
    char measured_at[32];      /* "2026-11-29T20:49:32Z" (UTC) */
    int cpus;                  /* the machine that measured it */
    char cpu_model[128];
    double spin_turn_ns;       /* the interpreter's speed: ns a turn of the
                                  cpu() helper's loop takes */
    double unit_ns;            /* concviz's own work unit on that machine
                                  (sim_calib.ns_per_unit) */
    double scale;              /* what the costs as measured were multiplied
                                  by (builtin: this machine's speed against
                                  the reference's); 1 otherwise */
    char file[1024];           /* the file it was read from, "" if none */
    char note[256];            /* why it is what it is, when not obvious:
                                  "no calibrated profile for python3: run
                                  `concviz calibrate`"; "" if nothing */
} sim_costs_origin;

/* CPython's cyclic garbage collector, as an asyncio program meets it
 * (gcsim.h runs it). A collection starts when the container objects
 * allocated since the last one, less those freed, pass threshold[0]; it
 * looks at every object of the generations it collects, so it costs more
 * the more objects are alive: a hundred thousand waiting tasks are 1.2
 * million objects, and collecting them all takes 0.1 s. Measured by
 * `calibrate` in a fresh interpreter that starts as the programs of
 * `concviz python` start (their imports and definitions). threshold[0]
 * 0: nothing known (a profile without a "gc" section), none charged. */
typedef struct sim_costs_gc {
    int64_t threshold[3];     /* gc.get_threshold(): 700, 10, 10 */
    int64_t start_count[3];   /* gc.get_count() as the program's main() starts */
    int64_t start_objects[3]; /* objects in each generation then */
    int64_t start_full;       /* full collections before then */
    double task_objects;      /* objects an asyncio task allocates and keeps
                                 while it waits for a timer: its coroutine, its
                                 Task, its sleep's future and timer handle,
                                 gather's part (3.11: 12) */
    double task_ready_objects;/* the same for a task that awaits no timer
                                 (sleep(0), a lock, a queue: 9) */
    double task_end_objects;  /* allocated as it finishes, beyond those freed (2) */
    double young_object_ns;   /* a collection of generation 0 or 1, per object
                                 it looks at (30-45 ns here: recent objects) */
    /* A full collection, per object: more the more objects there are (fewer
     * fit in the caches): full_object_ns_small when it looks at
     * full_objects_small objects (90 ns at 80,000 here), full_object_ns at
     * full_objects (155 ns at 360,000); between, as the logarithm of the
     * objects goes; outside, the nearer one. */
    double full_object_ns_small;
    int64_t full_objects_small;
    double full_object_ns;
    int64_t full_objects;
} sim_costs_gc;

/* A profile: the cost of each operation, in ns per its unit, as the
 * engines must charge them (already scaled). Plain data: copy it freely. */
typedef struct sim_costs {
    double ns[SIM_COST__COUNT];
    /* Not a time but the C library's state the interpreter leaves, which
     * decides what a big object costs to make: from what size on a
     * `bytes(n)` of an asyncio program (its modules imported) is a mapping
     * of fresh pages of its own rather than main-heap memory. glibc starts
     * at 128 KiB (M_MMAP_THRESHOLD) and raises it to the size of each
     * mapped block freed, up to 32 MiB: the imports free some (3.11:
     * about 209 KB after `import asyncio`, 3.12: 141 KB). 0: unknown,
     * glibc's 128 KiB. (mainheap.h) */
    int64_t asyncio_mmap_threshold;
    sim_costs_gc gc;
    sim_costs_origin origin;
} sim_costs;

/* Every cost 0, source none: the bare engines. */
void sim_costs_none(sim_costs *out);

/* The built-in profile (CPython 3.12 on the reference machine), scaled to
 * this machine: each cost that `scales` is multiplied by calib's
 * ns_per_unit over the reference machine's. calib NULL: not scaled. */
void sim_costs_builtin(const sim_calib *calib, sim_costs *out);

/* The measurement script `concviz calibrate` runs (calibrate.py, carried
 * inside concviz): `len` bytes of Python source, NUL-terminated. */
const char *sim_costs_script(size_t *len);

/* ---- files (costs_json.c) ---------------------------------------------- */

/* Reads a profile file. Returns 0, or SIM_E_SYS (missing, unreadable, not
 * a regular file), SIM_E_VERSION (another format version) or SIM_E_FORMAT
 * (malformed, a field missing or out of range), with `msg` naming the file and, for the
 * content, the line, column and field: "p.json:3:18: costs.lock: expected
 * ns from 0 to 1 ms, got -5". Never a partial profile: *out is set only
 * on success, with source SIM_COSTS_FILE and file = path. */
int sim_costs_load(const char *path, sim_costs *out, char *msg, size_t n);

/* Writes a profile file atomically (atomic_file.h): the old file stays as
 * it was if anything fails. Returns 0, or SIM_E_SYS with `msg`. */
int sim_costs_save(const char *path, const sim_costs *c, char *msg, size_t n);

/* What a profile needs to be complete, as bits: sim_costs_parse checks the
 * ones asked for. A file needs them all; the calibration script's output
 * has no machine, date, command or unit_ns (concviz adds them). */
enum {
    SIM_COSTS_HAS_INTERPRETER = 1,  /* implementation, version, gil */
    SIM_COSTS_HAS_COMMAND = 2,      /* interpreter.command */
    SIM_COSTS_HAS_DATE = 4,         /* measured_at */
    SIM_COSTS_HAS_MACHINE = 8,
    SIM_COSTS_HAS_SPIN = 16,        /* speed.spin_turn_ns */
    SIM_COSTS_HAS_UNIT = 32,        /* speed.unit_ns */
    SIM_COSTS_HAS_COSTS = 64,       /* every cost */
    SIM_COSTS_HAS_ALL = 127,
    SIM_COSTS_HAS_SCRIPT = SIM_COSTS_HAS_INTERPRETER | SIM_COSTS_HAS_SPIN |
                           SIM_COSTS_HAS_COSTS,
};

/* Parses a profile from `len` bytes named `name` (for messages), which
 * must hold the fields `need`. Same results and messages as sim_costs_load
 * (source is left SIM_COSTS_FILE; the caller sets what it knows). */
int sim_costs_parse(const char *buf, size_t len, const char *name, unsigned need,
                    sim_costs *out, char *msg, size_t n);

/* A profile as a JSON object on one line, for a trace or `run --json`:
 * the file's fields plus "source", "file", "scale" and "note". */
void sim_costs_write(FILE *f, const sim_costs *c);

/* Reads what sim_costs_write wrote, from a parser standing at the object
 * (a trace loader): a profile of format SIM_COSTS_FORMAT_OLDEST or later,
 * where a cost its format did not have reads as 0 (its run charged none).
 * Returns 0, or -1 with the error recorded in j, naming the field
 * ("costs.lock: expected ..."). */
int sim_costs_read(sim_json *j, sim_costs *out);

/* ---- choosing one (costs_resolve.c) ------------------------------------ */

/* The folder calibrated profiles live in: $XDG_CACHE_HOME/concviz, or
 * ~/.cache/concviz. Returns 0, or -1 (no HOME) with msg. */
int sim_costs_cache_dir(char *buf, size_t n, char *msg, size_t mn);

/* A calibrated profile's file name in that folder, by its interpreter:
 * "costs-cpython-3.12.1.json" (characters other than letters, digits and
 * `.+-_` become `_`). */
void sim_costs_file_name(const sim_costs_origin *o, char *buf, size_t n);

/* Finds a program as the shell does: `name` with a '/' is taken as it is,
 * else looked up in $PATH. Writes its absolute, resolved path (realpath).
 * Returns 0, -ENOENT (not found), or another negated errno: -EISDIR (a
 * folder), -EACCES (not executable). */
int sim_costs_find_program(const char *name, char *buf, size_t n);

/* The profile the configuration chooses (cfg->costs, cfg->costs_file),
 * with `calib` for scaling the built-in one (NULL: not scaled):
 *   none, builtin: as above;
 *   file: sim_costs_load;
 *   calibrated: the newest profile in the cache folder that python3 (as
 *     found in $PATH) measured; if there is none, the built-in one, with
 *     origin.note saying why.
 * Returns 0, or SIM_E_USAGE with `msg` (a bad file, named, with its
 * field): a run refuses to start rather than fall back in silence. */
int sim_costs_resolve(const sim_config *cfg, const sim_calib *calib, sim_costs *out,
                      char *msg, size_t n);

/* One line saying what a run's costs rest on, for the table of `concviz
 * run` and the window's header: "CPython 3.11.7 calibrated on this
 * machine, 2026-11-29", "built-in: CPython 3.12.1 measured on AMD EPYC
 * (2 CPUs), 2026-11-29, scaled x0.98 to this machine (no calibrated
 * profile for python3: run `concviz calibrate`)", "none: the bare
 * engines". "This machine" when cpus and cpu_model (the machine now)
 * match the profile's. Returns the length (cut to fit n). */
size_t sim_costs_describe(const sim_costs *c, int cpus, const char *cpu_model,
                          char *buf, size_t n);

#endif
