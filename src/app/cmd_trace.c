/* cmd_trace.c - `concviz trace -- python3 script.py`: a person's own
 * program, run with concviz's tracer, drawn as the course drew the
 * examples (usertrace/utrace.h).
 *
 * Everything that can be checked before the program runs is: concviz's
 * options and the command line after `--` (exit 2), the interpreter (it is
 * asked what it is: not Python, or older than 3.8, exits 2), the output
 * file's folder, and, with --show, a display. Then the program runs with
 * its output on concviz's own stdout and stderr, so the person sees what
 * they would see without concviz; concviz's own lines come after it, on
 * stderr, and say what happened. The exit code is the program's own
 * (128 + N when signal N killed it), 1 when --timeout stopped it or concviz
 * failed, 2 for a usage error, 130 and 143 when concviz itself was
 * interrupted: in every case no process of the program is left behind.
 *
 * Ctrl+C and SIGTERM (app_signals.h) are collected by this thread while
 * another runs the program, and stop it the way --timeout does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "app_output.h"
#include "app_signals.h"
#include "atomic_file.h"
#include "cpython.h"
#include "err.h"
#include "escape.h"
#include "parse.h"
#include "trace_program.h"
#include "trace_report.h"
#include "utrace.h"

#define DEFAULT_OUTPUT "concviz-trace.json"

static const char trace_usage[] =
    "usage: concviz trace [OPTIONS] -- PYTHON [PYTHON OPTIONS] SCRIPT [ARGS...]\n"
    "       concviz trace [OPTIONS] -- PYTHON [PYTHON OPTIONS] -m MODULE [ARGS...]\n"
    "\n"
    "Runs your own Python program with concviz's tracer and shows what its\n"
    "threads, asyncio tasks and processes did, as lanes on one clock: when each\n"
    "ran, waited for I/O, a lock, a queue or the event loop, and (inferred)\n"
    "for the GIL. The program's output passes through; its exit code becomes\n"
    "concviz's. The trace is saved as Chrome trace JSON, which `concviz open`,\n"
    "`concviz shot --open` and Perfetto read.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      where to save the trace (default: " DEFAULT_OUTPUT ")\n"
    "  --show                 open the trace in the window when the program ends\n"
    "  --timeout DUR          stop the program if it runs longer, e.g. 30s (a bare\n"
    "                         number is seconds); what it did until then is kept\n"
    "  --baseline             run the program once untraced first (its output\n"
    "                         discarded) and say how much slower tracing made it;\n"
    "                         it then runs twice: leave it out for a program with\n"
    "                         effects\n"
    "  --min-block DUR        keep blocking calls that last this long or longer\n"
    "                         (default 50us)\n"
    "  --sample DUR           how often threads' states are read from /proc\n"
    "                         (default 1ms; `off` for never)\n"
    "  -h, --help             this help\n"
    "\n"
    "The program reads concviz's stdin when it is a pipe or a file; from a\n"
    "terminal it reads nothing (its process group is not the terminal's).\n"
    "Python 3.8 or later. Processes started with spawn or forkserver are traced\n"
    "through PYTHONPATH, so not under python -I or -E.\n"
    "\n"
    "Exit codes: the program's own; 128+N when signal N killed it; 1 when\n"
    "--timeout stopped it or concviz could not run it or save the trace; 2 a\n"
    "usage error (a bad option, no script, an interpreter that is not Python\n"
    "3.8+); 130 interrupted (Ctrl+C), 143 terminated (SIGTERM).\n"
    "Example: concviz trace --show -- python3 crawl.py https://example.org\n";

typedef struct trace_opts {
    const char *out;
    int show, baseline;
    int64_t timeout_ns, min_block_ns, sample_ns;
    char **cmd;          /* PYTHON and what follows */
    int ncmd;
    size_t nopts;        /* PYTHON's own options, after it */
    char label[512];     /* "python3 crawl.py --fast", for people */
} trace_opts;

/* `--name VALUE` or `--name=VALUE`: 1 (value in *v), 0 (not this option),
 * -1 (no value). */
static int opt(int argc, char **argv, int *i, const char *name, const char **v)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0 || (argv[*i][n] && argv[*i][n] != '='))
        return 0;
    if (argv[*i][n] == '=') {
        *v = argv[*i] + n + 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return -1;
    *v = argv[++*i];
    return 1;
}

static int dur(const char *name, const char *v, int64_t unit, int64_t lo, int64_t *ns)
{
    char why[256];
    if (sim_parse_duration(v, unit, lo, SIM_DUR_MAX_NS, ns, why, sizeof why) != 0)
        return app_usage_error("trace", "%s: %s", name, why);
    return 0;
}

/* PYTHON's own options, up to the script (or -m MODULE): the number of
 * them, or -1 with the reason said. */
static int python_options(trace_opts *o)
{
    int i = 1;
    while (i < o->ncmd && o->cmd[i][0] == '-' && o->cmd[i][1]) {
        const char *a = o->cmd[i];
        if (!strcmp(a, "-m"))
            break;
        if (!strcmp(a, "-c") || !strncmp(a, "-c", 2))
            return app_usage_error("trace", "concviz traces a script or a module (-m MODULE), "
                                   "not -c: put the code in a file");
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-V") ||
            !strcmp(a, "--version"))
            return app_usage_error("trace", "'%s' after the interpreter asks Python about "
                                   "itself: give a script to trace", a);
        /* Options that take the next word: -X opt, -W arg, --check-hash-based-pycs. */
        if (!strcmp(a, "-X") || !strcmp(a, "-W") || !strcmp(a, "--check-hash-based-pycs"))
            i++;
        i++;
    }
    if (i >= o->ncmd)
        return app_usage_error("trace", "no script after %s: concviz trace -- %s SCRIPT.py",
                               o->cmd[0], o->cmd[0]);
    if (!strcmp(o->cmd[i], "-"))
        return app_usage_error("trace", "concviz traces a script file, not one read from "
                               "stdin");
    if (!strcmp(o->cmd[i], "-m") && i + 1 >= o->ncmd)
        return app_usage_error("trace", "-m needs a module: concviz trace -- %s -m MODULE",
                               o->cmd[0]);
    if (strcmp(o->cmd[i], "-m") != 0) {
        struct stat st;
        if (stat(o->cmd[i], &st) != 0) {
            char e[512];
            return app_usage_error("trace", "%s: %s", sim_escape(o->cmd[i], 0, e, sizeof e),
                                   strerror(errno));
        }
    }
    o->nopts = (size_t)(i - 1);
    return 0;
}

static int parse(trace_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->out = DEFAULT_OUTPUT;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(trace_usage, stdout);
            return -1;
        }
        if (!strcmp(a, "--show")) {
            o->show = 1;
        } else if (!strcmp(a, "--baseline")) {
            o->baseline = 1;
        } else if ((r = opt(argc, argv, &i, "--output", &v)) != 0 ||
                   (r = opt(argc, argv, &i, "-o", &v)) != 0) {
            if (r < 0 || !v[0])
                return app_usage_error("trace", "%s: expected a file name", a);
            o->out = v;
        } else if ((r = opt(argc, argv, &i, "--timeout", &v)) != 0) {
            if (r < 0 || dur("--timeout", v, 1000000000, 1000000, &o->timeout_ns))
                return r < 0 ? app_usage_error("trace", "--timeout: expected a duration, "
                                               "e.g. 30s") : APP_EXIT_USAGE;
        } else if ((r = opt(argc, argv, &i, "--min-block", &v)) != 0) {
            if (r < 0 || dur("--min-block", v, 0, 1000, &o->min_block_ns))
                return r < 0 ? app_usage_error("trace", "--min-block: expected a duration, "
                                               "e.g. 50us") : APP_EXIT_USAGE;
        } else if ((r = opt(argc, argv, &i, "--sample", &v)) != 0) {
            if (r > 0 && !strcmp(v, "off"))
                o->sample_ns = -1;
            else if (r < 0 || dur("--sample", v, 0, 100000, &o->sample_ns))
                return r < 0 ? app_usage_error("trace", "--sample: expected a duration, "
                                               "e.g. 1ms, or off") : APP_EXIT_USAGE;
        } else if (a[0] == '-') {
            return app_usage_error("trace", "unknown option '%s'", a);
        } else {
            break; /* PYTHON, without `--` before it */
        }
    }
    if (i >= argc)
        return app_usage_error("trace", "nothing to trace: concviz trace -- python3 SCRIPT.py");
    o->cmd = argv + i;
    o->ncmd = argc - i;
    int e = python_options(o);
    if (e)
        return e;
    size_t k = 0;
    for (int j = 0; j < o->ncmd && k + 1 < sizeof o->label; j++) {
        int w = snprintf(o->label + k, sizeof o->label - k, "%s%s", j ? " " : "", o->cmd[j]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    if (k >= sizeof o->label)
        k = sizeof o->label - 1;
    return 0;
}

/* ---- running, with Ctrl+C heard ------------------------------------------------ */

typedef struct job {
    sim_utrace_desc d;
    sim_comparison c;
    sim_utrace_result res;
    char msg[1024];
    int e;
    atomic_int cancel, done;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    j->e = sim_utrace_run(&j->d, &j->c, &j->res, j->msg, sizeof j->msg);
    atomic_store(&j->done, 1);
    return NULL;
}

/* Runs j in a thread of its own while this one listens for signals.
 * Returns the first SIGINT or SIGTERM (0: none). */
static int run_listening(job *j, app_signals *sig)
{
    pthread_t th;
    int got = 0;
    if (pthread_create(&th, NULL, run_job, j) != 0) {
        run_job(j); /* no thread: no Ctrl+C while it runs, but it runs */
        return 0;
    }
    while (!atomic_load(&j->done)) {
        int s = app_signals_poll(sig, 20 * 1000000ll);
        if ((s == SIGINT || s == SIGTERM) && !got) {
            got = s;
            atomic_store(&j->cancel, 1);
        }
    }
    if (pthread_join(th, NULL) != 0)
        abort();
    return got;
}

static int no_display(void)
{
    const char *v = getenv("SDL_VIDEODRIVER"), *x = getenv("DISPLAY"),
               *w = getenv("WAYLAND_DISPLAY");
    return !(v && v[0]) && !(x && x[0]) && !(w && w[0]);
}

static int exit_code(const sim_utrace_result *r)
{
    if (r->exec_errno || r->timed_out || r->cancelled)
        return APP_EXIT_RUNTIME;
    if (WIFSIGNALED(r->status))
        return 128 + WTERMSIG(r->status);
    if (WIFEXITED(r->status))
        return WEXITSTATUS(r->status);
    return APP_EXIT_RUNTIME;
}

int cmd_trace(int argc, char **argv, app_ctx *ctx)
{
    trace_opts o;
    int e = parse(&o, argc, argv);
    if (e)
        return e < 0 ? APP_EXIT_OK : e;
    if (o.show && no_display())
        return app_usage_error("trace", "--show needs a display (neither DISPLAY nor "
                               "WAYLAND_DISPLAY is set): save the trace and draw it with "
                               "`concviz shot --open FILE -o FILE.png`");
    {
        /* The output's folder first, as `shot` does: a bad path is refused
         * before the program runs, not after. Opening and abandoning the
         * temporary file checks exactly what the final write will need. */
        char why[1024];
        sim_afile probe;
        if (sim_afile_open(&probe, o.out, why, sizeof why) != 0) {
            app_print_error(why);
            return APP_EXIT_RUNTIME;
        }
        sim_afile_abort(&probe);
    }
    app_signals sig;
    app_signals_block(&sig);
    char msg[1024];
    job *j = calloc(1, sizeof *j);
    if (!j) {
        app_signals_restore(&sig);
        fputs("concviz: out of memory\n", stderr);
        return APP_EXIT_RUNTIME;
    }
    sim_interp py;
    e = sim_cpython_probe(&py, o.cmd[0], 0, &j->cancel, msg, sizeof msg);
    /* The probe says what it refused; an old Python 3 is said in the
     * tracer's own terms (the probe knows its version by then). */
    if ((!e || e == SIM_E_USAGE) && py.major == 3 && py.minor < SIM_UTRACE_MIN_MINOR) {
        char shown[300];
        snprintf(msg, sizeof msg, "%s is Python %d.%d; concviz's tracer needs Python 3.%d or "
                 "later", sim_escape(o.cmd[0], 0, shown, sizeof shown), py.major, py.minor,
                 SIM_UTRACE_MIN_MINOR);
        e = SIM_E_USAGE;
    }
    if (e) {
        app_signals_restore(&sig);
        free(j);
        if (e == SIM_E_CANCELLED)
            return app_signal_exit(sig.got ? sig.got : SIGINT, "nothing was run");
        app_print_error(msg);
        return e == SIM_E_USAGE ? APP_EXIT_USAGE : APP_EXIT_RUNTIME;
    }
    if (o.baseline)
        fprintf(stderr, "concviz: running %s once untraced first (--baseline), its output "
                "discarded\n", o.label);
    fflush(stdout);
    j->d = (sim_utrace_desc){.py = &py, .args = o.cmd + 1, .nopts = o.nopts,
                             .timeout_ns = o.timeout_ns, .cancel = &j->cancel,
                             .pass_stdin = !isatty(0), .min_block_ns = o.min_block_ns,
                             .sample_ns = o.sample_ns, .label = o.label,
                             .baseline = o.baseline};
    int got = run_listening(j, &sig);
    if (j->e) {
        app_signals_drain(&sig); /* the program ran: kept blocked to the end, below */
        app_print_error(j->msg);
        free(j);
        return got ? app_signal_exit(got, "the program was stopped; no process is left "
                                     "behind") : APP_EXIT_RUNTIME;
    }
    int rc = exit_code(&j->res);
    char why[1024] = "";
    int saved = sim_program_save(o.out, &j->c, why, sizeof why) == 0;
    app_trace_report(stderr, &j->c, &j->res, saved ? o.out : NULL);
    if (!saved) {
        app_print_error(why);
        rc = APP_EXIT_RUNTIME;
    }
    /* The signals stay blocked to the end (app_signals.h): one that comes
     * after the trace was saved is noted or dropped at exit, never a silent
     * death with the work done. --show needs nothing undone: the window
     * blocks the same signals itself and collects them in its frame loop
     * (window.c), so it gets them whether they come to it blocked or not,
     * and one sent before it opens waits for it instead of killing concviz. */
    app_signals_drain(&sig);
    if (sig.got && !got)
        got = sig.got;
    if (got) {
        sim_comparison_deinit(&j->c);
        free(j);
        return app_signal_exit(got, "the program was stopped, what it did until then is "
                               "kept; no process is left behind");
    }
    if (o.show) {
        char *wargv[] = {"trace", NULL};
        int wrc = app_window_main(1, wargv, ctx, &j->c);
        /* The program's code stands unless the window failed after a
         * program that succeeded, or concviz itself was interrupted
         * (130, 143: as for every command). */
        if (wrc != APP_EXIT_OK && (rc == APP_EXIT_OK || wrc >= 128))
            rc = wrc;
    }
    sim_comparison_deinit(&j->c);
    free(j);
    return rc;
}
