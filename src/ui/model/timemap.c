/* timemap.c - the arithmetic of the shared time axis.
 *
 * Doubles carry the mapping: an int64 of ns fits a double exactly up to
 * 2^53 ns (104 days), far beyond any run, and fractional t0 keeps slow
 * drags smooth at deep zoom. Zooming keeps the time under the pointer under
 * the pointer, which is what makes wheel zoom feel anchored.
 */
#include "timemap.h"

#include <math.h>
#include <stdio.h>

double ui_tm_x(const ui_timemap *m, int64_t t)
{
    return m->x0 + ((double)t - m->t0) / m->ns_per_px;
}

int64_t ui_tm_t(const ui_timemap *m, double x)
{
    return (int64_t)llround(m->t0 + (x - m->x0) * m->ns_per_px);
}

int64_t ui_tm_t_end(const ui_timemap *m)
{
    return ui_tm_t(m, m->x0 + m->w);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void ui_tm_zoom(ui_timemap *m, double factor, double x)
{
    if (!(factor > 0))
        return;
    double t_at = m->t0 + (x - m->x0) * m->ns_per_px;
    m->ns_per_px = clampd(m->ns_per_px / factor, UI_TM_MIN_NS_PER_PX,
                          UI_TM_MAX_NS_PER_PX);
    m->t0 = t_at - (x - m->x0) * m->ns_per_px;
}

void ui_tm_pan(ui_timemap *m, double dx)
{
    m->t0 -= dx * m->ns_per_px;
}

void ui_tm_fit(ui_timemap *m, int64_t t0, int64_t t1)
{
    int w = m->w > 1 ? m->w : 1;
    if (t1 <= t0)
        t1 = t0 + 1000000; /* an empty run still shows a millisecond */
    /* 2% margin on the right so the finish line is not on the edge. */
    m->ns_per_px = clampd((double)(t1 - t0) * 1.02 / w, UI_TM_MIN_NS_PER_PX,
                          UI_TM_MAX_NS_PER_PX);
    m->t0 = (double)t0;
}

int ui_tm_ticks(const ui_timemap *m, double min_px, int64_t *ticks, int max,
                int64_t *step)
{
    double want = min_px * m->ns_per_px;
    int64_t s = 1;
    static const int mult[3] = {1, 2, 5};
    for (int64_t p = 1; p < INT64_MAX / 10; p *= 10) {
        int found = 0;
        for (int k = 0; k < 3; k++) {
            if ((double)(p * mult[k]) >= want) {
                s = p * mult[k];
                found = 1;
                break;
            }
        }
        if (found)
            break;
    }
    *step = s;
    double first = ceil(m->t0 / (double)s) * (double)s;
    int n = 0;
    int64_t end = ui_tm_t_end(m);
    for (double t = first; t <= (double)end && n < max; t += (double)s)
        ticks[n++] = (int64_t)t;
    return n;
}

size_t ui_tm_format(int64_t t, int64_t step, char *buf, size_t n)
{
    int r;
    double a = (double)t;
    if (t == 0)
        r = snprintf(buf, n, "0");
    else if (step >= 1000000000)
        r = snprintf(buf, n, "%g s", a / 1e9);
    else if (step >= 1000000) /* steps are 1-2-5 x 10^k: whole ms here */
        r = snprintf(buf, n, "%.0f ms", a / 1e6);
    else if (step >= 1000)
        r = snprintf(buf, n, "%.0f us", a / 1e3);
    else
        r = snprintf(buf, n, "%lld ns", (long long)t);
    return r < 0 ? 0 : (size_t)r;
}

size_t ui_format_dur(int64_t ns, char *buf, size_t n)
{
    if (ns == 0) {
        int r = snprintf(buf, n, "0 ms");
        return r < 0 ? 0 : (size_t)r;
    }
    double a = fabs((double)ns);
    const char *unit = "ns";
    double v = (double)ns;
    if (a >= 1e9) {
        unit = "s";
        v /= 1e9;
    } else if (a >= 1e6) {
        unit = "ms";
        v /= 1e6;
    } else if (a >= 1e3) {
        unit = "us";
        v /= 1e3;
    }
    double av = fabs(v);
    int prec = av >= 100 || unit[0] == 'n' ? 0 : av >= 10 ? 1 : 2;
    int r = snprintf(buf, n, "%.*f %s", prec, v, unit);
    return r < 0 ? 0 : (size_t)r;
}
