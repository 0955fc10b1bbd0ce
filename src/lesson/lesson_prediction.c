/* lesson_prediction.c - a step's prediction: `question:`, `choices:`,
 * `answer:`, `check:` and `tolerance:` in its ```concviz block.
 *
 * A prediction is what the learner is asked before the run, and what the
 * run is then judged by (lesson_judge.c): the check says what is measured
 * (the fastest or lightest model, one model's wall time, a task's end, the
 * GIL's switches, the updates lost), the choices what may be picked, the
 * answer which is right, the tolerance how close a number must come. Each
 * depends on the others and on the step (a check names one of its models,
 * a `lost` check one of its variables, an answer one of the choices), so
 * they are checked here together, once lesson_keys.c has read the block's
 * lines into slots and checked the run's settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "lesson_keys_priv.h"
#include "lesson_priv.h"
#include "workload.h"

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
        keys_bad(c, c->slots[K_CHECK].line,
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
        keys_bad(c, sl->line, "check: '%s cpython' cannot be judged: CPython's runs do not "
                 "measure memory per task", name);
        return 0;
    }
    if (p->check == LESSON_CHECK_SWITCHES) {
        keys_bad(c, sl->line, "check: 'switches cpython' cannot be judged: CPython does not say "
                 "who holds the GIL, so its runs count no switches");
        return 0;
    }
    if (!st->cpython) {
        keys_bad(c, sl->line, "check: '%s cpython ...' judges CPython's runs: add 'cpython: yes' "
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
        keys_bad(c, sl->line, "%s, got '%s'", usage, sl->value);
        return;
    }
    if (p->cpython && !check_cpython(c, st, p))
        return;
    int two = p->check == LESSON_CHECK_END || p->check == LESSON_CHECK_LOST;
    int want = is_model_check(p->check) ? 0 : two ? 2 : 1;
    int got = !!w1 + !!w2 + !!w3;
    if (got != want) {
        keys_bad(c, sl->line, "%s, got '%s'", usage, sl->value);
        return;
    }
    if (want == 0)
        return;
    if (sim_model_parse(w1, &p->check_model) != 0 || !keys_has_model(st, p->check_model)) {
        keys_bad(c, sl->line,
                 "check: '%s' is not one of this step's models (see 'models:')", w1);
        return;
    }
    if (p->check == LESSON_CHECK_LOST) {
        check_var(c, st, p, w2);
    } else if (want == 2) {
        long v;
        if (keys_int(w2, 0, 999999, &v) != 0 || (ntasks && (uint64_t)v >= ntasks)) {
            keys_bad(c, sl->line,
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
        if (keys_int(s, 0, 100000000, &n) != 0)
            return -1;
        *v = (double)n;
        return 0;
    }
    return keys_duration(s, v);
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
            return keys_bad(c, first, "a prediction needs 'question:', 'answer:' and 'check:'; "
                            "'%s:' is missing", keys_name(need[i]));
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
        int n = keys_split(&S[K_CHOICES], items, lines, LESSON_MAX_CHOICES);
        if (n > LESSON_MAX_CHOICES || n < 2)
            return keys_bad(c, S[K_CHOICES].line, "choices: expected 2 to %d choices",
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
        if (sim_model_parse(w, &m) != 0 || !keys_has_model(st, m) || (*set >> m) & 1u) {
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
            return keys_bad(c, lines[i], "choices: an empty choice");
        if (is_model_check(p->check)) {
            char word[64];
            uint32_t set;
            if (choice_models(st, items[i], &set, word, sizeof word) != 0)
                return keys_bad(c, lines[i], "choices: '%s' is not one of this step's models "
                                "(or is named twice): with 'check: %s' every choice names a "
                                "model, or several joined by 'and' for a tie", word, check);
            sets[i] = set;
            for (int j = 0; j < i; j++)
                if (sets[j] == set)
                    return keys_bad(c, lines[i], "choices: '%s' names the same models as '%s'",
                                    items[i], items[j]);
        } else if (parse_value(p->check, items[i], &vals[i]) != 0) {
            return keys_bad(c, lines[i], "choices: with 'check: %s' every choice is %s, got '%s'",
                            check, value_kind(p->check), items[i]);
        }
        for (int j = 0; j < i; j++)
            if (strcasecmp(items[i], items[j]) == 0)
                return keys_bad(c, lines[i], "choices: '%s' is listed twice", items[i]);
    }
    if (n < 2 && is_model_check(p->check))
        return keys_bad(c, c->slots[K_CHECK].line, "check: '%s' compares models: list at least "
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
    int na = keys_split(sl, ans, alines, LESSON_MAX_CHOICES);
    if (na < 1 || na > LESSON_MAX_CHOICES || (!models && na != 1))
        return keys_bad(c, sl->line, models ? "answer: expected one or more of the choices"
                                       : "answer: a numeric check has exactly one answer");
    if (!models && parse_value(p->check, ans[0], &p->answer) != 0)
        return keys_bad(c, alines[0], "answer: with 'check: %s' the answer is %s, got '%s'",
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
            return keys_bad(c, alines[a], "answer: '%s' is not one of the choices", ans[a]);
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
            keys_bad(c, t->line, "tolerance: only numeric checks (wall, end, switches, lost) "
                     "take one");
        return;
    }
    if (!t->set) {
        keys_bad(c, c->slots[K_CHECK].line, "a numeric check needs 'tolerance:' (for example "
                 "'20%%' or '50ms')");
        return;
    }
    size_t tl = strlen(t->value);
    if (tl > 1 && t->value[tl - 1] == '%') {
        char tmp[LESSON_MAX_VALUE + 1];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(tl - 1), t->value);
        char *end;
        double pc = strtod(keys_trim(tmp), &end);
        if (end != keys_trim(tmp) && *keys_trim(end) == '\0' && pc > 0 && pc <= 1000) {
            p->tolerance_percent = pc;
            return;
        }
    } else if (parse_value(p->check, t->value, &p->tolerance) == 0 && p->tolerance > 0) {
        return;
    }
    keys_bad(c, t->line, "tolerance: expected a percent from 1%% to 1000%% or %s, got '%s'",
             is_count(p->check) ? "a whole number" : "a duration like 50ms", t->value);
}

/* A prediction: the question, the check, the choices, the answers and the
 * tolerance, each checked against the others and against the step. */
void lesson_prediction_check(ctx *c, lesson_settings *st, lesson_prediction *p,
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
