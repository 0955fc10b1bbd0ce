/* viewopts.h - the options every command that draws takes: --size WxH,
 * --theme NAME, --font-scale F, --code (the window, `shot`, the lesson
 * handout). */
#ifndef APP_VIEWOPTS_H
#define APP_VIEWOPTS_H

#include <stddef.h>

#include "theme.h"

/* What --size accepts, and how its error message says so. */
typedef struct app_view_sizes {
    int min_w, min_h, max_w, max_h;
    int say_max;          /* "from MINxMIN to MAXxMAX"; 0: "at least MINxMIN" */
    const char *purpose;  /* appended to the range, e.g. " for a handout"; or NULL */
} app_view_sizes;

typedef struct app_viewopts {
    const app_view_sizes *sizes;  /* not owned */
    int w, h;                     /* as given; else what the caller set before */
    ui_theme_id theme;            /* 0: light */
    float font_scale;             /* as given; else what the caller set before */
    int show_code;                /* --code: the code view beside the panels */
} app_viewopts;

/* Zeroes `o`; the caller may then set its own defaults for w, h and
 * font_scale, which a given option replaces. */
void app_viewopts_init(app_viewopts *o, const app_view_sizes *sizes);
/* If argv[*i] is one of these options (as `--opt VALUE` or `--opt=VALUE`),
 * consumes it and its value (advancing *i past them) and returns 1.
 * Returns 0 if argv[*i] is not a view option, -1 with `msg` if its value is
 * missing or bad ("--theme: expected light, dark or projector, got 'x'"). */
int app_viewopts_take(app_viewopts *o, int argc, char **argv, int *i,
                      char *msg, size_t n);

/* `--name VALUE` or `--name=VALUE` at argv[*i], for the commands' own
 * options too: 1 and *out set (with VALUE apart, *i moves onto it), 0 if
 * argv[*i] is not this option, -1 if its value is missing. */
int app_opt_value(int argc, char **argv, int *i, const char *name, const char **out);

#endif
