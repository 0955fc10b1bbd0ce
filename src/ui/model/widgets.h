/* widgets.h - the controls bar as plain data: buttons, toggles, steppers, a
 * slider, one text field (field.h) and the note under it.
 *
 * The app owns a ui_widgets, fills in labels and values, and asks
 * ui_widgets_layout to flow them into rows; draw_widgets.c draws them and
 * ui_widgets_at says which one is under the pointer. No SDL here, so tests
 * can click buttons by coordinates without a window. Widths are estimated
 * from the font size (DejaVu Sans averages about 0.6 em per character):
 * close enough for padding, and the same on every machine.
 *
 * The note is a row of its own under the field's row, so that what it
 * says (an error with its caret, "settings changed: press Run", a hint)
 * never covers a control: the bar grows by a row instead.
 */
#ifndef UI_WIDGETS_H
#define UI_WIDGETS_H

#include "field.h"
#include "geom.h"
#include "layout.h"

#define UI_MAX_WIDGETS 40

typedef enum ui_widget_kind {
    UI_W_LABEL = 0,
    UI_W_BUTTON,
    UI_W_TOGGLE,    /* a button that stays pressed (`on`) */
    UI_W_FIELD,     /* the text field (one per bar) */
    UI_W_STEPPER,   /* label, [-] value [+] */
    UI_W_SLIDER,    /* label and a track with `stops` positions */
    UI_W_NOTE,      /* a whole row of text under the field (ui_widgets.note) */
} ui_widget_kind;

/* What the note says, by priority: the first that applies is shown. */
typedef enum ui_note_kind {
    UI_NOTE_NONE = 0,
    UI_NOTE_HINT,           /* what the field takes, or what a key does */
    UI_NOTE_BUSY,           /* the machine was busy before the run on screen */
    UI_NOTE_STALE,          /* the settings changed since the picture was made */
    UI_NOTE_ERROR,          /* what is wrong with the text (caret at field.error_at) */
} ui_note_kind;

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
    int value_chars;        /* steppers: room for this many characters (0: 8) */
    ui_rect rect;           /* set by ui_widgets_layout */
    ui_rect minus, plus;    /* steppers: the two halves that step */
    ui_rect value_r;        /* steppers: the value between them (click to type) */
} ui_widget;

typedef struct ui_widgets {
    ui_widget w[UI_MAX_WIDGETS];
    int n;
    int hot;                /* under the pointer, or -1 */
    int focus;              /* keyboard focus, or -1 */
    int rows;               /* rows the last layout used */
    ui_field field;         /* the text field's text, cursor, undo, error */
    int selecting;          /* a mouse drag selects text in the field */
    /* A stepper's value being typed (Enter sets it, Esc drops it). */
    int editing;            /* the widget's index, or -1 */
    char edit[24];
    /* The note under the field. */
    ui_note_kind note_kind;
    char note[512];
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

/* The field widget, or NULL. */
ui_widget *ui_widgets_field(ui_widgets *ws);
/* Whether widget i can take the focus (Tab): not a label or the note, and
 * enabled. */
int ui_widgets_focusable(const ui_widgets *ws, int i);
/* The widest a label of the bar is drawn (bold), as the layout estimates it. */
int ui_label_estimate(const char *s, int px);

#endif
