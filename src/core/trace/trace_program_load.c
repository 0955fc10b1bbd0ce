/* trace_program_load.c - a program's trace saved by concviz
 * (trace_program.h), read back exactly: otherData gives the lanes (their
 * kinds, names, processes, CPU times) and how the program went; each "X"
 * event, in the order the writer put them, is one mark again (args "st",
 * "what" or "on", "inferred"); instants and flows carry their codes.
 *
 * Only what a hostile file could abuse is checked beyond the syntax:
 * every index (a lane, a state, a code) is range-checked, a lane's marks
 * must come in time order (inserting late marks one by one could be made
 * quadratic), and nothing is kept past what otherData said it holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "trace_foreign.h"
#include "trace_load.h"
#include "workload.h"

#define MAX_LANES (SIM_MAX_TASKS + SIM_TRACE_MAX_RES_LANES)

int tf_plane_kind(const char *name)
{
    for (int k = 0; k < SIM_PLANE__COUNT; k++)
        if (!strcmp(name, sim_plane_kind_name((sim_plane_kind)k)))
            return k;
    return -1;
}

static int read_str(sim_tl *L, char *buf, size_t n)
{
    return sim_json_string(&L->j, buf, n, NULL) < 0 ? sim_tl_syntax(L) : 0;
}

/* One lane of otherData.lanes, into plane i. */
typedef struct lane_meta {
    sim_plane plane;
    int64_t cpu;
} lane_meta;

static int read_lane(tf *t, lane_meta *m)
{
    sim_tl *L = t->L;
    char key[16], buf[256];
    int more, e = 0;
    int64_t v;
    memset(m, 0, sizeof *m);
    m->plane.owner = SIM_NO_TASK;
    m->plane.label = SIM_NO_TASK;
    m->cpu = -1;
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "kind")) {
            size_t at = L->j.pos;
            if (!(e = read_str(L, buf, sizeof buf))) {
                int k = tf_plane_kind(buf);
                if (k < 0)
                    e = sim_tl_bad_at(L, at, "a lane's kind is thread, task, event loop or "
                                      "process");
                m->plane.kind = (uint8_t)k;
            }
        } else if (!strcmp(key, "depth")) {
            e = sim_tl_read_int(L, 0, 8, "depth", &v);
            m->plane.depth = (uint8_t)v;
        } else if (!strcmp(key, "pid")) {
            e = sim_tl_read_int(L, 0, INT32_MAX, "pid", &v);
            m->plane.pid = (int32_t)v;
        } else if (!strcmp(key, "owner")) {
            e = sim_tl_read_int(L, -1, MAX_LANES, "owner", &v);
            m->plane.owner = v < 0 ? SIM_NO_TASK : (uint32_t)v;
        } else if (!strcmp(key, "cpu_ns")) {
            e = sim_tl_read_int(L, -1, SIM_TRACE_MAX_NS, "cpu_ns", &m->cpu);
        } else if (!strcmp(key, "label")) {
            if (!(e = read_str(L, buf, sizeof buf)) &&
                sim_tprogram_intern(t->prog, buf, &m->plane.label))
                e = sim_tl_nomem(L);
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

static int read_lanes(tf *t, lane_meta **out, size_t *n)
{
    sim_tl *L = t->L;
    size_t cap = 0;
    int more, e = 0;
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_item(&L->j)) > 0) {
        if (*n >= MAX_LANES)
            return sim_tl_bad_at(L, L->j.pos, "more than %llu lanes",
                                 (unsigned long long)MAX_LANES);
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            lane_meta *nl = realloc(*out, sizeof *nl * cap);
            if (!nl)
                return sim_tl_nomem(L);
            *out = nl;
        }
        e = read_lane(t, &(*out)[*n]);
        (*n)++;
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

/* otherData's numbers and words, into the program and the trace. */
static int meta_key(tf *t, const char *key, sim_trace *tr, sim_model *model, char *outcome,
                    size_t on)
{
    sim_tl *L = t->L;
    sim_tprogram *p = t->prog;
    const int64_t T = SIM_TRACE_MAX_NS;
    int64_t v;
    int e;
    if (!strcmp(key, "source")) {
        char buf[16];
        if ((e = read_str(L, buf, sizeof buf)) == 0)
            tr->source = !strcmp(buf, "foreign") ? SIM_SOURCE_FOREIGN : SIM_SOURCE_PROGRAM;
        return e;
    }
    if (!strcmp(key, "tool")) return read_str(L, p->tool, sizeof p->tool);
    if (!strcmp(key, "command")) return read_str(L, p->command, sizeof p->command);
    if (!strcmp(key, "recorded_at"))
        return read_str(L, L->c->recorded_at, sizeof L->c->recorded_at);
    if (!strcmp(key, "machine")) return sim_tl_read_machine(L);
    if (!strcmp(key, "python")) return sim_tl_read_python(L, &tr->python);
    if (!strcmp(key, "model")) {
        char buf[32];
        size_t at = L->j.pos;
        if ((e = read_str(L, buf, sizeof buf)) == 0 && sim_model_parse(buf, model) != 0)
            e = sim_tl_bad_at(L, at, "model \"%s\" is not one concviz knows", buf);
        return e;
    }
    if (!strcmp(key, "outcome")) return read_str(L, outcome, on);
    if (!strcmp(key, "error")) return read_str(L, tr->error, sizeof tr->error);
    if (!strcmp(key, "raised")) return read_str(L, p->raised, sizeof p->raised);
    if (!strcmp(key, "note")) return read_str(L, p->note, sizeof p->note);
    if (!strcmp(key, "exit_code") || !strcmp(key, "signal")) {
        if ((e = sim_tl_read_int(L, -1, 255, key, &v)) == 0)
            *(key[0] == 'e' ? &p->exit_code : &p->signal) = (int)v;
        return e;
    }
    if (!strcmp(key, "end_ns")) return sim_tl_read_int(L, -1, T, "end_ns", &tr->end_ns);
    if (!strcmp(key, "events") || !strcmp(key, "records")) {
        if ((e = sim_tl_read_int(L, 0, INT64_MAX, key, &v)) == 0)
            *(key[0] == 'e' ? &p->events : &p->records) = (uint64_t)v;
        return e;
    }
    if (!strcmp(key, "overhead_ns")) return sim_tl_read_int(L, -1, T, key, &p->overhead_ns);
    if (!strcmp(key, "cost_event_ns")) return sim_tl_read_int(L, -1, T, key, &p->cost_event_ns);
    if (!strcmp(key, "start_ns")) return sim_tl_read_int(L, -1, T, key, &p->start_ns);
    if (!strcmp(key, "baseline_ns")) return sim_tl_read_int(L, -1, T, key, &p->baseline_ns);
    if (!strcmp(key, "sample_ns")) return sim_tl_read_int(L, -1, T, key, &p->sample_ns);
    if (!strcmp(key, "slowdown_x1000")) {
        if ((e = sim_tl_read_int(L, 0, 1000000000, key, &v)) == 0)
            p->slowdown = (double)v / 1000.0;
        return e;
    }
    if (!strcmp(key, "nmarks")) return sim_tl_read_int(L, 0, INT64_MAX, key, &t->want_marks);
    return sim_json_skip(&L->j) < 0 ? sim_tl_syntax(L) : 0;
}

int tf_program_meta(tf *t, size_t other_at)
{
    sim_tl *L = t->L;
    sim_comparison *c = L->c;
    sim_trace *tr = &c->traces[0];
    sim_trace fresh;
    memset(&fresh, 0, sizeof fresh);
    fresh.end_ns = -1;
    fresh.python.free_threaded = fresh.python.gil = -1;
    sim_model model = SIM_MODEL_THREADING;
    char outcome[24] = "", key[32];
    lane_meta *lanes = NULL;
    size_t nlanes = 0;
    int more, e = 0, have_lanes = 0;
    sim_tl_seek(L, other_at);
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "lanes")) {
            have_lanes = 1;
            e = read_lanes(t, &lanes, &nlanes);
        } else {
            e = meta_key(t, key, &fresh, &model, outcome, sizeof outcome);
        }
    }
    if (!e && more < 0)
        e = sim_tl_syntax(L);
    if (!e && (!have_lanes || nlanes == 0))
        e = sim_tl_bad_at(L, other_at, "a program's trace lists its lanes in otherData.lanes");
    for (size_t i = 0; !e && i < nlanes; i++)
        if (lanes[i].plane.owner != SIM_NO_TASK && lanes[i].plane.owner >= nlanes)
            e = sim_tl_bad_at(L, other_at, "lane %zu belongs under lane %u, which is not there",
                              i, lanes[i].plane.owner);
    if (!e && (sim_trace_init(tr, model, (uint32_t)nlanes, (uint32_t)nlanes) != 0 ||
               sim_tprogram_lanes(t->prog, (uint32_t)nlanes) != 0))
        e = sim_tl_nomem(L);
    if (!e) {
        c->ntraces = 1;
        tr->source = fresh.source ? fresh.source : SIM_SOURCE_PROGRAM;
        tr->python = fresh.python;
        memcpy(tr->error, fresh.error, sizeof tr->error);
        tr->end_ns = fresh.end_ns;
        tr->now_ns = fresh.end_ns >= 0 ? fresh.end_ns : 0;
        tr->outcome = SIM_OUTCOME_OK;
        if (outcome[0] && sim_outcome_parse(outcome, &tr->outcome) != 0)
            e = sim_tl_bad_at(L, other_at, "outcome \"%s\" is not one concviz knows", outcome);
        for (size_t i = 0; i < nlanes; i++) {
            t->prog->lanes[i] = lanes[i].plane;
            tr->lanes[i].cpu_ns = lanes[i].cpu;
            if (lanes[i].plane.kind == SIM_PLANE_THREAD)
                t->prog->nthreads++;
            else if (lanes[i].plane.kind == SIM_PLANE_TASK)
                t->prog->ntasks++;
        }
        /* Processes: each pid once (a process's lanes come together). */
        for (size_t i = 0; i < nlanes; i++)
            if (i == 0 || lanes[i].plane.pid != lanes[i - 1].plane.pid)
                t->prog->nprocesses++;
    }
    free(lanes);
    return e;
}

/* ---- the events ------------------------------------------------------------------------- */

static int by_id(const void *x, const void *y, void *arg)
{
    const tf *t = arg;
    const tf_event *a = &t->ev[*(const uint32_t *)x], *b = &t->ev[*(const uint32_t *)y];
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return (a->ph == 'f') - (b->ph == 'f');
}

static int by_t1(const void *x, const void *y)
{
    const sim_tflow *a = x, *b = y;
    return (a->t1 > b->t1) - (a->t1 < b->t1);
}

int tf_build_program(tf *t)
{
    sim_tl *L = t->L;
    sim_trace *tr = &L->c->traces[0];
    uint32_t n = tr->nlanes;
    uint64_t marks = 0;
    int e = 0;
    uint32_t *flows = malloc(sizeof *flows * (t->nev + 1));
    if (!flows)
        return sim_tl_nomem(L);
    size_t nf = 0;
    for (size_t i = 0; !e && i < t->nev; i++) {
        const tf_event *ev = &t->ev[i];
        int64_t tid = t->threads[ev->thread].tid;
        if (tid < 1 || tid > (int64_t)n) {
            e = sim_tl_bad_at(L, L->j.pos, "an event is on thread %lld, and there are %u "
                              "lanes", (long long)tid, n);
            break;
        }
        uint32_t lane = (uint32_t)(tid - 1);
        if (ev->ts < 0 || ev->ts > SIM_TRACE_MAX_NS) {
            e = sim_tl_bad_at(L, L->j.pos, "an event at %lld ns is out of range",
                              (long long)ev->ts);
            break;
        }
        if (ev->ph == 'X' && (ev->flags & TF_HAS_ST)) {
            sim_lane *l = &tr->lanes[lane];
            if (ev->st >= SIM_ST__COUNT || (l->nmarks && ev->ts < l->marks[l->nmarks - 1].t) ||
                (t->want_marks >= 0 && marks >= (uint64_t)t->want_marks)) {
                e = sim_tl_bad_at(L, L->j.pos, "lane %u: a mark is out of order, of an unknown "
                                  "state, or beyond the %lld otherData says", lane,
                                  (long long)t->want_marks);
                break;
            }
            uint32_t arg = ev->what;
            if ((ev->flags & TF_ON_LANE) && arg >= n)
                arg = SIM_NO_TASK;
            sim_mark m = {.t = ev->ts, .arg = arg, .state = ev->st,
                          .flags = (ev->flags & TF_INFERRED) ? SIM_MARK_INFERRED : 0,
                          .cpu = SIM_NO_CPU};
            if (sim_trace_add_mark(tr, lane, m) != 0)
                e = sim_tl_nomem(L);
            marks++;
        } else if (ev->ph == 'i' && (ev->flags & TF_HAS_ST) && ev->st < SIM_IN__COUNT) {
            sim_tinstant in = {.t = ev->ts, .lane = lane, .arg = ev->what, .code = ev->st};
            if (sim_trace_add_instant(tr, in) != 0)
                e = sim_tl_nomem(L);
        } else if (ev->ph == 's' || ev->ph == 'f') {
            flows[nf++] = (uint32_t)i;
        }
    }
    if (!e && t->want_marks >= 0 && marks != (uint64_t)t->want_marks)
        e = sim_tl_bad_at(L, L->j.pos, "it holds %llu marks and otherData says %lld: is it cut "
                          "short?", (unsigned long long)marks, (long long)t->want_marks);
    /* Flows: an "s" and its "f" share an id; the code is on the "s". */
    sim_tflow *fl = NULL;
    size_t nfl = 0;
    if (!e) {
        qsort_r(flows, nf, sizeof *flows, by_id, t);
        fl = malloc(sizeof *fl * (nf / 2 + 1));
        if (!fl)
            e = sim_tl_nomem(L);
    }
    for (size_t i = 0; !e && i + 1 < nf; i++) {
        const tf_event *s = &t->ev[flows[i]], *f = &t->ev[flows[i + 1]];
        if (s->ph != 's' || f->ph != 'f' || s->id != f->id ||
            !(s->flags & TF_HAS_ST) || s->st >= SIM_FL__COUNT)
            continue;
        fl[nfl++] = (sim_tflow){.t0 = s->ts, .t1 = f->ts,
                                .lane0 = (uint32_t)(t->threads[s->thread].tid - 1),
                                .lane1 = (uint32_t)(t->threads[f->thread].tid - 1),
                                .code = s->st};
        i++;
    }
    if (!e) {
        if (nfl > 1)
            qsort(fl, nfl, sizeof *fl, by_t1);
        for (size_t i = 0; !e && i < nfl; i++)
            if (sim_trace_add_flow(tr, fl[i]) != 0)
                e = sim_tl_nomem(L);
    }
    free(fl);
    free(flows);
    if (!e) {
        /* Words that came after the lanes (the marks') were interned in the
         * same table: the program goes to the trace whole. */
        tr->program = t->prog;
        t->prog = NULL;
    }
    return e;
}
