/* json.c - a strict pull parser for JSON (RFC 8259), made for files that
 * may be broken or hostile, and the small writing helpers.
 *
 * Why a pull parser: concviz reads traces of millions of events. A tree of
 * every value would cost several times the file in memory; pulling values
 * one at a time lets the trace loader turn each event into a mark and move
 * on, so memory stays proportional to what is kept.
 *
 * Why strict: a file we accept must be one that every other JSON reader
 * (Perfetto, Python) reads the same way. So: no comments, no trailing
 * commas, no leading zeros, no NaN, strings in valid UTF-8 with control
 * characters escaped, \u surrogates in pairs. Numbers are never turned into
 * doubles: integers are read exactly, and a fraction can be read as a
 * scaled integer ("123.456" us -> 123456 ns) with no rounding at all.
 *
 * Nesting is followed on a fixed stack (SIM_JSON_MAX_DEPTH), never by
 * recursion, so a file of a million `[` cannot overflow the C stack.
 */
#include "json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void sim_json_init(sim_json *j, const char *buf, size_t len)
{
    memset(j, 0, sizeof *j);
    j->buf = buf;
    j->len = len;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        sim_json_fail(j, "expected JSON, not a byte-order mark");
}

int sim_json_fail(sim_json *j, const char *fmt, ...)
{
    if (j->failed)
        return -1;
    j->failed = 1;
    j->err_pos = j->pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err, sizeof j->err, fmt, ap);
    va_end(ap);
    return -1;
}

int sim_json_fail_at(sim_json *j, size_t at, const char *fmt, ...)
{
    if (j->failed)
        return -1;
    j->failed = 1;
    j->err_pos = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err, sizeof j->err, fmt, ap);
    va_end(ap);
    return -1;
}

void sim_json_seek(sim_json *j, size_t pos)
{
    j->depth = 0;
    j->pos = pos < j->len ? pos : j->len;
}

int sim_json_cut_short(const sim_json *j)
{
    return j->failed && j->err_pos >= j->len;
}

void sim_json_error(const sim_json *j, char *buf, size_t n)
{
    if (n == 0)
        return;
    if (!j->failed) {
        buf[0] = '\0';
        return;
    }
    /* Lines and columns are counted only once, when there is an error. */
    size_t line = 1, col = 1;
    for (size_t i = 0; i < j->err_pos && i < j->len; i++) {
        if (j->buf[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    snprintf(buf, n, "%zu:%zu: %s", line, col, j->err);
}

static void skip_ws(sim_json *j)
{
    while (j->pos < j->len) {
        char c = j->buf[j->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        j->pos++;
    }
}

static int at(const sim_json *j, size_t i)
{
    return i < j->len ? (unsigned char)j->buf[i] : -1;
}

sim_json_type sim_json_peek(sim_json *j)
{
    if (j->failed)
        return SIM_JSON_ERROR;
    skip_ws(j);
    int c = at(j, j->pos);
    switch (c) {
    case -1: case ']': case '}': return SIM_JSON_END;
    case '{': return SIM_JSON_OBJECT;
    case '[': return SIM_JSON_ARRAY;
    case '"': return SIM_JSON_STRING;
    case 't': return SIM_JSON_TRUE;
    case 'f': return SIM_JSON_FALSE;
    case 'n': return SIM_JSON_NULL;
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return SIM_JSON_NUMBER;
        sim_json_fail(j, "expected a value");
        return SIM_JSON_ERROR;
    }
}

/* Fails with "expected WHAT" unless the next value is of type t. */
static int expect(sim_json *j, sim_json_type t, const char *what)
{
    sim_json_type got = sim_json_peek(j);
    if (got == SIM_JSON_ERROR)
        return -1;
    if (got != t)
        return sim_json_fail(j, "expected %s", what);
    return 0;
}

static int push(sim_json *j, uint8_t kind)
{
    if (j->depth >= SIM_JSON_MAX_DEPTH)
        return sim_json_fail(j, "expected at most %d levels of nesting",
                             SIM_JSON_MAX_DEPTH);
    j->stack[j->depth++] = kind;
    j->pos++;
    j->first = 1;
    return 0;
}

int sim_json_begin_object(sim_json *j)
{
    if (expect(j, SIM_JSON_OBJECT, "an object") < 0)
        return -1;
    return push(j, '{');
}

int sim_json_begin_array(sim_json *j)
{
    if (expect(j, SIM_JSON_ARRAY, "an array") < 0)
        return -1;
    return push(j, '[');
}

/* Calling next_key in an array (or at the top level) is a bug in the
 * caller, not in the file: it aborts in every build. */
static void check_in(const sim_json *j, uint8_t kind)
{
    if (j->depth == 0 || j->stack[j->depth - 1] != kind) {
        fprintf(stderr, "sim_json: next_%s called outside %s\n",
                kind == '{' ? "key" : "item",
                kind == '{' ? "an object" : "an array");
        abort();
    }
}

/* Leaves the container: the parent now has at least one member. */
static int pop(sim_json *j)
{
    j->pos++;
    j->depth--;
    j->first = 0;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid: no
 * overlong forms, no surrogates, nothing above U+10FFFF. `avail` bytes may
 * be read. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;        /* overlong */
        if (c == 0xED) hi = 0x9F;        /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;        /* overlong */
        if (c == 0xF4) hi = 0x8F;        /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

static int hex4(sim_json *j, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = at(j, j->pos);
        unsigned d;
        if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
        else return sim_json_fail(j, "expected 4 hex digits after \\u");
        v = v * 16 + d;
        j->pos++;
    }
    *out = v;
    return 0;
}

/* Appends bytes to the output, which keeps at most n-1 of them. */
typedef struct out_buf {
    char *p;
    size_t n, len;
    int nul;     /* a \u0000 was decoded */
} out_buf;

static void put(out_buf *o, const char *s, size_t k)
{
    if (o->p && o->len + 1 < o->n) {
        size_t room = o->n - 1 - o->len;
        memcpy(o->p + o->len, s, k < room ? k : room);
    }
    o->len += k;
}

static void put_cp(out_buf *o, unsigned cp)
{
    char b[4];
    size_t k;
    if (cp < 0x80) {
        b[0] = (char)cp; k = 1;
        if (cp == 0) o->nul = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F)); k = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)); k = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F)); k = 4;
    }
    put(o, b, k);
}

static int scan_escape(sim_json *j, out_buf *o)
{
    int c = at(j, j->pos);
    const char *simple = "\"\\/bfnrt";
    const char *means = "\"\\/\b\f\n\r\t";
    const char *hit = c > 0 ? strchr(simple, c) : NULL;
    if (hit) {
        put(o, &means[hit - simple], 1);
        j->pos++;
        return 0;
    }
    if (c != 'u')
        return sim_json_fail(j, "expected an escape: \\\" \\\\ \\/ \\b \\f "
                             "\\n \\r \\t or \\uXXXX");
    j->pos++;
    unsigned cp = 0;
    if (hex4(j, &cp) < 0)
        return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        j->pos -= 6;
        return sim_json_fail(j, "expected a high surrogate before this low surrogate");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (at(j, j->pos) != '\\' || at(j, j->pos + 1) != 'u')
            return sim_json_fail(j, "expected \\u and a low surrogate after a high surrogate");
        j->pos += 2;
        unsigned lo = 0;
        if (hex4(j, &lo) < 0)
            return -1;
        if (lo < 0xDC00 || lo > 0xDFFF) {
            j->pos -= 6;
            return sim_json_fail(j, "expected a low surrogate (\\uDC00-\\uDFFF)");
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    put_cp(o, cp);
    return 0;
}

/* Reads a string value at pos (which is at the opening quote). */
static int scan_string(sim_json *j, out_buf *o)
{
    j->pos++;
    for (;;) {
        /* Plain ASCII first, in one sweep: nearly every byte of a trace. */
        size_t run = j->pos;
        while (run < j->len) {
            unsigned char b = (unsigned char)j->buf[run];
            if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\')
                break;
            run++;
        }
        if (run > j->pos) {
            put(o, j->buf + j->pos, run - j->pos);
            j->pos = run;
        }
        int c = at(j, j->pos);
        if (c < 0)
            return sim_json_fail(j, "expected a closing quote");
        if (c == '"') {
            j->pos++;
            break;
        }
        if (c == '\\') {
            j->pos++;
            if (scan_escape(j, o) < 0)
                return -1;
            continue;
        }
        if (c < 0x20)
            return sim_json_fail(j, "expected an escape (\\n, \\t, \\u00XX), "
                                 "not a raw control character");
        size_t k = utf8_seq((const unsigned char *)j->buf + j->pos, j->len - j->pos);
        if (k == 0)
            return sim_json_fail(j, "expected UTF-8 text in a string");
        put(o, j->buf + j->pos, k);
        j->pos += k;
    }
    if (o->p && o->n > 0)
        o->p[o->len < o->n ? o->len : o->n - 1] = '\0';
    return 0;
}

int sim_json_string(sim_json *j, char *buf, size_t n, size_t *len)
{
    if (expect(j, SIM_JSON_STRING, "a string") < 0)
        return -1;
    size_t start = j->pos;
    out_buf o = {buf, n, 0, 0};
    if (scan_string(j, &o) < 0)
        return -1;
    if (len)
        *len = o.len;
    if (o.len >= n) {
        j->pos = start;
        return sim_json_fail(j, "expected a string of at most %zu bytes",
                             n ? n - 1 : 0);
    }
    return 0;
}

int sim_json_string_span(sim_json *j, const char **s, size_t *len)
{
    if (expect(j, SIM_JSON_STRING, "a string") < 0)
        return -1;
    size_t start = j->pos + 1;
    out_buf o = {NULL, 0, 0, 0};
    if (scan_string(j, &o) < 0)
        return -1;
    *s = j->buf + start;
    *len = j->pos - 1 - start;
    return 0;
}

int sim_json_string_dup(sim_json *j, size_t max, char **out)
{
    if (expect(j, SIM_JSON_STRING, "a string") < 0)
        return -1;
    /* Measure first, then decode into an allocation of the right size. */
    size_t start = j->pos;
    out_buf o = {NULL, 0, 0, 0};
    if (scan_string(j, &o) < 0)
        return -1;
    j->pos = start;
    if (o.len > max)
        return sim_json_fail(j, "expected a string of at most %zu bytes", max);
    if (o.nul)
        return sim_json_fail(j, "expected a string without \\u0000");
    char *s = malloc(o.len + 1);
    if (!s)
        return sim_json_fail(j, "expected a string that fits in memory");
    out_buf d = {s, o.len + 1, 0, 0};
    scan_string(j, &d);
    *out = s;
    return 0;
}

int sim_json_next_key(sim_json *j, char *key, size_t n)
{
    if (j->failed)
        return -1;
    check_in(j, '{');
    skip_ws(j);
    int c = at(j, j->pos);
    if (j->first) {
        if (c == '}')
            return pop(j);
    } else {
        if (c == '}')
            return pop(j);
        if (c != ',')
            return sim_json_fail(j, "expected ',' or '}'");
        j->pos++;
        skip_ws(j);
        c = at(j, j->pos);
    }
    if (c != '"')
        return sim_json_fail(j, "expected a member name in quotes");
    out_buf o = {key, n, 0, 0};
    if (scan_string(j, &o) < 0)
        return -1;
    skip_ws(j);
    if (at(j, j->pos) != ':')
        return sim_json_fail(j, "expected ':' after a member name");
    j->pos++;
    j->first = 0;
    return 1;
}

int sim_json_next_item(sim_json *j)
{
    if (j->failed)
        return -1;
    check_in(j, '[');
    skip_ws(j);
    int c = at(j, j->pos);
    if (c == ']')
        return pop(j);
    if (!j->first) {
        if (c != ',')
            return sim_json_fail(j, "expected ',' or ']'");
        j->pos++;
    }
    j->first = 0;
    return 1;
}

/* The parts of a number, validated against the grammar
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
typedef struct num_parts {
    int neg;
    size_t int0, nint;    /* integer digits: buf[int0 .. int0+nint) */
    size_t frac0, nfrac;  /* fraction digits */
    long exp;             /* saturated at +-1000000 */
    int has_exp;
} num_parts;

static int scan_digits(sim_json *j, size_t *count)
{
    size_t n = 0;
    while (at(j, j->pos) >= '0' && at(j, j->pos) <= '9') {
        j->pos++;
        n++;
    }
    if (n == 0)
        return sim_json_fail(j, "expected a digit");
    *count = n;
    return 0;
}

static int scan_number(sim_json *j, num_parts *p)
{
    memset(p, 0, sizeof *p);
    if (expect(j, SIM_JSON_NUMBER, "a number") < 0)
        return -1;
    if (at(j, j->pos) == '-') {
        p->neg = 1;
        j->pos++;
    }
    p->int0 = j->pos;
    if (at(j, j->pos) == '0') {
        j->pos++;
        p->nint = 1;
        if (at(j, j->pos) >= '0' && at(j, j->pos) <= '9')
            return sim_json_fail(j, "expected no leading zero in a number");
    } else if (scan_digits(j, &p->nint) < 0) {
        return -1;
    }
    if (at(j, j->pos) == '.') {
        j->pos++;
        p->frac0 = j->pos;
        if (scan_digits(j, &p->nfrac) < 0)
            return -1;
    }
    if (at(j, j->pos) == 'e' || at(j, j->pos) == 'E') {
        j->pos++;
        p->has_exp = 1;
        int eneg = 0;
        if (at(j, j->pos) == '+' || at(j, j->pos) == '-')
            eneg = at(j, j->pos++) == '-';
        size_t e0 = j->pos, ne = 0;
        if (scan_digits(j, &ne) < 0)
            return -1;
        long e = 0;
        for (size_t i = 0; i < ne; i++)
            if (e < 1000000)
                e = e * 10 + (j->buf[e0 + i] - '0');
        p->exp = eneg ? -e : e;
    }
    return 0;
}

/* Digit k of the number's digits (integer part, then fraction). */
static int digit(const sim_json *j, const num_parts *p, size_t k)
{
    if (k < p->nint)
        return j->buf[p->int0 + k] - '0';
    return j->buf[p->frac0 + (k - p->nint)] - '0';
}

/* value = digits * 10^e10, exactly, or -1 if not whole or out of range.
 * Accumulates negatively so that INT64_MIN is reachable. */
static int digits_to_int(const sim_json *j, const num_parts *p, long e10,
                         int64_t *v)
{
    size_t nd = p->nint + p->nfrac;
    size_t keep = nd;
    if (e10 < 0) {
        size_t drop = (size_t)-e10;
        keep = drop >= nd ? 0 : nd - drop;
        for (size_t k = keep; k < nd; k++)
            if (digit(j, p, k) != 0)
                return -1;
        e10 = 0;
    }
    int64_t acc = 0;
    int any = 0;
    for (size_t k = 0; k < keep; k++) {
        int d = digit(j, p, k);
        if (acc < (INT64_MIN + d) / 10)
            return -1;
        acc = acc * 10 - d;
        any |= d;
    }
    if (any) {
        for (long i = 0; i < e10; i++) {
            if (acc < INT64_MIN / 10)
                return -1;
            acc *= 10;
        }
    }
    if (!p->neg) {
        if (acc == INT64_MIN)
            return -1;
        acc = -acc;
    }
    *v = acc;
    return 0;
}

int sim_json_int64(sim_json *j, int64_t *v)
{
    skip_ws(j);
    size_t start = j->pos;
    num_parts p;
    if (scan_number(j, &p) < 0)
        return -1;
    if (p.nfrac || p.has_exp) {
        j->pos = start;
        return sim_json_fail(j, "expected an integer");
    }
    if (digits_to_int(j, &p, 0, v) < 0) {
        j->pos = start;
        return sim_json_fail(j, "expected an integer that fits in 64 bits");
    }
    return 0;
}

int sim_json_fixed(sim_json *j, int scale, int64_t *v)
{
    skip_ws(j);
    size_t start = j->pos;
    num_parts p;
    if (scan_number(j, &p) < 0)
        return -1;
    long e10 = p.exp - (long)p.nfrac + scale;
    if (digits_to_int(j, &p, e10, v) < 0) {
        j->pos = start;
        return sim_json_fail(j, "expected a number with at most %d decimals "
                             "that fits in 64 bits once scaled", scale);
    }
    return 0;
}

static int literal(sim_json *j, const char *word)
{
    size_t k = strlen(word);
    if (j->len - j->pos < k || memcmp(j->buf + j->pos, word, k) != 0)
        return sim_json_fail(j, "expected a value");
    j->pos += k;
    return 0;
}

int sim_json_bool(sim_json *j, int *v)
{
    sim_json_type t = sim_json_peek(j);
    if (t == SIM_JSON_ERROR)
        return -1;
    if (t != SIM_JSON_TRUE && t != SIM_JSON_FALSE)
        return sim_json_fail(j, "expected true or false");
    *v = t == SIM_JSON_TRUE;
    return literal(j, *v ? "true" : "false");
}

int sim_json_skip(sim_json *j)
{
    int base = j->depth;
    int need_value = 1;
    for (;;) {
        if (need_value) {
            num_parts p;
            out_buf o = {NULL, 0, 0, 0};
            int r;
            switch (sim_json_peek(j)) {
            case SIM_JSON_OBJECT: r = sim_json_begin_object(j); break;
            case SIM_JSON_ARRAY: r = sim_json_begin_array(j); break;
            case SIM_JSON_STRING: r = scan_string(j, &o); break;
            case SIM_JSON_NUMBER: r = scan_number(j, &p); break;
            case SIM_JSON_TRUE: r = literal(j, "true"); break;
            case SIM_JSON_FALSE: r = literal(j, "false"); break;
            case SIM_JSON_NULL: r = literal(j, "null"); break;
            case SIM_JSON_END: r = sim_json_fail(j, "expected a value"); break;
            default: r = -1; break;
            }
            if (r < 0)
                return -1;
        }
        if (j->depth == base)
            return 0;
        int r = j->stack[j->depth - 1] == '{' ? sim_json_next_key(j, NULL, 0)
                                              : sim_json_next_item(j);
        if (r < 0)
            return -1;
        need_value = r;
    }
}

int sim_json_finish(sim_json *j)
{
    if (j->failed)
        return -1;
    skip_ws(j);
    if (j->depth != 0 || j->pos != j->len)
        return sim_json_fail(j, "expected the end of the document");
    return 0;
}

int sim_json_validate(const char *buf, size_t len, char *msg, size_t n)
{
    sim_json j;
    sim_json_init(&j, buf, len);
    if (sim_json_peek(&j) == SIM_JSON_END && !j.failed)
        sim_json_fail(&j, "expected a value");
    if (sim_json_skip(&j) < 0 || sim_json_finish(&j) < 0) {
        sim_json_error(&j, msg, n);
        return -1;
    }
    if (n)
        msg[0] = '\0';
    return 0;
}

void sim_json_write_string(FILE *f, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    fputc('"', f);
    while (*u) {
        unsigned char c = *u;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            u++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            default: fprintf(f, "\\u%04x", c); break;
            }
            u++;
        } else {
            /* A NUL ends the string, so reading up to 4 bytes is safe: a
             * short sequence fails at the NUL, which is no continuation. */
            size_t k = utf8_seq(u, 4);
            if (k == 0) {
                fputs("\\ufffd", f);
                u++;
            } else {
                fwrite(u, 1, k, f);
                u += k;
            }
        }
    }
    fputc('"', f);
}

/* "00" to "99": two digits per division, half the divisions. */
static const char two_digits[201] =
    "0001020304050607080910111213141516171819202122232425262728293031323334353637383940"
    "4142434445464748495051525354555657585960616263646566676869707172737475767778798081"
    "828384858687888990919293949596979899";

/* Writes `mag` with exactly `ndig` digits (leading zeros) ending at end;
 * `ndig` 0 means as many as it takes (at least one). Returns where the
 * digits begin. */
static char *digits_back(char *end, uint64_t mag, int ndig)
{
    char *p = end;
    int left = ndig ? ndig : 20;
    while (left >= 2 && (ndig || mag >= 10)) {
        unsigned d = (unsigned)(mag % 100) * 2;
        mag /= 100;
        *--p = two_digits[d + 1];
        *--p = two_digits[d];
        left -= 2;
    }
    if (ndig ? left > 0 : (p == end || mag > 0)) {
        *--p = (char)('0' + mag % 10);
        mag /= 10;
    }
    /* Without a width, a leading zero of a two-digit pair goes. */
    if (!ndig && p + 1 < end && *p == '0')
        p++;
    return p;
}

size_t sim_json_format_fixed(char *buf, int64_t v, int scale)
{
    if (scale < 0 || scale > 18) {
        fprintf(stderr, "sim_json_format_fixed: scale %d out of 0..18\n", scale);
        abort();
    }
    static const uint64_t pow10[19] = {
        1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
        100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
        1000000000000ull, 10000000000000ull, 100000000000000ull, 1000000000000000ull,
        10000000000000000ull, 100000000000000000ull, 1000000000000000000ull,
    };
    /* From the last character back: the decimals, the point, the whole
     * part; 20 digits at most (2^64 has 20), a point and a sign. */
    char tmp[SIM_JSON_FIXED_MAX];
    char *end = tmp + sizeof tmp, *p = end;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (scale > 0) {
        p = digits_back(p, mag % pow10[scale], scale);
        *--p = '.';
        mag /= pow10[scale];
    }
    p = digits_back(p, mag, 0);
    if (v < 0)
        *--p = '-';
    memcpy(buf, p, (size_t)(end - p));
    return (size_t)(end - p);
}

void sim_json_write_fixed(FILE *f, int64_t v, int scale)
{
    char buf[SIM_JSON_FIXED_MAX];
    fwrite(buf, 1, sim_json_format_fixed(buf, v, scale), f);
}
