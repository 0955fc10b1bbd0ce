/* app_field.c - the keys of the workload field and of a stepper being typed.
 *
 * The field behaves as desktop text fields do (field.h holds the editing
 * itself): Shift with a move selects, Ctrl+A selects all, Ctrl+C, X and V
 * go through SDL's clipboard (the desktop's), Ctrl+Z and Ctrl+Y (or
 * Ctrl+Shift+Z) undo and redo, Up and Down walk the workloads already run.
 * While the field has the focus, keys type and never trigger the window's
 * shortcuts: typing "r" must not start a run. Function keys type nothing,
 * so F1, F5, F11 and F12 still do what they do elsewhere.
 *
 * A stepper's value can be typed too: Enter (or a digit) on a focused
 * stepper, or a click on its value, opens a small field; Enter sets the
 * value through the same parser as the command line and the lessons
 * (config.h), so "300" for workers is refused with the same words, under
 * the workload field where every message of the bar goes.
 */
#include <stdio.h>
#include <string.h>

#include "app_ui.h"

/* ---- the workload field --------------------------------------------------- */

static void copy(app *a, int cut)
{
    char sel[UI_FIELD_MAX];
    if (ui_field_selected(&a->ws.field, sel, sizeof sel) == 0)
        return;
    SDL_SetClipboardText(sel);
    if (cut)
        ui_field_backspace(&a->ws.field, 0);
}

static void paste(app *a)
{
    if (!SDL_HasClipboardText())
        return;
    char *t = SDL_GetClipboardText();
    if (!t)
        return;
    if (ui_field_insert(&a->ws.field, t) != 0)
        ui_view_toast(&a->view, "too long to paste: the field holds 1,023 bytes", 2.5);
    SDL_free(t);
}

static void focus_next(app *a, int dir)
{
    int n = a->ws.n, i = a->ws.focus;
    for (int k = 0; k < n; k++) {
        i = i < 0 ? (dir > 0 ? 0 : n - 1) : (i + dir + n) % n;
        if (ui_widgets_focusable(&a->ws, i)) {
            a->ws.focus = i;
            return;
        }
    }
}

int app_field_key(app *a, const SDL_KeyboardEvent *k)
{
    ui_field *f = &a->ws.field;
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0;
    int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    switch (k->keysym.sym) {
    case SDLK_BACKSPACE: ui_field_backspace(f, ctrl); break;
    case SDLK_DELETE: ui_field_delete(f, ctrl); break;
    case SDLK_LEFT: ui_field_move(f, ctrl ? UI_MOVE_WORD_LEFT : UI_MOVE_LEFT, shift); break;
    case SDLK_RIGHT: ui_field_move(f, ctrl ? UI_MOVE_WORD_RIGHT : UI_MOVE_RIGHT, shift); break;
    case SDLK_HOME: ui_field_move(f, UI_MOVE_HOME, shift); break;
    case SDLK_END: ui_field_move(f, UI_MOVE_END, shift); break;
    case SDLK_UP: ui_field_history(f, -1); break;
    case SDLK_DOWN: ui_field_history(f, +1); break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        if (app_start_run(a) == SIM_OK)
            a->ws.focus = -1;
        break;
    case SDLK_ESCAPE: a->ws.focus = -1; break;
    case SDLK_TAB: focus_next(a, shift ? -1 : 1); break;
    case SDLK_a:
        if (ctrl)
            ui_field_select_all(f);
        break;
    case SDLK_c:
        if (ctrl)
            copy(a, 0);
        break;
    case SDLK_x:
        if (ctrl)
            copy(a, 1);
        break;
    case SDLK_v:
        if (ctrl)
            paste(a);
        break;
    case SDLK_z:
        if (ctrl && shift)
            ui_field_redo(f);
        else if (ctrl)
            ui_field_undo(f);
        break;
    case SDLK_y:
        if (ctrl)
            ui_field_redo(f);
        break;
    case SDLK_F1:
    case SDLK_F5:
    case SDLK_F11:
    case SDLK_F12:
        return 0; /* function keys type nothing: they stay the window's */
    default:
        break; /* letters arrive as SDL_TEXTINPUT; nothing else is a shortcut here */
    }
    return 1;
}

/* ---- steppers --------------------------------------------------------------- */

/* The next value of a sorted list of choices from `cur` in direction dir;
 * `cur` itself need not be one of them. */
static int step_in(const int *v, int n, int cur, int dir)
{
    if (dir > 0) {
        for (int i = 0; i < n; i++)
            if (v[i] > cur)
                return v[i];
        return v[n - 1] > cur ? v[n - 1] : cur;
    }
    for (int i = n - 1; i >= 0; i--)
        if (v[i] < cur)
            return v[i];
    return v[0] < cur ? v[0] : cur;
}

static const int worker_steps[] = {1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 24, 32, 48, 64, 96, 128,
                                   192, 256};
static const int thread_steps[] = {1,    2,    4,    8,     16,    32,    64,
                                   128,  256,  512,  1024,  2048,  4096,  8192,
                                   16384, 32768, 65536, SIM_MAX_THREADS};

void app_stepper_step(app *a, int id, int dir)
{
    int cpus = sim_machine_cpus();
    switch (id) {
    case APP_W_WORKERS: {
        /* "auto (2)" stands for 2: + goes to 3, - to 1. */
        int cur = a->cfg.workers ? a->cfg.workers : cpus;
        int nv = step_in(worker_steps, (int)(sizeof worker_steps / sizeof worker_steps[0]),
                         cur, dir);
        if (nv != cur)
            a->cfg.workers = nv;
        break;
    }
    case APP_W_THREADS: {
        /* "per task (8)" stands for 8 and sits among the powers of two
         * where 8 does: 4, per task (8), 16. */
        int per = a->field_ntasks > 0 && a->field_ntasks <= SIM_MAX_THREADS
                      ? (int)a->field_ntasks : 0;
        int cur = a->cfg.threads ? a->cfg.threads : per;
        int v[sizeof thread_steps / sizeof thread_steps[0] + 1], n = 0;
        for (size_t i = 0; i < sizeof thread_steps / sizeof thread_steps[0]; i++) {
            if (per && thread_steps[i] > per && (n == 0 || v[n - 1] < per))
                v[n++] = per;
            if (thread_steps[i] != per)
                v[n++] = thread_steps[i];
        }
        if (per && v[n - 1] < per)
            v[n++] = per;
        if (cur == 0) {
            /* Per task of a workload with more tasks than threads allowed:
             * the largest pool; of a workload that does not parse: one. */
            a->cfg.threads = a->field_ntasks > SIM_MAX_THREADS ? SIM_MAX_THREADS : 1;
            break;
        }
        int nv = step_in(v, n, cur, dir);
        if (nv != cur)
            a->cfg.threads = nv == per && per ? 0 : nv;
        break;
    }
    case APP_W_INTERVAL: {
        static const int iv_us[] = {100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
        sim_config run = a->cfg;
        sim_config_resolve(&run, 1);
        int cur = (int)(run.switch_interval_ns / 1000);
        a->cfg.switch_interval_ns =
            (int64_t)step_in(iv_us, (int)(sizeof iv_us / sizeof iv_us[0]), cur, dir) * 1000;
        break;
    }
    case APP_W_REPEAT:
        a->repeat = step_in(app_repeat_choices, APP_REPEAT_CHOICES, a->repeat, dir);
        break;
    case APP_W_SPEED:
        ui_view_speed_step(&a->view, dir);
        break;
    default:
        break;
    }
}

void app_stepper_begin(app *a, int idx, const char *first)
{
    a->ws.editing = idx;
    a->ws.focus = idx;
    snprintf(a->ws.edit, sizeof a->ws.edit, "%s", first ? first : "");
}

/* Sets the typed value; returns 0, or -1 with the reason under the field. */
static int stepper_apply(app *a)
{
    const ui_widget *w = &a->ws.w[a->ws.editing];
    const char *v = a->ws.edit;
    char msg[300];
    sim_config c = a->cfg;
    int rc = 0;
    switch (w->id) {
    case APP_W_WORKERS:
        if (strcmp(v, "auto") == 0 || strcmp(v, "0") == 0)
            c.workers = 0;
        else
            rc = sim_config_set(&c, SIM_CFG_WORKERS, v, 0, msg, sizeof msg);
        break;
    case APP_W_THREADS:
        if (strcmp(v, "0") == 0 || strncmp(v, "per", 3) == 0)
            c.threads = 0;
        else
            rc = sim_config_set(&c, SIM_CFG_THREADS, v, 0, msg, sizeof msg);
        break;
    case APP_W_INTERVAL:
        rc = sim_config_set(&c, SIM_CFG_SWITCH_INTERVAL, v, 1, msg, sizeof msg);
        break;
    case APP_W_REPEAT:
        if (app_parse_repeat(v, &a->repeat) != 0) {
            snprintf(msg, sizeof msg, "expected a whole number from 1 to %d, got '%s'",
                     APP_REPEAT_MAX, v);
            rc = -1;
        }
        break;
    default:
        break;
    }
    if (rc != 0) {
        snprintf(a->ws.field.error, sizeof a->ws.field.error, "%s: %s", w->label, msg);
        a->ws.field.error_at = -1;
        return -1;
    }
    a->cfg = c;
    return 0;
}

int app_stepper_edit_key(app *a, const SDL_KeyboardEvent *k)
{
    size_t len = strlen(a->ws.edit);
    switch (k->keysym.sym) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        if (stepper_apply(a) == 0) {
            a->ws.editing = -1;
            a->checked.valid = 0;
        }
        break;
    case SDLK_ESCAPE:
        a->ws.editing = -1;
        a->checked.valid = 0; /* a refusal's words go with it */
        break;
    case SDLK_BACKSPACE:
        if (len > 0)
            a->ws.edit[len - 1] = 0;
        break;
    case SDLK_TAB:
        a->ws.editing = -1;
        focus_next(a, (k->keysym.mod & KMOD_SHIFT) ? -1 : 1);
        break;
    default:
        break;
    }
    return 1;
}

void app_stepper_edit_text(app *a, const char *text)
{
    size_t len = strlen(a->ws.edit);
    for (const char *p = text; *p && len + 1 < sizeof a->ws.edit; p++)
        if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
            a->ws.edit[len++] = *p;
    a->ws.edit[len] = 0;
}
