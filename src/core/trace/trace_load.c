/* trace_load.c - a saved run (Chrome Trace Event JSON) back into a comparison.
 *
 * The file is read in two passes over the bytes in memory, with the pull
 * parser of json.c, and no tree is ever built:
 *   1. the whole document is checked for syntax, and the places of
 *      "otherData" and "traceEvents" are noted (JSON does not fix the order
 *      of an object's members, so the metadata may come after the events);
 *   2. otherData says how many models and lanes there are, which sets up
 *      the traces; then each event of traceEvents becomes a mark, an
 *      instant or a flow, and is forgotten.
 *
 * Nothing in the file is trusted. Every number is range-checked before it
 * indexes anything; the lanes' events must come in time order, as the
 * writer puts them, because inserting out-of-order marks would cost
 * quadratic time on a hostile file; the counts in otherData must match the
 * events found, which tells a complete file from a cut one. Memory grows
 * only with what the file really holds, never with a number it claims.
 */
#include "trace_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "read_file.h"
#include "start_method.h"
#include "trace_share_io.h"
#include "trace_chrome.h"
#include "workload.h"

#define NOT_OURS "not a concviz trace"
#define OURS_HINT "concviz opens the files `concviz run --trace FILE` writes"
#define MAX_LANES (SIM_MAX_TASKS + SIM_TRACE_MAX_RES_LANES)

/* The traces of a file: the models', then CPython's beside them. */
#define MAX_SLOTS (2 * SIM_MODEL__COUNT)

typedef struct loader {
    sim_json j;
    const char *name;
    sim_comparison *c;
    char *msg;
    size_t n;
    /* Per trace (its pid - 1): where it goes, what otherData promised,
     * and what the events gave. */
    sim_trace *slot[MAX_SLOTS];
    int nslots;
    int64_t want[MAX_SLOTS][3];   /* marks, instants, flows */
    size_t got[MAX_SLOTS][3];
    int64_t now_ns[MAX_SLOTS];
} loader;

/* The message of a JSON or content error, at its line and column. */
static int syntax(loader *L)
{
    char where[256];
    sim_json_error(&L->j, where, sizeof where);
    snprintf(L->msg, L->n, "%s:%s%s", L->name, where,
             L->j.err_pos >= L->j.len ? " (the file ends too early: is it cut short?)" : "");
    return SIM_E_FORMAT;
}

/* A content error at byte `at` of the file. */
static int bad_at(loader *L, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad_at(loader *L, size_t at, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    L->j.pos = at;
    sim_json_fail(&L->j, "%s", text);
    return syntax(L);
}

/* Reads an integer in [lo, hi] (what says what it is, for the message). */
static int read_int(loader *L, int64_t lo, int64_t hi, const char *what, int64_t *v)
{
    sim_json_peek(&L->j);
    size_t at = L->j.pos;
    if (sim_json_int64(&L->j, v) < 0)
        return syntax(L);
    if (*v < lo || *v > hi)
        return bad_at(L, at, "%s %lld is out of range (%lld..%lld)", what,
                      (long long)*v, (long long)lo, (long long)hi);
    return 0;
}

/* Reads a time in microseconds with up to 3 decimals, as ns. */
static int read_us(loader *L, const char *what, int64_t *ns)
{
    sim_json_peek(&L->j);
    size_t at = L->j.pos;
    if (sim_json_fixed(&L->j, 3, ns) < 0)
        return syntax(L);
    if (*ns < 0 || *ns > SIM_TRACE_MAX_NS)
        return bad_at(L, at, "%s %lld ns is out of range (0..%lld ns)", what,
                      (long long)*ns, (long long)SIM_TRACE_MAX_NS);
    return 0;
}

static int read_str(loader *L, char *buf, size_t n)
{
    return sim_json_string(&L->j, buf, n, NULL) < 0 ? syntax(L) : 0;
}

/* ---- otherData -------------------------------------------------------- */

/* The lanes of one model as otherData lists them. */
typedef struct lane_list {
    int64_t *v;
    size_t n;
} lane_list;

static int read_list(loader *L, int64_t lo, int64_t hi, const char *what,
                     lane_list *out)
{
    size_t cap = 0;
    int more;
    if (sim_json_begin_array(&L->j) < 0)
        return syntax(L);
    while ((more = sim_json_next_item(&L->j)) > 0) {
        if (out->n == MAX_LANES)
            return bad_at(L, L->j.pos, "more than %llu lanes in one model",
                          (unsigned long long)MAX_LANES);
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            int64_t *nv = realloc(out->v, cap * sizeof *nv);
            if (!nv) {
                snprintf(L->msg, L->n, "%s: out of memory", L->name);
                return SIM_E_NOMEM;
            }
            out->v = nv;
        }
        int e = read_int(L, lo, hi, what, &out->v[out->n]);
        if (e)
            return e;
        out->n++;
    }
    return more < 0 ? syntax(L) : 0;
}

typedef struct model_meta {
    char name[32];
    int64_t of;             /* a CPython trace: the model it stands beside; else -1 */
    int have_python;
    sim_python python;
    int64_t end_ns, now_ns, workers, threads, switch_ns, mem, ntasks, dropped;
    int64_t counts[3];
    int failed;
    char outcome[24];       /* "" in version 1 files */
    sim_tdeadlock deadlock;
    char error[256];
    char start_method[16];  /* multiprocessing; "" in files older than it */
    lane_list kinds, indices, cpu;
    sim_shared_meta shared;  /* counters, lock names, messages (trace_share_io.c) */
} model_meta;

/* "deadlock":{"t_ns":T,"links":[[task,name,holder],...]}; holder -1: none.
 * Task and name indices are checked against the model once it is built. */
static int read_deadlock(loader *L, sim_tdeadlock *d)
{
    char key[16];
    int more, item;
    if (sim_json_begin_object(&L->j) < 0)
        return syntax(L);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        int e = 0;
        if (!strcmp(key, "t_ns")) {
            e = read_int(L, 0, SIM_TRACE_MAX_NS, "deadlock t_ns", &d->t);
        } else if (!strcmp(key, "links")) {
            if (sim_json_begin_array(&L->j) < 0)
                return syntax(L);
            while ((item = sim_json_next_item(&L->j)) > 0) {
                int64_t v[3];
                if (d->nlinks >= SIM_DEADLOCK_MAX_LINKS)
                    return bad_at(L, L->j.pos, "a deadlock has at most %d links",
                                  SIM_DEADLOCK_MAX_LINKS);
                if (sim_json_begin_array(&L->j) < 0)
                    return syntax(L);
                for (int k = 0; k < 3; k++) {
                    if (sim_json_next_item(&L->j) <= 0)
                        return bad_at(L, L->j.pos, "a deadlock link is [task, name, holder]");
                    e = read_int(L, k == 2 ? -1 : 0, SIM_MAX_TASKS, "deadlock link", &v[k]);
                    if (e)
                        return e;
                }
                if (sim_json_next_item(&L->j) != 0)
                    return bad_at(L, L->j.pos, "a deadlock link is [task, name, holder]");
                d->links[d->nlinks++] = (sim_twait){(uint32_t)v[0], (uint32_t)v[1],
                                                    v[2] < 0 ? SIM_NO_TASK : (uint32_t)v[2]};
            }
            if (item < 0)
                return syntax(L);
        } else if (sim_json_skip(&L->j) < 0) {
            return syntax(L);
        }
        if (e)
            return e;
    }
    return more < 0 ? syntax(L) : 0;
}

/* "python":{"path":..,"impl":..,"version":..,"free_threaded":N,"gil":N} */
static int read_python(loader *L, sim_python *p)
{
    char key[16];
    int more, e = 0;
    int64_t v;
    if (sim_json_begin_object(&L->j) < 0)
        return syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "path")) {
            e = read_str(L, p->path, sizeof p->path);
        } else if (!strcmp(key, "impl")) {
            e = read_str(L, p->impl, sizeof p->impl);
        } else if (!strcmp(key, "version")) {
            e = read_str(L, p->version, sizeof p->version);
        } else if (!strcmp(key, "free_threaded") || !strcmp(key, "gil")) {
            e = read_int(L, -1, 1, key, &v);
            *(key[0] == 'g' ? &p->gil : &p->free_threaded) = (int8_t)v;
        } else if (sim_json_skip(&L->j) < 0) {
            e = syntax(L);
        }
    }
    return e ? e : more < 0 ? syntax(L) : 0;
}

static int model_key(loader *L, const char *key, model_meta *m)
{
    const int64_t T = SIM_TRACE_MAX_NS;
    if (!strcmp(key, "name")) return read_str(L, m->name, sizeof m->name);
    if (!strcmp(key, "of")) return read_int(L, 0, SIM_MODEL__COUNT - 1, "of", &m->of);
    if (!strcmp(key, "python")) {
        m->have_python = 1;
        return read_python(L, &m->python);
    }
    if (!strcmp(key, "end_ns")) return read_int(L, -1, T, "end_ns", &m->end_ns);
    if (!strcmp(key, "now_ns")) return read_int(L, 0, T, "now_ns", &m->now_ns);
    if (!strcmp(key, "failed"))
        return sim_json_bool(&L->j, &m->failed) < 0 ? syntax(L) : 0;
    if (!strcmp(key, "error")) return read_str(L, m->error, sizeof m->error);
    if (!strcmp(key, "outcome")) return read_str(L, m->outcome, sizeof m->outcome);
    if (!strcmp(key, "deadlock")) return read_deadlock(L, &m->deadlock);
    if (!strcmp(key, "start_method"))
        return read_str(L, m->start_method, sizeof m->start_method);
    if (!strcmp(key, "workers"))
        return read_int(L, 0, SIM_TRACE_MAX_RES_LANES, "workers", &m->workers);
    if (!strcmp(key, "threads"))
        return read_int(L, 0, SIM_MAX_TASKS, "threads", &m->threads);
    if (!strcmp(key, "switch_interval_ns"))
        return read_int(L, 0, T, "switch_interval_ns", &m->switch_ns);
    if (!strcmp(key, "mem_per_task_bytes"))
        return read_int(L, -1, INT64_MAX, "mem_per_task_bytes", &m->mem);
    if (!strcmp(key, "ntasks"))
        return read_int(L, 0, SIM_MAX_TASKS, "ntasks", &m->ntasks);
    if (!strcmp(key, "dropped"))
        return read_int(L, 0, INT64_MAX, "dropped", &m->dropped);
    if (!strcmp(key, "nmarks"))
        return read_int(L, 0, INT64_MAX, "nmarks", &m->counts[0]);
    if (!strcmp(key, "ninstants"))
        return read_int(L, 0, INT64_MAX, "ninstants", &m->counts[1]);
    if (!strcmp(key, "nflows"))
        return read_int(L, 0, INT64_MAX, "nflows", &m->counts[2]);
    if (!strcmp(key, "shared"))
        return sim_chrome_read_shared(&L->j, &m->shared) < 0 ? syntax(L) : 0;
    if (!strcmp(key, "lane_kinds"))
        return read_list(L, SIM_LANE_TASK, SIM_LANE_EXECUTOR, "lane kind", &m->kinds);
    if (!strcmp(key, "lane_indices"))
        return read_list(L, 0, MAX_LANES, "lane index", &m->indices);
    if (!strcmp(key, "lane_cpu_ns"))
        return read_list(L, -1, SIM_TRACE_MAX_NS, "lane cpu_ns", &m->cpu);
    return sim_json_skip(&L->j) < 0 ? syntax(L) : 0;
}

/* Checks a model's lanes and sets up its trace: slot k (pid k + 1), the
 * model's own (cpython 0) or CPython's beside model m->of. */
static int build_model(loader *L, int k, model_meta *m, size_t at, int cpython)
{
    sim_model model;
    if (!m->name[0])
        return bad_at(L, at, "model %d has no name", k + 1);
    if (sim_model_parse(m->name, &model) != 0)
        return bad_at(L, at, "model %d is \"%s\", not a model concviz knows",
                      k + 1, m->name);
    if (m->ntasks < 0 || (m->kinds.n == 0 && m->ntasks > 0))
        return bad_at(L, at, "model %s has no ntasks or no lane_kinds", m->name);
    size_t nl = m->kinds.n;
    if (m->indices.n != nl || m->cpu.n != nl)
        return bad_at(L, at, "model %s lists %zu lane kinds, %zu lane indices "
                      "and %zu lane cpu_ns: they must match", m->name, nl,
                      m->indices.n, m->cpu.n);
    if ((uint64_t)m->ntasks > nl || nl - (size_t)m->ntasks > SIM_TRACE_MAX_RES_LANES)
        return bad_at(L, at, "model %s has %zu lanes for %lld tasks: it needs "
                      "one per task and at most %u more", m->name, nl,
                      (long long)m->ntasks, SIM_TRACE_MAX_RES_LANES);
    for (size_t i = 0; i < nl; i++) {
        int is_task = i < (size_t)m->ntasks;
        if (is_task != (m->kinds.v[i] == SIM_LANE_TASK) ||
            (is_task && m->indices.v[i] != (int64_t)i) ||
            (!is_task && m->indices.v[i] > SIM_TRACE_MAX_RES_LANES))
            return bad_at(L, at, "model %s: lane %zu (kind %lld, index %lld) "
                          "does not fit: lanes 0..%lld are tasks, in order, "
                          "then resource lanes", m->name, i,
                          (long long)m->kinds.v[i], (long long)m->indices.v[i],
                          (long long)m->ntasks - 1);
    }
    sim_start_method sm = SIM_START_FORKSERVER;
    if (m->start_method[0] && sim_start_method_parse(m->start_method, &sm) != 0)
        return bad_at(L, at, "model %s: start method \"%s\" is not fork, spawn "
                      "or forkserver", m->name, m->start_method);
    if (cpython && (m->of < 0 || m->of >= L->c->ntraces || !m->have_python ||
                    L->c->traces[m->of].model != model ||
                    L->c->cpython[m->of].source == SIM_SOURCE_CPYTHON))
        return bad_at(L, at, "CPython's %s trace must name the model it stands beside "
                      "(\"of\"), once, and its interpreter (\"python\")", m->name);
    sim_trace *t = cpython ? &L->c->cpython[m->of] : &L->c->traces[k];
    if (sim_trace_init(t, model, (uint32_t)m->ntasks, (uint32_t)nl) != 0) {
        snprintf(L->msg, L->n, "%s: out of memory", L->name);
        return SIM_E_NOMEM;
    }
    L->slot[k] = t;
    L->nslots = k + 1;
    if (cpython) {
        t->source = SIM_SOURCE_CPYTHON;
        t->python = m->python;
    } else {
        L->c->ntraces = k + 1;
    }
    for (size_t i = 0; i < nl; i++) {
        t->lanes[i].kind = (uint8_t)m->kinds.v[i];
        t->lanes[i].index = (uint32_t)m->indices.v[i];
        t->lanes[i].cpu_ns = m->cpu.v[i];
    }
    t->end_ns = m->end_ns;
    if (m->outcome[0]) {
        if (sim_outcome_parse(m->outcome, &t->outcome) != 0)
            return bad_at(L, at, "model %s: outcome \"%s\" is not one concviz knows",
                          m->name, m->outcome);
    } else if (m->failed) {
        /* A version 1 file said only "failed" and a sentence. */
        t->outcome = strncmp(m->error, "deadlock", 8) == 0 ? SIM_OUTCOME_DEADLOCK
                                                          : SIM_OUTCOME_FAILED;
    } else {
        t->outcome = m->end_ns < 0 ? SIM_OUTCOME_RUNNING : SIM_OUTCOME_OK;
    }
    if (m->deadlock.t >= 0) {
        for (uint32_t i = 0; i < m->deadlock.nlinks; i++) {
            const sim_twait *w = &m->deadlock.links[i];
            if (w->task >= (uint64_t)m->ntasks || w->name >= m->shared.nnames ||
                (w->holder != SIM_NO_TASK && w->holder >= (uint64_t)m->ntasks))
                return bad_at(L, at, "model %s: a deadlock link names a task or a name "
                              "the model does not have", m->name);
        }
        t->deadlock = m->deadlock;
    }
    t->dropped = (uint64_t)m->dropped;
    t->cfg.workers = (int)m->workers;
    t->cfg.start_method = sm;
    t->cfg.threads = (int)m->threads;
    t->cfg.switch_interval_ns = m->switch_ns;
    t->mem_per_task_bytes = m->mem;
    memcpy(t->error, m->error, sizeof t->error);
    sim_shared_meta_move(&m->shared, t);
    L->now_ns[k] = m->now_ns;
    memcpy(L->want[k], m->counts, sizeof L->want[k]);
    return 0;
}

static int read_model(loader *L, int k, int cpython)
{
    model_meta m;
    memset(&m, 0, sizeof m);
    m.of = -1;
    m.end_ns = -1;
    m.deadlock.t = -1;
    m.mem = -1;
    m.ntasks = -1;
    m.counts[0] = m.counts[1] = m.counts[2] = -1;
    sim_json_peek(&L->j);
    size_t at = L->j.pos;
    char key[32];
    int more, e = 0;
    if (sim_json_begin_object(&L->j) < 0)
        e = syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0)
        e = model_key(L, key, &m);
    if (!e && more < 0)
        e = syntax(L);
    if (!e)
        e = build_model(L, k, &m, at, cpython);
    free(m.kinds.v);
    free(m.indices.v);
    free(m.cpu.v);
    sim_shared_meta_free(&m.shared);
    return e;
}

static int read_machine(loader *L)
{
    sim_machine *mc = &L->c->machine;
    char key[32];
    int more, e = 0;
    if (sim_json_begin_object(&L->j) < 0)
        return syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "cpus")) {
            int64_t v;
            e = read_int(L, 0, 1 << 20, "cpus", &v);
            mc->cpus = (int)v;
        } else if (!strcmp(key, "cpu_model")) {
            e = read_str(L, mc->cpu_model, sizeof mc->cpu_model);
        } else if (!strcmp(key, "hostname")) {
            e = read_str(L, mc->hostname, sizeof mc->hostname);
        } else if (!strcmp(key, "os")) {
            e = read_str(L, mc->os, sizeof mc->os);
        } else if (sim_json_skip(&L->j) < 0) {
            e = syntax(L);
        }
    }
    return e ? e : more < 0 ? syntax(L) : 0;
}

/* "models", or "cpython" (the traces beside them, read after "models"). */
static int read_models(loader *L, int cpython)
{
    int more, e = 0, k = 0;
    if (sim_json_begin_array(&L->j) < 0)
        return syntax(L);
    while (!e && (more = sim_json_next_item(&L->j)) > 0) {
        if (k == SIM_MODEL__COUNT)
            return bad_at(L, L->j.pos, "more than %d %s", SIM_MODEL__COUNT,
                          cpython ? "CPython traces" : "models");
        e = read_model(L, cpython ? L->nslots : k, cpython);
        k++;
    }
    return e ? e : more < 0 ? syntax(L) : 0;
}

/* Finds otherData.concviz_format before anything else is judged: a file
 * from a newer concviz should say so, not fail on a field it added. */
static int check_format(loader *L, size_t other_at)
{
    char key[32];
    int more;
    int64_t fmt = -1;
    L->j.pos = other_at;
    if (sim_json_begin_object(&L->j) < 0)
        return syntax(L);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "concviz_format")) {
            if (sim_json_peek(&L->j) != SIM_JSON_NUMBER)
                break;
            if (sim_json_int64(&L->j, &fmt) < 0)
                return syntax(L);
        } else if (sim_json_skip(&L->j) < 0) {
            return syntax(L);
        }
    }
    if (fmt < 0) {
        snprintf(L->msg, L->n, "%s: " NOT_OURS ": it has no otherData.concviz_format; "
                 OURS_HINT, L->name);
        return SIM_E_FORMAT;
    }
    if (fmt > SIM_CHROME_FORMAT) {
        snprintf(L->msg, L->n, "%s: written by a newer concviz (trace format %lld); "
                 "this one reads format %d: update concviz to open it",
                 L->name, (long long)fmt, SIM_CHROME_FORMAT);
        return SIM_E_FORMAT;
    }
    if (fmt < 1) {
        snprintf(L->msg, L->n, "%s: trace format %lld is not one concviz ever wrote",
                 L->name, (long long)fmt);
        return SIM_E_FORMAT;
    }
    return 0;
}

static int read_other_data(loader *L, size_t other_at)
{
    int e = check_format(L, other_at);
    if (e)
        return e;
    L->j.depth = 0;
    L->j.pos = other_at;
    char key[32];
    int more, have_models = 0, have_workload = 0;
    size_t cpython_at = SIZE_MAX;
    if (sim_json_begin_object(&L->j) < 0)
        return syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "workload")) {
            free(L->c->workload);
            L->c->workload = NULL;
            if (sim_json_string_dup(&L->j, SIM_MAX_SPEC_LEN, &L->c->workload) < 0)
                e = syntax(L);
            have_workload = 1;
        } else if (!strcmp(key, "nominal_ns")) {
            e = read_int(L, 0, INT64_MAX, "nominal_ns", &L->c->nominal_ns);
        } else if (!strcmp(key, "recorded_at")) {
            e = read_str(L, L->c->recorded_at, sizeof L->c->recorded_at);
        } else if (!strcmp(key, "machine")) {
            e = read_machine(L);
        } else if (!strcmp(key, "models")) {
            if (have_models)
                return bad_at(L, L->j.pos, "otherData lists models twice");
            have_models = 1;
            e = read_models(L, 0);
        } else if (!strcmp(key, "cpython")) {
            if (cpython_at != SIZE_MAX)
                return bad_at(L, L->j.pos, "otherData lists cpython twice");
            sim_json_peek(&L->j);
            cpython_at = L->j.pos; /* read once the models are known */
            if (sim_json_skip(&L->j) < 0)
                e = syntax(L);
        } else if (sim_json_skip(&L->j) < 0) {
            e = syntax(L);
        }
    }
    if (e)
        return e;
    if (more < 0)
        return syntax(L);
    if (!have_models || !have_workload)
        return bad_at(L, other_at, "otherData has no %s",
                      have_models ? "workload" : "models");
    if (cpython_at != SIZE_MAX) {
        L->j.pos = cpython_at;
        L->j.depth = 1;
        return read_models(L, 1);
    }
    return 0;
}

/* ---- traceEvents ------------------------------------------------------ */

typedef struct event {
    char ph[8];
    int64_t pid, tid, id, ts, dur;
    int64_t state, arg, cpu, code, flags;
    unsigned have;     /* HAVE_* bits */
} event;

enum { HAVE_PID = 1, HAVE_TID = 2, HAVE_ID = 4, HAVE_TS = 8, HAVE_DUR = 16,
       HAVE_STATE = 32, HAVE_ARG = 64, HAVE_CPU = 128, HAVE_CODE = 256, HAVE_FLAGS = 512 };

static int read_args(loader *L, event *ev)
{
    char key[16];
    int more, e = 0;
    if (sim_json_begin_object(&L->j) < 0)
        return syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "state")) {
            e = read_int(L, 0, SIM_ST__COUNT - 1, "state", &ev->state);
            ev->have |= HAVE_STATE;
        } else if (!strcmp(key, "task") || !strcmp(key, "arg")) {
            e = read_int(L, 0, UINT32_MAX, key, &ev->arg);
            ev->have |= HAVE_ARG;
        } else if (!strcmp(key, "cpu")) {
            e = read_int(L, 0, SIM_NO_CPU - 1, "cpu", &ev->cpu);
            ev->have |= HAVE_CPU;
        } else if (!strcmp(key, "code")) {
            e = read_int(L, 0, 255, "code", &ev->code);
            ev->have |= HAVE_CODE;
        } else if (!strcmp(key, "flags")) {
            e = read_int(L, 0, SIM_MARK_INFERRED, "flags", &ev->flags);
            ev->have |= HAVE_FLAGS;
        } else if (sim_json_skip(&L->j) < 0) {
            e = syntax(L);
        }
    }
    return e ? e : more < 0 ? syntax(L) : 0;
}

static int read_event(loader *L, event *ev)
{
    char key[16];
    int more, e = 0;
    memset(ev, 0, sizeof *ev);
    if (sim_json_begin_object(&L->j) < 0)
        return syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "ph")) {
            e = read_str(L, ev->ph, sizeof ev->ph);
        } else if (!strcmp(key, "pid")) {
            e = read_int(L, INT64_MIN, INT64_MAX, "pid", &ev->pid);
            ev->have |= HAVE_PID;
        } else if (!strcmp(key, "tid")) {
            e = read_int(L, INT64_MIN, INT64_MAX, "tid", &ev->tid);
            ev->have |= HAVE_TID;
        } else if (!strcmp(key, "id")) {
            e = read_int(L, INT64_MIN, INT64_MAX, "id", &ev->id);
            ev->have |= HAVE_ID;
        } else if (!strcmp(key, "ts")) {
            e = read_us(L, "ts", &ev->ts);
            ev->have |= HAVE_TS;
        } else if (!strcmp(key, "dur")) {
            e = read_us(L, "dur", &ev->dur);
            ev->have |= HAVE_DUR;
        } else if (!strcmp(key, "args")) {
            e = read_args(L, ev);
        } else if (sim_json_skip(&L->j) < 0) {
            e = syntax(L);
        }
    }
    return e ? e : more < 0 ? syntax(L) : 0;
}

/* A pending flow start ("s"), waiting for its "f". */
typedef struct flow_start {
    int open;
    int64_t id;
    int model;
    sim_tflow f;
    size_t at;
} flow_start;

static int nomem(loader *L)
{
    snprintf(L->msg, L->n, "%s: out of memory", L->name);
    return SIM_E_NOMEM;
}

/* Checks what every drawn event needs; sets the model and lane. */
static int place(loader *L, const event *ev, unsigned need, size_t at,
                 int *model, uint32_t *lane)
{
    if ((ev->have & need) != need)
        return bad_at(L, at, "a \"%s\" event needs pid, tid, ts%s%s", ev->ph,
                      need & HAVE_DUR ? ", dur" : "",
                      need & HAVE_STATE ? " and args.state" :
                      need & HAVE_CODE ? " and args.code" : "");
    if (ev->pid < 1 || ev->pid > L->nslots)
        return bad_at(L, at, "pid %lld is no model of this file (1..%d)",
                      (long long)ev->pid, L->nslots);
    const sim_trace *t = L->slot[ev->pid - 1];
    if (ev->tid < 1 || ev->tid > (int64_t)t->nlanes)
        return bad_at(L, at, "tid %lld is no lane of model %s (1..%u)",
                      (long long)ev->tid, sim_model_name(t->model), t->nlanes);
    *model = (int)ev->pid - 1;
    *lane = (uint32_t)ev->tid - 1;
    return 0;
}

static int add_event(loader *L, const event *ev, size_t at, flow_start *fs)
{
    int k;
    uint32_t lane;
    int e;
    if (!strcmp(ev->ph, "X")) {
        if ((e = place(L, ev, HAVE_PID | HAVE_TID | HAVE_TS | HAVE_DUR | HAVE_STATE,
                       at, &k, &lane)))
            return e;
        sim_lane *l = &L->slot[k]->lanes[lane];
        if (l->nmarks && l->marks[l->nmarks - 1].t > ev->ts)
            return bad_at(L, at, "this state comes before the previous one of its lane");
        sim_mark m = {.t = ev->ts, .state = (uint8_t)ev->state,
                      .flags = ev->have & HAVE_FLAGS ? (uint8_t)ev->flags : 0,
                      .arg = ev->have & HAVE_ARG ? (uint32_t)ev->arg : SIM_NO_TASK,
                      .cpu = ev->have & HAVE_CPU ? (uint16_t)ev->cpu : SIM_NO_CPU};
        if (sim_trace_add_mark(L->slot[k], lane, m) != 0)
            return nomem(L);
        L->got[k][0]++;
    } else if (!strcmp(ev->ph, "i")) {
        if ((e = place(L, ev, HAVE_PID | HAVE_TID | HAVE_TS | HAVE_CODE, at, &k, &lane)))
            return e;
        sim_trace *t = L->slot[k];
        if (ev->code >= SIM_IN__COUNT)
            return bad_at(L, at, "instant code %lld is unknown", (long long)ev->code);
        if (t->ninstants && t->instants[t->ninstants - 1].t > ev->ts)
            return bad_at(L, at, "this instant comes before the previous one");
        sim_tinstant in = {.t = ev->ts, .lane = lane, .code = (uint8_t)ev->code,
                           .arg = ev->have & HAVE_ARG ? (uint32_t)ev->arg : 0};
        if (sim_trace_add_instant(t, in) != 0)
            return nomem(L);
        L->got[k][1]++;
    } else if (!strcmp(ev->ph, "s") || !strcmp(ev->ph, "f")) {
        if ((e = place(L, ev, HAVE_PID | HAVE_TID | HAVE_TS | HAVE_CODE | HAVE_ID,
                       at, &k, &lane)))
            return e;
        if (ev->code >= SIM_FL__COUNT)
            return bad_at(L, at, "flow code %lld is unknown", (long long)ev->code);
        if (ev->ph[0] == 's') {
            if (fs->open)
                return bad_at(L, fs->at, "flow %lld starts but never ends",
                              (long long)fs->id);
            *fs = (flow_start){.open = 1, .id = ev->id, .model = k, .at = at,
                               .f = {.t0 = ev->ts, .lane0 = lane,
                                     .code = (uint8_t)ev->code}};
            return 0;
        }
        if (!fs->open || fs->id != ev->id || fs->model != k || fs->f.code != ev->code)
            return bad_at(L, at, "flow %lld ends without its start right before it",
                          (long long)ev->id);
        sim_trace *t = L->slot[k];
        if (t->nflows && t->flows[t->nflows - 1].t1 > ev->ts)
            return bad_at(L, at, "this flow ends before the previous one");
        fs->open = 0;
        fs->f.t1 = ev->ts;
        fs->f.lane1 = lane;
        if (sim_trace_add_flow(t, fs->f) != 0)
            return nomem(L);
        L->got[k][2]++;
    }
    /* Metadata ("M") and any other kind of event: nothing to rebuild. */
    return 0;
}

static int read_events(loader *L, size_t events_at)
{
    L->j.depth = 0;
    L->j.pos = events_at;
    flow_start fs = {0};
    event ev;
    int more, e = 0;
    if (sim_json_begin_array(&L->j) < 0)
        return syntax(L);
    while (!e && (more = sim_json_next_item(&L->j)) > 0) {
        sim_json_peek(&L->j);
        size_t at = L->j.pos;
        e = read_event(L, &ev);
        if (!e)
            e = add_event(L, &ev, at, &fs);
    }
    if (e)
        return e;
    if (more < 0)
        return syntax(L);
    if (fs.open)
        return bad_at(L, fs.at, "flow %lld starts but never ends", (long long)fs.id);
    static const char *const what[3] = {"marks", "instants", "flows"};
    for (int k = 0; k < L->nslots; k++) {
        for (int w = 0; w < 3; w++) {
            if (L->want[k][w] >= 0 && (uint64_t)L->want[k][w] != L->got[k][w]) {
                snprintf(L->msg, L->n, "%s: incomplete: model %s%s should have "
                         "%lld %s and has %zu", L->name,
                         sim_model_name(L->slot[k]->model),
                         L->slot[k]->source == SIM_SOURCE_CPYTHON ? " (CPython)" : "",
                         (long long)L->want[k][w], what[w], L->got[k][w]);
                return SIM_E_FORMAT;
            }
        }
        L->slot[k]->now_ns = L->now_ns[k];
    }
    return 0;
}

/* ---- the document ----------------------------------------------------- */

/* Pass 1: syntax of the whole file, and where the two members are. */
static int find_members(loader *L, size_t *other_at, size_t *events_at)
{
    char key[32];
    int more;
    *other_at = *events_at = SIZE_MAX;
    sim_json_type t = sim_json_peek(&L->j);
    if (t == SIM_JSON_ERROR)
        return syntax(L);
    if (t != SIM_JSON_OBJECT) {
        snprintf(L->msg, L->n, "%s: " NOT_OURS ": it is not a JSON object; "
                 OURS_HINT, L->name);
        return SIM_E_FORMAT;
    }
    sim_json_begin_object(&L->j);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        size_t *slot = !strcmp(key, "otherData") ? other_at
                     : !strcmp(key, "traceEvents") ? events_at : NULL;
        sim_json_type vt = sim_json_peek(&L->j);
        if (slot) {
            if (*slot != SIZE_MAX)
                return bad_at(L, L->j.pos, "%s appears twice", key);
            if (vt != (slot == other_at ? SIM_JSON_OBJECT : SIM_JSON_ARRAY))
                return bad_at(L, L->j.pos, "expected %s",
                              slot == other_at ? "an object" : "an array");
            *slot = L->j.pos;
        }
        if (sim_json_skip(&L->j) < 0)
            return syntax(L);
    }
    if (more < 0 || sim_json_finish(&L->j) < 0)
        return syntax(L);
    return 0;
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

int sim_trace_load_mem(const char *buf, size_t len, const char *name,
                       sim_comparison *c, char *msg, size_t n)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < SIM_MODEL__COUNT; k++)
        c->traces[k].end_ns = -1;
    loader *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(msg, n, "%s: out of memory", name);
        return SIM_E_NOMEM;
    }
    L->name = name;
    L->c = c;
    L->msg = msg;
    L->n = n;
    int e = 0;
    size_t ws = 0;
    while (ws < len && buf[ws] && strchr(" \t\r\n", buf[ws]))
        ws++;
    size_t other_at, events_at;
    if (ws == len) {
        snprintf(msg, n, "%s: the file is empty; a trace is a JSON object", name);
        e = SIM_E_FORMAT;
    } else if (len > SIM_TRACE_MAX_FILE) {
        snprintf(msg, n, "%s: too big (%zu bytes); concviz opens traces of at "
                 "most 1 GiB", name, len);
        e = SIM_E_FORMAT;
    } else if (looks_binary(buf, len)) {
        snprintf(msg, n, "%s: " NOT_OURS ": it holds binary data, not JSON text; "
                 OURS_HINT, name);
        e = SIM_E_FORMAT;
    } else {
        sim_json_init(&L->j, buf, len);
        e = find_members(L, &other_at, &events_at);
    }
    if (!e && other_at == SIZE_MAX) {
        snprintf(msg, n, "%s: " NOT_OURS ": it has no otherData.concviz_format; "
                 OURS_HINT, name);
        e = SIM_E_FORMAT;
    }
    if (!e)
        e = read_other_data(L, other_at);
    if (!e && events_at == SIZE_MAX) {
        snprintf(msg, n, "%s: it has no traceEvents", name);
        e = SIM_E_FORMAT;
    }
    if (!e)
        e = read_events(L, events_at);
    free(L);
    if (e) {
        sim_comparison_deinit(c);
        return e;
    }
    /* Every trace records the whole run's configuration. */
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

int sim_trace_load(const char *path, sim_comparison *c, char *msg, size_t n)
{
    memset(c, 0, sizeof *c);
    /* A regular file or nothing: a FIFO must not wait for a writer forever
     * (read_file.h). */
    char *buf, why[256];
    size_t len;
    int e = sim_file_read_all(path, "trace", SIM_TRACE_MAX_FILE, &buf, &len, why, sizeof why);
    if (e) {
        snprintf(msg, n, "%s: %s", path, why);
        return e == SIM_E_FORMAT || e == SIM_E_NOMEM ? e : SIM_E_SYS;
    }
    e = sim_trace_load_mem(buf, len, path, c, msg, n);
    free(buf);
    return e;
}
