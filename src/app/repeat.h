/* repeat.h - the same comparison run N times, and the median run of each model.
 *
 * One run on a real machine is one sample: a background program, a cold
 * cache, the CPU's clock can move it by tens of percent. Run each model N
 * times and the median is a steadier answer, and the spread (the fastest
 * and the slowest run) says how much to trust it. What is drawn is the
 * median run itself, a real run of that model, not an average of runs
 * that no machine made.
 *
 * The runs are whole comparisons (each model once, one after another, as
 * always), kept here until the last one is in; then each model's median
 * run (by wall time, among the runs that finished) is moved into one
 * comparison and the others are freed. N runs of a big workload hold N
 * recordings at once, so N is small (at most APP_REPEAT_MAX) and the
 * window checks the memory before it starts (app_repeat_fits).
 */
#ifndef APP_REPEAT_H
#define APP_REPEAT_H

#include <stdint.h>

#include "comparison.h"
#include "run.h"

#define APP_REPEAT_MAX 15

/* The spread of one model's runs. runs == 0: not repeated. */
typedef struct app_spread {
    int runs;               /* runs that finished */
    int64_t median_ns, min_ns, max_ns;
    int64_t wall_ns[APP_REPEAT_MAX]; /* each run's wall time, in run order */
} app_spread;

typedef struct app_repeat {
    sim_comparison runs[APP_REPEAT_MAX];
    int n;
} app_repeat;

void app_repeat_init(app_repeat *r);
/* Keeps comparison c (its contents are taken; c is left zeroed). Returns
 * 0, or -1 when APP_REPEAT_MAX runs are already held. */
int app_repeat_add(app_repeat *r, sim_comparison *c);
/* Moves each model's median run into *out (which must be empty) and fills
 * spread[i] for out->traces[i]; frees every run held. Returns 0, or -1
 * when no run is held. */
int app_repeat_finish(app_repeat *r, sim_comparison *out, app_spread spread[SIM_MODEL__COUNT]);
void app_repeat_deinit(app_repeat *r);

/* Whether n runs of the run just started fit in its memory budget (they
 * are all held until the last one ends). */
int app_repeat_fits(const sim_run *run, int n);

/* Reads N for --repeat: a whole number from 1 to APP_REPEAT_MAX. Returns
 * 0, or -1. */
int app_parse_repeat(const char *s, int *n);

/* "wall 201 ms, median of 5 runs (198 ms to 230 ms)". */
size_t app_spread_text(const app_spread *s, char *buf, size_t n);

#endif
