/* lesson_play.h - opening a lesson: finding it, and handing it to the window.
 *
 * `concviz lesson NAME|FILE` names a lesson the way a learner would: a
 * file path, a number ("5", "05"), a file name with or without ".md", or
 * a word of it ("gil"). Shipped lessons are looked up first (the source
 * tree's lessons/ while developing, the installed data folder after
 * `meson install`), then the learner's own folder. No SDL here: the
 * command also runs in builds without the window, to say so plainly.
 */
#ifndef APP_LESSON_PLAY_H
#define APP_LESSON_PLAY_H

#include <stddef.h>

#include "app.h"
#include "lesson.h"

typedef struct app_lesson_desc {
    const char *path;           /* the lesson file */
    const char *shipped_dir;    /* the course, for the picker (NULL: none) */
    const char *user_dir;       /* the learner's lessons (NULL: none) */
    const char *progress_path;  /* NULL: progress is neither read nor written */
    int handout;                /* 1: no guessing; each step runs and reveals */
    int start_step;             /* < 0: resume where the learner stopped */
} app_lesson_desc;

/* The shipped lessons' folder: CONCVIZ_SOURCE_ROOT/lessons when it exists
 * (a build tree), else the installed data folder's lessons/. */
const char *app_lesson_shipped_dir(char *buf, size_t n);

/* Finds a lesson by NAME or FILE (see above). Returns 0 with the path in
 * buf, or -1 with a sentence in err (not found, or which names it could
 * mean when it is ambiguous). */
int app_lesson_find(const char *name, const char *shipped_dir, const char *user_dir,
                    char *buf, size_t n, char *err, size_t en);

/* Prints a lesson's errors ("FILE:LINE: message") on stderr, escaped
 * (escape.h): they quote the lesson's text. rc is lesson_load's result. */
void app_lesson_print_errors(const lesson_errors *e, int rc, const char *path);

/* `concviz lesson [--reset] NAME|FILE [WINDOW OPTIONS]`: argv[first] is
 * the lesson; the options after it are the window's (--theme, --size ...). */
int app_lesson_main(int argc, char **argv, int first, int reset, app_ctx *ctx);

/* The window, playing a lesson (window.c; a build without the UI says it
 * has no window). */
int app_window_lesson(int argc, char **argv, app_ctx *ctx, const app_lesson_desc *ld);

/* `concviz shot --lesson FILE --all-steps -o DIR/` (lesson_handout.c):
 * one PNG per step, narration included. argv is shot's. */
int app_lesson_handout(int argc, char **argv, app_ctx *ctx);

#endif
