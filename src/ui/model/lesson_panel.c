/* lesson_panel.c - where the lesson panel's parts go, and what is clicked.
 *
 * Plain arithmetic from the panel's rectangle and the window's text sizes,
 * as layout.c does for the timelines. Everything clickable is anchored to
 * the bottom of the panel (buttons, then a prediction's choices above
 * them), so it stays put while the narration above scrolls, and so its
 * place is known without measuring any text: a test clicks it with no
 * fonts loaded.
 */
#include <stdlib.h>
#include <string.h>

#include "lesson_panel.h"

int ui_lesson_panel_width(int w, int font_px)
{
    int pw = w * 3 / 10;
    if (pw < 22 * font_px)
        pw = 22 * font_px;
    if (pw > 42 * font_px)
        pw = 42 * font_px;
    if (pw > w / 2)
        pw = w / 2;
    return pw;
}

void ui_lesson_panel_layout(ui_lesson_panel *p, ui_rect r, int font_px, int small_px,
                            int title_px, int row_h, int pad)
{
    p->rect = r;
    p->font_px = font_px;
    p->small_px = small_px;
    p->title_px = title_px;
    p->row_h = row_h;
    p->pad = pad;
    int x = r.x + pad, w = r.w - 2 * pad;
    int gap = pad / 2 > 1 ? pad / 2 : 1;
    p->header = (ui_rect){x, r.y + gap, w, row_h};
    int bottom = r.y + r.h - gap;
    int top = p->header.y + p->header.h + gap;
    int y1, y;
    if (p->handout) {
        /* Paper has nothing to click: the footer (the machine and the
         * date) takes the buttons' place, the choices sit above it. */
        int line = small_px + small_px / 3;
        p->foot = (ui_rect){x, bottom - 3 * line, w, 3 * line};
        p->keys = p->lessons = p->restart = p->prev = p->next = (ui_rect){x, p->foot.y, 0, 0};
        y1 = p->foot.y;
        y = y1 - gap;
    } else {
        p->foot = (ui_rect){x, bottom, 0, 0};
        p->keys = (ui_rect){x, bottom - row_h, w, row_h};
        int bw = (w - gap) / 2;
        int y2 = p->keys.y - gap - row_h;
        p->lessons = (ui_rect){x, y2, bw, row_h};
        p->restart = (ui_rect){x + bw + gap, y2, w - bw - gap, row_h};
        y1 = y2 - gap - row_h;
        p->prev = (ui_rect){x, y1, bw, row_h};
        p->next = (ui_rect){x + bw + gap, y1, w - bw - gap, row_h};
        /* The status line sits above the buttons; choices above it. */
        y = y1 - gap - row_h;
    }
    const lesson_step *s = p->les && p->step >= 0 && (size_t)p->step < p->les->nsteps
                               ? &p->les->steps[p->step] : NULL;
    p->nchoices = s && s->pred.question ? s->pred.nchoices : 0;
    memset(p->choice, 0, sizeof p->choice);
    /* Once there is a guess or a verdict, each choice gets a second line
     * for its tags ("your guess", "measured here", "the lesson's answer"):
     * beside the choice they would cover its text in a narrow panel. */
    p->tag_h = p->guess >= 0 || p->revealed ? small_px + small_px / 3 + 2 : 0;
    for (int i = p->nchoices - 1; i >= 0; i--) {
        y -= row_h + p->tag_h + gap;
        p->choice[i] = (ui_rect){x, y, w, row_h + p->tag_h};
    }
    if (s && s->pred.question) {
        p->pred = (ui_rect){x, y, w, (p->handout ? y1 : y1 - gap - row_h) - y};
    } else {
        p->pred = (ui_rect){x, y, w, 0};
    }
    if (y < top)
        y = top;
    p->body = (ui_rect){x, top, w, y - gap - top};
    if (p->body.h < 0)
        p->body.h = 0;
    /* Picker rows: a title line and a detail line each. */
    int rh = row_h + small_px + gap * 2;
    p->row_rect0 = (ui_rect){x, top, w, rh};
    int avail = y1 - gap - top;
    p->rows_visible = rh > 0 && avail > 0 ? avail / rh : 0;
}

int ui_lesson_panel_row_rect(const ui_lesson_panel *p, int i, ui_rect *r)
{
    if (i < p->top || i >= p->nrows || i >= p->top + p->rows_visible)
        return -1;
    *r = p->row_rect0;
    r->y += (i - p->top) * p->row_rect0.h;
    return 0;
}

void ui_lesson_panel_show_sel(ui_lesson_panel *p)
{
    if (p->sel < 0)
        p->sel = 0;
    if (p->sel >= p->nrows)
        p->sel = p->nrows - 1;
    if (p->sel < p->top)
        p->top = p->sel;
    if (p->rows_visible > 0 && p->sel >= p->top + p->rows_visible)
        p->top = p->sel - p->rows_visible + 1;
    if (p->top < 0)
        p->top = 0;
}

int ui_lesson_panel_hit(const ui_lesson_panel *p, int x, int y)
{
    if (!ui_rect_has(p->rect, x, y))
        return UI_LP_NONE;
    if (ui_rect_has(p->prev, x, y))
        return UI_LP_PREV;
    if (ui_rect_has(p->next, x, y))
        return UI_LP_NEXT;
    if (ui_rect_has(p->lessons, x, y))
        return UI_LP_LESSONS;
    if (ui_rect_has(p->restart, x, y))
        return UI_LP_RESTART;
    if (p->picker) {
        for (int i = p->top; i < p->nrows; i++) {
            ui_rect r;
            if (ui_lesson_panel_row_rect(p, i, &r) != 0)
                break;
            if (ui_rect_has(r, x, y))
                return UI_LP_ROW0 + i;
        }
        return UI_LP_PANEL;
    }
    for (int i = 0; i < p->nchoices; i++)
        if (ui_rect_has(p->choice[i], x, y))
            return UI_LP_CHOICE0 + i;
    return UI_LP_PANEL;
}

void ui_lesson_panel_scroll(ui_lesson_panel *p, int dy)
{
    int max = p->flow.height - p->body_h;
    p->scroll += dy;
    if (p->scroll > max)
        p->scroll = max;
    if (p->scroll < 0)
        p->scroll = 0;
}

void ui_lesson_panel_deinit(ui_lesson_panel *p)
{
    ui_flow_free(&p->flow);
    ui_flow_free(&p->qflow);
}
