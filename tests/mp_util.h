/* mp_util.h - helpers shared by the multiprocessing and forkserver tests:
 * running the engine in a thread of its own (so the test can watch the
 * recording live, as the window does), and looking in /proc for processes
 * left behind. */
#ifndef CONCVIZ_MP_UTIL_H
#define CONCVIZ_MP_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "calib.h"
#include "engine.h"
#include "forkserver.h"
#include "test.h"
#include "trace.h"
#include "workload.h"

typedef struct mp_job {
    sim_workload w;
    sim_calib calib;
    sim_rec rec;
    _Atomic(sim_rec *) pub;
    atomic_int cancel;
    atomic_int over;
    sim_config cfg;        /* the engine's settings, resolved */
    sim_engine_args a;
    int result;
    int64_t returned_ns; /* CLOCK_MONOTONIC when the engine returned */
    pthread_t th;
} mp_job;

static inline void *mp_job_thread(void *p)
{
    mp_job *j = p;
    j->result = sim_multiprocessing_run(&j->a);
    j->returned_ns = sim_clock_ns();
    atomic_store(&j->over, 1);
    return NULL;
}

/* Prepares a run of `spec` on `workers` workers (fs may be NULL). */
static inline void mp_job_init(mp_job *j, const char *spec, int workers,
                               sim_forkserver *fs, const sim_calib *calib)
{
    memset(j, 0, sizeof *j);
    sim_parse_error err;
    ASSERT_MSG(sim_workload_parse(&j->w, spec, &err) == 0, "%s", err.message);
    j->calib = *calib;
    atomic_init(&j->pub, NULL);
    atomic_init(&j->cancel, 0);
    atomic_init(&j->over, 0);
    sim_config_resolve(&j->cfg, (int)sysconf(_SC_NPROCESSORS_ONLN));
    j->a.cfg = &j->cfg;
    j->a.w = &j->w;
    j->a.calib = &j->calib;
    j->a.model = SIM_MODEL_MULTIPROCESSING;
    j->a.cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    j->cfg.workers = workers;
    j->cfg.switch_interval_ns = 5000000;
    j->a.fs = fs;
    j->a.cancel = &j->cancel;
    j->a.rec = &j->rec;
    j->a.publish = &j->pub;
}

static inline void mp_job_start(mp_job *j)
{
    ASSERT_INT_EQ(pthread_create(&j->th, NULL, mp_job_thread, j), 0);
}

static inline int mp_job_join(mp_job *j)
{
    ASSERT_INT_EQ(pthread_join(j->th, NULL), 0);
    return j->result;
}

/* Runs to the end in this thread and fills *t with the whole trace. */
static inline int mp_job_run(mp_job *j, sim_trace *t)
{
    j->result = sim_multiprocessing_run(&j->a);
    memset(t, 0, sizeof *t);
    ASSERT_INT_EQ(sim_trace_ingest(t, &j->rec), 0);
    return j->result;
}

static inline void mp_job_deinit(mp_job *j)
{
    sim_rec_deinit(&j->rec);
    sim_workload_free(&j->w);
}

static inline void mp_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Follows the run live until worker lane `k` is busy with a task; returns
 * the task, and the worker's pid (from its SPAWN instant) in *pid. */
static inline uint32_t mp_wait_busy(mp_job *j, sim_trace *t, uint32_t k, pid_t *pid)
{
    for (int i = 0; i < 1000; i++) {
        sim_rec *r = atomic_load(&j->pub);
        ASSERT_MSG(!atomic_load(&j->over) || r, "the engine returned %d: %s",
                   j->result, j->a.error);
        if (r) {
            ASSERT_INT_EQ(sim_trace_ingest(t, r), 0);
            uint32_t lane = t->ntasks + 1 + k;
            const sim_lane *l = &t->lanes[lane];
            *pid = 0;
            for (size_t n = 0; n < t->ninstants; n++)
                if (t->instants[n].lane == lane && t->instants[n].code == SIM_IN_SPAWN)
                    *pid = (pid_t)t->instants[n].arg;
            if (*pid > 0 && l->nmarks > 0 &&
                l->marks[l->nmarks - 1].state == SIM_ST_RUNNING)
                return l->marks[l->nmarks - 1].arg;
        }
        ASSERT_MSG(!atomic_load(&j->over), "the run ended early: %d %s", j->result,
                   j->a.error);
        mp_sleep_ms(5);
    }
    ASSERT_MSG(0, "worker %u never got a task", k);
    return SIM_NO_TASK;
}

/* Counts processes whose parent is `ppid` (zombies included, when
 * `zombies` is not NULL they are counted there too). */
static inline int mp_children_of(pid_t ppid, int *zombies)
{
    DIR *d = opendir("/proc");
    ASSERT(d);
    int n = 0;
    if (zombies)
        *zombies = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[300], buf[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t k = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[k] = '\0';
        /* pid (comm) state ppid ...: comm may hold spaces, so go from ')'. */
        char *p = strrchr(buf, ')');
        char st;
        int pp;
        if (!p || sscanf(p + 1, " %c %d", &st, &pp) != 2)
            continue;
        if (pp == ppid) {
            n++;
            if (zombies && st == 'Z')
                (*zombies)++;
        }
    }
    closedir(d);
    return n;
}

/* A process that is gone or a zombie (dead, not yet reaped by its parent). */
static inline int mp_pid_dead(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = '\0';
    char *p = strrchr(buf, ')');
    char st = 0;
    if (!p || sscanf(p + 1, " %c", &st) != 1)
        return 1;
    return st == 'Z' || st == 'X';
}

#endif
