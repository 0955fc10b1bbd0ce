/* draw_lesson.h - the lesson player's narration panel, drawn over a frame.
 *
 * Call after ui_draw_frame, with the layout the frame was drawn with (the
 * timelines laid out narrower, leaving the panel's rectangle free):
 *
 *   ui_draw_frame(&ui, &layout, &view, &cmp, &extra);
 *   ui_draw_lesson(&ui, &layout, &view, &cmp, &panel);
 *
 * It also outlines the task lanes the step highlights. The panel keeps the
 * wrapped narration between frames and rewraps it only when the step, the
 * width, the font size or the panel's version change.
 */
#ifndef UI_DRAW_LESSON_H
#define UI_DRAW_LESSON_H

#include "draw.h"
#include "lesson_panel.h"

void ui_draw_lesson(ui_ctx *ui, const ui_layout *l, const ui_view *v,
                    const sim_comparison *c, ui_lesson_panel *p);

#endif
