/* cmd_python.c - `concviz python`: the Python program behind each model.
 *
 * Parses the same options as `concviz run` (runopts.h), so a learner can
 * swap `run` for `python` in a command line and see the code behind the
 * timelines it drew. Nothing runs here: the workload is parsed, and each
 * model's program is written to stdout by sim_pyprog_write. Shared-state
 * workloads (`2*(100*(load:hits,cpu:20us,store:hits))`) print counter lines,
 * so that python3 shows the same lost updates as `concviz run`.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_output.h"
#include "pyprog.h"
#include "err.h"
#include "runopts.h"

static const char python_usage[] =
    "usage: concviz python [OPTIONS]\n"
    "\n"
    "Prints, for each model, the plain Python program that does what the\n"
    "workload does: asyncio.gather of coroutines, threading.Thread, a\n"
    "multiprocessing.Pool; cpu:DUR becomes a calibrated loop. Shared state\n"
    "becomes the model's own: globals (a multiprocessing.Value for\n"
    "shared.NAME), Lock, Semaphore, Queue, asyncio.to_thread and a\n"
    "ProcessPoolExecutor. Each program prints every counter's final value\n"
    "and the value a run losing no update ends with, then its wall time\n"
    "(wall_ms=...), to compare with `concviz run`.\n"
    "\n"
    "options:\n"
    "%s"
    "  --record               the programs as `concviz run --python` runs them:\n"
    "                         the same text plus concviz's recorder (its block\n"
    "                         and the lines starting with _cz_), which writes\n"
    "                         what the tasks did when CONCVIZ_RECORD=FILE is set\n"
    "  -h, --help             this help\n"
    "\n"
    "--timeout and --costs are accepted, as for `concviz run`, and have no\n"
    "effect here.\n"
    "Example: concviz python --workload '4*cpu:200ms' --models threading\n";

int cmd_python(int argc, char **argv, app_ctx *ctx)
{
    sim_config o = {0};
    char msg[512];
    unsigned flags = 0;
    (void)ctx;
    for (int i = 1; i < argc;) {
        if (strcmp(argv[i], "--record") == 0) {
            flags |= SIM_PYPROG_RECORD;
            i++;
            continue;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            char help[2048];
            app_runopts_help(help, sizeof help);
            printf(python_usage, help);
            return APP_EXIT_OK;
        }
        int took = app_runopts_take(&o, argc, argv, &i, msg, sizeof msg);
        if (took < 0)
            return app_usage_error("python", "%s", msg);
        if (took == 0) {
            if (argv[i][0] == '-')
                return app_usage_error("python", "unknown option '%s'", argv[i]);
            return app_usage_error("python", "unexpected argument '%s'", argv[i]);
        }
    }

    /* Resolved only for the models and the workload: a zero count of
     * workers stays "the CPUs", Python's own default (os.cpu_count()). */
    sim_config all = o;
    sim_config_resolve(&all, 1);
    const char *spec = all.workload;
    sim_workload w;
    sim_parse_error err;
    if (sim_workload_parse(&w, spec, &err) != 0) {
        char text[512];
        sim_parse_error_format(&err, spec, text, sizeof text);
        fputs(text, stderr);
        fputs("Try 'concviz python --help'.\n", stderr);
        return APP_EXIT_USAGE;
    }

    int rc = SIM_OK;
    for (int k = 0; k < all.nmodels && rc == SIM_OK; k++) {
        const char *name = sim_model_name(all.models[k]);
        /* Not asyncio.py: a file named like a module hides that module. */
        printf("%s# ==== %s ====\n", k ? "\n\n" : "", name);
        printf("# Save as %s_demo.py and run: python3 %s_demo.py\n", name, name);
        rc = sim_pyprog_write_ex(stdout, &w, all.models[k], &o, flags, NULL);
    }
    sim_workload_free(&w);
    if (rc != SIM_OK && !ferror(stdout)) {
        fprintf(stderr, "concviz: could not write the programs: %s\n", sim_err_str(rc));
        return APP_EXIT_RUNTIME;
    }
    return app_output_finish(stdout, "the programs", NULL);
}
