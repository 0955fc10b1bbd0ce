/* pyprog.c - writes the Python program that does what a workload does.
 *
 * Students compare concviz's timelines with the code they would write, so
 * the programs are plain, commented, PEP 8 Python, built from the same
 * compiled ops the engines walk: a step becomes one line, a SIM_OP_LOOP a
 * `for _ in range(N):` block. Each distinct task program becomes one
 * function (groups with identical programs share it), and a PLAN table
 * says how many copies of each run, so a workload of a thousand tasks is a
 * short program, not a thousand copies of one.
 *
 * `cpu:DUR` must be real computation, as in concviz, so each program first
 * calibrates a small loop (how many turns take 10 ms) and then turns it as
 * often as DUR needs. Like concviz's own calibration this is approximate:
 * turbo clocks and other programs make it drift by some percent.
 */
#include "pyprog.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* The helpers every program shares: the calibrated computation. */
static const char calibration[] =
    "# How many turns of spin()'s loop take 10 ms on this machine: measured\n"
    "# at start, so that cpu(seconds) computes for about that long.\n"
    "TURNS_PER_10MS = 0\n"
    "\n"
    "\n"
    "def spin(turns):\n"
    "    \"\"\"Pure computation: a loop that runs `turns` times.\"\"\"\n"
    "    total = 0\n"
    "    for i in range(turns):\n"
    "        total += i\n"
    "    return total\n"
    "\n"
    "\n"
    "def measure(turns):\n"
    "    \"\"\"Seconds that spin(turns) takes.\"\"\"\n"
    "    start = time.perf_counter()\n"
    "    spin(turns)\n"
    "    return time.perf_counter() - start\n"
    "\n"
    "\n"
    "def calibrate():\n"
    "    \"\"\"Count how many turns of spin() take 10 ms.\"\"\"\n"
    "    turns = 1000\n"
    "    while measure(turns) < 0.01:\n"
    "        turns *= 2\n"
    "    # The fastest of three tries: other programs can slow a try down,\n"
    "    # nothing can speed it up.\n"
    "    best = min(measure(turns) for _ in range(3))\n"
    "    return max(1, int(turns * 0.01 / best))\n"
    "\n"
    "\n"
    "def cpu(seconds):\n"
    "    \"\"\"Compute for about `seconds` of one core's time (cpu:DUR).\"\"\"\n"
    "    spin(int(TURNS_PER_10MS * seconds / 0.01))\n";

/* What a program needs to know about the workload's distinct tasks. */
typedef struct plan {
    size_t *fn_of;      /* group -> function number (0-based) */
    size_t *first;      /* function -> the first group that uses it */
    size_t nfns;
} plan;

static int is_threads(sim_model m)
{
    return m == SIM_MODEL_THREADING || m == SIM_MODEL_FREE_THREADING;
}

static uint64_t program_hash(const sim_workload *w, uint32_t pc)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over kinds and arguments */
    for (;; pc++) {
        h = (h ^ w->ops[pc].kind) * 1099511628211ull;
        h = (h ^ (uint64_t)w->ops[pc].a) * 1099511628211ull;
        if (w->ops[pc].kind == SIM_OP_END)
            return h;
    }
}

/* Two programs are the same task if their ops match, loops included. */
static int same_program(const sim_workload *w, uint32_t a, uint32_t b)
{
    for (size_t i = 0;; i++) {
        const sim_op *x = &w->ops[a + i], *y = &w->ops[b + i];
        if (x->kind != y->kind || x->a != y->a)
            return 0;
        if (x->kind == SIM_OP_END)
            return 1;
        if ((x->kind == SIM_OP_LOOP || x->kind == SIM_OP_NEXT) && x->b - a != y->b - b)
            return 0;
    }
}

/* Numbers the distinct programs in order of first use. A linear scan over
 * the distinct ones, hashes first: quadratic only in the worst case of a
 * long spec (about ten thousand groups) that are all different. */
static int plan_make(plan *p, const sim_workload *w)
{
    uint64_t *hash = malloc((w->ngroups + 1) * sizeof *hash);
    p->fn_of = malloc((w->ngroups + 1) * sizeof *p->fn_of);
    p->first = malloc((w->ngroups + 1) * sizeof *p->first);
    p->nfns = 0;
    if (!hash || !p->fn_of || !p->first) {
        free(hash);
        free(p->fn_of);
        free(p->first);
        return SIM_E_NOMEM;
    }
    for (size_t g = 0; g < w->ngroups; g++) {
        uint64_t h = program_hash(w, w->groups[g].prog);
        size_t f = 0;
        while (f < p->nfns &&
               !(hash[f] == h && same_program(w, w->groups[p->first[f]].prog, w->groups[g].prog)))
            f++;
        if (f == p->nfns) {
            hash[f] = h;
            p->first[f] = g;
            p->nfns++;
        }
        p->fn_of[g] = f;
    }
    free(hash);
    return SIM_OK;
}

static void plan_free(plan *p)
{
    free(p->fn_of);
    free(p->first);
}

/* Seconds as a Python literal, exactly: 200 ms -> 0.2, 1 s -> 1.0. */
static void seconds(int64_t ns, char *buf, size_t n)
{
    char frac[16];
    snprintf(frac, sizeof frac, "%09lld", (long long)(ns % 1000000000));
    size_t l = strlen(frac);
    while (l > 1 && frac[l - 1] == '0')
        frac[--l] = '\0';
    snprintf(buf, n, "%lld.%s", (long long)(ns / 1000000000), frac);
}

/* The workload for a docstring: whitespace collapsed, long ones cut. */
static void spec_line(const char *spec, char *buf, size_t n)
{
    size_t len = 0;
    for (const char *s = spec; *s && len + 1 < n; s++) {
        int space = *s == ' ' || (*s >= '\t' && *s <= '\r');
        if (space && (len == 0 || buf[len - 1] == ' '))
            continue;
        buf[len++] = space ? ' ' : *s;
    }
    while (len > 0 && buf[len - 1] == ' ')
        len--;
    buf[len] = '\0';
    if (len > 75)
        strcpy(buf + 72, "...");
}

static void indent(FILE *f, int depth)
{
    fprintf(f, "%*s", 4 * depth, "");
}

/* One task function: its docstring and one line per step. */
static void write_function(FILE *f, const sim_workload *w, sim_model m, size_t fn,
                           const sim_group *g)
{
    char cpu[32], io[32], s[40];
    sim_format_ns(g->cpu_ns, cpu, sizeof cpu);
    sim_format_ns(g->io_ns, io, sizeof io);
    fprintf(f, "\n\n%sdef task_%zu():\n", m == SIM_MODEL_ASYNCIO ? "async " : "", fn + 1);
    if (g->cpu_ns && g->io_ns)
        fprintf(f, "    \"\"\"One task: %s of CPU, %s of waiting.\"\"\"\n", cpu, io);
    else if (g->cpu_ns)
        fprintf(f, "    \"\"\"One task: %s of CPU.\"\"\"\n", cpu);
    else if (g->io_ns)
        fprintf(f, "    \"\"\"One task: %s of waiting.\"\"\"\n", io);
    else
        fprintf(f, "    \"\"\"One task: no work, it only lets the others run.\"\"\"\n");
    int depth = 1;
    for (uint32_t pc = g->prog; w->ops[pc].kind != SIM_OP_END; pc++) {
        const sim_op *op = &w->ops[pc];
        if (op->kind == SIM_OP_NEXT) {
            depth--;
            continue;
        }
        indent(f, depth);
        seconds(op->a, s, sizeof s);
        switch ((sim_op_kind)op->kind) {
        case SIM_OP_LOOP:
            fprintf(f, "for _ in range(%lld):\n", (long long)op->a);
            depth++;
            break;
        case SIM_OP_CPU:
            fprintf(f, "cpu(%s)\n", s);
            break;
        case SIM_OP_IO:
            fprintf(f, m == SIM_MODEL_ASYNCIO ? "await asyncio.sleep(%s)\n"
                                              : "time.sleep(%s)\n", s);
            break;
        default: /* SIM_OP_YIELD */
            fputs(m == SIM_MODEL_ASYNCIO ? "await asyncio.sleep(0)\n" : "time.sleep(0)\n", f);
            break;
        }
    }
}

/* The comment above the task functions: what their lines mean here. */
static const char *steps_note(sim_model m)
{
    switch (m) {
    case SIM_MODEL_ASYNCIO:
        return "# The tasks. cpu() never awaits, so while it runs no other task can.\n"
               "# await asyncio.sleep(s) waits for s seconds and lets the event loop\n"
               "# run the other tasks; asyncio.sleep(0) only lets them run (yield).\n";
    case SIM_MODEL_THREADING:
        return "# The tasks. cpu() holds the GIL, giving it up only when another thread\n"
               "# has waited a switch interval for it. time.sleep(s) waits without the\n"
               "# GIL, so waits overlap; time.sleep(0) just lets another thread run.\n";
    case SIM_MODEL_FREE_THREADING:
        return "# The tasks. Without a GIL, cpu() in several threads runs on several\n"
               "# cores at once. time.sleep(s) waits for s seconds; time.sleep(0) just\n"
               "# lets another thread run (yield).\n";
    default:
        return "# The tasks, each run by a worker process with its own interpreter and\n"
               "# its own GIL: cpu() in several workers runs on several cores at once.\n"
               "# time.sleep(s) waits for s seconds, keeping its worker busy.\n";
    }
}

static void write_header(FILE *f, const sim_workload *w, sim_model m, const sim_pyprog_opts *o)
{
    char spec[80], how[96];
    spec_line(w->spec, spec, sizeof spec);
    if (m == SIM_MODEL_ASYNCIO)
        snprintf(how, sizeof how, "one coroutine per task, one event loop");
    else if (is_threads(m) && o->threads > 0)
        snprintf(how, sizeof how, "a pool of %d threads", o->threads);
    else if (is_threads(m))
        snprintf(how, sizeof how, "one thread per task");
    else if (o->workers > 0)
        snprintf(how, sizeof how, "a pool of %d worker processes", o->workers);
    else
        snprintf(how, sizeof how, "a pool of one worker process per CPU");
    fprintf(f, "\"\"\"%s: %s.\n\n", sim_model_name(m), sim_model_caption(m));
    fprintf(f, "The workload\n    %s\nas a plain Python program: %llu task%s, %s.\n", spec,
            (unsigned long long)w->ntasks, w->ntasks == 1 ? "" : "s", how);
    fputs("Written by `concviz python`. The last line it prints is its wall\n"
          "time, as wall_ms=...\n", f);
    if (m == SIM_MODEL_FREE_THREADING)
        fputs("\nNeeds a free-threaded Python (python3.13t, or PYTHON_GIL=0 with it):\n"
              "a regular python3 runs these threads one at a time, as threading.\n", f);
    fputs("\"\"\"\n", f);
    if (m == SIM_MODEL_ASYNCIO)
        fputs("import asyncio\n", f);
    if (is_threads(m) && o->threads > 0)
        fputs("import concurrent.futures\n", f);
    if (m == SIM_MODEL_MULTIPROCESSING) {
        fputs("import multiprocessing\n", f);
        if (o->workers <= 0)
            fputs("import os\n", f);
    }
    if (is_threads(m))
        fputs("import sys\n", f);
    if (m == SIM_MODEL_THREADING && o->threads <= 0)
        fputs("import threading\n", f);
    if (m == SIM_MODEL_FREE_THREADING && o->threads <= 0)
        fputs("import threading\n", f);
    fputs("import time\n\n", f);
}

/* PLAN: (function, copies) in workload order; neighbours sharing a
 * function are merged, the comment keeps the task ids of concviz's lanes. */
static void write_plan(FILE *f, const sim_workload *w, const plan *p)
{
    fputs("\n\n# Which function each task runs, and how many copies, in workload\n"
          "# order (the task numbers are the rows of concviz's timeline).\n"
          "PLAN = [\n", f);
    for (size_t g = 0; g < w->ngroups;) {
        size_t end = g + 1;
        uint64_t copies = w->groups[g].count;
        while (end < w->ngroups && p->fn_of[end] == p->fn_of[g])
            copies += w->groups[end++].count;
        uint64_t first = w->groups[g].first_task;
        fprintf(f, "    (task_%zu, %llu),  # ", p->fn_of[g] + 1, (unsigned long long)copies);
        if (copies == 1)
            fprintf(f, "task %llu\n", (unsigned long long)first);
        else
            fprintf(f, "tasks %llu-%llu\n", (unsigned long long)first,
                    (unsigned long long)(first + copies - 1));
        g = end;
    }
    fputs("]\n", f);
}

static void write_main(FILE *f, sim_model m, const sim_pyprog_opts *o)
{
    if (m == SIM_MODEL_ASYNCIO) {
        fputs("\n\nasync def main():\n"
              "    coroutines = []\n"
              "    for task, copies in PLAN:\n"
              "        for _ in range(copies):\n"
              "            coroutines.append(task())\n"
              "    # gather starts them in this order and waits until all are done.\n"
              "    await asyncio.gather(*coroutines)\n", f);
    } else if (m == SIM_MODEL_MULTIPROCESSING) {
        fputs("\n\ndef init_worker(turns):\n"
              "    \"\"\"Runs once in each worker process. Processes share no memory,\n"
              "    so each worker needs its own copy of the calibration.\"\"\"\n"
              "    global TURNS_PER_10MS\n"
              "    TURNS_PER_10MS = turns\n"
              "\n\ndef main():\n", f);
        if (o->workers > 0)
            fprintf(f, "    # %d worker processes; tasks wait in a queue for a free one.\n"
                       "    with multiprocessing.Pool(%d, initializer=init_worker,\n",
                    o->workers, o->workers);
        else
            fputs("    # One worker process per CPU; tasks wait in a queue for a free one.\n"
                  "    with multiprocessing.Pool(os.cpu_count(), initializer=init_worker,\n", f);
        fputs("                              initargs=(TURNS_PER_10MS,)) as pool:\n"
              "        results = []\n"
              "        for task, copies in PLAN:\n"
              "            for _ in range(copies):\n"
              "                results.append(pool.apply_async(task))\n"
              "        for result in results:\n"
              "            result.get()  # raises here if the task raised\n", f);
    } else if (o->threads > 0) {
        fprintf(f, "\n\ndef main():\n"
                   "    # %d threads; tasks wait in a queue for a free one.\n"
                   "    with concurrent.futures.ThreadPoolExecutor(%d) as pool:\n",
                o->threads, o->threads);
        fputs("        futures = []\n"
              "        for task, copies in PLAN:\n"
              "            for _ in range(copies):\n"
              "                futures.append(pool.submit(task))\n"
              "        for future in futures:\n"
              "            future.result()  # raises here if the task raised\n", f);
    } else {
        fputs("\n\ndef main():\n"
              "    threads = []\n"
              "    for task, copies in PLAN:\n"
              "        for _ in range(copies):\n"
              "            threads.append(threading.Thread(target=task))\n"
              "    for thread in threads:\n"
              "        thread.start()\n"
              "    for thread in threads:\n"
              "        thread.join()\n", f);
    }
}

static void write_entry(FILE *f, sim_model m, const sim_pyprog_opts *o)
{
    fputs("\n\nif __name__ == \"__main__\":\n", f);
    if (m == SIM_MODEL_THREADING) {
        char s[40];
        seconds(o->switch_interval_ns > 0 ? o->switch_interval_ns : 5000000, s, sizeof s);
        fprintf(f, "    # How long a thread may keep the GIL once another thread waits\n"
                   "    # for it (Python's default: 0.005 s).\n"
                   "    sys.setswitchinterval(%s)\n", s);
    }
    if (m == SIM_MODEL_FREE_THREADING)
        fputs("    if getattr(sys, \"_is_gil_enabled\", lambda: True)():\n"
              "        print(\"note: this Python has a GIL, so threads take turns\",\n"
              "              file=sys.stderr)\n", f);
    fputs("    TURNS_PER_10MS = calibrate()\n"
          "    start = time.perf_counter()\n", f);
    fputs(m == SIM_MODEL_ASYNCIO ? "    asyncio.run(main())\n" : "    main()\n", f);
    fputs("    print(f\"wall_ms={(time.perf_counter() - start) * 1000:.1f}\")\n", f);
}

int sim_pyprog_write(FILE *out, const sim_workload *w, sim_model m,
                     const sim_pyprog_opts *o)
{
    static const sim_pyprog_opts defaults = {0, 0, 0};
    plan p;
    if (!out || !w || !w->spec || (unsigned)m >= SIM_MODEL__COUNT)
        abort(); /* a programmer error, in every build */
    if (!o)
        o = &defaults;
    int rc = plan_make(&p, w);
    if (rc != SIM_OK)
        return rc;
    write_header(out, w, m, o);
    fputs(calibration, out);
    fputs("\n\n", out);
    fputs(steps_note(m), out);
    for (size_t fn = 0; fn < p.nfns; fn++)
        write_function(out, w, m, fn, &w->groups[p.first[fn]]);
    write_plan(out, w, &p);
    write_main(out, m, o);
    write_entry(out, m, o);
    plan_free(&p);
    return ferror(out) ? SIM_E_SYS : SIM_OK;
}
