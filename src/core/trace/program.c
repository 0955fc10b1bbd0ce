/* program.c - the names of a program's lanes, and the words its marks
 * point at (program.h).
 *
 * Strings are interned: a trace of a thousand threads that each slept a
 * thousand times holds "time.sleep" once, and every mark of those sleeps
 * carries its index. The table is an open-addressing hash of indices into
 * strs, grown at half full.
 */
#include "program.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "trace.h"

sim_tprogram *sim_tprogram_new(void)
{
    sim_tprogram *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->exit_code = -1;
    p->overhead_ns = -1;
    p->cost_event_ns = -1;
    p->start_ns = -1;
    p->baseline_ns = -1;
    return p;
}

void sim_tprogram_free(sim_tprogram *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->nstrs; i++)
        free(p->strs[i]);
    free(p->strs);
    free(p->hash_);
    free(p->lanes);
    free(p);
}

int sim_tprogram_lanes(sim_tprogram *p, uint32_t nlanes)
{
    sim_plane *l = calloc(nlanes ? nlanes : 1, sizeof *l);
    if (!l)
        return -ENOMEM;
    free(p->lanes);
    p->lanes = l;
    p->nlanes = nlanes;
    for (uint32_t i = 0; i < nlanes; i++)
        l[i].owner = SIM_NO_TASK;
    return 0;
}

/* FNV-1a: short strings, no adversary worth a keyed hash here (a file can
 * only make its own loading slower, and only as far as its size). */
static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int rehash(sim_tprogram *p, uint32_t n)
{
    uint32_t *t = malloc(sizeof *t * n);
    if (!t)
        return -ENOMEM;
    memset(t, 0xff, sizeof *t * n);
    for (uint32_t i = 0; i < p->nstrs; i++) {
        uint32_t k = hash_str(p->strs[i]) & (n - 1);
        while (t[k] != UINT32_MAX)
            k = (k + 1) & (n - 1);
        t[k] = i;
    }
    free(p->hash_);
    p->hash_ = t;
    p->nhash_ = n;
    return 0;
}

int sim_tprogram_intern(sim_tprogram *p, const char *s, uint32_t *idx)
{
    if (p->nstrs * 2 >= p->nhash_ && rehash(p, p->nhash_ ? p->nhash_ * 2 : 64) != 0)
        return -ENOMEM;
    uint32_t k = hash_str(s) & (p->nhash_ - 1);
    for (; p->hash_[k] != UINT32_MAX; k = (k + 1) & (p->nhash_ - 1))
        if (strcmp(p->strs[p->hash_[k]], s) == 0) {
            *idx = p->hash_[k];
            return 0;
        }
    if (p->nstrs == p->cap_strs) {
        uint32_t cap = p->cap_strs ? p->cap_strs * 2 : 32;
        char **ns = realloc(p->strs, sizeof *ns * cap);
        if (!ns)
            return -ENOMEM;
        p->strs = ns;
        p->cap_strs = cap;
    }
    char *copy = strdup(s);
    if (!copy)
        return -ENOMEM;
    p->strs[p->nstrs] = copy;
    p->hash_[k] = p->nstrs;
    *idx = p->nstrs++;
    return 0;
}

const char *sim_tprogram_str(const sim_tprogram *p, uint32_t idx)
{
    return p && idx < p->nstrs ? p->strs[idx] : NULL;
}

const char *sim_plane_kind_name(sim_plane_kind k)
{
    static const char *const names[SIM_PLANE__COUNT] = {
        [SIM_PLANE_THREAD] = "thread",
        [SIM_PLANE_TASK] = "task",
        [SIM_PLANE_LOOP] = "event loop",
        [SIM_PLANE_PROCESS] = "process",
    };
    return (unsigned)k < SIM_PLANE__COUNT ? names[k] : "lane";
}

/* ---- a process's lane, from its threads' ----------------------------------------------- */

typedef struct edge {
    int64_t t;
    int up;        /* 1: a thread starts running, 0: it stops */
    uint32_t lane;
} edge;

static int by_t(const void *x, const void *y)
{
    const edge *a = x, *b = y;
    if (a->t != b->t)
        return (a->t > b->t) - (a->t < b->t);
    return a->up - b->up; /* a stop before a start at one instant */
}

static int mark(sim_trace *t, uint32_t lane, int64_t at, sim_state st, uint32_t arg,
                uint8_t flags)
{
    sim_lane *l = &t->lanes[lane];
    if (l->nmarks) {
        sim_mark *last = &l->marks[l->nmarks - 1];
        if (at < last->t)
            at = last->t;
        if (last->state == st && last->arg == arg)
            return 0;
        if (at == last->t) {
            last->state = (uint8_t)st;
            last->arg = arg;
            last->flags = flags;
            t->states_seen |= 1u << st;
            return 0;
        }
    }
    sim_mark m = {.t = at, .arg = arg, .state = (uint8_t)st, .flags = flags, .cpu = SIM_NO_CPU};
    return sim_trace_add_mark(t, lane, m);
}

int sim_tprogram_union(sim_trace *t, uint32_t lane, const uint32_t *threads, size_t n,
                       int64_t from, int64_t to)
{
    size_t ne = 0;
    for (size_t i = 0; i < n; i++)
        if (threads[i] < t->nlanes)
            ne += 2 * (size_t)t->lanes[threads[i]].nmarks;
    edge *ev = malloc(sizeof *ev * (ne + 1));
    if (!ev)
        return -ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (threads[i] >= t->nlanes)
            continue;
        const sim_lane *l = &t->lanes[threads[i]];
        for (uint32_t r = 0; r < l->nmarks; r++)
            if (l->marks[r].state == SIM_ST_RUNNING) {
                ev[k++] = (edge){l->marks[r].t, 1, threads[i]};
                ev[k++] = (edge){sim_lane_seg_end(t, l, r), 0, threads[i]};
            }
    }
    if (k > 1)
        qsort(ev, k, sizeof *ev, by_t);
    int e = mark(t, lane, from, SIM_ST_IDLE, SIM_NO_TASK, 0), running = 0;
    for (size_t r = 0; r < k && !e; r++) {
        if (ev[r].t < from || ev[r].t > to)
            continue;
        running += ev[r].up ? 1 : -1;
        if (ev[r].up)
            e = mark(t, lane, ev[r].t, SIM_ST_RUNNING, ev[r].lane, SIM_MARK_INFERRED);
        else if (running <= 0)
            e = mark(t, lane, ev[r].t, SIM_ST_IDLE, SIM_NO_TASK, 0);
    }
    free(ev);
    return e ? -ENOMEM : 0;
}
