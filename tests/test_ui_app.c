/* test_ui_app.c - the window's input handling, driven by synthetic SDL
 * events with no window: wheel zoom around the pointer, drag pan, Shift-drag
 * selection, playback keys, the bar's controls, and the text field
 * swallowing shortcuts while it has the focus. Last, a short real run
 * (asyncio and threading, no processes) followed live through app_tick.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app_ui.h"
#include "headless.h"
#include "test.h"
#include "ui_fixture.h"

#define W 1280
#define H 720

static void send_key(app *a, SDL_Keycode k, Uint16 mod)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = k;
    e.key.keysym.mod = mod;
    app_handle_event(a, &e);
}

static void send_text(app *a, const char *s)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_TEXTINPUT;
    snprintf(e.text.text, sizeof e.text.text, "%s", s);
    app_handle_event(a, &e);
}

static void send_mouse(app *a, Uint32 type, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x;
        e.motion.y = y;
    } else {
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = x;
        e.button.y = y;
    }
    app_handle_event(a, &e);
}

static void send_wheel(app *a, int dy)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEWHEEL;
    e.wheel.y = dy;
    app_handle_event(a, &e);
}

static void click(app *a, ui_rect r)
{
    send_mouse(a, SDL_MOUSEMOTION, r.x + r.w / 2, r.y + r.h / 2);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, r.x + r.w / 2, r.y + r.h / 2);
    send_mouse(a, SDL_MOUSEBUTTONUP, r.x + r.w / 2, r.y + r.h / 2);
}

static void test_input(void)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {0};
    app_init(a, &d);
    fixture_comparison(&a->cmp, 4);
    a->view.live = 0;
    a->view.paused = 1;
    a->view.playhead = 100 * FX_MS;
    app_layout(a, W, H);
    ui_view *v = &a->view;
    ASSERT(v->fitted);
    int y = a->layout.panels[1].tasks.y + 5;

    /* Wheel zoom keeps the time under the pointer. */
    int px = a->layout.tl_x0 + a->layout.tl_w / 3;
    send_mouse(a, SDL_MOUSEMOTION, px, y);
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
    send_mouse(a, SDL_MOUSEBUTTONDOWN, px, y);
    send_mouse(a, SDL_MOUSEMOTION, px + 60, y);
    send_mouse(a, SDL_MOUSEMOTION, px + 100, y);
    send_mouse(a, SDL_MOUSEBUTTONUP, px + 100, y);
    ASSERT(fabs((t0 - v->tm.t0) - 100 * v->tm.ns_per_px) < 1.0);
    ASSERT(!v->has_sel);

    /* F fits again. */
    send_key(a, SDLK_f, 0);
    ASSERT(v->fitted);
    app_layout(a, W, H);

    /* Shift-drag selects a range. */
    SDL_SetModState(KMOD_LSHIFT);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, px, y);
    send_mouse(a, SDL_MOUSEMOTION, px + 150, y);
    send_mouse(a, SDL_MOUSEBUTTONUP, px + 150, y);
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

    /* The text field: a click focuses it; keys type and trigger nothing. */
    app_layout(a, W, H);
    ui_widget *f = ui_widgets_find(&a->ws, APP_W_FIELD);
    click(a, f->rect);
    ASSERT(a->ws.focus >= 0 && a->ws.w[a->ws.focus].id == APP_W_FIELD);
    send_key(a, SDLK_END, 0);
    size_t len = strlen(a->ws.text);
    int paused = v->paused, theme = v->theme, code = v->show_code;
    send_key(a, SDLK_SPACE, 0);
    send_text(a, " ");
    send_key(a, SDLK_r, 0);
    send_text(a, "r");
    send_key(a, SDLK_t, 0);
    send_text(a, "t");
    send_key(a, SDLK_c, 0);
    send_text(a, "c");
    ASSERT_INT_EQ(strlen(a->ws.text), len + 4);
    ASSERT_STR_EQ(a->ws.text + len, " rtc");
    ASSERT_INT_EQ(v->paused, paused);
    ASSERT_INT_EQ(v->theme, theme);
    ASSERT_INT_EQ(v->show_code, code);
    ASSERT(!a->run_active && !a->run_held);
    /* Enter with a bad workload: an inline error with its column, no run. */
    send_key(a, SDLK_RETURN, 0);
    ASSERT(!a->run_active);
    ASSERT_CONTAINS(a->ws.error, "workload:1:");
    ASSERT_CONTAINS(a->ws.error, "^");
    send_key(a, SDLK_BACKSPACE, 0);
    ASSERT(a->ws.error[0] == 0);
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(a->ws.focus < 0);

    /* The bar by mouse: a stepper, a model toggle, the speed slider. */
    ui_widget *wk = ui_widgets_find(&a->ws, APP_W_WORKERS);
    ASSERT_INT_EQ(a->cfg.workers, 0);
    click(a, wk->plus);
    click(a, wk->plus);
    ASSERT_INT_EQ(a->cfg.workers, 2);
    click(a, wk->minus);
    ASSERT_INT_EQ(a->cfg.workers, 1);
    ui_widget *ft = ui_widgets_find(&a->ws, APP_W_MODEL0 + SIM_MODEL_FREE_THREADING);
    ASSERT(!sim_config_has_model(&a->cfg, SIM_MODEL_FREE_THREADING));
    click(a, ft->rect);
    ASSERT(sim_config_has_model(&a->cfg, SIM_MODEL_FREE_THREADING));
    ui_widget *sl = ui_widgets_find(&a->ws, APP_W_SPEED);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, sl->rect.x + sl->rect.w - 1 -
               ui_text_estimate("0.00x", a->layout.small_px) - a->layout.pad, sl->rect.y + 3);
    send_mouse(a, SDL_MOUSEBUTTONUP, 0, 0);
    ASSERT_INT_EQ(v->speed, UI_NSPEEDS - 1);
    /* ... and by keyboard: Tab to the speed slider, Left steps it. */
    int guard = 0;
    while ((a->ws.focus < 0 || a->ws.w[a->ws.focus].id != APP_W_SPEED) && guard++ < 50)
        send_key(a, SDLK_TAB, 0);
    ASSERT(guard < 50);
    send_key(a, SDLK_LEFT, 0);
    ASSERT_INT_EQ(v->speed, UI_NSPEEDS - 2);
    send_key(a, SDLK_ESCAPE, 0);
    ASSERT(a->ws.focus < 0);

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

    app_deinit(a);
    free(a);
}

static void test_live_run(void)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    sim_model ms[2] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING};
    app_desc d = {.cfg = {.workload = "3*(cpu:5ms,io:10ms)", .models = {ms[0], ms[1]},
                          .nmodels = 2}};
    app_init(a, &d);
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    ASSERT(a->run_active && a->view.live);
    struct timespec ts = {0, 2000000};
    int frames = 0;
    while (a->run_active && frames < 5000) {
        app_tick(a, 0.002);
        app_layout(a, W, H);
        nanosleep(&ts, NULL);
        frames++;
    }
    ASSERT(!a->run_active);
    ASSERT(!a->view.live);
    ASSERT_INT_EQ(a->cmp.ntraces, 2);
    for (int i = 0; i < 2; i++) {
        ASSERT(a->cmp.traces[i].end_ns > 0);
        ASSERT_INT_EQ(a->cmp.traces[i].ntasks, 3);
    }
    ASSERT(a->code[0] && strstr(a->code[0], "asyncio"));
    /* Stop mid-run: Esc cancels, the run is collected. */
    ui_field_set(&a->ws, "2*cpu:2s");
    ASSERT_INT_EQ(app_start_run(a), SIM_OK);
    app_tick(a, 0.01);
    send_key(a, SDLK_ESCAPE, 0);
    int guard = 0;
    while (a->run_active && guard++ < 2000) {
        app_tick(a, 0.002);
        nanosleep(&ts, NULL);
    }
    ASSERT(!a->run_active);
    ASSERT_CONTAINS(a->status, "stopped");
    app_deinit(a);
    free(a);
}

/* Renders the whole window (bar included) headless and checks that the bar
 * is drawn; with UI_SHOTS_DIR set, saves the pictures for a person to see. */
static void render(app *a, int w, int h, const char *name)
{
    ui_headless hl;
    char err[256];
    ASSERT_MSG(ui_headless_init(&hl, w, h, err, sizeof err) == 0, "%s", err);
    app_layout(a, w, h);
    ui_frame_extra x = {.widgets = &a->ws, .status = a->status};
    for (int i = 0; i < SIM_MODEL__COUNT; i++)
        x.code[i] = a->code[i];
    ui_draw_frame(&hl.ui, &a->layout, &a->view, &a->cmp, &x);
    SDL_RenderPresent(hl.r);
    /* The Run button has text on it. */
    ui_widget *run = ui_widgets_find(&a->ws, APP_W_RUN);
    ASSERT(run->rect.x + run->rect.w <= w);
    ui_color bg = ui_theme_get(a->view.theme)->button;
    int ink = 0;
    for (int y = run->rect.y + 2; y < run->rect.y + run->rect.h - 2; y++)
        for (int xx = run->rect.x + 2; xx < run->rect.x + run->rect.w - 2; xx++) {
            ui_color c = ui_headless_pixel(&hl, xx, y);
            ink += abs(c.r - bg.r) + abs(c.g - bg.g) + abs(c.b - bg.b) > 90;
        }
    ASSERT_MSG(ink > 10 || a->view.show_help, "no label on the Run button (%d)", ink);
    /* Every widget lies inside the bar, and none overlaps the next. */
    for (int i = 0; i < a->ws.n; i++) {
        ui_rect r = a->ws.w[i].rect;
        ASSERT(r.y >= a->layout.controls.y);
        ASSERT(r.y + r.h <= a->layout.controls.y + a->layout.controls.h);
        if (i + 1 < a->ws.n && a->ws.w[i + 1].rect.y == r.y)
            ASSERT(a->ws.w[i + 1].rect.x >= r.x + r.w);
    }
    const char *dir = getenv("UI_SHOTS_DIR");
    if (dir) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.png", dir, name);
        ASSERT_MSG(ui_save_png(hl.surf, path, err, sizeof err) == 0, "%s", err);
    }
    ui_headless_deinit(&hl);
}

static void test_render(void)
{
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {0};
    app_init(a, &d);
    fixture_comparison(&a->cmp, 4);
    a->view.live = 0;
    a->view.paused = 1;
    a->view.playhead = 150 * FX_MS;
    static const int sizes[2][2] = {{1280, 720}, {3840, 2160}};
    for (int s = 0; s < 2; s++) {
        for (int t = 0; t < UI_THEME__COUNT; t++) {
            a->view.theme = (ui_theme_id)t;
            char name[64];
            snprintf(name, sizeof name, "app-%s-%d", ui_theme_name(a->view.theme),
                     sizes[s][0]);
            app_layout(a, sizes[s][0], sizes[s][1]);
            /* A selection, and the pointer over threading's task 1. */
            a->view.has_sel = 1;
            a->view.sel_t0 = 40 * FX_MS;
            a->view.sel_t1 = 80 * FX_MS;
            ui_rect r;
            ASSERT(ui_layout_lane_rect(&a->layout, 1, 1, a->cmp.traces[1].nlanes, &r) == 0);
            a->view.hover = 1;
            a->view.mouse_x = (int)ui_tm_x(&a->view.tm, 120 * FX_MS);
            a->view.mouse_y = r.y + r.h / 2;
            render(a, sizes[s][0], sizes[s][1], name);
        }
    }
    a->view.theme = UI_THEME_LIGHT;
    a->view.has_sel = 0;
    a->view.hover = 0;
    /* A parse error under the field. */
    ui_field_set(&a->ws, "4*(cpu:40ms,io:60)");
    ASSERT(app_start_run(a) == SIM_E_USAGE);
    render(a, 1280, 720, "app-error-1280");
    a->ws.error[0] = 0;
    /* The help overlay. */
    a->view.show_help = 1;
    render(a, 1280, 720, "app-help-1280");
    render(a, 3840, 2160, "app-help-3840");
    a->view.show_help = 0;
    /* Many tasks: thin rows, scrolling and the summary lane. */
    sim_comparison_deinit(&a->cmp);
    fixture_comparison(&a->cmp, 3000);
    a->view.playhead = ui_comparison_end(&a->cmp);
    a->view.fitted = 1;
    render(a, 1280, 720, "app-many-1280");
    app_deinit(a);
    free(a);
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
    test_presets();
    test_input();
    test_render();
    test_live_run();
    return 0;
}
