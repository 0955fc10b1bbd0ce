/* shot.h - pictures of a comparison with no display: a PNG or a JPEG, an
 * animated GIF.
 *
 * `concviz shot` and the tests draw through here. The picture is the
 * window's own frame (draw.h), drawn by the software renderer into a
 * surface (headless.h): no window, no video driver, no GPU. A live run and
 * a saved run (trace_load.h) draw the same way, so a picture of a run
 * measured on a big machine can be made again on any laptop.
 *
 * Files are written atomically (a temporary file, then a rename): an
 * interrupted or failed export leaves the old file as it was.
 */
#ifndef APP_SHOT_H
#define APP_SHOT_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "theme.h"
#include "view.h"

#define APP_SHOT_MIN_W 320
#define APP_SHOT_MIN_H 200
#define APP_SHOT_MAX_W 7680
#define APP_SHOT_MAX_H 4320
#define APP_SHOT_DEFAULT_W 1600
#define APP_SHOT_DEFAULT_H 900
#define APP_GIF_MAX_FPS 50
#define APP_GIF_DEFAULT_FPS 20
#define APP_GIF_MAX_FRAMES 3000   /* 60 s at 50 fps: a slide, not a film */

typedef struct app_shot_desc {
    int w, h;               /* 0: 1600 x 900 */
    ui_theme_id theme;
    float font_scale;       /* 0: 1 */
    int64_t at_ns;          /* the playhead; < 0: the end of the run */
    int64_t from_ns, to_ns; /* the visible range; to_ns <= from_ns: the whole run */
    const char *note;       /* the status line ("recorded on ..."); NULL: none */
    int jpeg;               /* 1: a still is a JPEG, else a PNG */
    int show_code;          /* the code view, showing the first panel's program */
} app_shot_desc;

#define APP_JPEG_QUALITY 92 /* text stays sharp enough to read */

/* The end of what a picture of c shows: its models' runs and, when it
 * holds them, CPython's (a picture draws every CPython run it has: `shot
 * --python`, a saved run that kept them). */
int64_t app_shot_end(const sim_comparison *c);

/* Sets up *v as the window would show the comparison with these settings:
 * replay (not live), paused at the playhead, no controls bar, no pointer,
 * CPython's runs under the models' when c holds them. The range is
 * applied for a w x h output. */
void app_shot_view(ui_view *v, const sim_comparison *c, const app_shot_desc *d);

/* Draws the comparison and saves it as a PNG (a JPEG with d->jpeg) at
 * `path`. Returns 0, or -1 with a sentence in err (naming the path for
 * file errors). */
int app_shot_still(const sim_comparison *c, const app_shot_desc *d, const char *path,
                   char *err, size_t n);

/* Progress of a long export: called after each frame; a nonzero return
 * abandons the export (app_shot_gif then fails with "interrupted"). */
typedef int (*app_shot_progress)(void *user, int done, int total);

typedef struct app_anim_desc {
    int fps;                /* 0: 20; at most 50 */
    double duration_s;      /* <= 0: app_anim_default_duration */
    double hold_s;          /* the last frame stays this long before the loop (< 0: 0) */
    app_shot_progress progress;
    void *user;
} app_anim_desc;

/* The playback of the run at the window's replay speed that makes it last
 * closest to, and at most, 6 s (the fastest, 4x, when even that is longer:
 * then 6 s). *speed receives the replay speed (playback ns per wall ns). */
double app_anim_default_duration(const sim_comparison *c, double *speed);

/* How many frames an animation of `duration_s` at `fps` has (at least 2). */
int app_anim_frames(int fps, double duration_s);

/* Writes the playback, from t = 0 to the playhead of d (the end by
 * default), as an animated GIF at `path`. Returns 0, or -1 with err. */
int app_shot_gif(const sim_comparison *c, const app_shot_desc *d,
                 const app_anim_desc *a, const char *path, char *err, size_t n);

#endif
