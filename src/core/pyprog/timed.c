/* timed.c - which steps the recorded variant of a program times.
 *
 * The recorder (templates/recorder.py) must cost little, or it measures
 * itself: `(200000*inc:x)` is 200,000 turns of a loop of a few bytecodes,
 * and two clock reads a turn would double it. So it times only what waits
 * or calls, where two reads of time.perf_counter_ns() (about 60 ns each)
 * are small beside the step, and times a loop of cheap steps as a whole.
 * The writer (steps.c) and the reader (src/core/cpython/trace_python.c)
 * must agree exactly on that choice, which is why it is made here, once:
 * the reader checks that every timed step was recorded as often as the
 * workload says, no more, no less.
 */
#include <stdint.h>

#include "pyprog.h"
#include "pyprog_priv.h"

/* A step that waits or calls: timed one by one. A thread(...) or
 * process(...) counts too: under asyncio it is an await, elsewhere its
 * body's steps run inline. */
static int timed_kind(uint16_t kind)
{
    switch (kind) {
    case SIM_OP_CPU:
    case SIM_OP_IO:
    case SIM_OP_YIELD:
    case SIM_OP_PUT:
    case SIM_OP_GET:
    case SIM_OP_ACQUIRE:
    case SIM_OP_RELEASE:
    case SIM_OP_EXEC:
        return 1;
    default:
        return 0;
    }
}

int sim_pyprog_loop_summarized(const sim_workload *w, uint32_t pc)
{
    const sim_op *op = &w->ops[pc];
    if (op->kind != SIM_OP_LOOP)
        return 0;
    for (uint32_t i = pc + 1; i + 1 < op->b; i++)
        if (timed_kind(w->ops[i].kind))
            return 0;
    return 1;
}

static uint64_t mul(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

size_t sim_pyprog_timed_counts(const sim_workload *w, sim_model m, const sim_group *g,
                               uint64_t *counts, size_t cap)
{
    uint64_t mult[SIM_MAX_NEST + 2] = {1};
    int depth = 0;
    size_t n = 0;
    for (uint32_t pc = g->prog;; pc++, n++) {
        const sim_op *op = &w->ops[pc];
        if (n == cap)
            return 0;
        counts[n] = 0;
        if (op->kind == SIM_OP_END)
            return n + 1;
        if (op->kind == SIM_OP_LOOP && sim_pyprog_loop_summarized(w, pc)) {
            counts[n] = mult[depth]; /* the loop as a whole; nothing inside */
            for (; pc + 1 < op->b; pc++) {
                if (++n == cap)
                    return 0;
                counts[n] = 0;
            }
        } else if (op->kind == SIM_OP_LOOP) {
            if (depth == SIM_MAX_NEST + 1)
                return 0; /* deeper than the language allows: not a program */
            mult[depth + 1] = mul(mult[depth], (uint64_t)op->a);
            depth++;
        } else if (op->kind == SIM_OP_NEXT) {
            depth -= depth > 0;
        } else if (op->kind == SIM_OP_EXEC) {
            /* An await under asyncio; inline elsewhere, so not an op of its own. */
            counts[n] = m == SIM_MODEL_ASYNCIO ? mult[depth] : 0;
        } else if (timed_kind(op->kind)) {
            counts[n] = mult[depth];
        }
    }
}
