/* test_pyprog.c - the Python programs' exact text, and their line maps.
 *
 * Golden files, as inih keeps its baselines: for a few workloads the whole
 * program concviz writes is kept in tests/fixtures/pyprog/NAME.py, and the
 * generator must write exactly that. A change in a template or in the
 * generator shows here as a diff to read, line by line. After a change
 * that is meant, write the files anew and review them with git diff:
 *
 *   build-test/tests/test_pyprog --update
 *
 * The line map (sim_pyprog_map): for workloads with every kind of step,
 * under every model, the line the map gives for each op holds that op's
 * statement (`cpu(` for cpu, `await asyncio.sleep(` for io in a coroutine,
 * `time.sleep(` in a thread, a process or an executor body, ...), each
 * group's line is its `def task_N():`, and the map changes no byte of the
 * program. Python itself runs the programs in test_python.c.
 *
 * The recorded variant (SIM_PYPROG_RECORD, the program `run --python`
 * measures): without the recorder's block and the lines starting with
 * _cz_ it is the printed program, byte for byte, for every workload of
 * this file under every model; each timed step has its two lines; and
 * sim_pyprog_timed_counts agrees with the entries the generator writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concviz_build.h"
#include "err.h"
#include "pyprog.h"
#include "test.h"
#include "workload.h"

#define MIXED "4*(cpu:40ms,io:60ms,cpu:40ms) + 4*io:150ms"
#define SHARED "2*lock:L(100*(load:hits,cpu:20us,store:hits)) + inc:shared.n + " \
               "sem:api/3(put:q:1KB) + get:q + inc:if"
#define EXECUTORS "cpu:1ms + thread(io:1ms, yield) + process(2*cpu:1ms)"
#define POOLS "4*cpu:10ms + 2*io:5ms"
#define LOOPS "(20000*yield) + (200000*inc:x) + (3*(10*(load:y,store:y),cpu:50us,cpu:1ms))"
#define EVERY_STEP "lock:if(inc:for, thread(io:1ms, 2*yield)) + inc:a.b + " \
                   "2*sem:s/1(put:q:1B, get:q) + (process(cpu:1ms), thread(cpu:1ms)) + " \
                   "process(io:1ms)"

static const struct golden {
    const char *file; /* tests/fixtures/pyprog/FILE.py */
    const char *spec;
    sim_model model;
    sim_config cfg;
} goldens[] = {
    {"mixed_asyncio", MIXED, SIM_MODEL_ASYNCIO, {0}},
    {"mixed_threading", MIXED, SIM_MODEL_THREADING, {0}},
    {"mixed_multiprocessing", MIXED, SIM_MODEL_MULTIPROCESSING, {0}},
    {"mixed_free_threading", MIXED, SIM_MODEL_FREE_THREADING, {0}},
    {"shared_asyncio", SHARED, SIM_MODEL_ASYNCIO, {0}},
    {"shared_threading", SHARED, SIM_MODEL_THREADING, {0}},
    {"shared_multiprocessing", SHARED, SIM_MODEL_MULTIPROCESSING, {0}},
    {"shared_free_threading", SHARED, SIM_MODEL_FREE_THREADING, {0}},
    {"executors_asyncio", EXECUTORS, SIM_MODEL_ASYNCIO, {0}},
    {"executors_threading", EXECUTORS, SIM_MODEL_THREADING, {0}},
    {"pools_threading", POOLS, SIM_MODEL_THREADING,
     {.threads = 3, .switch_interval_ns = 2000000}},
    {"pools_multiprocessing", POOLS, SIM_MODEL_MULTIPROCESSING, {.workers = 2}},
};

/* The program for `spec` under `m` in a malloc'd string; with its map
 * when `map` is not NULL. */
static char *program(const char *spec, sim_model m, const sim_config *cfg, sim_workload *w,
                     sim_pyprog_map *map)
{
    sim_parse_error e;
    char *text = NULL;
    size_t len = 0;
    ASSERT_MSG(sim_workload_parse(w, spec, &e) == 0, "%s", e.message);
    FILE *f = open_memstream(&text, &len);
    ASSERT(f);
    if (map)
        ASSERT_INT_EQ(sim_pyprog_write_map(f, w, m, cfg, map), SIM_OK);
    else
        ASSERT_INT_EQ(sim_pyprog_write(f, w, m, cfg), SIM_OK);
    ASSERT(fclose(f) == 0);
    return text;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len + 4096 + 1 > cap) {
            cap = 2 * cap + 4096 + 1;
            buf = realloc(buf, cap);
            ASSERT(buf);
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* Where got and want first differ, as a line number and both lines. */
static void report_diff(const char *file, const char *got, const char *want)
{
    int line = 1;
    while (*got && *got == *want) {
        line += *got == '\n';
        got++;
        want++;
    }
    while (line > 1 && got[-1] != '\n') { /* back to the start of the line */
        got--;
        want--;
    }
    fprintf(stderr, "%s.py differs from what concviz writes, from line %d:\n"
                    "  got:  %.*s\n  want: %.*s\n"
                    "If the change is meant: build-test/tests/test_pyprog --update,\n"
                    "then read `git diff tests/fixtures/pyprog` before committing.\n",
            file, line, (int)strcspn(got, "\n"), got, (int)strcspn(want, "\n"), want);
}

static void test_goldens(const char *root, int update)
{
    for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++) {
        const struct golden *g = &goldens[i];
        char path[4096];
        sim_workload w;
        snprintf(path, sizeof path, "%s/tests/fixtures/pyprog/%s.py", root, g->file);
        char *got = program(g->spec, g->model, &g->cfg, &w, NULL);
        sim_workload_free(&w);
        if (update) {
            FILE *f = fopen(path, "w");
            ASSERT_MSG(f, "cannot write %s", path);
            ASSERT(fputs(got, f) >= 0 && fclose(f) == 0);
            printf("  wrote %s\n", path);
        } else {
            char *want = slurp(path);
            ASSERT_MSG(want, "cannot read %s (make it with --update)", path);
            if (strcmp(got, want) != 0) {
                report_diff(g->file, got, want);
                abort();
            }
            free(want);
        }
        free(got);
    }
}

/* The lines of text, 1-based: lines[1] is the first. */
static const char **split_lines(char *text, uint32_t *n)
{
    uint32_t count = 0;
    for (const char *s = text; *s; s++)
        count += *s == '\n';
    const char **lines = calloc(count + 2, sizeof *lines);
    ASSERT(lines);
    char *s = text;
    for (uint32_t i = 1; i <= count; i++) {
        lines[i] = s;
        s = strchr(s, '\n');
        *s++ = '\0';
    }
    *n = count;
    return lines;
}

/* A workload name as the programs spell it, less any '_' added for a clash. */
static void python_name(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s", name);
    for (char *c = buf; *c; c++)
        if (*c == '.')
            *c = '_';
}

/* The map of `spec` under `m` points each op at its own statement. */
static void check_map(const char *spec, sim_model m)
{
    sim_workload w;
    sim_pyprog_map map;
    char *plain = program(spec, m, NULL, &w, NULL);
    sim_workload_free(&w);
    char *text = program(spec, m, NULL, &w, &map);
    ASSERT_STR_EQ(text, plain); /* the map changes nothing written */
    uint32_t n;
    const char **line = split_lines(text, &n);
    ASSERT_INT_EQ(map.nlines, n);
    ASSERT_INT_EQ(map.nops, w.nops);
    ASSERT_INT_EQ(map.ngroups, w.ngroups);
    int aio = m == SIM_MODEL_ASYNCIO;

    for (size_t g = 0; g < w.ngroups; g++) {
        uint32_t at = map.group_line[g];
        ASSERT_MSG(at >= 1 && at <= n, "%s: group %zu has no line", spec, g);
        ASSERT_MSG(strncmp(line[at], aio ? "async def task_" : "def task_", aio ? 15 : 9) == 0,
                   "%s under %s: group %zu's line %u is '%s'", spec, sim_model_name(m), g, at,
                   line[at]);
        uint32_t body_end = 0; /* inside an executor body up to this op */
        for (uint32_t pc = w.groups[g].prog;; pc++) {
            const sim_op *op = &w.ops[pc];
            uint32_t l = map.op_line[pc];
            int blocking = pc < body_end; /* a plain function: time.sleep */
            char want[128] = "", name[64] = "";
            if (op->kind >= SIM_OP_INC && op->kind <= SIM_OP_GET)
                python_name(w.names[op->b].name, name, sizeof name);
            switch ((sim_op_kind)op->kind) {
            case SIM_OP_CPU:
                snprintf(want, sizeof want, "cpu(");
                break;
            case SIM_OP_IO:
                snprintf(want, sizeof want, "%s(", aio && !blocking ? "await asyncio.sleep"
                                                                   : "time.sleep");
                ASSERT_MSG(l && !strstr(line[l], "(0)"), "%s: io on line %u", spec, l);
                break;
            case SIM_OP_YIELD:
                snprintf(want, sizeof want, "%s(0)", aio && !blocking ? "await asyncio.sleep"
                                                                     : "time.sleep");
                break;
            case SIM_OP_LOOP:
                snprintf(want, sizeof want, "for _ in range(%lld):", (long long)op->a);
                break;
            case SIM_OP_INC:
                snprintf(want, sizeof want, "%s", name);
                ASSERT_MSG(l && strstr(line[l], " += 1"), "%s: inc on line %u: '%s'", spec, l,
                           l ? line[l] : "");
                break;
            case SIM_OP_LOAD:
                snprintf(want, sizeof want, "tmp = %s", name);
                break;
            case SIM_OP_STORE:
                snprintf(want, sizeof want, "%s", name);
                ASSERT_MSG(l && strstr(line[l], " = tmp + 1"), "%s: store on line %u", spec, l);
                break;
            case SIM_OP_ACQUIRE:
                snprintf(want, sizeof want, "%swith %s", aio ? "async " : "", name);
                break;
            case SIM_OP_PUT:
                snprintf(want, sizeof want, "%s%s", aio ? "await " : "", name);
                ASSERT_MSG(l && strstr(line[l], ".put(bytes("), "%s: put on line %u", spec, l);
                break;
            case SIM_OP_GET:
                snprintf(want, sizeof want, "%s%s.get()", aio ? "await " : "", name);
                break;
            case SIM_OP_EXEC:
                body_end = (uint32_t)op->a - 1;
                if (!aio)
                    snprintf(want, sizeof want, "runs inline");
                else if (op->b == SIM_EXEC_THREAD)
                    snprintf(want, sizeof want, "await asyncio.to_thread(work_");
                else
                    snprintf(want, sizeof want, "await loop.run_in_executor(PROCESS_POOL, "
                                                "in_process_");
                break;
            default: /* NEXT, RELEASE, EXEC_END, END: no line of their own */
                ASSERT_MSG(l == 0, "%s: op %u (kind %d) has line %u", spec, pc, op->kind, l);
                break;
            }
            if (want[0]) {
                ASSERT_MSG(l >= 1 && l <= n, "%s under %s: op %u (kind %d) has no line", spec,
                           sim_model_name(m), pc, op->kind);
                ASSERT_MSG(strstr(line[l], want), "%s under %s: op %u (kind %d) is on line %u "
                           "'%s', which lacks '%s'", spec, sim_model_name(m), pc, op->kind, l,
                           line[l], want);
            }
            if (op->kind == SIM_OP_END)
                break;
        }
    }
    free(line);
    free(text);
    free(plain);
    sim_pyprog_map_free(&map);
    ASSERT(map.op_line == NULL && map.group_line == NULL);
    sim_workload_free(&w);
}

/* The recorded variant of spec under m, in a malloc'd string. */
static char *recorded(const char *spec, sim_model m, const sim_config *cfg)
{
    sim_workload w;
    sim_parse_error e;
    char *text = NULL;
    size_t len = 0;
    ASSERT_MSG(sim_workload_parse(&w, spec, &e) == 0, "%s", e.message);
    FILE *f = open_memstream(&text, &len);
    ASSERT(f);
    ASSERT_INT_EQ(sim_pyprog_write_ex(f, &w, m, cfg, SIM_PYPROG_RECORD, NULL), SIM_OK);
    ASSERT(fclose(f) == 0);
    sim_workload_free(&w);
    return text;
}

/* The recorded program without what the recorder added: its block (with
 * the two blank lines the slot writes before it) and every line whose
 * code starts with _cz_. Counts the `_cz_me +=` style entries it drops. */
static char *strip_recorder(const char *text, int *entries)
{
    char *out = malloc(strlen(text) + 1);
    ASSERT(out);
    size_t n = 0;
    int in_block = 0;
    *entries = 0;
    for (const char *l = text; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) + 1 : strlen(l);
        const char *code = l + strspn(l, " ");
        if (strncmp(l, "# >>> concviz recorder", 22) == 0) {
            ASSERT(n >= 2 && out[n - 1] == '\n' && out[n - 2] == '\n');
            n -= 2; /* the slot's blank lines, already copied */
            in_block = 1;
        } else if (in_block) {
            in_block = strncmp(l, "# <<< concviz recorder", 22) != 0;
        } else if (strncmp(code, "_cz_", 4) == 0) {
            *entries += strncmp(code, "_cz_me +=", 9) == 0 || strncmp(code, "_cz_b +=", 8) == 0 ||
                        strncmp(code, "_cz_me.extend((", 15) == 0;
        } else {
            memcpy(out + n, l, len);
            n += len;
        }
        l += len;
    }
    ASSERT(!in_block);
    out[n] = '\0';
    return out;
}

/* Timed entries the generator wrote for a workload: one line each per op
 * written, so groups sharing a function count once, and a thread(...)
 * body's start and end add two each. */
static int timed_lines(const sim_workload *w, sim_model m)
{
    int n = 0;
    uint64_t counts[256];
    for (size_t g = 0; g < w->ngroups; g++) {
        int shared = 0; /* the same function as an earlier group: written once */
        for (size_t h = 0; h < g; h++)
            shared |= sim_pyprog_same_function(w, h, g);
        size_t len = sim_pyprog_timed_counts(w, m, &w->groups[g], counts, 256);
        ASSERT(len > 0);
        for (size_t i = 0; !shared && i < len; i++) {
            const sim_op *op = &w->ops[w->groups[g].prog + i];
            n += counts[i] > 0;
            n += 2 * (counts[i] > 0 && m == SIM_MODEL_ASYNCIO && op->kind == SIM_OP_EXEC &&
                      op->b == SIM_EXEC_THREAD);
        }
    }
    return n;
}

static void test_recorded(void)
{
    static const char *const specs[] = {MIXED, SHARED, EXECUTORS, POOLS, EVERY_STEP, LOOPS};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        for (int m = 0; m < SIM_MODEL__COUNT; m++) {
            sim_workload w;
            char *plain = program(specs[i], (sim_model)m, NULL, &w, NULL);
            char *rec = recorded(specs[i], (sim_model)m, NULL);
            int entries;
            char *back = strip_recorder(rec, &entries);
            ASSERT_CONTAINS(rec, "# >>> concviz recorder");
            ASSERT_CONTAINS(rec, "    _cz_setup(");
            if (strcmp(back, plain) != 0) {
                fprintf(stderr, "%s under %s:\n", specs[i], sim_model_name((sim_model)m));
                report_diff("the recorded variant without its recorder", back, plain);
                abort();
            }
            int want = timed_lines(&w, (sim_model)m);
            ASSERT_MSG(entries == want, "%s under %s: %d entries written, %d timed ops",
                       specs[i], sim_model_name((sim_model)m), entries, want);
            free(plain);
            free(rec);
            free(back);
            sim_workload_free(&w);
        }
    }
    /* a loop of cheap steps is timed as a whole, CPU included; a long cpu
     * step reads the thread's CPU time, a short one only the wall clock */
    char *p = recorded("(200000*inc:x) + (cpu:1ms,cpu:50us)", SIM_MODEL_THREADING, NULL);
    ASSERT_CONTAINS(p, "    _cz_t = _cz_ns(); _cz_c = _cz_cpu()\n    for _ in range(200000):\n"
                       "        x += 1\n    _cz_me += (0, _cz_t, _cz_ns(), _cz_cpu() - _cz_c)\n");
    ASSERT_CONTAINS(p, "    _cz_t = _cz_ns(); _cz_c = _cz_cpu()\n    cpu(0.001)\n"
                       "    _cz_me += (0, _cz_t, _cz_ns(), _cz_cpu() - _cz_c)\n"
                       "    _cz_t = _cz_ns()\n    cpu(0.00005)\n    _cz_me += (1, _cz_t, _cz_ns(), -1)\n");
    free(p);
    /* counts multiply through loops; a summarized loop counts once */
    sim_workload w;
    sim_parse_error e;
    uint64_t c[16];
    ASSERT(sim_workload_parse(&w, "(3*(4*yield,2*(inc:x),cpu:1ms),thread(io:1ms))", &e) == 0);
    size_t len = sim_pyprog_timed_counts(&w, SIM_MODEL_ASYNCIO, &w.groups[0], c, 16);
    /* LOOP3 LOOP4 YIELD NEXT LOOP2 INC NEXT CPU NEXT EXEC IO EXEC_END END */
    ASSERT_INT_EQ(len, 13);
    const uint64_t want[13] = {0, 0, 12, 0, 3, 0, 0, 3, 0, 1, 1, 0, 0};
    for (size_t i = 0; i < len; i++)
        ASSERT_MSG(c[i] == want[i], "op %zu: %llu, want %llu", i, (unsigned long long)c[i],
                   (unsigned long long)want[i]);
    ASSERT_INT_EQ(sim_pyprog_timed_counts(&w, SIM_MODEL_THREADING, &w.groups[0], c, 16), 13);
    ASSERT_INT_EQ(c[9], 0); /* inline elsewhere: the body's steps are the task's */
    ASSERT_INT_EQ(c[10], 1);
    ASSERT_INT_EQ(sim_pyprog_timed_counts(&w, SIM_MODEL_THREADING, &w.groups[0], c, 5), 0);
    sim_workload_free(&w);
}

static void test_map(void)
{
    static const char *const specs[] = {
        MIXED,
        SHARED,
        EXECUTORS,
        /* groups 0 and 2 share a function: their ops share its lines */
        "io:1ms + cpu:1ms + io:1ms + 2*(2*(3*io:1ms,yield))",
        "2*(10*(load:x,cpu:10us,store:x)) + (store:y,load:y)",
        EVERY_STEP,
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        for (int m = 0; m < SIM_MODEL__COUNT; m++)
            check_map(specs[i], (sim_model)m);
}

int main(int argc, char **argv)
{
    const char *root = getenv("CONCVIZ_SOURCE_ROOT");
    int update = argc > 1 && strcmp(argv[1], "--update") == 0;
    ASSERT_MSG(root || update, "CONCVIZ_SOURCE_ROOT is not set (run through meson test)");
    if (!root)
        root = CONCVIZ_SOURCE_ROOT; /* --update by hand: the tree this was built from */
    test_goldens(root, update);
    if (update)
        return 0;
    test_map();
    test_recorded();
    printf("test_pyprog: all passed\n");
    return 0;
}
