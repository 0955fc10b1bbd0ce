/* app_state.c - the window's state as a whole: its controls, what they
 * say, the note under the field, the window's title, the layout.
 *
 * The bar says what it will do before it is used: each stepper shows the
 * value it stands for ("auto (2)", "per task (8)"), and the note under the
 * field says, in this order, what is wrong with the text, that the
 * settings no longer match the picture ("press Run"), that the machine
 * was busy before the run on screen, or what the keys do. The note has a
 * row of its own, so it never covers a control.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_lesson.h"
#include "app_ui.h"
#include "escape.h"
#include "format.h"
#include "timeline.h"
#include "workload.h"

const app_preset app_presets[] = {
    {"I/O-bound", "8*io:200ms",
     "waiting overlaps: asyncio and threading finish in about one wait"},
    {"CPU-bound", "4*cpu:100ms",
     "only processes run Python in parallel: the GIL serializes threads"},
    {"mixed", SIM_DEFAULT_WORKLOAD,
     "computation and waiting interleave differently in each model"},
    {"blocking the loop", "cpu:300ms + 4*(20*io:10ms)",
     "one task without await holds up every other task on the loop"},
    {"convoy", "cpu:400ms + (50*(io:1ms,cpu:100us))",
     "an I/O thread waits up to a switch interval for the GIL after each wait"},
};
const int app_npresets = (int)(sizeof app_presets / sizeof app_presets[0]);

const int app_repeat_choices[APP_REPEAT_CHOICES] = {1, 3, 5, 7, 9};

static void build_widgets(app *a)
{
    ui_widgets *ws = &a->ws;
    ui_widget *w = ui_widgets_add(ws, APP_W_FIELD, UI_W_FIELD, "Workload");
    w->grow = 1;
    snprintf(w->tip, sizeof w->tip, "the workload language; Enter runs it");
    ui_widgets_add(ws, APP_W_RUN, UI_W_BUTTON, "Run (R)");
    ui_widgets_add(ws, APP_W_STOP, UI_W_BUTTON, "Stop (Esc)");
    ui_widgets_add(ws, APP_W_CODE, UI_W_TOGGLE, "Code (C)");
    w = ui_widgets_add(ws, APP_W_CPYTHON, UI_W_TOGGLE, "CPython (Y)");
    snprintf(w->tip, sizeof w->tip, "also run each model's Python program in CPython and "
             "draw it under the model");
    ui_widgets_add(ws, APP_W_THEME, UI_W_BUTTON, "Theme (T)");
    ui_widgets_add(ws, APP_W_LESSONS, UI_W_BUTTON, "Lessons (L)");
    ui_widgets_add(ws, APP_W_HELP, UI_W_BUTTON, "Help (F1)");
    w = ui_widgets_add(ws, APP_W_NOTE, UI_W_NOTE, "");
    w->newrow = 1;
    w->grow = 1;
    w = ui_widgets_add(ws, APP_W_PRESETS_LABEL, UI_W_LABEL, "Presets");
    w->newrow = 1;
    for (int i = 0; i < app_npresets; i++)
        ui_widgets_add(ws, APP_W_PRESET0 + i, UI_W_BUTTON, app_presets[i].name);
    ui_widgets_add(ws, APP_W_MODELS_LABEL, UI_W_LABEL, "  Models");
    for (int m = 0; m < SIM_MODEL__COUNT; m++)
        ui_widgets_add(ws, APP_W_MODEL0 + m, UI_W_TOGGLE, sim_model_name((sim_model)m));
    w = ui_widgets_add(ws, APP_W_WORKERS, UI_W_STEPPER, "workers");
    w->newrow = 1;
    w->value_chars = 9;
    w = ui_widgets_add(ws, APP_W_THREADS, UI_W_STEPPER, "threads");
    w->value_chars = 14;
    w = ui_widgets_add(ws, APP_W_INTERVAL, UI_W_STEPPER, "switch interval");
    w->value_chars = 8;
    w = ui_widgets_add(ws, APP_W_REPEAT, UI_W_STEPPER, "runs");
    w->value_chars = 11;
    w = ui_widgets_add(ws, APP_W_SPEED, UI_W_SLIDER, "speed");
    w->stops = UI_NSPEEDS;
}

/* A setting as it will run: "auto" workers are the CPUs, the default
 * interval is 5 ms (so stepping back to 5 ms is no change). */
static sim_config as_run(sim_config c, int cpus)
{
    if (c.workers <= 0)
        c.workers = cpus;
    if (c.switch_interval_ns <= 0)
        c.switch_interval_ns = SIM_DEFAULT_SWITCH_INTERVAL_NS;
    return c;
}

/* Whether the picture on screen was made with the bar's settings. */
static int same_settings(const app *a)
{
    const app_shown *s = &a->shown;
    if (!s->valid)
        return 1;
    int cpus = sim_machine_cpus();
    sim_config was = as_run(s->cfg, cpus), now = as_run(a->cfg, cpus);
    if (strcmp(s->workload, a->ws.field.text) != 0 || s->repeat != a->repeat ||
        was.nmodels != now.nmodels || was.workers != now.workers ||
        was.threads != now.threads || was.switch_interval_ns != now.switch_interval_ns ||
        was.start_method != now.start_method || was.timeout_ns != now.timeout_ns)
        return 0;
    for (int i = 0; i < now.nmodels; i++)
        if (was.models[i] != now.models[i])
            return 0;
    return 1;
}

/* What the note under the field says now. */
static void refresh_note(app *a)
{
    ui_widgets *ws = &a->ws;
    const ui_field *f = &ws->field;
    int focused = ws->focus >= 0 && ws->w[ws->focus].kind == UI_W_FIELD;
    if (f->error[0]) {
        ws->note_kind = UI_NOTE_ERROR;
        snprintf(ws->note, sizeof ws->note, "%s", f->error);
    } else if (a->cmp.ntraces > 0 && !app_run_busy(a) && !same_settings(a)) {
        ws->note_kind = UI_NOTE_STALE;
        snprintf(ws->note, sizeof ws->note,
                 "settings changed: press Run (R) to see them; the picture is of the "
                 "settings before");
    } else if (a->run_pending && a->py.on && !app_python_ready(&a->py)) {
        ws->note_kind = UI_NOTE_HINT;
        snprintf(ws->note, sizeof ws->note, "asking %s what it is before the "
                 "run\xe2\x80\xa6", a->py.label);
    } else if (a->run_pending) {
        ws->note_kind = UI_NOTE_HINT;
        snprintf(ws->note, sizeof ws->note, "looking at how busy the machine is for a "
                 "second before the run\xe2\x80\xa6");
    } else if (a->shown_busy.busy && a->cmp.ntraces > 0) {
        ws->note_kind = UI_NOTE_BUSY;
        char busy[400];
        app_busy_sentence(&a->shown_busy, "in the second before this run", busy, sizeof busy);
        snprintf(ws->note, sizeof ws->note, "busy machine: %s", busy);
    } else if (focused) {
        ws->note_kind = UI_NOTE_HINT;
        snprintf(ws->note, sizeof ws->note,
                 "Enter runs it \xc2\xb7 Up/Down: earlier workloads \xc2\xb7 Ctrl+Z undo "
                 "\xc2\xb7 Ctrl+A, C, X, V \xc2\xb7 F1: the workload language");
    } else {
        ws->note_kind = UI_NOTE_HINT;
        snprintf(ws->note, sizeof ws->note,
                 "cpu:200ms computes \xc2\xb7 io:200ms waits \xc2\xb7 (a,b) one task's steps "
                 "\xc2\xb7 8*X eight tasks \xc2\xb7 A + B side by side \xc2\xb7 F1 for more");
    }
}

/* The window's title: the lesson, or the workload on screen; then the
 * program's name, as desktop windows name a document first. In ASCII: SDL
 * hands the title to X11 in the locale's charset, and concviz runs in the
 * C locale, where a title with any other character is dropped whole (so
 * "µ" shows as "?"). */
static void refresh_title(app *a)
{
    char esc[200], t[sizeof a->title];
    if (a->lesson)
        app_lesson_title(a, t, sizeof t);
    else if (a->cmp.workload || a->ws.field.text[0])
        snprintf(t, sizeof t, "%s - concviz",
                 sim_escape(a->cmp.workload ? a->cmp.workload : a->ws.field.text, 0, esc,
                            sizeof esc));
    else
        snprintf(t, sizeof t, "concviz");
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p && k + 1 < sizeof a->title; p++)
        if (*p < 0x80)
            a->title[k++] = (char)*p;
        else if ((*p & 0xC0) != 0x80)
            a->title[k++] = '?';
    a->title[k] = 0;
}

void app_refresh(app *a)
{
    ui_widgets *ws = &a->ws;
    app_check_field(a);
    for (int m = 0; m < SIM_MODEL__COUNT; m++)
        ui_widgets_find(ws, APP_W_MODEL0 + m)->on = sim_config_has_model(&a->cfg, (sim_model)m);
    ui_widgets_find(ws, APP_W_CODE)->on = a->view.show_code;
    ui_widgets_find(ws, APP_W_CPYTHON)->on = a->py.on;
    ui_widgets_find(ws, APP_W_STOP)->enabled = a->run_active || a->run_pending;
    /* Run lights up when the picture is not of the bar's settings. */
    ui_widgets_find(ws, APP_W_RUN)->on = ws->note_kind == UI_NOTE_STALE;
    int cpus = sim_machine_cpus();
    ui_widget *w = ui_widgets_find(ws, APP_W_WORKERS);
    if (a->cfg.workers)
        snprintf(w->value, sizeof w->value, "%d", a->cfg.workers);
    else
        snprintf(w->value, sizeof w->value, "auto (%d)", cpus);
    w = ui_widgets_find(ws, APP_W_THREADS);
    uint64_t ntasks = a->field_ntasks;
    if (a->cfg.threads)
        snprintf(w->value, sizeof w->value, "%d", a->cfg.threads);
    else if (ntasks)
        snprintf(w->value, sizeof w->value, "per task (%llu)", (unsigned long long)ntasks);
    else
        snprintf(w->value, sizeof w->value, "per task");
    w = ui_widgets_find(ws, APP_W_INTERVAL);
    sim_config run = a->cfg;
    sim_config_resolve(&run, 1);
    ui_format_dur(run.switch_interval_ns, w->value, sizeof w->value);
    w = ui_widgets_find(ws, APP_W_REPEAT);
    if (a->repeat > 1)
        snprintf(w->value, sizeof w->value, "%d (median)", a->repeat);
    else
        snprintf(w->value, sizeof w->value, "1");
    w = ui_widgets_find(ws, APP_W_SPEED);
    w->stop = a->view.speed;
    sim_format_speed(ui_speed_value(a->view.speed), w->value, sizeof w->value);
    refresh_note(a);
    refresh_title(a);
    a->view.badge[0] = 0;
    if (a->shown_busy.busy && a->cmp.ntraces > 0)
        snprintf(a->view.badge, sizeof a->view.badge, "busy machine");
    a->help.npresets = app_npresets < UI_HELP_MAX_PRESETS ? app_npresets : UI_HELP_MAX_PRESETS;
    for (int i = 0; i < a->help.npresets; i++)
        a->help.presets[i] = app_presets[i].name;
}

void app_init(app *a, const app_desc *d)
{
    memset(a, 0, sizeof *a);
    ui_view_init(&a->view);
    a->view.theme = d->theme;
    a->view.show_code = d->show_code;
    if (d->font_scale > 0)
        a->view.font_scale = d->font_scale;
    a->px_scale = 1.0;
    a->fs = d->fs;
    a->cfg = d->cfg;
    a->repeat = d->repeat > 0 ? d->repeat : 1;
    /* The models show as toggles: the defaults are spelt out. */
    sim_config_default_models(&a->cfg);
    ui_widgets_init(&a->ws);
    build_widgets(a);
    ui_field_set(&a->ws.field, d->cfg.workload ? d->cfg.workload : SIM_DEFAULT_WORKLOAD);
    a->ws.field.nundo = 0; /* the first text is no edit to undo */
    a->cfg.workload = NULL; /* the text field holds it from now on */
    app_busy_init(&a->busy, d->busy_source, d->busy_user, d->fs ? d->fs->pid : 0,
                  d->busy_window_ns > 0 ? d->busy_window_ns : 0);
    if (d->busy_window_ns < 0)
        a->busy.window_ns = -1; /* no check: tests run at once */
    else
        app_busy_poll(&a->busy);
    snprintf(a->shipped_dir, sizeof a->shipped_dir, "%s", d->shipped_dir ? d->shipped_dir : "");
    snprintf(a->user_dir, sizeof a->user_dir, "%s", d->user_dir ? d->user_dir : "");
    snprintf(a->progress_path, sizeof a->progress_path, "%s",
             d->progress_path ? d->progress_path : "");
    snprintf(a->welcomed_path, sizeof a->welcomed_path, "%s",
             d->welcomed_path ? d->welcomed_path : "");
    app_python_init(&a->py, d->python, d->python_ft, d->cpython);
    a->view.show_cpython = a->py.on;
    if (d->preloaded)
        app_show_saved(a, d->preloaded);
    app_refresh(a);
}

void app_layout_bar(app *a, int w, int h)
{
    a->view.bar_scale = 0;
    for (int tries = 0; tries < 8; tries++) {
        ui_view_layout(&a->view, &a->cmp, w, h, a->ws.rows, &a->layout);
        const ui_layout *l = &a->layout;
        if (l->controls.h == 0)
            return;
        /* The bar's rows depend on the width; if they changed, lay out again. */
        int before = a->ws.rows;
        int rows = ui_widgets_layout(&a->ws, l->controls, l->bar_small_px, l->bar_row_h,
                                     l->bar_pad);
        if (rows != before) {
            ui_view_layout(&a->view, &a->cmp, w, h, rows, &a->layout);
            ui_widgets_layout(&a->ws, l->controls, l->bar_small_px, l->bar_row_h, l->bar_pad);
        }
        /* Chrome, not the picture: past three tenths of the height, the
         * bar's text gets smaller (down to 9 px) rather than take the
         * lanes' room. */
        if (l->controls.h * 10 <= h * 3 || l->bar_px <= 9)
            return;
        a->view.bar_scale = l->bar_scale * 0.88f;
    }
}

void app_layout(app *a, int w, int h)
{
    if (a->lesson)
        app_lesson_layout(a, w, h); /* the timelines beside the narration */
    else
        app_layout_bar(a, w, h);
    /* The cards over everything, in the window's (big) text. */
    ui_layout full;
    ui_layout_desc fd = {.w = w, .h = h, .font_scale = a->view.font_scale,
                         .text_scale = ui_view_text_scale(&a->view)};
    ui_layout_compute(&full, &fd);
    if (a->view.show_help)
        ui_help_layout(&a->help, w, h, full.font_px);
    if (a->asking)
        ui_dialog_layout(&a->dialog, w, h, full.font_px);
}

int app_animating(const app *a)
{
    return a->run_active || a->run_pending ||
           (!a->view.paused && !a->view.live && a->cmp.ntraces > 0) ||
           a->view.toast_left > 0 || a->drag != 0;
}

void app_use_preset(app *a, int i)
{
    if (i < 0 || i >= app_npresets)
        return;
    ui_field_set(&a->ws.field, app_presets[i].workload);
    app_check_field(a);
    app_start_run(a);
}

int app_shot_path(const char *dir, char *buf, size_t n, char *err, size_t en)
{
    return app_stamp_path(dir, "png", buf, n, err, en);
}
