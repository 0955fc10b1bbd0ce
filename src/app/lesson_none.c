/* lesson_none.c - the lesson player in a build without the window (meson
 * -Dui=false): the lessons can still be checked, verified and listed, and
 * read as documents; playing one needs the window, which says so plainly. */
#include <stdio.h>

#include "lesson_play.h"

int app_window_lesson(int argc, char **argv, app_ctx *ctx, const app_lesson_desc *ld)
{
    fprintf(stderr, "concviz: this build has no window (configured with -Dui=false), "
                    "so it cannot play %s;\nread it as a document, or check it with "
                    "`concviz lesson --verify %s`\n", ld->path, ld->path);
    return APP_EXIT_RUNTIME;
}
