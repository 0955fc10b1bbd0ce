/* test_costs.c - cost profiles: the table, the built-in profile and its
 * scaling, files saved and read back, every way a file can be bad, and
 * which profile a configuration resolves to.
 *
 * The bad files are made by editing one good file a little at a time, so
 * that each case differs from a valid profile in exactly one way, and each
 * message is checked for the file's name and the field's.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "costs.h"
#include "err.h"
#include "test.h"

static char dir[64];

static char *path_of(const char *name)
{
    static char buf[8][256];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ASSERT(f);
    fputs(text, f);
    ASSERT(fclose(f) == 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ASSERT(f);
    static char buf[1 << 16];
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    buf[k] = '\0';
    fclose(f);
    return buf;
}

/* A profile with every field set and costs with fractions. */
static void sample(sim_costs *c)
{
    memset(c, 0, sizeof *c);
    c->origin.source = SIM_COSTS_CALIBRATED;
    snprintf(c->origin.implementation, sizeof c->origin.implementation, "cpython");
    snprintf(c->origin.version, sizeof c->origin.version, "3.11.7");
    snprintf(c->origin.executable, sizeof c->origin.executable, "/usr/bin/python3.11");
    snprintf(c->origin.command, sizeof c->origin.command, "/usr/bin/python3.11");
    c->origin.gil = 1;
    snprintf(c->origin.measured_at, sizeof c->origin.measured_at, "2026-11-29T20:49:32Z");
    c->origin.cpus = 2;
    snprintf(c->origin.cpu_model, sizeof c->origin.cpu_model, "Caf\xc3\xa9 \"Turbo\" CPU");
    c->origin.spin_turn_ns = 34.125;
    c->origin.unit_ns = 0.875;
    c->origin.scale = 1.0;
    c->asyncio_mmap_threshold = 209612;
    c->gc = (sim_costs_gc){.threshold = {700, 10, 10}, .start_count = {42, 6, 3},
                           .start_objects = {47, 2524, 14304}, .start_full = 0,
                           .task_objects = 12.009, .task_ready_objects = 9.0,
                           .task_end_objects = 1.996, .young_object_ns = 36.767,
                           .full_object_ns_small = 82.714, .full_objects_small = 80561,
                           .full_object_ns = 149.73, .full_objects = 362418};
    for (int k = 0; k < SIM_COST__COUNT; k++)
        c->ns[k] = sim_cost_infos[k].max_ns / 1000.0 + 0.125 * k;
    c->ns[SIM_COST_MP_VALUE_INC] = 1004.125; /* the last cost: `edits` names it */
}

static void test_table(void)
{
    for (int k = 0; k < SIM_COST__COUNT; k++) {
        const sim_cost_info *in = &sim_cost_infos[k];
        ASSERT_MSG(in->name && in->label && in->what && in->unit, "cost %d", k);
        ASSERT_INT_EQ(sim_cost_find(in->name), k);
        ASSERT(in->max_ns > 0);
        for (int j = 0; j < k; j++)
            ASSERT_MSG(strcmp(in->name, sim_cost_infos[j].name) != 0, "%s twice", in->name);
    }
    ASSERT_INT_EQ(sim_cost_find("nope"), -1);
    /* time.sleep(0) is the kernel's timer slack: not the CPU's speed. */
    ASSERT_INT_EQ(sim_cost_infos[SIM_COST_SLEEP0].scales, 0);
    ASSERT_INT_EQ(sim_cost_infos[SIM_COST_LOOP_TURN].scales, 1);
}

static void test_none_and_builtin(void)
{
    sim_costs c;
    sim_costs_none(&c);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_NONE);
    for (int k = 0; k < SIM_COST__COUNT; k++)
        ASSERT(c.ns[k] == 0.0);

    /* The embedded profile: CPython 3.12, complete, within every bound. */
    sim_costs ref, twice, as_is;
    sim_costs_builtin(NULL, &ref);
    ASSERT_INT_EQ(ref.origin.source, SIM_COSTS_BUILTIN);
    ASSERT_STR_EQ(ref.origin.implementation, "cpython");
    ASSERT(strncmp(ref.origin.version, "3.12", 4) == 0);
    ASSERT(ref.origin.cpus >= 1 && ref.origin.cpu_model[0]);
    ASSERT(ref.origin.unit_ns > 0 && ref.origin.spin_turn_ns > 0);
    ASSERT(ref.origin.scale == 1.0);
    ASSERT(ref.origin.measured_at[0] && !ref.origin.file[0]);
    /* The heap as 3.12's imports leave it: a threshold glibc raised. */
    ASSERT(ref.asyncio_mmap_threshold > (128 << 10) &&
           ref.asyncio_mmap_threshold <= (32 << 20));
    /* Its garbage collector: CPython's thresholds, tasks of some objects,
     * a full collection dearer per object than a young one. */
    ASSERT(ref.gc.threshold[0] == 700 && ref.gc.threshold[1] == 10);
    ASSERT(ref.gc.task_objects > ref.gc.task_ready_objects && ref.gc.task_ready_objects > 0);
    ASSERT(ref.gc.full_object_ns > ref.gc.young_object_ns && ref.gc.young_object_ns > 0);
    ASSERT(ref.gc.full_objects > ref.gc.full_objects_small);
    for (int k = 0; k < SIM_COST__COUNT; k++)
        ASSERT_MSG(ref.ns[k] > 0 || k == SIM_COST_GLOBAL_LOAD, "%s is 0",
                   sim_cost_infos[k].name);

    /* A machine half as fast (a unit of work takes twice as long) pays
     * twice the interpreter's costs, and the same timer slack. */
    sim_calib slow = {.ns_per_unit = 2.0 * ref.origin.unit_ns};
    sim_costs_builtin(&slow, &twice);
    ASSERT(fabs(twice.origin.scale - 2.0) < 1e-9);
    for (int k = 0; k < SIM_COST__COUNT; k++) {
        double want = sim_cost_infos[k].scales ? 2.0 * ref.ns[k] : ref.ns[k];
        ASSERT_MSG(fabs(twice.ns[k] - want) <= 1e-6 * want, "%s", sim_cost_infos[k].name);
    }
    ASSERT(fabs(twice.gc.full_object_ns - 2.0 * ref.gc.full_object_ns) < 1e-6);
    ASSERT(fabs(twice.gc.young_object_ns - 2.0 * ref.gc.young_object_ns) < 1e-6);
    ASSERT(twice.gc.task_objects == ref.gc.task_objects); /* a count: not a time */
    /* A calibration that measured nothing scales nothing. */
    sim_calib broken = {.ns_per_unit = 0.0};
    sim_costs_builtin(&broken, &as_is);
    ASSERT(as_is.origin.scale == 1.0 && as_is.ns[SIM_COST_THREAD_START] ==
           ref.ns[SIM_COST_THREAD_START]);
}

static void test_round_trip(void)
{
    sim_costs a, b;
    char msg[512];
    sample(&a);
    const char *p = path_of("p.json");
    ASSERT_MSG(sim_costs_save(p, &a, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_MSG(sim_costs_load(p, &b, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_STR_EQ(msg, "");
    for (int k = 0; k < SIM_COST__COUNT; k++)
        ASSERT(b.ns[k] == a.ns[k]);  /* 3 decimals at most: exact */
    ASSERT_INT_EQ(b.origin.source, SIM_COSTS_FILE);
    ASSERT_STR_EQ(b.origin.file, p);
    ASSERT_STR_EQ(b.origin.version, "3.11.7");
    ASSERT_STR_EQ(b.origin.command, a.origin.command);
    ASSERT_STR_EQ(b.origin.cpu_model, a.origin.cpu_model);
    ASSERT_STR_EQ(b.origin.measured_at, a.origin.measured_at);
    ASSERT(b.origin.spin_turn_ns == 34.125 && b.origin.unit_ns == 0.875);
    ASSERT_INT_EQ(b.origin.gil, 1);
    ASSERT_INT_EQ(b.origin.cpus, 2);
    ASSERT_INT_EQ(b.asyncio_mmap_threshold, 209612);
    ASSERT(memcmp(&b.gc, &a.gc, sizeof a.gc) == 0); /* every figure as it was */
    /* The file is for people too: one cost a line. */
    ASSERT_CONTAINS(slurp(p), "\n  \"loop_turn\": 10.000,\n");

    /* Saved again over the old one: replaced whole, no temporary left. */
    a.ns[SIM_COST_LOCK] = 1.5;
    ASSERT_INT_EQ(sim_costs_save(p, &a, msg, sizeof msg), 0);
    ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), 0);
    ASSERT(b.ns[SIM_COST_LOCK] == 1.5);
    /* A folder that does not exist: refused, nothing written. */
    ASSERT_INT_EQ(sim_costs_save(path_of("no/p.json"), &a, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "does not exist");

    /* The object a trace keeps, with source, file, scale and note. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ASSERT(f);
    a.origin.source = SIM_COSTS_BUILTIN;
    a.origin.scale = 1.25;
    snprintf(a.origin.note, sizeof a.origin.note, "why \"so\"");
    sim_costs_write(f, &a);
    ASSERT(fclose(f) == 0);
    ASSERT(!strchr(text, '\n'));
    sim_json j;
    sim_json_init(&j, text, len);
    ASSERT_INT_EQ(sim_costs_read(&j, &b), 0);
    ASSERT_INT_EQ(sim_json_finish(&j), 0);
    ASSERT_INT_EQ(b.origin.source, SIM_COSTS_BUILTIN);
    ASSERT(b.origin.scale == 1.25);
    ASSERT_STR_EQ(b.origin.note, "why \"so\"");
    ASSERT(b.ns[SIM_COST_LOCK] == 1.5);
    free(text);

    /* A profile of source none has no interpreter: still read back. */
    sim_costs_none(&a);
    f = open_memstream(&text, &len);
    sim_costs_write(f, &a);
    ASSERT(fclose(f) == 0);
    sim_json_init(&j, text, len);
    ASSERT_MSG(sim_costs_read(&j, &b) == 0, "%s", j.err);
    ASSERT_INT_EQ(b.origin.source, SIM_COSTS_NONE);
    free(text);
    unlink(p);
}

/* ---- bad files ------------------------------------------------------------ */

static char *edit(const char *doc, const char *from, const char *to)
{
    const char *p = strstr(doc, from);
    ASSERT_MSG(p, "'%s' is not in the document", from);
    size_t a = (size_t)(p - doc), lf = strlen(from), lt = strlen(to);
    char *out = malloc(strlen(doc) - lf + lt + 1);
    ASSERT(out);
    memcpy(out, doc, a);
    memcpy(out + a, to, lt);
    strcpy(out + a + lt, p + lf);
    return out;
}

typedef struct bad_edit {
    const char *from, *to;
    const char *msg;   /* must be in the message, after "bad.json" */
} bad_edit;

static const bad_edit edits[] = {
    /* another format version, or none */
    {"\"concviz_costs\": 6", "\"concviz_costs\": 1",
     "bad.json: a cost profile of format 1; this concviz reads format 6: measure "
     "again with `concviz calibrate`"},
    /* A profile of format 2 lacks asyncio_wait: charging it nothing would
     * be a silent fallback, so it is measured again (a trace of format 2
     * reads: its run charged none). */
    {"\"concviz_costs\": 6", "\"concviz_costs\": 2",
     "bad.json: a cost profile of format 2; this concviz reads format 6: measure "
     "again with `concviz calibrate`"},
    /* Nor one of format 3, which lacks the costs of making and starting
     * threads (thread_new, thread_start_code, thread_first) and of the
     * default executor. */
    {"\"concviz_costs\": 6", "\"concviz_costs\": 3",
     "bad.json: a cost profile of format 3; this concviz reads format 6: measure "
     "again with `concviz calibrate`"},
    /* Nor one of format 4, which lacks a thread's exit (thread_exit). */
    {"\"concviz_costs\": 6", "\"concviz_costs\": 4",
     "bad.json: a cost profile of format 4; this concviz reads format 6: measure "
     "again with `concviz calibrate`"},
    /* Nor one of format 5, which lacks a Pool's making (pool_make) and
     * whose forkserver launch held every start's server work. */
    {"\"concviz_costs\": 6", "\"concviz_costs\": 5",
     "bad.json: a cost profile of format 5; this concviz reads format 6: measure "
     "again with `concviz calibrate`"},
    {"\"concviz_costs\": 6", "\"concviz\": 2",
     "bad.json: not a concviz cost profile: it has no field concviz_costs"},
    {"\"concviz_costs\": 6", "\"concviz_costs\": \"2\"",
     "bad.json: not a concviz cost profile: it has no field concviz_costs"},
    /* missing fields */
    {"\"version\": \"3.11.7\", ", "", "bad.json: no field interpreter (its implementation"},
    {"\"command\": \"/usr/bin/python3.11\", ", "", "bad.json: no field interpreter.command"},
    {"\"measured_at\"", "\"measured\"", "bad.json: no field measured_at"},
    {"\"cpu_model\"", "\"model\"", "bad.json: no field machine (its cpus and cpu_model)"},
    {"\"spin_turn_ns\"", "\"spin\"", "bad.json: no field speed.spin_turn_ns"},
    {"\"unit_ns\"", "\"unit\"", "bad.json: no field speed.unit_ns"},
    {"\"costs\": {", "\"kosts\": {", "bad.json: no field costs"},
    {"\n  \"lock\": ", "\n  \"lock_\": ", "costs.lock_: not a cost this concviz knows"},
    {"\n  \"mp_value_inc\": ", "\n  \"mp_value_inc_\": ",
     "costs.mp_value_inc_: not a cost this concviz knows"},
    {",\n  \"mp_value_inc\": 1004.125", "", "costs.mp_value_inc: missing (a profile has "
     "every cost"},
    /* values: negative, absurd, the wrong type, too precise */
    {"\"loop_turn\": 10.000", "\"loop_turn\": -5", "costs.loop_turn: expected ns from 0 to "
     "10000 (10 us), got -5"},
    {"\"loop_turn\": 10.000", "\"loop_turn\": 1e9", "costs.loop_turn: expected ns from 0 "
     "to 10000 (10 us), got 1e9"},
    {"\"loop_turn\": 10.000", "\"loop_turn\": 1e300", "costs.loop_turn: expected a number "
     "with at most 3 decimals"},
    {"\"loop_turn\": 10.000", "\"loop_turn\": 10.0001", "costs.loop_turn: expected a "
     "number with at most 3 decimals"},
    {"\"loop_turn\": 10.000", "\"loop_turn\": \"10\"", "costs.loop_turn: expected a number"},
    {"\"loop_turn\": 10.000", "\"loop_turn\": null", "costs.loop_turn: expected a number"},
    {"\"mpq_put_byte\": ", "\"mpq_put_byte\": 5000", "costs.mpq_put_byte: expected ns from "
     "0 to 1000"},
    {"\"spin_turn_ns\": 34.125", "\"spin_turn_ns\": -1", "speed.spin_turn_ns: expected ns "
     "from 0"},
    {"\"cpus\": 2", "\"cpus\": -2", "machine.cpus: expected a whole number from 0 to "},
    {"\"asyncio_mmap_threshold\": 209612", "\"asyncio_mmap_threshold\": 40000000",
     "heap.asyncio_mmap_threshold: expected a whole number from 0 to 33554432"},
    {"\"asyncio_mmap_threshold\": 209612", "\"asyncio_mmap_threshold\": 2e5",
     "heap.asyncio_mmap_threshold: expected an integer"},
    {"\"heap\": {", "\"heap\": [1], \"x\": {", "heap: expected an object"},
    {"\"young_object_ns\": 36.767", "\"young_object_ns\": -3",
     "gc.young_object_ns: expected ns from 0 to 100000"},
    {"\"threshold0\": 700", "\"threshold0\": 7.5", "gc.threshold0: expected an integer"},
    {"\"gc\": {", "\"gc\": 3, \"x\": {", "gc: expected an object"},
    {"\"cpus\": 2", "\"cpus\": 2.5", "machine.cpus: expected an integer"},
    {"\"gil\": true", "\"gil\": 1", "interpreter.gil: expected true or false"},
    {"\"measured_at\": \"2026-11-29T20:49:32Z\"", "\"measured_at\": \"yesterday\"",
     "measured_at: expected a UTC date and time as 2026-11-29T20:49:32Z"},
    {"\"interpreter\": {", "\"interpreter\": 5, \"x\": {", "interpreter: expected an object"},
    {"\"version\": \"3.11.7\"", "\"version\": \"3.11.7-----------------------------------\"",
     "interpreter.version: expected a string of at most 31 bytes"},
    {"\n  \"lock\": ", "\n  \"loop_turn\": 1, \"lock\": ", "costs.loop_turn: named twice"},
    /* JSON that is not JSON */
    {"\"costs\": {", "\"costs\": {,", "bad.json:"},
    {"\n}\n", "\n}\n}\n", "bad.json:"},
    {"\"cpus\": 2", "\"cpus\": 2 /* two */", "bad.json:"},
};

static void test_bad_edits(void)
{
    sim_costs a, b, keep;
    char msg[512];
    sample(&a);
    const char *good_path = path_of("good.json");
    ASSERT_INT_EQ(sim_costs_save(good_path, &a, msg, sizeof msg), 0);
    char *good = strdup(slurp(good_path));
    ASSERT(good);
    const char *bad = path_of("bad.json");
    sim_costs_none(&keep);
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *doc = edit(good, edits[i].from, edits[i].to);
        put_file(bad, doc);
        b = keep;
        int e = sim_costs_load(bad, &b, msg, sizeof msg);
        /* Another version is told apart: a cache passes it over. */
        int want = i <= 4 ? SIM_E_VERSION : SIM_E_FORMAT;
        ASSERT_MSG(e == want, "edit %zu (%s): %d %s", i, edits[i].to, e, msg);
        ASSERT_CONTAINS(msg, bad);
        ASSERT_CONTAINS(msg, edits[i].msg);
        /* Nothing half-read: the caller's profile is as it was. */
        ASSERT(memcmp(&b, &keep, sizeof b) == 0);
        free(doc);
    }
    /* The same document with its fields in another order still reads. */
    char *moved = edit(good, "\"concviz_costs\": 6,", "");
    char *last = edit(moved, "\n}\n", ",\"concviz_costs\": 6}\n");
    put_file(bad, last);
    ASSERT_MSG(sim_costs_load(bad, &b, msg, sizeof msg) == 0, "%s", msg);
    free(moved);
    free(last);
    /* A profile without the heap (written before concviz read it) reads,
     * with glibc's own threshold. */
    char *noheap = edit(good, "\"heap\": {\"asyncio_mmap_threshold\": 209612},", "");
    put_file(bad, noheap);
    ASSERT_MSG(sim_costs_load(bad, &b, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_INT_EQ(b.asyncio_mmap_threshold, 0);
    free(noheap);
    /* So does one without the garbage collector's figures: none charged. */
    const char *from = strstr(good, "\"gc\": {"), *to = from ? strstr(from, "},") : NULL;
    ASSERT(from && to);
    char *nogc = strdup(good);
    ASSERT(nogc);
    memmove(nogc + (from - good), to + 2, strlen(to + 2) + 1);
    put_file(bad, nogc);
    ASSERT_MSG(sim_costs_load(bad, &b, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_INT_EQ(b.gc.threshold[0], 0);
    free(nogc);
    /* Unknown members outside "costs" are allowed (a note, a newer tool). */
    char *extra = edit(good, "\"measured_at\"", "\"comment\": [1, {}], \"measured_at\"");
    put_file(bad, extra);
    ASSERT_MSG(sim_costs_load(bad, &b, msg, sizeof msg) == 0, "%s", msg);
    free(extra);
    /* Cut short anywhere: refused, and said to be cut when it is. */
    size_t len = strlen(good);
    for (size_t cut = 0; cut < len - 1; cut += 7) {
        char *part = strndup(good, cut);
        put_file(bad, part);
        ASSERT_MSG(sim_costs_load(bad, &b, msg, sizeof msg) == SIM_E_FORMAT, "cut %zu", cut);
        ASSERT_CONTAINS(msg, bad);
        if (cut > 0)
            ASSERT_CONTAINS(msg, "cut short");
        free(part);
    }
    free(good);
    unlink(bad);
    unlink(good_path);
}

static void test_bad_files(void)
{
    sim_costs b;
    char msg[512];
    const char *p;

    p = path_of("missing.json");
    ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, p);
    ASSERT_CONTAINS(msg, "no such file");

    p = path_of("folder.json");
    ASSERT(mkdir(p, 0700) == 0);
    ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "is a folder");
    ASSERT(rmdir(p) == 0);

    /* A FIFO with no writer: refused at once, never waited on. */
    p = path_of("fifo.json");
    ASSERT(mkfifo(p, 0600) == 0);
    ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "not a regular file");
    unlink(p);

    p = path_of("empty.json");
    put_file(p, "  \n");
    ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "it is empty");
    put_file(p, "[1, 2]");
    ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "not a concviz cost profile: it is not a JSON object");
    put_file(p, "\x7f" "ELF\x01\x01");
    ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, p);
    unlink(p);

    /* Unreadable (as root, permissions do not stop a read: skip that). */
    p = path_of("secret.json");
    put_file(p, "{}");
    ASSERT(chmod(p, 0) == 0);
    if (geteuid() != 0) {
        ASSERT_INT_EQ(sim_costs_load(p, &b, msg, sizeof msg), SIM_E_SYS);
        ASSERT_CONTAINS(msg, "cannot open");
    }
    unlink(p);
}

/* ---- which profile a run gets --------------------------------------------- */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* A PATH of one folder holding an executable python3 (a shell script:
 * nothing runs it here); returns its resolved path. */
static const char *fake_python(const char *folder)
{
    static char real[512];
    char path[256];
    ASSERT(mkdir(folder, 0700) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/python3", folder);
    put_file(path, "#!/bin/sh\nexit 1\n");
    ASSERT(chmod(path, 0700) == 0);
    ASSERT(realpath(path, real));
    return real;
}

static void test_resolve(void)
{
    char msg[1024], cache[256];
    sim_costs c, p;
    sim_config cfg = {0};
    sim_calib calib = {.ns_per_unit = 1.0};

    ASSERT(setenv("XDG_CACHE_HOME", path_of("cache"), 1) == 0);
    ASSERT_INT_EQ(sim_costs_cache_dir(cache, sizeof cache, msg, sizeof msg), 0);
    ASSERT_STR_EQ(cache, path_of("cache/concviz"));

    /* No python3 in PATH at all: the built-in profile, saying why. */
    ASSERT(setenv("PATH", path_of("empty-bin"), 1) == 0);
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_BUILTIN);
    ASSERT_CONTAINS(c.origin.note, "no python3");

    /* A python3, no cache folder yet: built-in, and how to calibrate. */
    const char *py = fake_python(path_of("bin"));
    ASSERT(setenv("PATH", path_of("bin"), 1) == 0);
    char found[512];
    ASSERT_INT_EQ(sim_costs_find_program("python3", found, sizeof found), 0);
    ASSERT_STR_EQ(found, py);
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_BUILTIN);
    ASSERT_CONTAINS(c.origin.note, "has no calibrated profile: run `concviz calibrate`");

    /* Profiles in the cache: another interpreter's is not python3's; of
     * python3's, the newest wins. */
    ASSERT(mkdir(path_of("cache"), 0700) == 0 && mkdir(cache, 0700) == 0);
    /* A profile an older concviz saved is passed over, and the note says
     * to measure again (it stays there: skipped beside good ones below). */
    put_file(path_of("cache/concviz/costs-cpython-3.8.0.json"),
             "{\"concviz_costs\": 1, \"costs\": {}}");
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_BUILTIN);
    ASSERT_CONTAINS(c.origin.note, "calibrated by another version of concviz");
    sample(&p);
    snprintf(p.origin.command, sizeof p.origin.command, "/opt/other/python3");
    ASSERT_INT_EQ(sim_costs_save(path_of("cache/concviz/costs-cpython-3.9.0.json"), &p, msg,
                                 sizeof msg), 0);
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_BUILTIN);
    /* The same interpreter reached another way (pyenv's shim ran it when
     * it was measured; from a Python program PATH starts at the version's
     * folder): its sys.executable, links resolved, is the python3 of PATH. */
    const char *link = path_of("bin/python3.x");
    ASSERT(symlink(py, link) == 0);
    snprintf(p.origin.command, sizeof p.origin.command, "/opt/shims/python3");
    snprintf(p.origin.executable, sizeof p.origin.executable, "%.255s", link);
    const char *shimmed = path_of("cache/concviz/costs-cpython-3.10.0.json");
    ASSERT_INT_EQ(sim_costs_save(shimmed, &p, msg, sizeof msg), 0);
    ASSERT_MSG(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_CALIBRATED);
    ASSERT_STR_EQ(c.origin.file, shimmed);
    ASSERT(unlink(shimmed) == 0 && unlink(link) == 0);
    snprintf(p.origin.executable, sizeof p.origin.executable, "/usr/bin/python3.11");
    snprintf(p.origin.command, sizeof p.origin.command, "%.255s", py);
    p.ns[SIM_COST_LOCK] = 111;
    ASSERT_INT_EQ(sim_costs_save(path_of("cache/concviz/costs-cpython-3.11.7.json"), &p, msg,
                                 sizeof msg), 0);
    snprintf(p.origin.measured_at, sizeof p.origin.measured_at, "2025-01-01T00:00:00Z");
    p.ns[SIM_COST_LOCK] = 222;
    ASSERT_INT_EQ(sim_costs_save(path_of("cache/concviz/costs-cpython-3.11.6.json"), &p, msg,
                                 sizeof msg), 0);
    /* atomic_file.h's temporary files and other names are not profiles. */
    put_file(path_of("cache/concviz/.costs-x.json.AbCdEf"), "{");
    put_file(path_of("cache/concviz/notes.txt"), "hello");
    ASSERT_MSG(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_CALIBRATED);
    ASSERT(c.ns[SIM_COST_LOCK] == 111);
    ASSERT_STR_EQ(c.origin.file, path_of("cache/concviz/costs-cpython-3.11.7.json"));
    char line[2048];
    sim_costs_describe(&c, 2, "Caf\xc3\xa9 \"Turbo\" CPU", line, sizeof line);
    ASSERT_STR_EQ(line, "CPython 3.11.7 calibrated on this machine, 2026-11-29");
    sim_costs_describe(&c, 8, "Other", line, sizeof line);
    ASSERT_STR_EQ(line, "CPython 3.11.7 calibrated on Caf\xc3\xa9 \"Turbo\" CPU (2 CPUs), "
                  "2026-11-29");
    ASSERT_STR_EQ(c.origin.note, "");
    /* Calibrated before the garbage collector was counted: charged, and
     * the note says how to have the collector too. */
    snprintf(p.origin.measured_at, sizeof p.origin.measured_at, "2026-11-29T20:49:32Z");
    p.ns[SIM_COST_LOCK] = 111;
    sim_costs_gc had = p.gc;
    p.gc = (sim_costs_gc){0};
    ASSERT_INT_EQ(sim_costs_save(path_of("cache/concviz/costs-cpython-3.11.7.json"), &p, msg,
                                 sizeof msg), 0);
    ASSERT_MSG(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg) == 0, "%s", msg);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_CALIBRATED);
    ASSERT(c.ns[SIM_COST_LOCK] == 111);
    ASSERT_CONTAINS(c.origin.note, "no garbage collector in this profile");
    p.gc = had;
    ASSERT_INT_EQ(sim_costs_save(path_of("cache/concviz/costs-cpython-3.11.7.json"), &p, msg,
                                 sizeof msg), 0);

    /* A broken profile in the cache is an error, named: never skipped. */
    const char *broken = path_of("cache/concviz/costs-cpython-3.13.0.json");
    put_file(broken, "{\"concviz_costs\": 6, \"costs\": {\"lock\": -1}}");
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, broken);
    ASSERT_CONTAINS(msg, "costs.lock");
    ASSERT_CONTAINS(msg, "concviz calibrate");
    unlink(broken);

    /* The explicit choices. */
    char why[512];
    ASSERT_INT_EQ(sim_config_set(&cfg, SIM_CFG_COSTS, "none", 1, why, sizeof why), 0);
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_NONE);
    sim_costs_describe(&c, 2, "x", line, sizeof line);
    ASSERT_CONTAINS(line, "none: the bare engines");
    ASSERT_INT_EQ(sim_config_set(&cfg, SIM_CFG_COSTS, "builtin", 1, why, sizeof why), 0);
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_BUILTIN);
    ASSERT_STR_EQ(c.origin.note, "");
    sim_costs_describe(&c, 1, "x", line, sizeof line);
    ASSERT_CONTAINS(line, "built-in: CPython 3.12");
    const char *file = path_of("cache/concviz/costs-cpython-3.11.6.json");
    ASSERT_INT_EQ(sim_config_set(&cfg, SIM_CFG_COSTS, file, 1, why, sizeof why), 0);
    ASSERT_INT_EQ(cfg.costs, SIM_COSTS_FILE);
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.origin.source, SIM_COSTS_FILE);
    ASSERT(c.ns[SIM_COST_LOCK] == 222);
    sim_costs_describe(&c, 2, "Caf\xc3\xa9 \"Turbo\" CPU", line, sizeof line);
    ASSERT_CONTAINS(line, "CPython 3.11.7 measured on this machine, 2025-01-01 (");
    ASSERT_INT_EQ(sim_config_set(&cfg, SIM_CFG_COSTS, path_of("nope.json"), 1, why,
                                 sizeof why), 0);
    ASSERT_INT_EQ(sim_costs_resolve(&cfg, &calib, &c, msg, sizeof msg), SIM_E_USAGE);
    ASSERT_CONTAINS(msg, "nope.json: no such file (the cost profile --costs names)");

    /* The setting: words, a file, and what it is not. */
    char got[256];
    sim_config_get(&cfg, SIM_CFG_COSTS, got, sizeof got);
    ASSERT_STR_EQ(got, path_of("nope.json"));
    ASSERT_INT_EQ(sim_config_set(&cfg, SIM_CFG_COSTS, "calibrated", 1, why, sizeof why), 0);
    ASSERT(cfg.costs == SIM_COSTS_CALIBRATED && !cfg.costs_file);
    sim_config_get(&cfg, SIM_CFG_COSTS, got, sizeof got);
    ASSERT_STR_EQ(got, "calibrated");
    ASSERT_INT_EQ(sim_config_set(&cfg, SIM_CFG_COSTS, "", 1, why, sizeof why), -1);
    ASSERT_CONTAINS(why, "expected calibrated, builtin, none or a profile file");
    ASSERT_INT_EQ(sim_config_set(&cfg, SIM_CFG_COSTS, "file", 1, why, sizeof why), -1);
    ASSERT_INT_EQ(sim_config_fields[SIM_CFG_COSTS].in_lessons, 0);

    /* Programs: a folder and a file that cannot run are not programs. */
    ASSERT_INT_EQ(sim_costs_find_program(path_of("bin"), found, sizeof found), -EISDIR);
    put_file(path_of("bin/plain"), "x");
    ASSERT(chmod(path_of("bin/plain"), 0600) == 0);
    if (geteuid() != 0)
        ASSERT_INT_EQ(sim_costs_find_program(path_of("bin/plain"), found, sizeof found),
                      -EACCES);
    ASSERT_INT_EQ(sim_costs_find_program(path_of("bin/none"), found, sizeof found), -ENOENT);
    ASSERT_INT_EQ(sim_costs_find_program("no-such-program-here", found, sizeof found),
                  -ENOENT);

    /* File names: by interpreter, nothing outside a plain set of letters. */
    sim_costs_origin o = {0};
    snprintf(o.implementation, sizeof o.implementation, "cpython");
    snprintf(o.version, sizeof o.version, "3.13.0/../x y");
    sim_costs_file_name(&o, line, sizeof line);
    ASSERT_STR_EQ(line, "costs-cpython-3.13.0_.._x_y.json");

    ASSERT(nftw(path_of("cache"), remove_one, 8, FTW_DEPTH | FTW_PHYS) == 0);
    ASSERT(nftw(path_of("bin"), remove_one, 8, FTW_DEPTH | FTW_PHYS) == 0);
    unsetenv("XDG_CACHE_HOME");
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/concviz-costs-test-XXXXXX");
    ASSERT(mkdtemp(dir));
    test_table();
    test_none_and_builtin();
    test_round_trip();
    test_bad_edits();
    test_bad_files();
    test_resolve();
    ASSERT_MSG(rmdir(dir) == 0, "%s: %s (something was left behind)", dir, strerror(errno));
    puts("costs: ok");
    TEST_DONE();
}
