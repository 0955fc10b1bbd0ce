/* app_ui.h - the window's application state: input in, view state out.
 *
 * Everything the window does that is not drawing or talking to the OS lives
 * here, behind app_handle_event (one SDL event -> state change) and
 * app_tick (time passes: follow the live run, advance the playhead). Tests
 * drive it with synthetic SDL events and no window, and check the view.
 *
 * The files, one concept each:
 *   app_state.c    the app as a whole: init, the bar's widgets, the note,
 *                  the window's title, layout
 *   app_run.c      a run's life: the machine check first, a question
 *                  before a long run, repeats, stop, what a refusal keeps
 *   app_python.c   the CPython toggle: the interpreter asked once, in a
 *                  thread; the status while CPython runs (app_python.h)
 *   app_check.c    what the window says before a run, in its own words
 *   app_input.c    events: keys and the pointer, routed
 *   app_field.c    the workload field's keys and the clipboard
 *   app_help.c     the welcome and help card, remembered once seen
 *   app_present.c  presenter mode: events, switches, bookmarks
 *   app_lesson*.c  the lesson player and the picker (app_lesson.h)
 *   app_saved.c    saved runs and dated file names
 */
#ifndef APP_UI_H
#define APP_UI_H

#include <SDL.h>

#include "app_python.h"
#include "busy.h"
#include "dialog.h"
#include "forkserver.h"
#include "help.h"
#include "layout.h"
#include "lens.h"
#include "repeat.h"
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
    APP_W_LESSONS,
    APP_W_HELP,
    APP_W_NOTE,
    APP_W_PRESETS_LABEL,
    APP_W_PRESET0,                       /* + preset index */
    APP_W_MODELS_LABEL = APP_W_PRESET0 + 16,
    APP_W_MODEL0,                        /* + sim_model */
    APP_W_WORKERS = APP_W_MODEL0 + SIM_MODEL__COUNT,
    APP_W_THREADS,
    APP_W_INTERVAL,
    APP_W_REPEAT,
    APP_W_SPEED,
    APP_W_CPYTHON,                       /* the CPython toggle (app_python.h) */
};

typedef struct app_preset {
    const char *name;       /* the button's label */
    const char *workload;
    const char *idea;       /* what it shows, in a sentence */
} app_preset;

extern const app_preset app_presets[];
extern const int app_npresets;

/* Runs per model the bar offers (the median is drawn). */
#define APP_REPEAT_CHOICES 5
extern const int app_repeat_choices[APP_REPEAT_CHOICES];

/* The settings a picture was made with: when they differ from the bar's,
 * the picture is stale ("settings changed: press Run"). */
typedef struct app_shown {
    int valid;
    char workload[UI_FIELD_MAX];
    sim_config cfg;                 /* models, workers, threads, interval, ... */
    int repeat;
    int saved;                      /* a saved run (concviz open), not run here */
} app_shown;

typedef struct app {
    ui_view view;
    ui_widgets ws;
    ui_layout layout;               /* the last frame's layout */
    double px_scale;                /* output pixels per window coordinate (HiDPI) */
    /* The run (app_run.c). */
    sim_run *run;                   /* the run going on or being collected, or NULL */
    int run_active;                 /* its thread is going */
    int run_pending;                /* asked for: starts once the machine was looked at */
    sim_comparison cmp;             /* what the panels show */
    sim_forkserver *fs;
    /* The run's settings (the bar and the lesson player edit them; the
     * workload is the text field's, set into cfg when a run starts). Zero
     * fields mean the defaults, as everywhere (config.h). */
    sim_config cfg;
    int repeat;                     /* runs per model; the median run is drawn */
    app_repeat rep;                 /* a repeat's finished runs, until the last */
    int rep_index;                  /* the run of the repeat going on (0-based) */
    app_spread spread[SIM_MODEL__COUNT]; /* the median's spread, per panel */
    char spread_text[SIM_MODEL__COUNT][96];
    app_busy busy;                  /* the machine's load, sampled all the time */
    app_busy_verdict shown_busy;    /* as it was before the run on screen */
    app_shown shown;                /* the settings of the picture on screen */
    app_shown checked;              /* the text and settings last checked */
    uint64_t field_ntasks;          /* the field's tasks, when it parses */
    /* A question before a long run (Enter: yes, Esc: no). */
    int asking;
    ui_dialog dialog;
    int confirmed;                  /* the next start has its yes */
    ui_lens lens;                   /* the programs, steps and values of cmp (lens.h):
                                       the code view, the value lanes, a click's line */
    app_python py;                  /* the CPython toggle and its interpreter */
    /* Pointer gestures. */
    int drag;                       /* 1 pan, 2 select, 3 slider, 4 scrub, 5 text */
    int drag_x;
    int drag_moved;                 /* pixels a pan moved: 0 at release is a click */
    /* Requests for the window layer, cleared by it. */
    int want_quit, want_fullscreen, want_shot;
    int want_save_trace;            /* Ctrl+Shift+S: app_save_trace */
    struct app_lesson *lesson;      /* the lesson player (app_lesson.h), or NULL */
    char title[300];                /* the window's title: the workload or the lesson */
    /* The welcome and help card (app_help.c). */
    ui_help help;
    char welcomed_path[4096];       /* exists once the welcome was dismissed; "" */
    int first_start;                /* the card shows as a welcome: closing remembers */
    /* Where the course is, for the picker outside a lesson. */
    char shipped_dir[4096], user_dir[4096], progress_path[4096];
} app;

typedef struct app_desc {
    sim_config cfg;                 /* the run's settings; zero fields: defaults */
    sim_forkserver *fs;
    ui_theme_id theme;
    float font_scale;               /* 0: 1.0 */
    int show_code;                  /* the code view, from the start */
    int repeat;                     /* runs per model; 0: 1 */
    /* A saved run to show instead of running (concviz open): app_init
     * takes its contents and leaves it zeroed. NULL: none. */
    sim_comparison *preloaded;
    /* The machine check before a run: the time looked at (0: a second;
     * < 0: none, runs start at once, as tests want). */
    int64_t busy_window_ns;
    app_busy_source busy_source;    /* NULL: /proc */
    void *busy_user;
    /* The state folder's "welcomed" file: the welcome shows at start
     * while it does not exist (NULL: never shows by itself). */
    const char *welcomed_path;
    /* The course, for L and the Lessons button (NULL: none found). */
    const char *shipped_dir, *user_dir, *progress_path;
    /* CPython (app_python.h): the interpreters the user named (NULL:
     * python3, and a free-threaded one found on PATH), and whether the
     * toggle starts on (`concviz --python`). */
    const char *python, *python_ft;
    int cpython;
} app_desc;

void app_init(app *a, const app_desc *d);
/* Stops a run in progress (cancel, wait) and frees everything. */
void app_deinit(app *a);

/* Starts the workload in the text field with the bar's settings (after
 * the machine check's second, when it has not had it yet). Returns
 * SIM_OK when the run started or will, or SIM_E_USAGE with the reason
 * under the field; what is on screen stays then, as it does when the
 * run would take long and the window asks first. */
int app_start_run(app *a);
/* Asks the run to stop (Esc); app_tick collects it. */
void app_stop_run(app *a);
/* Stops a run in progress (cancel, wait) and empties the panels. */
void app_clear_run(app *a);
/* A run is going, about to start, or waiting for an answer. */
int app_run_busy(const app *a);
/* The answer to "run it anyway?". */
void app_answer(app *a, int yes);

/* One input event. */
void app_handle_event(app *a, const SDL_Event *e);
/* Time passes: dt seconds since the last call. */
void app_tick(app *a, double dt);
/* The window has nothing to do for a while: samples the machine. */
void app_idle(app *a);
/* Lays out view and controls for a w x h output. */
void app_layout(app *a, int w, int h);
/* The view and the controls bar in a w x h area, the bar's text made
 * smaller while it would take more than three tenths of the height. */
void app_layout_bar(app *a, int w, int h);
/* Whether anything moves (a frame is needed without input). */
int app_animating(const app *a);

/* Loads a preset into the field (and runs it). */
void app_use_preset(app *a, int i);
/* Shows a saved run (concviz open) as if it had just run here: takes the
 * comparison's contents (app_run.c). */
void app_show_saved(app *a, sim_comparison *c);

/* The bar's widgets' state from the settings (app_state.c). */
void app_refresh(app *a);
/* The field's text parsed and checked as the window will run it: the
 * error (with its caret) goes under the field; returns 0 if it is fine. */
int app_check_field(app *a);
/* What the window says about a workload and its settings before a run
 * (app_check.c): the limits in the window's words. Returns 0, or -1 with
 * a sentence in msg. */
struct sim_workload;
int app_check_run(const sim_config *cfg, const struct sim_workload *w, char *msg, size_t n);

/* The welcome and help card (app_help.c). On a first start (no
 * "welcomed" file), opens it on its Welcome page; closing remembers. */
void app_welcome_if_new(app *a);
void app_help_open(app *a, ui_help_page page);
void app_help_close(app *a);
int app_help_event(app *a, const SDL_Event *e);

/* Presenter mode and moments (app_present.c): returns 1 if the key was one. */
int app_present_key(app *a, SDL_Keycode sym, int shift);
void app_present_toggle(app *a);

/* The field's keys (app_field.c): returns 1 if the field took the key, 0
 * for a key the window keeps (F1, F5, F11, F12). */
int app_field_key(app *a, const SDL_KeyboardEvent *k);
/* A stepper's typed value (app_field.c). */
int app_stepper_edit_key(app *a, const SDL_KeyboardEvent *k);
void app_stepper_edit_text(app *a, const char *text);
void app_stepper_step(app *a, int id, int dir);
void app_stepper_begin(app *a, int idx, const char *first);

/* A new screenshot path in dir: dir/concviz-YYYYmmdd-HHMMSS[-N].png, never
 * an existing file; creates dir if missing. Returns 0, or -1 with err. */
int app_shot_path(const char *dir, char *buf, size_t n, char *err, size_t en);

/* Saved runs (app_saved.c). */
/* "recorded on HOST, N CPUs, CPU MODEL, YYYY-MM-DD HH:MM UTC". */
void app_recorded_line(const sim_comparison *c, char *buf, size_t n);
/* dir/concviz-YYYYmmdd-HHMMSS[-N].EXT, never an existing file; creates dir
 * (and its parents) if missing. Returns 0, or -1 with err. */
int app_stamp_path(const char *dir, const char *ext, char *buf, size_t n, char *err,
                   size_t en);
/* Saves the run on screen as a Chrome trace into dir (dated name) and says
 * so on screen. Returns 0, or -1 (the reason shown on screen). */
int app_save_trace(app *a, const char *dir);

/* mkdir -p of the folder that holds path. Returns 0, or -1 with err. */
int app_mkdirs_for(const char *path, char *err, size_t en);
/* The user's pictures folder with /concviz added: XDG_PICTURES_DIR, else
 * the PICTURES line of ~/.config/user-dirs.dirs (as `xdg-user-dir
 * PICTURES` reads it), else ~/Pictures (app_saved.c). */
void app_pictures_dir(char *buf, size_t n);

#endif
