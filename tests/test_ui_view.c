/* test_ui_view.c - the UI's plain-C parts, without SDL drawing: time
 * mapping and ruler ticks, layout, merging of sub-pixel segments (the box
 * count must follow pixels, not events), hit-testing and the tooltip's
 * "why", the selection summary, and the lane cache's bookkeeping. It
 * links ui/model alone: none of this needs SDL.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hit.h"
#include "lane_cache.h"
#include "layout.h"
#include "selection.h"
#include "test.h"
#include "timeline.h"
#include "timemap.h"
#include "ui_fixture.h"
#include "view.h"

static void test_timemap(void)
{
    ui_timemap m = {.t0 = 0, .ns_per_px = 1e6, .x0 = 100, .w = 1000};
    ASSERT(fabs(ui_tm_x(&m, 0) - 100) < 1e-9);
    ASSERT(fabs(ui_tm_x(&m, 500 * FX_MS) - 600) < 1e-9);
    ASSERT_INT_EQ(ui_tm_t(&m, 350), 250 * FX_MS);
    /* Zoom keeps the time under the pointer where it was. */
    int64_t before = ui_tm_t(&m, 400);
    ui_tm_zoom(&m, 2.0, 400);
    ASSERT_INT_EQ(ui_tm_t(&m, 400), before);
    ASSERT(fabs(m.ns_per_px - 5e5) < 1e-6);
    ui_tm_zoom(&m, 0.5, 400);
    ASSERT(fabs(m.ns_per_px - 1e6) < 1e-6);
    /* Zoom is bounded both ways. */
    for (int i = 0; i < 200; i++)
        ui_tm_zoom(&m, 10, 400);
    ASSERT(m.ns_per_px >= UI_TM_MIN_NS_PER_PX);
    for (int i = 0; i < 200; i++)
        ui_tm_zoom(&m, 0.1, 400);
    ASSERT(m.ns_per_px <= UI_TM_MAX_NS_PER_PX);
    /* Pan: dragging right shows earlier times. */
    ui_tm_fit(&m, 0, 1000 * FX_MS);
    int64_t t_at = ui_tm_t(&m, 600);
    ui_tm_pan(&m, 100);
    ASSERT_INT_EQ(ui_tm_t(&m, 700), t_at);
    /* Fit shows the whole range. */
    ui_tm_fit(&m, 0, 365 * FX_MS);
    ASSERT(ui_tm_x(&m, 0) >= m.x0);
    ASSERT(ui_tm_x(&m, 365 * FX_MS) <= m.x0 + m.w);
    ASSERT(ui_tm_x(&m, 365 * FX_MS) > m.x0 + m.w * 0.9);
}

static void test_ticks(void)
{
    struct { double ns_per_px; int64_t step; const char *label1; } cases[] = {
        {1e6, 100 * FX_MS, "100 ms"},   /* 1 ms/px, 80 px apart -> 100 ms */
        {1e4, 1 * FX_MS, "1 ms"},
        {1e3, 100000, "100 us"},
        {1e8, 10000000000ll, "10 s"},
        {2.0, 200, "200 ns"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ui_timemap m = {.t0 = 0, .ns_per_px = cases[i].ns_per_px, .x0 = 0, .w = 1000};
        int64_t ticks[64], step;
        int n = ui_tm_ticks(&m, 80, ticks, 64, &step);
        ASSERT_INT_EQ(step, cases[i].step);
        ASSERT(n >= 2);
        ASSERT_INT_EQ(ticks[0], 0);
        /* Steps are 1, 2 or 5 times a power of ten, >= 80 px apart. */
        int64_t s = step;
        while (s % 10 == 0)
            s /= 10;
        ASSERT(s == 1 || s == 2 || s == 5);
        ASSERT(step / m.ns_per_px >= 80);
        char buf[32];
        ui_tm_format(ticks[1], step, buf, sizeof buf);
        ASSERT_STR_EQ(buf, cases[i].label1);
    }
    char buf[32];
    ui_format_dur(12345678, buf, sizeof buf);
    ASSERT_STR_EQ(buf, "12.3 ms");
    ui_format_dur(1500000000, buf, sizeof buf);
    ASSERT_STR_EQ(buf, "1.50 s");
}

static void test_layout(void)
{
    int sizes[][2] = {{1280, 720}, {3840, 2160}, {800, 600}};
    for (size_t s = 0; s < 3; s++) {
        for (uint32_t nt = 1; nt <= 100000; nt *= 10) {
            ui_layout_desc d = {.w = sizes[s][0], .h = sizes[s][1], .font_scale = 1,
                                .npanels = 3, .ntasks = nt, .nres = {1, 1, 3},
                                .show_controls = 1, .controls_rows = 3};
            ui_layout l;
            ui_layout_compute(&l, &d);
            ASSERT(l.font_px >= 8);
            ASSERT(l.tl_x0 > l.label_x + l.label_w - 1);
            ASSERT(l.tl_x0 + l.tl_w <= l.w);
            /* Panels are stacked, do not overlap, and fit above the legend. */
            for (int p = 0; p < 3; p++) {
                const ui_panel_layout *pl = &l.panels[p];
                ASSERT(pl->rect.y >= l.ruler.y + l.ruler.h);
                ASSERT(pl->rect.y + pl->rect.h <= l.legend.y);
                if (p > 0)
                    ASSERT(pl->rect.y >= l.panels[p - 1].rect.y + l.panels[p - 1].rect.h);
                ASSERT(pl->tasks.y >= pl->header.y + pl->header.h);
                ASSERT(pl->res.y >= pl->tasks.y + pl->tasks.h);
            }
            /* The same task sits on the same row of every panel. */
            ui_rect a, b;
            ASSERT(ui_layout_lane_rect(&l, 0, 0, nt + 1, &a) == 0);
            ASSERT(ui_layout_lane_rect(&l, 2, 0, nt + 3, &b) == 0);
            ASSERT_INT_EQ(a.y - l.panels[0].tasks.y, b.y - l.panels[2].tasks.y);
            ASSERT_INT_EQ(a.h, b.h);
            /* Many tasks: rows thin or scroll, and the summary lane shows. */
            if (nt >= 1000) {
                ASSERT(l.show_summary);
                ASSERT(l.panels[0].summary.h > 0);
            }
            if (nt == 1)
                ASSERT(!l.show_summary);
            ASSERT(l.rows_visible <= nt);
            /* lane_at inverts lane_rect. */
            ASSERT_INT_EQ(ui_layout_lane_at(&l, 1, a.y - l.panels[0].tasks.y +
                                            l.panels[1].tasks.y, nt + 1), 0);
            ui_rect r;
            ASSERT(ui_layout_lane_rect(&l, 1, nt, nt + 1, &r) == 0);
            ASSERT_INT_EQ(ui_layout_lane_at(&l, 1, r.y + r.h / 2, nt + 1), (long)nt);
        }
    }
    /* A bigger font scale gives bigger text and taller rows. */
    ui_layout_desc d = {.w = 1280, .h = 720, .font_scale = 1, .npanels = 3,
                        .ntasks = 4, .nres = {1, 1, 3}};
    ui_layout l1, l2;
    ui_layout_compute(&l1, &d);
    d.font_scale = 1.5f;
    ui_layout_compute(&l2, &d);
    ASSERT(l2.font_px > l1.font_px);
    ASSERT(l2.row_h > l1.row_h);
    /* Scrolling is clamped. */
    d.ntasks = 100000;
    d.task_scroll = 1u << 30;
    ui_layout_compute(&l1, &d);
    ASSERT_INT_EQ(l1.task_scroll, ui_layout_max_scroll(&l1));
    ASSERT_INT_EQ(l1.task_scroll + l1.rows_visible, 100000);
}

/* Large text never hides a model or lays text over text: at every size,
 * text factor (the projector theme, presenter mode), font scale and
 * number of panels, each panel has its header and a task row inside the
 * body, and the parts of a panel follow one another. */
static void test_layout_large_text(void)
{
    static const int sizes[][2] = {{800, 600}, {1024, 768}, {1280, 720}, {1920, 1080},
                                   {3840, 2160}};
    static const float texts[] = {1.0f, UI_BIG_TEXT};
    static const float scales[] = {0.6f, 1.0f, 2.0f, 3.0f};
    static const uint32_t tasks[] = {1, 8, 100, 3000};
    for (size_t s = 0; s < 5; s++)
        for (size_t t = 0; t < 2; t++)
            for (size_t f = 0; f < 4; f++)
                for (int np = 1; np <= 4; np++)
                    for (size_t k = 0; k < 4; k++)
                        for (int ctl = 0; ctl < 2; ctl++) {
                            ui_layout_desc d = {.w = sizes[s][0], .h = sizes[s][1],
                                                .font_scale = scales[f],
                                                .text_scale = texts[t], .npanels = np,
                                                .ntasks = tasks[k], .nres = {1, 1, 3, 2},
                                                .show_controls = ctl, .controls_rows = 6};
                            ui_layout l;
                            ui_layout_compute(&l, &d);
                            ASSERT_INT_EQ(l.npanels, np);
                            ASSERT(l.rows_visible >= 1);
                            ASSERT(l.legend_lines >= 1);
                            ASSERT(l.legend.y + l.legend.h <= l.h);
                            for (int p = 0; p < np; p++) {
                                const ui_panel_layout *pl = &l.panels[p];
                                ASSERT_MSG(pl->rect.y >= l.body.y &&
                                           pl->rect.y + pl->rect.h <= l.legend.y,
                                           "%dx%d text %.1f scale %.1f: panel %d of %d "
                                           "outside the body", d.w, d.h, texts[t],
                                           scales[f], p, np);
                                ASSERT(pl->explain.y >= pl->header.y);
                                ASSERT(pl->explain.y + pl->explain.h <=
                                       pl->header.y + pl->header.h);
                                ASSERT(pl->tasks.y >= pl->header.y + pl->header.h);
                                ASSERT(pl->tasks.h >= l.task_row_h);
                                ASSERT(pl->res.y >= pl->tasks.y + pl->tasks.h);
                                if (p > 0)
                                    ASSERT(pl->rect.y >= l.panels[p - 1].rect.y +
                                                         l.panels[p - 1].rect.h);
                            }
                            /* The scroll note sits left of the ruler. */
                            ASSERT(l.scroll_note.x + l.scroll_note.w <= l.ruler.x);
                            ASSERT(l.bar_px <= l.font_px || !ctl || t == 0);
                        }
    /* The projector's text: 28 px and more on 1080p, for the back row. */
    ui_layout_desc d = {.w = 1920, .h = 1080, .text_scale = UI_BIG_TEXT, .npanels = 3,
                        .ntasks = 8, .nres = {1, 1, 3}};
    ui_layout l;
    ui_layout_compute(&l, &d);
    ASSERT_MSG(l.small_px >= 28, "%d", l.small_px);
    ASSERT(!l.fitted);
    /* ...and the controls bar does not follow it all the way. */
    d.show_controls = 1;
    ui_layout_compute(&l, &d);
    ASSERT(l.bar_px <= (int)(1080 / 56.0 * UI_BAR_TEXT_MAX + 1));
    /* Fewer than UI_SUMMARY_MIN_TASKS tasks never collapse into the
     * summary lane, whatever the text size. */
    d.font_scale = 3;
    ui_layout_compute(&l, &d);
    ASSERT(!l.show_summary);
}

typedef struct count_ctx {
    size_t n;
    double last_x1;
    int ordered;
} count_ctx;

static void count_box(void *ud, const ui_box *b)
{
    count_ctx *c = ud;
    c->n++;
    if (b->x0 < c->last_x1 - 1e-6 || b->x1 <= b->x0)
        c->ordered = 0;
    c->last_x1 = b->x1;
}

typedef struct stack_ctx {
    double share[SIM_ST__COUNT]; /* px * band height, over the whole width */
    double width;
} stack_ctx;

static void stack_box(void *ud, const ui_box *b)
{
    stack_ctx *c = ud;
    ASSERT(b->y0 >= 0 && b->y1 <= 1 && b->y0 < b->y1);
    c->share[b->state] += (b->x1 - b->x0) * (b->y1 - b->y0) / 1920.0;
}

static void test_merge(void)
{
    /* 1,000,000 marks 1 us apart: 1 s of alternating states. */
    sim_trace t;
    fixture_huge(&t, 1000000, 1000);
    ui_timemap m = {.x0 = 0, .w = 1920};
    ui_tm_fit(&m, 0, t.end_ns);
    count_ctx c = {0, -1, 1};
    size_t n = ui_timeline_boxes(&t, 0, &m, INT64_MAX, 0, count_box, &c);
    ASSERT_INT_EQ(n, c.n);
    ASSERT(c.ordered);
    ASSERT_MSG(n <= 2 * (size_t)m.w, "%zu boxes for %d px", n, m.w);
    ASSERT(n > 0);
    /* Stacked runs: far fewer boxes, and the bands of a run add up to the
     * whole lane (here half running, half waiting). */
    stack_ctx sc = {0};
    n = ui_timeline_boxes(&t, 0, &m, INT64_MAX, UI_TL_STACK, stack_box, &sc);
    ASSERT_MSG(n <= (size_t)m.w / UI_TL_MIX_RUN * SIM_ST__COUNT + 4,
               "%zu stacked boxes for %d px", n, m.w);
    ASSERT(sc.share[SIM_ST_RUNNING] > 0.3 && sc.share[SIM_ST_READY] > 0.3);
    ASSERT(fabs(sc.share[SIM_ST_RUNNING] + sc.share[SIM_ST_READY] - 1.0) < 0.02);
    /* Zoomed so that segments are 10 px wide: every segment is a box. */
    m.ns_per_px = 100;
    m.t0 = 500000000.0;
    c = (count_ctx){0, -1, 1};
    n = ui_timeline_boxes(&t, 0, &m, INT64_MAX, 0, count_box, &c);
    ASSERT(c.ordered);
    ASSERT(n >= 190 && n <= 194); /* 1920 px / 10 px, plus the edges */
    /* A playhead limit clips: nothing at or after it. */
    m.ns_per_px = 1e6 / 1920.0 * 1000;
    m.t0 = 0;
    c = (count_ctx){0, -1, 1};
    ui_timeline_boxes(&t, 0, &m, 250000000, 0, count_box, &c);
    ASSERT(c.last_x1 <= ui_tm_x(&m, 250000000) + 1e-6);
    sim_trace_deinit(&t);

    /* Exact boxes at a readable zoom: the asyncio fixture's task 0 is
     * running [0, 40), I/O [40, 100), ready [100, 160) ... */
    sim_comparison cmp;
    fixture_comparison(&cmp, 4);
    ui_timemap m2 = {.x0 = 0, .w = 1000};
    ui_tm_fit(&m2, 0, 400 * FX_MS);
    size_t first, last;
    ui_lane_visible(&cmp.traces[0], &cmp.traces[0].lanes[0], 50 * FX_MS,
                    120 * FX_MS, &first, &last);
    ASSERT_INT_EQ(cmp.traces[0].lanes[0].marks[first].state, SIM_ST_IO);
    ASSERT(cmp.traces[0].lanes[0].marks[last - 1].t < 120 * FX_MS);
    sim_comparison_deinit(&cmp);
}

/* A summarized lane (trace.h, "Dense lanes") looks as it did before it
 * was summarized, down to its resolution: the same shares of each state
 * across the view, bands of those shares when zoomed in past it, never a
 * box of the DENSE state itself; and its tooltip says what it holds. */
static void no_dense_box(void *ud, const ui_box *b)
{
    stack_box(ud, b);
    ASSERT(b->state != SIM_ST_DENSE);
}

static void test_dense(void)
{
    sim_trace t;
    fixture_huge(&t, 1000000, 1000);
    ASSERT_INT_EQ(sim_trace_fold(&t, 65536, INT64_MAX), 0);
    ASSERT(t.ndense > 0 && t.lanes[0].nmarks < 1000000 / 10);
    ui_timemap m = {.x0 = 0, .w = 1920};
    ui_tm_fit(&m, 0, t.end_ns);
    stack_ctx sc = {0};
    ui_timeline_boxes(&t, 0, &m, INT64_MAX, UI_TL_STACK, no_dense_box, &sc);
    ASSERT(sc.share[SIM_ST_RUNNING] > 0.4 && sc.share[SIM_ST_READY] > 0.4);
    ASSERT(fabs(sc.share[SIM_ST_RUNNING] + sc.share[SIM_ST_READY] - 1.0) < 0.03);
    /* Unstacked, each column shows a state, never DENSE. */
    memset(&sc, 0, sizeof sc);
    ui_timeline_boxes(&t, 0, &m, INT64_MAX, 0, no_dense_box, &sc);
    ASSERT(sc.share[SIM_ST_RUNNING] + sc.share[SIM_ST_READY] > 0.95);
    /* Zoomed in: one summarized mark spans 1920 px; two bands of half. */
    size_t i = 1;
    while (t.lanes[0].marks[i].state != SIM_ST_DENSE)
        i++;
    int64_t s0 = t.lanes[0].marks[i].t, s1 = sim_lane_seg_end(&t, &t.lanes[0], i);
    ui_tm_fit(&m, s0, s1);
    memset(&sc, 0, sizeof sc);
    size_t n = ui_timeline_boxes(&t, 0, &m, INT64_MAX, 0, no_dense_box, &sc);
    ASSERT(n >= 2);
    ASSERT(fabs(sc.share[SIM_ST_RUNNING] - 0.5) < 0.05);
    ASSERT(fabs(sc.share[SIM_ST_READY] - 0.5) < 0.05);
    /* Its tooltip. */
    sim_comparison c;
    memset(&c, 0, sizeof c);
    ui_hit h = {.kind = UI_HIT_SEGMENT, .model = -1, .tr = &t, .lane = 0, .mark = (long)i,
                .t = s0, .seg_t0 = s0, .seg_t1 = s1, .state = SIM_ST_DENSE,
                .arg = t.lanes[0].marks[i].arg};
    char buf[1024];
    ui_hit_describe(&h, &c, NULL, NULL, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "many short states (summarized)");
    ASSERT_CONTAINS(buf, "states, each shorter than 65.5 us");
    ASSERT_CONTAINS(buf, "(50% of the time)");
    sim_trace_deinit(&t);
}

static void test_hit(void)
{
    sim_comparison c;
    fixture_comparison(&c, 4);
    ui_view v;
    ui_view_init(&v);
    v.playhead = ui_comparison_end(&c);
    ui_layout l;
    ui_view_layout(&v, &c, 1280, 720, 0, &l);
    ui_hit h;
    char buf[1024];
    /* asyncio task 1 at 20 ms: waiting for the loop, task 0 runs. */
    ui_rect r;
    ASSERT(ui_layout_lane_rect(&l, 0, 1, c.traces[0].nlanes, &r) == 0);
    int x = (int)lround(ui_tm_x(&v.tm, 20 * FX_MS));
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, x, r.y + r.h / 2, &h), UI_HIT_SEGMENT);
    ASSERT_INT_EQ(h.panel, 0);
    ASSERT_INT_EQ(h.lane, 1);
    ASSERT_INT_EQ(h.state, SIM_ST_READY);
    ASSERT_INT_EQ(h.seg_t0, 0);
    ASSERT_INT_EQ(h.seg_t1, 40 * FX_MS);
    ui_hit_describe(&h, &c, NULL, &v, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "task 1, asyncio");
    ASSERT_CONTAINS(buf, "waiting for the loop");
    /* Without the program (no lens) nothing says it is a CPU step. */
    ASSERT_CONTAINS(buf, "task 0 has the loop and keeps it until its next await");
    /* threading: a waiting thread is told who holds the GIL. */
    ASSERT(ui_layout_lane_rect(&l, 1, 1, c.traces[1].nlanes, &r) == 0);
    x = (int)lround(ui_tm_x(&v.tm, 2 * FX_MS));
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, x, r.y + r.h / 2, &h), UI_HIT_SEGMENT);
    ASSERT_INT_EQ(h.state, SIM_ST_READY);
    ui_hit_describe(&h, &c, NULL, &v, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "waiting for the GIL");
    ASSERT_CONTAINS(buf, "task 0 holds it");
    /* The GIL lane says who holds it. */
    ASSERT(ui_layout_lane_rect(&l, 1, 4, c.traces[1].nlanes, &r) == 0);
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, x, r.y + r.h / 2, &h), UI_HIT_SEGMENT);
    ui_hit_describe(&h, &c, NULL, &v, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "task 0 holds the GIL");
    /* multiprocessing: task 2 waits for a worker while both are busy. */
    ASSERT(ui_layout_lane_rect(&l, 2, 2, c.traces[2].nlanes, &r) == 0);
    x = (int)lround(ui_tm_x(&v.tm, 50 * FX_MS));
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, x, r.y + r.h / 2, &h), UI_HIT_SEGMENT);
    ui_hit_describe(&h, &c, NULL, &v, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "all 2 worker processes are busy (task 0 and task 1)");
    /* I/O says the loop runs others. */
    ASSERT(ui_layout_lane_rect(&l, 0, 0, c.traces[0].nlanes, &r) == 0);
    x = (int)lround(ui_tm_x(&v.tm, 70 * FX_MS));
    ui_hit_test(&l, &v, &c, x, r.y + r.h / 2, &h);
    ui_hit_describe(&h, &c, NULL, &v, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "waiting for I/O");
    /* Past the playhead there is nothing to describe. */
    v.playhead = 10 * FX_MS;
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, x, r.y + r.h / 2, &h), UI_HIT_LANE);
    /* Outside the panels: nothing. */
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, 5, l.legend.y + 2, &h), UI_HIT_NONE);
    /* The header and the ruler. */
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, l.panels[1].header.x + 3,
                              l.panels[1].header.y + 3, &h), UI_HIT_HEADER);
    ASSERT_INT_EQ(ui_hit_test(&l, &v, &c, l.tl_x0 + 10, l.ruler.y + 2, &h), UI_HIT_RULER);

    /* The selection summary: in [0, 40 ms) asyncio runs one task at a
     * time, three wait for the loop; multiprocessing runs two. */
    char sel[1600];
    ui_selection_describe(&c, 0, 40 * FX_MS, sel, sizeof sel);
    ASSERT_CONTAINS(sel, "asyncio: on average 1.0 running, 3.0 waiting for the loop");
    ui_sel_stat st;
    ui_selection_stat(&c.traces[2], 5 * FX_MS, 35 * FX_MS, &st);
    ASSERT(fabs(st.state_ns[SIM_ST_RUNNING] / 30e6 - 2.0) < 0.01);
    sim_comparison_deinit(&c);
}

static void test_view(void)
{
    ui_view v;
    ui_view_init(&v);
    ASSERT(fabs(ui_speed_value(0) - 0.01) < 1e-12);
    ASSERT(fabs(ui_speed_value(UI_NSPEEDS - 1) - 4.0) < 1e-12);
    for (int i = 0; i < 20; i++)
        ui_view_speed_step(&v, -1);
    ASSERT_INT_EQ(v.speed, 0);
    for (int i = 0; i < 20; i++)
        ui_view_speed_step(&v, +1);
    ASSERT_INT_EQ(v.speed, UI_NSPEEDS - 1);
    /* At 4x, half a second of wall time moves 2 s; it stops at the end. */
    v.playhead = 0;
    ui_view_advance(&v, 0.1, 10 * 1000 * FX_MS);
    ASSERT_INT_EQ(v.playhead, 400 * FX_MS);
    ui_view_advance(&v, 100, 10 * 1000 * FX_MS);
    ASSERT_INT_EQ(v.playhead, 10 * 1000 * FX_MS);
    ASSERT(v.paused);
    /* Slow motion: 0.01x turns one second into 10 ms. */
    v.speed = 0;
    v.paused = 0;
    v.playhead = 0;
    ui_view_advance(&v, 1.0, 1000 * FX_MS);
    ASSERT_INT_EQ(v.playhead, 10 * FX_MS);
    for (int i = 0; i < 50; i++)
        ui_view_font_step(&v, +1);
    ASSERT(v.font_scale <= UI_FONT_SCALE_MAX + 1e-6);
}

/* The lane cache keeps the boxes emitted before the walk's safe point,
 * with its labels, and starts over on a rewind or a new key. */
static void test_lane_cache(void)
{
    ui_lane_key k1, k2;
    memset(&k1, 0, sizeof k1);
    k1.row_h = 20;
    k1.nmarks = 7;
    k2 = k1;
    k2.row_h = 21;
    ui_lane_cache e;
    memset(&e, 0, sizeof e);
    ui_tl_walk w;
    ui_lane_cache_begin(&e, &k1, 100, &w);
    ASSERT_INT_EQ(w.count, 0);
    for (int i = 0; i < 3; i++)
        ui_lane_cache_add(&e, (ui_rect){10 * i, 0, 10, 20}, i);
    e.labels[e.nlabels++] = (ui_lane_label){{0, 0, 10, 20}, 7, 0};
    e.labels[e.nlabels++] = (ui_lane_label){{20, 0, 10, 20}, 8, 2};
    /* The walk was sure of its first two boxes only. */
    ui_tl_walk safe = {.i = 4, .from = 90, .count = 2};
    ui_lane_cache_end(&e, &safe, 100);
    ASSERT_INT_EQ(e.n, 2);
    ASSERT_INT_EQ(e.nlabels, 1);
    ASSERT_INT_EQ(e.labels[0].arg, 7);
    ASSERT_INT_EQ(e.rects[1].r.x, 10);
    ASSERT_INT_EQ(e.rects[1].slot, 1);
    /* Playback: the same key, a later limit: resume where it was sure. */
    ui_lane_cache_begin(&e, &k1, 150, &w);
    ASSERT_INT_EQ(e.n, 2);
    ASSERT_INT_EQ(w.i, 4);
    ASSERT_INT_EQ(w.from, 90);
    ASSERT_INT_EQ(w.count, 2);
    ui_lane_cache_end(&e, &w, 150);
    /* A rewind, then a changed key: everything is walked again. */
    ui_lane_cache_begin(&e, &k1, 50, &w);
    ASSERT_INT_EQ(e.n, 0);
    ASSERT_INT_EQ(w.count, 0);
    ui_lane_cache_add(&e, (ui_rect){0, 0, 5, 20}, 0);
    safe = (ui_tl_walk){.count = 1};
    ui_lane_cache_end(&e, &safe, 50);
    ASSERT_INT_EQ(e.n, 1);
    ui_lane_cache_begin(&e, &k2, 50, &w);
    ASSERT_INT_EQ(e.n, 0);
    ui_lane_cache_free(&e);
    ASSERT(e.rects == NULL && e.n == 0 && !e.valid);
}

int main(void)
{
    test_timemap();
    test_ticks();
    test_layout();
    test_layout_large_text();
    test_merge();
    test_hit();
    test_dense();
    test_view();
    test_lane_cache();
    return 0;
}
