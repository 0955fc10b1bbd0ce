/* estimate.h - what a run will need, known before it runs.
 *
 * Before anything starts, concviz asks what each model will cost: how many
 * events its recording will hold, how much memory that and the rest (the
 * queued items, the threads, the worker processes, the coroutines) take,
 * and roughly how long it will run. From the same figures:
 *
 *   - the engines size their recording's writers (no engine guesses on
 *     its own: one estimate, here),
 *   - a run that cannot fit in its memory budget is refused up front, with
 *     the estimate and the limit (run.c),
 *   - a run that will take more than a minute is announced.
 *
 * The events are *expected* counts, from the steps each task executes
 * (workload.h's sim_workload_count_steps) and what each engine records per
 * step; the recording itself holds the run to the budget while it runs
 * (rec.h). The wall time is a lower bound: the work that must be done one
 * after another (computation under a GIL, a pool's rounds).
 */
#ifndef SIM_ESTIMATE_H
#define SIM_ESTIMATE_H

#include <stdint.h>

#include "config.h"
#include "model.h"
#include "workload.h"

/* Bytes a recorded event costs in all: 32 in the recording, about as much
 * again in the trace built from it (its mark, the arrays' slack), and room
 * for what folding a dense trace needs for a moment. A model's budget is
 * shared so: its trace, built while the run goes on, may hold
 * SIM_TRACE_BUDGET_SHARE of it before it folds; the engine's account
 * (rec.h: the recording's unread events at this many bytes each, and the
 * queued items' bytes) the rest; what the account overprices (an event
 * takes 32 bytes) is the room for folding, pages' rounding and
 * concviz itself. */
#define SIM_BYTES_PER_EVENT 96
#define SIM_TRACE_BUDGET_SHARE (1.0 / 3.0)
/* The least a lane's trace can be folded to: the lane and a few marks. */
#define SIM_LANE_MIN_BYTES 96
/* The recording a reader lets pile up between two reads, at the least. */
#define SIM_RECORD_LAG_MIN_BYTES (16ll << 20)

typedef struct sim_estimate {
    uint64_t events;        /* recorded events, all writers together */
    int64_t record_bytes;   /* the recording and the trace: events x SIM_BYTES_PER_EVENT,
                               if every state were kept */
    int64_t record_min_bytes; /* the least they can be held to: a trace folds what is
                               too dense (trace.h, "Dense lanes") down to a few marks
                               a lane, and a reader that follows the run gives the
                               recording back as it reads (rec.h) */
    int64_t queue_bytes;    /* the most bytes the queues may hold at once */
    int64_t thread_bytes;   /* the threads: stack pages touched, kernel's share */
    int64_t process_bytes;  /* worker processes (and process executors) */
    int64_t task_bytes;     /* the engine's own state per task (a coroutine, a lane) */
    int64_t total_bytes;    /* all of it */
    int64_t wall_ns;        /* a lower bound of the run's wall time */
} sim_estimate;

/* Events one task of group g records under model m. `cfg` resolved. */
uint64_t sim_estimate_task_events(const sim_workload *w, const sim_group *g, sim_model m,
                                  const sim_config *cfg);

/* Everything model m needs to run w. `cfg` resolved; `cpus` > 0. */
void sim_estimate_model(const sim_workload *w, sim_model m, const sim_config *cfg, int cpus,
                        sim_estimate *e);

/* A writer's capacity from the events it is expected to record: room for
 * four times as many (estimates are estimates; pages cost nothing until
 * written), at least 65536. Not held to the budget: the budget counts
 * what the recording holds, and a reader that follows the run gives back
 * what it read (rec.h), so a run may record more than its budget in all. */
uint64_t sim_estimate_writer_cap(uint64_t expected);

#endif
