/* test_ui_render.c - headless rendering of fixture traces, checked by
 * pixel probes: the right state colour at the right lane and time, the
 * playhead where it should be, text in the title area.
 *
 * With UI_SHOTS_DIR set, the frames are also saved as PNGs (every theme, at
 * 1280x720 and 3840x2160) so a person can look at them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "headless.h"
#include "hit.h"
#include "test.h"
#include "ui_fixture.h"
#include "ui_probe.h"

static void probe_states(ui_headless *hl, ui_view *v, const sim_comparison *c,
                         const ui_theme *th)
{
    ui_layout l;
    ui_view_layout(v, c, hl->w, hl->h, 0, &l);
    /* asyncio: task 0 runs from 0 to 40 ms; task 1 waits for the loop then. */
    int x = (int)lround(ui_tm_x(&v->tm, 20 * FX_MS));
    ui_rect r;
    ASSERT(ui_layout_lane_rect(&l, 0, 0, c->traces[0].nlanes, &r) == 0);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 1, r.y + r.h / 2 - 1, 3, 3},
                        th->state[SIM_ST_RUNNING]),
               "task 0 should be running at 20 ms");
    ASSERT(ui_layout_lane_rect(&l, 0, 1, c->traces[0].nlanes, &r) == 0);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 4, r.y + 2, 9, r.h - 4},
                        th->state[SIM_ST_READY]),
               "task 1 should be waiting for the loop at 20 ms");
    /* task 0 waits for I/O from 40 to 100 ms. */
    x = (int)lround(ui_tm_x(&v->tm, 70 * FX_MS));
    ASSERT(ui_layout_lane_rect(&l, 0, 0, c->traces[0].nlanes, &r) == 0);
    ASSERT_MSG(rect_has(hl, (ui_rect){x - 4, r.y + 2, 9, r.h - 4},
                        th->state[SIM_ST_IO]),
               "task 0 should be waiting for I/O at 70 ms");
    /* The title area holds text (pixels unlike the panel's background). */
    ui_rect hd = l.panels[1].header;
    int text_px = 0;
    for (int y = hd.y; y < hd.y + hd.h; y++)
        for (int xx = hd.x; xx < hd.x + hd.w / 4; xx++)
            text_px += !close_to(ui_headless_pixel(hl, xx, y), th->panel[1], 30);
    ASSERT_MSG(text_px > 20, "no text in the threading title (%d px)", text_px);
}

int main(void)
{
    const char *dir = getenv("UI_SHOTS_DIR");
    sim_comparison c;
    fixture_comparison(&c, 4);
    static const int sizes[2][2] = {{1280, 720}, {3840, 2160}};
    for (int s = 0; s < 2; s++) {
        ui_headless hl;
        char err[256];
        ASSERT_MSG(ui_headless_init(&hl, sizes[s][0], sizes[s][1], err, sizeof err) == 0,
                   "%s", err);
        for (int th = 0; th < UI_THEME__COUNT; th++) {
            ui_view v;
            ui_view_init(&v);
            v.theme = (ui_theme_id)th;
            v.show_controls = 0;
            v.playhead = ui_comparison_end(&c);
            v.paused = 1;
            ui_headless_draw(&hl, &v, &c, NULL);
            probe_states(&hl, &v, &c, ui_theme_get(v.theme));
            char name[64];
            snprintf(name, sizeof name, "end-%s-%d", ui_theme_name(v.theme), sizes[s][0]);
            save(&hl, dir, name);

            /* The playhead at 100 ms: its colour at its x, nothing drawn
             * after it on the lanes. */
            v.playhead = 100 * FX_MS;
            v.hover = 1;
            ui_layout l;
            ui_view_layout(&v, &c, hl.w, hl.h, 0, &l);
            ui_rect r;
            ASSERT(ui_layout_lane_rect(&l, 1, 1, c.traces[1].nlanes, &r) == 0);
            v.mouse_x = (int)lround(ui_tm_x(&v.tm, 30 * FX_MS));
            v.mouse_y = r.y + r.h / 2;
            ui_headless_draw(&hl, &v, &c, NULL);
            int px = (int)lround(ui_tm_x(&v.tm, v.playhead));
            const ui_theme *t = ui_theme_get(v.theme);
            ASSERT(ui_layout_lane_rect(&l, 0, 3, c.traces[0].nlanes, &r) == 0);
            ASSERT_MSG(close_to(ui_headless_pixel(&hl, px, r.y + r.h / 2), t->playhead, 8),
                       "playhead colour at x=%d", px);
            int after = (int)lround(ui_tm_x(&v.tm, 310 * FX_MS));
            ASSERT_MSG(close_to(ui_headless_pixel(&hl, after, r.y + r.h / 2),
                                t->panel[0], 8), "nothing drawn after the playhead");
            snprintf(name, sizeof name, "mid-%s-%d", ui_theme_name(v.theme), sizes[s][0]);
            save(&hl, dir, name);
        }
        ui_headless_deinit(&hl);
    }
    sim_comparison_deinit(&c);
    return 0;
}
