/* ui_probe.h - pixel probes for the headless render tests: does a
 * rectangle of the last frame hold a colour, and (with UI_SHOTS_DIR set)
 * the frame saved as a PNG for a person to look at. */
#ifndef CONCVIZ_UI_PROBE_H
#define CONCVIZ_UI_PROBE_H

#include <stdio.h>
#include <stdlib.h>

#include "headless.h"
#include "test.h"

static inline int close_to(ui_color a, ui_color b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

/* Does any pixel of the rectangle have colour c? (Hatching covers some.) */
static inline int rect_has(const ui_headless *hl, ui_rect r, ui_color c)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            if (close_to(ui_headless_pixel(hl, x, y), c, 6))
                return 1;
    return 0;
}

/* The last frame as dir/name.png, when dir is set (UI_SHOTS_DIR). */
static inline void save(ui_headless *hl, const char *dir, const char *name)
{
    if (!dir)
        return;
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    ASSERT_MSG(ui_save_png(hl->surf, path, err, sizeof err) == 0, "%s", err);
}

#endif
