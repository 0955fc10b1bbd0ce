/* lesson.c - a lesson file, through cmark, into steps of narration and settings.
 *
 * cmark (the CommonMark reference parser) does the Markdown: it knows
 * every corner of the syntax and gives each block its source line, so
 * messages point at the right line without us counting lines by hand.
 * This file only walks cmark's tree:
 *
 *   `#` heading          -> the lesson's title (exactly one, first)
 *   `##` heading         -> a new step
 *   ```concviz block      -> the step's settings (lesson_keys.c)
 *   anything else        -> narration: blocks of styled spans the window draws
 *
 * The walk uses cmark's iterator, never recursion, so a file of ten
 * thousand nested quotes or emphases cannot overflow our stack; and every
 * count (steps, blocks, spans, bytes) has a ceiling, so a hostile file
 * costs at most a few megabytes and milliseconds. Links keep their text and
 * drop their target; images keep their alt text; raw HTML is dropped: a
 * lesson shows words, it never fetches anything.
 */
#include <cmark.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "read_file.h"
#include "lesson_priv.h"

void lesson_error(lesson_errors *e, const char *file, int line, int col,
                  const char *fmt, ...)
{
    if (e->n >= LESSON_MAX_ERRORS) {
        e->more = 1;
        return;
    }
    e->line[e->n] = line;
    char *m = e->msg[e->n++];
    size_t cap = sizeof e->msg[0];
    int k = col > 0 ? snprintf(m, cap, "%s:%d:%d: ", file, line, col)
                    : snprintf(m, cap, "%s:%d: ", file, line);
    if (k < 0 || (size_t)k >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m + k, cap - (size_t)k, fmt, ap);
    va_end(ap);
}

/* The narration being built: a growing list of blocks. */
typedef struct blist {
    lesson_block *v;
    size_t n, cap;
} blist;

typedef struct walker {
    const char *file;
    lesson_errors *e;
    int nomem;
    int full;          /* the block list hit its ceiling (reported once) */
    lesson_block *cur; /* the block receiving text, or NULL */
    size_t cur_cap_text, cur_cap_spans;
    int cur_bad;       /* the current block overflowed (reported once) */
    int emph, strong, quote, depth;
} walker;

static void free_blocks(lesson_block *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        free(v[i].spans);
    }
    free(v);
}

static lesson_block *begin_block(walker *w, blist *b, lesson_block_kind kind, int line)
{
    w->cur = NULL;
    if (b->n >= LESSON_MAX_BLOCKS) {
        if (!w->full)
            lesson_error(w->e, w->file, line, 0,
                         "too much narration in one step (at most %d paragraphs, "
                         "items and code blocks): split it into more steps",
                         LESSON_MAX_BLOCKS);
        w->full = 1;
        return NULL;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        lesson_block *v = realloc(b->v, cap * sizeof *v);
        if (!v) {
            w->nomem = 1;
            return NULL;
        }
        b->v = v;
        b->cap = cap;
    }
    lesson_block *bl = &b->v[b->n++];
    memset(bl, 0, sizeof *bl);
    bl->kind = kind;
    bl->line = line;
    bl->depth = w->depth;
    bl->quote = w->quote > 0;
    bl->text = calloc(1, 64);
    if (!bl->text) {
        b->n--;
        w->nomem = 1;
        return NULL;
    }
    w->cur = bl;
    w->cur_cap_text = 64;
    w->cur_cap_spans = 0;
    w->cur_bad = 0;
    return bl;
}

static void append(walker *w, const char *s, size_t n, uint8_t style)
{
    lesson_block *bl = w->cur;
    if (!bl || n == 0 || w->cur_bad)
        return;
    if (bl->len + n > LESSON_MAX_BLOCK_BYTES) {
        lesson_error(w->e, w->file, bl->line, 0,
                     "a paragraph longer than %d bytes: split it", LESSON_MAX_BLOCK_BYTES);
        w->cur_bad = 1;
        return;
    }
    if (bl->len + n + 1 > w->cur_cap_text) {
        size_t cap = w->cur_cap_text;
        while (cap < bl->len + n + 1)
            cap *= 2;
        char *t = realloc(bl->text, cap);
        if (!t) {
            w->nomem = 1;
            return;
        }
        bl->text = t;
        w->cur_cap_text = cap;
    }
    int merge = bl->nspans && bl->spans[bl->nspans - 1].style == style;
    if (!merge) {
        if (bl->nspans >= LESSON_MAX_SPANS) {
            lesson_error(w->e, w->file, bl->line, 0,
                         "a paragraph with more than %d changes of style: split it",
                         LESSON_MAX_SPANS);
            w->cur_bad = 1;
            return;
        }
        if (bl->nspans == w->cur_cap_spans) {
            size_t cap = w->cur_cap_spans ? w->cur_cap_spans * 2 : 4;
            lesson_span *sp = realloc(bl->spans, cap * sizeof *sp);
            if (!sp) {
                w->nomem = 1;
                return;
            }
            bl->spans = sp;
            w->cur_cap_spans = cap;
        }
        bl->spans[bl->nspans++] = (lesson_span){.off = (uint32_t)bl->len, .len = 0,
                                                .style = style};
    }
    memcpy(bl->text + bl->len, s, n);
    bl->len += n;
    bl->text[bl->len] = '\0';
    bl->spans[bl->nspans - 1].len += (uint32_t)n;
}

static uint8_t cur_style(const walker *w)
{
    return (uint8_t)((w->strong ? LESSON_STYLE_BOLD : 0) | (w->emph ? LESSON_STYLE_ITALIC : 0));
}

static int is_concviz_fence(cmark_node *n)
{
    const char *info = cmark_node_get_fence_info(n);
    if (!info)
        return 0;
    size_t k = strcspn(info, " \t");
    return k == 7 && strncmp(info, "concviz", 7) == 0;
}

static void add_code_block(walker *w, blist *b, cmark_node *n)
{
    lesson_block *bl = begin_block(w, b, LESSON_BLOCK_CODE, cmark_node_get_start_line(n));
    if (!bl)
        return;
    const char *lit = cmark_node_get_literal(n);
    size_t len = lit ? strlen(lit) : 0;
    while (len && lit[len - 1] == '\n')
        len--;
    append(w, lit ? lit : "", len, LESSON_STYLE_CODE);
    w->cur = NULL;
}

/* Turns one top-level block (and everything inside it) into narration. */
static void narrate(walker *w, blist *b, cmark_node *top, int after_run)
{
    size_t first = b->n;
    cmark_iter *it = cmark_iter_new(top);
    if (!it) {
        w->nomem = 1;
        return;
    }
    cmark_event_type ev;
    while (!w->nomem && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        int enter = ev == CMARK_EVENT_ENTER;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_LIST:
            w->depth += enter ? 1 : -1;
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            w->quote += enter ? 1 : -1;
            break;
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING: {
            if (!enter) {
                w->cur = NULL;
                break;
            }
            cmark_node *parent = cmark_node_parent(n);
            lesson_block_kind kind = LESSON_BLOCK_PARAGRAPH;
            int number = 0;
            if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
                kind = LESSON_BLOCK_HEADING;
            } else if (parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
                       cmark_node_first_child(parent) == n) {
                kind = LESSON_BLOCK_ITEM;
                cmark_node *list = cmark_node_parent(parent);
                if (list && cmark_node_get_list_type(list) == CMARK_ORDERED_LIST) {
                    number = cmark_node_get_list_start(list);
                    for (cmark_node *s = cmark_node_previous(parent); s && number < 1000000;
                         s = cmark_node_previous(s))
                        number++;
                }
            }
            lesson_block *bl = begin_block(w, b, kind, cmark_node_get_start_line(n));
            if (bl)
                bl->number = number;
            break;
        }
        case CMARK_NODE_CODE_BLOCK:
            if (is_concviz_fence(n))
                lesson_error(w->e, w->file, cmark_node_get_start_line(n), 0,
                             "a ```concviz block must stand on its own, not inside a "
                             "list or a quote");
            else
                add_code_block(w, b, n);
            break;
        case CMARK_NODE_TEXT: {
            const char *s = cmark_node_get_literal(n);
            if (s)
                append(w, s, strlen(s), cur_style(w));
            break;
        }
        case CMARK_NODE_CODE: {
            const char *s = cmark_node_get_literal(n);
            if (s)
                append(w, s, strlen(s), (uint8_t)(cur_style(w) | LESSON_STYLE_CODE));
            break;
        }
        case CMARK_NODE_SOFTBREAK:
            append(w, " ", 1, cur_style(w));
            break;
        case CMARK_NODE_LINEBREAK:
            append(w, "\n", 1, cur_style(w));
            break;
        case CMARK_NODE_EMPH:
            w->emph += enter ? 1 : -1;
            break;
        case CMARK_NODE_STRONG:
            w->strong += enter ? 1 : -1;
            break;
        default:
            break; /* HTML, thematic breaks, links' targets: not shown */
        }
    }
    cmark_iter_free(it);
    w->cur = NULL;
    w->depth = w->quote = w->emph = w->strong = 0;
    for (size_t i = first; i < b->n; i++)
        b->v[i].after_run = after_run;
}

/* The plain text of a heading, for titles. */
static char *plain_text(cmark_node *h, int *nomem)
{
    char buf[256];
    size_t len = 0;
    cmark_iter *it = cmark_iter_new(h);
    if (!it) {
        *nomem = 1;
        return NULL;
    }
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        const char *s = NULL;
        if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE))
            s = cmark_node_get_literal(n);
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            s = " ";
        for (; s && *s && len + 1 < sizeof buf; s++)
            buf[len++] = *s;
    }
    cmark_iter_free(it);
    buf[len] = '\0';
    char *r = strdup(buf);
    if (!r)
        *nomem = 1;
    return r;
}

static void free_step(lesson_step *s)
{
    free(s->title);
    free_blocks(s->blocks, s->nblocks);
    lesson_settings_free(s);
}

void lesson_free(lesson *l)
{
    if (!l)
        return;
    free(l->file);
    free(l->title);
    free_blocks(l->intro, l->nintro);
    for (size_t i = 0; i < l->nsteps; i++)
        free_step(&l->steps[i]);
    free(l->steps);
    memset(l, 0, sizeof *l);
}

/* Walks the document's top-level blocks. Returns 0, or SIM_E_NOMEM. */
static int walk(lesson *l, cmark_node *doc, walker *w)
{
    blist intro = {0};
    blist steps_b[1] = {{NULL, 0, 0}};
    blist *cur = &intro;
    lesson_step *st = NULL;
    int after_run = 0;
    int title_line = 0;
    for (cmark_node *n = cmark_node_first_child(doc); n && !w->nomem; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        int line = cmark_node_get_start_line(n);
        int level = t == CMARK_NODE_HEADING ? cmark_node_get_heading_level(n) : 0;
        if (!l->title && t != CMARK_NODE_HTML_BLOCK && level != 1) {
            lesson_error(w->e, w->file, line, 0,
                         "a lesson starts with its title, a line '# Title'");
            break;
        }
        if (level == 1) {
            if (l->title) {
                lesson_error(w->e, w->file, line, 0,
                             "a second '# title' (the title is on line %d): steps "
                             "start with '## '", title_line);
                continue;
            }
            title_line = line;
            l->title = plain_text(n, &w->nomem);
            if (l->title && !l->title[0])
                lesson_error(w->e, w->file, line, 0, "the title is empty");
        } else if (level == 2) {
            if (l->nsteps >= LESSON_MAX_STEPS) {
                lesson_error(w->e, w->file, line, 0, "too many steps (at most %d): "
                             "split the lesson in two", LESSON_MAX_STEPS);
                break;
            }
            if (st) {
                st->blocks = steps_b->v;
                st->nblocks = steps_b->n;
            }
            steps_b->v = NULL;
            steps_b->n = steps_b->cap = 0;
            st = &l->steps[l->nsteps++];
            memset(st, 0, sizeof *st);
            st->line = line;
            st->title = plain_text(n, &w->nomem);
            cur = steps_b;
            after_run = 0;
            w->full = 0;
        } else if (t == CMARK_NODE_CODE_BLOCK && is_concviz_fence(n)) {
            if (!st) {
                lesson_error(w->e, w->file, line, 0,
                             "a ```concviz block before the first step: start a step "
                             "with '## Step title' above it");
            } else if (st->settings_line) {
                lesson_error(w->e, w->file, line, 0,
                             "a second ```concviz block in step '%s' (the first is on "
                             "line %d): each step has exactly one", st->title ? st->title : "",
                             st->settings_line);
            } else {
                st->settings_line = line;
                const char *lit = cmark_node_get_literal(n);
                int rc = lesson_settings_parse(st, w->file, lit ? lit : "", line + 1,
                                               cmark_node_get_start_column(n), w->e);
                if (rc == SIM_E_NOMEM)
                    w->nomem = 1;
                after_run = 1;
            }
        } else {
            narrate(w, cur, n, after_run);
        }
    }
    if (st) {
        st->blocks = steps_b->v;
        st->nblocks = steps_b->n;
    } else {
        free_blocks(steps_b->v, steps_b->n);
    }
    l->intro = intro.v;
    l->nintro = intro.n;
    return w->nomem ? SIM_E_NOMEM : 0;
}

/* Messages in the order of the file (insertion sort: stable, and n <= 20). */
static void sort_errors(lesson_errors *e)
{
    for (int i = 1; i < e->n; i++) {
        for (int j = i; j > 0 && e->line[j - 1] > e->line[j]; j--) {
            char tmp[sizeof e->msg[0]];
            memcpy(tmp, e->msg[j], sizeof tmp);
            memcpy(e->msg[j], e->msg[j - 1], sizeof tmp);
            memcpy(e->msg[j - 1], tmp, sizeof tmp);
            int t = e->line[j];
            e->line[j] = e->line[j - 1];
            e->line[j - 1] = t;
        }
    }
}

int lesson_parse(lesson *l, const char *file, const char *buf, size_t len,
                 lesson_errors *errs)
{
    memset(l, 0, sizeof *l);
    memset(errs, 0, sizeof *errs);
    if (!file)
        file = "lesson";
    if (len > LESSON_MAX_FILE_BYTES) {
        lesson_error(errs, file, 1, 0, "%zu bytes; a lesson is at most %d bytes", len,
                     LESSON_MAX_FILE_BYTES);
        return SIM_E_FORMAT;
    }
    l->file = strdup(file);
    l->steps = calloc(LESSON_MAX_STEPS, sizeof *l->steps);
    if (!l->file || !l->steps) {
        lesson_free(l);
        return SIM_E_NOMEM;
    }
    cmark_node *doc = cmark_parse_document(buf, len, CMARK_OPT_VALIDATE_UTF8);
    if (!doc) {
        lesson_free(l);
        return SIM_E_NOMEM;
    }
    walker w = {.file = file, .e = errs};
    int rc = walk(l, doc, &w);
    cmark_node_free(doc);
    if (rc == 0) {
        if (!l->title && errs->n == 0)
            lesson_error(errs, file, 1, 0, "a lesson starts with its title, a line '# Title'");
        else if (l->title && l->nsteps == 0)
            lesson_error(errs, file, 1, 0, "no steps: each step starts with '## Step title'");
        for (size_t i = 0; i < l->nsteps; i++)
            if (!l->steps[i].settings_line)
                lesson_error(errs, file, l->steps[i].line, 0,
                             "step '%s' has no ```concviz block: each step sets up a "
                             "scenario with one", l->steps[i].title ? l->steps[i].title : "");
    }
    sort_errors(errs);
    if (rc != 0 || errs->n > 0) {
        lesson_free(l);
        return rc ? rc : SIM_E_FORMAT;
    }
    return 0;
}

int lesson_load(lesson *l, const char *path, lesson_errors *errs)
{
    memset(l, 0, sizeof *l);
    memset(errs, 0, sizeof *errs);
    /* A regular file or a clear refusal: never wait on a FIFO (read_file.h). */
    char *buf, why[256];
    size_t n;
    int rc = sim_file_read_all(path, "lesson", LESSON_MAX_FILE_BYTES, &buf, &n, why,
                               sizeof why);
    if (rc == SIM_E_NOMEM)
        return rc;
    if (rc) {
        lesson_error(errs, path, 1, 0, "%s", why);
        return rc == SIM_E_FORMAT ? rc : SIM_E_SYS;
    }
    rc = lesson_parse(l, path, buf, n, errs);
    free(buf);
    return rc;
}
