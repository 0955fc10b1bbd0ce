/* dialog.h - a question the window asks before it acts, as plain data.
 *
 * "This run will take at least 3 h 28 min. Run it anyway?" A card in the
 * middle of the window with the question and two buttons; Enter says yes,
 * Esc says no, a click on either button too. Laid out by arithmetic, as
 * the other cards are, so that a test can click its buttons.
 */
#ifndef UI_DIALOG_H
#define UI_DIALOG_H

#include "geom.h"

enum { UI_DIALOG_NONE = 0, UI_DIALOG_BOX, UI_DIALOG_YES, UI_DIALOG_NO };

typedef struct ui_dialog {
    /* Inputs. */
    char text[400];        /* the question, wrapped by the drawing */
    char yes[48], no[48];  /* the buttons' labels */
    int hot;               /* the UI_DIALOG_* item under the pointer */
    /* Set by ui_dialog_layout. */
    int px, pad, row_h, line_h;
    ui_rect box, body, yes_r, no_r;
} ui_dialog;

/* Lays the card out in a w x h window for body text of font_px. */
void ui_dialog_layout(ui_dialog *d, int w, int h, int font_px);
/* The UI_DIALOG_* item at (x, y). */
int ui_dialog_hit(const ui_dialog *d, int x, int y);

#endif
