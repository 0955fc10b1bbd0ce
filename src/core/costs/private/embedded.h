/* embedded.h - files concviz carries inside itself (embed.py writes them
 * into the build as byte arrays). Each ends with a NUL not counted in
 * its _len. */
#ifndef SIM_COSTS_EMBEDDED_H
#define SIM_COSTS_EMBEDDED_H

#include <stddef.h>

/* builtin-cpython-3.12.json: the built-in profile. */
extern const char sim_costs_builtin_json[];
extern const size_t sim_costs_builtin_json_len;

/* calibrate.py: the measurement script `concviz calibrate` runs. */
extern const char sim_costs_calibrate_py[];
extern const size_t sim_costs_calibrate_py_len;

#endif
