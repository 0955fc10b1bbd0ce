/* utrace_sample.h - watching a traced program's threads from outside.
 *
 * The tracer sees when a thread calls something that blocks; it cannot
 * see, between two such calls, whether the thread ran or waited for the
 * GIL: asking from inside would need the GIL itself, and every question
 * would make the thread it asks about switch. So concviz asks the kernel
 * instead, from a thread of its own, while the program runs: every period,
 * each thread's state in /proc/PID/task/TID/stat (R: on a CPU or ready for
 * one; S or D: asleep) and, when asleep, where (/proc/.../wchan: a futex,
 * which is how a thread waits for the GIL or a lock, or elsewhere: a
 * sleep, a poll, a pipe). It records only the changes, and for each
 * process when /proc says it is gone or a zombie: when its pid exited.
 *
 * The program's processes are found as the tracer creates its files (one
 * per process, named by its pid, in the folder given). The period starts
 * at `period_ns` and grows when a sweep costs more than a twentieth of it,
 * so that watching a thousand threads takes at most about 5% of a CPU.
 *
 * Limits, admitted: a sample is a moment; what happened between two is not
 * seen (a run of 0.2 ms between samples 1 ms apart); a thread that waits
 * in a futex may be waiting for a lock of a C library, not the GIL; and R
 * counts a thread that waits for a CPU as running. The lanes say so: all
 * of this is drawn as inferred (utrace_lanes.c). Linux only.
 */
#ifndef UT_SAMPLE_H
#define UT_SAMPLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A thread's state class, as sampled. */
#define UT_RUN 'R'    /* running, or ready to run */
#define UT_FUTEX 'F'  /* asleep in a futex: the GIL, or a lock */
#define UT_SLEEP 'S'  /* asleep elsewhere: a sleep, I/O, a poll */
#define UT_GONE 'Z'   /* the thread (or its process) is gone */

/* From the sample before it (t_prev) to the sample that saw it (t), the
 * thread changed into class `cls`. Absolute CLOCK_MONOTONIC ns. */
typedef struct ut_change {
    int64_t t_prev, t;
    char cls;
} ut_change;

typedef struct ut_tsamples {
    int32_t pid, tid;
    ut_change *changes;
    size_t n, cap;
    int64_t last;        /* its latest sample */
    int fd;              /* its stat file, kept open (-1: opened each time) */
    int gone;
} ut_tsamples;

typedef struct ut_psamples {
    int32_t pid;
    int64_t last_alive;  /* the latest sample that saw it running */
    int64_t gone_at;     /* the first that saw it gone or a zombie; -1 */
    int64_t next_list;   /* when to list its threads again */
} ut_psamples;

typedef struct ut_sampler {
    char dir[4096];
    int64_t period_ns, max_period_ns;
    pthread_t thread;
    int started;
    atomic_int stop;
    ut_tsamples *threads;
    size_t nthreads, cap_threads;
    uint32_t *index_;    /* threads by tid (open addressing) */
    size_t nindex_;
    ut_psamples *procs;
    size_t nprocs, cap_procs;
    int open_fds;
    uint64_t sweeps;
    int64_t first_sweep, last_sweep; /* when the first and the last began */
    int64_t busy_ns;     /* the sampler's own time, all sweeps together */
    int failed;          /* ran out of memory: what it holds is what it got */
} ut_sampler;

/* Starts watching the processes whose pids name files in `dir`, every
 * `period_ns` (0: 1 ms) at first. Returns 0 or -errno (then nothing runs). */
int ut_sampler_start(ut_sampler *s, const char *dir, int64_t period_ns);
/* Stops (one last sweep first) and joins the thread. What was seen stays. */
void ut_sampler_stop(ut_sampler *s);
void ut_sampler_free(ut_sampler *s);

/* One sweep, now (what the thread does each period; for tests). */
void ut_sampler_sweep(ut_sampler *s);

/* The period it kept on average (0: fewer than two sweeps). */
int64_t ut_sampler_period(const ut_sampler *s);

/* What was seen of thread `tid`, or NULL. */
const ut_tsamples *ut_sampler_thread(const ut_sampler *s, int32_t tid);
const ut_psamples *ut_sampler_proc(const ut_sampler *s, int32_t pid);

#endif
