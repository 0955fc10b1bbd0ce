/* lesson_priv.h - what the lesson files share among themselves (not API). */
#ifndef LESSON_PRIV_H
#define LESSON_PRIV_H

#include <stddef.h>

#include "lesson.h"

/* Adds "FILE:LINE[:COL]: message" to errs (col 0: no column). */
void lesson_error(lesson_errors *e, const char *file, int line, int col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Parses the text of one ```concviz block into s->set and s->pred.
 * `line` is the source line of the block's first text line, `col` the
 * source column of its first character. Returns 0, -1 (errors added) or
 * SIM_E_NOMEM. On any return, what was filled is freed by
 * lesson_settings_free. */
int lesson_settings_parse(lesson_step *s, const char *file, const char *text,
                          int line, int col, lesson_errors *e);
void lesson_settings_free(lesson_step *s);

#endif
