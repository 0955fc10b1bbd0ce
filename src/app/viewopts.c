/* viewopts.c - the options shared by every command that draws.
 *
 * The window, `shot` and the lesson handout all take --size, --theme,
 * --font-scale and --code, so they are parsed in one place, as the run options are in
 * runopts.c. Only the sizes differ (a window may be small, a handout needs
 * room for the narration): each caller says which it accepts. The help
 * texts stay with each command, which knows its own defaults.
 */
#include "viewopts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

void app_viewopts_init(app_viewopts *o, const app_view_sizes *sizes)
{
    memset(o, 0, sizeof *o);
    o->sizes = sizes;
}

int app_opt_value(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *out = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != 0)
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *out = argv[++*i];
    return 1;
}

/* As app_opt_value, but moves *i past the option, as app_viewopts_take
 * promises; *val is NULL if the value is missing. */
static int match(const char *name, int argc, char **argv, int *i, const char **val)
{
    int r = app_opt_value(argc, argv, i, name, val);
    if (r == 0)
        return 0;
    if (r < 0)
        *val = NULL;
    *i += 1; /* past the value, or past the option that lacks one */
    return 1;
}

static int bad_size(const app_view_sizes *s, const char *v, char *msg, size_t n)
{
    char range[64];
    if (s->say_max)
        snprintf(range, sizeof range, " from %dx%d to %dx%d", s->min_w, s->min_h,
                 s->max_w, s->max_h);
    else
        snprintf(range, sizeof range, ", at least %dx%d", s->min_w, s->min_h);
    snprintf(msg, n, "--size: expected WxH%s%s, got '%s'", range,
             s->purpose ? s->purpose : "", v);
    return -1;
}

int app_viewopts_take(app_viewopts *o, int argc, char **argv, int *i, char *msg, size_t n)
{
    const char *v = NULL;
    if (strcmp(argv[*i], "--code") == 0) {
        o->show_code = 1;
        *i += 1;
        return 1;
    }
    if (match("--theme", argc, argv, i, &v)) {
        if (!v || ui_theme_parse(v, &o->theme) != 0) {
            snprintf(msg, n, "--theme: expected light, dark or projector, got '%s'",
                     v ? v : "");
            return -1;
        }
        return 1;
    }
    if (match("--size", argc, argv, i, &v)) {
        const app_view_sizes *s = o->sizes;
        int w, h;
        char end;
        if (!v || sscanf(v, "%dx%d%c", &w, &h, &end) != 2 || w < s->min_w ||
            h < s->min_h || w > s->max_w || h > s->max_h)
            return bad_size(s, v ? v : "", msg, n);
        o->w = w;
        o->h = h;
        return 1;
    }
    if (match("--font-scale", argc, argv, i, &v)) {
        char *end = NULL;
        double f = v ? strtod(v, &end) : 0;
        /* !(f >= MIN) turns away NaN too. */
        if (!v || end == v || *end || !(f >= UI_FONT_SCALE_MIN) || f > UI_FONT_SCALE_MAX) {
            snprintf(msg, n, "--font-scale: expected a number from 0.6 to 3, got '%s'",
                     v ? v : "");
            return -1;
        }
        o->font_scale = (float)f;
        return 1;
    }
    return 0;
}
