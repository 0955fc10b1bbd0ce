/* test_steps.c - where each task is, and what it read and wrote, as every
 * engine records it (step.h's notes, rec.h's SIM_IN_STEP ... SIM_IN_GOT).
 *
 * The code view highlights the line a task is on, and the value lanes
 * draw what tasks loaded and stored; both read these instants alone, so
 * they must be exact. The invariants, under every model:
 *
 *   - a task's positions are exactly those the interpreter's rule gives
 *     for its program (a step that may wait or switch, the first cheap
 *     step after one; its first step implied), in order;
 *   - every load, store and inc is noted while the task is at that very
 *     step (a cheap step after a `yield` is always noted), of that
 *     variable;
 *   - under asyncio, where nothing runs between a load and a store
 *     without an await, the stores count up one by one to the final value;
 *   - a queue's gets never outrun its puts;
 *   - a task records at most its share of values, then one cut, then none.
 *
 * And the account of concviz's own work against CPython's prices
 * (sim_step_pay): own work beyond a debt is carried to the next payment,
 * up to SIM_STEP_DEBT_NS, and no further.
 */
#include "run_util.h"
#include "step.h"
#include "test.h"

/* The positions task `task` must note, by the rule of step.h, written
 * out again from the program: returns how many, into want[]. */
static size_t expected_positions(const sim_workload *w, uint32_t task, uint32_t *want,
                                 size_t max)
{
    sim_cursor cur;
    sim_cursor_init(&cur, w, task);
    const sim_op *op = sim_cursor_next(&cur, w);
    uint32_t at = (uint32_t)(op - w->ops);
    size_t n = 0;
    for (; op->kind != SIM_OP_END; op = sim_cursor_next(&cur, w)) {
        uint32_t i = (uint32_t)(op - w->ops);
        int moves = sim_step_moves(op->kind);
        int cheap = sim_step_cheap(op->kind) && !sim_step_cheap(w->ops[at].kind);
        if (i != at && (moves || cheap)) {
            ASSERT(n < max);
            want[n++] = i;
            at = i;
        }
    }
    return n;
}

/* The op task `lane` is at, at time t (after the instants before index k). */
static uint32_t position_at(const sim_trace *t, const sim_workload *w, uint32_t lane,
                            size_t k)
{
    sim_cursor cur;
    sim_cursor_init(&cur, w, lane);
    uint32_t at = (uint32_t)(sim_cursor_next(&cur, w) - w->ops);
    for (size_t i = 0; i <= k; i++)
        if (t->instants[i].lane == lane && t->instants[i].code == SIM_IN_STEP)
            at = t->instants[i].arg;
    return at;
}

static void test_positions(const sim_calib *calib)
{
    const char *spec = "2*(cpu:2ms,io:2ms,3*(yield,load:x,yield,store:x),put:q:1B,"
                       "yield,inc:x) + (get:q,get:q) + (20*yield)";
    sim_workload w;
    sim_parse_error pe;
    ASSERT(sim_workload_parse(&w, spec, &pe) == 0);
    sim_comparison c;
    run_every_model(&c, spec, 0, 2, calib);
    for (int p = 0; p < c.ntraces; p++) {
        const sim_trace *t = &c.traces[p];
        const char *model = sim_model_name(t->model);
        ASSERT(t->has_steps);
        for (uint32_t task = 0; task < t->ntasks; task++) {
            uint32_t want[64], got[64];
            size_t nw = expected_positions(&w, task, want, 64), ng = 0;
            for (size_t k = 0; k < t->ninstants; k++) {
                const sim_tinstant *in = &t->instants[k];
                if (in->lane != task || in->code != SIM_IN_STEP)
                    continue;
                ASSERT(ng < 64);
                got[ng++] = in->arg;
            }
            ASSERT_MSG(ng == nw, "%s: task %u noted %zu positions, the rule gives %zu",
                       model, task, ng, nw);
            for (size_t i = 0; i < nw; i++)
                ASSERT_MSG(got[i] == want[i], "%s: task %u position %zu is op %u, not %u",
                           model, task, i, got[i], want[i]);
        }
        /* Each value noted where the task is at that very step. */
        static const struct { uint8_t code; uint16_t kind; } pairs[] = {
            {SIM_IN_LOAD, SIM_OP_LOAD}, {SIM_IN_STORE, SIM_OP_STORE}, {SIM_IN_INC, SIM_OP_INC}};
        int64_t last_store = 0, puts = 0, gots = 0, nvalues = 0;
        for (size_t k = 0; k < t->ninstants; k++) {
            const sim_tinstant *in = &t->instants[k];
            for (size_t j = 0; j < 3; j++) {
                if (in->code != pairs[j].code)
                    continue;
                const sim_op *op = &w.ops[position_at(t, &w, in->lane, k)];
                ASSERT_MSG(op->kind == pairs[j].kind && op->b == sim_value_name(in->arg),
                           "%s: task %u noted %s of name %u at op kind %u", model, in->lane,
                           sim_instant_name((sim_instant)in->code), sim_value_name(in->arg),
                           op->kind);
                nvalues++;
                if (t->model == SIM_MODEL_ASYNCIO && in->code != SIM_IN_LOAD) {
                    ASSERT_INT_EQ(sim_value_of(in->arg), last_store + 1);
                    last_store = sim_value_of(in->arg);
                }
            }
            ASSERT(in->code != SIM_IN_VALUES_CUT);
            puts += in->code == SIM_IN_PUT;
            gots += in->code == SIM_IN_GOT;
            ASSERT_MSG(gots <= puts, "%s: a get at %lld ns before its put", model,
                       (long long)in->t);
        }
        ASSERT_INT_EQ(nvalues, 2 * (3 + 3 + 1));
        ASSERT_INT_EQ(puts, 2);
        ASSERT_INT_EQ(gots, 2);
        if (t->model == SIM_MODEL_ASYNCIO)
            ASSERT_INT_EQ(last_store, t->counters[0].final);
        printf("%s: %zu instants, the positions and values as the program says\n", model,
               t->ninstants);
    }
    sim_comparison_deinit(&c);
    sim_workload_free(&w);
}

/* A task's share of values, then one cut, then nothing: a long loop of
 * `x += 1` records a bounded number of events. */
static void test_cap(const sim_calib *calib)
{
    sim_comparison c;
    run_every_model(&c, "2*(60000*inc:x)", 0, 2, calib);
    uint32_t cap = sim_rec_value_cap(2);
    ASSERT_INT_EQ(cap, SIM_REC_VALUES / 2);
    for (int p = 0; p < c.ntraces; p++) {
        const sim_trace *t = &c.traces[p];
        for (uint32_t task = 0; task < 2; task++) {
            uint32_t incs = 0, cuts = 0, steps = 0;
            for (size_t k = 0; k < t->ninstants; k++) {
                const sim_tinstant *in = &t->instants[k];
                if (in->lane != task)
                    continue;
                if (in->code == SIM_IN_INC)
                    ASSERT_MSG(!cuts, "%s: a value after the cut", sim_model_name(t->model));
                incs += in->code == SIM_IN_INC;
                cuts += in->code == SIM_IN_VALUES_CUT;
                steps += in->code == SIM_IN_STEP;
            }
            ASSERT_INT_EQ(incs, cap);
            ASSERT_INT_EQ(cuts, 1);
            ASSERT_INT_EQ(steps, 0); /* one position all along: the loop's */
        }
    }
    sim_comparison_deinit(&c);
}

/* The cpu hook of test_pay: what it was asked to compute, in all. */
static int64_t paid_ns;

static int pay_cpu(void *eng, sim_task_run *t, int64_t ns)
{
    (void)eng;
    (void)t;
    paid_ns += ns;
    return SIM_OK;
}

/* Pays `debt` with the mark `own` ns in the past (concviz's own work since
 * it): what the payment computed. */
static int64_t pay_after(const sim_step_ops *ops, const sim_prices *p, sim_task_run *t,
                         int64_t *mark, float debt, int64_t own)
{
    if (own > 0)
        *mark = sim_prices_clock(p) - own;
    paid_ns = 0;
    t->debt_ns = debt;
    ASSERT_INT_EQ(sim_step_pay(ops, NULL, p, t, mark), SIM_OK);
    return paid_ns;
}

static void test_pay(void)
{
    static const sim_step_ops ops = {.cpu = pay_cpu};
    sim_prices p = {0}; /* ns_per_tick 0: the monotonic clock */
    sim_task_run t = {0};
    int64_t mark = 0;
    /* 3 us of own work against a 1 us debt: nothing to compute, and the
     * 2 us left (the cap) pay a 1.5 us debt that follows at once. */
    ASSERT_INT_EQ(pay_after(&ops, &p, &t, &mark, 1000.0f, 3000), 0);
    ASSERT_INT_EQ(pay_after(&ops, &p, &t, &mark, 1500.0f, 0), 0);
    /* A long stretch of own work (1 ms) carries no more than the cap: a
     * 5 us debt after it still computes about 3 us (less the time between
     * the two calls, which counts as own work too: a sanitizer's build
     * takes longer there). */
    ASSERT_INT_EQ(pay_after(&ops, &p, &t, &mark, 0.0f, 1000000), 0);
    int64_t after = pay_after(&ops, &p, &t, &mark, 5000.0f, 0);
    ASSERT_MSG(after > 0 && after <= 5000 - (int64_t)SIM_STEP_DEBT_NS,
               "after the cap: %lld ns", (long long)after);
}

int main(void)
{
    test_pay();
    sim_calib calib;
    ASSERT_INT_EQ(sim_calib_measure(&calib), 0);
    test_positions(&calib);
    test_cap(&calib);
    TEST_DONE();
}
