/* parse.c - numbers and durations as people type them (see parse.h).
 *
 * The number is read as digits before and after the point into integers,
 * never through strtod: `0.1s` must be exactly 100000000 ns, and a double
 * would make it 99999999.99... on the way. Digits finer than a nanosecond
 * are dropped, which is what any clock here could show anyway.
 */
#include "parse.h"

#include <stdio.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }
static int is_letter(char c) { return lower(c) >= 'a' && lower(c) <= 'z'; }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int64_t unit_of(const char *u, size_t n)
{
    if (n == 2 && u[0] == 'u' && u[1] == 's')
        return 1000;
    if (n == 2 && u[0] == 'm' && u[1] == 's')
        return 1000000;
    if (n == 1 && u[0] == 's')
        return 1000000000;
    return 0;
}

sim_dur_err sim_scan_duration(const char *s, size_t n, int64_t unit_optional_ns,
                              sim_duration *d)
{
    memset(d, 0, sizeof *d);
    size_t i = 0;
    if (i < n && s[i] == '-')
        return d->err = SIM_DUR_NEGATIVE;
    if (i < n && s[i] == '.' && i + 1 < n && is_digit(s[i + 1]))
        return d->err = SIM_DUR_LEADING_POINT;
    if (i >= n || !is_digit(s[i]))
        return d->err = SIM_DUR_NOT_A_NUMBER;

    uint64_t whole = 0, frac = 0, scale = 1;
    int huge = 0, frac_digits = 0;
    while (i < n && is_digit(s[i])) {
        unsigned dg = (unsigned)(s[i] - '0');
        if (whole > (UINT64_MAX - dg) / 10)
            huge = 1;
        else
            whole = whole * 10 + dg;
        i++;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit(s[i])) {
            d->err_at = i;
            return d->err = SIM_DUR_POINT_NO_DIGIT;
        }
        while (i < n && is_digit(s[i])) {
            if (frac_digits < 9) {
                frac = frac * 10 + (uint64_t)(s[i] - '0');
                scale *= 10;
                frac_digits++;
            }
            i++;
        }
    }
    d->num_len = i;
    size_t after_num = i;
    while (i < n && is_space(s[i]))
        i++;
    size_t uat = i;
    while (i < n && is_letter(s[i]))
        i++;
    d->unit_at = uat;
    d->unit_len = i - uat;

    int64_t unit;
    if (d->unit_len == 0) {
        if (!unit_optional_ns) {
            d->err_at = uat;
            return d->err = SIM_DUR_NO_UNIT;
        }
        unit = unit_optional_ns;
        i = after_num; /* the spaces were not part of it */
    } else {
        unit = unit_of(s + uat, d->unit_len);
        if (!unit) {
            char low[3] = {0};
            for (size_t k = 0; k < d->unit_len && k < 2; k++)
                low[k] = lower(s[uat + k]);
            d->err_at = uat;
            return d->err = d->unit_len <= 2 && unit_of(low, d->unit_len)
                                ? SIM_DUR_UNIT_CASE : SIM_DUR_BAD_UNIT;
        }
    }
    /* frac < 10^9 and unit <= 10^9: frac * unit fits in 63 bits. */
    if (huge || whole > (uint64_t)(SIM_DUR_MAX_NS / unit))
        return d->err = SIM_DUR_TOO_LONG;
    int64_t ns = (int64_t)whole * unit + (int64_t)(frac * (uint64_t)unit / scale);
    if (ns > SIM_DUR_MAX_NS)
        return d->err = SIM_DUR_TOO_LONG;
    d->ns = ns;
    d->len = i;
    return d->err = SIM_DUR_OK;
}

static void say_range(int64_t ns, char *buf, size_t n)
{
    if (ns % 1000000000 == 0)
        snprintf(buf, n, "%llds", (long long)(ns / 1000000000));
    else if (ns % 1000000 == 0)
        snprintf(buf, n, "%lldms", (long long)(ns / 1000000));
    else if (ns % 1000 == 0)
        snprintf(buf, n, "%lldus", (long long)(ns / 1000));
    else
        snprintf(buf, n, "%.3fus", (double)ns / 1e3);
}

int sim_parse_duration(const char *s, int64_t unit_optional_ns, int64_t lo,
                       int64_t hi, int64_t *ns, char *msg, size_t n)
{
    while (*s == ' ')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\r'))
        len--;
    sim_duration d;
    sim_scan_duration(s, len, unit_optional_ns, &d);
    if (d.err == SIM_DUR_OK && d.len != len)
        d.err = SIM_DUR_BAD_UNIT;
    char a[32], b[32];
    say_range(lo, a, sizeof a);
    say_range(hi, b, sizeof b);
    switch (d.err) {
    case SIM_DUR_OK:
        if (d.ns < lo || d.ns > hi) {
            snprintf(msg, n, "expected a duration from %s to %s, got '%s'", a, b, s);
            return -1;
        }
        *ns = d.ns;
        return 0;
    case SIM_DUR_NEGATIVE:
        snprintf(msg, n, "a duration cannot be negative: write a time like 200ms");
        return -1;
    case SIM_DUR_LEADING_POINT:
        snprintf(msg, n, "write a 0 before the decimal point, as in 0.5s");
        return -1;
    case SIM_DUR_POINT_NO_DIGIT:
        snprintf(msg, n, "expected a digit after the decimal point, as in 0.5s");
        return -1;
    case SIM_DUR_NO_UNIT:
        snprintf(msg, n, "add a unit to '%s': us, ms or s (as in %sms)", s, s);
        return -1;
    case SIM_DUR_UNIT_CASE:
    case SIM_DUR_BAD_UNIT:
        snprintf(msg, n, "expected a duration like 200ms or 0.5s (units: us, ms, s), "
                 "got '%s'", s);
        return -1;
    case SIM_DUR_TOO_LONG:
        snprintf(msg, n, "too long: at most %s, got '%s'", b, s);
        return -1;
    case SIM_DUR_NOT_A_NUMBER:
        break;
    }
    snprintf(msg, n, "expected a duration like 200ms or 0.5s, got '%s'", s);
    return -1;
}

sim_size_err sim_scan_size(const char *s, size_t n, sim_size *z)
{
    static const struct { const char *word; int64_t bytes; } units[] = {
        {"B", 1}, {"KB", 1000}, {"MB", 1000000}, {"GB", 1000000000},
        {"KiB", 1024}, {"MiB", 1048576}, {"GiB", 1073741824},
    };
    const uint64_t max = 1ull << 62;
    memset(z, 0, sizeof *z);
    size_t i = 0;
    if (i >= n || !is_digit(s[i]))
        return z->err = SIM_SIZE_NOT_A_NUMBER;
    uint64_t whole = 0, frac = 0, scale = 1;
    int huge = 0;
    while (i < n && is_digit(s[i])) {
        if (whole > max)
            huge = 1;
        else
            whole = whole * 10 + (uint64_t)(s[i] - '0');
        i++;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit(s[i])) {
            z->err_at = i;
            return z->err = SIM_SIZE_POINT_NO_DIGIT;
        }
        while (i < n && is_digit(s[i])) {
            if (scale < 1000000000ull) { /* finer than a byte of a GiB: dropped */
                frac = frac * 10 + (uint64_t)(s[i] - '0');
                scale *= 10;
            }
            i++;
        }
    }
    while (i < n && is_space(s[i]))
        i++;
    z->unit_at = i;
    while (i < n && is_letter(s[i]))
        i++;
    z->unit_len = i - z->unit_at;
    z->err_at = z->unit_at;
    if (z->unit_len == 0)
        return z->err = SIM_SIZE_NO_UNIT;
    uint64_t unit = 0;
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (strlen(units[k].word) == z->unit_len &&
            memcmp(units[k].word, s + z->unit_at, z->unit_len) == 0)
            unit = (uint64_t)units[k].bytes;
    if (!unit)
        return z->err = SIM_SIZE_BAD_UNIT;
    z->err_at = 0;
    if (huge || whole > max / unit)
        return z->err = SIM_SIZE_TOO_LARGE;
    z->bytes = (int64_t)(whole * unit + frac * unit / scale);
    z->len = i;
    return z->err = SIM_SIZE_OK;
}

int sim_parse_size(const char *s, int64_t lo, int64_t hi, int64_t *bytes, char *msg,
                   size_t n)
{
    while (*s == ' ')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\r'))
        len--;
    sim_size z;
    if (sim_scan_size(s, len, &z) == SIM_SIZE_OK && z.len == len && z.bytes >= lo &&
        z.bytes <= hi) {
        *bytes = z.bytes;
        return 0;
    }
    if (z.err == SIM_SIZE_NO_UNIT)
        snprintf(msg, n, "add a unit to '%s': B, KB, MB, GB (1000s), KiB, MiB or GiB "
                 "(1024s), as in 4GiB", s);
    else if (z.err == SIM_SIZE_OK || z.err == SIM_SIZE_TOO_LARGE)
        snprintf(msg, n, "expected a size from %lld to %lld bytes, got '%s'", (long long)lo,
                 (long long)hi, s);
    else
        snprintf(msg, n, "expected a size like 4GiB or 500MB (units B, KB, MB, GB, KiB, "
                 "MiB, GiB), got '%s'", s);
    return -1;
}

int sim_parse_int(const char *s, long long lo, long long hi, long long *out)
{
    while (*s == ' ')
        s++;
    if (!is_digit(*s))
        return -1;
    unsigned long long v = 0;
    while (is_digit(*s)) {
        unsigned dg = (unsigned)(*s - '0');
        if (v > (9223372036854775807ull - dg) / 10)
            return -1;
        v = v * 10 + dg;
        s++;
    }
    while (*s == ' ' || *s == '\r')
        s++;
    if (*s || (long long)v < lo || (long long)v > hi)
        return -1;
    *out = (long long)v;
    return 0;
}

size_t sim_edit_distance(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b), d[41][41];
    if (na > 40 || nb > 40)
        return 99;
    for (size_t i = 0; i <= na; i++)
        for (size_t j = 0; j <= nb; j++) {
            if (i == 0 || j == 0) {
                d[i][j] = i + j;
                continue;
            }
            size_t sub = d[i - 1][j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
            size_t del = (d[i - 1][j] < d[i][j - 1] ? d[i - 1][j] : d[i][j - 1]) + 1;
            d[i][j] = sub < del ? sub : del;
            /* A swap of two neighbours (`oi` for `io`) is one edit. */
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    return d[na][nb];
}
