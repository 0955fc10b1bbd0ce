/* cmd_run.c - `concviz run`: a comparison headless, as a table, JSON or a
 * Chrome trace.
 *
 * Signals (app_signals.h): SIGINT and SIGTERM are blocked in every thread
 * and collected by the main thread, which then asks the run to stop. So no
 * signal handler, no global flag, and the engines stop the way they stop
 * for the window's Stop button: cleanly, leaving no process behind.
 *
 * The order at the end is chosen: the trace is saved before anything is
 * printed, so that a reader of stdout going away (`| head`) cannot cost the
 * run's recording; then the table or JSON, whose loss is reported
 * (app_output.h) rather than passed over with exit code 0.
 *
 * `--python [INTERPRETER]` measures each model's Python program in CPython
 * too (cpython.h): the interpreters are found and asked their version
 * before the run starts, a missing one is said at once (with how to
 * install one) and the engines still run; each CPython row is printed under
 * its engine's, with the ratio of their wall times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_output.h"
#include "app_signals.h"
#include "atomic_file.h"
#include "busy.h"
#include "cpython.h"
#include "escape.h"
#include "format.h"
#include "json.h"
#include "pythons.h"
#include "repeat.h"
#include "run.h"
#include "runopts.h"
#include "trace_chrome.h"

static const char run_usage[] =
    "usage: concviz run [OPTIONS]\n"
    "\n"
    "Runs one workload under each model, one model after another, for real,\n"
    "and prints what each measured.\n"
    "\n"
    "options:\n"
    "%s"
    "  --repeat N             run each model N times, 1 to 15, and report the\n"
    "                         median run with the fastest and the slowest (1)\n"
    "  --json                 print one JSON object instead of the table\n"
    "  --trace FILE           also save the runs as a Chrome trace (opens in\n"
    "                         Perfetto and chrome://tracing, and in concviz)\n"
    "  --python [INTERPRETER] also run each model's Python program (what\n"
    "                         `concviz python` prints) under CPython, python3 by\n"
    "                         default, and show what it measured under each\n"
    "                         model's row, with the ratio of the wall times\n"
    "  --python-ft INTERPRETER  the free-threaded Python for free-threading\n"
    "                         (default: python3.14t or python3.13t on PATH)\n"
    "  -h, --help             this help\n"
    "\n"
    "The workload language, in short: `8*io:200ms` is eight tasks that each\n"
    "wait 200 ms (together about 200 ms); `(8*io:200ms)` is one task that\n"
    "waits eight times in a row (1.6 s). Steps: cpu:DUR, io:DUR, yield; shared\n"
    "state: inc:NAME, load:NAME, store:NAME, lock:NAME(...), sem:NAME/K(...),\n"
    "put:QUEUE:SIZE, get:QUEUE; asyncio executors: thread(...), process(...).\n"
    "README.md, \"The workload language\", has them all.\n"
    "\n"
    "A line on stderr says so when other programs used the CPUs this run\n"
    "needed while it ran: its times are then longer than on a quiet machine.\n"
    "\n"
    "Exit codes: 0 success, 1 a model failed (a worker lost, an I/O error; with\n"
    "--python also: no interpreter, or its run failed) or\n"
    "the output could not be written (stdout closed, a full disk), 2 a usage\n"
    "error, 130 interrupted (Ctrl+C), 141 stdout's reader went away (a broken\n"
    "pipe; the trace is saved first), 143 terminated (SIGTERM).\n";

static void print_ms(FILE *f, int64_t ns)
{
    if (ns < 0)
        fputs("null", f);
    else
        sim_json_write_fixed(f, ns, 6);
}

/* `key` then the milliseconds, as print_ms writes them, at buf + n.
 * Returns the new length. */
static size_t put_ms(char *buf, size_t n, const char *key, size_t klen, int64_t ns)
{
    memcpy(buf + n, key, klen);
    n += klen;
    if (ns < 0) {
        memcpy(buf + n, "null", 4);
        return n + 4;
    }
    return n + sim_json_format_fixed(buf + n, ns, 6);
}

#define PUT_MS(buf, n, key, ns) put_ms(buf, n, key, sizeof key - 1, ns)

/* Every task's row, as print_ms and fprintf would write them. A million
 * rows are most of a big run's output: they are formatted by hand into a
 * buffer written 64 KiB at a time. */
static void print_tasks(FILE *f, const sim_trace *t)
{
    enum { BUF = 65536, ROW_MAX = 256 };
    char *buf = malloc(BUF);
    char small[ROW_MAX];
    size_t cap = buf ? BUF : ROW_MAX, n = 0;
    if (!buf)
        buf = small; /* no memory: a row at a time, the same bytes */
    for (uint32_t k = 0; k < t->ntasks; k++) {
        sim_task_stat st;
        sim_trace_task_stat(t, k, &st);
        if (cap - n < ROW_MAX) {
            fwrite(buf, 1, n, f);
            n = 0;
        }
        /* snprintf here took a seventh of a million-task run's CPU. */
        static const char first[] = "{\"id\": ", next[] = ", {\"id\": ";
        memcpy(buf + n, k ? next : first, k ? sizeof next - 1 : sizeof first - 1);
        n += k ? sizeof next - 1 : sizeof first - 1;
        n += sim_json_format_fixed(buf + n, k, 0);
        n = PUT_MS(buf, n, ", \"start_ms\": ", st.start_ns);
        n = PUT_MS(buf, n, ", \"end_ms\": ", st.end_ns);
        n = PUT_MS(buf, n, ", \"cpu_ms\": ", st.cpu_ns);
        n = PUT_MS(buf, n, ", \"lock_wait_ms\": ", st.lock_wait_ns);
        n = PUT_MS(buf, n, ", \"queue_wait_ms\": ", st.queue_wait_ns);
        buf[n++] = '}';
    }
    fwrite(buf, 1, n, f);
    if (buf != small)
        free(buf);
}

/* The wall time of a trace (its summary's), or -1 when it did not finish. */
static int64_t wall_of(const sim_trace *t, const sim_comparison *c)
{
    sim_summary s;
    if (sim_trace_failed(t))
        return -1;
    sim_trace_summarize(t, c->nominal_ns, c->machine.cpus, &s);
    return s.wall_ns;
}

/* The CPython trace's wall time over the engine's: how far they differ. */
static double ratio(const sim_trace *py, const sim_trace *engine, const sim_comparison *c)
{
    int64_t a = wall_of(py, c), b = wall_of(engine, c);
    return a > 0 && b > 0 ? (double)a / (double)b : -1;
}

/* A repeated run's figures for one model: "runs": 5, "wall_ms_median": ... */
static void print_spread_json(FILE *f, const app_spread *sp)
{
    if (!sp || sp->runs < 1)
        return;
    fprintf(f, ", \"runs\": %d, \"wall_ms_median\": ", sp->runs);
    print_ms(f, sp->median_ns);
    fputs(", \"wall_ms_min\": ", f);
    print_ms(f, sp->min_ns);
    fputs(", \"wall_ms_max\": ", f);
    print_ms(f, sp->max_ns);
    fputs(", \"wall_ms_runs\": [", f);
    int first = 1;
    for (int k = 0; k < APP_REPEAT_MAX; k++) {
        if (sp->wall_ns[k] <= 0)
            continue;
        fputs(first ? "" : ", ", f);
        print_ms(f, sp->wall_ns[k]);
        first = 0;
    }
    fputc(']', f);
}

/* One entry of "results": an engine's, or (py) CPython's beside it. */
static void print_result(FILE *f, const sim_trace *t, const sim_comparison *c,
                         const sim_trace *engine, const sim_cpython_result *py,
                         const app_spread *sp)
{
    sim_summary s;
    sim_trace_summarize(t, c->nominal_ns, c->machine.cpus, &s);
    fprintf(f, "\n  {\"model\": \"%s\", \"source\": \"%s\", \"ok\": %s, \"error\": ",
            sim_model_name(t->model), py ? "cpython" : "engine",
            sim_trace_failed(t) ? "false" : "true");
    if (sim_trace_failed(t))
        sim_json_write_string(f, t->error);
    else
        fputs("null", f);
    if (py) {
        const sim_python *p = &t->python;
        fputs(", \"python\": {\"interpreter\": ", f);
        sim_json_write_string(f, p->path);
        fputs(", \"implementation\": ", f);
        sim_json_write_string(f, p->impl);
        fputs(", \"version\": ", f);
        sim_json_write_string(f, p->version);
        fprintf(f, ", \"free_threaded\": %s, \"gil\": %s}",
                p->free_threaded < 0 ? "null" : p->free_threaded ? "true" : "false",
                p->gil < 0 ? "null" : p->gil ? "true" : "false");
        fputs(", \"printed_wall_ms\": ", f);
        if (py->printed_wall_ms >= 0)
            fprintf(f, "%.1f", py->printed_wall_ms);
        else
            fputs("null", f);
        double q = ratio(t, engine, c);
        fputs(", \"wall_vs_engine\": ", f);
        if (q > 0)
            fprintf(f, "%.3f", q);
        else
            fputs("null", f);
    }
    fputs(", \"wall_ms\": ", f);
    print_ms(f, s.wall_ns);
    fputs(", \"cpu_ms\": ", f);
    print_ms(f, s.cpu_ns);
    fprintf(f, ", \"switches\": %llu, \"speedup\": %.3f, \"utilization\": %.3f, "
               "\"tasks_done\": %u, \"mem_per_task_bytes\": %lld, \"workers\": %d, "
               "\"threads\": %d, \"switch_interval_ms\": ",
            (unsigned long long)s.switches, s.speedup, s.utilization, s.tasks_done,
            (long long)t->mem_per_task_bytes,
            t->model == SIM_MODEL_MULTIPROCESSING ? t->cfg.workers : 0, t->cfg.threads);
    print_ms(f, t->cfg.switch_interval_ns);
    if (t->model == SIM_MODEL_MULTIPROCESSING)
        fprintf(f, ", \"start_method\": \"%s\"",
                sim_start_method_name(t->cfg.start_method));
    fprintf(f, ", \"dropped_events\": %llu, \"resolution_ns\": %lld, "
               "\"recording_wait_ms\": ", (unsigned long long)t->dropped,
            (long long)t->resolution_ns);
    print_ms(f, t->rec_wait_ns);
    fputs(", \"tasks\": [", f);
    print_tasks(f, t);
    fputs("], \"counters\": {", f);
    for (uint32_t k = 0; k < t->ncounters; k++) {
        const sim_tcounter *ct = &t->counters[k];
        int64_t lost;
        fprintf(f, "%s", k ? ", " : "");
        sim_json_write_string(f, ct->name);
        fprintf(f, ": {\"expected\": %lld, \"final\": ", (long long)ct->expected);
        if (ct->has_final)
            fprintf(f, "%lld", (long long)ct->final);
        else
            fputs("null", f);
        /* null too when expected - final does not fit (sim_counter_lost) */
        if (sim_counter_lost(ct, &lost) == 0)
            fprintf(f, ", \"lost\": %lld}", (long long)lost);
        else
            fputs(", \"lost\": null}", f);
    }
    /* CPython charges no profile: it is what profiles are measured from. */
    fprintf(f, "}, \"messages\": {\"count\": %llu, \"bytes\": %llu}, \"costs\": ",
            (unsigned long long)t->messages, (unsigned long long)t->message_bytes);
    if (t->has_costs && !py)
        sim_costs_write(f, &t->costs);
    else
        fputs("null", f);
    print_spread_json(f, sp);
    fputc('}', f);
}

static void print_json(FILE *f, const sim_run *r, const sim_comparison *c,
                       const app_spread *spread)
{
    fputs("{\"workload\": ", f);
    sim_json_write_string(f, c->workload);
    fprintf(f, ", \"cpus\": %d, \"cpu_model\": ", c->machine.cpus);
    sim_json_write_string(f, c->machine.cpu_model);
    fputs(", \"nominal_ms\": ", f);
    print_ms(f, c->nominal_ns);
    fprintf(f, ", \"ntasks\": %llu, \"results\": [", (unsigned long long)r->w.ntasks);
    /* The engines' results first, in run order; then CPython's, beside
     * which each names its engine by model. */
    for (int i = 0; i < c->ntraces; i++) {
        fputs(i ? "," : "", f);
        print_result(f, &c->traces[i], c, NULL, NULL, spread ? &spread[i] : NULL);
    }
    for (int i = 0; i < c->ntraces; i++) {
        const sim_trace *py = sim_comparison_cpython(c, i);
        if (!py)
            continue;
        fputc(',', f);
        print_result(f, py, c, &c->traces[i], &r->cpython_res[i], NULL);
    }
    fputs("\n]}\n", f);
}

/* A duration for the table; "-" when it was not measured (< 0). */
static void fmt_ms(int64_t ns, char *buf, size_t n)
{
    if (ns < 0)
        snprintf(buf, n, "-");
    else
        sim_format_ns(ns, buf, n);
}

/* Shared variables and queues of one trace, in plain words: "hits: 200000
 * of 200000 updates kept, none lost" (the sentence is the trace's own,
 * shared with the window: sim_counter_sentence). */
static void print_shared(FILE *f, const sim_trace *t, const char *who)
{
    for (uint32_t k = 0; k < t->ncounters; k++) {
        char line[256];
        if (sim_counter_sentence(&t->counters[k], t->model, line, sizeof line) > 0)
            fprintf(f, "%-16s %s\n", who, line);
    }
    if (t->messages)
        fprintf(f, "%-16s %llu queue item%s delivered, %llu bytes\n", who,
                (unsigned long long)t->messages, t->messages == 1 ? "" : "s",
                (unsigned long long)t->message_bytes);
}

static void print_counters(FILE *f, const sim_comparison *c)
{
    for (int i = 0; i < c->ntraces; i++) {
        print_shared(f, &c->traces[i], sim_model_name(c->traces[i].model));
        const sim_trace *py = sim_comparison_cpython(c, i);
        if (py && !sim_trace_failed(py)) {
            char who[40], label[32];
            sim_python_short(&py->python, label, sizeof label);
            snprintf(who, sizeof who, "  %s", label);
            print_shared(f, py, who);
        }
    }
}

/* A row of the table: an engine's, or CPython's under it (engine set). */
static void print_row(FILE *f, const sim_trace *t, const sim_comparison *c,
                      const sim_trace *engine)
{
    char who[40];
    if (engine) {
        char label[32];
        sim_python_short(&t->python, label, sizeof label);
        snprintf(who, sizeof who, "  %s", label);
    } else {
        snprintf(who, sizeof who, "%s", sim_model_name(t->model));
    }
    if (sim_trace_failed(t)) {
        char why[600];
        sim_escape(t->error, 0, why, sizeof why);
        fprintf(f, "%-16s %s%s\n", who,
                t->outcome == SIM_OUTCOME_NOT_RUN && strncmp(why, "not run", 7) != 0
                    ? "not run: " : t->outcome == SIM_OUTCOME_NOT_RUN ? "" : "did not finish: ",
                why);
        return;
    }
    sim_summary s;
    sim_trace_summarize(t, c->nominal_ns, c->machine.cpus, &s);
    char wall[32], cpu[32], mem[32], sw[24];
    fmt_ms(s.wall_ns, wall, sizeof wall);
    fmt_ms(s.cpu_ns, cpu, sizeof cpu);
    sim_format_bytes(t->mem_per_task_bytes, mem, sizeof mem);
    /* CPython says nothing of its GIL hand-offs or dispatches: only the
     * loop's switches can be derived (trace_python.h). */
    if (engine && t->model != SIM_MODEL_ASYNCIO)
        snprintf(sw, sizeof sw, "-");
    else
        snprintf(sw, sizeof sw, "%llu", (unsigned long long)s.switches);
    /* No durations named (fine steps only): no speed-up to show. */
    char x[24] = "-";
    if (c->nominal_ns > 0)
        snprintf(x, sizeof x, "%.2fx", s.speedup);
    fprintf(f, "%-16s %10s %10s %7.0f%% %9s %9s %10s", who, wall, cpu,
            s.utilization * 100.0, x, sw, engine ? "-" : mem);
    double q = engine ? ratio(t, engine, c) : -1;
    if (q > 0)
        fprintf(f, " %9.2fx", q);
    fputc('\n', f);
}

/* Which interpreters measured the CPython rows, with their versions. */
static void print_interpreters(FILE *f, const sim_comparison *c)
{
    char seen[2][320] = {"", ""};
    for (int i = 0; i < c->ntraces; i++) {
        const sim_trace *py = sim_comparison_cpython(c, i);
        int k = c->traces[i].model == SIM_MODEL_FREE_THREADING;
        if (!py || !py->python.version[0] || seen[k][0])
            continue;
        char label[96], path[200];
        sim_python_label(&py->python, label, sizeof label);
        sim_escape(py->python.path, 0, path, sizeof path);
        snprintf(seen[k], sizeof seen[k], "%.200s (%.96s)", path, label);
    }
    if (!seen[0][0] && !seen[1][0])
        return;
    fprintf(f, "\nCPython rows: %s%s%s%s ran each model's Python program (`concviz python`)\n"
               "with a recorder (`concviz python --record`). CPU is each thread's own; a wait\n"
               "is a step's wall time beyond it, and what it waited for (the GIL, the loop,\n"
               "a core) is inferred.\n",
            seen[0][0] ? seen[0] : seen[1],
            seen[0][0] && seen[1][0] ? " (free-threading: " : "",
            seen[0][0] && seen[1][0] ? seen[1] : "", seen[0][0] && seen[1][0] ? ")" : "");
}

static void print_table(FILE *f, const sim_run *r, const sim_comparison *c,
                        const app_spread *spread)
{
    char nominal[32];
    sim_format_ns(c->nominal_ns, nominal, sizeof nominal);
    fprintf(f, "workload  %s\n", c->workload);
    if (c->nominal_ns > 0)
        fprintf(f, "          %llu task%s; one by one they would take %s\n",
                (unsigned long long)r->w.ntasks, r->w.ntasks == 1 ? "" : "s", nominal);
    else
        fprintf(f, "          %llu task%s of fine steps only: no durations to add up, so no "
                "speed-up\n", (unsigned long long)r->w.ntasks, r->w.ntasks == 1 ? "" : "s");
    fprintf(f, "machine   %d CPU%s, %s\n", c->machine.cpus, c->machine.cpus == 1 ? "" : "s",
            c->machine.cpu_model);
    /* Every model of a run charges the same profile: the first says it. */
    if (c->ntraces > 0 && c->traces[0].has_costs) {
        char line[1600];
        sim_costs_describe(&c->traces[0].costs, c->machine.cpus, c->machine.cpu_model, line,
                           sizeof line);
        /* Its words came from a profile file: escaped (escape.h). */
        char safe[2048];
        fprintf(f, "costs     %s\n", sim_escape(line, 0, safe, sizeof safe));
    }
    fputc('\n', f);
    fprintf(f, "%-16s %10s %10s %8s %9s %9s %10s%s\n", "model", "wall", "CPU", "CPU use",
            "speed-up", "switches", "mem/task", r->python ? "  CPy/conc" : "");
    for (int i = 0; i < c->ntraces; i++) {
        print_row(f, &c->traces[i], c, NULL);
        const sim_trace *py = sim_comparison_cpython(c, i);
        if (py)
            print_row(f, py, c, &c->traces[i]);
    }
    print_counters(f, c);
    for (int i = 0; i < c->ntraces; i++) {
        char line[400];
        if (sim_trace_detail_sentence(&c->traces[i], line, sizeof line) > 0)
            fprintf(f, "%-16s %s\n", sim_model_name(c->traces[i].model), line);
    }
    for (int i = 0; spread && i < c->ntraces; i++)
        if (spread[i].runs > 0) {
            char line[160];
            app_spread_text(&spread[i], line, sizeof line);
            fprintf(f, "%-16s %s\n", sim_model_name(c->traces[i].model), line);
        }
    fputc('\n', f);
    for (int i = 0; i < c->ntraces; i++)
        fprintf(f, "%-16s %s\n", sim_model_name(c->traces[i].model),
                sim_model_caption(c->traces[i].model));
    fputs("\nspeed-up: the tasks' durations added up (one by one), divided by the wall time.\n"
          "CPU use: CPU time over wall time times the CPUs (100% = every CPU busy).\n", f);
    if (r->python)
        fputs("CPy/conc: CPython's wall time over concviz's, for the same workload.\n", f);
    print_interpreters(f, c);
}

typedef struct run_args {
    sim_run_desc d;
    int json;
    int repeat;               /* runs of each model (--repeat), 1 by default */
    const char *trace_path;   /* NULL: no --trace */
    app_spread spread[SIM_MODEL__COUNT]; /* a repeat's figures, per model */
    const sim_run_python *python_last; /* --repeat: CPython in the last run only */
    app_pythons py;           /* --python, --python-ft: probed before the run */
} run_args;

/* Reads the options. Returns 0, -1 when --help was printed, or an exit
 * code (a usage error, said). */
static int parse(run_args *a, int argc, char **argv, app_ctx *ctx)
{
    memset(a, 0, sizeof *a);
    a->d.fs = ctx->fs;
    a->repeat = 1;
    char msg[2048];
    for (int i = 1; i < argc;) {
        int k = app_runopts_take(&a->d.cfg, argc, argv, &i, msg, sizeof msg);
        if (k < 0)
            return app_usage_error("run", "%s", msg);
        if (k > 0)
            continue;
        const char *o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            char help[2048];
            app_runopts_help(help, sizeof help);
            printf(run_usage, help);
            return -1;
        } else if (strcmp(o, "--json") == 0) {
            a->json = 1;
            i++;
        } else if (strcmp(o, "--repeat") == 0 || strncmp(o, "--repeat=", 9) == 0) {
            const char *v = o[8] == '=' ? o + 9 : i + 1 < argc ? argv[i + 1] : NULL;
            if (!v || app_parse_repeat(v, &a->repeat) != 0)
                return app_usage_error("run", "--repeat: expected a whole number from 1 to "
                                       "%d, got '%s'", APP_REPEAT_MAX, v ? v : "");
            i += o[8] == '=' ? 1 : 2;
        } else if ((k = app_pythons_take(&a->py, argc, argv, &i, msg, sizeof msg)) != 0) {
            if (k < 0)
                return app_usage_error("run", "%s", msg);
        } else if (strcmp(o, "--trace") == 0 || strncmp(o, "--trace=", 8) == 0) {
            if (o[7] == '=') {
                a->trace_path = o + 8;
                i++;
            } else if (i + 1 < argc) {
                a->trace_path = argv[i + 1];
                i += 2;
            } else {
                return app_usage_error("run", "--trace needs a file name");
            }
            if (!a->trace_path[0])
                return app_usage_error("run", "--trace needs a file name");
        } else {
            return app_usage_error("run", "unknown option '%s'", o);
        }
    }
    return 0;
}

/* Finds and asks the interpreters before anything runs, so that a missing
 * one is said at once; the engines run whatever happens. Interrupted by a
 * signal, it stops asking. Returns 1 when the interpreter with a GIL was
 * asked for and is not usable (the run will exit 1). */
static int probe_pythons(run_args *a, app_signals *sig)
{
    if (!a->py.python)
        return 0;
    sim_config models = a->d.cfg;
    sim_config_default_models(&models);
    int ft = sim_config_has_model(&models, SIM_MODEL_FREE_THREADING);
    int others = models.nmodels > ft;
    int bad = app_pythons_probe(&a->py, others, 0, NULL, stderr);
    if (ft && !app_signals_poll(sig, 0))
        app_pythons_probe(&a->py, 0, 1, NULL, stderr);
    /* With --repeat, the engines run N times and CPython once, in the last
     * run: it is what it is, and its runs are long (an interpreter starts). */
    if (a->repeat > 1)
        a->python_last = &a->py.run;
    else
        a->d.python = &a->py.run;
    return bad;
}

/* A run that will take more than a minute says so before it starts, on
 * stderr (stdout may be a JSON consumer): nobody should wait for an hour
 * thinking it hangs. */
static void announce_long(const sim_run *r)
{
    sim_model m = SIM_MODEL_ASYNCIO;
    int64_t ns = sim_run_expected_ns(r, &m);
    if (ns < SIM_RUN_LONG_NS)
        return;
    char d[32];
    sim_format_ns(ns, d, sizeof d);
    fprintf(stderr, "concviz: this run will take at least %s (%s, by its workload and "
            "settings); Ctrl+C stops it, --timeout bounds it\n", d, sim_model_name(m));
}

/* Starts the run. Returns APP_EXIT_OK, or an exit code with the reason
 * said (a workload over a limit is a usage error). */
static int start(sim_run *r, const run_args *a)
{
    char msg[2048];
    int e = sim_run_start(r, &a->d, msg, sizeof msg);
    if (e == 0) {
        announce_long(r);
        return APP_EXIT_OK;
    }
    /* Escaped: a cost profile's error quotes what its file holds. */
    size_t len = strlen(msg);
    if (len && msg[len - 1] == '\n')
        msg[len - 1] = '\0';
    app_print_error(msg);
    if (e != SIM_E_USAGE)
        return APP_EXIT_RUNTIME;
    fputs("Try 'concviz run --help'.\n", stderr);
    return APP_EXIT_USAGE;
}

/* Writes what was recorded into the trace file and commits it; with
 * nothing recorded the old file stays. The file is finished either way.
 * Returns APP_EXIT_OK or APP_EXIT_RUNTIME (said). */
static int save_trace(sim_afile *f, const char *path, const sim_comparison *c)
{
    if (c->ntraces == 0) {
        sim_afile_abort(f);
        fprintf(stderr, "concviz: nothing was recorded, so %s was not written\n", path);
        return APP_EXIT_OK;
    }
    char msg[2048] = "";
    int we = sim_chrome_write(f->f, c);
    if (we == 0 || ferror(f->f))
        /* On an I/O error, commit fails too, and says why (disk full,
         * file-size limit, ...); the new file is gone. */
        we = sim_afile_commit(f, msg, sizeof msg) ? -1 : we;
    else
        sim_afile_abort(f);
    if (we == 0)
        return APP_EXIT_OK;
    fprintf(stderr, "concviz: %s\n", msg[0] ? msg : "could not write the trace");
    return APP_EXIT_RUNTIME;
}

/* Each model that failed (not one that was stopped), on stderr, and each
 * CPython run that failed (not one that had no interpreter to run it).
 * Returns 1 when a CPython run failed. */
static int report_failures(const sim_run *r, const sim_comparison *c)
{
    int py_failed = 0;
    for (int i = 0; i < r->cfg.nmodels; i++)
        if (r->status[i] != SIM_OK && r->status[i] != SIM_E_CANCELLED)
            fprintf(stderr, "concviz: %s: %s\n", sim_model_name(r->cfg.models[i]),
                    r->errors[i]);
    for (int i = 0; r->python && i < c->ntraces; i++) {
        const sim_trace *py = sim_comparison_cpython(c, i);
        int k = c->traces[i].model == SIM_MODEL_FREE_THREADING;
        if (!py || !sim_trace_failed(py) || !r->has_interp[k] ||
            r->cpython_res[i].status == SIM_E_CANCELLED)
            continue;
        char why[600];
        fprintf(stderr, "concviz: %s in CPython: %s\n", sim_model_name(py->model),
                sim_escape(py->error, 0, why, sizeof why));
        py_failed = 1;
    }
    for (int i = 0; r->python && i < c->ntraces; i++)
        if (r->cpython_res[i].leftovers)
            fprintf(stderr, "concviz: %s in CPython: the program left processes running "
                    "when it ended; they were %s\n", sim_model_name(c->traces[i].model),
                    r->cpython_res[i].leftovers > 0 ? "killed" : "not all found");
    return py_failed;
}

/* The table or the JSON on stdout, checked (app_output.h). */
static int print_results(const run_args *a, const sim_run *r, const sim_comparison *c,
                         app_signals *sig)
{
    const app_spread *sp = a->repeat > 1 ? a->spread : NULL;
    if (a->json)
        print_json(stdout, r, c, sp);
    else
        print_table(stdout, r, c, sp);
    return app_output_finish(stdout, a->json ? "the JSON" : "the table", sig);
}

/* The exit code, by what matters most: a signal that stopped the run, a
 * reader that went away, then anything that failed. */
static int exit_code(const app_signals *sig, int out_rc, int trace_rc, int result)
{
    if (sig->got)
        return app_signal_exit(sig->got, "the run was stopped cleanly; no process is "
                                         "left behind");
    if (out_rc != APP_EXIT_OK)
        return out_rc;
    if (trace_rc != APP_EXIT_OK || result != SIM_OK)
        return APP_EXIT_RUNTIME;
    return APP_EXIT_OK;
}

/* Waits for the run and reads it into *c; with --repeat N, runs it N times
 * (each a whole comparison, as the window does) and leaves in *c each
 * model's median run, the spread in a->spread. A signal or a failure
 * ends the repeat: the runs so far are dropped, the last one is what is
 * reported. Returns the last run's result. */
static int run_repeated(sim_run *r, run_args *a, app_signals *sig, sim_comparison *c)
{
    app_repeat rep;
    app_repeat_init(&rep);
    int result = SIM_OK;
    if (a->repeat > 1 && !app_repeat_fits(r, a->repeat)) {
        /* Every run is kept until the last: they must fit together. */
        sim_run_cancel(r);
        int synced;
        memset(c, 0, sizeof *c);
        app_signals_wait_run(sig, r, c, &synced);
        sim_comparison_deinit(c); /* nothing of it is reported */
        fprintf(stderr, "concviz: %d runs of this workload would not fit in memory at once "
                "(each is kept until the last): use a smaller --repeat or a larger "
                "--memory-limit\n", a->repeat);
        return SIM_E_USAGE;
    }
    for (int k = 0; k < a->repeat; k++) {
        if (k > 0) {
            char msg[2048];
            sim_run_deinit(r);
            if (k + 1 == a->repeat && a->python_last)
                a->d.python = a->python_last;
            if (sim_run_start(r, &a->d, msg, sizeof msg) != SIM_OK) {
                fprintf(stderr, "concviz: %s\n", msg);
                result = SIM_E_USAGE;
                break;
            }
        }
        int synced;
        memset(c, 0, sizeof *c);
        result = app_signals_wait_run(sig, r, c, &synced);
        if (synced != 0) {
            fputs("concviz: out of memory while reading the recording\n", stderr);
            result = SIM_E_NOMEM;
        }
        if (a->repeat == 1 || result != SIM_OK || sig->got || k + 1 == a->repeat)
            break;
        app_repeat_add(&rep, c);
    }
    if (rep.n > 0 && result == SIM_OK && !sig->got) {
        app_repeat_add(&rep, c);
        app_repeat_finish(&rep, c, a->spread);
    }
    app_repeat_deinit(&rep);
    return result;
}

/* One line on stderr when other programs took the CPUs the run needed. */
static void say_if_busy(const app_busy_sample *before, pid_t helper, const sim_run *r)
{
    app_busy_sample after;
    if (app_busy_read_proc(&helper, &after) != 0)
        return;
    app_busy_verdict v;
    app_busy_between(before, &after, app_busy_needed(&r->cfg, r->w.ntasks, r->cpus), &v);
    if (!v.busy)
        return;
    char line[400];
    app_busy_sentence(&v, "while it ran", line, sizeof line);
    fprintf(stderr, "concviz: busy machine: %s\n", line);
}

int cmd_run(int argc, char **argv, app_ctx *ctx)
{
    run_args a;
    int rc = parse(&a, argc, argv, ctx);
    if (rc)
        return rc < 0 ? APP_EXIT_OK : rc;
    /* Open the trace file first: a bad path is refused before a long run.
     * From here every way out commits or aborts it. */
    char msg[2048];
    sim_afile trace_file;
    if (a.trace_path && sim_afile_open(&trace_file, a.trace_path, msg, sizeof msg) != 0) {
        fprintf(stderr, "concviz: %s\n", msg);
        return APP_EXIT_RUNTIME;
    }
    app_signals sig;
    app_signals_block(&sig);
    /* The machine before the run; after it, what others used meanwhile. */
    pid_t helper = ctx->fs ? ctx->fs->pid : 0;
    app_busy_sample before;
    int have_before = app_busy_read_proc(&helper, &before) == 0;
    int no_python = probe_pythons(&a, &sig);
    sim_run *r = calloc(1, sizeof *r);
    rc = r ? start(r, &a) : APP_EXIT_RUNTIME;
    if (rc != APP_EXIT_OK) {
        if (!r)
            fputs("concviz: out of memory\n", stderr);
        if (a.trace_path)
            sim_afile_abort(&trace_file);
        free(r);
        app_signals_restore(&sig);
        return rc;
    }
    sim_comparison c;
    int result = run_repeated(r, &a, &sig, &c);
    if (have_before)
        say_if_busy(&before, helper, r);
    /* The trace first: a broken pipe on stdout must not cost the run. */
    int trace_rc = a.trace_path ? save_trace(&trace_file, a.trace_path, &c) : APP_EXIT_OK;
    int out_rc = sig.got ? APP_EXIT_OK : print_results(&a, r, &c, &sig);
    int py_failed = report_failures(r, &c);
    app_signals_drain(&sig);
    rc = exit_code(&sig, out_rc, trace_rc, result);
    if (rc == APP_EXIT_OK && (no_python || py_failed))
        rc = APP_EXIT_RUNTIME;
    sim_comparison_deinit(&c);
    sim_run_deinit(r);
    free(r);
    return rc;
}
