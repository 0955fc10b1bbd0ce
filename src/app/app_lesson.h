/* app_lesson.h - the lesson player: a lesson driving the window, step by step.
 *
 * Attached to an app (a->lesson), the player owns the narration panel and
 * sets each step's scenario into the app's own settings (workload, models,
 * workers, threads, switch interval, speed), so the run, the replay and the
 * controls are the window's usual ones. A step goes through three phases:
 *
 *   ASK      a prediction step shows its question; nothing runs yet, so the
 *            timelines cannot give the answer away
 *   RUNNING  the step's scenario runs live (after a guess, or at once)
 *   DONE     the run is over; a prediction is judged against what this
 *            machine measured (lesson_judge) and revealed, and the narration
 *            written for after the run appears
 *
 * Keys (while the workload field does not have the focus): N / Page Down
 * next step (at the last step: the next lesson of the course), P / Page Up previous step, 1..9 a choice, L the lesson picker
 * (Up, Down, Enter, Esc). In lesson mode Page Up/Down change steps instead
 * of scrolling the lanes; the mouse wheel over the panel scrolls the
 * narration. Progress (the step reached) is saved after every step change.
 */
#ifndef APP_LESSON_H
#define APP_LESSON_H

#include "app_ui.h"
#include "lesson.h"
#include "lesson_panel.h"
#include "lesson_play.h"
#include "progress.h"

typedef enum app_lesson_phase {
    APP_LESSON_ASK = 0,
    APP_LESSON_RUNNING,
    APP_LESSON_DONE,
} app_lesson_phase;

#define APP_LESSON_REVEAL_MAX 1600
#define APP_LESSON_REVEAL_SPANS 12

typedef struct app_lesson {
    lesson les;
    char path[4096];
    char name[LESSON_MAX_NAME];      /* the file name: progress is kept under it */
    char shipped_dir[4096], user_dir[4096], progress_path[4096];
    int handout;
    int step;
    app_lesson_phase phase;
    int guess;                       /* the choice taken, or -1 */
    int judged;                      /* 1: verdict holds this step's judgement */
    lesson_verdict verdict;
    int want_range;                  /* apply the step's view range at the next layout */
    /* The reveal, as a styled block the panel wraps like narration. */
    char reveal_text[APP_LESSON_REVEAL_MAX];
    lesson_span reveal_spans[APP_LESSON_REVEAL_SPANS];
    lesson_block reveal;
    int scored;                      /* 1: this guess is in the progress's marks */
    int code_opened;                 /* 1: a `code: yes` step opened the code view */
    lesson_progress prog;
    /* At the last step, the lesson after this one in the course ("" none). */
    char next_path[4096];
    char next_title[256];
    ui_lesson_panel panel;
    /* The picker: the course, and each lesson's file. */
    ui_lesson_row *rows;
    char (*row_paths)[4096];
    int *row_valid;
    int nrows;
} app_lesson;

/* Loads the lesson, attaches the player to the app (a->lesson) and enters
 * the step to resume at. Returns 0, or -1 with a sentence in err (nothing
 * is attached then). */
int app_lesson_attach(app *a, const app_lesson_desc *d, char *err, size_t n);
/* Saves nothing more; frees the player (app_deinit calls it). */
void app_lesson_detach(app *a);

/* One input event for the player first: 1 if it used it, 0 to let the
 * window handle it. */
int app_lesson_event(app *a, const SDL_Event *e);
/* After app_tick: notices the end of a run, judges and reveals. */
void app_lesson_tick(app *a);
/* Lays out the timelines beside the panel for a w x h output. */
void app_lesson_layout(app *a, int w, int h);

/* Steps: enter step k (clamped), next/previous, restart from the first step
 * (forgetting the progress), take choice i of a prediction. */
void app_lesson_goto(app *a, int k);
void app_lesson_restart(app *a);
void app_lesson_answer(app *a, int choice);

/* The picker (app_lesson_picker.c). */
int app_lesson_picker_open(app *a);
void app_lesson_picker_close(app *a);
/* Closes the picker as the learner does (Esc, Back): outside a lesson,
 * the player goes with it (a->lesson is NULL then). */
void app_lesson_picker_leave(app *a);
/* L and the Lessons button: the picker, in a lesson or not. Outside a
 * lesson a player is attached with no lesson yet, its picker open, using
 * the app's folders (app_desc); what is on screen stays until a lesson
 * is chosen. Returns 0, or -1 (said in a toast). */
int app_lessons_open(app *a);
/* The window's title in a lesson: "TITLE (step 3 of 5) - concviz". */
void app_lesson_title(const app *a, char *buf, size_t n);
/* Opens the lesson of row i; returns 0, or -1 (the reason in the status). */
int app_lesson_pick(app *a, int i);
/* The lesson after this one in the course (shipped lessons by name, then
 * the learner's), into L->next_path and next_title. Returns 0, or -1 at
 * the end of the course (both "" then). */
int app_lesson_find_next(app *a);
/* N at the last step: opens the next lesson. Returns 0, or -1 at the end
 * of the course (said in a toast). */
int app_lesson_open_next(app *a);

/* Saves the learner's progress at the current step (app_lesson_picker.c). */
void app_lesson_save_progress(app *a);

#endif
