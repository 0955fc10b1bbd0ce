/* trace_load.c - a saved run (Chrome Trace Event JSON) back into a comparison.
 *
 * The file is mapped into memory, not copied, and read in passes with the
 * pull parser of json.c; no tree is ever built:
 *   1. the whole document is checked for syntax, and the places of
 *      "otherData", "traceEvents" and "concviz_lanes" are noted (JSON does
 *      not fix the order of an object's members);
 *   2. otherData says which models there are and how much each holds,
 *      which is checked against the memory concviz may use before anything
 *      is built, then sets up the traces;
 *   3. the lanes are read: from concviz_lanes in format 3 and 4 files
 *      (trace_load_lanes.c), from the events of traceEvents in formats 1
 *      and 2 (trace_load_events.c).
 * The pages of the file are given back to the system as the passes move
 * on, so a file of gigabytes costs a window of it, plus the trace.
 *
 * Nothing in the file is trusted. Every number is range-checked before it
 * indexes anything; times must come in order; the counts in otherData must
 * match what is found, which tells a complete file from a cut one, and
 * nothing is kept past them. Memory grows only with what the file really
 * holds, never with a number it claims.
 */
#include "trace_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "format.h"
#include "json.h"
#include "read_file.h"
#include "trace_load_priv.h"

#define NOT_OURS "not a trace concviz can read"
#define OURS_HINT "concviz opens its own saved runs (`concviz run --trace FILE`, `concviz " \
                  "trace`) and Chrome trace JSON (viztracer, Perfetto, chrome://tracing)"

/* The message of a JSON or content error, at its line and column. */
int sim_tl_syntax(sim_tl *L)
{
    char where[256];
    sim_json_error(&L->j, where, sizeof where);
    snprintf(L->msg, L->n, "%s:%s%s", L->name, where,
             sim_json_cut_short(&L->j) ? " (the file ends too early: is it cut short?)" : "");
    return SIM_E_FORMAT;
}

/* A content error at byte `at` of the file. */
int sim_tl_bad_at(sim_tl *L, size_t at, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    sim_json_fail_at(&L->j, at, "%s", text);
    return sim_tl_syntax(L);
}

/* Reads an integer in [lo, hi] (what says what it is, for the message). */
int sim_tl_read_int(sim_tl *L, int64_t lo, int64_t hi, const char *what, int64_t *v)
{
    sim_json_peek(&L->j);
    size_t at = sim_json_pos(&L->j);
    if (sim_json_int64(&L->j, v) < 0)
        return sim_tl_syntax(L);
    if (*v < lo || *v > hi)
        return sim_tl_bad_at(L, at, "%s %lld is out of range (%lld..%lld)", what,
                      (long long)*v, (long long)lo, (long long)hi);
    return 0;
}

/* Reads a time in microseconds with up to 3 decimals, as ns. */
int sim_tl_read_us(sim_tl *L, const char *what, int64_t *ns)
{
    sim_json_peek(&L->j);
    size_t at = sim_json_pos(&L->j);
    if (sim_json_fixed(&L->j, 3, ns) < 0)
        return sim_tl_syntax(L);
    if (*ns < 0 || *ns > SIM_TRACE_MAX_NS)
        return sim_tl_bad_at(L, at, "%s %lld ns is out of range (0..%lld ns)", what,
                      (long long)*ns, (long long)SIM_TRACE_MAX_NS);
    return 0;
}

int sim_tl_nomem(sim_tl *L)
{
    snprintf(L->msg, L->n, "%s: out of memory", L->name);
    return SIM_E_NOMEM;
}

void sim_tl_seek(sim_tl *L, size_t pos)
{
    sim_json_seek(&L->j, pos);
    /* Going back: the pages from here on will be touched again. */
    if (pos < L->dropped)
        L->dropped = pos;
}

/* The window of a mapped file kept while reading: its pages fault in from
 * the page cache, and are given back once the reader is this far past. */
#define WINDOW (16u << 20)

void sim_tl_drop_behind(sim_tl *L)
{
    if (!L->map || sim_json_pos(&L->j) < L->dropped + 2 * (size_t)WINDOW)
        return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t from = L->dropped / page * page;
    size_t to = (sim_json_pos(&L->j) - WINDOW) / page * page;
    if (to > from)
        madvise((void *)(uintptr_t)(L->map + from), to - from, MADV_DONTNEED);
    L->dropped = to;
}

/* ---- the document ----------------------------------------------------- */

/* Where the document's members are (SIZE_MAX: absent); `array`: the
 * document is a bare array of events (the Trace Event Format's older form). */
typedef struct members {
    size_t other, events, lanes;
    int array;
} members;

/* Skips a value; an array item by item, giving back the pages passed. */
static int skip_value(sim_tl *L)
{
    if (sim_json_peek(&L->j) != SIM_JSON_ARRAY)
        return sim_json_skip(&L->j);
    int more;
    if (sim_json_begin_array(&L->j) < 0)
        return -1;
    while ((more = sim_json_next_item(&L->j)) > 0) {
        sim_tl_drop_behind(L);
        if (sim_json_skip(&L->j) < 0)
            return -1;
    }
    return more;
}

/* Pass 1: syntax of the whole file, and where the members are. */
static int find_members(sim_tl *L, members *at)
{
    char key[32];
    int more;
    *at = (members){SIZE_MAX, SIZE_MAX, SIZE_MAX, 0};
    sim_json_type t = sim_json_peek(&L->j);
    if (t == SIM_JSON_ERROR)
        return sim_tl_syntax(L);
    if (t == SIM_JSON_ARRAY) {
        at->array = 1;
        if (skip_value(L) < 0 || sim_json_finish(&L->j) < 0) {
            if (L->j.err_pos >= L->j.len) {
                snprintf(L->msg, L->n, "%s: the array of events is not closed: is the file "
                         "cut short? (chrome://tracing accepts that; concviz wants a ']' at "
                         "the end)", L->name);
                return SIM_E_FORMAT;
            }
            return sim_tl_syntax(L);
        }
        return 0;
    }
    if (t != SIM_JSON_OBJECT) {
        snprintf(L->msg, L->n, "%s: " NOT_OURS ": it is not a JSON object; "
                 OURS_HINT, L->name);
        return SIM_E_FORMAT;
    }
    sim_json_begin_object(&L->j);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        size_t *slot = !strcmp(key, "otherData") ? &at->other
                     : !strcmp(key, "traceEvents") ? &at->events
                     : !strcmp(key, "concviz_lanes") ? &at->lanes : NULL;
        sim_json_type vt = sim_json_peek(&L->j);
        if (slot) {
            sim_json_type want = slot == &at->other ? SIM_JSON_OBJECT : SIM_JSON_ARRAY;
            if (*slot != SIZE_MAX)
                return sim_tl_bad_at(L, sim_json_pos(&L->j), "%s appears twice", key);
            if (vt != want)
                return sim_tl_bad_at(L, sim_json_pos(&L->j), "expected %s",
                              want == SIM_JSON_OBJECT ? "an object" : "an array");
            *slot = sim_json_pos(&L->j);
        }
        if (skip_value(L) < 0)
            return sim_tl_syntax(L);
    }
    if (more < 0 || sim_json_finish(&L->j) < 0)
        return sim_tl_syntax(L);
    return 0;
}

/* Whether otherData (at `other`, or absent) has concviz_format: one of
 * concviz's saved runs. */
static int concviz_format(sim_tl *L, size_t other)
{
    if (other == SIZE_MAX)
        return 0;
    char key[32];
    int more, found = 0;
    sim_tl_seek(L, other);
    if (sim_json_begin_object(&L->j) < 0)
        return 0;
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "concviz_format"))
            found = 1;
        if (sim_json_skip(&L->j) < 0)
            return 0;
    }
    return found;
}

/* JSON text has no raw control bytes (they must be escaped even inside
 * strings), so one in the first few KiB means the file is not JSON. */
static int looks_binary(const char *buf, size_t len)
{
    size_t k = len < 4096 ? len : 4096;
    for (size_t i = 0; i < k; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
            return 1;
    }
    return 0;
}

uint64_t sim_trace_load_budget(void)
{
    /* The same budget as a run's by default (config.h): half of what the
     * machine can give now. */
    return (uint64_t)sim_memory_available() / 2;
}

/* Reads the document in buf (the caller's, or a mapping `map` of a file). */
static int load(const char *buf, size_t len, const char *name, uint64_t budget,
                const char *map, sim_comparison *c, char *msg, size_t n)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < SIM_MODEL__COUNT; k++)
        c->traces[k].end_ns = -1;
    sim_tl *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(msg, n, "%s: out of memory", name);
        return SIM_E_NOMEM;
    }
    L->name = name;
    L->c = c;
    L->msg = msg;
    L->n = n;
    L->budget = budget;
    L->map = map;
    int e = 0;
    size_t ws = 0;
    while (ws < len && buf[ws] && strchr(" \t\r\n", buf[ws]))
        ws++;
    members at;
    char big[32];
    if (ws == len) {
        snprintf(msg, n, "%s: the file is empty; a trace is a JSON object", name);
        e = SIM_E_FORMAT;
    } else if (len > SIM_TRACE_MAX_FILE) {
        sim_format_bytes((int64_t)SIM_TRACE_MAX_FILE, big, sizeof big);
        snprintf(msg, n, "%s: too big (%zu bytes); concviz opens traces of at "
                 "most %s", name, len, big);
        e = SIM_E_FORMAT;
    } else if (looks_binary(buf, len)) {
        snprintf(msg, n, "%s: " NOT_OURS ": it holds binary data, not JSON text; "
                 OURS_HINT, name);
        e = SIM_E_FORMAT;
    } else {
        sim_json_init(&L->j, buf, len);
        e = find_members(L, &at);
    }
    /* Not one of concviz's saved runs: a program's trace, or another
     * tool's Chrome trace (trace_foreign.c). */
    int foreign = !e && (at.array || !concviz_format(L, at.other));
    if (foreign)
        e = sim_tl_read_foreign(L, at.array);
    if (!e && !foreign)
        e = sim_tl_read_other_data(L, at.other);
    if (!e && !foreign && at.events == SIZE_MAX) {
        snprintf(msg, n, "%s: it has no traceEvents", name);
        e = SIM_E_FORMAT;
    }
    if (!e && !foreign && L->format >= 3 && at.lanes == SIZE_MAX) {
        snprintf(msg, n, "%s: it has no concviz_lanes, where format %d keeps the "
                 "lanes", name, L->format);
        e = SIM_E_FORMAT;
    }
    if (!e && !foreign)
        e = L->format >= 3 ? sim_tl_read_lanes(L, at.lanes) : sim_tl_read_events(L, at.events);
    free(L);
    if (e) {
        sim_comparison_deinit(c);
        return e;
    }
    /* Every trace records the whole run's configuration (CPython's keeps
     * its own pool and start method). */
    for (int i = 0; i < c->ntraces; i++) {
        sim_config *cfg = &c->traces[i].cfg;
        cfg->workload = c->workload;
        cfg->nmodels = 0;
        for (int k = 0; k < c->ntraces; k++)
            cfg->models[cfg->nmodels++] = c->traces[k].model;
        if (c->cpython[i].source == SIM_SOURCE_CPYTHON) {
            sim_config own = c->cpython[i].cfg;
            c->cpython[i].cfg = *cfg;
            c->cpython[i].cfg.workers = own.workers;
            c->cpython[i].cfg.start_method = own.start_method;
        }
    }
    if (n)
        msg[0] = '\0';
    return 0;
}

int sim_trace_load_mem(const char *buf, size_t len, const char *name,
                       sim_comparison *c, char *msg, size_t n)
{
    return load(buf, len, name, sim_trace_load_budget(), NULL, c, msg, n);
}

int sim_trace_load_mem_budget(const char *buf, size_t len, const char *name,
                              uint64_t budget, sim_comparison *c, char *msg, size_t n)
{
    return load(buf, len, name, budget, NULL, c, msg, n);
}

/* The `len` bytes of the regular file fd, mapped rather than copied: the
 * pages come from the page cache and go back to it as the reader moves on,
 * so memory follows the trace, not the file. Admitted limit of mapping: a
 * file that another program cuts short while concviz reads it stops
 * concviz with SIGBUS (a file replaced by renaming, as concviz saves, is
 * safe: the old one stays readable). */
static int load_fd(int fd, size_t len, const char *path, sim_comparison *c, char *msg,
                   size_t n)
{
    if (len == 0)
        return load("", 0, path, sim_trace_load_budget(), NULL, c, msg, n);
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        int err = errno;
        memset(c, 0, sizeof *c);
        snprintf(msg, n, "%s: cannot read: %s", path, strerror(err));
        return err == ENOMEM ? SIM_E_NOMEM : SIM_E_SYS;
    }
    madvise(map, len, MADV_SEQUENTIAL);
    int e = load(map, len, path, sim_trace_load_budget(), map, c, msg, n);
    munmap(map, len);
    return e;
}

int sim_trace_load(const char *path, sim_comparison *c, char *msg, size_t n)
{
    memset(c, 0, sizeof *c);
    /* A regular file or nothing: a FIFO must not wait for a writer
     * forever, a device or a folder cannot be a trace (read_file.h). */
    int fd;
    struct stat st;
    char why[256], big[32];
    int e = sim_file_open_regular(path, O_RDONLY, 0, "trace", &fd, &st, why, sizeof why);
    if (e) {
        snprintf(msg, n, "%s: %s", path, why);
        return SIM_E_SYS;
    }
    if ((uint64_t)st.st_size > SIM_TRACE_MAX_FILE) {
        sim_format_bytes((int64_t)SIM_TRACE_MAX_FILE, big, sizeof big);
        snprintf(msg, n, "%s: too big (%lld bytes); concviz opens traces of at "
                 "most %s", path, (long long)st.st_size, big);
        e = SIM_E_FORMAT;
    } else {
        e = load_fd(fd, (size_t)st.st_size, path, c, msg, n);
    }
    close(fd);
    return e;
}
