/* values.h - the values of shared variables and the lengths of queues over
 * time, from the trace: what a value lane draws.
 *
 * The engines note each load, store and inc with its value (rec.h:
 * SIM_IN_LOAD, _STORE, _INC), and each queue item's put and get. Here they
 * become one series per variable and per queue, in time order, each point
 * with the task that made it. A variable's series also knows its lost
 * updates, found where they happened: a store that writes no more than
 * the value already there overwrote at least one update ("task 1 stored
 * 41 over task 0's 41: one update lost"). Under multiprocessing a plain
 * variable is each process's own copy: its points are drawn, but none
 * can overwrite another process's (no loss is claimed).
 *
 * Recording every `x += 1` of a long loop would take gigabytes, so each
 * task records only its share of SIM_REC_VALUES (rec.h) and then a cut:
 * `exact_until` is the first cut, after which a series is a summary (its
 * last recorded point, then the final value the run recorded). The view
 * says so where it draws it.
 *
 * The caller owns it; building reads every instant once, and returns at
 * once when the trace has not changed.
 */
#ifndef UI_VALUES_H
#define UI_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"
#include "workload.h"

/* Value lanes a panel shows at most: the first variables, then queues. */
#define UI_MAX_VALUE_LANES 4

typedef struct ui_vpoint {
    int64_t t;
    uint32_t task;    /* who loaded, stored, put or got */
    uint32_t value;   /* the value read or written; a queue's length after */
    uint8_t code;     /* SIM_IN_LOAD, _STORE, _INC, _PUT or _GOT */
    uint32_t lost;    /* a store: updates it overwrote (0: none) */
    uint32_t over;    /* ...the task whose store it overwrote */
    uint32_t was;     /* ...and the value that was there */
} ui_vpoint;

typedef struct ui_vseries {
    uint32_t name;        /* index into the trace's names */
    uint8_t kind;         /* SIM_NAME_VAR or SIM_NAME_QUEUE */
    int own_copies;       /* a plain variable under multiprocessing */
    ui_vpoint *p;
    size_t n, cap;
    uint32_t max;         /* the largest value, for the scale (>= 1) */
    uint64_t lost;        /* updates lost, as found here */
    uint64_t nlost;       /* stores that lost some */
    int64_t final;        /* the value the run ended with (-1: not recorded) */
} ui_vseries;

typedef struct ui_values {
    const sim_trace *tr;  /* built from, and that trace's size then */
    size_t ninstants;
    int64_t end, now;
    ui_vseries s[UI_MAX_VALUE_LANES];
    int n;
    int more;             /* variables and queues left out (past the max) */
    int64_t exact_until;  /* the first task's cut: after it, values are a
                             summary; -1: every value was recorded */
} ui_values;

/* How many value lanes trace tr has (what ui_values_build will give it),
 * known from its names alone, so that the layout needs no series. */
uint32_t ui_value_lanes(const sim_trace *tr);

/* Builds (or brings up to date) the series of trace tr: none when the
 * trace records no values (has_steps == 0). Returns 0 or -ENOMEM (then
 * with no series). */
int ui_values_build(ui_values *v, const sim_trace *tr);
void ui_values_free(ui_values *v);

/* The index of the last point at or before t, or -1. */
long ui_vseries_at(const ui_vseries *s, int64_t t);
/* A series' value at t: its last point's (0 before any; for a variable,
 * a load leaves the value as it was). */
uint32_t ui_vseries_value(const ui_vseries *s, int64_t t);

/* The scale of a lane showing [t0, t1]: the largest value there (at
 * least 1), so that a zoomed-in view of a long run still shows its steps;
 * the whole series' largest when the range holds too many points to look
 * at. */
uint32_t ui_vseries_scale(const ui_vseries *s, int64_t t0, int64_t t1);

/* The point in words, for the tooltip: "task 1 stored 41 over task 0's
 * 41: one update lost", "task 0 loaded hits = 40", "task 2 put an item:
 * 3 on queue q". Returns the length. */
size_t ui_vpoint_describe(const sim_trace *tr, const ui_vseries *s, const ui_vpoint *p,
                          char *buf, size_t n);

#endif
