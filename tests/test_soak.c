/* test_soak.c - hundreds of runs back to back in one process: memory, file
 * descriptors, threads and child processes must come back to where they
 * started. A leak of one fd or one thread per run shows up here long
 * before a classroom notices it. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "test.h"

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ASSERT(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    ASSERT(f != NULL);
    long size = 0, res = 0;
    ASSERT(fscanf(f, "%ld %ld", &size, &res) == 2);
    fclose(f);
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Processes whose parent is `pid`. */
static int children_of(pid_t pid)
{
    DIR *d = opendir("/proc");
    ASSERT(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        char *rp = strrchr(buf, ')');
        char state;
        int ppid;
        if (rp && sscanf(rp + 2, "%c %d", &state, &ppid) == 2 && ppid == pid)
            n++;
    }
    closedir(d);
    return n;
}

static void one_run(sim_forkserver *fs, const sim_calib *cal, sim_model m)
{
    sim_run_desc d = {.cfg = {.workload = "3*(cpu:200us,io:200us,yield)", .models = {m},
                              .nmodels = 1, .workers = 2},
                      .fs = fs, .calib = cal};
    sim_run r;
    char msg[512];
    int e = sim_run_exec(&r, &d, msg, sizeof msg);
    ASSERT_MSG(e == SIM_OK, "%s: %s %s", sim_model_name(m), msg, r.errors[0]);
    sim_comparison c;
    memset(&c, 0, sizeof c);
    ASSERT_INT_EQ(sim_run_sync(&r, &c), 0);
    ASSERT_INT_EQ(c.ntraces, 1);
    sim_summary s;
    sim_trace_summarize(&c.traces[0], c.nominal_ns, 2, &s);
    ASSERT_INT_EQ(s.tasks_done, 3);
    sim_comparison_deinit(&c);
    sim_run_deinit(&r);
}

int main(void)
{
    sim_forkserver fs;
    ASSERT_INT_EQ(sim_forkserver_start(&fs), 0);
    sim_calib cal;
    sim_calib_measure(&cal);
    static const sim_model models[] = {SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING,
                                       SIM_MODEL_FREE_THREADING, SIM_MODEL_MULTIPROCESSING};
    enum { WARMUP = 20, RUNS = 300 };
    for (int i = 0; i < WARMUP; i++)
        one_run(&fs, &cal, models[i % 4]);

    int fds0 = count_entries("/proc/self/fd");
    int threads0 = count_entries("/proc/self/task");
    long rss0 = rss_kib();
    int kids0 = children_of(getpid());
    for (int i = 0; i < RUNS; i++)
        one_run(&fs, &cal, models[i % 4]);
    int fds1 = count_entries("/proc/self/fd");
    int threads1 = count_entries("/proc/self/task");
    long rss1 = rss_kib();
    int kids1 = children_of(getpid());
    printf("after %d runs: fds %d -> %d, threads %d -> %d, RSS %ld -> %ld KiB, "
           "children %d -> %d\n", RUNS, fds0, fds1, threads0, threads1, rss0, rss1,
           kids0, kids1);
    ASSERT_INT_EQ(fds1, fds0);
    ASSERT_INT_EQ(threads1, threads0);
    ASSERT_INT_EQ(kids1, kids0);
    ASSERT_INT_EQ(children_of(fs.pid), 0); /* the helper holds no worker */
    /* Allocators keep some memory; a leak per run would be far more.
     * Under AddressSanitizer, freed memory is held in a quarantine on
     * purpose (up to 256 MiB), so RSS says nothing there: LeakSanitizer
     * checks for leaks in that build instead. */
#if defined(__SANITIZE_ADDRESS__)
    int asan = 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    int asan = 1;
#else
    int asan = 0;
#endif
#else
    int asan = 0;
#endif
    if (!asan)
        ASSERT_MSG(rss1 - rss0 < 8 * 1024, "RSS grew by %ld KiB", rss1 - rss0);
    sim_forkserver_stop(&fs);
    ASSERT_INT_EQ(children_of(getpid()), 0);
    return 0;
}
