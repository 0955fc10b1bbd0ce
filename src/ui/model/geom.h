/* geom.h - rectangles and colours: the two plain types every UI file shares.
 * No SDL here, so layout and hit-testing stay testable without a display. */
#ifndef UI_GEOM_H
#define UI_GEOM_H

#include <stdint.h>

typedef struct ui_rect {
    int x, y, w, h;
} ui_rect;

typedef struct ui_color {
    uint8_t r, g, b, a;
} ui_color;

/* Nonzero if (px, py) lies inside r (right and bottom edges excluded). */
static inline int ui_rect_has(ui_rect r, int px, int py)
{
    return px >= r.x && py >= r.y && px < r.x + r.w && py < r.y + r.h;
}

#endif
