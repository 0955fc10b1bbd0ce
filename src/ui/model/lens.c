/* lens.c - the programs, the step index and the value series of a
 * comparison, kept up to date (see lens.h).
 *
 * A program is written exactly as `concviz python` writes it, into memory,
 * by the same generator, which says on which line it put each step
 * (sim_pyprog_write_map): the code view never guesses a line.
 */
#include "lens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static void program_free(ui_program *g)
{
    free(g->text);
    free(g->line);
    sim_pyprog_map_free(&g->map);
    memset(g, 0, sizeof *g);
}

/* Writes model m's program with its line map, and finds its lines. */
static int program_make(ui_program *g, const sim_workload *w, sim_model m,
                        const sim_config *cfg)
{
    memset(g, 0, sizeof *g);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -ENOMEM;
    int rc = sim_pyprog_write_map(f, w, m, cfg, &g->map);
    if (fclose(f) != 0 || rc != SIM_OK) {
        free(buf);
        sim_pyprog_map_free(&g->map);
        return -ENOMEM;
    }
    g->text = buf;
    g->len = len;
    uint32_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == '\n' && i + 1 < len;
    g->line = malloc(n * sizeof *g->line);
    if (!g->line) {
        program_free(g);
        return -ENOMEM;
    }
    g->line[0] = 0;
    g->nlines = 1;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n' && i + 1 < len)
            g->line[g->nlines++] = (uint32_t)(i + 1);
    return 0;
}

/* The settings a program depends on: another value means another text. */
static int same_settings(const sim_config *a, const sim_config *b)
{
    return a->threads == b->threads && a->workers == b->workers &&
           a->switch_interval_ns == b->switch_interval_ns &&
           a->start_method == b->start_method;
}

void ui_lens_free(ui_lens *L)
{
    for (int i = 0; i < UI_MAX_PANELS; i++) {
        program_free(&L->p[i].prog);
        ui_steps_free(&L->p[i].steps);
        ui_values_free(&L->p[i].values);
    }
    if (L->have_w)
        sim_workload_free(&L->w);
    free(L->spec);
    memset(L, 0, sizeof *L);
}

/* The workload, parsed again when the comparison's string changed. */
static int update_workload(ui_lens *L, const char *spec)
{
    if (L->spec && spec && strcmp(L->spec, spec) == 0)
        return 0;
    for (int i = 0; i < UI_MAX_PANELS; i++)
        program_free(&L->p[i].prog);
    if (L->have_w)
        sim_workload_free(&L->w);
    L->have_w = 0;
    free(L->spec);
    L->spec = NULL;
    if (!spec)
        return 0;
    if (!(L->spec = strdup(spec)))
        return -ENOMEM;
    sim_parse_error pe;
    L->have_w = sim_workload_parse(&L->w, spec, &pe) == 0;
    return 0;
}

int ui_lens_update(ui_lens *L, const sim_comparison *c)
{
    int rc = update_workload(L, c->workload);
    L->n = c->ntraces < UI_MAX_PANELS ? c->ntraces : UI_MAX_PANELS;
    for (int i = 0; i < L->n; i++) {
        const sim_trace *tr = &c->traces[i];
        ui_panel_lens *pl = &L->p[i];
        int fits = L->have_w && L->w.ntasks == tr->ntasks;
        if (pl->prog.text && (pl->model != tr->model || !same_settings(&pl->cfg, &tr->cfg)))
            program_free(&pl->prog);
        if (!pl->prog.text && fits) {
            pl->model = tr->model;
            pl->cfg = tr->cfg;
            if (program_make(&pl->prog, &L->w, tr->model, &tr->cfg) != 0)
                rc = -ENOMEM;
        }
        /* A run still going is read again once it has grown by an eighth
         * (and a thousand instants): the work stays in proportion to the
         * run, not to the frames drawn meanwhile. */
        size_t built = pl->steps.tr == tr ? pl->steps.ninstants : 0;
        if (tr->end_ns < 0 && pl->steps.tr == tr && tr->ninstants < built + built / 8 + 1024)
            continue;
        if (ui_steps_build(&pl->steps, tr) != 0 || ui_values_build(&pl->values, tr) != 0)
            rc = -ENOMEM;
    }
    return rc;
}

long ui_lens_op_at(const ui_lens *L, int p, uint32_t task, int64_t t)
{
    if (p < 0 || p >= L->n || !L->have_w)
        return -1;
    return ui_steps_op_at(&L->p[p].steps, &L->w, task, t);
}

uint32_t ui_lens_line_of(const ui_lens *L, int p, long op)
{
    if (p < 0 || p >= L->n || op < 0)
        return 0;
    const sim_pyprog_map *m = &L->p[p].prog.map;
    /* A release is the end of a `with` block, no line of its own; a thread
     * that waits there (for a semaphore's own lock) is shown at the `with`
     * line, where Python too puts the __exit__ call. */
    if ((size_t)op < L->w.nops && L->w.ops[op].kind == SIM_OP_RELEASE)
        for (long q = op; q-- > 0;)
            if (L->w.ops[q].kind == SIM_OP_ACQUIRE && L->w.ops[q].a == op) {
                op = q;
                break;
            }
    return (size_t)op < m->nops ? m->op_line[op] : 0;
}

uint32_t ui_lens_task_line(const ui_lens *L, int p, uint32_t task, int64_t t)
{
    return ui_lens_line_of(L, p, ui_lens_op_at(L, p, task, t));
}

const char *ui_lens_line_text(const ui_lens *L, int p, uint32_t line, size_t *len)
{
    if (p < 0 || p >= L->n || line == 0 || line > L->p[p].prog.nlines)
        return NULL;
    const ui_program *g = &L->p[p].prog;
    size_t a = g->line[line - 1];
    size_t b = line < g->nlines ? g->line[line] - 1 : g->len;
    while (b > a && (g->text[b - 1] == '\n' || g->text[b - 1] == '\r'))
        b--;
    *len = b - a;
    return g->text + a;
}
