/* cpython.c - finding an interpreter, running a model's program in it,
 * and turning what happened into a trace (cpython.h says why).
 *
 * One run, in order: a private folder (mkdtemp); the recorded program
 * written there; the interpreter started through the guard (pyproc.h) with
 * CONCVIZ_RECORD naming the recordings' prefix; its recordings read and
 * checked (pyrec.h); the trace derived (trace_python.h); the folder
 * removed. Every way this can fail ends in a trace whose error says it
 * in one sentence, with the last line the interpreter wrote to stderr
 * when that helps.
 */
#include "cpython.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "escape.h"
#include "format.h"
#include "pyproc.h"
#include "pyprog.h"
#include "pyrec.h"
#include "read_file.h"
#include "trace_python.h"

extern char **environ;

#define INSTALL_HINT "install Python 3 (on Debian: sudo apt-get install python3), " \
                     "or name one with --python PATH"

/* ---- finding an interpreter ---- */

static int executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* `given` as an absolute path to run: searched on PATH if it has no '/'. */
static int find_program(const char *given, char *path, size_t n)
{
    if (!given[0])
        return -1;
    if (strchr(given, '/')) {
        char real[PATH_MAX];
        if (!executable(given) || !realpath(given, real) || strlen(real) >= n)
            return -1;
        snprintf(path, n, "%s", real);
        return 0;
    }
    const char *env = getenv("PATH");
    const char *dirs = env && env[0] ? env : "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = dirs; *p;) {
        size_t len = strcspn(p, ":");
        char cand[PATH_MAX];
        int k = snprintf(cand, sizeof cand, "%.*s%s%s", (int)len, p, len ? "/" : "./", given);
        if (k > 0 && (size_t)k < sizeof cand && executable(cand)) {
            char real[PATH_MAX];
            if (realpath(cand, real) && strlen(real) < n) {
                snprintf(path, n, "%s", real);
                return 0;
            }
        }
        p += len + (p[len] == ':');
    }
    return -1;
}

/* A private folder for one run, and its removal with what is in it. */
static int make_dir(char *dir, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, n, "%s/concviz-py-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static void remove_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    if (dp) {
        struct dirent *de;
        while ((de = readdir(dp)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                unlinkat(dirfd(dp), de->d_name, 0);
        closedir(dp);
    }
    rmdir(dir);
}

/* The last non-empty line of a file (at most its last 64 KiB), escaped
 * for a terminal. "" when there is none. */
static void last_line(const char *path, char *buf, size_t n)
{
    char *text, why[128];
    size_t len;
    buf[0] = '\0';
    if (sim_file_read_all(path, "output", 1u << 30, &text, &len, why, sizeof why))
        return;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    text[len] = '\0';
    char *start = text + len;
    while (start > text && start[-1] != '\n')
        start--;
    char line[512];
    snprintf(line, sizeof line, "%s", start);
    sim_escape(line, 0, buf, n);
    free(text);
}

/* The program's own wall time, its last `wall_ms=` line; -1 if none. */
static double printed_wall(const char *path)
{
    char *text, why[128];
    size_t len;
    double ms = -1;
    if (sim_file_read_all(path, "output", 1u << 30, &text, &len, why, sizeof why))
        return -1;
    for (char *p = text; (p = strstr(p, "wall_ms=")); p += 8)
        if (p == text || p[-1] == '\n')
            ms = strtod(p + 8, NULL);
    free(text);
    return ms;
}

/* argv and envp for the interpreter (in one allocation each, freed by
 * the caller): `-I -B [-X gil=0] FILE`, the environment plus `extra`. */
typedef struct cmdline {
    char *argv[8];
    char **envp;
    char record[4200];
} cmdline;

static int build_env(cmdline *c, const char *record)
{
    size_t n = 0;
    while (environ[n])
        n++;
    c->envp = calloc(n + 2, sizeof *c->envp);
    if (!c->envp)
        return SIM_E_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "CONCVIZ_RECORD=", 15) != 0)
            c->envp[k++] = environ[i];
    if (record) {
        snprintf(c->record, sizeof c->record, "CONCVIZ_RECORD=%s", record);
        c->envp[k++] = c->record;
    }
    c->envp[k] = NULL;
    return 0;
}

static void build_argv(cmdline *c, const sim_interp *py, const char *file, const char *code)
{
    int k = 0;
    c->argv[k++] = (char *)py->path; /* sys.executable: what multiprocessing starts */
    c->argv[k++] = "-I";
    c->argv[k++] = "-B";
    if (py->info.free_threaded == 1) {
        c->argv[k++] = "-X"; /* a free-threaded build runs without its GIL */
        c->argv[k++] = "gil=0";
    }
    if (code) {
        c->argv[k++] = "-c";
        c->argv[k++] = (char *)code;
    } else {
        c->argv[k++] = (char *)file;
    }
    c->argv[k] = NULL;
}

/* "exited with status 1", "was killed by SIGSEGV", ... */
static void how_it_ended(const sim_pyproc_result *res, char *buf, size_t n)
{
    if (WIFEXITED(res->status))
        snprintf(buf, n, "exited with status %d", WEXITSTATUS(res->status));
    else if (WIFSIGNALED(res->status))
        snprintf(buf, n, "was killed by signal %d (%s)", WTERMSIG(res->status),
                 strsignal(WTERMSIG(res->status)));
    else
        snprintf(buf, n, "ended with status %d", res->status);
}

static const char probe_code[] =
    "import sys, sysconfig; print('concviz-probe', sys.implementation.name, "
    "sys.version.split()[0], 1 if sysconfig.get_config_var('Py_GIL_DISABLED') else 0, "
    "1 if getattr(sys, '_is_gil_enabled', lambda: True)() else 0, "
    "sys.version_info[0], sys.version_info[1])";

int sim_cpython_probe(sim_interp *py, const char *given, int64_t timeout_ns,
                      const atomic_int *cancel, char *msg, size_t n)
{
    memset(py, 0, sizeof *py);
    py->info.free_threaded = -1;
    py->info.gil = -1;
    char shown[300];
    sim_escape(given, 0, shown, sizeof shown);
    snprintf(py->info.path, sizeof py->info.path, "%s", given);
    if (find_program(given, py->path, sizeof py->path) != 0) {
        if (strchr(given, '/'))
            snprintf(msg, n, "%s: no such program, or not one that can be run: " INSTALL_HINT,
                     shown);
        else
            snprintf(msg, n, "%s was not found on PATH: " INSTALL_HINT, shown);
        return SIM_E_USAGE;
    }
    char dir[4096], out[4200], err[4200];
    if (make_dir(dir, sizeof dir) != 0) {
        snprintf(msg, n, "could not make a folder to ask %s its version: %s", shown,
                 strerror(errno));
        return SIM_E_SYS;
    }
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    cmdline c = {0};
    build_argv(&c, py, NULL, probe_code); /* free_threaded is -1 yet: no -X gil=0 */
    int e = build_env(&c, NULL);
    sim_pyproc_result res;
    sim_pyproc_desc d = {.path = py->path, .argv = c.argv, .envp = c.envp, .cwd = dir,
                         .out_path = out, .err_path = err,
                         .timeout_ns = timeout_ns > 0 ? timeout_ns : SIM_CPYTHON_PROBE_NS,
                         .cancel = cancel};
    char why[512] = "";
    if (!e)
        e = sim_pyproc_run(&d, &res, why, sizeof why);
    free(c.envp);
    char line[600] = "", tail[600] = "";
    if (!e) {
        last_line(out, line, sizeof line);
        last_line(err, tail, sizeof tail);
    }
    remove_dir(dir);
    if (e) {
        snprintf(msg, n, "could not ask %s its version: %s", shown,
                 why[0] ? why : sim_err_str(e));
        return SIM_E_SYS;
    }
    char ended[96];
    how_it_ended(&res, ended, sizeof ended);
    char impl[16], ver[32];
    int ft, gil;
    if (res.exec_errno) {
        snprintf(msg, n, "%s could not be run: %s", shown, strerror(res.exec_errno));
        return SIM_E_USAGE;
    }
    if (res.timed_out || res.cancelled) {
        snprintf(msg, n, "%s did not say what it is within %lld s: is it a Python "
                 "interpreter?", shown, (long long)(d.timeout_ns / 1000000000ll));
        return res.cancelled ? SIM_E_CANCELLED : SIM_E_USAGE;
    }
    if (sscanf(line, "concviz-probe %15s %31s %d %d %d %d", impl, ver, &ft, &gil, &py->major,
               &py->minor) != 6 || !WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0) {
        /* What it said last, on stderr or else stdout, helps the user see
         * what it is. */
        const char *said = tail[0] ? tail : line;
        snprintf(msg, n, "%s does not answer like a Python 3 interpreter (it %s%s%s)", shown,
                 ended, said[0] ? "; its last line: " : "", said);
        return SIM_E_USAGE;
    }
    memcpy(py->info.impl, impl, sizeof impl);
    memcpy(py->info.version, ver, sizeof ver);
    py->info.free_threaded = ft ? 1 : 0;
    py->info.gil = ft ? 0 : gil ? 1 : 0; /* free-threaded builds run with -X gil=0 */
    if (py->major != 3 || py->minor < 8) {
        snprintf(msg, n, "%s is Python %d.%d; concviz's programs need Python 3.8 or later: "
                 INSTALL_HINT, shown, py->major, py->minor);
        return SIM_E_USAGE;
    }
    return 0;
}

int sim_cpython_find_ft(sim_interp *py, char *msg, size_t n)
{
    static const char *const names[] = {"python3.14t", "python3.13t", "python3t"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096], why[512];
        if (find_program(names[i], path, sizeof path) != 0)
            continue;
        if (sim_cpython_probe(py, names[i], 0, NULL, why, sizeof why) == 0 &&
            py->info.free_threaded == 1)
            return 0;
    }
    snprintf(msg, n, "no free-threaded Python was found on PATH (python3.14t, "
             "python3.13t): name one with --python-ft PATH");
    return SIM_E_USAGE;
}

int sim_cpython_can_run(const sim_interp *py, const sim_workload *w, sim_model m,
                        char *msg, size_t n)
{
    if (m != SIM_MODEL_ASYNCIO || py->major > 3 || py->minor >= 9)
        return 1;
    for (size_t i = 0; i < w->nops; i++)
        if (w->ops[i].kind == SIM_OP_EXEC && w->ops[i].b == SIM_EXEC_THREAD) {
            snprintf(msg, n, "not run: its thread(...) steps use asyncio.to_thread, "
                     "new in Python 3.9, and this is %s", py->info.version);
            return 0;
        }
    return 1;
}

int sim_cpython_unmeasured(sim_trace *t, const sim_workload *w, sim_model m,
                           const sim_python *py, const char *why)
{
    if (sim_trace_init(t, m, (uint32_t)w->ntasks, (uint32_t)w->ntasks) ||
        sim_trace_set_names(t, w)) {
        sim_trace_deinit(t);
        return SIM_E_NOMEM;
    }
    t->source = SIM_SOURCE_CPYTHON;
    if (py)
        t->python = *py;
    else
        t->python.free_threaded = t->python.gil = -1;
    t->outcome = SIM_OUTCOME_NOT_RUN;
    t->end_ns = t->now_ns = 0;
    snprintf(t->error, sizeof t->error, "%s", why);
    return 0;
}

/* ---- one run ---- */

/* A task that began and never ended in a run that did: it raised (a
 * thread's exception is printed, and the program goes on). -1: none. */
static long long raised_task(const sim_pyrec *r)
{
    for (uint64_t i = 0; r->have_main && !r->partial && i < r->w->ntasks; i++)
        if (r->tasks[i].seen && r->tasks[i].t1 < 0)
            return (long long)i;
    return -1;
}

/* The recorded program of the model, into `path`. */
static int write_program(const sim_cpython_desc *d, const char *path, char *msg, size_t n)
{
    FILE *f = fopen(path, "wx");
    if (!f) {
        snprintf(msg, n, "%.300s: %s", path, strerror(errno));
        return SIM_E_SYS;
    }
    int e = sim_pyprog_write_ex(f, d->w, d->model, d->given, SIM_PYPROG_RECORD, NULL);
    if (fclose(f) != 0 && !e)
        e = SIM_E_SYS;
    if (e)
        snprintf(msg, n, "could not write the program: %s", sim_err_str(e));
    return e;
}

/* The trace of a run that gave no usable recording: the reason only. */
static int failed(sim_trace *t, const sim_cpython_desc *d, sim_outcome o, const char *why)
{
    int e = sim_cpython_unmeasured(t, d->w, d->model, &d->py->info, why);
    if (!e) {
        t->outcome = o;
        t->cfg = *d->cfg;
    }
    return e;
}

int sim_cpython_run(const sim_cpython_desc *d, sim_trace *t, sim_cpython_result *res)
{
    memset(res, 0, sizeof *res);
    res->printed_wall_ms = -1;
    memset(t, 0, sizeof *t);
    char why[768] = "", shown[300], label[96];
    sim_escape(d->py->info.path, 0, shown, sizeof shown);
    sim_python_label(&d->py->info, label, sizeof label);
    if (!sim_cpython_can_run(d->py, d->w, d->model, why, sizeof why)) {
        res->status = SIM_E_USAGE;
        if (failed(t, d, SIM_OUTCOME_NOT_RUN, why))
            res->status = SIM_E_NOMEM;
        return res->status;
    }
    if (sim_pyrec_expected(d->w, d->model) > SIM_PYREC_MAX_ENTRIES) {
        snprintf(why, sizeof why, "not run: the workload has more steps than concviz records "
                 "in Python (%llu at most): use fewer tasks or repeats",
                 (unsigned long long)SIM_PYREC_MAX_ENTRIES);
        res->status = SIM_E_USAGE;
        if (failed(t, d, SIM_OUTCOME_NOT_RUN, why))
            res->status = SIM_E_NOMEM;
        return res->status;
    }
    char dir[4096], prog[4300], out[4300], err[4300], rec[4300];
    if (make_dir(dir, sizeof dir) != 0) {
        snprintf(why, sizeof why, "could not make a folder to run it in: %s", strerror(errno));
        res->status = SIM_E_SYS;
        return failed(t, d, SIM_OUTCOME_FAILED, why) ? SIM_E_NOMEM : res->status;
    }
    const char *name = d->model == SIM_MODEL_FREE_THREADING ? "free_threading"
                                                           : sim_model_name(d->model);
    snprintf(prog, sizeof prog, "%s/%s_demo.py", dir, name);
    snprintf(out, sizeof out, "%s/stdout", dir);
    snprintf(err, sizeof err, "%s/stderr", dir);
    snprintf(rec, sizeof rec, "%s/rec", dir);
    cmdline c = {0};
    sim_pyproc_result pr;
    int e = write_program(d, prog, why, sizeof why);
    if (!e) {
        build_argv(&c, d->py, prog, NULL);
        e = build_env(&c, rec);
    }
    if (!e) {
        char sys[512] = "";
        sim_pyproc_desc pd = {.path = d->py->path, .argv = c.argv, .envp = c.envp, .cwd = dir,
                              .out_path = out, .err_path = err,
                              .timeout_ns = d->cfg ? d->cfg->timeout_ns : 0,
                              .cancel = d->cancel};
        e = sim_pyproc_run(&pd, &pr, sys, sizeof sys);
        if (e)
            snprintf(why, sizeof why, "could not run %s: %s", shown, sys);
    }
    free(c.envp);
    if (e) {
        remove_dir(dir);
        res->status = SIM_E_SYS;
        return failed(t, d, SIM_OUTCOME_FAILED, why) ? SIM_E_NOMEM : res->status;
    }
    res->leftovers = pr.leftovers;
    res->printed_wall_ms = printed_wall(out);
    char tail[600], ended[96];
    last_line(err, tail, sizeof tail);
    how_it_ended(&pr, ended, sizeof ended);

    /* What it recorded, whatever happened: a stopped run saved some. */
    sim_pyrec r;
    char bad[512] = "";
    int re = sim_pyrec_init(&r, d->w, d->model);
    if (!re)
        re = sim_pyrec_read_dir(&r, dir, "rec", bad, sizeof bad);
    if (!re)
        re = sim_pyrec_check(&r, bad, sizeof bad);
    remove_dir(dir);

    sim_outcome o = SIM_OUTCOME_OK;
    int stopped = pr.timed_out || pr.cancelled, format = 0;
    long long raised;
    if (pr.exec_errno) {
        snprintf(why, sizeof why, "%s could not be run: %s", shown, strerror(pr.exec_errno));
        o = SIM_OUTCOME_FAILED;
    } else if (stopped) {
        char dur[32];
        sim_format_ns(d->cfg ? d->cfg->timeout_ns : 0, dur, sizeof dur);
        if (pr.timed_out)
            snprintf(why, sizeof why, "stopped after %s (--timeout)%s", dur,
                     pr.killed ? "; it did not stop when asked and was killed" : "");
        else
            snprintf(why, sizeof why, "stopped on request");
        o = pr.timed_out ? SIM_OUTCOME_TIMEOUT : SIM_OUTCOME_CANCELLED;
    } else if (!WIFEXITED(pr.status) || WEXITSTATUS(pr.status) != 0) {
        snprintf(why, sizeof why, "%.200s (%.90s) %.90s%s%.300s", shown, label, ended,
                 tail[0] ? ": " : "", tail);
        o = SIM_OUTCOME_FAILED;
    } else if (re && (raised = raised_task(&r)) >= 0) {
        /* a thread's exception: Python printed it and went on */
        snprintf(why, sizeof why, "task %lld raised an exception in %.90s%s%.300s",
                 (long long)raised, label, tail[0] ? ": " : "", tail);
        o = SIM_OUTCOME_FAILED;
    } else if (re) {
        snprintf(why, sizeof why, "its recording cannot be used: %s", bad);
        o = SIM_OUTCOME_FAILED;
        format = re == SIM_E_FORMAT;
    }
    /* The lanes, from a recording that is whole, or from what a stopped
     * run saved; otherwise the reason alone. */
    if (re == 0 && o != SIM_OUTCOME_FAILED) {
        e = sim_trace_from_python(t, &r, d->cfg, d->py->info.path);
        if (!e) {
            if (o != SIM_OUTCOME_OK)
                t->outcome = o;
            else if (t->outcome != SIM_OUTCOME_OK) {
                o = SIM_OUTCOME_FAILED;
                t->outcome = o;
                snprintf(why, sizeof why, "the program ended but not all its tasks did");
            }
            snprintf(t->error, sizeof t->error, "%s", o == SIM_OUTCOME_OK ? "" : why);
        }
    } else {
        e = failed(t, d, o == SIM_OUTCOME_OK ? SIM_OUTCOME_FAILED : o, why);
    }
    sim_pyrec_free(&r);
    res->status = e ? SIM_E_NOMEM
                : o == SIM_OUTCOME_OK ? SIM_OK
                : o == SIM_OUTCOME_TIMEOUT ? SIM_E_TIMEOUT
                : o == SIM_OUTCOME_CANCELLED ? SIM_E_CANCELLED
                : format ? SIM_E_FORMAT : SIM_E_SYS;
    return res->status;
}
