/* layout.c - the window cut into rectangles.
 *
 * Sizes grow from one number, the body font size, which follows the
 * window (1/56 of its height, or 1/96 of its width if that is less, and
 * never under 11 px: 13 px at 1280x720, 39 px at 3840x2160) times the
 * theme's factor (the projector theme and presenter mode: UI_BIG_TEXT,
 * 31 px at 1920x1080) and the user's font scale (Ctrl+= for the back row).
 * Everything else (rows, padding, the label column) is a multiple of it,
 * so a bigger font never makes text overlap: it makes rows taller and
 * fewer.
 *
 * The controls bar follows the window's size but only part of the
 * enlargement (UI_BAR_TEXT_MAX): it is chrome, read by whoever sits at
 * the keyboard, and every row it does not take is a row for the lanes.
 *
 * Task rows get what is left after the fixed parts, split evenly between
 * the panels. With many tasks rows shrink down to a few pixels; below that
 * they scroll, and, for more than a handful of tasks, the summary lane
 * (counts of tasks in each state) tells the whole story at a glance. When
 * even one task row per panel does not fit, resource rows shrink, then the
 * text: a model is never left out.
 */
#include "layout.h"

#include <math.h>
#include <string.h>

#include "widgets.h"

static int maxi(int a, int b) { return a > b ? a : b; }
static int mini(int a, int b) { return a < b ? a : b; }

/* The text sizes for body text of font_px. */
static void sizes(ui_layout *l, int font_px)
{
    l->font_px = maxi(8, font_px);
    l->small_px = maxi(8, (int)lround(l->font_px * 0.9));
    l->title_px = (int)lround(l->font_px * 1.1);
    l->row_h = (int)lround(l->font_px * 1.6);
    l->pad = maxi(2, l->font_px / 2);
    l->line_h = (int)lround(l->small_px * 1.45);
}

/* Resource rows: 3/4 of a text row each, at most 4 text rows in all (256
 * workers must not eat the panel); `tight` gives them the least that
 * still shows a state (3 px), labelled only where a label fits. */
static int res_rows_h(const ui_layout *l, uint32_t nres, int tight, int *row)
{
    if (nres == 0) {
        *row = 0;
        return 0;
    }
    int rr = tight ? maxi(3, mini((int)lround(l->row_h * 0.75), l->small_px / 2))
                   : (int)lround(l->row_h * 0.75);
    int cap = tight ? l->row_h * 2 : 4 * l->row_h;
    if ((int)nres * rr > cap)
        rr = maxi(2, cap / (int)nres);
    *row = rr;
    return rr * (int)nres;
}

/* Value lanes: a little taller than a text row, to show a value rising;
 * `tight`, as thin as a resource row. */
static int value_rows_h(const ui_layout *l, uint32_t n, int tight, int *row)
{
    if (n == 0) {
        *row = 0;
        return 0;
    }
    *row = tight ? maxi(4, mini((int)lround(l->row_h * 0.75), l->small_px + 2))
                 : (int)lround(l->row_h * 1.25);
    return *row * (int)n + 1;
}


/* What panel p shows (the desc's, or traces[p]). */
static ui_panel_src src_of(const ui_layout_desc *d, int p)
{
    return d->src ? d->src[p] : (ui_panel_src){p, 0};
}

/* A model's header has two lines, a CPython panel's one (layout.h). */
static int header_h(const ui_layout *l, const ui_layout_desc *d, int p)
{
    return l->row_h + (src_of(d, p).cpython ? 0 : l->line_h);
}

/* Stacks the panels into the body. Returns 0, or -1 when not every panel
 * fits with its header and one task row (then nothing is placed, unless
 * `force`: the smallest text there is must still be laid out). */
static int place_panels(ui_layout *l, const ui_layout_desc *d, int summary, int tight,
                        int force)
{
    int gap = l->pad;
    int fixed = 0;
    int res_h[UI_MAX_PANELS], res_row[UI_MAX_PANELS];
    int val_h[UI_MAX_PANELS], val_row[UI_MAX_PANELS];
    int sum_h = summary ? (tight ? l->row_h : 2 * l->row_h) : 0;
    for (int p = 0; p < l->npanels; p++) {
        res_h[p] = res_rows_h(l, d->nres[p], tight, &res_row[p]);
        val_h[p] = value_rows_h(l, d->nvalues[p], tight, &val_row[p]);
        fixed += header_h(l, d, p) + res_h[p] + val_h[p] + sum_h + gap + 2;
    }
    int avail = l->npanels ? (l->body.h - fixed) / l->npanels : 0;
    int min_row = maxi(3, (int)lround(l->font_px / 4.0));
    int max_row = (int)lround(l->row_h * 1.5);
    uint32_t nt = d->ntasks;
    if (l->npanels > 0 && avail < (nt > 0 ? min_row : 0) && !force)
        return -1;
    if (avail < 0)
        avail = 0;
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

    int y = l->body.y;
    /* Panels end where the code view begins. */
    int pw = l->code.w > 0 ? l->code.x - l->pad / 2 : l->w;
    for (int p = 0; p < l->npanels; p++) {
        ui_panel_layout *pl = &l->panels[p];
        int hh = header_h(l, d, p);
        int h = hh + tasks_h + res_h[p] + val_h[p] + sum_h + 2;
        pl->src = src_of(d, p);
        pl->rect = (ui_rect){0, y, pw, h};
        pl->header = (ui_rect){l->pad, y, pw - 2 * l->pad, hh};
        pl->explain = (ui_rect){l->pad, y + l->row_h, pw - 2 * l->pad, hh - l->row_h};
        int ly = y + hh;
        pl->tasks = (ui_rect){l->tl_x0, ly, l->tl_w, tasks_h};
        ly += tasks_h + 1;
        pl->res = (ui_rect){l->tl_x0, ly, l->tl_w, res_h[p]};
        ly += res_h[p];
        pl->values = (ui_rect){l->tl_x0, ly + (val_h[p] ? 1 : 0), l->tl_w,
                               val_h[p] ? val_h[p] - 1 : 0};
        ly += val_h[p] + 1;
        pl->summary = (ui_rect){l->tl_x0, ly, l->tl_w, sum_h};
        pl->nres = d->nres[p];
        pl->res_row_h = res_row[p];
        pl->nvalues = d->nvalues[p];
        pl->value_row_h = val_row[p];
        y += h + gap;
    }
    return 0;
}

/* How many lines the bottom bar needs, and whether with brief labels. */
static void legend_lines(ui_layout *l, const ui_layout_desc *d)
{
    ui_legend_item basic[UI_LEGEND_MAX];
    const ui_legend_item *it = d->legend;
    int n = d->nlegend;
    if (!it) {
        n = ui_legend_items(NULL, basic);
        it = basic;
    }
    /* At least as wide as a typical playback status, so that the bar does
     * not change its lines while the playhead's numbers change width. */
    const char *typical = "\xe2\x96\xb6 playing  0.25x   999 ms / 9.99 s   F1 help";
    int avail = l->w - 2 * l->pad;
    int status_w = ui_label_estimate(typical, l->small_px);
    if (d->status && ui_label_estimate(d->status, l->small_px) > status_w)
        status_w = ui_label_estimate(d->status, l->small_px);
    status_w += 2 * l->pad;
    int badge_w = d->badge && d->badge[0]
                      ? ui_label_estimate(d->badge, l->small_px) + 2 * l->small_px + 2 * l->pad
                      : 0;
    /* A badge that does not fit beside the status has a line of its own,
     * just above it. */
    l->badge_line = badge_w > 0 && badge_w + status_w > avail;
    if (!l->badge_line)
        status_w += badge_w;
    int full = 0, brief = 0;
    for (int i = 0; i < n; i++) {
        full += ui_legend_item_width(&it[i], 0, l->small_px, l->pad);
        brief += ui_legend_item_width(&it[i], 1, l->small_px, l->pad);
    }
    l->legend_brief = full + status_w > avail;
    int items = l->legend_brief ? brief : full;
    if (items + status_w <= avail && !l->badge_line) {
        l->legend_lines = 1;
        return;
    }
    /* The items wrap over as many lines as they need; the status has the
     * last line to itself (the badge the one before, when it must). */
    l->legend_lines = 1 + l->badge_line + (items + avail - 1) / (avail > 0 ? avail : 1);
}

/* Everything for text of body size font_px. Returns 0, or -1 when the
 * panels do not fit (laid out anyway with `force`). */
static int compute(ui_layout *l, const ui_layout_desc *d, int font_px, double base,
                   double bar_scale, int force)
{
    sizes(l, font_px);
    l->scale = (float)(l->font_px / 13.0);
    l->bar_px = maxi(8, (int)lround(base * bar_scale));
    l->bar_scale = (float)bar_scale;
    l->bar_small_px = maxi(8, (int)lround(l->bar_px * 0.9));
    l->bar_row_h = (int)lround(l->bar_px * 1.6);
    l->bar_pad = maxi(2, l->bar_px / 2);
    l->npanels = mini(maxi(d->npanels, 0), UI_MAX_PANELS);
    l->ntasks = d->ntasks;

    int y = 0;
    l->controls = (ui_rect){0, 0, 0, 0};
    if (d->show_controls) {
        int rows = d->controls_rows > 0 ? d->controls_rows : 2;
        int ch = rows * (l->bar_row_h + l->bar_pad) + l->bar_pad;
        l->controls = (ui_rect){0, 0, l->w, ch};
        y = ch;
    }
    l->label_x = l->pad;
    l->label_w = (int)lround(l->small_px * (d->label_em > 0 ? d->label_em : 8.4));
    l->tl_x0 = l->label_x + l->label_w + l->pad;
    /* The code view: about a third of the width, enough for a program's
     * lines at small sizes too; but the timelines keep 45% of the width
     * (and 160 px), and a code view narrower than 100 px gives way to
     * them (a small window beside a lesson). */
    int code_w = d->show_code ? maxi((int)lround(l->w * 0.32), mini(l->w / 2, 240)) : 0;
    int room = l->w - l->tl_x0 - l->pad * 3 - maxi(160, (int)lround(l->w * 0.45));
    if (code_w > room)
        code_w = room;
    if (code_w < 100)
        code_w = 0;
    l->tl_w = maxi(16, l->w - l->tl_x0 - l->pad * 2 - code_w);
    l->ruler = (ui_rect){l->tl_x0, y, l->tl_w, l->row_h};
    l->scroll_note = (ui_rect){l->label_x, y, l->label_w, l->row_h};
    y += l->row_h;
    legend_lines(l, d);
    int legend_h = l->legend_lines * l->row_h + l->pad;
    l->legend = (ui_rect){0, l->h - legend_h, l->w, legend_h};
    l->body = (ui_rect){0, y, l->w, maxi(0, l->legend.y - y)};
    l->code = (ui_rect){0, 0, 0, 0};
    if (code_w > 0) {
        int cx = l->tl_x0 + l->tl_w + l->pad;
        l->code = (ui_rect){cx, l->ruler.y, l->w - cx - l->pad, l->legend.y - l->ruler.y};
    }

    /* Resource rows at their size, or tight when that gives the task
     * rows room for their labels; many tasks get the summary lane too,
     * if it leaves room for a row. */
    for (int tight = 0; tight < 2; tight++) {
        l->show_summary = 0;
        if (place_panels(l, d, 0, tight, force && tight) != 0)
            continue;
        if (d->ntasks > UI_SUMMARY_MIN_TASKS &&
            (l->task_row_h < l->small_px || l->rows_visible < d->ntasks)) {
            l->show_summary = 1;
            if (place_panels(l, d, 1, tight, 0) != 0) {
                l->show_summary = 0;
                place_panels(l, d, 0, tight, force && tight);
            }
        }
        if (!tight && l->task_row_h < l->small_px / 2 && d->ntasks <= UI_SUMMARY_MIN_TASKS)
            continue; /* tight resource rows may leave the labels room */
        /* Lanes too thin to see (or to tell apart) are no picture: then the
         * text is too large for this window. */
        uint32_t want = d->ntasks < 4 ? d->ntasks : 4;
        if (!force && (l->rows_visible < want ||
                       (d->ntasks <= UI_SUMMARY_MIN_TASKS && l->task_row_h < l->small_px / 3)))
            return -1;
        return 0;
    }
    if (force)
        return 0;
    return -1;
}

void ui_layout_compute(ui_layout *l, const ui_layout_desc *d)
{
    memset(l, 0, sizeof *l);
    l->w = maxi(d->w, 64);
    l->h = maxi(d->h, 64);
    double fs = d->font_scale > 0 ? d->font_scale : 1.0;
    double ts = d->text_scale > 0 ? d->text_scale : 1.0;
    double base = fmin(l->h / 56.0, l->w / 96.0);
    if (base < 11)
        base = 11;
    /* Larger text grows the bar up to UI_BAR_TEXT_MAX; smaller text
     * (Ctrl+-) shrinks it too. */
    double bar_scale = fs < 1 ? fs : fmin(fs * ts, UI_BAR_TEXT_MAX);
    if (d->bar_scale > 0)
        bar_scale = d->bar_scale;
    int want = (int)lround(base * fs * ts);
    /* Smaller text until every panel fits, down to 8 px (or, on a window
     * too small even for that, the smallest layout there is). */
    int px = want;
    while (compute(l, d, px, base, fmin(bar_scale, (double)px / base), px <= 8) != 0)
        px = maxi(8, px * 9 / 10);
    l->fitted = px < want;
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

int ui_layout_value_rect(const ui_layout *l, int p, uint32_t k, ui_rect *r)
{
    if (p < 0 || p >= l->npanels || k >= l->panels[p].nvalues)
        return -1;
    const ui_panel_layout *pl = &l->panels[p];
    *r = (ui_rect){pl->values.x, pl->values.y + (int)k * pl->value_row_h, pl->values.w,
                   pl->value_row_h};
    return 0;
}

long ui_layout_value_at(const ui_layout *l, int p, int y)
{
    if (p < 0 || p >= l->npanels)
        return -1;
    const ui_panel_layout *pl = &l->panels[p];
    if (pl->value_row_h <= 0 || y < pl->values.y || y >= pl->values.y + pl->values.h)
        return -1;
    long k = (y - pl->values.y) / pl->value_row_h;
    return k < (long)pl->nvalues ? k : -1;
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
