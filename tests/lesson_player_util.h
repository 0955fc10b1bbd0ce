/* lesson_player_util.h - what the lesson player's two tests share.
 *
 * setup_dirs() points XDG_STATE_HOME and XDG_DATA_HOME into a temporary
 * folder, so the learner's real progress is never touched, and writes a
 * two-step fixture lesson (a prediction, then a plain step) to its user
 * lessons folder. The rest plays the learner: a key, a click, time passing
 * until a step's run is over, the player opened and closed, the progress
 * as saved. test_lesson_player.c drives the fixture lesson;
 * test_lesson_course.c walks the whole course.
 */
#ifndef CONCVIZ_LESSON_PLAYER_UTIL_H
#define CONCVIZ_LESSON_PLAYER_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app_lesson.h"
#include "test.h"

#define W 1280
#define H 720

static const char fixture[] =
    "# Tiny lesson\n"
    "\n"
    "An intro with **bold**, *italic* and `code` words, long enough to wrap over "
    "several lines of the narration panel at any window size we test.\n"
    "\n"
    "## Waiting together\n"
    "\n"
    "Two tasks wait 20 ms each.\n"
    "\n"
    "```concviz\n"
    "workload: 2*io:20ms\n"
    "models: asyncio, threading\n"
    "question: Which finishes first?\n"
    "choices: asyncio, threading\n"
    "answer: asyncio, threading\n"
    "check: fastest\n"
    "```\n"
    "\n"
    "AFTERWORD: both wait together.\n"
    "\n"
    "## Computing\n"
    "\n"
    "- one item\n"
    "- two items\n"
    "\n"
    "```concviz\n"
    "workload: 2*cpu:10ms\n"
    "models: asyncio\n"
    "```\n";

static char tmp[256], user_dir[512], lesson_path[600], progress_path[600];

static inline void setup_dirs(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/concviz-player-XXXXXX");
    ASSERT(mkdtemp(tmp));
    ASSERT_INT_EQ(setenv("XDG_STATE_HOME", tmp, 1), 0);
    ASSERT_INT_EQ(setenv("XDG_DATA_HOME", tmp, 1), 0);
    ASSERT_INT_EQ(lesson_user_dir(user_dir, sizeof user_dir), 0);
    char d[600];
    snprintf(d, sizeof d, "%s/concviz", tmp);
    ASSERT_INT_EQ(mkdir(d, 0700), 0);
    ASSERT_INT_EQ(mkdir(user_dir, 0700), 0);
    snprintf(lesson_path, sizeof lesson_path, "%s/99-tiny.md", user_dir);
    FILE *f = fopen(lesson_path, "w");
    ASSERT(f);
    ASSERT(fputs(fixture, f) >= 0);
    ASSERT_INT_EQ(fclose(f), 0);
    ASSERT_INT_EQ(lesson_progress_path(progress_path, sizeof progress_path), 0);
}

static inline void send_key(app *a, SDL_Keycode k)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = k;
    app_handle_event(a, &e);
}

static inline void click(app *a, ui_rect r)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEMOTION;
    e.motion.x = r.x + r.w / 2;
    e.motion.y = r.y + r.h / 2;
    app_handle_event(a, &e);
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = r.x + r.w / 2;
    e.button.y = r.y + r.h / 2;
    app_handle_event(a, &e);
    e.type = SDL_MOUSEBUTTONUP;
    app_handle_event(a, &e);
}

/* Lets time pass until the step's run is over (at most 30 s). */
static inline void run_out(app *a)
{
    for (int i = 0; i < 3000 && (a->run_active || a->lesson->phase == APP_LESSON_RUNNING);
         i++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
        app_tick(a, 0.01);
        app_layout(a, W, H);
    }
    ASSERT_INT_EQ(a->lesson->phase, APP_LESSON_DONE);
}

/* The shipped course's folder: lessons/ of the source tree. */
static inline void shipped_dir(char *buf, size_t n)
{
    snprintf(buf, n, "%s/lessons", getenv("CONCVIZ_SOURCE_ROOT")
                                       ? getenv("CONCVIZ_SOURCE_ROOT") : ".");
}

/* The player on the lesson at path, at start_step, laid out at W x H, with
 * the app's settings `with` (NULL: the defaults, and no busy check). */
static inline app *open_lesson_with(const char *path, int start_step, const app_desc *with)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.busy_window_ns = -1};
    if (with)
        d = *with;
    app_init(a, &d);
    char sdir[512];
    shipped_dir(sdir, sizeof sdir);
    app_lesson_desc ld = {.path = path, .shipped_dir = sdir, .user_dir = user_dir,
                          .progress_path = progress_path, .start_step = start_step};
    char err[512];
    ASSERT_MSG(app_lesson_attach(a, &ld, err, sizeof err) == 0, "%s", err);
    app_layout(a, W, H);
    return a;
}

static inline app *open_lesson(const char *path, int start_step)
{
    return open_lesson_with(path, start_step, NULL);
}

/* The player on the fixture lesson. */
static inline app *open_player_with(int start_step, const app_desc *with)
{
    return open_lesson_with(lesson_path, start_step, with);
}

static inline app *open_player(int start_step)
{
    return open_player_with(start_step, NULL);
}

static inline void close_player(app *a)
{
    app_deinit(a);
    ASSERT(a->lesson == NULL);
    free(a);
}

static inline const lesson_progress_entry *saved(lesson_progress *p, const char *name)
{
    char msg[256];
    lesson_progress_free(p);
    memset(p, 0, sizeof *p);
    ASSERT_INT_EQ(lesson_progress_load(p, progress_path, msg, sizeof msg), 0);
    return lesson_progress_get(p, name);
}

#endif
