/* rec.h - recording what an engine does, as it happens.
 *
 * Engines write; nobody else does. A recording (sim_rec) is a set of
 * writers, one per OS thread or process that records: each writer is an
 * append-only array of 32-byte events in memory of its own, so recording
 * takes no lock at all. A writer publishes each event by a release-store of
 * its count, so a reader in another thread (the window) can read the events
 * while the run goes on (see trace.h: sim_trace_ingest).
 *
 * All of a recording lives in one mapping, its pages committed only when
 * touched. When other processes record too (multiprocessing's workers, an
 * asyncio process executor), the mapping is a shared memfd, so a forked
 * worker writes into the very memory the parent reads: no pipe per event.
 * When only this process records, it is private memory
 * (sim_rec_desc.cross_process).
 *
 * Times are int64_t nanoseconds since the start of the model's run, on
 * CLOCK_MONOTONIC, which every thread and every process of the machine
 * shares, so lanes from different processes line up without conversion.
 */
#ifndef SIM_REC_H
#define SIM_REC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "calib.h"
#include "clock.h"
#include "model.h"

/* What a task lane (or resource lane) is doing from this instant on. */
typedef enum sim_state {
    SIM_ST_NONE = 0,  /* nothing (a lane before it exists) */
    SIM_ST_READY,     /* runnable, waiting for the loop / the GIL / a worker */
    SIM_ST_RUNNING,   /* on a CPU (task lanes); busy with task `arg` (resource lanes) */
    SIM_ST_IO,        /* waiting for I/O: needs no CPU */
    SIM_ST_DONE,      /* finished */
    SIM_ST_IDLE,      /* resource lanes: free */
    SIM_ST_STARTING,  /* worker lanes: process being started */
    SIM_ST_LOST,      /* worker lanes: the process died; task lanes: lost with it */
    SIM_ST_LOCK,      /* waiting for a lock */
    SIM_ST_SEM,       /* waiting for a semaphore permit */
    SIM_ST_QUEUE,     /* waiting on an empty queue (or, multiprocessing, for room
                         in a full one's pipe) */
    SIM_ST_RECV,      /* worker lanes: waiting for and reading the next task message */
    SIM_ST_SEND,      /* worker lanes: writing a task's result back */
    SIM_ST_DENSE,     /* traces only, never recorded: many states, each shorter
                         than the trace's resolution, summarized (trace.h) */
    SIM_ST__COUNT
} sim_state;

/* Something that happens at one instant. */
typedef enum sim_instant {
    SIM_IN_AWAIT = 0,    /* a task reached an await (asyncio) */
    SIM_IN_DROP_REQUEST, /* a GIL waiter timed out and asked the holder to drop */
    SIM_IN_SPAWN,        /* a worker process was forked (arg = pid) */
    SIM_IN_EXIT,         /* a worker process exited (arg = exit status) */
    SIM_IN_LOST,         /* a worker process died (arg = signal number) */
    SIM_IN_DEADLOCK,     /* every unfinished task waits on something nobody can release */
    /* Where each task is in its program, for the code view (step.h says
     * when one is recorded): from t on, the task is at step `arg`, the
     * index of its op in the workload's program (w->ops). A task's first
     * step is implied, never recorded, so a million one-step tasks cost
     * nothing. */
    SIM_IN_STEP,
    /* What a task did to a variable, for its value lane: arg packs the
     * variable and the value (sim_value_arg). At most a share of the
     * run's SIM_REC_VALUES each task (sim_rec_value_cap), then: */
    SIM_IN_LOAD,         /* tmp = NAME read `value` */
    SIM_IN_STORE,        /* NAME = tmp + 1 wrote `value` */
    SIM_IN_INC,          /* NAME += 1 read value - 1 and wrote `value` at once */
    SIM_IN_VALUES_CUT,   /* the task recorded its share: its later loads and
                            stores are not recorded (the final value is) */
    /* Queue items, for the queue's length: arg = the queue's index in the
     * workload's names. */
    SIM_IN_PUT,          /* an item was put on the queue */
    SIM_IN_GOT,          /* an item was taken from it */
    SIM_IN_MARK,         /* a moment a program's own trace names (an exception that
                            ended a thread, another tool's instant event); arg: its
                            words, an index into the trace's program strs (program.h) */
    SIM_IN__COUNT
} sim_instant;

/* Value events, bounded: a run records at most about this many loads and
 * stores in all (each task its share, sim_rec_value_cap), so that a loop
 * of a hundred million `x += 1` costs a few megabytes, not gigabytes. */
#define SIM_REC_VALUES 100000u
/* A task's share, never under 16: a million tasks that each do one `inc`
 * record every one (the estimate counts them: estimate.c). */
static inline uint32_t sim_rec_value_cap(uint64_t ntasks)
{
    uint64_t each = ntasks ? SIM_REC_VALUES / ntasks : SIM_REC_VALUES;
    return each < 16 ? 16u : (uint32_t)each;
}

/* A value event's arg: the variable's name index (SIM_MAX_NAMES = 256 of
 * them: 8 bits) and the value (24 bits). A value past SIM_VALUE_MAX is
 * not recorded: the task's recording is cut there instead. */
#define SIM_VALUE_MAX ((1u << 24) - 1)
static inline uint32_t sim_value_arg(uint32_t name, uint32_t value)
{
    return value << 8 | (name & 0xffu);
}
static inline uint32_t sim_value_name(uint32_t arg) { return arg & 0xffu; }
static inline uint32_t sim_value_of(uint32_t arg) { return arg >> 8; }

/* An arrow from one lane at one time to another lane at a later time. */
typedef enum sim_flow {
    SIM_FL_HANDOFF = 0, /* GIL: from the thread that dropped to the one that took it */
    SIM_FL_DISPATCH,    /* a task sent to a worker */
    SIM_FL_RESULT,      /* a result sent back */
    SIM_FL_MESSAGE,     /* a queue item, from its put to its get */
    SIM_FL__COUNT
} sim_flow;

typedef enum sim_ev_type {
    SIM_EV_STATE = 1,   /* lane enters `code` (sim_state) at t; arg = task on resource lanes */
    SIM_EV_INSTANT,     /* `code` (sim_instant) at t on lane; arg = detail */
    SIM_EV_FLOW,        /* `code` (sim_flow) from (from_lane, v) to (lane, t) */
    SIM_EV_TASK_CPU,    /* task lane `lane` used v ns of CPU time in all (engines
                           may leave it out when it is zero: a task that
                           finished without one used no CPU) */
    SIM_EV_COUNTER,     /* variable `arg` (index in the workload's names) ended at v */
    SIM_EV_MESSAGES,    /* `arg` more queue items carrying v bytes in all were delivered */
    SIM_EV_WAIT_FOR,    /* deadlock: task `lane` waits for name `arg` (its index in
                           the workload's names), held by task `from_lane` or by
                           nobody (SIM_NO_TASK); one event per link of the cycle */
    /* Two things that happen at one instant, in one event: the hot paths
     * record half as much (sim_rec_run, sim_rec_await). A reader gets
     * exactly what the two separate events would have given. */
    SIM_EV_RUN,         /* task lane `lane` enters RUNNING (arg) at t, and resource
                           lane `from_lane` (the event loop) runs it: RUNNING with
                           arg = lane */
    SIM_EV_STATE_INSTANT, /* lane enters `code` (arg) at t, and instant `from_lane`
                           (a sim_instant) happens on it then, its arg in v */
    SIM_EV_STATE_RANGE, /* lanes [lane, from_lane) all enter `code` (arg) at t */
} sim_ev_type;

/* One recorded event: 32 bytes. */
typedef struct sim_event {
    int64_t t;          /* ns since the run's start */
    int64_t v;          /* flows: source time (ns); TASK_CPU: CPU ns; else 0 */
    uint32_t lane;
    uint32_t arg;
    uint32_t from_lane; /* flows only */
    uint8_t type;       /* sim_ev_type */
    uint8_t code;
    uint16_t cpu;       /* core the writer ran on (sched_getcpu), or SIM_NO_CPU */
} sim_event;

#define SIM_NO_CPU 0xffffu
#define SIM_NO_TASK 0xffffffffu

/* Kinds of lanes. Task lanes come first (lane i = task i), resource lanes
 * after them. */
typedef enum sim_lane_kind {
    SIM_LANE_TASK = 0,
    SIM_LANE_LOOP,     /* the asyncio event loop thread */
    SIM_LANE_GIL,      /* who holds the GIL */
    SIM_LANE_MAIN,     /* multiprocessing: the parent feeding the pool */
    SIM_LANE_WORKER,   /* multiprocessing: one worker process */
    SIM_LANE_CORE,     /* free-threading: one CPU core */
    SIM_LANE_LOCK,     /* who holds a lock (RUNNING arg = task); one per lock, in
                          the order of the workload's lock names */
    SIM_LANE_EXECUTOR, /* asyncio: the executor thread or process (RUNNING arg = task) */
} sim_lane_kind;

/* One writer's area. Lives inside the shared mapping. */
typedef struct sim_writer {
    _Atomic uint64_t count;    /* events published */
    _Atomic uint32_t overflow; /* events dropped because the area was full */
    uint32_t pad_;
    uint64_t cap;              /* events that fit */
    uint64_t offset;           /* byte offset of the events from the mapping's start */
    _Atomic uint64_t released; /* events [0, released) were read and their memory
                                  given back (sim_rec_release): they read as zeros */
} sim_writer;

/* The fixed head of a recording's mapping. */
typedef struct sim_rec_head {
    uint32_t magic;
    uint32_t nwriters;
    uint32_t ntask_lanes;
    uint32_t nres_lanes;
    int64_t t0_abs;            /* CLOCK_MONOTONIC ns at the run's start */
    uint64_t tsc0;             /* the TSC at the same instant */
    double ns_per_tick;        /* > 0: sim_rec_now reads the TSC (see calib.h) */
    _Atomic int64_t end_ns;    /* run end (ns from t0), or -1 while running */
    _Atomic int32_t result;    /* how the run ended: SIM_OK or a sim_err (err.h) */
    uint32_t model;            /* sim_model */
    /* The memory budget (see sim_rec_publish, sim_rec_hold): the events
     * all writers published, counted in chunks, less those a reader has
     * taken and given back (sim_rec_release); the bytes the run holds
     * besides (queued items); and the most events they may be worth
     * together. One account for all of it, in every process that maps the
     * recording, so that the recording and the queues cannot each fill the
     * budget. */
    _Atomic uint64_t events_total;
    _Atomic uint64_t events_released;
    _Atomic int64_t held_bytes;
    uint64_t events_budget;    /* 0: no budget */
    _Atomic uint32_t full;     /* nonzero once a writer or the budget is full: the
                                  run must stop (stop.h) */
    _Atomic uint32_t reader;   /* 1 once a reader gives events back as it reads
                                  (sim_rec_release): a writer over the budget
                                  then waits for it rather than stop the run */
    _Atomic int64_t waited_ns; /* how long writers waited for that reader, in all */
    /* followed by: sim_writer[nwriters], uint8_t res_kind[nres_lanes], events */
} sim_rec_head;

typedef struct sim_rec {
    sim_model model;
    sim_rec_head *head;   /* the shared mapping */
    size_t map_size;
    int memfd;            /* the mapping's file (for passing to a forkserver), or -1 */
    int shared_;          /* the mapping is shared memory (else private) */
    sim_writer *writers;  /* == (sim_writer *)(head + 1) */
    uint8_t *res_kind;    /* kinds of the resource lanes */
} sim_rec;

typedef struct sim_rec_desc {
    sim_model model;
    uint32_t ntask_lanes;
    uint32_t nres_lanes;
    const uint8_t *res_kind;     /* nres_lanes sim_lane_kind values */
    uint32_t nwriters;
    const uint64_t *writer_cap;  /* events per writer; NULL: 1<<20 each */
    const uint64_t *writer_ready; /* events per writer whose memory is made
                                    ready before the run (NULL: none): what
                                    the engine expects it to record, up to
                                    SIM_REC_READY_BYTES in all */
    const sim_calib *calib;      /* its TSC rate clocks the recording; NULL:
                                    clock_gettime (slower, as exact) */
    int cross_process;           /* 1: other processes will map it (a memfd);
                                    0: this process only (private
                                    memory) */
    uint64_t events_budget;      /* the most events all writers together may
                                    hold (the memory budget): recorded and
                                    not yet released; 0: no budget */
} sim_rec_desc;

/* A page of the recording costs a page fault at its first event (zeroing
 * it, mapping it: a microsecond or so for 128 events, more than CPython's
 * price of the loop turns that record them: a `tmp = x` loop ran 1.6x as
 * long as CPython's while its values were recorded). That is concviz's
 * work, not the program's, so sim_rec_init makes the pages the engine
 * expects to fill ready before the run's clock starts, up to this much:
 * a run that records more spreads its faults over a longer run. */
#define SIM_REC_READY_BYTES ((size_t)32 << 20)

/* Maps the recording: from a memfd when it must cross processes, so it can
 * be handed to the forkserver; else private memory of this process. Sets
 * t0 to now. Returns 0, or -errno. */
int sim_rec_init(sim_rec *r, const sim_rec_desc *d);
void sim_rec_deinit(sim_rec *r);
/* Maps an existing recording from its memfd (in a worker process). */
int sim_rec_attach(sim_rec *r, int memfd, size_t map_size);

/* Restarts the clock: t0 := now. Call right before the run starts. */
void sim_rec_start_clock(sim_rec *r);
/* Marks the run finished at `end_ns` (ns from t0), with its result:
 * SIM_OK or the engine's sim_err (a deadlock, a timeout, ...). */
void sim_rec_finish(sim_rec *r, int64_t end_ns, int result);


/* The core this thread runs on now, or SIM_NO_CPU. */
uint16_t sim_current_cpu(void);

/* The hot path, inline so that engines pay no call for it. */

/* ns since the run's start: the TSC scaled by the calibrated rate when
 * the kernel trusts the TSC, else CLOCK_MONOTONIC. The same in every
 * process that maps the recording. */
static inline int64_t sim_rec_now(const sim_rec *r)
{
    const sim_rec_head *h = r->head;
    if (h->ns_per_tick > 0.0)
        /* Signed: one instruction to convert, where an unsigned 64-bit
         * integer takes a branch and several (there is no such x86 one). */
        return (int64_t)((double)(int64_t)(sim_tsc_read() - h->tsc0) * h->ns_per_tick);
    return sim_clock_ns() - h->t0_abs;
}

/* The next free slot of writer `w`, or NULL when its area is full (the
 * event is then dropped and counted, and the recording says it is full, so
 * that the run stops: stop.h). Only the writer's own thread stores its
 * `count`, so a relaxed load is enough. */
static inline sim_event *sim_rec_slot(sim_rec *r, uint32_t w)
{
    sim_writer *wr = &r->writers[w];
    uint64_t n = atomic_load_explicit(&wr->count, memory_order_relaxed);
    if (n >= wr->cap) {
        atomic_fetch_add_explicit(&wr->overflow, 1, memory_order_relaxed);
        atomic_store_explicit(&r->head->full, 1, memory_order_relaxed);
        return NULL;
    }
    sim_event *ev = (sim_event *)((char *)r->head + wr->offset) + n;
    /* Asks for the slot one 4 KiB page ahead, to be written. A writer
     * enters a new page every 128 events, and its first store there waits
     * for the page's translation (in a virtual machine, a walk of two sets
     * of page tables) and its cache line; asked for 128 events early, both
     * are at hand when it gets there. The event loop's slowest steps took
     * 50 to 60 ns without it, 20 to 30 with it; an event's own cost did
     * not move. A prefetch is a hint: it never faults, past the area's end
     * either. */
    __builtin_prefetch(ev + 4096 / sizeof *ev, 1, 3);
    return ev;
}

/* Events a writer counts against the shared budget at a time: one atomic
 * add per 65536 events keeps the writers from contending. When the events
 * held (recorded, not yet given back by a reader) pass the budget, a run
 * without a reader must stop; with one, the writer waits until the reader
 * has caught up a little, so that a loop recording faster than a busy
 * machine lets its reader read slows down instead of failing. The wait
 * lengthens whatever the writer's lanes were doing then: the trace says
 * how long in all (waited_ns). A reader that makes no progress for
 * SIM_REC_READER_PATIENCE_NS is given up on, and the run stops. */
#define SIM_REC_CHUNK 65536u
#define SIM_REC_READER_PATIENCE_NS (2ll * 1000000000ll)

void sim_rec_count_chunk(sim_rec *r);

/* Memory the run holds besides its recording (a queued item: its bytes
 * and their bookkeeping), counted against the recording's budget at
 * SIM_BYTES_PER_EVENT bytes an event: `bytes` > 0 takes, < 0 gives back.
 * Taking fails, returning -1 with nothing held and the recording marked
 * full (the run stops: stop.h), when the events and what is held would
 * pass the budget; else returns 0. Any thread, any process. */
int sim_rec_hold(sim_rec *r, int64_t bytes);

/* Publishes the slot sim_rec_slot gave: the release store makes the
 * event's bytes visible to a reader that loads the count with acquire. */
static inline void sim_rec_publish(sim_rec *r, uint32_t w)
{
    sim_writer *wr = &r->writers[w];
    uint64_t n = atomic_load_explicit(&wr->count, memory_order_relaxed);
    atomic_store_explicit(&wr->count, n + 1, memory_order_release);
    if (((n + 1) & (SIM_REC_CHUNK - 1)) == 0)
        sim_rec_count_chunk(r);
}

/* Appends one event to writer `w`. Never blocks, never allocates; drops
 * the event (and counts it) when the area is full. */
static inline void sim_rec_emit(sim_rec *r, uint32_t w, const sim_event *e)
{
    sim_event *slot = sim_rec_slot(r, w);
    if (!slot)
        return;
    *slot = *e;
    sim_rec_publish(r, w);
}

/* Shorthands over the slot. `cpu` is the core the caller runs on
 * (sim_current_cpu()), or SIM_NO_CPU when it does not matter. The fields
 * are stored straight into the slot: building the event on the stack and
 * copying it would make the CPU reload bytes it has just stored in smaller
 * pieces (a store-forwarding stall), which costs more than all the rest. */
static inline void sim_rec_state(sim_rec *r, uint32_t w, uint32_t lane, int64_t t,
                                 sim_state s, uint32_t arg, uint16_t cpu)
{
    sim_event *e = sim_rec_slot(r, w);
    if (!e)
        return;
    e->t = t;
    e->v = 0;
    e->lane = lane;
    e->arg = arg;
    e->from_lane = 0;
    e->type = SIM_EV_STATE;
    e->code = (uint8_t)s;
    e->cpu = cpu;
    sim_rec_publish(r, w);
}
/* Task lane `task` starts running at t on resource lane `res` (the event
 * loop, which then shows RUNNING with arg = task): one event for both. */
static inline void sim_rec_run(sim_rec *r, uint32_t w, uint32_t task, int64_t t,
                               uint32_t res, uint16_t cpu)
{
    sim_event *e = sim_rec_slot(r, w);
    if (!e)
        return;
    e->t = t;
    e->v = 0;
    e->lane = task;
    e->arg = 0;
    e->from_lane = res;
    e->type = SIM_EV_RUN;
    e->code = SIM_ST_RUNNING;
    e->cpu = cpu;
    sim_rec_publish(r, w);
}

/* Lane `lane` reaches an await at t and enters state `s` (IO, READY, a
 * wait for a lock...): the AWAIT instant and the state in one event. */
static inline void sim_rec_await(sim_rec *r, uint32_t w, uint32_t lane, int64_t t,
                                 sim_state s)
{
    sim_event *e = sim_rec_slot(r, w);
    if (!e)
        return;
    e->t = t;
    e->v = 0;
    e->lane = lane;
    e->arg = 0;
    e->from_lane = SIM_IN_AWAIT;
    e->type = SIM_EV_STATE_INSTANT;
    e->code = (uint8_t)s;
    e->cpu = SIM_NO_CPU;
    sim_rec_publish(r, w);
}

/* Lanes first .. first + count - 1 all enter state `s` (arg) at t: a
 * million tasks created at once, in one event. */
void sim_rec_state_range(sim_rec *r, uint32_t w, uint32_t first, uint32_t count,
                         int64_t t, sim_state s, uint32_t arg);
void sim_rec_instant(sim_rec *r, uint32_t w, uint32_t lane, int64_t t,
                     sim_instant what, uint32_t arg);
void sim_rec_flow(sim_rec *r, uint32_t w, sim_flow what, uint32_t from_lane,
                  int64_t t_from, uint32_t to_lane, int64_t t_to);
void sim_rec_task_cpu(sim_rec *r, uint32_t w, uint32_t task, int64_t cpu_ns);
void sim_rec_wait_for(sim_rec *r, uint32_t w, int64_t t, uint32_t task, uint32_t name,
                      uint32_t holder);

/* Readers: the events writer w has published so far. Those below
 * sim_rec_released read as zeros. */
const sim_event *sim_rec_events(const sim_rec *r, uint32_t w, uint64_t *count);

/* A reader that has taken writer w's events [0, upto) and is the only one
 * that will ever read them (the run's own reader: run.h) gives their
 * memory back: the whole pages below event `upto` return to the kernel,
 * and the budget counts them no more. A run then holds what its reader
 * has not read yet, not all it ever recorded. Safe while the writer
 * records: it never touches an event again once it is published. A
 * recording shared with other processes keeps its events (rec.c). */
void sim_rec_release(sim_rec *r, uint32_t w, uint64_t upto);
/* The events of writer w given back so far: [0, this) read as zeros. */
uint64_t sim_rec_released(const sim_rec *r, uint32_t w);

#endif
