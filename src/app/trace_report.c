/* trace_report.c - the lines `concviz trace` prints once the program has
 * ended (trace_report.h).
 *
 *   concviz: traced python3 crawl.py (CPython 3.11.7): it ran 2.31 s and
 *            exited with status 0
 *   concviz: 3 processes, 9 threads, 24 asyncio tasks; threads' states
 *            sampled every 1 ms
 *   concviz: traced 1.2 M events; the tracer's own work took about 310 ms
 *            (its start 60 ms, then 210 ns an event, measured as the program
 *            started): the program ran about 1.15x slower than untraced
 *            (estimated)
 *   concviz: saved concviz-trace.json: concviz open concviz-trace.json
 *
 * Every word that came from the program (its command line, an exception's
 * message) is escaped (escape.h): a program's output is data from anywhere.
 */
#include "trace_report.h"

#include <inttypes.h>
#include <string.h>
#include <sys/wait.h>

#include "escape.h"
#include "format.h"
#include "program.h"

/* "1.2 M", "35 k", "812". */
static void amount(uint64_t n, char *buf, size_t len)
{
    if (n >= 10000000)
        snprintf(buf, len, "%.0f M", (double)n / 1e6);
    else if (n >= 1000000)
        snprintf(buf, len, "%.1f M", (double)n / 1e6);
    else if (n >= 10000)
        snprintf(buf, len, "%.0f k", (double)n / 1e3);
    else
        snprintf(buf, len, "%" PRIu64, n);
}

static void how_it_ended(const sim_trace *t, const sim_utrace_result *r, char *buf, size_t n)
{
    const sim_tprogram *p = t->program;
    char wall[32], esc[600];
    sim_format_ns(r->wall_ns, wall, sizeof wall);
    if (r->exec_errno || r->timed_out || r->cancelled)
        snprintf(buf, n, "%s", sim_escape(t->error, 0, esc, sizeof esc));
    else if (WIFSIGNALED(r->status))
        snprintf(buf, n, "it ran %s and was killed by signal %d (%s)", wall, WTERMSIG(r->status),
                 strsignal(WTERMSIG(r->status)));
    else if (p->raised[0])
        snprintf(buf, n, "it ran %s and ended with an exception, %s (exit status %d)", wall,
                 sim_escape(p->raised, 0, esc, sizeof esc), p->exit_code);
    else
        snprintf(buf, n, "it ran %s and exited with status %d", wall, p->exit_code);
}

void app_trace_report(FILE *f, const sim_comparison *c, const sim_utrace_result *r,
                      const char *saved)
{
    const sim_trace *t = &c->traces[0];
    const sim_tprogram *p = t->program;
    if (!p)
        return;
    char label[64], cmd[700], end[800];
    sim_python_label(&t->python, label, sizeof label);
    sim_escape(p->command, 0, cmd, sizeof cmd);
    how_it_ended(t, r, end, sizeof end);
    fprintf(f, "concviz: traced %s (%s): %s\n", cmd, label, end);

    char procs[48], threads[48], tasks[48], every[32] = "";
    sim_format_count(p->nprocesses, "process", "processes", procs, sizeof procs);
    sim_format_count(p->nthreads, "thread", "threads", threads, sizeof threads);
    sim_format_count(p->ntasks, "asyncio task", "asyncio tasks", tasks, sizeof tasks);
    if (p->sample_ns > 0)
        sim_format_ns(p->sample_ns, every, sizeof every);
    fprintf(f, "concviz: %s, %s, %s; %s%s\n", procs, threads, tasks,
            p->sample_ns > 0 ? "threads' states sampled every " : "threads' states not sampled",
            every);
    if (r->untraced_children)
        fprintf(f, "concviz: %d process%s it started wrote nothing (started with -I or -E, "
                "or ended at once): %s not drawn\n", r->untraced_children,
                r->untraced_children == 1 ? "" : "es", r->untraced_children == 1 ? "it is" : "they are");
    if (r->unreadable || r->bad_lines)
        fprintf(f, "concviz: %" PRIu64 " of the tracer's files could not be read and %" PRIu64
                " of its lines made no sense: the program wrote over them, or was stopped while "
                "writing\n", r->unreadable, r->bad_lines);

    char ev[32], own[32], each[32], st[32] = "";
    amount(p->events, ev, sizeof ev);
    if (p->overhead_ns >= 0 && p->cost_event_ns >= 0) {
        sim_format_ns(p->overhead_ns, own, sizeof own);
        sim_format_ns(p->cost_event_ns, each, sizeof each);
        if (p->start_ns > 0)
            sim_format_ns(p->start_ns, st, sizeof st);
        /* Under sys.setprofile (before 3.12) the interpreter also leaves
         * its fast path for every bytecode while a profiler is set, which
         * no per-event figure catches: the estimate is a floor there. */
        int major = 0, minor = 0;
        int profile = sscanf(t->python.version, "%d.%d", &major, &minor) == 2 &&
                      major == 3 && minor < 12;
        fprintf(f, "concviz: traced %s events; the tracer's own work took about %s (%s%s%s%s an "
                "event, measured as the program started): the program ran %s%.2fx "
                "slower than untraced (estimated%s)\n", ev, own, st[0] ? "its start " : "", st,
                st[0] ? ", then " : "", each, profile ? "at least " : "about ",
                p->slowdown > 1.0 ? p->slowdown : 1.0,
                profile ? "; sys.setprofile slows every bytecode too: --baseline measures it"
                        : "");
    } else {
        fprintf(f, "concviz: traced %s events\n", ev);
    }
    if (p->baseline_ns > 0 && r->wall_ns > 0) {
        char b[32], w[32];
        sim_format_ns(p->baseline_ns, b, sizeof b);
        sim_format_ns(r->wall_ns, w, sizeof w);
        fprintf(f, "concviz: untraced it ran %s, traced %s: %.2fx (measured, --baseline)\n", b,
                w, (double)r->wall_ns / (double)p->baseline_ns);
    }
    if (r->leftovers)
        fprintf(f, "concviz: it left processes running after it ended: they were %s\n",
                r->leftovers > 0 ? "stopped" : "told to stop, and some left its process group");
    if (saved) {
        char s[600];
        sim_escape(saved, 0, s, sizeof s);
        fprintf(f, "concviz: saved %s: concviz open %s, or concviz shot --open %s -o "
                "trace.png\n", s, s, s);
    }
}
