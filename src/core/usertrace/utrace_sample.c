/* utrace_sample.c - a traced program's threads, watched through /proc
 * (utrace_sample.h says why and what it can and cannot see).
 *
 * One sweep: new pid files in the tracer's folder become processes to
 * watch; each process's stat says whether it is still there; every tenth
 * of the processes' lists of threads is read again (new threads are found
 * within a few periods); then each thread's stat is read, and its wchan
 * when it sleeps. A stat file stays open between sweeps (pread at offset 0
 * makes the kernel write it afresh), for the first few hundred threads;
 * past FD_BUDGET they are opened each time, so that a program of a
 * thousand threads does not take concviz's file descriptors.
 */
#include "utrace_sample.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define FD_BUDGET 400
#define LIST_EVERY_NS (10ll * 1000000)

/* ---- threads by tid ---------------------------------------------------------- */

static ut_tsamples *find(const ut_sampler *s, int32_t tid)
{
    if (!s->nindex_)
        return NULL;
    size_t k = ((uint32_t)tid * 2654435761u) & (s->nindex_ - 1);
    for (; s->index_[k] != UINT32_MAX; k = (k + 1) & (s->nindex_ - 1))
        if (s->threads[s->index_[k]].tid == tid)
            return &s->threads[s->index_[k]];
    return NULL;
}

static int reindex(ut_sampler *s, size_t n)
{
    uint32_t *ix = malloc(sizeof *ix * n);
    if (!ix)
        return -1;
    memset(ix, 0xff, sizeof *ix * n);
    for (size_t i = 0; i < s->nthreads; i++) {
        size_t k = ((uint32_t)s->threads[i].tid * 2654435761u) & (n - 1);
        while (ix[k] != UINT32_MAX)
            k = (k + 1) & (n - 1);
        ix[k] = (uint32_t)i;
    }
    free(s->index_);
    s->index_ = ix;
    s->nindex_ = n;
    return 0;
}

static ut_tsamples *add_thread(ut_sampler *s, int32_t pid, int32_t tid)
{
    if (s->nthreads == s->cap_threads) {
        size_t cap = s->cap_threads ? s->cap_threads * 2 : 64;
        ut_tsamples *nt = realloc(s->threads, sizeof *nt * cap);
        if (!nt)
            return NULL;
        s->threads = nt;
        s->cap_threads = cap;
    }
    if ((s->nthreads + 1) * 2 > s->nindex_ &&
        reindex(s, s->nindex_ ? s->nindex_ * 2 : 128) != 0)
        return NULL;
    size_t k = ((uint32_t)tid * 2654435761u) & (s->nindex_ - 1);
    while (s->index_[k] != UINT32_MAX)
        k = (k + 1) & (s->nindex_ - 1);
    s->index_[k] = (uint32_t)s->nthreads;
    ut_tsamples *t = &s->threads[s->nthreads++];
    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->tid = tid;
    t->fd = -1;
    if (s->open_fds < FD_BUDGET) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
        t->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (t->fd >= 0)
            s->open_fds++;
    }
    return t;
}

/* ---- reading /proc ------------------------------------------------------------ */

/* The state letter in a stat line: after the ")" that ends the name (a
 * name may hold spaces and parentheses itself). 0 when unreadable. */
static char state_of(const char *buf, ssize_t n)
{
    if (n <= 0)
        return 0;
    const char *close = NULL;
    for (ssize_t i = n - 1; i >= 0; i--)
        if (buf[i] == ')') {
            close = buf + i;
            break;
        }
    if (!close || close + 2 >= buf + n)
        return 0;
    return close[2];
}

static ssize_t read_at0(int fd, char *buf, size_t n)
{
    ssize_t k;
    do
        k = pread(fd, buf, n - 1, 0);
    while (k < 0 && errno == EINTR);
    if (k >= 0)
        buf[k] = '\0';
    return k;
}

static ssize_t read_path(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t k = read_at0(fd, buf, n);
    close(fd);
    return k;
}

/* What thread t is doing now: UT_RUN, UT_FUTEX, UT_SLEEP, or UT_GONE. */
static char classify(ut_tsamples *t)
{
    char buf[1024], path[64];
    ssize_t k;
    if (t->fd >= 0) {
        k = read_at0(t->fd, buf, sizeof buf);
    } else {
        snprintf(path, sizeof path, "/proc/%d/task/%d/stat", t->pid, t->tid);
        k = read_path(path, buf, sizeof buf);
    }
    char st = state_of(buf, k);
    if (st == 0 || st == 'Z' || st == 'X' || st == 'x')
        return UT_GONE;
    if (st == 'R')
        return UT_RUN;
    snprintf(path, sizeof path, "/proc/%d/task/%d/wchan", t->pid, t->tid);
    k = read_path(path, buf, sizeof buf);
    /* futex_wait_queue, futex_do_wait, ...: how a thread waits on a
     * pthread condition variable or mutex, so on the GIL or a lock. */
    if (k > 0 && strncmp(buf, "futex", 5) == 0)
        return UT_FUTEX;
    return UT_SLEEP;
}

static void note(ut_sampler *s, ut_tsamples *t, int64_t now, char cls)
{
    char last = t->n ? t->changes[t->n - 1].cls : 0;
    if (cls != last) {
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 16;
            ut_change *nc = realloc(t->changes, sizeof *nc * cap);
            if (!nc) {
                s->failed = 1;
                return;
            }
            t->changes = nc;
            t->cap = cap;
        }
        t->changes[t->n++] = (ut_change){t->last ? t->last : now, now, cls};
    }
    t->last = now;
    if (cls == UT_GONE) {
        t->gone = 1;
        if (t->fd >= 0) {
            close(t->fd);
            t->fd = -1;
            s->open_fds--;
        }
    }
}

/* New pid files in the tracer's folder. */
static void find_procs(ut_sampler *s)
{
    DIR *dp = opendir(s->dir);
    if (!dp)
        return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0 || pid > INT32_MAX || ut_sampler_proc(s, (int32_t)pid))
            continue;
        if (s->nprocs == s->cap_procs) {
            size_t cap = s->cap_procs ? s->cap_procs * 2 : 16;
            ut_psamples *np = realloc(s->procs, sizeof *np * cap);
            if (!np) {
                s->failed = 1;
                break;
            }
            s->procs = np;
            s->cap_procs = cap;
        }
        s->procs[s->nprocs++] = (ut_psamples){(int32_t)pid, -1, -1, 0};
    }
    closedir(dp);
}

/* The process's state, and, when its time has come, its list of threads. */
static void watch_proc(ut_sampler *s, ut_psamples *p, int64_t now)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", p->pid);
    char st = state_of(buf, read_path(path, buf, sizeof buf));
    if (st == 0 || st == 'Z' || st == 'X' || st == 'x') {
        p->gone_at = now;
        return;
    }
    p->last_alive = now;
    if (now < p->next_list)
        return;
    p->next_list = now + LIST_EVERY_NS;
    snprintf(path, sizeof path, "/proc/%d/task", p->pid);
    DIR *dp = opendir(path);
    if (!dp)
        return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        char *end;
        long tid = strtol(de->d_name, &end, 10);
        if (*end || tid <= 0 || tid > INT32_MAX || find(s, (int32_t)tid))
            continue;
        if (!add_thread(s, p->pid, (int32_t)tid)) {
            s->failed = 1;
            break;
        }
    }
    closedir(dp);
}

void ut_sampler_sweep(ut_sampler *s)
{
    int64_t t0 = sim_clock_ns();
    if (!s->sweeps)
        s->first_sweep = t0;
    s->last_sweep = t0;
    find_procs(s);
    for (size_t i = 0; i < s->nprocs; i++)
        if (s->procs[i].gone_at < 0)
            watch_proc(s, &s->procs[i], t0);
    int64_t now = sim_clock_ns();
    for (size_t i = 0; i < s->nthreads; i++) {
        ut_tsamples *t = &s->threads[i];
        if (t->gone)
            continue;
        const ut_psamples *p = ut_sampler_proc(s, t->pid);
        note(s, t, now, p && p->gone_at >= 0 ? UT_GONE : classify(t));
    }
    s->sweeps++;
    s->busy_ns += sim_clock_ns() - t0;
}

/* ---- the thread ---------------------------------------------------------------- */

static void *run(void *arg)
{
    ut_sampler *s = arg;
    int64_t next = sim_clock_ns();
    while (!atomic_load(&s->stop)) {
        /* Its cost in CPU time, not wall time: on a machine the program
         * keeps busy, a sweep waits for a CPU too, and that costs nothing. */
        struct timespec c0, c1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        ut_sampler_sweep(s);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        int64_t cost = (c1.tv_sec - c0.tv_sec) * 1000000000ll + (c1.tv_nsec - c0.tv_nsec);
        /* At most a twentieth of a CPU: a bigger program is sampled less often. */
        int64_t period = cost * 20 > s->period_ns ? cost * 20 : s->period_ns;
        if (period > s->max_period_ns)
            s->max_period_ns = period;
        next += period;
        int64_t now = sim_clock_ns();
        if (next < now)
            next = now;
        struct timespec ts = {(time_t)(next / 1000000000ll), (long)(next % 1000000000ll)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
            ;
    }
    return NULL;
}

int ut_sampler_start(ut_sampler *s, const char *dir, int64_t period_ns)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    s->period_ns = period_ns > 0 ? period_ns : 1000000;
    s->max_period_ns = s->period_ns;
    atomic_store(&s->stop, 0);
    int e = pthread_create(&s->thread, NULL, run, s);
    if (e != 0)
        return -e;
    s->started = 1;
    return 0;
}

void ut_sampler_stop(ut_sampler *s)
{
    if (!s->started)
        return;
    atomic_store(&s->stop, 1);
    int e = pthread_join(s->thread, NULL);
    if (e != 0)
        abort(); /* a sampler that cannot be joined is a bug, not a condition */
    s->started = 0;
    ut_sampler_sweep(s); /* what ended meanwhile: the last processes gone */
}

void ut_sampler_free(ut_sampler *s)
{
    for (size_t i = 0; i < s->nthreads; i++) {
        free(s->threads[i].changes);
        if (s->threads[i].fd >= 0)
            close(s->threads[i].fd);
    }
    free(s->threads);
    free(s->index_);
    free(s->procs);
    memset(s, 0, sizeof *s);
}

int64_t ut_sampler_period(const ut_sampler *s)
{
    return s->sweeps > 1 ? (s->last_sweep - s->first_sweep) / (int64_t)(s->sweeps - 1) : 0;
}

const ut_tsamples *ut_sampler_thread(const ut_sampler *s, int32_t tid)
{
    return find(s, tid);
}

const ut_psamples *ut_sampler_proc(const ut_sampler *s, int32_t pid)
{
    for (size_t i = 0; i < s->nprocs; i++)
        if (s->procs[i].pid == pid)
            return &s->procs[i];
    return NULL;
}
