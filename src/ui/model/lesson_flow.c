/* lesson_flow.c - narration wrapped into lines, with no SDL.
 *
 * A lesson block is a string cut into styled spans (lesson.h). To draw it
 * in a panel of a given width, words are laid out greedily: a word goes on
 * the current line if it fits, else it starts the next one. A "word" is
 * what lies between spaces, and may cross spans ("**GIL**," is a bold word
 * glued to a plain comma), so it is measured piece by piece and never
 * broken. Neighbouring words of one style on one line are then merged into
 * a single run, so a frame draws a few runs per line, not one per word.
 *
 * Measuring is a callback: the window measures with the cached TrueType
 * renderer, and a test can measure with a fixed width per byte. Code
 * blocks keep their lines, but a line wider than the panel continues on
 * the next, indented. Limits: a word wider than the whole panel overflows
 * it (the draw clips it; ui_lesson_overflows reports it), and only ASCII
 * spaces separate words (no hyphenation, no other scripts' rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_panel.h"

static int grow_runs(ui_flow *f)
{
    if (f->nruns < f->cap)
        return 0;
    size_t cap = f->cap ? f->cap * 2 : 64;
    ui_flow_run *v = realloc(f->runs, cap * sizeof *v);
    if (!v)
        return -1;
    f->runs = v;
    f->cap = cap;
    return 0;
}

static int add_deco(ui_flow *f, ui_rect r, int kind, const char *mark)
{
    if (f->ndecos == f->dcap) {
        size_t cap = f->dcap ? f->dcap * 2 : 16;
        ui_flow_deco *v = realloc(f->decos, cap * sizeof *v);
        if (!v)
            return -1;
        f->decos = v;
        f->dcap = cap;
    }
    ui_flow_deco *d = &f->decos[f->ndecos++];
    memset(d, 0, sizeof *d);
    d->r = r;
    d->kind = kind;
    if (mark)
        snprintf(d->mark, sizeof d->mark, "%s", mark);
    return 0;
}

/* The style of byte i (spans are in order; *k remembers where we were). */
static uint8_t style_at(const lesson_block *b, size_t i, size_t *k)
{
    while (*k < b->nspans && b->spans[*k].off + b->spans[*k].len <= i)
        (*k)++;
    if (*k < b->nspans && b->spans[*k].off <= i)
        return b->spans[*k].style;
    return 0;
}

/* Appends text [off, off+len) at (x, y), merged into the last run when it
 * continues it (same line and style, only a space between). */
static int place(ui_flow *f, const char *text, uint32_t off, uint32_t len, int x, int y,
                 uint8_t style, uint8_t big)
{
    if (f->nruns > 0) {
        ui_flow_run *r = &f->runs[f->nruns - 1];
        const char *end = r->text + r->len;
        if (r->y == y && r->style == style && r->big == big &&
            (end == text + off || (end + 1 == text + off && *end == ' '))) {
            r->len = (uint32_t)(text + off + len - r->text);
            return 0;
        }
    }
    if (grow_runs(f) != 0)
        return -1;
    f->runs[f->nruns++] = (ui_flow_run){x, y, text + off, len, style, big, 0};
    return 0;
}

/* How many bytes of s (at most len) fit in maxw pixels of code, broken
 * after a space when there is one in the second half of what fits (a code
 * line reads better cut between words), never inside a UTF-8 sequence, and
 * at least one character. */
static size_t code_fit(const ui_flow_desc *d, const char *s, size_t len, int maxw)
{
    size_t n = 0;
    while (n < len) {
        size_t next = n + 1;
        while (next < len && ((unsigned char)s[next] & 0xC0) == 0x80)
            next++;
        if (n > 0 && d->measure(d->user, LESSON_STYLE_CODE, 0, s, next) > maxw)
            break;
        n = next;
    }
    if (n < len)
        for (size_t k = n; k > n / 2; k--)
            if (s[k - 1] == ' ')
                return k;
    return n;
}

/* Code: one run per source line, as written; a line wider than the panel
 * goes on under itself, indented, rather than being cut off (a clipped
 * "waits fore" reads as a typo). */
static int add_code(ui_flow *f, const ui_flow_desc *d, const lesson_block *b, int x0)
{
    int y0 = f->height, y = y0, pad = d->gap / 2 > 2 ? d->gap / 2 : 2;
    int indent = d->measure(d->user, LESSON_STYLE_CODE, 0, "  ", 2);
    y += pad;
    size_t i = 0;
    while (i <= b->len) {
        size_t j = i;
        while (j < b->len && b->text[j] != '\n')
            j++;
        int cont = 0;
        while (j > i) {
            int x = x0 + pad + (cont ? indent : 0);
            int maxw = d->w - x - pad;
            size_t n = code_fit(d, b->text + i, j - i, maxw > 1 ? maxw : 1);
            if (place(f, b->text, (uint32_t)i, (uint32_t)n, x, y, LESSON_STYLE_CODE, 0) != 0)
                return -1;
            f->runs[f->nruns - 1].in_code = 1;
            i += n;
            if (i < j)
                y += d->line_h;
            cont = 1;
        }
        y += d->line_h;
        i = j + 1;
    }
    if (add_deco(f, (ui_rect){x0, y0, d->w - x0, y + pad - y0}, UI_FLOW_CODE, NULL) != 0)
        return -1;
    f->height = y + pad + d->gap;
    return 0;
}

static int add(ui_flow *f, const ui_flow_desc *d, const lesson_block *b, int big, int x0,
               int right)
{
    if (!b->text)
        return 0;
    if (b->kind == LESSON_BLOCK_CODE)
        return add_code(f, d, b, x0);
    uint8_t force = b->kind == LESSON_BLOCK_HEADING || big ? LESSON_STYLE_BOLD : 0;
    int lh = big ? d->big_line_h : d->line_h;
    int y0 = f->height;
    if (b->quote) {
        if (add_deco(f, (ui_rect){x0, y0, d->indent / 3 > 2 ? d->indent / 3 : 2, 0},
                     UI_FLOW_QUOTE, NULL) != 0)
            return -1;
        x0 += d->indent;
    }
    if (b->kind == LESSON_BLOCK_ITEM) {
        int depth = b->depth > 0 ? b->depth : 1;
        char mark[8] = "\xe2\x80\xa2"; /* a bullet */
        if (b->number > 0 && b->number < 1000)
            snprintf(mark, sizeof mark, "%d.", b->number);
        if (add_deco(f, (ui_rect){x0 + (depth - 1) * d->indent, y0, d->indent, lh},
                     UI_FLOW_BULLET, mark) != 0)
            return -1;
        x0 += depth * d->indent;
    }
    int maxw = d->w - x0 - right;
    if (maxw < 1)
        maxw = 1;
    /* A space's advance, measured between two letters: a lone space may
     * measure differently (renderers trim or pad it). */
    int sw = d->measure(d->user, force, big, "x x", 3) - d->measure(d->user, force, big, "xx", 2);
    if (sw < 1)
        sw = 1;
    int x = 0, y = y0;
    size_t k = 0, i = 0;
    while (i < b->len) {
        char ch = b->text[i];
        if (ch == '\n') {
            x = 0;
            y += lh;
            i++;
            continue;
        }
        if (ch == ' ') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < b->len && b->text[j] != ' ' && b->text[j] != '\n')
            j++;
        /* Measure the word piece by piece (a piece: one style). */
        int w = 0;
        size_t kk = k;
        for (size_t p = i; p < j;) {
            uint8_t st = style_at(b, p, &kk) | force;
            size_t q = p + 1;
            size_t k2 = kk;
            while (q < j && (style_at(b, q, &k2) | force) == st)
                q++;
            w += d->measure(d->user, st, big, b->text + p, q - p);
            p = q;
        }
        if (x > 0 && x + sw + w > maxw) {
            x = 0;
            y += lh;
        } else if (x > 0) {
            x += sw;
        }
        for (size_t p = i; p < j;) {
            uint8_t st = style_at(b, p, &k) | force;
            size_t q = p + 1;
            size_t k2 = k;
            while (q < j && (style_at(b, q, &k2) | force) == st)
                q++;
            if (place(f, b->text, (uint32_t)p, (uint32_t)(q - p), x0 + x, y, st,
                      (uint8_t)big) != 0)
                return -1;
            /* The line goes on where the run, drawn whole, ends: a string's
             * width is not quite the sum of its words' (each word's last
             * glyph is measured by its ink, not its advance), and a small
             * drift per word would make the next style's run overlap. */
            const ui_flow_run *r = &f->runs[f->nruns - 1];
            x = r->x - x0 + d->measure(d->user, r->style, r->big, r->text, r->len);
            p = q;
        }
        i = j;
    }
    y += lh;
    if (b->quote)
        for (size_t q = f->ndecos; q-- > 0;)
            if (f->decos[q].kind == UI_FLOW_QUOTE && f->decos[q].r.y == y0) {
                f->decos[q].r.h = y - y0;
                break;
            }
    f->height = y + d->gap;
    return 0;
}

int ui_flow_add_block(ui_flow *f, const ui_flow_desc *d, const lesson_block *b, int big)
{
    size_t nr = f->nruns, nd = f->ndecos;
    int h = f->height;
    if (add(f, d, b, big, 0, 0) != 0) {
        f->nruns = nr;
        f->ndecos = nd;
        f->height = h;
        return -1;
    }
    return 0;
}

int ui_flow_add_reveal(ui_flow *f, const ui_flow_desc *d, const lesson_block *b, int good)
{
    size_t nr = f->nruns, nd = f->ndecos;
    int y0 = f->height, pad = d->gap > 4 ? d->gap : 4;
    /* The box goes first so that it is drawn under its text. */
    if (add_deco(f, (ui_rect){0, y0, d->w, 0}, good ? UI_FLOW_GOOD : UI_FLOW_BAD,
                 NULL) != 0)
        return -1;
    f->height += pad;
    if (add(f, d, b, 0, pad, pad) != 0) {
        f->nruns = nr;
        f->ndecos = nd;
        f->height = y0;
        return -1;
    }
    f->height = f->height - d->gap + pad;
    f->decos[nd].r.h = f->height - y0;
    f->height += d->gap;
    f->reveal_y = y0;
    return 0;
}

void ui_flow_clear(ui_flow *f)
{
    f->nruns = 0;
    f->ndecos = 0;
    f->height = 0;
    f->reveal_y = -1;
}

void ui_flow_free(ui_flow *f)
{
    free(f->runs);
    free(f->decos);
    memset(f, 0, sizeof *f);
    f->reveal_y = -1;
}
