/* trace_load_lanes.c - the lanes of a format 3 or 4 trace, from concviz_lanes
 * (trace_chrome.h describes the member, trace_text.h a lane's text).
 *
 * concviz_lanes holds one object per model, whose parts may come in any
 * order (a JSON object has none): their places are found first, then each
 * part is read when the trace is ready for it.
 *
 * A model's marks are read in two sweeps over its lane strings: the first
 * counts them, which must be what otherData said; the second decodes them
 * into one block for the whole model (sim_trace_arena), so a million small
 * lanes cost one allocation and exactly the bytes their marks take. The
 * instants and flows are reserved at the size otherData gives, but never
 * beyond what the bytes of their arrays could hold.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "trace_load.h"
#include "trace_load_priv.h"
#include "trace_priv.h"
#include "trace_text.h"

/* The parts from P_DENSE on are only in a summarized trace (trace.h,
 * "Dense lanes"). */
enum { P_RES_KINDS, P_RES_INDICES, P_CPU, P_MARKS, P_INSTANTS, P_FLOWS, P_DENSE, P_IMORE,
       P_FMORE, P__COUNT };
static const char *const part_names[P__COUNT] = {
    "res_kinds", "res_indices", "cpu_ns", "marks", "instants", "flows", "dense",
    "instants_more", "flows_more",
};

/* Where each part's value starts and ends in the file. */
typedef struct parts {
    size_t at[P__COUNT], end[P__COUNT];
} parts;

static const char *model_name(sim_tl *L, int k)
{
    return sim_model_name(sim_tl_trace(L, k)->model);
}

static int find_parts(sim_tl *L, int k, size_t at, parts *p)
{
    char key[32];
    int more;
    for (int i = 0; i < P__COUNT; i++)
        p->at[i] = SIZE_MAX;
    sim_tl_seek(L, at);
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        int i = 0;
        while (i < P__COUNT && strcmp(key, part_names[i]) != 0)
            i++;
        sim_json_peek(&L->j);
        if (i < P__COUNT) {
            if (p->at[i] != SIZE_MAX)
                return sim_tl_bad_at(L, sim_json_pos(&L->j), "%s appears twice", key);
            if (sim_json_peek(&L->j) != SIM_JSON_ARRAY)
                return sim_tl_bad_at(L, sim_json_pos(&L->j), "expected an array");
            p->at[i] = sim_json_pos(&L->j);
        }
        if (sim_json_skip(&L->j) < 0)
            return sim_tl_syntax(L);
        if (i < P__COUNT)
            p->end[i] = sim_json_pos(&L->j);
    }
    if (more < 0)
        return sim_tl_syntax(L);
    for (int i = 0; i < P_DENSE; i++)
        if (p->at[i] == SIZE_MAX)
            return sim_tl_bad_at(L, at, "model %s: concviz_lanes has no %s",
                                 model_name(L, k), part_names[i]);
    return 0;
}

/* The next integer of an array, in [lo, hi]: 1 with it, 0 at the end. */
static int next_int(sim_tl *L, int64_t lo, int64_t hi, const char *what, int64_t *v)
{
    int more = sim_json_next_item(&L->j);
    if (more <= 0)
        return more < 0 ? sim_tl_syntax(L) : 0;
    int e = sim_tl_read_int(L, lo, hi, what, v);
    return e ? e : 1;
}

/* An array of exactly `count` integers in [lo, hi], into out. */
static int read_ints(sim_tl *L, int k, size_t at, int64_t lo, int64_t hi, const char *what,
                     size_t count, int64_t *out)
{
    sim_tl_seek(L, at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    size_t i = 0;
    int64_t v;
    int r;
    while ((r = next_int(L, lo, hi, what, &v)) == 1) {
        if (i == count)
            break;
        out[i++] = v;
    }
    if (r < 0)
        return r;
    if (r == 1 || i != count)
        return sim_tl_bad_at(L, at, "model %s: %s lists %s values for %zu lanes",
                             model_name(L, k), what, r == 1 ? "more" : "fewer", count);
    return 0;
}

/* Kinds and indices of the resource lanes, and every lane's CPU time. */
static int read_lane_facts(sim_tl *L, int k, const parts *p)
{
    sim_trace *t = sim_tl_trace(L, k);
    size_t nres = t->nlanes - t->ntasks;
    int64_t *v = malloc((t->nlanes ? t->nlanes : 1) * sizeof *v);
    if (!v)
        return sim_tl_nomem(L);
    int e = read_ints(L, k, p->at[P_RES_KINDS], SIM_LANE_LOOP, SIM_LANE_EXECUTOR,
                      "res_kinds", nres, v);
    for (size_t i = 0; !e && i < nres; i++)
        t->lanes[t->ntasks + i].kind = (uint8_t)v[i];
    if (!e)
        e = read_ints(L, k, p->at[P_RES_INDICES], 0, SIM_TRACE_MAX_RES_LANES,
                      "res_indices", nres, v);
    for (size_t i = 0; !e && i < nres; i++)
        t->lanes[t->ntasks + i].index = (uint32_t)v[i];
    if (!e)
        e = read_ints(L, k, p->at[P_CPU], -1, SIM_TRACE_MAX_NS, "cpu_ns", t->nlanes, v);
    for (size_t i = 0; !e && i < t->nlanes; i++)
        t->lanes[i].cpu_ns = v[i];
    free(v);
    return e;
}

static int incomplete(sim_tl *L, int k, const char *what, int64_t want, size_t got)
{
    snprintf(L->msg, L->n, "%s: incomplete: model %s should have %lld %s and has %zu",
             L->name, model_name(L, k), (long long)want, what, got);
    return SIM_E_FORMAT;
}

static int read_marks(sim_tl *L, int k, size_t at)
{
    sim_trace *t = sim_tl_trace(L, k);
    const char *s;
    size_t len, lanes = 0, total = 0;
    int more;
    /* Sweep 1: one string per lane; count the marks. */
    sim_tl_seek(L, at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_item(&L->j)) > 0) {
        sim_tl_drop_behind(L);
        if (lanes == t->nlanes)
            return sim_tl_bad_at(L, sim_json_pos(&L->j), "model %s: more lanes of marks than its "
                                 "%u lanes", model_name(L, k), t->nlanes);
        if (sim_json_string_span(&L->j, &s, &len) < 0)
            return sim_tl_syntax(L);
        total += sim_lane_text_count(s, len);
        lanes++;
    }
    if (more < 0)
        return sim_tl_syntax(L);
    if (lanes != t->nlanes)
        return sim_tl_bad_at(L, at, "model %s: marks for %zu lanes of its %u",
                             model_name(L, k), lanes, t->nlanes);
    if ((uint64_t)L->want[k][0] != total)
        return incomplete(L, k, "marks", L->want[k][0], total);
    if (total == 0)
        return 0;
    /* Sweep 2: decode them into the model's block. */
    sim_mark *block = sim_trace_arena(t, total);
    if (!block)
        return sim_tl_nomem(L);
    sim_tl_seek(L, at);
    sim_json_begin_array(&L->j);
    for (uint32_t i = 0; i < t->nlanes; i++) {
        sim_json_next_item(&L->j);
        sim_tl_drop_behind(L);
        sim_json_peek(&L->j);
        size_t str_at = sim_json_pos(&L->j) + 1, bad = 0;
        const char *why = "";
        if (sim_json_string_span(&L->j, &s, &len) < 0)
            return sim_tl_syntax(L);
        long got = sim_lane_text_read(s, len, SIM_TRACE_MAX_NS, block, &bad, &why);
        if (got < 0)
            return sim_tl_bad_at(L, str_at + bad, "lane %u of model %s: expected %s", i,
                                 model_name(L, k), why);
        if (sim_trace_lane_adopt(t, i, block, (uint32_t)got) != 0)
            return sim_tl_nomem(L);
        block += got;
    }
    L->got[k][0] = total;
    return 0;
}

/* Reads one record of `n` integers of an instants or flows array into v:
 * 1 with it, 0 at the end of the array. */
static int record(sim_tl *L, int n, const int64_t lo[], const int64_t hi[],
                  const char *const what[], int64_t v[], const char *shape)
{
    for (int f = 0; f < n; f++) {
        int r = next_int(L, lo[f], hi[f], what[f], &v[f]);
        if (r < 0)
            return r;
        if (r == 0) {
            if (f == 0)
                return 0;
            return sim_tl_bad_at(L, sim_json_pos(&L->j), "%s", shape);
        }
    }
    return 1;
}

static int read_instants(sim_tl *L, int k, size_t at, size_t end)
{
    sim_trace *t = sim_tl_trace(L, k);
    uint64_t want = (uint64_t)L->want[k][1];
    /* An instant takes at least 8 bytes ("0,0,0,0,"). */
    size_t room = want < (end - at) / 8 + 1 ? (size_t)want : (end - at) / 8 + 1;
    if (sim_trace_reserve(t, room, 0) != 0)
        return sim_tl_nomem(L);
    static const char *const what[4] = {"instant dt", "instant lane", "instant code",
                                        "instant arg"};
    int64_t v[4], lo[4] = {0, 0, 0, 0}, time = 0;
    /* Format 3 knew the instants up to the deadlock; 4 added the steps,
     * the values and the queue items. (A program's marks, SIM_IN_MARK,
     * are only in a program's own files: trace_program.h.) */
    int64_t hi[4] = {0, (int64_t)t->nlanes - 1,
                     L->format >= 4 ? SIM_IN_GOT : SIM_IN_DEADLOCK, UINT32_MAX};
    sim_tl_seek(L, at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    int r;
    for (;;) {
        sim_tl_drop_behind(L);
        hi[0] = SIM_TRACE_MAX_NS - time;
        size_t rec_at = sim_json_pos(&L->j);
        r = record(L, 4, lo, hi, what, v, "an instant is 4 integers: dt, lane, code, arg");
        if (r <= 0)
            break;
        if (L->got[k][1] == want)
            return sim_tl_bad_at(L, rec_at, "model %s holds more instants than the %llu "
                                 "its otherData says", model_name(L, k),
                                 (unsigned long long)want);
        time += v[0];
        sim_tinstant in = {.t = time, .lane = (uint32_t)v[1], .code = (uint8_t)v[2],
                           .arg = (uint32_t)v[3]};
        if (sim_trace_add_instant(t, in) != 0)
            return sim_tl_nomem(L);
        L->got[k][1]++;
    }
    if (r < 0)
        return r;
    if (L->got[k][1] != want)
        return incomplete(L, k, "instants", L->want[k][1], L->got[k][1]);
    return 0;
}

static int read_flows(sim_tl *L, int k, size_t at, size_t end)
{
    sim_trace *t = sim_tl_trace(L, k);
    uint64_t want = (uint64_t)L->want[k][2];
    /* A flow takes at least 10 bytes ("0,0,0,0,0,"). */
    size_t room = want < (end - at) / 10 + 1 ? (size_t)want : (end - at) / 10 + 1;
    if (sim_trace_reserve(t, 0, room) != 0)
        return sim_tl_nomem(L);
    static const char *const what[5] = {"flow dt", "flow back", "flow lane0",
                                        "flow lane1", "flow code"};
    /* dt keeps the end within range, back the start (checked below). */
    int64_t v[5], time = 0;
    int64_t lo[5] = {0, -SIM_TRACE_MAX_NS, 0, 0, 0};
    int64_t hi[5] = {0, SIM_TRACE_MAX_NS, (int64_t)t->nlanes - 1, (int64_t)t->nlanes - 1,
                     SIM_FL__COUNT - 1};
    sim_tl_seek(L, at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    int r;
    for (;;) {
        sim_tl_drop_behind(L);
        hi[0] = SIM_TRACE_MAX_NS - time;
        size_t rec_at = sim_json_pos(&L->j);
        r = record(L, 5, lo, hi, what, v, "a flow is 5 integers: dt, back, lane0, lane1, "
                   "code");
        if (r <= 0)
            break;
        int64_t t1 = time + v[0], t0 = t1 - v[1];
        if (t0 < 0 || t0 > SIM_TRACE_MAX_NS)
            return sim_tl_bad_at(L, rec_at, "a flow starts at %lld ns, out of range "
                                 "(0..%lld ns)", (long long)t0, (long long)SIM_TRACE_MAX_NS);
        if (L->got[k][2] == want)
            return sim_tl_bad_at(L, rec_at, "model %s holds more flows than the %llu "
                                 "its otherData says", model_name(L, k),
                                 (unsigned long long)want);
        time = t1;
        sim_tflow f = {.t0 = t0, .t1 = t1, .lane0 = (uint32_t)v[2], .lane1 = (uint32_t)v[3],
                       .code = (uint8_t)v[4]};
        if (sim_trace_add_flow(t, f) != 0)
            return sim_tl_nomem(L);
        L->got[k][2]++;
    }
    if (r < 0)
        return r;
    if (L->got[k][2] != want)
        return incomplete(L, k, "flows", L->want[k][2], L->got[k][2]);
    return 0;
}

/* The summaries of a summarized trace (trace_chrome.h: "dense"), into
 * t->dense; then every 'D' mark must name one of them. */
static int read_dense(sim_tl *L, int k, size_t at)
{
    sim_trace *t = &L->c->traces[k];
    int64_t q;
    int r;
    if (at != SIZE_MAX) {
        sim_tl_seek(L, at);
        if (sim_json_begin_array(&L->j) < 0)
            return sim_tl_syntax(L);
        r = next_int(L, 0, SIM_TRACE_MAX_NS, "resolution_ns", &q);
        if (r <= 0)
            return r < 0 ? r : sim_tl_bad_at(L, at, "dense: no resolution");
        t->resolution_ns = q;
        static const char *const what[4] = {"dense segs", "dense arg_changes",
                                            "dense first_arg", "dense last_arg"};
        for (;;) {
            sim_tl_drop_behind(L);
            size_t rec_at = L->j.pos;
            int64_t head[5];
            r = next_int(L, 0, UINT32_MAX, what[0], &head[0]);
            if (r <= 0)
                break;
            for (int f = 1; f < 5 && r == 1; f++)
                r = next_int(L, 0, f < 4 ? UINT32_MAX : SIM_ST__COUNT,
                             f < 4 ? what[f] : "dense states", &head[f]);
            sim_tdense d = {.segs = (uint32_t)head[0], .arg_changes = (uint32_t)head[1],
                            .first_arg = (uint32_t)head[2], .last_arg = (uint32_t)head[3]};
            for (int64_t s = 0; s < head[4] && r == 1; s++) {
                int64_t st, n, ns;
                r = next_int(L, 0, SIM_ST_DENSE - 1, "dense state", &st);
                if (r == 1)
                    r = next_int(L, 0, UINT32_MAX, "dense count", &n);
                if (r == 1)
                    r = next_int(L, 0, UINT32_MAX, "dense ns", &ns);
                if (r == 1) {
                    d.n[st] = (uint32_t)n;
                    d.ns[st] = (uint32_t)ns;
                }
            }
            if (r < 0)
                return r;
            if (r == 0)
                return sim_tl_bad_at(L, rec_at, "a dense record is segs, arg_changes, "
                                     "first_arg, last_arg, k and k triples (state, "
                                     "count, ns)");
            if (t->ndense == t->cap_dense) {
                size_t cap = t->cap_dense ? 2 * t->cap_dense : 256;
                sim_tdense *p = sim_tr_resize(t->dense, t->cap_dense * sizeof *p,
                                              cap * sizeof *p);
                if (!p)
                    return sim_tl_nomem(L);
                t->dense = p;
                t->cap_dense = cap;
            }
            t->dense[t->ndense++] = d;
        }
        if (r < 0)
            return r;
    }
    for (uint32_t i = 0; i < t->nlanes; i++)
        for (size_t m = 0; m < t->lanes[i].nmarks; m++)
            if (t->lanes[i].marks[m].state == SIM_ST_DENSE &&
                t->lanes[i].marks[m].arg >= t->ndense) {
                snprintf(L->msg, L->n, "%s: model %s: lane %u has a summarized mark "
                         "(D) whose record %u is not in \"dense\" (%zu records)", L->name,
                         model_name(L, k), i, t->lanes[i].marks[m].arg, t->ndense);
                return SIM_E_FORMAT;
            }
    return 0;
}

/* instants_more or flows_more: pairs (index, more) into the array's
 * elements' "more" (a uint32_t `off` bytes into each of `stride`). */
static int read_more(sim_tl *L, size_t at, void *base, size_t n, size_t stride, size_t off,
                     const char *what)
{
    if (at == SIZE_MAX)
        return 0;
    sim_tl_seek(L, at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    int64_t i, more;
    int r;
    while ((r = next_int(L, 0, n ? (int64_t)n - 1 : -1, what, &i)) == 1) {
        sim_tl_drop_behind(L);
        r = next_int(L, 0, UINT32_MAX, what, &more);
        if (r <= 0)
            return r < 0 ? r : sim_tl_bad_at(L, L->j.pos, "%s: pairs of index, count", what);
        uint32_t m = (uint32_t)more;
        memcpy((char *)base + (size_t)i * stride + off, &m, sizeof m);
    }
    return r;
}

int sim_tl_read_lanes(sim_tl *L, size_t lanes_at)
{
    /* Where each model's entry is: one per model of otherData, in order,
     * then one per CPython trace (format 4). */
    size_t at[2 * SIM_MODEL__COUNT];
    int n = 0, more;
    sim_tl_seek(L, lanes_at);
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    while ((more = sim_json_next_item(&L->j)) > 0) {
        if (n == L->nslots)
            break;
        sim_json_peek(&L->j);
        at[n++] = sim_json_pos(&L->j);
        if (sim_json_skip(&L->j) < 0)
            return sim_tl_syntax(L);
    }
    if (more < 0)
        return sim_tl_syntax(L);
    if (more > 0 || n != L->nslots)
        return sim_tl_bad_at(L, lanes_at, "concviz_lanes has %s entries than the %d "
                             "models (and CPython traces) of otherData",
                             more > 0 ? "more" : "fewer", L->nslots);
    for (int k = 0; k < n; k++) {
        parts p;
        int e = find_parts(L, k, at[k], &p);
        if (!e)
            e = read_lane_facts(L, k, &p);
        if (!e)
            e = read_marks(L, k, p.at[P_MARKS]);
        if (!e)
            e = read_instants(L, k, p.at[P_INSTANTS], p.end[P_INSTANTS]);
        if (!e)
            e = read_flows(L, k, p.at[P_FLOWS], p.end[P_FLOWS]);
        if (!e)
            e = read_dense(L, k, p.at[P_DENSE]);
        sim_trace *t = &L->c->traces[k];
        if (!e)
            e = read_more(L, p.at[P_IMORE], t->instants, t->ninstants, sizeof *t->instants,
                          offsetof(sim_tinstant, more), "instants_more");
        if (!e)
            e = read_more(L, p.at[P_FMORE], t->flows, t->nflows, sizeof *t->flows,
                          offsetof(sim_tflow, more), "flows_more");
        if (e)
            return e;
        sim_tl_trace(L, k)->now_ns = L->now_ns[k];
    }
    return 0;
}
