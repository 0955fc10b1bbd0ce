/* legend.c - the legend's items, chosen from what the traces hold. */
#include "legend.h"
#include "program.h"

#include "values.h"
#include "panels.h"
#include "widgets.h"

static const ui_legend_item states[] = {
    {UI_LEG_STATE, SIM_ST_RUNNING, "running", "running"},
    {UI_LEG_STATE, SIM_ST_READY, "waiting for the loop / GIL / a worker", "waiting to run"},
    {UI_LEG_STATE, SIM_ST_IO, "waiting for I/O", "I/O"},
    {UI_LEG_STATE, SIM_ST_DONE, "done", "done"},
    /* Worker lanes only: shown when a multiprocessing panel is. */
    {UI_LEG_STATE, SIM_ST_STARTING, "process starting", "starting"},
    {UI_LEG_STATE, SIM_ST_RECV, "receiving / sending", "recv / send"},
    /* Shown when some lane of the comparison is in that state. */
    {UI_LEG_STATE, SIM_ST_LOCK, "waiting for a lock", "lock"},
    {UI_LEG_STATE, SIM_ST_SEM, "waiting for a semaphore", "semaphore"},
    {UI_LEG_STATE, SIM_ST_QUEUE, "waiting on a queue", "queue"},
};

/* A program's panel (program.h): its states in its own words, and what
 * its traces may hold that models' do not. */
static int program_items(const sim_trace *t, ui_legend_item *out)
{
    static const ui_legend_item own[] = {
        {UI_LEG_STATE, SIM_ST_RUNNING, "running", "running"},
        {UI_LEG_STATE, SIM_ST_READY, "waiting for the GIL / a CPU / the loop", "waiting to run"},
        {UI_LEG_STATE, SIM_ST_IO, "in a blocking call / suspended at an await", "waiting"},
        {UI_LEG_STATE, SIM_ST_LOCK, "waiting for a lock", "lock"},
        {UI_LEG_STATE, SIM_ST_SEM, "waiting for a semaphore", "semaphore"},
        {UI_LEG_STATE, SIM_ST_QUEUE, "waiting on a queue", "queue"},
        {UI_LEG_STATE, SIM_ST_STARTING, "starting", "starting"},
        {UI_LEG_STATE, SIM_ST_DONE, "done", "done"},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        /* The first three always for concviz's own traces (the words a
         * student looks for); another tool's trace shows only what it holds. */
        if ((i < 3 && t->source == SIM_SOURCE_PROGRAM) || ((t->states_seen >> own[i].state) & 1u))
            out[n++] = own[i];
    if (t->source == SIM_SOURCE_PROGRAM)
        out[n++] = (ui_legend_item){UI_LEG_INFERRED, SIM_ST_READY,
                                    "inferred (from samples and CPU time)", "inferred"};
    else if (t->program && t->program->nprocesses > 1) /* process lanes: their threads' */
        out[n++] = (ui_legend_item){UI_LEG_INFERRED, SIM_ST_RUNNING,
                                    "inferred (a process runs while a thread of it does)",
                                    "inferred"};
    if ((t->flows_seen >> SIM_FL_MESSAGE) & 1u)
        out[n++] = (ui_legend_item){UI_LEG_MESSAGE, 0, "message", "message"};
    if ((t->instants_seen >> SIM_IN_AWAIT) & 1u)
        out[n++] = (ui_legend_item){UI_LEG_AWAIT, 0, "await", "await"};
    if ((t->instants_seen >> SIM_IN_MARK) & 1u)
        out[n++] = (ui_legend_item){UI_LEG_MARK, 0, "mark", "mark"};
    return n;
}

int ui_legend_items(const sim_comparison *c, ui_legend_item *out)
{
    if (c && c->ntraces == 1 && c->traces[0].program)
        return program_items(&c->traces[0], out);
    /* What the traces hold, not what the workload's text says. */
    uint32_t seen = 0, flows = 0;
    for (int i = 0; c && i < c->ntraces; i++) {
        seen |= c->traces[i].states_seen;
        flows |= c->traces[i].flows_seen;
    }
    int n = 0;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        int st = states[i].state;
        int show = i < 4 || ((seen >> st) & 1u) ||
                   (st == SIM_ST_RECV && ((seen >> SIM_ST_SEND) & 1u));
        if (show)
            out[n++] = states[i];
    }
    if ((flows >> SIM_FL_MESSAGE) & 1u)
        out[n++] = (ui_legend_item){UI_LEG_MESSAGE, 0, "queue item", "queue item"};
    if (((flows >> SIM_FL_DISPATCH) | (flows >> SIM_FL_RESULT)) & 1u)
        out[n++] = (ui_legend_item){UI_LEG_DISPATCH, 0, "task sent / result (hover a task)",
                                    "sent / result"};
    if ((seen >> SIM_ST_LOCK) & 1u)
        out[n++] = (ui_legend_item){UI_LEG_WAIT_FOR, 0, "waits for the lock", "waits for"};
    int vars = 0, queues = 0, lost = 0;
    for (int i = 0; c && i < c->ntraces; i++) {
        const sim_trace *t = &c->traces[i];
        for (uint32_t k = 0; ui_value_lanes(t) > 0 && k < t->nnames; k++) {
            vars |= t->names[k].kind == SIM_NAME_VAR;
            queues |= t->names[k].kind == SIM_NAME_QUEUE;
        }
        for (uint32_t k = 0; t->has_steps && k < t->ncounters; k++) {
            int64_t d;
            lost |= sim_counter_lost(&t->counters[k], &d) == 0 && d > 0;
        }
    }
    /* The marks of a value lane: what was read (a load, a get) points
     * down, what was written (a store, a put) up. */
    if (vars || queues) {
        const char *what = vars && queues ? "load, get / store, put"
                           : vars         ? "load / store"
                                          : "get / put";
        out[n++] = (ui_legend_item){UI_LEG_VALUES, 0, what, what};
    }
    if (lost)
        out[n++] = (ui_legend_item){UI_LEG_LOST, 0, "lost update", "lost"};
    out[n++] = (ui_legend_item){UI_LEG_DROP, 0, "drop request", "drop request"};
    out[n++] = (ui_legend_item){UI_LEG_HANDOFF, 0, "hand-off", "hand-off"};
    out[n++] = (ui_legend_item){UI_LEG_AWAIT, 0, "await", "await"};
    return n;
}

int ui_legend_items_shown(const sim_comparison *c, int show_cpython, ui_legend_item *out)
{
    int n = ui_legend_items(c, out);
    if (show_cpython && ui_comparison_has_cpython(c) && n < UI_LEGEND_MAX)
        out[n++] = (ui_legend_item){UI_LEG_INFERRED, SIM_ST_READY,
                                    "inferred (CPython: wall minus CPU)", "inferred"};
    return n;
}

int ui_legend_item_width(const ui_legend_item *it, int brief, int px, int pad)
{
    int swatch;
    switch (it->kind) {
    case UI_LEG_STATE:
    case UI_LEG_INFERRED:
    case UI_LEG_MESSAGE:
    case UI_LEG_HANDOFF:
    case UI_LEG_DISPATCH:
    case UI_LEG_WAIT_FOR:
    case UI_LEG_VALUES:
        swatch = px * 2;
        break;
    case UI_LEG_DROP:
    case UI_LEG_LOST:
    case UI_LEG_MARK:
        swatch = px;
        break;
    default:
        swatch = pad / 2;
        break;
    }
    return swatch + pad / 2 + ui_text_estimate(brief ? it->brief : it->label, px) + pad * 2;
}
