/* trace_load_events.c - the lanes of a format 1 or 2 trace, rebuilt from
 * its Chrome events (see trace_chrome.h; format 3 files keep them in
 * concviz_lanes, trace_load_lanes.c).
 *
 * Each event of traceEvents becomes a mark ("X"), an instant ("i") or a
 * flow ("s" then "f"), and is forgotten. The events of a lane must come in
 * time order, as the writer put them: inserting out-of-order marks would
 * let a hostile file cost quadratic time. The counts in otherData must
 * match the events found, which tells a complete file from a cut one.
 */
#include <string.h>

#include "err.h"
#include "trace_load_priv.h"

typedef struct event {
    char ph[8];
    int64_t pid, tid, id, ts, dur;
    int64_t state, arg, cpu, code;
    unsigned have;     /* HAVE_* bits */
} event;

enum { HAVE_PID = 1, HAVE_TID = 2, HAVE_ID = 4, HAVE_TS = 8, HAVE_DUR = 16,
       HAVE_STATE = 32, HAVE_ARG = 64, HAVE_CPU = 128, HAVE_CODE = 256 };

static int read_str(sim_tl *L, char *buf, size_t n)
{
    return sim_json_string(&L->j, buf, n, NULL) < 0 ? sim_tl_syntax(L) : 0;
}

/* One more of kind w (marks, instants, flows) in model k: past what
 * otherData said, the file is refused at once, so that memory never grows
 * beyond the counts the budget was checked against. */
static int count(sim_tl *L, int k, int w, size_t at)
{
    static const char *const what[3] = {"marks", "instants", "flows"};
    if (L->want[k][w] >= 0 && L->got[k][w] >= (uint64_t)L->want[k][w])
        return sim_tl_bad_at(L, at, "model %s holds more %s than the %lld its "
                             "otherData says", sim_model_name(L->c->traces[k].model),
                             what[w], (long long)L->want[k][w]);
    L->got[k][w]++;
    return 0;
}

static int read_args(sim_tl *L, event *ev)
{
    char key[16];
    int more, e = 0;
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "state")) {
            e = sim_tl_read_int(L, 0, SIM_ST__COUNT - 1, "state", &ev->state);
            ev->have |= HAVE_STATE;
        } else if (!strcmp(key, "task") || !strcmp(key, "arg")) {
            e = sim_tl_read_int(L, 0, UINT32_MAX, key, &ev->arg);
            ev->have |= HAVE_ARG;
        } else if (!strcmp(key, "cpu")) {
            e = sim_tl_read_int(L, 0, SIM_NO_CPU - 1, "cpu", &ev->cpu);
            ev->have |= HAVE_CPU;
        } else if (!strcmp(key, "code")) {
            e = sim_tl_read_int(L, 0, 255, "code", &ev->code);
            ev->have |= HAVE_CODE;
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

static int read_event(sim_tl *L, event *ev)
{
    char key[16];
    int more, e = 0;
    memset(ev, 0, sizeof *ev);
    if (sim_json_begin_object(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_key(&L->j, key, sizeof key)) > 0) {
        if (!strcmp(key, "ph")) {
            e = read_str(L, ev->ph, sizeof ev->ph);
        } else if (!strcmp(key, "pid")) {
            e = sim_tl_read_int(L, INT64_MIN, INT64_MAX, "pid", &ev->pid);
            ev->have |= HAVE_PID;
        } else if (!strcmp(key, "tid")) {
            e = sim_tl_read_int(L, INT64_MIN, INT64_MAX, "tid", &ev->tid);
            ev->have |= HAVE_TID;
        } else if (!strcmp(key, "id")) {
            e = sim_tl_read_int(L, INT64_MIN, INT64_MAX, "id", &ev->id);
            ev->have |= HAVE_ID;
        } else if (!strcmp(key, "ts")) {
            e = sim_tl_read_us(L, "ts", &ev->ts);
            ev->have |= HAVE_TS;
        } else if (!strcmp(key, "dur")) {
            e = sim_tl_read_us(L, "dur", &ev->dur);
            ev->have |= HAVE_DUR;
        } else if (!strcmp(key, "args")) {
            e = read_args(L, ev);
        } else if (sim_json_skip(&L->j) < 0) {
            e = sim_tl_syntax(L);
        }
    }
    return e ? e : more < 0 ? sim_tl_syntax(L) : 0;
}

/* A pending flow start ("s"), waiting for its "f". */
typedef struct flow_start {
    int open;
    int64_t id;
    int model;
    sim_tflow f;
    size_t at;
} flow_start;


/* Checks what every drawn event needs; sets the model and lane. */
static int place(sim_tl *L, const event *ev, unsigned need, size_t at,
                 int *model, uint32_t *lane)
{
    if ((ev->have & need) != need)
        return sim_tl_bad_at(L, at, "a \"%s\" event needs pid, tid, ts%s%s", ev->ph,
                      need & HAVE_DUR ? ", dur" : "",
                      need & HAVE_STATE ? " and args.state" :
                      need & HAVE_CODE ? " and args.code" : "");
    if (ev->pid < 1 || ev->pid > L->c->ntraces)
        return sim_tl_bad_at(L, at, "pid %lld is no model of this file (1..%d)",
                      (long long)ev->pid, L->c->ntraces);
    const sim_trace *t = &L->c->traces[ev->pid - 1];
    if (ev->tid < 1 || ev->tid > (int64_t)t->nlanes)
        return sim_tl_bad_at(L, at, "tid %lld is no lane of model %s (1..%u)",
                      (long long)ev->tid, sim_model_name(t->model), t->nlanes);
    *model = (int)ev->pid - 1;
    *lane = (uint32_t)ev->tid - 1;
    return 0;
}

static int add_event(sim_tl *L, const event *ev, size_t at, flow_start *fs)
{
    int k;
    uint32_t lane;
    int e;
    if (!strcmp(ev->ph, "X")) {
        if ((e = place(L, ev, HAVE_PID | HAVE_TID | HAVE_TS | HAVE_DUR | HAVE_STATE,
                       at, &k, &lane)))
            return e;
        sim_lane *l = &L->c->traces[k].lanes[lane];
        if (l->nmarks && l->marks[l->nmarks - 1].t > ev->ts)
            return sim_tl_bad_at(L, at, "this state comes before the previous one of its lane");
        sim_mark m = {.t = ev->ts, .state = (uint8_t)ev->state,
                      .arg = ev->have & HAVE_ARG ? (uint32_t)ev->arg : SIM_NO_TASK,
                      .cpu = ev->have & HAVE_CPU ? (uint16_t)ev->cpu : SIM_NO_CPU};
        if ((e = count(L, k, 0, at)) != 0)
            return e;
        if (sim_trace_add_mark(&L->c->traces[k], lane, m) != 0)
            return sim_tl_nomem(L);
    } else if (!strcmp(ev->ph, "i")) {
        if ((e = place(L, ev, HAVE_PID | HAVE_TID | HAVE_TS | HAVE_CODE, at, &k, &lane)))
            return e;
        sim_trace *t = &L->c->traces[k];
        /* Formats 1 and 2 knew the instants up to the deadlock. */
        if (ev->code > SIM_IN_DEADLOCK)
            return sim_tl_bad_at(L, at, "instant code %lld is unknown", (long long)ev->code);
        if (t->ninstants && t->instants[t->ninstants - 1].t > ev->ts)
            return sim_tl_bad_at(L, at, "this instant comes before the previous one");
        sim_tinstant in = {.t = ev->ts, .lane = lane, .code = (uint8_t)ev->code,
                           .arg = ev->have & HAVE_ARG ? (uint32_t)ev->arg : 0};
        if ((e = count(L, k, 1, at)) != 0)
            return e;
        if (sim_trace_add_instant(t, in) != 0)
            return sim_tl_nomem(L);
    } else if (!strcmp(ev->ph, "s") || !strcmp(ev->ph, "f")) {
        if ((e = place(L, ev, HAVE_PID | HAVE_TID | HAVE_TS | HAVE_CODE | HAVE_ID,
                       at, &k, &lane)))
            return e;
        if (ev->code >= SIM_FL__COUNT)
            return sim_tl_bad_at(L, at, "flow code %lld is unknown", (long long)ev->code);
        if (ev->ph[0] == 's') {
            if (fs->open)
                return sim_tl_bad_at(L, fs->at, "flow %lld starts but never ends",
                              (long long)fs->id);
            *fs = (flow_start){.open = 1, .id = ev->id, .model = k, .at = at,
                               .f = {.t0 = ev->ts, .lane0 = lane,
                                     .code = (uint8_t)ev->code}};
            return 0;
        }
        if (!fs->open || fs->id != ev->id || fs->model != k || fs->f.code != ev->code)
            return sim_tl_bad_at(L, at, "flow %lld ends without its start right before it",
                          (long long)ev->id);
        sim_trace *t = &L->c->traces[k];
        if (t->nflows && t->flows[t->nflows - 1].t1 > ev->ts)
            return sim_tl_bad_at(L, at, "this flow ends before the previous one");
        fs->open = 0;
        fs->f.t1 = ev->ts;
        fs->f.lane1 = lane;
        if ((e = count(L, k, 2, at)) != 0)
            return e;
        if (sim_trace_add_flow(t, fs->f) != 0)
            return sim_tl_nomem(L);
    }
    /* Metadata ("M") and any other kind of event: nothing to rebuild. */
    return 0;
}

int sim_tl_read_events(sim_tl *L, size_t events_at)
{
    sim_tl_seek(L, events_at);
    flow_start fs = {0};
    event ev;
    int more, e = 0;
    if (sim_json_begin_array(&L->j) < 0)
        return sim_tl_syntax(L);
    while (!e && (more = sim_json_next_item(&L->j)) > 0) {
        sim_tl_drop_behind(L);
        sim_json_peek(&L->j);
        size_t at = sim_json_pos(&L->j);
        e = read_event(L, &ev);
        if (!e)
            e = add_event(L, &ev, at, &fs);
    }
    if (e)
        return e;
    if (more < 0)
        return sim_tl_syntax(L);
    if (fs.open)
        return sim_tl_bad_at(L, fs.at, "flow %lld starts but never ends", (long long)fs.id);
    static const char *const what[3] = {"marks", "instants", "flows"};
    for (int k = 0; k < L->c->ntraces; k++) {
        for (int w = 0; w < 3; w++) {
            if (L->want[k][w] >= 0 && (uint64_t)L->want[k][w] != L->got[k][w]) {
                snprintf(L->msg, L->n, "%s: incomplete: model %s should have "
                         "%lld %s and has %zu", L->name,
                         sim_model_name(L->c->traces[k].model),
                         (long long)L->want[k][w], what[w], L->got[k][w]);
                return SIM_E_FORMAT;
            }
        }
        L->c->traces[k].now_ns = L->now_ns[k];
    }
    return 0;
}
