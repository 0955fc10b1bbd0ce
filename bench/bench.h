/* bench.h - what every benchmark shares: samples, median, p99, and one
 * machine-readable line per figure.
 *
 * A benchmark measures; it never asserts a time. Each figure is printed as
 *
 *   BENCH {"figure": "...", "unit": "ns", "median": 12.3, "p99": 15.1,
 *          "runs": 15, "target": 20, "target_text": "<= 20 ns", ...}
 *
 * and scripts/bench gathers those lines into one table and one JSON file.
 * Header-only on purpose: each benchmark is one small program.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct bench_stats {
    double median, p99, min, max;
    int runs;
} bench_stats;

/* Sorts the samples in place. p99 is the nearest-rank percentile, so with
 * few samples it is the largest: honest, not flattering. */
static inline bench_stats bench_stats_of(double *v, int n)
{
    bench_stats s = {0};
    if (n <= 0)
        return s;
    qsort(v, (size_t)n, sizeof *v, bench_cmp);
    s.runs = n;
    s.min = v[0];
    s.max = v[n - 1];
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    int k = (int)((99 * n + 99) / 100); /* ceil(0.99 n) */
    s.p99 = v[(k > 0 ? k : 1) - 1];
    return s;
}

/* Prints the figure's line. `target` <= 0 means "no target". `note` may be
 * NULL; it is printed as-is in the JSON (keep it free of quotes). */
static inline void bench_report(const char *figure, const char *unit, bench_stats s,
                                double target, const char *target_text, const char *note)
{
    printf("BENCH {\"figure\": \"%s\", \"unit\": \"%s\", \"median\": %.6g, \"p99\": %.6g, "
           "\"min\": %.6g, \"max\": %.6g, \"runs\": %d, \"target\": %.6g, "
           "\"target_text\": \"%s\", \"met\": %s, \"note\": \"%s\"}\n",
           figure, unit, s.median, s.p99, s.min, s.max, s.runs, target,
           target_text ? target_text : "", target <= 0 ? "null" : s.p99 <= target ? "true" : "false",
           note ? note : "");
    fflush(stdout);
}

#endif
