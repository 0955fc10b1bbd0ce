/* text.h - text drawn with SDL2_ttf, rendered once and reused.
 *
 * Rasterizing a string costs far more than drawing its texture, and a frame
 * draws the same labels as the last one. So each (string, font, size) is
 * rendered once, in white, to a texture kept in a cache; colour is applied
 * at draw time with a colour modulation, so one texture serves every theme.
 * The cache is bounded (least recently used entries go first), so a long
 * session with changing numbers does not grow without end. Textures belong
 * to one renderer: one cache per renderer.
 */
#ifndef UI_TEXT_H
#define UI_TEXT_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stddef.h>
#include <stdint.h>

#include "geom.h"

#define UI_TEXT_CACHE 1024   /* textures kept at most */
#define UI_TEXT_FONTS 24     /* open (font, size) pairs kept at most */

typedef enum ui_font {
    UI_FONT_REGULAR = 0,
    UI_FONT_BOLD,
    UI_FONT_MONO,
    UI_FONT_ITALIC,       /* the regular face, slanted by SDL_ttf (no italic file ships) */
    UI_FONT__COUNT
} ui_font;

enum { UI_ALIGN_LEFT = 0, UI_ALIGN_CENTER = 1, UI_ALIGN_RIGHT = 2 };

typedef struct ui_text_entry {
    uint64_t hash;
    char *str;
    int font, px;
    uint32_t rgb;          /* the colour it was rendered in, 0xRRGGBB */
    SDL_Texture *tex;
    int w, h;
    uint64_t used;         /* frame stamp, for LRU */
    int next;              /* bucket chain, -1 ends */
} ui_text_entry;

typedef struct ui_open_font {
    TTF_Font *f;
    int font, px;
    uint64_t used;
} ui_open_font;

typedef struct ui_text {
    SDL_Renderer *r;
    char path[UI_FONT__COUNT][1024];
    ui_open_font fonts[UI_TEXT_FONTS];
    ui_text_entry *e;      /* UI_TEXT_CACHE entries */
    int n;
    int buckets[512];
    uint64_t stamp;
    uint64_t hits, misses; /* for tests and the benchmark */
    int ttf_inited;
} ui_text;

/* Finds the fonts (see assets.h) and prepares the cache. Returns 0, or -1
 * with a sentence in err. */
int ui_text_init(ui_text *t, SDL_Renderer *r, char *err, size_t n);
void ui_text_deinit(ui_text *t);
/* Call once per frame: it ages entries for the LRU. */
void ui_text_frame(ui_text *t);

/* Size of a string in pixels (0 x 0 for an empty string). */
void ui_text_size(ui_text *t, ui_font f, int px, const char *s, int *w, int *h);
/* Its width alone. */
int ui_text_width(ui_text *t, ui_font f, int px, const char *s);
/* Draws s with its top-left (or top-centre/top-right) at (x, y). Returns the
 * width drawn. */
int ui_text_draw(ui_text *t, ui_font f, int px, ui_color c, const char *s,
                 int x, int y, int align);
/* Draws s cut to max_w pixels, ending in "…" when cut. */
int ui_text_draw_fit(ui_text *t, ui_font f, int px, ui_color c, const char *s,
                     int x, int y, int max_w);

#endif
