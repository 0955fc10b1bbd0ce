/* bench_frame.c - the frame time of a large trace, drawn headless.
 *
 * A comparison of three traces (64 task lanes each, states changing every
 * few microseconds) with 100,000 and then 1,000,000 events in all, all in
 * view, drawn at 1920x1080 and 3840x2160 by the software renderer: the worst case for
 * drawing, since no GPU helps. Drawing cost should follow the pixels (the
 * visible range is found by binary search and sub-pixel segments merge), so
 * the two sizes should take about the same time. It measures; it does not
 * assert. Prints median and p99 over the frames, paused (each lane's boxes
 * come from the last frame) and during playback (each lane walks only the
 * columns played since the last frame).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "headless.h"
#include "ui_fixture.h"

#define FRAMES 40

static void make(sim_comparison *c, size_t events)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup("bench");
    c->machine.cpus = 2;
    static const sim_model ms[3] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                    SIM_MODEL_MULTIPROCESSING};
    uint32_t ntasks = 64;
    size_t per_lane = events / 3 / ntasks;
    for (int k = 0; k < 3; k++) {
        sim_trace *t = &c->traces[k];
        ASSERT(sim_trace_init(t, ms[k], ntasks, ntasks + 1) == 0);
        for (uint32_t i = 0; i <= ntasks; i++) {
            t->lanes[i].kind = i < ntasks ? SIM_LANE_TASK : SIM_LANE_GIL;
            t->lanes[i].index = i;
        }
        int64_t step = 1000000000ll / (int64_t)per_lane;
        for (uint32_t i = 0; i < ntasks; i++)
            for (size_t j = 0; j < per_lane; j++)
                fx_mark(t, i, (int64_t)j * step + i * 7,
                        (j + i) % 3 == 0 ? SIM_ST_RUNNING : (j + i) % 3 == 1 ? SIM_ST_READY
                                                                       : SIM_ST_IO,
                        SIM_NO_TASK);
        fx_mark(t, ntasks, 0, SIM_ST_RUNNING, 0);
        t->end_ns = t->now_ns = 1000000000ll;
        t->mem_per_task_bytes = -1;
    }
    c->ntraces = 3;
}

/* The targets: a million events in view within 8 ms at 1920x1080
 * and 16 ms at 3840x2160 (a 4K projector), paused and during playback;
 * 100,000 events at 1920x1080 show that the cost follows the pixels. */
typedef struct frame_case {
    int w, h;
    size_t events;
    double target_ms;
} frame_case;

static const frame_case cases[] = {
    {1920, 1080, 100000, 8},
    {1920, 1080, 1000000, 8},
    {3840, 2160, 1000000, 16},
};

static int run_case(const frame_case *fc)
{
    ui_headless hl;
    char err[256];
    if (ui_headless_init(&hl, fc->w, fc->h, err, sizeof err) != 0) {
        fprintf(stderr, "bench_frame: %s\n", err);
        return 1;
    }
    sim_comparison c;
    make(&c, fc->events);
    ui_view v;
    ui_view_init(&v);
    v.playhead = 1000000000ll;
    v.paused = 1;
    double ms[FRAMES];
    size_t boxes = 0;
    for (int f = 0; f < FRAMES + 3; f++) {
        v.hover = 1;
        v.mouse_x = 300 + f * 20; /* the tooltip moves, as a pointer would */
        v.mouse_y = 300;
        double t0 = bench_now_ns();
        ui_headless_draw(&hl, &v, &c, NULL);
        double t1 = bench_now_ns();
        if (f >= 3) /* the first frames fill the text cache */
            ms[f - 3] = (t1 - t0) / 1e6;
        boxes = hl.ui.boxes;
    }
    bench_stats st = bench_stats_of(ms, FRAMES);
    char fig[128], note[160], target[32];
    snprintf(target, sizeof target, "<= %.0f ms", fc->target_ms);
    snprintf(fig, sizeof fig, "frame time, software renderer, %dx%d, %zu events", fc->w,
             fc->h, fc->events);
    snprintf(note, sizeof note, "%zu state boxes drawn per frame after merging", boxes);
    bench_report(fig, "ms", st, fc->target_ms, target, note);
    /* Playback: the playhead moves every frame, so what is cached per
     * lane must be resumed (only the newly played columns walked). It
     * starts with a jump back to the middle, a frame that walks every lane
     * again (the first paused frame's work, as after any seek): drawn
     * first, not counted. */
    v.playhead = 500000000ll - 2000000ll;
    ui_headless_draw(&hl, &v, &c, NULL);
    for (int f = 0; f < FRAMES; f++) {
        v.playhead = 500000000ll + f * 2000000ll;
        double t0 = bench_now_ns();
        ui_headless_draw(&hl, &v, &c, NULL);
        ms[f] = (bench_now_ns() - t0) / 1e6;
    }
    st = bench_stats_of(ms, FRAMES);
    snprintf(fig, sizeof fig, "frame time during playback, %dx%d, %zu events", fc->w, fc->h,
             fc->events);
    bench_report(fig, "ms", st, fc->target_ms, target, "the playhead moves every frame");
    sim_comparison_deinit(&c);
    ui_headless_deinit(&hl);
    return 0;
}

/* bench_frame [WxH]: every case, or only those of that size (to profile
 * one: perf record bench/bench_frame 3840x2160). */
int main(int argc, char **argv)
{
    int w = 0, h = 0;
    if (argc > 1 && sscanf(argv[1], "%dx%d", &w, &h) != 2) {
        fprintf(stderr, "usage: bench_frame [WIDTHxHEIGHT]\n");
        return 2;
    }
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        if ((!w || (cases[k].w == w && cases[k].h == h)) && run_case(&cases[k]) != 0)
            return 1;
    return 0;
}
