/* config.h - the run configuration: one type for "how to run this workload".
 *
 * The command line, the window, a lesson step, the Python generator, the
 * engines and a saved trace all speak of the same settings, so they are one
 * struct, and every one of them fills it, reads it or records it; nothing
 * copies the settings into a shape of its own. As in sokol's descs, a zero
 * field means "the default", and the defaults are applied in one place,
 * sim_config_resolve.
 *
 * The settings a person can type are also described in one table,
 * sim_config_fields: `--workers 2` on the command line and `workers: 2` in
 * a lesson are the same field, parsed by the same code (sim_config_set),
 * with the same limits and the same messages. A new setting is a field of
 * the struct and a row of the table; the command line, the lessons and the
 * help text take it from there.
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "start_method.h"

/* Limits of the settings (checked by sim_config_set and by the engines).
 * asyncio's task limit is the language's, SIM_MAX_TASKS (workload.h). */
#define SIM_MAX_THREADS 100000   /* threading, free-threading: OS threads (the
                                    machine's own limit is checked too: run.h) */
#define SIM_MAX_WORKERS 256      /* multiprocessing: worker processes */
#define SIM_MIN_SWITCH_INTERVAL_NS 100000ll      /* 0.1 ms */
#define SIM_MAX_SWITCH_INTERVAL_NS 1000000000ll  /* 1 s */
#define SIM_MAX_TIMEOUT_NS (86400ll * 1000000000ll) /* one day */
#define SIM_MIN_MEMORY_LIMIT (16ll << 20)            /* 16 MiB */
#define SIM_MAX_MEMORY_LIMIT (1ll << 50)             /* 1 PiB: no machine has more */

/* Defaults: what a zero field means once resolved. */
#define SIM_DEFAULT_WORKLOAD "4*(cpu:40ms,io:60ms,cpu:40ms) + 4*io:150ms"
#define SIM_DEFAULT_SWITCH_INTERVAL_NS 5000000ll /* sys.getswitchinterval() */

/* Which price list of CPython's own machinery a run charges (costs.h):
 * the setting `costs`. The same words name where a resolved profile came
 * from, except that `calibrated` resolves to a built-in profile when no
 * calibration was saved for the default python3. */
typedef enum sim_costs_source {
    SIM_COSTS_CALIBRATED = 0, /* the default: measured by `concviz calibrate` */
    SIM_COSTS_BUILTIN,        /* CPython 3.12 measured on a reference machine */
    SIM_COSTS_NONE,           /* nothing: the bare engines */
    SIM_COSTS_FILE,           /* a profile file, sim_config.costs_file */
    SIM_COSTS__COUNT
} sim_costs_source;

/* "calibrated", "builtin", "none", "file". */
const char *sim_costs_source_name(sim_costs_source s);
int sim_costs_source_parse(const char *name, sim_costs_source *s);

typedef struct sim_config {
    const char *workload;          /* borrowed, not owned: the filler keeps it
                                      alive. NULL: SIM_DEFAULT_WORKLOAD */
    sim_model models[SIM_MODEL__COUNT]; /* in run order */
    int nmodels;                   /* 0: asyncio, threading, multiprocessing */
    int workers;                   /* multiprocessing pool; 0: the CPUs */
    int threads;                   /* thread pool; 0: one thread per task (a
                                      mode, not a default: it stays 0) */
    int64_t switch_interval_ns;    /* the GIL's; 0: 5 ms */
    int64_t timeout_ns;            /* stop a model after this; 0: never */
    sim_start_method start_method; /* multiprocessing; 0: forkserver */
    int64_t memory_limit;          /* bytes a run may use; 0: half of the memory
                                      available when it starts */
    sim_costs_source costs;        /* the cost profile; 0: calibrated */
    const char *costs_file;        /* SIM_COSTS_FILE: the file, borrowed as
                                      `workload` is; NULL otherwise, and in
                                      a trace (its profile names the file) */
} sim_config;

/* Replaces every zero field but `threads` and `timeout_ns` with its
 * default; `cpus` is what "the CPUs" means (> 0). The memory limit's
 * default reads the machine (sim_memory_available). */
void sim_config_resolve(sim_config *c, int cpus);

/* Only the models: an empty list becomes the default three (for a window,
 * which shows each model as a toggle). */
void sim_config_default_models(sim_config *c);

/* Whether model m is among c's models (resolved or not). */
int sim_config_has_model(const sim_config *c, sim_model m);
/* Adds (on) or removes (off) model m, keeping the models in the canonical
 * order (asyncio, threading, multiprocessing, free-threading). */
void sim_config_set_model(sim_config *c, sim_model m, int on);

/* The settings a person types, by name. */
typedef enum sim_config_key {
    SIM_CFG_WORKLOAD = 0,
    SIM_CFG_MODELS,
    SIM_CFG_WORKERS,
    SIM_CFG_THREADS,
    SIM_CFG_SWITCH_INTERVAL,
    SIM_CFG_TIMEOUT,
    SIM_CFG_START_METHOD,
    SIM_CFG_MEMORY_LIMIT,
    SIM_CFG_COSTS,            /* not in lessons: it may name a file */
    SIM_CFG__COUNT
} sim_config_key;

typedef struct sim_config_field {
    const char *name;     /* "switch-interval": `--switch-interval` on the
                             command line, `switch-interval:` in a lesson */
    const char *arg;      /* the value in help texts: "N", "DUR", "LIST" */
    const char *help;     /* one line, with the default */
    int in_lessons;       /* a lesson step may set it (a lesson may name no
                             file, so a setting that can is not) */
} sim_config_field;

extern const sim_config_field sim_config_fields[SIM_CFG__COUNT];

/* The field called `name`, or -1. */
int sim_config_find(const char *name);

/* Sets field `key` from `value` as a person typed it. `bare_unit`: on the
 * command line a duration may leave out its unit (the option's unit then
 * applies, see parse.h); in a lesson it may not. The workload is stored as
 * the pointer `value` (borrowed) and checked by its own parser later.
 * Returns 0, or -1 with `msg` saying what is wrong and what is expected
 * ("expected a whole number from 1 to 256, got 'x'"), without the name. */
int sim_config_set(sim_config *c, sim_config_key key, const char *value, int bare_unit,
                   char *msg, size_t n);

/* The value of field `key` as text, as sim_config_set reads it back
 * ("auto" for a zero that means the default). Returns the length. */
size_t sim_config_get(const sim_config *c, sim_config_key key, char *buf, size_t n);

/* The memory this machine can give now without swapping (MemAvailable),
 * in bytes; 1 GiB when it cannot tell. */
int64_t sim_memory_available(void);

/* Help lines for the command line, one per field: "  --workers N  ...". */
size_t sim_config_help(char *buf, size_t n);

#endif
