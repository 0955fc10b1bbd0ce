/* parse.h - reading numbers and durations that people type.
 *
 * One grammar for every place a person writes a number: the workload
 * language, a lesson's `key: value` lines and the command line's options.
 *
 *   COUNT := digits                       a whole number, no sign
 *   DUR   := digits ['.' digits] [' '*] ('us' | 'ms' | 's')
 *
 * Strict on purpose, because a typo should be an error and not a surprise:
 * no sign, no exponent (`1e3ms`), no hex, no leading point (`.5s`: write
 * `0.5s`), and units in lower case (`200MS` is refused with "did you mean
 * 'ms'?"). Arithmetic is exact, in integers: `0.1s` is 100000000 ns, not
 * a float's idea of it. Where a context accepts less (a zero duration, a
 * step longer than an hour), the caller says so with its own words.
 *
 * One documented difference: an option on the command line may leave the
 * unit out, and then it is in the option's own unit (`--switch-interval 5`
 * is 5 ms, `--timeout 30` is 30 s), as `--help` says. See config.h.
 */
#ifndef SIM_PARSE_H
#define SIM_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* What went wrong reading a duration (or SIM_DUR_OK). */
typedef enum sim_dur_err {
    SIM_DUR_OK = 0,
    SIM_DUR_NOT_A_NUMBER,   /* no digit where the number should start */
    SIM_DUR_NEGATIVE,       /* a '-' in front */
    SIM_DUR_LEADING_POINT,  /* `.5s` */
    SIM_DUR_POINT_NO_DIGIT, /* `5.s` */
    SIM_DUR_NO_UNIT,        /* `200` */
    SIM_DUR_UNIT_CASE,      /* `200MS`: the unit in the wrong case */
    SIM_DUR_BAD_UNIT,       /* `200x` */
    SIM_DUR_TOO_LONG,       /* more than SIM_DUR_MAX_NS */
} sim_dur_err;

/* The longest duration any context takes: one day. */
#define SIM_DUR_MAX_NS (86400ll * 1000000000ll)

typedef struct sim_duration {
    int64_t ns;           /* the value, when err is SIM_DUR_OK */
    size_t len;           /* bytes read (number, spaces, unit) */
    size_t err_at;        /* where the mistake starts (0-based) */
    size_t unit_at, unit_len; /* the unit as written (also on a unit error) */
    size_t num_len;       /* the number as written */
    sim_dur_err err;
} sim_duration;

/* Reads one duration from the start of s[0..n). `unit_optional_ns`: when
 * the unit is left out, the number is in this unit (0: a unit is
 * required). Fills *d; returns d->err. Never reads past n. */
sim_dur_err sim_scan_duration(const char *s, size_t n, int64_t unit_optional_ns,
                              sim_duration *d);

/* A whole string that is one duration between lo and hi (spaces around
 * it allowed). Returns 0, or -1 with `msg` saying what is wrong in plain
 * words ("unknown unit 'x': use us, ms or s, as in 200ms"). */
int sim_parse_duration(const char *s, int64_t unit_optional_ns, int64_t lo,
                       int64_t hi, int64_t *ns, char *msg, size_t n);

/* SIZE := digits ['.' digits] [' '*] ('B' | 'KB' | 'MB' | 'GB' | 'KiB' |
 * 'MiB' | 'GiB'): KB = 1000 B, KiB = 1024 B, in the case written here. */
typedef enum sim_size_err {
    SIM_SIZE_OK = 0,
    SIM_SIZE_NOT_A_NUMBER,
    SIM_SIZE_POINT_NO_DIGIT,
    SIM_SIZE_NO_UNIT,
    SIM_SIZE_BAD_UNIT,
    SIM_SIZE_TOO_LARGE,     /* more than 2^62 bytes */
} sim_size_err;

typedef struct sim_size {
    int64_t bytes;
    size_t len, err_at, unit_at, unit_len;
    sim_size_err err;
} sim_size;

sim_size_err sim_scan_size(const char *s, size_t n, sim_size *z);
/* A whole string that is one size between lo and hi bytes. Returns 0, or
 * -1 with `msg`. */
int sim_parse_size(const char *s, int64_t lo, int64_t hi, int64_t *bytes, char *msg,
                   size_t n);

/* A whole string that is one whole number between lo and hi (spaces
 * around it allowed). Returns 0, or -1. */
int sim_parse_int(const char *s, long long lo, long long hi, long long *out);

/* Edits (insert, delete, change, or swap two neighbours) from a[0..na) to
 * b, ignoring case; 99 when either is longer than 40 bytes. For "did you
 * mean ...?" suggestions. */
size_t sim_edit_distance(const char *a, size_t na, const char *b);

#endif
