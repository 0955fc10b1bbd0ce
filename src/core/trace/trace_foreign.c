/* trace_foreign.c - Chrome trace files that are not concviz's saved runs:
 * a program's trace (`concviz trace`, trace_program.h) and the traces
 * other tools write (viztracer, Perfetto's JSON export, chrome://tracing).
 *
 * Both are the Trace Event Format's events, in an object's "traceEvents"
 * or (the format's older "JSON Array Format") a bare array. They are read
 * once, into a compact array (tf_event), with the metadata that names
 * processes and threads; then a concviz program file is rebuilt exactly
 * (trace_program_load.c), anything else drawn as it can be
 * (trace_foreign_lanes.c). What the format holds and concviz does not
 * draw (counters, async slices, samples, memory dumps) is counted and said
 * in the trace's note, never silently dropped.
 *
 * As for concviz's own files (trace_load.c): nothing is trusted, numbers
 * are range-checked, memory is held to the budget before the events are
 * read (one pre-pass counts them), and a bad file gets a message with its
 * line and column.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "format.h"
#include "trace_foreign.h"
#include "trace_load.h"
#include "trace_program.h"
#include "workload.h"

/* ---- numbers and strings ----------------------------------------------------- */

/* A number in microseconds (any JSON number: "12", "12.345678", "1e3"), as
 * ns rounded. Returns 0 or an error. */
static int read_us(tf *t, const char *what, int64_t *ns)
{
    sim_tl *L = t->L;
    if (sim_json_peek(&L->j) != SIM_JSON_NUMBER)
        return sim_tl_bad_at(L, L->j.pos, "%s: expected a number of microseconds", what);
    size_t start = L->j.pos;
    if (sim_json_skip(&L->j) < 0)
        return sim_tl_syntax(L);
    char buf[64];
    size_t n = L->j.pos - start;
    if (n >= sizeof buf)
        return sim_tl_bad_at(L, start, "%s: too many digits", what);
    memcpy(buf, L->j.buf + start, n);
    buf[n] = '\0';
    double us = strtod(buf, NULL);
    if (!(us >= -1e12 && us <= 1e12)) /* also NaN */
        return sim_tl_bad_at(L, start, "%s %s is out of range (at most 10^12 us)", what, buf);
    *ns = llround(us * 1000.0);
    return 0;
}

static int read_word(tf *t, uint32_t *idx);

/* pid and tid: numbers in most files, strings in some (TF_STRING_ID:
 * the string, interned, is the id and later the lane's name). */
static int read_id(tf *t, const char *what, int64_t *v)
{
    sim_tl *L = t->L;
    sim_json_type ty = sim_json_peek(&L->j);
    if (ty == SIM_JSON_STRING) {
        uint32_t word;
        int e = read_word(t, &word);
        if (e)
            return e;
        *v = TF_STRING_ID + (int64_t)word;
        return 0;
    }
    int64_t lo = -((int64_t)1 << 53), hi = (int64_t)1 << 53;
    if (ty != SIM_JSON_NUMBER)
        return sim_tl_bad_at(L, L->j.pos, "%s: expected a number or a string", what);
    return sim_tl_read_int(L, lo, hi, what, v);
}

/* A string of at most 255 bytes (longer ones cut), interned; anything
 * else (a number where a name should be) is passed over. */
static int read_word(tf *t, uint32_t *idx)
{
    sim_tl *L = t->L;
    *idx = SIM_NO_TASK;
    if (sim_json_peek(&L->j) != SIM_JSON_STRING)
        return sim_json_skip(&L->j) < 0 ? sim_tl_syntax(L) : 0;
    char buf[256];
    sim_json before = L->j;
    if (sim_json_string(&L->j, buf, sizeof buf, NULL) < 0) {
        /* Too long for buf: its first bytes as written, whole characters,
         * escapes and all (the error of the first try is forgotten). */
        L->j = before;
        const char *s;
        size_t len;
        if (sim_json_string_span(&L->j, &s, &len) < 0)
            return sim_tl_syntax(L);
        size_t k = len < sizeof buf - 1 ? len : sizeof buf - 1;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        memcpy(buf, s, k);
        buf[k] = '\0';
    }
    for (size_t i = 0; buf[i]; i++) /* a C string: no control bytes kept raw */
        if ((unsigned char)buf[i] < 0x20)
            buf[i] = ' ';
    return sim_tprogram_intern(t->prog, buf, idx) ? sim_tl_nomem(L) : 0;
}

/* ---- threads and processes -------------------------------------------------------- */

static uint64_t pair_hash(int64_t pid, int64_t tid)
{
    uint64_t h = (uint64_t)pid * 0x9E3779B97F4A7C15ull ^ (uint64_t)tid * 0xC2B2AE3D27D4EB4Full;
    return h ^ (h >> 29);
}

static int reindex(tf *t, size_t n)
{
    uint32_t *ix = malloc(sizeof *ix * n);
    if (!ix)
        return -1;
    memset(ix, 0xff, sizeof *ix * n);
    for (size_t i = 0; i < t->nthreads; i++) {
        size_t k = pair_hash(t->threads[i].pid, t->threads[i].tid) & (n - 1);
        while (ix[k] != UINT32_MAX)
            k = (k + 1) & (n - 1);
        ix[k] = (uint32_t)i;
    }
    free(t->thread_index_);
    t->thread_index_ = ix;
    t->nindex_ = n;
    return 0;
}

/* The thread (pid, tid), added if new. Returns its index, or -1 (memory,
 * or more threads than a trace may have lanes: said in L->msg). */
static long thread_of(tf *t, int64_t pid, int64_t tid)
{
    if (t->nindex_) {
        size_t k = pair_hash(pid, tid) & (t->nindex_ - 1);
        for (; t->thread_index_[k] != UINT32_MAX; k = (k + 1) & (t->nindex_ - 1)) {
            const tf_thread *th = &t->threads[t->thread_index_[k]];
            if (th->pid == pid && th->tid == tid)
                return (long)t->thread_index_[k];
        }
    }
    if (t->nthreads >= SIM_MAX_TASKS) {
        sim_tl_bad_at(t->L, t->L->j.pos, "more than %llu threads",
                      (unsigned long long)SIM_MAX_TASKS);
        return -1;
    }
    if (t->nthreads == t->cap_threads) {
        size_t cap = t->cap_threads ? t->cap_threads * 2 : 64;
        tf_thread *nt = realloc(t->threads, sizeof *nt * cap);
        if (!nt) {
            sim_tl_nomem(t->L);
            return -1;
        }
        t->threads = nt;
        t->cap_threads = cap;
    }
    t->threads[t->nthreads++] = (tf_thread){pid, tid, SIM_NO_TASK, INT64_MIN, SIM_NO_TASK};
    if (t->nthreads * 2 > t->nindex_ && reindex(t, t->nindex_ ? t->nindex_ * 2 : 256) != 0) {
        sim_tl_nomem(t->L);
        return -1;
    }
    if (t->nthreads * 2 <= t->nindex_) {
        size_t k = pair_hash(pid, tid) & (t->nindex_ - 1);
        while (t->thread_index_[k] != UINT32_MAX && t->thread_index_[k] != t->nthreads - 1)
            k = (k + 1) & (t->nindex_ - 1);
        t->thread_index_[k] = (uint32_t)(t->nthreads - 1);
    }
    return (long)(t->nthreads - 1);
}

static tf_process *process_of(tf *t, int64_t pid)
{
    for (size_t i = 0; i < t->nprocs; i++)
        if (t->procs[i].pid == pid)
            return &t->procs[i];
    if (t->nprocs == t->cap_procs) {
        size_t cap = t->cap_procs ? t->cap_procs * 2 : 16;
        tf_process *np = realloc(t->procs, sizeof *np * cap);
        if (!np)
            return NULL;
        t->procs = np;
        t->cap_procs = cap;
    }
    t->procs[t->nprocs] = (tf_process){pid, SIM_NO_TASK, INT64_MIN};
    return &t->procs[t->nprocs++];
}

/* ---- one event ------------------------------------------------------------------------ */

typedef struct raw {
    char ph[8];
    int64_t pid, tid, ts, dur;
    uint64_t id;
    uint32_t name;
    int have_pid, have_tid, have_ts, have_id;
    /* args, the ones read */
    uint32_t a_name, a_what;
    int64_t a_sort, a_st, a_on, a_arg;
    int have_sort, have_arg, inferred;
} raw;

static int read_args(tf *t, raw *r)
{
    sim_tl *L = t->L;
    char key[24];
    int more, e = 0;
    if (sim_json_peek(&L->j) != SIM_JSON_OBJECT)
        return sim_json_skip(&L->j) < 0 ? sim_tl_syntax(L) : 0;
    sim_json_begin_object(&L->j);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "name")) {
            e = read_word(t, &r->a_name);
        } else if (!strcmp(key, "sort_index") && sim_json_peek(&L->j) == SIM_JSON_NUMBER) {
            e = sim_tl_read_int(L, INT32_MIN, INT32_MAX, "sort_index", &r->a_sort);
            r->have_sort = 1;
        } else if (t->program && (!strcmp(key, "st") || !strcmp(key, "code"))) {
            e = sim_tl_read_int(L, 0, 255, key, &r->a_st);
        } else if (t->program && !strcmp(key, "on")) {
            e = sim_tl_read_int(L, 0, UINT32_MAX - 1, "on", &r->a_on);
        } else if (t->program && !strcmp(key, "arg")) {
            e = sim_tl_read_int(L, INT32_MIN, UINT32_MAX, "arg", &r->a_arg);
            r->have_arg = 1;
        } else if (t->program && !strcmp(key, "what")) {
            e = read_word(t, &r->a_what);
        } else if (t->program && !strcmp(key, "inferred")) {
            int64_t v;
            e = sim_tl_read_int(L, 0, 1, "inferred", &v);
            r->inferred = (int)v;
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

static int read_raw(tf *t, raw *r)
{
    sim_tl *L = t->L;
    char key[16];
    int more, e = 0;
    memset(r, 0, sizeof *r);
    r->name = r->a_name = r->a_what = SIM_NO_TASK;
    r->a_st = r->a_on = -1;
    if (sim_json_peek(&L->j) != SIM_JSON_OBJECT)
        return sim_tl_bad_at(L, L->j.pos, "an event is an object");
    sim_json_begin_object(&L->j);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "ph")) {
            if (sim_json_string(&L->j, r->ph, sizeof r->ph, NULL) < 0)
                e = sim_tl_bad_at(L, L->j.pos, "ph: expected a short string");
        } else if (!strcmp(key, "name")) {
            e = read_word(t, &r->name);
        } else if (!strcmp(key, "pid")) {
            e = read_id(t, "pid", &r->pid);
            r->have_pid = 1;
        } else if (!strcmp(key, "tid")) {
            e = read_id(t, "tid", &r->tid);
            r->have_tid = 1;
        } else if (!strcmp(key, "ts")) {
            e = read_us(t, "ts", &r->ts);
            r->have_ts = 1;
        } else if (!strcmp(key, "dur")) {
            e = read_us(t, "dur", &r->dur);
            if (!e && r->dur < 0)
                e = sim_tl_bad_at(L, L->j.pos, "dur is negative");
        } else if (!strcmp(key, "id") || !strcmp(key, "bind_id")) {
            int64_t v;
            e = read_id(t, "id", &v);
            r->id = (uint64_t)v;
            r->have_id = 1;
        } else if (!strcmp(key, "args")) {
            e = read_args(t, r);
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

static int add_event(tf *t, const tf_event *ev)
{
    if (t->nev == t->cap_ev) {
        size_t cap = t->cap_ev ? t->cap_ev * 2 : 1024;
        tf_event *n = realloc(t->ev, sizeof *n * cap);
        if (!n)
            return sim_tl_nomem(t->L);
        t->ev = n;
        t->cap_ev = cap;
    }
    t->ev[t->nev++] = *ev;
    if (ev->ts < t->t0)
        t->t0 = ev->ts;
    int64_t end = ev->ts + ev->dur;
    if (end > t->t1)
        t->t1 = end;
    return 0;
}

/* Metadata: names and the order of processes and threads. */
static int metadata(tf *t, const raw *r)
{
    const char *what = sim_tprogram_str(t->prog, r->name);
    if (!what)
        return 0;
    if (!strcmp(what, "process_name") || !strcmp(what, "process_sort_index")) {
        tf_process *p = process_of(t, r->pid);
        if (!p)
            return sim_tl_nomem(t->L);
        if (what[8] == 'n' && r->a_name != SIM_NO_TASK)
            p->name = r->a_name;
        else if (what[8] == 's' && r->have_sort)
            p->sort = r->a_sort;
        return 0;
    }
    if (!strcmp(what, "thread_name") || !strcmp(what, "thread_sort_index")) {
        long th = thread_of(t, r->pid, r->tid);
        if (th < 0)
            return SIM_E_FORMAT;
        if (what[7] == 'n' && r->a_name != SIM_NO_TASK)
            t->threads[th].name = r->a_name;
        else if (what[7] == 's' && r->have_sort)
            t->threads[th].sort = r->a_sort;
    }
    return 0;
}

static int one_event(tf *t)
{
    raw r;
    size_t at = t->L->j.pos;
    int e = read_raw(t, &r);
    if (e)
        return e;
    char ph = r.ph[0];
    if (r.ph[0] && r.ph[1])
        ph = '?';
    switch (ph) {
    case 'M':
        return metadata(t, &r);
    case 'X': case 'B': case 'E': case 'i': case 'I': case 'R': case 's': case 't':
    case 'f':
        break;
    case 'C':
        t->skipped[TF_SKIP_COUNTER]++;
        return 0;
    case 'b': case 'e': case 'n': case 'S': case 'T': case 'F': case 'p':
        t->skipped[TF_SKIP_ASYNC]++;
        return 0;
    case 'P':
        t->skipped[TF_SKIP_SAMPLE]++;
        return 0;
    case 'O': case 'N': case 'D':
        t->skipped[TF_SKIP_OBJECT]++;
        return 0;
    case 'v': case 'V':
        t->skipped[TF_SKIP_MEMORY]++;
        return 0;
    default:
        t->skipped[TF_SKIP_OTHER]++;
        return 0;
    }
    if (!r.have_ts)
        return sim_tl_bad_at(t->L, at, "a \"%s\" event has no ts", r.ph);
    if (!r.have_tid)
        r.tid = TF_NO_TID;
    long th = thread_of(t, r.pid, r.tid);
    if (th < 0)
        return SIM_E_FORMAT;
    tf_event ev = {.ts = r.ts, .dur = ph == 'X' ? r.dur : 0, .id = r.id,
                   .thread = (uint32_t)th, .name = r.name, .what = SIM_NO_TASK,
                   .ph = ph == 'I' || ph == 'R' ? 'i' : ph == 't' ? 'f' : ph};
    if (r.a_st >= 0) {
        ev.st = (uint8_t)r.a_st;
        ev.flags |= TF_HAS_ST;
    }
    if (r.a_on >= 0) {
        ev.what = (uint32_t)r.a_on;
        ev.flags |= TF_ON_LANE;
    } else if (r.a_what != SIM_NO_TASK) {
        ev.what = r.a_what;
    } else if (r.have_arg) {
        ev.what = (uint32_t)r.a_arg; /* a spawn's pid, an exit's status */
    }
    if (r.inferred)
        ev.flags |= TF_INFERRED;
    if ((ph == 's' || ph == 'f' || ph == 't') && !r.have_id) {
        t->unpaired++;
        return 0;
    }
    return add_event(t, &ev);
}

int tf_read_events(tf *t, size_t at)
{
    sim_tl *L = t->L;
    sim_tl_seek(L, at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    int more, e = 0;
    t->t0 = INT64_MAX;
    t->t1 = INT64_MIN;
    while (!e && (more = sim_json_next_item(&L->j)) > 0) {
        sim_tl_drop_behind(L);
        e = one_event(t);
    }
    if (!e && more < 0)
        e = sim_tl_syntax(L);
    if (!e && t->nev == 0)
        t->t0 = t->t1 = 0;
    return e;
}

/* ---- the document -------------------------------------------------------------------- */

/* Counts the events of the array at `at`: a first pass, so that the memory
 * they will take is known before any is kept. */
static int count_events(sim_tl *L, size_t at, uint64_t *n)
{
    sim_tl_seek(L, at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    int more;
    *n = 0;
    while ((more = sim_json_next_item(&L->j)) > 0) {
        sim_tl_drop_behind(L);
        if (sim_json_skip(&L->j) < 0)
            return sim_tl_syntax(L);
        (*n)++;
    }
    return more < 0 ? sim_tl_syntax(L) : 0;
}

/* The top level's other members: who wrote it. */
static int members(tf *t, size_t *events, size_t *other)
{
    sim_tl *L = t->L;
    char key[32];
    int more;
    *events = *other = SIZE_MAX;
    sim_tl_seek(L, 0);
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        sim_json_peek(&L->j);
        size_t at = L->j.pos;
        if (!strcmp(key, "traceEvents")) {
            *events = at;
        } else if (!strcmp(key, "otherData")) {
            *other = at;
        } else if (!strcmp(key, "systemTraceEvents")) {
            t->system_trace = 1;
        } else if (!strcmp(key, "viztracer_metadata") &&
                   sim_json_peek(&L->j) == SIM_JSON_OBJECT) {
            char k2[16], ver[32] = "";
            int m2;
            sim_json_begin_object(&L->j);
            while ((m2 = sim_json_next_key(&L->j, k2, sizeof k2)) > 0) {
                if (!strcmp(k2, "version") && sim_json_peek(&L->j) == SIM_JSON_STRING) {
                    if (sim_json_string(&L->j, ver, sizeof ver, NULL) < 0)
                        ver[0] = '\0', sim_json_skip(&L->j);
                } else if (sim_json_skip(&L->j) < 0) {
                    return sim_tl_syntax(L);
                }
            }
            if (m2 < 0)
                return sim_tl_syntax(L);
            snprintf(t->tool, sizeof t->tool, "viztracer%s%s", ver[0] ? " " : "", ver);
            continue;
        }
        if (sim_json_skip(&L->j) < 0)
            return sim_tl_syntax(L);
    }
    return more < 0 ? sim_tl_syntax(L) : 0;
}

/* otherData of a file that is not concviz's: a program file, or a tool's
 * own words (Perfetto and chrome://tracing save a "version"). */
static int other_data(tf *t, size_t at)
{
    sim_tl *L = t->L;
    char key[32];
    int more;
    sim_tl_seek(L, at);
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "concviz_program")) {
            int64_t v;
            int e = sim_tl_read_int(L, 0, INT32_MAX, "concviz_program", &v);
            if (e)
                return e;
            if (v > SIM_PROGRAM_FORMAT) {
                snprintf(L->msg, L->n, "%s: written by a newer concviz (program trace format "
                         "%lld); this one reads format %d: update concviz to open it",
                         L->name, (long long)v, SIM_PROGRAM_FORMAT);
                return SIM_E_FORMAT;
            }
            t->program = 1;
        } else if (!t->tool[0] && (!strcmp(key, "version") || !strcmp(key, "generator")) &&
                   sim_json_peek(&L->j) == SIM_JSON_STRING) {
            if (sim_json_string(&L->j, t->tool, sizeof t->tool, NULL) < 0) {
                t->tool[0] = '\0';
                if (sim_json_skip(&L->j) < 0)
                    return sim_tl_syntax(L);
            }
        } else if (sim_json_skip(&L->j) < 0) {
            return sim_tl_syntax(L);
        }
    }
    return more < 0 ? sim_tl_syntax(L) : 0;
}

static void tf_free(tf *t)
{
    free(t->ev);
    free(t->threads);
    free(t->thread_index_);
    free(t->procs);
}

int sim_tl_read_foreign(sim_tl *L, int array)
{
    tf t;
    memset(&t, 0, sizeof t);
    t.L = L;
    t.want_marks = -1;
    t.prog = sim_tprogram_new();
    if (!t.prog)
        return sim_tl_nomem(L);
    size_t events = 0, other = SIZE_MAX;
    int e = 0;
    if (array) {
        sim_json_init(&L->j, L->j.buf, L->j.len);
        sim_tl_seek(L, 0);
        sim_json_peek(&L->j);
        events = L->j.pos;
    } else {
        e = members(&t, &events, &other);
        if (!e && other != SIZE_MAX)
            e = other_data(&t, other);
        if (!e && events == SIZE_MAX) {
            snprintf(L->msg, L->n, "%s: not a trace concviz can read: a JSON object with no "
                     "traceEvents; concviz opens its own saved runs and Chrome trace files "
                     "(viztracer, Perfetto's JSON export, chrome://tracing)", L->name);
            e = SIM_E_FORMAT;
        }
    }
    uint64_t n = 0;
    if (!e)
        e = count_events(L, events, &n);
    if (!e && (uint64_t)n * (sizeof(tf_event) + 2 * sizeof(sim_mark)) > L->budget) {
        char need[32], budget[32];
        sim_format_bytes((int64_t)(n * (sizeof(tf_event) + 2 * sizeof(sim_mark))), need,
                         sizeof need);
        sim_format_bytes((int64_t)(L->budget > INT64_MAX ? INT64_MAX : L->budget), budget,
                         sizeof budget);
        snprintf(L->msg, L->n, "%s: too big to open here: its %llu events need about %s of "
                 "memory, and concviz may use %s (half of the memory available now)", L->name,
                 (unsigned long long)n, need, budget);
        e = SIM_E_NOMEM;
    }
    if (!e && t.program)
        e = tf_program_meta(&t, other);
    if (!e)
        e = tf_read_events(&t, events);
    if (!e)
        e = t.program ? tf_build_program(&t) : tf_build_foreign(&t);
    tf_free(&t);
    sim_tprogram_free(t.prog); /* NULL once a trace took it */
    return e;
}
