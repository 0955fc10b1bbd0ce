/* cmd_shot.c - `concviz shot`: the window's picture as a PNG or an animated
 * GIF, with no display.
 *
 * Everything that can be checked before a run is checked before it: the
 * options (exit 2) and the output file's folder (exit 1), so that a typo
 * never costs the time of a run. The comparison comes either from a live
 * run (the models run one after another, as for `concviz run`) or from a
 * saved run (--open); from there on both take the same road (shot.h).
 *
 * Signals: as in `concviz run` (app_signals.h), SIGINT and SIGTERM are
 * blocked and collected: during the run they stop it cleanly, and
 * between two frames of an animation they abandon the export, whose
 * temporary file is removed; the old file under that name stays as it was.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app.h"
#include "app_output.h"
#include "app_signals.h"
#include "app_ui.h"
#include "pythons.h"
#include "atomic_file.h"
#include "lesson_play.h"
#include "run.h"
#include "runopts.h"
#include "shot.h"
#include "trace_load.h"
#include "viewopts.h"

static const char shot_usage[] =
    "usage: concviz shot -o FILE.png|FILE.jpg [--workload SPEC | --open RUN.json] [OPTIONS]\n"
    "       concviz shot --animate -o FILE.gif [--fps N] [--duration S] [OPTIONS]\n"
    "\n"
    "Draws what the window shows, with no display, into a PNG, or a JPEG for a\n"
    "name ending in .jpg or .jpeg: runs the workload under each model first, or\n"
    "draws a saved run (--open). With --animate, writes the replay as an\n"
    "animated GIF for slides.\n"
    "\n"
    "picture options:\n"
    "  -o, --output FILE      the PNG or JPEG (or, with --animate, the GIF) to write\n"
    "  --open RUN.json        draw a saved run (`concviz run --trace`) instead of\n"
    "                         running; the picture says which machine recorded it\n"
    "  --size WxH             the picture's size, 320x200 to 7680x4320 (1600x900)\n"
    "  --theme NAME           light, dark or projector (light)\n"
    "  --font-scale F         text size factor, 0.6 to 3 (1)\n"
    "  --code                 the code view: the first model's Python program, with\n"
    "                         the line each task is on at the playhead\n"
    "  --at MS                the playhead, in ms from the start (default: the end)\n"
    "  --range FROM:TO        show only this time range, in ms (default: the whole run)\n"
    "  --animate              write the replay from 0 to the playhead as a GIF\n"
    "  --fps N                frames per second of the GIF, 1 to 50 (20)\n"
    "  --duration S           seconds the replay lasts, 0.1 to 60 (default: the\n"
    "                         window's replay speed that fits it in about 6 s)\n"
    "  -h, --help             this help\n"
    "\n"
    "a lesson as a handout (`concviz shot --lesson FILE --help` for more):\n"
    "  --lesson FILE --all-steps -o DIR/   one PNG per step, narration included\n"
    "\n"
    "run options (not with --open):\n"
    "%s"
    "%s"
    "\n"
    "A saved run that holds CPython's runs (`run --python --trace`) is drawn\n"
    "with them.\n"
    "\n"
    "Exit codes: 0 success, 1 a run or a file failed (a missing folder, a full\n"
    "disk, a file that is not a concviz trace; with --python also: no\n"
    "interpreter, though the picture is made and says so), 2 a usage error,\n"
    "130 interrupted (Ctrl+C), 143 terminated (SIGTERM).\n";

typedef struct shot_opts {
    sim_config run;
    app_viewopts view;            /* w, h, font_scale 0: the defaults */
    const char *first_run_opt;    /* to name it when --open makes it pointless */
    const char *out, *open;
    app_shot_desc d;
    double at_ms, from_ms, to_ms; /* < 0: not given */
    int animate, fps;
    double duration_s;            /* 0: not given */
    const char *fps_arg, *duration_arg;
    app_pythons py;               /* --python: CPython's runs under the models' */
    int no_python;                /* --python, and no interpreter: exit 1 */
} shot_opts;

/* A non-negative number of ms, at most SIM_TRACE_MAX_NS. */
static int parse_ms(const char *s, double *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || (*end && strcmp(end, "ms") != 0) || !isfinite(v) || v < 0 ||
        v * 1e6 > (double)SIM_TRACE_MAX_NS)
        return -1;
    *ms = v;
    return 0;
}

static const app_view_sizes shot_sizes = {
    APP_SHOT_MIN_W, APP_SHOT_MIN_H, APP_SHOT_MAX_W, APP_SHOT_MAX_H, 1, NULL};

static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* ".png" of "dir/x.png"; NULL when the file's name has none ("x", ".x"). */
static const char *extension(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot != base && dot[1] ? dot : NULL;
}

static int parse(shot_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    app_viewopts_init(&o->view, &shot_sizes);
    o->at_ms = o->from_ms = o->to_ms = -1;
    o->d.at_ns = -1;
    char msg[512];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = app_runopts_take(&o->run, argc, argv, &i, msg, sizeof msg);
        if (r < 0)
            return app_usage_error("shot", "%s", msg);
        if (r > 0) {
            if (!o->first_run_opt)
                o->first_run_opt = a;
            i--; /* app_runopts_take moved past the option; the loop adds one */
            continue;
        }
        r = app_viewopts_take(&o->view, argc, argv, &i, msg, sizeof msg);
        if (r == 0 && (r = app_pythons_take(&o->py, argc, argv, &i, msg, sizeof msg)) > 0 &&
            !o->first_run_opt)
            o->first_run_opt = a; /* it runs something: not with --open */
        if (r < 0)
            return app_usage_error("shot", "%s", msg);
        if (r > 0) {
            i--;
            continue;
        }
        const char *v = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            char help[2048];
            app_runopts_help(help, sizeof help);
            printf(shot_usage, help, app_pythons_help);
            return -1;
        } else if ((r = app_opt_value(argc, argv, &i, "-o", &v)) != 0 ||
                   (r = app_opt_value(argc, argv, &i, "--output", &v)) != 0) {
            if (r < 0 || !v[0])
                return app_usage_error("shot", "%s needs a file name", a);
            o->out = v;
        } else if ((r = app_opt_value(argc, argv, &i, "--open", &v)) != 0) {
            if (r < 0 || !v[0])
                return app_usage_error("shot", "--open needs a saved run (a .json file)");
            o->open = v;
        } else if ((r = app_opt_value(argc, argv, &i, "--at", &v)) != 0) {
            if (r < 0 || parse_ms(v, &o->at_ms) != 0)
                return app_usage_error("shot", "--at: expected a time in ms from the "
                                       "start, like 120 or 12.5, got '%s'", r < 0 ? "" : v);
        } else if ((r = app_opt_value(argc, argv, &i, "--range", &v)) != 0) {
            char from[64];
            const char *colon = r < 0 ? NULL : strchr(v, ':');
            if (!colon || (size_t)(colon - v) >= sizeof from)
                return app_usage_error("shot", "--range: expected FROM:TO in ms, like "
                                       "0:250, got '%s'", r < 0 ? "" : v);
            memcpy(from, v, (size_t)(colon - v));
            from[colon - v] = 0;
            if (parse_ms(from, &o->from_ms) != 0 || parse_ms(colon + 1, &o->to_ms) != 0)
                return app_usage_error("shot", "--range: expected FROM:TO in ms, like "
                                       "0:250, got '%s'", v);
            if (o->to_ms <= o->from_ms)
                return app_usage_error("shot", "--range %s: the end must come after the "
                                       "start", v);
            if ((o->to_ms - o->from_ms) * 1e6 < 1000)
                return app_usage_error("shot", "--range %s: at least 1 us wide", v);
        } else if (strcmp(a, "--animate") == 0) {
            o->animate = 1;
        } else if ((r = app_opt_value(argc, argv, &i, "--fps", &v)) != 0) {
            char *end = NULL;
            long f = r < 0 ? 0 : strtol(v, &end, 10);
            if (r < 0 || !end || end == v || *end || f < 1 || f > APP_GIF_MAX_FPS)
                return app_usage_error("shot", "--fps: expected a whole number from 1 to "
                                       "%d, got '%s'", APP_GIF_MAX_FPS, r < 0 ? "" : v);
            o->fps = (int)f;
            o->fps_arg = a;
        } else if ((r = app_opt_value(argc, argv, &i, "--duration", &v)) != 0) {
            char *end = NULL;
            double s = r < 0 ? 0 : strtod(v, &end);
            if (r < 0 || !end || end == v || (*end && strcmp(end, "s") != 0) ||
                !(s >= 0.1) || s > 60)
                return app_usage_error("shot", "--duration: expected seconds from 0.1 to "
                                       "60, got '%s'", r < 0 ? "" : v);
            o->duration_s = s;
            o->duration_arg = a;
        } else if (a[0] == '-') {
            return app_usage_error("shot", "unknown option '%s'", a);
        } else {
            return app_usage_error("shot", "unexpected argument '%s' (the file to write "
                                   "goes after -o)", a);
        }
    }
    o->d.w = o->view.w;
    o->d.h = o->view.h;
    o->d.theme = o->view.theme;
    o->d.font_scale = o->view.font_scale;
    o->d.show_code = o->view.show_code;
    if (!o->out)
        return app_usage_error("shot", "which file? name it with -o FILE.png "
                               "(or -o FILE.gif with --animate)");
    /* The name's extension says the format: .png, .jpg or .jpeg, .gif (an
     * animation). One that says another format is refused rather than
     * given bytes it does not name; a name without one (a device) is a PNG. */
    const char *ext = extension(o->out);
    if (o->animate && ext && strcasecmp(ext, ".gif") != 0)
        return app_usage_error("shot", "-o %s: --animate writes a GIF: name the file "
                               "*.gif", o->out);
    if (!o->animate && has_ext(o->out, ".gif"))
        return app_usage_error("shot", "-o %s: a GIF is an animation: add --animate "
                               "(without it, shot writes a PNG or a JPEG)", o->out);
    o->d.jpeg = has_ext(o->out, ".jpg") || has_ext(o->out, ".jpeg");
    if (!o->animate && ext && !o->d.jpeg && strcasecmp(ext, ".png") != 0)
        return app_usage_error("shot", "-o %s: concviz writes PNG (.png), JPEG (.jpg, "
                               ".jpeg) and, with --animate, GIF (.gif), not '%s'", o->out,
                               ext);
    if (!o->animate && (o->fps_arg || o->duration_arg))
        return app_usage_error("shot", "%s is for animations: add --animate",
                               o->fps_arg ? o->fps_arg : o->duration_arg);
    if (o->open && o->first_run_opt)
        return app_usage_error("shot", "--open draws a saved run: %s does not apply",
                               o->first_run_opt);
    if (o->animate && o->duration_s > 0 &&
        o->duration_s * (o->fps ? o->fps : APP_GIF_DEFAULT_FPS) > APP_GIF_MAX_FRAMES)
        return app_usage_error("shot", "--duration %g at %d fps is more than %d frames",
                               o->duration_s, o->fps ? o->fps : APP_GIF_DEFAULT_FPS,
                               APP_GIF_MAX_FRAMES);
    return 0;
}

/* Runs the comparison as `concviz run` does. Returns an exit code; on 0, *c
 * holds the comparison. A SIGINT or SIGTERM stops it (sig->got). */
static int run_live(shot_opts *o, app_ctx *ctx, app_signals *sig, sim_comparison *c)
{
    sim_run_desc d = {.cfg = o->run, .fs = ctx->fs};
    if (o->py.python) {
        /* As `run --python` asks them: a missing one is said now, and the
         * picture's CPython panels say it again. */
        sim_config models = o->run;
        sim_config_default_models(&models);
        int ft = sim_config_has_model(&models, SIM_MODEL_FREE_THREADING);
        o->no_python = app_pythons_probe(&o->py, models.nmodels > ft, ft, NULL, stderr);
        d.python = &o->py.run;
    }
    char msg[2048];
    sim_run *r = calloc(1, sizeof *r);
    if (!r) {
        fputs("concviz: out of memory\n", stderr);
        return APP_EXIT_RUNTIME;
    }
    int e = sim_run_start(r, &d, msg, sizeof msg);
    if (e) {
        free(r);
        fprintf(stderr, "concviz: %s", msg);
        if (msg[0] && msg[strlen(msg) - 1] != '\n')
            fputc('\n', stderr);
        if (e != SIM_E_USAGE)
            return APP_EXIT_RUNTIME;
        fputs("Try 'concviz shot --help'.\n", stderr);
        return APP_EXIT_USAGE;
    }
    memset(c, 0, sizeof *c);
    int synced;
    int result = app_signals_wait_run(sig, r, c, &synced);
    int rc = APP_EXIT_OK;
    if (synced != 0) {
        fputs("concviz: out of memory while reading the recording\n", stderr);
        rc = APP_EXIT_RUNTIME;
    } else if (!sig->got && result != SIM_OK) {
        /* A deadlock is something to show, not a failure of the picture:
         * the timeline marks it and names who waits for what. */
        int only_deadlocks = 1;
        for (int i = 0; i < r->cfg.nmodels; i++)
            if (r->status[i] != SIM_OK && r->status[i] != SIM_E_CANCELLED) {
                fprintf(stderr, "concviz: %s: %s\n", sim_model_name(r->cfg.models[i]),
                        r->errors[i]);
                if (r->status[i] != SIM_E_DEADLOCK)
                    only_deadlocks = 0;
            }
        if (!only_deadlocks) {
            fputs("concviz: the run failed, so no picture was made\n", stderr);
            rc = APP_EXIT_RUNTIME;
        }
    }
    if (rc != APP_EXIT_OK || sig->got)
        sim_comparison_deinit(c);
    sim_run_deinit(r);
    free(r);
    return rc;
}

typedef struct progress {
    app_signals *sig;
    int tty, last_tenth;
} progress;

/* Between frames: a line every 10% (or a counter on a terminal), and a
 * pending SIGINT/SIGTERM stops the export. */
static int on_frame(void *user, int done, int total)
{
    progress *p = user;
    app_signals_poll(p->sig, 0);
    if (p->sig->got) {
        if (p->tty)
            fputc('\n', stderr);
        return 1;
    }
    int tenth = done * 10 / total;
    if (p->tty) {
        fprintf(stderr, "\rconcviz: frame %d of %d (%d%%)", done, total, done * 100 / total);
        if (done == total)
            fputc('\n', stderr);
    } else if (tenth > p->last_tenth) {
        fprintf(stderr, "concviz: %d%% (%d of %d frames)\n", tenth * 10, done, total);
    }
    p->last_tenth = tenth;
    return 0;
}

/* Checks --at and --range against the run, and puts them in the desc. */
static int apply_times(shot_opts *o, const sim_comparison *c)
{
    int64_t end = app_shot_end(c);
    char e[32];
    ui_format_dur(end, e, sizeof e);
    if (o->at_ms >= 0) {
        if ((int64_t)llround(o->at_ms * 1e6) > end)
            return app_usage_error("shot", "--at %g: after the end of the run (%s)",
                                   o->at_ms, e);
        o->d.at_ns = (int64_t)llround(o->at_ms * 1e6);
    }
    if (o->to_ms > o->from_ms) {
        if ((int64_t)llround(o->from_ms * 1e6) >= end)
            return app_usage_error("shot", "--range %g:%g: starts after the end of the "
                                   "run (%s)", o->from_ms, o->to_ms, e);
        o->d.from_ns = (int64_t)llround(o->from_ms * 1e6);
        o->d.to_ns = (int64_t)llround(o->to_ms * 1e6);
    }
    return APP_EXIT_OK;
}

static int draw(shot_opts *o, const sim_comparison *c, app_signals *sig)
{
    char note[512], err[1024];
    int rc = apply_times(o, c);
    if (rc != APP_EXIT_OK)
        return rc;
    app_recorded_line(c, note, sizeof note);
    o->d.note = note;
    if (!o->animate) {
        if (app_shot_still(c, &o->d, o->out, err, sizeof err) != 0) {
            fprintf(stderr, "concviz: %s\n", err);
            return APP_EXIT_RUNTIME;
        }
        printf("concviz: saved %s\n", o->out);
        return APP_EXIT_OK;
    }
    /* The replay goes from 0 to the playhead (the end by default). */
    int64_t upto = o->d.at_ns >= 0 ? o->d.at_ns : app_shot_end(c);
    double speed = 0, dur = o->duration_s;
    if (dur <= 0) {
        dur = app_anim_default_duration(c, &speed);
        if (o->d.at_ns >= 0 && speed > 0)
            dur = (double)upto / 1e9 / speed; /* the same speed, up to the playhead */
    }
    if (dur < 0.1)
        dur = 0.1;
    speed = (double)upto / 1e9 / dur;
    progress p = {.sig = sig, .tty = isatty(2), .last_tenth = 0};
    app_anim_desc a = {.fps = o->fps, .duration_s = dur, .hold_s = 1.5,
                       .progress = on_frame, .user = &p};
    if (app_shot_gif(c, &o->d, &a, o->out, err, sizeof err) != 0) {
        if (sig->got)
            return APP_EXIT_OK; /* the caller says what happened */
        fprintf(stderr, "concviz: %s\n", err);
        return APP_EXIT_RUNTIME;
    }
    printf("concviz: saved %s (%d frames at %d fps: %.1f s, the run replayed at %.3gx)\n",
           o->out, app_anim_frames(o->fps ? o->fps : APP_GIF_DEFAULT_FPS, dur),
           o->fps ? o->fps : APP_GIF_DEFAULT_FPS, dur, speed);
    return APP_EXIT_OK;
}

int cmd_shot(int argc, char **argv, app_ctx *ctx)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--lesson") == 0 || strncmp(argv[i], "--lesson=", 9) == 0)
            return app_lesson_handout(argc, argv, ctx); /* lesson_handout.c */
    shot_opts o;
    int pr = parse(&o, argc, argv);
    if (pr < 0)
        return APP_EXIT_OK;
    if (pr > 0)
        return pr;
    /* The output's folder first: a bad path is refused before a long run.
     * Opening and abandoning the temporary file checks exactly what the
     * final write will need. */
    char msg[1024];
    sim_afile probe;
    if (sim_afile_open(&probe, o.out, msg, sizeof msg) != 0) {
        fprintf(stderr, "concviz: %s\n", msg);
        return APP_EXIT_RUNTIME;
    }
    sim_afile_abort(&probe);

    app_signals sig;
    app_signals_block(&sig);
    sim_comparison c;
    int rc;
    if (o.open) {
        rc = sim_trace_load(o.open, &c, msg, sizeof msg) == SIM_OK ? APP_EXIT_OK
                                                                  : APP_EXIT_RUNTIME;
        if (rc != APP_EXIT_OK)
            app_print_error(msg); /* it may quote the file */
        else if (c.ntraces == 0) {
            fprintf(stderr, "concviz: %s: the run holds no model to draw\n", o.open);
            sim_comparison_deinit(&c);
            rc = APP_EXIT_RUNTIME;
        }
    } else {
        rc = run_live(&o, ctx, &sig, &c);
    }
    int drawn = 0;
    if (rc == APP_EXIT_OK && !sig.got) {
        rc = draw(&o, &c, &sig);
        drawn = rc == APP_EXIT_OK && !sig.got;
        sim_comparison_deinit(&c);
    }
    /* The signals stay blocked to the end (app_signals.h): one that comes
     * after the picture was written is noted or dropped at exit, never a
     * silent death with the work done. */
    app_signals_drain(&sig);
    if (sig.got) {
        char what[1200];
        snprintf(what, sizeof what, drawn ? "%s was written before it came"
                                          : "stopped cleanly; %s was not written", o.out);
        return app_signal_exit(sig.got, what);
    }
    /* As `run --python`: the picture is made, and the exit code says that
     * CPython could not be measured. */
    if (rc == APP_EXIT_OK && o.no_python)
        rc = APP_EXIT_RUNTIME;
    return rc;
}
