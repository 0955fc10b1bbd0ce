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

/* After ui_draw_lesson: measures every text box of the panel against its
 * area, with the fonts the draw used (narration and question lines within
 * their width, each choice's label and tags within the choice, buttons,
 * the status and the key hints within theirs) and checks that the areas
 * do not overlap (the question below the narration's room and above the
 * choices, the choices above the buttons). Returns how many problems it
 * found, the first described in `what` ("choice 3 'multiprocessing' is
 * 212 px wide, its box 180"). */
int ui_lesson_overflows(ui_ctx *ui, const ui_lesson_panel *p, char *what, size_t n);

#endif
