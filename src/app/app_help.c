/* app_help.c - the welcome and help card: opening it, its keys and
 * clicks, and remembering that the welcome was seen.
 *
 * On the first start (no "welcomed" file in the state folder, app_desc)
 * the card opens on its Welcome page; closing it, by any way, writes the
 * file, so the window opens straight on the comparison from then on. F1
 * and the Help button open the card again, on the page last shown.
 *
 * The card is modal: while it is open, keys and clicks are its own. Its
 * three ways in act at once: L (or "Start the course") opens the lesson
 * picker, a preset button runs that preset, W (or "Type a workload")
 * puts the cursor in the field with its text selected, ready to be typed
 * over. Tab or Left/Right turn the pages; Esc, F1 or a click beside the
 * card close it; any other key closes it too, as it always did.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app_lesson.h"
#include "app_ui.h"
#include "atomic_file.h"

void app_welcome_if_new(app *a)
{
    struct stat st;
    if (!a->welcomed_path[0] || stat(a->welcomed_path, &st) == 0)
        return;
    a->first_start = 1;
    app_help_open(a, UI_HELP_WELCOME);
}

void app_help_open(app *a, ui_help_page page)
{
    a->view.show_help = 1;
    a->help.page = page;
    a->help.hot = UI_HELP_NONE;
}

/* Writes the "welcomed" file; a failure only costs the welcome showing
 * again next time, and says so. */
static void remember(app *a)
{
    if (!a->welcomed_path[0])
        return;
    char msg[600];
    sim_afile f;
    if (app_mkdirs_for(a->welcomed_path, msg, sizeof msg) != 0 ||
        sim_afile_open(&f, a->welcomed_path, msg, sizeof msg) != 0) {
        ui_view_toast(&a->view, msg, 3.0);
        return;
    }
    fputs("concviz: the welcome was seen; delete this file to see it again at start\n", f.f);
    if (sim_afile_commit(&f, msg, sizeof msg) != 0)
        ui_view_toast(&a->view, msg, 3.0);
}

void app_help_close(app *a)
{
    a->view.show_help = 0;
    if (a->first_start) {
        a->first_start = 0;
        remember(a);
    }
}

static void turn(app *a, int dir)
{
    a->help.page = (ui_help_page)((a->help.page + UI_HELP__PAGES + dir) % UI_HELP__PAGES);
}

static void type_workload(app *a)
{
    app_help_close(a);
    ui_widget *f = ui_widgets_field(&a->ws);
    if (f) {
        a->ws.focus = (int)(f - a->ws.w);
        ui_field_select_all(&a->ws.field);
    }
}

static void course(app *a)
{
    app_help_close(a);
    app_lessons_open(a);
}

static int key(app *a, const SDL_KeyboardEvent *k)
{
    int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    switch (k->keysym.sym) {
    case SDLK_TAB: turn(a, shift ? -1 : 1); break;
    case SDLK_RIGHT: turn(a, 1); break;
    case SDLK_LEFT: turn(a, -1); break;
    case SDLK_l: course(a); break;
    case SDLK_w: type_workload(a); break;
    case SDLK_LSHIFT:
    case SDLK_RSHIFT:
    case SDLK_LCTRL:
    case SDLK_RCTRL:
    case SDLK_LALT:
    case SDLK_RALT:
        break; /* a modifier alone is the start of a key, not one */
    default:
        app_help_close(a); /* Esc, F1, and any other key */
        break;
    }
    return 1;
}

static void click(app *a, int item)
{
    if (item == UI_HELP_NONE || item == UI_HELP_CLOSE) {
        app_help_close(a);
    } else if (item == UI_HELP_COURSE) {
        course(a);
    } else if (item == UI_HELP_TYPE) {
        type_workload(a);
    } else if (item >= UI_HELP_PRESET0 && item < UI_HELP_PRESET0 + a->help.npresets) {
        app_help_close(a);
        app_use_preset(a, item - UI_HELP_PRESET0);
    } else if (item >= UI_HELP_TAB0 && item < UI_HELP_TAB0 + UI_HELP__PAGES) {
        a->help.page = (ui_help_page)(item - UI_HELP_TAB0);
    }
}

int app_help_event(app *a, const SDL_Event *e)
{
    if (!a->view.show_help)
        return 0;
    double s = a->px_scale > 0 ? a->px_scale : 1.0;
    switch (e->type) {
    case SDL_KEYDOWN:
        return key(a, &e->key);
    case SDL_TEXTINPUT:
    case SDL_MOUSEWHEEL:
    case SDL_MOUSEBUTTONUP:
        return 1;
    case SDL_MOUSEMOTION:
        a->help.hot = ui_help_hit(&a->help, (int)(e->motion.x * s), (int)(e->motion.y * s));
        a->view.mouse_x = (int)(e->motion.x * s);
        a->view.mouse_y = (int)(e->motion.y * s);
        return 1;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT)
            click(a, ui_help_hit(&a->help, (int)(e->button.x * s), (int)(e->button.y * s)));
        return 1;
    default:
        return 0;
    }
}
