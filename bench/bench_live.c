/* bench_live.c - is the window responsive while ten thousand threads run?
 *
 * The window (src/app/window.c) follows a live run frame by frame: each
 * frame it takes the run's new events into the traces (app_tick) and
 * draws them. Input is handled between frames, so what a user waits for,
 * at most, is one frame's work: that is the figure. Ten thousand real
 * threads of `10000*io:100ms` under threading record their events while
 * the frames go on, drawn here headless at 1920x1080 with the software
 * renderer, spaced as the window spaces them during a run (run_gap: at
 * least 125 ms, so the engines keep the cores). Several runs, every frame
 * of each counted; the run's own wall time is printed beside, to show
 * that drawing did not slow it down. It measures; it never fails on a
 * time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app_ui.h"
#include "bench.h"
#include "headless.h"

#define W 1920
#define H 1080
#define RUNS 5
#define MAXF 400
#define GAP_S 0.125

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

int main(void)
{
    ui_headless hl;
    char err[256];
    if (ui_headless_init(&hl, W, H, err, sizeof err) != 0) {
        fprintf(stderr, "bench_live: %s\n", err);
        return 1;
    }
    static double ms[MAXF];
    double walls[RUNS];
    int n = 0;
    for (int r = 0; r < RUNS; r++) {
        app *a = calloc(1, sizeof *a);
        if (!a)
            return 1;
        app_desc d = {.busy_window_ns = -1,
                      .cfg = {.models = {SIM_MODEL_THREADING}, .nmodels = 1,
                              .costs = SIM_COSTS_NONE}};
        app_init(a, &d);
        app_layout(a, W, H);
        ui_field_set(&a->ws.field, "10000*io:100ms");
        if (app_start_run(a) != SIM_OK || !a->run_active) {
            fprintf(stderr, "bench_live: the run did not start: %s\n", a->view.status);
            return 1;
        }
        double last = bench_now_ns();
        while (app_run_busy(a)) {
            double t0 = bench_now_ns();
            app_tick(a, (t0 - last) / 1e9);
            last = t0;
            app_layout(a, W, H);
            ui_frame_extra x = {.widgets = &a->ws, .help = &a->help, .lens = &a->lens};
            ui_headless_draw(&hl, &a->view, &a->cmp, &x);
            double took = (bench_now_ns() - t0) / 1e9;
            if (n < MAXF)
                ms[n++] = took * 1e3;
            sleep_s(took * 10 > GAP_S ? took * 10 : GAP_S);
        }
        const sim_trace *t = &a->cmp.traces[0];
        if (a->cmp.ntraces < 1 || t->outcome != SIM_OUTCOME_OK) {
            fprintf(stderr, "bench_live: the run failed: %s\n", a->view.status);
            return 1;
        }
        walls[r] = (double)t->end_ns / 1e6;
        app_deinit(a);
        free(a);
    }
    char note[160];
    bench_stats w = bench_stats_of(walls, RUNS);
    snprintf(note, sizeof note, "%d frames in %d runs; the run itself: %.0f ms (p99 %.0f)", n,
             RUNS, w.median, w.p99);
    bench_report("window frame (events taken in + drawn) during a live run of "
                 "10000*io:100ms under threading, 1920x1080",
                 "ms", bench_stats_of(ms, n), 100, "<= 100 ms", note);
    ui_headless_deinit(&hl);
    return 0;
}
