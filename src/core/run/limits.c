/* limits.c - refusing, before anything runs, what a model cannot sanely do.
 *
 * Each model has its own ceiling, and it is a different resource each time:
 * asyncio pays a few hundred bytes per task, so only the language's own
 * task limit applies; threading pays an OS thread (and an 8 MB stack
 * reservation) per task unless a pool is used; multiprocessing pays a whole
 * process per worker. The message says what to change, because the person
 * reading it wants to run something, not to be told no.
 */
#include "engine.h"
#include "run.h"

#include <stdio.h>
#include <sys/resource.h>

/* One number from a file of /proc, or -1. */
static long long read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v = -1;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* The threads of the whole machine now: the 4th field of /proc/loadavg
 * is "running/total". */
static long long machine_threads(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a, b, c;
    long long running = 0, total = -1;
    if (f) {
        if (fscanf(f, "%lf %lf %lf %lld/%lld", &a, &b, &c, &running, &total) != 5)
            total = -1;
        fclose(f);
    }
    return total;
}

long long sim_machine_thread_room(const char **why)
{
    /* Every thread takes an id from the pid space and counts against
     * threads-max; its stack is two memory mappings (the stack and its
     * guard page); and a user may start so many tasks (RLIMIT_NPROC). */
    long long pid_max = read_number("/proc/sys/kernel/pid_max");
    long long threads_max = read_number("/proc/sys/kernel/threads-max");
    long long maps = read_number("/proc/sys/vm/max_map_count");
    long long now = machine_threads();
    long long room = 1ll << 40;
    *why = "";
    if (pid_max > 0 && now >= 0 && pid_max - now < room) {
        room = pid_max - now;
        *why = "kernel.pid_max";
    }
    if (threads_max > 0 && now >= 0 && threads_max - now < room) {
        room = threads_max - now;
        *why = "kernel.threads-max";
    }
    if (maps > 0 && maps / 2 - 1024 < room) {
        room = maps / 2 - 1024;
        *why = "vm.max_map_count";
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && now >= 0 &&
        (long long)rl.rlim_cur - now < room) {
        room = (long long)rl.rlim_cur - now;
        *why = "ulimit -u";
    }
    room -= 64; /* concviz's own threads, the helper, and some slack */
    return room > 0 ? room : 0;
}

int sim_engine_check_limits(sim_model m, const sim_workload *w, int workers,
                            int threads, char *msg, size_t n)
{
    const char *name = sim_model_name(m);

    if (w->ntasks > SIM_MAX_TASKS) {
        snprintf(msg, n, "%s would run %llu tasks; the limit is %llu: "
                 "use fewer copies (the N in N*task)", name,
                 (unsigned long long)w->ntasks,
                 (unsigned long long)SIM_MAX_TASKS);
        return SIM_E_USAGE;
    }
    switch (m) {
    case SIM_MODEL_THREADING:
    case SIM_MODEL_FREE_THREADING:
        if (threads < 0 || threads > SIM_MAX_THREADS) {
            snprintf(msg, n, "%s: --threads %d is out of range: use --threads "
                     "N with N from 1 to %d (0 = one thread per task)", name,
                     threads, SIM_MAX_THREADS);
            return SIM_E_USAGE;
        }
        if (threads == 0 && w->ntasks > (uint64_t)SIM_MAX_THREADS) {
            snprintf(msg, n, "%s would start %llu threads, one per task; the "
                     "limit is %d: use --threads N (a pool of N threads, as "
                     "ThreadPoolExecutor) with N <= %d", name,
                     (unsigned long long)w->ntasks, SIM_MAX_THREADS,
                     SIM_MAX_THREADS);
            return SIM_E_USAGE;
        }
        {
            /* What this machine can start now, as CPython would find. */
            const char *why;
            long long room = sim_machine_thread_room(&why);
            unsigned long long want = threads > 0 && (uint64_t)threads < w->ntasks
                                          ? (unsigned long long)threads : w->ntasks;
            if (want > (unsigned long long)room) {
                snprintf(msg, n, "%s would start %llu threads; this machine can start "
                         "about %lld more now (its %s limits it): use --threads N (a "
                         "pool of N threads, as ThreadPoolExecutor) with N <= %lld",
                         name, want, room, why, room);
                return SIM_E_USAGE;
            }
        }
        break;
    case SIM_MODEL_MULTIPROCESSING:
        if (workers < 1 || workers > SIM_MAX_WORKERS) {
            snprintf(msg, n, "multiprocessing would start %d worker processes: "
                     "use --workers N with N from 1 to %d", workers,
                     SIM_MAX_WORKERS);
            return SIM_E_USAGE;
        }
        break;
    case SIM_MODEL_ASYNCIO:
    case SIM_MODEL__COUNT:
        break;
    }
    if (n > 0)
        msg[0] = '\0';
    return SIM_OK;
}
