/* app_ui.h - the window's application state: input in, view state out.
 *
 * Everything the window does that is not drawing or talking to the OS lives
 * here, behind app_handle_event (one SDL event -> state change) and
 * app_tick (time passes: follow the live run, advance the playhead). Tests
 * drive it with synthetic SDL events and no window, and check the view.
 */
#ifndef APP_UI_H
#define APP_UI_H

#include <SDL.h>

#include "forkserver.h"
#include "layout.h"
#include "run.h"
#include "view.h"
#include "widgets.h"

/* The controls of the bar. */
enum app_widget_id {
    APP_W_FIELD = 1,
    APP_W_RUN,
    APP_W_STOP,
    APP_W_CODE,
    APP_W_THEME,
    APP_W_HELP,
    APP_W_PRESETS_LABEL,
    APP_W_PRESET0,                       /* + preset index */
    APP_W_MODELS_LABEL = APP_W_PRESET0 + 16,
    APP_W_MODEL0,                        /* + sim_model */
    APP_W_WORKERS = APP_W_MODEL0 + SIM_MODEL__COUNT,
    APP_W_THREADS,
    APP_W_INTERVAL,
    APP_W_SPEED,
};

typedef struct app_preset {
    const char *name;       /* the button's label */
    const char *workload;
    const char *idea;       /* what it shows, in a sentence */
} app_preset;

extern const app_preset app_presets[];
extern const int app_npresets;

typedef struct app {
    ui_view view;
    ui_widgets ws;
    ui_layout layout;               /* the last frame's layout */
    double px_scale;                /* output pixels per window coordinate (HiDPI) */
    /* The run. */
    sim_run run;
    int run_active;                 /* its thread is going */
    int run_held;                   /* run needs sim_run_wait + deinit */
    sim_comparison cmp;
    sim_forkserver *fs;
    /* The run's settings (the bar and the lesson player edit them; the
     * workload is the text field's, set into cfg when a run starts). Zero
     * fields mean the defaults, as everywhere (config.h). */
    sim_config cfg;
    char *code[SIM_MODEL__COUNT];   /* the Python program of each panel */
    /* Pointer gestures. */
    int drag;                       /* 1 pan, 2 select, 3 slider, 4 scrub */
    int drag_x;
    /* Requests for the window layer, cleared by it. */
    int want_quit, want_fullscreen, want_shot;
    int want_save_trace;            /* Ctrl+Shift+S: app_save_trace */
    struct app_lesson *lesson;      /* the lesson player (app_lesson.h), or NULL */
    char status[256];
} app;

typedef struct app_desc {
    sim_config cfg;                 /* the run's settings; zero fields: defaults */
    sim_forkserver *fs;
    ui_theme_id theme;
    float font_scale;               /* 0: 1.0 */
    /* A saved run to show instead of running (concviz open): app_init
     * takes its contents and leaves it zeroed. NULL: none. */
    sim_comparison *preloaded;
} app_desc;

void app_init(app *a, const app_desc *d);
/* Stops a run in progress (cancel, wait) and frees everything. */
void app_deinit(app *a);

/* Starts the workload in the text field with the bar's settings. A bad
 * workload shows its error under the field and returns SIM_E_USAGE. */
int app_start_run(app *a);
/* Asks the run to stop (Esc); app_tick collects it. */
void app_stop_run(app *a);
/* Stops a run in progress (cancel, wait) and empties the panels. */
void app_clear_run(app *a);

/* One input event. */
void app_handle_event(app *a, const SDL_Event *e);
/* Time passes: dt seconds since the last call. */
void app_tick(app *a, double dt);
/* Lays out view and controls for a w x h output. */
void app_layout(app *a, int w, int h);
/* Whether anything moves (a frame is needed without input). */
int app_animating(const app *a);

/* Loads a preset into the field (and runs it). */
void app_use_preset(app *a, int i);

/* A new screenshot path in dir: dir/concviz-YYYYmmdd-HHMMSS[-N].png, never
 * an existing file; creates dir if missing. Returns 0, or -1 with err. */
int app_shot_path(const char *dir, char *buf, size_t n, char *err, size_t en);

/* Saved runs (app_saved.c). */
/* "recorded on HOST, N CPUs, CPU MODEL, YYYY-MM-DD HH:MM UTC". */
void app_recorded_line(const sim_comparison *c, char *buf, size_t n);
/* dir/concviz-YYYYmmdd-HHMMSS[-N].EXT, never an existing file; creates dir
 * if missing. Returns 0, or -1 with err. */
int app_stamp_path(const char *dir, const char *ext, char *buf, size_t n, char *err,
                   size_t en);
/* Saves the run on screen as a Chrome trace into dir (dated name) and says
 * so on screen. Returns 0, or -1 (the reason shown on screen). */
int app_save_trace(app *a, const char *dir);

#endif
