/* draw_panel.c - a panel's header and its lane labels.
 *
 * The header has two lines. The first: the model's name, then its
 * measured numbers at the right (wall time, speed-up, CPU use, switches,
 * memory per task), in the longest form that fits beside the name: a
 * narrow window or large text drops the words before the numbers, never
 * the numbers. The second: why the result is what it is (explain.h), or,
 * while the model runs, what the model is; for a run that did not
 * finish, what stopped it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"
#include "format.h"
#include "program.h"
#include "program_view.h"

/* The shared variables of a run, in the sentence `concviz run` prints
 * (sim_counter_sentence), joined by "; ". Empty when the run recorded
 * none. A sentence that does not fit is left out whole, and "..." says so. */
static void counters_text(const sim_trace *tr, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (uint32_t k = 0; k < tr->ncounters; k++) {
        char one[256];
        if (sim_counter_sentence(&tr->counters[k], tr->model, one, sizeof one) == 0)
            continue;
        int r = snprintf(buf + len, n - len, "%s%s", len ? "; " : "", one);
        if (r < 0 || (size_t)r >= n - len) {
            buf[len] = 0;
            snprintf(buf + len, n - len, "%s\xe2\x80\xa6", len ? "; " : "");
            return;
        }
        len += (size_t)r;
    }
}

static const ui_explain *panel_why(ui_ctx *ui, const sim_comparison *c, int p)
{
    struct ui_explain_cache *k = &ui->why[p];
    const sim_trace *tr = ui_panel_trace(ui->l, c, p);
    if (k->tr != tr || k->end != tr->end_ns || k->now != tr->now_ns ||
        k->outcome != (int)tr->outcome) {
        ui_explain_facts(tr, c, &k->e);
        k->tr = tr;
        k->end = tr->end_ns;
        k->now = tr->now_ns;
        k->outcome = (int)tr->outcome;
    }
    return &k->e;
}

/* The numbers, in forms from the longest (0) to the shortest (2). */
static void stats_text(ui_ctx *ui, const sim_comparison *c, const sim_trace *tr, int p,
                       const char *spread, int form, char *buf, size_t n)
{
    sim_summary s = *ui_panel_summary(ui, c, p);
    char wall[32], mem[48] = "", sw[48], sp[160] = "";
    ui_format_dur(s.wall_ns, wall, sizeof wall);
    sim_format_count(s.switches, "switch", "switches", sw, sizeof sw);
    if (tr->mem_per_task_bytes >= 0) {
        char bytes[24];
        sim_format_bytes(tr->mem_per_task_bytes, bytes, sizeof bytes);
        snprintf(mem, sizeof mem, "  \xc2\xb7  %s/task", bytes);
    }
    if (spread && spread[0] && form == 0)
        snprintf(sp, sizeof sp, " (%s)", spread);
    const char *dot = "  \xc2\xb7  ";
    /* The speed-up compares with the durations the workload names; a
     * workload of fine steps only (x += 1, a lock) names none, and has no
     * speed-up to show ("0.00x" would read as "no faster than nothing"). */
    char x[48] = "";
    if (s.speedup > 0.0)
        snprintf(x, sizeof x, "%s%.2fx%s", dot, s.speedup, form == 0 ? " vs one by one" : "");
    switch (form) {
    case 0:
        snprintf(buf, n, "wall %s%s%s%sCPU %.0f%%%s%s%s", wall, sp, x, dot,
                 s.utilization * 100.0, dot, sw, mem);
        break;
    case 1:
        snprintf(buf, n, "%s%s%sCPU %.0f%%%s%s", wall, x, dot, s.utilization * 100.0, dot, sw);
        break;
    default:
        snprintf(buf, n, "%s%s", wall, x);
        break;
    }
}

void ui_draw_header(ui_ctx *ui, const sim_comparison *c, int p, const char *spread)
{
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    const ui_theme *th = ui->th;
    const sim_trace *tr = ui_panel_trace(l, c, p);
    int ty = pl->header.y + (l->row_h - l->title_px) / 2 - 1;
    int x = pl->header.x;
    char own[600]; /* a program's panel is named after the program */
    if (tr->program)
        ui_program_title(tr, own, sizeof own);
    x += ui_text_draw(&ui->text, UI_FONT_BOLD, l->title_px, th->fg,
                      tr->program ? own : sim_model_name(tr->model), x, ty, UI_ALIGN_LEFT);
    x += l->pad * 2;
    int room = pl->header.x + pl->header.w - x;

    /* Line 1, right: the numbers, or how the run stands. */
    char stats[400] = "";
    ui_color col = th->fg;
    ui_font font = UI_FONT_REGULAR;
    int form = 0;
    if (tr->outcome == SIM_OUTCOME_OK) {
        char cnt[320], one[400];
        counters_text(tr, cnt, sizeof cnt);
        for (form = 0; form < 3; form++) {
            if (tr->program)
                ui_program_stats(tr, c->machine.cpus, form, one, sizeof one);
            else
                stats_text(ui, c, tr, p, spread, form, one, sizeof one);
            if (cnt[0] && form == 0)
                snprintf(stats, sizeof stats, "%.150s  \xc2\xb7  %.240s", cnt, one);
            else
                snprintf(stats, sizeof stats, "%s", one);
            int w, h;
            ui_text_size(&ui->text, font, l->small_px, stats, &w, &h);
            if (w <= room)
                break;
        }
    } else if (tr->program && tr->outcome != SIM_OUTCOME_RUNNING) {
        /* A program that failed or was stopped is drawn as far as it got. */
        ui_program_stats(tr, c->machine.cpus, 1, stats, sizeof stats);
        col = tr->outcome == SIM_OUTCOME_FAILED ? th->error : th->fg_dim;
        font = UI_FONT_BOLD;
    } else if (tr->outcome == SIM_OUTCOME_RUNNING) {
        char now[32];
        ui_format_dur(tr->now_ns, now, sizeof now);
        snprintf(stats, sizeof stats, "running\xe2\x80\xa6 %s", now);
    } else if (tr->outcome == SIM_OUTCOME_CANCELLED || tr->outcome == SIM_OUTCOME_NOT_RUN ||
               tr->outcome == SIM_OUTCOME_TIMEOUT) {
        /* A stop is the user's doing, not a failure: said plainly. */
        char now[32];
        ui_format_dur(tr->end_ns >= 0 ? tr->end_ns : tr->now_ns, now, sizeof now);
        if (tr->outcome == SIM_OUTCOME_NOT_RUN)
            snprintf(stats, sizeof stats, "not run");
        else
            snprintf(stats, sizeof stats, "stopped at %s", now);
        font = UI_FONT_BOLD;
        col = th->fg_dim;
    } else if (tr->outcome == SIM_OUTCOME_DEADLOCK) {
        char at[32];
        ui_format_dur(tr->deadlock.t >= 0 ? tr->deadlock.t : tr->now_ns, at, sizeof at);
        snprintf(stats, sizeof stats, "deadlock at %s", at);
        font = UI_FONT_BOLD;
        col = th->deadlock;
    } else {
        snprintf(stats, sizeof stats, "did not finish: %s", sim_outcome_name(tr->outcome));
        font = UI_FONT_BOLD;
        col = th->error;
    }
    int sw, sh;
    ui_text_size(&ui->text, font, l->small_px, stats, &sw, &sh);
    int sx = pl->header.x + pl->header.w - sw;
    if (sx < x)
        sx = x;
    int sy = pl->header.y + (l->row_h - sh) / 2;
    ui_text_draw_fit(&ui->text, font, l->small_px, col, stats, sx, sy,
                     pl->header.x + pl->header.w - sx);

    /* Line 2: why, what stopped it, or (while it runs) what the model is. */
    char why[400];
    ui_color wcol = th->fg;
    if (tr->program) { /* a program's own words (program_view.h) */
        ui_program_explain(tr, 0, why, sizeof why);
        int pw, ph;
        ui_text_size(&ui->text, UI_FONT_REGULAR, l->small_px, why, &pw, &ph);
        if (pw > pl->explain.w)
            ui_program_explain(tr, 1, why, sizeof why);
        ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, l->small_px,
                         sim_trace_failed(tr) ? th->error : wcol, why, pl->explain.x,
                         pl->explain.y + (pl->explain.h - ph) / 2, pl->explain.w);
        return;
    }
    const ui_explain *e = panel_why(ui, c, p);
    size_t k = ui_explain_text(e, 0, why, sizeof why);
    if (k == 0 && tr->outcome == SIM_OUTCOME_RUNNING) {
        snprintf(why, sizeof why, "%s", sim_model_caption(tr->model));
        wcol = th->fg_dim;
    } else if (k == 0 && tr->error[0]) {
        snprintf(why, sizeof why, "%s", tr->error);
        wcol = tr->outcome == SIM_OUTCOME_DEADLOCK ? th->deadlock : th->error;
    }
    int ww, wh;
    ui_text_size(&ui->text, UI_FONT_REGULAR, l->small_px, why, &ww, &wh);
    if (ww > pl->explain.w && k > 0) {
        ui_explain_text(e, 1, why, sizeof why); /* the brief form */
        ui_text_size(&ui->text, UI_FONT_REGULAR, l->small_px, why, &ww, &wh);
    }
    ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, l->small_px, wcol, why, pl->explain.x,
                     pl->explain.y + (pl->explain.h - wh) / 2, pl->explain.w);
}

/* A lane label's size: the layout's small text where the rows are as
 * tall, else as tall as a row (a projector's big text on three panels
 * makes rows thinner than it), so that every lane keeps its name and no
 * two names overlap; thinner rows than that are labelled every k-th, in
 * the small text. How thin: task lanes down to two thirds of the small
 * text (below it, "task 0, task 3, task 6" in big letters reads better
 * from the back of a room than every name in small ones), the other lanes
 * down to half (each has a name of its own: GIL, main thread, lock L). */
int ui_label_px(int px, int row, int task)
{
    if (row >= px)
        return px;
    if (row * (task ? 3 : 2) < px * (task ? 2 : 1))
        return px;
    return row > 10 ? row : 10; /* smaller is unreadable; a letter's body still fits */
}

void ui_draw_labels(ui_ctx *ui, const sim_trace *tr, int p)
{
    const ui_layout *l = ui->l;
    const ui_panel_layout *pl = &l->panels[p];
    int px = ui_label_px(l->small_px, l->task_row_h, 1);
    int row = l->task_row_h;
    /* Thin rows: label every k-th row so labels never overlap. */
    uint32_t every = row >= px ? 1 : (uint32_t)((px + 2 + row - 1) / row);
    int label_end = pl->tasks.y + pl->tasks.h;
    char name[128]; /* a program's own names run longer than a model's */
    for (uint32_t i = 0; i < l->rows_visible; i++) {
        uint32_t lane = l->task_scroll + i;
        if (lane >= tr->ntasks || lane >= tr->nlanes || lane % every)
            continue;
        sim_lane_name(tr, lane, name, sizeof name);
        int y = pl->tasks.y + (int)i * row + (row - px) / 2 - 1;
        if (row < px)
            y = pl->tasks.y + (int)i * row;
        if (y + px > label_end + 2)
            continue;
        /* A program's lanes are a tree (program.h): a process, its
         * threads, a thread's loop, the loop's tasks; each level indented. */
        int indent = 0;
        if (tr->program && lane < tr->program->nlanes)
            indent = (int)tr->program->lanes[lane].depth * px * 4 / 5;
        if (indent > l->label_w / 3)
            indent = l->label_w / 3;
        ui_text_draw_fit(&ui->text, UI_FONT_REGULAR, px, ui->th->fg_dim, name,
                         l->label_x + indent, y, l->label_w - indent);
    }
    px = ui_label_px(l->small_px, pl->res_row_h, 0);
    uint32_t res_every = pl->res_row_h >= px
                             ? 1 : (uint32_t)((px + pl->res_row_h - 1) / (pl->res_row_h > 0
                                                                   ? pl->res_row_h : 1));
    for (uint32_t j = 0; j < pl->nres && tr->ntasks + j < tr->nlanes; j++) {
        if (j % res_every)
            continue;
        sim_lane_name(tr, tr->ntasks + j, name, sizeof name);
        int y = pl->res.y + (int)j * pl->res_row_h + (pl->res_row_h - px) / 2 - 1;
        if (pl->res_row_h < px)
            y = pl->res.y + (int)j * pl->res_row_h;
        /* Into the gap under the panel at most, never into the next one,
         * and never onto the value lanes under these (a label every k-th
         * row is taller than its row). */
        if (y + px > pl->rect.y + pl->rect.h + l->pad ||
            (res_every > 1 && pl->nvalues && y + px * 4 / 5 > pl->res.y + pl->res.h))
            continue;
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, ui->th->fg, name,
                         l->label_x, y, l->label_w);
    }
    px = l->small_px;
    if (pl->summary.h > 0)
        ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, ui->th->fg, "all tasks",
                         l->label_x, pl->summary.y + (pl->summary.h - px) / 2,
                         l->label_w);
}

void ui_draw_scroll_note(ui_ctx *ui)
{
    const ui_layout *l = ui->l;
    if (l->npanels == 0 || l->rows_visible >= l->ntasks || l->rows_visible == 0)
        return;
    /* Left of the ruler, once for every panel (they scroll together). */
    char more[96];
    snprintf(more, sizeof more, "tasks %u\xe2\x80\x93%u of %u \xe2\x86\x95", l->task_scroll + 1,
             l->task_scroll + l->rows_visible, l->ntasks);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, l->small_px, more, &w, &h);
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, l->small_px, ui->th->fg_dim, more,
                     l->scroll_note.x, l->scroll_note.y + (l->scroll_note.h - h) / 2,
                     l->scroll_note.w);
}
