/* layout.c - the window cut into rectangles.
 *
 * Sizes grow from one number, the body font size, which follows the
 * window (1/56 of its height, or 1/96 of its width if that is less, and
 * never under 11 px: 13 px at 1280x720, 39 px at 3840x2160) times the
 * user's font scale (Ctrl+= for the back row). Everything
 * else (rows, padding, the label column) is a multiple of it, so a bigger
 * font never makes text overlap: it makes rows taller and fewer.
 *
 * Task rows get what is left after the fixed parts, split evenly between
 * the panels. With many tasks rows shrink down to a few pixels; below that
 * they scroll, and the summary lane (counts of tasks in each state) tells
 * the whole story at a glance.
 */
#include "layout.h"

#include <math.h>
#include <string.h>

static int maxi(int a, int b) { return a > b ? a : b; }
static int mini(int a, int b) { return a < b ? a : b; }

static int res_rows_h(const ui_layout *l, uint32_t nres, int *row)
{
    if (nres == 0) {
        *row = 0;
        return 0;
    }
    int rr = (int)lround(l->row_h * 0.9);
    int cap = 4 * l->row_h; /* 256 workers must not eat the panel */
    if ((int)nres * rr > cap)
        rr = maxi(2, cap / (int)nres);
    *row = rr;
    return rr * (int)nres;
}

static void place_panels(ui_layout *l, const ui_layout_desc *d, int summary)
{
    int gap = l->pad;
    int fixed = 0;
    int res_h[UI_MAX_PANELS], res_row[UI_MAX_PANELS];
    int sum_h = summary ? 2 * l->row_h : 0;
    for (int p = 0; p < l->npanels; p++) {
        res_h[p] = res_rows_h(l, d->nres[p], &res_row[p]);
        fixed += l->row_h + res_h[p] + sum_h + gap + 2;
    }
    int avail = l->npanels ? (l->body.h - fixed) / l->npanels : 0;
    if (avail < 0)
        avail = 0;
    int min_row = maxi(3, (int)lround(l->font_px / 4.0));
    int max_row = (int)lround(l->row_h * 1.5);
    uint32_t nt = d->ntasks;
    if (nt == 0) {
        l->task_row_h = max_row;
        l->rows_visible = 0;
    } else {
        int row = avail / (int)nt;
        if (row > max_row)
            row = max_row;
        if (row < min_row)
            row = min_row;
        l->task_row_h = row;
        uint32_t fit = (uint32_t)(avail / row);
        l->rows_visible = fit < nt ? fit : nt;
    }
    uint32_t max_scroll = nt > l->rows_visible ? nt - l->rows_visible : 0;
    l->task_scroll = d->task_scroll < max_scroll ? d->task_scroll : max_scroll;
    int tasks_h = (int)l->rows_visible * l->task_row_h;
    if (nt > 0 && tasks_h < l->task_row_h)
        tasks_h = 0;

    int y = l->body.y;
    for (int p = 0; p < l->npanels; p++) {
        ui_panel_layout *pl = &l->panels[p];
        int h = l->row_h + tasks_h + res_h[p] + sum_h + 2;
        pl->rect = (ui_rect){0, y, l->w, h};
        pl->header = (ui_rect){l->pad, y, l->w - 2 * l->pad, l->row_h};
        int ly = y + l->row_h;
        pl->tasks = (ui_rect){l->tl_x0, ly, l->tl_w, tasks_h};
        ly += tasks_h + 1;
        pl->res = (ui_rect){l->tl_x0, ly, l->tl_w, res_h[p]};
        ly += res_h[p] + 1;
        pl->summary = (ui_rect){l->tl_x0, ly, l->tl_w, sum_h};
        pl->nres = d->nres[p];
        pl->res_row_h = res_row[p];
        if (d->show_code) {
            int cx = l->tl_x0 + l->tl_w + l->pad;
            pl->code = (ui_rect){cx, y + l->row_h, l->w - cx - l->pad,
                                 h - l->row_h};
        } else {
            pl->code = (ui_rect){0, 0, 0, 0};
        }
        y += h + gap;
    }
}

void ui_layout_compute(ui_layout *l, const ui_layout_desc *d)
{
    memset(l, 0, sizeof *l);
    l->w = maxi(d->w, 64);
    l->h = maxi(d->h, 64);
    double fs = d->font_scale > 0 ? d->font_scale : 1.0;
    double base = fmin(l->h / 56.0, l->w / 96.0);
    if (base < 11)
        base = 11;
    l->scale = (float)(base / 13.0 * fs);
    l->font_px = maxi(8, (int)lround(base * fs));
    l->small_px = maxi(8, (int)lround(l->font_px * 0.9));
    l->title_px = (int)lround(l->font_px * 1.1);
    l->row_h = (int)lround(l->font_px * 1.6);
    l->pad = maxi(2, l->font_px / 2);
    l->npanels = mini(maxi(d->npanels, 0), UI_MAX_PANELS);
    l->ntasks = d->ntasks;

    int y = 0;
    if (d->show_controls) {
        int rows = d->controls_rows > 0 ? d->controls_rows : 2;
        int ch = rows * (l->row_h + l->pad) + l->pad;
        l->controls = (ui_rect){0, 0, l->w, ch};
        y = ch;
    }
    l->label_x = l->pad;
    l->label_w = (int)lround(l->small_px * 8.4);
    l->tl_x0 = l->label_x + l->label_w + l->pad;
    int code_w = d->show_code ? (int)lround(l->w * 0.30) : 0;
    l->tl_w = maxi(16, l->w - l->tl_x0 - l->pad * 2 - code_w);
    l->ruler = (ui_rect){l->tl_x0, y, l->tl_w, l->row_h};
    y += l->row_h;
    int legend_h = l->row_h + l->pad;
    l->legend = (ui_rect){0, l->h - legend_h, l->w, legend_h};
    l->body = (ui_rect){0, y, l->w, maxi(0, l->legend.y - y)};

    place_panels(l, d, 0);
    /* Rows too thin for a label, or scrolling: add the summary lane. */
    if (d->ntasks > 0 && (l->task_row_h < l->small_px ||
                          l->rows_visible < d->ntasks)) {
        l->show_summary = 1;
        place_panels(l, d, 1);
    }
}

uint32_t ui_layout_max_scroll(const ui_layout *l)
{
    return l->ntasks > l->rows_visible ? l->ntasks - l->rows_visible : 0;
}

int ui_layout_lane_rect(const ui_layout *l, int p, uint32_t lane,
                        uint32_t nlanes, ui_rect *r)
{
    if (p < 0 || p >= l->npanels || lane >= nlanes)
        return -1;
    const ui_panel_layout *pl = &l->panels[p];
    if (lane < l->ntasks) {
        if (lane < l->task_scroll || lane >= l->task_scroll + l->rows_visible)
            return -1;
        int y = pl->tasks.y + (int)(lane - l->task_scroll) * l->task_row_h;
        *r = (ui_rect){pl->tasks.x, y, pl->tasks.w, l->task_row_h};
        return 0;
    }
    uint32_t j = lane - l->ntasks;
    if (j >= pl->nres)
        return -1;
    *r = (ui_rect){pl->res.x, pl->res.y + (int)j * pl->res_row_h, pl->res.w,
                   pl->res_row_h};
    return 0;
}

long ui_layout_lane_at(const ui_layout *l, int p, int y, uint32_t nlanes)
{
    if (p < 0 || p >= l->npanels)
        return -1;
    const ui_panel_layout *pl = &l->panels[p];
    if (y >= pl->tasks.y && y < pl->tasks.y + pl->tasks.h && l->task_row_h > 0) {
        uint32_t lane = l->task_scroll + (uint32_t)((y - pl->tasks.y) / l->task_row_h);
        return lane < l->ntasks && lane < nlanes ? (long)lane : -1;
    }
    if (y >= pl->res.y && y < pl->res.y + pl->res.h && pl->res_row_h > 0) {
        uint32_t lane = l->ntasks + (uint32_t)((y - pl->res.y) / pl->res_row_h);
        return lane < nlanes ? (long)lane : -1;
    }
    return -1;
}

int ui_layout_panel_at(const ui_layout *l, int x, int y)
{
    for (int p = 0; p < l->npanels; p++)
        if (ui_rect_has(l->panels[p].rect, x, y))
            return p;
    return -1;
}
