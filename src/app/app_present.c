/* app_present.c - presenter mode, and stepping through the moments of a run.
 *
 * Presenter mode (F5) is the window for a class: the controls bar goes
 * (the teacher sets things up before, or leaves the mode for a moment),
 * text is as large as the projector theme's, and the keys walk the run
 * at the teacher's pace instead of the replay's:
 *
 *   Right / Left  (presenter mode)   the next / previous event
 *   .  ,          (any mode)         the next / previous event
 *   ]  [          (any mode)         the next / previous switch
 *   B                                bookmark the moment (again: remove it)
 *   G  Shift+G                       the next / previous bookmark
 *
 * An event is any lane changing state; a switch is what the panels count
 * as switches (moments.h). Each step pauses the replay where it lands, so
 * the tooltip and the teacher can explain it; a step to a moment off
 * screen pans the view to it.
 */
#include <stdio.h>

#include "app_ui.h"
#include "moments.h"

void app_present_toggle(app *a)
{
    ui_view *v = &a->view;
    v->presenter = !v->presenter;
    a->ws.focus = -1;
    a->ws.editing = -1;
    if (v->presenter)
        ui_view_toast(v, "presenter mode: \xe2\x86\x90 \xe2\x86\x92 events \xc2\xb7 [ ] switches "
                      "\xc2\xb7 B bookmark \xc2\xb7 G next bookmark \xc2\xb7 F5 leaves", 4.0);
}

static void go(app *a, int64_t t, const char *none)
{
    if (t < 0) {
        ui_view_toast(&a->view, none, 1.5);
        return;
    }
    ui_view_seek(&a->view, t);
}

int app_present_key(app *a, SDL_Keycode sym, int shift)
{
    ui_view *v = &a->view;
    int64_t end = ui_view_end(&a->view, &a->cmp);
    if (sym == SDLK_F5) {
        app_present_toggle(a);
        return 1;
    }
    if (v->live)
        return 0; /* the run is still being recorded: nothing to step through yet */
    switch (sym) {
    case SDLK_RIGHT:
    case SDLK_LEFT:
        if (!v->presenter || shift)
            return 0;
        go(a, ui_next_event(&a->cmp, v->playhead, sym == SDLK_RIGHT ? 1 : -1, end),
           sym == SDLK_RIGHT ? "no event after this moment" : "no event before this moment");
        return 1;
    case SDLK_PERIOD:
    case SDLK_COMMA:
        go(a, ui_next_event(&a->cmp, v->playhead, sym == SDLK_PERIOD ? 1 : -1, end),
           sym == SDLK_PERIOD ? "no event after this moment" : "no event before this moment");
        return 1;
    case SDLK_RIGHTBRACKET:
    case SDLK_LEFTBRACKET:
        go(a, ui_next_switch(&a->cmp, v->playhead, sym == SDLK_RIGHTBRACKET ? 1 : -1, end),
           sym == SDLK_RIGHTBRACKET ? "no switch after this moment"
                                    : "no switch before this moment");
        return 1;
    case SDLK_b: {
        /* Near is two pixels: B on a bookmark's line removes it. */
        int64_t near = (int64_t)(v->tm.ns_per_px * 2);
        int r = ui_view_bookmark(v, v->playhead, near);
        char msg[96], t[32];
        ui_format_dur(v->playhead, t, sizeof t);
        if (r > 0)
            snprintf(msg, sizeof msg, "bookmark at %s (G goes to the next one)", t);
        else if (r == 0)
            snprintf(msg, sizeof msg, "bookmark at %s removed", t);
        else
            snprintf(msg, sizeof msg, "%d bookmarks already: B on one removes it",
                     UI_MAX_BOOKMARKS);
        ui_view_toast(v, msg, 2.0);
        return 1;
    }
    case SDLK_g:
        if (v->nbookmarks == 0) {
            ui_view_toast(v, "no bookmark yet: B marks the moment under the playhead", 2.0);
            return 1;
        }
        go(a, ui_view_bookmark_next(v, v->playhead, shift ? -1 : 1),
           shift ? "no bookmark before this moment" : "no bookmark after this moment");
        return 1;
    default:
        return 0;
    }
}
