/* costs_json.c - cost profiles as JSON: files, and the object a trace keeps.
 *
 * A profile file decides what every later run charges, so it is read as
 * strictly as a trace is: its format version first (a file from another
 * concviz says so, rather than failing on a field it does not know), then
 * every field with its type and its range, and each error names the file,
 * the line and column, and the field ("costs.lock"). A profile is either
 * read whole or not at all: the caller's sim_costs changes only on
 * success. Nothing falls back to a default in silence.
 *
 * Numbers are nanoseconds with at most three decimals, read with
 * sim_json_fixed (exact, and independent of the C locale's decimal point).
 */
#include "costs.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "err.h"
#include "format.h"

#define MAX_FILE (1 << 20)   /* a profile is about 2 KiB */
#define MAX_SPEED_NS 1e6     /* spin_turn_ns, unit_ns: 1 ms a turn is absurd */
#define MAX_MMAP_THRESHOLD ((int64_t)32 << 20) /* glibc's mmap threshold never rises past */

/* ---- reading ------------------------------------------------------------- */

/* The format that added each cost, for those added after the oldest a
 * trace may hold (SIM_COSTS_FORMAT_OLDEST): 0 for the others. */
static const int added_in[SIM_COST__COUNT] = {
    [SIM_COST_ASYNCIO_WAIT] = 3,
    [SIM_COST_THREAD_NEW] = 4,
    [SIM_COST_THREAD_START_CODE] = 4,
    [SIM_COST_THREAD_FIRST] = 4,
    [SIM_COST_THREAD_POOL] = 4,
    [SIM_COST_THREAD_POOL_TASK] = 4,
    [SIM_COST_THREAD_POOL_TASK_WORKER] = 4,
    [SIM_COST_DEFAULT_EXECUTOR] = 4,
    [SIM_COST_EXECUTOR_SHUTDOWN] = 4,
    [SIM_COST_THREAD_EXIT] = 5,
    [SIM_COST_POOL_MAKE] = 6,
    [SIM_COST_ASYNCIO_TASK_END] = 6,
};

typedef struct reader {
    sim_json *j;
    sim_costs c;
    unsigned seen;                 /* SIM_COSTS_HAS_* */
    int have[SIM_COST__COUNT];
    int64_t format;                /* the profile's format: the costs it must have */
    int64_t oldest;                /* the oldest format read (a trace's: older ones) */
} reader;

/* Fails at byte `at` with "FIELD: what" (the field's full name). */
static int fail_at(reader *r, size_t at, const char *field, const char *what)
{
    return sim_json_fail_at(r->j, at, "%s: %s", field, what);
}

/* Tries a read on a copy of the parser, so that a failure can be reported
 * with the field's name in front of the parser's own words. */
#define TRY(r, field, call_on_t)                                           \
    do {                                                                   \
        sim_json t = *(r)->j;                                              \
        sim_json_peek(&t);                                                 \
        size_t at_ = t.pos;                                                \
        if ((call_on_t) < 0) {                                             \
            char why_[200];                                                \
            snprintf(why_, sizeof why_, "%s", t.err);                      \
            return fail_at((r), at_, (field), why_);                       \
        }                                                                  \
        *(r)->j = t;                                                       \
    } while (0)

static int read_str(reader *r, const char *field, char *buf, size_t n)
{
    TRY(r, field, sim_json_string(&t, buf, n, NULL));
    return 0;
}

/* A number of ns in [lo, hi] (lo_open: lo itself is refused). */
static int read_ns(reader *r, const char *field, double lo, int lo_open, double hi,
                   double *out)
{
    int64_t ps;
    sim_json_peek(r->j);
    size_t at = sim_json_pos(r->j);
    TRY(r, field, sim_json_fixed(&t, 3, &ps));
    double ns = (double)ps / 1000.0;
    if (ns < lo || (lo_open && ns <= lo) || ns > hi) {
        char lim[32], why[160];
        sim_format_ns((int64_t)hi, lim, sizeof lim);
        snprintf(why, sizeof why, "expected ns %s %g to %g (%s), got %.*s",
                 lo_open ? "above" : "from", lo, hi, lim,
                 (int)(sim_json_pos(r->j) - at < 40 ? sim_json_pos(r->j) - at : 40), sim_json_at(r->j, at));
        return fail_at(r, at, field, why);
    }
    *out = ns;
    return 0;
}

/* A whole number in [lo, hi]. */
static int read_int(reader *r, const char *field, int64_t lo, int64_t hi, int64_t *out)
{
    sim_json_peek(r->j);
    size_t at = sim_json_pos(r->j);
    TRY(r, field, sim_json_int64(&t, out));
    if (*out < lo || *out > hi) {
        char why[96];
        snprintf(why, sizeof why, "expected a whole number from %lld to %lld, got %lld",
                 (long long)lo, (long long)hi, (long long)*out);
        return fail_at(r, at, field, why);
    }
    return 0;
}

static int read_bool(reader *r, const char *field, int *v)
{
    TRY(r, field, sim_json_bool(&t, v));
    return 0;
}

static int begin(reader *r, const char *field)
{
    TRY(r, field, sim_json_begin_object(&t));
    return 0;
}

static int read_interpreter(reader *r)
{
    sim_costs_origin *o = &r->c.origin;
    char key[32];
    int more, got = 0, e = 0;
    if (begin(r, "interpreter") < 0)
        return -1;
    while (!e && (more = sim_json_next_key(r->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "implementation")) {
            e = read_str(r, "interpreter.implementation", o->implementation,
                         sizeof o->implementation);
            got |= 1;
        } else if (!strcmp(key, "version")) {
            e = read_str(r, "interpreter.version", o->version, sizeof o->version);
            got |= 2;
        } else if (!strcmp(key, "gil")) {
            e = read_bool(r, "interpreter.gil", &o->gil);
            got |= 4;
        } else if (!strcmp(key, "executable")) {
            e = read_str(r, "interpreter.executable", o->executable, sizeof o->executable);
        } else if (!strcmp(key, "command")) {
            e = read_str(r, "interpreter.command", o->command, sizeof o->command);
            if (!e && o->command[0])
                r->seen |= SIM_COSTS_HAS_COMMAND;
        } else {
            e = sim_json_skip(r->j);
        }
    }
    if (e || more < 0)
        return -1;
    if (got == 7 && o->implementation[0] && o->version[0])
        r->seen |= SIM_COSTS_HAS_INTERPRETER;
    return 0;
}

static int read_machine(reader *r)
{
    sim_costs_origin *o = &r->c.origin;
    char key[32];
    int more, got = 0, e = 0;
    if (begin(r, "machine") < 0)
        return -1;
    while (!e && (more = sim_json_next_key(r->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "cpus")) {
            int64_t v;
            e = read_int(r, "machine.cpus", 0, 1 << 20, &v); /* 0: unknown */
            o->cpus = (int)v;
            got |= v > 0;
        } else if (!strcmp(key, "cpu_model")) {
            e = read_str(r, "machine.cpu_model", o->cpu_model, sizeof o->cpu_model);
            got |= o->cpu_model[0] ? 2 : 0;
        } else {
            e = sim_json_skip(r->j);
        }
    }
    if (e || more < 0)
        return -1;
    if (got == 3)
        r->seen |= SIM_COSTS_HAS_MACHINE;
    return 0;
}

static int read_speed(reader *r)
{
    sim_costs_origin *o = &r->c.origin;
    char key[32];
    int more, e = 0;
    if (begin(r, "speed") < 0)
        return -1;
    while (!e && (more = sim_json_next_key(r->j, key, sizeof key)) > 0) {
        /* 0 means unknown (a profile of source none); a file needs both. */
        if (!strcmp(key, "spin_turn_ns")) {
            e = read_ns(r, "speed.spin_turn_ns", 0, 0, MAX_SPEED_NS, &o->spin_turn_ns);
            r->seen |= o->spin_turn_ns > 0 ? SIM_COSTS_HAS_SPIN : 0;
        } else if (!strcmp(key, "unit_ns")) {
            e = read_ns(r, "speed.unit_ns", 0, 0, MAX_SPEED_NS, &o->unit_ns);
            r->seen |= o->unit_ns > 0 ? SIM_COSTS_HAS_UNIT : 0;
        } else {
            e = sim_json_skip(r->j);
        }
    }
    return e || more < 0 ? -1 : 0;
}

/* The C library's state the interpreter leaves (optional: 0 if absent). */
static int read_heap(reader *r)
{
    char key[32];
    int more, e = 0;
    if (begin(r, "heap") < 0)
        return -1;
    while (!e && (more = sim_json_next_key(r->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "asyncio_mmap_threshold"))
            e = read_int(r, "heap.asyncio_mmap_threshold", 0, MAX_MMAP_THRESHOLD,
                         &r->c.asyncio_mmap_threshold);
        else
            e = sim_json_skip(r->j);
    }
    return e || more < 0 ? -1 : 0;
}

/* The garbage collector's figures, one table for reading and writing
 * them, in the order a profile has them: whole numbers (counts) or ns and
 * objects with up to 3 decimals, each with its largest sane value. */
typedef struct gc_field {
    const char *name;
    size_t off;   /* in sim_costs_gc */
    int whole;    /* an int64_t count; else a double */
    double most;
} gc_field;

#define GC_COUNT(name, member, k, most) \
    {name, offsetof(sim_costs_gc, member) + (k) * sizeof(int64_t), 1, most}
#define GC_NS(member, most) {#member, offsetof(sim_costs_gc, member), 0, most}

static const gc_field gc_fields[] = {
    GC_COUNT("threshold0", threshold, 0, 1 << 30),
    GC_COUNT("threshold1", threshold, 1, 1 << 30),
    GC_COUNT("threshold2", threshold, 2, 1 << 30),
    GC_COUNT("start_count0", start_count, 0, 1 << 30),
    GC_COUNT("start_count1", start_count, 1, 1 << 30),
    GC_COUNT("start_count2", start_count, 2, 1 << 30),
    GC_COUNT("start_objects0", start_objects, 0, 1e12),
    GC_COUNT("start_objects1", start_objects, 1, 1e12),
    GC_COUNT("start_objects2", start_objects, 2, 1e12),
    GC_COUNT("start_full", start_full, 0, 1 << 30),
    GC_NS(task_objects, 1000),
    GC_NS(task_ready_objects, 1000),
    GC_NS(task_end_objects, 1000),
    GC_NS(young_object_ns, 100000),
    GC_NS(full_object_ns_small, 100000),
    GC_COUNT("full_objects_small", full_objects_small, 0, 1e12),
    GC_NS(full_object_ns, 100000),
    GC_COUNT("full_objects", full_objects, 0, 1e12),
};
enum { GC_FIELDS = sizeof gc_fields / sizeof gc_fields[0] };

/* The "gc" section (optional: none charged if absent). */
static int read_gc(reader *r)
{
    char key[32], field[48];
    int more, e = 0;
    if (begin(r, "gc") < 0)
        return -1;
    while (!e && (more = sim_json_next_key(r->j, key, sizeof key)) > 0) {
        const gc_field *fd = NULL;
        for (int k = 0; k < GC_FIELDS && !fd; k++)
            fd = strcmp(key, gc_fields[k].name) ? NULL : &gc_fields[k];
        if (!fd) {
            e = sim_json_skip(r->j);
            continue;
        }
        snprintf(field, sizeof field, "gc.%s", key);
        char *at = (char *)&r->c.gc + fd->off;
        e = fd->whole ? read_int(r, field, 0, (int64_t)fd->most, (int64_t *)(void *)at)
                      : read_ns(r, field, 0, 0, fd->most, (double *)(void *)at);
    }
    return e || more < 0 ? -1 : 0;
}

static int read_costs(reader *r)
{
    char key[48], field[64];
    int more, e = 0;
    if (begin(r, "costs") < 0)
        return -1;
    while ((more = sim_json_next_key(r->j, key, sizeof key)) > 0) {
        sim_json_peek(r->j);
        size_t key_at = sim_json_pos(r->j); /* its value, where the error points */
        snprintf(field, sizeof field, "costs.%s", key);
        int k = sim_cost_find(key);
        if (k < 0)
            return fail_at(r, key_at, field, "not a cost this concviz knows (a "
                           "profile holds exactly the costs concviz charges)");
        if (r->have[k])
            return fail_at(r, key_at, field, "named twice");
        e = read_ns(r, field, 0, 0, sim_cost_infos[k].max_ns, &r->c.ns[k]);
        if (e)
            return -1;
        r->have[k] = 1;
    }
    if (more < 0)
        return -1;
    for (int k = 0; k < SIM_COST__COUNT; k++) {
        if (!r->have[k] && added_in[k] > r->format)
            continue; /* a trace of an older format: that cost was not charged */
        if (!r->have[k]) {
            snprintf(field, sizeof field, "costs.%s", sim_cost_infos[k].name);
            return sim_json_fail(r->j, "%s: missing (a profile has every cost of "
                                 "this concviz: measure them with `concviz calibrate`)",
                                 field);
        }
    }
    r->seen |= SIM_COSTS_HAS_COSTS;
    return 0;
}

/* "2026-11-29T20:49:32Z", as now_utc writes it. */
static int is_date(const char *s)
{
    static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
    for (size_t i = 0; i < sizeof pat - 1; i++) {
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return 0;
    }
    return s[sizeof pat - 1] == '\0';
}

static int read_member(reader *r, const char *key)
{
    sim_costs_origin *o = &r->c.origin;
    if (!strcmp(key, "interpreter"))
        return read_interpreter(r);
    if (!strcmp(key, "machine"))
        return read_machine(r);
    if (!strcmp(key, "speed"))
        return read_speed(r);
    if (!strcmp(key, "costs"))
        return read_costs(r);
    if (!strcmp(key, "heap"))
        return read_heap(r);
    if (!strcmp(key, "gc"))
        return read_gc(r);
    if (!strcmp(key, "measured_at")) {
        sim_json_peek(r->j);
        size_t at = sim_json_pos(r->j);
        if (read_str(r, "measured_at", o->measured_at, sizeof o->measured_at) < 0)
            return -1;
        if (!o->measured_at[0])
            return 0; /* unknown: a profile of source none */
        if (!is_date(o->measured_at))
            return fail_at(r, at, "measured_at", "expected a UTC date and time as "
                           "2026-11-29T20:49:32Z");
        r->seen |= SIM_COSTS_HAS_DATE;
        return 0;
    }
    if (!strcmp(key, "source")) {
        char name[16];
        sim_json_peek(r->j);
        size_t at = sim_json_pos(r->j);
        if (read_str(r, "source", name, sizeof name) < 0)
            return -1;
        if (sim_costs_source_parse(name, &o->source) != 0)
            return fail_at(r, at, "source", "expected calibrated, builtin, none or file");
        return 0;
    }
    if (!strcmp(key, "scale"))
        return read_ns(r, "scale", 0, 1, 1000, &o->scale);
    if (!strcmp(key, "file"))
        return read_str(r, "file", o->file, sizeof o->file);
    if (!strcmp(key, "note"))
        return read_str(r, "note", o->note, sizeof o->note);
    return sim_json_skip(r->j);
}

/* The format version, looked for before anything else is judged. Leaves
 * the parser where it was. Returns the version, 0 if there is none, or -1
 * on a syntax error. */
static int64_t find_format(sim_json *j)
{
    sim_json t = *j;
    char key[32];
    int more;
    int64_t fmt = 0;
    if (sim_json_begin_object(&t) < 0)
        return -1;
    while ((more = sim_json_next_key(&t, key, sizeof key)) > 0) {
        if (!strcmp(key, "concviz_costs") && sim_json_peek(&t) == SIM_JSON_NUMBER) {
            if (sim_json_int64(&t, &fmt) < 0)
                return -1;
        } else if (sim_json_skip(&t) < 0) {
            return -1;
        }
    }
    return more < 0 ? -1 : fmt;
}

/* The whole object; on success r->c holds it and r->seen says what it
 * had. Errors are left in r->j. */
static int read_profile(reader *r, int64_t *fmt)
{
    *fmt = find_format(r->j);
    if (*fmt < 0) {
        /* A syntax error: the same walk on the parser itself records it. */
        if (sim_json_skip(r->j) == 0)
            sim_json_fail(r->j, "expected a JSON object");
        return -1;
    }
    if (*fmt > SIM_COSTS_FORMAT || *fmt < (r->oldest ? r->oldest : SIM_COSTS_FORMAT))
        return 1;
    r->format = *fmt;
    memset(&r->c, 0, sizeof r->c);
    r->c.origin.source = SIM_COSTS_FILE;
    r->c.origin.gil = 1;
    r->c.origin.scale = 1.0;
    r->seen = 0;
    memset(r->have, 0, sizeof r->have);
    char key[32];
    int more, e = 0;
    if (sim_json_begin_object(r->j) < 0)
        return -1;
    while (!e && (more = sim_json_next_key(r->j, key, sizeof key)) > 0)
        e = read_member(r, key);
    return e || more < 0 ? -1 : 0;
}

static const char *missing_field(unsigned lack)
{
    if (lack & SIM_COSTS_HAS_INTERPRETER)
        return "interpreter (its implementation, version and gil)";
    if (lack & SIM_COSTS_HAS_COMMAND)
        return "interpreter.command";
    if (lack & SIM_COSTS_HAS_DATE)
        return "measured_at";
    if (lack & SIM_COSTS_HAS_MACHINE)
        return "machine (its cpus and cpu_model)";
    if (lack & SIM_COSTS_HAS_SPIN)
        return "speed.spin_turn_ns";
    if (lack & SIM_COSTS_HAS_UNIT)
        return "speed.unit_ns";
    return "costs";
}

int sim_costs_parse(const char *buf, size_t len, const char *name, unsigned need,
                    sim_costs *out, char *msg, size_t n)
{
    sim_json j;
    reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(msg, n, "%s: out of memory", name);
        return SIM_E_NOMEM;
    }
    sim_json_init(&j, buf, len);
    r->j = &j;
    int64_t fmt = 0;
    int e = SIM_OK;
    sim_json_type type = sim_json_peek(&j);
    if (type != SIM_JSON_OBJECT && type != SIM_JSON_ERROR) {
        snprintf(msg, n, "%s: not a concviz cost profile: %s", name,
                 type == SIM_JSON_END ? "it is empty" : "it is not a JSON object");
        e = SIM_E_FORMAT;
    } else {
        int k = read_profile(r, &fmt);
        if (k == 0 && sim_json_finish(&j) < 0)
            k = -1;
        if (k < 0) {
            char where[256];
            sim_json_error(&j, where, sizeof where);
            snprintf(msg, n, "%s:%s%s", name, where,
                     sim_json_cut_short(&j) ? " (it ends too early: is it cut short?)" : "");
            e = SIM_E_FORMAT;
        } else if (fmt == 0) {
            snprintf(msg, n, "%s: not a concviz cost profile: it has no field "
                     "concviz_costs (`concviz calibrate` writes profiles)", name);
            e = SIM_E_FORMAT;
        } else if (k > 0) {
            snprintf(msg, n, "%s: a cost profile of format %lld; this concviz reads "
                     "format %d: measure again with `concviz calibrate`", name,
                     (long long)fmt, SIM_COSTS_FORMAT);
            e = SIM_E_VERSION;
        } else if (need & ~r->seen) {
            snprintf(msg, n, "%s: no field %s", name, missing_field(need & ~r->seen));
            e = SIM_E_FORMAT;
        }
    }
    if (!e) {
        *out = r->c;
        if (n)
            msg[0] = '\0';
    }
    free(r);
    return e;
}

int sim_costs_read(sim_json *j, sim_costs *out)
{
    reader *r = calloc(1, sizeof *r);
    if (!r)
        return sim_json_fail(j, "out of memory");
    r->j = j;
    r->oldest = SIM_COSTS_FORMAT_OLDEST;
    int64_t fmt = 0;
    int k = read_profile(r, &fmt);
    if (k > 0 || (k == 0 && fmt == 0))
        k = sim_json_fail(j, "costs: expected a cost profile of format %d to %d, got %lld",
                          SIM_COSTS_FORMAT_OLDEST, SIM_COSTS_FORMAT, (long long)fmt);
    else if (k == 0 && !(r->seen & SIM_COSTS_HAS_COSTS))
        k = sim_json_fail(j, "costs: no field costs");
    if (k == 0)
        *out = r->c;
    free(r);
    return k < 0 ? -1 : 0;
}

int sim_costs_load(const char *path, sim_costs *out, char *msg, size_t n)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer forever. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT)
            snprintf(msg, n, "%s: no such file", path);
        else if (err == ENOTDIR)
            snprintf(msg, n, "%s: no such file (a part of the path is not a folder)", path);
        else
            snprintf(msg, n, "%s: cannot open: %s", path, strerror(err));
        return SIM_E_SYS;
    }
    struct stat st;
    char *buf = NULL;
    int e = SIM_E_SYS;
    if (fstat(fd, &st) != 0) {
        snprintf(msg, n, "%s: cannot read: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(msg, n, "%s: is a folder, not a cost profile", path);
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(msg, n, "%s: not a regular file; a cost profile is a file "
                 "`concviz calibrate` wrote", path);
    } else if (st.st_size > MAX_FILE) {
        snprintf(msg, n, "%s: too big (%lld bytes) for a cost profile (at most 1 MiB)",
                 path, (long long)st.st_size);
        e = SIM_E_FORMAT;
    } else if (!(buf = malloc((size_t)st.st_size + 1))) {
        snprintf(msg, n, "%s: out of memory", path);
        e = SIM_E_NOMEM;
    } else {
        size_t want = (size_t)st.st_size, got = 0;
        e = 0;
        while (got < want) {
            ssize_t k = read(fd, buf + got, want - got);
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                snprintf(msg, n, "%s: cannot read: %s", path, strerror(errno));
                e = SIM_E_SYS;
                break;
            }
            if (k == 0)
                break;
            got += (size_t)k;
        }
        sim_costs c;
        if (!e)
            e = sim_costs_parse(buf, got, path, SIM_COSTS_HAS_ALL, &c, msg, n);
        if (!e) {
            c.origin.source = SIM_COSTS_FILE;
            c.origin.scale = 1.0;
            c.origin.note[0] = '\0';
            snprintf(c.origin.file, sizeof c.origin.file, "%s", path);
            *out = c;
        }
    }
    free(buf);
    close(fd);
    return e;
}

/* ---- writing ------------------------------------------------------------- */

static void write_ns(FILE *f, double ns)
{
    sim_json_write_fixed(f, (int64_t)llround(ns * 1000.0), 3);
}

/* The object; `record` adds what a trace keeps (source, file, scale, note),
 * `nl` is the separator between members ("\n " in a file, "" in a trace). */
static void write_gc(FILE *f, const sim_costs_gc *g, const char *nl)
{
    if (g->threshold[0] <= 0)
        return; /* nothing known: no section, as a profile that had none */
    fprintf(f, "%s\"gc\": {", nl);
    for (int k = 0; k < GC_FIELDS; k++) {
        const char *at = (const char *)g + gc_fields[k].off;
        fprintf(f, "%s\"%s\": ", k ? ", " : "", gc_fields[k].name);
        if (gc_fields[k].whole)
            fprintf(f, "%lld", (long long)*(const int64_t *)(const void *)at);
        else
            write_ns(f, *(const double *)(const void *)at);
    }
    fputs("},", f);
}

static void write_object(FILE *f, const sim_costs *c, int record, const char *nl)
{
    const sim_costs_origin *o = &c->origin;
    fprintf(f, "{%s\"concviz_costs\": %d,", nl, SIM_COSTS_FORMAT);
    if (record) {
        fprintf(f, "%s\"source\": \"%s\", \"file\": ", nl, sim_costs_source_name(o->source));
        sim_json_write_string(f, o->file);
        fputs(", \"scale\": ", f);
        write_ns(f, o->scale);
        fputs(", \"note\": ", f);
        sim_json_write_string(f, o->note);
        fputc(',', f);
    }
    fprintf(f, "%s\"interpreter\": {\"implementation\": ", nl);
    sim_json_write_string(f, o->implementation);
    fputs(", \"version\": ", f);
    sim_json_write_string(f, o->version);
    fputs(", \"executable\": ", f);
    sim_json_write_string(f, o->executable);
    fputs(", \"command\": ", f);
    sim_json_write_string(f, o->command);
    fprintf(f, ", \"gil\": %s},%s\"measured_at\": ", o->gil ? "true" : "false", nl);
    sim_json_write_string(f, o->measured_at);
    fprintf(f, ",%s\"machine\": {\"cpus\": %d, \"cpu_model\": ", nl, o->cpus);
    sim_json_write_string(f, o->cpu_model);
    fprintf(f, "},%s\"speed\": {\"spin_turn_ns\": ", nl);
    write_ns(f, o->spin_turn_ns);
    fputs(", \"unit_ns\": ", f);
    write_ns(f, o->unit_ns);
    fprintf(f, "},%s\"heap\": {\"asyncio_mmap_threshold\": %lld},", nl,
            (long long)c->asyncio_mmap_threshold);
    write_gc(f, &c->gc, nl);
    fprintf(f, "%s\"costs\": {", nl);
    for (int k = 0; k < SIM_COST__COUNT; k++) {
        fprintf(f, "%s%s \"%s\": ", k ? "," : "", nl, sim_cost_infos[k].name);
        write_ns(f, c->ns[k]);
    }
    fprintf(f, "%s}%s}%s", nl, nl[0] ? "\n" : "", nl[0] ? "\n" : "");
}

void sim_costs_write(FILE *f, const sim_costs *c)
{
    write_object(f, c, 1, "");
}

int sim_costs_save(const char *path, const sim_costs *c, char *msg, size_t n)
{
    sim_afile af;
    int e = sim_afile_open(&af, path, msg, n);
    if (e)
        return e;
    write_object(af.f, c, 0, "\n ");
    return sim_afile_commit(&af, msg, n);
}
