/* explain.h - why a panel's result is what it is, in one line of plain words.
 *
 * The numbers say that multiprocessing took 800 ms; the line under them
 * says why: "8 I/O tasks on a pool of 2 workers wait for a free worker, 4
 * rounds of 200 ms". It is derived from the trace alone, as the tooltip's
 * "why" is (hit.h): what the tasks mostly did (computed or waited), how
 * much computation there was in all and how it was spread, the pool's
 * rounds, the longest stretch one task computed without awaiting. Nothing
 * is canned per preset, so a workload typed in the field, a saved run and
 * a lesson's step are explained the same way; a run that did not finish
 * says so instead.
 *
 * ui_explain_facts reads every mark of the task lanes (cost: the trace's
 * size), so a drawing caches the facts per trace; ui_explain_text is
 * cheap.
 */
#ifndef UI_EXPLAIN_H
#define UI_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"

typedef struct ui_explain {
    sim_model model;
    sim_outcome outcome;
    uint32_t ntasks;
    uint32_t ncpu, nio;       /* tasks that mostly computed / mostly waited for I/O */
    int64_t wall_ns;          /* the first start to the last end */
    int64_t run_ns;           /* time running, all tasks together */
    int64_t cpu_ns;           /* CPU time measured, all tasks together; -1: unknown */
    int64_t io_ns;            /* time waiting for I/O, all tasks together */
    int64_t shared_ns;        /* time waiting for locks, semaphores and queues */
    int64_t ready_ns;         /* time waiting to run (to begin, for the GIL, the loop
                                 or a core), all tasks together */
    int64_t longest_ns;       /* the longest task on its own: its running plus its I/O */
    int64_t span_ns;          /* the median task's time from its first run to its end */
    uint32_t workers;         /* multiprocessing: worker lanes */
    uint32_t rounds;          /* multiprocessing: the most tasks one worker ran */
    uint32_t at_once;         /* multiprocessing: the most workers running at once */
    int64_t start_ns;         /* multiprocessing: the slowest worker's start */
    uint32_t blocker;         /* asyncio: the task that ran longest without awaiting */
    int64_t block_ns;         /* ...and for how long; 0 when nobody waited meanwhile,
                                 or when every task computes as long at a stretch */
    uint32_t convoy;          /* threading: an I/O task that waited for the GIL */
    int64_t convoy_ready_ns;  /* ...longer than for its I/O (0: none did) */
    int64_t convoy_io_ns;
    char lock[40];            /* the lock held longest ("lock L"), "" if none */
    int64_t lock_held_ns;     /* ...and how long it was held in all */
    int threads;              /* threading: the pool's size (0: one per task) */
    int cpus;
    int64_t now_ns;           /* how far the run got (a stopped run) */
} ui_explain;

/* Gathers the facts of trace tr (a panel of c). */
void ui_explain_facts(const sim_trace *tr, const sim_comparison *c, ui_explain *e);

/* The line: `brief` asks for a shorter one, for a narrow panel. Returns
 * the length (0 when there is nothing to say). A trace that is still
 * running says nothing: its panel shows the model's caption meanwhile. */
size_t ui_explain_text(const ui_explain *e, int brief, char *buf, size_t n);

#endif
