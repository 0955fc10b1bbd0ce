/* calib.h - real CPU work of a known length.
 *
 * `cpu:200ms` means "200 ms of single-core computation", not "200 ms of
 * wall time": a task that shares a core, or waits for the GIL, takes longer
 * in wall time, exactly as Python code does. So concviz turns durations
 * into a number of work units, measured once at start-up: one unit is a
 * short chain of dependent integer operations that no compiler can remove.
 */
#ifndef SIM_CALIB_H
#define SIM_CALIB_H

#include <stdint.h>

typedef struct sim_calib {
    double ns_per_unit;    /* single-core ns one unit of work takes */
    int64_t took_ns;       /* how long the calibration itself took */
    double ns_per_tick;    /* the CPU's time-stamp counter, measured against
                              CLOCK_MONOTONIC during the calibration; 0 when
                              the kernel does not trust the TSC as a clock */
} sim_calib;

/* Measures ns_per_unit (best of several short rounds: about 20 ms in all,
 * robust to the machine being busy). Returns 0. */
int sim_calib_measure(sim_calib *c);
/* Reads the time-stamp counter (0 where there is none). Inline: the
 * recording reads it for every event. */
static inline uint64_t sim_tsc_read(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

/* Units of work that take `ns` on one core. */
uint64_t sim_calib_units(const sim_calib *c, int64_t ns);
/* Does `units` of real work. The result depends on every unit, and the
 * caller should fold it into something observable (see sim_burn_sink). */
uint64_t sim_burn(uint64_t units, uint64_t seed);
/* Keeps a burn's result alive so the work cannot be optimized away. */
void sim_burn_sink(uint64_t v);

#endif
