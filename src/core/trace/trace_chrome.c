/* trace_chrome.c - a comparison written as Chrome Trace Event JSON.
 *
 * Chrome's trace format (the "JSON Object Format" of the Trace Event Format
 * document) is what Perfetto and chrome://tracing read, so a run saved by
 * concviz can be explored in those tools too. A file holds two pictures of
 * the same run:
 *
 *   - "traceEvents", for those viewers: a thread per lane, an "X"
 *     (complete) event per mark lasting until the next one, instants and
 *     flow arrows. Only what a viewer shows is written: the name, the
 *     times, the task a resource runs and the core.
 *   - "concviz_lanes", for concviz: every lane's marks exactly, in the
 *     compact text of trace_text.h, and the instants and flows as flat
 *     arrays of integers. This is what `concviz open` reads; it is about a
 *     tenth of the size of the events, which a million-task run makes
 *     count.
 *
 * "otherData" comes first and stays small (the workload, the machine, each
 * model's settings, outcome and counts), so that a reader knows what the
 * file holds, and how much memory it will need, before the rest.
 *
 * Times in traceEvents are microseconds with 3 decimals ("1234.567"), as
 * the format wants, which keeps whole nanoseconds; concviz_lanes holds
 * integers of nanoseconds.
 */
#include "trace_chrome.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "atomic_file.h"
#include "concviz_build.h"
#include "err.h"
#include "json.h"
#include "start_method.h"
#include "trace_program.h"
#include "trace_share_io.h"
#include "trace_text.h"

/* ---- otherData ---------------------------------------------------------- */

/* The traces of the file in order: the models', then CPython's beside them
 * (process k + 1 is all[k]); returns how many. */
static int all_traces(const sim_comparison *c, const sim_trace **all)
{
    int n = 0;
    for (int k = 0; k < c->ntraces; k++)
        all[n++] = &c->traces[k];
    for (int k = 0; k < c->ntraces; k++)
        if (sim_comparison_cpython(c, k))
            all[n++] = &c->cpython[k];
    return n;
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

static void write_model_data(sim_tout *o, const sim_trace *t, int of)
{
    size_t nmarks = 0;
    for (uint32_t i = 0; i < t->nlanes; i++)
        nmarks += t->lanes[i].nmarks;
    FILE *f = o->f;
    sim_tout_flush(o);
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
            ",\"dropped\":%" PRIu64 ",\n  \"nlanes\":%" PRIu32 ",\"nmarks\":%zu"
            ",\"ninstants\":%zu,\"nflows\":%zu", t->cfg.workers, t->cfg.threads,
            t->cfg.switch_interval_ns, t->mem_per_task_bytes, t->ntasks, t->dropped,
            t->nlanes, nmarks, t->ninstants, t->nflows);
    if (t->model == SIM_MODEL_MULTIPROCESSING) {
        fputs(",\"start_method\":", f);
        sim_json_write_string(f, sim_start_method_name(t->cfg.start_method));
    }
    sim_chrome_write_shared(f, t);
    if (t->has_costs) {
        fputs(",\n  \"costs\":", f);
        sim_costs_write(f, &t->costs);
    }
    fputs("}", f);
}

static void write_other_data(sim_tout *o, const sim_comparison *c)
{
    FILE *f = o->f;
    sim_tout_flush(o);
    const sim_trace *all[2 * SIM_MODEL__COUNT];
    int n = all_traces(c, all);
    fputs("\"otherData\":{\"generator\":\"concviz " CONCVIZ_VERSION "\"", f);
    fprintf(f, ",\"concviz_format\":%d,\n\"workload\":", SIM_CHROME_FORMAT);
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
        write_model_data(o, &c->traces[i], i);
    }
    fputs("]", f);
    if (n > c->ntraces) {
        fputs(",\n\"cpython\":[", f);
        for (int i = 0, k = 0; i < c->ntraces; i++)
            if (sim_comparison_cpython(c, i)) {
                fputs(k++ ? ",\n " : "\n ", f);
                write_model_data(o, &c->cpython[i], i);
            }
        fputs("]", f);
    }
    fputs("}", f);
}

/* ---- traceEvents, for other viewers ------------------------------------- */

/* Events are separated by ",\n": one event a line, easy to read and diff. */
static void sep(sim_tout *o, int *first)
{
    sim_tout_str(o, *first ? "\n" : ",\n");
    *first = 0;
}

/* The start of an event: {"ph":"X","pid":1,"tid":2 */
static void head(sim_tout *o, int *first, const char *ph, int pid, uint32_t tid)
{
    sep(o, first);
    sim_tout_str(o, "{\"ph\":\"");
    sim_tout_str(o, ph);
    sim_tout_str(o, "\",\"pid\":");
    sim_tout_u64(o, (uint64_t)pid);
    sim_tout_str(o, ",\"tid\":");
    sim_tout_u64(o, tid);
}

static void write_meta(sim_tout *o, int *first, int pid, uint32_t tid, const char *what,
                       const char *name, long sort)
{
    head(o, first, "M", pid, tid);
    sim_tout_str(o, ",\"name\":\"");
    sim_tout_str(o, what);
    if (name) {
        sim_tout_str(o, "\",\"args\":{\"name\":");
        sim_tout_json(o, name);
    } else {
        sim_tout_str(o, "\",\"args\":{\"sort_index\":");
        sim_tout_i64(o, sort);
    }
    sim_tout_str(o, "}}");
}

static void write_marks(sim_tout *o, int *first, const sim_trace *t, int pid)
{
    for (uint32_t li = 0; li < t->nlanes; li++) {
        const sim_lane *l = &t->lanes[li];
        for (size_t i = 0; i < l->nmarks; i++) {
            const sim_mark *m = &l->marks[i];
            int64_t dur = sim_lane_seg_end(t, l, i) - m->t;
            head(o, first, "X", pid, li + 1);
            sim_tout_str(o, ",\"ts\":");
            sim_tout_us(o, m->t);
            sim_tout_str(o, ",\"dur\":");
            sim_tout_us(o, dur < 0 ? 0 : dur);
            sim_tout_str(o, ",\"name\":\"");
            sim_tout_str(o, sim_state_name((sim_state)m->state));
            sim_tout_c(o, '"');
            /* The task a resource lane serves, and the core: what a person
             * looking at the slice in Perfetto wants to know. */
            int task = l->kind != SIM_LANE_TASK && m->arg != SIM_NO_TASK;
            if (task || m->cpu != SIM_NO_CPU) {
                sim_tout_str(o, ",\"args\":{");
                if (task) {
                    sim_tout_str(o, "\"task\":");
                    sim_tout_u64(o, m->arg);
                }
                if (m->cpu != SIM_NO_CPU) {
                    sim_tout_str(o, task ? ",\"cpu\":" : "\"cpu\":");
                    sim_tout_u64(o, m->cpu);
                }
                sim_tout_c(o, '}');
            }
            sim_tout_c(o, '}');
        }
    }
}

/* A store or an inc as a point of its variable's counter track. */
static void write_counter(sim_tout *o, int *first, const sim_trace *t, int pid,
                          const sim_tinstant *in)
{
    uint32_t name = sim_value_name(in->arg);
    if (name >= t->nnames)
        return;
    head(o, first, "C", pid, in->lane + 1);
    sim_tout_str(o, ",\"ts\":");
    sim_tout_us(o, in->t);
    sim_tout_str(o, ",\"name\":");
    sim_tout_json(o, t->names[name].name);
    sim_tout_str(o, ",\"args\":{");
    sim_tout_json(o, t->names[name].name);
    sim_tout_c(o, ':');
    sim_tout_u64(o, sim_value_of(in->arg));
    sim_tout_str(o, "}}");
}

static void write_instants(sim_tout *o, int *first, const sim_trace *t, int pid)
{
    for (size_t i = 0; i < t->ninstants; i++) {
        const sim_tinstant *in = &t->instants[i];
        /* The steps and the loads mean nothing to a viewer without the
         * program; the value a store leaves does, as a counter. */
        if (in->code == SIM_IN_STORE || in->code == SIM_IN_INC) {
            write_counter(o, first, t, pid, in);
            continue;
        }
        if (in->code == SIM_IN_STEP || in->code == SIM_IN_LOAD ||
            in->code == SIM_IN_VALUES_CUT)
            continue;
        head(o, first, "i", pid, in->lane + 1);
        sim_tout_str(o, ",\"s\":\"t\",\"ts\":");
        sim_tout_us(o, in->t);
        sim_tout_str(o, ",\"name\":\"");
        sim_tout_str(o, sim_instant_name((sim_instant)in->code));
        sim_tout_c(o, '"');
        if (in->arg) {
            sim_tout_str(o, ",\"args\":{\"arg\":");
            sim_tout_u64(o, in->arg);
            sim_tout_c(o, '}');
        }
        sim_tout_c(o, '}');
    }
}

static void write_flows(sim_tout *o, int *first, const sim_trace *t, int pid, uint64_t *id)
{
    for (size_t i = 0; i < t->nflows; i++) {
        const sim_tflow *fl = &t->flows[i];
        const char *name = sim_flow_name((sim_flow)fl->code);
        uint64_t n = ++*id;
        for (int end = 0; end < 2; end++) {
            head(o, first, end ? "f" : "s", pid, (end ? fl->lane1 : fl->lane0) + 1);
            sim_tout_str(o, end ? ",\"bp\":\"e\",\"id\":" : ",\"id\":");
            sim_tout_u64(o, n);
            sim_tout_str(o, ",\"ts\":");
            sim_tout_us(o, end ? fl->t1 : fl->t0);
            sim_tout_str(o, ",\"cat\":\"flow\",\"name\":\"");
            sim_tout_str(o, name);
            sim_tout_str(o, "\"}");
        }
    }
}

static void write_events(sim_tout *o, const sim_comparison *c)
{
    int first = 1;
    char name[64], proc[160];
    const sim_trace *all[2 * SIM_MODEL__COUNT];
    int n = all_traces(c, all);
    for (int k = 0; k < n; k++) {
        const sim_trace *t = all[k];
        int pid = k + 1;
        snprintf(proc, sizeof proc, "%s", sim_model_name(t->model));
        if (t->source == SIM_SOURCE_CPYTHON) {
            char label[96];
            sim_python_label(&t->python, label, sizeof label);
            snprintf(proc, sizeof proc, "%s (%s, measured)", sim_model_name(t->model), label);
        }
        write_meta(o, &first, pid, 0, "process_name", proc, 0);
        write_meta(o, &first, pid, 0, "process_sort_index", NULL, k);
        for (uint32_t li = 0; li < t->nlanes; li++) {
            sim_lane_name(t, li, name, sizeof name);
            write_meta(o, &first, pid, li + 1, "thread_name", name, 0);
            write_meta(o, &first, pid, li + 1, "thread_sort_index", NULL, (long)li);
        }
    }
    uint64_t flow_id = 0;
    for (int k = 0; k < n; k++) {
        write_marks(o, &first, all[k], k + 1);
        write_instants(o, &first, all[k], k + 1);
        write_flows(o, &first, all[k], k + 1, &flow_id);
    }
}

/* ---- concviz_lanes, for concviz ----------------------------------------- */

/* "more" of the instants or flows that have folded others into them, as
 * pairs of the element's index and its count. */
static void write_more(sim_tout *o, const char *key, const void *base, size_t n, size_t stride,
                       size_t off)
{
    sim_tout_str(o, key);
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t more;
        memcpy(&more, (const char *)base + i * stride + off, sizeof more);
        if (!more)
            continue;
        sim_tout_str(o, first ? "\n" : ",\n");
        first = 0;
        sim_tout_u64(o, i);
        sim_tout_c(o, ',');
        sim_tout_u64(o, more);
    }
    sim_tout_c(o, ']');
}

/* A summarized trace (trace.h, "Dense lanes"): its resolution, then each
 * record as segs, arg_changes, first_arg, last_arg, the number k of
 * states it saw, and k triples (state, count, ns). Absent from a trace
 * that keeps every state. */
static void write_dense(sim_tout *o, const sim_trace *t)
{
    if (t->resolution_ns <= 0 && t->ndense == 0)
        return;
    sim_tout_str(o, ",\n \"dense\":[");
    sim_tout_i64(o, t->resolution_ns);
    for (size_t i = 0; i < t->ndense; i++) {
        const sim_tdense *d = &t->dense[i];
        uint64_t head[4] = {d->segs, d->arg_changes, d->first_arg, d->last_arg};
        int k = 0;
        for (int s = 0; s < SIM_ST__COUNT; s++)
            k += d->n[s] > 0 || d->ns[s] > 0;
        sim_tout_str(o, ",\n");
        for (int j = 0; j < 4; j++) {
            sim_tout_u64(o, head[j]);
            sim_tout_c(o, ',');
        }
        sim_tout_u64(o, (uint64_t)k);
        for (int s = 0; s < SIM_ST__COUNT; s++) {
            if (!d->n[s] && !d->ns[s])
                continue;
            sim_tout_c(o, ',');
            sim_tout_u64(o, (uint64_t)s);
            sim_tout_c(o, ',');
            sim_tout_u64(o, d->n[s]);
            sim_tout_c(o, ',');
            sim_tout_u64(o, d->ns[s]);
        }
    }
    sim_tout_c(o, ']');
    write_more(o, ",\n \"instants_more\":[", t->instants, t->ninstants, sizeof *t->instants,
               offsetof(sim_tinstant, more));
    write_more(o, ",\n \"flows_more\":[", t->flows, t->nflows, sizeof *t->flows,
               offsetof(sim_tflow, more));
}

static void write_lanes(sim_tout *o, const sim_trace *t)
{
    sim_tout_str(o, "{\"res_kinds\":[");
    for (uint32_t i = t->ntasks; i < t->nlanes; i++) {
        if (i > t->ntasks)
            sim_tout_c(o, ',');
        sim_tout_u64(o, t->lanes[i].kind);
    }
    sim_tout_str(o, "],\"res_indices\":[");
    for (uint32_t i = t->ntasks; i < t->nlanes; i++) {
        if (i > t->ntasks)
            sim_tout_c(o, ',');
        sim_tout_u64(o, t->lanes[i].index);
    }
    sim_tout_str(o, "],\n \"cpu_ns\":[");
    for (uint32_t i = 0; i < t->nlanes; i++) {
        if (i)
            sim_tout_c(o, ',');
        sim_tout_i64(o, t->lanes[i].cpu_ns);
    }
    /* One lane a line. */
    sim_tout_str(o, "],\n \"marks\":[");
    for (uint32_t i = 0; i < t->nlanes; i++) {
        sim_tout_str(o, i ? ",\n\"" : "\n\"");
        sim_lane_text_write(o, t->lanes[i].marks, t->lanes[i].nmarks);
        sim_tout_c(o, '"');
    }
    /* Each instant as [dt, lane, code, arg], dt since the one before. */
    sim_tout_str(o, "],\n \"instants\":[");
    int64_t prev = 0;
    for (size_t i = 0; i < t->ninstants; i++) {
        const sim_tinstant *in = &t->instants[i];
        sim_tout_str(o, i ? ",\n" : "\n");
        sim_tout_i64(o, in->t - prev);
        sim_tout_c(o, ',');
        sim_tout_u64(o, in->lane);
        sim_tout_c(o, ',');
        sim_tout_u64(o, in->code);
        sim_tout_c(o, ',');
        sim_tout_u64(o, in->arg);
        prev = in->t;
    }
    /* Each flow as [dt, back, lane0, lane1, code]: dt from the previous
     * flow's end to this one's, back from its start to its end. */
    sim_tout_str(o, "],\n \"flows\":[");
    prev = 0;
    for (size_t i = 0; i < t->nflows; i++) {
        const sim_tflow *fl = &t->flows[i];
        sim_tout_str(o, i ? ",\n" : "\n");
        sim_tout_i64(o, fl->t1 - prev);
        sim_tout_c(o, ',');
        sim_tout_i64(o, fl->t1 - fl->t0);
        sim_tout_c(o, ',');
        sim_tout_u64(o, fl->lane0);
        sim_tout_c(o, ',');
        sim_tout_u64(o, fl->lane1);
        sim_tout_c(o, ',');
        sim_tout_u64(o, fl->code);
        prev = fl->t1;
    }
    sim_tout_c(o, ']');
    write_dense(o, t);
    sim_tout_c(o, '}');
}

int sim_chrome_write(FILE *f, const sim_comparison *c)
{
    /* A program's own trace is saved as plain trace events (trace_program.h). */
    if (sim_comparison_is_program(c))
        return sim_program_write(f, c);
    if (c->ntraces < 0 || c->ntraces > SIM_MODEL__COUNT)
        return SIM_E_USAGE;
    sim_tout o = {.f = f};
    sim_tout_c(&o, '{');
    write_other_data(&o, c);
    sim_tout_str(&o, ",\n\"traceEvents\":[");
    write_events(&o, c);
    sim_tout_str(&o, "\n],\n\"displayTimeUnit\":\"ns\",\n\"concviz_lanes\":[");
    const sim_trace *all[2 * SIM_MODEL__COUNT];
    int n = all_traces(c, all);
    for (int k = 0; k < n; k++) {
        sim_tout_str(&o, k ? ",\n" : "\n");
        write_lanes(&o, all[k]);
    }
    sim_tout_str(&o, "]}\n");
    sim_tout_flush(&o);
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
