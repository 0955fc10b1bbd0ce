/* app_state.c - the window's state: the run, its settings and the bar.
 *
 * The run goes on in a thread of its own (run.h); each frame app_tick
 * brings the comparison up to date with sim_run_sync, so each model's panel
 * grows while it runs. When the whole run is over the thread is joined and
 * the panels replay together from t = 0. Starting a new run first stops and
 * frees the old one: the comparison on screen is never shared with a
 * thread that is still writing it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app_lesson.h"
#include "app_ui.h"
#include "format.h"
#include "pyprog.h"
#include "timeline.h"

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

static void build_widgets(app *a)
{
    ui_widgets *ws = &a->ws;
    ui_widget *w = ui_widgets_add(ws, APP_W_FIELD, UI_W_FIELD, "Workload");
    w->grow = 1;
    snprintf(w->tip, sizeof w->tip, "the workload language; Enter runs it");
    ui_widgets_add(ws, APP_W_RUN, UI_W_BUTTON, "Run (R)");
    ui_widgets_add(ws, APP_W_STOP, UI_W_BUTTON, "Stop (Esc)");
    ui_widgets_add(ws, APP_W_CODE, UI_W_TOGGLE, "Code (C)");
    ui_widgets_add(ws, APP_W_THEME, UI_W_BUTTON, "Theme (T)");
    ui_widgets_add(ws, APP_W_HELP, UI_W_BUTTON, "Help (F1)");
    w = ui_widgets_add(ws, APP_W_PRESETS_LABEL, UI_W_LABEL, "Presets");
    w->newrow = 1;
    for (int i = 0; i < app_npresets; i++)
        ui_widgets_add(ws, APP_W_PRESET0 + i, UI_W_BUTTON, app_presets[i].name);
    ui_widgets_add(ws, APP_W_MODELS_LABEL, UI_W_LABEL, "  Models");
    for (int m = 0; m < SIM_MODEL__COUNT; m++)
        ui_widgets_add(ws, APP_W_MODEL0 + m, UI_W_TOGGLE, sim_model_name((sim_model)m));
    w = ui_widgets_add(ws, APP_W_WORKERS, UI_W_STEPPER, "workers");
    w->newrow = 1;
    ui_widgets_add(ws, APP_W_THREADS, UI_W_STEPPER, "threads");
    ui_widgets_add(ws, APP_W_INTERVAL, UI_W_STEPPER, "switch interval");
    w = ui_widgets_add(ws, APP_W_SPEED, UI_W_SLIDER, "speed");
    w->stops = UI_NSPEEDS;
}

/* Copies the settings into the widgets' labels and states. */
static void refresh_widgets(app *a)
{
    ui_widgets *ws = &a->ws;
    for (int m = 0; m < SIM_MODEL__COUNT; m++)
        ui_widgets_find(ws, APP_W_MODEL0 + m)->on = sim_config_has_model(&a->cfg, (sim_model)m);
    ui_widgets_find(ws, APP_W_CODE)->on = a->view.show_code;
    ui_widgets_find(ws, APP_W_STOP)->enabled = a->run_active;
    ui_widget *w = ui_widgets_find(ws, APP_W_WORKERS);
    if (a->cfg.workers)
        snprintf(w->value, sizeof w->value, "%d", a->cfg.workers);
    else
        snprintf(w->value, sizeof w->value, "auto");
    w = ui_widgets_find(ws, APP_W_THREADS);
    if (a->cfg.threads)
        snprintf(w->value, sizeof w->value, "%d", a->cfg.threads);
    else
        snprintf(w->value, sizeof w->value, "per task");
    w = ui_widgets_find(ws, APP_W_INTERVAL);
    sim_config run = a->cfg;
    sim_config_resolve(&run, 1);
    ui_format_dur(run.switch_interval_ns, w->value, sizeof w->value);
    w = ui_widgets_find(ws, APP_W_SPEED);
    w->stop = a->view.speed;
    double sp = ui_speed_value(a->view.speed);
    sim_format_speed(sp, w->value, sizeof w->value);
}

static void make_code(app *a, const sim_workload *wl, const sim_model *models, int n);

/* A saved run on screen as if it had just been run here: its workload in
 * the field, its models toggled on, the replay from t = 0, and the line
 * saying where it was recorded. R runs it again, live, on this machine. */
static void preload(app *a, sim_comparison *c)
{
    a->cmp = *c;
    memset(c, 0, sizeof *c);
    sim_model models[SIM_MODEL__COUNT];
    int n = 0;
    a->cfg.nmodels = 0;
    for (int i = 0; i < a->cmp.ntraces; i++) {
        a->cfg.models[a->cfg.nmodels++] = a->cmp.traces[i].model;
        models[n++] = a->cmp.traces[i].model;
    }
    ui_field_set(&a->ws, a->cmp.workload ? a->cmp.workload : "");
    sim_workload w;
    sim_parse_error pe;
    if (a->cmp.workload && sim_workload_parse(&w, a->cmp.workload, &pe) == 0) {
        make_code(a, &w, models, n);
        sim_workload_free(&w);
    }
    app_recorded_line(&a->cmp, a->status, sizeof a->status);
    a->view.live = 0;
    a->view.playhead = 0;
    a->view.paused = 0;
    a->view.fitted = 1;
}

void app_init(app *a, const app_desc *d)
{
    memset(a, 0, sizeof *a);
    ui_view_init(&a->view);
    a->view.theme = d->theme;
    if (d->font_scale > 0)
        a->view.font_scale = d->font_scale;
    a->px_scale = 1.0;
    a->fs = d->fs;
    a->cfg = d->cfg;
    /* The models show as toggles: the defaults are spelt out. */
    sim_config_default_models(&a->cfg);
    ui_widgets_init(&a->ws);
    build_widgets(a);
    ui_field_set(&a->ws, d->cfg.workload ? d->cfg.workload : SIM_DEFAULT_WORKLOAD);
    a->cfg.workload = NULL; /* the text field holds it from now on */
    if (d->preloaded)
        preload(a, d->preloaded);
    refresh_widgets(a);
}

static void free_code(app *a)
{
    for (int i = 0; i < SIM_MODEL__COUNT; i++) {
        free(a->code[i]);
        a->code[i] = NULL;
    }
}

/* Waits for the run's thread and frees the run (the comparison stays). */
static void collect_run(app *a)
{
    if (!a->run_held)
        return;
    int rc = sim_run_wait(&a->run);
    sim_run_sync(&a->run, &a->cmp); /* the last events */
    if (rc == SIM_E_CANCELLED)
        snprintf(a->status, sizeof a->status, "stopped: press R to run again");
    else if (rc != SIM_OK)
        snprintf(a->status, sizeof a->status, "the run failed: %s", sim_err_str(rc));
    else
        a->status[0] = 0;
    sim_run_deinit(&a->run);
    a->run_held = 0;
    a->run_active = 0;
}

void app_deinit(app *a)
{
    app_lesson_detach(a);
    if (a->run_held)
        sim_run_cancel(&a->run);
    collect_run(a);
    sim_comparison_deinit(&a->cmp);
    free_code(a);
}

/* The Python program of each model, for the code view. */
static void make_code(app *a, const sim_workload *wl, const sim_model *models, int n)
{
    free_code(a);

    for (int i = 0; i < n; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
            continue;
        int rc = sim_pyprog_write(f, wl, models[i], &a->cfg);
        fclose(f);
        if (rc != SIM_OK) {
            free(buf);
            buf = NULL;
        }
        a->code[i] = buf;
    }
}

int app_start_run(app *a)
{
    /* Check the workload first: an error keeps the old run on screen. */
    sim_workload w;
    sim_parse_error pe;
    if (sim_workload_parse(&w, a->ws.text, &pe) != 0) {
        sim_parse_error_format(&pe, a->ws.text, a->ws.error, sizeof a->ws.error);
        return SIM_E_USAGE;
    }
    sim_workload_free(&w);
    if (a->cfg.nmodels == 0) {
        snprintf(a->ws.error, sizeof a->ws.error, "choose at least one model");
        return SIM_E_USAGE;
    }
    if (a->run_held)
        sim_run_cancel(&a->run);
    collect_run(a);
    sim_comparison_deinit(&a->cmp);
    memset(&a->cmp, 0, sizeof a->cmp);
    sim_run_desc d = {.cfg = a->cfg, .fs = a->fs};
    d.cfg.workload = a->ws.text;
    char msg[512];
    int rc = sim_run_start(&a->run, &d, msg, sizeof msg);
    if (rc != SIM_OK) {
        snprintf(a->ws.error, sizeof a->ws.error, "%s", msg);
        return rc;
    }
    a->ws.error[0] = 0;
    a->status[0] = 0;
    a->run_held = a->run_active = 1;
    make_code(a, &a->run.w, a->run.cfg.models, a->run.cfg.nmodels);
    a->view.live = 1;
    a->view.playhead = 0;
    a->view.paused = 0;
    a->view.fitted = 1;
    a->view.has_sel = 0;
    refresh_widgets(a);
    return SIM_OK;
}

void app_stop_run(app *a)
{
    if (a->run_active)
        sim_run_cancel(&a->run);
}

void app_clear_run(app *a)
{
    if (a->run_held)
        sim_run_cancel(&a->run);
    collect_run(a);
    sim_comparison_deinit(&a->cmp);
    memset(&a->cmp, 0, sizeof a->cmp);
    a->status[0] = 0;
    a->view.live = 0;
    a->view.playhead = 0;
    a->view.fitted = 1;
}

void app_tick(app *a, double dt)
{
    if (a->run_active) {
        int rc = sim_run_sync(&a->run, &a->cmp);
        if (rc != 0)
            sim_run_cancel(&a->run);
        if (atomic_load(&a->run.finished) || rc != 0) {
            collect_run(a);
            /* Replay every panel together from the start. */
            a->view.live = 0;
            a->view.playhead = 0;
            a->view.paused = 0;
        }
    }
    ui_view_advance(&a->view, dt, ui_comparison_end(&a->cmp));
    app_lesson_tick(a);
    refresh_widgets(a);
}

void app_layout(app *a, int w, int h)
{
    if (a->lesson) {
        app_lesson_layout(a, w, h); /* the timelines beside the narration */
        return;
    }
    ui_view_layout(&a->view, &a->cmp, w, h, a->ws.rows, &a->layout);
    if (!a->view.show_controls)
        return;
    /* The bar's rows depend on the width; if they changed, lay out again. */
    int before = a->ws.rows;
    const ui_layout *l = &a->layout;
    int rows = ui_widgets_layout(&a->ws, l->controls, l->small_px, l->row_h, l->pad);
    if (rows != before) {
        ui_view_layout(&a->view, &a->cmp, w, h, rows, &a->layout);
        ui_widgets_layout(&a->ws, a->layout.controls, a->layout.small_px,
                          a->layout.row_h, a->layout.pad);
    }
}

int app_animating(const app *a)
{
    return a->run_active || (!a->view.paused && !a->view.live && a->cmp.ntraces > 0) ||
           a->view.toast_left > 0 || a->drag != 0;
}

void app_use_preset(app *a, int i)
{
    if (i < 0 || i >= app_npresets)
        return;
    ui_field_set(&a->ws, app_presets[i].workload);
    a->ws.error[0] = 0;
    app_start_run(a);
}

int app_shot_path(const char *dir, char *buf, size_t n, char *err, size_t en)
{
    return app_stamp_path(dir, "png", buf, n, err, en);
}
