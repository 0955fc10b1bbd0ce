/* trace_load_meta.c - otherData of a saved run: the workload, the machine
 * and each model's settings, outcome and size (trace_chrome.h).
 *
 * Every model's entry is read and checked first; the memory their traces
 * will need is then held to the budget (half of the memory available),
 * and only then are the traces set up: a file too big for this machine is
 * refused with its sizes before anything is built. In format 1 and 2 files
 * the entries also list every lane's kind, index and CPU time; format 3
 * keeps those in concviz_lanes (trace_load_lanes.c). Format 4 adds
 * "cpython", the traces measured in CPython beside the models, each entry
 * as a model's plus the model it stands beside ("of") and its interpreter.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "format.h"
#include "start_method.h"
#include "trace_chrome.h"
#include "trace_load.h"
#include "trace_load_priv.h"
#include "trace_share_io.h"
#include "workload.h"

#define NOT_OURS "not a concviz trace"
#define OURS_HINT "concviz opens the files `concviz run --trace FILE` writes"
#define MAX_LANES (SIM_MAX_TASKS + SIM_TRACE_MAX_RES_LANES)

static int read_str(sim_tl *L, char *buf, size_t n)
{
    return sim_json_string(&L->j, buf, n, NULL) < 0 ? sim_tl_syntax(L) : 0;
}

/* The lanes of one model as otherData lists them. */
typedef struct lane_list {
    int64_t *v;
    size_t n;
} lane_list;

static int read_list(sim_tl *L, int64_t lo, int64_t hi, const char *what,
                     lane_list *out)
{
    size_t cap = 0;
    int more;
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_item(&L->j)) > 0) {
        if (out->n == MAX_LANES)
            return sim_tl_bad_at(L, sim_json_pos(&L->j), "more than %llu lanes in one model",
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
        int e = sim_tl_read_int(L, lo, hi, what, &out->v[out->n]);
        if (e)
            return e;
        out->n++;
    }
    return more < 0 ? sim_tl_syntax(L) : 0;
}

typedef struct model_meta {
    char name[32];
    int64_t of;             /* a CPython trace: the model it stands beside; else -1 */
    int have_python;
    sim_python python;      /* a CPython trace: its interpreter */
    int64_t end_ns, now_ns, workers, threads, switch_ns, mem, ntasks, dropped;
    int64_t counts[3];
    int failed;
    char outcome[24];       /* "" in version 1 files */
    sim_tdeadlock deadlock;
    char error[256];
    char start_method[16];  /* multiprocessing; "" in files older than it */
    int64_t nlanes;         /* format 3 (before, the lists say) */
    lane_list kinds, indices, cpu;  /* formats 1 and 2 */
    /* Found by check_model: */
    sim_model model;
    size_t nl, at;          /* lanes; where the entry starts in the file */
    sim_costs costs;        /* the cost profile; has_costs 0 in older files */
    int has_costs;
    sim_shared_meta shared;  /* counters, lock names, messages (trace_share_io.c) */
} model_meta;

/* "deadlock":{"t_ns":T,"links":[[task,name,holder],...]}; holder -1: none.
 * Task and name indices are checked against the model once it is built. */
static int read_deadlock(sim_tl *L, sim_tdeadlock *d)
{
    char key[16];
    int more, item;
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        int e = 0;
        if (!strcmp(key, "t_ns")) {
            e = sim_tl_read_int(L, 0, SIM_TRACE_MAX_NS, "deadlock t_ns", &d->t);
        } else if (!strcmp(key, "links")) {
            if (sim_json_begin_array(&L->j) < 0)
                return sim_tl_syntax(L);
            while ((item = sim_json_next_item(&L->j)) > 0) {
                int64_t v[3];
                if (d->nlinks >= SIM_DEADLOCK_MAX_LINKS)
                    return sim_tl_bad_at(L, sim_json_pos(&L->j), "a deadlock has at most %d links",
                                  SIM_DEADLOCK_MAX_LINKS);
                if (sim_json_begin_array(&L->j) < 0)
                    return sim_tl_syntax(L);
                for (int k = 0; k < 3; k++) {
                    if (sim_json_next_item(&L->j) <= 0)
                        return sim_tl_bad_at(L, sim_json_pos(&L->j), "a deadlock link is [task, name, holder]");
                    e = sim_tl_read_int(L, k == 2 ? -1 : 0, SIM_MAX_TASKS, "deadlock link", &v[k]);
                    if (e)
                        return e;
                }
                if (sim_json_next_item(&L->j) != 0)
                    return sim_tl_bad_at(L, sim_json_pos(&L->j), "a deadlock link is [task, name, holder]");
                d->links[d->nlinks++] = (sim_twait){(uint32_t)v[0], (uint32_t)v[1],
                                                    v[2] < 0 ? SIM_NO_TASK : (uint32_t)v[2]};
            }
            if (item < 0)
                return sim_tl_syntax(L);
        } else if (sim_json_skip(&L->j) < 0) {
            return sim_tl_syntax(L);
        }
        if (e)
            return e;
    }
    return more < 0 ? sim_tl_syntax(L) : 0;
}

/* "machine":{"cpus":N,"cpu_model":..,"hostname":..,"os":..}, into L->c->machine. */
int sim_tl_read_machine(sim_tl *L)
{
    sim_machine *mc = &L->c->machine;
    char key[32];
    int more, e = 0;
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "cpus")) {
            int64_t v;
            e = sim_tl_read_int(L, 0, 1 << 20, "cpus", &v);
            mc->cpus = (int)v;
        } else if (!strcmp(key, "cpu_model")) {
            e = read_str(L, mc->cpu_model, sizeof mc->cpu_model);
        } else if (!strcmp(key, "hostname")) {
            e = read_str(L, mc->hostname, sizeof mc->hostname);
        } else if (!strcmp(key, "os")) {
            e = read_str(L, mc->os, sizeof mc->os);
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

/* "python":{"path":..,"impl":..,"version":..,"free_threaded":N,"gil":N} */
int sim_tl_read_python(sim_tl *L, sim_python *p)
{
    char key[16];
    int more, e = 0;
    int64_t v;
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "path")) {
            e = read_str(L, p->path, sizeof p->path);
        } else if (!strcmp(key, "impl")) {
            e = read_str(L, p->impl, sizeof p->impl);
        } else if (!strcmp(key, "version")) {
            e = read_str(L, p->version, sizeof p->version);
        } else if (!strcmp(key, "free_threaded") || !strcmp(key, "gil")) {
            e = sim_tl_read_int(L, -1, 1, key, &v);
            *(key[0] == 'g' ? &p->gil : &p->free_threaded) = (int8_t)v;
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

static int model_key(sim_tl *L, const char *key, model_meta *m)
{
    const int64_t T = SIM_TRACE_MAX_NS;
    if (!strcmp(key, "name")) return read_str(L, m->name, sizeof m->name);
    if (!strcmp(key, "of")) return sim_tl_read_int(L, 0, SIM_MODEL__COUNT - 1, "of", &m->of);
    if (!strcmp(key, "python")) {
        m->have_python = 1;
        return sim_tl_read_python(L, &m->python);
    }
    if (!strcmp(key, "end_ns")) return sim_tl_read_int(L, -1, T, "end_ns", &m->end_ns);
    if (!strcmp(key, "now_ns")) return sim_tl_read_int(L, 0, T, "now_ns", &m->now_ns);
    if (!strcmp(key, "failed"))
        return sim_json_bool(&L->j, &m->failed) < 0 ? sim_tl_syntax(L) : 0;
    if (!strcmp(key, "error")) return read_str(L, m->error, sizeof m->error);
    if (!strcmp(key, "outcome")) return read_str(L, m->outcome, sizeof m->outcome);
    if (!strcmp(key, "deadlock")) return read_deadlock(L, &m->deadlock);
    if (!strcmp(key, "start_method"))
        return read_str(L, m->start_method, sizeof m->start_method);
    if (!strcmp(key, "workers"))
        return sim_tl_read_int(L, 0, SIM_TRACE_MAX_RES_LANES, "workers", &m->workers);
    if (!strcmp(key, "threads"))
        return sim_tl_read_int(L, 0, SIM_MAX_TASKS, "threads", &m->threads);
    if (!strcmp(key, "switch_interval_ns"))
        return sim_tl_read_int(L, 0, T, "switch_interval_ns", &m->switch_ns);
    if (!strcmp(key, "mem_per_task_bytes"))
        return sim_tl_read_int(L, -1, INT64_MAX, "mem_per_task_bytes", &m->mem);
    if (!strcmp(key, "ntasks"))
        return sim_tl_read_int(L, 0, SIM_MAX_TASKS, "ntasks", &m->ntasks);
    if (!strcmp(key, "dropped"))
        return sim_tl_read_int(L, 0, INT64_MAX, "dropped", &m->dropped);
    if (!strcmp(key, "nmarks"))
        return sim_tl_read_int(L, 0, INT64_MAX, "nmarks", &m->counts[0]);
    if (!strcmp(key, "ninstants"))
        return sim_tl_read_int(L, 0, INT64_MAX, "ninstants", &m->counts[1]);
    if (!strcmp(key, "nflows"))
        return sim_tl_read_int(L, 0, INT64_MAX, "nflows", &m->counts[2]);
    if (!strcmp(key, "shared"))
        return sim_chrome_read_shared(&L->j, &m->shared) < 0 ? sim_tl_syntax(L) : 0;
    if (!strcmp(key, "costs")) {
        m->has_costs = 1;
        return sim_costs_read(&L->j, &m->costs) < 0 ? sim_tl_syntax(L) : 0;
    }
    if (!strcmp(key, "nlanes"))
        return sim_tl_read_int(L, 0, MAX_LANES, "nlanes", &m->nlanes);
    if (L->format < 3 && !strcmp(key, "lane_kinds"))
        return read_list(L, SIM_LANE_TASK, SIM_LANE_EXECUTOR, "lane kind", &m->kinds);
    if (L->format < 3 && !strcmp(key, "lane_indices"))
        return read_list(L, 0, MAX_LANES, "lane index", &m->indices);
    if (L->format < 3 && !strcmp(key, "lane_cpu_ns"))
        return read_list(L, -1, SIM_TRACE_MAX_NS, "lane cpu_ns", &m->cpu);
    return sim_json_skip(&L->j) < 0 ? sim_tl_syntax(L) : 0;
}

/* Format 1 and 2: the lanes as otherData lists them. */
static int check_lane_lists(sim_tl *L, model_meta *m, size_t at)
{
    size_t nl = m->kinds.n;
    if (m->indices.n != nl || m->cpu.n != nl)
        return sim_tl_bad_at(L, at, "model %s lists %zu lane kinds, %zu lane indices "
                      "and %zu lane cpu_ns: they must match", m->name, nl,
                      m->indices.n, m->cpu.n);
    if ((uint64_t)m->ntasks > nl || nl - (size_t)m->ntasks > SIM_TRACE_MAX_RES_LANES)
        return sim_tl_bad_at(L, at, "model %s has %zu lanes for %lld tasks: it needs "
                      "one per task and at most %u more", m->name, nl,
                      (long long)m->ntasks, SIM_TRACE_MAX_RES_LANES);
    for (size_t i = 0; i < nl; i++) {
        int is_task = i < (size_t)m->ntasks;
        if (is_task != (m->kinds.v[i] == SIM_LANE_TASK) ||
            (is_task && m->indices.v[i] != (int64_t)i) ||
            (!is_task && m->indices.v[i] > SIM_TRACE_MAX_RES_LANES))
            return sim_tl_bad_at(L, at, "model %s: lane %zu (kind %lld, index %lld) "
                          "does not fit: lanes 0..%lld are tasks, in order, "
                          "then resource lanes", m->name, i,
                          (long long)m->kinds.v[i], (long long)m->indices.v[i],
                          (long long)m->ntasks - 1);
    }
    return 0;
}

/* What a model will take in memory once loaded, from what otherData says
 * it holds: exact for format 3 (lanes are read into blocks of the right
 * size); formats 1 and 2 grow their arrays by half, and when they do not
 * say their counts, their events cannot be more than the file's bytes. */
static uint64_t model_bytes(const sim_tl *L, const model_meta *m, size_t nl)
{
    const int64_t *n = m->counts;
    uint64_t lanes = (uint64_t)nl * sizeof(sim_lane);
    if (n[0] < 0 || n[1] < 0 || n[2] < 0)
        return lanes + sim_json_size(&L->j);
    uint64_t items = (uint64_t)n[0] * sizeof(sim_mark) +
                     (uint64_t)n[1] * sizeof(sim_tinstant) + (uint64_t)n[2] * sizeof(sim_tflow);
    if (L->format >= 3)
        return lanes + items;
    return lanes + items + items / 2 + (uint64_t)nl * 32;
}

/* Refuses, before building anything, a file whose traces would take more
 * memory than concviz may use. */
static int check_budget(sim_tl *L, const model_meta *m, int nmodels)
{
    uint64_t need = 0, lanes = 0, count[3] = {0, 0, 0};
    for (int k = 0; k < nmodels; k++) {
        need += model_bytes(L, &m[k], m[k].nl);
        lanes += m[k].nl;
        for (int w = 0; w < 3; w++)
            count[w] += m[k].counts[w] > 0 ? (uint64_t)m[k].counts[w] : 0;
    }
    if (need <= L->budget)
        return 0;
    char need_s[32], budget_s[32];
    sim_format_bytes((int64_t)(need > INT64_MAX ? INT64_MAX : need), need_s, sizeof need_s);
    sim_format_bytes((int64_t)(L->budget > INT64_MAX ? INT64_MAX : L->budget), budget_s,
                     sizeof budget_s);
    snprintf(L->msg, L->n, "%s: too big to open here: its runs need about %s of memory "
             "(%llu lanes, %llu marks, %llu instants, %llu flows), and concviz may use "
             "%s (half of the memory available now); close other programs, or open it "
             "on a machine with more memory", L->name, need_s, (unsigned long long)lanes,
             (unsigned long long)count[0], (unsigned long long)count[1],
             (unsigned long long)count[2], budget_s);
    return SIM_E_NOMEM;
}

/* Checks what otherData says of a model's lanes, before anything is built. */
static int check_model(sim_tl *L, int k, model_meta *m)
{
    size_t at = m->at;
    if (!m->name[0])
        return sim_tl_bad_at(L, at, "model %d has no name", k + 1);
    if (sim_model_parse(m->name, &m->model) != 0)
        return sim_tl_bad_at(L, at, "model %d is \"%s\", not a model concviz knows",
                      k + 1, m->name);
    if (L->format >= 3) {
        /* Lanes come later, from concviz_lanes; otherData says how many. */
        if (m->ntasks < 0 || m->nlanes < m->ntasks ||
            m->counts[0] < 0 || m->counts[1] < 0 || m->counts[2] < 0)
            return sim_tl_bad_at(L, at, "model %s has no ntasks, nlanes, nmarks, "
                                 "ninstants or nflows (or fewer lanes than tasks)", m->name);
        m->nl = (size_t)m->nlanes;
        if (m->nl - (size_t)m->ntasks > SIM_TRACE_MAX_RES_LANES)
            return sim_tl_bad_at(L, at, "model %s has %zu lanes for %lld tasks: it needs "
                                 "one per task and at most %u more", m->name, m->nl,
                                 (long long)m->ntasks, SIM_TRACE_MAX_RES_LANES);
        return 0;
    }
    if (m->ntasks < 0 || (m->kinds.n == 0 && m->ntasks > 0))
        return sim_tl_bad_at(L, at, "model %s has no ntasks or no lane_kinds", m->name);
    m->nl = m->kinds.n;
    return check_lane_lists(L, m, at);
}

/* Sets up the trace of slot k from what otherData says: a model's, or
 * (cpython) CPython's beside model m->of. */
static int build_model(sim_tl *L, int k, model_meta *m, int cpython)
{
    size_t at = m->at, nl = m->nl;
    sim_model model = m->model;
    sim_start_method sm = SIM_START_FORKSERVER;
    if (m->start_method[0] && sim_start_method_parse(m->start_method, &sm) != 0)
        return sim_tl_bad_at(L, at, "model %s: start method \"%s\" is not fork, spawn "
                      "or forkserver", m->name, m->start_method);
    if (cpython && (m->of < 0 || m->of >= L->c->ntraces || !m->have_python ||
                    L->c->traces[m->of].model != model ||
                    L->c->cpython[m->of].source == SIM_SOURCE_CPYTHON))
        return sim_tl_bad_at(L, at, "CPython's %s trace must name the model it stands "
                             "beside (\"of\"), once, and its interpreter (\"python\")",
                             m->name);
    sim_trace *t = cpython ? &L->c->cpython[m->of] : &L->c->traces[k];
    if (sim_trace_init(t, model, (uint32_t)m->ntasks, (uint32_t)nl) != 0) {
        snprintf(L->msg, L->n, "%s: out of memory", L->name);
        return SIM_E_NOMEM;
    }
    if (cpython) {
        t->source = SIM_SOURCE_CPYTHON;
        t->python = m->python;
        L->of[k - L->c->ntraces] = (int)m->of;
    } else {
        L->c->ntraces = k + 1;
    }
    L->nslots = k + 1;
    t->has_steps = L->format >= 4;
    for (size_t i = 0; i < m->kinds.n; i++) {
        t->lanes[i].kind = (uint8_t)m->kinds.v[i];
        t->lanes[i].index = (uint32_t)m->indices.v[i];
        t->lanes[i].cpu_ns = m->cpu.v[i];
    }
    t->end_ns = m->end_ns;
    if (m->outcome[0]) {
        if (sim_outcome_parse(m->outcome, &t->outcome) != 0)
            return sim_tl_bad_at(L, at, "model %s: outcome \"%s\" is not one concviz knows",
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
                return sim_tl_bad_at(L, at, "model %s: a deadlock link names a task or a name "
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
    t->costs = m->costs;
    t->has_costs = m->has_costs;
    memcpy(t->error, m->error, sizeof t->error);
    sim_shared_meta_move(&m->shared, t);
    L->now_ns[k] = m->now_ns;
    memcpy(L->want[k], m->counts, sizeof L->want[k]);
    return 0;
}

static void meta_init(model_meta *m)
{
    memset(m, 0, sizeof *m);
    m->of = -1;
    m->end_ns = -1;
    m->deadlock.t = -1;
    m->mem = -1;
    m->ntasks = -1;
    m->nlanes = -1;
    m->counts[0] = m->counts[1] = m->counts[2] = -1;
}

static void meta_free(model_meta *m)
{
    free(m->kinds.v);
    free(m->indices.v);
    free(m->cpu.v);
    sim_shared_meta_free(&m->shared);
}

static int read_model(sim_tl *L, int k, model_meta *m)
{
    sim_json_peek(&L->j);
    m->at = sim_json_pos(&L->j);
    char key[32];
    int more, e = 0;
    if (sim_json_begin_object(&L->j) < 0)
        e = sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0)
        e = model_key(L, key, m);
    if (!e && more < 0)
        e = sim_tl_syntax(L);
    return e ? e : check_model(L, k, m);
}

/* Every model's entry is read and checked, the memory they need is held
 * to the budget, and only then are their traces set up; the same for the
 * CPython traces beside them (cpython), once the models are. */
static int read_models(sim_tl *L, int cpython)
{
    model_meta m[SIM_MODEL__COUNT];
    int more, e = 0, k = 0, base = cpython ? L->nslots : 0;
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_item(&L->j)) > 0) {
        if (k == SIM_MODEL__COUNT) {
            e = sim_tl_bad_at(L, sim_json_pos(&L->j), "more than %d models", SIM_MODEL__COUNT);
            break;
        }
        meta_init(&m[k]);
        e = read_model(L, k, &m[k]);
        k++;
    }
    if (!e && more < 0)
        e = sim_tl_syntax(L);
    if (!e)
        e = check_budget(L, m, k);
    for (int i = 0; !e && i < k; i++)
        e = build_model(L, base + i, &m[i], cpython);
    for (int i = 0; i < k; i++)
        meta_free(&m[i]);
    return e;
}

/* Finds otherData.concviz_format before anything else is judged: a file
 * from a newer concviz should say so, not fail on a field it added. */
static int check_format(sim_tl *L, size_t other_at)
{
    char key[32];
    int more;
    int64_t fmt = -1;
    sim_tl_seek(L, other_at);
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "concviz_format")) {
            if (sim_json_peek(&L->j) != SIM_JSON_NUMBER)
                break;
            if (sim_json_int64(&L->j, &fmt) < 0)
                return sim_tl_syntax(L);
        } else if (sim_json_skip(&L->j) < 0) {
            return sim_tl_syntax(L);
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
    L->format = (int)fmt;
    return 0;
}

int sim_tl_read_other_data(sim_tl *L, size_t other_at)
{
    int e = check_format(L, other_at);
    if (e)
        return e;
    sim_tl_seek(L, other_at);
    char key[32];
    int more, have_models = 0, have_workload = 0;
    size_t cpython_at = SIZE_MAX;
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "workload")) {
            free(L->c->workload);
            L->c->workload = NULL;
            if (sim_json_string_dup(&L->j, SIM_MAX_SPEC_LEN, &L->c->workload) < 0)
                e = sim_tl_syntax(L);
            have_workload = 1;
        } else if (!strcmp(key, "nominal_ns")) {
            e = sim_tl_read_int(L, 0, INT64_MAX, "nominal_ns", &L->c->nominal_ns);
        } else if (!strcmp(key, "recorded_at")) {
            e = read_str(L, L->c->recorded_at, sizeof L->c->recorded_at);
        } else if (!strcmp(key, "machine")) {
            e = sim_tl_read_machine(L);
        } else if (!strcmp(key, "models")) {
            if (have_models)
                return sim_tl_bad_at(L, sim_json_pos(&L->j), "otherData lists models twice");
            have_models = 1;
            e = read_models(L, 0);
        } else if (L->format >= 4 && !strcmp(key, "cpython")) {
            /* read once the models are known: they may come after it */
            if (cpython_at != SIZE_MAX)
                return sim_tl_bad_at(L, sim_json_pos(&L->j), "otherData lists cpython twice");
            sim_json_peek(&L->j);
            cpython_at = sim_json_pos(&L->j);
            if (sim_json_skip(&L->j) < 0)
                e = sim_tl_syntax(L);
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    if (e)
        return e;
    if (more < 0)
        return sim_tl_syntax(L);
    if (!have_models || !have_workload)
        return sim_tl_bad_at(L, other_at, "otherData has no %s",
                      have_models ? "workload" : "models");
    L->nslots = L->c->ntraces;
    if (cpython_at != SIZE_MAX) {
        sim_tl_seek(L, cpython_at);
        return read_models(L, 1);
    }
    return 0;
}
