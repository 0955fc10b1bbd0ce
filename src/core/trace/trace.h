/* trace.h - what happened in a run, in a shape made for reading.
 *
 * The trace is the only interface between running and seeing: engines
 * write a recording (rec.h), and everything else (the window, the JSON, the
 * Chrome export, the tests) reads a sim_trace built from it. A trace loaded
 * from a saved file is the same thing, so a saved run and a live run draw
 * the same way.
 *
 * A lane is a sorted list of marks; a mark says "from t on, this lane is in
 * state s". A segment of a lane is therefore [marks[i].t, marks[i+1].t); the
 * last one lasts until the run's end (or, while the run goes on, until
 * `now_ns`). Lanes 0..ntasks-1 are the tasks, in workload order, the same
 * row under every model; resource lanes (the loop, the GIL, workers, cores)
 * follow.
 *
 * Times are int64_t ns from the start of the model's run.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "costs.h"
#include "model.h"
#include "rec.h"

typedef struct sim_mark {
    int64_t t;
    uint32_t arg;    /* resource lanes: the task (SIM_NO_TASK if none) */
    uint8_t state;   /* sim_state */
    uint8_t flags;   /* SIM_MARK_* bits; 0 for everything an engine records */
    uint16_t cpu;    /* the core, when the writer knew it, else SIM_NO_CPU */
} sim_mark;

/* The segment was inferred, not observed: only traces measured in CPython
 * have such marks (cpython/trace_python.h). A READY mark so flagged is time
 * a task was not on a CPU during a step, found as the step's wall time
 * minus its CPU time (or minus the sleep it asked for): "waiting, inferred:
 * wall 30 ms, CPU 10 ms"; what it waited for (the GIL, the loop, a core)
 * was not measured. A RUNNING mark so flagged is time the task ran by the
 * same arithmetic, placed at the start of its step by convention: where in
 * the step it ran was not measured either. */
#define SIM_MARK_INFERRED 0x01u

/* 32 bytes: a million task lanes cost 32 MB before their marks. */
typedef struct sim_lane {
    uint8_t kind;    /* sim_lane_kind */
    uint8_t flags_;  /* private to the trace part (trace_priv.h) */
    uint32_t index;  /* task id, worker number or core number */
    sim_mark *marks;
    uint32_t nmarks, cap;
    int64_t cpu_ns;  /* task lanes: CPU time the task used, measured (-1: unknown) */
} sim_lane;

typedef struct sim_tinstant {
    int64_t t;
    uint32_t lane;
    uint32_t arg;
    uint8_t code;    /* sim_instant */
    uint32_t more;   /* instants of the same code on the same lane folded into
                        this one, within one resolution step after it (0: it
                        stands alone; see "Dense lanes" below) */
} sim_tinstant;

typedef struct sim_tflow {
    int64_t t0, t1;  /* from (lane0, t0) to (lane1, t1) */
    uint32_t lane0, lane1;
    uint8_t code;    /* sim_flow */
    uint32_t more;   /* flows of the same code to the same lane folded into this
                        one, as for instants */
} sim_tflow;

/* Dense lanes. A hundred million steps cannot all be kept, nor seen: at
 * the window's widest a pixel is a million of them. So when a trace
 * outgrows its memory budget (sim_trace_set_budget), it gets a resolution
 * q (resolution_ns) and keeps exactly every state that lasts q or longer
 * (and a few short ones together), while a run of shorter ones that start
 * within one step of q (t / q the same) becomes one mark of state
 * SIM_ST_DENSE, whose arg indexes `dense`: how many states it
 * folds, of which kinds, and how long each kind lasted, as Perfetto and
 * Tracy summarize tracks too dense to draw. Instants and flows fold the
 * same way into the first of their step (`more`). q starts at a
 * microsecond and doubles while the budget is exceeded, so it stays the
 * smallest step that fits; the last SIM_DENSE_HORIZON_NS of a live run
 * are never folded, as late events may still come there. */
typedef struct sim_tdense {
    uint32_t segs;                /* states folded in */
    uint32_t arg_changes;         /* of its running states, how many had another
                                     arg (task) than the running one before: a
                                     loop resuming another task, a GIL changing
                                     hands */
    uint32_t first_arg, last_arg; /* the args of the first and last running
                                     states (if n[SIM_ST_RUNNING] > 0) */
    uint32_t n[SIM_ST__COUNT];    /* states of each kind */
    uint32_t ns[SIM_ST__COUNT];   /* ns spent in each kind (they add up to the
                                     span, unless a late mark cut it: read
                                     them as shares of the span) */
} sim_tdense;

#define SIM_DENSE_HORIZON_NS (100ll * 1000000ll)

/* How a model's run ended. Data, not a sentence: the view and the judge
 * decide by it; `error` holds the sentence for people. */
typedef enum sim_outcome {
    SIM_OUTCOME_OK = 0,    /* every task finished */
    SIM_OUTCOME_RUNNING,   /* not over yet (a live trace) */
    SIM_OUTCOME_DEADLOCK,  /* every task left waits for what none can give: see deadlock */
    SIM_OUTCOME_TIMEOUT,   /* stopped by --timeout */
    SIM_OUTCOME_CANCELLED, /* stopped on request (Esc, Ctrl+C, SIGTERM) */
    SIM_OUTCOME_LOST,      /* a worker process died */
    SIM_OUTCOME_MEMLIMIT,  /* stopped at its memory budget */
    SIM_OUTCOME_FAILED,    /* any other failure (a system call): see error */
    SIM_OUTCOME_NOT_RUN,   /* never started: the run was stopped before its turn */
    SIM_OUTCOME__COUNT
} sim_outcome;

/* The outcome an engine's result means (SIM_OK, SIM_E_DEADLOCK, ...). */
sim_outcome sim_outcome_of(int result);
/* "finished", "deadlock", "stopped (timeout)", ... */
const char *sim_outcome_name(sim_outcome o);
/* "finished", "deadlock", "timeout", ...: the word saved in trace files. */
const char *sim_outcome_key(sim_outcome o);
int sim_outcome_parse(const char *key, sim_outcome *o);

/* A name of the workload (a variable, lock, semaphore or queue), as the
 * trace keeps it: the view names waits and holders with it. */
typedef struct sim_tname {
    char name[32];
    uint8_t kind;        /* sim_name_kind (workload.h) */
    uint32_t permits;    /* semaphores: K; locks: 1 */
} sim_tname;

/* One link of a deadlock: `task` waits for name `name` (an index into the
 * trace's names), which `holder` holds (SIM_NO_TASK: nobody can give it,
 * as an item no task left will put). */
typedef struct sim_twait {
    uint32_t task, name, holder;
} sim_twait;

#define SIM_DEADLOCK_MAX_LINKS 16
typedef struct sim_tdeadlock {
    int64_t t;           /* when it was found (ns); -1: no deadlock */
    uint32_t nlinks;
    sim_twait links[SIM_DEADLOCK_MAX_LINKS]; /* the chain, from the first waiter */
} sim_tdeadlock;

/* A variable of the workload: what it should end at and what it did. */
typedef struct sim_tcounter {
    char name[32];
    int64_t expected;  /* inc and store steps executed by all tasks together */
    int64_t final;     /* its value at the end (the parent's, under multiprocessing) */
    int has_final;     /* the run recorded it */
    int shared;        /* named shared.NAME (a multiprocessing.Value) */
} sim_tcounter;

/* Where a trace comes from. */
typedef enum sim_source {
    SIM_SOURCE_ENGINE = 0,  /* concviz's engine ran the model */
    SIM_SOURCE_CPYTHON,     /* CPython ran the model's Python program
                               (`run --python`, cpython/cpython.h), and its
                               lanes are derived from what the program recorded */
    SIM_SOURCE_PROGRAM,     /* a person's own program, traced (`concviz trace`,
                               usertrace/utrace.h): see `program` */
    SIM_SOURCE_FOREIGN,     /* a Chrome trace another tool wrote (viztracer,
                               Perfetto), opened: see `program` */
} sim_source;

/* The interpreter that measured a SIM_SOURCE_CPYTHON trace. */
typedef struct sim_python {
    char path[256];       /* as the user gave it: "python3", "/opt/py/bin/python3.13t" */
    char impl[16];        /* "cpython" (sys.implementation.name); "" when unknown */
    char version[32];     /* "3.11.7"; "" when it could not be asked */
    int8_t free_threaded; /* 1: a free-threaded build (3.13t); 0: not; -1: unknown */
    int8_t gil;           /* 1: the GIL was on while it ran; 0: off; -1: unknown */
} sim_python;

typedef struct sim_trace {
    sim_model model;
    uint8_t source;           /* sim_source */
    sim_python python;        /* SIM_SOURCE_CPYTHON: who measured it; else zero */
    sim_lane *lanes;
    uint32_t nlanes;
    uint32_t ntasks;          /* lanes [0, ntasks) are tasks */
    sim_tinstant *instants;   /* sorted by t */
    size_t ninstants, cap_instants;
    sim_tflow *flows;         /* sorted by t1 */
    size_t nflows, cap_flows;
    sim_tdense *dense;        /* what SIM_ST_DENSE marks summarize (mark.arg) */
    size_t ndense, cap_dense;
    int64_t resolution_ns;    /* 0: every state is kept; else states shorter than
                                 this may be summarized (see "Dense lanes") */
    int64_t end_ns;           /* the run's end; -1 while it runs */
    int64_t now_ns;           /* the latest time seen in the recording */
    sim_outcome outcome;      /* how it ended (RUNNING until it has) */
    sim_tdeadlock deadlock;   /* outcome DEADLOCK: who waits for what */
    /* What the trace holds, one bit per sim_state, sim_flow and
     * sim_instant seen: the legend shows what is there, nothing else. */
    uint32_t states_seen, flows_seen, instants_seen;
    /* The tasks' steps and values are recorded (SIM_IN_STEP, SIM_IN_LOAD,
     * ...: rec.h): a live run, or a file of format 4 or later. 0: only
     * what older concviz recorded, and the view does not guess the rest. */
    int has_steps;
    uint64_t dropped;         /* events lost because a writer was full */
    int64_t rec_wait_ns;      /* how long the engines waited for their reader to
                                 catch up (rec.h): their times include it */
    /* The settings the run used, resolved; cfg.workload points at the
     * comparison's workload (comparison.h), which owns it. */
    sim_config cfg;
    int64_t mem_per_task_bytes; /* measured; -1 when unknown */
    /* The cost profile the engines charged (costs.h): which interpreter,
     * when, on what machine, and each cost. cfg.costs is what was asked
     * for (a loaded trace does not know it), costs.origin.source what it
     * resolved to. has_costs is 0 for a trace saved before concviz
     * recorded it. */
    sim_costs costs;
    int has_costs;
    char error[256];          /* what went wrong, in a sentence; "" if nothing */
    /* Shared state: the workload's variables and what became of them, and
     * the queue items delivered (see sim_trace_set_names). */
    sim_tcounter *counters;
    uint32_t ncounters;
    char (*lock_names)[32];   /* name of lock lane k (index k), or NULL */
    uint32_t nlock_names;
    sim_tname *names;         /* every name of the workload, in its order */
    uint32_t nnames;
    uint64_t messages, message_bytes;
    /* Private to the trace part: what ingesting needs between calls, the block
     * of marks lanes may borrow (sim_trace_arena), and the name indices. */
    struct sim_ingest *ingest_;
    sim_mark *arena_;
    struct sim_markpool *pool_; /* the marks of short lanes (markpool.h) */
    int64_t budget_;          /* bytes the trace may hold before it folds; 0: no limit */
    uint64_t nmarks_;         /* marks in all lanes */
    uint32_t *counter_ids_;   /* counters[i] is the workload's name counter_ids_[i] */
    /* SIM_SOURCE_PROGRAM and _FOREIGN: the program's lanes by name, and
     * the words their marks point at (program.h); owned; NULL otherwise. */
    struct sim_tprogram *program;
} sim_trace;

/* An empty trace of `nlanes` lanes; kinds/indices filled by the caller, or
 * by sim_trace_ingest from a recording. Returns 0 or -ENOMEM. */
int sim_trace_init(sim_trace *t, sim_model m, uint32_t ntasks, uint32_t nlanes);
void sim_trace_deinit(sim_trace *t);

/* Brings the trace up to date with what the recording's writers have
 * published since the last call. Safe while the engine still records
 * (call it from one reader thread). The first call sets up the lanes.
 * When it returns, every lane, the instants and the flows are sorted by
 * time, whatever order the writers published in. Its cost grows with the
 * events new since the last call (and with how far back the late ones
 * reach), never with what the trace already holds. Returns 0 or -ENOMEM
 * (the trace then holds what was taken so far, sorted). */
int sim_trace_ingest(sim_trace *t, const sim_rec *r);
/* The same, by the recording's only reader: what it took is given back to
 * the kernel as it goes (sim_rec_release), so the recording holds only
 * what is not read yet. Nobody may read those events again: another
 * trace ingesting the same recording would find them gone. */
int sim_trace_consume(sim_trace *t, sim_rec *r);
/* Elements copied so far to keep ingested arrays in order: a measure of
 * the work, for tests and benchmarks (not a time). */
uint64_t sim_trace_order_work(const sim_trace *t);

/* The memory the trace may use (bytes; 0: no limit, every state kept).
 * Ingesting folds what is too dense once the trace holds more (see "Dense
 * lanes"). */
void sim_trace_set_budget(sim_trace *t, int64_t bytes);
/* What the trace holds now, in bytes: what the budget is compared with. */
int64_t sim_trace_bytes(const sim_trace *t);
/* Folds everything older than `horizon` (ns) at resolution q (>= the
 * current one), as ingesting does when the budget is exceeded. Returns 0
 * or -ENOMEM (the trace is then as it was). A horizon of INT64_MAX says
 * the run is over: the memory the fold emptied goes back to the kernel
 * (while a run goes on, it is kept for the marks to come). */
int sim_trace_fold(sim_trace *t, int64_t q, int64_t horizon);
/* The time each state kind of dense mark i of lane l covers inside
 * [t0, t1), its share of the span's time: ns[SIM_ST__COUNT]. */
void sim_dense_split(const sim_trace *t, const sim_lane *l, size_t i, int64_t t0, int64_t t1,
                     int64_t ns[SIM_ST__COUNT]);

/* What a reader should know before trusting the times to the nanosecond,
 * in one sentence, or "" when there is nothing to say: that states shorter
 * than the resolution were summarized, that the engines waited for their
 * reader. Returns the length (cut to fit n). */
size_t sim_trace_detail_sentence(const sim_trace *t, char *buf, size_t n);

/* Appending one at a time (for engines' tests and the trace loader).
 * Marks may come out of order; they are kept sorted (a late one costs a
 * move of those after it). Equal times keep the order they came in.
 * Return 0, -EINVAL (no such lane) or -ENOMEM. */
int sim_trace_add_mark(sim_trace *t, uint32_t lane, sim_mark m);
int sim_trace_add_instant(sim_trace *t, sim_tinstant in);
int sim_trace_add_flow(sim_trace *t, sim_tflow f);

/* Room for ninstants instants and nflows flows in all, allocated to the
 * size (for loaders that know the counts). Returns 0 or -ENOMEM. */
int sim_trace_reserve(sim_trace *t, size_t ninstants, size_t nflows);

/* For loaders that know every lane's marks at once: one block of n marks
 * owned by the trace (sim_trace_arena, at most one per trace), carved into
 * lanes with sim_trace_lane_adopt, so a million small lanes cost one
 * allocation instead of a million. A lane that grows later moves its marks
 * out of the block. */
sim_mark *sim_trace_arena(sim_trace *t, size_t n);
/* Empty lane `lane` takes the n marks at `marks` (inside the arena), which
 * must be sorted by time. Returns 0 or -EINVAL. */
int sim_trace_lane_adopt(sim_trace *t, uint32_t lane, sim_mark *marks, uint32_t n);

/* Copies the names of a workload's variables (with their expected final
 * values) and locks into the trace, so that SIM_EV_COUNTER events and lock
 * lanes can be named. Call before the first ingest. Returns 0 or -ENOMEM. */
struct sim_workload;
int sim_trace_set_names(sim_trace *t, const struct sim_workload *w);
/* Counters by hand (the trace loader): adds or replaces counter `name`. */
int sim_trace_add_counter(sim_trace *t, const sim_tcounter *c);

/* Whether the run ended in anything but success (or has not ended). */
static inline int sim_trace_failed(const sim_trace *t)
{
    return t->outcome != SIM_OUTCOME_OK && t->outcome != SIM_OUTCOME_RUNNING;
}

/* The index of the mark in effect at time `at` on the lane (binary
 * search), or -1 if the lane has no mark at or before `at`. */
long sim_lane_mark_at(const sim_lane *l, int64_t at);
/* The end of mark i's segment: the next mark's t, or the trace's end
 * (now_ns while running). */
int64_t sim_lane_seg_end(const sim_trace *t, const sim_lane *l, size_t i);

/* "CPython 3.11.7" (or "PyPy 3.10.14"), with ", free-threaded" or ", GIL
 * disabled" when it says so: how a measured trace names its interpreter. */
size_t sim_python_label(const sim_python *p, char *buf, size_t n);
/* The same in short, for a row's label: "CPython 3.11", "CPython 3.13t". */
size_t sim_python_short(const sim_python *p, char *buf, size_t n);

/* "task 3", "event loop", "GIL", "main process", "worker 1", "core 0";
 * a program's lane by its own name ("MainThread", "Task-7"). */
size_t sim_lane_name(const sim_trace *t, uint32_t lane, char *buf, size_t n);
const char *sim_state_name(sim_state s);       /* "running", "waiting for I/O", ... */
const char *sim_instant_name(sim_instant i);   /* "await", "drop request", ... */
const char *sim_flow_name(sim_flow f);         /* "GIL hand-off", ... */
/* What SIM_ST_READY means under a model: "waiting for the loop", "waiting
 * for the GIL", "waiting for a worker", "waiting for a core". */
const char *sim_ready_name(sim_model m);

/* Measured figures of one task, derived from its lane. */
typedef struct sim_task_stat {
    int64_t start_ns;   /* first RUNNING mark; -1 if it never ran */
    int64_t end_ns;     /* DONE mark; -1 if it never finished */
    int64_t cpu_ns;     /* measured CPU time; -1 when unknown */
    int64_t lock_wait_ns;  /* time waiting for locks and semaphores */
    int64_t queue_wait_ns; /* time waiting on empty queues */
} sim_task_stat;
void sim_trace_task_stat(const sim_trace *t, uint32_t task, sim_task_stat *s);

/* Measured figures of one model's run. */
typedef struct sim_summary {
    int64_t wall_ns;       /* from the start to the run's end (the loop shut
                              down, the threads joined, the pool stopped) */
    int64_t cpu_ns;        /* sum over the tasks */
    int64_t nominal_ns;    /* sum of the tasks' nominal durations (one by one) */
    double speedup;        /* nominal / wall */
    double utilization;    /* cpu / (wall * cpus): 1.0 = every CPU busy */
    uint64_t switches;     /* loop switches, GIL hand-offs or dispatches */
    uint32_t tasks_done;
} sim_summary;
void sim_trace_summarize(const sim_trace *t, int64_t nominal_ns, int cpus,
                         sim_summary *s);

/* The updates a variable lost, expected - final, into *lost. Returns 0, or
 * -1 when the run recorded no final value or the difference does not fit
 * an int64_t. A real run's final lies between 0 and expected; only a
 * damaged or hand-made saved run gets near the ends of int64_t, and it
 * must not make the arithmetic overflow. */
int sim_counter_lost(const sim_tcounter *c, int64_t *lost);
/* A variable in plain words, the one sentence both `concviz run` and the
 * window's header say: "hits: 187000 of 200000 updates kept, 13000 lost",
 * "... none lost", "... 40 lost: each process changed its own copy" (a
 * plain variable under multiprocessing), and "hits: ended at F after E
 * updates (cannot tell how many were lost)" when the numbers cannot come
 * from a run (final below 0 or above expected, or out of range). Writes ""
 * when the run recorded no final value. Returns the length (cut to fit n;
 * NUL-terminated when n > 0). */
size_t sim_counter_sentence(const sim_tcounter *c, sim_model model, char *buf,
                            size_t n);

#endif
