/* draw_help.c - the cards over the window: the welcome and help pages,
 * and a question with its two buttons.
 *
 * help.c and dialog.c placed every rectangle; this file paints them and
 * wraps the text into them. Wrapping is greedy, word by word, measured
 * with the cached text renderer; a word longer than a line (a path) is cut
 * wherever the line ends, so nothing runs off the card.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"

/* How many bytes of s, from its start, fit in max_w pixels (at least one
 * whole character). */
static size_t fit_bytes(ui_ctx *ui, ui_font f, int px, const char *s, size_t len, int max_w)
{
    char buf[512];
    size_t lo = 1, hi = len < sizeof buf - 1 ? len : sizeof buf - 1, best = 1;
    while (best < len && (((unsigned char)s[best] & 0xC0) == 0x80))
        best++;
    while (lo <= hi) {
        size_t mid = (lo + hi) / 2;
        while (mid < len && (((unsigned char)s[mid] & 0xC0) == 0x80))
            mid++;
        memcpy(buf, s, mid);
        buf[mid] = 0;
        int w, h;
        ui_text_size(&ui->text, f, px, buf, &w, &h);
        if (w <= max_w) {
            best = mid > best ? mid : best;
            lo = mid + 1;
        } else {
            if (mid == 0)
                break;
            hi = mid - 1;
        }
    }
    return best;
}

int ui_draw_wrapped(ui_ctx *ui, ui_font f, int px, ui_color c, const char *s, ui_rect r,
                    int line_h)
{
    int y = r.y;
    const char *p = s;
    char line[512];
    while (*p && y + line_h <= r.y + r.h + line_h / 2) {
        while (*p == ' ')
            p++;
        /* The longest run of whole words that fits. */
        size_t len = 0, good = 0;
        for (;;) {
            size_t next = len;
            while (p[next] == ' ')
                next++;
            while (p[next] && p[next] != ' ')
                next++;
            if (next == len || next >= sizeof line)
                break;
            memcpy(line, p, next);
            line[next] = 0;
            int w, h;
            ui_text_size(&ui->text, f, px, line, &w, &h);
            if (w > r.w)
                break;
            good = len = next;
            if (!p[next])
                break;
        }
        if (good == 0) /* one word longer than the line: cut it */
            good = fit_bytes(ui, f, px, p, strlen(p), r.w);
        memcpy(line, p, good);
        line[good] = 0;
        ui_text_draw(&ui->text, f, px, c, line, r.x, y, UI_ALIGN_LEFT);
        p += good;
        y += line_h;
    }
    return y - r.y;
}

static void button(ui_ctx *ui, ui_rect rc, const char *label, int px, int hot, int on)
{
    const ui_theme *th = ui->th;
    fill(ui, rc, on ? th->button_on : hot ? th->button_hot : th->button);
    frame_rect(ui, rc, on || hot ? th->focus : th->grid, on ? thick(ui) + 1 : 1);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, px, label, &w, &h);
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, th->fg, label,
                     rc.x + (rc.w - w) / 2 > rc.x + 2 ? rc.x + (rc.w - w) / 2 : rc.x + 2,
                     rc.y + (rc.h - h) / 2, rc.w - 4);
}

static void card(ui_ctx *ui, ui_rect box)
{
    fill(ui, (ui_rect){0, 0, ui->full_w, ui->full_h}, ui->th->overlay);
    fill(ui, (ui_rect){box.x + 4, box.y + 4, box.w, box.h}, (ui_color){0, 0, 0, 60});
    fill(ui, box, ui->th->tip_bg);
    frame_rect(ui, box, ui->th->fg, thick(ui));
}

/* A page of two columns: key (bold, or mono for the language) and text. */
static void table(ui_ctx *ui, const ui_help *hp, const ui_help_row *rows, int n, ui_font kf)
{
    const ui_theme *th = ui->th;
    int per = (n + hp->columns - 1) / hp->columns;
    int colw = hp->body.w / hp->columns;
    for (int col = 0; col < hp->columns; col++) {
        int kw = 0;
        for (int i = col * per; i < n && i < (col + 1) * per; i++) {
            if (!rows[i].key)
                continue;
            int w, h;
            ui_text_size(&ui->text, kf, hp->px, rows[i].key, &w, &h);
            kw = w > kw ? w : kw;
        }
        int x = hp->body.x + col * colw;
        for (int i = col * per; i < n && i < (col + 1) * per; i++) {
            int y = hp->body.y + (i - col * per) * hp->line_h;
            if (!rows[i].key) {
                ui_text_draw_fit(&ui->text, UI_FONT_BOLD, hp->small_px, th->fg_dim,
                                 rows[i].text, x, y + (hp->line_h - hp->small_px) / 2 - 1,
                                 colw - hp->pad);
                continue;
            }
            ui_text_draw_fit(&ui->text, kf, hp->px, th->fg, rows[i].key, x + hp->pad, y,
                             kw + hp->pad);
            ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, hp->px, th->fg, rows[i].text,
                             x + 3 * hp->pad + kw, y, colw - kw - 4 * hp->pad);
        }
    }
}

void ui_draw_help(ui_ctx *ui, const ui_help *hp)
{
    const ui_theme *th = ui->th;
    card(ui, hp->box);
    const char *title = hp->page == UI_HELP_WELCOME ? "Welcome to concviz"
                        : hp->page == UI_HELP_KEYS  ? "Keys"
                                                    : "The workload language";
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, hp->title_px, th->fg, title, hp->title.x,
                     hp->title.y + (hp->title.h - hp->title_px) / 2 - 2,
                     hp->close.x - hp->title.x - hp->pad);
    button(ui, hp->close, "Close (Esc)", hp->small_px, hp->hot == UI_HELP_CLOSE, 0);
    for (int i = 0; i < UI_HELP__PAGES; i++)
        button(ui, hp->tabs[i], ui_help_tab_names[i], hp->small_px,
               hp->hot == UI_HELP_TAB0 + i, (int)hp->page == i);
    fill(ui, (ui_rect){hp->box.x + hp->pad, hp->tabs[0].y + hp->tabs[0].h + hp->pad / 2,
                       hp->box.w - 2 * hp->pad, 1}, th->grid);
    if (hp->page == UI_HELP_KEYS) {
        table(ui, hp, ui_help_keys, ui_help_nkeys, UI_FONT_BOLD);
        return;
    }
    if (hp->page == UI_HELP_LANGUAGE) {
        table(ui, hp, ui_help_language, ui_help_nlanguage, UI_FONT_MONO);
        return;
    }
    ui_draw_wrapped(ui, UI_FONT_REGULAR, hp->px, th->fg, ui_help_intro, hp->body,
                    hp->line_h);
    int hy = hp->course.y - hp->line_h;
    ui_text_draw(&ui->text, UI_FONT_BOLD, hp->px, th->fg, "Three ways in", hp->body.x, hy,
                 UI_ALIGN_LEFT);
    button(ui, hp->course, "Start the course (L)", hp->small_px, hp->hot == UI_HELP_COURSE, 0);
    int ty = hp->course.y + (hp->row_h - hp->small_px) / 2 - 2;
    ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, hp->small_px, th->fg,
                     "fifteen short lessons, from one task to choosing a model",
                     hp->course_text.x, ty, hp->course_text.w);
    ui_text_draw(&ui->text, UI_FONT_BOLD, hp->small_px, th->fg, "Try a preset:",
                 hp->presets_label.x, hp->presets_label.y + (hp->row_h - hp->small_px) / 2 - 2,
                 UI_ALIGN_LEFT);
    for (int i = 0; i < hp->npresets; i++)
        button(ui, hp->preset[i], hp->presets[i], hp->small_px,
               hp->hot == UI_HELP_PRESET0 + i, 0);
    button(ui, hp->type, "Type a workload (W)", hp->small_px, hp->hot == UI_HELP_TYPE, 0);
    ty = hp->type.y + (hp->row_h - hp->small_px) / 2 - 2;
    ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, hp->small_px, th->fg,
                     "in the field at the top; the Workload language tab lists every step",
                     hp->type_text.x, ty, hp->type_text.w);
}

void ui_draw_dialog(ui_ctx *ui, const ui_dialog *d)
{
    card(ui, d->box);
    ui_draw_wrapped(ui, UI_FONT_REGULAR, d->px, ui->th->fg, d->text, d->body, d->line_h);
    button(ui, d->yes_r, d->yes, d->px, d->hot == UI_DIALOG_YES, 1);
    button(ui, d->no_r, d->no, d->px, d->hot == UI_DIALOG_NO, 0);
}
