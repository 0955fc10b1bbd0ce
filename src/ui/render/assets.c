/* assets.c - where the fonts are: beside the sources or where meson
 * installed them.
 *
 * A program run from its build folder and the same program after `meson
 * install` look for data in different places. Rather than a single
 * compiled-in path (which breaks one or the other, and breaks a relocated
 * install), this tries each plausible place in turn and takes the first
 * file that is there and readable.
 */
#include "assets.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "concviz_build.h"

static int try_path(char *buf, size_t n, const char *dir, const char *mid,
                    const char *rel)
{
    if (!dir || !*dir)
        return -1;
    int r = snprintf(buf, n, "%s%s/%s", dir, mid, rel);
    if (r < 0 || (size_t)r >= n)
        return -1;
    return access(buf, R_OK) == 0 ? 0 : -1;
}

int ui_assets_find(const char *rel, char *buf, size_t n)
{
    if (try_path(buf, n, getenv("CONCVIZ_DATADIR"), "", rel) == 0)
        return 0;
    if (try_path(buf, n, CONCVIZ_DATADIR, "", rel) == 0)
        return 0;
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *dir = dirname(exe);
        /* prefix/bin/concviz -> prefix/share/concviz */
        if (try_path(buf, n, dir, "/../share/concviz", rel) == 0)
            return 0;
        /* build-x/src/app/concviz -> the source tree's assets (build
         * folders inside the tree, as scripts/ makes them) */
        if (try_path(buf, n, dir, "/../../../assets", rel) == 0)
            return 0;
    }
    if (try_path(buf, n, CONCVIZ_SOURCE_ROOT, "/assets", rel) == 0)
        return 0;
    return -1;
}
