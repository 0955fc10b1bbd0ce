/* workload.c - the workload language: a string becomes tiny flat programs.
 *
 * A hand-written recursive-descent parser (one function per grammar rule
 * of workload.h) that compiles while it reads: each group's task becomes a
 * run of sim_ops ending in SIM_OP_END, a repeat `N*X` inside parentheses
 * becomes SIM_OP_LOOP ... SIM_OP_NEXT around X. Flat programs instead of a
 * tree mean a running task needs only a program counter and a small stack
 * of loop counts (sim_cursor), whatever the workload looks like.
 *
 * Most of this file is error messages. A student types these strings by
 * hand, so every refusal says where (a column), what was expected, and how
 * to fix it. Numbers are read digit by digit, never through a double, so
 * `0.1s` is exactly 100000000 ns and no input can overflow; nominal totals
 * use saturating arithmetic and a workload whose total would not fit is
 * refused rather than wrapped.
 *
 * Limit: columns count bytes, not characters (workload_text.c shows
 * non-ASCII bytes as '?' so that its caret stays aligned).
 */
#include "workload.h"
#include "parse.h"
#include "workload_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Notes that tell the two meanings of `N*` apart, for malformed repeats. */
#define NOTE_TOP "at top level N*X starts N tasks at once; (N*X) is one task doing X N times"
#define NOTE_SEQ "inside parentheses N*X does X N times in order; N*X at top level starts N tasks"
#define STEPS_ARE "steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, " \
    "lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...)"

/* ---- saturating arithmetic (never overflows, sticks at the maximum) ---- */

static int64_t sat_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t sat_mul(int64_t a, uint64_t n)
{
    if (a == 0 || n == 0)
        return 0;
    return (uint64_t)a > (uint64_t)INT64_MAX / n ? INT64_MAX : a * (int64_t)n;
}

/* ---- characters ---- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static char peek_at(const parser *p, size_t i) { return i < p->len ? p->s[i] : '\0'; }
static char peek(const parser *p) { return peek_at(p, p->pos); }

/* strlen that stops looking after `max` bytes (strnlen is POSIX, not C11). */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

static void skip_spaces(parser *p)
{
    while (p->pos < p->len && is_space(p->s[p->pos]))
        p->pos++;
}

/* Consumes a run of ASCII letters; returns its length. */
static size_t scan_word(parser *p)
{
    size_t start = p->pos;
    while (p->pos < p->len && is_alpha(p->s[p->pos]))
        p->pos++;
    return p->pos - start;
}

static int word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* Records the first error (column `at + 1`, or none for NOWHERE) and
 * returns -1. */
#define NOWHERE ((size_t)-1)
static int fail(parser *p, size_t at, const char *fmt, ...)
{
    va_list ap;
    p->err->line = 1;
    p->err->column = at + 1 > (size_t)SIM_MAX_SPEC_LEN + 1 ? 0 : (int)(at + 1);
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* Describes the character at `at` for messages: "'x'" or "the end". */
static const char *what_is(const parser *p, size_t at, char *buf, size_t n)
{
    char c = peek_at(p, at);
    if (c == '\0')
        snprintf(buf, n, "the end");
    else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        snprintf(buf, n, "byte 0x%02x", (unsigned char)c);
    else
        snprintf(buf, n, "'%c'", c);
    return buf;
}

/* ---- emitting ops ---- */

/* Doubles an array's capacity when it is full; NULL if memory ran out.
 * (A 64 KiB spec makes at most a few tens of thousands of ops.) */
static void *grow(parser *p, void *items, size_t *cap, size_t used, size_t size, size_t at)
{
    if (used < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *more = realloc(items, ncap * size);
    if (!more) {
        fail(p, at, "out of memory while reading the workload");
        return NULL;
    }
    *cap = ncap;
    return more;
}

static int emit(parser *p, sim_op_kind kind, int64_t a, size_t at, size_t *index)
{
    sim_op *ops = grow(p, p->ops, &p->cap_ops, p->nops, sizeof *ops, at);
    if (!ops)
        return -1;
    p->ops = ops;
    sim_op *op = &p->ops[p->nops];
    memset(op, 0, sizeof *op);
    op->kind = (uint16_t)kind;
    op->a = a;
    op->column = at + 1 > UINT16_MAX ? UINT16_MAX : (uint16_t)(at + 1);
    if (index)
        *index = p->nops;
    p->nops++;
    return 0;
}

/* ---- numbers ---- */

typedef struct number {
    uint64_t whole;    /* the digits before the point (capped, see `huge`) */
    uint64_t frac;     /* up to 9 digits after the point */
    int frac_digits;
    int has_point;
    int huge;          /* the whole part did not fit: refused by the caller */
} number;

/* Reads digits [. digits]. The caller has checked that a digit is next. */
static int scan_number(parser *p, number *n)
{
    memset(n, 0, sizeof *n);
    while (is_digit(peek(p))) {
        unsigned d = (unsigned)(peek(p) - '0');
        if (n->whole > (UINT64_MAX - d) / 10)
            n->huge = 1;
        else
            n->whole = n->whole * 10 + d;
        p->pos++;
    }
    if (peek(p) != '.')
        return 0;
    n->has_point = 1;
    p->pos++;
    if (!is_digit(peek(p)))
        return fail(p, p->pos, "expected a digit after the decimal point, as in 0.5s");
    while (is_digit(peek(p))) {
        /* Digits beyond the ninth are finer than a nanosecond: dropped. */
        if (n->frac_digits < 9) {
            n->frac = n->frac * 10 + (uint64_t)(peek(p) - '0');
            n->frac_digits++;
        }
        p->pos++;
    }
    return 0;
}

/* A repeat or copy count: a whole number from 1 to `max`. */
static int parse_count(parser *p, uint64_t max, uint64_t *count)
{
    size_t at = p->pos;
    number n;
    if (scan_number(p, &n) < 0)
        return -1;
    if (n.has_point)
        return fail(p, at, "a count must be a whole number, as in 8*io:200ms");
    if (n.whole == 0 && !n.huge)
        return fail(p, at, "a count of 0 leaves nothing to run: use 1 or more");
    if (n.huge || n.whole > max)
        return fail(p, at, "count too large: at most %llu here", (unsigned long long)max);
    *count = n.whole;
    return 0;
}

/* DUR := number ('us' | 'ms' | 's'), at least 1 us and at most an hour.
 * The grammar is parse.h's, shared with lessons and the command line; the
 * messages are the workload's own, with the column of the mistake. */
static int parse_duration(parser *p, int64_t *out)
{
    skip_spaces(p);
    size_t at = p->pos;
    sim_duration d;
    sim_scan_duration(p->s + at, p->len - at, 0, &d);
    size_t uat = at + d.unit_at, ulen = d.unit_len;
    const char *u = p->s + uat;
    int numlen = (int)(d.num_len > 20 ? 20 : d.num_len);
    switch (d.err) {
    case SIM_DUR_OK:
        break;
    case SIM_DUR_NEGATIVE:
        return fail(p, at, "a duration cannot be negative: write a time like 200ms");
    case SIM_DUR_LEADING_POINT:
        return fail(p, at, "write a 0 before the decimal point, as in 0.5s");
    case SIM_DUR_NOT_A_NUMBER:
        return fail(p, at, "expected a duration like 200ms");
    case SIM_DUR_POINT_NO_DIGIT:
        return fail(p, at + d.err_at, "expected a digit after the decimal point, as in 0.5s");
    case SIM_DUR_NO_UNIT:
        if (uat < p->len && (unsigned char)p->s[uat] >= 0x80)
            return fail(p, uat, "unknown unit: write plain 'us' for microseconds, 'ms' or 's'");
        return fail(p, uat, "add a unit to %.*s: us, ms or s (as in %.*sms)", numlen,
                    p->s + at, numlen, p->s + at);
    case SIM_DUR_UNIT_CASE: {
        char low[3] = {0};
        for (size_t i = 0; i < ulen && i < 2; i++)
            low[i] = lower(u[i]);
        return fail(p, uat, "unknown unit '%.*s': did you mean '%s'? (units are us, ms and s)",
                    (int)ulen, u, low);
    }
    case SIM_DUR_BAD_UNIT:
        return fail(p, uat, "unknown unit '%.*s': use us, ms or s, as in 200ms",
                    (int)(ulen > 20 ? 20 : ulen), u);
    case SIM_DUR_TOO_LONG:
        return fail(p, at, "too long: one step lasts at most 1 hour (3600s); "
                           "repeat it in parentheses, as in (2*cpu:1h), for more");
    }
    p->pos = at + d.len;
    if (d.ns > SIM_MAX_DURATION_NS)
        return fail(p, at, "too long: one step lasts at most 1 hour (3600s); "
                           "repeat it in parentheses, as in (2*cpu:1h), for more");
    if (d.ns == 0)
        return fail(p, at, "a duration of 0 does nothing: use at least 1us, "
                           "or 'yield' to let the others run");
    if (d.ns < 1000)
        return fail(p, at, "too short: the shortest duration is 1us");
    *out = d.ns;
    return 0;
}

/* A unit word, as after a count that lacks its step ("8*200ms"). */
static int is_unit(const char *u, size_t n)
{
    return word_is(u, n, "us") || word_is(u, n, "ms") || word_is(u, n, "s");
}

/* ---- steps ---- */

/* The step a mistyped or borrowed word most likely meant, or NULL. */
static const char *suggest_step(const char *w, size_t n)
{
    static const struct { const char *word, *step; } synonyms[] = {
        {"sleep", "io:"}, {"wait", "io:"}, {"net", "io:"}, {"disk", "io:"},
        {"compute", "cpu:"}, {"work", "cpu:"}, {"busy", "cpu:"}, {"calc", "cpu:"},
        {"await", "yield"}, {"pass", "yield"},
    };
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++)
        if (sim_edit_distance(w, n, synonyms[i].word) == 0)
            return synonyms[i].step;
    if (sim_edit_distance(w, n, "cpu") <= (n >= 3 ? 2u : 1u))
        return "cpu:";
    if (sim_edit_distance(w, n, "io") <= 1)
        return "io:";
    if (sim_edit_distance(w, n, "yield") <= 2)
        return "yield";
    return NULL;
}

/* step := 'cpu:' DUR | 'io:' DUR | 'yield' | a shared-state step */
static int parse_step(parser *p, int depth, tally *t)
{
    size_t at = p->pos;
    size_t n = scan_word(p);
    const char *w = p->s + at;
    int is_cpu = word_is(w, n, "cpu");
    if (is_cpu || word_is(w, n, "io")) {
        skip_spaces(p);
        if (peek(p) != ':')
            return fail(p, p->pos, "expected ':' after '%s', as in %s:200ms",
                        is_cpu ? "cpu" : "io", is_cpu ? "cpu" : "io");
        p->pos++;
        int64_t ns = 0;
        if (parse_duration(p, &ns) < 0)
            return -1;
        if (emit(p, is_cpu ? SIM_OP_CPU : SIM_OP_IO, ns, at, NULL) < 0)
            return -1;
        if (is_cpu)
            t->cpu_ns = ns;
        else
            t->io_ns = ns;
        t->steps = 1;
        return 0;
    }
    if (word_is(w, n, "yield")) {
        skip_spaces(p);
        if (peek(p) == ':')
            return fail(p, p->pos, "'yield' takes no duration: write yield alone "
                                   "(use io:DUR to wait)");
        t->steps = 1;
        return emit(p, SIM_OP_YIELD, 0, at, NULL);
    }
    int shared = sim_wl_share_step(p, at, n, depth, t);
    if (shared <= 0)
        return shared;
    int shown = (int)(n > 20 ? 20 : n);
    const char *hint = suggest_step(w, n);
    if (hint)
        return fail(p, at, "unknown step '%.*s': did you mean '%s'? (" STEPS_ARE ")",
                    shown, w, hint);
    return fail(p, at, "unknown step '%.*s': " STEPS_ARE, shown, w);
}

/* ---- tasks, sequences, groups ---- */

static int parse_task(parser *p, int depth, uint64_t count, tally *t);

/* After a count `N`: the '*' that must follow it. */
static int expect_star(parser *p, uint64_t count, size_t count_at)
{
    skip_spaces(p);
    if (peek(p) == '*') {
        p->pos++;
        return 0;
    }
    size_t at = p->pos;
    size_t n = scan_word(p);
    p->pos = at;
    if (n > 0 && is_unit(p->s + at, n))
        return fail(p, count_at, "a duration needs a step in front: write io:%.*s or cpu:%.*s",
                    (int)(at + n - count_at), p->s + count_at,
                    (int)(at + n - count_at), p->s + count_at);
    return fail(p, at, "expected '*' after the count %llu, as in %llu*io:200ms",
                (unsigned long long)count, (unsigned long long)count);
}

/* item := [N '*'] task, inside a sequence: a repeat compiles to a loop. */
static int parse_item(parser *p, int depth, tally *t)
{
    skip_spaces(p);
    size_t at = p->pos;
    uint64_t count = 1;
    if (peek(p) == '-')
        return fail(p, at, "counts and durations cannot be negative");
    if (!is_digit(peek(p)))
        return parse_task(p, depth, 0, t);
    if (parse_count(p, SIM_MAX_REPEAT, &count) < 0 || expect_star(p, count, at) < 0)
        return -1;
    size_t loop = 0;
    if (count > 1 && emit(p, SIM_OP_LOOP, (int64_t)count, at, &loop) < 0)
        return -1;
    if (parse_task(p, depth, count, t) < 0)
        return -1;
    if (count > 1) {
        size_t next;
        if (emit(p, SIM_OP_NEXT, 0, at, &next) < 0)
            return -1;
        p->ops[next].b = (uint32_t)loop;
        p->ops[loop].b = (uint32_t)p->nops;
        t->cpu_ns = sat_mul(t->cpu_ns, count);
        t->io_ns = sat_mul(t->io_ns, count);
        t->steps = sat_mul(t->steps, count);
    }
    return 0;
}

/* '(' item (',' item)* ')': the items run one after another. */
static int parse_sequence(parser *p, int depth, tally *t)
{
    size_t open = p->pos;
    if (depth > SIM_MAX_NEST)
        return fail(p, open, "parentheses nested more than %d deep: flatten the workload",
                    SIM_MAX_NEST);
    p->pos++;
    skip_spaces(p);
    if (peek(p) == ')')
        return fail(p, open, "empty parentheses: put at least one step inside, as in (io:1ms)");
    for (;;) {
        tally item = {0, 0, 0};
        if (parse_item(p, depth, &item) < 0)
            return -1;
        t->cpu_ns = sat_add(t->cpu_ns, item.cpu_ns);
        t->io_ns = sat_add(t->io_ns, item.io_ns);
        t->steps = sat_add(t->steps, item.steps);
        skip_spaces(p);
        size_t at = p->pos;
        char c = peek(p);
        if (c == ',') {
            p->pos++;
            continue;
        }
        if (c == ')') {
            p->pos++;
            return 0;
        }
        if (c == '\0')
            return fail(p, open, "unclosed '(': add ')' to close it");
        if (c == '+')
            return fail(p, at, "'+' joins tasks that run at the same time, outside "
                               "parentheses; inside, separate steps with ','");
        if (c == '*')
            return fail(p, at, "a count comes before what it repeats, as in (8*io:200ms); "
                               NOTE_SEQ);
        return fail(p, at, "expected ',' between steps or ')' to close the '(' at column %zu",
                    open + 1);
    }
}

/* task := step | sequence. `count` > 0 when a `count*` came just before. */
static int parse_task(parser *p, int depth, uint64_t count, tally *t)
{
    skip_spaces(p);
    size_t at = p->pos;
    char c = peek(p);
    char what[24];
    if (c == '(')
        return parse_sequence(p, depth + 1, t);
    if (is_alpha(c))
        return parse_step(p, depth, t);
    if (count == 0) {
        if (c == ')' && depth > 0)
            return fail(p, at, "expected a step before ')': " STEPS_ARE);
        if (c == '-')
            return fail(p, at, "counts and durations cannot be negative");
        return fail(p, at, "expected a step or '(' but found %s: " STEPS_ARE,
                    what_is(p, at, what, sizeof what));
    }
    if (is_digit(c)) {
        size_t k = 0;
        while (k < 12 && is_digit(peek_at(p, at + k)))
            k++;
        return fail(p, at, "a count cannot follow a count: nest them, as in %llu*(%.*s*...)",
                    (unsigned long long)count, (int)k, p->s + at);
    }
    return fail(p, at, "expected a step or '(' after '%llu*' (%s)",
                (unsigned long long)count, depth == 0 ? NOTE_TOP : NOTE_SEQ);
}

static int add_group(parser *p, const sim_group *g)
{
    sim_group *groups = grow(p, p->groups, &p->cap_groups, p->ngroups, sizeof *groups,
                             (size_t)g->column - 1);
    if (!groups)
        return -1;
    p->groups = groups;
    p->groups[p->ngroups++] = *g;
    return 0;
}

/* group := [N '*'] task: N copies of one program, run concurrently. */
static int parse_group(parser *p)
{
    skip_spaces(p);
    size_t at = p->pos;
    uint64_t count = 1;
    int counted = 0;
    if (peek(p) == '-')
        return fail(p, at, "counts and durations cannot be negative");
    if (is_digit(peek(p))) {
        if (parse_count(p, SIM_MAX_REPEAT, &count) < 0 || expect_star(p, count, at) < 0)
            return -1;
        counted = 1;
    }
    if (count > SIM_MAX_TASKS - p->ntasks)
        return fail(p, at, "too many tasks: at most %llu in one workload",
                    (unsigned long long)SIM_MAX_TASKS);
    sim_group g;
    memset(&g, 0, sizeof g);
    g.count = count;
    g.first_task = p->ntasks;
    g.prog = (uint32_t)p->nops;
    g.column = (int)at + 1;
    tally t = {0, 0, 0};
    if (parse_task(p, 0, counted ? count : 0, &t) < 0 ||
        emit(p, SIM_OP_END, 0, p->pos, NULL) < 0)
        return -1;
    g.cpu_ns = t.cpu_ns;
    g.io_ns = t.io_ns;
    g.steps = (uint64_t)t.steps;
    if (add_group(p, &g) < 0)
        return -1;
    p->ntasks += count;
    return 0;
}

/* workload := group ('+' group)* */
static int parse_workload(parser *p)
{
    skip_spaces(p);
    if (p->pos == p->len)
        return fail(p, p->pos, "empty workload: write at least one step, as in 8*io:200ms");
    for (;;) {
        if (parse_group(p) < 0)
            return -1;
        skip_spaces(p);
        size_t at = p->pos;
        char c = peek(p);
        if (c == '\0')
            return 0;
        if (c == '+') {
            p->pos++;
            skip_spaces(p);
            if (p->pos == p->len)
                return fail(p, p->pos, "expected a task after '+'");
            continue;
        }
        if (c == '*')
            return fail(p, at, "a count comes before what it copies: 8*io:200ms is 8 "
                               "tasks at once, (8*io:200ms) one task waiting 8 times");
        if (c == ')')
            return fail(p, at, "unmatched ')': there is no '(' open here");
        if (c == ',')
            return fail(p, at, "',' separates steps inside parentheses: write (a,b) for one "
                               "task doing a then b, or a + b for two tasks at once");
        char what[24];
        return fail(p, at, "unexpected %s after a task: join tasks with '+'",
                    what_is(p, at, what, sizeof what));
    }
}

/* Totals over every task; refuses a workload whose sum does not fit. */
static int total(parser *p, sim_workload *w)
{
    for (size_t i = 0; i < p->ngroups; i++) {
        const sim_group *g = &p->groups[i];
        int64_t one = sat_add(g->cpu_ns, g->io_ns);
        w->nominal_ns = sat_add(w->nominal_ns, sat_mul(one, g->count));
        w->cpu_ns = sat_add(w->cpu_ns, sat_mul(g->cpu_ns, g->count));
        if (w->nominal_ns == INT64_MAX)
            return fail(p, (size_t)g->column - 1,
                        "this workload adds up to more than 292 years of work: "
                        "use smaller counts or durations");
    }
    return 0;
}

int sim_workload_parse(sim_workload *w, const char *spec, sim_parse_error *err)
{
    sim_parse_error scratch;
    parser p;
    if (!w)
        abort();
    memset(w, 0, sizeof *w);
    memset(&p, 0, sizeof p);
    p.err = err ? err : &scratch;
    memset(p.err, 0, sizeof *p.err);
    p.err->line = 1;
    p.s = spec ? spec : "";
    p.len = bounded_len(p.s, (size_t)SIM_MAX_SPEC_LEN + 1);
    if (p.len > SIM_MAX_SPEC_LEN) {
        return fail(&p, NOWHERE, "workload too long: at most %d bytes", SIM_MAX_SPEC_LEN);
    }
    if (parse_workload(&p) < 0 || total(&p, w) < 0)
        goto fail;
    w->spec = malloc(p.len + 1);
    if (!w->spec) {
        fail(&p, NOWHERE, "out of memory while reading the workload");
        goto fail;
    }
    memcpy(w->spec, p.s, p.len + 1);
    sim_wl_count_updates(&p);
    w->names = p.names;
    w->nnames = p.nnames;
    w->ops = p.ops;
    w->nops = p.nops;
    w->groups = p.groups;
    w->ngroups = p.ngroups;
    w->ntasks = p.ntasks;
    return 0;
fail:
    free(p.ops);
    free(p.groups);
    free(p.names);
    memset(w, 0, sizeof *w);
    return -1;
}

void sim_workload_free(sim_workload *w)
{
    if (!w)
        return;
    free(w->spec);
    free(w->ops);
    free(w->groups);
    free(w->names);
    memset(w, 0, sizeof *w);
}

const sim_group *sim_workload_group_of(const sim_workload *w, uint64_t task)
{
    if (!w || task >= w->ntasks || w->ngroups == 0) {
        fprintf(stderr, "sim_workload_group_of: task %llu out of range\n",
                (unsigned long long)task);
        abort();
    }
    /* The last group whose first task is <= task. */
    size_t lo = 0, hi = w->ngroups;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->groups[mid].first_task <= task)
            lo = mid;
        else
            hi = mid;
    }
    return &w->groups[lo];
}

/* ---- walking a program ---- */

static uint64_t sat_mulu(uint64_t a, uint64_t b)
{
    return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

void sim_workload_count_steps(const sim_workload *w, const sim_group *g,
                              uint64_t counts[SIM_OP__KINDS])
{
    uint64_t mult[SIM_MAX_NEST + 1] = {1};
    int depth = 0;
    memset(counts, 0, SIM_OP__KINDS * sizeof counts[0]);
    for (size_t pc = g->prog; w->ops[pc].kind != SIM_OP_END; pc++) {
        const sim_op *op = &w->ops[pc];
        if (op->kind == SIM_OP_LOOP && depth < SIM_MAX_NEST) {
            mult[depth + 1] = sat_mulu(mult[depth], op->a > 0 ? (uint64_t)op->a : 0);
            depth++;
        } else if (op->kind == SIM_OP_NEXT && depth > 0) {
            depth--;
        } else if (op->kind < SIM_OP__KINDS) {
            uint64_t *c = &counts[op->kind];
            *c = *c > UINT64_MAX - mult[depth] ? UINT64_MAX : *c + mult[depth];
        }
    }
}

void sim_cursor_init(sim_cursor *c, const sim_workload *w, uint64_t task)
{
    memset(c, 0, sizeof *c);
    c->pc = sim_workload_group_of(w, task)->prog;
}

const sim_op *sim_cursor_next(sim_cursor *c, const sim_workload *w)
{
    for (;;) {
        const sim_op *op = &w->ops[c->pc];
        switch ((sim_op_kind)op->kind) {
        case SIM_OP_END:
            return op; /* stays here: asking again answers END again */
        case SIM_OP_CPU:
        case SIM_OP_IO:
        case SIM_OP_YIELD:
        case SIM_OP_INC:
        case SIM_OP_LOAD:
        case SIM_OP_STORE:
        case SIM_OP_ACQUIRE:
        case SIM_OP_RELEASE:
        case SIM_OP_PUT:
        case SIM_OP_GET:
        case SIM_OP_EXEC:
        case SIM_OP_EXEC_END:
            c->pc++;
            return op;
        case SIM_OP_LOOP:
            if (op->a <= 0) {
                c->pc = op->b;
                break;
            }
            if (c->depth >= SIM_MAX_NEST)
                abort(); /* the parser never nests loops this deep */
            c->left[c->depth++] = (uint32_t)op->a;
            c->pc++;
            break;
        case SIM_OP_NEXT:
            if (c->depth == 0)
                abort();
            if (--c->left[c->depth - 1] > 0) {
                c->pc = op->b + 1; /* back to the loop's first op */
                c->jumps++;
            } else {
                c->depth--;
                c->pc++;
            }
            break;
        default:
            abort();
        }
    }
}

/* ---- for workload_share.c ---- */

int sim_wl_emit(parser *p, sim_op_kind kind, int64_t a, size_t at, size_t *index)
{
    return emit(p, kind, a, at, index);
}

int sim_wl_sequence(parser *p, int depth, tally *t)
{
    return parse_sequence(p, depth, t);
}
