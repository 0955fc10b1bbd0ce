/* bench_process.c - whole-process figures: a command's wall time and peak
 * memory (wait4's ru_maxrss), over several runs.
 *
 *   bench_process CONCVIZ
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static void run_cmd(char *const argv[], double *wall_ms, double *rss_mib)
{
    double t0 = bench_now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            close(fd);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
        fprintf(stderr, "bench: %s failed\n", argv[0]);
        exit(1);
    }
    *wall_ms = (bench_now_ns() - t0) / 1e6;
    *rss_mib = (double)ru.ru_maxrss / 1024.0;
}

/* `concviz shot --open RUN.json` of the default comparison: reading a
 * saved run and drawing it headless, whole process. */
static void bench_shot_open(char *concviz)
{
    char trace[] = "/tmp/concviz-bench-XXXXXX.json";
    int fd = mkstemps(trace, 5);
    if (fd < 0) {
        perror("mkstemps");
        exit(1);
    }
    close(fd);
    char png[sizeof trace + 8];
    snprintf(png, sizeof png, "%s.png", trace);
    double wall, rss;
    char *record[] = {concviz, "run", "--trace", trace, NULL};
    run_cmd(record, &wall, &rss);
    enum { RUNS = 7 };
    double w[RUNS], r[RUNS];
    char *shot[] = {concviz, "shot", "--open", trace, "-o", png, NULL};
    for (int i = 0; i < RUNS; i++)
        run_cmd(shot, &w[i], &r[i]);
    bench_report("concviz shot --open RUN.json (default comparison), whole process", "ms",
                 bench_stats_of(w, RUNS), 500, "<= 500 ms", "1600x900 PNG");
    unlink(trace);
    unlink(png);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_process CONCVIZ [--ui]\n");
        return 2;
    }
    if (argc > 2 && strcmp(argv[2], "--ui") == 0)
        bench_shot_open(argv[1]);
    enum { RUNS = 3 };
    double wall[RUNS], rss[RUNS];
    char *million[] = {argv[1], "run", "--json", "--models", "asyncio", "--workload",
                       "1000000*io:1s", NULL};
    for (int i = 0; i < RUNS; i++)
        run_cmd(million, &wall[i], &rss[i]);
    /* With CPython's costs charged (the default): creating a million tasks
     * and their timers costs what it costs CPython, so this is a report.
     * The bare engine's figure, against its target, is bench/scale.py's
     * (--costs none). */
    bench_report("1,000,000 io:1s tasks under asyncio, run --json, whole process, "
                 "CPython's costs charged", "ms", bench_stats_of(wall, RUNS), 0, "report",
                 "the bare engine: scale.py, --costs none");
    bench_report("1,000,000 io:1s tasks under asyncio, peak memory", "MiB",
                 bench_stats_of(rss, RUNS), 300, "<= 300 MiB", "ru_maxrss");
    return 0;
}
