/* plan.c - what a program needs to know before it is written: which tasks
 * share a function, and what each workload name is called in Python.
 *
 * Each distinct task program becomes one function (groups with identical
 * programs share it), and the PLAN table says how many copies of each
 * run, so a workload of a thousand tasks is a short program, not a
 * thousand copies of one.
 *
 * Workload names may hold '.' or be Python keywords, or the names the
 * programs use themselves (cpu, PLAN, main), so each gets an identifier:
 * '.' as '_', and a trailing '_' when it would clash, as PEP 8 suggests
 * for a keyword (`if` becomes if_).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pyprog_priv.h"

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
 * builtins the programs use, their own names (in templates/ and steps.c),
 * and what Python sets. A name added to a template belongs here too:
 * tests/cli/test_cli_python_names.py tries every name the templates use. */
static const char *const reserved[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", "match", "case", "type", "_",
    "asyncio", "concurrent", "multiprocessing", "os", "queue", "sys", "threading", "time",
    "itertools", "repeat",
    "range", "int", "min", "max", "print", "getattr", "bytes", "len", "map", "str",
    "TURNS_PER_10MS", "PLAN", "PROCESS_POOL", "spin", "measure", "calibrate", "cpu",
    "init_worker", "main", "tmp", "loop", "shared", "turns", "total", "i", "best",
    "seconds", "start", "coroutines", "task", "copies", "threads", "thread", "pool",
    "futures", "future", "results", "result",
    "__name__", "__file__", "__doc__", "__builtins__", "__spec__", "__loader__",
    "__package__", "__annotations__", "__cached__", "__dict__", "__path__", "__all__",
};

int sim_pyprog_same_function(const sim_workload *w, size_t a, size_t b)
{
    return a < w->ngroups && b < w->ngroups &&
           same_program(w, w->groups[a].prog, w->groups[b].prog);
}

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

/* The recorder's names (templates/recorder.py and the lines steps.c adds
 * in the recorded variant) all start with _cz_ and none ends with '_', so
 * that a workload name's trailing '_' always frees it. */
static int recorders(const char *s)
{
    size_t n = strlen(s);
    return strncmp(s, "_cz_", 4) == 0 && s[n - 1] != '_';
}

static int taken(const char *s, char (*id)[PY_ID_LEN], size_t n)
{
    if (recorders(s))
        return 1;
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
 * identifier and reserved word at most once: PY_ID_LEN is always enough. */
static void make_ids(plan *p, const sim_workload *w)
{
    for (size_t i = 0; i < w->nnames; i++) {
        char *s = p->id[i];
        snprintf(s, PY_ID_LEN, "%s", w->names[i].name);
        for (char *c = s; *c; c++)
            if (*c == '.')
                *c = '_';
        size_t len = strlen(s);
        while (taken(s, p->id, i) && len + 1 < PY_ID_LEN) {
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
int plan_make(plan *p, const sim_workload *w)
{
    uint64_t *hash = malloc((w->ngroups + 1) * sizeof *hash);
    memset(p, 0, sizeof *p);
    p->fn_of = malloc((w->ngroups + 1) * sizeof *p->fn_of);
    p->first = malloc((w->ngroups + 1) * sizeof *p->first);
    p->id = calloc(w->nnames + 1, sizeof *p->id);
    p->seen = calloc(w->nnames + 1, 1);
    if (!hash || !p->fn_of || !p->first || !p->id || !p->seen) {
        free(hash);
        plan_free(p);
        memset(p, 0, sizeof *p);
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

void plan_free(plan *p)
{
    free(p->fn_of);
    free(p->first);
    free(p->id);
    free(p->seen);
}
