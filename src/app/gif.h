/* gif.h - an animated GIF writer for timelines (through giflib).
 *
 * A GIF has at most 256 colours. A timeline has few: the theme's own
 * (background, panels, text, the state colours, markers) plus the shades
 * antialiased text makes between text and background. So the palette is
 * fixed and built from the theme (app_gif_palette), each pixel takes the
 * nearest entry, and there is no dithering: dithering would sprinkle noise
 * into text and flat boxes, and make every frame differ everywhere.
 *
 * Frames are differenced: only the rectangle that changed since the last
 * frame is stored, and inside it the pixels that did not change are
 * transparent (palette index 0, which no colour uses). Between two frames
 * of a replay only the playhead and the newly revealed boxes change, so a
 * frame costs little more than what moved.
 */
#ifndef APP_GIF_H
#define APP_GIF_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "atomic_file.h"
#include "theme.h"

#define APP_GIF_PALETTE 256
#define APP_GIF_TRANSPARENT 0   /* the palette index of "unchanged" */

typedef struct app_gif_rgb {
    uint8_t r, g, b;
} app_gif_rgb;

typedef struct app_gif {
    struct GifFileType *g;
    sim_afile af;
    int w, h;
    app_gif_rgb pal[APP_GIF_PALETTE];
    int npal;                 /* entries used, index 0 included */
    uint8_t *lut;             /* 6 bits per channel -> index (0: not looked up yet) */
    uint8_t *prev, *cur;      /* the last frame and this one, as indices */
    uint8_t *line;            /* one row of the changed rectangle */
    int frames;
} app_gif;

/* The fixed palette of a theme: index 0 is the transparent "unchanged"
 * entry, then the theme's colours, the blends antialiased text makes, and
 * greys. Returns how many entries are used (at most 256). */
int app_gif_palette(const ui_theme *th, app_gif_rgb pal[APP_GIF_PALETTE]);

/* Starts a w x h looping GIF at `path` (a temporary file until
 * app_gif_finish). Returns 0, or -1 with a sentence in err. */
int app_gif_open(app_gif *g, const char *path, int w, int h, const ui_theme *th,
                 char *err, size_t n);

/* Adds a frame from a w x h surface, shown for delay_cs hundredths of a
 * second. Returns 0, or -1 with err (then call app_gif_abort). */
int app_gif_frame(app_gif *g, SDL_Surface *s, int delay_cs, char *err, size_t n);

/* Ends the file and renames it into place. Returns 0, or -1 with err (the
 * old file, if any, is left as it was). Either way g is finished. */
int app_gif_finish(app_gif *g, char *err, size_t n);

/* Gives up: removes the temporary file and frees everything. */
void app_gif_abort(app_gif *g);

#endif
