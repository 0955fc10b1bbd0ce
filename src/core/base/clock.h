/* clock.h - the clocks concviz reads, and the one conversion to timespec.
 *
 * Three clocks, each for one question:
 *   sim_clock_ns       CLOCK_MONOTONIC: "what time is it?" Shared by every
 *                      thread and process of the machine, so lanes recorded
 *                      in different processes line up; never jumps when the
 *                      wall clock is set.
 *   sim_thread_cpu_ns  CLOCK_THREAD_CPUTIME_ID: "how much CPU has this
 *                      thread used?" It does not advance while the thread
 *                      waits (for the GIL, I/O or a core), which is why a
 *                      task's CPU time and its wall time differ.
 *   the TSC            the recording's fast clock (calib.h, rec.h).
 * All in int64_t nanoseconds.
 */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stdint.h>
#include <time.h>

int64_t sim_clock_ns(void);
int64_t sim_thread_cpu_ns(void);

/* ns -> struct timespec (for absolute deadlines of the monotonic clock). */
static inline struct timespec sim_timespec(int64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ll),
                          .tv_nsec = (long)(ns % 1000000000ll)};
    return ts;
}

#endif
