/* code_view.c - the code view's arithmetic: geometry, scrolling, the
 * lines tasks are on, and a small Python colouring (see code_view.h).
 */
#include "code_view.h"

#include <math.h>
#include <string.h>

void ui_code_geom_of(const ui_layout *l, ui_code_geom *g)
{
    memset(g, 0, sizeof *g);
    ui_rect rc = l->code;
    g->px = l->small_px * 9 / 10 > 8 ? l->small_px * 9 / 10 : 8;
    /* A narrow column (beside a lesson, in big text) makes the text
     * smaller, down to 10 px, rather than cut every line: about 48
     * columns of the mono font (0.6 em each) and the gutter fit. */
    int fit = (int)(rc.w / (0.6 * 48 + 0.6 * 3 + 2.6));
    if (g->px > fit)
        g->px = fit > 10 ? fit : (g->px < 10 ? g->px : 10);
    g->line_h = (int)lround(g->px * 1.3);
    int head_h = l->row_h;
    g->head = (ui_rect){rc.x, rc.y, rc.w, head_h};
    g->text = (ui_rect){rc.x, rc.y + head_h, rc.w, rc.h - head_h > 0 ? rc.h - head_h : 0};
    /* "123" and two task chips. */
    g->gutter_w = (int)lround(g->px * 0.62 * 3) + 2 * (g->px + 2) + l->pad;
    g->rows = g->line_h > 0 ? (g->text.h - l->pad / 2) / g->line_h : 0;
    if (g->rows < 0)
        g->rows = 0;
}

int ui_code_panel(const ui_view *v, const sim_comparison *c)
{
    if (c->ntraces <= 0)
        return -1;
    return v->code_panel >= 0 && v->code_panel < c->ntraces ? v->code_panel : 0;
}

static int nlines(const ui_lens *L, int p)
{
    return p >= 0 && p < L->n ? (int)L->p[p].prog.nlines : 0;
}

static int clamp_first(const ui_layout *l, const ui_lens *L, int p, int first)
{
    ui_code_geom g;
    ui_code_geom_of(l, &g);
    int max = nlines(L, p) - g.rows;
    if (first > max)
        first = max;
    return first < 0 ? 0 : first;
}

int ui_code_first(const ui_view *v, const ui_layout *l, const ui_lens *L, int p)
{
    int first = v->code_scroll;
    if (first < 0) {
        /* Where the task functions begin, with the comment above them. */
        const sim_pyprog_map *m = p >= 0 && p < L->n ? &L->p[p].prog.map : NULL;
        first = m && m->ngroups > 0 && m->group_line[0] > 3 ? (int)m->group_line[0] - 3 : 0;
    }
    return clamp_first(l, L, p, first);
}

void ui_code_scroll_by(ui_view *v, const ui_layout *l, const ui_lens *L, int lines)
{
    int p = v->code_panel >= 0 ? v->code_panel : 0;
    v->code_scroll = clamp_first(l, L, p, ui_code_first(v, l, L, p) + lines);
}

void ui_code_show_line(ui_view *v, const ui_layout *l, const ui_lens *L, uint32_t line)
{
    if (line == 0)
        return;
    int p = v->code_panel >= 0 ? v->code_panel : 0;
    ui_code_geom g;
    ui_code_geom_of(l, &g);
    int first = ui_code_first(v, l, L, p);
    int at = (int)line - 1;
    if (at >= first && at < first + g.rows)
        return; /* already in view: nothing moves under the reader's eyes */
    v->code_scroll = clamp_first(l, L, p, at - g.rows / 3);
}

static void add_mark(ui_code_mark *out, int *n, int max, uint32_t line, uint32_t task)
{
    for (int i = 0; i < *n; i++)
        if (out[i].task == task)
            return;
    if (*n < max)
        out[(*n)++] = (ui_code_mark){line, task};
}

/* A task on a line at t: it has started or waits to, and has not ended. */
static uint32_t task_line(const ui_lens *L, const sim_trace *tr, int p, uint32_t task,
                          int64_t t)
{
    if (task >= tr->ntasks || task >= tr->nlanes)
        return 0;
    long k = sim_lane_mark_at(&tr->lanes[task], t);
    if (k < 0)
        return 0;
    uint8_t s = tr->lanes[task].marks[k].state;
    if (s == SIM_ST_NONE || s == SIM_ST_DONE || s == SIM_ST_LOST)
        return 0;
    return ui_lens_task_line(L, p, task, t);
}

int ui_code_marks(const ui_lens *L, const ui_view *v, const sim_comparison *c, int p,
                  int64_t t, long hover, ui_code_mark *out, int max)
{
    int n = 0;
    if (p < 0 || p >= c->ntraces || p >= L->n)
        return 0;
    const sim_trace *tr = &c->traces[p];
    if (tr->ntasks <= UI_CODE_ALL_TASKS) {
        for (uint32_t k = 0; k < tr->ntasks; k++) {
            uint32_t line = task_line(L, tr, p, k, t);
            if (line)
                add_mark(out, &n, max, line, k);
        }
    } else {
        long pick[2] = {v->code_task, hover};
        for (int i = 0; i < 2; i++) {
            if (pick[i] < 0)
                continue;
            uint32_t line = task_line(L, tr, p, (uint32_t)pick[i], t);
            if (line)
                add_mark(out, &n, max, line, (uint32_t)pick[i]);
        }
    }
    /* By line, then task: the drawing walks lines in order. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && (out[j].line < out[j - 1].line ||
                                  (out[j].line == out[j - 1].line &&
                                   out[j].task < out[j - 1].task)); j--) {
            ui_code_mark m = out[j];
            out[j] = out[j - 1];
            out[j - 1] = m;
        }
    return n;
}

/* ---- colouring --------------------------------------------------------- */

static int is_word(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

static int keyword(const char *s, size_t n)
{
    static const char *const kw[] = {
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
        "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
        "while", "with", "yield", "None", "True", "False"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strlen(kw[i]) == n && memcmp(kw[i], s, n) == 0)
            return 1;
    return 0;
}

void ui_code_classify(const char *s, size_t n, int *in_doc, uint8_t *cls)
{
    size_t i = 0;
    while (i < n) {
        if (*in_doc) {
            /* Inside a triple-quoted string until its closing quotes. */
            const char *end = NULL;
            for (size_t k = i; k + 2 < n + 0 && !end; k++)
                if (s[k] == '"' && s[k + 1] == '"' && s[k + 2] == '"')
                    end = s + k;
            size_t stop = end ? (size_t)(end - s) + 3 : n;
            memset(cls + i, UI_CODE_STRING, stop - i);
            i = stop;
            if (end)
                *in_doc = 0;
            continue;
        }
        char ch = s[i];
        if (ch == '#') {
            memset(cls + i, UI_CODE_COMMENT, n - i);
            return;
        }
        if (ch == '"' && i + 2 < n && s[i + 1] == '"' && s[i + 2] == '"') {
            memset(cls + i, UI_CODE_STRING, 3);
            i += 3;
            *in_doc = 1;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            size_t k = i + 1;
            while (k < n && s[k] != ch)
                k += s[k] == '\\' && k + 1 < n ? 2 : 1;
            size_t stop = k < n ? k + 1 : n;
            /* An f-string's prefix goes with it. */
            size_t from = i > 0 && (s[i - 1] == 'f' || s[i - 1] == 'b') &&
                                  (i < 2 || !is_word(s[i - 2]))
                              ? i - 1 : i;
            memset(cls + from, UI_CODE_STRING, stop - from);
            i = stop;
            continue;
        }
        if (is_word(ch)) {
            size_t k = i;
            while (k < n && is_word(s[k]))
                k++;
            memset(cls + i, keyword(s + i, k - i) ? UI_CODE_KEYWORD : UI_CODE_PLAIN, k - i);
            i = k;
            continue;
        }
        cls[i++] = UI_CODE_PLAIN;
    }
}
