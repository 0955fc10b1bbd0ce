/* app_events.h - synthetic SDL events for the window's tests.
 *
 * The app takes SDL events (app_ui.h) and no window is needed to make
 * them: a test builds the event a key press or a click would make and
 * hands it over, then checks the state. A real key press also brings an
 * SDL_TEXTINPUT with the character typed; type() sends both, as SDL does.
 */
#ifndef APP_EVENTS_H
#define APP_EVENTS_H

#include <stdio.h>
#include <string.h>

#include "app_ui.h"

static inline void send_key(app *a, SDL_Keycode k, Uint16 mod)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = k;
    e.key.keysym.mod = mod;
    app_handle_event(a, &e);
}

static inline void send_text(app *a, const char *s)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_TEXTINPUT;
    snprintf(e.text.text, sizeof e.text.text, "%s", s);
    app_handle_event(a, &e);
}

/* Each character as a key press and its text, as typing does. */
static inline void type(app *a, const char *s)
{
    for (const char *p = s; *p; p++) {
        char one[2] = {*p, 0};
        SDL_Keycode k = *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p;
        send_key(a, k, 0);
        send_text(a, one);
    }
}

static inline void send_mouse(app *a, Uint32 type_, int x, int y, int clicks)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type_;
    if (type_ == SDL_MOUSEMOTION) {
        e.motion.x = x;
        e.motion.y = y;
    } else {
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = x;
        e.button.y = y;
        e.button.clicks = (Uint8)clicks;
    }
    app_handle_event(a, &e);
}

static inline void send_wheel(app *a, int dy)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEWHEEL;
    e.wheel.y = dy;
    app_handle_event(a, &e);
}

static inline void click_at(app *a, int x, int y)
{
    send_mouse(a, SDL_MOUSEMOTION, x, y, 0);
    send_mouse(a, SDL_MOUSEBUTTONDOWN, x, y, 1);
    send_mouse(a, SDL_MOUSEBUTTONUP, x, y, 1);
}

static inline void click(app *a, ui_rect r)
{
    click_at(a, r.x + r.w / 2, r.y + r.h / 2);
}

/* Ticks until the run (and a repeat's runs) is over, at most `seconds`. */
static inline int run_out(app *a, int w, int h, double seconds)
{
    struct timespec ts = {0, 2000000};
    for (int i = 0; i < (int)(seconds / 0.002) && app_run_busy(a); i++) {
        app_tick(a, 0.002);
        app_layout(a, w, h);
        nanosleep(&ts, NULL);
    }
    return !app_run_busy(a);
}

#endif
