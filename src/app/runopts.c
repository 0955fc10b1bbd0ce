/* runopts.c - the run configuration's options on the command line.
 *
 * Each field of config.h's table is an option of the same name; its value
 * is read by sim_config_set, as a lesson's `key: value` is, except that a
 * duration may leave out its unit here (the option's unit then applies).
 */
#include "runopts.h"

#include <stdio.h>
#include <string.h>

int app_runopts_take(sim_config *c, int argc, char **argv, int *i, char *msg, size_t n)
{
    const char *a = argv[*i];
    if (strncmp(a, "--", 2) != 0)
        return 0;
    char name[32];
    const char *eq = strchr(a + 2, '=');
    size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
    if (len == 0 || len >= sizeof name)
        return 0;
    memcpy(name, a + 2, len);
    name[len] = '\0';
    int k = sim_config_find(name);
    if (k < 0)
        return 0;
    const char *value;
    if (eq) {
        value = eq + 1;
        *i += 1;
    } else if (*i + 1 < argc) {
        value = argv[*i + 1];
        *i += 2;
    } else {
        snprintf(msg, n, "--%s needs a value", name);
        return -1;
    }
    char why[400];
    if (sim_config_set(c, (sim_config_key)k, value, 1, why, sizeof why) != 0) {
        snprintf(msg, n, "--%s: %s", name, why);
        return -1;
    }
    return 1;
}

void app_runopts_help(char *buf, size_t n) { sim_config_help(buf, n); }
