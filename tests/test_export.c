/* test_export.c - pictures with no display: the PNG, a saved run drawn
 * again, the animated GIF, and the window's saved-run hooks.
 *
 * The comparison here is a real run (small, with multiprocessing, so it
 * forks): the export must draw what engines record, not only fixtures.
 * What is checked is structure, never timing: the size of the picture, the
 * colour of a box where the trace says a task was running, that a saved
 * and reloaded run draws pixel for pixel the same picture, that a GIF
 * decodes with the frames asked for and ends on the finished run.
 */
#include <SDL_image.h>
#include <gif_lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app_ui.h"
#include "gif.h"
#include "headless.h"
#include "run.h"
#include "shot.h"
#include "test.h"
#include "trace_chrome.h"
#include "trace_load.h"

#define W 800
#define H 450

static char dir[] = "/tmp/concviz-test-export-XXXXXX";

static void path_of(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

static int close_to(ui_color a, ui_color b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

static void live_comparison(sim_comparison *c)
{
    static const sim_model models[] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                       SIM_MODEL_MULTIPROCESSING};
    sim_run_desc d = {.cfg = {.workload = "2*cpu:20ms + 2*io:15ms", .nmodels = 3,
                              .workers = 2}};
    memcpy(d.cfg.models, models, sizeof d.cfg.models[0] * 3);
    sim_run *r = calloc(1, sizeof *r);
    ASSERT(r);
    char msg[512];
    int rc = sim_run_exec(r, &d, msg, sizeof msg);
    ASSERT_MSG(rc == SIM_OK, "%s", msg);
    memset(c, 0, sizeof *c);
    ASSERT(sim_run_sync(r, c) == 0);
    sim_run_deinit(r);
    free(r);
    ASSERT_INT_EQ(c->ntraces, 3);
}

/* A point in the middle of a running box of task 0 of panel p, wide enough
 * to sit well inside it: returns 0 and sets (x, y), or -1. */
/* A RUNNING segment of task 0 in panel p: [*x0, *x1) at row *y. */
static int running_point(const ui_view *v, const ui_layout *l, const sim_comparison *c,
                         int p, int *x0_, int *x1_, int *y)
{
    const sim_trace *t = &c->traces[p];
    const sim_lane *lane = &t->lanes[0];
    for (uint32_t k = 0; k + 1 < lane->nmarks; k++) {
        if (lane->marks[k].state != SIM_ST_RUNNING)
            continue;
        double x0 = ui_tm_x(&v->tm, lane->marks[k].t);
        double x1 = ui_tm_x(&v->tm, lane->marks[k + 1].t);
        if (x1 - x0 < 8)
            continue;
        ui_rect r;
        if (ui_layout_lane_rect(l, p, 0, t->nlanes, &r) != 0)
            return -1;
        *x0_ = (int)lround(x0);
        *x1_ = (int)lround(x1);
        *y = r.y + r.h / 2;
        return 0;
    }
    return -1;
}

static ui_color surface_pixel(SDL_Surface *s, int x, int y)
{
    uint32_t px = 0;
    const uint8_t *row = (const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
    memcpy(&px, row + (size_t)x * s->format->BytesPerPixel,
           s->format->BytesPerPixel < 4 ? s->format->BytesPerPixel : 4);
    ui_color c = {0, 0, 0, 255};
    SDL_GetRGB(px, s->format, &c.r, &c.g, &c.b);
    return c;
}

/* The PNG has the asked size, and the running colour where task 0 ran. */
static void test_png(const sim_comparison *c)
{
    for (int th = 0; th < UI_THEME__COUNT; th++) {
        char path[512], err[512], note[256];
        path_of(path, sizeof path, "shot.png");
        app_recorded_line(c, note, sizeof note);
        app_shot_desc d = {.w = W, .h = H, .theme = (ui_theme_id)th, .at_ns = -1,
                           .note = note};
        ASSERT_MSG(app_shot_still(c, &d, path, err, sizeof err) == 0, "%s", err);
        SDL_Surface *s = IMG_Load(path);
        ASSERT_MSG(s, "%s", IMG_GetError());
        ASSERT_INT_EQ(s->w, W);
        ASSERT_INT_EQ(s->h, H);
        ui_view v;
        app_shot_view(&v, c, &d);
        ui_layout l;
        ui_view_layout(&v, c, W, H, 0, &l);
        const ui_theme *t = ui_theme_get((ui_theme_id)th);
        for (int p = 0; p < c->ntraces; p++) {
            int x0, x1, y;
            ASSERT_MSG(running_point(&v, &l, c, p, &x0, &x1, &y) == 0, "panel %d", p);
            /* Somewhere inside it (a label, such as "finish", may lie over
             * part of a segment), the running colour. */
            int seen = 0;
            ui_color got = {0, 0, 0, 255};
            for (int x = x0 + 2; x < x1 - 2 && !seen; x++) {
                got = surface_pixel(s, x, y);
                seen = close_to(got, t->state[SIM_ST_RUNNING], 2);
            }
            ASSERT_MSG(seen, "theme %d panel %d at %d..%d,%d: %d,%d,%d", th, p, x0, x1, y,
                       got.r, got.g, got.b);
        }
        /* The panel background right of the timeline's end... the legend
         * bar's left edge is the theme's bar colour or background. */
        ui_color corner = surface_pixel(s, 1, H - 2);
        ASSERT(close_to(corner, t->bar, 2) || close_to(corner, t->bg, 2));
        SDL_FreeSurface(s);
    }
}

/* A saved run, loaded back, draws exactly the same picture. */
static void test_open_same_picture(sim_comparison *live)
{
    char path[512], err[512], note[256];
    path_of(path, sizeof path, "run.json");
    ASSERT_MSG(sim_chrome_save(path, live, err, sizeof err) == 0, "%s", err);
    sim_comparison loaded;
    ASSERT_MSG(sim_trace_load(path, &loaded, err, sizeof err) == 0, "%s", err);
    ASSERT_INT_EQ(loaded.ntraces, live->ntraces);
    char note2[256];
    app_recorded_line(live, note, sizeof note);
    app_recorded_line(&loaded, note2, sizeof note2);
    ASSERT_STR_EQ(note, note2);
    ASSERT_CONTAINS(note, "recorded on ");
    const int64_t ats[] = {-1, ui_comparison_end(live) / 3};
    for (size_t k = 0; k < 2; k++) {
        app_shot_desc d = {.w = W, .h = H, .at_ns = ats[k], .note = note};
        ui_headless a, b;
        ASSERT_MSG(ui_headless_init(&a, W, H, err, sizeof err) == 0, "%s", err);
        ASSERT_MSG(ui_headless_init(&b, W, H, err, sizeof err) == 0, "%s", err);
        ui_view va, vb;
        app_shot_view(&va, live, &d);
        app_shot_view(&vb, &loaded, &d);
        ui_frame_extra x = {0};
        ui_headless_draw(&a, &va, live, &x);
        ui_headless_draw(&b, &vb, &loaded, &x);
        long differ = 0;
        for (int y = 0; y < H; y++)
            differ += memcmp((uint8_t *)a.surf->pixels + (size_t)y * a.surf->pitch,
                             (uint8_t *)b.surf->pixels + (size_t)y * b.surf->pitch,
                             (size_t)W * 4) != 0;
        ASSERT_MSG(differ == 0, "%ld rows differ", differ);
        /* And the picture is not blank: the run's boxes are in it. */
        ui_layout l;
        ui_view_layout(&va, live, W, H, 0, &l);
        int px0, px1, py, seen = 0;
        ASSERT(running_point(&va, &l, live, 0, &px0, &px1, &py) == 0);
        for (int px = px0 + 2; px < px1 - 2 && !seen; px++)
            seen = close_to(ui_headless_pixel(&a, px, py),
                            ui_theme_get(UI_THEME_LIGHT)->state[SIM_ST_RUNNING], 2);
        if (ats[k] < 0)
            ASSERT(seen);
        ui_headless_deinit(&a);
        ui_headless_deinit(&b);
    }
    sim_comparison_deinit(&loaded);
}

static int delay_of(GifFileType *g, int i)
{
    GraphicsControlBlock gcb;
    ASSERT(DGifSavedExtensionToGCB(g, i, &gcb) == GIF_OK);
    ASSERT_INT_EQ(gcb.TransparentColor, APP_GIF_TRANSPARENT);
    return gcb.DelayTime;
}

/* The GIF decodes, has the frames asked for, lasts as long as asked, and
 * its last frame (composited) shows the finished run. */
static void test_gif(const sim_comparison *c)
{
    static const struct { int fps; double dur; int frames; } cases[] = {
        {10, 1.0, 10}, {30, 1.0, 30}, {50, 0.5, 25}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[512], err[512];
        path_of(path, sizeof path, "anim.gif");
        app_shot_desc d = {.w = W, .h = H, .at_ns = -1};
        app_anim_desc a = {.fps = cases[k].fps, .duration_s = cases[k].dur, .hold_s = 1.0};
        ASSERT_MSG(app_shot_gif(c, &d, &a, path, err, sizeof err) == 0, "%s", err);
        int e = 0;
        GifFileType *g = DGifOpenFileName(path, &e);
        ASSERT_MSG(g, "%s", GifErrorString(e));
        ASSERT(DGifSlurp(g) == GIF_OK);
        ASSERT_INT_EQ(g->SWidth, W);
        ASSERT_INT_EQ(g->SHeight, H);
        ASSERT_INT_EQ(g->ImageCount, cases[k].frames);
        int total = 0;
        for (int i = 0; i < g->ImageCount; i++)
            total += delay_of(g, i);
        /* Hundredths add up to the duration, plus the hold of the last frame. */
        ASSERT_INT_EQ(total, (int)lround(cases[k].dur * 100) + 100);
        /* The first frame covers everything; later ones only what changed. */
        ASSERT_INT_EQ(g->SavedImages[0].ImageDesc.Width, W);
        ASSERT_INT_EQ(g->SavedImages[0].ImageDesc.Height, H);
        /* Composite every frame, then probe the last one. */
        uint8_t *canvas = calloc((size_t)W * H, 1);
        ASSERT(canvas);
        for (int i = 0; i < g->ImageCount; i++) {
            const SavedImage *im = &g->SavedImages[i];
            const GifImageDesc *id = &im->ImageDesc;
            ASSERT(id->Left + id->Width <= W && id->Top + id->Height <= H);
            for (int y = 0; y < id->Height; y++)
                for (int x = 0; x < id->Width; x++) {
                    uint8_t v = im->RasterBits[(size_t)y * id->Width + x];
                    if (i == 0 || v != APP_GIF_TRANSPARENT)
                        canvas[(size_t)(id->Top + y) * W + id->Left + x] = v;
                }
        }
        ui_view v;
        app_shot_view(&v, c, &d);
        ui_layout l;
        ui_view_layout(&v, c, W, H, 0, &l);
        const ColorMapObject *map = g->SColorMap;
        ASSERT(map && map->ColorCount == 256);
        ui_color want = ui_theme_get(UI_THEME_LIGHT)->state[SIM_ST_RUNNING];
        for (int p = 0; p < c->ntraces; p++) {
            int x0, x1, y, seen = 0;
            ASSERT(running_point(&v, &l, c, p, &x0, &x1, &y) == 0);
            GifColorType got = {0, 0, 0};
            for (int x = x0 + 2; x < x1 - 2 && !seen; x++) {
                got = map->Colors[canvas[(size_t)y * W + x]];
                seen = close_to((ui_color){got.Red, got.Green, got.Blue, 255}, want, 2);
            }
            ASSERT_MSG(seen, "panel %d: %d,%d,%d", p, got.Red, got.Green, got.Blue);
        }
        free(canvas);
        DGifCloseFile(g, &e);
    }
}

/* Every theme colour a state is drawn in is in its palette exactly. */
static void test_palette(void)
{
    for (int th = 0; th < UI_THEME__COUNT; th++) {
        const ui_theme *t = ui_theme_get((ui_theme_id)th);
        app_gif_rgb pal[APP_GIF_PALETTE];
        int n = app_gif_palette(t, pal);
        ASSERT(n > 64 && n <= APP_GIF_PALETTE);
        const ui_color must[] = {t->bg, t->fg, t->state[SIM_ST_RUNNING],
                                 t->state[SIM_ST_READY], t->state[SIM_ST_IO],
                                 t->state[SIM_ST_DONE], t->playhead};
        for (size_t k = 0; k < sizeof must / sizeof must[0]; k++) {
            int found = 0;
            for (int i = 1; i < n; i++)
                found |= pal[i].r == must[k].r && pal[i].g == must[k].g &&
                         pal[i].b == must[k].b;
            ASSERT_MSG(found, "theme %d colour %zu", th, k);
        }
    }
}

/* Failures leave no file, and say which path and why. */
static void test_bad_paths(const sim_comparison *c)
{
    char err[512];
    app_shot_desc d = {.w = 320, .h = 200, .at_ns = -1};
    char path[512];
    path_of(path, sizeof path, "missing/x.png");
    ASSERT(app_shot_still(c, &d, path, err, sizeof err) != 0);
    ASSERT_CONTAINS(err, "missing");
    path_of(path, sizeof path, "missing/x.gif");
    app_anim_desc a = {.fps = 5, .duration_s = 1};
    ASSERT(app_shot_gif(c, &d, &a, path, err, sizeof err) != 0);
    ASSERT_CONTAINS(err, "missing");
    ASSERT(app_shot_gif(c, &d, &a, "/dev/full", err, sizeof err) != 0);
    ASSERT_CONTAINS(err, "/dev/full");
}

/* The window's hooks: a preloaded run is shown, not run; Ctrl+Shift+S
 * saves it as a trace that loads back. */
static void test_window_hooks(sim_comparison *live)
{
    char path[512], err[512];
    path_of(path, sizeof path, "run.json");
    sim_comparison c;
    ASSERT_MSG(sim_trace_load(path, &c, err, sizeof err) == 0, "%s", err);
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.preloaded = &c, .busy_window_ns = -1};
    app_init(a, &d);
    ASSERT_INT_EQ(c.ntraces, 0); /* taken */
    ASSERT_INT_EQ(a->cmp.ntraces, live->ntraces);
    ASSERT(!a->run_active && !a->view.live);
    ASSERT_CONTAINS(a->view.status, "recorded on ");
    ASSERT_STR_EQ(a->ws.field.text, live->workload);
    ASSERT_INT_EQ(ui_lens_update(&a->lens, &a->cmp), 0);
    ASSERT(a->lens.p[0].prog.text != NULL); /* its program, for the code view */
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_s;
    e.key.keysym.mod = KMOD_LCTRL | KMOD_LSHIFT;
    app_handle_event(a, &e);
    ASSERT(a->want_save_trace && !a->want_shot);
    char shots[512];
    path_of(shots, sizeof shots, "shots");
    ASSERT(app_save_trace(a, shots) == 0);
    ASSERT_CONTAINS(a->view.toast, "saved the run as ");
    const char *saved = strstr(a->view.toast, shots);
    ASSERT(saved);
    char file[512];
    snprintf(file, sizeof file, "%s", saved);
    file[strcspn(file, " ")] = 0;
    sim_comparison back;
    ASSERT_MSG(sim_trace_load(file, &back, err, sizeof err) == 0, "%s", err);
    ASSERT_INT_EQ(back.ntraces, live->ntraces);
    ASSERT_STR_EQ(back.recorded_at, live->recorded_at);
    sim_comparison_deinit(&back);
    unlink(file);
    rmdir(shots);
    app_deinit(a);
    free(a);
}

int main(void)
{
    ASSERT(mkdtemp(dir));
    sim_comparison live;
    live_comparison(&live);
    test_palette();
    test_png(&live);
    test_open_same_picture(&live);
    test_gif(&live);
    test_bad_paths(&live);
    test_window_hooks(&live);
    sim_comparison_deinit(&live);
    char p[512];
    const char *names[] = {"shot.png", "run.json", "anim.gif"};
    for (size_t i = 0; i < 3; i++) {
        path_of(p, sizeof p, names[i]);
        unlink(p);
    }
    ASSERT_MSG(rmdir(dir) == 0, "left behind in %s", dir);
    puts("export: ok");
    return 0;
}
