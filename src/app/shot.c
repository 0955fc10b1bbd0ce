/* shot.c - the window's picture without a window: one frame, or the replay.
 *
 * A shot sets up the view as the window would after a run (replaying, the
 * playhead where asked, the whole run or the asked range in view) minus
 * what only a pointer or a keyboard needs: the controls bar, the tooltip,
 * the help. Then the shared drawing code (draw.h) paints it into a
 * software renderer over a surface (headless.h).
 *
 * An animation is that picture with the playhead moving from 0 to the end:
 * frame i of N shows the run up to i/(N-1) of the way, so the first frame
 * is empty panels and the last is the whole run, which then stays on
 * screen for a moment before the GIF loops.
 */
#include "shot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gif.h"
#include "headless.h"
#include "panels.h"

int64_t app_shot_end(const sim_comparison *c)
{
    ui_view v;
    ui_view_init(&v);
    v.show_cpython = ui_comparison_has_cpython(c);
    return ui_view_end(&v, c);
}

void app_shot_view(ui_view *v, const sim_comparison *c, const app_shot_desc *d)
{
    int w = d->w > 0 ? d->w : APP_SHOT_DEFAULT_W;
    int h = d->h > 0 ? d->h : APP_SHOT_DEFAULT_H;
    ui_view_init(v);
    v->theme = d->theme;
    if (d->font_scale > 0)
        v->font_scale = d->font_scale;
    v->show_controls = 0;
    v->show_code = d->show_code;
    v->live = 0;
    v->paused = 1;
    v->show_cpython = ui_comparison_has_cpython(c);
    int64_t end = ui_view_end(v, c);
    v->playhead = d->at_ns < 0 || d->at_ns > end ? end : d->at_ns;
    ui_layout l;
    ui_view_layout(v, c, w, h, 0, &l); /* sets the timeline's pixel range */
    if (d->to_ns > d->from_ns) {
        ui_tm_fit(&v->tm, d->from_ns, d->to_ns);
        v->fitted = 0;
    }
    snprintf(v->status, sizeof v->status, "%s", d->note ? d->note : "");
}

static void extra_of(const app_shot_desc *d, ui_frame_extra *x)
{
    (void)d;
    memset(x, 0, sizeof *x);
}

int app_shot_still(const sim_comparison *c, const app_shot_desc *d, const char *path,
                   char *err, size_t n)
{
    int w = d->w > 0 ? d->w : APP_SHOT_DEFAULT_W;
    int h = d->h > 0 ? d->h : APP_SHOT_DEFAULT_H;
    ui_headless hl;
    if (ui_headless_init(&hl, w, h, err, n) != 0)
        return -1;
    ui_view v;
    app_shot_view(&v, c, d);
    ui_frame_extra x;
    extra_of(d, &x);
    ui_headless_draw(&hl, &v, c, &x);
    int rc = d->jpeg ? ui_save_jpeg(hl.surf, path, APP_JPEG_QUALITY, err, n)
                     : ui_save_png(hl.surf, path, err, n);
    ui_headless_deinit(&hl);
    return rc;
}

double app_anim_default_duration(const sim_comparison *c, double *speed)
{
    /* The window's replay speeds, slowest first (view.h). */
    double run_s = (double)app_shot_end(c) / 1e9;
    double target = 6.0;
    for (int i = 0; i < UI_NSPEEDS; i++) {
        double sp = ui_speed_value(i);
        if (run_s / sp <= target + 1e-9) {
            if (speed)
                *speed = sp;
            return run_s / sp > 1.0 ? run_s / sp : 1.0;
        }
    }
    if (speed)
        *speed = run_s / target;
    return target;
}

int app_anim_frames(int fps, double duration_s)
{
    if (fps <= 0)
        fps = APP_GIF_DEFAULT_FPS;
    double f = floor(duration_s * fps + 0.5);
    if (f < 2)
        f = 2;
    if (f > APP_GIF_MAX_FRAMES)
        f = APP_GIF_MAX_FRAMES;
    return (int)f;
}

int app_shot_gif(const sim_comparison *c, const app_shot_desc *d,
                 const app_anim_desc *a, const char *path, char *err, size_t n)
{
    int w = d->w > 0 ? d->w : APP_SHOT_DEFAULT_W;
    int h = d->h > 0 ? d->h : APP_SHOT_DEFAULT_H;
    int fps = a->fps > 0 ? a->fps : APP_GIF_DEFAULT_FPS;
    if (fps > APP_GIF_MAX_FPS)
        fps = APP_GIF_MAX_FPS;
    double dur = a->duration_s > 0 ? a->duration_s : app_anim_default_duration(c, NULL);
    int frames = app_anim_frames(fps, dur);
    ui_headless hl;
    if (ui_headless_init(&hl, w, h, err, n) != 0)
        return -1;
    app_gif gif;
    if (app_gif_open(&gif, path, w, h, ui_theme_get(d->theme), err, n) != 0) {
        ui_headless_deinit(&hl);
        return -1;
    }
    ui_view v;
    app_shot_view(&v, c, d);
    int64_t end = v.playhead; /* the asked playhead, or the end of the run */
    ui_frame_extra x;
    extra_of(d, &x);
    int hold_cs = a->hold_s > 0 ? (int)lround(a->hold_s * 100) : 0;
    int rc = 0;
    for (int i = 0; i < frames && rc == 0; i++) {
        v.playhead = (int64_t)((double)end * i / (frames - 1));
        v.paused = i == frames - 1;
        ui_headless_draw(&hl, &v, c, &x);
        /* Delays are whole hundredths of a second: spread the rounding so
         * that the total stays right at any frame rate (30 fps is
         * 3, 3, 4, 3, 3, 4, ...). */
        int delay = (int)(lround((i + 1) * 100.0 / fps) - lround(i * 100.0 / fps));
        if (i == frames - 1)
            delay += hold_cs;
        rc = app_gif_frame(&gif, hl.surf, delay, err, n);
        if (rc == 0 && a->progress && a->progress(a->user, i + 1, frames) != 0) {
            snprintf(err, n, "%s: interrupted", path);
            rc = -1;
        }
    }
    ui_headless_deinit(&hl);
    if (rc != 0) {
        app_gif_abort(&gif);
        return -1;
    }
    return app_gif_finish(&gif, err, n);
}
