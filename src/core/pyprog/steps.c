/* steps.c - the task functions: one line of Python per step.
 *
 * Written from the same compiled ops the engines walk (workload.h): a step
 * becomes one line, a SIM_OP_LOOP a `for _ in range(N):` block, a lock or
 * semaphore a `with` block, each in the model's own words (`await
 * asyncio.sleep` in a coroutine, `time.sleep` in a thread or a process).
 *
 * As each op's line goes out, its number goes into the line map
 * (sim_pyprog_map), so that the window can show the line a task is on:
 * the map is what was written, never a search of the text afterwards.
 *
 * The recorded variant (SIM_PYPROG_RECORD, pyprog.h) adds, around each
 * step timed.c says is timed, a line before it that reads the clocks and
 * a line after it that adds an ENTRY (recorder.py) to the task's record:
 *
 *     _cz_t = _cz_ns()
 *     await asyncio.sleep(0.06)
 *     _cz_me += (5, _cz_t, _cz_ns())
 *
 * Each such line starts with _cz_ and nothing else changes, so the
 * printed program is the recorded one without them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "format.h"
#include "pyprog_priv.h"

/* What one walk over steps needs: where it writes, and the numbers of the
 * executor functions met so far. */
typedef struct walk {
    py_out *o;
    const sim_workload *w;
    sim_model m;
    plan *p;
    sim_pyprog_map *map; /* NULL: no map wanted */
    int indent;          /* spaces in front of a `def` at module level */
    int work;            /* thread(...) bodies in this task function */
    int process;         /* process(...) bodies in the whole program */
    int record;          /* write the recorder's lines (SIM_PYPROG_RECORD) */
    uint32_t base;       /* the first op of the function's program: recorded
                            pcs count from it, the same for every group
                            sharing the function */
    uint32_t summary;    /* the loop being timed as a whole (its pc + 1), or 0 */
    size_t group;        /* the group whose program the function is written from */
} walk;

/* Where a record goes: the task's own record, its record from a nested
 * thread(...) body (a closure: extended, not assigned), or a process(...)
 * body's record in a worker process. */
enum { TO_TASK, TO_THREAD_BODY, TO_PROCESS_BODY };

/* One line at `depth` (4 spaces each) for op pc, remembered in the map. */
static void op_line(walk *k, uint32_t pc, int depth, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void op_line(walk *k, uint32_t pc, int depth, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    uint32_t line = py_line(k->o, k->indent + 4 * depth, "%s", text);
    if (k->map)
        k->map->op_line[pc] = line;
}

/* A line of the recorder at `depth`: nothing unless recording. */
static void rec_line(walk *k, int depth, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void rec_line(walk *k, int depth, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    if (!k->record)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    py_line(k->o, k->indent + 4 * depth, "%s", text);
}

/* The ENTRY of op pc (recorder.py): its pc from the function's start
 * (-1 - that for a thread(...) body's start and end), then `tail`. */
static void rec_entry(walk *k, int depth, int to, long pc, const char *tail)
{
    if (to == TO_THREAD_BODY)
        rec_line(k, depth, "_cz_me.extend((%ld, %s))", pc, tail);
    else if (to == TO_PROCESS_BODY)
        rec_line(k, depth, "_cz_b += (%ld, %s)", pc, tail);
    else
        rec_line(k, depth, "_cz_me += (%ld, %s)", pc, tail);
}

/* Whether op pc is timed one by one: not inside a loop timed as a whole. */
static int timing(const walk *k)
{
    return k->record && !k->summary;
}

/* The clock before a step: wall time, and the thread's CPU time for a cpu
 * step long enough to pay for the system call. */
static void rec_before(walk *k, int depth, int cpu)
{
    if (timing(k))
        rec_line(k, depth, cpu ? "_cz_t = _cz_ns(); _cz_c = _cz_cpu()" : "_cz_t = _cz_ns()");
}

/* A cpu step (or a loop timed as a whole) has four numbers, CPU last: -1
 * when the thread's CPU time was not read; every other step three. */
static void rec_after(walk *k, int depth, int to, uint32_t pc, int cpu)
{
    int kind = k->w->ops[pc].kind;
    if (timing(k))
        rec_entry(k, depth, to, (long)(pc - k->base),
                  cpu ? "_cz_t, _cz_ns(), _cz_cpu() - _cz_c"
                  : kind == SIM_OP_CPU || kind == SIM_OP_LOOP ? "_cz_t, _cz_ns(), -1"
                                                              : "_cz_t, _cz_ns()");
}

/* Writes ops [pc, end) (or up to the END) at `depth`, one line per step.
 * `blocking` is set inside an executor body, a plain function: there io
 * is time.sleep even under asyncio; `to` says where its records go. */
static void write_steps(walk *k, uint32_t pc, uint32_t end, int depth, int blocking, int to)
{
    int aio = k->m == SIM_MODEL_ASYNCIO && !blocking;
    const char *await = aio ? "await " : "";
    char s[40];
    while (pc < end && k->w->ops[pc].kind != SIM_OP_END) {
        const sim_op *op = &k->w->ops[pc];
        int named = op->kind >= SIM_OP_INC && op->kind <= SIM_OP_GET; /* b: a name */
        const char *x = named ? k->p->id[op->b] : "";
        const char *v = named && is_value(k->w, k->m, op->b) ? ".value" : "";
        py_seconds(op->a, s, sizeof s);
        int cpu = op->kind == SIM_OP_CPU && op->a >= SIM_PYPROG_CPU_TIMED_NS;
        switch ((sim_op_kind)op->kind) {
        case SIM_OP_NEXT: /* the end of a block: no line of its own */
            depth--;
            if (k->summary == op->b + 1) { /* the loop timed as a whole ends */
                k->summary = 0;
                rec_after(k, depth, to, op->b, 1);
            }
            break;
        case SIM_OP_RELEASE:
            depth--;
            if (timing(k))
                rec_entry(k, depth, to, (long)(pc - k->base), "_cz_ns(), 0");
            break;
        case SIM_OP_LOOP:
            if (timing(k) && sim_pyprog_loop_summarized(k->w, pc)) {
                rec_before(k, depth, 1);
                k->summary = pc + 1;
            }
            op_line(k, pc, depth++, "for _ in range(%lld):", (long long)op->a);
            break;
        case SIM_OP_CPU:
            rec_before(k, depth, cpu);
            op_line(k, pc, depth, "cpu(%s)", s);
            rec_after(k, depth, to, pc, cpu);
            break;
        case SIM_OP_IO:
            rec_before(k, depth, 0);
            op_line(k, pc, depth, "%s(%s)", aio ? "await asyncio.sleep" : "time.sleep", s);
            rec_after(k, depth, to, pc, 0);
            break;
        case SIM_OP_INC:
            op_line(k, pc, depth, "%s%s += 1", x, v);
            break;
        case SIM_OP_LOAD:
            op_line(k, pc, depth, "tmp = %s%s", x, v);
            break;
        case SIM_OP_STORE:
            op_line(k, pc, depth, "%s%s = tmp + 1", x, v);
            break;
        case SIM_OP_ACQUIRE:
            /* The wait ends where the block's first line runs. */
            rec_before(k, depth, 0);
            op_line(k, pc, depth++, "%swith %s:", aio ? "async " : "", x);
            rec_after(k, depth, to, pc, 0);
            break;
        case SIM_OP_PUT:
            rec_before(k, depth, 0);
            op_line(k, pc, depth, "%s%s.put(bytes(%lld))", await, x, (long long)op->a);
            rec_after(k, depth, to, pc, 0);
            break;
        case SIM_OP_GET:
            rec_before(k, depth, 0);
            op_line(k, pc, depth, "%s%s.get()", await, x);
            rec_after(k, depth, to, pc, 0);
            break;
        case SIM_OP_EXEC:
            if (aio && op->b == SIM_EXEC_THREAD) {
                /* A nested function: to_thread runs it in a pool thread. */
                py_line(k->o, k->indent + 4 * depth, "def work_%d():", ++k->work);
                if (timing(k))
                    rec_entry(k, depth + 1, TO_THREAD_BODY, -1 - (long)(pc - k->base),
                              "_cz_ns(), _cz_tid()");
                write_steps(k, pc + 1, (uint32_t)op->a - 1, depth + 1, 1, TO_THREAD_BODY);
                if (timing(k))
                    rec_entry(k, depth + 1, TO_THREAD_BODY, -1 - (long)(pc - k->base),
                              "_cz_ns(), -1");
                rec_before(k, depth, 0);
                op_line(k, pc, depth, "await asyncio.to_thread(work_%d)", k->work);
                rec_after(k, depth, to, pc, 0);
            } else if (aio) {
                /* Its body went to in_process_N(), before the task. */
                rec_before(k, depth, 0);
                op_line(k, pc, depth, "await loop.run_in_executor(PROCESS_POOL, in_process_%d)",
                        ++k->process);
                rec_after(k, depth, to, pc, 0);
            } else {
                op_line(k, pc, depth, "# %s(...) runs inline: only asyncio hands it to a pool",
                        op->b == SIM_EXEC_THREAD ? "thread" : "process");
                write_steps(k, pc + 1, (uint32_t)op->a - 1, depth, blocking, to);
            }
            pc = (uint32_t)op->a; /* past the body and its EXEC_END */
            continue;
        default: /* SIM_OP_YIELD */
            rec_before(k, depth, 0);
            op_line(k, pc, depth, "%s(0)", aio ? "await asyncio.sleep" : "time.sleep");
            rec_after(k, depth, to, pc, 0);
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
        py_puts(k->o, "\n\n");
        py_line(k->o, k->indent, "def in_process_%d():", ++k->process);
        py_line(k->o, k->indent, "    \"\"\"process(...): runs in a worker of PROCESS_POOL, "
                                 "with its own");
        py_line(k->o, k->indent, "    interpreter and its own GIL.\"\"\"");
        rec_line(k, 1, "_cz_b = _cz_body(%zu, %u)", k->group, pc - k->base);
        write_steps(k, pc + 1, (uint32_t)op->a - 1, 1, 1, TO_PROCESS_BODY);
        rec_line(k, 1, "_cz_body_end(_cz_b)");
    }
}

/* The lines a task function needs before its steps: `global` for each
 * variable it assigns, tmp when a store can come before any load (concviz
 * starts a task's tmp at 0), the loop for run_in_executor. */
static void write_prologue(walk *k, const sim_group *g)
{
    const sim_workload *w = k->w;
    int first_tmp = 0, process = 0;
    memset(k->p->seen, 0, w->nnames);
    for (uint32_t pc = g->prog; w->ops[pc].kind != SIM_OP_END; pc++) {
        const sim_op *op = &w->ops[pc];
        if ((op->kind == SIM_OP_LOAD || op->kind == SIM_OP_STORE) && !first_tmp)
            first_tmp = op->kind;
        process |= op->kind == SIM_OP_EXEC && op->b == SIM_EXEC_PROCESS;
        if ((op->kind == SIM_OP_INC || op->kind == SIM_OP_STORE) && !k->p->seen[op->b] &&
            !is_value(w, k->m, op->b)) {
            k->p->seen[op->b] = 1;
            py_line(k->o, k->indent + 4, "global %s", k->p->id[op->b]);
        }
    }
    if (first_tmp == SIM_OP_STORE)
        py_line(k->o, k->indent + 4,
                "tmp = 0  # a store before any load stores 0 + 1, as in concviz");
    if (process && k->m == SIM_MODEL_ASYNCIO)
        py_line(k->o, k->indent + 4, "loop = asyncio.get_running_loop()");
    rec_line(k, 1, "_cz_me = _cz_task()");
}

/* One task function: its docstring and one line per step. Returns the
 * line of its `def`. */
static uint32_t write_function(walk *k, size_t fn, const sim_group *g)
{
    char cpu[32], io[32];
    int base = k->process;
    k->base = g->prog;
    k->group = (size_t)(g - k->w->groups);
    if (k->m == SIM_MODEL_ASYNCIO)
        write_process_bodies(k, g);
    k->process = base; /* the calls count again from the same number */
    k->work = 0;
    sim_format_ns(g->cpu_ns, cpu, sizeof cpu);
    sim_format_ns(g->io_ns, io, sizeof io);
    py_puts(k->o, "\n\n");
    uint32_t def = py_line(k->o, k->indent, "%sdef task_%zu():",
                           k->m == SIM_MODEL_ASYNCIO ? "async " : "", fn + 1);
    if (g->cpu_ns && g->io_ns)
        py_line(k->o, k->indent + 4, "\"\"\"One task: %s of CPU, %s of waiting.\"\"\"", cpu, io);
    else if (g->cpu_ns)
        py_line(k->o, k->indent + 4, "\"\"\"One task: %s of CPU.\"\"\"", cpu);
    else if (g->io_ns)
        py_line(k->o, k->indent + 4, "\"\"\"One task: %s of waiting.\"\"\"", io);
    else
        py_line(k->o, k->indent + 4, "\"\"\"One task: no timed work.\"\"\"");
    write_prologue(k, g);
    write_steps(k, g->prog, UINT32_MAX, 1, 0, TO_TASK);
    rec_line(k, 1, "_cz_done(_cz_me)");
    return def;
}

/* Groups that share a function share its lines: op i of a group's program
 * is on the line of op i of the program that was written, the first group's
 * (whose lines are in the map already). */
static void share_lines(sim_pyprog_map *map, const sim_workload *w, const plan *p)
{
    for (size_t g = 0; g < w->ngroups; g++) {
        size_t first = p->first[p->fn_of[g]];
        uint32_t from = w->groups[first].prog, to = w->groups[g].prog;
        map->group_line[g] = map->group_line[first];
        for (size_t i = 0; from != to; i++) {
            map->op_line[to + i] = map->op_line[from + i];
            if (w->ops[from + i].kind == SIM_OP_END)
                break;
        }
    }
}

void steps_write_tasks(py_out *o, const sim_workload *w, sim_model m, plan *p, int indent,
                       sim_pyprog_map *map, int record)
{
    walk k = {o, w, m, p, map, indent, 0, 0, record, 0, 0, 0};
    for (size_t fn = 0; fn < p->nfns; fn++) {
        uint32_t def = write_function(&k, fn, &w->groups[p->first[fn]]);
        if (map)
            map->group_line[p->first[fn]] = def;
    }
    if (map)
        share_lines(map, w, p);
}
