/* pythons.c - `--python` and `--python-ft`, and asking the interpreters
 * what they are (pythons.h). */
#include "pythons.h"

#include <string.h>

const char app_pythons_help[] =
    "  --python [INTERPRETER] also run each model's Python program (what\n"
    "                         `concviz python` prints) under CPython, python3 by\n"
    "                         default, and show it beside the model\n"
    "  --python-ft INTERPRETER  the free-threaded Python for free-threading\n"
    "                         (default: python3.14t or python3.13t on PATH)\n";

/* `--name VALUE` or `--name=VALUE`: the value (NULL if missing), *i past it. */
static const char *value_of(int argc, char **argv, int *i, size_t len)
{
    const char *o = argv[*i];
    if (o[len] == '=') {
        (*i)++;
        return o + len + 1;
    }
    if (*i + 1 >= argc)
        return NULL;
    *i += 2;
    return argv[*i - 1];
}

int app_pythons_take(app_pythons *p, int argc, char **argv, int *i, char *msg, size_t n)
{
    const char *o = argv[*i];
    if (strcmp(o, "--python") == 0 || strncmp(o, "--python=", 9) == 0) {
        /* The interpreter is optional: the next argument, unless it is an
         * option. */
        if (o[8] == '=')
            p->python = o + 9;
        else if (*i + 1 < argc && argv[*i + 1][0] != '-')
            p->python = argv[++*i];
        else
            p->python = SIM_CPYTHON_DEFAULT;
        (*i)++;
        if (!p->python[0]) {
            snprintf(msg, n, "--python= needs an interpreter, or use --python alone for "
                             "python3");
            return -1;
        }
        return 1;
    }
    if (strcmp(o, "--python-ft") == 0 || strncmp(o, "--python-ft=", 12) == 0) {
        p->python_ft = value_of(argc, argv, i, 11);
        if (!p->python_ft || !p->python_ft[0]) {
            snprintf(msg, n, "--python-ft needs an interpreter (a free-threaded Python, "
                             "e.g. python3.13t)");
            return -1;
        }
        if (!p->python)
            p->python = SIM_CPYTHON_DEFAULT; /* --python-ft implies --python */
        return 1;
    }
    return 0;
}

int app_pythons_probe(app_pythons *p, int want_gil, int want_ft, const atomic_int *cancel,
                      FILE *say)
{
    int bad = 0;
    p->run.gil_missing = p->missing[0];
    p->run.ft_missing = p->missing[1];
    if (want_gil) {
        const char *given = p->python ? p->python : SIM_CPYTHON_DEFAULT;
        if (sim_cpython_probe(&p->interp[0], given, 0, cancel, p->missing[0],
                              sizeof p->missing[0]) == 0) {
            p->run.gil = &p->interp[0];
        } else {
            if (say)
                fprintf(say, "concviz: --python: %s\n", p->missing[0]);
            bad = 1;
        }
    }
    if (want_ft) {
        int e = p->python_ft ? sim_cpython_probe(&p->interp[1], p->python_ft, 0, cancel,
                                                 p->missing[1], sizeof p->missing[1])
                             : sim_cpython_find_ft(&p->interp[1], p->missing[1],
                                                   sizeof p->missing[1]);
        if (e == 0) {
            p->run.ft = &p->interp[1];
            if (say && p->interp[1].info.free_threaded != 1)
                fprintf(say, "concviz: --python-ft: %s is not a free-threaded Python: "
                        "the free-threading program runs with its GIL\n",
                        p->interp[1].info.path);
        } else if (say) {
            /* Not a failure: free-threaded Pythons are still rare. */
            fprintf(say, "concviz: free-threading is not measured in CPython: %s\n",
                    p->missing[1]);
        }
    }
    return bad;
}
