/* draw_lesson.c - the narration panel: a lesson step as the learner reads it.
 *
 * The narration is wrapped once (lesson_flow.c, measuring words with the
 * cached text renderer) and kept until the step, the width, the font size
 * or the panel's version change; a frame then only draws runs of text.
 * Bold and inline code have fonts of their own; there is no italic font in
 * assets/fonts, so *italic* text is the regular face slanted by SDL_ttf
 * (UI_FONT_ITALIC), in the text's own colour: a colour of its own made it
 * look like a link, and nothing in the narration is clickable.
 *
 * Everything clickable (choices, buttons, picker rows) is where
 * lesson_panel.c put it; this file only paints it, so what the learner
 * sees and what a click hits cannot disagree.
 */
#include "draw_lesson.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"

typedef struct sizes {
    int px, big_px, line_h, big_line_h;
} sizes;

typedef struct measure_ctx {
    ui_ctx *ui;
    sizes sz;
} measure_ctx;

static ui_font font_of(int style, int big)
{
    if (style & LESSON_STYLE_CODE)
        return UI_FONT_MONO;
    if (big || (style & LESSON_STYLE_BOLD))
        return UI_FONT_BOLD;
    return style & LESSON_STYLE_ITALIC ? UI_FONT_ITALIC : UI_FONT_REGULAR;
}

static int measure(void *user, int style, int big, const char *s, size_t len)
{
    measure_ctx *m = user;
    char buf[1024];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    int w, h;
    ui_text_size(&m->ui->text, font_of(style, big), big ? m->sz.big_px : m->sz.px, buf, &w,
                 &h);
    return w;
}

static sizes sizes_of(const ui_lesson_panel *p)
{
    sizes s;
    s.px = p->font_px;
    s.big_px = (int)lround(p->font_px * 1.3);
    s.line_h = (int)lround(p->font_px * 1.45);
    s.big_line_h = (int)lround(s.big_px * 1.35);
    return s;
}

static void flow_desc(ui_ctx *ui, const ui_lesson_panel *p, measure_ctx *m, ui_flow_desc *d,
                      int w)
{
    m->ui = ui;
    m->sz = sizes_of(p);
    memset(d, 0, sizeof *d);
    d->w = w;
    d->line_h = m->sz.line_h;
    d->big_line_h = m->sz.big_line_h;
    d->gap = (int)lround(p->font_px * 0.6);
    d->indent = (int)lround(p->font_px * 1.5);
    d->measure = measure;
    d->user = m;
}

/* A block made of one string in one style (titles, the question). */
static lesson_block plain_block(const char *text, lesson_span *span, uint8_t style)
{
    lesson_block b;
    memset(&b, 0, sizeof b);
    b.kind = LESSON_BLOCK_PARAGRAPH;
    b.text = (char *)text;
    b.len = text ? strlen(text) : 0;
    *span = (lesson_span){0, (uint32_t)b.len, style};
    b.spans = span;
    b.nspans = 1;
    return b;
}

static void build_flow(ui_ctx *ui, ui_lesson_panel *p, const lesson_step *s)
{
    measure_ctx m;
    ui_flow_desc d;
    flow_desc(ui, p, &m, &d, p->body.w - p->pad);
    ui_flow_clear(&p->flow);
    ui_flow_clear(&p->qflow);
    lesson_span span;
    const lesson *les = p->les;
    if (p->step == 0) {
        /* The lesson's title, whole (the header may have to cut it), and
         * its own introduction come before its first step. */
        if (les->title && les->title[0]) {
            lesson_block lt = plain_block(les->title, &span, LESSON_STYLE_BOLD);
            ui_flow_add_block(&p->flow, &d, &lt, 1);
        }
        for (size_t i = 0; i < les->nintro; i++)
            ui_flow_add_block(&p->flow, &d, &les->intro[i], 0);
    }
    lesson_block t = plain_block(s->title, &span, LESSON_STYLE_BOLD);
    p->flow.title_y = p->flow.height;
    ui_flow_add_block(&p->flow, &d, &t, 1);
    for (size_t i = 0; i < s->nblocks; i++)
        if (!s->blocks[i].after_run)
            ui_flow_add_block(&p->flow, &d, &s->blocks[i], 0);
    if (p->reveal)
        ui_flow_add_reveal(&p->flow, &d, p->reveal, p->reveal_good);
    if (p->show_after)
        for (size_t i = 0; i < s->nblocks; i++)
            if (s->blocks[i].after_run)
                ui_flow_add_block(&p->flow, &d, &s->blocks[i], 0);
    if (s->pred.question) {
        ui_flow_desc qd = d;
        qd.w = p->pred.w;
        qd.gap = 0;
        lesson_block q = plain_block(s->pred.question, &span, LESSON_STYLE_BOLD);
        ui_flow_add_block(&p->qflow, &qd, &q, 0);
    }
    p->flow_version = p->version;
    p->flow_w = p->body.w;
    p->flow_px = p->font_px;
    p->flow_step = p->step;
    p->flow_les = les;
}

static void draw_runs(ui_ctx *ui, const ui_lesson_panel *p, const ui_flow *f, int x0, int y0,
                      int clip_top, int clip_bottom)
{
    const ui_theme *th = ui->th;
    sizes sz = sizes_of(p);
    for (size_t i = 0; i < f->ndecos; i++) {
        const ui_flow_deco *dc = &f->decos[i];
        ui_rect r = {x0 + dc->r.x, y0 + dc->r.y, dc->r.w, dc->r.h};
        if (r.y > clip_bottom || r.y + r.h < clip_top)
            continue;
        switch (dc->kind) {
        case UI_FLOW_CODE:
            fill(ui, r, th->field);
            frame_rect(ui, r, th->grid, 1);
            break;
        case UI_FLOW_QUOTE:
            fill(ui, r, th->grid);
            break;
        case UI_FLOW_GOOD:
        case UI_FLOW_BAD: {
            ui_color edge = dc->kind == UI_FLOW_GOOD ? th->focus : th->error;
            ui_color tint = edge;
            tint.a = 34;
            fill(ui, r, tint);
            frame_rect(ui, r, edge, thick(ui) + 1);
            break;
        }
        case UI_FLOW_BULLET:
            ui_text_draw(&ui->text, UI_FONT_REGULAR, sz.px, th->fg, dc->mark, r.x,
                         r.y + (sz.line_h - (int)lround(sz.px * 1.17)) / 2, UI_ALIGN_LEFT);
            break;
        default:
            break;
        }
    }
    char buf[2048];
    for (size_t i = 0; i < f->nruns; i++) {
        const ui_flow_run *run = &f->runs[i];
        int lh = run->big ? sz.big_line_h : sz.line_h;
        int y = y0 + run->y;
        if (y + lh < clip_top || y > clip_bottom)
            continue;
        size_t len = run->len < sizeof buf ? run->len : sizeof buf - 1;
        memcpy(buf, run->text, len);
        buf[len] = 0;
        int px = run->big ? sz.big_px : sz.px;
        ui_font fnt = font_of(run->style, run->big);
        int w, h;
        ui_text_size(&ui->text, fnt, px, buf, &w, &h);
        int ty = y + (lh - h) / 2;
        ui_color col = th->fg;
        if ((run->style & LESSON_STYLE_CODE) && !run->in_code)
            fill(ui, (ui_rect){x0 + run->x - 2, ty, w + 4, h}, th->button_hot);
        ui_text_draw(&ui->text, fnt, px, col, buf, x0 + run->x, ty, UI_ALIGN_LEFT);
    }
}

static void button(ui_ctx *ui, ui_rect rc, const char *label, int hot, int enabled, int on)
{
    const ui_theme *th = ui->th;
    fill(ui, rc, on ? th->button_on : hot && enabled ? th->button_hot : th->button);
    frame_rect(ui, rc, on ? th->focus : th->grid, on ? thick(ui) + 1 : 1);
    ui_color fg = th->fg;
    if (!enabled)
        fg.a = 110;
    int px = ui->l->small_px, w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, px, label, &w, &h);
    int x = rc.x + (rc.w - w) / 2;
    if (x < rc.x + 2)
        x = rc.x + 2;
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, fg, label, x, rc.y + (rc.h - h) / 2,
                     rc.w - 4);
}

static void draw_highlights(ui_ctx *ui, const ui_layout *l, const sim_comparison *c,
                            const lesson_step *s)
{
    for (int i = 0; i < s->set.nhighlight; i++)
        for (int pn = 0; pn < l->npanels; pn++) {
            ui_rect r;
            const sim_trace *tr = ui_panel_trace(l, c, pn);
            if (!tr || s->set.highlight[i] >= tr->ntasks ||
                ui_layout_lane_rect(l, pn, s->set.highlight[i], tr->nlanes, &r) != 0)
                continue;
            /* Around the lane's label and its timeline both. */
            ui_rect o = {l->label_x - 2, r.y, r.x + r.w - l->label_x + 4, r.h};
            frame_rect(ui, o, ui->th->focus, thick(ui) + 1);
        }
}

/* A choice's label ("1   threading") and its tags ("your guess ·
 * measured here"), as drawn; ui_lesson_overflows measures the same. */
static void choice_texts(const ui_lesson_panel *p, const lesson_step *s, int i, char *label,
                         size_t ln, char *tags, size_t tn)
{
    snprintf(label, ln, "%d   %s", i + 1, s->pred.choices[i]);
    size_t n = 0;
    tags[0] = 0;
    int mine = p->revealed && ((p->measured >> i) & 1u);
    int les = p->revealed && ((p->right >> i) & 1u);
    const char *parts[3] = {p->guess == i ? "your guess" : NULL,
                            mine ? "measured here" : NULL, les ? "the answer" : NULL};
    for (int k = 0; k < 3; k++)
        if (parts[k] && n < tn)
            n += (size_t)snprintf(tags + n, tn - n, "%s%s", n ? " \xc2\xb7 " : "", parts[k]);
}

/* Where the question's text starts: above the choices, clear of them. */
static int question_y(const ui_lesson_panel *p)
{
    return p->pred.y - p->qflow.height - p->pad / 2;
}

/* Where a handout's page starts in the narration: the first step's page
 * holds the lesson's title and introduction, the others their step. */
static int page_top(const ui_lesson_panel *p)
{
    return p->step == 0 ? 0 : p->flow.title_y;
}

/* Where the narration's room ends: above the question, or the body's end. */
static int narration_bottom(const ui_lesson_panel *p, const lesson_step *s)
{
    if (s->pred.question)
        return question_y(p) - p->pad / 2;
    return p->body.y + p->body.h;
}

static void draw_choices(ui_ctx *ui, ui_lesson_panel *p, const lesson_step *s)
{
    const ui_theme *th = ui->th;
    sizes sz = sizes_of(p);
    int qy = question_y(p);
    draw_runs(ui, p, &p->qflow, p->pred.x, qy, qy, p->pred.y);
    int px = p->small_px;
    for (int i = 0; i < p->nchoices; i++) {
        ui_rect rc = p->choice[i];
        int guess = p->guess == i;
        int hot = p->asking && p->hot == UI_LP_CHOICE0 + i;
        fill(ui, rc, guess ? th->button_on : hot ? th->button_hot : th->button);
        frame_rect(ui, rc, guess ? th->focus : th->grid, guess ? thick(ui) + 1 : 1);
        char label[LESSON_MAX_VALUE + 16], tags[96];
        choice_texts(p, s, i, label, sizeof label, tags, sizeof tags);
        int w, h;
        ui_text_size(&ui->text, UI_FONT_BOLD, sz.px, label, &w, &h);
        int lx = rc.x + p->pad / 2;
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, sz.px, th->fg, label, lx,
                         rc.y + (p->row_h - h) / 2, rc.w - p->pad);
        if (tags[0] && p->tag_h > 0) {
            int mine = p->revealed && ((p->measured >> i) & 1u);
            ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, px, mine ? th->fg : th->fg_dim, tags,
                             lx, rc.y + p->row_h - p->pad / 4, rc.w - p->pad);
        }
    }
}

static void draw_picker(ui_ctx *ui, ui_lesson_panel *p)
{
    const ui_theme *th = ui->th;
    for (int i = p->top; i < p->nrows; i++) {
        ui_rect r;
        if (ui_lesson_panel_row_rect(p, i, &r) != 0)
            break;
        const ui_lesson_row *row = &p->rows[i];
        int sel = i == p->sel, hot = p->hot == UI_LP_ROW0 + i;
        ui_rect box = {r.x, r.y + 1, r.w, r.h - 2};
        fill(ui, box, sel ? th->button_on : hot ? th->button_hot : th->button);
        frame_rect(ui, box, sel ? th->focus : th->grid, sel ? thick(ui) + 1 : 1);
        int x = r.x + p->pad / 2;
        int gap = p->pad / 2 > 1 ? p->pad / 2 : 1;
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, p->font_px, th->fg, row->title, x,
                         r.y + gap, r.w - p->pad);
        ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, p->small_px,
                         row->done ? th->fg : th->fg_dim, row->detail, x,
                         r.y + gap + p->row_h - p->pad / 2, r.w - p->pad);
    }
    if (p->nrows == 0)
        ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, p->font_px, th->fg_dim,
                         "no lessons found", p->body.x, p->body.y, p->body.w);
}

/* The buttons' labels: Previous, Next (or Next lesson), Lessons, Restart. */
static void button_labels(const ui_lesson_panel *p, const char *lab[4])
{
    int last = p->les ? (int)p->les->nsteps - 1 : 0;
    lab[0] = "\xe2\x97\x80 Previous (P)";
    lab[1] = p->step < last ? "Next (N) \xe2\x96\xb6"
             : p->next_lesson ? "Next lesson \xe2\x96\xb6" : "Last step";
    lab[2] = p->picker ? "Back (Esc)" : "Lessons (L)";
    lab[3] = "Restart lesson";
}

/* The key hints under the buttons: the keys the buttons do not show. */
static const char *key_hints(const ui_lesson_panel *p)
{
    if (p->picker)
        return "Up/Down choose \xc2\xb7 Enter open \xc2\xb7 Esc back";
    if (p->asking)
        return "1-9 answer \xc2\xb7 F1 all keys";
    return "R run again \xc2\xb7 Space replay \xc2\xb7 F1 keys";
}

void ui_draw_lesson(ui_ctx *ui, const ui_layout *l, const ui_view *v,
                    const sim_comparison *c, ui_lesson_panel *p)
{
    ui->l = l;
    ui->th = ui_theme_get(v->theme);
    const ui_theme *th = ui->th;
    const lesson_step *s = p->les && p->step >= 0 && (size_t)p->step < p->les->nsteps
                               ? &p->les->steps[p->step] : NULL;
    if (s && c)
        draw_highlights(ui, l, c, s);
    if (s && p->asking && (!c || c->ntraces == 0)) {
        /* Cover the window's "press R" hint: here the run waits for a guess. */
        ui_rect b = {0, l->body.y, p->rect.x, l->body.h};
        fill(ui, b, th->bg);
        /* Centred when it fits; wrapped in a narrow window. */
        static const char *const lines[2] = {
            "First, your guess: answer the question on the right",
            "the step runs as soon as you choose (click, or press its number)"};
        int y = b.y + b.h / 3;
        for (int k = 0; k < 2; k++) {
            ui_font f = k == 0 ? UI_FONT_BOLD : UI_FONT_REGULAR;
            ui_color ink = k == 0 ? th->fg : th->fg_dim;
            int w, hh;
            ui_text_size(&ui->text, f, l->font_px, lines[k], &w, &hh);
            if (w <= b.w - 2 * l->pad) {
                ui_text_draw(&ui->text, f, l->font_px, ink, lines[k], b.w / 2, y,
                             UI_ALIGN_CENTER);
                y += l->row_h;
            } else {
                y += ui_draw_wrapped(ui, f, l->font_px, ink, lines[k],
                                     (ui_rect){b.x + l->pad, y, b.w - 2 * l->pad, 4 * l->row_h},
                                     (int)lround(l->font_px * 1.35)) + l->pad;
            }
        }
    }
    fill(ui, p->rect, th->panel[0]);
    fill(ui, (ui_rect){p->rect.x, p->rect.y, thick(ui) + 1, p->rect.h}, th->grid);
    /* Header: the lesson, and where we are in it. */
    char counter[64] = "";
    if (p->picker)
        snprintf(counter, sizeof counter, "%d lessons", p->nrows);
    else if (s)
        snprintf(counter, sizeof counter, "step %d of %zu", p->step + 1, p->les->nsteps);
    int cw, ch;
    ui_text_size(&ui->text, UI_FONT_BOLD, p->small_px, counter, &cw, &ch);
    int hy = p->header.y + (p->header.h - ch) / 2;
    ui_text_draw(&ui->text, UI_FONT_BOLD, p->small_px, th->fg, counter,
                 p->header.x + p->header.w, hy, UI_ALIGN_RIGHT);
    const char *head = p->picker ? "Choose a lesson" : p->les ? p->les->title : "";
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, p->small_px, th->fg_dim, head ? head : "",
                     p->header.x, hy, p->header.w - cw - p->pad);
    fill(ui, (ui_rect){p->header.x, p->header.y + p->header.h, p->header.w, 1}, th->grid);

    if (p->picker) {
        draw_picker(ui, p);
    } else if (s) {
        if (p->flow_version != p->version || p->flow_w != p->body.w ||
            p->flow_px != p->font_px || p->flow_step != p->step || p->flow_les != p->les)
            build_flow(ui, p, s);
        /* Paper cannot scroll: a handout's page sets the narration smaller
         * until the step, from its title, fits (down to 2/3 of the size). */
        int min_px = p->font_px * 2 / 3;
        while (p->handout && p->font_px > min_px &&
               p->flow.height - page_top(p) > narration_bottom(p, s) - p->body.y) {
            p->font_px--;
            build_flow(ui, p, s);
        }
        int bottom = narration_bottom(p, s);
        int vh = bottom - p->body.y;
        /* Narration longer than its room: a strip under it says there is
         * more, so that the badge never covers a line of text. */
        int more_h = p->small_px + p->small_px / 2 + 2;
        int over = vh > 0 && p->flow.height > vh;
        if (over)
            vh -= more_h;
        p->body_h = vh > 0 ? vh : 0;
        if (p->scroll_to_reveal && p->flow.reveal_y >= 0) {
            p->scroll = p->flow.reveal_y - p->row_h;
            p->scroll_to_reveal = 0;
        }
        if (p->scroll_to_title) {
            p->scroll = page_top(p);
            p->scroll_to_title = 0;
        }
        ui_lesson_panel_scroll(p, 0); /* clamps */
        if (vh > 0) {
            SDL_Rect clip = {p->rect.x, p->body.y, p->rect.w, vh};
            SDL_RenderSetClipRect(ui->r, &clip);
            draw_runs(ui, p, &p->flow, p->body.x, p->body.y - p->scroll, p->body.y,
                      p->body.y + vh);
            SDL_RenderSetClipRect(ui->r, NULL);
            if (over && !p->handout) { /* no wheel on paper */
                /* A scroll bar: where the view is in the narration. */
                int bw = thick(ui) + 2;
                int bh = vh * vh / p->flow.height;
                int by = p->body.y + (vh - bh) * p->scroll / (p->flow.height - vh);
                fill(ui, (ui_rect){p->rect.x + p->rect.w - bw - 2, p->body.y, bw, vh},
                     th->button);
                fill(ui, (ui_rect){p->rect.x + p->rect.w - bw - 2, by, bw, bh}, th->fg_dim);
                const char *more = p->scroll < p->flow.height - vh
                                       ? "more below \xe2\x96\xbc (wheel)"
                                       : "the end \xe2\x96\xb2 (wheel up)";
                ui_text_draw_fit(&ui->text, UI_FONT_BOLD, p->small_px, th->fg_dim, more,
                                 p->body.x, p->body.y + vh + 1, p->body.w);
            }
        }
        if (s->pred.question)
            draw_choices(ui, p, s);
    }
    if (p->handout) {
        /* A page: the machine and the date, whole, where the buttons were. */
        ui_draw_wrapped(ui, UI_FONT_REGULAR, p->small_px, th->fg_dim, p->footer, p->foot,
                        p->small_px + p->small_px / 3);
        return;
    }
    /* The status line, the buttons and the keys. */
    int sy = p->prev.y - p->row_h;
    if (p->status[0] && !p->picker) /* the lesson's, under the picker's rows */
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, p->small_px, th->fg, p->status,
                         p->header.x, sy + (p->row_h - p->small_px) / 2 - 2, p->header.w);
    const char *lab[4];
    button_labels(p, lab);
    int last = p->les ? (int)p->les->nsteps - 1 : 0;
    button(ui, p->prev, lab[0], p->hot == UI_LP_PREV, p->step > 0, 0);
    button(ui, p->next, lab[1], p->hot == UI_LP_NEXT, p->step < last || p->next_lesson, 0);
    button(ui, p->lessons, lab[2], p->hot == UI_LP_LESSONS, 1, p->picker);
    button(ui, p->restart, lab[3], p->hot == UI_LP_RESTART, p->les != NULL, 0);
    ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, p->small_px, th->fg_dim, key_hints(p),
                     p->keys.x, p->keys.y + (p->keys.h - p->small_px) / 2 - 2, p->keys.w);
}

/* ---- the check that nothing is hidden or cut -------------------------- */

typedef struct problems {
    int n;
    char *what;
    size_t size;
} problems;

static void problem(problems *pr, const char *fmt, ...)
{
    if (pr->n++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(pr->what, pr->size, fmt, ap);
        va_end(ap);
    }
}


/* Each run of a flow within `w` pixels (a pixel of rounding allowed). */
static void check_flow(ui_ctx *ui, const ui_lesson_panel *p, const ui_flow *f, int w,
                       const char *name, problems *pr)
{
    sizes sz = sizes_of(p);
    char buf[2048];
    for (size_t i = 0; i < f->nruns; i++) {
        const ui_flow_run *r = &f->runs[i];
        size_t len = r->len < sizeof buf ? r->len : sizeof buf - 1;
        memcpy(buf, r->text, len);
        buf[len] = 0;
        int rw = ui_text_width(&ui->text, font_of(r->style, r->big),
                               r->big ? sz.big_px : sz.px, buf);
        if (r->x + rw > w + 1)
            problem(pr, "%s: '%.60s' ends at %d px, its width is %d", name, buf, r->x + rw, w);
    }
}

/* Lines of s wrapped at spaces into w pixels of small regular text. */
static int wrapped_lines(ui_ctx *ui, int px, const char *s, int w)
{
    char line[800] = "", word[256];
    int lines = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t k = strcspn(s, " ");
        if (k == 0)
            break;
        snprintf(word, sizeof word, "%.*s", (int)k, s);
        s += k;
        char next[800];
        snprintf(next, sizeof next, "%.500s%s%.250s", line, line[0] ? " " : "", word);
        if (line[0] && ui_text_width(&ui->text, UI_FONT_REGULAR, px, next) > w) {
            lines++;
            snprintf(line, sizeof line, "%s", word);
        } else {
            snprintf(line, sizeof line, "%s", next);
        }
    }
    return lines + (line[0] ? 1 : 0);
}

static int inside(ui_rect in, ui_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

int ui_lesson_overflows(ui_ctx *ui, const ui_lesson_panel *p, char *what, size_t n)
{
    problems pr = {0, what, n};
    what[0] = 0;
    const lesson_step *s = p->les && p->step >= 0 && (size_t)p->step < p->les->nsteps
                               ? &p->les->steps[p->step] : NULL;
    const char *lab[4];
    button_labels(p, lab);
    const ui_rect *btn[4] = {&p->prev, &p->next, &p->lessons, &p->restart};
    if (p->handout) {
        int lines = wrapped_lines(ui, p->small_px, p->footer, p->foot.w);
        if (lines * (p->small_px + p->small_px / 3) > p->foot.h)
            problem(&pr, "the footer takes %d lines, its room 3", lines);
    }
    for (int i = 0; i < 4 && !p->handout; i++) {
        int w = ui_text_width(&ui->text, UI_FONT_BOLD, p->small_px, lab[i]);
        if (w > btn[i]->w - 4)
            problem(&pr, "button '%s' is %d px wide, its box %d", lab[i], w, btn[i]->w - 4);
        if (!inside(*btn[i], p->rect))
            problem(&pr, "button '%s' lies outside the panel", lab[i]);
    }
    int kw = ui_text_width(&ui->text, UI_FONT_REGULAR, p->small_px, key_hints(p));
    if (!p->handout && kw > p->keys.w)
        problem(&pr, "the key hints are %d px wide, their line %d", kw, p->keys.w);
    if (p->status[0] &&
        ui_text_width(&ui->text, UI_FONT_BOLD, p->small_px, p->status) > p->header.w)
        problem(&pr, "the status '%s' is wider than the panel", p->status);
    if (!s || p->picker)
        return pr.n;
    /* Wrapped to body.w - pad; its area is the body (the pad is slack for
     * the few pixels a run measured whole exceeds its words measured apart). */
    check_flow(ui, p, &p->flow, p->body.w, "the narration", &pr);
    if (p->body_h < 3 * p->row_h)
        problem(&pr, "the narration has %d px, less than three lines", p->body_h);
    if (p->handout && p->flow.height - page_top(p) > p->body_h)
        problem(&pr, "the page cuts the narration: %d px from the step's title, room for %d",
                p->flow.height - page_top(p), p->body_h);
    if (s->pred.question) {
        check_flow(ui, p, &p->qflow, p->pred.w, "the question", &pr);
        if (question_y(p) < p->body.y + p->body_h)
            problem(&pr, "the question (at y %d) covers the narration (down to %d)",
                    question_y(p), p->body.y + p->body_h);
        sizes sz = sizes_of(p);
        for (int i = 0; i < p->nchoices; i++) {
            ui_rect rc = p->choice[i];
            char label[LESSON_MAX_VALUE + 16], tags[96];
            choice_texts(p, s, i, label, sizeof label, tags, sizeof tags);
            int lw = ui_text_width(&ui->text, UI_FONT_BOLD, sz.px, label);
            if (lw > rc.w - p->pad)
                problem(&pr, "choice %d '%s' is %d px wide, its box %d", i + 1,
                        s->pred.choices[i], lw, rc.w - p->pad);
            if (tags[0] &&
                (p->tag_h == 0 ||
                 ui_text_width(&ui->text, UI_FONT_REGULAR, p->small_px, tags) > rc.w - p->pad))
                problem(&pr, "choice %d: its tags '%s' do not fit under it", i + 1, tags);
            if (i + 1 < p->nchoices && rc.y + rc.h > p->choice[i + 1].y)
                problem(&pr, "choices %d and %d overlap", i + 1, i + 2);
            if (rc.y < question_y(p) + p->qflow.height)
                problem(&pr, "choice %d covers the question", i + 1);
            if (rc.y + rc.h > (p->handout ? p->foot.y : p->prev.y - p->row_h))
                problem(&pr, "choice %d runs into the status line and the buttons", i + 1);
        }
    }
    return pr.n;
}
