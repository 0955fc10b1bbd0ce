/* lesson_play.c - `concviz lesson NAME|FILE`: find the lesson, open the player.
 *
 * A learner types what they remember of a lesson: "5", "05", "gil",
 * "05-threads-and-the-gil", or a path to a file of their own. Matching goes
 * from exact to loose (a file name, then the number, then a word of the
 * name) and stops at the first level that finds something, so "5" never
 * means "05-..." and "15-..." at once; a word that fits several lessons is
 * refused with the candidates named, rather than guessed.
 *
 * The lesson is parsed before any window opens: a broken lesson is
 * reported as `concviz lesson --check` would, on the terminal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "app_output.h"
#include "concviz_build.h"
#include "escape.h"
#include "lesson.h"
#include "lesson_play.h"
#include "progress.h"

const char *app_lesson_shipped_dir(char *buf, size_t n)
{
    struct stat sb;
    snprintf(buf, n, "%s/lessons", CONCVIZ_SOURCE_ROOT);
    if (stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))
        return buf;
    snprintf(buf, n, "%s/lessons", CONCVIZ_DATADIR);
    return buf;
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* Does `name` fit entry file `file` at this level? 0 exact, 1 number, 2 word. */
static int fits(const char *name, const char *file, int level)
{
    char stem[LESSON_MAX_NAME];
    snprintf(stem, sizeof stem, "%s", file);
    size_t sl = strlen(stem);
    if (sl > 3 && strcmp(stem + sl - 3, ".md") == 0)
        stem[sl - 3] = 0;
    if (level == 0)
        return strcasecmp(file, name) == 0 || strcasecmp(stem, name) == 0;
    if (level == 1) {
        if (!isdigit((unsigned char)name[0]) || !isdigit((unsigned char)stem[0]))
            return 0;
        for (const char *q = name; *q; q++)
            if (!isdigit((unsigned char)*q))
                return 0;
        return atol(name) == atol(stem);
    }
    /* The name after its number ("threads-and-the-gil"), or one word of it. */
    const char *rest = stem;
    while (isdigit((unsigned char)*rest))
        rest++;
    if (*rest == '-')
        rest++;
    if (strcasecmp(rest, name) == 0)
        return 1;
    for (char *tok = strtok(stem, "-"); tok; tok = strtok(NULL, "-"))
        if (strcasecmp(tok, name) == 0)
            return 1;
    return 0;
}

int app_lesson_find(const char *name, const char *shipped_dir, const char *user_dir,
                    char *buf, size_t n, char *err, size_t en)
{
    if (!name || !name[0]) {
        snprintf(err, en, "which lesson? give a NAME or a FILE");
        return -1;
    }
    if (strchr(name, '/') || is_file(name)) {
        /* A path is taken as given: if it is not a regular file, loading
         * it says so (read_file.h), more precisely than "not found". */
        if (!exists(name)) {
            snprintf(err, en, "%s: no such lesson file", name);
            return -1;
        }
        snprintf(buf, n, "%s", name);
        return 0;
    }
    lesson_catalog cat;
    if (lesson_catalog_scan(&cat, shipped_dir, user_dir) != 0) {
        snprintf(err, en, "out of memory");
        return -1;
    }
    int rc = -1;
    for (int level = 0; level < 3 && rc != 0; level++) {
        size_t found = 0, first = 0;
        char names[512] = "";
        size_t off = 0;
        for (size_t i = 0; i < cat.n; i++) {
            if (!fits(name, cat.v[i].name, level))
                continue;
            if (found == 0)
                first = i;
            found++;
            if (off < sizeof names)
                off += (size_t)snprintf(names + off, sizeof names - off, "%s%s",
                                        found > 1 ? ", " : "", cat.v[i].name);
        }
        if (found == 1 || (found > 1 && level == 0)) {
            /* Level 0 may find a shipped and a user lesson of one name:
             * the shipped one is listed first and wins. */
            snprintf(buf, n, "%s", cat.v[first].path);
            rc = 0;
        } else if (found > 1) {
            snprintf(err, en, "'%s' could be any of: %s; say which", name, names);
            lesson_catalog_free(&cat);
            return -1;
        }
    }
    if (rc != 0)
        snprintf(err, en, "no lesson called '%s' in %s%s%s (`concviz lesson --list` "
                 "shows the course)", name, shipped_dir ? shipped_dir : "",
                 user_dir ? " or " : "", user_dir ? user_dir : "");
    lesson_catalog_free(&cat);
    return rc;
}

void app_lesson_print_errors(const lesson_errors *e, int rc, const char *path)
{
    char t[1024];
    for (int i = 0; i < e->n; i++)
        fprintf(stderr, "%s\n", sim_escape(e->msg[i], 0, t, sizeof t));
    if (e->more)
        fprintf(stderr, "(more errors not shown; fix these first)\n");
    if (rc == SIM_E_NOMEM)
        fprintf(stderr, "concviz: %s: out of memory\n", sim_escape(path, 0, t, sizeof t));
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int reset_progress(const char *path)
{
    char ppath[4096], msg[512];
    if (lesson_progress_path(ppath, sizeof ppath) != 0) {
        fprintf(stderr, "concviz: no place for progress: set HOME or XDG_STATE_HOME\n");
        return APP_EXIT_RUNTIME;
    }
    const char *name = base_name(path);
    int had = 0;
    if (lesson_progress_forget(ppath, name, &had, msg, sizeof msg) != 0) {
        app_print_error(msg);
        return APP_EXIT_RUNTIME;
    }
    char t[1024];
    printf(had ? "concviz: %s starts again from its first step\n"
               : "concviz: %s has no progress to forget\n", sim_escape(name, 0, t, sizeof t));
    return APP_EXIT_OK;
}

int app_lesson_main(int argc, char **argv, int first, int reset, app_ctx *ctx)
{
    char sdir[4096], udir[4096], ppath[4096], path[4096], err[1024];
    if (argc - first > 1 && argv[first + 1][0] != '-')
        return app_usage_error("lesson", "the player opens one lesson at a time");
    app_lesson_shipped_dir(sdir, sizeof sdir);
    const char *user = lesson_user_dir(udir, sizeof udir) == 0 ? udir : NULL;
    if (app_lesson_find(argv[first], sdir, user, path, sizeof path, err, sizeof err) != 0)
        return app_usage_error("lesson", "%s", err);
    if (reset) {
        if (argc - first > 1)
            return app_usage_error("lesson", "--reset takes one lesson");
        return reset_progress(path);
    }
    /* Parse it now: a broken lesson is told on the terminal, not in a window. */
    lesson l;
    lesson_errors errs;
    int rc = lesson_load(&l, path, &errs);
    if (rc != 0) {
        app_lesson_print_errors(&errs, rc, path);
        return APP_EXIT_RUNTIME;
    }
    size_t nsteps = l.nsteps;
    lesson_free(&l);
    if (nsteps == 0) {
        char t[4096];
        fprintf(stderr, "concviz: %s has no steps to play\n", sim_escape(path, 0, t, sizeof t));
        return APP_EXIT_RUNTIME;
    }
    app_lesson_desc ld = {.path = path, .shipped_dir = sdir, .user_dir = user,
                          .progress_path = lesson_progress_path(ppath, sizeof ppath) == 0
                                               ? ppath : NULL,
                          .start_step = -1};
    /* The window's own options follow the name: argv[first] plays argv[0]. */
    return app_window_lesson(argc - first, argv + first, ctx, &ld);
}
