/* pyprog.c - writes the Python program that does what a workload does.
 *
 * Students compare concviz's timelines with the code they would write, so
 * the programs are plain, commented, PEP 8 Python. Each model's program is
 * a template in templates/ (asyncio_demo.py; threading_demo.py, also for
 * free-threading; multiprocessing_demo.py; and prelude.py, the calibrated
 * cpu() they all begin with), and this file says what goes into it for a
 * workload: the values and blocks of its placeholders, and which of its
 * `## if` flags hold (template.c reads the templates). The task functions
 * come from steps.c, one line per step; plan.c decides which tasks share
 * a function and what each name is called in Python.
 *
 * Shared state becomes what a learner would write for each model: module
 * globals (`hits += 1`; under multiprocessing each worker has its own
 * copy), a multiprocessing.Value for `shared.NAME`, `with L:` over the
 * model's own Lock and Semaphore, its own Queue, and asyncio's executors.
 * Each program prints every counter's final value beside the value a run
 * losing nothing ends with, so lost updates show in real Python too.
 */
#include "pyprog.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pyprog_priv.h"

/* One program being written: what every slot's writer reads. */
typedef struct prog {
    const sim_workload *w;
    sim_model m;
    const sim_config *cfg;
    plan p;
    sim_pyprog_map *map; /* NULL: no map wanted */
    int record;          /* the recorded variant (SIM_PYPROG_RECORD) */
} prog;

/* Made in main() rather than at module level: asyncio's locks and queues
 * (inside the running loop) and what multiprocessing shares (handed to the
 * workers as they start). */
static int made_in_main(const prog *g, size_t i)
{
    const sim_name *nm = &g->w->names[i];
    if (g->m == SIM_MODEL_ASYNCIO)
        return nm->kind != SIM_NAME_VAR;
    return g->m == SIM_MODEL_MULTIPROCESSING && (nm->kind != SIM_NAME_VAR || nm->shared);
}

static size_t count_in_main(const prog *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->w->nnames; i++)
        n += made_in_main(g, i);
    return n;
}

/* --- value slots: a few characters inside a line */

static void write_model(py_out *o, void *ctx, int indent)
{
    py_puts(o, sim_model_name(((prog *)ctx)->m));
}

static void write_caption(py_out *o, void *ctx, int indent)
{
    py_puts(o, sim_model_caption(((prog *)ctx)->m));
}

/* The workload for the docstring: whitespace collapsed, long ones cut. */
static void write_workload(py_out *o, void *ctx, int indent)
{
    char buf[80];
    size_t len = 0;
    for (const char *s = ((prog *)ctx)->w->spec; *s && len + 1 < sizeof buf; s++) {
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
    py_puts(o, buf);
}

static void write_ntasks(py_out *o, void *ctx, int indent)
{
    uint64_t n = ((prog *)ctx)->w->ntasks;
    py_printf(o, "%llu task%s", (unsigned long long)n, n == 1 ? "" : "s");
}

static void write_threads(py_out *o, void *ctx, int indent)
{
    py_printf(o, "%d", ((prog *)ctx)->cfg->threads);
}

/* A number given, or Python's own default: one worker per CPU. */
static void write_workers(py_out *o, void *ctx, int indent)
{
    int workers = ((prog *)ctx)->cfg->workers;
    if (workers > 0)
        py_printf(o, "%d", workers);
    else
        py_puts(o, "os.cpu_count()");
}

static void write_start_method(py_out *o, void *ctx, int indent)
{
    sim_start_method sm = ((prog *)ctx)->cfg->start_method;
    py_puts(o, sim_start_method_name((unsigned)sm < SIM_START__COUNT ? sm
                                                                    : SIM_START_FORKSERVER));
}

static void write_switch_interval(py_out *o, void *ctx, int indent)
{
    int64_t ns = ((prog *)ctx)->cfg->switch_interval_ns;
    char s[40];
    py_seconds(ns > 0 ? ns : SIM_DEFAULT_SWITCH_INTERVAL_NS, s, sizeof s);
    py_puts(o, s);
}

/* What a worker's init_worker() is called with. */
static void write_initargs(py_out *o, void *ctx, int indent)
{
    py_puts(o, count_in_main(ctx) ? "(TURNS_PER_10MS, shared)" : "(TURNS_PER_10MS,)");
}

/* --- block slots: whole lines, `indent` spaces in */

static void write_prelude(py_out *o, void *ctx, int indent)
{
    tpl_write(o, "prelude", &(tpl_fill){0});
}

/* The recorder's block (templates/recorder.py), in the recorded variant. */
static void write_recorder(py_out *o, void *ctx, int indent)
{
    if (((prog *)ctx)->record)
        tpl_write(o, "recorder", &(tpl_fill){0});
}

/* `hits = 0`, `L = threading.Lock()`, `q = asyncio.Queue()` ... */
static void write_make(py_out *o, const prog *g, size_t i, int indent)
{
    const sim_name *nm = &g->w->names[i];
    const char *mod = g->m == SIM_MODEL_ASYNCIO           ? "asyncio"
                      : g->m == SIM_MODEL_MULTIPROCESSING ? "multiprocessing"
                                                          : "threading";
    char what[64], note[SIM_MAX_NAME_LEN + 8] = "";
    if (nm->kind == SIM_NAME_VAR && is_value(g->w, g->m, (uint32_t)i))
        snprintf(what, sizeof what, "multiprocessing.Value(\"q\", 0)"); /* q: signed 64-bit */
    else if (nm->kind == SIM_NAME_VAR)
        snprintf(what, sizeof what, "0");
    else if (nm->kind == SIM_NAME_LOCK)
        snprintf(what, sizeof what, "%s.Lock()", mod);
    else if (nm->kind == SIM_NAME_SEM)
        snprintf(what, sizeof what, "%s.Semaphore(%u)", mod, nm->permits);
    else
        snprintf(what, sizeof what, "%s.Queue()", is_threads(g->m) ? "queue" : mod);
    if (strcmp(g->p.id[i], nm->name) != 0)
        snprintf(note, sizeof note, "  # %s", nm->name);
    py_line(o, indent, "%s = %s%s", g->p.id[i], what, note);
}

/* The names made at module level, before the task functions. */
static void write_state(py_out *o, void *ctx, int indent)
{
    const prog *g = ctx;
    for (size_t i = 0; i < g->w->nnames; i++)
        if (!made_in_main(g, i))
            write_make(o, g, i, indent);
}

/* The names made in main(). */
static void write_in_main(py_out *o, void *ctx, int indent)
{
    const prog *g = ctx;
    for (size_t i = 0; i < g->w->nnames; i++)
        if (made_in_main(g, i))
            write_make(o, g, i, indent);
}

/* `global L` for each name made in main(), where a function sets it. */
static void write_globals(py_out *o, void *ctx, int indent)
{
    const prog *g = ctx;
    for (size_t i = 0; i < g->w->nnames; i++)
        if (made_in_main(g, i))
            py_line(o, indent, "global %s", g->p.id[i]);
}

/* The tuple of what main() made, as handed to each worker... */
static void write_shared(py_out *o, void *ctx, int indent)
{
    const prog *g = ctx;
    for (size_t i = 0; i < g->w->nnames; i++)
        if (made_in_main(g, i))
            py_line(o, indent, "%s,", g->p.id[i]);
}

/* ...and taken apart there, in the same order. */
static void write_unpack(py_out *o, void *ctx, int indent)
{
    const prog *g = ctx;
    for (size_t i = 0, k = 0; i < g->w->nnames; i++)
        if (made_in_main(g, i))
            py_line(o, indent, "%s = shared[%zu]", g->p.id[i], k++);
}

static void write_tasks(py_out *o, void *ctx, int indent)
{
    prog *g = ctx;
    steps_write_tasks(o, g->w, g->m, &g->p, indent, g->map, g->record);
}

/* PLAN: (function, copies) in workload order; neighbours sharing a
 * function are merged, the comment keeps the task ids of concviz's lanes. */
static void write_plan(py_out *o, void *ctx, int indent)
{
    const prog *g = ctx;
    const sim_workload *w = g->w;
    for (size_t i = 0; i < w->ngroups;) {
        size_t end = i + 1;
        uint64_t copies = w->groups[i].count, first = w->groups[i].first_task;
        while (end < w->ngroups && g->p.fn_of[end] == g->p.fn_of[i])
            copies += w->groups[end++].count;
        if (copies == 1)
            py_line(o, indent, "(task_%zu, 1),  # task %llu", g->p.fn_of[i] + 1,
                    (unsigned long long)first);
        else
            py_line(o, indent, "(task_%zu, %llu),  # tasks %llu-%llu", g->p.fn_of[i] + 1,
                    (unsigned long long)copies, (unsigned long long)first,
                    (unsigned long long)(first + copies - 1));
        i = end;
    }
}

/* One line per variable: what it ended with, and what a run losing no
 * update ends with (w->names[i].updates). */
static void write_counters(py_out *o, void *ctx, int indent)
{
    const prog *g = ctx;
    for (size_t i = 0; i < g->w->nnames; i++) {
        const sim_name *nm = &g->w->names[i];
        if (nm->kind != SIM_NAME_VAR)
            continue;
        if (g->m == SIM_MODEL_MULTIPROCESSING && !nm->shared)
            py_line(o, indent, "# Only the workers' copies of %s changed: this one is still 0.",
                    g->p.id[i]);
        py_line(o, indent, "print(f\"counter %s: final {%s%s} of expected %llu\")", nm->name,
                g->p.id[i], is_value(g->w, g->m, (uint32_t)i) ? ".value" : "",
                (unsigned long long)nm->updates);
        if (g->record)
            py_line(o, indent, "_cz_counter(\"%s\", %s%s)", nm->name, g->p.id[i],
                    is_value(g->w, g->m, (uint32_t)i) ? ".value" : "");
    }
}

/* Every placeholder of the templates, and what writes it. */
static const tpl_slot slots[] = {
    {"MODEL", 0, write_model},
    {"CAPTION", 0, write_caption},
    {"WORKLOAD", 0, write_workload},
    {"NTASKS", 0, write_ntasks},
    {"THREADS", 0, write_threads},
    {"WORKERS", 0, write_workers},
    {"SWITCH_INTERVAL", 0, write_switch_interval},
    {"START_METHOD", 0, write_start_method},
    {"INITARGS", 0, write_initargs},
    {"PRELUDE", 1, write_prelude},
    {"RECORDER", 1, write_recorder},
    {"STATE", 1, write_state},
    {"TASKS", 1, write_tasks},
    {"PLAN", 1, write_plan},
    {"GLOBALS", 1, write_globals},
    {"MAKE", 1, write_in_main},
    {"SHARED", 1, write_shared},
    {"UNPACK", 1, write_unpack},
    {"COUNTERS", 1, write_counters},
};

static void write_program(py_out *o, prog *g)
{
    const sim_workload *w = g->w;
    const plan *p = &g->p;
    sim_model m = g->m;
    size_t in_main = count_in_main(g);
    const tpl_flag flags[] = {
        {"names", w->nnames > 0},
        {"shared", p->vars || p->holds || p->queues},
        {"counters", p->vars > 0},
        {"globals", w->nnames > in_main},
        {"in_main", in_main > 0},
        {"queues", p->queues > 0},
        {"processes", m == SIM_MODEL_ASYNCIO && p->processes},
        {"free_threading", m == SIM_MODEL_FREE_THREADING},
        {"pool", is_threads(m) && g->cfg->threads > 0},
        {"threading_module", is_threads(m) && (g->cfg->threads <= 0 || p->holds)},
        {"cpu_count", g->cfg->workers <= 0},
        {"record", g->record},
    };
    const tpl_fill fill = {slots, sizeof slots / sizeof slots[0], flags,
                           sizeof flags / sizeof flags[0], g};
    const char *name = m == SIM_MODEL_ASYNCIO           ? "asyncio_demo"
                       : m == SIM_MODEL_MULTIPROCESSING ? "multiprocessing_demo"
                                                        : "threading_demo";
    tpl_write(o, name, &fill);
}

void sim_pyprog_map_free(sim_pyprog_map *map)
{
    free(map->op_line);
    free(map->group_line);
    memset(map, 0, sizeof *map);
}

int sim_pyprog_write_ex(FILE *out, const sim_workload *w, sim_model m,
                        const sim_config *cfg, unsigned flags, sim_pyprog_map *map)
{
    static const sim_config defaults;
    if (!out || !w || !w->spec || (unsigned)m >= SIM_MODEL__COUNT ||
        (flags & ~SIM_PYPROG_RECORD))
        abort(); /* a programmer error, in every build */
    prog g = {w, m, cfg ? cfg : &defaults, {0}, map, (flags & SIM_PYPROG_RECORD) != 0};
    if (map) {
        memset(map, 0, sizeof *map);
        map->op_line = calloc(w->nops + 1, sizeof *map->op_line);
        map->group_line = calloc(w->ngroups + 1, sizeof *map->group_line);
        map->nops = w->nops;
        map->ngroups = w->ngroups;
    }
    int rc = plan_make(&g.p, w);
    if (rc == SIM_OK && map && (!map->op_line || !map->group_line))
        rc = SIM_E_NOMEM;
    if (rc == SIM_OK) {
        py_out o = {out, 0};
        write_program(&o, &g);
        if (map)
            map->nlines = o.lines;
        if (ferror(out))
            rc = SIM_E_SYS;
    }
    plan_free(&g.p);
    if (rc != SIM_OK && map)
        sim_pyprog_map_free(map);
    return rc;
}

int sim_pyprog_write_map(FILE *out, const sim_workload *w, sim_model m,
                         const sim_config *cfg, sim_pyprog_map *map)
{
    return sim_pyprog_write_ex(out, w, m, cfg, 0, map);
}

int sim_pyprog_write(FILE *out, const sim_workload *w, sim_model m,
                     const sim_config *cfg)
{
    return sim_pyprog_write_ex(out, w, m, cfg, 0, NULL);
}
