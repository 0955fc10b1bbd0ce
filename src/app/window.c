/* window.c - `concviz` with no command: the window and its frame loop.
 *
 * The loop is: wait for input (or for the next frame when something
 * moves), hand each event to app_handle_event, act on what the app asks of
 * the window (quit, fullscreen, screenshot), let time pass (app_tick), lay
 * out for the current output size and draw. When nothing moves it sleeps
 * in SDL_WaitEventTimeout instead of spinning, so an idle window costs no
 * CPU. Closing the window mid-run cancels the run and joins its thread
 * (app_deinit), and the engines reap their worker processes before they
 * return, so nothing is left behind.
 */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "app_lesson.h"
#include "app_output.h"
#include "app_signals.h"
#include "app_ui.h"
#include "draw.h"
#include "draw_lesson.h"
#include "escape.h"
#include "progress.h"
#include "pythons.h"
#include "headless.h"
#include "read_file.h"
#include "run.h"
#include "runopts.h"
#include "viewopts.h"

static const char window_help[] =
    "Usage: concviz [OPTIONS]\n"
    "Opens the window: the workload runs under each model, one after another,\n"
    "and the timelines replay together. Press F1 in the window for the keys.\n"
    "\n"
    "Window options:\n"
    "  --shots-dir DIR    where F12 / Ctrl+S save screenshots (default: the\n"
    "                     pictures folder, as `xdg-user-dir PICTURES` says, in\n"
    "                     concviz/; @pictures names it too)\n"
    "  --theme NAME       light, dark or projector (big text, for a room)\n"
    "  --size WxH         initial window size (1280x720)\n"
    "  --font-scale F     text size factor, 0.6 to 3 (1)\n"
    "  --code             the code view: each model's Python program, with the\n"
    "                     line each task is on\n"
    "  --repeat N         run each model N times, 1 to 15, and show the median\n"
    "                     run (1)\n"
    "  --python [INTERPRETER]  start with the CPython panels on (Y toggles them):\n"
    "                     each model's Python program also runs in CPython,\n"
    "                     python3 by default, drawn under the model's panel\n"
    "  --python-ft INTERPRETER  the free-threaded Python for free-threading\n"
    "                     (default: python3.14t or python3.13t on PATH)\n"
    "  -h, --help         this help\n"
    "\n"
    "Run options:\n";

typedef struct wopts {
    sim_config run;
    const char *shots_dir;
    app_viewopts view;
    int repeat;
    app_pythons py;       /* --python, --python-ft: the CPython panels */
} wopts;

/* A window may be small; the largest is the largest texture SDL may make. */
static const app_view_sizes window_sizes = {320, 240, 16384, 16384, 0, NULL};

static int parse(wopts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->shots_dir = "@pictures";
    o->repeat = 1;
    app_viewopts_init(&o->view, &window_sizes);
    o->view.w = 1280;
    o->view.h = 720;
    o->view.font_scale = 1.0f;
    for (int i = 1; i < argc; i++) {
        char msg[512];
        int r = app_runopts_take(&o->run, argc, argv, &i, msg, sizeof msg);
        if (r < 0)
            return app_usage_error(NULL, "%s", msg);
        if (r > 0) {
            i--; /* app_runopts_take moved past the option; the loop adds one */
            continue;
        }
        r = app_viewopts_take(&o->view, argc, argv, &i, msg, sizeof msg);
        if (r == 0)
            r = app_pythons_take(&o->py, argc, argv, &i, msg, sizeof msg);
        if (r < 0)
            return app_usage_error(NULL, "%s", msg);
        if (r > 0) {
            i--;
            continue;
        }
        const char *v = NULL;
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            char help[2048];
            app_runopts_help(help, sizeof help);
            fputs(window_help, stdout);
            fputs(help, stdout);
            return -1;
        } else if ((r = app_opt_value(argc, argv, &i, "--shots-dir", &v)) != 0) {
            if (r < 0)
                return app_usage_error(NULL, "--shots-dir: expected a folder");
            o->shots_dir = v;
        } else if ((r = app_opt_value(argc, argv, &i, "--repeat", &v)) != 0) {
            if (r < 0 || app_parse_repeat(v, &o->repeat) != 0)
                return app_usage_error(NULL, "--repeat: expected a whole number from 1 to %d, "
                                       "got '%s'", APP_REPEAT_MAX, r < 0 ? "" : v);
        } else {
            return app_usage_error(NULL, "unknown option '%s'", a);
        }
    }
    return 0;
}

static SDL_Renderer *make_renderer(SDL_Window *w)
{
    SDL_Renderer *r = SDL_CreateRenderer(w, -1, SDL_RENDERER_PRESENTVSYNC);
    if (!r)
        r = SDL_CreateRenderer(w, -1, 0);
    if (!r)
        r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE);
    return r;
}

static void screenshot(app *a, SDL_Renderer *r, const char *dir)
{
    int w, h;
    char path[1024], err[512], msg[1100];
    if (SDL_GetRendererOutputSize(r, &w, &h) != 0 ||
        app_shot_path(dir, path, sizeof path, err, sizeof err) != 0) {
        ui_view_toast(&a->view, err, 4.0);
        return;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s || SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels,
                                   s->pitch) != 0) {
        snprintf(msg, sizeof msg, "screenshot failed: %s", SDL_GetError());
        ui_view_toast(&a->view, msg, 4.0);
    } else if (ui_save_png(s, path, err, sizeof err) != 0) {
        ui_view_toast(&a->view, err, 4.0);
    } else {
        snprintf(msg, sizeof msg, "saved %s", path);
        ui_view_toast(&a->view, msg, 2.5);
        printf("concviz: %s\n", msg);
    }
    SDL_FreeSurface(s);
}

/* Why no window can be seen here, or NULL when one can. A video driver
 * named in SDL_VIDEODRIVER is the user's choice and always counts (the
 * tests' dummy driver, kmsdrm on a console); otherwise concviz needs X11
 * or Wayland. Called before SDL_Init (NULL driver) and after it (the
 * driver SDL chose: with nothing else, SDL 2 falls back to "offscreen",
 * which draws where nobody sees it). */
static const char *no_display(const char *driver)
{
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (asked && asked[0])
        return NULL;
    const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    if (!(x && x[0]) && !(w && w[0]))
        return "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)";
    if (driver && (strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0))
        return "no display answers (SDL found only its offscreen driver)";
    return NULL;
}

/* Says why, and what to run instead; returns APP_EXIT_RUNTIME. */
static int say_no_display(const char *why, const app_lesson_desc *ld)
{
    char name[512] = "N";
    if (ld) {
        const char *slash = strrchr(ld->path, '/');
        char e[512];
        snprintf(name, sizeof name, "%s",
                 sim_escape(slash ? slash + 1 : ld->path, 0, e, sizeof e));
    }
    fprintf(stderr,
            "concviz: cannot open a window: %s.\n"
            "Without a display, these do the same headless:\n"
            "  the comparison, as a table:  concviz run [OPTIONS] (or --json, --trace FILE)\n"
            "  the window's picture:        concviz shot -o FILE.png [OPTIONS]\n"
            "  a saved run's picture:       concviz shot --open RUN.json -o FILE.png\n"
            "  a lesson, a picture a step:  concviz shot --lesson %s --all-steps -o DIR/\n"
            "(To use a particular video driver anyway, set SDL_VIDEODRIVER, e.g. kmsdrm "
            "on a console.)\n", why, name);
    return APP_EXIT_RUNTIME;
}

/* What the frame loop needs of the open window. */
typedef struct window {
    SDL_Window *win;
    SDL_Renderer *r;
    ui_ctx ui;
    int fullscreen;
    int first_frame_fd;   /* the benchmark's hook (below), or -1 */
    char title[300];      /* the title set last */
} window;

/* Starts SDL's video and opens the window. Returns APP_EXIT_OK, or an exit
 * code with the reason said; then nothing is left open. */
static int window_open(window *w, const wopts *o, const app_lesson_desc *ld)
{
    memset(w, 0, sizeof *w);
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        char e[600];
        snprintf(e, sizeof e, "SDL's video failed to start (%s)", SDL_GetError());
        return say_no_display(e, ld);
    }
    const char *why = no_display(SDL_GetCurrentVideoDriver());
    if (why) {
        SDL_Quit();
        return say_no_display(why, ld);
    }
    w->win = SDL_CreateWindow("concviz", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              o->view.w, o->view.h,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    w->r = w->win ? make_renderer(w->win) : NULL;
    char err[512];
    if (!w->r || ui_ctx_init(&w->ui, w->r, err, sizeof err) != 0) {
        fprintf(stderr, "concviz: %s\n", w->r ? err : SDL_GetError());
        if (w->r)
            SDL_DestroyRenderer(w->r);
        if (w->win)
            SDL_DestroyWindow(w->win);
        SDL_Quit();
        return APP_EXIT_RUNTIME;
    }
    SDL_SetWindowMinimumSize(w->win, 480, 320);
    /* A hidden hook for bench/bench_startup.c, not for users: with
     * CONCVIZ_FIRST_FRAME_FD=N in the environment, the window writes
     * CLOCK_MONOTONIC in ns ("123456789\n") to fd N right after its first
     * SDL_RenderPresent, then closes as if asked to. The benchmark so
     * measures exec to first frame without looking at the screen. */
    const char *ff = getenv("CONCVIZ_FIRST_FRAME_FD");
    w->first_frame_fd = ff && *ff ? atoi(ff) : -1;
    return APP_EXIT_OK;
}

static void window_close(window *w)
{
    ui_ctx_deinit(&w->ui);
    SDL_DestroyRenderer(w->r);
    SDL_DestroyWindow(w->win);
    SDL_Quit();
}

/* Waits for input, or only looks when something moves, and hands every
 * event to the app. Returns whether an event came; *animating says whether
 * something was moving when it came. */
static int take_events(window *w, app *a, int *animating)
{
    SDL_Event e;
    int got = app_animating(a) ? SDL_PollEvent(&e) : SDL_WaitEventTimeout(&e, 250);
    int ww, wh, ow, oh;
    SDL_GetWindowSize(w->win, &ww, &wh);
    SDL_GetRendererOutputSize(w->r, &ow, &oh);
    a->px_scale = ww > 0 ? (double)ow / ww : 1.0;
    *animating = app_animating(a);
    int had_event = got;
    while (got) {
        app_handle_event(a, &e);
        got = SDL_PollEvent(&e);
    }
    if (!had_event && !*animating)
        app_idle(a); /* the machine check keeps its second at hand */
    return had_event;
}

/* Lays out for the output's size and draws the frame, the lesson panel on
 * top; a screenshot or a save asked for is made from this frame. */
static void draw_frame(window *w, app *a, const wopts *o)
{
    int ow, oh;
    SDL_GetRendererOutputSize(w->r, &ow, &oh);
    app_layout(a, ow, oh);
    if (strcmp(w->title, a->title) != 0) {
        snprintf(w->title, sizeof w->title, "%s", a->title);
        SDL_SetWindowTitle(w->win, w->title);
    }
    ui_frame_extra x = {.widgets = &a->ws, .help = &a->help,
                        .dialog = a->asking ? &a->dialog : NULL, .lens = &a->lens,
                        .python = app_python_ready(&a->py) && a->py.py.run.gil
                                      ? a->py.label : NULL};
    for (int i = 0; i < SIM_MODEL__COUNT && i < UI_MAX_PANELS; i++)
        x.spread[i] = a->spread_text[i];
    /* The lesson panel goes under the cards (help, a question). */
    ui_frame_extra under = x;
    under.help = NULL;
    under.dialog = NULL;
    int cards = a->view.show_help || a->asking;
    ui_view v = a->view;
    v.show_help = 0;
    v.hover = 0; /* no tooltip under a card */
    ui_draw_frame(&w->ui, &a->layout, a->lesson && cards ? &v : &a->view, &a->cmp,
                  a->lesson && cards ? &under : &x);
    if (a->lesson) {
        ui_draw_lesson(&w->ui, &a->layout, &a->view, &a->cmp, &a->lesson->panel);
        if (cards)
            ui_draw_cards(&w->ui, &a->view, &x, ow, oh);
    }
    if (a->want_shot) {
        a->want_shot = 0;
        screenshot(a, w->r, o->shots_dir); /* reads the frame before present */
    }
    if (a->want_save_trace) {
        a->want_save_trace = 0;
        app_save_trace(a, o->shots_dir);
    }
}

/* After the first frame is shown: the benchmark's hook (see window_open). */
static void first_frame_shown(window *w, app *a)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    dprintf(w->first_frame_fd, "%lld\n", (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec);
    w->first_frame_fd = -1;
    a->want_quit = 1;
}

/* The time between two frames while a run is under way. The run is real:
 * its threads and worker processes need the machine's cores, and a window
 * drawing 60 frames a second with the software renderer (and a display
 * server copying them) takes one of them away: on 2 cores, 4*cpu:100ms
 * under multiprocessing took 468 ms in the window against 304 in `concviz
 * run`, its two workers sharing one core. So the panels grow about 8
 * times a second, and a frame that takes long is drawn less often still:
 * drawing gets a tenth of one core at most. Input still wakes the loop at
 * once. */
static double run_gap(double frame_took)
{
    double gap = frame_took * 10.0;
    return gap > 0.125 ? gap : 0.125;
}

/* Waits up to `s` seconds for input, looking for a signal every 40 ms:
 * the frame gap while a run is under way is 125 ms or more, and Ctrl+C
 * must stop the run sooner than that. */
static void wait_gap(app_signals *sig, double s)
{
    while (s > 0 && !sig->got) {
        double step = s < 0.04 ? s : 0.04;
        if (SDL_WaitEventTimeout(NULL, (int)(step * 1000)))
            return; /* input: draw at once */
        s -= step;
        app_signals_poll(sig, 0);
    }
}

/* Until the app asks to quit or a SIGINT/SIGTERM comes: take input, let
 * time pass, draw. An idle window sleeps in SDL_WaitEventTimeout. */
static void frame_loop(window *w, app *a, const wopts *o, app_signals *sig)
{
    int first = 1;
    uint64_t last = SDL_GetPerformanceCounter();
    double freq = (double)SDL_GetPerformanceFrequency();
    while (!a->want_quit) {
        app_signals_poll(sig, 0);
        if (sig->got)
            break;
        int animating;
        if (!take_events(w, a, &animating) && !animating && !first) {
            /* Woken by the timeout with nothing new: keep the last frame. */
            last = SDL_GetPerformanceCounter();
            continue;
        }
        first = 0;
        if (a->want_fullscreen) {
            a->want_fullscreen = 0;
            w->fullscreen = !w->fullscreen;
            SDL_SetWindowFullscreen(w->win, w->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        }
        uint64_t now = SDL_GetPerformanceCounter();
        double dt = (double)(now - last) / freq;
        last = now;
        if (dt > 0.25)
            dt = 0.25; /* after a long wait, do not jump the playhead */
        app_tick(a, dt);
        draw_frame(w, a, o);
        SDL_RenderPresent(w->r);
        if (w->first_frame_fd >= 0)
            first_frame_shown(w, a);
        /* Without vsync, cap at about 60 frames a second; while the
         * engines run, far lower (run_gap). */
        double took = (double)(SDL_GetPerformanceCounter() - now) / freq;
        double gap = a->run_active ? run_gap(took) : 0.016;
        if (took < gap)
            wait_gap(sig, gap - took); /* input or a signal wakes it */
    }
}

/* The window; with `ld`, playing that lesson (app_lesson.h); with
 * `preloaded`, showing that saved run. */
static int window_main(int argc, char **argv, app_ctx *ctx, sim_comparison *preloaded,
                       const app_lesson_desc *ld)
{
    wopts o;
    int rc = parse(&o, argc, argv);
    if (rc)
        return rc < 0 ? APP_EXIT_OK : rc;
    char pics[1024];
    if (strcmp(o.shots_dir, "@pictures") == 0) {
        app_pictures_dir(pics, sizeof pics);
        o.shots_dir = pics;
    }
    const char *why = no_display(NULL);
    if (why)
        return say_no_display(why, ld);
    /* SIGINT and SIGTERM: not SDL's handlers (they would turn them into a
     * silent SDL_QUIT) but blocked here, before any thread starts, and
     * collected in the frame loop (app_signals.h): the window closes, the
     * run stops cleanly, and concviz says what happened, as `concviz run`
     * does. A SIGPIPE (the terminal's reader gone) closes nothing. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    app_signals sig;
    app_signals_block(&sig);
    window w;
    app *a = NULL;
    rc = window_open(&w, &o, ld);
    if (rc == APP_EXIT_OK && !(a = calloc(1, sizeof *a))) {
        fputs("concviz: out of memory\n", stderr);
        window_close(&w);
        rc = APP_EXIT_RUNTIME;
    }
    if (rc != APP_EXIT_OK) {
        app_signals_restore(&sig);
        return rc;
    }
    /* What the window remembers, and where the course is. */
    char welcomed[4096], sdir[4096], udir[4096], ppath[4096];
    app_desc d = {.cfg = o.run, .fs = ctx->fs,
                  .theme = o.view.theme, .font_scale = o.view.font_scale,
                  .show_code = o.view.show_code, .repeat = o.repeat,
                  .preloaded = preloaded,
                  .python = o.py.python, .python_ft = o.py.python_ft,
                  .cpython = o.py.python != NULL};
    d.shipped_dir = ld ? ld->shipped_dir : app_lesson_shipped_dir(sdir, sizeof sdir);
    d.user_dir = ld ? ld->user_dir : lesson_user_dir(udir, sizeof udir) == 0 ? udir : NULL;
    d.progress_path = ld ? ld->progress_path
                         : lesson_progress_path(ppath, sizeof ppath) == 0 ? ppath : NULL;
    if (lesson_state_path("welcomed", welcomed, sizeof welcomed) == 0)
        d.welcomed_path = welcomed;
    app_init(a, &d);
    /* The plain window welcomes a newcomer; a lesson or a saved run has
     * something to say of its own. */
    if (!ld && !preloaded)
        app_welcome_if_new(a);
    SDL_StartTextInput();
    char err[512];
    if (ld && app_lesson_attach(a, ld, err, sizeof err) != 0) {
        app_print_error(err); /* the lesson's own words */
        a->want_quit = 1;
    } else if (!preloaded && !ld) {
        app_start_run(a);
    }
    frame_loop(&w, a, &o, &sig);
    SDL_StopTextInput();
    app_deinit(a); /* cancels a run in progress and joins its thread */
    free(a);
    window_close(&w);
    /* Kept blocked to the end, as every command does (app_signals.h): the
     * window is closed, and a SIGTERM while concviz exits is noted, not a
     * silent death. */
    app_signals_drain(&sig);
    if (sig.got)
        return app_signal_exit(sig.got, "the window was closed and the run stopped "
                                        "cleanly; no process is left behind");
    return APP_EXIT_OK;
}

int app_window_main(int argc, char **argv, app_ctx *ctx, sim_comparison *preloaded)
{
    return window_main(argc, argv, ctx, preloaded, NULL);
}

int app_window_lesson(int argc, char **argv, app_ctx *ctx, const app_lesson_desc *ld)
{
    return window_main(argc, argv, ctx, NULL, ld);
}

int cmd_window(int argc, char **argv, app_ctx *ctx)
{
    return app_window_main(argc, argv, ctx, NULL);
}
