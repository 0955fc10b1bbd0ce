/* format.c - numbers written for people (see format.h). */
#include "format.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static size_t done(int r, size_t n)
{
    return r < 0 ? 0 : (size_t)r < n ? (size_t)r : n - 1;
}

/* Three significant digits; trailing zeros dropped below a second. */
static void short_number(double v, int keep_zeros, char *tmp, size_t n)
{
    int decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
    snprintf(tmp, n, "%.*f", decimals, v);
    if (keep_zeros || !strchr(tmp, '.'))
        return;
    size_t l = strlen(tmp);
    while (l > 0 && tmp[l - 1] == '0')
        tmp[--l] = '\0';
    if (l > 0 && tmp[l - 1] == '.')
        tmp[--l] = '\0';
}

size_t sim_format_ns(int64_t ns, char *buf, size_t n)
{
    char num[48];
    const char *sign = ns < 0 ? "-" : "";
    /* Magnitude as unsigned, so that INT64_MIN has one too. */
    uint64_t m = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    int r;
    if (n == 0)
        return 0;
    if (m < 1000) {
        r = snprintf(buf, n, "%s%llu ns", sign, (unsigned long long)m);
    } else if (m < 999500) {
        short_number((double)m / 1e3, 0, num, sizeof num);
        r = snprintf(buf, n, "%s%s us", sign, num);
    } else if (m < 999500000) {
        short_number((double)m / 1e6, 0, num, sizeof num);
        r = snprintf(buf, n, "%s%s ms", sign, num);
    } else if (m < 100000000000ull) {
        short_number((double)m / 1e9, 1, num, sizeof num);
        r = snprintf(buf, n, "%s%s s", sign, num);
    } else if (m < 3600000000000ull) {
        /* "12 min 5 s": a long run in the units people count in */
        uint64_t s = (m + 500000000ull) / 1000000000ull;
        r = snprintf(buf, n, "%s%llu min %llu s", sign, (unsigned long long)(s / 60),
                     (unsigned long long)(s % 60));
    } else {
        uint64_t mins = (m + 30000000000ull) / 60000000000ull;
        r = snprintf(buf, n, "%s%llu h %llu min", sign, (unsigned long long)(mins / 60),
                     (unsigned long long)(mins % 60));
    }
    return r < 0 ? 0 : (size_t)r < n ? (size_t)r : n - 1;
}

size_t sim_format_bytes(int64_t b, char *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (b < 0)
        return done(snprintf(buf, n, "-"), n);
    if (b < 10 * 1024)
        return done(snprintf(buf, n, "%lld B", (long long)b), n);
    if (b < 10 * 1024 * 1024)
        return done(snprintf(buf, n, "%.0f KiB", (double)b / 1024.0), n);
    if (b < 10ll * 1024 * 1024 * 1024)
        return done(snprintf(buf, n, "%.1f MiB", (double)b / (1024.0 * 1024.0)), n);
    return done(snprintf(buf, n, "%.1f GiB", (double)b / (1024.0 * 1024.0 * 1024.0)), n);
}

size_t sim_format_count(uint64_t count, const char *one, const char *many, char *buf,
                        size_t n)
{
    char digits[32], grouped[40];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)count);
    size_t nd = strlen(digits), k = 0;
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    if (n == 0)
        return 0;
    return done(snprintf(buf, n, "%s %s", grouped, count == 1 ? one : many), n);
}

size_t sim_format_speed(double sp, char *buf, size_t n)
{
    if (n == 0)
        return 0;
    return done(snprintf(buf, n, sp < 0.1 ? "%.2fx" : sp < 1 ? "%.2gx" : "%.0fx", sp), n);
}

size_t sim_format_wait_status(int status, char *buf, size_t n)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *abbrev = sigabbrev_np(sig); /* "KILL": glibc 2.32 */
        return done(snprintf(buf, n, "was killed by signal %d (SIG%s)", sig,
                             abbrev ? abbrev : "?"), n);
    }
    return done(snprintf(buf, n, "exited with status %d",
                         WIFEXITED(status) ? WEXITSTATUS(status) : status), n);
}
