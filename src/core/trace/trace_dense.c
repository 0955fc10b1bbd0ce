/* trace_dense.c - folding what is too dense to keep (trace.h: "Dense lanes").
 *
 * A lane is a list of segments, each from its mark to the next. Folding at
 * resolution q walks them in order and sorts each into one of two kinds:
 * a segment that lasts q or more is kept exactly, as are its mark's
 * state, arg and core; a shorter one (or one already folded) may join its
 * neighbours. Neighbours join while they start in the same step of q
 * (t / q): such a group becomes one SIM_ST_DENSE mark at the group's start
 * and one sim_tdense record that adds up what it holds, if that saves
 * memory (a record weighs eight marks); a smaller group of exact segments
 * stays as it is, args and all. So a lane keeps a bounded number of marks
 * per step of q (long segments, a few short ones or one group), however
 * many it was given, and folding again at 2q merges the groups of two
 * steps into one: the result is the same as folding the original at 2q.
 *
 * Instants and flows fold into the first of their kind (same lane and
 * code; for flows, the same target lane and code) in each step of q, which
 * counts the others in `more`. Everything after the horizon stays as it
 * is: a late event (another writer's, published a little after) may still
 * land there, and it should land among exact marks.
 *
 * One pass is linear in what the trace holds; ingesting folds when the
 * trace has doubled since the last fold, so the work per event is bounded.
 */
#include "trace.h"
#include "format.h"
#include "pages.h"
#include "trace_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void sim_trace_set_budget(sim_trace *t, int64_t bytes) { t->budget_ = bytes > 0 ? bytes : 0; }

int64_t sim_trace_bytes(const sim_trace *t)
{
    return (int64_t)(t->nmarks_ * sizeof(sim_mark) + t->ndense * sizeof(sim_tdense) +
                     t->ninstants * sizeof(sim_tinstant) + t->nflows * sizeof(sim_tflow) +
                     (size_t)t->nlanes * sizeof(sim_lane));
}

static uint32_t sat_add32(uint32_t a, uint64_t b)
{
    uint64_t s = (uint64_t)a + b;
    return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* ---- lanes ---------------------------------------------------------------- */

/* A group being gathered: its start, its step, and what it adds up to. */
typedef struct group {
    int open;
    int64_t t, step;
    size_t i0;           /* the input index of its first segment */
    int has_dense;       /* it holds a mark folded before */
    sim_tdense d;
} group;

/* A group becomes one mark only if that saves memory: a record weighs as
 * much as this many marks, less one. A smaller group of exact segments
 * stays as it is (and keeps its args and cores). */
#define FOLD_MIN (sizeof(sim_tdense) / sizeof(sim_mark) + 1)

static void add_exact(sim_tdense *d, const sim_mark *m, int64_t len)
{
    uint8_t s = m->state < SIM_ST__COUNT ? m->state : SIM_ST_NONE;
    /* The args that matter are those of running states: the task a loop
     * resumed, the thread holding the GIL. */
    if (s == SIM_ST_RUNNING) {
        if (d->n[s] > 0 && m->arg != d->last_arg)
            d->arg_changes = sat_add32(d->arg_changes, 1);
        if (d->n[s] == 0)
            d->first_arg = m->arg;
        d->last_arg = m->arg;
    }
    d->segs = sat_add32(d->segs, 1);
    d->n[s] = sat_add32(d->n[s], 1);
    d->ns[s] = sat_add32(d->ns[s], (uint64_t)(len > 0 ? len : 0));
}

static void add_dense(sim_tdense *d, const sim_tdense *x)
{
    if (x->n[SIM_ST_RUNNING] > 0) {
        if (d->n[SIM_ST_RUNNING] > 0 && x->first_arg != d->last_arg)
            d->arg_changes = sat_add32(d->arg_changes, 1);
        if (d->n[SIM_ST_RUNNING] == 0)
            d->first_arg = x->first_arg;
        d->last_arg = x->last_arg;
    }
    d->segs = sat_add32(d->segs, x->segs);
    d->arg_changes = sat_add32(d->arg_changes, x->arg_changes);
    for (int s = 0; s < SIM_ST__COUNT; s++) {
        d->n[s] = sat_add32(d->n[s], x->n[s]);
        d->ns[s] = sat_add32(d->ns[s], x->ns[s]);
    }
}

/* The new records, built beside the old ones and swapped in at the end.
 * A dry pass (dense == NULL) only counts them, so that the real one can
 * have exactly the memory it needs before it changes anything. */
typedef struct fold_ctx {
    const sim_trace *t;
    sim_tdense *dense;
    size_t n;
    /* The old records are read in the order they were made (lane by lane,
     * then by time: how folding and loading make them), so those behind
     * the last one read can go while the new ones are written: a fold
     * needs little more memory than the trace. The dry pass checks the
     * order (in_order); the real one discards (given_back: whole pages). */
    uint64_t next_old;
    int in_order;
    size_t given_back;
} fold_ctx;

/* Old record k is being read. */
static const sim_tdense *read_old(fold_ctx *c, uint32_t k)
{
    if (k < c->next_old)
        c->in_order = 0;
    c->next_old = (uint64_t)k + 1;
    return &c->t->dense[k];
}

/* In the real pass, gives back the pages of the old records already read. */
static void discard_read(fold_ctx *c)
{
    const size_t page = (size_t)2 << 20;
    size_t all = c->t->cap_dense * sizeof *c->t->dense;
    size_t done = (size_t)c->next_old * sizeof *c->t->dense / page * page;
    if (!c->dense || !c->in_order || all < SIM_PAGES_MIN || done <= c->given_back + page)
        return;
    sim_pages_discard((char *)c->t->dense + c->given_back, done - c->given_back);
    c->given_back = done;
}

/* A new record (counted only, in a dry pass); returns its index. */
static uint32_t new_record(fold_ctx *c, const sim_tdense *d)
{
    if (c->dense)
        c->dense[c->n] = *d;
    return (uint32_t)c->n++;
}

/* Writes the group out at out[*w] (a dry pass writes nothing). */
static void close_group(fold_ctx *c, group *g, sim_mark *m, size_t *w)
{
    if (!g->open)
        return;
    g->open = 0;
    if (!g->has_dense && g->d.segs < FOLD_MIN) {
        /* Its marks, as they were: still in place, at or after *w. */
        for (size_t k = 0; k < g->d.segs; k++, (*w)++)
            if (c->dense)
                m[*w] = m[g->i0 + k];
        return;
    }
    sim_mark mk = {.t = g->t, .arg = new_record(c, &g->d), .state = SIM_ST_DENSE,
                   .cpu = SIM_NO_CPU};
    if (c->dense)
        m[*w] = mk;
    (*w)++;
}

/* Folds one lane in place (a dry pass only counts); returns its new
 * number of marks. */
static uint32_t fold_lane(fold_ctx *c, sim_lane *l, int64_t q, int64_t horizon)
{
    sim_mark *m = l->marks;
    uint32_t n = l->nmarks;
    size_t w = 0, i = 0;
    group g = {0};
    /* Segment i ends at mark i + 1; the last mark's segment is open. */
    for (; i + 1 < n && m[i + 1].t <= horizon; i++) {
        if ((i & 0xffff) == 0xffff)
            discard_read(c);
        sim_mark mk = m[i];
        int64_t len = m[i + 1].t - mk.t;
        int is_dense = mk.state == SIM_ST_DENSE;
        if (!is_dense && len >= q) {
            close_group(c, &g, m, &w);
            if (c->dense)
                m[w] = mk;
            w++;
            continue;
        }
        int64_t step = mk.t / q;
        if (g.open && step != g.step)
            close_group(c, &g, m, &w);
        if (!g.open)
            g = (group){.open = 1, .t = mk.t, .step = step, .i0 = i};
        if (is_dense) {
            g.has_dense = 1;
            if (mk.arg < c->t->ndense)
                add_dense(&g.d, read_old(c, mk.arg));
        } else {
            add_exact(&g.d, &mk, len);
        }
    }
    close_group(c, &g, m, &w);
    /* The rest, past the horizon, as it is; old dense marks there get new
     * records too (their old ones are about to go). */
    for (; i < n; i++) {
        sim_mark mk = m[i];
        if (mk.state == SIM_ST_DENSE && mk.arg < c->t->ndense)
            mk.arg = new_record(c, read_old(c, mk.arg));
        if (c->dense)
            m[w] = mk;
        w++;
    }
    return (uint32_t)w;
}

/* ---- instants and flows --------------------------------------------------- */

/* Where the first element of a (key, step) went: an open-addressing table,
 * emptied between steps by clearing only the slots it used. */
typedef struct keymap {
    uint64_t *key;     /* key + 1; 0: empty */
    size_t *at;
    size_t cap;        /* a power of two */
    size_t *used;
    size_t nused;
} keymap;

static void keymap_free(keymap *k)
{
    free(k->key);
    free(k->at);
    free(k->used);
    memset(k, 0, sizeof *k);
}

static int keymap_init(keymap *k, size_t cap)
{
    memset(k, 0, sizeof *k);
    k->cap = cap;
    k->key = calloc(cap, sizeof *k->key);
    k->at = malloc(cap * sizeof *k->at);
    k->used = malloc(cap * sizeof *k->used);
    if (!k->key || !k->at || !k->used) {
        keymap_free(k);
        return -ENOMEM;
    }
    return 0;
}

static void keymap_clear(keymap *k)
{
    for (size_t i = 0; i < k->nused; i++)
        k->key[k->used[i]] = 0;
    k->nused = 0;
}

static size_t *keymap_slot(keymap *k, uint64_t key, int *fresh)
{
    uint64_t h = (key + 1) * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h >> 20) & (k->cap - 1);
    while (k->key[i] != 0 && k->key[i] != key + 1)
        i = (i + 1) & (k->cap - 1);
    *fresh = k->key[i] == 0;
    if (*fresh) {
        k->key[i] = key + 1;
        k->used[k->nused++] = i;
    }
    return &k->at[i];
}

/* Grows the table (emptied) so that a step of `need` keys fits at half load. */
static int keymap_fit(keymap *k, size_t need)
{
    if (2 * need <= k->cap)
        return 0;
    size_t cap = k->cap ? k->cap : 1024;
    while (cap < 2 * need)
        cap *= 2;
    keymap_free(k);
    return keymap_init(k, cap);
}

/* The most elements of a sorted array (times at byte `off` of each
 * `stride`) that fall in one step of q before the horizon: the table
 * must hold that many keys. */
static size_t most_per_step(const void *base, size_t n, size_t stride, size_t off, int64_t q,
                            int64_t horizon)
{
    const char *b = base;
    size_t most = 0, run = 0;
    int64_t step = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t t;
        memcpy(&t, b + i * stride + off, sizeof t);
        if (t >= horizon)
            break;
        run = t / q == step ? run + 1 : 1;
        step = t / q;
        most = run > most ? run : most;
    }
    return most;
}

/* Folds instants before the horizon: the first of each (lane, code) in a
 * step keeps its place and counts the rest. Order is kept. The table
 * holds the most keys of a step (most_per_step). */
static void fold_instants(sim_trace *t, int64_t q, int64_t horizon, keymap *km)
{
    size_t w = 0, i = 0, n = t->ninstants;
    sim_tinstant *a = t->instants;
    while (i < n && a[i].t < horizon) {
        int64_t step = a[i].t / q;
        size_t j = i;
        while (j < n && a[j].t < horizon && a[j].t / q == step)
            j++;
        for (size_t k = i; k < j; k++) {
            int fresh;
            size_t *at = keymap_slot(km, ((uint64_t)a[k].lane << 8) | a[k].code, &fresh);
            if (fresh) {
                *at = w;
                a[w++] = a[k];
            } else {
                a[*at].more = sat_add32(a[*at].more, 1 + (uint64_t)a[k].more);
            }
        }
        keymap_clear(km);
        i = j;
    }
    if (w != i)
        memmove(a + w, a + i, (n - i) * sizeof *a);
    t->ninstants = w + (n - i);
}

/* The same rule for flows, each binned where it arrives: by its target
 * lane and code, at t1. A change to one of the two folds belongs in the
 * other. (Written once over byte offsets, as most_per_step is, the two
 * folded some 15% slower, and read worse than these typed loops.) */
static void fold_flows(sim_trace *t, int64_t q, int64_t horizon, keymap *km)
{
    size_t w = 0, i = 0, n = t->nflows;
    sim_tflow *a = t->flows;
    while (i < n && a[i].t1 < horizon) {
        int64_t step = a[i].t1 / q;
        size_t j = i;
        while (j < n && a[j].t1 < horizon && a[j].t1 / q == step)
            j++;
        for (size_t k = i; k < j; k++) {
            int fresh;
            size_t *at = keymap_slot(km, ((uint64_t)a[k].lane1 << 8) | a[k].code, &fresh);
            if (fresh) {
                *at = w;
                a[w++] = a[k];
            } else {
                a[*at].more = sat_add32(a[*at].more, 1 + (uint64_t)a[k].more);
            }
        }
        keymap_clear(km);
        i = j;
    }
    if (w != i)
        memmove(a + w, a + i, (n - i) * sizeof *a);
    t->nflows = w + (n - i);
}

/* What a fold emptied at the end of an array goes back to the kernel, if
 * the array has pages of its own (sim_tr_resize's big arrays: `cap_bytes`
 * at least SIM_PAGES_MIN; not a pool's slot nor the loader's arena), and
 * only once the run is over (`final`). The array keeps its capacity, and
 * while the run goes on its tail is written again before the next fold
 * (a fold leaves half the budget; the events that follow fill the rest):
 * given back then, each of its pages would fault and be zeroed once more,
 * every fold (2.5 million page faults in a hundred million yields). */
static void give_back(void *tail, size_t bytes, size_t cap_bytes, int shared, int final)
{
    if (final && !shared && cap_bytes >= SIM_PAGES_MIN && bytes > 0)
        sim_pages_discard(tail, bytes);
}

int sim_trace_fold(sim_trace *t, int64_t q, int64_t horizon)
{
    if (q <= 0)
        return -EINVAL;
    if (q < t->resolution_ns)
        q = t->resolution_ns;
    /* Count the records first, and get their memory: past that, nothing
     * can fail, and the lanes are rewritten in place. */
    const int final = horizon == INT64_MAX; /* the run is over: nothing refills */
    fold_ctx dry = {.t = t, .in_order = 1};
    for (uint32_t i = 0; i < t->nlanes; i++)
        if (t->lanes[i].nmarks)
            fold_lane(&dry, &t->lanes[i], q, horizon);
    size_t keys = most_per_step(t->instants, t->ninstants, sizeof *t->instants,
                                offsetof(sim_tinstant, t), q, horizon);
    size_t fkeys = most_per_step(t->flows, t->nflows, sizeof *t->flows,
                                 offsetof(sim_tflow, t1), q, horizon);
    keymap km = {0};
    if (keymap_fit(&km, keys > fkeys ? keys : fkeys) != 0)
        return -ENOMEM;
    fold_ctx c = {.t = t, .in_order = dry.in_order};
    if (dry.n && !(c.dense = sim_tr_resize(NULL, 0, dry.n * sizeof *c.dense))) {
        keymap_free(&km);
        return -ENOMEM;
    }
    uint64_t left = 0;
    for (uint32_t i = 0; i < t->nlanes; i++) {
        sim_lane *l = &t->lanes[i];
        if (l->nmarks)
            l->nmarks = fold_lane(&c, l, q, horizon);
        left += l->nmarks;
        discard_read(&c);
        if (l->marks)
            give_back(l->marks + l->nmarks, (size_t)(l->cap - l->nmarks) * sizeof *l->marks,
                      (size_t)l->cap * sizeof *l->marks,
                      (l->flags_ & (SIM_TR_LANE_BORROWED | SIM_TR_LANE_POOLED)) != 0, final);
    }
    t->nmarks_ = left;
    sim_tr_free(t->dense, t->cap_dense * sizeof *t->dense);
    t->dense = c.dense;
    t->ndense = t->cap_dense = c.n;
    if (c.n)
        t->states_seen |= 1u << SIM_ST_DENSE;
    t->resolution_ns = q;
    fold_instants(t, q, horizon, &km);
    fold_flows(t, q, horizon, &km);
    keymap_free(&km);
    /* (An array never grown is NULL: no arithmetic on it.) */
    if (t->instants)
        give_back(t->instants + t->ninstants,
                  (t->cap_instants - t->ninstants) * sizeof *t->instants,
                  t->cap_instants * sizeof *t->instants, 0, final);
    if (t->flows)
        give_back(t->flows + t->nflows, (t->cap_flows - t->nflows) * sizeof *t->flows,
                  t->cap_flows * sizeof *t->flows, 0, final);
    return 0;
}

void sim_dense_split(const sim_trace *t, const sim_lane *l, size_t i, int64_t t0, int64_t t1,
                     int64_t ns[SIM_ST__COUNT])
{
    memset(ns, 0, sizeof(int64_t) * SIM_ST__COUNT);
    const sim_mark *m = &l->marks[i];
    if (m->state != SIM_ST_DENSE || m->arg >= t->ndense)
        return;
    int64_t s = m->t, e = sim_lane_seg_end(t, l, i);
    if (t0 > s)
        s = t0;
    if (t1 < e)
        e = t1;
    if (e <= s)
        return;
    const sim_tdense *d = &t->dense[m->arg];
    uint64_t all = 0;
    for (int k = 0; k < SIM_ST__COUNT; k++)
        all += d->ns[k];
    if (all == 0)
        return;
    /* Each kind's share of the span, applied to the part asked for. */
    for (int k = 0; k < SIM_ST__COUNT; k++)
        ns[k] = (int64_t)((double)(e - s) * (double)d->ns[k] / (double)all);
}

size_t sim_trace_detail_sentence(const sim_trace *t, char *buf, size_t n)
{
    char q[32], w[32];
    int k = 0;
    if (n)
        buf[0] = '\0';
    sim_format_ns(t->resolution_ns, q, sizeof q);
    sim_format_ns(t->rec_wait_ns, w, sizeof w);
    if (t->resolution_ns > 0 && t->rec_wait_ns > 0)
        k = snprintf(buf, n, "states shorter than %s were summarized, to hold the trace to "
                     "its memory budget; the engine waited %s in all for its reader to "
                     "catch up (its times include it)", q, w);
    else if (t->resolution_ns > 0)
        k = snprintf(buf, n, "states shorter than %s were summarized, to hold the trace to "
                     "its memory budget", q);
    else if (t->rec_wait_ns > 0)
        k = snprintf(buf, n, "the engine waited %s in all for its reader to catch up (its "
                     "times include it)", w);
    if (k < 0)
        return 0;
    return (size_t)k < n ? (size_t)k : (n ? n - 1 : 0);
}
