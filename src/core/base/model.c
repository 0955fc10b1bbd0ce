/* model.c - names and one-line captions of the concurrency models.
 *
 * The names are Python's module names, so that what a student types in
 * `--models` is what they would import. A table indexed by sim_model keeps
 * name and caption side by side; the captions are the one sentence each
 * model is about, shown under its timeline and in `concviz python`.
 */
#include "model.h"

#include <stddef.h>
#include <strings.h>

static const struct {
    const char *name;
    const char *caption;
} models[SIM_MODEL__COUNT] = {
    [SIM_MODEL_ASYNCIO] = {"asyncio", "one thread; tasks switch only at await"},
    [SIM_MODEL_THREADING] = {"threading", "threads take turns holding the GIL; I/O waits overlap"},
    [SIM_MODEL_MULTIPROCESSING] = {"multiprocessing",
                                   "separate processes run in parallel on several cores"},
    [SIM_MODEL_FREE_THREADING] = {"free-threading", "threads without a GIL run in parallel"},
};

const char *sim_model_name(sim_model m)
{
    return (unsigned)m < SIM_MODEL__COUNT ? models[m].name : "unknown";
}

const char *sim_model_caption(sim_model m)
{
    return (unsigned)m < SIM_MODEL__COUNT ? models[m].caption : "unknown model";
}

/* Case does not matter, and `free_threading` is accepted for the dash,
 * since a shell user may well type either. */
int sim_model_parse(const char *name, sim_model *m)
{
    if (!name)
        return -1;
    for (int i = 0; i < SIM_MODEL__COUNT; i++) {
        if (strcasecmp(name, models[i].name) == 0) {
            *m = (sim_model)i;
            return 0;
        }
    }
    if (strcasecmp(name, "free_threading") == 0) {
        *m = SIM_MODEL_FREE_THREADING;
        return 0;
    }
    return -1;
}
