/* progress.h - where a learner stopped, and which lessons there are.
 *
 * Progress lives in $XDG_STATE_HOME/concviz/progress (default
 * ~/.local/state/concviz/progress): one line per lesson,
 * "NAME<TAB>STEP<TAB>DONE<TAB>MARKS", NAME being the lesson's file name
 * ("03-gil.md"), STEP the 0-based step to resume at, DONE 1 once the last
 * step was reached, MARKS one character per step for the learner's answers
 * to its question: 'F' right first time, 'R' right after a retry, 'W'
 * answered but not yet right, '-' not answered (or no question). Files
 * written before MARKS existed have three fields; they are read as "no
 * answers yet", and older concviz read the new lines' first three fields
 * as before. The file is rewritten
 * whole and atomically (atomic_file.h), so a crash never leaves half of it,
 * and every change is merged under a lock on PROGRESS.lock (flock), so
 * several concviz at once (a classroom's shared home folder) never lose
 * each other's entries.
 *
 * Lessons are listed from the shipped folder (given by the app: the source
 * tree's lessons/ or the installed share/concviz/lessons) and from the
 * user's $XDG_DATA_HOME/concviz/lessons (default ~/.local/share/...).
 */
#ifndef LESSON_PROGRESS_H
#define LESSON_PROGRESS_H

#include <stddef.h>

#include "lesson.h"

#define LESSON_MAX_NAME 128          /* bytes in a lesson's file name */
#define LESSON_MAX_PROGRESS 1024     /* lessons remembered */
#define LESSON_MAX_LISTED 4096       /* lessons listed from the folders; more are
                                      * counted (lesson_catalog.unlisted), not kept */
#define LESSON_MAX_PROGRESS_BYTES (1024 * 1024) /* the progress file: far more than
                                                 * LESSON_MAX_PROGRESS lines */

/* A step's mark (the MARKS field). */
enum {
    LESSON_MARK_NONE = '-',      /* not answered, or no question */
    LESSON_MARK_FIRST = 'F',     /* right at the first guess */
    LESSON_MARK_RETRY = 'R',     /* wrong first, right at a later guess */
    LESSON_MARK_WRONG = 'W',     /* answered, never right yet */
};

typedef struct lesson_progress_entry {
    char name[LESSON_MAX_NAME];
    int step;
    int done;
    char marks[LESSON_MAX_STEPS + 1]; /* one LESSON_MARK_* per step, NUL-terminated;
                                         steps past its end are unanswered */
} lesson_progress_entry;

/* How a lesson's questions went: from an entry's marks and the lesson. */
typedef struct lesson_score {
    int questions;        /* steps that ask the learner to guess */
    int first;            /* right at the first guess */
    int retry;            /* right after a retry */
    int wrong;            /* answered, not right yet */
} lesson_score;

typedef struct lesson_progress {
    lesson_progress_entry *v;
    size_t n, cap;
} lesson_progress;

/* $XDG_STATE_HOME/concviz/progress, or ~/.local/state/concviz/progress.
 * Returns 0, or SIM_E_USAGE when neither XDG_STATE_HOME nor HOME is set
 * (to an absolute path). */
int lesson_progress_path(char *buf, size_t n);
/* $XDG_DATA_HOME/concviz/lessons, or ~/.local/share/concviz/lessons. */
int lesson_user_dir(char *buf, size_t n);
/* $XDG_STATE_HOME/concviz/LEAF, or ~/.local/state/concviz/LEAF: where the
 * window keeps what it remembers (the welcome seen). Returns as
 * lesson_progress_path. */
int lesson_state_path(const char *leaf, char *buf, size_t n);

/* Reads the file; a missing file is an empty progress. Malformed lines are
 * skipped (the file is ours; a damaged line must not lock a learner out).
 * Returns 0, SIM_E_SYS with `msg`, or SIM_E_NOMEM. */
int lesson_progress_load(lesson_progress *p, const char *path, char *msg, size_t n);
/* Sets lesson `name` to (step, done) in the file at `path`, creating the
 * folders: under the lock, the file is read as it is now, this entry
 * changed and the file rewritten atomically; the other entries stay as
 * whoever wrote them left them. With `fresh`, the progress as written is
 * handed back (the caller frees it). Waits while another concviz holds the
 * lock (it does only while it rewrites the file). Returns 0, SIM_E_USAGE
 * for a bad name or step, SIM_E_SYS with `msg` (a file that cannot be
 * written or locked) or SIM_E_NOMEM. */
int lesson_progress_update(const char *path, const char *name, int step, int done,
                           lesson_progress *fresh, char *msg, size_t n);
/* Records an answer to step `step`'s question of lesson `name` in the file
 * (merged under the lock, as lesson_progress_update): its mark becomes
 * lesson_mark_after(old mark, right). The step to resume at and DONE stay
 * as they are (a new entry starts at `step`). Returns as
 * lesson_progress_update. */
int lesson_progress_answer(const char *path, const char *name, int step, int right,
                           lesson_progress *fresh, char *msg, size_t n);
/* A step's mark after one more answer: the first answer gives F or W, a
 * right answer after W gives R, and F or R never change. */
char lesson_mark_after(char old, int right);
/* The score of lesson l from its entry (NULL: nothing answered). */
void lesson_progress_score(const lesson_progress_entry *e, const lesson *l,
                           lesson_score *s);
/* "3/4 right first time, 1 after a retry" (or "4 questions, none answered
 * yet"; "" for a lesson without questions) into buf. */
void lesson_score_text(const lesson_score *s, char *buf, size_t n);
/* Forgets lesson `name` in the file the same way; *had (if not NULL) says
 * whether there was anything to forget. Returns as lesson_progress_update. */
int lesson_progress_forget(const char *path, const char *name, int *had, char *msg,
                           size_t n);
void lesson_progress_free(lesson_progress *p);

/* The entry for `name`, or NULL. */
const lesson_progress_entry *lesson_progress_get(const lesson_progress *p, const char *name);
/* Sets (or adds) the entry in memory. Returns 0, SIM_E_USAGE for a bad name (empty,
 * too long, with '/', a tab or a newline) or SIM_E_NOMEM. */
int lesson_progress_set(lesson_progress *p, const char *name, int step, int done);
/* Forgets one lesson, or every lesson when name is NULL (in memory). */
void lesson_progress_reset(lesson_progress *p, const char *name);

typedef struct lesson_entry {
    char path[4096];
    char name[LESSON_MAX_NAME];   /* the file name: "03-gil.md" */
    char title[256];              /* "" if the file did not parse */
    int user;                     /* 1: from the user's folder */
    int valid;                    /* 1: it parsed */
} lesson_entry;

/* A *.md entry that is not a regular file: listed only to say so. */
typedef struct lesson_skipped {
    char path[4096];
    char why[64];                 /* "not a regular file (a FIFO)" */
} lesson_skipped;

typedef struct lesson_catalog {
    lesson_entry *v;
    size_t n, cap;
    size_t unlisted;              /* lessons past LESSON_MAX_LISTED, left out */
    lesson_skipped *skipped;      /* never opened, never read */
    size_t nskipped, skipped_cap;
} lesson_catalog;

/* Lists the *.md files of each folder (missing folders are skipped),
 * sorted by name within each folder; a user lesson with the same name as a
 * shipped one is listed after it. Titles come from parsing each file.
 * Entries that are not regular files (a FIFO, a folder, a broken link) are
 * not lessons: they go to `skipped`, unopened. At most LESSON_MAX_LISTED
 * lessons are kept (which ones, past that, depends on the folder's order);
 * `unlisted` counts the rest, so that a list can say it is not complete.
 * Returns 0 or SIM_E_NOMEM. */
int lesson_catalog_list(lesson_catalog *c, const char *shipped_dir, const char *user_dir);
/* The same without parsing each lesson (no titles, `valid` stays 0): for
 * finding a lesson by name, where only the names matter. */
int lesson_catalog_scan(lesson_catalog *c, const char *shipped_dir, const char *user_dir);
void lesson_catalog_free(lesson_catalog *c);

#endif
