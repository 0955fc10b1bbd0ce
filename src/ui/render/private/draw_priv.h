/* draw_priv.h - helpers shared by the draw_*.c files (not part of the API). */
#ifndef UI_DRAW_PRIV_H
#define UI_DRAW_PRIV_H

#include "draw.h"

/* Opaque colours are drawn without blending: the software renderer's fill
 * is several times faster when it need not read the pixels underneath. */
static inline void set_col(ui_ctx *ui, ui_color c)
{
    SDL_SetRenderDrawBlendMode(ui->r, c.a == 255 ? SDL_BLENDMODE_NONE
                                                 : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ui->r, c.r, c.g, c.b, c.a);
}

static inline void fill(ui_ctx *ui, ui_rect rc, ui_color c)
{
    if (rc.w <= 0 || rc.h <= 0 || c.a == 0)
        return;
    set_col(ui, c);
    SDL_Rect r = {rc.x, rc.y, rc.w, rc.h};
    SDL_RenderFillRect(ui->r, &r);
}

static inline void frame_rect(ui_ctx *ui, ui_rect rc, ui_color c, int t)
{
    fill(ui, (ui_rect){rc.x, rc.y, rc.w, t}, c);
    fill(ui, (ui_rect){rc.x, rc.y + rc.h - t, rc.w, t}, c);
    fill(ui, (ui_rect){rc.x, rc.y, t, rc.h}, c);
    fill(ui, (ui_rect){rc.x + rc.w - t, rc.y, t, rc.h}, c);
}

/* Line thickness for the current scale (1 px at 720p, 3 px on 4K). */
static inline int thick(const ui_ctx *ui)
{
    int t = (int)(ui->l->scale + 0.5f);
    return t < 1 ? 1 : t;
}

/* The hatching of a state over a rectangle (anchored to the window, so
 * neighbouring boxes continue the same pattern). */
void ui_draw_hatch(ui_ctx *ui, ui_rect rc, int hatch);
/* A filled triangle. */
void ui_draw_triangle(ui_ctx *ui, float x0, float y0, float x1, float y1,
                      float x2, float y2, ui_color c);
/* A line of thickness t (a quad, so it stays visible on 4K). */
void ui_draw_line(ui_ctx *ui, float x0, float y0, float x1, float y1, float t,
                  ui_color c);
/* A box with a state's colour and hatching, as the legend and lanes use. */
void ui_draw_state_box(ui_ctx *ui, ui_rect rc, int state);

/* The task under the pointer in panel p (its lane, or a resource lane's
 * segment busy with it), or -1. */
long ui_hover_task(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p);

/* A panel's measured numbers, cached until its trace changes. */
const sim_summary *ui_panel_summary(ui_ctx *ui, const sim_comparison *c, int p);

/* draw_lanes.c */
void ui_draw_panel_lanes(ui_ctx *ui, const ui_view *v, const sim_comparison *c,
                         int p);
void ui_draw_summary_lane(ui_ctx *ui, const ui_view *v, const sim_trace *tr,
                          int p);
/* draw_arrows.c */
void ui_draw_arrows(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                    int64_t limit);
void ui_draw_deadlock(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                      int64_t limit);
/* draw_panel.c */
void ui_draw_header(ui_ctx *ui, const sim_comparison *c, int p, const char *spread);
void ui_draw_labels(ui_ctx *ui, const sim_trace *tr, int p);
/* The text size for a lane label in rows `row` px tall, the layout's
 * small text being `px`, for a task lane or another (draw_panel.c says
 * how it is chosen). */
int ui_label_px(int px, int row, int task);
void ui_draw_scroll_note(ui_ctx *ui);
/* draw_cpython.c: a CPython panel (panels.h), and how an inferred
 * segment is marked (the legend draws its swatch with it too). */
void ui_draw_cpython_panel(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p,
                           const char *python);
void ui_draw_inferred_box(ui_ctx *ui, ui_rect rc);
/* The veil over every inferred segment of panel p's lanes (a CPython
 * panel's; a program's trace, concviz trace, draws its own so too). */
void ui_draw_inferred_marks(ui_ctx *ui, const ui_view *v, const sim_trace *tr, int p);
/* draw_legend.c */
void ui_draw_legend(ui_ctx *ui, const ui_view *v, const sim_comparison *c);
/* draw_overlay.c */
void ui_draw_selection(ui_ctx *ui, const ui_view *v, const sim_comparison *c);
void ui_draw_tooltip(ui_ctx *ui, const ui_view *v, const sim_comparison *c);
void ui_draw_toast(ui_ctx *ui, const ui_view *v);
/* draw_code.c */
void ui_draw_code_view(ui_ctx *ui, const ui_view *v, const sim_comparison *c);
/* draw_values.c */
void ui_draw_value_lanes(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p);
void ui_draw_value_labels(ui_ctx *ui, const ui_view *v, const sim_comparison *c, int p);
/* draw_help.c */
void ui_draw_help(ui_ctx *ui, const ui_help *hp);
void ui_draw_dialog(ui_ctx *ui, const ui_dialog *d);
/* Draws text wrapped at word boundaries into r (lines line_h apart);
 * returns the height used. */
int ui_draw_wrapped(ui_ctx *ui, ui_font f, int px, ui_color c, const char *s, ui_rect r,
                    int line_h);
/* draw_widgets.c */
void ui_draw_widgets(ui_ctx *ui, const ui_widgets *ws);

#endif
