/* timemap.h - time <-> pixel mapping of the shared time axis, and the ruler.
 *
 * A timemap says which time sits at the left edge of the timeline (t0, in
 * ns from the start of every model's run) and how many ns one pixel spans.
 * Every panel shares one timemap, so the same x is the same time everywhere.
 */
#ifndef UI_TIMEMAP_H
#define UI_TIMEMAP_H

#include <stddef.h>
#include <stdint.h>

#define UI_TM_MIN_NS_PER_PX 0.05    /* 20 px per ns: deeper zoom shows nothing new */
#define UI_TM_MAX_NS_PER_PX 1.0e12  /* 1000 s per pixel */

typedef struct ui_timemap {
    double t0;          /* ns at pixel x0 (fractional so that panning is smooth) */
    double ns_per_px;
    int x0, w;          /* the timeline's pixel range [x0, x0 + w) */
} ui_timemap;

double ui_tm_x(const ui_timemap *m, int64_t t);
int64_t ui_tm_t(const ui_timemap *m, double x);
/* The time at the right edge. */
int64_t ui_tm_t_end(const ui_timemap *m);

/* Zooms by `factor` (> 1 zooms in) keeping the time under pixel x fixed. */
void ui_tm_zoom(ui_timemap *m, double factor, double x);
/* Moves the view by dx pixels (dragging right shows earlier times). */
void ui_tm_pan(ui_timemap *m, double dx);
/* Shows [t0, t1] across the whole width, with a small margin on the right. */
void ui_tm_fit(ui_timemap *m, int64_t t0, int64_t t1);

/* Ruler ticks: a step of 1, 2 or 5 times a power of ten ns so that ticks are
 * at least min_px apart; fills up to `max` tick times inside the view and
 * returns how many; *step receives the step. */
int ui_tm_ticks(const ui_timemap *m, double min_px, int64_t *ticks, int max,
                int64_t *step);
/* A tick label in the unit that suits the step: "0", "250 us", "1.5 ms",
 * "2 s". Returns the length. */
size_t ui_tm_format(int64_t t, int64_t step, char *buf, size_t n);
/* A duration for tooltips, with 3 significant digits: "12.3 ms". */
size_t ui_format_dur(int64_t ns, char *buf, size_t n);

#endif
