/* runopts.h - the run configuration's options on the command line.
 *
 * `run`, `python`, the window and `shot` take the same options, one per
 * field of the run configuration (config.h): `--workers N`, `--models
 * LIST`, ... They are read here, by name from config.h's table, into a
 * sim_config; nothing else on the command line knows their names.
 */
#ifndef APP_RUNOPTS_H
#define APP_RUNOPTS_H

#include <stddef.h>

#include "config.h"

/* If argv[*i] is a run option (as `--name VALUE` or `--name=VALUE`),
 * consumes it and its value (advancing *i past them) and returns 1.
 * Returns 0 if argv[*i] is not a run option, -1 with `msg` if its value is
 * bad ("--workers: expected a whole number from 1 to 256, got 'x'"). */
int app_runopts_take(sim_config *c, int argc, char **argv, int *i, char *msg, size_t n);

/* The help lines of the run options, for a command's --help. */
void app_runopts_help(char *buf, size_t n);

#endif
