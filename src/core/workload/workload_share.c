/* workload_share.c - the workload steps that share state between tasks.
 *
 * `inc:hits`, `load:hits` ... `store:hits`, `lock:L(...)`, `sem:api/5(...)`,
 * `put:q:1MB`, `get:q`, `thread(...)` and `process(...)` compile into the
 * same flat programs as cpu and io steps (see workload.h), so every engine
 * keeps walking one cursor. What is new is the table of names: each
 * variable, lock, semaphore and queue gets an index, and an op carries that
 * index in `b`, so an engine can keep its locks and counters in plain
 * arrays indexed by it.
 *
 * The checks here are the ones a student can get wrong by typing, found
 * before anything runs: a name used as two different things, a semaphore
 * given two different sizes, a lock taken again inside itself (a
 * threading.Lock is not reentrant: that task would wait for itself
 * forever), and executor bodies that do more than a plain blocking
 * function would (only cpu, io and yield run in thread(...) and
 * process(...)). Deadlocks between tasks are not decided here: they depend
 * on timing, and the engines detect them as they happen.
 */
#include "parse.h"
#include "workload_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_name_char(char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '.'; }
static char peek(const parser *p) { return p->pos < p->len ? p->s[p->pos] : '\0'; }

static void skip_spaces(parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

/* Records the error at column `at + 1` and returns -1 (as workload.c does). */
static int fail(parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
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

static const char *kind_word(sim_name_kind k)
{
    switch (k) {
    case SIM_NAME_VAR: return "a variable";
    case SIM_NAME_LOCK: return "a lock";
    case SIM_NAME_SEM: return "a semaphore";
    default: return "a queue";
    }
}

/* ---- names ---- */

/* NAME after `word:`. Sets *start and *n; checks its form. */
static int scan_name(parser *p, const char *word, const char *example, size_t *start,
                     size_t *n)
{
    skip_spaces(p);
    size_t at = p->pos;
    while (p->pos < p->len && is_name_char(p->s[p->pos]))
        p->pos++;
    *start = at;
    *n = p->pos - at;
    if (*n == 0)
        return fail(p, at, "expected a name after '%s:', as in %s "
                           "(letters, digits, '_' and '.')", word, example);
    if (is_digit(p->s[at]) || p->s[at] == '.')
        return fail(p, at, "a name starts with a letter or '_', as in %s", example);
    if (*n > SIM_MAX_NAME_LEN)
        return fail(p, at, "name too long: at most %d characters", SIM_MAX_NAME_LEN);
    if (*n == 7 && memcmp(p->s + at, "shared.", 7) == 0)
        return fail(p, at + 7, "write a name after 'shared.', as in inc:shared.hits");
    return 0;
}

/* The index of name [at, at+n) of `kind`, added on first use. */
static long intern(parser *p, size_t at, size_t n, sim_name_kind kind, uint32_t permits)
{
    for (size_t i = 0; i < p->nnames; i++) {
        sim_name *nm = &p->names[i];
        if (strlen(nm->name) != n || memcmp(nm->name, p->s + at, n) != 0)
            continue;
        if (nm->kind != kind)
            return fail(p, at, "'%s' is already %s (column %d): a name means one "
                               "thing in a workload", nm->name,
                        kind_word((sim_name_kind)nm->kind), nm->column);
        return (long)i;
    }
    if (p->nnames >= SIM_MAX_NAMES)
        return fail(p, at, "too many names: at most %d variables, locks, semaphores "
                           "and queues in one workload", SIM_MAX_NAMES);
    if (p->nnames == p->cap_names) {
        size_t ncap = p->cap_names ? p->cap_names * 2 : 8;
        sim_name *more = realloc(p->names, ncap * sizeof *more);
        if (!more)
            return fail(p, at, "out of memory while reading the workload");
        p->names = more;
        p->cap_names = ncap;
    }
    sim_name *nm = &p->names[p->nnames];
    memset(nm, 0, sizeof *nm);
    memcpy(nm->name, p->s + at, n);
    nm->kind = (uint8_t)kind;
    nm->shared = n > 7 && memcmp(nm->name, "shared.", 7) == 0;
    nm->permits = permits;
    nm->column = (int)at + 1;
    return (long)p->nnames++;
}

/* ---- numbers ---- */

/* A whole number from 1 to max (the K of a semaphore). */
static int scan_count(parser *p, uint64_t max, uint64_t *out)
{
    size_t at = p->pos;
    uint64_t v = 0;
    int huge = 0;
    if (!is_digit(peek(p)))
        return fail(p, at, "expected a number of permits, as in sem:api/5(io:100ms)");
    while (is_digit(peek(p))) {
        if (v > max)
            huge = 1;
        else
            v = v * 10 + (uint64_t)(peek(p) - '0');
        p->pos++;
    }
    if (peek(p) == '.')
        return fail(p, at, "a number of permits is a whole number, as in sem:api/5");
    if (v == 0 && !huge)
        return fail(p, at, "a semaphore of 0 permits lets nobody in: use 1 or more");
    if (huge || v > max)
        return fail(p, at, "too many permits: at most %llu", (unsigned long long)max);
    *out = v;
    return 0;
}

/* SIZE := number ('B' | 'KB' | 'MB' | 'KiB' | 'MiB'): parse.h's grammar,
 * with the workload's own words (an item is at most 64 MiB). */
static int parse_size(parser *p, int64_t *out)
{
    skip_spaces(p);
    size_t at = p->pos;
    sim_size z;
    sim_scan_size(p->s + at, p->len - at, &z);
    size_t uat = at + z.unit_at;
    const char *u = p->s + uat;
    switch (z.err) {
    case SIM_SIZE_OK:
        break;
    case SIM_SIZE_NOT_A_NUMBER:
        return fail(p, at, "expected a size like 1MB (units B, KB, MB, KiB, MiB)");
    case SIM_SIZE_POINT_NO_DIGIT:
        return fail(p, at + z.err_at, "expected a digit after the decimal point, as in 1.5MB");
    case SIM_SIZE_NO_UNIT:
        return fail(p, uat, "add a unit to the size: B, KB, MB (1000s), KiB or MiB "
                            "(1024s), as in 1MB");
    case SIM_SIZE_BAD_UNIT:
        return fail(p, uat, "unknown size unit '%.*s': use B, KB, MB (1000s), KiB or "
                            "MiB (1024s)", (int)(z.unit_len > 20 ? 20 : z.unit_len), u);
    case SIM_SIZE_TOO_LARGE:
        return fail(p, at, "too large: one item is at most 64 MiB");
    }
    p->pos = at + z.len;
    if (z.bytes > SIM_MAX_ITEM_BYTES)
        return fail(p, at, "too large: one item is at most 64 MiB");
    if (z.bytes == 0)
        return fail(p, at, "an item of 0 bytes carries nothing: use at least 1B");
    *out = z.bytes;
    return 0;
}

/* ---- steps ---- */

static int expect_colon(parser *p, const char *word, const char *example)
{
    skip_spaces(p);
    if (peek(p) != ':')
        return fail(p, p->pos, "expected ':' after '%s', as in %s", word, example);
    p->pos++;
    return 0;
}

static int expect_open(parser *p, const char *what, const char *example)
{
    skip_spaces(p);
    if (peek(p) != '(')
        return fail(p, p->pos, "expected '(' after %s: the steps to run inside it, "
                               "as in %s", what, example);
    return 0;
}

static void add_body(tally *t, const tally *body)
{
    t->cpu_ns = body->cpu_ns;
    t->io_ns = body->io_ns;
    t->steps = body->steps > INT64_MAX - 2 ? INT64_MAX : body->steps + 2;
}

/* inc:NAME, load:NAME, store:NAME */
static int var_step(parser *p, sim_op_kind kind, const char *word, size_t at, tally *t)
{
    char example[16];
    snprintf(example, sizeof example, "%s:hits", word);
    size_t start, n;
    if (expect_colon(p, word, example) < 0 || scan_name(p, word, example, &start, &n) < 0)
        return -1;
    long id = intern(p, start, n, SIM_NAME_VAR, 0);
    if (id < 0 || sim_wl_emit(p, kind, 0, at, NULL) < 0)
        return -1;
    p->ops[p->nops - 1].b = (uint32_t)id;
    t->steps = 1;
    return 0;
}

/* lock:NAME(...) and sem:NAME/K(...): ACQUIRE, the body, RELEASE. */
static int hold_step(parser *p, int is_sem, size_t at, int depth, tally *t)
{
    const char *word = is_sem ? "sem" : "lock";
    const char *example = is_sem ? "sem:api/5(io:100ms)" : "lock:L(inc:hits)";
    size_t start, n;
    if (expect_colon(p, word, example) < 0 || scan_name(p, word, example, &start, &n) < 0)
        return -1;
    uint64_t k = 1;
    size_t kat = p->pos;
    if (is_sem) {
        skip_spaces(p);
        if (peek(p) != '/')
            return fail(p, p->pos, "expected '/' and a number of permits after "
                                   "sem:%.*s, as in sem:%.*s/5(io:100ms)",
                        (int)n, p->s + start, (int)n, p->s + start);
        p->pos++;
        skip_spaces(p);
        kat = p->pos;
        if (scan_count(p, SIM_MAX_PERMITS, &k) < 0)
            return -1;
    }
    long id = intern(p, start, n, is_sem ? SIM_NAME_SEM : SIM_NAME_LOCK, (uint32_t)k);
    if (id < 0)
        return -1;
    if (is_sem && p->names[id].permits != k)
        return fail(p, kat, "semaphore '%s' has %u permits (column %d): one "
                            "semaphore, one number of permits",
                    p->names[id].name, p->names[id].permits, p->names[id].column);
    if (!is_sem)
        for (int i = 0; i < p->nheld; i++)
            if (p->held[i] == (uint32_t)id)
                return fail(p, start, "lock '%s' is already held here: a "
                                      "threading.Lock is not reentrant, so the task "
                                      "would wait for itself forever", p->names[id].name);
    char what[48];
    snprintf(what, sizeof what, "%s:%.*s", word, (int)n, p->s + start);
    if (expect_open(p, what, example) < 0)
        return -1;
    size_t acq;
    if (sim_wl_emit(p, SIM_OP_ACQUIRE, 0, at, &acq) < 0)
        return -1;
    p->ops[acq].b = (uint32_t)id;
    if (p->nheld >= (int)(sizeof p->held / sizeof p->held[0]))
        return fail(p, at, "locks nested too deep");
    p->held[p->nheld++] = (uint32_t)id;
    tally body = {0, 0, 0};
    int rc = sim_wl_sequence(p, depth + 1, &body);
    p->nheld--;
    if (rc < 0)
        return -1;
    size_t rel;
    if (sim_wl_emit(p, SIM_OP_RELEASE, 0, at, &rel) < 0)
        return -1;
    p->ops[rel].b = (uint32_t)id;
    p->ops[acq].a = (int64_t)rel;
    add_body(t, &body);
    return 0;
}

/* put:QUEUE:SIZE and get:QUEUE */
static int queue_step(parser *p, int is_put, size_t at, tally *t)
{
    const char *word = is_put ? "put" : "get";
    const char *example = is_put ? "put:q:1MB" : "get:q";
    size_t start, n;
    if (expect_colon(p, word, example) < 0 || scan_name(p, word, example, &start, &n) < 0)
        return -1;
    int64_t bytes = 0;
    if (is_put) {
        skip_spaces(p);
        if (peek(p) != ':')
            return fail(p, p->pos, "expected ':' and the item's size after put:%.*s, "
                                   "as in put:%.*s:1MB", (int)n, p->s + start,
                        (int)n, p->s + start);
        p->pos++;
        if (parse_size(p, &bytes) < 0)
            return -1;
    }
    long id = intern(p, start, n, SIM_NAME_QUEUE, 0);
    if (id < 0 || sim_wl_emit(p, is_put ? SIM_OP_PUT : SIM_OP_GET, bytes, at, NULL) < 0)
        return -1;
    p->ops[p->nops - 1].b = (uint32_t)id;
    t->steps = 1;
    return 0;
}

/* thread(...) and process(...): EXEC, the body, EXEC_END. */
static int exec_step(parser *p, sim_exec_kind kind, size_t at, int depth, tally *t)
{
    const char *word = kind == SIM_EXEC_THREAD ? "thread" : "process";
    char example[32];
    snprintf(example, sizeof example, "%s(cpu:100ms)", word);
    if (expect_open(p, word, example) < 0)
        return -1;
    size_t ex;
    if (sim_wl_emit(p, SIM_OP_EXEC, 0, at, &ex) < 0)
        return -1;
    p->ops[ex].b = (uint32_t)kind;
    tally body = {0, 0, 0};
    if (sim_wl_sequence(p, depth + 1, &body) < 0)
        return -1;
    for (size_t i = ex + 1; i < p->nops; i++) {
        sim_op_kind k = (sim_op_kind)p->ops[i].kind;
        if (k != SIM_OP_CPU && k != SIM_OP_IO && k != SIM_OP_YIELD && k != SIM_OP_LOOP &&
            k != SIM_OP_NEXT)
            return fail(p, (size_t)p->ops[i].column - 1, "only cpu, io and yield steps "
                        "run inside %s(...): it stands for a plain blocking function",
                        word);
    }
    size_t end;
    if (sim_wl_emit(p, SIM_OP_EXEC_END, 0, at, &end) < 0)
        return -1;
    p->ops[ex].a = (int64_t)end + 1;
    add_body(t, &body);
    return 0;
}

int sim_wl_share_step(parser *p, size_t at, size_t n, int depth, tally *t)
{
    const char *w = p->s + at;
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(w, lit, n) == 0)
    if (IS("inc"))
        return var_step(p, SIM_OP_INC, "inc", at, t);
    if (IS("load"))
        return var_step(p, SIM_OP_LOAD, "load", at, t);
    if (IS("store"))
        return var_step(p, SIM_OP_STORE, "store", at, t);
    if (IS("lock"))
        return hold_step(p, 0, at, depth, t);
    if (IS("sem"))
        return hold_step(p, 1, at, depth, t);
    if (IS("put"))
        return queue_step(p, 1, at, t);
    if (IS("get"))
        return queue_step(p, 0, at, t);
    if (IS("thread"))
        return exec_step(p, SIM_EXEC_THREAD, at, depth, t);
    if (IS("process"))
        return exec_step(p, SIM_EXEC_PROCESS, at, depth, t);
#undef IS
    return 1;
}

/* ---- what a run that loses nothing ends with ---- */

static uint64_t sat_mul_u(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

void sim_wl_count_updates(parser *p)
{
    for (size_t g = 0; g < p->ngroups; g++) {
        uint64_t mult[SIM_MAX_NEST + 2];
        int depth = 0;
        mult[0] = p->groups[g].count;
        for (size_t i = p->groups[g].prog; p->ops[i].kind != SIM_OP_END; i++) {
            const sim_op *op = &p->ops[i];
            if (op->kind == SIM_OP_LOOP && depth + 1 < SIM_MAX_NEST + 2) {
                mult[depth + 1] = sat_mul_u(mult[depth], (uint64_t)op->a);
                depth++;
            } else if (op->kind == SIM_OP_NEXT && depth > 0) {
                depth--;
            } else if (op->kind == SIM_OP_INC || op->kind == SIM_OP_STORE) {
                uint64_t *u = &p->names[op->b].updates;
                *u = *u > UINT64_MAX - mult[depth] ? UINT64_MAX : *u + mult[depth];
            }
        }
    }
}

long sim_workload_find_name(const sim_workload *w, const char *name, sim_name_kind kind)
{
    for (size_t i = 0; i < w->nnames; i++)
        if (w->names[i].kind == kind && strcmp(w->names[i].name, name) == 0)
            return (long)i;
    return -1;
}
