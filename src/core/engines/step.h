/* step.h - the step interpreter: what each step of a task does, once.
 *
 * Every engine runs a task by walking its compiled program (workload.h)
 * through sim_step_run. The interpreter is where a step's *meaning* lives:
 *
 *   inc:NAME     NAME += 1: a load and a store with no switch point between
 *                them (as CPython 3.10+ runs `x += 1`);
 *   load:NAME    tmp = NAME (the task keeps tmp);
 *   store:NAME   NAME = tmp + 1;
 *   lock/sem     take it, run the steps inside, give it back;
 *   put/get      hand an item to a queue / take one, waiting while empty;
 *   thread/process  hand the body to an executor, or run it inline;
 *   cpu/io/yield compute, wait for I/O, let the others run.
 *
 * and where CPython's *switch points* are: its eval breaker (a pending GIL
 * drop request, a signal) is checked at calls and at backward jumps, so a
 * thread can lose the GIL at every turn of a loop and inside any call, but
 * never between the load and the store of `x += 1`, nor between `tmp = x`
 * and `x = tmp + 1` when nothing is called between them. The interpreter
 * calls the engine's `breaker` at each loop back-edge, and as a cpu step
 * begins and ends (`tmp = x; compute(); x = tmp + 1` can switch inside the
 * call and lose an update, as in CPython; longer steps also switch between
 * their slices); the other call-like steps (io, yield, lock, queue,
 * executor) are the engine's own hooks, which switch as the model does.
 *
 * An engine supplies only what differs between models, as a table of
 * hooks (sim_step_ops): how to compute (under the GIL or not), how to wait
 * (a real sleep in a thread, a timer in the event loop), how to yield, how
 * to take a lock or an item, where a variable lives. A hook returns
 * SIM_OK to go on, SIM_STEP_PARKED when the task gave its thread up and
 * will be resumed later (the event loop's await: sim_step_run is called
 * again and goes on from the next step), or a sim_err to stop.
 *
 * It also charges what CPython's own machinery costs for each step (a
 * loop's turn, `x += 1` on a global, a lock, a queue's put: price.h) as
 * real computation by the thread that runs the step, through the engine's
 * `cpu` hook, so that under a GIL it holds the GIL as CPython's bytecodes
 * do. The prices of cheap steps (tens of nanoseconds) are added up and
 * paid together once they reach SIM_STEP_DEBT_NS, and always before a
 * call-like step, which may switch: time lands in the task that spent it,
 * at the microsecond.
 *
 * What concviz's own work took meanwhile (the interpreter really loads
 * and stores and counts turns; an engine records events, pops its ready
 * queue) is part of the price already: only the rest is computed, so a
 * step costs what it costs in CPython, not that plus concviz's overhead.
 * The account is the thread's *mark*: the clock (sim_prices_clock) when
 * its own work began to count, after its last payment, computation or
 * wait. A payment computes the debt less the time since the mark; the
 * hooks that compute or wait (cpu, io, yield, an executor) move the mark
 * to their end, and so does any hook that answers SIM_STEP_WAITED; a lock,
 * semaphore or queue step that only did its bookkeeping keeps the account
 * going, so a free `with lock:` costs CPython's price, not that plus
 * concviz's recording of it. An engine whose thread runs many tasks (the
 * event loop) passes sim_step_run the one mark they share and moves it
 * after its own waits; without one (NULL), the account starts when
 * sim_step_run is entered. The mark is the thread's, not the task's: a
 * million waiting coroutines do not each carry one.
 *
 * sim_step_run also looks at the run's stop (stop.h) at every back-edge
 * and at least every SIM_STOP_EVERY steps, so a long repeat of cheap steps
 * (`(30000000*inc:x)`) stops within a few microseconds of being asked.
 *
 * It also says where each task is, for the code view and the value
 * lanes, through the engine's `note` hook (the engine records an instant
 * on the task's lane with its own writer, rec.h): a SIM_IN_STEP when the
 * task moves to a step that may wait or switch (cpu, io, yield, a lock, a
 * queue, an executor), and at the first cheap step (inc, load, store)
 * after one; a loop of `x += 1` is one position, not a million, and a
 * task's first step is never recorded (the view knows it from the
 * program). Each load, store and inc is recorded with its value, up to
 * the task's share of the run's SIM_REC_VALUES; then the task records
 * SIM_IN_VALUES_CUT once, and no more values.
 *
 * It is `static inline`, written once here and compiled into each engine
 * with the engine's own constant table of hooks, so that the compiler can
 * call the hooks directly (as libuv's heap-inl.h is compiled into each
 * user): the event loop's step costs no indirect call.
 */
#ifndef SIM_STEP_H
#define SIM_STEP_H

#include <stdatomic.h>
#include <stdint.h>

#include "calib.h"
#include "err.h"
#include "price.h"
#include "rec.h"
#include "stop.h"
#include "workload.h"

/* Steps between two looks at the stop, at the most. */
#define SIM_STOP_EVERY 256u
/* Cheap steps' prices are paid together once they add up to this. */
#define SIM_STEP_DEBT_NS 2000.0

/* A hook's answer besides SIM_OK and a sim_err: the task gave its thread
 * up (it awaits) and will be resumed later. Positive, never an error. */
#define SIM_STEP_PARKED 1
/* sim_step_run's answer when the task reached its end. */
#define SIM_STEP_DONE 2
/* The answer of a breaker that gave the thread up and waited (for the
 * GIL), and of an acquire, release, put or get hook that waited or did
 * work of the program's own (made a queue item's bytes, pickled it): the
 * task goes on, and the own-work account starts again. Such a hook answers
 * SIM_OK when all it did was concviz's bookkeeping (a free lock taken, a
 * release recorded): that time is part of CPython's price for the step. */
#define SIM_STEP_WAITED 3

/* One task, walking its program. */
typedef struct sim_task_run {
    sim_cursor cur;        /* where it is */
    uint32_t at;           /* the op its position was last noted at (or its first
                              op, implied): see sim_step_note_at */
    int64_t tmp;           /* what its last `load` read */
    uint32_t task;         /* its id (its lane) */
    uint32_t until_check;  /* steps left before it looks at the stop */
    float debt_ns;         /* CPython's costs of its steps, not paid yet */
    int32_t values;        /* value events it may still record; -1: cut, said */
} sim_task_run;

static inline void sim_task_run_init(sim_task_run *t, const sim_workload *w, uint32_t task)
{
    sim_cursor_init(&t->cur, w, task);
    sim_cursor first = t->cur;
    t->at = (uint32_t)(sim_cursor_next(&first, w) - w->ops);
    t->values = (int32_t)sim_rec_value_cap(w->ntasks);
    t->tmp = 0;
    t->task = task;
    t->until_check = SIM_STOP_EVERY;
    t->debt_ns = 0.0f;
}

typedef struct sim_step_ops {
    int (*cpu)(void *eng, sim_task_run *t, int64_t ns);
    int (*io)(void *eng, sim_task_run *t, int64_t ns);
    int (*yield)(void *eng, sim_task_run *t);
    /* Where variable `name` lives (this process's copy, or shared memory). */
    _Atomic int64_t *(*var)(void *eng, sim_task_run *t, uint32_t name);
    int (*acquire)(void *eng, sim_task_run *t, const sim_op *op);
    int (*release)(void *eng, sim_task_run *t, const sim_op *op);
    int (*put)(void *eng, sim_task_run *t, const sim_op *op);
    int (*get)(void *eng, sim_task_run *t, const sim_op *op);
    /* thread(...) / process(...): hand the body over (and park), or NULL:
     * the body is run inline, step by step, as any other steps. */
    int (*exec)(void *eng, sim_task_run *t, const sim_op *op);
    /* The end of an executor's body. An executor that walks just the body
     * answers SIM_STEP_DONE here; NULL: an inline body just ends. */
    int (*exec_end)(void *eng, sim_task_run *t);
    /* The eval breaker at a loop back-edge (NULL: nothing to check):
     * SIM_OK, SIM_STEP_WAITED or a sim_err. */
    int (*breaker)(void *eng, sim_task_run *t);
    /* Before an acquire, release, put or get (NULL: nothing): takes the
     * object's own lock where it has one (CPython's threading.Semaphore
     * and queue.Queue: share.h), which the step's hook lets go; the step's
     * price is paid after it, under that lock, as CPython runs their Python
     * code. SIM_OK, SIM_STEP_WAITED or a sim_err. */
    int (*enter)(void *eng, sim_task_run *t, const sim_op *op);
    /* Around each read and write of variable `name` by an inc, load or
     * store (NULL: nothing): `take` 1 before it, 0 after. A
     * multiprocessing.Value is read and written under its own lock, each
     * access (`v.value` is a property whose getter and setter take it), with
     * about `units` of the access's work done while it is held (price.h);
     * a plain variable has none. Returns the ns it waited for the lock, not
     * concviz's own work (the account of own work leaves it out). */
    int64_t (*guard)(void *eng, sim_task_run *t, uint32_t name, int take, uint32_t units);
    /* The task reached its end. */
    int (*end)(void *eng, sim_task_run *t);
    /* Records instant `what` with `arg` on the task's lane, now (NULL:
     * nothing is noted: an executor's body). */
    void (*note)(void *eng, sim_task_run *t, sim_instant what, uint32_t arg);
} sim_step_ops;

/* Steps that may wait or switch: a task's position is worth a note there. */
static inline int sim_step_moves(unsigned kind)
{
    return kind == SIM_OP_CPU || kind == SIM_OP_IO || kind == SIM_OP_YIELD ||
           kind == SIM_OP_ACQUIRE || kind == SIM_OP_PUT || kind == SIM_OP_GET ||
           kind == SIM_OP_EXEC;
}

/* Steps on a lock, a semaphore or a queue: an engine's `enter` hook sees them. */
static inline int sim_step_on_object(unsigned kind)
{
    return kind == SIM_OP_ACQUIRE || kind == SIM_OP_RELEASE || kind == SIM_OP_PUT ||
           kind == SIM_OP_GET;
}

static inline int sim_step_cheap(unsigned kind)
{
    return kind == SIM_OP_INC || kind == SIM_OP_LOAD || kind == SIM_OP_STORE;
}

/* Notes the task's position before it runs `op`: at a step that moves,
 * unless it is there already (a loop of `yield` stays on one line), and
 * at the first cheap step after one. Block ends (a lock's release, an
 * executor body's end) are never positions of their own. */
static inline void sim_step_note_at(const sim_step_ops *ops, void *eng,
                                    const sim_workload *w, sim_task_run *t,
                                    const sim_op *op)
{
    uint32_t at = (uint32_t)(op - w->ops);
    if (!ops->note || at == t->at)
        return;
    if (sim_step_moves(op->kind) ||
        (sim_step_cheap(op->kind) && !sim_step_cheap(w->ops[t->at].kind))) {
        ops->note(eng, t, SIM_IN_STEP, at);
        t->at = at;
    }
}

/* Notes a load, store or inc of variable `name` with its value, while the
 * task has some of its share left; the first one past it notes the cut. */
static inline void sim_step_note_value(const sim_step_ops *ops, void *eng,
                                       sim_task_run *t, sim_instant what, uint32_t name,
                                       int64_t value)
{
    if (!ops->note || t->values < 0)
        return;
    if (t->values > 0 && value >= 0 && value <= (int64_t)SIM_VALUE_MAX) {
        ops->note(eng, t, what, sim_value_arg(name, (uint32_t)value));
        t->values--;
    } else {
        ops->note(eng, t, SIM_IN_VALUES_CUT, 0);
        t->values = -1;
    }
}

/* Pays the task's debt of CPython's costs: real work, by its thread, less
 * what concviz's own work since the mark already took. Own work beyond
 * the debt counts toward the next payment, up to SIM_STEP_DEBT_NS: a
 * lock's price is paid as its step begins and the bookkeeping of its
 * acquire comes after, so without the carry the bookkeeping would fall
 * on the `x += 1` and the loop turn after it, too cheap to take it, and
 * a free `with lock:` would cost its price plus concviz's recording
 * (4*(2000*lock:L(inc:hits)) under threading: 600 ns a turn, where
 * the price is 250 and the recording alone 300). */
static inline int sim_step_pay(const sim_step_ops *ops, void *eng, const sim_prices *p,
                               sim_task_run *t, int64_t *mark)
{
    int64_t now = sim_prices_clock(p);
    int64_t ns = (int64_t)t->debt_ns - (now - *mark);
    t->debt_ns = 0.0f;
    if (ns > 0) {
        int rc = ops->cpu(eng, t, ns);
        *mark = sim_prices_clock(p);
        return rc;
    }
    *mark = now - (-ns < (int64_t)SIM_STEP_DEBT_NS ? -ns : (int64_t)SIM_STEP_DEBT_NS);
    return SIM_OK;
}

/* Runs task `t` from where it is until it ends (SIM_STEP_DONE), parks
 * (SIM_STEP_PARKED) or must stop (a sim_err). `prices`: what CPython
 * charges for each step (NULL: nothing). `thread_mark`: the own-work
 * account of the thread that runs it (see above), or NULL for one that
 * starts now. */
static inline int sim_step_run(const sim_step_ops *ops, void *eng, sim_stop *stop,
                               const sim_workload *w, const sim_prices *prices,
                               sim_task_run *t, int64_t *thread_mark)
{
    const float *op_ns = prices ? prices->op_ns : NULL;
    int64_t own_mark = 0;
    int64_t *mark = thread_mark ? thread_mark : &own_mark;
    if (op_ns && !thread_mark)
        own_mark = sim_prices_clock(prices); /* started or resumed: counts from now */
    for (;;) {
        uint32_t jumps = t->cur.jumps;
        const sim_op *op = sim_cursor_next(&t->cur, w);
        int rc = SIM_OK;
        /* The step's own price waits for the object's lock, if it has one. */
        int enter = ops->enter && sim_step_on_object(op->kind);
        float own = op_ns && !enter ? op_ns[op - w->ops] : 0.0f;
        if (op_ns) {
            t->debt_ns += own;
            if (jumps != t->cur.jumps)
                t->debt_ns += (float)prices->turn_ns;
            /* Cheap steps (inc, load, store) add up; anything that may
             * switch, wait or end pays first, as CPython's work came first. */
            int cheap = op->kind == SIM_OP_INC || op->kind == SIM_OP_LOAD ||
                        op->kind == SIM_OP_STORE || op->kind == SIM_OP_EXEC_END;
            if ((!cheap || t->debt_ns >= SIM_STEP_DEBT_NS) &&
                (rc = sim_step_pay(ops, eng, prices, t, mark)) != SIM_OK)
                return rc;
        }
        /* CPython checks its eval breaker at backward jumps and at calls:
         * here a loop's back-edge, and a cpu step (a call of compute()). */
        int check_breaker = jumps != t->cur.jumps || op->kind == SIM_OP_CPU;
        if (--t->until_check == 0 || check_breaker) {
            if (t->until_check == 0) {
                t->until_check = SIM_STOP_EVERY;
                if ((rc = sim_stop_check(stop)) != SIM_OK)
                    return rc;
            } else if ((rc = sim_stop_flags(stop)) != SIM_OK) {
                return rc;
            }
            if (check_breaker && ops->breaker) {
                rc = ops->breaker(eng, t);
                if (rc == SIM_STEP_WAITED) {
                    rc = SIM_OK;
                    if (op_ns)
                        *mark = sim_prices_clock(prices);
                }
                if (rc != SIM_OK)
                    return rc;
            }
        }
        sim_step_note_at(ops, eng, w, t, op);
        if (enter) {
            rc = ops->enter(eng, t, op);
            if (rc == SIM_STEP_WAITED) {
                rc = SIM_OK;
                if (op_ns)
                    *mark = sim_prices_clock(prices);
            }
            if (rc != SIM_OK)
                return rc;
            if (op_ns) {
                t->debt_ns += op_ns[op - w->ops];
                if ((rc = sim_step_pay(ops, eng, prices, t, mark)) != SIM_OK)
                    return rc;
            }
        }
        switch ((sim_op_kind)op->kind) {
        case SIM_OP_CPU:
            rc = ops->cpu(eng, t, op->a);
            /* compute() is Python code: CPython checks the breaker at its
             * loop's back-edges all along, the last ones just before it
             * returns, so a request made while it ran is honoured before
             * the step after it (a store) runs. */
            if (rc == SIM_OK && ops->breaker) {
                rc = ops->breaker(eng, t);
                rc = rc == SIM_STEP_WAITED ? SIM_OK : rc;
            }
            break;
        case SIM_OP_IO:
            rc = ops->io(eng, t, op->a);
            break;
        case SIM_OP_YIELD:
            rc = ops->yield(eng, t);
            break;
        case SIM_OP_INC: {
            /* Relaxed loads and stores, never a read-modify-write: two
             * threads without a GIL really lose updates, and no access is
             * a C data race (share.c says more). */
            _Atomic int64_t *v = ops->var(eng, t, op->b);
            uint32_t in = op_ns ? prices->guard_units[op - w->ops] : 0;
            if (ops->guard)
                *mark += ops->guard(eng, t, op->b, 1, in);
            int64_t x = atomic_load_explicit(v, memory_order_relaxed);
            if (ops->guard)
                ops->guard(eng, t, op->b, 0, 0);
            if (op_ns && prices->gap_units[op - w->ops]) /* the add, as CPython's (price.h) */
                sim_burn_sink(sim_burn(prices->gap_units[op - w->ops], (uint64_t)x));
            if (ops->guard)
                *mark += ops->guard(eng, t, op->b, 1, in);
            atomic_store_explicit(v, x + 1, memory_order_relaxed);
            if (ops->guard)
                ops->guard(eng, t, op->b, 0, 0);
            /* Noted after the store: the note never widens the window
             * between the load and the store that a race falls into. */
            sim_step_note_value(ops, eng, t, SIM_IN_INC, op->b, x + 1);
            break;
        }
        case SIM_OP_LOAD:
            if (ops->guard)
                *mark += ops->guard(eng, t, op->b, 1,
                                    op_ns ? prices->guard_units[op - w->ops] : 0);
            t->tmp = atomic_load_explicit(ops->var(eng, t, op->b), memory_order_relaxed);
            if (ops->guard)
                ops->guard(eng, t, op->b, 0, 0);
            sim_step_note_value(ops, eng, t, SIM_IN_LOAD, op->b, t->tmp);
            break;
        case SIM_OP_STORE:
            if (ops->guard)
                *mark += ops->guard(eng, t, op->b, 1,
                                    op_ns ? prices->guard_units[op - w->ops] : 0);
            atomic_store_explicit(ops->var(eng, t, op->b), t->tmp + 1, memory_order_relaxed);
            if (ops->guard)
                ops->guard(eng, t, op->b, 0, 0);
            sim_step_note_value(ops, eng, t, SIM_IN_STORE, op->b, t->tmp + 1);
            break;
        case SIM_OP_ACQUIRE:
            rc = ops->acquire(eng, t, op);
            break;
        case SIM_OP_RELEASE:
            rc = ops->release(eng, t, op);
            break;
        case SIM_OP_PUT:
            rc = ops->put(eng, t, op);
            break;
        case SIM_OP_GET:
            rc = ops->get(eng, t, op);
            break;
        case SIM_OP_EXEC:
            if (ops->exec)
                rc = ops->exec(eng, t, op);
            break;
        case SIM_OP_EXEC_END:
            if (ops->exec_end)
                return ops->exec_end(eng, t);
            break;
        case SIM_OP_LOOP:
        case SIM_OP_NEXT:
            break; /* the cursor handles loops; an inline body just ends */
        case SIM_OP_END:
            rc = ops->end ? ops->end(eng, t) : SIM_OK;
            return rc != SIM_OK ? rc : SIM_STEP_DONE;
        }
        /* A hook's time waiting or computing is not concviz's own work:
         * the account starts again after it. */
        int restart = rc == SIM_STEP_WAITED || op->kind == SIM_OP_CPU ||
                      op->kind == SIM_OP_IO || op->kind == SIM_OP_YIELD ||
                      op->kind == SIM_OP_EXEC;
        if (rc == SIM_STEP_WAITED)
            rc = SIM_OK;
        if (rc != SIM_OK)
            return rc;
        if (op_ns && restart)
            *mark = sim_prices_clock(prices);
    }
}

/* ---- the burn loop: computation with switch points ------------------ */

/* Burns `ns` of real, single-core work (calib.h) in slices of
 * `slice_units`; between two slices calls between(ctx), the engine's
 * switch point (a stop, a GIL drop request, a move to another core), and
 * gives up with its error. `acc` folds every result so that no compiler
 * can drop the work. */
static inline int sim_step_burn(const sim_calib *c, int64_t ns, uint64_t slice_units,
                                uint64_t *acc, int (*between)(void *ctx), void *ctx)
{
    uint64_t units = sim_calib_units(c, ns);
    if (slice_units == 0)
        slice_units = 1;
    while (units > 0) {
        uint64_t n = units < slice_units ? units : slice_units;
        *acc = sim_burn(n, *acc + n);
        units -= n;
        if (units > 0 && between) {
            int rc = between(ctx);
            if (rc != SIM_OK)
                return rc;
        }
    }
    return SIM_OK;
}

/* How often a computing thread reaches a switch point. CPython checks its
 * eval breaker at every backward jump of a loop, every few tens of ns, so
 * a drop request is honoured almost at once, also in the middle of a short
 * computation between a load and a store (where races come from). 2 us
 * keeps the check (an atomic load, the stop) under 2% of the work while a
 * request waits at most that long. */
#define SIM_STEP_SLICE_NS 2000

#endif
