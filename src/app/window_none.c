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
