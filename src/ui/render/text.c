/* text.c - the cached text renderer.
 *
 * Lookup is a small chained hash table over a fixed array of entries, so a
 * frame's few hundred labels cost a hash and a compare each. When the array
 * is full the least recently used entry is evicted (a linear scan, paid
 * only on a miss with a full cache). Glyphs are rendered "blended"
 * (anti-aliased, with alpha) in the colour they are drawn in, one texture
 * per colour: a texture tinted at each draw (SDL's colour modulation)
 * makes the software renderer blend every pixel through its slowest,
 * general blitter, which took a quarter of a 4K frame; an untinted one
 * takes the fast path. A screen uses a handful of text colours, so the
 * cache holds few more entries. Fonts are opened per size on demand and a
 * bounded number stay open.
 */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"

static const char *font_files[UI_FONT__COUNT] = {
    "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "fonts/DejaVuSansMono.ttf",
    "fonts/DejaVuSans.ttf"};

int ui_text_init(ui_text *t, SDL_Renderer *r, char *err, size_t n)
{
    memset(t, 0, sizeof *t);
    t->r = r;
    for (int i = 0; i < UI_FONT__COUNT; i++) {
        if (ui_assets_find(font_files[i], t->path[i], sizeof t->path[i]) != 0) {
            snprintf(err, n, "cannot find %s (set CONCVIZ_DATADIR to the folder "
                     "that holds fonts/)", font_files[i]);
            return -1;
        }
    }
    /* TTF_Init counts its calls and TTF_Quit undoes one each, so two
     * renderers at once (a window and an export, or a test's two) each
     * init and quit on their own without closing the other's fonts. */
    if (TTF_Init() != 0) {
        snprintf(err, n, "SDL_ttf: %s", TTF_GetError());
        return -1;
    }
    t->ttf_inited = 1;
    t->e = calloc(UI_TEXT_CACHE, sizeof *t->e);
    if (!t->e) {
        TTF_Quit();
        snprintf(err, n, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < sizeof t->buckets / sizeof t->buckets[0]; i++)
        t->buckets[i] = -1;
    return 0;
}

void ui_text_deinit(ui_text *t)
{
    for (int i = 0; i < t->n; i++) {
        if (t->e[i].tex)
            SDL_DestroyTexture(t->e[i].tex);
        free(t->e[i].str);
    }
    free(t->e);
    for (int i = 0; i < UI_TEXT_FONTS; i++)
        if (t->fonts[i].f)
            TTF_CloseFont(t->fonts[i].f);
    if (t->ttf_inited)
        TTF_Quit();
    memset(t, 0, sizeof *t);
}

void ui_text_frame(ui_text *t)
{
    t->stamp++;
}

static TTF_Font *get_font(ui_text *t, int font, int px)
{
    int oldest = 0;
    for (int i = 0; i < UI_TEXT_FONTS; i++) {
        ui_open_font *o = &t->fonts[i];
        if (o->f && o->font == font && o->px == px) {
            o->used = t->stamp;
            return o->f;
        }
        if (!o->f || (t->fonts[oldest].f && o->used < t->fonts[oldest].used))
            oldest = i;
    }
    ui_open_font *o = &t->fonts[oldest];
    TTF_Font *f = TTF_OpenFont(t->path[font], px);
    if (!f)
        return NULL;
    if (o->f) {
        /* Textures made with the old font stay valid: they are pixels. */
        TTF_CloseFont(o->f);
    }
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    if (font == UI_FONT_ITALIC)
        TTF_SetFontStyle(f, TTF_STYLE_ITALIC); /* an oblique of the regular face */
    *o = (ui_open_font){f, font, px, t->stamp};
    return f;
}

static uint64_t hash_of(const char *s, int font, int px)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h = (h ^ (uint64_t)font) * 1099511628211ull;
    h = (h ^ (uint64_t)px) * 1099511628211ull;
    return h;
}

static void unlink_entry(ui_text *t, int idx)
{
    size_t nb = sizeof t->buckets / sizeof t->buckets[0];
    int *pp = &t->buckets[t->e[idx].hash % nb];
    while (*pp != -1) {
        if (*pp == idx) {
            *pp = t->e[idx].next;
            return;
        }
        pp = &t->e[*pp].next;
    }
}

static uint32_t rgb_of(ui_color c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

/* The entry for s in font f at px, rendered in colour `c` (its alpha is
 * applied at the draw); c NULL: in any colour (only its size is wanted),
 * white when none is cached yet. */
static ui_text_entry *lookup(ui_text *t, ui_font f, int px, const char *s, const ui_color *c)
{
    if (!s || !*s || px <= 0)
        return NULL;
    size_t nb = sizeof t->buckets / sizeof t->buckets[0];
    uint64_t h = hash_of(s, f, px);
    uint32_t rgb = c ? rgb_of(*c) : 0xffffffu;
    for (int i = t->buckets[h % nb]; i != -1; i = t->e[i].next) {
        ui_text_entry *e = &t->e[i];
        if (e->hash == h && e->font == (int)f && e->px == px && (!c || e->rgb == rgb) &&
            strcmp(e->str, s) == 0) {
            e->used = t->stamp;
            t->hits++;
            return e;
        }
    }
    t->misses++;
    TTF_Font *font = get_font(t, f, px);
    if (!font)
        return NULL;
    SDL_Color ink = {(uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb, 255};
    SDL_Surface *surf = TTF_RenderUTF8_Blended(font, s, ink);
    if (!surf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->r, surf);
    int w = surf->w, hh = surf->h;
    SDL_FreeSurface(surf);
    if (!tex)
        return NULL;
    char *copy = strdup(s);
    if (!copy) {
        SDL_DestroyTexture(tex);
        return NULL;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    int idx;
    if (t->n < UI_TEXT_CACHE) {
        idx = t->n++;
    } else {
        idx = 0;
        for (int i = 1; i < t->n; i++)
            if (t->e[i].used < t->e[idx].used)
                idx = i;
        unlink_entry(t, idx);
        SDL_DestroyTexture(t->e[idx].tex);
        free(t->e[idx].str);
    }
    ui_text_entry *e = &t->e[idx];
    *e = (ui_text_entry){h, copy, f, px, rgb, tex, w, hh, t->stamp, t->buckets[h % nb]};
    t->buckets[h % nb] = idx;
    return e;
}

void ui_text_size(ui_text *t, ui_font f, int px, const char *s, int *w, int *h)
{
    ui_text_entry *e = lookup(t, f, px, s, NULL);
    *w = e ? e->w : 0;
    *h = e ? e->h : 0;
}

int ui_text_width(ui_text *t, ui_font f, int px, const char *s)
{
    int w, h;
    ui_text_size(t, f, px, s, &w, &h);
    return w;
}

int ui_text_draw(ui_text *t, ui_font f, int px, ui_color c, const char *s,
                 int x, int y, int align)
{
    ui_text_entry *e = lookup(t, f, px, s, &c);
    if (!e)
        return 0;
    if (align == UI_ALIGN_CENTER)
        x -= e->w / 2;
    else if (align == UI_ALIGN_RIGHT)
        x -= e->w;
    SDL_SetTextureAlphaMod(e->tex, c.a); /* 255 for almost every text: no tint */
    SDL_Rect dst = {x, y, e->w, e->h};
    SDL_RenderCopy(t->r, e->tex, NULL, &dst);
    return e->w;
}

int ui_text_draw_fit(ui_text *t, ui_font f, int px, ui_color c, const char *s,
                     int x, int y, int max_w)
{
    int w, h;
    ui_text_size(t, f, px, s, &w, &h);
    if (w <= max_w)
        return ui_text_draw(t, f, px, c, s, x, y, UI_ALIGN_LEFT);
    if (max_w <= 0)
        return 0;
    /* The longest prefix (cut at a character boundary) that fits with the
     * ellipsis, by bisection over byte lengths: a few measurements, not one
     * per character. */
    TTF_Font *font = get_font(t, f, px);
    if (!font)
        return 0;
    char buf[512];
    size_t len = strlen(s);
    if (len > sizeof buf - 4)
        len = sizeof buf - 4;
    size_t lo = 0, hi = len; /* prefix lo fits (or is empty); hi may not */
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        size_t cut = mid;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(buf, s, cut);
        memcpy(buf + cut, "\xe2\x80\xa6", 4);
        if (TTF_SizeUTF8(font, buf, &w, &h) == 0 && w <= max_w)
            lo = mid;
        else
            hi = mid - 1;
    }
    while (lo > 0 && ((unsigned char)s[lo] & 0xC0) == 0x80)
        lo--;
    if (lo == 0)
        return 0;
    memcpy(buf, s, lo);
    memcpy(buf + lo, "\xe2\x80\xa6", 4);
    return ui_text_draw(t, f, px, c, buf, x, y, UI_ALIGN_LEFT);
}
