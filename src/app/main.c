/* main.c - concviz's front door: pick the subcommand, start the helper.
 *
 *   concviz                 the window (the default comparison, live)
 *   concviz run ...         run a comparison headless, print or export it
 *   concviz python ...      the Python programs behind each model
 *   concviz calibrate ...   measure CPython's own costs (costs.h)
 *   concviz trace ...       a person's own program, traced (utrace.h)
 *
 * The forkserver helper (forkserver.h) is started here, first thing, for
 * the commands that run models: while concviz is still small, forking it
 * is cheap, and every later worker is forked from that small helper.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_output.h"
#include "concviz_build.h"
#include "mp_spawn.h"

static const char usage_text[] =
    "usage: concviz [COMMAND] [OPTIONS]\n"
    "\n"
    "Shows Python's three ways to run work at once (asyncio, threading,\n"
    "multiprocessing) by running the same workload under each, for real.\n"
    "\n"
    "commands:\n"
    "  (none)     open the window and run the default comparison; it takes the\n"
    "             run options and --theme, --size, --font-scale, --shots-dir,\n"
    "             --python (`concviz window --help` lists them)\n"
    "  window     the same as no command\n"
    "  run        run a comparison headless; print a table, JSON or a trace\n"
    "  python     print the Python program behind each model\n"
    "  shot       draw the window's picture with no display: a PNG, or an\n"
    "             animated GIF of the replay (--animate)\n"
    "  open       open a saved run (run --trace FILE) in the window\n"
    "  lesson     check, verify and list the lessons (lessons/)\n"
    "  calibrate  measure what CPython's own machinery costs on this machine\n"
    "             (with python3, or --python PATH) for later runs to charge\n"
    "  trace      run your own Python program with concviz's tracer and draw\n"
    "             its threads, tasks and processes: trace -- python3 script.py\n"
    "\n"
    "  -h, --help       this help; `concviz COMMAND --help` for a command's\n"
    "  -V, --version    the version\n"
    "\n"
    "Exit codes: 0 success, 1 runtime failure (a run, a file or the output),\n"
    "2 usage error, 130 interrupted (Ctrl+C), 141 stdout's reader went away\n"
    "(SIGPIPE), 143 terminated (SIGTERM).\n";

int app_usage_error(const char *cmd, const char *fmt, ...)
{
    /* Escaped: the message may quote a file name read from a folder. */
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    app_print_error(msg);
    if (cmd)
        fprintf(stderr, "Try 'concviz %s --help'.\n", cmd);
    else
        fputs("Try 'concviz --help'.\n", stderr);
    return APP_EXIT_USAGE;
}

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv, app_ctx *ctx);
    int needs_workers; /* start the forkserver first */
} command;

static const command commands[] = {
    {"run", cmd_run, 1},
    {"python", cmd_python, 0},
    {"window", cmd_window, 1},
    {"lesson", cmd_lesson, 1},
    {"shot", cmd_shot, 1},
    {"open", cmd_open, 1},
    {"calibrate", cmd_calibrate, 0},
    {"trace", cmd_trace, 0},
};

static int with_forkserver(int (*fn)(int, char **, app_ctx *), int argc, char **argv,
                           app_ctx *ctx)
{
    sim_forkserver fs;
    if (sim_forkserver_start(&fs) != 0) {
        fprintf(stderr, "concviz: could not start the worker helper process; "
                        "multiprocessing will fork from this process instead\n");
        ctx->fs = NULL;
        return fn(argc, argv, ctx);
    }
    ctx->fs = &fs;
    int rc = fn(argc, argv, ctx);
    sim_forkserver_stop(&fs);
    ctx->fs = NULL;
    return rc;
}

int main(int argc, char **argv)
{
    /* Before anything opens a file: a closed stdout must not become the
     * next file's descriptor (app_output.h). */
    if (app_stdio_guard() != 0) {
        fputs("concviz: /dev/null cannot be opened, and one of stdin, stdout and "
              "stderr is closed; start concviz with all three open\n", stderr);
        return APP_EXIT_RUNTIME;
    }
    /* A worker of the spawn start method is this program exec'd again
     * (start_method.h): it must become a worker before anything else. */
    int worker_status = sim_spawn_worker_main(argc, argv);
    if (worker_status >= 0)
        return worker_status;
    app_ctx ctx = {.fs = NULL, .argv0 = argv[0]};
    /* Past a file-size limit (ulimit -f), a write should fail with EFBIG
     * and a clear message, not kill concviz. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc >= 2) {
        const char *a = argv[1];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0) {
            fputs(usage_text, stdout);
            return APP_EXIT_OK;
        }
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("concviz %s\n", CONCVIZ_VERSION);
            return APP_EXIT_OK;
        }
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (strcmp(a, commands[i].name) != 0)
                continue;
            if (commands[i].needs_workers)
                return with_forkserver(commands[i].fn, argc - 1, argv + 1, &ctx);
            return commands[i].fn(argc - 1, argv + 1, &ctx);
        }
        if (a[0] != '-')
            return app_usage_error(NULL, "unknown command '%s'", a);
    }
    /* No command, or options only: the window takes them. */
    return with_forkserver(cmd_window, argc, argv, &ctx);
}
