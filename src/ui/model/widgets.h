/* widgets.h - the controls bar as plain data: buttons, toggles, steppers, a
 * slider and one text field.
 *
 * The app owns a ui_widgets, fills in labels and values, and asks
 * ui_widgets_layout to flow them into rows; draw_widgets.c draws them and
 * ui_widgets_at says which one is under the pointer. No SDL here, so tests
 * can click buttons by coordinates without a window. Widths are estimated
 * from the font size (DejaVu Sans averages about 0.6 em per character):
 * close enough for padding, and the same on every machine.
 */
#ifndef UI_WIDGETS_H
#define UI_WIDGETS_H

#include "geom.h"
#include "layout.h"

#define UI_MAX_WIDGETS 40
#define UI_FIELD_MAX 1024

typedef enum ui_widget_kind {
    UI_W_LABEL = 0,
    UI_W_BUTTON,
    UI_W_TOGGLE,    /* a button that stays pressed (`on`) */
    UI_W_FIELD,     /* the text field (one per bar) */
    UI_W_STEPPER,   /* label, [-] value [+] */
    UI_W_SLIDER,    /* label and a track with `stops` positions */
} ui_widget_kind;

typedef struct ui_widget {
    int id;                 /* the app's own identifier */
    ui_widget_kind kind;
    char label[48];
    char value[32];         /* steppers and sliders: the value shown */
    char tip[96];           /* what it does, with its key */
    int on;                 /* toggles */
    int enabled;
    int newrow;             /* start a new row before this widget */
    int grow;               /* take the rest of the row (the field) */
    int stops, stop;        /* sliders: positions and the current one */
    ui_rect rect;           /* set by ui_widgets_layout */
    ui_rect minus, plus;    /* steppers: the two halves that step */
} ui_widget;

typedef struct ui_widgets {
    ui_widget w[UI_MAX_WIDGETS];
    int n;
    int hot;                /* under the pointer, or -1 */
    int focus;              /* keyboard focus, or -1 */
    int rows;               /* rows the last layout used */
    /* The text field. */
    char text[UI_FIELD_MAX];
    int cursor;             /* byte offset */
    char error[512];        /* a parse error, formatted, "" if none */
} ui_widgets;

void ui_widgets_init(ui_widgets *ws);
/* Appends a widget; returns it (NULL when full). */
ui_widget *ui_widgets_add(ui_widgets *ws, int id, ui_widget_kind kind,
                          const char *label);
ui_widget *ui_widgets_find(ui_widgets *ws, int id);
/* Flows the widgets into rows of `bar` (wrapping when a row is full);
 * returns the number of rows used. */
int ui_widgets_layout(ui_widgets *ws, ui_rect bar, int font_px, int row_h,
                      int pad);
/* The index of the widget at (x, y), or -1. */
int ui_widgets_at(const ui_widgets *ws, int x, int y);
/* The width estimate used by the layout. */
int ui_text_estimate(const char *s, int px);

/* Text field editing (UTF-8 aware for cursor moves and deletes). */
void ui_field_insert(ui_widgets *ws, const char *utf8);
void ui_field_backspace(ui_widgets *ws);
void ui_field_delete(ui_widgets *ws);
void ui_field_move(ui_widgets *ws, int dir);  /* -1, +1; -2 home, +2 end */
void ui_field_set(ui_widgets *ws, const char *text);

#endif
