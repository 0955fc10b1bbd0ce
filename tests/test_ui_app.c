/* test_ui_app.c - the window's input handling, driven by synthetic SDL
 * events with no window: wheel zoom around the pointer, drag pan, Shift-drag
 * selection, playback keys, the bar's controls, and the workload field
 * (selection, clipboard, undo, history, errors as it is typed, in the
 * window's words); the steppers going where their labels say; a run's
 * life (a refused run keeps the picture, a long run asks first, a stopped
 * run keeps what it drew, a model that never ran stays); the picture
 * going stale when the settings change. Runs are short and real
 * (asyncio and threading, no processes).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app_events.h"
#include "app_ui.h"
#include "test.h"
#include "ui_fixture.h"

#define W 1280
#define H 720

/* An app that runs at once (no machine check) on a fixture comparison. */
static app *fixture_app(uint32_t ntasks)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.busy_window_ns = -1};
    app_init(a, &d);
    sim_comparison c;
    fixture_comparison(&c, ntasks);
    ui_field_set(&a->ws.field, c.workload);
    app_show_saved(a, &c);
    a->view.status[0] = 0;
    a->view.live = 0;
    a->view.paused = 1;
    a->view.playhead = 100 * FX_MS;
    app_layout(a, W, H);
    return a;
}

static void free_app(app *a)
{
    app_deinit(a);
    free(a);
}

static int focused(const app *a, int id)
{
    return a->ws.focus >= 0 && a->ws.w[a->ws.focus].id == id;
}

static void test_view_keys(void)
{
    app *a = fixture_app(4);
    ui_view *v = &a->view;
    ASSERT(v->fitted);
    int y = a->layout.panels[1].tasks.y + 5;

    /* Wheel zoom keeps the time under the pointer. */
    int px = a->layout.tl_x0 + a->layout.tl_w / 3;
    send_mouse(a, SDL_MOUSEMOTION, px, y, 0);
    int64_t t_before = ui_tm_t(&v->tm, px);
    double npp = v->tm.ns_per_px;
    send_wheel(a, 2);
    ASSERT(v->tm.ns_per_px < npp * 0.7);
    ASSERT(llabs(ui_tm_t(&v->tm, px) - t_before) <= (int64_t)(v->tm.ns_per_px + 1));
    ASSERT(!v->fitted);
    app_layout(a, W, H); /* no longer fitted: the zoom stays */
    ASSERT(v->tm.ns_per_px < npp * 0.7);
    send_wheel(a, -2);
    ASSERT(fabs(v->tm.ns_per_px - npp) < npp * 1e-9);

    /* Drag pans: dragging right by 100 px shows earlier times. */
    double t0 = v->tm.t0;
    send_mouse(a, SDL_MOUSEBUTTONDOWN, px, y, 1);
    send_mouse(a, SDL_MOUSEMOTION, px + 60, y, 0);
    send_mouse(a, SDL_MOUSEMOTION, px + 100, y, 0);
    send_mouse(a, SDL_MOUSEBUTTONUP, px + 100, y, 1);
    ASSERT(fabs((t0 - v->tm.t0) - 100 * v->tm.ns_per_px) < 1.0);
    ASSERT(!v->has_sel);
    send_key(a, SDLK_f, 0);
    ASSERT(v->fitted);
    app_layout(a, W, H);

    /* Shift-drag selects a range. */
    SDL_SetModState(KMOD_LSHIFT);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, px, y, 1);
    send_mouse(a, SDL_MOUSEMOTION, px + 150, y, 0);
    send_mouse(a, SDL_MOUSEBUTTONUP, px + 150, y, 1);
    SDL_SetModState(KMOD_NONE);
    ASSERT(v->has_sel);
    ASSERT(llabs(v->sel_t0 - ui_tm_t(&v->tm, px)) <= 1);
    ASSERT(llabs(v->sel_t1 - ui_tm_t(&v->tm, px + 150)) <= 1);
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(!v->has_sel);

    /* Playback keys. */
    ASSERT(v->paused);
    send_key(a, SDLK_SPACE, 0);
    ASSERT(!v->paused);
    send_key(a, SDLK_SPACE, 0);
    ASSERT(v->paused);
    int sp = v->speed;
    send_key(a, SDLK_MINUS, 0);
    ASSERT_INT_EQ(v->speed, sp - 1);
    send_key(a, SDLK_PLUS, 0);
    send_key(a, SDLK_EQUALS, KMOD_LSHIFT);
    ASSERT_INT_EQ(v->speed, sp + 1);
    int64_t ph = v->playhead;
    send_key(a, SDLK_RIGHT, 0);
    ASSERT(v->playhead > ph);
    send_key(a, SDLK_LEFT, 0);
    ASSERT_INT_EQ(v->playhead, ph);
    send_key(a, SDLK_END, 0);
    ASSERT_INT_EQ(v->playhead, ui_comparison_end(&a->cmp));
    ASSERT(v->paused);
    send_key(a, SDLK_HOME, 0);
    ASSERT_INT_EQ(v->playhead, 0);
    ASSERT(!v->paused);
    app_tick(a, 0.5);
    ASSERT_INT_EQ(v->playhead, (int64_t)(0.5 * ui_speed_value(v->speed) * 1e9));

    /* Views and requests. */
    ui_theme_id th = v->theme;
    send_key(a, SDLK_t, 0);
    ASSERT(v->theme != th);
    send_key(a, SDLK_c, 0);
    ASSERT(v->show_code);
    float fs = v->font_scale;
    send_key(a, SDLK_EQUALS, KMOD_LCTRL);
    ASSERT(v->font_scale > fs);
    send_key(a, SDLK_MINUS, KMOD_LCTRL);
    ASSERT(fabsf(v->font_scale - fs) < 1e-4f);
    send_key(a, SDLK_F12, 0);
    ASSERT(a->want_shot);
    a->want_shot = 0;
    send_key(a, SDLK_s, KMOD_LCTRL);
    ASSERT(a->want_shot);
    send_key(a, SDLK_F11, 0);
    ASSERT(a->want_fullscreen);
    send_key(a, SDLK_F1, 0);
    ASSERT(v->show_help);
    send_key(a, SDLK_x, 0); /* any key closes it */
    ASSERT(!v->show_help);

    /* Many tasks scroll with PgDn, and never past the end. */
    sim_comparison_deinit(&a->cmp);
    fixture_comparison(&a->cmp, 3000);
    app_layout(a, W, H);
    ASSERT(a->layout.rows_visible < 3000);
    send_key(a, SDLK_PAGEDOWN, 0);
    ASSERT(v->task_scroll > 0);
    for (int i = 0; i < 1000; i++)
        send_key(a, SDLK_PAGEDOWN, 0);
    app_layout(a, W, H);
    ASSERT_INT_EQ(v->task_scroll, ui_layout_max_scroll(&a->layout));
    free_app(a);
}

static void test_field(void)
{
    app *a = fixture_app(4);
    ui_field *f = &a->ws.field;
    ui_widget *fw = ui_widgets_find(&a->ws, APP_W_FIELD);
    /* A click focuses the field; keys type and trigger nothing. */
    click(a, fw->rect);
    ASSERT(focused(a, APP_W_FIELD));
    send_key(a, SDLK_END, 0);
    size_t len = strlen(f->text);
    int paused = a->view.paused, theme = a->view.theme, code = a->view.show_code;
    type(a, " rtc");
    ASSERT_STR_EQ(f->text + len, " rtc");
    ASSERT_INT_EQ(a->view.paused, paused);
    ASSERT_INT_EQ(a->view.theme, theme);
    ASSERT_INT_EQ(a->view.show_code, code);
    ASSERT(!app_run_busy(a));

    /* Select-all, then typing replaces the text (it is not appended). */
    send_key(a, SDLK_a, KMOD_LCTRL);
    ASSERT_INT_EQ(ui_field_selection(f, NULL, NULL), (int)strlen(f->text));
    type(a, "8*io:2x0ms");
    ASSERT_STR_EQ(f->text, "8*io:2x0ms");
    /* The error shows as it is typed, before Enter: the parser's words,
     * the caret at the column, in the note under the field. */
    ASSERT_CONTAINS(f->error, "unknown unit 'x'");
    ASSERT_INT_EQ(f->error_at, 6);
    ASSERT_INT_EQ(a->ws.note_kind, UI_NOTE_ERROR);
    /* The note is a row of its own: it covers no control. */
    app_layout(a, W, H);
    ui_widget *note = ui_widgets_find(&a->ws, APP_W_NOTE);
    for (int i = 0; i < a->ws.n; i++) {
        ui_rect r = a->ws.w[i].rect;
        if (a->ws.w[i].id == APP_W_NOTE)
            continue;
        ASSERT(r.y + r.h <= note->rect.y || r.y >= note->rect.y + note->rect.h);
    }
    ASSERT(note->rect.y >= fw->rect.y + fw->rect.h);
    /* Enter with the error: no run, the focus stays. */
    send_key(a, SDLK_RETURN, 0);
    ASSERT(!app_run_busy(a));
    ASSERT(focused(a, APP_W_FIELD));
    /* Shift+Left twice selects "ms"; typing over it. */
    send_key(a, SDLK_LEFT, KMOD_LSHIFT);
    send_key(a, SDLK_LEFT, KMOD_LSHIFT);
    type(a, "s");
    ASSERT_STR_EQ(f->text, "8*io:2x0s");
    /* Undo takes the typing back, redo brings it again. */
    send_key(a, SDLK_z, KMOD_LCTRL);
    ASSERT_STR_EQ(f->text, "8*io:2x0ms");
    send_key(a, SDLK_y, KMOD_LCTRL);
    ASSERT_STR_EQ(f->text, "8*io:2x0s");
    /* Shift+Home, then Delete: an empty field says what it wants. */
    send_key(a, SDLK_HOME, KMOD_LSHIFT);
    send_key(a, SDLK_DELETE, 0);
    ASSERT_STR_EQ(f->text, "");
    ASSERT(f->error[0]);

    /* The mouse: a click puts the cursor at the column, a drag selects. */
    ui_field_set(f, "4*cpu:100ms");
    app_layout(a, W, H);
    int x3 = ui_field_x_of(f, 3);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, x3, fw->rect.y + fw->rect.h / 2, 1);
    ASSERT_INT_EQ(f->cursor, 3);
    send_mouse(a, SDL_MOUSEMOTION, ui_field_x_of(f, 6), fw->rect.y + 3, 0);
    send_mouse(a, SDL_MOUSEBUTTONUP, ui_field_x_of(f, 6), fw->rect.y + 3, 1);
    char sel[64];
    ui_field_selected(f, sel, sizeof sel);
    ASSERT_STR_EQ(sel, "pu:");
    /* Shift+click extends it. */
    SDL_SetModState(KMOD_LSHIFT);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, ui_field_x_of(f, 8), fw->rect.y + 3, 1);
    send_mouse(a, SDL_MOUSEBUTTONUP, ui_field_x_of(f, 8), fw->rect.y + 3, 1);
    SDL_SetModState(KMOD_NONE);
    ui_field_selected(f, sel, sizeof sel);
    ASSERT_STR_EQ(sel, "pu:10");
    /* A double click selects all. */
    send_mouse(a, SDL_MOUSEBUTTONDOWN, x3, fw->rect.y + 3, 2);
    send_mouse(a, SDL_MOUSEBUTTONUP, x3, fw->rect.y + 3, 2);
    ASSERT_INT_EQ(ui_field_selection(f, NULL, NULL), (int)strlen(f->text));

    /* The clipboard: copy, cut, paste (SDL's, the desktop's). */
    if (SDL_SetClipboardText("") == 0) {
        send_key(a, SDLK_c, KMOD_LCTRL);
        char *clip = SDL_GetClipboardText();
        ASSERT(clip);
        ASSERT_STR_EQ(clip, "4*cpu:100ms");
        SDL_free(clip);
        send_key(a, SDLK_END, 0);
        type(a, " + ");
        send_key(a, SDLK_v, KMOD_LCTRL);
        ASSERT_STR_EQ(f->text, "4*cpu:100ms + 4*cpu:100ms");
        send_key(a, SDLK_a, KMOD_LCTRL);
        send_key(a, SDLK_x, KMOD_LCTRL);
        ASSERT_STR_EQ(f->text, "");
        /* A pasted line break is a space: the field is one line. */
        SDL_SetClipboardText("8*io:1ms\n+ io:2ms");
        send_key(a, SDLK_v, KMOD_LCTRL);
        ASSERT_STR_EQ(f->text, "8*io:1ms + io:2ms");
    } else {
        fprintf(stderr, "note: no clipboard here (%s); copy and paste not tried\n",
                SDL_GetError());
    }

    /* The window's words: the thread limit names the bar, not --threads. */
    ui_field_set(f, "100001*io:1ms");
    app_refresh(a);
    ASSERT_CONTAINS(f->error, "threads (below)");
    ASSERT(!strstr(f->error, "--threads"));
    /* A pool fixes it, and the error goes as the setting changes. */
    a->cfg.threads = 64;
    app_refresh(a);
    ASSERT(!f->error[0]);
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(a->ws.focus < 0);
    free_app(a);
}

static void test_steppers(void)
{
    app *a = fixture_app(4);
    int cpus = sim_machine_cpus();
    ui_widget *wk = ui_widgets_find(&a->ws, APP_W_WORKERS);
    ASSERT_INT_EQ(a->cfg.workers, 0);
    char want[32];
    snprintf(want, sizeof want, "auto (%d)", cpus);
    ASSERT_STR_EQ(wk->value, want);
    /* "+" from auto (2) goes to 3, "-" to 1: where the label says. */
    click(a, wk->plus);
    ASSERT_INT_EQ(a->cfg.workers, cpus < 8 ? cpus + 1 : cpus == 8 ? 12 : a->cfg.workers);
    a->cfg.workers = 0;
    click(a, wk->minus);
    if (cpus > 1)
        ASSERT_INT_EQ(a->cfg.workers, cpus <= 8 ? cpus - 1 : a->cfg.workers);
    /* Threads go 1, 2, 4, ...: "per task (8)" sits where 8 does. */
    ui_field_set(&a->ws.field, "8*io:1ms");
    app_refresh(a);
    ui_widget *th = ui_widgets_find(&a->ws, APP_W_THREADS);
    ASSERT_STR_EQ(th->value, "per task (8)");
    click(a, th->plus);
    ASSERT_INT_EQ(a->cfg.threads, 16);
    click(a, th->minus);
    ASSERT_INT_EQ(a->cfg.threads, 0); /* back to per task */
    click(a, th->minus);
    ASSERT_INT_EQ(a->cfg.threads, 4);
    for (int i = 0; i < 20; i++)
        click(a, th->plus);
    ASSERT_INT_EQ(a->cfg.threads, SIM_MAX_THREADS);
    /* A value typed: a click on it, digits, Enter; a bad one is refused
     * with the words the command line would use, under the field. */
    app_layout(a, W, H);
    click(a, wk->value_r);
    ASSERT_INT_EQ(a->ws.editing, (int)(wk - a->ws.w));
    type(a, "300");
    send_key(a, SDLK_RETURN, 0);
    ASSERT_CONTAINS(a->ws.field.error, "workers: expected a whole number from 1 to 256, "
                                       "got '300'");
    ASSERT_INT_EQ(a->ws.note_kind, UI_NOTE_ERROR);
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT_INT_EQ(a->ws.editing, -1);
    ASSERT(!a->ws.field.error[0]);
    /* By keyboard: Tab to the stepper, a digit starts typing. */
    int guard = 0;
    while (!focused(a, APP_W_WORKERS) && guard++ < 50)
        send_key(a, SDLK_TAB, 0);
    ASSERT(guard < 50);
    type(a, "3");
    send_key(a, SDLK_RETURN, 0);
    ASSERT_INT_EQ(a->cfg.workers, 3);
    ASSERT_STR_EQ(wk->value, "3");
    /* Tab never stops on a disabled control (Stop, with no run). */
    ASSERT(!ui_widgets_find(&a->ws, APP_W_STOP)->enabled);
    for (int i = 0; i < 2 * a->ws.n; i++) {
        send_key(a, SDLK_TAB, 0);
        ASSERT(!focused(a, APP_W_STOP));
    }
    send_key(a, SDLK_ESCAPE, 0);
    /* The model toggles and the speed slider, by mouse. */
    ui_widget *ft = ui_widgets_find(&a->ws, APP_W_MODEL0 + SIM_MODEL_FREE_THREADING);
    ASSERT(!sim_config_has_model(&a->cfg, SIM_MODEL_FREE_THREADING));
    click(a, ft->rect);
    ASSERT(sim_config_has_model(&a->cfg, SIM_MODEL_FREE_THREADING));
    ui_widget *sl = ui_widgets_find(&a->ws, APP_W_SPEED);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, sl->rect.x + sl->rect.w - 1 -
               ui_text_estimate("0.00x", a->layout.bar_small_px) - a->layout.bar_pad,
               sl->rect.y + 3, 1);
    send_mouse(a, SDL_MOUSEBUTTONUP, 0, 0, 1);
    ASSERT_INT_EQ(a->view.speed, UI_NSPEEDS - 1);
    guard = 0;
    while (!focused(a, APP_W_SPEED) && guard++ < 50)
        send_key(a, SDLK_TAB, 0);
    send_key(a, SDLK_LEFT, 0);
    ASSERT_INT_EQ(a->view.speed, UI_NSPEEDS - 2);
    free_app(a);
}

/* A settings change makes the picture stale; a refused run keeps it. */
static void test_stale_and_refused(void)
{
    app *a = fixture_app(4);
    app_refresh(a);
    ASSERT(a->ws.note_kind != UI_NOTE_STALE);
    ASSERT(!ui_widgets_find(&a->ws, APP_W_RUN)->on);
    ui_widget *mp = ui_widgets_find(&a->ws, APP_W_MODEL0 + SIM_MODEL_MULTIPROCESSING);
    click(a, mp->rect);
    ASSERT_INT_EQ(a->ws.note_kind, UI_NOTE_STALE);
    ASSERT_CONTAINS(a->ws.note, "press Run");
    ASSERT(ui_widgets_find(&a->ws, APP_W_RUN)->on);
    click(a, mp->rect); /* back as it was: no longer stale */
    ASSERT(a->ws.note_kind != UI_NOTE_STALE);
    ui_widget *iv = ui_widgets_find(&a->ws, APP_W_INTERVAL);
    click(a, iv->plus);
    ASSERT_INT_EQ(a->ws.note_kind, UI_NOTE_STALE);
    click(a, iv->minus);
    ASSERT(a->ws.note_kind != UI_NOTE_STALE);

    /* A run the window refuses keeps the picture on screen. */
    const char *before = a->cmp.workload;
    int n = a->cmp.ntraces;
    ui_field_set(&a->ws.field, "100001*io:1ms");
    ASSERT_INT_EQ(app_start_run(a), SIM_E_USAGE);
    ASSERT_INT_EQ(a->cmp.ntraces, n);
    ASSERT(a->cmp.workload == before);
    /* ...and so does one the core refuses (it would not fit in memory).
     * The field says so as soon as it is typed, before Run is pressed, in
     * the core's own sentence (the one `run` prints). */
    ui_field_set(&a->ws.field, "1000000*(100*yield)");
    a->cfg.memory_limit = SIM_MIN_MEMORY_LIMIT;
    sim_model only = SIM_MODEL_ASYNCIO;
    a->cfg.nmodels = 1;
    a->cfg.models[0] = only;
    app_refresh(a);
    ASSERT_CONTAINS(a->ws.field.error, "would need at least");
    {
        sim_run *r = calloc(1, sizeof *r);
        ASSERT(r);
        sim_run_desc d = {.cfg = a->cfg};
        d.cfg.workload = a->ws.field.text;
        char core[512];
        ASSERT_INT_EQ(sim_run_start(r, &d, core, sizeof core), SIM_E_USAGE);
        ASSERT_STR_EQ(a->ws.field.error, core);
        free(r);
    }
    ASSERT(app_start_run(a) != SIM_OK);
    ASSERT_CONTAINS(a->ws.field.error, "memory");
    ASSERT_INT_EQ(a->cmp.ntraces, n);
    ASSERT(a->cmp.workload == before);
    ASSERT(!app_run_busy(a));
    free_app(a);
}

/* The title says what is on screen. */
static void test_title(void)
{
    app *a = fixture_app(4);
    app_refresh(a);
    ASSERT_CONTAINS(a->title, "concviz");
    ASSERT_CONTAINS(a->title, "4*(cpu:40ms,io:60ms,cpu:40ms)");
    free_app(a);
}

static void test_live_run(void)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    sim_model ms[2] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING};
    app_desc d = {.cfg = {.workload = "3*(cpu:5ms,io:10ms)", .models = {ms[0], ms[1]},
                          .nmodels = 2},
                  .busy_window_ns = -1};
    app_init(a, &d);
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    ASSERT(a->run_active && a->view.live);
    ASSERT(ui_widgets_find(&a->ws, APP_W_STOP)->enabled);
    ASSERT(run_out(a, W, H, 10));
    ASSERT(!a->view.live);
    ASSERT_INT_EQ(a->cmp.ntraces, 2);
    for (int i = 0; i < 2; i++) {
        ASSERT(a->cmp.traces[i].end_ns > 0);
        ASSERT_INT_EQ(a->cmp.traces[i].ntasks, 3);
    }
    /* The code view's programs: asyncio's program under asyncio's panel. */
    ASSERT_INT_EQ(ui_lens_update(&a->lens, &a->cmp), 0);
    ASSERT(a->lens.p[0].prog.text && strstr(a->lens.p[0].prog.text, "asyncio"));
    /* The workload run is in the history: Up in the field brings it. */
    ui_field_set(&a->ws.field, "");
    a->ws.focus = (int)(ui_widgets_find(&a->ws, APP_W_FIELD) - a->ws.w);
    send_key(a, SDLK_UP, 0);
    ASSERT_STR_EQ(a->ws.field.text, "3*(cpu:5ms,io:10ms)");
    a->ws.focus = -1;

    /* A long run asks first, and a "no" keeps the picture. */
    ui_field_set(&a->ws.field, "100000*io:1s");
    a->cfg.threads = 8;
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    ASSERT(a->asking && !a->run_active);
    ASSERT_CONTAINS(a->dialog.text, "at least");
    ASSERT_CONTAINS(a->dialog.text, "threading");
    ASSERT_CONTAINS(a->dialog.text, " h ");
    ASSERT_STR_EQ(a->cmp.workload, "3*(cpu:5ms,io:10ms)");
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(!a->asking && !a->run_active);
    ASSERT_STR_EQ(a->cmp.workload, "3*(cpu:5ms,io:10ms)");
    /* "Yes" runs it; Esc stops it: what it drew stays, "stopped", and
     * the model whose turn never came is there, "not run". */
    send_key(a, SDLK_r, 0);
    ASSERT(a->asking);
    app_layout(a, W, H);
    click(a, a->dialog.yes_r);
    ASSERT(!a->asking && a->run_active);
    struct timespec ts = {0, 20000000};
    for (int i = 0; i < 10; i++) {
        app_tick(a, 0.02);
        nanosleep(&ts, NULL);
    }
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(run_out(a, W, H, 20));
    ASSERT_CONTAINS(a->view.status, "stopped");
    ASSERT_INT_EQ(a->cmp.ntraces, 2);
    ASSERT_INT_EQ(a->cmp.traces[0].outcome, SIM_OUTCOME_CANCELLED);
    ASSERT_INT_EQ(a->cmp.traces[1].outcome, SIM_OUTCOME_NOT_RUN);
    ASSERT(a->cmp.traces[0].nlanes >= 100000);
    free_app(a);
}

/* Every preset is a valid workload. */
static void test_presets(void)
{
    ASSERT(app_npresets == 5);
    for (int i = 0; i < app_npresets; i++) {
        sim_workload w;
        sim_parse_error e;
        ASSERT_MSG(sim_workload_parse(&w, app_presets[i].workload, &e) == 0,
                   "preset %s: %s", app_presets[i].name, e.message);
        ASSERT(w.ntasks >= 2);
        sim_workload_free(&w);
    }
}

int main(void)
{
    /* The dummy video driver: SDL's own clipboard, no display. */
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        fprintf(stderr, "note: SDL video did not start (%s)\n", SDL_GetError());
    test_presets();
    test_view_keys();
    test_field();
    test_steppers();
    test_stale_and_refused();
    test_title();
    test_live_run();
    SDL_Quit();
    puts("ui_app: ok");
    return 0;
}
