/* test_ui_why.c - every "why" names only what the trace shows then.
 *
 * Real runs, under every model, of workloads that use every step kind
 * (cpu, io, yield, inc, load/store, lock, sem, put/get, thread(...),
 * process(...)), with pools smaller than the task count and a deadlock.
 * Every segment of every lane is explained at its start and its middle,
 * and each fact the explanation rests on (why.h) is checked against the
 * trace by an independent look:
 *
 *   - the kind of wait fits the lane's state and the model (a thread that
 *     has not run yet in a pool waits for a pool thread, not the GIL, nor
 *     a core);
 *   - the holder it names holds the resource then (its lane is busy with
 *     that very task), and its state is that task's state then;
 *   - the other tasks it names are what it says (busy on that worker,
 *     holding that lock, started and unfinished in the pool, waiting at
 *     that lock);
 *   - the step it names is that task's step then (the lens), and fits
 *     the wait (a lock wait is at an acquire of that lock, a queue wait
 *     at a get or put of that queue);
 *   - the sentence names no task but these, says "a CPU step" only of a
 *     cpu step, and never says "runs task N" of a task that is not running.
 *
 * Every lane kind and state met gets a sentence; the cases met are
 * printed, and the ones the issue named are asserted to be met.
 */
#include <ctype.h>

#include "lens.h"
#include "run_util.h"
#include "test.h"
#include "why.h"

/* Which (lane kind, state) pairs got a sentence, for the report. */
static int met[8][SIM_ST__COUNT];
static long checked;
static int own_lock_said; /* sentences that name an object's own lock */
static int pool_said;     /* a pool's main thread at work, said so */

static uint8_t state_of(const sim_trace *tr, uint32_t lane, int64_t t, uint32_t *arg)
{
    long k = sim_lane_mark_at(&tr->lanes[lane], t);
    if (k < 0)
        return SIM_ST_NONE;
    if (arg)
        *arg = tr->lanes[lane].marks[k].arg;
    return tr->lanes[lane].marks[k].state;
}

static int has_run(const sim_trace *tr, uint32_t task, int64_t t)
{
    const sim_lane *l = &tr->lanes[task];
    for (uint32_t i = 0; i < l->nmarks && l->marks[i].t <= t; i++)
        if (l->marks[i].state != SIM_ST_READY)
            return 1;
    return 0;
}

/* Every "task N" of the sentence is one of the named tasks. */
static void check_names(const char *text, const ui_reason *w, const sim_trace *tr,
                        const char *where)
{
    for (const char *p = strstr(text, "task "); p; p = strstr(p + 1, "task ")) {
        if (!isdigit((unsigned char)p[5]) || (p > text && isalpha((unsigned char)p[-1])))
            continue;
        uint32_t n = (uint32_t)strtoul(p + 5, NULL, 10);
        int ok = n == w->holder || n == w->from || (n == w->lane && w->lane < tr->ntasks);
        for (int i = 0; i < w->nothers; i++)
            ok |= n == w->others[i];
        ASSERT_MSG(ok, "%s: \"%s\" names task %u, which its facts do not", where, text, n);
    }
}

static void check_step(const sim_trace *tr, const ui_lens *L, int p, uint32_t task,
                       int64_t t, const ui_reason *w, const char *where)
{
    if (w->op < 0)
        return;
    ASSERT_INT_EQ(w->op, ui_lens_op_at(L, p, task, t));
    ASSERT_INT_EQ(w->line, ui_lens_line_of(L, p, w->op));
    ASSERT_MSG(w->line > 0 || L->w.ops[w->op].kind == SIM_OP_END, "%s: step %ld has no line",
               where, w->op);
    const sim_op *op = &L->w.ops[w->op];
    uint8_t s = state_of(tr, task, t, NULL);
    if (task != w->lane)
        return; /* a holder's step: no wait to fit */
    switch (s) {
    case SIM_ST_LOCK:
        ASSERT_MSG(op->kind == SIM_OP_ACQUIRE && tr->names[op->b].kind == SIM_NAME_LOCK,
                   "%s: waits for a lock at step kind %u", where, op->kind);
        break;
    case SIM_ST_SEM:
        /* Threads wait at a release too: for the semaphore's own lock. */
        ASSERT_MSG((op->kind == SIM_OP_ACQUIRE ||
                    (op->kind == SIM_OP_RELEASE && tr->model != SIM_MODEL_ASYNCIO &&
                     tr->model != SIM_MODEL_MULTIPROCESSING)) &&
                       tr->names[op->b].kind == SIM_NAME_SEM,
                   "%s: waits for a semaphore at step kind %u", where, op->kind);
        if (op->kind == SIM_OP_RELEASE)
            ASSERT_MSG(w->own_lock == 1, "%s: a release's wait not for the own lock", where);
        if (tr->model == SIM_MODEL_ASYNCIO || tr->model == SIM_MODEL_MULTIPROCESSING)
            ASSERT_INT_EQ(w->own_lock, 0);
        break;
    case SIM_ST_QUEUE:
        ASSERT_MSG((op->kind == SIM_OP_GET || op->kind == SIM_OP_PUT) &&
                       tr->names[op->b].kind == SIM_NAME_QUEUE,
                   "%s: waits on a queue at step kind %u", where, op->kind);
        /* Between threads a put waits only for the queue's own lock. */
        if (op->kind == SIM_OP_PUT && tr->model != SIM_MODEL_MULTIPROCESSING)
            ASSERT_MSG(w->own_lock == 1, "%s: a put's wait not for the queue's own lock",
                       where);
        if (w->own_lock)
            ASSERT(tr->model == SIM_MODEL_THREADING || tr->model == SIM_MODEL_FREE_THREADING);
        break;
    case SIM_ST_IO:
        ASSERT_MSG(op->kind == SIM_OP_IO || op->kind == SIM_OP_YIELD || op->kind == SIM_OP_EXEC,
                   "%s: waits for I/O at step kind %u", where, op->kind);
        break;
    default:
        break;
    }
}

static void check_one(const sim_trace *tr, const ui_lens *L, int p, uint32_t lane, int64_t t)
{
    char where[160];
    snprintf(where, sizeof where, "%s, %s lane %u at %lld ns", tr->cfg.workload,
             sim_model_name(tr->model), lane, (long long)t);
    ui_reason w;
    ui_why_facts(tr, L, p, lane, t, &w);
    uint8_t s = state_of(tr, lane, t, NULL);
    if (s == SIM_ST_NONE)
        return;
    char text[400];
    size_t n = ui_why_text(tr, &w, text, sizeof text);
    const sim_lane *l = &tr->lanes[lane];
    ASSERT_MSG(n > 0, "%s: no sentence for state %s (lane kind %u)", where,
               sim_state_name((sim_state)s), l->kind);
    met[l->kind][s]++;
    checked++;
    ASSERT_INT_EQ(w.state, s);

    /* The kind fits the state and the model. */
    if (lane < tr->ntasks && s == SIM_ST_READY) {
        switch (tr->model) {
        case SIM_MODEL_ASYNCIO:
            ASSERT_INT_EQ(w.kind, UI_WHY_LOOP);
            break;
        case SIM_MODEL_MULTIPROCESSING:
            ASSERT_INT_EQ(w.kind, UI_WHY_WORKER);
            break;
        case SIM_MODEL_THREADING:
        case SIM_MODEL_FREE_THREADING: {
            int pool = tr->cfg.threads > 0 && (uint64_t)tr->cfg.threads < tr->ntasks;
            if (!has_run(tr, lane, t))
                ASSERT_MSG(w.kind == (pool ? UI_WHY_POOL : UI_WHY_START),
                           "%s: a thread that has not run says kind %d: %s", where, w.kind,
                           text);
            else
                ASSERT_MSG(w.kind == (tr->model == SIM_MODEL_THREADING ? UI_WHY_GIL
                                                                      : UI_WHY_CORE),
                           "%s: kind %d: %s", where, w.kind, text);
            break;
        }
        default:
            break;
        }
    }
    if (w.kind == UI_WHY_POOL) {
        ASSERT_INT_EQ(w.total, tr->cfg.threads);
        ASSERT(w.busy <= w.total);
        for (int i = 0; i < w.nothers; i++) {
            uint8_t os = state_of(tr, w.others[i], t, NULL);
            ASSERT_MSG(has_run(tr, w.others[i], t) && os != SIM_ST_DONE,
                       "%s: names task %u busy in the pool, which is not", where, w.others[i]);
        }
    }

    /* The holder holds it then. */
    if (w.holder != SIM_NO_TASK) {
        ASSERT_MSG(w.res >= 0, "%s: a holder without a resource", where);
        uint32_t arg = SIM_NO_TASK;
        uint8_t rs = state_of(tr, (uint32_t)w.res, t, &arg);
        ASSERT_MSG((rs == SIM_ST_RUNNING || rs == SIM_ST_SEND) && arg == w.holder,
                   "%s: names task %u as the holder of lane %ld, which shows state %u "
                   "arg %u: %s", where, w.holder, w.res, rs, arg, text);
        ASSERT_INT_EQ(w.holder_state, state_of(tr, w.holder, t, NULL));
    }
    /* The others are what they are named for. */
    for (int i = 0; i < w.nothers; i++) {
        if (w.other_lane[i] < 0)
            continue;
        uint32_t arg = SIM_NO_TASK;
        uint8_t rs = state_of(tr, (uint32_t)w.other_lane[i], t, &arg);
        ASSERT_MSG((rs == SIM_ST_RUNNING || rs == SIM_ST_SEND) && arg == w.others[i],
                   "%s: names task %u on lane %ld, which shows %u/%u", where, w.others[i],
                   w.other_lane[i], rs, arg);
    }
    if (lane >= tr->ntasks && l->kind == SIM_LANE_LOCK)
        for (int i = 0; i < w.nothers; i++) {
            ASSERT_INT_EQ(state_of(tr, w.others[i], t, NULL), SIM_ST_LOCK);
            long op = ui_lens_op_at(L, p, w.others[i], t);
            ASSERT(op >= 0 && L->w.ops[op].kind == SIM_OP_ACQUIRE && L->w.ops[op].b == w.name);
        }
    /* The lock named is the lock of the lane it names. */
    if (w.kind == UI_WHY_LOCK && w.name != SIM_NO_TASK) {
        ASSERT_INT_EQ(tr->names[w.name].kind, SIM_NAME_LOCK);
        ASSERT(w.res >= 0 && tr->lanes[w.res].kind == SIM_LANE_LOCK);
    }
    if (w.from != SIM_NO_TASK) {
        int found = 0;
        for (size_t i = 0; i < tr->nflows; i++)
            found |= tr->flows[i].code == SIM_FL_MESSAGE && tr->flows[i].lane0 == w.from &&
                     tr->flows[i].lane1 == lane && tr->flows[i].t0 == w.from_t;
        ASSERT_MSG(found, "%s: no item from task %u", where, w.from);
    }
    /* The step named is the task's step. */
    if (lane < tr->ntasks)
        check_step(tr, L, p, lane, t, &w, where);
    else if (w.holder != SIM_NO_TASK)
        check_step(tr, L, p, w.holder, t, &w, where);

    /* The sentence. */
    check_names(text, &w, tr, where);
    if (strstr(text, "own lock")) {
        ASSERT_MSG(w.own_lock, "%s: \"%s\" without the facts of an own lock", where, text);
        own_lock_said++;
    }
    if (strstr(text, "CPU step"))
        ASSERT_MSG(w.op >= 0 && w.op_kind == SIM_OP_CPU, "%s: \"%s\" without a cpu step",
                   where, text);
    if (strstr(text, "has the loop") || strstr(text, "runs task"))
        ASSERT_MSG(w.holder_state == SIM_ST_RUNNING, "%s: \"%s\" of a task in state %u",
                   where, text, w.holder_state);
    if (l->kind == SIM_LANE_MAIN)
        ASSERT_MSG(strcmp(text, "free") != 0, "%s: the main lane says only \"free\"", where);
    /* A threads' main thread at work: a pool's submits, or Thread.start. */
    if (l->kind == SIM_LANE_MAIN && strstr(text, "runs Python code")) {
        int pool = tr->cfg.threads > 0;
        ASSERT_MSG(strstr(text, pool ? "submits the tasks" : "starts the threads"),
                   "%s: \"%s\" with --threads %d", where, text, tr->cfg.threads);
        pool_said += pool;
    }
}

static void walk(const sim_comparison *c)
{
    ui_lens L;
    memset(&L, 0, sizeof L);
    ASSERT_INT_EQ(ui_lens_update(&L, c), 0);
    for (int p = 0; p < c->ntraces; p++) {
        const sim_trace *tr = &c->traces[p];
        ASSERT(L.p[p].steps.valid);
        for (uint32_t lane = 0; lane < tr->nlanes; lane++) {
            const sim_lane *l = &tr->lanes[lane];
            for (uint32_t i = 0; i < l->nmarks; i++) {
                int64_t t0 = l->marks[i].t, t1 = sim_lane_seg_end(tr, l, i);
                check_one(tr, &L, p, lane, t0);
                if (t1 > t0 + 1)
                    check_one(tr, &L, p, lane, t0 + (t1 - t0) / 2);
            }
        }
    }
    ui_lens_free(&L);
}

int main(void)
{
    sim_calib calib;
    ASSERT_INT_EQ(sim_calib_measure(&calib), 0);
    static const struct { const char *spec; int threads, workers; } cases[] = {
        /* pools smaller than the task count */
        {"4*cpu:20ms", 2, 2},
        {"4*(cpu:2ms,io:3ms,yield)", 2, 1},
        /* lesson 08: a race around an await */
        {"2*(100*(load:hits,yield,store:hits))", 0, 2},
        {"2*(2000*inc:hits)", 0, 2},
        /* locks, semaphores, queues */
        {"2*lock:L(io:5ms,inc:x) + 2*sem:s/1(io:2ms,load:y,store:y) + (io:5ms,2*put:q:1KB) + "
         "(get:q,get:q)", 0, 2},
        /* executors */
        {"thread(cpu:5ms,io:5ms) + process(cpu:5ms) + 3*io:5ms", 0, 2},
        /* a deadlock */
        {"lock:A(io:5ms,lock:B(cpu:1ms)) + lock:B(io:5ms,lock:A(cpu:1ms))", 0, 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sim_comparison c;
        run_every_model(&c, cases[k].spec, cases[k].threads, cases[k].workers, &calib);
        walk(&c);
        sim_comparison_deinit(&c);
    }
    /* Threads busy on one semaphore and one queue, with CPython's costs and
     * a short switch interval: they wait for the objects' own locks
     * (share.h), and the sentences say so. */
    {
        sim_run_desc d = {.cfg = {.workload = "4*(2000*sem:S/4(inc:x)) + 2*(2000*put:q:10B) + "
                                              "(4000*get:q)",
                                  .nmodels = 1, .costs = SIM_COSTS_BUILTIN,
                                  .switch_interval_ns = 500000,
                                  .timeout_ns = 30ll * 1000000000ll},
                          .calib = &calib};
        d.cfg.models[0] = SIM_MODEL_THREADING;
        sim_run *r = calloc(1, sizeof *r);
        ASSERT(r);
        char msg[512];
        ASSERT_MSG(sim_run_exec(r, &d, msg, sizeof msg) == SIM_OK, "%s", msg);
        sim_comparison c;
        memset(&c, 0, sizeof c);
        ASSERT_INT_EQ(sim_run_sync(r, &c), 0);
        sim_run_deinit(r);
        free(r);
        int before = own_lock_said;
        walk(&c);
        printf("why: %d sentences name a semaphore's or a queue's own lock\n",
               own_lock_said - before);
        ASSERT(own_lock_said > before);
        sim_comparison_deinit(&c);
    }
    printf("why: %ld instants explained; lane kind/state pairs met:\n", checked);
    for (int k = 0; k < 8; k++)
        for (int s = 0; s < SIM_ST__COUNT; s++)
            if (met[k][s])
                printf("  lane kind %d, %s: %d\n", k, sim_state_name((sim_state)s), met[k][s]);
    /* What the issue named is met: waits for a pool thread, a worker, the
     * GIL, the loop, a lock, a queue; a lock lane busy; the main lanes. */
    ASSERT(met[SIM_LANE_TASK][SIM_ST_READY] && met[SIM_LANE_TASK][SIM_ST_LOCK] &&
           met[SIM_LANE_TASK][SIM_ST_QUEUE] && met[SIM_LANE_TASK][SIM_ST_SEM]);
    ASSERT(met[SIM_LANE_LOCK][SIM_ST_RUNNING] && met[SIM_LANE_MAIN][SIM_ST_IDLE]);
    ASSERT(met[SIM_LANE_WORKER][SIM_ST_RUNNING] && met[SIM_LANE_LOOP][SIM_ST_RUNNING]);
    ASSERT(met[SIM_LANE_EXECUTOR][SIM_ST_RUNNING] && met[SIM_LANE_GIL][SIM_ST_RUNNING]);
    ASSERT_MSG(pool_said > 0, "no pool's main thread was seen at work");
    TEST_DONE();
}
