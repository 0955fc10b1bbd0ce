/* draw_legend.c - the bottom bar: the legend, a warning badge, the status.
 *
 * The items are those legend.c chose from the traces, in the long or the
 * brief words the layout picked; they flow left to right and wrap onto
 * the bar's next line when the layout gave it more than one. The status
 * (what plays, how fast, where, or the app's own words) is right-aligned
 * on the last line, a warning badge ("busy machine") just before it:
 * the layout made room for both, so neither is cut.
 */
#include <stdio.h>
#include <string.h>

#include "draw_priv.h"
#include "legend.h"

/* One item at (x, y); returns its width. */
static int item(ui_ctx *ui, const ui_legend_item *it, int brief, int x, int y)
{
    const ui_layout *l = ui->l;
    const ui_theme *th = ui->th;
    int px = l->small_px, sh = px, x0 = x;
    float cy = (float)y + sh / 2.0f;
    switch (it->kind) {
    case UI_LEG_STATE: {
        ui_rect box = {x, y, px * 2, sh};
        ui_draw_state_box(ui, box, it->state);
        frame_rect(ui, box, th->fg_dim, 1);
        x += px * 2 + l->pad / 2;
        break;
    }
    case UI_LEG_MESSAGE:
    case UI_LEG_HANDOFF: {
        ui_color mc = it->kind == UI_LEG_MESSAGE ? th->flow[SIM_FL_MESSAGE]
                                                 : th->flow[SIM_FL_HANDOFF];
        float t = (float)thick(ui) + (it->kind == UI_LEG_MESSAGE ? 1 : 0);
        ui_draw_line(ui, x, cy, x + px * 1.4f, cy, t, mc);
        ui_draw_triangle(ui, x + px * 1.5f, cy, x + px * 0.9f, cy - px * 0.35f,
                         x + px * 0.9f, cy + px * 0.35f, mc);
        x += px * 2 + l->pad / 2;
        break;
    }
    case UI_LEG_DROP:
        ui_draw_triangle(ui, x, y, x + px * 0.9f, y, x + px * 0.45f, cy + 2,
                         th->marker[SIM_IN_DROP_REQUEST]);
        x += px + l->pad / 2;
        break;
    case UI_LEG_AWAIT:
        fill(ui, (ui_rect){x, y, thick(ui) + 1, sh / 2}, th->marker[SIM_IN_AWAIT]);
        x += l->pad;
        break;
    case UI_LEG_MARK: {
        float m = px * 0.35f;
        ui_color mc = th->marker[SIM_IN_MARK];
        ui_draw_line(ui, x, cy - m, x + 2 * m, cy + m, (float)thick(ui) + 1, mc);
        ui_draw_line(ui, x, cy + m, x + 2 * m, cy - m, (float)thick(ui) + 1, mc);
        x += px + l->pad / 2;
        break;
    }
    case UI_LEG_DISPATCH: {
        /* Two short arrows: down in the dispatch's colour, up in the
         * result's. */
        float t = (float)thick(ui);
        ui_color d = th->flow[SIM_FL_DISPATCH], r = th->flow[SIM_FL_RESULT];
        ui_draw_line(ui, x + px * 0.5f, y, x + px * 0.5f, y + sh * 0.6f, t, d);
        ui_draw_triangle(ui, x + px * 0.5f, y + sh, x + px * 0.15f, y + sh * 0.55f,
                         x + px * 0.85f, y + sh * 0.55f, d);
        ui_draw_line(ui, x + px * 1.4f, y + sh, x + px * 1.4f, y + sh * 0.4f, t, r);
        ui_draw_triangle(ui, x + px * 1.4f, y, x + px * 1.05f, y + sh * 0.45f,
                         x + px * 1.75f, y + sh * 0.45f, r);
        x += px * 2 + l->pad / 2;
        break;
    }
    case UI_LEG_WAIT_FOR:
        ui_draw_line(ui, x, cy, x + px * 1.4f, cy, (float)thick(ui) + 0.5f, th->wait_for);
        ui_draw_triangle(ui, x + px * 1.5f, cy, x + px * 0.9f, cy - px * 0.35f,
                         x + px * 0.9f, cy + px * 0.35f, th->wait_for);
        x += px * 2 + l->pad / 2;
        break;
    case UI_LEG_VALUES: {
        float m = px * 0.32f;
        ui_color lc = th->task[0];
        lc.a = 170;
        ui_draw_triangle(ui, x + px * 0.4f - m, cy - m * 0.6f, x + px * 0.4f + m, cy - m * 0.6f,
                         x + px * 0.4f, cy + m, lc);
        ui_draw_triangle(ui, x + px * 1.3f - m, cy + m * 0.6f, x + px * 1.3f + m, cy + m * 0.6f,
                         x + px * 1.3f, cy - m, th->task[1]);
        x += px * 2 + l->pad / 2;
        break;
    }
    case UI_LEG_LOST: {
        float q = px * 0.35f, w = (float)thick(ui) + 0.5f;
        ui_draw_line(ui, x + px * 0.5f - q, cy - q, x + px * 0.5f + q, cy + q, w, th->lost);
        ui_draw_line(ui, x + px * 0.5f - q, cy + q, x + px * 0.5f + q, cy - q, w, th->lost);
        x += px + l->pad / 2;
        break;
    }
    case UI_LEG_INFERRED: {
        ui_rect box = {x, y, px * 2, sh};
        ui_draw_state_box(ui, box, it->state);
        ui_draw_inferred_box(ui, box);
        x += px * 2 + l->pad / 2;
        break;
    }
    }
    x += ui_text_draw(&ui->text, UI_FONT_REGULAR, px, th->fg, brief ? it->brief : it->label,
                      x, y - 2, UI_ALIGN_LEFT);
    return x - x0 + l->pad * 2;
}

/* The badge: a filled pill with the warning sign; returns its width. */
static int badge_w(ui_ctx *ui, const char *text)
{
    char b[80];
    snprintf(b, sizeof b, "\xe2\x9a\xa0 %s", text);
    int w, h;
    ui_text_size(&ui->text, UI_FONT_BOLD, ui->l->small_px, b, &w, &h);
    return w + ui->l->pad * 2;
}

static void badge(ui_ctx *ui, const char *text, int x, int y, int line_h)
{
    char b[80];
    snprintf(b, sizeof b, "\xe2\x9a\xa0 %s", text);
    int w = badge_w(ui, text);
    fill(ui, (ui_rect){x, y + 2, w, line_h - 4}, ui->th->warn_bg);
    ui_text_draw(&ui->text, UI_FONT_BOLD, ui->l->small_px, ui->th->warn_fg, b,
                 x + ui->l->pad, y + (line_h - ui->l->small_px) / 2 - 2, UI_ALIGN_LEFT);
}

void ui_draw_legend(ui_ctx *ui, const ui_view *v, const sim_comparison *c)
{
    const ui_layout *l = ui->l;
    const ui_theme *th = ui->th;
    fill(ui, l->legend, th->bar);
    int px = l->small_px;
    int lines = l->legend_lines > 0 ? l->legend_lines : 1;
    int line_h = l->row_h;
    int top = l->legend.y + l->pad / 2;
    char st[400];
    ui_view_status_text(v, c, 0, st, sizeof st);
    int sw, shh;
    ui_text_size(&ui->text, UI_FONT_BOLD, px, st, &sw, &shh);
    if (sw > l->w - 2 * l->pad) {
        /* The key's hint goes first, never the time. */
        ui_view_status_text(v, c, 1, st, sizeof st);
        ui_text_size(&ui->text, UI_FONT_BOLD, px, st, &sw, &shh);
    }
    int bw = v->badge[0] && !l->badge_line ? badge_w(ui, v->badge) + l->pad : 0;
    /* With a line of its own, the badge ends the items' last line. */
    int item_lines = lines - (l->badge_line ? 1 : 0);
    /* The items, flowing; on one line they stop short of the status. */
    ui_legend_item items[UI_LEGEND_MAX];
    int n = ui_legend_items_shown(c, v->show_cpython, items);
    int line = 0, x = l->pad;
    int right = l->w - l->pad;
    int own = l->badge_line && v->badge[0] ? badge_w(ui, v->badge) + l->pad : 0;
    for (int i = 0; i < n; i++) {
        int limit = line == lines - 1 ? right - sw - bw - l->pad * 2
                    : line == item_lines - 1 ? right - own - l->pad * 2 : right;
        int w = ui_legend_item_width(&items[i], l->legend_brief, px, l->pad);
        if (x + w > limit && x > l->pad) {
            if (line + 1 >= item_lines)
                break; /* no room left: the rest would cover the status */
            line++;
            x = l->pad;
        }
        int y = top + line * line_h + (line_h - px) / 2;
        x += item(ui, &items[i], l->legend_brief, x, y);
    }
    /* The status, right-aligned on the last line, the badge before it. */
    int ly = top + (lines - 1) * line_h;
    int sx = right - sw;
    int lo = lines == 1 ? x : l->pad;
    if (sx - bw < lo)
        sx = lo + bw;
    if (v->badge[0] && !l->badge_line)
        badge(ui, v->badge, sx - bw, ly, line_h);
    else if (v->badge[0])
        badge(ui, v->badge, right - badge_w(ui, v->badge), ly - line_h, line_h);
    ui_text_draw_fit(&ui->text, UI_FONT_BOLD, px, th->fg, st, sx,
                     ly + (line_h - px) / 2 - 2, right - sx);
}
