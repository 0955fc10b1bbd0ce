/* lens.h - what the view derives from a comparison beyond its lanes: the
 * workload's program, each model's Python program with the line of every
 * step, where each task is (steps.h), and the values of shared state
 * (values.h).
 *
 * All of it comes from the comparison alone (the trace and the workload
 * string it carries), so a saved run gets the same code view and value
 * lanes as a live one. ui_lens_update brings it up to date: the programs
 * are written again only when the workload or a model's settings change,
 * the indexes only when a trace has grown, so calling it every frame costs
 * nothing when nothing moved.
 *
 * The caller owns the lens (the window keeps one, a headless picture
 * another); ui_lens_free frees it.
 */
#ifndef UI_LENS_H
#define UI_LENS_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "layout.h"
#include "pyprog.h"
#include "steps.h"
#include "values.h"

/* One model's Python program, as `concviz python` prints it. */
typedef struct ui_program {
    char *text;          /* NUL-terminated, or NULL when it could not be written */
    size_t len;
    uint32_t *line;      /* nlines offsets into text: where each line starts */
    uint32_t nlines;
    sim_pyprog_map map;  /* each op's line (1-based), each group's def line */
} ui_program;

typedef struct ui_panel_lens {
    sim_model model;     /* the model the program was written for */
    sim_config cfg;      /* ...with these settings (the key to rewrite it) */
    ui_program prog;
    ui_steps steps;
    ui_values values;
} ui_panel_lens;

typedef struct ui_lens {
    char *spec;          /* the workload the programs were written for, or NULL */
    sim_workload w;      /* it, parsed */
    int have_w;
    ui_panel_lens p[UI_MAX_PANELS];
    int n;
} ui_lens;

/* Brings the lens up to date with comparison c. Returns 0, or -ENOMEM
 * (what could not be built is left out: no program, no index). */
int ui_lens_update(ui_lens *L, const sim_comparison *c);
void ui_lens_free(ui_lens *L);

/* The op task `task` of panel p is at, at time t, or -1 (no steps
 * recorded, no such panel). */
long ui_lens_op_at(const ui_lens *L, int p, uint32_t task, int64_t t);
/* The program's line (1-based) of op `op`, or 0 (a line of its own it has
 * not, as a block's end). */
uint32_t ui_lens_line_of(const ui_lens *L, int p, long op);
/* The line task `task` of panel p is on at time t, or 0. */
uint32_t ui_lens_task_line(const ui_lens *L, int p, uint32_t task, int64_t t);

/* Line `line` (1-based) of panel p's program: its start and length, or
 * NULL when there is no such line. */
const char *ui_lens_line_text(const ui_lens *L, int p, uint32_t line, size_t *len);

#endif
