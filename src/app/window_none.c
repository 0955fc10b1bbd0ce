/* window_none.c - `concviz` alone, in a build without the window
 * (meson -Dui=false): run the default comparison headless and print it. */
#include <stdio.h>

#include "app.h"

int cmd_window(int argc, char **argv, app_ctx *ctx)
{
    fputs("concviz: this build has no window (configured with -Dui=false); "
          "running the comparison headless instead\n", stderr);
    return cmd_run(argc, argv, ctx);
}

/* `concviz trace --show` in a build without the window: the trace was
 * saved already; say so, and where to look at it. The comparison stays the
 * caller's (nothing was taken). */
int app_window_main(int argc, char **argv, app_ctx *ctx, struct sim_comparison *preloaded)
{
    (void)argc;
    (void)argv;
    (void)ctx;
    (void)preloaded;
    fputs("concviz: this build has no window (configured with -Dui=false), so --show "
          "cannot open one; the trace is saved: `concviz shot --open FILE` in a build "
          "with the window draws it\n", stderr);
    return APP_EXIT_RUNTIME;
}
