/* bench_usertrace.c - what `concviz trace` costs the program it traces.
 *
 * For each script (a loop of a million Python calls, the worst case for a
 * tracer that sees calls; the thread pool and the asyncio crawler of
 * tests/fixtures/usertrace), it is run untraced and traced in turn
 * (sim_utrace_run with `baseline`, as `concviz trace --baseline` does),
 * several times, under python3 and, when CONCVIZ_BENCH_PYTHONS lists them
 * (python3.8:python3.12), other interpreters: setprofile up to 3.11,
 * sys.monitoring from 3.12. The figure is the fastest traced run over the
 * fastest untraced one (nothing makes a run faster, so the fastest of
 * several is the least disturbed by a busy machine), with the median of
 * the pairs' ratios as p99, for scale; then what the tracer estimated for
 * the same run (what `concviz trace` prints), and what it measured one
 * event to cost and its own start to take. Wall times include the
 * interpreter's start, as the person running the script sees them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "program.h"
#include "utrace.h"

#define PAIRS 5

static const char calls_py[] =
    "def f(x):\n"
    "    return x + 1\n"
    "s = 0\n"
    "for i in range(1000000):\n"
    "    s = f(s)\n"
    "print(s)\n";

static void one(const sim_interp *py, const char *figure, const char *script)
{
    double ratio[PAIRS], untraced = 0, traced = 0, est = 0, ev = 0, start = 0;
    int n = 0;
    for (int k = 0; k < PAIRS; k++) {
        char *args[] = {(char *)script, NULL};
        sim_utrace_desc d = {.py = py, .args = args, .baseline = 1,
                             .timeout_ns = 300000000000ll, .label = figure};
        sim_comparison c;
        sim_utrace_result r;
        char msg[512];
        /* the script's output is not the figure's: away with it */
        fflush(stdout);
        int out = dup(1), nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (out < 0 || nul < 0 || dup2(nul, 1) < 0)
            exit(1);
        close(nul);
        int e = sim_utrace_run(&d, &c, &r, msg, sizeof msg);
        if (dup2(out, 1) < 0)
            exit(1);
        close(out);
        if (e) {
            fprintf(stderr, "bench_usertrace: %s: %s\n", figure, msg);
            return;
        }
        const sim_tprogram *p = c.traces[0].program;
        if (r.baseline_ns > 0 && r.wall_ns > 0 && p) {
            double a = (double)r.baseline_ns / 1e6, b = (double)r.wall_ns / 1e6;
            ratio[n++] = b / a;
            untraced = untraced > 0 && untraced < a ? untraced : a;
            if (traced <= 0 || b < traced) {
                traced = b;
                est = p->slowdown;
                ev = (double)p->cost_event_ns;
                start = (double)p->start_ns / 1e6;
            }
        }
        sim_comparison_deinit(&c);
    }
    if (n == 0)
        return;
    bench_stats s = bench_stats_of(ratio, n);
    s.p99 = s.median;
    s.median = traced / untraced;
    char name[256], note[300];
    snprintf(name, sizeof name, "concviz trace: %s, python %d.%d (%s), traced / untraced",
             figure, py->major, py->minor, py->minor >= 12 ? "sys.monitoring" : "setprofile");
    snprintf(note, sizeof note, "fastest untraced %.1f ms, traced %.1f ms; the tracer "
             "estimated %.2fx (%.0f ns an event, its start %.1f ms); p99 is the median of "
             "the pairs", untraced, traced, est, ev, start);
    bench_report(name, "x", s, 0, "report", note);
}

static void interpreter(const char *name, const char *root, const char *calls)
{
    sim_interp py;
    char msg[512], a[4200], b[4200];
    if (sim_cpython_probe(&py, name, 0, NULL, msg, sizeof msg) != 0) {
        printf("bench_usertrace: %s\n", msg);
        return;
    }
    one(&py, "a million Python calls", calls);
    snprintf(a, sizeof a, "%s/tests/fixtures/usertrace/thread_io.py", root);
    snprintf(b, sizeof b, "%s/tests/fixtures/usertrace/crawler.py", root);
    one(&py, "a thread pool doing I/O", a);
    one(&py, "an asyncio crawler", b);
}

int main(void)
{
    const char *root = getenv("CONCVIZ_SOURCE_ROOT");
    if (!root || !root[0]) {
        fprintf(stderr, "bench_usertrace: CONCVIZ_SOURCE_ROOT is not set (run through meson)\n");
        return 1;
    }
    char dir[] = "/tmp/concviz-bench-traceXXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char calls[256];
    snprintf(calls, sizeof calls, "%s/calls.py", dir);
    FILE *f = fopen(calls, "w");
    if (!f || fputs(calls_py, f) < 0 || fclose(f) != 0)
        return 1;
    interpreter("python3", root, calls);
    const char *more = getenv("CONCVIZ_BENCH_PYTHONS");
    char list[4096];
    snprintf(list, sizeof list, "%s", more ? more : "");
    for (char *s = strtok(list, ":"); s; s = strtok(NULL, ":"))
        interpreter(s, root, calls);
    unlink(calls);
    rmdir(dir);
    return 0;
}
