/* why.h - why a lane is in its state at an instant: the facts, then the
 * sentence.
 *
 * A colour says THAT a task waits; the sentence says WHAT for: a pool
 * thread, a worker, the GIL, the loop, a lock (and who holds it), a queue,
 * a core. Every fact is read from the same trace at the same instant as
 * the lanes beside it: the resource lane's holder, the other tasks'
 * states, the task's step (steps.h, through the lens). Nothing comes from
 * an engine, so a saved run explains itself as a live one does.
 *
 * The facts come first (ui_why_facts), as data; the sentence is made from
 * them alone (ui_why_text). So a test can check each fact against the
 * trace (the holder named holds it then; the step named is the task's
 * step then) and that the sentence names no task the facts do not
 * (tests/test_ui_why.c). Where the trace does not say, the sentence stays
 * general rather than invent a reason.
 */
#ifndef UI_WHY_H
#define UI_WHY_H

#include <stddef.h>
#include <stdint.h>

#include "lens.h"
#include "trace.h"

typedef enum ui_why_kind {
    UI_WHY_NOTHING = 0,  /* nothing recorded at t */
    /* task lanes */
    UI_WHY_RUNNING,      /* running: has the loop, the GIL, a worker, a core */
    UI_WHY_LOOP,         /* ready, waiting for the event loop */
    UI_WHY_GIL,          /* ready, waiting for the GIL */
    UI_WHY_START,        /* not run yet: its thread is started one by one, then
                            needs the GIL (threading) */
    UI_WHY_POOL,         /* not run yet: waiting for a pool thread */
    UI_WHY_WORKER,       /* waiting for a worker process */
    UI_WHY_CORE,         /* free-threading: started, waiting for a core */
    UI_WHY_IO,           /* waiting for I/O, or a sleep of nothing */
    UI_WHY_EXECUTOR,     /* asyncio: awaiting what it handed to an executor */
    UI_WHY_LOCK, UI_WHY_SEM, UI_WHY_QUEUE,
    UI_WHY_DONE, UI_WHY_LOST,
    /* resource lanes */
    UI_WHY_BUSY,         /* busy with task `holder` (loop, GIL, lock, worker,
                            core, executor) */
    UI_WHY_OWN_WORK,     /* the loop's, the main thread's or the parent's own
                            work, for no task */
    UI_WHY_FREE,         /* free: nobody has it, nothing to do */
    UI_WHY_JOIN,         /* the main thread or the parent waits for the others */
    UI_WHY_STARTING, UI_WHY_RECV, UI_WHY_SEND, UI_WHY_EXITED,
} ui_why_kind;

#define UI_WHY_MAX_OTHERS 4

typedef struct ui_reason {
    ui_why_kind kind;
    uint32_t lane;
    int64_t t;
    uint8_t state;        /* the lane's state at t */
    long res;             /* the resource lane the facts are about, or -1 */
    uint32_t holder;      /* the task `res` is busy with at t (its mark's arg),
                             or SIM_NO_TASK */
    uint8_t holder_state; /* that task's own state at t (SIM_ST_NONE: no holder) */
    long op;              /* this task's step at t (an index into the workload's
                             ops), or -1: unknown; a resource lane: the holder's */
    uint32_t line;        /* op's line in the model's program, or 0 */
    uint16_t op_kind;     /* sim_op_kind of op (valid when op >= 0) */
    uint32_t name;        /* the lock, semaphore or queue (the trace's names),
                             or SIM_NO_TASK */
    int busy, total;      /* workers, pool threads or cores busy, of so many */
    uint32_t others[UI_WHY_MAX_OTHERS]; /* more tasks the sentence names */
    long other_lane[UI_WHY_MAX_OTHERS]; /* ...the resource lane each is named for
                                           (a worker it runs on, a lock it holds), or -1 */
    int nothers;
    int own_lock;         /* a semaphore or queue wait for the object's own lock
                             (threading: CPython's are Python code under a lock,
                             share.h): 1 yes (at a release or a put, an item
                             already there, a permit free), 2 maybe (nothing says
                             where the others are), 0 no */
    uint32_t from;        /* a queue item's producer, or SIM_NO_TASK */
    int64_t from_t;       /* ...when it put it */
    int deadlocked;       /* a wait that lasts to the end of a deadlocked run */
    uint16_t cpu;         /* free-threading: the CPU the task was last seen on */
    int shares;           /* ...and another running task was last seen there too */
} ui_reason;

/* The facts about lane `lane` of trace tr (panel p of the lens, which may
 * be NULL: then no steps) at time t. Returns w->kind. */
ui_why_kind ui_why_facts(const sim_trace *tr, const ui_lens *L, int p, uint32_t lane,
                         int64_t t, ui_reason *w);

/* The sentence, from the facts alone. Returns its length (0 for
 * nothing). */
size_t ui_why_text(const sim_trace *tr, const ui_reason *w, char *buf, size_t n);

/* The lane of lock `name` (an index into the trace's names), or -1. */
long ui_lock_lane_of(const sim_trace *tr, uint32_t name);

/* The state a lane is in at t, and its mark's arg (SIM_ST_NONE before any
 * mark or for no such lane). */
uint8_t ui_state_at(const sim_trace *tr, long lane, int64_t t, uint32_t *arg);

#endif
