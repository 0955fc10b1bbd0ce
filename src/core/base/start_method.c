/* start_method.c - the names of the start methods (see start_method.h).
 *
 * The names are Python's own, so `--start-method spawn` means what
 * multiprocessing.set_start_method("spawn") means.
 */
#include "start_method.h"

#include <string.h>

static const char *const names[SIM_START__COUNT] = {
    [SIM_START_FORKSERVER] = "forkserver",
    [SIM_START_FORK] = "fork",
    [SIM_START_SPAWN] = "spawn",
};

const char *sim_start_method_name(sim_start_method s)
{
    return (unsigned)s < SIM_START__COUNT ? names[s] : "unknown";
}

int sim_start_method_parse(const char *name, sim_start_method *s)
{
    for (int i = 0; i < SIM_START__COUNT; i++) {
        if (strcmp(name, names[i]) == 0) {
            *s = (sim_start_method)i;
            return 0;
        }
    }
    return -1;
}
