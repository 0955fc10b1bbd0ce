/* headless.c - the software renderer over a surface, and atomic PNGs.
 *
 * SDL_CreateSoftwareRenderer draws into the surface's own pixels: no
 * window, no GPU, no video driver (SDL_Init is not even needed for it).
 * PNGs and JPEGs are written through SDL2_image into a temporary file opened by
 * sim_afile (atomic_file.h) and renamed over the final name only when
 * everything was written: an interrupted export never leaves half a PNG.
 */
#include "headless.h"

#include <SDL_image.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"

int ui_headless_init(ui_headless *hl, int w, int h, char *err, size_t n)
{
    memset(hl, 0, sizeof *hl);
    if (w < 16 || h < 16 || w > 16384 || h > 16384) {
        snprintf(err, n, "size %dx%d: expected 16 to 16384 pixels each way", w, h);
        return -1;
    }
    hl->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!hl->surf) {
        snprintf(err, n, "cannot make a %dx%d image: %s", w, h, SDL_GetError());
        return -1;
    }
    hl->r = SDL_CreateSoftwareRenderer(hl->surf);
    if (!hl->r) {
        snprintf(err, n, "software renderer: %s", SDL_GetError());
        SDL_FreeSurface(hl->surf);
        hl->surf = NULL;
        return -1;
    }
    if (ui_ctx_init(&hl->ui, hl->r, err, n) != 0) {
        SDL_DestroyRenderer(hl->r);
        SDL_FreeSurface(hl->surf);
        memset(hl, 0, sizeof *hl);
        return -1;
    }
    hl->w = w;
    hl->h = h;
    return 0;
}

void ui_headless_deinit(ui_headless *hl)
{
    if (hl->r) {
        ui_ctx_deinit(&hl->ui);
        SDL_DestroyRenderer(hl->r);
    }
    if (hl->surf)
        SDL_FreeSurface(hl->surf);
    memset(hl, 0, sizeof *hl);
}

void ui_headless_draw(ui_headless *hl, ui_view *v, const sim_comparison *c,
                      const ui_frame_extra *x)
{
    ui_layout l;
    int rows = x && x->widgets ? x->widgets->rows : 0;
    ui_view_layout(v, c, hl->w, hl->h, rows, &l);
    ui_draw_frame(&hl->ui, &l, v, c, x);
    SDL_RenderPresent(hl->r);
}

ui_color ui_headless_pixel(const ui_headless *hl, int x, int y)
{
    ui_color c = {0, 0, 0, 0};
    if (!hl->surf || x < 0 || y < 0 || x >= hl->w || y >= hl->h)
        return c;
    const uint8_t *row = (const uint8_t *)hl->surf->pixels + (size_t)y * hl->surf->pitch;
    uint32_t px;
    memcpy(&px, row + (size_t)x * 4, 4);
    SDL_GetRGBA(px, hl->surf->format, &c.r, &c.g, &c.b, &c.a);
    return c;
}

/* Encodes into a temporary file, then commits it: jpeg 0 for a PNG, else
 * the JPEG quality. */
static int save(SDL_Surface *s, const char *path, int jpeg, char *err, size_t n)
{
    sim_afile f;
    if (sim_afile_open(&f, path, err, n) != 0)
        return -1;
    SDL_RWops *rw = SDL_RWFromFP(f.f, SDL_FALSE);
    if (!rw) {
        snprintf(err, n, "%s: %s", path, SDL_GetError());
        sim_afile_abort(&f);
        return -1;
    }
    int r = jpeg ? IMG_SaveJPG_RW(s, rw, 0, jpeg) : IMG_SavePNG_RW(s, rw, 0);
    SDL_RWclose(rw); /* does not close f.f: autoclose is false */
    if (r != 0) {
        snprintf(err, n, "%s: cannot encode the %s: %s", path, jpeg ? "JPEG" : "PNG",
                 IMG_GetError());
        sim_afile_abort(&f);
        return -1;
    }
    return sim_afile_commit(&f, err, n) == 0 ? 0 : -1;
}

int ui_save_png(SDL_Surface *s, const char *path, char *err, size_t n)
{
    return save(s, path, 0, err, n);
}

int ui_save_jpeg(SDL_Surface *s, const char *path, int quality, char *err, size_t n)
{
    return save(s, path, quality < 1 ? 1 : quality > 100 ? 100 : quality, err, n);
}
