/* utrace_run.c - one traced run of a person's program (utrace.h).
 *
 * In order: a private folder (mkdtemp) with the tracer's three files and
 * an empty folder for its records; the interpreter started through the
 * guard (pyproc.h) as
 *
 *     PYTHON [ITS OPTIONS] FOLDER/tracer/concviz_trace_run.py SCRIPT [ARGS]
 *
 * with CONCVIZ_TRACE_DIR naming the records' folder and the tracer's
 * folder first on PYTHONPATH (for the processes the program starts), its
 * standard output and error those of concviz; the sampler watching its
 * threads meanwhile; its records read, the trace built, the folder
 * removed. The interpreter is executed as found, with argv[0] the name the
 * person gave, so that a virtual environment's python3 (a symlink) still
 * finds its environment.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "escape.h"
#include "format.h"
#include "pyproc.h"
#include "utrace.h"
#include "utrace_build.h"
#include "embedded.h"

extern char **environ;

/* The tracer's files, by the names Python imports them under. */
typedef struct tracer_file {
    const char *name;
    const char *text;
    const size_t *len;
} tracer_file;

static const tracer_file files[] = {
    {"concviz_trace.py", ut_tracer_py, &ut_tracer_py_len},
    {"concviz_trace_run.py", ut_run_py, &ut_run_py_len},
    {"sitecustomize.py", ut_site_py, &ut_site_py_len},
};
#define NFILES (sizeof files / sizeof files[0])

const char *sim_utrace_file(size_t i, const char **text, size_t *len)
{
    if (i >= NFILES)
        return NULL;
    *text = files[i].text;
    *len = *files[i].len;
    return files[i].name;
}

/* ---- the folder --------------------------------------------------------------- */

static void remove_tree(const char *dir)
{
    DIR *dp = opendir(dir);
    if (dp) {
        struct dirent *de;
        while ((de = readdir(dp))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            if (unlinkat(dirfd(dp), de->d_name, 0) != 0 && errno == EISDIR) {
                char sub[4200];
                snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
                remove_tree(sub);
            }
        }
        closedir(dp);
    }
    rmdir(dir);
}

static int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wx");
    if (!f)
        return -1;
    int ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* The folder with tracer/ (the three files) and rec/. */
static int make_folder(char *dir, size_t n, char *msg, size_t mn)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, n, "%s/concviz-trace-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(msg, mn, "could not make a folder for the tracer: %s", strerror(errno));
        return SIM_E_SYS;
    }
    char path[4300];
    snprintf(path, sizeof path, "%s/tracer", dir);
    int ok = mkdir(path, 0700) == 0;
    snprintf(path, sizeof path, "%s/rec", dir);
    ok = ok && mkdir(path, 0700) == 0;
    for (size_t i = 0; ok && i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/tracer/%s", dir, files[i].name);
        ok = write_file(path, files[i].text, *files[i].len) == 0;
    }
    if (!ok) {
        snprintf(msg, mn, "could not write the tracer into %s: %s", dir, strerror(errno));
        remove_tree(dir);
        return SIM_E_SYS;
    }
    return 0;
}

/* ---- the command line and the environment ---------------------------------------------- */

typedef struct cmd {
    char **argv;
    char **envp;
    char runfile[4300], trace_dir[4300], pythonpath[8600], min_ns[64];
} cmd;

static void cmd_free(cmd *c)
{
    free(c->argv);
    free(c->envp);
}

static int build_cmd(cmd *c, const sim_utrace_desc *d, const char *dir)
{
    size_t nargs = 0;
    while (d->args[nargs])
        nargs++;
    c->argv = calloc(nargs + 3, sizeof *c->argv);
    size_t nenv = 0;
    while (environ[nenv])
        nenv++;
    c->envp = calloc(nenv + 4, sizeof *c->envp);
    if (!c->argv || !c->envp)
        return SIM_E_NOMEM;
    snprintf(c->runfile, sizeof c->runfile, "%s/tracer/concviz_trace_run.py", dir);
    size_t k = 0;
    c->argv[k++] = (char *)d->py->info.path; /* as given: sys.executable, a venv's */
    for (size_t i = 0; i < d->nopts && i < nargs; i++)
        c->argv[k++] = d->args[i];
    c->argv[k++] = c->runfile;
    for (size_t i = d->nopts; i < nargs; i++)
        c->argv[k++] = d->args[i];
    c->argv[k] = NULL;
    const char *old_path = NULL;
    k = 0;
    for (size_t i = 0; i < nenv; i++) {
        if (!strncmp(environ[i], "PYTHONPATH=", 11)) {
            old_path = environ[i] + 11;
            continue;
        }
        if (!strncmp(environ[i], "CONCVIZ_TRACE_", 14))
            continue;
        c->envp[k++] = environ[i];
    }
    snprintf(c->trace_dir, sizeof c->trace_dir, "CONCVIZ_TRACE_DIR=%s/rec", dir);
    snprintf(c->pythonpath, sizeof c->pythonpath, "PYTHONPATH=%s/tracer%s%s", dir,
             old_path && old_path[0] ? ":" : "", old_path ? old_path : "");
    c->envp[k++] = c->trace_dir;
    c->envp[k++] = c->pythonpath;
    if (d->min_block_ns > 0) {
        snprintf(c->min_ns, sizeof c->min_ns, "CONCVIZ_TRACE_MIN_NS=%lld",
                 (long long)d->min_block_ns);
        c->envp[k++] = c->min_ns;
    }
    c->envp[k] = NULL;
    return 0;
}

/* ---- how it went, in the trace ------------------------------------------------------------ */

/* What the tracer cost, from the counts each process kept and the costs
 * the main process measured before the script started. A process's
 * slowdown is its life over its life without the tracer's own work; the
 * main process's life is the program's wall time (`wall`), the
 * interpreter's own start included, as an untraced run would measure it. */
static void costs(const ut_rec *r, sim_tprogram *p, int64_t wall)
{
    int64_t ev = -1, rec = -1, hook = -1;
    for (size_t i = 0; i < r->nprocs; i++)
        if (r->procs[i].cost_event >= 0) {
            ev = r->procs[i].cost_event;
            rec = r->procs[i].cost_record;
            hook = r->procs[i].cost_hook;
        }
    uint64_t events = 0, records = 0;
    int64_t total = 0, start = 0;
    double worst = 0;
    for (size_t i = 0; i < r->nprocs; i++) {
        const ut_proc *q = &r->procs[i];
        events += q->events + q->hooks;
        records += q->records;
        if (ev < 0)
            continue;
        int64_t own = (int64_t)q->events * ev + (int64_t)q->records * rec +
                      (int64_t)q->hooks * hook;
        int64_t from = q->t_start;
        if (q->t_begin >= 0 && q->t_ready >= q->t_begin) {
            /* the tracer's own start (the main process): all of it overhead */
            own += q->t_ready - q->t_begin;
            start += q->t_ready - q->t_begin;
            if (q->t_begin < from)
                from = q->t_begin;
        }
        total += own;
        int64_t life = (q->t_exit >= 0 ? q->t_exit : q->last_t) - from;
        if (q->t_begin >= 0 && wall > life)
            life = wall;
        if (life > 0 && own < life) {
            double s = (double)life / (double)(life - own);
            if (s > worst)
                worst = s;
        }
    }
    p->events = events;
    p->records = records;
    p->cost_event_ns = ev;
    p->start_ns = ev >= 0 ? start : -1;
    p->overhead_ns = ev >= 0 ? total : -1;
    p->slowdown = ev >= 0 ? (worst > 1.0 ? worst : 1.0) : 0;
}

/* The exception that ended the main thread of the main process, if any. */
static void raised(const ut_rec *r, sim_tprogram *p)
{
    for (size_t i = 0; i < r->nprocs; i++) {
        const ut_proc *q = &r->procs[i];
        if (strcmp(q->how, "main") || !q->nthreads)
            continue;
        const char *what = sim_tprogram_str(p, q->threads[0].raised);
        if (what)
            snprintf(p->raised, sizeof p->raised, "%s", what);
    }
}

static void outcome(sim_trace *t, const sim_utrace_desc *d, const sim_utrace_result *res)
{
    sim_tprogram *p = t->program;
    char shown[300], dur[32];
    sim_escape(d->label ? d->label : d->py->info.path, 0, shown, sizeof shown);
    t->outcome = SIM_OUTCOME_OK;
    if (res->timed_out) {
        sim_format_ns(d->timeout_ns, dur, sizeof dur);
        snprintf(t->error, sizeof t->error, "stopped after %s (--timeout)%s", dur,
                 res->killed ? "; it did not stop when asked and was killed" : "");
        t->outcome = SIM_OUTCOME_TIMEOUT;
    } else if (res->cancelled) {
        snprintf(t->error, sizeof t->error, "stopped on request");
        t->outcome = SIM_OUTCOME_CANCELLED;
    } else if (WIFSIGNALED(res->status)) {
        p->signal = WTERMSIG(res->status);
        snprintf(t->error, sizeof t->error, "%.200s was killed by signal %d (%s)", shown,
                 p->signal, strsignal(p->signal));
        t->outcome = SIM_OUTCOME_FAILED;
    } else if (WIFEXITED(res->status)) {
        p->exit_code = WEXITSTATUS(res->status);
        if (p->exit_code != 0) {
            if (p->raised[0])
                snprintf(t->error, sizeof t->error, "%.100s raised %.120s (exit status %d)",
                         shown, p->raised, p->exit_code);
            else
                snprintf(t->error, sizeof t->error, "%.200s exited with status %d", shown,
                         p->exit_code);
            t->outcome = SIM_OUTCOME_FAILED;
        }
    }
}

/* ---- the run ----------------------------------------------------------------------------- */

/* The untraced run of desc.baseline: its wall time, or -1 when it did not
 * run to its end by itself. Its output is discarded: the traced run's is
 * the one the person sees. */
static int64_t untraced(const sim_utrace_desc *d)
{
    size_t n = 0;
    while (d->args[n])
        n++;
    char **argv = calloc(n + 2, sizeof *argv);
    if (!argv)
        return -1;
    argv[0] = (char *)d->py->info.path;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = d->args[i];
    sim_pyproc_desc pd = {.path = d->py->path, .argv = argv, .envp = environ,
                          .out_path = "/dev/null", .err_path = "/dev/null",
                          .timeout_ns = d->timeout_ns, .cancel = d->cancel};
    sim_pyproc_result pr;
    char why[256];
    int e = sim_pyproc_run(&pd, &pr, why, sizeof why);
    free(argv);
    if (e || pr.exec_errno || pr.timed_out || pr.cancelled)
        return -1;
    return pr.wall_ns;
}

int sim_utrace_run(const sim_utrace_desc *d, sim_comparison *c, sim_utrace_result *res,
                   char *msg, size_t n)
{
    memset(c, 0, sizeof *c);
    memset(res, 0, sizeof *res);
    for (int k = 0; k < SIM_MODEL__COUNT; k++)
        c->traces[k].end_ns = -1;
    res->baseline_ns = d->baseline ? untraced(d) : -1;
    char dir[4096];
    int e = make_folder(dir, sizeof dir, msg, n);
    if (e)
        return e;
    cmd cm = {0};
    e = build_cmd(&cm, d, dir);
    if (e) {
        snprintf(msg, n, "out of memory");
        cmd_free(&cm);
        remove_tree(dir);
        return e;
    }
    char recdir[4300];
    snprintf(recdir, sizeof recdir, "%s/rec", dir);
    ut_sampler smp;
    memset(&smp, 0, sizeof smp);
    int sampling = d->sample_ns >= 0 && ut_sampler_start(&smp, recdir, d->sample_ns) == 0;
    sim_pyproc_result pr;
    sim_pyproc_desc pd = {.path = d->py->path, .argv = cm.argv, .envp = cm.envp,
                          .timeout_ns = d->timeout_ns, .cancel = d->cancel,
                          .pass_stdin = d->pass_stdin};
    char why[512] = "";
    int64_t origin = sim_clock_ns();
    e = sim_pyproc_run(&pd, &pr, why, sizeof why);
    int64_t end = origin + pr.wall_ns;
    if (sampling)
        ut_sampler_stop(&smp);
    cmd_free(&cm);
    if (e) {
        snprintf(msg, n, "could not run %s: %s", d->py->info.path, why);
        ut_sampler_free(&smp);
        remove_tree(dir);
        return SIM_E_SYS;
    }
    res->exec_errno = pr.exec_errno;
    res->status = pr.status;
    res->timed_out = pr.timed_out;
    res->cancelled = pr.cancelled;
    res->killed = pr.killed;
    res->leftovers = pr.leftovers;
    res->wall_ns = pr.wall_ns;

    sim_tprogram *prog = sim_tprogram_new();
    ut_rec r = {.prog = prog};
    size_t unreadable = 0;
    e = prog ? ut_rec_read_dir(&r, recdir, &unreadable) : -ENOMEM;
    remove_tree(dir);
    res->unreadable = unreadable;
    for (size_t i = 0; i < r.nprocs; i++)
        res->bad_lines += r.procs[i].bad_lines;
    sim_trace *t = &c->traces[0];
    if (!e)
        e = ut_build_trace(&r, sampling ? &smp : NULL, origin, end, d->py->info.gil != 0, prog,
                           t);
    if (!e) {
        t->source = SIM_SOURCE_PROGRAM;
        t->program = prog;
        prog = NULL;
        c->ntraces = 1;
        snprintf(t->program->tool, sizeof t->program->tool, "concviz trace");
        snprintf(t->program->command, sizeof t->program->command, "%s",
                 d->label ? d->label : d->py->info.path);
        t->program->sample_ns = sampling ? ut_sampler_period(&smp) : 0;
        t->program->baseline_ns = res->baseline_ns;
        t->python = d->py->info;
        for (size_t i = 0; i < r.nprocs; i++)
            for (size_t k = 0; k < r.procs[i].nchildren; k++)
                if (!ut_rec_proc(&r, r.procs[i].children[k].pid))
                    res->untraced_children++;
        costs(&r, t->program, pr.wall_ns);
        raised(&r, t->program);
        outcome(t, d, res);
        if (pr.exec_errno) {
            snprintf(t->error, sizeof t->error, "%.150s could not be run: %.80s",
                     d->py->info.path, strerror(pr.exec_errno));
            t->outcome = SIM_OUTCOME_FAILED;
        }
        sim_machine_probe(&c->machine);
        c->machine.cpus = sim_machine_cpus();
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(c->recorded_at, sizeof c->recorded_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    ut_rec_free(&r);
    ut_sampler_free(&smp);
    sim_tprogram_free(prog);
    if (e) {
        sim_comparison_deinit(c);
        snprintf(msg, n, "out of memory while reading what the program recorded");
        return SIM_E_NOMEM;
    }
    return 0;
}
