/* cmd_open.c - `concviz open RUN.json`: a saved run in the window.
 *
 * The file (a `concviz run --trace` file, or one the window saved with
 * Ctrl+Shift+S) is read completely before any window opens, so a file that
 * is not a concviz trace gets one clear message and exit code 1, and the
 * window never shows half a run. Then the window starts as usual, but with
 * the saved comparison on screen instead of a new run: no engine runs until
 * the user presses R.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_output.h"
#include "escape.h"
#include "comparison.h"
#include "err.h"
#include "trace_load.h"

static const char open_usage[] =
    "usage: concviz open RUN.json [WINDOW OPTIONS]\n"
    "\n"
    "Opens a saved run in the window: the same picture as when it ran live,\n"
    "with a line saying which machine recorded it. Nothing runs until you\n"
    "press R, which runs the same workload live on this machine.\n"
    "\n"
    "RUN.json is a file written by `concviz run --trace FILE` or saved by the\n"
    "window with Ctrl+Shift+S. The window options (--theme, --size,\n"
    "--font-scale, --shots-dir) are those of `concviz window --help`.\n"
    "`concviz shot --open RUN.json -o FILE.png` draws it with no window.\n"
    "\n"
    "Exit codes: 0 success, 1 the file cannot be read or is not a concviz\n"
    "trace, 2 a usage error.\n";

int cmd_open(int argc, char **argv, app_ctx *ctx)
{
    if (argc < 2)
        return app_usage_error("open", "open needs a saved run: concviz open RUN.json");
    const char *path = argv[1];
    if (strcmp(path, "-h") == 0 || strcmp(path, "--help") == 0) {
        fputs(open_usage, stdout);
        return APP_EXIT_OK;
    }
    if (path[0] == '-')
        return app_usage_error("open", "the saved run comes first: concviz open RUN.json "
                                       "[OPTIONS], got '%s'", path);
    sim_comparison c;
    char msg[1024];
    if (sim_trace_load(path, &c, msg, sizeof msg) != SIM_OK) {
        app_print_error(msg); /* it may quote the file */
        return APP_EXIT_RUNTIME;
    }
    if (c.ntraces == 0) {
        char e[1024];
        fprintf(stderr, "concviz: %s: the run holds no model to show\n",
                sim_escape(path, 0, e, sizeof e));
        sim_comparison_deinit(&c);
        return APP_EXIT_RUNTIME;
    }
    /* The window's own options follow the file: argv[1] takes the place of
     * the command's name. */
    int rc = app_window_main(argc - 1, argv + 1, ctx, &c);
    sim_comparison_deinit(&c); /* empty if the window took it */
    return rc;
}
