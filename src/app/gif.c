/* gif.c - the animated GIF writer: a fixed palette, differenced frames.
 *
 * The palette (app_gif_palette) is built in order of importance, so that if
 * 255 entries were ever not enough, what is dropped is a rare shade and not
 * a state colour: first the theme's opaque colours, then the shades that
 * antialiased text makes over each background (text is where a wrong
 * colour is most visible), then translucent colours (hatching, the
 * selection) blended over what they are drawn on, then a ramp of greys.
 *
 * Mapping a pixel to its nearest entry costs 255 distance computations, far
 * too many for every pixel of every frame; but a picture of timelines has
 * a few thousand distinct colours at most. So the answer is remembered in a
 * table indexed by the colour cut to 6 bits per channel (256 KiB): each
 * cell is computed once, for the middle of its cell, and the error of the
 * cut (at most 2 of 255 per channel) is far below what the eye sees.
 *
 * giflib does the LZW compression; it writes through a callback into the
 * temporary file of a sim_afile, which app_gif_finish renames into place.
 */
#include "gif.h"

#include <gif_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LUT_SIZE (1u << 18)

/* ---- palette --------------------------------------------------------- */

typedef struct palette {
    app_gif_rgb *e;
    int n;
} palette;

static void add(palette *p, ui_color c)
{
    if (p->n >= APP_GIF_PALETTE)
        return;
    for (int i = 1; i < p->n; i++) {
        int dr = p->e[i].r - c.r, dg = p->e[i].g - c.g, db = p->e[i].b - c.b;
        /* Near-duplicates waste entries: closer than this, keep one. */
        if (dr * dr + dg * dg + db * db <= 12)
            return;
    }
    p->e[p->n++] = (app_gif_rgb){c.r, c.g, c.b};
}

/* a over b with a's alpha scaled by k (0..256). */
static ui_color over(ui_color a, ui_color b, int k)
{
    int al = a.a * k / 256;
    ui_color c = {(uint8_t)((a.r * al + b.r * (255 - al)) / 255),
                  (uint8_t)((a.g * al + b.g * (255 - al)) / 255),
                  (uint8_t)((a.b * al + b.b * (255 - al)) / 255), 255};
    return c;
}

int app_gif_palette(const ui_theme *th, app_gif_rgb pal[APP_GIF_PALETTE])
{
    palette p = {pal, 1};
    pal[0] = (app_gif_rgb){th->bg.r, th->bg.g, th->bg.b}; /* transparent */
    const ui_color white = {255, 255, 255, 255}, black = {0, 0, 0, 255};
    const ui_color backs[] = {th->bg, th->panel[0], th->panel[1], th->bar, th->tip_bg,
                              th->button, th->field};
    const ui_color inks[] = {th->fg, th->fg_dim, th->tip_fg, white};
    ui_color keys[64];
    int nk = 0;
    const ui_color named[] = {th->fg, th->fg_dim, th->grid, th->bar, th->button,
                              th->button_hot, th->button_on, th->field, th->focus,
                              th->error, th->playhead, th->finish, th->tip_bg,
                              th->tip_fg, th->hatch_ink, white, black};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        keys[nk++] = named[i];
    for (int s = 0; s < SIM_ST__COUNT && nk < 64; s++)
        keys[nk++] = th->state[s];
    for (int s = 0; s < SIM_IN__COUNT && nk < 64; s++)
        keys[nk++] = th->marker[s];
    for (int s = 0; s < SIM_FL__COUNT && nk < 64; s++)
        keys[nk++] = th->flow[s];

    /* 1. Opaque colours, backgrounds first. */
    for (size_t i = 0; i < sizeof backs / sizeof backs[0]; i++)
        add(&p, backs[i]);
    for (int i = 0; i < nk; i++)
        if (keys[i].a == 255)
            add(&p, keys[i]);
    /* 2. Text edges: each ink over each background, in eighths. */
    for (size_t b = 0; b < sizeof backs / sizeof backs[0]; b++)
        for (size_t i = 0; i < sizeof inks / sizeof inks[0]; i++)
            for (int k = 32; k < 256; k += 32)
                add(&p, over(inks[i], backs[b], k));
    /* White text on the playhead's badge. */
    for (int k = 32; k < 256; k += 32)
        add(&p, over(white, th->playhead, k));
    /* 3. Translucent colours as drawn: hatching over each state, the
     * selection over the panels. */
    for (int s = 0; s < SIM_ST__COUNT; s++)
        if (th->state[s].a == 255)
            add(&p, over(th->hatch_ink, th->state[s], 256));
    for (int b = 0; b < 3; b++)
        add(&p, over(th->selection, backs[b], 256));
    /* Thin coloured lines (markers, arrows) antialiased over the panels. */
    for (int i = 0; i < nk; i++)
        for (int b = 1; b < 3; b++)
            add(&p, over(keys[i], backs[b], 128));
    /* 4. Greys for whatever is left. */
    for (int v = 0; v < 256; v += 17)
        add(&p, (ui_color){(uint8_t)v, (uint8_t)v, (uint8_t)v, 255});
    return p.n;
}

static uint8_t nearest(const app_gif *g, int r, int gr, int b)
{
    int best = 1;
    long bestd = -1;
    for (int i = 1; i < g->npal; i++) {
        /* Weighted for the eye's sensitivity (green most, blue least). */
        long dr = r - g->pal[i].r, dg = gr - g->pal[i].g, db = b - g->pal[i].b;
        long d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
        if (bestd < 0 || d < bestd) {
            bestd = d;
            best = i;
        }
    }
    return (uint8_t)best;
}

/* ---- writing --------------------------------------------------------- */

static int out(GifFileType *gf, const GifByteType *buf, int len)
{
    app_gif *g = gf->UserData;
    return (int)fwrite(buf, 1, (size_t)len, g->af.f);
}

static void free_buffers(app_gif *g)
{
    free(g->lut);
    free(g->prev);
    free(g->cur);
    free(g->line);
    g->lut = g->prev = g->cur = g->line = NULL;
}

static void gif_error(const app_gif *g, int code, char *err, size_t n)
{
    const char *why = GifErrorString(code);
    snprintf(err, n, "%s: cannot write the GIF: %s", g->af.path ? g->af.path : "?",
             why ? why : "unknown error");
}

int app_gif_open(app_gif *g, const char *path, int w, int h, const ui_theme *th,
                 char *err, size_t n)
{
    memset(g, 0, sizeof *g);
    if (w <= 0 || h <= 0 || w > 65535 || h > 65535) {
        snprintf(err, n, "%s: a GIF is 1 to 65535 pixels each way, not %dx%d", path, w, h);
        return -1;
    }
    g->w = w;
    g->h = h;
    g->npal = app_gif_palette(th, g->pal);
    size_t npx = (size_t)w * (size_t)h;
    g->lut = calloc(LUT_SIZE, 1);
    g->prev = malloc(npx);
    g->cur = malloc(npx);
    g->line = malloc((size_t)w);
    if (!g->lut || !g->prev || !g->cur || !g->line) {
        free_buffers(g);
        snprintf(err, n, "out of memory for a %dx%d GIF", w, h);
        return -1;
    }
    if (sim_afile_open(&g->af, path, err, n) != 0) {
        free_buffers(g);
        return -1;
    }
    int code = 0;
    g->g = EGifOpen(g, out, &code);
    if (!g->g) {
        gif_error(g, code, err, n);
        sim_afile_abort(&g->af);
        free_buffers(g);
        return -1;
    }
    EGifSetGifVersion(g->g, true);
    GifColorType colors[APP_GIF_PALETTE];
    memset(colors, 0, sizeof colors);
    for (int i = 0; i < g->npal; i++)
        colors[i] = (GifColorType){g->pal[i].r, g->pal[i].g, g->pal[i].b};
    ColorMapObject *map = GifMakeMapObject(APP_GIF_PALETTE, colors);
    /* Loop forever: the NETSCAPE2.0 application extension. */
    static const GifByteType app_id[] = "NETSCAPE2.0";
    static const GifByteType loop[] = {1, 0, 0};
    if (!map || EGifPutScreenDesc(g->g, w, h, 8, 0, map) == GIF_ERROR ||
        EGifPutExtensionLeader(g->g, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(g->g, 11, app_id) == GIF_ERROR ||
        EGifPutExtensionBlock(g->g, 3, loop) == GIF_ERROR ||
        EGifPutExtensionTrailer(g->g) == GIF_ERROR) {
        gif_error(g, map ? g->g->Error : E_GIF_ERR_NOT_ENOUGH_MEM, err, n);
        GifFreeMapObject(map);
        app_gif_abort(g);
        return -1;
    }
    GifFreeMapObject(map);
    return 0;
}

/* The surface as palette indices, into g->cur. */
static int index_frame(app_gif *g, SDL_Surface *s, char *err, size_t n)
{
    if (s->w != g->w || s->h != g->h) {
        snprintf(err, n, "a %dx%d frame in a %dx%d GIF", s->w, s->h, g->w, g->h);
        return -1;
    }
    if (SDL_MUSTLOCK(s) && SDL_LockSurface(s) != 0) {
        snprintf(err, n, "cannot read the frame: %s", SDL_GetError());
        return -1;
    }
    const SDL_PixelFormat *f = s->format;
    int bpp = f->BytesPerPixel;
    for (int y = 0; y < g->h; y++) {
        const uint8_t *row = (const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
        uint8_t *dst = g->cur + (size_t)y * (size_t)g->w;
        for (int x = 0; x < g->w; x++) {
            uint32_t px = 0;
            memcpy(&px, row + (size_t)x * (size_t)bpp, (size_t)(bpp < 4 ? bpp : 4));
            uint8_t r, gr, b;
            SDL_GetRGB(px, f, &r, &gr, &b);
            uint32_t key = ((uint32_t)(r >> 2) << 12) | ((uint32_t)(gr >> 2) << 6) | (b >> 2);
            uint8_t i = g->lut[key];
            if (!i) {
                i = nearest(g, (r & 0xFC) | 2, (gr & 0xFC) | 2, (b & 0xFC) | 2);
                g->lut[key] = i;
            }
            dst[x] = i;
        }
    }
    if (SDL_MUSTLOCK(s))
        SDL_UnlockSurface(s);
    return 0;
}

int app_gif_frame(app_gif *g, SDL_Surface *s, int delay_cs, char *err, size_t n)
{
    if (index_frame(g, s, err, n) != 0)
        return -1;
    int x0 = 0, y0 = 0, x1 = g->w - 1, y1 = g->h - 1;
    if (g->frames > 0) {
        /* The bounding box of what changed. */
        x0 = g->w;
        y0 = g->h;
        x1 = y1 = -1;
        for (int y = 0; y < g->h; y++) {
            const uint8_t *a = g->cur + (size_t)y * (size_t)g->w;
            const uint8_t *b = g->prev + (size_t)y * (size_t)g->w;
            if (memcmp(a, b, (size_t)g->w) == 0)
                continue;
            if (y < y0)
                y0 = y;
            y1 = y;
            int l = 0, r = g->w - 1;
            while (a[l] == b[l])
                l++;
            while (a[r] == b[r])
                r--;
            if (l < x0)
                x0 = l;
            if (r > x1)
                x1 = r;
        }
        if (y1 < 0)
            x0 = y0 = x1 = y1 = 0; /* nothing moved: one transparent pixel */
    }
    GraphicsControlBlock gcb = {.DisposalMode = DISPOSE_DO_NOT, .UserInputFlag = false,
                                .DelayTime = delay_cs < 0 ? 0 : delay_cs,
                                .TransparentColor = APP_GIF_TRANSPARENT};
    GifByteType ext[4];
    size_t len = EGifGCBToExtension(&gcb, ext);
    int rw = x1 - x0 + 1, rh = y1 - y0 + 1;
    if (EGifPutExtension(g->g, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) == GIF_ERROR ||
        EGifPutImageDesc(g->g, x0, y0, rw, rh, false, NULL) == GIF_ERROR) {
        gif_error(g, g->g->Error, err, n);
        return -1;
    }
    for (int y = y0; y <= y1; y++) {
        const uint8_t *a = g->cur + (size_t)y * (size_t)g->w + x0;
        const uint8_t *b = g->prev + (size_t)y * (size_t)g->w + x0;
        for (int x = 0; x < rw; x++)
            g->line[x] = g->frames > 0 && a[x] == b[x] ? APP_GIF_TRANSPARENT : a[x];
        if (EGifPutLine(g->g, g->line, rw) == GIF_ERROR) {
            gif_error(g, g->g->Error, err, n);
            return -1;
        }
    }
    uint8_t *t = g->prev;
    g->prev = g->cur;
    g->cur = t;
    g->frames++;
    return 0;
}

int app_gif_finish(app_gif *g, char *err, size_t n)
{
    int code = 0;
    int rc = EGifCloseFile(g->g, &code); /* frees g->g, even on failure */
    g->g = NULL;
    free_buffers(g);
    if (rc == GIF_ERROR) {
        gif_error(g, code, err, n);
        sim_afile_abort(&g->af);
        return -1;
    }
    /* Write errors (a full disk) surface here, with their cause. */
    return sim_afile_commit(&g->af, err, n) == 0 ? 0 : -1;
}

void app_gif_abort(app_gif *g)
{
    if (g->g) {
        int code = 0;
        EGifCloseFile(g->g, &code);
        g->g = NULL;
    }
    free_buffers(g);
    sim_afile_abort(&g->af);
}
