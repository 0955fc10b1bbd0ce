/* export_none.c - `shot` and `open` in a build without the UI (meson
 * -Dui=false): pictures and the window need SDL, so both say so plainly. */
#include <stdio.h>

#include "app.h"

int cmd_shot(int argc, char **argv, app_ctx *ctx)
{
    fputs("concviz: this build has no pictures (configured with -Dui=false); "
          "`concviz run --trace FILE` saves the run instead\n", stderr);
    return APP_EXIT_RUNTIME;
}

int cmd_open(int argc, char **argv, app_ctx *ctx)
{
    fputs("concviz: this build has no window (configured with -Dui=false)\n", stderr);
    return APP_EXIT_RUNTIME;
}
