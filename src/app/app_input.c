/* app_input.c - one SDL event in, a change of state out.
 *
 * No drawing and no window calls here (the window layer acts on the
 * want_* requests), so a test can feed synthetic events and check the
 * view. An event goes to the first of these that wants it:
 *
 *   a question ("run it anyway?")   modal: Enter, Esc, its buttons
 *   the help card                   modal: its pages and buttons
 *   the lesson player               its keys (N, P, 1-9, L) and panel
 *   a stepper being typed           digits, Enter, Esc
 *   the text field with the focus   keys type text (app_field.c): "r"
 *                                   must not start a run
 *   the focused control             Enter, Space, Left, Right
 *   presenter keys, playback keys, the window's commands, scrolling
 *
 * Every control of the bar can be reached with Tab (a disabled one is
 * skipped) and used with Enter, Space or the arrow keys.
 */
#include <stdio.h>
#include <string.h>

#include "app_lesson.h"
#include "app_ui.h"
#include "code_view.h"
#include "hit.h"

static void cycle_theme(app *a)
{
    a->view.theme = (ui_theme_id)((a->view.theme + 1) % UI_THEME__COUNT);
}

static void toggle_help(app *a)
{
    if (a->view.show_help)
        app_help_close(a);
    else
        app_help_open(a, a->help.page);
}

/* A button, by mouse or keyboard. */
static void activate(app *a, int idx)
{
    ui_widget *w = &a->ws.w[idx];
    if (!w->enabled)
        return;
    if (w->id >= APP_W_PRESET0 && w->id < APP_W_PRESET0 + app_npresets) {
        app_use_preset(a, w->id - APP_W_PRESET0);
        return;
    }
    if (w->id >= APP_W_MODEL0 && w->id < APP_W_MODEL0 + SIM_MODEL__COUNT) {
        sim_model m = (sim_model)(w->id - APP_W_MODEL0);
        sim_config_set_model(&a->cfg, m, !sim_config_has_model(&a->cfg, m));
        return;
    }
    switch (w->id) {
    case APP_W_FIELD:
        a->ws.focus = idx;
        break;
    case APP_W_RUN:
        app_start_run(a);
        break;
    case APP_W_STOP:
        app_stop_run(a);
        break;
    case APP_W_CODE:
        a->view.show_code = !a->view.show_code;
        break;
    case APP_W_CPYTHON:
        app_python_toggle(a);
        break;
    case APP_W_THEME:
        cycle_theme(a);
        break;
    case APP_W_LESSONS:
        app_lessons_open(a);
        break;
    case APP_W_HELP:
        toggle_help(a);
        break;
    case APP_W_WORKERS:
    case APP_W_THREADS:
    case APP_W_INTERVAL:
    case APP_W_REPEAT:
        app_stepper_begin(a, idx, "");
        break;
    case APP_W_SPEED:
        app_stepper_step(a, w->id, +1);
        break;
    default:
        break;
    }
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

static int field_focused(const app *a)
{
    return a->ws.focus >= 0 && a->ws.w[a->ws.focus].kind == UI_W_FIELD;
}

static int64_t end_of(const app *a) { return ui_view_end(&a->view, &a->cmp); }

static void scroll_tasks(app *a, long rows)
{
    long s = (long)a->view.task_scroll + rows;
    long max = (long)ui_layout_max_scroll(&a->layout);
    a->view.task_scroll = (uint32_t)(s < 0 ? 0 : s > max ? max : s);
}

/* A key for the focused control: Enter or Space uses it, Left and Right
 * step a stepper or a slider, a digit starts typing a stepper's value.
 * Returns 1 if the key was the control's. */
static int control_key(app *a, SDL_Keycode sym)
{
    int fw = a->ws.focus;
    if (fw < 0)
        return 0;
    ui_widget *w = &a->ws.w[fw];
    if (w->kind == UI_W_STEPPER && sym == SDLK_SPACE) {
        app_stepper_step(a, w->id, +1);
        return 1;
    }
    if (sym == SDLK_RETURN || sym == SDLK_KP_ENTER || sym == SDLK_SPACE) {
        activate(a, fw);
        return 1;
    }
    if ((w->kind == UI_W_STEPPER || w->kind == UI_W_SLIDER) &&
        (sym == SDLK_LEFT || sym == SDLK_RIGHT)) {
        app_stepper_step(a, w->id, sym == SDLK_LEFT ? -1 : 1);
        return 1;
    }
    if (w->kind == UI_W_STEPPER && sym >= SDLK_0 && sym <= SDLK_9) {
        /* The digit itself arrives as SDL_TEXTINPUT, into the value. */
        app_stepper_begin(a, fw, "");
        return 1;
    }
    return 0;
}

/* Playback and the time axis: Space, - and + (with Ctrl: the text size),
 * Left and Right, Home and End, F. Returns 1 if the key was one of them. */
static int playback_key(app *a, SDL_Keycode sym, int ctrl)
{
    ui_view *v = &a->view;
    switch (sym) {
    case SDLK_SPACE:
        if (v->paused && v->playhead >= end_of(a))
            v->playhead = 0; /* at the end, Space plays again */
        v->paused = !v->paused;
        return 1;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        if (ctrl)
            ui_view_font_step(v, -1);
        else
            ui_view_speed_step(v, -1);
        return 1;
    case SDLK_EQUALS:
    case SDLK_PLUS:
    case SDLK_KP_PLUS:
        if (ctrl)
            ui_view_font_step(v, +1);
        else
            ui_view_speed_step(v, +1);
        return 1;
    case SDLK_LEFT:
    case SDLK_RIGHT:
        v->paused = 1;
        ui_view_step(v, sym == SDLK_LEFT ? -1 : 1, end_of(a));
        return 1;
    case SDLK_HOME:
        v->playhead = 0;
        v->paused = 0;
        return 1;
    case SDLK_END:
        v->playhead = end_of(a);
        v->paused = 1;
        return 1;
    case SDLK_f:
        ui_view_fit(v, ui_comparison_fit_end(&a->cmp));
        return 1;
    default:
        return 0;
    }
}

/* The window's commands: run and stop, the code view, CPython, the theme, help,
 * lessons, fullscreen, screenshots and saving the run. Returns 1 if the
 * key was one of them. */
static int command_key(app *a, SDL_Keycode sym, int ctrl, int shift)
{
    ui_view *v = &a->view;
    /* With Ctrl a letter is another key (Ctrl+C copies in the field):
     * only Ctrl+S and Ctrl+Shift+S are the window's. */
    if (ctrl && sym != SDLK_s)
        return 0;
    switch (sym) {
    case SDLK_r:
        app_start_run(a);
        return 1;
    case SDLK_ESCAPE:
        /* The innermost thing first: the run, the focus, the selection,
         * presenter mode. */
        if (a->run_active || a->run_pending)
            app_stop_run(a);
        else if (a->ws.focus >= 0)
            a->ws.focus = -1;
        else if (v->has_sel)
            v->has_sel = 0;
        else if (v->presenter)
            app_present_toggle(a);
        return 1;
    case SDLK_c:
        v->show_code = !v->show_code;
        return 1;
    case SDLK_y:
        app_python_toggle(a);
        return 1;
    case SDLK_t:
        cycle_theme(a);
        return 1;
    case SDLK_l:
        app_lessons_open(a);
        return 1;
    case SDLK_F1:
    case SDLK_QUESTION:
        toggle_help(a);
        return 1;
    case SDLK_SLASH:
        if (shift)
            toggle_help(a);
        return 1;
    case SDLK_F11:
        a->want_fullscreen = 1;
        return 1;
    case SDLK_F12:
        a->want_shot = 1;
        return 1;
    case SDLK_s:
        if (ctrl && shift)
            a->want_save_trace = 1;
        else if (ctrl)
            a->want_shot = 1;
        return 1;
    default:
        return 0;
    }
}

static int over_code(const app *a)
{
    return a->layout.code.w > 0 && a->view.hover &&
           ui_rect_has(a->layout.code, a->view.mouse_x, a->view.mouse_y);
}

/* The code view, under the pointer: Up / Down a line, Page Up / Page Down
 * a page. Returns 1 if the key was one of them. */
static int code_key(app *a, SDL_Keycode sym)
{
    if (!over_code(a))
        return 0;
    ui_code_geom g;
    ui_code_geom_of(&a->layout, &g);
    int page = g.rows > 2 ? g.rows - 2 : 1;
    int by = sym == SDLK_UP ? -1 : sym == SDLK_DOWN ? 1 : sym == SDLK_PAGEUP ? -page
             : sym == SDLK_PAGEDOWN ? page : 0;
    if (by == 0)
        return 0;
    ui_lens_update(&a->lens, &a->cmp);
    a->view.code_panel = ui_code_panel(&a->view, &a->cmp);
    ui_code_scroll_by(&a->view, &a->layout, &a->lens, by);
    return 1;
}

/* Page Up / Page Down a page of task lanes, Up / Down one lane. Returns 1
 * if the key was one of them. */
static int scroll_key(app *a, SDL_Keycode sym)
{
    if (code_key(a, sym))
        return 1;
    switch (sym) {
    case SDLK_PAGEUP:
    case SDLK_PAGEDOWN:
        scroll_tasks(a, (sym == SDLK_PAGEUP ? -1 : 1) *
                            (long)(a->layout.rows_visible > 1 ? a->layout.rows_visible - 1 : 1));
        return 1;
    case SDLK_UP:
    case SDLK_DOWN:
        scroll_tasks(a, sym == SDLK_UP ? -1 : 1);
        return 1;
    default:
        return 0;
    }
}

static void key(app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode sym = k->keysym.sym;
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0;
    int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    if (a->ws.editing >= 0) {
        app_stepper_edit_key(a, k);
        return;
    }
    if (field_focused(a) && app_field_key(a, k))
        return;
    if (control_key(a, sym))
        return;
    if (sym == SDLK_TAB) {
        if (a->layout.controls.h > 0) /* no hidden control takes the keys */
            focus_next(a, shift ? -1 : 1);
        return;
    }
    if (app_present_key(a, sym, shift))
        return;
    if (!playback_key(a, sym, ctrl) && !command_key(a, sym, ctrl, shift))
        scroll_key(a, sym);
}

static int in_timeline(const app *a, int x, int y)
{
    const ui_layout *l = &a->layout;
    return x >= l->tl_x0 && x < l->tl_x0 + l->tl_w && y >= l->ruler.y &&
           y < l->legend.y;
}

static void slider_at(app *a, int idx, int x)
{
    ui_widget *w = &a->ws.w[idx];
    int px = a->layout.bar_small_px, pad = a->layout.bar_pad;
    int lw = ui_text_estimate(w->label, px) + pad;
    int vw = ui_text_estimate("0.00x", px) + pad;
    int tx = w->rect.x + lw, tw = w->rect.w - lw - vw;
    if (tw <= 1)
        return;
    int stops = w->stops > 1 ? w->stops : 2;
    int s = (int)((double)(x - tx) / (tw - 1) * (stops - 1) + 0.5);
    if (s < 0)
        s = 0;
    if (s >= stops)
        s = stops - 1;
    if (w->id == APP_W_SPEED)
        a->view.speed = s;
}

static void widget_down(app *a, int wi, int x, int y, int shift, int clicks)
{
    ui_widget *w = &a->ws.w[wi];
    if (a->ws.editing >= 0 && a->ws.editing != wi)
        a->ws.editing = -1; /* a click elsewhere drops a value being typed */
    /* A click focuses only the text field; buttons keep the keys free. */
    a->ws.focus = w->kind == UI_W_FIELD ? wi : -1;
    if (w->kind == UI_W_FIELD) {
        ui_field *f = &a->ws.field;
        if (clicks >= 2) {
            ui_field_select_all(f);
        } else {
            ui_field_place(f, ui_field_offset_at(f, x), shift);
            a->drag = 5; /* a drag selects */
        }
    } else if (w->kind == UI_W_STEPPER) {
        if (ui_rect_has(w->minus, x, y))
            app_stepper_step(a, w->id, -1);
        else if (ui_rect_has(w->plus, x, y))
            app_stepper_step(a, w->id, +1);
        else if (ui_rect_has(w->value_r, x, y))
            app_stepper_begin(a, wi, "");
    } else if (w->kind == UI_W_SLIDER) {
        slider_at(a, wi, x);
        a->drag = 3;
        a->drag_x = wi;
    } else {
        activate(a, wi);
    }
}

static void mouse_down(app *a, int x, int y, int shift, int clicks)
{
    ui_view *v = &a->view;
    int wi = a->layout.controls.h > 0 ? ui_widgets_at(&a->ws, x, y) : -1;
    if (wi >= 0) {
        widget_down(a, wi, x, y, shift, clicks);
        return;
    }
    a->ws.focus = -1;
    a->ws.editing = -1;
    if (ui_rect_has(a->layout.ruler, x, y) && !shift) {
        /* Scrub: the ruler places the playhead. */
        v->playhead = ui_tm_t(&v->tm, x);
        if (v->playhead < 0)
            v->playhead = 0;
        v->paused = 1;
        a->drag = 4;
        return;
    }
    if (!in_timeline(a, x, y))
        return;
    if (shift) {
        a->drag = 2;
        v->has_sel = 1;
        v->sel_t0 = v->sel_t1 = ui_tm_t(&v->tm, x);
    } else {
        a->drag = 1;
        a->drag_x = x;
        a->drag_moved = 0;
    }
}

/* The code view follows the panel under the pointer: its program, from
 * where its task functions begin. */
static void code_follow(app *a, int x, int y)
{
    ui_view *v = &a->view;
    int at = ui_layout_panel_at(&a->layout, x, y);
    /* A CPython panel runs its model's program: the code view shows it. */
    int p = at >= 0 && at < a->layout.npanels ? a->layout.panels[at].src.trace : -1;
    if (a->layout.code.w <= 0 || p < 0 || p >= a->cmp.ntraces || p == v->code_panel)
        return;
    v->code_panel = p;
    v->code_scroll = -1;
}

/* A click on a lane (no drag): its task is chosen, and the code view
 * shows the line it was on at that moment. */
static void lane_click(app *a, int x, int y)
{
    ui_view *v = &a->view;
    ui_hit h;
    /* Only a model's lanes: CPython's runs have no steps to point at. */
    if (ui_hit_test(&a->layout, v, &a->cmp, x, y, &h) != UI_HIT_SEGMENT || !h.tr ||
        h.tr->source == SIM_SOURCE_CPYTHON)
        return;
    const sim_trace *tr = h.tr;
    long task = h.lane < tr->ntasks ? (long)h.lane
                : h.state == SIM_ST_RUNNING && h.arg < tr->ntasks ? (long)h.arg : -1;
    if (task < 0)
        return;
    v->code_panel = h.model;
    v->code_task = task;
    if (a->layout.code.w <= 0)
        return;
    ui_lens_update(&a->lens, &a->cmp);
    /* The segment's own step: where it began (a segment is one state). */
    int64_t at = h.lane < tr->ntasks ? h.seg_t0 : h.t;
    ui_code_show_line(v, &a->layout, &a->lens,
                      ui_lens_task_line(&a->lens, h.model, (uint32_t)task, at));
}

static void mouse_move(app *a, int x, int y)
{
    ui_view *v = &a->view;
    v->mouse_x = x;
    v->mouse_y = y;
    v->hover = 1;
    if (!a->drag)
        code_follow(a, x, y);
    a->ws.hot = a->layout.controls.h > 0 ? ui_widgets_at(&a->ws, x, y) : -1;
    switch (a->drag) {
    case 1:
        if (x != a->drag_x) {
            ui_tm_pan(&v->tm, x - a->drag_x);
            v->fitted = 0;
            a->drag_moved += x > a->drag_x ? x - a->drag_x : a->drag_x - x;
            a->drag_x = x;
        }
        break;
    case 2:
        v->sel_t1 = ui_tm_t(&v->tm, x);
        break;
    case 3:
        slider_at(a, a->drag_x, x);
        break;
    case 4:
        v->playhead = ui_tm_t(&v->tm, x);
        if (v->playhead < 0)
            v->playhead = 0;
        break;
    case 5:
        ui_field_place(&a->ws.field, ui_field_offset_at(&a->ws.field, x), 1);
        break;
    default:
        break;
    }
}

static void mouse_up(app *a)
{
    ui_view *v = &a->view;
    if (a->drag == 1 && a->drag_moved == 0)
        lane_click(a, v->mouse_x, v->mouse_y);
    if (a->drag == 2) {
        /* A click without a drag is not a selection. */
        double px = (double)(v->sel_t1 - v->sel_t0) / v->tm.ns_per_px;
        if (px < 3 && px > -3)
            v->has_sel = 0;
    }
    a->drag = 0;
}

static void wheel(app *a, const SDL_MouseWheelEvent *w)
{
    ui_view *v = &a->view;
    int x = v->mouse_x, y = v->mouse_y;
    if (a->layout.code.w > 0 && ui_rect_has(a->layout.code, x, y)) {
        ui_lens_update(&a->lens, &a->cmp);
        v->code_panel = ui_code_panel(v, &a->cmp);
        ui_code_scroll_by(v, &a->layout, &a->lens, -w->y * 3);
        return;
    }
    if (x < a->layout.tl_x0 && y >= a->layout.body.y && y < a->layout.legend.y) {
        scroll_tasks(a, -w->y * 3);
        return;
    }
    if (!in_timeline(a, x, y))
        return;
    SDL_Keymod mod = SDL_GetModState();
    if ((mod & KMOD_SHIFT) || w->x != 0) {
        ui_tm_pan(&v->tm, (w->x != 0 ? -w->x : w->y) * a->layout.tl_w / 10.0);
    } else {
        double f = 1.0;
        for (int i = 0; i < (w->y > 0 ? w->y : -w->y); i++)
            f *= 1.25;
        ui_tm_zoom(&v->tm, w->y > 0 ? f : 1.0 / f, x);
    }
    v->fitted = 0;
}

/* The question is modal: Enter or its yes, Esc or its no. */
static int dialog_event(app *a, const SDL_Event *e)
{
    if (!a->asking)
        return 0;
    double s = a->px_scale > 0 ? a->px_scale : 1.0;
    if (e->type == SDL_KEYDOWN) {
        SDL_Keycode k = e->key.keysym.sym;
        if (k == SDLK_RETURN || k == SDLK_KP_ENTER || k == SDLK_y)
            app_answer(a, 1);
        else if (k == SDLK_ESCAPE || k == SDLK_n)
            app_answer(a, 0);
        return 1;
    }
    if (e->type == SDL_MOUSEMOTION) {
        a->dialog.hot = ui_dialog_hit(&a->dialog, (int)(e->motion.x * s),
                                      (int)(e->motion.y * s));
        return 1;
    }
    if (e->type == SDL_MOUSEBUTTONDOWN && e->button.button == SDL_BUTTON_LEFT) {
        int hit = ui_dialog_hit(&a->dialog, (int)(e->button.x * s), (int)(e->button.y * s));
        if (hit == UI_DIALOG_YES || hit == UI_DIALOG_NO)
            app_answer(a, hit == UI_DIALOG_YES);
        return 1;
    }
    return e->type == SDL_TEXTINPUT || e->type == SDL_MOUSEWHEEL ||
           e->type == SDL_MOUSEBUTTONUP;
}

static void handle(app *a, const SDL_Event *e)
{
    double s = a->px_scale > 0 ? a->px_scale : 1.0;
    if (e->type == SDL_QUIT) {
        a->want_quit = 1;
        return;
    }
    if (dialog_event(a, e) || app_help_event(a, e) || app_lesson_event(a, e))
        return;
    switch (e->type) {
    case SDL_KEYDOWN:
        key(a, &e->key);
        break;
    case SDL_TEXTINPUT:
        if (a->ws.editing >= 0) {
            app_stepper_edit_text(a, e->text.text);
        } else if (field_focused(a)) {
            ui_field_insert(&a->ws.field, e->text.text);
        }
        break;
    case SDL_MOUSEMOTION:
        mouse_move(a, (int)(e->motion.x * s), (int)(e->motion.y * s));
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT) {
            a->view.mouse_x = (int)(e->button.x * s);
            a->view.mouse_y = (int)(e->button.y * s);
            mouse_down(a, a->view.mouse_x, a->view.mouse_y,
                       (SDL_GetModState() & KMOD_SHIFT) != 0, e->button.clicks);
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT)
            mouse_up(a);
        break;
    case SDL_MOUSEWHEEL:
        wheel(a, &e->wheel);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_LEAVE)
            a->view.hover = 0;
        break;
    default:
        break;
    }
}

void app_handle_event(app *a, const SDL_Event *e)
{
    handle(a, e);
    /* What the bar says follows at once: an error as it is typed. */
    app_refresh(a);
}
