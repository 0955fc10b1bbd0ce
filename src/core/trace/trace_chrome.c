/* trace_chrome.c - a comparison written as Chrome Trace Event JSON.
 *
 * Chrome's trace format (the "JSON Object Format" of the Trace Event Format
 * document) is what Perfetto and chrome://tracing read, so a run saved by
 * concviz can be explored in those tools too. concviz's own reader needs
 * more than the events (the workload, the machine, the lanes' kinds), which
 * goes into "otherData", a dictionary those tools show as metadata.
 *
 * A lane is a list of marks; each mark becomes one "X" (complete) event
 * lasting until the next mark, so the picture in Perfetto is the picture
 * in concviz. Every mark is written, even a zero-length one, because the
 * reader rebuilds the lanes from these events alone.
 *
 * Times are integers of nanoseconds; the format wants microseconds, so
 * they are written as fixed-point numbers with 3 decimals ("1234.567"):
 * exact, and read back exactly by sim_json_fixed.
 */
#include "trace_chrome.h"

#include <inttypes.h>

#include "atomic_file.h"
#include "concviz_build.h"
#include "err.h"
#include "json.h"
#include "start_method.h"
#include "trace_share_io.h"

/* Events are separated by ",\n": one event a line, easy to read and diff. */
static void sep(FILE *f, int *first)
{
    fputs(*first ? "\n" : ",\n", f);
    *first = 0;
}

static void write_us(FILE *f, int64_t ns)
{
    sim_json_write_fixed(f, ns, 3);
}

static void write_meta(FILE *f, int *first, int pid, uint32_t tid, const char *what,
                       const char *name, long sort)
{
    if (name) {
        sep(f, first);
        fprintf(f, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRIu32
                ",\"name\":\"%s\",\"args\":{\"name\":", pid, tid, what);
        sim_json_write_string(f, name);
        fputs("}}", f);
    } else {
        sep(f, first);
        fprintf(f, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRIu32
                ",\"name\":\"%s\",\"args\":{\"sort_index\":%ld}}",
                pid, tid, what, sort);
    }
}

static void write_marks(FILE *f, int *first, const sim_trace *t, int pid)
{
    for (uint32_t li = 0; li < t->nlanes; li++) {
        const sim_lane *l = &t->lanes[li];
        for (size_t i = 0; i < l->nmarks; i++) {
            const sim_mark *m = &l->marks[i];
            int64_t dur = sim_lane_seg_end(t, l, i) - m->t;
            if (dur < 0)
                dur = 0;
            sep(f, first);
        fprintf(f, "{\"ph\":\"X\",\"pid\":%d,\"tid\":%" PRIu32 ",\"ts\":",
                    pid, li + 1);
            write_us(f, m->t);
            fputs(",\"dur\":", f);
            write_us(f, dur);
            fprintf(f, ",\"cat\":\"state\",\"name\":\"%s\",\"args\":{\"state\":%u",
                    sim_state_name((sim_state)m->state), (unsigned)m->state);
            if (m->arg != SIM_NO_TASK)
                fprintf(f, ",\"%s\":%" PRIu32,
                        l->kind == SIM_LANE_TASK ? "arg" : "task", m->arg);
            if (m->cpu != SIM_NO_CPU)
                fprintf(f, ",\"cpu\":%u", (unsigned)m->cpu);
            if (m->flags)
                fprintf(f, ",\"flags\":%u", (unsigned)m->flags);
            fputs("}}", f);
        }
    }
}

static void write_instants(FILE *f, int *first, const sim_trace *t, int pid)
{
    for (size_t i = 0; i < t->ninstants; i++) {
        const sim_tinstant *in = &t->instants[i];
        sep(f, first);
        fprintf(f, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%" PRIu32
                ",\"ts\":", pid, in->lane + 1);
        write_us(f, in->t);
        fprintf(f, ",\"cat\":\"instant\",\"name\":\"%s\",\"args\":{\"code\":%u,"
                "\"arg\":%" PRIu32 "}}", sim_instant_name((sim_instant)in->code),
                (unsigned)in->code, in->arg);
    }
}

static void write_flows(FILE *f, int *first, const sim_trace *t, int pid, uint64_t *id)
{
    for (size_t i = 0; i < t->nflows; i++) {
        const sim_tflow *fl = &t->flows[i];
        const char *name = sim_flow_name((sim_flow)fl->code);
        uint64_t n = ++*id;
        sep(f, first);
        fprintf(f, "{\"ph\":\"s\",\"id\":%" PRIu64 ",\"pid\":%d,\"tid\":%"
                PRIu32 ",\"ts\":", n, pid, fl->lane0 + 1);
        write_us(f, fl->t0);
        fprintf(f, ",\"cat\":\"flow\",\"name\":\"%s\",\"args\":{\"code\":%u}}",
                name, (unsigned)fl->code);
        sep(f, first);
        fprintf(f, "{\"ph\":\"f\",\"bp\":\"e\",\"id\":%" PRIu64 ",\"pid\":%d,"
                "\"tid\":%" PRIu32 ",\"ts\":", n, pid, fl->lane1 + 1);
        write_us(f, fl->t1);
        fprintf(f, ",\"cat\":\"flow\",\"name\":\"%s\",\"args\":{\"code\":%u}}",
                name, (unsigned)fl->code);
    }
}

/* A CPython trace's own: which model it stands beside, and the interpreter. */
static void write_python(FILE *f, const sim_trace *t, int of)
{
    const sim_python *p = &t->python;
    fprintf(f, ",\"of\":%d,\"python\":{\"path\":", of);
    sim_json_write_string(f, p->path);
    fputs(",\"impl\":", f);
    sim_json_write_string(f, p->impl);
    fputs(",\"version\":", f);
    sim_json_write_string(f, p->version);
    fprintf(f, ",\"free_threaded\":%d,\"gil\":%d}", p->free_threaded, p->gil);
}

static void write_model_data(FILE *f, const sim_trace *t, int of)
{
    size_t nmarks = 0;
    for (uint32_t i = 0; i < t->nlanes; i++)
        nmarks += t->lanes[i].nmarks;
    fputs("{\"name\":", f);
    sim_json_write_string(f, sim_model_name(t->model));
    if (t->source == SIM_SOURCE_CPYTHON)
        write_python(f, t, of);
    fprintf(f, ",\"end_ns\":%" PRId64 ",\"now_ns\":%" PRId64
            ",\"failed\":%s,\"outcome\":\"%s\",\"error\":", t->end_ns, t->now_ns,
            sim_trace_failed(t) ? "true" : "false", sim_outcome_key(t->outcome));
    sim_json_write_string(f, t->error);
    if (t->deadlock.t >= 0) {
        fprintf(f, ",\"deadlock\":{\"t_ns\":%" PRId64 ",\"links\":[", t->deadlock.t);
        for (uint32_t i = 0; i < t->deadlock.nlinks; i++) {
            const sim_twait *w = &t->deadlock.links[i];
            fprintf(f, "%s[%" PRIu32 ",%" PRIu32 ",%lld]", i ? "," : "", w->task, w->name,
                    w->holder == SIM_NO_TASK ? -1ll : (long long)w->holder);
        }
        fputs("]}", f);
    }
    fprintf(f, ",\n  \"workers\":%d,\"threads\":%d,\"switch_interval_ns\":%" PRId64
            ",\"mem_per_task_bytes\":%" PRId64 ",\"ntasks\":%" PRIu32
            ",\"dropped\":%" PRIu64 ",\"nmarks\":%zu,\"ninstants\":%zu"
            ",\"nflows\":%zu", t->cfg.workers, t->cfg.threads, t->cfg.switch_interval_ns,
            t->mem_per_task_bytes, t->ntasks, t->dropped, nmarks,
            t->ninstants, t->nflows);
    if (t->model == SIM_MODEL_MULTIPROCESSING) {
        fputs(",\"start_method\":", f);
        sim_json_write_string(f, sim_start_method_name(t->cfg.start_method));
    }
    sim_chrome_write_shared(f, t);
    fputs(",\n  \"lane_kinds\":[", f);
    for (uint32_t i = 0; i < t->nlanes; i++)
        fprintf(f, "%s%u", i ? "," : "", (unsigned)t->lanes[i].kind);
    fputs("],\n  \"lane_indices\":[", f);
    for (uint32_t i = 0; i < t->nlanes; i++)
        fprintf(f, "%s%" PRIu32, i ? "," : "", t->lanes[i].index);
    fputs("],\n  \"lane_cpu_ns\":[", f);
    for (uint32_t i = 0; i < t->nlanes; i++)
        fprintf(f, "%s%" PRId64, i ? "," : "", t->lanes[i].cpu_ns);
    fputs("]}", f);
}

/* How many CPython traces the comparison carries. */
static int count_cpython(const sim_comparison *c)
{
    int n = 0;
    for (int i = 0; i < c->ntraces; i++)
        n += sim_comparison_cpython(c, i) != NULL;
    return n;
}

static void write_other_data(FILE *f, const sim_comparison *c)
{
    fputs("\"otherData\":{\"generator\":\"concviz " CONCVIZ_VERSION "\"", f);
    /* A file without CPython traces is a format 2 file: older concviz
     * versions still open it. */
    fprintf(f, ",\"concviz_format\":%d,\n\"workload\":",
            count_cpython(c) ? SIM_CHROME_FORMAT : 2);
    sim_json_write_string(f, c->workload ? c->workload : "");
    fprintf(f, ",\"nominal_ns\":%" PRId64 ",\"recorded_at\":", c->nominal_ns);
    sim_json_write_string(f, c->recorded_at);
    fprintf(f, ",\n\"machine\":{\"cpus\":%d,\"cpu_model\":", c->machine.cpus);
    sim_json_write_string(f, c->machine.cpu_model);
    fputs(",\"hostname\":", f);
    sim_json_write_string(f, c->machine.hostname);
    fputs(",\"os\":", f);
    sim_json_write_string(f, c->machine.os);
    fputs("},\n\"models\":[", f);
    for (int i = 0; i < c->ntraces; i++) {
        fputs(i ? ",\n " : "\n ", f);
        write_model_data(f, &c->traces[i], i);
    }
    fputs("]", f);
    if (count_cpython(c)) {
        fputs(",\n\"cpython\":[", f);
        for (int i = 0, k = 0; i < c->ntraces; i++) {
            const sim_trace *py = sim_comparison_cpython(c, i);
            if (!py)
                continue;
            fputs(k++ ? ",\n " : "\n ", f);
            write_model_data(f, py, i);
        }
        fputs("]", f);
    }
    fputc('}', f);
}

int sim_chrome_write(FILE *f, const sim_comparison *c)
{
    if (c->ntraces < 0 || c->ntraces > SIM_MODEL__COUNT)
        return SIM_E_USAGE;
    /* The engines' traces are processes 1..ntraces; CPython's follow, in
     * the order of the models they stand beside. */
    const sim_trace *all[2 * SIM_MODEL__COUNT];
    int n = 0;
    for (int k = 0; k < c->ntraces; k++)
        all[n++] = &c->traces[k];
    for (int k = 0; k < c->ntraces; k++)
        if (sim_comparison_cpython(c, k))
            all[n++] = &c->cpython[k];
    int first = 1;
    fputs("{\"traceEvents\":[", f);
    char name[64], proc[160];
    for (int k = 0; k < n; k++) {
        const sim_trace *t = all[k];
        int pid = k + 1;
        snprintf(proc, sizeof proc, "%s", sim_model_name(t->model));
        if (t->source == SIM_SOURCE_CPYTHON) {
            char label[96];
            sim_python_label(&t->python, label, sizeof label);
            snprintf(proc, sizeof proc, "%s (%s, measured)", sim_model_name(t->model), label);
        }
        write_meta(f, &first, pid, 0, "process_name", proc, 0);
        write_meta(f, &first, pid, 0, "process_sort_index", NULL, k);
        for (uint32_t li = 0; li < t->nlanes; li++) {
            sim_lane_name(t, li, name, sizeof name);
            write_meta(f, &first, pid, li + 1, "thread_name", name, 0);
            write_meta(f, &first, pid, li + 1, "thread_sort_index", NULL, (long)li);
        }
    }
    uint64_t flow_id = 0;
    for (int k = 0; k < n; k++) {
        write_marks(f, &first, all[k], k + 1);
        write_instants(f, &first, all[k], k + 1);
        write_flows(f, &first, all[k], k + 1, &flow_id);
    }
    fputs("\n],\n\"displayTimeUnit\":\"ns\",\n", f);
    write_other_data(f, c);
    fputs("}\n", f);
    return ferror(f) ? SIM_E_SYS : SIM_OK;
}

int sim_chrome_save(const char *path, const sim_comparison *c, char *msg, size_t n)
{
    sim_afile af;
    int e = sim_afile_open(&af, path, msg, n);
    if (e)
        return e;
    e = sim_chrome_write(af.f, c);
    if (e == SIM_E_USAGE) {
        sim_afile_abort(&af);
        snprintf(msg, n, "%s: not written: the comparison holds %d models",
                 path, c->ntraces);
        return e;
    }
    /* A stream error is also caught by commit, which names its cause. */
    return sim_afile_commit(&af, msg, n);
}
