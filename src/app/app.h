/* app.h - the concviz program: subcommands share these. */
#ifndef APP_H
#define APP_H

#include "forkserver.h"

/* Exit codes, as the README documents them. Those for signals are 128 plus
 * the signal's number, what a shell reports for a program the signal
 * killed: concviz stops cleanly instead, but says the same thing. */
enum {
    APP_EXIT_OK = 0,
    APP_EXIT_RUNTIME = 1,   /* a run failed, a file was unreadable, a worker was
                               lost, the output could not be written */
    APP_EXIT_USAGE = 2,     /* a bad option or workload */
    APP_EXIT_SIGINT = 130,  /* interrupted by Ctrl+C (128 + SIGINT) */
    APP_EXIT_SIGPIPE = 141, /* stdout's reader went away (128 + SIGPIPE) */
    APP_EXIT_SIGTERM = 143, /* terminated (128 + SIGTERM) */
};

typedef struct app_ctx {
    sim_forkserver *fs;     /* started at the top of main(), before anything grows */
    const char *argv0;
} app_ctx;

/* Each command gets its own argv, argv[0] being the command's name. */
int cmd_run(int argc, char **argv, app_ctx *ctx);
int cmd_python(int argc, char **argv, app_ctx *ctx);
int cmd_lesson(int argc, char **argv, app_ctx *ctx);   /* check, verify, list, play lessons */
int cmd_window(int argc, char **argv, app_ctx *ctx);   /* `concviz` alone */
int cmd_shot(int argc, char **argv, app_ctx *ctx);     /* a PNG or GIF, no display */
int cmd_open(int argc, char **argv, app_ctx *ctx);     /* a saved run in the window */
int cmd_calibrate(int argc, char **argv, app_ctx *ctx); /* measure CPython's costs */
int cmd_trace(int argc, char **argv, app_ctx *ctx);     /* trace a person's program */

/* The window (window.c); with `preloaded`, it shows that saved run instead
 * of starting one, and takes its contents (leaving it zeroed). */
struct sim_comparison;
int app_window_main(int argc, char **argv, app_ctx *ctx,
                    struct sim_comparison *preloaded);

/* Prints "concviz: " + message to stderr, plus "Try 'concviz CMD --help'."
 * and returns APP_EXIT_USAGE. */
int app_usage_error(const char *cmd, const char *fmt, ...);

#endif
