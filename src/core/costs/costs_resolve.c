/* costs_resolve.c - which profile a run charges, and where calibrated
 * profiles live.
 *
 * `concviz calibrate` saves what it measured in the cache folder, one file
 * per interpreter version (costs-cpython-3.11.7.json), and records in it
 * the interpreter it ran as an absolute path (interpreter.command). The
 * default choice, `calibrated`, is the newest profile there whose command
 * is the python3 a shell would run now, or whose interpreter is (the same
 * program reached another way: calibrated through pyenv's shim and run
 * from a Python program, whose PATH starts at the version's own folder;
 * a virtualenv's python3, a link to it): finding it needs no interpreter
 * to start, so every run stays as quick as before. Limit, admitted: an
 * interpreter upgraded in place (same path, new version) keeps its old
 * profile until `concviz calibrate` runs again.
 *
 * A profile that cannot be read is an error, named, and never skipped: a
 * cached file that is broken or from another concviz would otherwise be
 * ignored each run with nobody told why the costs are not the calibrated
 * ones.
 */
#include "costs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

int sim_costs_cache_dir(char *buf, size_t n, char *msg, size_t mn)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int r;
    /* The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored. */
    if (xdg && xdg[0] == '/')
        r = snprintf(buf, n, "%s/concviz", xdg);
    else if (home && home[0])
        r = snprintf(buf, n, "%s/.cache/concviz", home);
    else {
        snprintf(msg, mn, "no cache folder: neither XDG_CACHE_HOME nor HOME is set");
        return -1;
    }
    if (r < 0 || (size_t)r >= n) {
        snprintf(msg, mn, "the cache folder's path is too long");
        return -1;
    }
    return 0;
}

void sim_costs_file_name(const sim_costs_origin *o, char *buf, size_t n)
{
    snprintf(buf, n, "costs-%s-%s.json", o->implementation[0] ? o->implementation : "python",
             o->version[0] ? o->version : "unknown");
    /* Only the part between "costs-" and ".json" came from outside. */
    size_t len = strlen(buf);
    for (size_t i = 6; i + 5 < len; i++) {
        char ch = buf[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (ch >= '0' && ch <= '9') || ch == '.' || ch == '+' || ch == '-' ||
                 ch == '_';
        if (!ok)
            buf[i] = '_';
    }
}

/* An executable regular file at `path`: 0, or a negated errno. */
static int check_program(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -errno;
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0)
        return -EACCES;
    return 0;
}

static int resolved(const char *path, char *buf, size_t n)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return -errno;
    if (strlen(real) >= n)
        return -ENAMETOOLONG;
    memcpy(buf, real, strlen(real) + 1);
    return 0;
}

int sim_costs_find_program(const char *name, char *buf, size_t n)
{
    if (!name || !name[0])
        return -ENOENT;
    if (strchr(name, '/')) {
        int e = check_program(name);
        return e ? e : resolved(name, buf, n);
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    const char *p = path;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t dl = colon ? (size_t)(colon - p) : strlen(p);
        char cand[PATH_MAX];
        /* An empty entry means the current folder, as for the shell. */
        int r = dl ? snprintf(cand, sizeof cand, "%.*s/%s", (int)dl, p, name)
                   : snprintf(cand, sizeof cand, "./%s", name);
        if (r > 0 && (size_t)r < sizeof cand && check_program(cand) == 0)
            return resolved(cand, buf, n);
        if (!colon)
            return -ENOENT;
        p = colon + 1;
    }
}

/* Whether the interpreter a profile was measured with is `program` (an
 * absolute path, links resolved): by the command concviz ran, or by the
 * interpreter's own sys.executable, links resolved. */
static int measured_with(const sim_costs_origin *o, const char *program)
{
    char real[PATH_MAX];
    if (strcmp(o->command, program) == 0)
        return 1;
    return o->executable[0] == '/' && realpath(o->executable, real) &&
           strcmp(real, program) == 0;
}

/* The newest profile in `dir` measured with `command`, if any: 1 found,
 * 0 none, or SIM_E_USAGE with msg (a profile there cannot be read). A
 * profile of another format (an older concviz measured it) is passed
 * over, and *stale says so: it is the user's to measure again. */
static int find_calibrated(const char *dir, const char *command, sim_costs *out, char *msg,
                           size_t n, int *stale)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* no folder yet: nothing calibrated */
    int found = 0, e = 0;
    struct dirent *ent;
    sim_costs *c = malloc(sizeof *c);
    if (!c) {
        closedir(d);
        snprintf(msg, n, "out of memory");
        return SIM_E_NOMEM;
    }
    while (!e && (ent = readdir(d))) {
        const char *nm = ent->d_name;
        size_t len = strlen(nm);
        /* Hidden names are atomic_file.h's temporary files. */
        if (nm[0] == '.' || strncmp(nm, "costs-", 6) != 0 || len < 11 ||
            strcmp(nm + len - 5, ".json") != 0)
            continue;
        char path[PATH_MAX], why[1024];
        if (snprintf(path, sizeof path, "%s/%s", dir, nm) >= (int)sizeof path)
            continue;
        int le = sim_costs_load(path, c, why, sizeof why);
        if (le == SIM_E_VERSION) {
            *stale = 1;
            continue;
        }
        if (le != 0) {
            snprintf(msg, n, "%s (a calibrated profile: measure again with `concviz "
                     "calibrate`, or remove the file)", why);
            e = SIM_E_USAGE;
            break;
        }
        if (!measured_with(&c->origin, command))
            continue;
        if (!found || strcmp(c->origin.measured_at, out->origin.measured_at) > 0) {
            *out = *c;
            found = 1;
        }
    }
    closedir(d);
    free(c);
    return e ? e : found;
}

static void calibrated_or_builtin(const sim_calib *calib, sim_costs *out, char *msg,
                                  size_t n, int *err)
{
    char python[256], dir[PATH_MAX], why[256];
    *err = 0;
    if (sim_costs_find_program("python3", python, sizeof python) != 0) {
        sim_costs_builtin(calib, out);
        snprintf(out->origin.note, sizeof out->origin.note,
                 "no python3 in PATH to have calibrated");
        return;
    }
    if (sim_costs_cache_dir(dir, sizeof dir, why, sizeof why) != 0) {
        sim_costs_builtin(calib, out);
        snprintf(out->origin.note, sizeof out->origin.note, "%s", why);
        return;
    }
    int stale = 0;
    int k = find_calibrated(dir, python, out, msg, n, &stale);
    if (k < 0) {
        *err = k;
    } else if (k > 0) {
        out->origin.source = SIM_COSTS_CALIBRATED;
        if (out->gc.threshold[0] <= 0) /* calibrated before the collector was counted */
            snprintf(out->origin.note, sizeof out->origin.note,
                     "no garbage collector in this profile (calibrated by an older "
                     "concviz): run `concviz calibrate` again to charge it");
    } else {
        sim_costs_builtin(calib, out);
        snprintf(out->origin.note, sizeof out->origin.note,
                 stale ? "%.150s was calibrated by another version of concviz: run "
                         "`concviz calibrate` again"
                       : "%.150s has no calibrated profile: run `concviz calibrate`",
                 python);
    }
}

int sim_costs_resolve(const sim_config *cfg, const sim_calib *calib, sim_costs *out,
                      char *msg, size_t n)
{
    if (n)
        msg[0] = '\0';
    sim_costs *c = malloc(sizeof *c);
    if (!c) {
        snprintf(msg, n, "out of memory");
        return SIM_E_NOMEM;
    }
    int e = 0;
    switch (cfg->costs) {
    case SIM_COSTS_NONE:
        sim_costs_none(c);
        break;
    case SIM_COSTS_BUILTIN:
        sim_costs_builtin(calib, c);
        break;
    case SIM_COSTS_FILE:
        if (!cfg->costs_file) {
            snprintf(msg, n, "--costs: no file named");
            e = SIM_E_USAGE;
        } else if (sim_costs_load(cfg->costs_file, c, msg, n) != 0) {
            size_t len = strlen(msg);
            if (len < n)
                snprintf(msg + len, n - len, " (the cost profile --costs names)");
            e = SIM_E_USAGE;
        }
        break;
    case SIM_COSTS_CALIBRATED:
    default:
        calibrated_or_builtin(calib, c, msg, n, &e);
        if (e)
            e = SIM_E_USAGE;
        break;
    }
    if (!e)
        *out = *c;
    free(c);
    return e;
}
