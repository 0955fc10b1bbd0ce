/* app_lesson_picker.c - the course at a glance (L), and the learner's progress.
 *
 * The picker lists the shipped lessons, then the learner's own folder
 * (progress.h), each with its title and how far the learner got ("step
 * 3/5", "done"). The list is read when the picker opens, not kept up to
 * date while it is closed: a lesson file a teacher drops into the folder
 * shows up the next time L is pressed. Each lesson is parsed to count its
 * steps; a lesson with errors is listed, marked, and refuses to open, so a
 * broken file never takes the course down with it.
 *
 * Progress is saved after every step change (and after each run), merged
 * into the file under a lock by progress.c, so that other players sharing
 * the home folder lose nothing; a failure to save is shown on screen once
 * and the lesson goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_lesson.h"
#include "escape.h"

void app_lesson_save_progress(app *a)
{
    app_lesson *L = a->lesson;
    if (!L->progress_path[0])
        return;
    const lesson_progress_entry *pe = lesson_progress_get(&L->prog, L->name);
    int done = (pe && pe->done) || L->step >= (int)L->les.nsteps - 1;
    char msg[512];
    lesson_progress fresh;
    int rc = lesson_progress_update(L->progress_path, L->name, L->step, done, &fresh, msg,
                                    sizeof msg);
    if (rc == SIM_E_USAGE) {
        ui_view_toast(&a->view, "progress not saved: the lesson's file name cannot be "
                      "recorded", 4.0);
    } else if (rc != 0) {
        char t[600];
        snprintf(t, sizeof t, "progress not saved: %s", msg);
        ui_view_toast(&a->view, t, 4.0);
    } else {
        /* What is in the file now, others' progress included. */
        lesson_progress_free(&L->prog);
        L->prog = fresh;
    }
}

static void free_rows(app_lesson *L)
{
    free(L->rows);
    free(L->row_paths);
    free(L->row_valid);
    L->rows = NULL;
    L->row_paths = NULL;
    L->row_valid = NULL;
    L->nrows = 0;
    L->panel.rows = NULL;
    L->panel.nrows = 0;
}

/* A row: the title, and how far the learner got with the score of the
 * questions answered ("done · 3/4 right first time, 1 after a retry"). */
static void describe(app_lesson *L, const lesson_entry *e, const lesson *l, ui_lesson_row *r)
{
    const lesson_progress_entry *pe = lesson_progress_get(&L->prog, e->name);
    size_t nsteps = l ? l->nsteps : 0;
    char where[160], score[96] = "";
    if (l && pe) {
        lesson_score sc;
        lesson_progress_score(pe, l, &sc);
        lesson_score_text(&sc, score, sizeof score);
    }
    const char *sep = score[0] ? " \xc2\xb7 " : "";
    if (!e->valid)
        snprintf(where, sizeof where, "has errors: concviz lesson --check");
    else if (pe && pe->done)
        snprintf(where, sizeof where, "done%s%s", sep, score);
    else if (pe)
        snprintf(where, sizeof where, "step %d/%zu%s%s", pe->step + 1, nsteps, sep, score);
    else
        snprintf(where, sizeof where, "%zu steps, not started", nsteps);
    snprintf(r->title, sizeof r->title, "%s", e->valid && e->title[0] ? e->title : e->name);
    /* How far and the score first: a narrow panel cuts the line's end,
     * and the file name matters least. */
    snprintf(r->detail, sizeof r->detail, "%.120s \xc2\xb7 %.60s%s", where, e->name,
             e->user ? " (yours)" : "");
    r->done = pe && pe->done;
}

int app_lesson_picker_open(app *a)
{
    app_lesson *L = a->lesson;
    free_rows(L);
    /* Re-read progress: another concviz may have moved on meanwhile. */
    if (L->progress_path[0]) {
        lesson_progress fresh = {0};
        char msg[512];
        if (lesson_progress_load(&fresh, L->progress_path, msg, sizeof msg) == 0) {
            lesson_progress_free(&L->prog);
            L->prog = fresh;
        }
    }
    lesson_catalog cat;
    if (lesson_catalog_list(&cat, L->shipped_dir[0] ? L->shipped_dir : NULL,
                            L->user_dir[0] ? L->user_dir : NULL) != 0)
        return -1;
    size_t n = cat.n;
    L->rows = calloc(n ? n : 1, sizeof *L->rows);
    L->row_paths = calloc(n ? n : 1, sizeof *L->row_paths);
    L->row_valid = calloc(n ? n : 1, sizeof *L->row_valid);
    if (!L->rows || !L->row_paths || !L->row_valid) {
        free_rows(L);
        lesson_catalog_free(&cat);
        return -1;
    }
    int sel = 0;
    for (size_t i = 0; i < n; i++) {
        lesson_entry *e = &cat.v[i];
        size_t nsteps = 0;
        lesson l;
        int loaded = 0;
        if (e->valid) {
            lesson_errors errs;
            if (lesson_load(&l, e->path, &errs) == 0) {
                nsteps = l.nsteps;
                loaded = 1;
            } else {
                e->valid = 0;
            }
        }
        describe(L, e, loaded ? &l : NULL, &L->rows[i]);
        if (loaded)
            lesson_free(&l);
        snprintf(L->row_paths[i], sizeof L->row_paths[i], "%s", e->path);
        L->row_valid[i] = e->valid && nsteps > 0;
        if (strcmp(e->name, L->name) == 0 && !L->rows[sel].current) {
            L->rows[i].current = 1;
            sel = (int)i;
        }
    }
    lesson_catalog_free(&cat);
    L->nrows = (int)n;
    ui_lesson_panel *p = &L->panel;
    p->rows = L->rows;
    p->nrows = L->nrows;
    p->sel = sel;
    p->top = 0;
    p->picker = 1;
    ui_lesson_panel_show_sel(p);
    return 0;
}

void app_lesson_picker_close(app *a)
{
    app_lesson *L = a->lesson;
    L->panel.picker = 0;
    free_rows(L);
}

void app_lesson_picker_leave(app *a)
{
    app_lesson_picker_close(a);
    if (a->lesson->les.nsteps == 0)
        app_lesson_detach(a); /* opened outside a lesson: back to the window */
}

int app_lessons_open(app *a)
{
    if (a->lesson)
        return app_lesson_picker_open(a);
    if (!a->shipped_dir[0] && !a->user_dir[0]) {
        ui_view_toast(&a->view, "no lessons here: concviz found no lessons folder", 3.0);
        return -1;
    }
    app_lesson *L = calloc(1, sizeof *L);
    if (!L) {
        ui_view_toast(&a->view, "out of memory", 3.0);
        return -1;
    }
    snprintf(L->shipped_dir, sizeof L->shipped_dir, "%s", a->shipped_dir);
    snprintf(L->user_dir, sizeof L->user_dir, "%s", a->user_dir);
    snprintf(L->progress_path, sizeof L->progress_path, "%s", a->progress_path);
    L->panel.hot = UI_LP_NONE;
    L->panel.flow.reveal_y = L->panel.qflow.reveal_y = -1;
    L->guess = -1;
    L->phase = APP_LESSON_DONE;
    a->lesson = L;
    if (L->progress_path[0]) {
        char msg[512];
        lesson_progress_load(&L->prog, L->progress_path, msg, sizeof msg);
    }
    if (app_lesson_picker_open(a) != 0) {
        app_lesson_detach(a);
        ui_view_toast(&a->view, "the lessons could not be listed", 3.0);
        return -1;
    }
    return 0;
}

void app_lesson_title(const app *a, char *buf, size_t n)
{
    const app_lesson *L = a->lesson;
    char t[200];
    if (!L->les.nsteps)
        snprintf(buf, n, "choose a lesson - concviz");
    else
        snprintf(buf, n, "%s (step %d of %zu) - concviz",
                 sim_escape(L->les.title && L->les.title[0] ? L->les.title : L->name, 0, t,
                            sizeof t), L->step + 1, L->les.nsteps);
}

/* Opens the lesson at `path` in the player, at the step its progress says
 * (a finished lesson at its start). Returns 0, or -1 (said in the status). */
static int open_path(app *a, const char *path)
{
    app_lesson *L = a->lesson;
    lesson next;
    lesson_errors errs;
    if (lesson_load(&next, path, &errs) != 0) {
        snprintf(L->panel.status, sizeof L->panel.status, "%.159s",
                 errs.n ? errs.msg[0] : "the lesson could not be read");
        return -1;
    }
    if (next.nsteps == 0) {
        lesson_free(&next);
        snprintf(L->panel.status, sizeof L->panel.status, "that lesson has no steps");
        return -1;
    }
    char keep[4096];
    snprintf(keep, sizeof keep, "%s", path); /* path may point into the rows */
    app_lesson_picker_close(a);
    lesson_free(&L->les);
    L->les = next;
    snprintf(L->path, sizeof L->path, "%s", keep);
    const char *slash = strrchr(keep, '/');
    snprintf(L->name, sizeof L->name, "%.127s", slash ? slash + 1 : keep);
    L->panel.les = &L->les;
    L->panel.flow_les = NULL; /* rewrap: the old lesson's text is gone */
    const lesson_progress_entry *pe = lesson_progress_get(&L->prog, L->name);
    int k = pe && !(pe->done && pe->step >= (int)L->les.nsteps - 1) ? pe->step : 0;
    app_lesson_goto(a, k);
    return 0;
}

int app_lesson_pick(app *a, int i)
{
    app_lesson *L = a->lesson;
    if (i < 0 || i >= L->nrows)
        return -1;
    if (!L->row_valid[i]) {
        snprintf(L->panel.status, sizeof L->panel.status,
                 "that lesson has errors: concviz lesson --check shows them");
        return -1;
    }
    return open_path(a, L->row_paths[i]);
}

int app_lesson_find_next(app *a)
{
    app_lesson *L = a->lesson;
    L->next_path[0] = L->next_title[0] = 0;
    if (!L->shipped_dir[0] && !L->user_dir[0])
        return -1;
    lesson_catalog cat;
    if (lesson_catalog_list(&cat, L->shipped_dir[0] ? L->shipped_dir : NULL,
                            L->user_dir[0] ? L->user_dir : NULL) != 0)
        return -1;
    /* The course's order: the shipped lessons by name, then the learner's. */
    int found = -1;
    for (size_t i = 0; i < cat.n && found < 0; i++)
        if (strcmp(cat.v[i].path, L->path) == 0 || strcmp(cat.v[i].name, L->name) == 0)
            found = (int)i;
    for (size_t i = (size_t)found + 1; found >= 0 && i < cat.n; i++)
        if (cat.v[i].valid) {
            snprintf(L->next_path, sizeof L->next_path, "%s", cat.v[i].path);
            snprintf(L->next_title, sizeof L->next_title, "%s",
                     cat.v[i].title[0] ? cat.v[i].title : cat.v[i].name);
            break;
        }
    lesson_catalog_free(&cat);
    return L->next_path[0] ? 0 : -1;
}

int app_lesson_open_next(app *a)
{
    app_lesson *L = a->lesson;
    if (!L->next_path[0] && app_lesson_find_next(a) != 0) {
        ui_view_toast(&a->view, "the end of the course: L lists every lesson", 3.0);
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s", L->next_path);
    return open_path(a, path);
}
