/* test_calib.c - the calibration is quick, and a calibrated burn takes
 * about the time asked for, in CPU time of the burning thread. */
#include <time.h>

#include "calib.h"
#include "test.h"

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void test_measure(sim_calib *c)
{
    ASSERT_INT_EQ(sim_calib_measure(c), 0);
    ASSERT(c->ns_per_unit > 0.0);
    /* Well under a microsecond per unit, or slices could not be small. */
    ASSERT_MSG(c->ns_per_unit < 1000.0, "%.1f ns per unit", c->ns_per_unit);
    /* "A few tens of milliseconds": allow a busy machine four times that. */
    ASSERT_MSG(c->took_ns > 0 && c->took_ns < 120000000, "took %lld ns",
               (long long)c->took_ns);
}

static void test_units(const sim_calib *c)
{
    ASSERT_INT_EQ(sim_calib_units(c, 0), 0);
    ASSERT_INT_EQ(sim_calib_units(c, -5), 0);
    uint64_t u1 = sim_calib_units(c, 1000000);
    uint64_t u10 = sim_calib_units(c, 10000000);
    ASSERT(u1 > 0);
    /* Linear, up to rounding. */
    ASSERT(u10 >= 10 * u1 - 10 && u10 <= 10 * u1 + 10);
}

static void test_burn_is_real(void)
{
    /* The result depends on every unit and on the seed. */
    ASSERT(sim_burn(1000, 1) != sim_burn(1001, 1));
    ASSERT(sim_burn(1000, 1) != sim_burn(1000, 2));
    ASSERT(sim_burn(1000, 7) == sim_burn(1000, 7));
    ASSERT(sim_burn(0, 0) != 0);
}

static void test_burn_length(const sim_calib *c)
{
    /* 50 ms asked: the CPU time spent must be of that order. Generous
     * bounds: frequency scaling and a shared machine move it a little. */
    const int64_t want = 50000000;
    int64_t best = INT64_MAX;
    for (int i = 0; i < 3; i++) {
        int64_t t0 = cpu_ns();
        sim_burn_sink(sim_burn(sim_calib_units(c, want), (uint64_t)i));
        int64_t dt = cpu_ns() - t0;
        if (dt < best)
            best = dt;
    }
    ASSERT_MSG(best > want / 2 && best < want * 3, "50 ms of work took %lld ns",
               (long long)best);
}

int main(void)
{
    sim_calib c;
    test_measure(&c);
    test_units(&c);
    test_burn_is_real();
    test_burn_length(&c);
    printf("calib: %.3f ns/unit, measured in %.1f ms\n", c.ns_per_unit,
           (double)c.took_ns / 1e6);
    return 0;
}
