/* runopts.c - the options shared by every command that runs a comparison.
 *
 * `run`, `python`, the window and `shot` all take the same run options, so
 * they are parsed in one place and described in one help text.
 */
#include "runopts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char app_runopts_help[] =
    "  --workload SPEC        the tasks, in the workload language (default: a mixed demo)\n"
    "  --models LIST          comma-separated: asyncio,threading,multiprocessing,free-threading\n"
    "                         (default: asyncio,threading,multiprocessing)\n"
    "  --workers N            multiprocessing pool size, 1..256 (default: the CPUs)\n"
    "  --threads N            threading pool size, 1..1024 (default: one thread per task)\n"
    "  --switch-interval MS   the GIL's switch interval in ms, 0.1..1000 (default: 5)\n"
    "  --timeout DUR          stop any model that runs longer, e.g. 30s (default: none)\n"
    "  --start-method M       how multiprocessing starts its workers: fork, spawn or\n"
    "                         forkserver (default: forkserver, as Python 3.14 on Linux)\n";

void app_runopts_init(app_runopts *o) { memset(o, 0, sizeof *o); }

/* Matches `--name VALUE` and `--name=VALUE`; sets *val. */
static int match(const char *name, int argc, char **argv, int *i, const char **val,
                 char *msg, size_t n, int *bad)
{
    const char *a = argv[*i];
    size_t len = strlen(name);
    if (strncmp(a, name, len) != 0)
        return 0;
    if (a[len] == '=') {
        *val = a + len + 1;
        *i += 1;
        return 1;
    }
    if (a[len] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        snprintf(msg, n, "%s needs a value", name);
        *bad = 1;
        return 1;
    }
    *val = argv[*i + 1];
    *i += 2;
    return 1;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* "30s", "500ms", "2.5s", "100us"; a bare number is seconds. */
static int parse_duration(const char *s, int64_t *ns)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v <= 0)
        return -1;
    double scale = 1e9;
    if (strcmp(end, "us") == 0)
        scale = 1e3;
    else if (strcmp(end, "ms") == 0)
        scale = 1e6;
    else if (strcmp(end, "s") == 0 || *end == '\0')
        scale = 1e9;
    else
        return -1;
    double r = v * scale;
    if (r < 1 || r > 86400e9)
        return -1;
    *ns = (int64_t)r;
    return 0;
}

static int parse_models(app_runopts *o, const char *list, char *msg, size_t n)
{
    o->nmodels = 0;
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[32];
        if (len == 0 || len >= sizeof name) {
            snprintf(msg, n, "--models: expected a comma-separated list of asyncio, "
                     "threading, multiprocessing, free-threading; got '%s'", list);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        sim_model m;
        if (sim_model_parse(name, &m) != 0) {
            snprintf(msg, n, "--models: unknown model '%s'; choose among asyncio, "
                     "threading, multiprocessing, free-threading", name);
            return -1;
        }
        for (int k = 0; k < o->nmodels; k++) {
            if (o->models[k] == m) {
                snprintf(msg, n, "--models: '%s' is named twice", name);
                return -1;
            }
        }
        o->models[o->nmodels++] = m;
        p += len;
        if (*p == ',')
            p++;
    }
    if (o->nmodels == 0) {
        snprintf(msg, n, "--models: name at least one model");
        return -1;
    }
    return 0;
}

int app_runopts_take(app_runopts *o, int argc, char **argv, int *i, char *msg, size_t n)
{
    const char *v = NULL;
    int bad = 0;
    long num;
    if (match("--workload", argc, argv, i, &v, msg, n, &bad)) {
        if (bad)
            return -1;
        o->workload = v;
        return 1;
    }
    if (match("--models", argc, argv, i, &v, msg, n, &bad)) {
        if (bad)
            return -1;
        return parse_models(o, v, msg, n) ? -1 : 1;
    }
    if (match("--workers", argc, argv, i, &v, msg, n, &bad)) {
        if (bad)
            return -1;
        if (parse_int(v, 1, 256, &num)) {
            snprintf(msg, n, "--workers: expected a whole number from 1 to 256, got '%s'", v);
            return -1;
        }
        o->workers = (int)num;
        return 1;
    }
    if (match("--threads", argc, argv, i, &v, msg, n, &bad)) {
        if (bad)
            return -1;
        if (parse_int(v, 1, 1024, &num)) {
            snprintf(msg, n, "--threads: expected a whole number from 1 to 1024, got '%s'", v);
            return -1;
        }
        o->threads = (int)num;
        return 1;
    }
    if (match("--switch-interval", argc, argv, i, &v, msg, n, &bad)) {
        if (bad)
            return -1;
        char *end;
        errno = 0;
        double ms = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(ms) || ms < 0.1 || ms > 1000) {
            snprintf(msg, n, "--switch-interval: expected milliseconds from 0.1 to 1000 "
                     "(CPython's default is 5), got '%s'", v);
            return -1;
        }
        o->switch_interval_ns = (int64_t)(ms * 1e6);
        return 1;
    }
    if (match("--start-method", argc, argv, i, &v, msg, n, &bad)) {
        if (bad)
            return -1;
        if (sim_start_method_parse(v, &o->start_method)) {
            snprintf(msg, n, "--start-method: expected fork, spawn or forkserver, got '%s'",
                     v);
            return -1;
        }
        return 1;
    }
    if (match("--timeout", argc, argv, i, &v, msg, n, &bad)) {
        if (bad)
            return -1;
        if (parse_duration(v, &o->timeout_ns)) {
            snprintf(msg, n, "--timeout: expected a duration like 30s or 500ms, got '%s'", v);
            return -1;
        }
        return 1;
    }
    return 0;
}

void app_runopts_desc(const app_runopts *o, sim_run_desc *d)
{
    memset(d, 0, sizeof *d);
    d->workload = o->workload;
    d->models = o->nmodels ? o->models : NULL;
    d->nmodels = o->nmodels;
    d->workers = o->workers;
    d->threads = o->threads;
    d->switch_interval_ns = o->switch_interval_ns;
    d->timeout_ns = o->timeout_ns;
    d->start_method = o->start_method;
}
