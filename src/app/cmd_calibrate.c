/* cmd_calibrate.c - `concviz calibrate`: what CPython's own machinery costs
 * on this machine, measured with a real interpreter.
 *
 * concviz carries the measurement script (src/core/costs/calibrate.py);
 * it writes it to a private temporary folder, runs it with the chosen
 * interpreter (subproc.h: its own process group, a timeout, Ctrl+C),
 * reads the profile it prints, checks every field as it checks a profile
 * file, adds what the script cannot know (this machine, the date, the
 * interpreter's path, concviz's own speed), and saves it atomically in
 * the cache folder, where `--costs calibrated` (the default) finds it.
 * Nothing is saved unless everything was measured: an interrupted or
 * failed calibration leaves the old profile as it was.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "calib.h"
#include "comparison.h"
#include "costs.h"
#include "app_output.h"
#include "err.h"
#include "escape.h"
#include "format.h"
#include "parse.h"
#include "busy.h"
#include "subproc.h"

#define DEFAULT_TIMEOUT_NS (300ll * 1000000000ll)
#define MAX_OUTPUT (256 * 1024)

static const char calibrate_usage[] =
    "usage: concviz calibrate [--python PATH] [--timeout DUR]\n"
    "\n"
    "Measures what CPython's own machinery costs on this machine (a trip\n"
    "through the event loop, a thread start, a GIL hand-off, a pickled queue\n"
    "item, ...) by running a measurement script with a real interpreter, and\n"
    "saves the profile in the cache folder ($XDG_CACHE_HOME/concviz, or\n"
    "~/.cache/concviz), named by the interpreter's version. Runs then charge\n"
    "these costs (--costs calibrated, the default, for the python3 in PATH).\n"
    "It takes about 45 seconds; keep the machine otherwise idle meanwhile.\n"
    "\n"
    "options:\n"
    "  --python PATH          the interpreter to measure (default: python3,\n"
    "                         as found in PATH)\n"
    "  --timeout DUR          stop it if it takes longer, e.g. 60s; a bare\n"
    "                         number is s (default: 300s)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit codes: 0 saved, 1 the interpreter is missing or failed (nothing is\n"
    "saved), 2 a usage error, 130 interrupted (Ctrl+C), 143 terminated.\n";

/* ---- the script in a private folder ---------------------------------------- */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Writes calibrate.py into a new private folder; `dir` gets the folder,
 * `script` the file. Returns 0, or -1 with msg. */
static int write_script(char *dir, size_t dn, char *script, size_t sn, char *msg, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || tmp[0] != '/')
        tmp = "/tmp";
    snprintf(dir, dn, "%s/concviz-calibrate-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        snprintf(msg, n, "could not make a temporary folder in %s: %s", tmp, strerror(errno));
        return -1;
    }
    snprintf(script, sn, "%s/calibrate.py", dir);
    size_t len;
    const char *text = sim_costs_script(&len);
    FILE *f = fopen(script, "wx");
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        snprintf(msg, n, "could not write %s: %s", script, strerror(errno));
        nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
        return -1;
    }
    return 0;
}

/* ---- the table ------------------------------------------------------------- */

/* ns for people, fractions where they matter: "0.27 ns", "13.8 ns", "2.3 us". */
static void fmt_cost(double ns, char *buf, size_t n)
{
    if (ns < 10.0)
        snprintf(buf, n, "%.2f ns", ns);
    else if (ns < 1000.0)
        snprintf(buf, n, "%.1f ns", ns);
    else
        sim_format_ns((int64_t)llround(ns), buf, n);
}

static void print_table(const sim_costs *got, const sim_costs *ref, const char *saved)
{
    /* The interpreter's words (its version, its path) are escaped: a
     * program's output is data from anywhere (escape.h). */
    char line[1600], safe[2048], safe2[1024];
    sim_costs_describe(got, got->origin.cpus, got->origin.cpu_model, line, sizeof line);
    printf("measured  %s\n", sim_escape(line, 0, safe, sizeof safe));
    printf("          %s (%s)\n", got->origin.command,
           sim_escape(got->origin.executable, 0, safe2, sizeof safe2));
    printf("saved     %s\n\n", sim_escape(saved, 0, safe, sizeof safe));
    char a[64], b[64];
    snprintf(a, sizeof a, "%s", sim_escape(got->origin.version, 0, safe, 32));
    snprintf(b, sizeof b, "built-in %s", ref->origin.version);
    printf("%-18s %12s %12s  %s\n", "cost", a, b, "per");
    for (int k = 0; k < SIM_COST__COUNT; k++) {
        const sim_cost_info *in = &sim_cost_infos[k];
        fmt_cost(got->ns[k], a, sizeof a);
        fmt_cost(ref->ns[k], b, sizeof b);
        const char *per = strncmp(in->unit, "per ", 4) == 0 ? in->unit + 4 : in->unit;
        printf("%-18s %12s %12s  %s\n", in->name, a, b, per);
    }
    fmt_cost(got->origin.spin_turn_ns, a, sizeof a);
    fmt_cost(ref->origin.spin_turn_ns, b, sizeof b);
    printf("%-18s %12s %12s  %s\n", "(speed) cpu() turn", a, b, "turn");
    /* Not a time: the size from which asyncio's bytes(n) is a mapping. */
    printf("%-18s %10lld B %10lld B  %s\n", "(heap) mmap from", (long long)got->asyncio_mmap_threshold,
           (long long)ref->asyncio_mmap_threshold, "bytes(n)");
    printf("\nEach cost is the median of several repetitions of many operations; what\n"
           "each one means exactly is in src/core/costs/costs.c. The built-in profile\n"
           "is scaled to this machine's speed (x%.2f). Runs now charge the measured\n"
           "costs (--costs calibrated, the default, when %s is the python3 in PATH).\n",
           ref->origin.scale, got->origin.command);
}

/* ---- the command ----------------------------------------------------------- */

static void now_utc(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The folder and the ones above it, private to the user (XDG's 0700). */
static int make_dirs(const char *path, char *msg, size_t n)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            break;
        *s = '/';
    }
    if (mkdir(p, 0700) != 0 && errno != EEXIST) {
        snprintf(msg, n, "could not make the folder %.1000s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* A SIGINT or SIGTERM that came meanwhile (0 if none). */
static int pending_signal(const sigset_t *sigs)
{
    struct timespec zero = {0, 0};
    int s = sigtimedwait(sigs, NULL, &zero);
    return s > 0 ? s : 0;
}

static int interrupted(int s)
{
    fprintf(stderr, "concviz: %s: the calibration was stopped and nothing was saved; "
            "no process is left behind\n", s == SIGINT ? "interrupted (SIGINT)"
                                                       : "terminated (SIGTERM)");
    return s == SIGINT ? APP_EXIT_SIGINT : 128 + SIGTERM;
}

/* What became of the interpreter, when it did not print a profile. */
static int failed(const char *python, const app_subproc *r, int64_t timeout_ns)
{
    char d[32];
    switch (r->end) {
    case APP_SUBPROC_INTERRUPTED:
        return interrupted(r->signal);
    case APP_SUBPROC_TIMEOUT:
        sim_format_ns(timeout_ns, d, sizeof d);
        fprintf(stderr, "concviz: %s ran longer than %s (--timeout) and was stopped; "
                "nothing was saved\n", python, d);
        return APP_EXIT_RUNTIME;
    case APP_SUBPROC_TOO_MUCH:
        fprintf(stderr, "concviz: %s printed more than %d KiB: not a calibration; "
                "nothing was saved\n", python, MAX_OUTPUT / 1024);
        return APP_EXIT_RUNTIME;
    case APP_SUBPROC_SIGNALED:
        fprintf(stderr, "concviz: %s was killed by signal %d (%s) before it measured "
                "everything; nothing was saved\n", python, r->status, strsignal(r->status));
        return APP_EXIT_RUNTIME;
    case APP_SUBPROC_EXITED:
    default:
        fprintf(stderr, "concviz: %s failed (exit status %d%s) before it measured "
                "everything; nothing was saved\n", python, r->status,
                r->status == 127 ? ": could it be run at all?" : "");
        return APP_EXIT_RUNTIME;
    }
}

/* Finds the interpreter: 0, or the exit code after saying why not. */
static int find_python(const char *given, char *python, size_t n)
{
    int e = sim_costs_find_program(given ? given : "python3", python, n);
    if (e == 0)
        return 0;
    if (!given) {
        fprintf(stderr, "concviz: no python3 in PATH. `concviz calibrate` measures "
                "CPython's costs by running it: install it (on Debian: sudo apt-get "
                "install python3), or name an interpreter with --python PATH.\n");
        return APP_EXIT_RUNTIME;
    }
    const char *why = e == -ENOENT ? (strchr(given, '/') ? "no such file"
                                                         : "no such program in PATH")
                    : e == -EISDIR ? "is a folder, not a program"
                    : e == -EACCES ? "not an executable program"
                                   : strerror(-e);
    return app_usage_error("calibrate", "--python %s: %s", given, why);
}

/* Measures with `python` and saves the profile; returns the exit code. */
static int calibrate(const char *python, int64_t timeout_ns, const sigset_t *sigs)
{
    char msg[2048];
    int rc;
    char cache[900], dir[512], script[600];
    if (sim_costs_cache_dir(cache, sizeof cache, msg, sizeof msg) != 0) {
        fprintf(stderr, "concviz: %s\n", msg);
        return APP_EXIT_RUNTIME;
    }
    if (write_script(dir, sizeof dir, script, sizeof script, msg, sizeof msg) != 0) {
        fprintf(stderr, "concviz: %s\n", msg);
        return APP_EXIT_RUNTIME;
    }

    /* concviz's own speed, beside the interpreter's: what lets a profile
     * measured here be scaled to another machine. */
    sim_calib calib;
    sim_calib_measure(&calib);
    fprintf(stderr, "concviz: measuring %s (about 20 s; keep the machine otherwise "
            "idle)...\n", python);
    char *args[] = {(char *)python, script, isatty(2) ? "--progress" : NULL, NULL};
    /* Other programs' CPU time over the measurement: a sibling core busy,
     * caches shared, and every cost comes out high or low (up to twice on
     * a loaded machine here), whatever the medians do. */
    app_busy_sample before;
    int have_before = app_busy_read_proc(NULL, &before) == 0;
    app_subproc r;
    int e = app_subproc_run(args, timeout_ns, MAX_OUTPUT, &r, msg, sizeof msg);
    nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
    app_busy_sample after;
    app_busy_verdict busy = {0};
    if (have_before && e == 0 && app_busy_read_proc(NULL, &after) == 0)
        app_busy_between(&before, &after, (double)after.cpus, &busy);
    if (e != 0) {
        fprintf(stderr, "concviz: %s\n", msg);
        return APP_EXIT_RUNTIME;
    }
    if (r.end != APP_SUBPROC_EXITED || r.status != 0) {
        rc = failed(python, &r, timeout_ns);
        app_subproc_free(&r);
        return rc;
    }

    sim_costs got;
    char name[300];
    snprintf(name, sizeof name, "the output of %s", python);
    e = sim_costs_parse(r.out, r.len, name, SIM_COSTS_HAS_SCRIPT, &got, msg, sizeof msg);
    app_subproc_free(&r);
    if (e) {
        app_print_error(msg); /* it quotes the interpreter's output */
        fprintf(stderr, "concviz: not a calibration; nothing was saved\n");
        return APP_EXIT_RUNTIME;
    }
    int s = pending_signal(sigs);
    if (s)
        return interrupted(s);
    sim_costs_origin *o = &got.origin;
    sim_machine m;
    sim_machine_probe(&m);
    o->source = SIM_COSTS_CALIBRATED;
    snprintf(o->command, sizeof o->command, "%s", python);
    now_utc(o->measured_at, sizeof o->measured_at);
    o->cpus = m.cpus;
    snprintf(o->cpu_model, sizeof o->cpu_model, "%s", m.cpu_model);
    o->unit_ns = calib.ns_per_unit;
    o->scale = 1.0;

    char file[128], path[sizeof cache + sizeof file];
    sim_costs_file_name(o, file, sizeof file);
    snprintf(path, sizeof path, "%s/%s", cache, file);
    snprintf(o->file, sizeof o->file, "%.1000s", path);
    if (make_dirs(cache, msg, sizeof msg) != 0 ||
        sim_costs_save(path, &got, msg, sizeof msg) != 0) {
        fprintf(stderr, "concviz: %s\n", msg);
        return APP_EXIT_RUNTIME;
    }
    sim_costs ref;
    sim_costs_builtin(&calib, &ref);
    print_table(&got, &ref, path);
    if (busy.busy)
        fprintf(stderr, "concviz: busy machine: other programs used %.1f of %d CPUs while "
                "it measured, so these costs may be off by as much as twice; run "
                "`concviz calibrate` again when the machine is quiet\n", busy.others,
                busy.cpus);
    return app_output_finish(stdout, "the table", NULL);
}

int cmd_calibrate(int argc, char **argv, app_ctx *ctx)
{
    (void)ctx;
    const char *given = NULL;
    int64_t timeout_ns = DEFAULT_TIMEOUT_NS;
    char msg[2048];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(calibrate_usage, stdout);
            return APP_EXIT_OK;
        } else if (!strncmp(a, "--python=", 9) || !strncmp(a, "--timeout=", 10)) {
            v = strchr(a, '=') + 1;
        } else if (!strcmp(a, "--python") || !strcmp(a, "--timeout")) {
            if (i + 1 >= argc)
                return app_usage_error("calibrate", "%s needs a value", a);
            v = argv[++i];
        } else {
            return app_usage_error("calibrate", "unknown option '%s'", a);
        }
        if (a[2] == 'p') {
            if (!v[0])
                return app_usage_error("calibrate", "--python needs a path");
            given = v;
        } else if (sim_parse_duration(v, 1000000000, 1000000, 86400ll * 1000000000ll,
                                      &timeout_ns, msg, sizeof msg) != 0) {
            return app_usage_error("calibrate", "--timeout: %s", msg);
        }
    }

    char python[256];
    int rc = find_python(given, python, sizeof python);
    if (rc)
        return rc;
    /* From here to the end, Ctrl+C (SIGINT) and SIGTERM are collected, not
     * fatal: whenever they come before the profile is saved, the temporary
     * folder is removed, the interpreter stopped, and the old profile left
     * as it was. They stay blocked to the end, as in every command
     * (app_signals.h): one that comes after calibrate's last look is
     * dropped at exit; unblocked, it would kill concviz with nothing said,
     * the profile saved. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    return calibrate(python, timeout_ns, &sigs);
}
