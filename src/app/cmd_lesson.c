/* cmd_lesson.c - `concviz lesson`: check lessons, verify their claims, list them.
 *
 *   concviz lesson --check FILE...    parse each lesson; every workload is
 *                                     parsed and held to the models' limits
 *   concviz lesson --verify FILE...   also run every prediction step headless
 *                                     and compare the measured answer with the
 *                                     lesson's (the same judge as the player)
 *   concviz lesson --list             the course and the learner's progress
 *   concviz lesson NAME|FILE          the lesson player, in the window
 *
 * --verify is how the course keeps its promises: a claim this machine does
 * not bear out fails, unless the step says it needs more CPUs than there
 * are (then it is skipped, with the reason). Timing is real, so a busy
 * machine can make a close claim flaky: the lessons leave generous margins.
 * A step with `cpython: yes` is also judged on what CPython measured (its
 * Python programs run in python3, or in the interpreter named with
 * --python: the lesson never names one); without an interpreter that part
 * is skipped, with the reason, and fails nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_output.h"
#include "cpython.h"
#include "pythons.h"
#include "app_signals.h"
#include "escape.h"
#include "lesson.h"
#include "lesson_play.h"
#include "progress.h"
#include "run.h"

static const char lesson_usage[] =
    "usage: concviz lesson --check FILE...\n"
    "       concviz lesson --verify [--python INTERPRETER] FILE...\n"
    "       concviz lesson --list\n"
    "       concviz lesson NAME|FILE [WINDOW OPTIONS]\n"
    "       concviz lesson --reset NAME|FILE\n"
    "\n"
    "Lessons are Markdown files (see \"Writing a lesson\" in README.md).\n"
    "\n"
    "  --check      check each lesson's format, settings and workloads\n"
    "  --verify     check, then run every prediction step headless and compare\n"
    "               what this machine measures with the lesson's answer (and,\n"
    "               in steps with `cpython: yes`, what CPython measures)\n"
    "  --python INTERPRETER  the Python for `cpython: yes` (default: python3)\n"
    "  --list       the shipped lessons and your own (in\n"
    "               $XDG_DATA_HOME/concviz/lessons), with your progress and\n"
    "               score (questions right first time, after a retry)\n"
    "  NAME|FILE    open the lesson in the window's player (NAME: '03',\n"
    "               '03-blocking-the-loop' or the file name)\n"
    "  --reset      forget how far you got in that lesson (it starts again\n"
    "               from its first step)\n"
    "  -h, --help   this help\n"
    "\n"
    "In the player: N or Page Down next step (at a lesson's last step, the\n"
    "next lesson), P or Page Up previous step, 1-9 answer a question, L the\n"
    "lesson picker (with your progress and score), F1 the window's keys.\n"
    "Window options after the name: --theme, --size, --font-scale, --shots-dir.\n"
    "\n"
    "Exit codes: 0 every lesson is right, 1 a lesson has errors or a claim\n"
    "this machine does not bear out, 2 a usage error, 130 interrupted (Ctrl+C),\n"
    "143 terminated (SIGTERM).\n";

/* "FILE:LINE: step K 'TITLE': VERDICT: TEXT", the lesson's words escaped
 * (escape.h): a title is the lesson author's text, not ours. */
static void say_step(const char *file, int line, size_t k, const lesson_step *s,
                     const char *verdict, const char *text)
{
    char f[1024], t[1024], x[2048];
    printf("%s:%d: step %zu '%s': %s: %s\n", sim_escape(file, 0, f, sizeof f), line, k + 1,
           sim_escape(s->title, 0, t, sizeof t), verdict, sim_escape(text, 0, x, sizeof x));
}

/* The interpreters for `cpython: yes`, asked their versions once, when a
 * step first needs them. */
typedef struct pythons {
    app_pythons py;           /* py.python: --python, or python3 */
    int asked;
} pythons;

static const sim_run_python *need_pythons(pythons *p)
{
    if (!p->asked) {
        p->asked = 1;
        app_pythons_probe(&p->py, 1, 1, NULL, NULL);
    }
    return &p->py.run;
}

/* The step's claim judged on CPython's traces too (`cpython: yes`, a check
 * on the engines). Returns 1 when CPython does not bear it out; a model
 * CPython could not run (no interpreter) skips the judgement, with the
 * reason (lesson_judge_cpython). */
static int verify_cpython(const char *file, size_t k, const lesson_step *s,
                          const sim_comparison *c)
{
    lesson_verdict v;
    if (lesson_judge_cpython(s, c, &v) != 0) {
        say_step(file, s->settings_line, k, s, "CPython FAILED", "could not judge its run");
        return 1;
    }
    int bad = !v.skipped && !(v.ran && v.agrees);
    say_step(file, v.skipped ? s->settings_line : s->pred.line, k, s,
             v.skipped ? "CPython skipped" : bad ? "CPython FAILED" : "CPython ok", v.text);
    return bad;
}

/* The longest each model of a step may run under --verify (a --timeout:
 * the models of a step run one after another, each with its own). */
#define VERIFY_STEP_TIMEOUT_NS (60ll * 1000000000ll)

/* Runs one step's scenario and judges it. Returns 0 agrees or skipped, 1 not.
 * A SIGINT or SIGTERM stops the run (sig->got); the step then counts as
 * neither. */
static int verify_step(const char *file, size_t k, const lesson_step *s,
                       const sim_calib *calib, app_ctx *ctx, app_signals *sig,
                       pythons *py)
{
    sim_run *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "concviz: out of memory\n");
        return 1;
    }
    sim_run_desc d;
    lesson_step_run_desc(s, &d);
    d.fs = ctx->fs;
    d.calib = calib;
    /* A claim that cannot be checked in a minute is a broken claim, not a
     * reason to wait: every run is bounded, by the step's own `timeout:`
     * when it is shorter. */
    if (d.cfg.timeout_ns <= 0 || d.cfg.timeout_ns > VERIFY_STEP_TIMEOUT_NS)
        d.cfg.timeout_ns = VERIFY_STEP_TIMEOUT_NS;
    if (s->set.cpython)
        d.python = need_pythons(py);
    char msg[512] = "";
    sim_comparison c;
    memset(&c, 0, sizeof c);
    int synced = 0;
    int e = sim_run_start(r, &d, msg, sizeof msg);
    if (e == 0)
        e = app_signals_wait_run(sig, r, &c, &synced);
    int bad = 1;
    if (sig->got) {
        bad = 0;
    } else if (e != 0 && msg[0]) {
        say_step(file, s->settings_line, k, s, "FAILED", msg);
    } else {
        lesson_verdict v = {0};
        if (synced != 0 || lesson_judge(s, &c, &v) != 0) {
            say_step(file, s->settings_line, k, s, "FAILED", "could not read the run");
        } else if (v.skipped) {
            say_step(file, s->settings_line, k, s, "skipped", v.text);
            bad = 0;
        } else {
            bad = !(v.ran && v.agrees);
            say_step(file, s->pred.line, k, s, bad ? "FAILED" : "ok", v.text);
        }
        /* A check on CPython's runs was judged on them already. */
        if (s->set.cpython && !s->pred.cpython && !v.skipped)
            bad |= verify_cpython(file, k, s, &c);
    }
    sim_comparison_deinit(&c);
    fflush(stdout);
    sim_run_deinit(r);
    free(r);
    return bad;
}

static int check_files(int argc, char **argv, int first, int verify, const char *python,
                       app_ctx *ctx)
{
    int failed = 0;
    pythons py = {.py.python = python ? python : SIM_CPYTHON_DEFAULT};
    sim_calib calib;
    int have_calib = 0;
    app_signals sig;
    app_signals_block(&sig);
    for (int i = first; i < argc && !sig.got; i++) {
        lesson l;
        lesson_errors errs;
        int rc = lesson_load(&l, argv[i], &errs);
        if (rc != 0) {
            app_lesson_print_errors(&errs, rc, argv[i]);
            failed = 1;
            continue;
        }
        char f[1024];
        printf("%s: ok (%zu step%s)\n", sim_escape(argv[i], 0, f, sizeof f), l.nsteps,
               l.nsteps == 1 ? "" : "s");
        fflush(stdout);
        for (size_t k = 0; verify && k < l.nsteps && !sig.got; k++) {
            if (!l.steps[k].pred.question)
                continue;
            if (!have_calib) {
                sim_calib_measure(&calib);
                have_calib = 1;
            }
            failed |= verify_step(argv[i], k, &l.steps[k], &calib, ctx, &sig, &py);
        }
        lesson_free(&l);
    }
    int out = app_output_finish(stdout, verify ? "the verdicts" : "the report", &sig);
    /* Kept blocked to the end, as `run` does (app_signals.h): the verdicts
     * are out, and a SIGTERM now is noted, not a silent death. */
    app_signals_drain(&sig);
    if (sig.got)
        return app_signal_exit(sig.got, "the step's run was stopped cleanly; no process "
                                        "is left behind");
    if (out != APP_EXIT_OK)
        return out;
    return failed ? APP_EXIT_RUNTIME : APP_EXIT_OK;
}

static int list_lessons(void)
{
    char sdir[4096], udir[4096], ppath[4096], msg[512], t[16384];
    lesson_catalog cat;
    const char *user = lesson_user_dir(udir, sizeof udir) == 0 ? udir : NULL;
    if (lesson_catalog_list(&cat, app_lesson_shipped_dir(sdir, sizeof sdir), user) != 0) {
        fprintf(stderr, "concviz: out of memory\n");
        return APP_EXIT_RUNTIME;
    }
    lesson_progress p = {0};
    if (lesson_progress_path(ppath, sizeof ppath) == 0 &&
        lesson_progress_load(&p, ppath, msg, sizeof msg) != 0)
        fprintf(stderr, "concviz: progress not read: %s\n", sim_escape(msg, 0, t, sizeof t));
    for (size_t i = 0; i < cat.n; i++) {
        const lesson_entry *e = &cat.v[i];
        const lesson_progress_entry *pe = lesson_progress_get(&p, e->name);
        char where[160] = "", score[96] = "";
        if (pe && e->valid) {
            /* The score needs the lesson's questions: parse it again. */
            lesson l;
            lesson_errors errs;
            if (lesson_load(&l, e->path, &errs) == 0) {
                lesson_score sc;
                lesson_progress_score(pe, &l, &sc);
                lesson_score_text(&sc, score, sizeof score);
                lesson_free(&l);
            }
        }
        if (pe && pe->done)
            snprintf(where, sizeof where, "  (done%s%s)", score[0] ? ": " : "", score);
        else if (pe)
            snprintf(where, sizeof where, "  (at step %d%s%s)", pe->step + 1,
                     score[0] ? "; " : "", score);
        char name[512];
        printf("%-32s %s%s%s\n", sim_escape(e->name, 0, name, sizeof name),
               e->valid ? sim_escape(e->title, 0, t, sizeof t) : "(has errors: run --check)",
               e->user ? "  [yours]" : "", where);
    }
    if (cat.n == 0)
        printf("no lessons found in %s%s%s\n", sdir, user ? " or " : "", user ? user : "");
    if (cat.unlisted)
        fprintf(stderr, "concviz: note: %zu more lessons were not listed: concviz lists "
                        "at most %d\n", cat.unlisted, LESSON_MAX_LISTED);
    for (size_t i = 0; i < cat.nskipped; i++)
        fprintf(stderr, "concviz: note: skipped %s: %s; a lesson is a regular file\n",
                sim_escape(cat.skipped[i].path, 0, t, sizeof t), cat.skipped[i].why);
    lesson_progress_free(&p);
    lesson_catalog_free(&cat);
    return app_output_finish(stdout, "the list", NULL);
}

int cmd_lesson(int argc, char **argv, app_ctx *ctx)
{
    int mode = 0; /* 0 open, 1 check, 2 verify, 3 list */
    int first = argc, reset = 0;
    const char *python = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(lesson_usage, stdout);
            return APP_EXIT_OK;
        } else if (strcmp(a, "--check") == 0 || strcmp(a, "--verify") == 0 ||
                   strcmp(a, "--list") == 0) {
            int m = a[2] == 'c' ? 1 : a[2] == 'v' ? 2 : 3;
            if (mode && mode != m)
                return app_usage_error("lesson", "choose one of --check, --verify and --list");
            mode = m;
        } else if (strcmp(a, "--reset") == 0) {
            reset = 1;
        } else if (strcmp(a, "--python") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return app_usage_error("lesson", "--python needs an interpreter (python3, "
                                                 "or a path)");
            python = argv[++i];
        } else if (strcmp(a, "--") == 0) {
            first = i + 1;
            break;
        } else if (a[0] == '-' && a[1]) {
            return app_usage_error("lesson", "unknown option '%s'", a);
        } else {
            first = i;
            break;
        }
    }
    for (int i = first; i < argc; i++)
        if (mode != 0 && argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
            return app_usage_error("lesson", "options go before the files ('%s')", argv[i]);
    if (mode == 3) {
        if (first < argc)
            return app_usage_error("lesson", "--list takes no files");
        return list_lessons();
    }
    if (first >= argc)
        return app_usage_error("lesson", mode ? "which lessons? give one or more files"
                                              : "which lesson? give a NAME or a FILE");
    if (python && mode != 2)
        return app_usage_error("lesson", "--python goes with --verify");
    if (mode)
        return check_files(argc, argv, first, mode == 2, python, ctx);
    if (reset && mode)
        return app_usage_error("lesson", "--reset goes alone with one lesson");
    return app_lesson_main(argc, argv, first, reset, ctx);
}
