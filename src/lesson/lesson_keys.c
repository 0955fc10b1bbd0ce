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
 * choices; a check must name one of the step's models).
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
#include "lesson_priv.h"
#include "workload.h"

/* The run's settings first, in the order of config.h's table (their names
 * and values are the run configuration's: sim_config_set reads them), then
 * the keys of the lesson player and of predictions. */
enum {
    K_WORKLOAD, K_MODELS, K_WORKERS, K_THREADS, K_SWITCH, K_TIMEOUT, K_START,
    K_MEMORY, K_COSTS, K_SPEED, K_VIEW, K_HIGHLIGHT, K_NEEDS_CPUS, K_CPYTHON, K_CODE, K_QUESTION,
    K_CHOICES, K_ANSWER, K_CHECK, K_TOLERANCE, K__COUNT
};
_Static_assert((int)K_WORKLOAD == (int)SIM_CFG_WORKLOAD &&
               (int)K_START == (int)SIM_CFG_START_METHOD &&
               (int)K_COSTS == (int)SIM_CFG_COSTS &&
               (int)K_SPEED == (int)SIM_CFG__COUNT, "the run's keys are config.h's fields");

static const char *const key_names[K__COUNT] = {
    "workload", "models", "workers", "threads", "switch-interval", "timeout",
    "start-method", "memory-limit", "costs", "speed", "view", "highlight", "needs-cpus",
    "cpython", "code", "question", "choices", "answer", "check", "tolerance",
};

/* Names a teacher might reach for to run or read something. */
static const char *const forbidden_keys[] = {
    "run", "exec", "command", "cmd", "shell", "script", "file", "path",
    "output", "trace", "include", "import", "load", "open", "save", "url",
    "python", "python-ft", "interpreter", /* cpython: yes uses the configured python3 */
};

typedef struct slot {
    int set;
    int line, col;     /* where the value starts */
    char value[LESSON_MAX_VALUE + 1];
    /* choices given as a list of `- item` lines */
    int nitems;
    int item_line[LESSON_MAX_CHOICES + 1];
    char items[LESSON_MAX_CHOICES + 1][LESSON_MAX_VALUE + 1];
} slot;

typedef struct ctx {
    const char *file;
    lesson_errors *e;
    slot *slots;
    int bad;
} ctx;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Records an error at `line` and marks the block bad. Returns -1, so that a
 * check can end with `return bad(c, line, "...")`. */
__attribute__((format(printf, 3, 4)))
static int bad(ctx *c, int line, const char *fmt, ...)
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
            bad(c, line, "line too long (at most %d bytes)",
                LESSON_MAX_VALUE);
            list_key = -1;
            goto next;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        char *s = trim(buf);
        if (*s == '\0' || *s == '#')
            goto next;
        if (s[0] == '-' && (s[1] == ' ' || s[1] == '\0')) {
            if (list_key < 0) {
                bad(c, line,
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
            snprintf(sl->items[sl->nitems++], sizeof sl->items[0], "%s", trim(s + 1));
            goto next;
        }
        list_key = -1;
        char *colon = strchr(s, ':');
        if (!colon) {
            bad(c, line,
                "expected 'key: value' (for example 'workload: 4*io:200ms')");
            goto next;
        }
        *colon = '\0';
        char *key = trim(s);
        char *val = trim(colon + 1);
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
            bad(c, line, "'%s' is given twice (first on line %d)",
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
static int parse_int(const char *s, long lo, long hi, long *out)
{
    long long v;
    if (sim_parse_int(s, lo, hi, &v) != 0)
        return -1;
    *out = (long)v;
    return 0;
}

/* A duration from 0 to an hour (parse.h's grammar), in ns. */
static int parse_dur(const char *s, double *ns)
{
    int64_t v;
    char msg[160];
    if (sim_parse_duration(s, 0, 0, 3600ll * 1000000000ll, &v, msg, sizeof msg) != 0)
        return -1;
    *ns = (double)v;
    return 0;
}

/* Whether the step runs model m (its models, or the default three). */
static int step_has_model(const lesson_settings *st, sim_model m)
{
    sim_config run = st->cfg;
    sim_config_resolve(&run, 1);
    return sim_config_has_model(&run, m);
}

/* Splits a comma list (or the slot's `- item` lines) into items. */
static int split_list(const slot *sl, char items[][LESSON_MAX_VALUE + 1], int *lines, int max)
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
        snprintf(items[n], LESSON_MAX_VALUE + 1, "%s", trim(tmp));
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
            bad(c, S[k].line, "%s: %s", key_names[k], msg);
        }
    }
    long v;
    if (S[K_NEEDS_CPUS].set) {
        if (parse_int(S[K_NEEDS_CPUS].value, 1, 256, &v) != 0) {
            bad(c, S[K_NEEDS_CPUS].line,
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
            bad(c, S[K_CPYTHON].line,
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
            bad(c, S[K_CODE].line,
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
        double sp = strtod(trim(tmp), &end);
        if (end == trim(tmp) || *trim(end) != '\0' || !(sp >= 0.01 && sp <= 100)) {
            bad(c, S[K_SPEED].line,
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
            ok = parse_dur(trim(tmp), &a) == 0 &&
                 parse_dur(trim(to + 4), &b) == 0 && b > a;
        }
        if (!ok) {
            bad(c, S[K_VIEW].line,
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
            bad(c, sl->line, "workload: %s (in a lesson: "
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
    int n = split_list(sl, items, lines, LESSON_MAX_HIGHLIGHT);
    if (n > LESSON_MAX_HIGHLIGHT) {
        bad(c, sl->line, "highlight: at most %d tasks",
            LESSON_MAX_HIGHLIGHT);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *s = items[i];
        if (strncasecmp(s, "task ", 5) == 0)
            s = trim((char *)s + 5);
        long v;
        if (parse_int(s, 0, ntasks ? (long)(ntasks - 1 > 999999 ? 999999 : ntasks - 1) : 999999,
                      &v) != 0) {
            bad(c, sl->line,
                "highlight: expected task numbers from 0 to %llu, got '%s'",
                (unsigned long long)(ntasks ? ntasks - 1 : 0), items[i]);
            return;
        }
        st->highlight[st->nhighlight++] = (uint32_t)v;
    }
}

int lesson_check_is_models(lesson_check_kind k)
{
    return k == LESSON_CHECK_FASTEST || k == LESSON_CHECK_SLOWEST ||
           k == LESSON_CHECK_LIGHTEST || k == LESSON_CHECK_HEAVIEST;
}

static int is_model_check(lesson_check_kind k) { return lesson_check_is_models(k); }

/* Checks answered with a whole number rather than a duration. */
static int is_count(lesson_check_kind k)
{
    return k == LESSON_CHECK_SWITCHES || k == LESSON_CHECK_LOST;
}

static const char *const check_names[] = {
    "", "fastest", "slowest", "lightest", "heaviest", "wall", "end", "switches", "lost",
};

const char *lesson_check_name(lesson_check_kind k)
{
    return (unsigned)k < sizeof check_names / sizeof check_names[0] ? check_names[k] : "?";
}

/* `lost MODEL NAME`: NAME must be a variable the step's workload changes. */
static void check_var(ctx *c, const lesson_settings *st, lesson_prediction *p,
                      const char *name)
{
    sim_workload w;
    sim_parse_error pe;
    int found = 0;
    if (sim_workload_parse(&w, st->workload, &pe) == 0) {
        for (size_t i = 0; i < w.nnames; i++)
            found |= w.names[i].kind == SIM_NAME_VAR && strcmp(w.names[i].name, name) == 0;
        sim_workload_free(&w);
    }
    if (!found) {
        bad(c, c->slots[K_CHECK].line,
            "check: '%s' is not a variable of this step's workload (as in "
            "'inc:%s' or 'store:%s')", name, name, name);
        return;
    }
    snprintf(p->check_var, sizeof p->check_var, "%s", name);
}

/* A check on CPython's runs (`check: wall cpython asyncio`): the step must
 * measure them, and CPython must record what the check reads. Returns 1
 * when it may, 0 (said) when not. */
static int check_cpython(ctx *c, const lesson_settings *st, lesson_prediction *p)
{
    slot *sl = &c->slots[K_CHECK];
    const char *name = check_names[p->check];
    if (p->check == LESSON_CHECK_LIGHTEST || p->check == LESSON_CHECK_HEAVIEST) {
        bad(c, sl->line, "check: '%s cpython' cannot be judged: CPython's runs do not "
            "measure memory per task", name);
        return 0;
    }
    if (p->check == LESSON_CHECK_SWITCHES) {
        bad(c, sl->line, "check: 'switches cpython' cannot be judged: CPython does not say "
            "who holds the GIL, so its runs count no switches");
        return 0;
    }
    if (!st->cpython) {
        bad(c, sl->line, "check: '%s cpython ...' judges CPython's runs: add 'cpython: yes' "
            "to this step, so that they are measured", name);
        return 0;
    }
    return 1;
}

static void check_check(ctx *c, lesson_settings *st, lesson_prediction *p, uint64_t ntasks)
{
    slot *sl = &c->slots[K_CHECK];
    char tmp[LESSON_MAX_VALUE + 1];
    snprintf(tmp, sizeof tmp, "%s", sl->value);
    char *save = NULL;
    char *w0 = strtok_r(tmp, " \t", &save);
    char *w1 = strtok_r(NULL, " \t", &save);
    /* `check: wall cpython asyncio`: the same check, on CPython's runs. */
    if (w1 && strcasecmp(w1, "cpython") == 0) {
        p->cpython = 1;
        w1 = strtok_r(NULL, " \t", &save);
    }
    char *w2 = strtok_r(NULL, " \t", &save);
    p->check = LESSON_CHECK_NONE;
    for (int k = 1; w0 && k < (int)(sizeof check_names / sizeof check_names[0]); k++)
        if (strcasecmp(w0, check_names[k]) == 0)
            p->check = (lesson_check_kind)k;
    if (w2 && strcasecmp(w2, "task") == 0 && p->check != LESSON_CHECK_LOST)
        w2 = strtok_r(NULL, " \t", &save);
    char *w3 = strtok_r(NULL, " \t", &save);
    const char *usage = "check: expected 'fastest', 'slowest', 'lightest', 'heaviest' "
                        "(models), 'wall MODEL', 'switches MODEL', 'end MODEL TASK' or "
                        "'lost MODEL NAME' ('cpython' after the check's name judges "
                        "CPython's runs: 'wall cpython MODEL')";
    if (p->check == LESSON_CHECK_NONE) {
        bad(c, sl->line, "%s, got '%s'", usage, sl->value);
        return;
    }
    if (p->cpython && !check_cpython(c, st, p))
        return;
    int two = p->check == LESSON_CHECK_END || p->check == LESSON_CHECK_LOST;
    int want = is_model_check(p->check) ? 0 : two ? 2 : 1;
    int got = !!w1 + !!w2 + !!w3;
    if (got != want) {
        bad(c, sl->line, "%s, got '%s'", usage, sl->value);
        return;
    }
    if (want == 0)
        return;
    if (sim_model_parse(w1, &p->check_model) != 0 || !step_has_model(st, p->check_model)) {
        bad(c, sl->line,
            "check: '%s' is not one of this step's models (see 'models:')", w1);
        return;
    }
    if (p->check == LESSON_CHECK_LOST) {
        check_var(c, st, p, w2);
    } else if (want == 2) {
        long v;
        if (parse_int(w2, 0, 999999, &v) != 0 || (ntasks && (uint64_t)v >= ntasks)) {
            bad(c, sl->line,
                "check: expected a task number from 0 to %llu, got '%s'",
                (unsigned long long)(ntasks ? ntasks - 1 : 0), w2);
            return;
        }
        p->check_task = (uint32_t)v;
    }
}

/* A numeric answer: a duration for wall/end, a count for switches and lost. */
static int parse_value(lesson_check_kind k, const char *s, double *v)
{
    if (is_count(k)) {
        long n;
        if (parse_int(s, 0, 100000000, &n) != 0)
            return -1;
        *v = (double)n;
        return 0;
    }
    return parse_dur(s, v);
}

/* Whether the step predicts: 1 with question, answer and check all given,
 * 0 with none of the prediction's keys, -1 (said) when some are missing. */
static int wants_prediction(ctx *c)
{
    slot *S = c->slots;
    int first = 0;
    for (int k = K_QUESTION; k < K__COUNT; k++)
        if (S[k].set && (!first || S[k].line < first))
            first = S[k].line;
    if (!first)
        return 0;
    static const int need[] = {K_QUESTION, K_ANSWER, K_CHECK};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!S[need[i]].set)
            return bad(c, first, "a prediction needs 'question:', 'answer:' and 'check:'; "
                       "'%s:' is missing", key_names[need[i]]);
    return 1;
}

typedef char item_text[LESSON_MAX_VALUE + 1];

/* The choices as written; for a model check without 'choices:', the step's
 * models. Returns how many, or -1 (said). */
static int list_choices(ctx *c, const lesson_settings *st, const lesson_prediction *p,
                        item_text *items, int *lines)
{
    slot *S = c->slots;
    if (S[K_CHOICES].set) {
        int n = split_list(&S[K_CHOICES], items, lines, LESSON_MAX_CHOICES);
        if (n > LESSON_MAX_CHOICES || n < 2)
            return bad(c, S[K_CHOICES].line, "choices: expected 2 to %d choices",
                       LESSON_MAX_CHOICES);
        return n;
    }
    if (!is_model_check(p->check))
        return 0;
    sim_config run = st->cfg;
    sim_config_resolve(&run, 1);
    for (int i = 0; i < run.nmodels; i++) {
        snprintf(items[i], sizeof items[i], "%s", sim_model_name(run.models[i]));
        lines[i] = S[K_CHECK].line;
    }
    return run.nmodels;
}

/* The models a model check's choice names: "threading", or several
 * joined by "and" ("threading and asyncio": they tie), optionally followed
 * by a comment in parentheses ("asyncio (one thread)"), which is for the
 * learner only. Each must be one of the step's models, named once.
 * Returns 0 with *set (bit 1 << sim_model per model), or -1 with the first
 * word that is not a model of the step in bad_word. */
static int choice_models(const lesson_settings *st, const char *text, uint32_t *set,
                         char *bad_word, size_t n)
{
    char buf[LESSON_MAX_VALUE + 1];
    snprintf(buf, sizeof buf, "%s", text);
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == ')') {
        char *open = strrchr(buf, '(');
        if (open)
            *open = '\0';
    }
    *set = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (strcasecmp(w, "and") == 0)
            continue;
        sim_model m;
        if (sim_model_parse(w, &m) != 0 || !step_has_model(st, m) || (*set >> m) & 1u) {
            snprintf(bad_word, n, "%s", w);
            return -1;
        }
        *set |= 1u << m;
    }
    if (*set == 0) {
        snprintf(bad_word, n, "%s", text);
        return -1;
    }
    return 0;
}

/* What a numeric check's values are, in words. */
static const char *value_kind(lesson_check_kind k)
{
    return is_count(k) ? "a whole number" : "a duration like 200ms";
}

/* Each choice fits the check (a model of the step, or a value, kept in
 * vals), none is empty or listed twice, and a model check has two at least.
 * Returns 0 or -1 (said). */
static int check_choices(ctx *c, const lesson_settings *st, const lesson_prediction *p,
                         item_text *items, const int *lines, int n, double *vals,
                         uint32_t *sets)
{
    const char *check = check_names[p->check];
    for (int i = 0; i < n; i++) {
        if (items[i][0] == '\0')
            return bad(c, lines[i], "choices: an empty choice");
        if (is_model_check(p->check)) {
            char word[64];
            uint32_t set;
            if (choice_models(st, items[i], &set, word, sizeof word) != 0)
                return bad(c, lines[i], "choices: '%s' is not one of this step's models "
                           "(or is named twice): with 'check: %s' every choice names a "
                           "model, or several joined by 'and' for a tie", word, check);
            sets[i] = set;
            for (int j = 0; j < i; j++)
                if (sets[j] == set)
                    return bad(c, lines[i], "choices: '%s' names the same models as '%s'",
                               items[i], items[j]);
        } else if (parse_value(p->check, items[i], &vals[i]) != 0) {
            return bad(c, lines[i], "choices: with 'check: %s' every choice is %s, got '%s'",
                       check, value_kind(p->check), items[i]);
        }
        for (int j = 0; j < i; j++)
            if (strcasecmp(items[i], items[j]) == 0)
                return bad(c, lines[i], "choices: '%s' is listed twice", items[i]);
    }
    if (n < 2 && is_model_check(p->check))
        return bad(c, c->slots[K_CHECK].line, "check: '%s' compares models: list at least "
                   "two in 'models:'", check);
    return 0;
}

/* Copies the checked choices into the prediction. Returns 0 or SIM_E_NOMEM. */
static int keep_choices(lesson_prediction *p, item_text *items, const double *vals,
                        const uint32_t *sets, int n)
{
    for (int i = 0; i < n; i++) {
        p->choice_models[i] = sets[i];
        if (__builtin_popcount(sets[i]) > 1)
            p->tie_choices = 1;
        p->choices[i] = strdup(items[i]);
        if (!p->choices[i])
            return SIM_E_NOMEM;
        p->choice_values[i] = is_model_check(p->check) ? 0 : vals[i];
        p->nchoices = i + 1;
    }
    return 0;
}

/* The answers: one or more of the choices for a model check, exactly one
 * value for a numeric check (one of the choices, if there are any).
 * Returns 0 or -1 (said). */
static int read_answers(ctx *c, const lesson_settings *st, lesson_prediction *p,
                        item_text *items, const double *vals, int n)
{
    slot *sl = &c->slots[K_ANSWER];
    item_text ans[LESSON_MAX_CHOICES + 1];
    int alines[LESSON_MAX_CHOICES + 1];
    int models = is_model_check(p->check);
    int na = split_list(sl, ans, alines, LESSON_MAX_CHOICES);
    if (na < 1 || na > LESSON_MAX_CHOICES || (!models && na != 1))
        return bad(c, sl->line, models ? "answer: expected one or more of the choices"
                                       : "answer: a numeric check has exactly one answer");
    if (!models && parse_value(p->check, ans[0], &p->answer) != 0)
        return bad(c, alines[0], "answer: with 'check: %s' the answer is %s, got '%s'",
                   check_names[p->check], value_kind(p->check), ans[0]);
    for (int a = 0; a < na; a++) {
        int found = -1;
        /* A model answer names a choice as written, or its models ("asyncio
         * and threading" for the choice "threading and asyncio (a tie)"). */
        uint32_t set = 0;
        char word[64];
        if (models && choice_models(st, ans[a], &set, word, sizeof word) != 0)
            set = 0;
        for (int i = 0; i < n; i++)
            if (strcasecmp(ans[a], items[i]) == 0 || (!models && vals[i] == p->answer) ||
                (models && set && set == p->choice_models[i]))
                found = i;
        if (found < 0 && n > 0)
            return bad(c, alines[a], "answer: '%s' is not one of the choices", ans[a]);
        if (found >= 0)
            p->answers |= 1u << found;
    }
    return 0;
}

/* A numeric check needs a tolerance, a percent of the answer or an amount;
 * a model check takes none. */
static void read_tolerance(ctx *c, lesson_prediction *p)
{
    slot *t = &c->slots[K_TOLERANCE];
    if (is_model_check(p->check)) {
        if (t->set)
            bad(c, t->line, "tolerance: only numeric checks (wall, end, switches, lost) "
                "take one");
        return;
    }
    if (!t->set) {
        bad(c, c->slots[K_CHECK].line, "a numeric check needs 'tolerance:' (for example "
            "'20%%' or '50ms')");
        return;
    }
    size_t tl = strlen(t->value);
    if (tl > 1 && t->value[tl - 1] == '%') {
        char tmp[LESSON_MAX_VALUE + 1];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(tl - 1), t->value);
        char *end;
        double pc = strtod(trim(tmp), &end);
        if (end != trim(tmp) && *trim(end) == '\0' && pc > 0 && pc <= 1000) {
            p->tolerance_percent = pc;
            return;
        }
    } else if (parse_value(p->check, t->value, &p->tolerance) == 0 && p->tolerance > 0) {
        return;
    }
    bad(c, t->line, "tolerance: expected a percent from 1%% to 1000%% or %s, got '%s'",
        is_count(p->check) ? "a whole number" : "a duration like 50ms", t->value);
}

/* A prediction: the question, the check, the choices, the answers and the
 * tolerance, each checked against the others and against the step. */
static void check_prediction(ctx *c, lesson_settings *st, lesson_prediction *p,
                             uint64_t ntasks, int *nomem)
{
    if (wants_prediction(c) <= 0)
        return;
    p->line = c->slots[K_QUESTION].line;
    p->question = strdup(c->slots[K_QUESTION].value);
    if (!p->question) {
        *nomem = 1;
        return;
    }
    check_check(c, st, p, ntasks);
    if (p->check == LESSON_CHECK_NONE)
        return;
    item_text items[LESSON_MAX_CHOICES + 1];
    int lines[LESSON_MAX_CHOICES + 1];
    double vals[LESSON_MAX_CHOICES];
    uint32_t sets[LESSON_MAX_CHOICES] = {0};
    int n = list_choices(c, st, p, items, lines);
    if (n < 0 || check_choices(c, st, p, items, lines, n, vals, sets) != 0)
        return;
    if (keep_choices(p, items, vals, sets, n) != 0) {
        *nomem = 1;
        return;
    }
    if (read_answers(c, st, p, items, vals, n) == 0)
        read_tolerance(c, p);
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
        check_prediction(&c, st, &s->pred, ntasks, &nomem);
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
