/* busy.h - is the machine busy? Other programs' CPU time, from /proc.
 *
 * concviz measures real runs, so a machine busy with something else
 * (a compiler, a browser tab, a second concviz) makes the pictures wrong:
 * multiprocessing gets no parallel core, a thread waits for the CPU while
 * it holds the GIL. Nothing in a timeline says so; this check does.
 *
 * The kernel counts, per CPU, the time spent busy since boot (/proc/stat:
 * user, nice, system, irq, softirq, steal; not idle or iowait), and, per
 * process, the time it used (/proc/PID/stat: utime, stime, and its reaped
 * children's cutime, cstime), all in clock ticks. Two samples a second
 * apart give the CPU time the machine's CPUs (those concviz may use)
 * spent; minus what concviz itself spent (this process and its helper,
 * whose children are the worker processes), what the other programs used.
 *
 * The verdict compares that with what the run needs: a comparison whose
 * multiprocessing pool wants every CPU is distorted by a little load, one
 * of asyncio alone only when there is no free CPU left for it.
 *
 * The window samples all the time (app_busy_poll from its loop), so that
 * the second before a run is always at hand; `concviz run`, which starts
 * its run as soon as it starts itself, measures over the run instead
 * (sampling before and after), rather than delay every run by a second.
 */
#ifndef APP_BUSY_H
#define APP_BUSY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

#define APP_BUSY_WINDOW_NS 1000000000ll  /* the second looked at */
#define APP_BUSY_SAMPLES 16
#define APP_BUSY_MARGIN 0.25             /* CPUs of slack before it counts */

typedef struct app_busy_sample {
    int64_t t_ns;            /* CLOCK_MONOTONIC */
    uint64_t busy_ticks;     /* busy ticks of the CPUs concviz may use */
    uint64_t ours_ticks;     /* ticks used by concviz and its helper (and children) */
    int cpus;                /* CPUs counted */
} app_busy_sample;

/* Where samples come from: /proc (app_busy_read_proc) or, in tests, a
 * function of their own. Returns 0, or -1 when nothing could be read. */
typedef int (*app_busy_source)(void *user, app_busy_sample *s);

typedef struct app_busy {
    app_busy_source source;
    void *user;
    pid_t helper;            /* the forkserver helper (its CPU is ours), 0: none */
    int64_t window_ns;       /* the time looked at before a run */
    app_busy_sample ring[APP_BUSY_SAMPLES];
    int n, head;             /* samples held; the next slot */
    int64_t polled_ns;       /* when /proc was last read (the default source) */
} app_busy;

typedef struct app_busy_verdict {
    int known;               /* 0: no sample old enough, or /proc unreadable */
    int busy;                /* 1: results may be distorted */
    double others;           /* CPUs' worth other programs used */
    int cpus;                /* CPUs concviz may use */
    double needed;           /* CPUs the run can use at once */
    double seconds;          /* how long was looked at */
} app_busy_verdict;

/* source NULL: /proc. helper: the forkserver's pid (0: none). window_ns
 * 0: APP_BUSY_WINDOW_NS. */
void app_busy_init(app_busy *b, app_busy_source source, void *user, pid_t helper,
                   int64_t window_ns);
/* Takes a sample if the last is older than a fifth of the window. */
void app_busy_poll(app_busy *b);
/* Whether a sample at least the window old is held (a check can say). */
int app_busy_ready(const app_busy *b);
/* Samples now and judges the last window: the CPUs `needed` by the run. */
void app_busy_check(app_busy *b, double needed, app_busy_verdict *v);
/* Judges between two samples (a run's start and end: `concviz run`). */
void app_busy_between(const app_busy_sample *a, const app_busy_sample *b, double needed,
                      app_busy_verdict *v);

/* The CPUs a run of these settings can use at once: one for asyncio and
 * threading (the GIL), the pool for multiprocessing, the threads for
 * free-threading; at most the tasks, at most the CPUs. */
double app_busy_needed(const sim_config *cfg, uint64_t ntasks, int cpus);

/* "other programs used 1.3 of 2 CPUs in the last second: expect longer,
 * less parallel times than on a quiet machine" (with "(this run needs 1)"
 * when it needs fewer than all). `when`: "in the last second", "while it
 * ran"; "" when the verdict is not known. */
size_t app_busy_sentence(const app_busy_verdict *v, const char *when, char *buf, size_t n);

/* Reads /proc/stat and /proc/self/stat (and the helper's), the default
 * source; user is the helper's pid as (pid_t *), or NULL. */
int app_busy_read_proc(void *user, app_busy_sample *s);

/* The parsing alone, for tests: /proc/stat's text, the CPUs allowed (a
 * bit per CPU number, for the first 1024), into busy ticks; a
 * /proc/PID/stat line into utime + stime + cutime + cstime. Return 0 or -1. */
int app_busy_parse_stat(const char *text, const unsigned char *allowed, int *cpus,
                        uint64_t *busy);
int app_busy_parse_pid_stat(const char *line, uint64_t *ticks);

#endif
