/* calib.c - turning "cpu:200ms" into real work of that length.
 *
 * A unit of work (burn.c) is a short chain of dependent integer operations: a few
 * xorshift rounds and a multiply, each needing the previous result. No
 * compiler can fold the chain (it has no closed form) and no CPU can run
 * its links in parallel, so a unit takes the same time every time on a
 * given core. The calibration counts how long a unit takes.
 *
 * Why the best of several short rounds, on the thread's CPU clock: the
 * question is "how fast is one core when we have it", and on a busy
 * machine some rounds are slowed by other processes (preemption, cache
 * thrash). CLOCK_THREAD_CPUTIME_ID does not count time we were preempted,
 * and the fastest round is the one least disturbed. The limit: if the
 * machine is slower for the whole ~20 ms (a sibling hyper-thread fully
 * busy, a low clock), the units measured are slow ones, and cpu steps come
 * out a little shorter than asked later when the machine is quiet.
 */
#include "calib.h"
#include "clock.h"

#include <stdio.h>
#include <string.h>

#include <time.h>

enum {
    ROUND_NS = 1000000,     /* aim: one round = about 1 ms of work */
    BUDGET_NS = 20000000,   /* the whole calibration: about 20 ms */
    MIN_ROUNDS = 5,
    MAX_ROUNDS = 64,
};

/* The TSC is a good clock only where the kernel itself uses it as one
 * (it checks that it is invariant and synchronized across cores). */
static int tsc_trusted(void)
{
#if defined(__x86_64__)
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (!f)
        return 0;
    char buf[32] = "";
    int ok = fgets(buf, sizeof buf, f) && strncmp(buf, "tsc", 3) == 0;
    fclose(f);
    return ok;
#else
    return 0;
#endif
}

int sim_calib_measure(sim_calib *c)
{
    int64_t start = sim_clock_ns();
    uint64_t tsc_start = sim_tsc_read();
    uint64_t acc = 0;

    /* Grow the round until it lasts about ROUND_NS: short rounds are
     * dominated by the clock's own cost and resolution. */
    uint64_t n = 1024;
    double best = 0.0;
    for (;;) {
        int64_t t0 = sim_thread_cpu_ns();
        acc ^= sim_burn(n, acc + n);
        int64_t dt = sim_thread_cpu_ns() - t0;
        if (dt >= ROUND_NS / 2 || n >= (1ull << 32)) {
            best = dt > 0 ? (double)dt / (double)n : 0.0;
            break;
        }
        n *= 2;
    }

    /* Then the best of several rounds of that size, within the budget. */
    for (int r = 0; r < MAX_ROUNDS; r++) {
        if (r >= MIN_ROUNDS && sim_clock_ns() - start >= BUDGET_NS)
            break;
        int64_t t0 = sim_thread_cpu_ns();
        acc ^= sim_burn(n, acc + (uint64_t)r);
        int64_t dt = sim_thread_cpu_ns() - t0;
        double per = (double)dt / (double)n;
        if (dt > 0 && (best <= 0.0 || per < best))
            best = per;
    }
    sim_burn_sink(acc);

    /* A clock that never moved would mean no measurement at all: fall back
     * to a plausible figure rather than divide by zero later. */
    c->ns_per_unit = best > 0.0 ? best : 1.0;
    int64_t end = sim_clock_ns();
    uint64_t tsc_end = sim_tsc_read();
    c->took_ns = end - start;
    /* Ticks over ~20 ms against the kernel's clock: a rate good to a few
     * parts per million, so a recording clocked by the TSC (a few ns a
     * read, against ~25 ns for clock_gettime) drifts by microseconds at
     * most over a long run. */
    c->ns_per_tick = 0.0;
    if (tsc_end > tsc_start && c->took_ns > 0 && tsc_trusted())
        c->ns_per_tick = (double)c->took_ns / (double)(tsc_end - tsc_start);
    return 0;
}

uint64_t sim_calib_units(const sim_calib *c, int64_t ns)
{
    if (ns <= 0 || c->ns_per_unit <= 0.0)
        return 0;
    double u = (double)ns / c->ns_per_unit;
    if (u >= (double)UINT64_MAX)
        return UINT64_MAX;
    return (uint64_t)(u + 0.5);
}
