/* test_workload.c - the workload language: valid forms, programs, errors.
 *
 * Table-driven, as parser tests should be: each row is an input and what
 * must come out of it (counts, nominal times, the exact sequence of steps a
 * task walks, or the exact error message and column). The messages are
 * golden strings on purpose: they are part of the user interface, and a
 * change to one should be a decision, not an accident.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "model.h"
#include "test.h"
#include "workload.h"

#define MS 1000000ll
#define US 1000ll
#define S 1000000000ll

/* ---- valid workloads: shape and nominal times ---- */

typedef struct valid_case {
    const char *spec;
    uint64_t ntasks;
    size_t ngroups;
    int64_t nominal_ns;
    int64_t cpu_ns;
} valid_case;

static const valid_case valid_cases[] = {
    /* the examples */
    {"8*io:200ms", 8, 1, 8 * 200 * MS, 0},
    {"4*cpu:200ms", 4, 1, 4 * 200 * MS, 4 * 200 * MS},
    {"4*(cpu:50ms,io:200ms,cpu:50ms)", 4, 1, 4 * 300 * MS, 4 * 100 * MS},
    {"cpu:1s + (50*(io:1ms,cpu:50us))", 2, 2, S + 50 * (MS + 50 * US), S + 50 * 50 * US},
    /* one task waiting eight times, not eight tasks */
    {"(8*io:200ms)", 1, 1, 1600 * MS, 0},
    /* single steps, units, decimals */
    {"io:1s", 1, 1, S, 0},
    {"cpu:0.5s", 1, 1, S / 2, S / 2},
    {"io:50us", 1, 1, 50 * US, 0},
    {"io:1.5ms", 1, 1, 1500 * US, 0},
    {"io:0.1s", 1, 1, 100 * MS, 0},
    {"io:1.0000000009s", 1, 1, S, 0},           /* sub-ns digits are dropped */
    {"io:1us", 1, 1, US, 0},                    /* the shortest duration */
    {"io:3600s", 1, 1, 3600 * S, 0},            /* the longest */
    {"yield", 1, 1, 0, 0},
    {"3*yield", 3, 1, 0, 0},
    /* spaces between every token */
    {" 2 * ( io : 1 ms , yield ) + io:1ms ", 3, 2, 3 * MS, 0},
    {"\t2*io:1ms\t", 2, 1, 2 * MS, 0},
    /* counts of one, nested parentheses without repeats */
    {"1*(1*io:1ms)", 1, 1, MS, 0},
    {"((io:1ms),((cpu:2ms)))", 1, 1, 3 * MS, 2 * MS},
    /* several groups */
    {"2*cpu:1ms + 3*io:2ms + yield", 6, 3, 2 * MS + 6 * MS, 2 * MS},
    {"io:1ms+io:1ms+io:1ms", 3, 3, 3 * MS, 0},
    /* nested repeats multiply */
    {"(2*(3*(4*cpu:1ms)))", 1, 1, 24 * MS, 24 * MS},
    {"2*(10*(cpu:1ms,io:1ms),5*yield)", 2, 1, 2 * 20 * MS, 2 * 10 * MS},
    /* the limits themselves are allowed */
    {"1000000*io:1ms", 1000000, 1, 1000000 * MS, 0},
    {"(100000000*yield)", 1, 1, 0, 0},
    {"((((((((((((io:1ms))))))))))))", 1, 1, MS, 0},
};

static void test_valid(void)
{
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
        const valid_case *c = &valid_cases[i];
        sim_workload w;
        sim_parse_error e;
        int rc = sim_workload_parse(&w, c->spec, &e);
        ASSERT_MSG(rc == 0, "'%s': %d:%d: %s", c->spec, e.line, e.column, e.message);
        ASSERT_STR_EQ(w.spec, c->spec);
        ASSERT_INT_EQ(w.ntasks, c->ntasks);
        ASSERT_INT_EQ(w.ngroups, c->ngroups);
        ASSERT_INT_EQ(w.nominal_ns, c->nominal_ns);
        ASSERT_INT_EQ(w.cpu_ns, c->cpu_ns);
        /* every program ends in END, and loops are paired */
        for (size_t g = 0; g < w.ngroups; g++) {
            size_t pc = w.groups[g].prog;
            int open = 0;
            while (w.ops[pc].kind != SIM_OP_END) {
                if (w.ops[pc].kind == SIM_OP_LOOP) {
                    open++;
                    ASSERT_INT_EQ(w.ops[w.ops[pc].b - 1].kind, SIM_OP_NEXT);
                    ASSERT_INT_EQ(w.ops[w.ops[pc].b - 1].b, pc);
                }
                if (w.ops[pc].kind == SIM_OP_NEXT)
                    open--;
                ASSERT(open >= 0 && open <= SIM_MAX_NEST);
                pc++;
                ASSERT(pc < w.nops);
            }
            ASSERT_INT_EQ(open, 0);
        }
        sim_workload_free(&w);
        ASSERT(w.ops == NULL && w.spec == NULL && w.ntasks == 0);
    }
}

/* ---- groups, task ids, nominal times per copy ---- */

static void test_groups(void)
{
    sim_workload w;
    sim_parse_error e;
    const char *spec = "2*cpu:1ms + 3*(io:2ms,2*cpu:3ms) + yield";
    ASSERT_INT_EQ(sim_workload_parse(&w, spec, &e), 0);
    ASSERT_INT_EQ(w.ngroups, 3);
    ASSERT_INT_EQ(w.ntasks, 6);

    const sim_group *g = w.groups;
    ASSERT_INT_EQ(g[0].count, 2);
    ASSERT_INT_EQ(g[0].first_task, 0);
    ASSERT_INT_EQ(g[0].column, 1);
    ASSERT_INT_EQ(g[0].cpu_ns, MS);
    ASSERT_INT_EQ(g[0].io_ns, 0);
    ASSERT_INT_EQ(g[0].steps, 1);

    ASSERT_INT_EQ(g[1].count, 3);
    ASSERT_INT_EQ(g[1].first_task, 2);
    ASSERT_INT_EQ(g[1].column, 13);
    ASSERT_INT_EQ(g[1].cpu_ns, 6 * MS);
    ASSERT_INT_EQ(g[1].io_ns, 2 * MS);
    ASSERT_INT_EQ(g[1].steps, 3);

    ASSERT_INT_EQ(g[2].count, 1);
    ASSERT_INT_EQ(g[2].first_task, 5);
    ASSERT_INT_EQ(g[2].column, 36);
    ASSERT_INT_EQ(g[2].steps, 1);
    ASSERT_INT_EQ(g[2].cpu_ns + g[2].io_ns, 0);

    static const size_t want_group[] = {0, 0, 1, 1, 1, 2};
    for (uint64_t t = 0; t < w.ntasks; t++)
        ASSERT(sim_workload_group_of(&w, t) == &w.groups[want_group[t]]);
    ASSERT_INT_EQ(w.nominal_ns, 2 * MS + 3 * 8 * MS);
    ASSERT_INT_EQ(w.cpu_ns, 2 * MS + 3 * 6 * MS);

    /* op columns point at the steps and counts in the spec */
    const sim_op *op = &w.ops[g[1].prog];
    ASSERT_INT_EQ(op[0].kind, SIM_OP_IO);
    ASSERT_INT_EQ(op[0].column, 16);
    ASSERT_INT_EQ(op[1].kind, SIM_OP_LOOP);
    ASSERT_INT_EQ(op[1].column, 23);
    ASSERT_INT_EQ(op[1].a, 2);
    ASSERT_INT_EQ(op[2].kind, SIM_OP_CPU);
    ASSERT_INT_EQ(op[2].column, 25);
    sim_workload_free(&w);

    /* binary search over many groups */
    char big[4096] = "";
    for (int i = 0; i < 200; i++)
        strcat(big, i ? " + 3*io:1ms" : "3*io:1ms");
    ASSERT_INT_EQ(sim_workload_parse(&w, big, &e), 0);
    ASSERT_INT_EQ(w.ntasks, 600);
    for (uint64_t t = 0; t < w.ntasks; t++) {
        const sim_group *found = sim_workload_group_of(&w, t);
        ASSERT_INT_EQ(found - w.groups, t / 3);
        ASSERT(t >= found->first_task && t < found->first_task + found->count);
    }
    sim_workload_free(&w);
}

/* ---- cursors: the exact steps a task walks ---- */

/* Renders a task's walk as "c1000 i2000 y" (durations in us). */
static void walk(const sim_workload *w, uint64_t task, char *buf, size_t n)
{
    sim_cursor c;
    const sim_op *op;
    size_t len = 0;
    buf[0] = '\0';
    sim_cursor_init(&c, w, task);
    while ((op = sim_cursor_next(&c, w))->kind != SIM_OP_END) {
        char kind = op->kind == SIM_OP_CPU ? 'c' : op->kind == SIM_OP_IO ? 'i' : 'y';
        int r = op->kind == SIM_OP_YIELD
                    ? snprintf(buf + len, n - len, "%s%c", len ? " " : "", kind)
                    : snprintf(buf + len, n - len, "%s%c%lld", len ? " " : "", kind,
                               (long long)(op->a / US));
        ASSERT(r > 0 && (size_t)r < n - len);
        len += (size_t)r;
    }
    /* a finished cursor stays finished */
    ASSERT_INT_EQ(sim_cursor_next(&c, w)->kind, SIM_OP_END);
    ASSERT_INT_EQ(sim_cursor_next(&c, w)->kind, SIM_OP_END);
    ASSERT_INT_EQ(c.depth, 0);
}

typedef struct walk_case {
    const char *spec;
    uint64_t task;
    const char *steps;
} walk_case;

static const walk_case walk_cases[] = {
    {"io:200ms", 0, "i200000"},
    {"4*(cpu:50ms,io:200ms,cpu:50ms)", 3, "c50000 i200000 c50000"},
    {"(3*io:1ms)", 0, "i1000 i1000 i1000"},
    {"(2*(cpu:1ms,3*io:2ms),yield)", 0,
     "c1000 i2000 i2000 i2000 c1000 i2000 i2000 i2000 y"},
    {"(2*(2*(cpu:1ms,io:2ms),yield))", 0,
     "c1000 i2000 c1000 i2000 y c1000 i2000 c1000 i2000 y"},
    {"(io:1ms,1*cpu:2ms,(yield))", 0, "i1000 c2000 y"},
    /* zero work: only yields, and nothing else */
    {"yield", 0, "y"},
    {"(3*yield)", 0, "y y y"},
    {"2*cpu:1ms + 3*(io:2ms,2*cpu:3ms) + yield", 1, "c1000"},
    {"2*cpu:1ms + 3*(io:2ms,2*cpu:3ms) + yield", 4, "i2000 c3000 c3000"},
    {"2*cpu:1ms + 3*(io:2ms,2*cpu:3ms) + yield", 5, "y"},
    {"cpu:1s + (50*(io:1ms,cpu:50us))", 0, "c1000000"},
    /* twelve nested loops, two turns each: 4096 steps (checked below) */
};

static void test_cursor(void)
{
    char got[512];
    for (size_t i = 0; i < sizeof walk_cases / sizeof walk_cases[0]; i++) {
        const walk_case *c = &walk_cases[i];
        sim_workload w;
        sim_parse_error e;
        ASSERT_MSG(sim_workload_parse(&w, c->spec, &e) == 0, "'%s': %s", c->spec, e.message);
        walk(&w, c->task, got, sizeof got);
        ASSERT_STR_EQ(got, c->steps);
        sim_workload_free(&w);
    }

    /* the deepest nesting: loops 12 deep, each twice, walk 2^12 steps */
    sim_workload w;
    sim_parse_error e;
    char spec[256] = "";
    for (int i = 0; i < SIM_MAX_NEST; i++)
        strcat(spec, "(2*");
    strcat(spec, "yield");
    for (int i = 0; i < SIM_MAX_NEST; i++)
        strcat(spec, ")");
    ASSERT_MSG(sim_workload_parse(&w, spec, &e) == 0, "%s", e.message);
    ASSERT_INT_EQ(w.groups[0].steps, 1 << SIM_MAX_NEST);
    sim_cursor cur;
    uint64_t steps = 0;
    sim_cursor_init(&cur, &w, 0);
    while (sim_cursor_next(&cur, &w)->kind == SIM_OP_YIELD)
        steps++;
    ASSERT_INT_EQ(steps, 1 << SIM_MAX_NEST);
    sim_workload_free(&w);

    /* two cursors on one program do not disturb each other */
    ASSERT_INT_EQ(sim_workload_parse(&w, "2*(2*cpu:1ms,io:1ms)", &e), 0);
    sim_cursor a, b;
    sim_cursor_init(&a, &w, 0);
    sim_cursor_init(&b, &w, 1);
    ASSERT_INT_EQ(sim_cursor_next(&a, &w)->kind, SIM_OP_CPU);
    ASSERT_INT_EQ(sim_cursor_next(&a, &w)->kind, SIM_OP_CPU);
    ASSERT_INT_EQ(sim_cursor_next(&b, &w)->kind, SIM_OP_CPU);
    ASSERT_INT_EQ(sim_cursor_next(&a, &w)->kind, SIM_OP_IO);
    ASSERT_INT_EQ(sim_cursor_next(&b, &w)->kind, SIM_OP_CPU);
    ASSERT_INT_EQ(sim_cursor_next(&a, &w)->kind, SIM_OP_END);
    ASSERT_INT_EQ(sim_cursor_next(&b, &w)->kind, SIM_OP_IO);
    ASSERT_INT_EQ(sim_cursor_next(&b, &w)->kind, SIM_OP_END);
    sim_workload_free(&w);
}

/* ---- errors: the exact message and column ---- */

typedef struct error_case {
    const char *spec;
    int column;
    const char *message;
} error_case;

static const error_case error_cases[] = {
    {"4*cpu:x", 7, "expected a duration like 200ms"},
    {"io:", 4, "expected a duration like 200ms"},
    {"io:200", 7, "add a unit to 200: us, ms or s (as in 200ms)"},
    {"io:1.5 + cpu:1ms", 8, "add a unit to 1.5: us, ms or s (as in 1.5ms)"},
    {"cpo:1ms", 1, "unknown step 'cpo': did you mean 'cpu:'? (steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...))"},
    {"CPU:1ms", 1, "unknown step 'CPU': did you mean 'cpu:'? (steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...))"},
    {"(io:1ms,oi:1ms)", 9, "unknown step 'oi': did you mean 'io:'? (steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...))"},
    {"sleep:1ms", 1, "unknown step 'sleep': did you mean 'io:'? (steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...))"},
    {"yeild", 1, "unknown step 'yeild': did you mean 'yield'? (steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...))"},
    {"banana:1ms", 1, "unknown step 'banana': steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...)"},
    {"cpu 1ms", 5, "expected ':' after 'cpu', as in cpu:200ms"},
    {"yield:1ms", 6, "'yield' takes no duration: write yield alone (use io:DUR to wait)"},
    {"io:5MS", 5, "unknown unit 'MS': did you mean 'ms'? (units are us, ms and s)"},
    {"io:5 sec", 6, "unknown unit 'sec': use us, ms or s, as in 200ms"},
    {"io:5\xc2\xb5s", 5, "unknown unit: write plain 'us' for microseconds, 'ms' or 's'"},
    {"io:.5s", 4, "write a 0 before the decimal point, as in 0.5s"},
    {"io:1.ms", 6, "expected a digit after the decimal point, as in 0.5s"},
    {"io:-1s", 4, "a duration cannot be negative: write a time like 200ms"},
    {"-2*io:1s", 1, "counts and durations cannot be negative"},
    {"io:0ms", 4, "a duration of 0 does nothing: use at least 1us, or 'yield' to let the others run"},
    {"io:0.5us", 4, "too short: the shortest duration is 1us"},
    {"io:3600.000001s", 4, "too long: one step lasts at most 1 hour (3600s); repeat it in parentheses, as in (2*cpu:1h), for more"},
    {"io:99999999999999999999999s", 4, "too long: one step lasts at most 1 hour (3600s); repeat it in parentheses, as in (2*cpu:1h), for more"},
    {"", 1, "empty workload: write at least one step, as in 8*io:200ms"},
    {"   ", 4, "empty workload: write at least one step, as in 8*io:200ms"},
    {"io:1ms +", 9, "expected a task after '+'"},
    {"io:1ms + + io:1ms", 10, "expected a step or '(' but found '+': steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...)"},
    {"io:1ms junk", 8, "unexpected 'j' after a task: join tasks with '+'"},
    {"io:1ms)", 7, "unmatched ')': there is no '(' open here"},
    {"io:1ms, io:2ms", 7, "',' separates steps inside parentheses: write (a,b) for one task doing a then b, or a + b for two tasks at once"},
    {"io:200ms*8", 9, "a count comes before what it copies: 8*io:200ms is 8 tasks at once, (8*io:200ms) one task waiting 8 times"},
    {"(io:200ms*8)", 10, "a count comes before what it repeats, as in (8*io:200ms); inside parentheses N*X does X N times in order; N*X at top level starts N tasks"},
    {"8*", 3, "expected a step or '(' after '8*' (at top level N*X starts N tasks at once; (N*X) is one task doing X N times)"},
    {"8*,", 3, "expected a step or '(' after '8*' (at top level N*X starts N tasks at once; (N*X) is one task doing X N times)"},
    {"(8*)", 4, "expected a step or '(' after '8*' (inside parentheses N*X does X N times in order; N*X at top level starts N tasks)"},
    {"2*3*io:1ms", 3, "a count cannot follow a count: nest them, as in 2*(3*...)"},
    {"8 io:200ms", 3, "expected '*' after the count 8, as in 8*io:200ms"},
    {"200ms", 1, "a duration needs a step in front: write io:200ms or cpu:200ms"},
    {"1.5*io:1ms", 1, "a count must be a whole number, as in 8*io:200ms"},
    {"0*io:1ms", 1, "a count of 0 leaves nothing to run: use 1 or more"},
    {"(0*io:1ms)", 2, "a count of 0 leaves nothing to run: use 1 or more"},
    {"(100000001*io:1ms)", 2, "count too large: at most 100000000 here"},
    {"1000001*io:1ms", 1, "too many tasks: at most 1000000 in one workload"},
    {"999999*io:1ms + 2*io:1ms", 17, "too many tasks: at most 1000000 in one workload"},
    {"(io:1ms", 1, "unclosed '(': add ')' to close it"},
    {"((io:1ms), (cpu:1ms", 12, "unclosed '(': add ')' to close it"},
    {"()", 1, "empty parentheses: put at least one step inside, as in (io:1ms)"},
    {"(io:1ms,)", 9, "expected a step before ')': steps are cpu:DUR, io:DUR, yield, inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...), put:Q:SIZE, get:Q, thread(...), process(...)"},
    {"(io:1ms io:2ms)", 9, "expected ',' between steps or ')' to close the '(' at column 1"},
    {"(io:1ms + io:2ms)", 9, "'+' joins tasks that run at the same time, outside parentheses; inside, separate steps with ','"},
    {"(((((((((((((io:1ms)))))))))))))", 13, "parentheses nested more than 12 deep: flatten the workload"},
    {"(100000000*(100000000*(100000000*cpu:3600s)))", 1, "this workload adds up to more than 292 years of work: use smaller counts or durations"},
    {"io:1ms + 999999*(100000000*cpu:3600s)", 10, "this workload adds up to more than 292 years of work: use smaller counts or durations"},
    {"io:1ms\x01", 7, "unexpected byte 0x01 after a task: join tasks with '+'"},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case *c = &error_cases[i];
        sim_workload w;
        sim_parse_error e;
        memset(&w, 0x5a, sizeof w);
        ASSERT_MSG(sim_workload_parse(&w, c->spec, &e) == -1, "'%s' was accepted", c->spec);
        ASSERT_STR_EQ(e.message, c->message);
        ASSERT_MSG(e.column == c->column, "'%s': column %d, want %d", c->spec, e.column,
                   c->column);
        ASSERT_INT_EQ(e.line, 1);
        /* a failed parse leaves nothing behind */
        ASSERT(w.spec == NULL && w.ops == NULL && w.groups == NULL && w.ntasks == 0);
        sim_workload_free(&w);
    }

    /* NULL is an empty workload; the error argument may be NULL */
    sim_workload w;
    sim_parse_error e;
    ASSERT_INT_EQ(sim_workload_parse(&w, NULL, &e), -1);
    ASSERT_CONTAINS(e.message, "empty workload");
    ASSERT_INT_EQ(sim_workload_parse(&w, "io:", NULL), -1);
}

static void test_limits(void)
{
    sim_workload w;
    sim_parse_error e;
    /* exactly SIM_MAX_SPEC_LEN bytes is fine, one more is refused */
    char *spec = malloc(SIM_MAX_SPEC_LEN + 2);
    ASSERT(spec);
    memset(spec, ' ', SIM_MAX_SPEC_LEN + 1);
    memcpy(spec, "io:1ms", 6);
    spec[SIM_MAX_SPEC_LEN] = '\0';
    ASSERT_MSG(sim_workload_parse(&w, spec, &e) == 0, "%s", e.message);
    sim_workload_free(&w);
    spec[SIM_MAX_SPEC_LEN] = ' ';
    spec[SIM_MAX_SPEC_LEN + 1] = '\0';
    ASSERT_INT_EQ(sim_workload_parse(&w, spec, &e), -1);
    ASSERT_STR_EQ(e.message, "workload too long: at most 65536 bytes");
    ASSERT_INT_EQ(e.column, 0);

    /* a long spec full of groups: many ops, all within the limits */
    size_t len = 0;
    while (len + 8 < SIM_MAX_SPEC_LEN) {
        memcpy(spec + len, len ? "+io:1ms" : "io:1ms ", 7);
        len += 7;
    }
    spec[len] = '\0';
    ASSERT_MSG(sim_workload_parse(&w, spec, &e) == 0, "%s", e.message);
    ASSERT_INT_EQ(w.ntasks, len / 7);
    ASSERT_INT_EQ(w.nops, 2 * (len / 7));
    sim_workload_free(&w);
    free(spec);

    /* huge totals saturate instead of wrapping, and steps too */
    ASSERT_INT_EQ(sim_workload_parse(&w, "(100000000*(100000000*(100000000*yield)))", &e), 0);
    ASSERT(w.groups[0].steps == (uint64_t)INT64_MAX);
    ASSERT_INT_EQ(w.nominal_ns, 0);
    sim_workload_free(&w);
}

/* ---- the formatted error: a header line, the spec, a caret ---- */

static void test_format(void)
{
    sim_parse_error e;
    sim_workload w;
    char buf[512];

    ASSERT_INT_EQ(sim_workload_parse(&w, "4*cpu:x", &e), -1);
    size_t n = sim_parse_error_format(&e, "4*cpu:x", buf, sizeof buf);
    ASSERT_STR_EQ(buf, "workload:1:7: expected a duration like 200ms\n"
                       "  4*cpu:x\n"
                       "        ^\n");
    ASSERT_INT_EQ(n, strlen(buf));

    /* the unclosed parenthesis is pointed at, tabs keep the caret aligned */
    const char *spec = "io:1ms +\t(cpu:1ms, io:1ms";
    ASSERT_INT_EQ(sim_workload_parse(&w, spec, &e), -1);
    sim_parse_error_format(&e, spec, buf, sizeof buf);
    ASSERT_STR_EQ(buf, "workload:1:10: unclosed '(': add ')' to close it\n"
                       "  io:1ms + (cpu:1ms, io:1ms\n"
                       "           ^\n");

    /* a long spec is shown as a window around the column */
    char longspec[400] = "";
    for (int i = 0; i < 30; i++)
        strcat(longspec, "io:1ms + ");
    strcat(longspec, "io:1xs + io:1ms");
    ASSERT_INT_EQ(sim_workload_parse(&w, longspec, &e), -1);
    ASSERT_INT_EQ(e.column, 275);
    sim_parse_error_format(&e, longspec, buf, sizeof buf);
    ASSERT_STR_EQ(buf, "workload:1:275: unknown unit 'xs': use us, ms or s, as in 200ms\n"
                       "  ...s + io:1ms + io:1ms + io:1ms + io:1ms + io:1ms + io:1xs + io:1ms\n"
                       "                                                          ^\n");
    longspec[150] = '\0'; /* the caret at the end of a cut spec, and "..." on both sides */
    strcat(longspec, "+");
    ASSERT_INT_EQ(sim_workload_parse(&w, longspec, &e), -1);
    ASSERT_INT_EQ(e.column, 152);
    sim_parse_error_format(&e, longspec, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "workload:1:152: expected a task after '+'\n  ...");
    ASSERT_CONTAINS(buf, " io:1ms+\n");
    e.column = 40;
    sim_parse_error_format(&e, longspec, buf, sizeof buf);
    ASSERT_CONTAINS(buf, "\n  ...");
    ASSERT_CONTAINS(buf, "...\n");

    /* no column: one line; a tiny buffer is cut and still terminated */
    e.column = 0;
    snprintf(e.message, sizeof e.message, "workload too long");
    sim_parse_error_format(&e, "x", buf, sizeof buf);
    ASSERT_STR_EQ(buf, "workload: workload too long\n");
    n = sim_parse_error_format(&e, "x", buf, 5);
    ASSERT_STR_EQ(buf, "work");
    ASSERT_INT_EQ(n, 4);
    ASSERT_INT_EQ(sim_parse_error_format(&e, "x", buf, 0), 0);

    /* every golden error formats with its caret under its column */
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case *c = &error_cases[i];
        ASSERT_INT_EQ(sim_workload_parse(&w, c->spec, &e), -1);
        sim_parse_error_format(&e, c->spec, buf, sizeof buf);
        const char *caret = strrchr(buf, '^');
        const char *line = caret;
        while (line > buf && line[-1] != '\n')
            line--;
        if (strlen(c->spec) < 60)
            ASSERT_INT_EQ(caret - line, 2 + c->column - 1);
        ASSERT_INT_EQ(caret[1], '\n');
    }
}

/* ---- durations for people ---- */

static void test_format_ns(void)
{
    static const struct {
        int64_t ns;
        const char *text;
    } cases[] = {
        {0, "0 ns"},           {999, "999 ns"},         {1000, "1 us"},
        {1500, "1.5 us"},      {50 * US, "50 us"},      {999499, "999 us"},
        {999500, "1 ms"},      {1500 * US, "1.5 ms"},   {12345 * US, "12.3 ms"},
        {200 * MS, "200 ms"},  {999 * MS, "999 ms"},    {2 * S, "2.00 s"},
        {S + S / 4, "1.25 s"}, {99 * S, "99.0 s"},      {125 * S, "2 min 5 s"},
        {3600 * S, "1 h 0 min"}, {12500 * S, "3 h 28 min"}, {-1500 * US, "-1.5 ms"},
        {INT64_MIN, "-2562047 h 47 min"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = sim_format_ns(cases[i].ns, buf, sizeof buf);
        ASSERT_STR_EQ(buf, cases[i].text);
        ASSERT_INT_EQ(n, strlen(buf));
    }
    ASSERT_INT_EQ(sim_format_ns(200 * MS, buf, 4), 3);
    ASSERT_STR_EQ(buf, "200");
}

/* ---- models and errors: names round-trip ---- */

static void test_models(void)
{
    for (int i = 0; i < SIM_MODEL__COUNT; i++) {
        sim_model m = SIM_MODEL__COUNT;
        ASSERT_INT_EQ(sim_model_parse(sim_model_name((sim_model)i), &m), 0);
        ASSERT_INT_EQ(m, i);
        ASSERT(strlen(sim_model_caption((sim_model)i)) > 10);
    }
    ASSERT_STR_EQ(sim_model_name(SIM_MODEL_FREE_THREADING), "free-threading");
    ASSERT_STR_EQ(sim_model_caption(SIM_MODEL_ASYNCIO), "one thread; tasks switch only at await");
    sim_model m;
    ASSERT_INT_EQ(sim_model_parse("Threading", &m), 0);
    ASSERT_INT_EQ(m, SIM_MODEL_THREADING);
    ASSERT_INT_EQ(sim_model_parse("free_threading", &m), 0);
    ASSERT_INT_EQ(m, SIM_MODEL_FREE_THREADING);
    ASSERT_INT_EQ(sim_model_parse("gevent", &m), -1);
    ASSERT_INT_EQ(sim_model_parse("", &m), -1);
    ASSERT_INT_EQ(sim_model_parse(NULL, &m), -1);

    ASSERT_STR_EQ(sim_err_str(SIM_E_CANCELLED), "cancelled");
    ASSERT_STR_EQ(sim_err_str(SIM_E_LOST), "a worker process died");
    for (int e = SIM_E_NOMEM; e <= SIM_OK; e++)
        ASSERT(strcmp(sim_err_str(e), "unknown error") != 0);
    ASSERT_STR_EQ(sim_err_str(42), "unknown error");
}

/* ---- shared state: names, programs, errors ---- */

/* Renders a task's walk with the shared-state steps: "+hits" (inc),
 * "<hits" (load), ">hits" (store), "[L" / "]L" (acquire / release),
 * "p:q:1000" (put), "g:q", "T{" / "P{" / "}" (executors), "c20" (cpu, us). */
static void walk_share(const sim_workload *w, uint64_t task, char *buf, size_t n)
{
    sim_cursor c;
    const sim_op *op;
    size_t len = 0;
    buf[0] = '\0';
    sim_cursor_init(&c, w, task);
    while ((op = sim_cursor_next(&c, w))->kind != SIM_OP_END) {
        const char *nm = op->b < w->nnames ? w->names[op->b].name : "?";
        char one[64];
        switch (op->kind) {
        case SIM_OP_INC: snprintf(one, sizeof one, "+%s", nm); break;
        case SIM_OP_LOAD: snprintf(one, sizeof one, "<%s", nm); break;
        case SIM_OP_STORE: snprintf(one, sizeof one, ">%s", nm); break;
        case SIM_OP_ACQUIRE: snprintf(one, sizeof one, "[%s", nm); break;
        case SIM_OP_RELEASE: snprintf(one, sizeof one, "]%s", nm); break;
        case SIM_OP_PUT: snprintf(one, sizeof one, "p:%s:%lld", nm, (long long)op->a); break;
        case SIM_OP_GET: snprintf(one, sizeof one, "g:%s", nm); break;
        case SIM_OP_EXEC: snprintf(one, sizeof one, "%c{", op->b == SIM_EXEC_THREAD ? 'T' : 'P'); break;
        case SIM_OP_EXEC_END: snprintf(one, sizeof one, "}"); break;
        case SIM_OP_CPU: snprintf(one, sizeof one, "c%lld", (long long)(op->a / US)); break;
        case SIM_OP_IO: snprintf(one, sizeof one, "i%lld", (long long)(op->a / US)); break;
        default: snprintf(one, sizeof one, "y"); break;
        }
        int r = snprintf(buf + len, n - len, "%s%s", len ? " " : "", one);
        ASSERT(r > 0 && (size_t)r < n - len);
        len += (size_t)r;
    }
}

static const walk_case share_walks[] = {
    {"inc:hits", 0, "+hits"},
    {"2*(2*(load:hits,cpu:20us,store:hits))", 1, "<hits c20 >hits <hits c20 >hits"},
    {"2*lock:L(2*inc:hits)", 0, "[L +hits +hits ]L"},
    {"sem:api/5(io:100ms)", 0, "[api i100000 ]api"},
    {"put:q:1MB + get:q", 0, "p:q:1000000"},
    {"put:q:1MB + get:q", 1, "g:q"},
    {"(put:q:2KiB,put:q:1.5KB,put:q:3B,put:q:1MiB)", 0,
     "p:q:2048 p:q:1500 p:q:3 p:q:1048576"},
    {"(thread(cpu:1ms),process(2*io:1ms),yield)", 0, "T{ c1000 } P{ i1000 i1000 } y"},
    {"(inc:shared.n, lock:A(lock:B(inc:x)))", 0, "+shared.n [A [B +x ]B ]A"},
    {" inc : a_1.b ", 0, "+a_1.b"},
};

static void test_share(void)
{
    char got[512];
    for (size_t i = 0; i < sizeof share_walks / sizeof share_walks[0]; i++) {
        const walk_case *c = &share_walks[i];
        sim_workload w;
        sim_parse_error e;
        ASSERT_MSG(sim_workload_parse(&w, c->spec, &e) == 0, "'%s': %s", c->spec, e.message);
        walk_share(&w, c->task, got, sizeof got);
        ASSERT_MSG(strcmp(got, c->steps) == 0, "'%s' task %llu: got '%s', want '%s'",
                   c->spec, (unsigned long long)c->task, got, c->steps);
        sim_workload_free(&w);
    }

    /* the table of names: kinds, permits, shared, expected updates */
    sim_workload w;
    sim_parse_error e;
    const char *spec = "2*(100000*inc:hits) + 3*lock:L(2*(load:shared.n,store:shared.n))"
                       " + sem:api/5(put:q:1B) + sem:api/5(get:q)";
    ASSERT_MSG(sim_workload_parse(&w, spec, &e) == 0, "%s", e.message);
    ASSERT_INT_EQ(w.nnames, 5);
    long hits = sim_workload_find_name(&w, "hits", SIM_NAME_VAR);
    long n = sim_workload_find_name(&w, "shared.n", SIM_NAME_VAR);
    long L = sim_workload_find_name(&w, "L", SIM_NAME_LOCK);
    long api = sim_workload_find_name(&w, "api", SIM_NAME_SEM);
    long q = sim_workload_find_name(&w, "q", SIM_NAME_QUEUE);
    ASSERT(hits == 0 && L == 1 && n == 2 && api == 3 && q == 4);
    ASSERT_INT_EQ(sim_workload_find_name(&w, "hits", SIM_NAME_LOCK), -1);
    ASSERT_INT_EQ(w.names[hits].updates, 200000);
    ASSERT_INT_EQ(w.names[n].updates, 6);
    ASSERT_INT_EQ(w.names[n].shared, 1);
    ASSERT_INT_EQ(w.names[hits].shared, 0);
    ASSERT_INT_EQ(w.names[api].permits, 5);
    ASSERT_INT_EQ(w.names[hits].column, 15);
    ASSERT_INT_EQ(w.ntasks, 7);
    /* an ACQUIRE knows its RELEASE; an EXEC the op after its end */
    for (size_t i = 0; i < w.nops; i++)
        if (w.ops[i].kind == SIM_OP_ACQUIRE) {
            ASSERT_INT_EQ(w.ops[w.ops[i].a].kind, SIM_OP_RELEASE);
            ASSERT_INT_EQ(w.ops[w.ops[i].a].b, w.ops[i].b);
        }
    sim_workload_free(&w);
    ASSERT_MSG(sim_workload_parse(&w, "(thread(io:1ms),inc:x)", &e) == 0, "%s", e.message);
    ASSERT_INT_EQ(w.ops[0].kind, SIM_OP_EXEC);
    ASSERT_INT_EQ(w.ops[w.ops[0].a - 1].kind, SIM_OP_EXEC_END);
    ASSERT_INT_EQ(w.ops[w.ops[0].a].kind, SIM_OP_INC);
    ASSERT_INT_EQ(w.nominal_ns, MS);
    sim_workload_free(&w);
}

static const error_case share_errors[] = {
    {"inc hits", 5, "expected ':' after 'inc', as in inc:hits"},
    {"inc:", 5, "expected a name after 'inc:', as in inc:hits (letters, digits, '_' and '.')"},
    {"load:9x", 6, "a name starts with a letter or '_', as in load:hits"},
    {"inc:shared.", 12, "write a name after 'shared.', as in inc:shared.hits"},
    {"inc:abcdefghijabcdefghijabcdefghijXY", 5, "name too long: at most 31 characters"},
    {"lock:L(inc:x) + inc:L", 21, "'L' is already a lock (column 6): a name means one thing in a workload"},
    {"lock:L", 7, "expected '(' after lock:L: the steps to run inside it, as in lock:L(inc:hits)"},
    {"lock:L(lock:L(inc:x))", 13, "lock 'L' is already held here: a threading.Lock is not reentrant, so the task would wait for itself forever"},
    {"sem:api(io:1ms)", 8, "expected '/' and a number of permits after sem:api, as in sem:api/5(io:100ms)"},
    {"sem:api/5(io:1ms) + sem:api/4(io:1ms)", 29, "semaphore 'api' has 5 permits (column 5): one semaphore, one number of permits"},
    {"sem:api/0(io:1ms)", 9, "a semaphore of 0 permits lets nobody in: use 1 or more"},
    {"put:q", 6, "expected ':' and the item's size after put:q, as in put:q:1MB"},
    {"put:q:10", 9, "add a unit to the size: B, KB, MB (1000s), KiB or MiB (1024s), as in 1MB"},
    {"put:q:10kb", 9, "unknown size unit 'kb': use B, KB, MB (1000s), KiB or MiB (1024s)"},
    {"put:q:65MiB", 7, "too large: one item is at most 64 MiB"},
    {"put:q:0B", 7, "an item of 0 bytes carries nothing: use at least 1B"},
    {"put:q:0.1B", 7, "an item of 0 bytes carries nothing: use at least 1B"},
    {"get:", 5, "expected a name after 'get:', as in get:q (letters, digits, '_' and '.')"},
    {"thread cpu:1ms", 8, "expected '(' after thread: the steps to run inside it, as in thread(cpu:100ms)"},
    {"thread(cpu:1ms,inc:x)", 16, "only cpu, io and yield steps run inside thread(...): it stands for a plain blocking function"},
    {"process(thread(cpu:1ms))", 9, "only cpu, io and yield steps run inside process(...): it stands for a plain blocking function"},
    {"lock:L()", 7, "empty parentheses: put at least one step inside, as in (io:1ms)"},
};

static void test_share_errors(void)
{
    for (size_t i = 0; i < sizeof share_errors / sizeof share_errors[0]; i++) {
        const error_case *c = &share_errors[i];
        sim_workload w;
        sim_parse_error e;
        ASSERT_MSG(sim_workload_parse(&w, c->spec, &e) == -1, "'%s' was accepted", c->spec);
        ASSERT_MSG(strcmp(e.message, c->message) == 0, "'%s': got '%s'", c->spec, e.message);
        ASSERT_MSG(e.column == c->column, "'%s': column %d, want %d", c->spec, e.column,
                   c->column);
        ASSERT(w.names == NULL && w.nnames == 0 && w.ops == NULL);
    }
}

int main(void)
{
    test_valid();
    test_groups();
    test_cursor();
    test_errors();
    test_limits();
    test_format();
    test_format_ns();
    test_models();
    test_share();
    test_share_errors();
    printf("test_workload: all passed\n");
    return 0;
}
