/* trace_program_save.c - a program's trace written as Chrome trace events
 * (trace_program.h describes the file).
 *
 * Written in one pass over the lanes, in the order concviz draws them:
 * metadata first (so that a viewer names the tracks before it fills
 * them), then each lane's marks, then the instants and the flows. Strings
 * from the program (its threads' names, what they waited on) go through
 * sim_json_write_string, which escapes them and replaces broken UTF-8, so
 * the file is valid JSON whatever the program named its threads.
 */
#include <inttypes.h>
#include <string.h>

#include "atomic_file.h"
#include "concviz_build.h"
#include "err.h"
#include "json.h"
#include "program.h"
#include "trace_program.h"

int sim_comparison_is_program(const sim_comparison *c)
{
    return c->ntraces == 1 && c->traces[0].program &&
           (c->traces[0].source == SIM_SOURCE_PROGRAM || c->traces[0].source == SIM_SOURCE_FOREIGN);
}

static void us(FILE *f, int64_t ns)
{
    sim_json_write_fixed(f, ns, 3);
}

static void str(FILE *f, const char *s)
{
    sim_json_write_string(f, s ? s : "");
}

static int32_t lane_pid(const sim_tprogram *p, uint32_t lane)
{
    int32_t pid = lane < p->nlanes ? p->lanes[lane].pid : 0;
    return pid > 0 ? pid : 1;
}

/* What a mark's arg means: on a loop or process lane, the lane it runs;
 * elsewhere, words of the program (what it waited on). */
static int arg_is_lane(const sim_tprogram *p, uint32_t lane)
{
    uint8_t k = lane < p->nlanes ? p->lanes[lane].kind : SIM_PLANE_THREAD;
    return k == SIM_PLANE_LOOP || k == SIM_PLANE_PROCESS;
}

static void write_other(FILE *f, const sim_comparison *c, const sim_trace *t)
{
    const sim_tprogram *p = t->program;
    size_t nmarks = 0;
    for (uint32_t i = 0; i < t->nlanes; i++)
        nmarks += t->lanes[i].nmarks;
    fprintf(f, "{\"otherData\":{\"generator\":\"concviz " CONCVIZ_VERSION "\","
            "\"concviz_program\":%d,\"source\":\"%s\",\"tool\":", SIM_PROGRAM_FORMAT,
            t->source == SIM_SOURCE_PROGRAM ? "program" : "foreign");
    str(f, p->tool);
    fputs(",\"command\":", f);
    str(f, p->command);
    fputs(",\"recorded_at\":", f);
    str(f, c->recorded_at);
    fprintf(f, ",\"machine\":{\"cpus\":%d,\"cpu_model\":", c->machine.cpus);
    str(f, c->machine.cpu_model);
    fputs(",\"hostname\":", f);
    str(f, c->machine.hostname);
    fputs(",\"os\":", f);
    str(f, c->machine.os);
    fputs("},\"python\":{\"path\":", f);
    str(f, t->python.path);
    fputs(",\"impl\":", f);
    str(f, t->python.impl);
    fputs(",\"version\":", f);
    str(f, t->python.version);
    fprintf(f, ",\"free_threaded\":%d,\"gil\":%d},\"model\":\"%s\"", t->python.free_threaded,
            t->python.gil, sim_model_name(t->model));
    fprintf(f, ",\"outcome\":\"%s\",\"error\":", sim_outcome_key(t->outcome));
    str(f, t->error);
    fprintf(f, ",\"exit_code\":%d,\"signal\":%d,\"raised\":", p->exit_code, p->signal);
    str(f, p->raised);
    fputs(",\"note\":", f);
    str(f, p->note);
    fprintf(f, ",\"end_ns\":%" PRId64 ",\"events\":%" PRIu64 ",\"records\":%" PRIu64
            ",\"overhead_ns\":%" PRId64 ",\"cost_event_ns\":%" PRId64 ",\"start_ns\":%" PRId64
            ",\"slowdown_x1000\":%lld,\"baseline_ns\":%" PRId64 ",\"sample_ns\":%" PRId64,
            t->end_ns, p->events, p->records, p->overhead_ns, p->cost_event_ns, p->start_ns,
            (long long)(p->slowdown * 1000.0 + 0.5), p->baseline_ns, p->sample_ns);
    fprintf(f, ",\"nlanes\":%u,\"nmarks\":%zu,\"ninstants\":%zu,\"nflows\":%zu,\"lanes\":[",
            t->nlanes, nmarks, t->ninstants, t->nflows);
    for (uint32_t i = 0; i < t->nlanes; i++) {
        const sim_plane *l = i < p->nlanes ? &p->lanes[i] : NULL;
        fprintf(f, "%s{\"kind\":\"%s\",\"depth\":%d,\"pid\":%d,\"owner\":%lld,\"cpu_ns\":%" PRId64
                ",\"label\":", i ? "," : "",
                sim_plane_kind_name(l ? (sim_plane_kind)l->kind : SIM_PLANE_THREAD),
                l ? l->depth : 0, l ? l->pid : 0,
                l && l->owner != SIM_NO_TASK ? (long long)l->owner : -1LL, t->lanes[i].cpu_ns);
        str(f, l ? sim_tprogram_str(p, l->label) : "");
        fputc('}', f);
    }
    fputs("]},\n\"traceEvents\":[\n", f);
}

/* Process and thread names, and their order, for the viewers. */
static void write_names(FILE *f, const sim_trace *t, int *first)
{
    const sim_tprogram *p = t->program;
    for (uint32_t i = 0; i < t->nlanes; i++) {
        int32_t pid = lane_pid(p, i);
        /* A process's lanes come together, the first of them its own lane
         * when it has one (program.h). */
        if (i == 0 || lane_pid(p, i - 1) != pid) {
            fprintf(f, "%s{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,\"tid\":0,"
                    "\"args\":{\"name\":", *first ? "" : ",\n", pid);
            char name[640];
            const char *own = i < p->nlanes && p->nprocesses > 1 && p->lanes[i].depth == 0
                                  ? sim_tprogram_str(p, p->lanes[i].label) : NULL;
            snprintf(name, sizeof name, "%s (pid %d)", own ? own : p->command[0] ? p->command
                                                                                 : "process",
                     pid);
            str(f, name);
            fprintf(f, "}},\n{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%d,"
                    "\"tid\":0,\"args\":{\"sort_index\":%u}}", pid, i);
            *first = 0;
        }
        fprintf(f, ",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%d,\"tid\":%u,"
                "\"args\":{\"name\":", pid, i + 1);
        char name[64];
        sim_lane_name(t, i, name, sizeof name);
        str(f, name);
        fprintf(f, "}},\n{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":%d,\"tid\":%u,"
                "\"args\":{\"sort_index\":%u}}", pid, i + 1, i);
    }
}

static int lengthless(uint8_t st)
{
    return st == SIM_ST_NONE || st == SIM_ST_IDLE || st == SIM_ST_DONE;
}

static void write_marks(FILE *f, const sim_trace *t, int *first)
{
    const sim_tprogram *p = t->program;
    for (uint32_t i = 0; i < t->nlanes; i++) {
        const sim_lane *l = &t->lanes[i];
        int lanes = arg_is_lane(p, i);
        for (uint32_t k = 0; k < l->nmarks; k++) {
            const sim_mark *m = &l->marks[k];
            int64_t end = sim_lane_seg_end(t, l, k);
            int64_t d = lengthless(m->state) || end < m->t ? 0 : end - m->t;
            fprintf(f, "%s{\"ph\":\"X\",\"name\":", *first ? "" : ",\n");
            *first = 0;
            str(f, sim_state_name((sim_state)m->state));
            fprintf(f, ",\"pid\":%d,\"tid\":%u,\"ts\":", lane_pid(p, i), i + 1);
            us(f, m->t);
            fputs(",\"dur\":", f);
            us(f, d);
            fprintf(f, ",\"args\":{\"st\":%u", m->state);
            if (m->arg != SIM_NO_TASK && lanes && m->arg < t->nlanes) {
                fprintf(f, ",\"on\":%u", m->arg);
            } else if (m->arg != SIM_NO_TASK && !lanes && sim_tprogram_str(p, m->arg)) {
                fputs(",\"what\":", f);
                str(f, sim_tprogram_str(p, m->arg));
            }
            if (m->flags & SIM_MARK_INFERRED)
                fputs(",\"inferred\":1", f);
            fputs("}}", f);
        }
    }
}

static void write_instants(FILE *f, const sim_trace *t, int *first)
{
    const sim_tprogram *p = t->program;
    for (size_t i = 0; i < t->ninstants; i++) {
        const sim_tinstant *in = &t->instants[i];
        if (in->lane >= t->nlanes)
            continue;
        fprintf(f, "%s{\"ph\":\"i\",\"s\":\"t\",\"name\":", *first ? "" : ",\n");
        *first = 0;
        str(f, sim_instant_name((sim_instant)in->code));
        fprintf(f, ",\"pid\":%d,\"tid\":%u,\"ts\":", lane_pid(p, in->lane), in->lane + 1);
        us(f, in->t);
        fprintf(f, ",\"args\":{\"code\":%u", in->code);
        /* An await's and a mark's words; a spawn's pid, an exit's status. */
        const char *what = in->code == SIM_IN_AWAIT || in->code == SIM_IN_MARK
                               ? sim_tprogram_str(p, in->arg) : NULL;
        if (what) {
            fputs(",\"what\":", f);
            str(f, what);
        } else if (in->code == SIM_IN_SPAWN || in->code == SIM_IN_EXIT) {
            fprintf(f, ",\"arg\":%d", (int32_t)in->arg);
        }
        fputs("}}", f);
    }
}

static void write_flows(FILE *f, const sim_trace *t, int *first)
{
    const sim_tprogram *p = t->program;
    for (size_t i = 0; i < t->nflows; i++) {
        const sim_tflow *fl = &t->flows[i];
        if (fl->lane0 >= t->nlanes || fl->lane1 >= t->nlanes)
            continue;
        const char *name = sim_flow_name((sim_flow)fl->code);
        fprintf(f, "%s{\"ph\":\"s\",\"cat\":\"concviz\",\"id\":%zu,\"name\":", *first ? "" : ",\n",
                i + 1);
        *first = 0;
        str(f, name);
        fprintf(f, ",\"pid\":%d,\"tid\":%u,\"ts\":", lane_pid(p, fl->lane0), fl->lane0 + 1);
        us(f, fl->t0);
        fprintf(f, ",\"args\":{\"code\":%u}},\n{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"concviz\","
                "\"id\":%zu,\"name\":", fl->code, i + 1);
        str(f, name);
        fprintf(f, ",\"pid\":%d,\"tid\":%u,\"ts\":", lane_pid(p, fl->lane1), fl->lane1 + 1);
        us(f, fl->t1);
        fputc('}', f);
    }
}

int sim_program_write(FILE *f, const sim_comparison *c)
{
    if (!sim_comparison_is_program(c))
        return SIM_E_USAGE;
    const sim_trace *t = &c->traces[0];
    int first = 1;
    write_other(f, c, t);
    write_names(f, t, &first);
    write_marks(f, t, &first);
    write_instants(f, t, &first);
    write_flows(f, t, &first);
    fputs("\n],\n\"displayTimeUnit\":\"ns\"}\n", f);
    return ferror(f) ? SIM_E_SYS : 0;
}

int sim_program_save(const char *path, const sim_comparison *c, char *msg, size_t n)
{
    sim_afile af;
    int e = sim_afile_open(&af, path, msg, n);
    if (e)
        return e;
    e = sim_program_write(af.f, c);
    if (e == SIM_E_USAGE) {
        sim_afile_abort(&af);
        snprintf(msg, n, "%s: not written: it is not a program's trace", path);
        return e;
    }
    return sim_afile_commit(&af, msg, n);
}
