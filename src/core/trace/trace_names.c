/* trace_names.c - what a trace calls things: its lanes, states, instants,
 * flows and outcomes in words, and the workload's names (variables, locks)
 * it carries so that events and lanes can be named.
 */
#include "trace.h"
#include "err.h"
#include "program.h"
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_trace_set_names(sim_trace *t, const struct sim_workload *w)
{
    uint32_t nv = 0, nl = 0;
    for (size_t i = 0; i < w->nnames; i++) {
        nv += w->names[i].kind == SIM_NAME_VAR;
        nl += w->names[i].kind == SIM_NAME_LOCK;
    }
    sim_tcounter *c = nv ? calloc(nv, sizeof *c) : NULL;
    uint32_t *ids = nv ? calloc(nv, sizeof *ids) : NULL;
    char(*ln)[32] = nl ? calloc(nl, sizeof *ln) : NULL;
    sim_tname *names = w->nnames ? calloc(w->nnames, sizeof *names) : NULL;
    if ((nv && (!c || !ids)) || (nl && !ln) || (w->nnames && !names)) {
        free(c);
        free(ids);
        free(ln);
        free(names);
        return -ENOMEM;
    }
    uint32_t kv = 0, kl = 0;
    for (size_t i = 0; i < w->nnames; i++) {
        const sim_name *nm = &w->names[i];
        snprintf(names[i].name, sizeof names[i].name, "%s", nm->name);
        names[i].kind = nm->kind;
        names[i].permits = nm->permits;
        if (nm->kind == SIM_NAME_VAR) {
            snprintf(c[kv].name, sizeof c[kv].name, "%s", nm->name);
            c[kv].expected = nm->updates > (uint64_t)INT64_MAX ? INT64_MAX
                                                               : (int64_t)nm->updates;
            c[kv].shared = nm->shared;
            ids[kv++] = (uint32_t)i;
        } else if (nm->kind == SIM_NAME_LOCK) {
            snprintf(ln[kl++], sizeof ln[0], "%s", nm->name);
        }
    }
    free(t->counters);
    free(t->counter_ids_);
    free(t->lock_names);
    free(t->names);
    t->names = names;
    t->nnames = (uint32_t)w->nnames;
    t->counters = c;
    t->counter_ids_ = ids;
    t->ncounters = nv;
    t->lock_names = ln;
    t->nlock_names = nl;
    return 0;
}

int sim_trace_add_counter(sim_trace *t, const sim_tcounter *c)
{
    for (uint32_t i = 0; i < t->ncounters; i++)
        if (strcmp(t->counters[i].name, c->name) == 0) {
            t->counters[i] = *c;
            return 0;
        }
    sim_tcounter *nc = realloc(t->counters, (t->ncounters + 1) * sizeof *nc);
    if (!nc)
        return -ENOMEM;
    t->counters = nc;
    uint32_t *ids = realloc(t->counter_ids_, (t->ncounters + 1) * sizeof *ids);
    if (!ids)
        return -ENOMEM;
    t->counter_ids_ = ids;
    ids[t->ncounters] = UINT32_MAX;
    nc[t->ncounters++] = *c;
    return 0;
}

size_t sim_lane_name(const sim_trace *t, uint32_t lane, char *buf, size_t n)
{
    if (lane >= t->nlanes)
        return (size_t)snprintf(buf, n, "lane %u", lane);
    const sim_lane *l = &t->lanes[lane];
    int k;
    if (t->program && lane < t->program->nlanes) { /* a program's own names */
        const char *own = sim_tprogram_str(t->program, t->program->lanes[lane].label);
        k = snprintf(buf, n, "%s", own ? own : "lane");
        return k < 0 ? 0 : (size_t)k;
    }
    switch (l->kind) {
    case SIM_LANE_TASK: k = snprintf(buf, n, "task %u", l->index); break;
    case SIM_LANE_LOOP: k = snprintf(buf, n, "event loop"); break;
    case SIM_LANE_GIL: k = snprintf(buf, n, "GIL"); break;
    case SIM_LANE_MAIN:
        k = snprintf(buf, n, t->model == SIM_MODEL_MULTIPROCESSING ? "main process"
                                                                    : "main thread");
        break;
    case SIM_LANE_WORKER: k = snprintf(buf, n, "worker %u", l->index); break;
    case SIM_LANE_CORE: k = snprintf(buf, n, "core %u", l->index); break;
    case SIM_LANE_LOCK:
        if (l->index < t->nlock_names)
            k = snprintf(buf, n, "lock %s", t->lock_names[l->index]);
        else
            k = snprintf(buf, n, "lock %u", l->index);
        break;
    case SIM_LANE_EXECUTOR: k = snprintf(buf, n, "executor %u", l->index); break;
    default: k = snprintf(buf, n, "lane %u", lane); break;
    }
    return k < 0 ? 0 : (size_t)k;
}

const char *sim_state_name(sim_state s)
{
    static const char *const names[SIM_ST__COUNT] = {
        [SIM_ST_NONE] = "none",
        [SIM_ST_READY] = "ready",
        [SIM_ST_RUNNING] = "running",
        [SIM_ST_IO] = "waiting for I/O",
        [SIM_ST_DONE] = "done",
        [SIM_ST_IDLE] = "idle",
        [SIM_ST_STARTING] = "starting",
        [SIM_ST_LOST] = "lost",
        [SIM_ST_LOCK] = "waiting for a lock",
        [SIM_ST_SEM] = "waiting for a semaphore",
        [SIM_ST_QUEUE] = "waiting on a queue",
        [SIM_ST_RECV] = "receiving a task",
        [SIM_ST_SEND] = "sending a result",
        [SIM_ST_DENSE] = "many short states (summarized)",
    };
    return (unsigned)s < SIM_ST__COUNT ? names[s] : "unknown";
}

const char *sim_instant_name(sim_instant i)
{
    static const char *const names[SIM_IN__COUNT] = {
        [SIM_IN_AWAIT] = "await",
        [SIM_IN_DROP_REQUEST] = "drop request",
        [SIM_IN_SPAWN] = "process spawn",
        [SIM_IN_EXIT] = "process exit",
        [SIM_IN_LOST] = "process lost",
        [SIM_IN_DEADLOCK] = "deadlock",
        [SIM_IN_STEP] = "step",
        [SIM_IN_LOAD] = "load",
        [SIM_IN_STORE] = "store",
        [SIM_IN_INC] = "inc",
        [SIM_IN_VALUES_CUT] = "values cut",
        [SIM_IN_PUT] = "put",
        [SIM_IN_GOT] = "got",
        [SIM_IN_MARK] = "mark",
    };
    return (unsigned)i < SIM_IN__COUNT ? names[i] : "unknown";
}

const char *sim_flow_name(sim_flow f)
{
    static const char *const names[SIM_FL__COUNT] = {
        [SIM_FL_HANDOFF] = "GIL hand-off",
        [SIM_FL_DISPATCH] = "task sent to a worker",
        [SIM_FL_RESULT] = "result sent back",
        [SIM_FL_MESSAGE] = "queue item",
    };
    return (unsigned)f < SIM_FL__COUNT ? names[f] : "unknown";
}

/* ---- outcomes ---- */

sim_outcome sim_outcome_of(int result)
{
    switch (result) {
    case SIM_OK: return SIM_OUTCOME_OK;
    case SIM_E_DEADLOCK: return SIM_OUTCOME_DEADLOCK;
    case SIM_E_TIMEOUT: return SIM_OUTCOME_TIMEOUT;
    case SIM_E_CANCELLED: return SIM_OUTCOME_CANCELLED;
    case SIM_E_LOST: return SIM_OUTCOME_LOST;
    case SIM_E_MEMLIMIT: return SIM_OUTCOME_MEMLIMIT;
    default: return SIM_OUTCOME_FAILED;
    }
}

static const char *const outcome_names[SIM_OUTCOME__COUNT][2] = {
    [SIM_OUTCOME_OK] = {"finished", "finished"},
    [SIM_OUTCOME_RUNNING] = {"running", "running"},
    [SIM_OUTCOME_DEADLOCK] = {"deadlock", "deadlock"},
    [SIM_OUTCOME_TIMEOUT] = {"stopped (timeout)", "timeout"},
    [SIM_OUTCOME_CANCELLED] = {"stopped", "cancelled"},
    [SIM_OUTCOME_LOST] = {"a worker died", "lost"},
    [SIM_OUTCOME_MEMLIMIT] = {"stopped (memory budget)", "memory"},
    [SIM_OUTCOME_FAILED] = {"failed", "failed"},
    [SIM_OUTCOME_NOT_RUN] = {"not run", "not-run"},
};

const char *sim_outcome_name(sim_outcome o)
{
    return (unsigned)o < SIM_OUTCOME__COUNT ? outcome_names[o][0] : "unknown";
}

const char *sim_outcome_key(sim_outcome o)
{
    return (unsigned)o < SIM_OUTCOME__COUNT ? outcome_names[o][1] : "failed";
}

int sim_outcome_parse(const char *key, sim_outcome *o)
{
    for (int i = 0; i < SIM_OUTCOME__COUNT; i++)
        if (strcmp(key, outcome_names[i][1]) == 0) {
            *o = (sim_outcome)i;
            return 0;
        }
    return -1;
}
