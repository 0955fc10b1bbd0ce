/* lesson_keys.c - the ```concviz block of a step: `key: value` lines.
 *
 * Every key is a typed setting of concviz (a workload, models, a count, a
 * duration), so a lesson can configure the program and nothing else: there
 * is no key for a command, a file or a path, and a key that looks like one
 * gets a message saying why it cannot exist. Each value is checked here,
 * with the line (and, for a workload, the column) of the mistake, so that
 * `concviz lesson --check` finds everything a learner would trip on.
 *
 * The block is parsed in two passes: first every line into a slot per key
 * (duplicates and unknown keys are errors), then the slots are checked
 * together, since some depend on others (an answer must be one of the
 * choices; a check must name one of the step's models). A prediction's
 * keys are checked in lesson_prediction.c; lesson_keys_priv.h is what the
 * two files share.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "parse.h"
#include "run.h"
#include "lesson_keys_priv.h"
#include "lesson_priv.h"
#include "workload.h"

_Static_assert((int)K_WORKLOAD == (int)SIM_CFG_WORKLOAD &&
               (int)K_START == (int)SIM_CFG_START_METHOD &&
               (int)K_COSTS == (int)SIM_CFG_COSTS &&
               (int)K_SPEED == (int)SIM_CFG__COUNT, "the run's keys are config.h's fields");

static const char *const key_names[K__COUNT] = {
    "workload", "models", "workers", "threads", "switch-interval", "timeout",
    "start-method", "memory-limit", "costs", "speed", "view", "highlight", "needs-cpus",
    "cpython", "code", "question", "choices", "answer", "check", "tolerance",
};

const char *keys_name(int k)
{
    return k >= 0 && k < K__COUNT ? key_names[k] : "?";
}

/* Names a teacher might reach for to run or read something. */
static const char *const forbidden_keys[] = {
    "run", "exec", "command", "cmd", "shell", "script", "file", "path",
    "output", "trace", "include", "import", "load", "open", "save", "url",
    "python", "python-ft", "interpreter", /* cpython: yes uses the configured python3 */
};

char *keys_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Records an error at `line` and marks the block bad. Returns -1, so that a
 * check can end with `return keys_bad(c, line, "...")`. */
int keys_bad(ctx *c, int line, const char *fmt, ...)
{
    char m[sizeof c->e->msg[0]];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    lesson_error(c->e, c->file, line, 0, "%s", m);
    c->bad = 1;
    return -1;
}

static void unknown_key(ctx *c, int line, const char *key)
{
    for (size_t i = 0; i < sizeof forbidden_keys / sizeof forbidden_keys[0]; i++) {
        if (strcasecmp(key, forbidden_keys[i]) == 0) {
            lesson_error(c->e, c->file, line, 0,
                         "key '%s' is not allowed: a lesson can only configure "
                         "concviz (workload, models, ...), never run commands or "
                         "name files", key);
            return;
        }
    }
    size_t best = 99;
    int which = -1;
    for (int k = 0; k < K__COUNT; k++) {
        size_t d = sim_edit_distance(key, strlen(key), key_names[k]);
        if (d < best) {
            best = d;
            which = k;
        }
    }
    if (which >= 0 && best <= 2)
        lesson_error(c->e, c->file, line, 0, "unknown key '%s' (did you mean '%s'?)",
                     key, key_names[which]);
    else
        lesson_error(c->e, c->file, line, 0,
                     "unknown key '%s' (expected workload, models, workers, threads, "
                     "switch-interval, start-method, speed, view, highlight, needs-cpus, cpython, "
                     "code, question, choices, answer, check or tolerance)", key);
}

/* Pass one: lines into slots. */
static void read_lines(ctx *c, const char *text, int line0, int col0)
{
    const char *p = text;
    int line = line0;
    int list_key = -1;  /* the key whose `- item` lines may follow */
    char buf[LESSON_MAX_VALUE + 64];
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof buf) {
            keys_bad(c, line, "line too long (at most %d bytes)",
                     LESSON_MAX_VALUE);
            list_key = -1;
            goto next;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        char *s = keys_trim(buf);
        if (*s == '\0' || *s == '#')
            goto next;
        if (s[0] == '-' && (s[1] == ' ' || s[1] == '\0')) {
            if (list_key < 0) {
                keys_bad(c, line,
                         "a list item here must follow 'choices:' or 'answer:' "
                         "with nothing after the colon");
                goto next;
            }
            slot *sl = &c->slots[list_key];
            if (sl->nitems > LESSON_MAX_CHOICES) {
                c->bad = 1;
                goto next;
            }
            if (sl->nitems == LESSON_MAX_CHOICES) {
                lesson_error(c->e, c->file, line, 0, "too many items (at most %d)",
                             LESSON_MAX_CHOICES);
                sl->nitems++;
                c->bad = 1;
                goto next;
            }
            sl->item_line[sl->nitems] = line;
            snprintf(sl->items[sl->nitems++], sizeof sl->items[0], "%s", keys_trim(s + 1));
            goto next;
        }
        list_key = -1;
        char *colon = strchr(s, ':');
        if (!colon) {
            keys_bad(c, line,
                     "expected 'key: value' (for example 'workload: 4*io:200ms')");
            goto next;
        }
        *colon = '\0';
        char *key = keys_trim(s);
        char *val = keys_trim(colon + 1);
        int k = -1;
        for (int i = 0; i < K__COUNT; i++)
            if (strcasecmp(key, key_names[i]) == 0)
                k = i;
        if (k < 0) {
            unknown_key(c, line, key);
            c->bad = 1;
            goto next;
        }
        slot *sl = &c->slots[k];
        if (sl->set) {
            keys_bad(c, line, "'%s' is given twice (first on line %d)",
                     key_names[k], sl->line);
            goto next;
        }
        sl->set = 1;
        sl->line = line;
        sl->col = col0 + (int)(val - buf);
        snprintf(sl->value, sizeof sl->value, "%s", val);
        if (*val == '\0' && (k == K_CHOICES || k == K_ANSWER))
            list_key = k;
    next:
        line++;
        p = nl ? nl + 1 : p + n;
    }
}

/* A whole number in [lo, hi] (parse.h's grammar). */
int keys_int(const char *s, long lo, long hi, long *out)
{
    long long v;
    if (sim_parse_int(s, lo, hi, &v) != 0)
        return -1;
    *out = (long)v;
    return 0;
}

/* A duration from 0 to an hour (parse.h's grammar), in ns. */
int keys_duration(const char *s, double *ns)
{
    int64_t v;
    char msg[160];
    if (sim_parse_duration(s, 0, 0, 3600ll * 1000000000ll, &v, msg, sizeof msg) != 0)
        return -1;
    *ns = (double)v;
    return 0;
}

/* Whether the step runs model m (its models, or the default three). */
int keys_has_model(const lesson_settings *st, sim_model m)
{
    sim_config run = st->cfg;
    sim_config_resolve(&run, 1);
    return sim_config_has_model(&run, m);
}

/* Splits a comma list (or the slot's `- item` lines) into items. */
int keys_split(const slot *sl, char items[][LESSON_MAX_VALUE + 1], int *lines, int max)
{
    if (sl->value[0] == '\0') {
        int n = sl->nitems < max ? sl->nitems : max + 1;
        for (int i = 0; i < n && i < max; i++) {
            snprintf(items[i], LESSON_MAX_VALUE + 1, "%s", sl->items[i]);
            lines[i] = sl->item_line[i];
        }
        return sl->nitems;
    }
    int n = 0;
    const char *p = sl->value;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (n >= max)
            return max + 1;
        char tmp[LESSON_MAX_VALUE + 1];
        memcpy(tmp, p, len);
        tmp[len] = '\0';
        snprintf(items[n], LESSON_MAX_VALUE + 1, "%s", keys_trim(tmp));
        lines[n] = sl->line;
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

/* The run's settings (config.h), each read by sim_config_set. A list of
 * models may also be written as `- item` lines under `models:`. */
static void check_run_settings(ctx *c, lesson_settings *st)
{
    slot *S = c->slots;
    for (int k = SIM_CFG_MODELS; k < SIM_CFG__COUNT; k++) {
        if (!S[k].set)
            continue;
        if (!sim_config_fields[k].in_lessons) {
            lesson_error(c->e, c->file, S[k].line, 0, "%s: a lesson cannot set this: it "
                         "is for the person who runs concviz (--%s)", key_names[k],
                         key_names[k]);
            c->bad = 1;
            continue;
        }
        char value[LESSON_MAX_VALUE * 2 + 16], msg[300];
        if (S[k].value[0] == '\0' && S[k].nitems > 0) {
            size_t len = 0;
            for (int i = 0; i < S[k].nitems && len + 1 < sizeof value; i++)
                len += (size_t)snprintf(value + len, sizeof value - len, "%s%s",
                                        i ? "," : "", S[k].items[i]);
        } else {
            snprintf(value, sizeof value, "%s", S[k].value);
        }
        if (sim_config_set(&st->cfg, (sim_config_key)k, value, 0, msg, sizeof msg) != 0) {
            keys_bad(c, S[k].line, "%s: %s", key_names[k], msg);
        }
    }
    long v;
    if (S[K_NEEDS_CPUS].set) {
        if (keys_int(S[K_NEEDS_CPUS].value, 1, 256, &v) != 0) {
            keys_bad(c, S[K_NEEDS_CPUS].line,
                     "needs-cpus: expected a whole number from 1 to 256, got '%s'",
                     S[K_NEEDS_CPUS].value);
        } else {
            st->needs_cpus = (int)v;
        }
    }
    /* cpython: yes shows what CPython measured beside each model: with "the
     * configured python3", never an interpreter the lesson names (there
     * is no key for one). */
    if (S[K_CPYTHON].set) {
        if (strcasecmp(S[K_CPYTHON].value, "yes") == 0)
            st->cpython = 1;
        else if (strcasecmp(S[K_CPYTHON].value, "no") != 0)
            keys_bad(c, S[K_CPYTHON].line,
                     "cpython: expected yes or no (yes: also run the step's Python programs "
                     "in the configured python3, beside each model), got '%s'",
                     S[K_CPYTHON].value);
    }
    /* code: yes opens the code view (each model's Python program, the line
     * each task is on) for the step, as the C key does. */
    if (S[K_CODE].set) {
        if (strcasecmp(S[K_CODE].value, "yes") == 0)
            st->code = 1;
        else if (strcasecmp(S[K_CODE].value, "no") != 0)
            keys_bad(c, S[K_CODE].line,
                     "code: expected yes or no (yes: show the Python program beside the "
                     "timelines, as the C key does), got '%s'", S[K_CODE].value);
    }
    st->speed = 1.0;
    if (S[K_SPEED].set) {
        char tmp[LESSON_MAX_VALUE + 1];
        snprintf(tmp, sizeof tmp, "%s", S[K_SPEED].value);
        size_t n = strlen(tmp);
        if (n && (tmp[n - 1] == 'x' || tmp[n - 1] == 'X'))
            tmp[n - 1] = '\0';
        char *end;
        double sp = strtod(keys_trim(tmp), &end);
        if (end == keys_trim(tmp) || *keys_trim(end) != '\0' || !(sp >= 0.01 && sp <= 100)) {
            keys_bad(c, S[K_SPEED].line,
                     "speed: expected a playback speed from 0.01 to 100 (1 = real "
                     "time, 0.1 = ten times slower), got '%s'", S[K_SPEED].value);
        } else {
            st->speed = sp;
        }
    }
    if (S[K_VIEW].set) {
        char tmp[LESSON_MAX_VALUE + 1];
        snprintf(tmp, sizeof tmp, "%s", S[K_VIEW].value);
        char *to = strstr(tmp, " to ");
        double a, b;
        int ok = 0;
        if (to) {
            *to = '\0';
            ok = keys_duration(keys_trim(tmp), &a) == 0 &&
                 keys_duration(keys_trim(to + 4), &b) == 0 && b > a;
        }
        if (!ok) {
            keys_bad(c, S[K_VIEW].line,
                     "view: expected 'FROM to TO' with durations, TO after FROM "
                     "(for example '0ms to 50ms'), got '%s'", S[K_VIEW].value);
        } else {
            st->view_from_ns = (int64_t)a;
            st->view_to_ns = (int64_t)b;
        }
    }
}

static int check_workload(ctx *c, lesson_settings *st, uint64_t *ntasks)
{
    slot *sl = &c->slots[K_WORKLOAD];
    if (!sl->set) {
        return 0;  /* reported by the caller, with the block's line */
    }
    sim_workload w;
    sim_parse_error pe;
    if (sim_workload_parse(&w, sl->value, &pe) != 0) {
        lesson_error(c->e, c->file, sl->line, pe.column ? sl->col + pe.column - 1 : 0,
                     "workload: %s", pe.message);
        c->bad = 1;
        return 0;
    }
    *ntasks = w.ntasks;
    sim_config run = st->cfg;
    /* Unset workers means "the CPUs": one is enough to check the rest. */
    sim_config_resolve(&run, 1);
    for (int i = 0; i < run.nmodels; i++) {
        char msg[256];
        if (sim_engine_check_limits(run.models[i], &w, run.workers, run.threads, msg,
                                    sizeof msg) != 0) {
            keys_bad(c, sl->line, "workload: %s (in a lesson: "
                     "'threads:' and 'workers:' instead of the options)", msg);
            break;
        }
    }
    sim_workload_free(&w);
    st->workload = strdup(sl->value);
    st->cfg.workload = st->workload;
    return st->workload ? 0 : SIM_E_NOMEM;
}

static void check_highlight(ctx *c, lesson_settings *st, uint64_t ntasks)
{
    slot *sl = &c->slots[K_HIGHLIGHT];
    if (!sl->set)
        return;
    char items[LESSON_MAX_HIGHLIGHT + 1][LESSON_MAX_VALUE + 1];
    int lines[LESSON_MAX_HIGHLIGHT + 1];
    int n = keys_split(sl, items, lines, LESSON_MAX_HIGHLIGHT);
    if (n > LESSON_MAX_HIGHLIGHT) {
        keys_bad(c, sl->line, "highlight: at most %d tasks",
                 LESSON_MAX_HIGHLIGHT);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *s = items[i];
        if (strncasecmp(s, "task ", 5) == 0)
            s = keys_trim((char *)s + 5);
        long v;
        if (keys_int(s, 0, ntasks ? (long)(ntasks - 1 > 999999 ? 999999 : ntasks - 1) : 999999,
                     &v) != 0) {
            keys_bad(c, sl->line,
                     "highlight: expected task numbers from 0 to %llu, got '%s'",
                     (unsigned long long)(ntasks ? ntasks - 1 : 0), items[i]);
            return;
        }
        st->highlight[st->nhighlight++] = (uint32_t)v;
    }
}

int lesson_settings_parse(lesson_step *s, const char *file, const char *text,
                          int line, int col, lesson_errors *e)
{
    slot *slots = calloc(K__COUNT, sizeof *slots);
    if (!slots)
        return SIM_E_NOMEM;
    ctx c = {.file = file, .e = e, .slots = slots, .bad = 0};
    read_lines(&c, text, line, col);
    lesson_settings *st = &s->set;
    int nomem = 0;
    uint64_t ntasks = 0;
    check_run_settings(&c, st);
    if (!slots[K_WORKLOAD].set) {
        /* After an unknown key (a misspelt 'workload'?) this would be noise. */
        if (!c.bad)
            lesson_error(e, file, line - 1, 0,
                     "this ```concviz block has no 'workload:' (for example "
                     "'workload: 4*io:200ms')");
        c.bad = 1;
    } else if (check_workload(&c, st, &ntasks) != 0) {
        nomem = 1;
    }
    if (!nomem && st->workload) {
        check_highlight(&c, st, ntasks);
        lesson_prediction_check(&c, st, &s->pred, ntasks, &nomem);
    }
    free(slots);
    if (nomem)
        return SIM_E_NOMEM;
    return c.bad ? -1 : 0;
}

void lesson_settings_free(lesson_step *s)
{
    free(s->set.workload);
    s->set.workload = NULL;
    s->set.cfg.workload = NULL;
    free(s->pred.question);
    s->pred.question = NULL;
    for (int i = 0; i < s->pred.nchoices; i++)
        free(s->pred.choices[i]);
    s->pred.nchoices = 0;
}
