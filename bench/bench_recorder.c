/* bench_recorder.c - what measuring CPython costs CPython: the recorder's
 * overhead (pyprog.h, SIM_PYPROG_RECORD).
 *
 * For each workload and model, the printed program and its recorded
 * variant (recording to a file, as `run --python` runs it) are run in turn
 * with the machine's python3, several times each, both with the same
 * calibration (the best of a few, written into the programs in place of
 * their own calibrate(): on a busy machine each run's own calibration
 * differs by more than the recorder costs), and their own wall_ms=
 * lines compared: the figure is the fastest recorded run over the fastest
 * plain run, minus one, in percent (in "median"; nothing can make a run
 * faster, so the fastest of several is the least disturbed by a busy
 * machine), and the median of the pairs' ratios (in "p99", for scale).
 * Then the cost of one recorded entry, measured by timeit in python3: a
 * wait (two clock reads and a tuple added to a list) and a timed cpu step
 * (two more reads of the thread's CPU time, a system call).
 * The workloads are the recorder's worst cases: a tight loop of awaits or
 * sleeps (timed one by one), a tight loop of increments (timed as a whole),
 * short computations under the GIL, and the default mix. Without python3
 * it says so and measures nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "pyprog.h"
#include "workload.h"

#define PAIRS 9

/* The program's own calibration, the best (most turns) of five: its
 * definitions are run without its main part. */
static long calibrate(const char *path)
{
    char cmd[1024], line[64];
    snprintf(cmd, sizeof cmd, "python3 -I -c \"exec(open('%s').read().split("
             "'if __name__')[0]); print(max(calibrate() for _ in range(5)))\"", path);
    FILE *p = popen(cmd, "r");
    long turns = -1;
    if (p) {
        if (fgets(line, sizeof line, p))
            turns = strtol(line, NULL, 10);
        pclose(p);
    }
    return turns;
}

/* Writes the program with `turns` in place of its calibrate() call. */
static void write_program(const char *path, const char *spec, sim_model m, unsigned flags,
                          long turns)
{
    sim_workload w;
    sim_parse_error e;
    if (sim_workload_parse(&w, spec, &e) != 0) {
        fprintf(stderr, "bench_recorder: %s: %s\n", spec, e.message);
        exit(1);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem || sim_pyprog_write_ex(mem, &w, m, NULL, flags, NULL) != 0 || fclose(mem) != 0)
        exit(1);
    sim_workload_free(&w);
    const char *call = "TURNS_PER_10MS = calibrate()\n";
    char *at = turns > 0 ? strstr(text, call) : NULL;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_recorder: cannot write %s\n", path);
        exit(1);
    }
    if (at)
        fprintf(f, "%.*sTURNS_PER_10MS = %ld\n%s", (int)(at - text), text, turns,
                at + strlen(call));
    else
        fputs(text, f);
    if (fclose(f) != 0)
        exit(1);
    free(text);
}

/* Runs a program; returns the wall_ms it printed, or -1. */
static double run(const char *dir, const char *path, int record)
{
    char cmd[2048], line[256];
    double ms = -1;
    snprintf(cmd, sizeof cmd, "cd '%s' && %s python3 -I -B '%s' 2>/dev/null; rm -f rec.*", dir,
             record ? "CONCVIZ_RECORD=rec" : "", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    while (fgets(line, sizeof line, p))
        sscanf(line, "wall_ms=%lf", &ms);
    pclose(p);
    return ms;
}

/* One recorded entry's cost in python3, by timeit (ns, the best of its
 * repeats), with the statement timed and the same without the recorder. */
static double timeit(const char *setup, const char *stmt)
{
    char cmd[1024], line[256];
    snprintf(cmd, sizeof cmd, "python3 -I -c 'import timeit; %s; "
             "print(min(timeit.repeat(\"%s\", globals=globals(), number=200000, "
             "repeat=7)) / 200000 * 1e9)'", setup, stmt);
    FILE *p = popen(cmd, "r");
    double ns = -1;
    if (p) {
        if (fgets(line, sizeof line, p))
            ns = strtod(line, NULL);
        pclose(p);
    }
    return ns;
}

static void entry_costs(void)
{
    const char *setup = "import time; _cz_ns = time.perf_counter_ns; "
                        "_cz_cpu = time.thread_time_ns; _cz_me = []";
    double empty = timeit(setup, "pass");
    double wait = timeit(setup, "_cz_t = _cz_ns(); _cz_me.extend((5, _cz_t, _cz_ns()))");
    double cpu = timeit(setup, "_cz_t = _cz_ns(); _cz_c = _cz_cpu(); "
                               "_cz_me.extend((5, _cz_t, _cz_ns(), _cz_cpu() - _cz_c))");
    bench_stats s = {.median = wait - empty, .p99 = wait - empty, .runs = 7};
    bench_report("recorder: one timed wait or call in CPython (two clock reads, an entry)",
                 "ns", s, 0, "report", "timeit in python3, best of 7");
    s.median = s.p99 = cpu - empty;
    bench_report("recorder: one timed cpu step in CPython (plus the thread's CPU time twice)",
                 "ns", s, 0, "report", "timeit in python3, best of 7");
}

int main(void)
{
    if (system("python3 -c pass >/dev/null 2>&1") != 0) {
        printf("bench_recorder: no python3 here: nothing measured\n");
        return 0;
    }
    static const struct {
        const char *spec;
        sim_model m;
    } cases[] = {
        {"(20000*yield)", SIM_MODEL_ASYNCIO},
        {"(2000*yield)", SIM_MODEL_THREADING},
        {"(200000*inc:x)", SIM_MODEL_ASYNCIO},
        {"(200000*inc:x)", SIM_MODEL_THREADING},
        {"2*(1000*(load:x,cpu:20us,store:x))", SIM_MODEL_THREADING},
        {"(1000*cpu:200us)", SIM_MODEL_THREADING},
        {SIM_DEFAULT_WORKLOAD, SIM_MODEL_ASYNCIO},
        {SIM_DEFAULT_WORKLOAD, SIM_MODEL_THREADING},
        {SIM_DEFAULT_WORKLOAD, SIM_MODEL_MULTIPROCESSING},
    };
    char dir[] = "/tmp/concviz-benchXXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char plain[256], rec[256];
    snprintf(plain, sizeof plain, "%s/plain.py", dir);
    snprintf(rec, sizeof rec, "%s/recorded.py", dir);
    write_program(plain, "cpu:1ms", SIM_MODEL_ASYNCIO, 0, 0);
    long turns = calibrate(plain);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_program(plain, cases[i].spec, cases[i].m, 0, turns);
        write_program(rec, cases[i].spec, cases[i].m, SIM_PYPROG_RECORD, turns);
        double over[PAIRS], a_min = 0, b_min = 0;
        int n = 0;
        for (int k = 0; k < PAIRS; k++) {
            double a = run(dir, plain, 0), b = run(dir, rec, 1);
            if (a > 0 && b > 0) {
                over[n++] = (b / a - 1) * 100;
                a_min = a_min > 0 && a_min < a ? a_min : a;
                b_min = b_min > 0 && b_min < b ? b_min : b;
            }
        }
        bench_stats s = bench_stats_of(over, n);
        s.p99 = s.median;
        s.median = a_min > 0 ? (b_min / a_min - 1) * 100 : 0;
        char figure[256], note[160];
        snprintf(figure, sizeof figure, "recorder overhead in CPython: %s under %s",
                 cases[i].spec, sim_model_name(cases[i].m));
        snprintf(note, sizeof note, "fastest plain run %.1f ms, recorded %.1f ms; p99 is "
                 "the median of the pairs", a_min, b_min);
        bench_report(figure, "%", s, 0, "report", note);
    }
    unlink(plain);
    unlink(rec);
    rmdir(dir);
    entry_costs();
    return 0;
}
