/* trace_text.c - a lane's marks as short text, both ways, and the buffered
 * writer (see trace_text.h for the grammar).
 *
 * The reader is as strict as the JSON reader under it: a letter that is
 * no state, a number with a leading zero or past the limits, a '/' or '@'
 * with nothing after it is an error at that byte, so a file either means
 * exactly one trace or is refused.
 */
#include "trace_text.h"

#include <string.h>

#include "json.h"

/* One letter per state, indexed by sim_state. */
static const char state_letters[SIM_ST__COUNT + 1] = {
    [SIM_ST_NONE] = 'n',     [SIM_ST_READY] = 'r', [SIM_ST_RUNNING] = 'R',
    [SIM_ST_IO] = 'w',       [SIM_ST_DONE] = 'd',  [SIM_ST_IDLE] = 'i',
    [SIM_ST_STARTING] = 's', [SIM_ST_LOST] = 'x',  [SIM_ST_LOCK] = 'l',
    [SIM_ST_SEM] = 'm',      [SIM_ST_QUEUE] = 'q', [SIM_ST_RECV] = 'v',
    [SIM_ST_SEND] = 'e',     [SIM_ST_DENSE] = 'D',
};

/* The state a letter stands for, or -1. */
static int state_of(char c)
{
    const char *p = c ? memchr(state_letters, c, SIM_ST__COUNT) : NULL;
    return p ? (int)(p - state_letters) : -1;
}

/* ---- the buffered writer ------------------------------------------------ */

void sim_tout_flush(sim_tout *o)
{
    if (o->n)
        fwrite(o->b, 1, o->n, o->f);
    o->n = 0;
}

void sim_tout_put(sim_tout *o, const char *s, size_t k)
{
    if (o->n + k > sizeof o->b) {
        sim_tout_flush(o);
        if (k > sizeof o->b) {
            fwrite(s, 1, k, o->f);
            return;
        }
    }
    memcpy(o->b + o->n, s, k);
    o->n += k;
}

void sim_tout_str(sim_tout *o, const char *s)
{
    sim_tout_put(o, s, strlen(s));
}

void sim_tout_json(sim_tout *o, const char *s)
{
    /* Names of lanes and states are plain ASCII: copied as they are. Any
     * other text goes through the JSON writer, which escapes it. */
    size_t k = 0;
    for (; s[k]; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
    }
    if (!s[k]) {
        sim_tout_c(o, '"');
        sim_tout_put(o, s, k);
        sim_tout_c(o, '"');
        return;
    }
    sim_tout_flush(o);
    sim_json_write_string(o->f, s);
}

void sim_tout_u64(sim_tout *o, uint64_t v)
{
    char d[20];
    int k = 0;
    do {
        d[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (o->n + (size_t)k > sizeof o->b)
        sim_tout_flush(o);
    while (k)
        o->b[o->n++] = d[--k];
}

void sim_tout_i64(sim_tout *o, int64_t v)
{
    if (v < 0) {
        sim_tout_c(o, '-');
        sim_tout_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        sim_tout_u64(o, (uint64_t)v);
    }
}

void sim_tout_us(sim_tout *o, int64_t ns)
{
    uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0)
        sim_tout_c(o, '-');
    sim_tout_u64(o, mag / 1000);
    unsigned frac = (unsigned)(mag % 1000);
    char d[4] = {'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
                 (char)('0' + frac % 10)};
    sim_tout_put(o, d, 4);
}

/* ---- lanes as text ------------------------------------------------------ */

void sim_lane_text_write(sim_tout *o, const sim_mark *m, size_t n)
{
    int64_t prev_t = 0;
    uint32_t prev_arg = SIM_NO_TASK;
    uint16_t prev_cpu = SIM_NO_CPU;
    for (size_t i = 0; i < n; i++) {
        char c = m[i].state < SIM_ST__COUNT ? state_letters[m[i].state] : 'n';
        sim_tout_c(o, c);
        sim_tout_u64(o, (uint64_t)(m[i].t - prev_t));
        if (m[i].arg != prev_arg) {
            sim_tout_c(o, '/');
            if (m[i].arg == SIM_NO_TASK)
                sim_tout_c(o, '-');
            else
                sim_tout_u64(o, m[i].arg);
        }
        if (m[i].cpu != prev_cpu) {
            sim_tout_c(o, '@');
            if (m[i].cpu == SIM_NO_CPU)
                sim_tout_c(o, '-');
            else
                sim_tout_u64(o, m[i].cpu);
        }
        if (m[i].flags) { /* SIM_MARK_INFERRED (CPython's traces only) */
            sim_tout_c(o, '~');
            sim_tout_u64(o, m[i].flags);
        }
        prev_t = m[i].t;
        prev_arg = m[i].arg;
        prev_cpu = m[i].cpu;
    }
}

size_t sim_lane_text_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        n += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return n;
}

/* A decimal number at s[*i] of at most `max`, no leading zero. */
static int number(const char *s, size_t len, size_t *i, uint64_t max, uint64_t *v)
{
    size_t k = *i;
    if (k >= len || s[k] < '0' || s[k] > '9')
        return -1;
    if (s[k] == '0' && k + 1 < len && s[k + 1] >= '0' && s[k + 1] <= '9')
        return -1;
    uint64_t x = 0;
    for (; k < len && s[k] >= '0' && s[k] <= '9'; k++) {
        unsigned d = (unsigned)(s[k] - '0');
        if (d > max || x > (max - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *i = k;
    *v = x;
    return 0;
}

long sim_lane_text_read(const char *s, size_t len, int64_t max_ns, sim_mark *out,
                        size_t *bad, const char **why)
{
    int64_t t = 0;
    uint32_t arg = SIM_NO_TASK;
    uint16_t cpu = SIM_NO_CPU;
    long n = 0;
    size_t i = 0;
    while (i < len) {
        int st = state_of(s[i]);
        if (st < 0) {
            *bad = i;
            *why = "a state letter (one of nrRwdisxlmqve)";
            return -1;
        }
        i++;
        uint64_t v;
        if (number(s, len, &i, (uint64_t)(max_ns - t), &v) < 0) {
            *bad = i;
            *why = "the ns since the lane's previous mark, keeping the time within 10^15 ns";
            return -1;
        }
        t += (int64_t)v;
        if (i < len && s[i] == '/') {
            i++;
            if (i < len && s[i] == '-') {
                arg = SIM_NO_TASK;
                i++;
            } else if (number(s, len, &i, SIM_NO_TASK - 1, &v) == 0) {
                arg = (uint32_t)v;
            } else {
                *bad = i;
                *why = "an arg (0..4294967294) or '-' after '/'";
                return -1;
            }
        }
        if (i < len && s[i] == '@') {
            i++;
            if (i < len && s[i] == '-') {
                cpu = SIM_NO_CPU;
                i++;
            } else if (number(s, len, &i, SIM_NO_CPU - 1, &v) == 0) {
                cpu = (uint16_t)v;
            } else {
                *bad = i;
                *why = "a core (0..65534) or '-' after '@'";
                return -1;
            }
        }
        uint64_t flags = 0;
        if (i < len && s[i] == '~') {
            i++;
            if (number(s, len, &i, SIM_MARK_INFERRED, &flags) != 0 || flags == 0) {
                *bad = i;
                *why = "the mark's flags (1: inferred) after '~'";
                return -1;
            }
        }
        out[n++] = (sim_mark){.t = t, .arg = arg, .state = (uint8_t)st,
                              .flags = (uint8_t)flags, .cpu = cpu};
    }
    return n;
}
