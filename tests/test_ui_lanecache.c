/* test_ui_lanecache.c - the per-lane box cache changes nothing on screen,
 * and drawing cost follows the pixels, not the events.
 *
 * Two headless contexts draw the same view of a large, irregular trace:
 * one keeps each lane's boxes between frames (lane_cache.h), the other
 * walks every lane afresh (lane_cache_off). Through a sequence a person
 * would produce (paused at the end, playback moving right, a rewind, a
 * zoom, a scroll, the trace growing as a live run does) the two frames
 * must be identical pixel for pixel and draw the same number of boxes.
 * Then the box count of a whole frame is checked against the pixels: at
 * most a few boxes per pixel column per lane drawn, and ten times the
 * events do not draw more boxes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "headless.h"
#include "summary.h"
#include "test.h"
#include "ui_fixture.h"

#define W 1600
#define H 900
#define NTASKS 48u

static uint64_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* Lanes whose segments are mostly far narrower than a pixel, now and then
 * several pixels wide, with idle gaps; the resource lane changes holder
 * (labelled boxes). About `events` marks in all, over one second. */
static void make(sim_comparison *c, size_t events, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup("lanecache");
    ASSERT(c->workload);
    c->machine.cpus = 2;
    static const sim_model ms[3] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                    SIM_MODEL_MULTIPROCESSING};
    static const int states[] = {SIM_ST_RUNNING, SIM_ST_READY, SIM_ST_IO,
                                 SIM_ST_LOCK, SIM_ST_IDLE, SIM_ST_QUEUE};
    int64_t span = 1000000000ll;
    int64_t mean = span / (int64_t)(events / 3 / (NTASKS + 1) + 1);
    for (int k = 0; k < 3; k++) {
        sim_trace *t = &c->traces[k];
        ASSERT(sim_trace_init(t, ms[k], NTASKS, NTASKS + 1) == 0);
        for (uint32_t i = 0; i <= NTASKS; i++) {
            t->lanes[i].kind = i < NTASKS ? SIM_LANE_TASK : SIM_LANE_GIL;
            t->lanes[i].index = i;
        }
        for (uint32_t i = 0; i <= NTASKS; i++) {
            int64_t at = (int64_t)(rnd(&seed) % 1000);
            while (at < span) {
                int st = i == NTASKS ? SIM_ST_RUNNING
                                     : states[rnd(&seed) % (sizeof states / sizeof states[0])];
                uint32_t arg = i == NTASKS ? (uint32_t)(rnd(&seed) % NTASKS) : SIM_NO_TASK;
                fx_mark(t, i, at, st, arg);
                /* One segment in 200 is 1000 times longer: wide boxes. */
                int64_t d = 1 + (int64_t)(rnd(&seed) % (uint64_t)(2 * mean));
                at += rnd(&seed) % 200 == 0 ? d * 1000 : d;
            }
        }
        t->end_ns = t->now_ns = span;
        t->mem_per_task_bytes = -1;
    }
    c->ntraces = 3;
}

typedef struct pair {
    ui_headless cached, fresh;
} pair;

/* Draws the view with both contexts and compares every pixel. */
static void same(pair *p, ui_view *v, const sim_comparison *c, const char *what)
{
    ui_view vb = *v; /* drawing lays the view out: both start alike */
    ui_headless_draw(&p->cached, v, c, NULL);
    ui_headless_draw(&p->fresh, &vb, c, NULL);
    ASSERT_MSG(p->cached.ui.boxes == p->fresh.ui.boxes,
               "%s: %zu boxes cached, %zu fresh", what, p->cached.ui.boxes,
               p->fresh.ui.boxes);
    ASSERT_MSG(p->fresh.ui.boxes > 0, "%s: nothing drawn", what);
    const SDL_Surface *a = p->cached.surf, *b = p->fresh.surf;
    for (int y = 0; y < H; y++) {
        const uint8_t *ra = (const uint8_t *)a->pixels + (size_t)y * a->pitch;
        const uint8_t *rb = (const uint8_t *)b->pixels + (size_t)y * b->pitch;
        if (memcmp(ra, rb, (size_t)W * 4) != 0) {
            int x = 0;
            while (memcmp(ra + x * 4, rb + x * 4, 4) == 0)
                x++;
            ASSERT_MSG(0, "%s: frames differ first at (%d, %d)", what, x, y);
        }
    }
}

static void test_identical(void)
{
    char err[256];
    pair p;
    ASSERT_MSG(ui_headless_init(&p.cached, W, H, err, sizeof err) == 0, "%s", err);
    ASSERT_MSG(ui_headless_init(&p.fresh, W, H, err, sizeof err) == 0, "%s", err);
    p.fresh.ui.lane_cache_off = 1;
    sim_comparison c;
    make(&c, 300000, 42);
    ui_view v;
    ui_view_init(&v);
    v.paused = 1;
    int64_t end = ui_comparison_end(&c);
    v.playhead = end;
    same(&p, &v, &c, "paused at the end, first frame");
    same(&p, &v, &c, "paused at the end, from the cache");
    /* Playback: small steps right, a standstill, a jump, then a rewind. */
    static const int per_mille[] = {300, 301, 305, 305, 480, 481, 900, 200, 201, 1000};
    for (size_t i = 0; i < sizeof per_mille / sizeof per_mille[0]; i++) {
        char what[64];
        v.playhead = end / 1000 * per_mille[i];
        snprintf(what, sizeof what, "playhead at %d per mille", per_mille[i]);
        same(&p, &v, &c, what);
    }
    /* Zoomed in around the middle (segments wider than pixels), playing. */
    ui_tm_zoom(&v.tm, 40.0, v.tm.x0 + v.tm.w / 2.0);
    v.fitted = 0;
    for (int i = 0; i < 4; i++) {
        v.playhead = (int64_t)v.tm.t0 + (int64_t)(v.tm.ns_per_px * v.tm.w * (0.3 + 0.05 * i));
        same(&p, &v, &c, "zoomed in, playing");
    }
    /* Scrolled by a few rows: the cached rows move with their lanes. */
    ui_view_fit(&v, end);
    v.playhead = end;
    v.task_scroll = 5;
    same(&p, &v, &c, "scrolled");
    same(&p, &v, &c, "scrolled, from the cache");
    /* A live run grows: more marks, a later "now". */
    v.task_scroll = 0;
    v.live = 1;
    for (int g = 0; g < 3; g++) {
        for (int k = 0; k < 3; k++) {
            sim_trace *t = &c.traces[k];
            t->end_ns = -1;
            int64_t now = t->now_ns;
            for (uint32_t i = 0; i < NTASKS; i++)
                fx_mark(t, i, now + 1000 * (i + 1), SIM_ST_RUNNING, SIM_NO_TASK);
            t->now_ns = now + 20000000;
        }
        same(&p, &v, &c, "live, growing");
    }
    sim_comparison_deinit(&c);
    ui_headless_deinit(&p.cached);
    ui_headless_deinit(&p.fresh);
}

/* Lanes a frame draws: the visible task rows and every resource lane. */
static size_t lanes_drawn(const ui_layout *l, const sim_comparison *c)
{
    size_t n = 0;
    for (int k = 0; k < c->ntraces; k++) {
        const sim_trace *t = &c->traces[k];
        uint32_t rows = t->ntasks - l->task_scroll;
        n += (rows < l->rows_visible ? rows : l->rows_visible) + (t->nlanes - t->ntasks);
    }
    return n;
}

static size_t frame_boxes(size_t events, size_t *bound)
{
    char err[256];
    ui_headless hl;
    ASSERT_MSG(ui_headless_init(&hl, 1920, 1080, err, sizeof err) == 0, "%s", err);
    sim_comparison c;
    make(&c, events, 7);
    ui_view v;
    ui_view_init(&v);
    v.paused = 1;
    v.playhead = ui_comparison_end(&c);
    ui_headless_draw(&hl, &v, &c, NULL);
    ui_headless_draw(&hl, &v, &c, NULL); /* from the cache: the same count */
    ui_layout l;
    ui_view_layout(&v, &c, hl.w, hl.h, 0, &l);
    /* Two boxes per pixel column per lane: one sampled column and one
     * wide segment starting inside it, at most. */
    *bound = 2 * (size_t)l.tl_w * lanes_drawn(&l, &c);
    size_t boxes = hl.ui.boxes;
    sim_comparison_deinit(&c);
    ui_headless_deinit(&hl);
    return boxes;
}

static void test_bounded(void)
{
    size_t bound_small, bound_huge;
    size_t small = frame_boxes(100000, &bound_small);
    size_t huge = frame_boxes(1000000, &bound_huge);
    printf("boxes: %zu for 100k events, %zu for 1M (bound %zu)\n", small, huge,
           bound_huge);
    ASSERT_MSG(huge <= bound_huge, "%zu boxes, bound %zu", huge, bound_huge);
    ASSERT_MSG(small <= bound_small, "%zu boxes, bound %zu", small, bound_small);
    /* Ten times the events, not ten times the boxes. */
    ASSERT_MSG(huge <= small + small / 2, "1M events: %zu boxes, 100k: %zu", huge, small);
}

/* The summary lane during playback counts only the columns from the old
 * limit's on (ui_summary_update): every column must come out as a fresh
 * count gives it, whatever the view (zoomed, panned) and however far the
 * limit moves, through wide segments, sub-pixel ones and idle gaps. */
static void test_summary_playback(void)
{
    sim_comparison c;
    make(&c, 300000, 7);
    enum { NCOLS = 700 };
    static uint32_t fresh[NCOLS * SIM_ST__COUNT], kept[NCOLS * SIM_ST__COUNT];
    static int32_t scratch[(NCOLS + 1) * SIM_ST__COUNT];
    const ui_timemap views[] = {
        {.t0 = 0, .ns_per_px = 1e9 / 1400, .x0 = 90, .w = 1400},        /* all */
        {.t0 = 2.5e8, .ns_per_px = 1e8 / 1400, .x0 = 90, .w = 1400},   /* zoomed */
        {.t0 = 4.0e8 + 0.37, .ns_per_px = 1e6 / 1400, .x0 = 0, .w = 1400}, /* deep */
    };
    uint64_t seed = 11;
    for (size_t k = 0; k < sizeof views / sizeof views[0]; k++) {
        const ui_timemap *m = &views[k];
        const sim_trace *tr = &c.traces[k % 3];
        double span = m->ns_per_px * m->w, col_ns = span / NCOLS;
        int64_t limit = (int64_t)m->t0 + 1;
        ui_summary_compute(tr, m, limit, NCOLS, kept, scratch);
        int steps = 0;
        while (limit < (int64_t)(m->t0 + span) + 5000 && steps < 400) {
            int64_t old = limit;
            /* Mostly a frame's worth; now and then a jump of many columns. */
            limit += (int64_t)(col_ns * (rnd(&seed) % 10 == 0 ? 40.0 : 0.3 + (double)(rnd(&seed) % 30) / 10.0));
            double x = (double)(old - m->t0) / col_ns;
            int first = x > 1.0 ? (int)floor(x) - 1 : 0;
            ui_summary_update(tr, m, limit, NCOLS, first, kept, scratch);
            ui_summary_compute(tr, m, limit, NCOLS, fresh, scratch);
            /* Now and then, every column against its definition: each
             * lane's state at the column's middle, if before the limit. */
            if (steps % 37 == 0) {
                ui_timemap coarse = {m->t0, m->ns_per_px * m->w / NCOLS, 0, NCOLS};
                for (int col = 0; col < NCOLS; col++) {
                    uint32_t want[SIM_ST__COUNT] = {0};
                    int64_t tm = ui_tm_t(&coarse, col + 0.5);
                    for (uint32_t i = 0; i < tr->ntasks && tm < limit && tm < tr->end_ns; i++) {
                        const sim_lane *l = &tr->lanes[i];
                        size_t j = 0;
                        while (j < l->nmarks && l->marks[j].t <= tm)
                            j++;
                        if (j > 0 && tm < sim_lane_seg_end(tr, l, j - 1))
                            want[l->marks[j - 1].state]++;
                    }
                    for (int st = 0; st < SIM_ST__COUNT; st++)
                        ASSERT_MSG(fresh[col * SIM_ST__COUNT + st] == want[st],
                                   "view %zu, limit %lld, column %d state %d: %u counted, "
                                   "%u at its middle", k, (long long)limit, col, st,
                                   fresh[col * SIM_ST__COUNT + st], want[st]);
                }
            }
            for (int col = 0; col < NCOLS; col++) {
                /* Each task lane counted at most once a column. */
                uint32_t all = 0;
                for (int st = 0; st < SIM_ST__COUNT; st++)
                    all += fresh[col * SIM_ST__COUNT + st];
                ASSERT_MSG(all <= tr->ntasks, "view %zu, column %d: %u tasks counted of %u",
                           k, col, all, tr->ntasks);
            }
            for (int col = 0; col < NCOLS; col++)
                for (int st = 0; st < SIM_ST__COUNT; st++)
                    ASSERT_MSG(kept[col * SIM_ST__COUNT + st] == fresh[col * SIM_ST__COUNT + st],
                               "view %zu, limit %lld (from %lld): column %d state %d: "
                               "%u kept, %u fresh", k, (long long)limit, (long long)old, col,
                               st, kept[col * SIM_ST__COUNT + st],
                               fresh[col * SIM_ST__COUNT + st]);
            steps++;
        }
        ASSERT_MSG(steps > 20, "view %zu: only %d steps", k, steps);
    }
    sim_comparison_deinit(&c);
}

int main(void)
{
    test_summary_playback();
    test_identical();
    test_bounded();
    printf("ok\n");
    return 0;
}
