/* draw_code.c - the code view: the whole Python program of one panel's
 * model, with the line each task is on at the playhead.
 *
 * What is shown and where comes from the model (code_view.h: geometry,
 * scrolling, the marks; lens.h: the program and its line map); this file
 * only paints it: a title, line numbers, the code coloured by a small
 * Python classifier, and for each marked line a band and chips in the
 * task's colour. A marked line scrolled out of view gets a note at the
 * edge it is beyond, so a task is never lost from sight.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "code_view.h"
#include "draw_priv.h"
#include "hit.h"
#include "timeline.h"

static ui_color task_color(const ui_ctx *ui, uint32_t task)
{
    return ui->th->task[task % UI_TASK_COLORS];
}

/* A task's chip: its number on its colour. */
static void chip(ui_ctx *ui, int x, int y, int s, uint32_t task, const char *text)
{
    fill(ui, (ui_rect){x, y, s, s}, task_color(ui, task));
    int px = s * 8 / 10 > 7 ? s * 8 / 10 : 7;
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, px, text, &w, &h);
    ui_color white = {255, 255, 255, 255};
    ui_text_draw(&ui->text, UI_FONT_BOLD, px, white, text, x + (s - w) / 2, y + (s - h) / 2,
                 UI_ALIGN_LEFT);
}

/* One line of code, coloured: runs of one class drawn at their column. */
static void code_line(ui_ctx *ui, int px, double cw, int x, int y, const char *s, size_t n,
                      int *in_doc)
{
    uint8_t cls[512];
    char run[512];
    if (n > sizeof cls)
        n = sizeof cls;
    ui_code_classify(s, n, in_doc, cls);
    const ui_theme *th = ui->th;
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && cls[k] == cls[i])
            k++;
        size_t lead = i;
        while (lead < k && s[lead] == ' ')
            lead++;
        if (lead < k) {
            memcpy(run, s + lead, k - lead);
            run[k - lead] = '\0';
            ui_color col = cls[i] == UI_CODE_KEYWORD ? th->code_keyword
                           : cls[i] == UI_CODE_STRING ? th->code_string
                           : cls[i] == UI_CODE_COMMENT ? th->code_comment : th->fg;
            ui_text_draw(&ui->text, UI_FONT_MONO, px, col, run, x + (int)lround(lead * cw), y,
                         UI_ALIGN_LEFT);
        }
        i = k;
    }
}

/* Where a task scrolled out of view is: "▲ task 3, line 12". */
static void edge_note(ui_ctx *ui, const ui_code_geom *g, int top, const ui_code_mark *m,
                      int more)
{
    char buf[80];
    snprintf(buf, sizeof buf, "%s task %u on line %u%s", top ? "\xe2\x96\xb2" : "\xe2\x96\xbc",
             m->task, m->line, more ? " (and more)" : "");
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, g->px, buf, &w, &h);
    int bw = w + 8 < g->text.w - 4 ? w + 8 : g->text.w - 4;
    int y = top ? g->text.y + 1 : g->text.y + g->text.h - h - 3;
    fill(ui, (ui_rect){g->text.x + g->text.w - bw - 2, y, bw, h + 2}, task_color(ui, m->task));
    ui_color white = {255, 255, 255, 255};
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, g->px, white, buf, g->text.x + g->text.w - bw + 2,
                     y + 1, bw - 6);
}

void ui_draw_code_view(ui_ctx *ui, const ui_view *v, const sim_comparison *c)
{
    const ui_layout *l = ui->l;
    const ui_theme *th = ui->th;
    ui_lens *L = ui->lens;
    ui_code_geom g;
    ui_code_geom_of(l, &g);
    fill(ui, l->code, th->field);
    frame_rect(ui, l->code, th->grid, 1);
    int p = ui_code_panel(v, c);
    const ui_program *prog = p >= 0 && p < L->n ? &L->p[p].prog : NULL;
    char title[96];
    if (!prog || !prog->text) {
        ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, l->small_px, th->fg_dim,
                         c->ntraces ? "no program for this run"
                                    : "the program shows after a run",
                         g.head.x + l->pad, g.head.y + (g.head.h - l->small_px) / 2,
                         g.head.w - 2 * l->pad);
        return;
    }
    /* The title: the file `concviz python` would save, and which panel. */
    snprintf(title, sizeof title, "%s_demo.py", sim_model_name(c->traces[p].model));
    int tw = ui_text_draw_fit(&ui->text, UI_FONT_BOLD, l->small_px, th->fg, title,
                              g.head.x + l->pad, g.head.y + (g.head.h - l->small_px) / 2,
                              g.head.w - 2 * l->pad);
    int first = ui_code_first(v, l, L, p);
    int last = first + g.rows < (int)prog->nlines ? first + g.rows : (int)prog->nlines;
    char where[64];
    snprintf(where, sizeof where, "lines %d\xe2\x80\x93%d of %u", first + 1, last,
             prog->nlines);
    int ww, wh;
    ui_text_size(&ui->text, UI_FONT_REGULAR, g.px, where, &ww, &wh);
    if (g.head.x + l->pad + tw + l->pad + ww < g.head.x + g.head.w - l->pad)
        ui_text_draw(&ui->text, UI_FONT_REGULAR, g.px, th->fg_dim, where,
                     g.head.x + g.head.w - l->pad - ww, g.head.y + (g.head.h - wh) / 2,
                     UI_ALIGN_LEFT);
    fill(ui, (ui_rect){g.head.x, g.head.y + g.head.h - 1, g.head.w, 1}, th->grid);

    /* The lines tasks are on, at the playhead (at the newest moment while
     * the run goes on). */
    const sim_trace *tr = &c->traces[p];
    int64_t t = ui_visible_limit(v, tr);
    if (t > 0 && (v->live || t >= ui_trace_end(tr)))
        t--; /* the last instant drawn, not the one after it */
    ui_code_mark marks[UI_CODE_MAX_MARKS];
    int nm = ui_code_marks(L, v, c, p, t, ui_hover_task(ui, v, c, p), marks,
                           UI_CODE_MAX_MARKS);

    /* One column of the mono font, measured over many so that rounding
     * does not add up along a line. */
    int w40, ch;
    const char *forty = "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM";
    ui_text_size(&ui->text, UI_FONT_MONO, g.px, forty, &w40, &ch);
    double cw = w40 > 0 ? w40 / 40.0 : 1.0;
    SDL_Rect clip = {g.text.x + 1, g.text.y, g.text.w - 2, g.text.h - 1};
    SDL_RenderSetClipRect(ui->r, &clip);
    int in_doc = 0;
    /* The classifier needs to know whether the first line shown starts
     * inside a docstring: the lines above are read, not drawn. */
    uint8_t scratch[512];
    for (int i = 0; i < first; i++) {
        size_t n;
        const char *s = ui_lens_line_text(L, p, (uint32_t)i + 1, &n);
        if (s)
            ui_code_classify(s, n < sizeof scratch ? n : sizeof scratch, &in_doc, scratch);
    }
    int num_w = (int)lround(cw * 3.2);
    int chip_s = g.line_h - 2 > 6 ? g.line_h - 2 : 6;
    int code_x = g.text.x + g.gutter_w;
    int k = 0;
    for (int row = 0; first + row < last; row++) {
        uint32_t line = (uint32_t)(first + row + 1);
        int y = g.text.y + l->pad / 2 + row * g.line_h;
        while (k < nm && marks[k].line < line)
            k++;
        int nhere = 0;
        while (k + nhere < nm && marks[k + nhere].line == line)
            nhere++;
        if (nhere > 0) {
            ui_color band = task_color(ui, marks[k].task);
            band.a = 70;
            fill(ui, (ui_rect){g.text.x + 1, y, g.text.w - 2, g.line_h}, band);
            fill(ui, (ui_rect){g.text.x + 1, y, 3, g.line_h}, task_color(ui, marks[k].task));
            char num[16];
            int cx = g.text.x + 4 + num_w + 2;
            snprintf(num, sizeof num, "%u", marks[k].task);
            chip(ui, cx, y + 1, chip_s, marks[k].task, num);
            if (nhere == 2) {
                snprintf(num, sizeof num, "%u", marks[k + 1].task);
                chip(ui, cx + chip_s + 2, y + 1, chip_s, marks[k + 1].task, num);
            } else if (nhere > 2) {
                snprintf(num, sizeof num, "+%d", nhere - 1);
                chip(ui, cx + chip_s + 2, y + 1, chip_s, marks[k + 1].task, num);
            }
        }
        char num[16];
        snprintf(num, sizeof num, "%u", line);
        int nw, nh;
        ui_text_size(&ui->text, UI_FONT_MONO, g.px, num, &nw, &nh);
        ui_text_draw(&ui->text, UI_FONT_MONO, g.px, th->fg_dim, num, g.text.x + 4 + num_w - nw,
                     y + (g.line_h - nh) / 2, UI_ALIGN_LEFT);
        size_t n;
        const char *s = ui_lens_line_text(L, p, line, &n);
        if (s && n > 0)
            code_line(ui, g.px, cw, code_x, y + (g.line_h - ch) / 2, s, n, &in_doc);
        else if (s)
            ui_code_classify(s, 0, &in_doc, scratch);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
    /* Tasks on lines out of view. */
    for (int i = 0; i < nm; i++)
        if ((int)marks[i].line <= first) {
            edge_note(ui, &g, 1, &marks[i], i + 1 < nm && (int)marks[i + 1].line <= first);
            break;
        }
    for (int i = nm - 1; i >= 0; i--)
        if ((int)marks[i].line > last) {
            edge_note(ui, &g, 0, &marks[i], i > 0 && (int)marks[i - 1].line > last);
            break;
        }
}
