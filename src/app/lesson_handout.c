/* lesson_handout.c - `concviz shot --lesson FILE --all-steps -o DIR/`.
 *
 * A handout is the lesson as the player shows it, one picture per step:
 * the timelines of the step's run beside its narration. It goes through
 * the player itself (app_lesson.h) in handout mode, with no window: each
 * step's scenario really runs on this machine, then the frame is drawn by
 * the software renderer (headless.h) and saved. A prediction step shows its
 * question and choices together with the revealed answer, judged against
 * this machine's run, exactly as a learner would see it after guessing.
 *
 * A handout is made for paper and slides: the panel has no buttons, key
 * hints nor scroll bar there, and its footer gives the machine and the
 * date whole. Beside the pictures, index.html shows every step in order
 * (title, picture, question, what this machine measured), opens offline
 * and prints one step per page.
 *
 * The runs take real time (a course is a minute or two). SIGINT and
 * SIGTERM stop the step's run cleanly; pictures already written stay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app_lesson.h"
#include "app_output.h"
#include "atomic_file.h"
#include "escape.h"
#include "app_signals.h"
#include "draw_lesson.h"
#include "headless.h"
#include "pythons.h"
#include "shot.h"
#include "viewopts.h"

static const char handout_usage[] =
    "usage: concviz shot --lesson FILE --all-steps -o DIR/ [OPTIONS]\n"
    "       concviz shot --lesson FILE --step N -o DIR/ [OPTIONS]\n"
    "\n"
    "Runs each step of the lesson on this machine and writes one PNG per step\n"
    "into DIR (created if missing): the timelines beside the narration, and for\n"
    "questions the choices with the answer this machine measured; then\n"
    "DIR/index.html, every step in order, to open offline or print. FILE may\n"
    "also be a lesson's NAME, as for `concviz lesson`.\n"
    "\n"
    "  --all-steps        every step (DIR/01-first-step-title.png, ...)\n"
    "  --step N           only step N (from 1)\n"
    "  -o, --output DIR   the folder to write into\n"
    "  --size WxH         picture size (1600x900)\n"
    "  --theme NAME       light, dark or projector (light)\n"
    "  --font-scale F     text size factor, 0.6 to 3 (1)\n"
    "  --code             the code view: each model's Python program, with the\n"
    "                     line each task is on\n"
    "  --python [INTERPRETER]  every step also runs in CPython, drawn under the\n"
    "                     models (steps with `cpython: yes` do in any case, in\n"
    "                     python3 or the interpreter named here)\n"
    "  --python-ft INTERPRETER  the free-threaded Python for free-threading\n"
    "  -h, --help         this help\n";

typedef struct hopts {
    const char *lesson, *out;
    int all, step;        /* step: 1-based, 0 none */
    app_viewopts view;
    app_pythons py;       /* --python: CPython in every step */
} hopts;

/* Room for the narration beside the timelines. */
static const app_view_sizes handout_sizes = {
    640, 360, APP_SHOT_MAX_W, APP_SHOT_MAX_H, 1, " for a handout"};

static int parse(hopts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    app_viewopts_init(&o->view, &handout_sizes);
    o->view.w = APP_SHOT_DEFAULT_W;
    o->view.h = APP_SHOT_DEFAULT_H;
    o->view.font_scale = 1.0f;
    for (int i = 1; i < argc; i++) {
        char msg[512];
        int r = app_viewopts_take(&o->view, argc, argv, &i, msg, sizeof msg);
        if (r == 0)
            r = app_pythons_take(&o->py, argc, argv, &i, msg, sizeof msg);
        if (r < 0)
            return app_usage_error("shot", "%s", msg);
        if (r > 0) {
            i--; /* app_viewopts_take moved past the option; the loop adds one */
            continue;
        }
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(handout_usage, stdout);
            return -1;
        } else if ((r = app_opt_value(argc, argv, &i, "--lesson", &v)) != 0) {
            if (r < 0 || !v[0])
                return app_usage_error("shot", "--lesson needs a lesson file or name");
            o->lesson = v;
        } else if (strcmp(a, "--all-steps") == 0) {
            o->all = 1;
        } else if ((r = app_opt_value(argc, argv, &i, "--step", &v)) != 0) {
            char *end = NULL;
            long s = r < 0 ? 0 : strtol(v, &end, 10);
            if (r < 0 || !end || end == v || *end || s < 1 || s > LESSON_MAX_STEPS)
                return app_usage_error("shot", "--step: expected a step number from 1, "
                                       "got '%s'", r < 0 ? "" : v);
            o->step = (int)s;
        } else if ((r = app_opt_value(argc, argv, &i, "-o", &v)) != 0 ||
                   (r = app_opt_value(argc, argv, &i, "--output", &v)) != 0) {
            if (r < 0 || !v[0])
                return app_usage_error("shot", "%s needs a folder", a);
            o->out = v;
        } else {
            return app_usage_error("shot", "with --lesson, '%s' does not apply "
                                   "(`concviz shot --lesson x --help`)", a);
        }
    }
    if (!o->lesson)
        return app_usage_error("shot", "--lesson needs a lesson file or name");
    if (!o->all && !o->step)
        return app_usage_error("shot", "--lesson: say --all-steps (one PNG per step) "
                               "or --step N");
    if (o->all && o->step)
        return app_usage_error("shot", "--all-steps or --step N, not both");
    if (!o->out)
        return app_usage_error("shot", "which folder? name it with -o DIR/");
    return 0;
}

/* "01-two-threads-computing.png" from the step's number and title. */
static void file_name(int k, const char *title, char *buf, size_t n)
{
    char slug[48];
    size_t j = 0;
    int dash = 0;
    for (const char *p = title; *p && j < sizeof slug - 1; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && j > 0 && j < sizeof slug - 2)
                slug[j++] = '-';
            slug[j++] = c;
            dash = 0;
        } else {
            dash = 1;
        }
    }
    slug[j] = 0;
    snprintf(buf, n, "%02d%s%s.png", k + 1, j ? "-" : "", slug);
}

/* Waits for the step's run; a SIGINT or SIGTERM cancels it (sig->got). */
static void wait_run(app *a, app_signals *sig)
{
    int stopped = 0;
    while (a->run_active || a->lesson->phase == APP_LESSON_RUNNING) {
        app_signals_poll(sig, 20 * 1000 * 1000);
        if (sig->got && !stopped) {
            app_stop_run(a);
            stopped = 1;
        }
        app_tick(a, 0.02);
    }
}

static int draw_step(app *a, ui_headless *hl, const char *path, char *err, size_t n)
{
    /* The machine and the date go whole in the panel's footer; the
     * window's status bar would cut them short beside the legend. */
    app_recorded_line(&a->cmp, a->lesson->panel.footer, sizeof a->lesson->panel.footer);
    a->lesson->panel.handout = 1;
    /* The status bar: no keys nor playback state on paper, the run's length. */
    char end[32];
    ui_format_dur(ui_view_end(&a->view, &a->cmp), end, sizeof end);
    snprintf(a->view.status, sizeof a->view.status, "the whole run: %s", end);
    a->view.live = 0;
    a->view.paused = 1;
    a->view.hover = 0;
    a->view.playhead = ui_view_end(&a->view, &a->cmp);
    a->view.toast_left = 0;
    a->lesson->panel.scroll = 0;
    a->lesson->panel.scroll_to_reveal = 0; /* a handout reads from the step's title */
    a->lesson->panel.scroll_to_title = 1;
    a->lesson->panel.status[0] = 0;
    app_layout(a, hl->w, hl->h);
    ui_frame_extra x = {0};
    ui_draw_frame(&hl->ui, &a->layout, &a->view, &a->cmp, &x);
    ui_draw_lesson(&hl->ui, &a->layout, &a->view, &a->cmp, &a->lesson->panel);
    SDL_RenderPresent(hl->r);
    return ui_save_png(hl->surf, path, err, n);
}

/* What the index says of one step: its picture, title, question and what
 * this machine measured (plain text: the picture shows it styled). */
typedef struct page {
    char file[96];
    char title[256];
    char question[LESSON_MAX_VALUE + 1];
    char verdict[APP_LESSON_REVEAL_MAX];
} page;

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\n': fputs("<br>", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                fputc(*s, f);
            break;
        }
    }
}

/* DIR/index.html: every step's page in order, for a browser with no
 * network (no script, no font or style from elsewhere; the pictures are
 * the files beside it), and for printing: one step per printed page. */
static int write_index(const char *dir, const lesson *les, const char *machine,
                       const page *pages, int n, char *err, size_t en)
{
    char path[4096 + 32];
    size_t dl = strlen(dir);
    snprintf(path, sizeof path, "%s%sindex.html", dir, dl && dir[dl - 1] == '/' ? "" : "/");
    sim_afile af;
    if (sim_afile_open(&af, path, err, en) != 0)
        return -1;
    FILE *f = af.f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    html_text(f, les->title);
    fputs("</title>\n<style>\n"
          "body { font-family: sans-serif; max-width: 70em; margin: 1em auto; padding: 0 1em; }\n"
          "img { max-width: 100%; border: 1px solid #bbb; }\n"
          "section { break-after: page; margin-bottom: 2em; }\n"
          ".verdict { border-left: 4px solid #3a7bd5; padding-left: .6em; }\n"
          ".machine { color: #555; }\n"
          "</style>\n</head>\n<body>\n<h1>", f);
    html_text(f, les->title);
    /* "recorded on HOST, 2 CPUs, ..., DATE": a sentence of its own here. */
    fputs("</h1>\n<p class=\"machine\">", f);
    if (strncmp(machine, "recorded ", 9) == 0) {
        fputs("Recorded ", f);
        machine += 9;
    }
    html_text(f, machine);
    fputs(".</p>\n", f);
    for (int i = 0; i < n; i++) {
        const page *pg = &pages[i];
        fprintf(f, "<section>\n<h2>Step %d: ", i + 1);
        html_text(f, pg->title);
        fputs("</h2>\n<img src=\"", f);
        html_text(f, pg->file);
        fputs("\" alt=\"", f);
        html_text(f, pg->title);
        fputs("\">\n", f);
        if (pg->question[0]) {
            fputs("<p><b>", f);
            html_text(f, pg->question);
            fputs("</b></p>\n", f);
        }
        if (pg->verdict[0]) {
            fputs("<p class=\"verdict\">", f);
            html_text(f, pg->verdict);
            fputs("</p>\n", f);
        }
        fputs("</section>\n", f);
    }
    fputs("</body>\n</html>\n", f);
    return sim_afile_commit(&af, err, en) == 0 ? 0 : -1;
}

static int make_dir(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) == 0)
        return S_ISDIR(sb.st_mode) ? 0 : -1;
    return mkdir(dir, 0777) == 0 ? 0 : -1;
}

int app_lesson_handout(int argc, char **argv, app_ctx *ctx)
{
    hopts o;
    int pr = parse(&o, argc, argv);
    if (pr != 0)
        return pr < 0 ? APP_EXIT_OK : pr;
    char sdir[4096], udir[4096], path[4096], err[1024];
    app_lesson_shipped_dir(sdir, sizeof sdir);
    const char *user = lesson_user_dir(udir, sizeof udir) == 0 ? udir : NULL;
    if (app_lesson_find(o.lesson, sdir, user, path, sizeof path, err, sizeof err) != 0)
        return app_usage_error("shot", "%s", err);
    if (make_dir(o.out) != 0) {
        fprintf(stderr, "concviz: %s: cannot make this folder: %s\n", o.out,
                errno ? strerror(errno) : "a file is in the way");
        return APP_EXIT_RUNTIME;
    }
    ui_headless hl;
    if (ui_headless_init(&hl, o.view.w, o.view.h, err, sizeof err) != 0) {
        fprintf(stderr, "concviz: %s\n", err);
        return APP_EXIT_RUNTIME;
    }
    app *a = calloc(1, sizeof *a);
    if (!a) {
        ui_headless_deinit(&hl);
        fputs("concviz: out of memory\n", stderr);
        return APP_EXIT_RUNTIME;
    }
    app_signals sig;
    app_signals_block(&sig);
    app_desc d = {.fs = ctx->fs, .theme = o.view.theme, .font_scale = o.view.font_scale,
                  .show_code = o.view.show_code,
                  .busy_window_ns = -1 /* a handout pictures its steps, no badge */,
                  .python = o.py.python, .python_ft = o.py.python_ft,
                  .cpython = o.py.python != NULL};
    app_init(a, &d);
    a->view.show_controls = 0;
    int first = o.step ? o.step - 1 : 0;
    app_lesson_desc ld = {.path = path, .handout = 1, .start_step = first};
    int rc = APP_EXIT_OK;
    if (app_lesson_attach(a, &ld, err, sizeof err) != 0) {
        app_print_error(err); /* the lesson's own words */
        rc = APP_EXIT_RUNTIME;
    } else if (o.step > (int)a->lesson->les.nsteps) {
        rc = app_usage_error("shot", "--step %d: %s has %zu steps", o.step, path,
                             a->lesson->les.nsteps);
    }
    int last = rc == APP_EXIT_OK ? (o.step ? first : (int)a->lesson->les.nsteps - 1) : -1;
    page *pages = calloc(LESSON_MAX_STEPS, sizeof *pages);
    int npages = 0;
    char machine[400] = "";
    if (!pages) {
        fputs("concviz: out of memory\n", stderr);
        rc = APP_EXIT_RUNTIME;
    }
    for (int k = first; k <= last && rc == APP_EXIT_OK; k++) {
        if (k != first)
            app_lesson_goto(a, k);
        char title[1024];
        fprintf(stderr, "concviz: step %d of %zu: %s\n", k + 1, a->lesson->les.nsteps,
                sim_escape(a->lesson->les.steps[k].title, 0, title, sizeof title));
        wait_run(a, &sig);
        if (sig.got)
            break;
        char name[96], out[4096 + 128];
        file_name(k, a->lesson->les.steps[k].title, name, sizeof name);
        size_t ol = strlen(o.out);
        snprintf(out, sizeof out, "%s%s%s", o.out, ol && o.out[ol - 1] == '/' ? "" : "/",
                 name);
        if (draw_step(a, &hl, out, err, sizeof err) != 0) {
            fprintf(stderr, "concviz: %s\n", err);
            rc = APP_EXIT_RUNTIME;
        } else {
            printf("concviz: saved %s\n", out);
            fflush(stdout);
            const lesson_step *st = &a->lesson->les.steps[k];
            page *pg = &pages[npages++];
            snprintf(pg->file, sizeof pg->file, "%s", name);
            snprintf(pg->title, sizeof pg->title, "%s", st->title);
            snprintf(pg->question, sizeof pg->question, "%s",
                     st->pred.question ? st->pred.question : "");
            snprintf(pg->verdict, sizeof pg->verdict, "%s",
                     st->pred.question ? a->lesson->reveal_text : "");
            snprintf(machine, sizeof machine, "%s", a->lesson->panel.footer);
        }
    }
    if (rc == APP_EXIT_OK && npages > 0 && !sig.got) {
        if (write_index(o.out, &a->lesson->les, machine, pages, npages, err, sizeof err) != 0) {
            fprintf(stderr, "concviz: %s\n", err);
            rc = APP_EXIT_RUNTIME;
        } else {
            printf("concviz: saved %s%sindex.html (open it in a browser, or print it)\n",
                   o.out, o.out[strlen(o.out) - 1] == '/' ? "" : "/");
        }
    }
    free(pages);
    app_deinit(a); /* stops a run in progress and frees the player */
    free(a);
    ui_headless_deinit(&hl);
    /* Kept blocked to the end, as `run` does (app_signals.h): the pages are
     * saved, and a SIGTERM now is noted, not a silent death. */
    app_signals_drain(&sig);
    if (sig.got)
        return app_signal_exit(sig.got, "stopped cleanly; the pictures already saved stay");
    return rc;
}
