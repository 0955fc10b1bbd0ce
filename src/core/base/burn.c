/* burn.c - the unit of CPU work that every cpu step repeats.
 *
 * It lives in a file of its own because meson builds this file optimized
 * in every build type (see meson.build): at -O0 each link of the chain
 * below goes through the stack and a unit takes about four times as long.
 * The calibration would then measure a debug build's loop, not the
 * machine, and every cost scaled by it (the built-in profile) would grow
 * fourfold in a debug or sanitizer build. Optimized, the chain is a few
 * register operations in any build, and nothing here touches memory for a
 * sanitizer to check.
 */
#include "calib.h"

/* One unit: xorshift64 (Marsaglia) then an odd multiply. */
static inline uint64_t unit(uint64_t x)
{
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x * 0x2545f4914f6cdd1dull;
}

uint64_t sim_burn(uint64_t units, uint64_t seed)
{
    uint64_t x = seed | 1u; /* xorshift must not start at 0 */
    for (uint64_t i = 0; i < units; i++)
        x = unit(x);
    return x;
}

void sim_burn_sink(uint64_t v)
{
    /* An empty asm statement that claims to read v: the compiler must
     * compute v, and nothing is stored anywhere (no global state). */
    __asm__ volatile("" : : "r"(v) : "memory");
}
