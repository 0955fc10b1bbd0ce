/* headless.h - drawing a frame with no display, and saving it as a PNG.
 *
 * A software renderer over an SDL_Surface needs no window and no video
 * driver, so it works on a server with DISPLAY unset: the export command,
 * the tests and the benchmark all use it, and the window's screenshot key
 * saves through the same PNG writer.
 */
#ifndef UI_HEADLESS_H
#define UI_HEADLESS_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "draw.h"

typedef struct ui_headless {
    SDL_Surface *surf;
    SDL_Renderer *r;
    ui_ctx ui;
    int w, h;
} ui_headless;

/* A w x h RGB surface with a software renderer and a drawing context.
 * Returns 0, or -1 with a sentence in err (nothing is left allocated). */
int ui_headless_init(ui_headless *hl, int w, int h, char *err, size_t n);
void ui_headless_deinit(ui_headless *hl);

/* Lays out and draws one frame of the view (the view's timemap is updated
 * for this size, as the window does each frame). */
void ui_headless_draw(ui_headless *hl, ui_view *v, const sim_comparison *c,
                      const ui_frame_extra *x);

/* The colour of one pixel of the last frame (0 alpha when out of range). */
ui_color ui_headless_pixel(const ui_headless *hl, int x, int y);

/* Writes a surface as a PNG atomically (a temporary file in the same
 * folder, then a rename): the file is whole or untouched. Returns 0, or -1
 * with a sentence in err. */
int ui_save_png(SDL_Surface *s, const char *path, char *err, size_t n);
/* The same as a JPEG of the given quality (1 to 100): smaller, for slides
 * and mail, at the cost of soft edges around text. */
int ui_save_jpeg(SDL_Surface *s, const char *path, int quality, char *err, size_t n);

#endif
