/* lesson_judge.c - what a step's run says, next to what the lesson claims.
 *
 * A lesson's answer is a claim about the world ("asyncio and threading tie
 * on 8 waits"). concviz does not take the claim on trust: after the run, the
 * checked figure (wall time, memory per task, a task's end, switches) is
 * computed from the recorded traces (or, for lost updates, from the
 * variables' final values the run recorded) and compared with it. The player shows
 * the learner both, and `concviz lesson --verify` fails a lesson whose claim
 * this machine does not bear out, so a lesson cannot teach what concviz does
 * not show.
 *
 * Ties: measured times are noisy, so two models whose figures lie within
 * LESSON_TIE_PERCENT (or LESSON_TIE_NS for times) of the best both count as
 * "fastest". A lesson agrees with the run when the measured best is among
 * its answers and every answer it lists is in that tie.
 *
 * CPython: a `cpython: yes` step also has each model measured in CPython
 * (comparison.h). A check that names it (`check: wall cpython asyncio`)
 * is judged on those runs instead of the engines', by the same rules,
 * and any claim can be judged on them too (lesson_judge_cpython). Where
 * CPython could not measure a model the check needs (no python3), the
 * verdict is skipped, saying why: a machine without Python cannot
 * contradict a lesson about it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "lesson.h"

void lesson_step_run_desc(const lesson_step *s, sim_run_desc *d)
{
    memset(d, 0, sizeof *d);
    d->cfg = s->set.cfg;
}

int lesson_step_is_run(const lesson_step *s, const sim_comparison *c)
{
    if (!c->workload || !s->set.workload || strcmp(c->workload, s->set.workload) != 0)
        return 0;
    sim_config want = s->set.cfg;
    sim_config_resolve(&want, c->machine.cpus);
    if (c->ntraces != want.nmodels)
        return 0;
    /* The same models, in any order, each run with the step's settings. */
    for (int i = 0; i < c->ntraces; i++) {
        const sim_trace *t = &c->traces[i];
        if (!sim_config_has_model(&want, t->model) ||
            t->cfg.threads != want.threads ||
            t->cfg.switch_interval_ns != want.switch_interval_ns)
            return 0;
        if (t->model == SIM_MODEL_MULTIPROCESSING &&
            (t->cfg.workers != want.workers || t->cfg.start_method != want.start_method))
            return 0;
    }
    return 1;
}

int lesson_guess_choice_right(const lesson_prediction *p, int choice)
{
    return choice >= 0 && choice < p->nchoices && ((p->answers >> choice) & 1u);
}

static double tolerance_of(const lesson_prediction *p)
{
    double pc = p->tolerance_percent * fabs(p->answer) / 100.0;
    return pc > p->tolerance ? pc : p->tolerance;
}

int lesson_guess_value_right(const lesson_prediction *p, double value)
{
    return fabs(value - p->answer) <= tolerance_of(p);
}

static const sim_trace *trace_of(const sim_comparison *c, sim_model m)
{
    for (int i = 0; i < c->ntraces; i++)
        if (c->traces[i].model == m)
            return &c->traces[i];
    return NULL;
}

/* "201 ms" for times, "12" for counts, "16 KiB" for memory. */
static void format_value(lesson_check_kind k, double v, char *buf, size_t n)
{
    if (k == LESSON_CHECK_SWITCHES || k == LESSON_CHECK_LOST)
        snprintf(buf, n, "%.0f", v);
    else if (k == LESSON_CHECK_LIGHTEST || k == LESSON_CHECK_HEAVIEST)
        snprintf(buf, n, v >= 10240 ? "%.0f KiB" : "%.0f B", v >= 10240 ? v / 1024 : v);
    else
        sim_format_ns((int64_t)v, buf, n);
}

/* The figure a check reads from one model's trace; -1 when not measured. */
static double figure(const lesson_step *s, const sim_comparison *c, const sim_trace *t)
{
    sim_summary sum;
    sim_trace_summarize(t, c->nominal_ns, c->machine.cpus, &sum);
    switch (s->pred.check) {
    case LESSON_CHECK_FASTEST:
    case LESSON_CHECK_SLOWEST:
    case LESSON_CHECK_WALL:
        return sum.tasks_done == t->ntasks ? (double)sum.wall_ns : -1;
    case LESSON_CHECK_LIGHTEST:
    case LESSON_CHECK_HEAVIEST:
        return t->mem_per_task_bytes > 0 ? (double)t->mem_per_task_bytes : -1;
    case LESSON_CHECK_SWITCHES:
        return (double)sum.switches;
    case LESSON_CHECK_LOST:
        /* Only a run that finished knows a variable's final value. */
        for (uint32_t i = 0; i < t->ncounters; i++) {
            int64_t lost;
            if (strcmp(t->counters[i].name, s->pred.check_var) == 0 &&
                sim_counter_lost(&t->counters[i], &lost) == 0)
                return (double)lost;
        }
        return -1;
    case LESSON_CHECK_END: {
        if (s->pred.check_task >= t->ntasks)
            return -1;
        sim_task_stat ts;
        sim_trace_task_stat(t, s->pred.check_task, &ts);
        return ts.end_ns >= 0 ? (double)ts.end_ns : -1;
    }
    case LESSON_CHECK_NONE:
        break;
    }
    return -1;
}

/* `where` says whose runs these are: "here", "in CPython 3.11.7".
 *
 * The figures are read per model (the models the choices name, in the
 * order they first appear), then each choice is judged: a choice of one
 * model is right when that model is among the best (within the tie
 * margin); on a step that offers tie choices ("threading and asyncio"), a
 * choice is right only when its models are exactly those that tie, so
 * "threading" alone is not right when threading and asyncio tie. */
static void judge_models(const lesson_step *s, const sim_comparison *c, const char *where,
                         lesson_verdict *v)
{
    const lesson_prediction *p = &s->pred;
    sim_model order[SIM_MODEL__COUNT];
    double val[SIM_MODEL__COUNT];
    int nm = 0;
    uint32_t all = 0;
    for (int i = 0; i < p->nchoices; i++)
        for (int m = 0; m < SIM_MODEL__COUNT; m++)
            if (((p->choice_models[i] >> m) & 1u) && !((all >> m) & 1u)) {
                all |= 1u << m;
                order[nm++] = (sim_model)m;
            }
    int want_min = p->check == LESSON_CHECK_FASTEST || p->check == LESSON_CHECK_LIGHTEST;
    int best = -1;
    size_t off = 0;
    off += (size_t)snprintf(v->text, sizeof v->text, "Measured %s:", where);
    for (int i = 0; i < nm; i++) {
        const sim_trace *t = trace_of(c, order[i]);
        const char *name = sim_model_name(order[i]);
        val[i] = t && !sim_trace_failed(t) ? figure(s, c, t) : -1;
        if (val[i] < 0) {
            snprintf(v->text, sizeof v->text, "%s did not give a figure to compare (%s).",
                     name, t && sim_trace_failed(t) ? t->error : "not measured");
            return;
        }
        char b[32];
        format_value(p->check, val[i], b, sizeof b);
        if (off < sizeof v->text)
            off += (size_t)snprintf(v->text + off, sizeof v->text - off, "%s %s %s",
                                    i ? "," : "", name, b);
        if (best < 0 || (want_min ? val[i] < val[best] : val[i] > val[best]))
            best = i;
    }
    if (best < 0)
        return;
    v->ran = 1;
    int is_time = p->check == LESSON_CHECK_FASTEST || p->check == LESSON_CHECK_SLOWEST;
    double margin = val[best] * LESSON_TIE_PERCENT / 100.0;
    if (is_time && margin < (double)LESSON_TIE_NS)
        margin = (double)LESSON_TIE_NS;
    uint32_t tie = 0; /* the models that tie for the best */
    char who[160] = "";
    size_t w = 0;
    for (int i = 0; i < nm; i++)
        if (fabs(val[i] - val[best]) <= margin) {
            tie |= 1u << order[i];
            if (w < sizeof who)
                w += (size_t)snprintf(who + w, sizeof who - w, "%s%s", w ? " and " : "",
                                      sim_model_name(order[i]));
        }
    uint32_t best_choice = 0;
    for (int i = 0; i < p->nchoices; i++) {
        uint32_t set = p->choice_models[i];
        int right = p->tie_choices ? set == tie : (set & ~tie) == 0;
        if (right)
            v->measured |= 1u << i;
        if ((set >> order[best]) & 1u)
            best_choice |= 1u << i;
    }
    v->agrees = p->answers && (p->answers & ~v->measured) == 0 &&
                (p->tie_choices || (p->answers & best_choice));
    if (off < sizeof v->text)
        snprintf(v->text + off, sizeof v->text - off, ". %s %s: %s%s.%s",
                 lesson_check_name(p->check), where, who,
                 __builtin_popcount(tie) > 1 ? " (a tie)" : "",
                 v->agrees ? " This matches the lesson."
                           : " The lesson's answer differs from this machine's.");
}

static void judge_value(const lesson_step *s, const sim_comparison *c, const char *where,
                        lesson_verdict *v)
{
    const lesson_prediction *p = &s->pred;
    const sim_trace *t = trace_of(c, p->check_model);
    double x = t && !sim_trace_failed(t) ? figure(s, c, t) : -1;
    if (x < 0) {
        snprintf(v->text, sizeof v->text, "%s did not give a figure to compare (%s).",
                 sim_model_name(p->check_model), t && sim_trace_failed(t) ? t->error : "not measured");
        return;
    }
    v->ran = 1;
    v->value = x;
    v->agrees = lesson_guess_value_right(p, x);
    int near = -1;
    double dn = 0;
    for (int i = 0; i < p->nchoices; i++) {
        double ci = p->choice_values[i];
        /* Nearest by ratio: "about 1 ms" and "about 1 s" are choices of
         * orders of magnitude, so 3 ms is nearer 1 ms than 100 ms. */
        double d = fabs(log((x + 1) / (ci + 1)));
        if (near < 0 || d < dn) {
            near = i;
            dn = d;
        }
    }
    if (near >= 0) {
        v->measured = 1u << near;
        if (!((p->answers >> near) & 1u))
            v->agrees = 0;
    }
    char got[32], want[32], tol[32];
    format_value(p->check, x, got, sizeof got);
    format_value(p->check, p->answer, want, sizeof want);
    format_value(p->check, tolerance_of(p), tol, sizeof tol);
    const char *what = p->check == LESSON_CHECK_WALL ? "took"
                       : p->check == LESSON_CHECK_END ? "finished the task at"
                       : p->check == LESSON_CHECK_LOST ? "lost"
                                                       : "switched";
    snprintf(v->text, sizeof v->text, "Measured %s: %s %s %s%s%s%s. The lesson says about "
             "%s (give or take %s): %s.", where, sim_model_name(p->check_model), what, got,
             p->check == LESSON_CHECK_SWITCHES ? " times" : "",
             p->check == LESSON_CHECK_LOST ? " updates of " : "",
             p->check == LESSON_CHECK_LOST ? p->check_var : "", want, tol,
             v->agrees ? "it matches" : "this machine differs");
}

static void judge_runs(const lesson_step *s, const sim_comparison *c, const char *where,
                       lesson_verdict *v)
{
    switch (s->pred.check) {
    case LESSON_CHECK_WALL:
    case LESSON_CHECK_END:
    case LESSON_CHECK_SWITCHES:
    case LESSON_CHECK_LOST:
        judge_value(s, c, where, v);
        break;
    default:
        judge_models(s, c, where, v);
        break;
    }
}

/* The first model the check reads that cp did not measure at all (its
 * trace NOT_RUN: no interpreter, or the run stopped before it), or NULL. */
static const sim_trace *unmeasured(const lesson_step *s, const sim_comparison *cp)
{
    const lesson_prediction *p = &s->pred;
    int numeric = p->check == LESSON_CHECK_WALL || p->check == LESSON_CHECK_END ||
                  p->check == LESSON_CHECK_SWITCHES || p->check == LESSON_CHECK_LOST;
    for (int i = 0; i < cp->ntraces; i++) {
        const sim_trace *t = &cp->traces[i];
        if (t->outcome != SIM_OUTCOME_NOT_RUN)
            continue;
        if (numeric && p->check_model == t->model)
            return t;
        for (int k = 0; !numeric && k < p->nchoices; k++)
            if ((p->choice_models[k] >> t->model) & 1u)
                return t;
    }
    return NULL;
}

/* The claim judged on CPython's runs: the comparison with each model's
 * trace replaced by CPython's (a shallow copy; nothing is freed), a model
 * CPython has no run of standing as "not measured". */
static void judge_in_cpython(const lesson_step *s, const sim_comparison *c, lesson_verdict *v)
{
    sim_comparison cp = *c;
    memset(cp.cpython, 0, sizeof cp.cpython);
    char label[96] = "CPython";
    int named = 0;
    for (int i = 0; i < c->ntraces; i++) {
        const sim_trace *py = sim_comparison_cpython(c, i);
        if (py) {
            cp.traces[i] = *py;
            if (!named && py->python.version[0])
                named = sim_python_label(&py->python, label, sizeof label) > 0;
            continue;
        }
        sim_trace none;
        memset(&none, 0, sizeof none);
        none.model = c->traces[i].model;
        none.outcome = SIM_OUTCOME_NOT_RUN;
        snprintf(none.error, sizeof none.error, "this run did not measure it in CPython");
        cp.traces[i] = none;
    }
    const sim_trace *missing = unmeasured(s, &cp);
    if (missing) {
        /* Nothing to contradict the lesson with: skipped, and why. */
        v->skipped = 1;
        snprintf(v->text, sizeof v->text, "%s", missing->error);
        return;
    }
    char where[120];
    snprintf(where, sizeof where, "in %s", label);
    judge_runs(s, &cp, where, v);
}

/* Says why a step that needs more CPUs than this machine has is skipped. */
static void say_cpus(const lesson_step *s, const sim_comparison *c, lesson_verdict *v)
{
    if (s->set.needs_cpus > c->machine.cpus) {
        v->skipped = 1;
        size_t off = strlen(v->text);
        snprintf(v->text + off, sizeof v->text - off,
                 " This step needs %d CPUs to show its point and concviz may use %d "
                 "here, so the run cannot show parallelism: the lesson's answer holds "
                 "on a machine with %d or more.", s->set.needs_cpus, c->machine.cpus,
                 s->set.needs_cpus);
    }
}

int lesson_judge(const lesson_step *s, const sim_comparison *c, lesson_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (!s->pred.question || s->pred.check == LESSON_CHECK_NONE)
        return SIM_E_USAGE;
    if (s->pred.cpython)
        judge_in_cpython(s, c, v);
    else
        judge_runs(s, c, "here", v);
    say_cpus(s, c, v);
    return 0;
}

int lesson_judge_cpython(const lesson_step *s, const sim_comparison *c, lesson_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (!s->pred.question || s->pred.check == LESSON_CHECK_NONE)
        return SIM_E_USAGE;
    judge_in_cpython(s, c, v);
    say_cpus(s, c, v);
    return 0;
}
