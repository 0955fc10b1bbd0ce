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
 *
 * Shared state becomes what a learner would write for each model: module
 * globals (`hits += 1`; under multiprocessing each worker has its own copy),
 * a multiprocessing.Value for `shared.NAME`, `with L:` over the model's own
 * Lock and Semaphore, its own Queue, and asyncio's executors. Workload names
 * may hold '.' or be Python keywords, so each gets an identifier ('.' as
 * '_', a trailing '_' when it would clash). Each program prints every
 * counter's final value beside the value a run losing nothing ends with, so
 * lost updates show in real Python too.
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

/* Room for a name, '.' turned to '_', and one '_' per clash it can meet. */
#define ID_LEN (SIM_MAX_NAME_LEN + SIM_MAX_NAMES + 40)

/* What a program needs to know about the workload: its distinct tasks, the
 * Python identifiers of its names, and which kinds of steps it uses. */
typedef struct plan {
    size_t *fn_of;      /* group -> function number (0-based) */
    size_t *first;      /* function -> the first group that uses it */
    size_t nfns;
    char (*id)[ID_LEN]; /* w->names[i] as a Python identifier */
    int vars, holds, queues, processes; /* how many of each the workload has */
} plan;

static int is_threads(sim_model m)
{
    return m == SIM_MODEL_THREADING || m == SIM_MODEL_FREE_THREADING;
}

/* An op's arguments as they matter to a task, wherever its program lies:
 * indexes into ops (b of LOOP and NEXT, a of ACQUIRE and EXEC) count from
 * the program's start; b is otherwise a name or an executor kind. */
static void op_args(const sim_op *op, uint32_t start, int64_t *a, int64_t *b)
{
    *a = op->a;
    *b = op->b;
    if (op->kind == SIM_OP_LOOP || op->kind == SIM_OP_NEXT)
        *b -= start;
    if (op->kind == SIM_OP_ACQUIRE || op->kind == SIM_OP_EXEC)
        *a -= start;
}

static uint64_t program_hash(const sim_workload *w, uint32_t start)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over kinds and arguments */
    for (uint32_t pc = start;; pc++) {
        int64_t a, b;
        op_args(&w->ops[pc], start, &a, &b);
        h = (h ^ w->ops[pc].kind) * 1099511628211ull;
        h = (h ^ (uint64_t)a) * 1099511628211ull;
        h = (h ^ (uint64_t)b) * 1099511628211ull;
        if (w->ops[pc].kind == SIM_OP_END)
            return h;
    }
}

/* Two programs are the same task if their ops match, loops, names and
 * blocks included. */
static int same_program(const sim_workload *w, uint32_t a, uint32_t b)
{
    for (size_t i = 0;; i++) {
        const sim_op *x = &w->ops[a + i], *y = &w->ops[b + i];
        int64_t xa, xb, ya, yb;
        op_args(x, a, &xa, &xb);
        op_args(y, b, &ya, &yb);
        if (x->kind != y->kind || xa != ya || xb != yb)
            return 0;
        if (x->kind == SIM_OP_END)
            return 1;
    }
}

/* Names a workload name may not take in Python: keywords, the modules and
 * builtins the programs use, their own names, and what Python sets. */
static const char *const reserved[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", "match", "case", "type", "_",
    "asyncio", "concurrent", "multiprocessing", "os", "queue", "sys", "threading", "time",
    "range", "int", "min", "max", "print", "getattr", "bytes",
    "TURNS_PER_10MS", "PLAN", "PROCESS_POOL", "spin", "measure", "calibrate", "cpu",
    "init_worker", "main", "tmp", "loop", "shared", "turns", "total", "i", "best",
    "seconds", "start", "coroutines", "task", "copies", "threads", "thread", "pool",
    "futures", "future", "results", "result",
    "__name__", "__file__", "__doc__", "__builtins__", "__spec__", "__loader__",
    "__package__", "__annotations__", "__cached__", "__dict__", "__path__", "__all__",
};

/* `s` is `prefix` and digits: the numbered functions the programs define. */
static int numbered(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0 || !s[n])
        return 0;
    for (s += n; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int taken(const char *s, char (*id)[ID_LEN], size_t n)
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(s, reserved[i]) == 0)
            return 1;
    if (numbered(s, "task_") || numbered(s, "work_") || numbered(s, "in_process_"))
        return 1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, id[i]) == 0)
            return 1;
    return 0;
}

/* `shared.hits` -> shared_hits, `if` -> if_ (PEP 8's way around a keyword).
 * Each '_' added makes the name longer, so it can clash with each earlier
 * identifier and reserved word at most once: ID_LEN is always enough. */
static void make_ids(plan *p, const sim_workload *w)
{
    for (size_t i = 0; i < w->nnames; i++) {
        char *s = p->id[i];
        snprintf(s, ID_LEN, "%s", w->names[i].name);
        for (char *c = s; *c; c++)
            if (*c == '.')
                *c = '_';
        size_t len = strlen(s);
        while (taken(s, p->id, i) && len + 1 < ID_LEN) {
            s[len++] = '_';
            s[len] = '\0';
        }
        p->vars += w->names[i].kind == SIM_NAME_VAR;
        p->holds += w->names[i].kind == SIM_NAME_LOCK || w->names[i].kind == SIM_NAME_SEM;
        p->queues += w->names[i].kind == SIM_NAME_QUEUE;
    }
    for (size_t i = 0; i < w->nops; i++)
        p->processes += w->ops[i].kind == SIM_OP_EXEC && w->ops[i].b == SIM_EXEC_PROCESS;
}

/* Numbers the distinct programs in order of first use. A linear scan over
 * the distinct ones, hashes first: quadratic only in the worst case of a
 * long spec (about ten thousand groups) that are all different. */
static int plan_make(plan *p, const sim_workload *w)
{
    uint64_t *hash = malloc((w->ngroups + 1) * sizeof *hash);
    memset(p, 0, sizeof *p);
    p->fn_of = malloc((w->ngroups + 1) * sizeof *p->fn_of);
    p->first = malloc((w->ngroups + 1) * sizeof *p->first);
    p->id = calloc(w->nnames + 1, sizeof *p->id);
    if (!hash || !p->fn_of || !p->first || !p->id) {
        free(hash);
        free(p->fn_of);
        free(p->first);
        free(p->id);
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
    make_ids(p, w);
    return SIM_OK;
}

static void plan_free(plan *p)
{
    free(p->fn_of);
    free(p->first);
    free(p->id);
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

/* `shared.NAME` under multiprocessing: a multiprocessing.Value. */
static int is_value(const sim_workload *w, sim_model m, uint32_t name)
{
    return m == SIM_MODEL_MULTIPROCESSING && w->names[name].shared;
}

/* What one walk over steps needs: where it writes, and the numbers of the
 * executor functions met so far. */
typedef struct walk {
    FILE *f;
    const sim_workload *w;
    sim_model m;
    const plan *p;
    int work;    /* thread(...) bodies in this task function */
    int process; /* process(...) bodies in the whole program */
} walk;

/* Writes ops [pc, end) (or up to the END) at `depth`, one line per step. `blocking` is set
 * inside an executor body, a plain function: there io is time.sleep even
 * under asyncio. */
static void write_steps(walk *k, uint32_t pc, uint32_t end, int depth, int blocking)
{
    FILE *f = k->f;
    int aio = k->m == SIM_MODEL_ASYNCIO && !blocking;
    const char *await = aio ? "await " : "";
    char s[40];
    while (pc < end && k->w->ops[pc].kind != SIM_OP_END) {
        const sim_op *op = &k->w->ops[pc];
        int named = op->kind >= SIM_OP_INC && op->kind <= SIM_OP_GET; /* b: a name */
        const char *x = named ? k->p->id[op->b] : "";
        const char *v = named && is_value(k->w, k->m, op->b) ? ".value" : "";
        if (op->kind == SIM_OP_NEXT || op->kind == SIM_OP_RELEASE) {
            depth--;
            pc++;
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
            fprintf(f, aio ? "await asyncio.sleep(%s)\n" : "time.sleep(%s)\n", s);
            break;
        case SIM_OP_INC:
            fprintf(f, "%s%s += 1\n", x, v);
            break;
        case SIM_OP_LOAD:
            fprintf(f, "tmp = %s%s\n", x, v);
            break;
        case SIM_OP_STORE:
            fprintf(f, "%s%s = tmp + 1\n", x, v);
            break;
        case SIM_OP_ACQUIRE:
            fprintf(f, "%swith %s:\n", aio ? "async " : "", x);
            depth++;
            break;
        case SIM_OP_PUT:
            fprintf(f, "%s%s.put(bytes(%lld))\n", await, x, (long long)op->a);
            break;
        case SIM_OP_GET:
            fprintf(f, "%s%s.get()\n", await, x);
            break;
        case SIM_OP_EXEC:
            if (aio && op->b == SIM_EXEC_THREAD) {
                fprintf(f, "def work_%d():\n", ++k->work);
                write_steps(k, pc + 1, (uint32_t)op->a - 1, depth + 1, 1);
                indent(f, depth);
                fprintf(f, "await asyncio.to_thread(work_%d)\n", k->work);
            } else if (aio) {
                fprintf(f, "await loop.run_in_executor(PROCESS_POOL, in_process_%d)\n",
                        ++k->process);
            } else {
                fprintf(f, "# %s(...) runs inline: only asyncio hands it to a pool\n",
                        op->b == SIM_EXEC_THREAD ? "thread" : "process");
                write_steps(k, pc + 1, (uint32_t)op->a - 1, depth, blocking);
            }
            pc = (uint32_t)op->a;
            continue;
        default: /* SIM_OP_YIELD */
            fputs(aio ? "await asyncio.sleep(0)\n" : "time.sleep(0)\n", f);
            break;
        }
        pc++;
    }
}

/* Under asyncio, each process(...) body as a module-level function: a
 * ProcessPoolExecutor pickles the function by its name, so it cannot be
 * nested in the task. */
static void write_process_bodies(walk *k, const sim_group *g)
{
    for (uint32_t pc = g->prog; k->w->ops[pc].kind != SIM_OP_END; pc++) {
        const sim_op *op = &k->w->ops[pc];
        if (op->kind != SIM_OP_EXEC || op->b != SIM_EXEC_PROCESS)
            continue;
        fprintf(k->f, "\n\ndef in_process_%d():\n"
                      "    \"\"\"process(...): runs in a worker of PROCESS_POOL, with its own\n"
                      "    interpreter and its own GIL.\"\"\"\n", ++k->process);
        write_steps(k, pc + 1, (uint32_t)op->a - 1, 1, 1);
    }
}

/* The lines a task function needs before its steps: `global` for each
 * variable it assigns, tmp when a store can come before any load (concviz
 * starts a task's tmp at 0), the loop for run_in_executor. */
static int write_prologue(const walk *k, const sim_group *g)
{
    const sim_workload *w = k->w;
    char *seen = calloc(w->nnames + 1, 1);
    int first_tmp = 0, process = 0;
    if (!seen)
        return SIM_E_NOMEM;
    for (uint32_t pc = g->prog; w->ops[pc].kind != SIM_OP_END; pc++) {
        const sim_op *op = &w->ops[pc];
        if ((op->kind == SIM_OP_LOAD || op->kind == SIM_OP_STORE) && !first_tmp)
            first_tmp = op->kind;
        process |= op->kind == SIM_OP_EXEC && op->b == SIM_EXEC_PROCESS;
        if ((op->kind == SIM_OP_INC || op->kind == SIM_OP_STORE) && !seen[op->b] &&
            !is_value(w, k->m, op->b)) {
            seen[op->b] = 1;
            fprintf(k->f, "    global %s\n", k->p->id[op->b]);
        }
    }
    free(seen);
    if (first_tmp == SIM_OP_STORE)
        fputs("    tmp = 0  # a store before any load stores 0 + 1, as in concviz\n", k->f);
    if (process && k->m == SIM_MODEL_ASYNCIO)
        fputs("    loop = asyncio.get_running_loop()\n", k->f);
    return SIM_OK;
}

/* One task function: its docstring and one line per step. */
static int write_function(walk *k, size_t fn, const sim_group *g)
{
    FILE *f = k->f;
    sim_model m = k->m;
    char cpu[32], io[32];
    int base = k->process;
    if (m == SIM_MODEL_ASYNCIO)
        write_process_bodies(k, g);
    k->process = base;
    k->work = 0;
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
        fprintf(f, "    \"\"\"One task: no timed work.\"\"\"\n");
    int rc = write_prologue(k, g);
    if (rc == SIM_OK)
        write_steps(k, g->prog, UINT32_MAX, 1, 0);
    return rc;
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

/* The comment on shared state, when the workload has some. */
static const char *share_note(sim_model m)
{
    switch (m) {
    case SIM_MODEL_ASYNCIO:
        return "# Shared state: between two awaits no other task runs, so x += 1 and\n"
               "# tmp = x ... x = tmp + 1 lose no update unless an await falls between.\n";
    case SIM_MODEL_THREADING:
        return "# Shared state: since CPython 3.10 no thread switch falls inside a bare\n"
               "# x += 1 in practice (a detail, not a promise). In tmp = x ... x = tmp + 1\n"
               "# the GIL can switch at a call between them: updates get lost, unless a\n"
               "# lock (with L:) lets one thread at a time through.\n";
    case SIM_MODEL_FREE_THREADING:
        return "# Shared state: without a GIL, threads on two cores race on x += 1 as on\n"
               "# tmp = x ... x = tmp + 1, and lose updates unless a lock (with L:) is held.\n";
    default:
        return "# Shared state: each worker process changes its own copy of a global.\n"
               "# A multiprocessing.Value is real shared memory, and x.value += 1 reads\n"
               "# it, then writes it: another process can write between, and updates\n"
               "# get lost unless a lock is held (with L:, or with x.get_lock():).\n";
    }
}

static void write_header(FILE *f, const sim_workload *w, sim_model m, const sim_config *o,
                         const plan *p)
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
    if ((is_threads(m) && o->threads > 0) || (m == SIM_MODEL_ASYNCIO && p->processes))
        fputs("import concurrent.futures\n", f);
    if (m == SIM_MODEL_MULTIPROCESSING) {
        fputs("import multiprocessing\n", f);
        if (o->workers <= 0)
            fputs("import os\n", f);
    }
    if (is_threads(m) && p->queues)
        fputs("import queue\n", f);
    if (is_threads(m))
        fputs("import sys\n", f);
    if (is_threads(m) && (o->threads <= 0 || p->holds))
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

/* Made in main() rather than at module level: asyncio's locks and queues
 * (inside the running loop) and what multiprocessing shares (handed to the
 * workers as they start). */
static int made_in_main(const sim_workload *w, sim_model m, size_t i)
{
    if (m == SIM_MODEL_ASYNCIO)
        return w->names[i].kind != SIM_NAME_VAR;
    return m == SIM_MODEL_MULTIPROCESSING &&
           (w->names[i].kind != SIM_NAME_VAR || w->names[i].shared);
}

static int count_in_main(const sim_workload *w, sim_model m)
{
    int n = 0;
    for (size_t i = 0; i < w->nnames; i++)
        n += made_in_main(w, m, i);
    return n;
}

/* `hits = 0`, `L = threading.Lock()`, `q = asyncio.Queue()` ... */
static void write_make(FILE *f, const sim_workload *w, sim_model m, const plan *p, size_t i,
                       int depth)
{
    const sim_name *nm = &w->names[i];
    const char *mod = m == SIM_MODEL_ASYNCIO           ? "asyncio"
                      : m == SIM_MODEL_MULTIPROCESSING ? "multiprocessing"
                                                       : "threading";
    indent(f, depth);
    fprintf(f, "%s = ", p->id[i]);
    if (nm->kind == SIM_NAME_VAR && m == SIM_MODEL_MULTIPROCESSING && nm->shared)
        fputs("multiprocessing.Value(\"q\", 0)", f); /* q: a signed 64-bit int */
    else if (nm->kind == SIM_NAME_VAR)
        fputs("0", f);
    else if (nm->kind == SIM_NAME_LOCK)
        fprintf(f, "%s.Lock()", mod);
    else if (nm->kind == SIM_NAME_SEM)
        fprintf(f, "%s.Semaphore(%u)", mod, nm->permits);
    else
        fprintf(f, "%s.Queue()", is_threads(m) ? "queue" : mod);
    if (strcmp(p->id[i], nm->name) != 0)
        fprintf(f, "  # %s", nm->name);
    fputc('\n', f);
}

/* The module-level shared state, before the task functions. */
static void write_state(FILE *f, const sim_workload *w, sim_model m, const plan *p)
{
    int later = count_in_main(w, m), here = (int)w->nnames - later;
    if (!w->nnames)
        return;
    fputs("\n\n", f);
    if (is_threads(m))
        fputs("# The shared state: module globals, one copy that every thread uses.\n", f);
    else if (m == SIM_MODEL_ASYNCIO && here)
        fputs("# The shared state: module globals, one copy that every task uses.\n", f);
    else if (here)
        fputs("# Module globals are per-process copies: each worker process has its\n"
              "# own, so what a task changes stays there; the parent's stays 0.\n", f);
    if (later && m == SIM_MODEL_ASYNCIO)
        fputs("# The locks, semaphores and queues are made in main(), in the event loop.\n", f);
    else if (later)
        fputs("# Shared memory, locks, semaphores and queues are made in main() and\n"
              "# handed to each worker process by init_worker().\n", f);
    for (size_t i = 0; i < w->nnames; i++)
        if (!made_in_main(w, m, i))
            write_make(f, w, m, p, i, 0);
}

/* The worker's start-up, for a Pool or a ProcessPoolExecutor. */
static void write_init_worker(FILE *f, const sim_workload *w, sim_model m, const plan *p,
                              int shared)
{
    fprintf(f, "\n\ndef init_worker(turns%s):\n"
               "    \"\"\"Runs once in each worker process. Processes share no memory,\n"
               "    so each worker needs its own copy of the calibration%s.\"\"\"\n"
               "    global TURNS_PER_10MS\n",
            shared ? ", shared" : "",
            shared ? ",\n    and the shared objects main() made, to find them by name" : "");
    for (size_t i = 0; shared && i < w->nnames; i++)
        if (made_in_main(w, m, i))
            fprintf(f, "    global %s\n", p->id[i]);
    fputs("    TURNS_PER_10MS = turns\n", f);
    for (size_t i = 0, k = 0; shared && i < w->nnames; i++)
        if (made_in_main(w, m, i))
            fprintf(f, "    %s = shared[%zu]\n", p->id[i], k++);
}

/* One line per variable: what it ended with, and what a run losing no
 * update ends with (w->names[i].updates). */
static void write_counters(FILE *f, const sim_workload *w, sim_model m, const plan *p)
{
    if (!p->vars)
        return;
    fputs("    # Each counter's final value, and the value a run that loses no\n"
          "    # update ends with.\n", f);
    for (size_t i = 0; i < w->nnames; i++) {
        if (w->names[i].kind != SIM_NAME_VAR)
            continue;
        if (m == SIM_MODEL_MULTIPROCESSING && !w->names[i].shared)
            fprintf(f, "    # Only the workers' copies of %s changed: this one is still 0.\n",
                    p->id[i]);
        fprintf(f, "    print(f\"counter %s: final {%s%s} of expected %llu\")\n",
                w->names[i].name, p->id[i], is_value(w, m, (uint32_t)i) ? ".value" : "",
                (unsigned long long)w->names[i].updates);
    }
}

static void write_main(FILE *f, const sim_workload *w, sim_model m, const sim_config *o,
                       const plan *p)
{
    int later = count_in_main(w, m);
    if (m == SIM_MODEL_ASYNCIO) {
        if (p->processes)
            write_init_worker(f, w, m, p, 0);
        fputs("\n\nasync def main():\n", f);
        for (size_t i = 0; i < w->nnames; i++)
            if (made_in_main(w, m, i))
                fprintf(f, "    global %s\n", p->id[i]);
        if (later)
            fputs("    # Made inside the running event loop: before Python 3.10 asyncio's\n"
                  "    # locks and queues belong to the loop that exists when they are made.\n",
                  f);
        for (size_t i = 0; i < w->nnames; i++)
            if (made_in_main(w, m, i))
                write_make(f, w, m, p, i, 1);
        fputs("    coroutines = []\n"
              "    for task, copies in PLAN:\n"
              "        for _ in range(copies):\n"
              "            coroutines.append(task())\n"
              "    # gather starts them in this order and waits until all are done.\n"
              "    await asyncio.gather(*coroutines)\n", f);
    } else if (m == SIM_MODEL_MULTIPROCESSING) {
        write_init_worker(f, w, m, p, later);
        fputs("\n\ndef main():\n", f);
        if (later) {
            fputs("    # Shared between processes: made before the workers start, and\n"
                  "    # handed to each of them by init_worker().\n", f);
            for (size_t i = 0; i < w->nnames; i++)
                if (made_in_main(w, m, i))
                    write_make(f, w, m, p, i, 1);
            fputs("    shared = (\n", f);
            for (size_t i = 0; i < w->nnames; i++)
                if (made_in_main(w, m, i))
                    fprintf(f, "        %s,\n", p->id[i]);
            fputs("    )\n", f);
        }
        if (o->workers > 0)
            fprintf(f, "    # %d worker processes; tasks wait in a queue for a free one.\n"
                       "    with multiprocessing.Pool(%d, initializer=init_worker,\n",
                    o->workers, o->workers);
        else
            fputs("    # One worker process per CPU; tasks wait in a queue for a free one.\n"
                  "    with multiprocessing.Pool(os.cpu_count(), initializer=init_worker,\n", f);
        fprintf(f, "                              initargs=(TURNS_PER_10MS%s)) as pool:\n",
                later ? ", shared" : ",");
        fputs("        results = []\n"
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
    write_counters(f, w, m, p);
}

static void write_entry(FILE *f, sim_model m, const sim_config *o, const plan *p)
{
    fputs("\n\nif __name__ == \"__main__\":\n", f);
    if (m == SIM_MODEL_THREADING) {
        char s[40];
        seconds(o->switch_interval_ns > 0 ? o->switch_interval_ns : SIM_DEFAULT_SWITCH_INTERVAL_NS, s, sizeof s);
        fprintf(f, "    # How long a thread may keep the GIL once another thread waits\n"
                   "    # for it (Python's default: 0.005 s).\n"
                   "    sys.setswitchinterval(%s)\n", s);
    }
    if (m == SIM_MODEL_FREE_THREADING)
        fputs("    if getattr(sys, \"_is_gil_enabled\", lambda: True)():\n"
              "        print(\"note: this Python has a GIL, so threads take turns\",\n"
              "              file=sys.stderr)\n", f);
    fputs("    TURNS_PER_10MS = calibrate()\n", f);
    if (m == SIM_MODEL_ASYNCIO && p->processes) {
        fputs("    # process(...) runs in this pool of one worker per CPU, made after\n"
              "    # calibrate() so that init_worker() hands each worker the turns.\n"
              "    with concurrent.futures.ProcessPoolExecutor(\n"
              "        initializer=init_worker, initargs=(TURNS_PER_10MS,)\n"
              "    ) as PROCESS_POOL:\n"
              "        start = time.perf_counter()\n"
              "        asyncio.run(main())\n", f);
    } else {
        fputs("    start = time.perf_counter()\n", f);
        fputs(m == SIM_MODEL_ASYNCIO ? "    asyncio.run(main())\n" : "    main()\n", f);
    }
    fputs("    print(f\"wall_ms={(time.perf_counter() - start) * 1000:.1f}\")\n", f);
}

int sim_pyprog_write(FILE *out, const sim_workload *w, sim_model m,
                     const sim_config *o)
{
    static const sim_config defaults;
    plan p;
    if (!out || !w || !w->spec || (unsigned)m >= SIM_MODEL__COUNT)
        abort(); /* a programmer error, in every build */
    if (!o)
        o = &defaults;
    int rc = plan_make(&p, w);
    if (rc != SIM_OK)
        return rc;
    write_header(out, w, m, o, &p);
    fputs(calibration, out);
    write_state(out, w, m, &p);
    fputs("\n\n", out);
    fputs(steps_note(m), out);
    if (p.vars || p.holds || p.queues)
        fputs(share_note(m), out);
    walk k = {out, w, m, &p, 0, 0};
    for (size_t fn = 0; fn < p.nfns && rc == SIM_OK; fn++)
        rc = write_function(&k, fn, &w->groups[p.first[fn]]);
    if (rc == SIM_OK) {
        write_plan(out, w, &p);
        write_main(out, w, m, o, &p);
        write_entry(out, m, o, &p);
    }
    plan_free(&p);
    return rc != SIM_OK ? rc : ferror(out) ? SIM_E_SYS : SIM_OK;
}
