/* lesson_keys_priv.h - what the two files of the ```concviz block's parser
 * share: lesson_keys.c reads the block's lines into a slot per key and
 * checks the run's settings; lesson_prediction.c checks a prediction (the
 * question, the check, the choices, the answers, the tolerance) against
 * them and against the step. Private to those two files.
 */
#ifndef LESSON_KEYS_PRIV_H
#define LESSON_KEYS_PRIV_H

#include <stdint.h>

#include "lesson.h"

/* The run's settings first, in the order of config.h's table (their names
 * and values are the run configuration's: sim_config_set reads them), then
 * the keys of the lesson player and of predictions. */
enum {
    K_WORKLOAD, K_MODELS, K_WORKERS, K_THREADS, K_SWITCH, K_TIMEOUT, K_START,
    K_MEMORY, K_COSTS, K_SPEED, K_VIEW, K_HIGHLIGHT, K_NEEDS_CPUS, K_CPYTHON, K_CODE, K_QUESTION,
    K_CHOICES, K_ANSWER, K_CHECK, K_TOLERANCE, K__COUNT
};

/* One key's value as written, with where it starts. */
typedef struct slot {
    int set;
    int line, col;     /* where the value starts */
    char value[LESSON_MAX_VALUE + 1];
    /* choices given as a list of `- item` lines */
    int nitems;
    int item_line[LESSON_MAX_CHOICES + 1];
    char items[LESSON_MAX_CHOICES + 1][LESSON_MAX_VALUE + 1];
} slot;

/* The block being parsed: its file (for messages), the errors so far, a
 * slot per key, and whether anything was wrong. */
typedef struct ctx {
    const char *file;
    lesson_errors *e;
    slot *slots;
    int bad;
} ctx;

/* lesson_keys.c, for lesson_prediction.c. */
/* The key's name as a lesson writes it ("tolerance"). */
const char *keys_name(int k);
/* Strips blanks (and a \r) from both ends of s, in place. */
char *keys_trim(char *s);
/* Records an error at `line` and marks the block bad. Returns -1, so that a
 * check can end with `return keys_bad(c, line, "...")`. */
int keys_bad(ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A whole number in [lo, hi] (parse.h's grammar). Returns 0 or -1. */
int keys_int(const char *s, long lo, long hi, long *out);
/* A duration from 0 to an hour (parse.h's grammar), in ns. Returns 0 or -1. */
int keys_duration(const char *s, double *ns);
/* Whether the step runs model m (its models, or the default three). */
int keys_has_model(const lesson_settings *st, sim_model m);
/* Splits a comma list (or the slot's `- item` lines) into items; returns
 * how many, max + 1 when there are more than max. */
int keys_split(const slot *sl, char items[][LESSON_MAX_VALUE + 1], int *lines, int max);

/* lesson_prediction.c, for lesson_keys.c. */
/* A prediction: the question, the check, the choices, the answers and the
 * tolerance, each checked against the others and against the step, into
 * *p. Errors are added to c; *nomem is set when memory ran out. */
void lesson_prediction_check(ctx *c, lesson_settings *st, lesson_prediction *p,
                             uint64_t ntasks, int *nomem);

#endif
