/* config.c - the run configuration's defaults, its table of fields, and
 * reading each field from text (see config.h).
 *
 * Every message says what was expected and what was typed, and never the
 * field's own name: the caller adds it in its own terms ("--workers: ..."
 * on the command line, "lesson.md:12: workers: ..." in a lesson).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "parse.h"

const sim_config_field sim_config_fields[SIM_CFG__COUNT] = {
    [SIM_CFG_WORKLOAD] = {"workload", "SPEC",
        "the tasks, in the workload language (default: a mixed demo)", 1},
    [SIM_CFG_MODELS] = {"models", "LIST",
        "comma-separated: asyncio,threading,multiprocessing,free-threading "
        "(default: the first three)", 1},
    [SIM_CFG_WORKERS] = {"workers", "N",
        "multiprocessing pool size, 1..256 (default: the CPUs)", 1},
    [SIM_CFG_THREADS] = {"threads", "N",
        "threading pool size, 1..100000 (default: one thread per task)", 1},
    [SIM_CFG_SWITCH_INTERVAL] = {"switch-interval", "DUR",
        "the GIL's switch interval, 0.1ms..1000ms; a bare number is ms "
        "(default: 5ms, as CPython)", 1},
    [SIM_CFG_TIMEOUT] = {"timeout", "DUR",
        "stop any model that runs longer, e.g. 30s; a bare number is s "
        "(default: none)", 1},
    [SIM_CFG_START_METHOD] = {"start-method", "M",
        "how multiprocessing starts its workers: fork, spawn or forkserver "
        "(default: forkserver, as Python 3.14 on Linux)", 1},
    [SIM_CFG_MEMORY_LIMIT] = {"memory-limit", "SIZE",
        "the most memory a run may use, e.g. 4GiB; a run that would need more is "
        "refused, and one that grows past it is stopped (default: half of the "
        "available memory)", 0},
    [SIM_CFG_COSTS] = {"costs", "WHICH",
        "what CPython's own machinery costs: calibrated (measured by `concviz "
        "calibrate`, else builtin), builtin (CPython 3.12, scaled to this "
        "machine), none (the bare engines), or a profile FILE "
        "(default: calibrated)", 0},
};

static const char *const costs_names[SIM_COSTS__COUNT] = {
    [SIM_COSTS_CALIBRATED] = "calibrated",
    [SIM_COSTS_BUILTIN] = "builtin",
    [SIM_COSTS_NONE] = "none",
    [SIM_COSTS_FILE] = "file",
};

const char *sim_costs_source_name(sim_costs_source s)
{
    return (unsigned)s < SIM_COSTS__COUNT ? costs_names[s] : "?";
}

int sim_costs_source_parse(const char *name, sim_costs_source *s)
{
    for (int k = 0; k < SIM_COSTS__COUNT; k++) {
        if (strcmp(name, costs_names[k]) == 0) {
            *s = (sim_costs_source)k;
            return 0;
        }
    }
    return -1;
}

static const sim_model default_models[] = {
    SIM_MODEL_ASYNCIO, SIM_MODEL_THREADING, SIM_MODEL_MULTIPROCESSING};

void sim_config_default_models(sim_config *c)
{
    if (c->nmodels <= 0 || c->nmodels > SIM_MODEL__COUNT) {
        memcpy(c->models, default_models, sizeof default_models);
        c->nmodels = 3;
    }
}

void sim_config_resolve(sim_config *c, int cpus)
{
    if (!c->workload)
        c->workload = SIM_DEFAULT_WORKLOAD;
    sim_config_default_models(c);
    if (c->workers <= 0)
        c->workers = cpus > 0 ? cpus : 1;
    if (c->threads < 0)
        c->threads = 0;
    if (c->switch_interval_ns <= 0)
        c->switch_interval_ns = SIM_DEFAULT_SWITCH_INTERVAL_NS;
    if (c->timeout_ns < 0)
        c->timeout_ns = 0;
    if ((unsigned)c->start_method >= SIM_START__COUNT)
        c->start_method = SIM_START_FORKSERVER;
    if ((unsigned)c->costs >= SIM_COSTS__COUNT ||
        (c->costs == SIM_COSTS_FILE && !c->costs_file))
        c->costs = SIM_COSTS_CALIBRATED;
    if (c->costs != SIM_COSTS_FILE)
        c->costs_file = NULL;
    if (c->memory_limit <= 0)
        c->memory_limit = sim_memory_available() / 2;
}

int64_t sim_memory_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    long long kb = -1;
    char line[128];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb > 0 ? (int64_t)kb * 1024 : (1ll << 30);
}

int sim_config_has_model(const sim_config *c, sim_model m)
{
    for (int i = 0; i < c->nmodels; i++)
        if (c->models[i] == m)
            return 1;
    return 0;
}

void sim_config_set_model(sim_config *c, sim_model m, int on)
{
    int want[SIM_MODEL__COUNT] = {0};
    for (int i = 0; i < c->nmodels; i++)
        want[c->models[i]] = 1;
    want[m] = on != 0;
    c->nmodels = 0;
    for (int k = 0; k < SIM_MODEL__COUNT; k++)
        if (want[k])
            c->models[c->nmodels++] = (sim_model)k;
}

int sim_config_find(const char *name)
{
    for (int k = 0; k < SIM_CFG__COUNT; k++)
        if (strcmp(name, sim_config_fields[k].name) == 0)
            return k;
    return -1;
}

static int set_models(sim_config *c, const char *list, char *msg, size_t n)
{
    sim_config out = *c;
    out.nmodels = 0;
    const char *p = list;
    for (;;) {
        while (*p == ' ')
            p++;
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
            len--;
        char name[32];
        if (len == 0 || len >= sizeof name) {
            snprintf(msg, n, "expected a comma-separated list of asyncio, threading, "
                     "multiprocessing, free-threading; got '%s'", list);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        sim_model m;
        if (sim_model_parse(name, &m) != 0) {
            snprintf(msg, n, "unknown model '%s': choose among asyncio, threading, "
                     "multiprocessing, free-threading", name);
            return -1;
        }
        if (sim_config_has_model(&out, m)) {
            snprintf(msg, n, "'%s' is named twice", name);
            return -1;
        }
        out.models[out.nmodels++] = m;
        if (!comma)
            break;
        p = comma + 1;
    }
    *c = out;
    return 0;
}

static int set_count(int *field, const char *value, long long hi, char *msg, size_t n)
{
    long long v;
    if (sim_parse_int(value, 1, hi, &v) != 0) {
        snprintf(msg, n, "expected a whole number from 1 to %lld, got '%s'", hi, value);
        return -1;
    }
    *field = (int)v;
    return 0;
}

int sim_config_set(sim_config *c, sim_config_key key, const char *value, int bare_unit,
                   char *msg, size_t n)
{
    char why[200];
    switch (key) {
    case SIM_CFG_WORKLOAD:
        c->workload = value;
        return 0;
    case SIM_CFG_MODELS:
        return set_models(c, value, msg, n);
    case SIM_CFG_WORKERS:
        return set_count(&c->workers, value, SIM_MAX_WORKERS, msg, n);
    case SIM_CFG_THREADS:
        return set_count(&c->threads, value, SIM_MAX_THREADS, msg, n);
    case SIM_CFG_SWITCH_INTERVAL:
        if (sim_parse_duration(value, bare_unit ? 1000000 : 0, SIM_MIN_SWITCH_INTERVAL_NS,
                               SIM_MAX_SWITCH_INTERVAL_NS, &c->switch_interval_ns, why,
                               sizeof why) != 0) {
            snprintf(msg, n, "%s; CPython's default is 5ms", why);
            return -1;
        }
        return 0;
    case SIM_CFG_TIMEOUT:
        if (sim_parse_duration(value, bare_unit ? 1000000000 : 0, 1000, SIM_MAX_TIMEOUT_NS,
                               &c->timeout_ns, why, sizeof why) != 0) {
            snprintf(msg, n, "%s", why);
            return -1;
        }
        return 0;
    case SIM_CFG_START_METHOD: {
        char name[32];
        snprintf(name, sizeof name, "%s", value);
        char *s = name;
        while (*s == ' ')
            s++;
        size_t len = strlen(s);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\r'))
            s[--len] = '\0';
        if (sim_start_method_parse(s, &c->start_method) != 0) {
            snprintf(msg, n, "expected fork, spawn or forkserver, got '%s'", value);
            return -1;
        }
        return 0;
    }
    case SIM_CFG_MEMORY_LIMIT:
        return sim_parse_size(value, SIM_MIN_MEMORY_LIMIT, SIM_MAX_MEMORY_LIMIT,
                              &c->memory_limit, msg, n);
    case SIM_CFG_COSTS:
        /* One of the words, else a file: whether it is a readable profile
         * is found when the run resolves it (costs.h), with a message that
         * names the file and the field. "file" alone names no file. */
        if (!value[0] || strcmp(value, "file") == 0) {
            snprintf(msg, n, "expected calibrated, builtin, none or a profile file, "
                     "got '%s'", value);
            return -1;
        }
        if (sim_costs_source_parse(value, &c->costs) == 0) {
            c->costs_file = NULL;
        } else {
            c->costs = SIM_COSTS_FILE;
            c->costs_file = value;
        }
        return 0;
    case SIM_CFG__COUNT:
        break;
    }
    snprintf(msg, n, "no such setting");
    return -1;
}

static size_t put(char *buf, size_t n, int r)
{
    return r < 0 || n == 0 ? 0 : (size_t)r < n ? (size_t)r : n - 1;
}

/* A duration as sim_config_set reads it back: "5ms", "0.5ms", "30s". */
static size_t put_duration(int64_t ns, char *buf, size_t n)
{
    if (ns % 1000000000 == 0)
        return put(buf, n, snprintf(buf, n, "%llds", (long long)(ns / 1000000000)));
    if (ns % 1000000 == 0)
        return put(buf, n, snprintf(buf, n, "%lldms", (long long)(ns / 1000000)));
    if (ns % 1000 == 0)
        return put(buf, n, snprintf(buf, n, "%lldus", (long long)(ns / 1000)));
    return put(buf, n, snprintf(buf, n, "%lld.%03lldus", (long long)(ns / 1000),
                                (long long)(ns % 1000)));
}

size_t sim_config_get(const sim_config *c, sim_config_key key, char *buf, size_t n)
{
    switch (key) {
    case SIM_CFG_WORKLOAD:
        return put(buf, n, snprintf(buf, n, "%s", c->workload ? c->workload : "auto"));
    case SIM_CFG_MODELS: {
        size_t len = 0;
        if (n)
            buf[0] = '\0';
        if (c->nmodels <= 0)
            return put(buf, n, snprintf(buf, n, "auto"));
        for (int i = 0; i < c->nmodels && len + 1 < n; i++)
            len += put(buf + len, n - len, snprintf(buf + len, n - len, "%s%s", i ? "," : "",
                                                    sim_model_name(c->models[i])));
        return len;
    }
    case SIM_CFG_WORKERS:
        return c->workers > 0 ? put(buf, n, snprintf(buf, n, "%d", c->workers))
                              : put(buf, n, snprintf(buf, n, "auto"));
    case SIM_CFG_THREADS:
        return c->threads > 0 ? put(buf, n, snprintf(buf, n, "%d", c->threads))
                              : put(buf, n, snprintf(buf, n, "auto"));
    case SIM_CFG_SWITCH_INTERVAL:
        return c->switch_interval_ns > 0 ? put_duration(c->switch_interval_ns, buf, n)
                                         : put(buf, n, snprintf(buf, n, "auto"));
    case SIM_CFG_TIMEOUT:
        return c->timeout_ns > 0 ? put_duration(c->timeout_ns, buf, n)
                                 : put(buf, n, snprintf(buf, n, "auto"));
    case SIM_CFG_START_METHOD:
        return put(buf, n, snprintf(buf, n, "%s", sim_start_method_name(c->start_method)));
    case SIM_CFG_MEMORY_LIMIT:
        if (c->memory_limit <= 0)
            return put(buf, n, snprintf(buf, n, "auto"));
        if (c->memory_limit % (1ll << 30) == 0)
            return put(buf, n, snprintf(buf, n, "%lldGiB", (long long)(c->memory_limit >> 30)));
        if (c->memory_limit % (1ll << 20) == 0)
            return put(buf, n, snprintf(buf, n, "%lldMiB", (long long)(c->memory_limit >> 20)));
        return put(buf, n, snprintf(buf, n, "%lldB", (long long)c->memory_limit));
    case SIM_CFG_COSTS:
        if (c->costs == SIM_COSTS_FILE && c->costs_file)
            return put(buf, n, snprintf(buf, n, "%s", c->costs_file));
        return put(buf, n, snprintf(buf, n, "%s", sim_costs_source_name(c->costs)));
    case SIM_CFG__COUNT:
        break;
    }
    return put(buf, n, snprintf(buf, n, "?"));
}

size_t sim_config_help(char *buf, size_t n)
{
    enum { INDENT = 25, WIDTH = 79 };
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (int k = 0; k < SIM_CFG__COUNT && len + 1 < n; k++) {
        const sim_config_field *f = &sim_config_fields[k];
        char opt[48];
        snprintf(opt, sizeof opt, "--%s %s", f->name, f->arg);
        len += put(buf + len, n - len, snprintf(buf + len, n - len, "  %-22s", opt));
        /* The help text, wrapped at word boundaries under its column. */
        const char *h = f->help;
        size_t col = INDENT;
        while (*h && len + 1 < n) {
            size_t w = strcspn(h, " ");
            if (col > INDENT && col + 1 + w > WIDTH) {
                len += put(buf + len, n - len,
                           snprintf(buf + len, n - len, "\n%*s", INDENT, ""));
                col = INDENT;
            } else {
                len += put(buf + len, n - len, snprintf(buf + len, n - len, " "));
                col++;
            }
            len += put(buf + len, n - len, snprintf(buf + len, n - len, "%.*s", (int)w, h));
            col += w;
            h += w;
            while (*h == ' ')
                h++;
        }
        len += put(buf + len, n - len, snprintf(buf + len, n - len, "\n"));
    }
    return len;
}
