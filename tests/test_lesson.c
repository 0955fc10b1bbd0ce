/* test_lesson.c - the lesson format: the course parses, broken lessons give
 * the messages in their golden files, narration keeps its styles, answers
 * are judged as documented, and progress survives a round trip.
 *
 * Golden files: tests/fixtures/lessons/NAME.md is parsed under the name
 * "NAME.md" and its messages, one a line, must equal NAME.expected.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"
#include "progress.h"
#include "test.h"
#include "workload.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ASSERT_MSG(f, "cannot open %s", path);
    char *buf = malloc(LESSON_MAX_FILE_BYTES + 2);
    ASSERT(buf);
    *len = fread(buf, 1, LESSON_MAX_FILE_BYTES + 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static const char *root(void)
{
    const char *r = getenv("CONCVIZ_SOURCE_ROOT");
    ASSERT_MSG(r, "CONCVIZ_SOURCE_ROOT is not set (run through meson test)");
    return r;
}

static void test_course(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/lessons", root());
    lesson_catalog cat;
    ASSERT_INT_EQ(lesson_catalog_list(&cat, dir, NULL), 0);
    ASSERT_MSG(cat.n >= 10, "the course has %zu lessons; at least 10 expected", cat.n);
    int predictions = 0;
    for (size_t i = 0; i < cat.n; i++) {
        lesson l;
        lesson_errors e;
        int rc = lesson_load(&l, cat.v[i].path, &e);
        ASSERT_MSG(rc == 0, "%s: %s", cat.v[i].name, e.n ? e.msg[0] : "?");
        /* NN-topic.md, in order. */
        char want[32];
        snprintf(want, sizeof want, "%02zu-", i + 1);
        ASSERT_MSG(strncmp(cat.v[i].name, want, 3) == 0, "%s is not lesson %s", cat.v[i].name, want);
        ASSERT(l.title && l.title[0]);
        for (size_t k = 0; k < l.nsteps; k++) {
            const lesson_step *s = &l.steps[k];
            sim_workload w;
            sim_parse_error pe;
            ASSERT_MSG(sim_workload_parse(&w, s->set.workload, &pe) == 0, "%s step %zu",
                       cat.v[i].name, k + 1);
            /* Every scenario runs in a few seconds: bound its nominal work. */
            ASSERT_MSG(w.nominal_ns <= 1000ll * 1000000000ll && w.cpu_ns <= 2000000000ll,
                       "%s step %zu is too long", cat.v[i].name, k + 1);
            sim_workload_free(&w);
            ASSERT(s->nblocks > 0);
            predictions += s->pred.question != NULL;
        }
        lesson_free(&l);
    }
    ASSERT(predictions >= 20);
    lesson_catalog_free(&cat);
}

static void test_goldens(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/lessons", root());
    DIR *d = opendir(dir);
    ASSERT(d);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 4 || strcmp(de->d_name + len - 3, ".md") != 0)
            continue;
        char path[4096 + 256], exp[4096 + 256];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(exp, sizeof exp, "%s/%.*s.expected", dir, (int)(len - 3), de->d_name);
        size_t blen, elen;
        char *buf = slurp(path, &blen);
        char *want = slurp(exp, &elen);
        lesson l;
        lesson_errors e;
        ASSERT_INT_EQ(lesson_parse(&l, de->d_name, buf, blen, &e), SIM_E_FORMAT);
        char got[LESSON_MAX_ERRORS * 330] = "";
        for (int i = 0; i < e.n; i++) {
            strcat(got, e.msg[i]);
            strcat(got, "\n");
        }
        ASSERT_STR_EQ(got, want);
        free(buf);
        free(want);
        n++;
    }
    closedir(d);
    ASSERT(n >= 5);
}

static const char good[] =
    "# Title with `code`\n\nIntro **bold** and *it*.\n\n"
    "## Step one\n\n1. first *item*\n2. second\n\n- bullet `x`\n\n"
    "```python\nawait asyncio.sleep(1)\n```\n\n"
    "```concviz\n# a comment\nworkload: 2*io:10ms\nmodels: asyncio, threading\n"
    "highlight: task 1\nview: 0ms to 20ms\nspeed: 0.5x\n"
    "question: Which?\nchoices:\n  - asyncio\n  - threading\nanswer: asyncio, threading\n"
    "check: fastest\n```\n\nThe reveal.\n\n"
    "## Step two\n\n```concviz\nworkload: cpu:10ms\nmodels: asyncio\n"
    "question: How long?\nchoices: 1ms, 10ms, 1s\nanswer: 10ms\ncheck: wall asyncio\n"
    "tolerance: 50%\n```\n";

static void test_structure(void)
{
    lesson l;
    lesson_errors e;
    int rc = lesson_parse(&l, "good.md", good, strlen(good), &e);
    ASSERT_MSG(rc == 0, "%s", e.n ? e.msg[0] : "?");
    ASSERT_STR_EQ(l.title, "Title with code");
    ASSERT_INT_EQ(l.nintro, 1);
    ASSERT_STR_EQ(l.intro[0].text, "Intro bold and it.");
    ASSERT_INT_EQ(l.intro[0].nspans, 5);
    ASSERT_INT_EQ(l.intro[0].spans[1].style, LESSON_STYLE_BOLD);
    ASSERT_INT_EQ(l.intro[0].spans[3].style, LESSON_STYLE_ITALIC);
    ASSERT_INT_EQ(l.nsteps, 2);
    const lesson_step *s = &l.steps[0];
    ASSERT_INT_EQ(s->line, 5);
    ASSERT_INT_EQ(s->nblocks, 5);
    ASSERT_INT_EQ(s->blocks[0].kind, LESSON_BLOCK_ITEM);
    ASSERT_INT_EQ(s->blocks[1].number, 2);
    ASSERT_INT_EQ(s->blocks[2].number, 0);
    ASSERT_INT_EQ(s->blocks[2].spans[1].style, LESSON_STYLE_CODE);
    ASSERT_INT_EQ(s->blocks[3].kind, LESSON_BLOCK_CODE);
    ASSERT_STR_EQ(s->blocks[3].text, "await asyncio.sleep(1)");
    ASSERT_INT_EQ(s->blocks[3].after_run, 0);
    ASSERT_INT_EQ(s->blocks[4].after_run, 1);
    ASSERT_STR_EQ(s->set.workload, "2*io:10ms");
    ASSERT_INT_EQ(s->set.cfg.nmodels, 2);
    ASSERT_INT_EQ(s->set.nhighlight, 1);
    ASSERT_INT_EQ(s->set.highlight[0], 1);
    ASSERT_INT_EQ(s->set.view_to_ns, 20000000);
    ASSERT(s->set.speed == 0.5);
    ASSERT_INT_EQ(s->pred.nchoices, 2);
    ASSERT_INT_EQ(s->pred.answers, 3);
    ASSERT(lesson_guess_choice_right(&s->pred, 1));
    const lesson_prediction *p = &l.steps[1].pred;
    ASSERT_INT_EQ(p->check, LESSON_CHECK_WALL);
    ASSERT_INT_EQ(p->answers, 2);
    ASSERT(lesson_guess_value_right(p, 14e6));
    ASSERT(!lesson_guess_value_right(p, 16e6));

    /* The judge, on a hand-made comparison: asyncio 10 ms, threading 30 ms. */
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.machine.cpus = 1;
    c.ntraces = 2;
    for (int i = 0; i < 2; i++) {
        sim_trace *t = &c.traces[i];
        ASSERT_INT_EQ(sim_trace_init(t, i ? SIM_MODEL_THREADING : SIM_MODEL_ASYNCIO, 2, 2), 0);
        for (uint32_t k = 0; k < 2; k++) {
            t->lanes[k].kind = SIM_LANE_TASK;
            t->lanes[k].index = k;
            sim_trace_add_mark(t, k, (sim_mark){.t = 0, .state = SIM_ST_RUNNING, .cpu = SIM_NO_CPU});
            sim_trace_add_mark(t, k, (sim_mark){.t = (i ? 30 : 10) * 1000000ll,
                                                .state = SIM_ST_DONE, .cpu = SIM_NO_CPU});
        }
        t->end_ns = (i ? 30 : 10) * 1000000ll;
    }
    lesson_verdict v;
    ASSERT_INT_EQ(lesson_judge(s, &c, &v), 0);
    ASSERT(v.ran);
    ASSERT_INT_EQ(v.measured, 1);   /* only asyncio was fastest here */
    ASSERT(!v.agrees);              /* the step claimed a tie */
    ASSERT_INT_EQ(lesson_judge(&l.steps[1], &c, &v), 0);
    ASSERT(v.ran && v.agrees);
    ASSERT_INT_EQ(v.measured, 2);
    for (int i = 0; i < 2; i++)
        sim_trace_deinit(&c.traces[i]);
    lesson_free(&l);
}

/* `check: lost MODEL NAME` reads the variable's final value from the trace. */
static void test_lost(void)
{
    static const char md[] =
        "# Lost\n\n## Race\n\n```concviz\nworkload: 2*(10*(load:hits,yield,store:hits))\n"
        "models: asyncio\nquestion: How many are lost?\nchoices: 0, 10, 20\nanswer: 10\n"
        "check: lost asyncio hits\ntolerance: 3\n```\n";
    lesson l;
    lesson_errors e;
    int rc = lesson_parse(&l, "lost.md", md, strlen(md), &e);
    ASSERT_MSG(rc == 0, "%s", e.n ? e.msg[0] : "?");
    const lesson_step *s = &l.steps[0];
    ASSERT_INT_EQ(s->pred.check, LESSON_CHECK_LOST);
    ASSERT_STR_EQ(s->pred.check_var, "hits");
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.machine.cpus = 1;
    c.ntraces = 1;
    sim_trace *t = &c.traces[0];
    ASSERT_INT_EQ(sim_trace_init(t, SIM_MODEL_ASYNCIO, 2, 2), 0);
    lesson_verdict v;
    ASSERT_INT_EQ(lesson_judge(s, &c, &v), 0);
    ASSERT(!v.ran);   /* no final value recorded: nothing to compare */
    sim_tcounter k = {.name = "hits", .expected = 20, .final = 11, .has_final = 1};
    ASSERT_INT_EQ(sim_trace_add_counter(t, &k), 0);
    ASSERT_INT_EQ(lesson_judge(s, &c, &v), 0);
    ASSERT(v.ran && v.agrees);
    ASSERT(v.value == 9.0);
    ASSERT_INT_EQ(v.measured, 2);
    k.final = 20;     /* nothing lost: the lesson's "10" is wrong here */
    ASSERT_INT_EQ(sim_trace_add_counter(t, &k), 0);
    ASSERT_INT_EQ(lesson_judge(s, &c, &v), 0);
    ASSERT(v.ran && !v.agrees);
    sim_trace_deinit(t);
    lesson_free(&l);

    /* A name the workload does not change is refused at --check time. */
    static const char bad[] =
        "# Lost\n\n## Race\n\n```concviz\nworkload: 2*inc:hits\nmodels: asyncio\n"
        "question: Lost?\nanswer: 0\ncheck: lost asyncio hit\ntolerance: 1\n```\n";
    ASSERT_INT_EQ(lesson_parse(&l, "bad.md", bad, strlen(bad), &e), SIM_E_FORMAT);
    ASSERT_MSG(strstr(e.msg[0], "bad.md:10: check: 'hit' is not a variable") != NULL, "%s",
               e.msg[0]);
}

static void test_hostile(void)
{
    lesson l;
    lesson_errors e;
    /* Deep nesting must not recurse; a huge file is refused. */
    size_t n = 200000;
    char *buf = malloc(n + 64);
    ASSERT(buf);
    memset(buf, '>', n);
    memcpy(buf + n, "x\n", 3);
    ASSERT(lesson_parse(&l, "deep.md", buf, n + 2, &e) != 0);
    ASSERT(e.n >= 1);
    memset(buf, '*', n);
    ASSERT(lesson_parse(&l, "stars.md", buf, n, &e) != 0);
    ASSERT(lesson_parse(&l, "big.md", buf, LESSON_MAX_FILE_BYTES + 1, &e) == SIM_E_FORMAT);
    ASSERT_CONTAINS(e.msg[0], "at most");
    free(buf);
    /* 65 steps: too many. */
    char *many = malloc(65 * 64 + 32);
    ASSERT(many);
    strcpy(many, "# T\n");
    for (int i = 0; i < 65; i++)
        sprintf(many + strlen(many), "## S%d\n```concviz\nworkload: io:1ms\n```\n", i);
    ASSERT(lesson_parse(&l, "many.md", many, strlen(many), &e) == SIM_E_FORMAT);
    ASSERT_CONTAINS(e.msg[0], "too many steps");
    free(many);
}

static void test_progress(void)
{
    char tmpl[] = "/tmp/concviz-progress-XXXXXX";
    ASSERT(mkdtemp(tmpl));
    ASSERT_INT_EQ(setenv("XDG_STATE_HOME", tmpl, 1), 0);
    char path[4096], msg[512];
    ASSERT_INT_EQ(lesson_progress_path(path, sizeof path), 0);
    char want[4200];
    snprintf(want, sizeof want, "%s/concviz/progress", tmpl);
    ASSERT_STR_EQ(path, want);
    ASSERT_INT_EQ(setenv("XDG_STATE_HOME", "relative/ignored", 1), 0);
    ASSERT_INT_EQ(setenv("HOME", "/home/someone", 1), 0);
    ASSERT_INT_EQ(lesson_progress_path(want, sizeof want), 0);
    ASSERT_STR_EQ(want, "/home/someone/.local/state/concviz/progress");

    lesson_progress p;
    ASSERT_INT_EQ(lesson_progress_load(&p, path, msg, sizeof msg), 0);
    ASSERT_INT_EQ(p.n, 0);
    ASSERT_INT_EQ(lesson_progress_set(&p, "03-blocking-the-loop.md", 2, 0), 0);
    ASSERT_INT_EQ(lesson_progress_set(&p, "01-concurrency-vs-parallelism.md", 2, 1), 0);
    ASSERT_INT_EQ(lesson_progress_set(&p, "03-blocking-the-loop.md", 1, 0), 0);
    ASSERT(lesson_progress_set(&p, "../evil", 1, 0) == SIM_E_USAGE);
    ASSERT(lesson_progress_set(&p, "tab\there", 1, 0) == SIM_E_USAGE);
    lesson_progress_free(&p);
    ASSERT_INT_EQ(lesson_progress_update(path, "03-blocking-the-loop.md", 2, 0, NULL, msg,
                                         sizeof msg), 0);
    ASSERT_INT_EQ(lesson_progress_update(path, "01-concurrency-vs-parallelism.md", 2, 1,
                                         NULL, msg, sizeof msg), 0);
    ASSERT_INT_EQ(lesson_progress_update(path, "03-blocking-the-loop.md", 1, 0, &p, msg,
                                         sizeof msg), 0);
    ASSERT_INT_EQ(p.n, 2); /* handed back: what the file holds now */
    lesson_progress_free(&p);
    ASSERT(lesson_progress_update(path, "../evil", 1, 0, NULL, msg, sizeof msg) ==
           SIM_E_USAGE);
    ASSERT_INT_EQ(lesson_progress_load(&p, path, msg, sizeof msg), 0);
    ASSERT_INT_EQ(p.n, 2);
    const lesson_progress_entry *e = lesson_progress_get(&p, "03-blocking-the-loop.md");
    ASSERT(e && e->step == 1 && !e->done);
    e = lesson_progress_get(&p, "01-concurrency-vs-parallelism.md");
    ASSERT(e && e->step == 2 && e->done);
    lesson_progress_reset(&p, "01-concurrency-vs-parallelism.md");
    ASSERT(!lesson_progress_get(&p, "01-concurrency-vs-parallelism.md"));
    lesson_progress_reset(&p, NULL);
    ASSERT_INT_EQ(p.n, 0);
    lesson_progress_free(&p);
    int had = 0;
    ASSERT_INT_EQ(lesson_progress_forget(path, "01-concurrency-vs-parallelism.md", &had, msg,
                                         sizeof msg), 0);
    ASSERT(had);
    ASSERT_INT_EQ(lesson_progress_forget(path, "01-concurrency-vs-parallelism.md", &had, msg,
                                         sizeof msg), 0);
    ASSERT(!had);
    ASSERT_INT_EQ(lesson_progress_load(&p, path, msg, sizeof msg), 0);
    ASSERT_INT_EQ(p.n, 1);
    lesson_progress_free(&p);
    /* A damaged line is skipped, the rest is kept. */
    FILE *f = fopen(path, "w");
    ASSERT(f);
    fputs("garbage\n02-x.md\t1\t0\n", f);
    fclose(f);
    ASSERT_INT_EQ(lesson_progress_load(&p, path, msg, sizeof msg), 0);
    ASSERT_INT_EQ(p.n, 1);
    lesson_progress_free(&p);
    unlink(path);
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.lock", path);
    unlink(lock);
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/concviz", tmpl);
    rmdir(dir);
    rmdir(tmpl);
}

/* `cpython: yes` is a setting of the step; there is no key for an
 * interpreter: a lesson cannot name a program to run. */
static void test_cpython(void)
{
    static const char *const texts[] = {
        "# T\n\n## S\n\n```concviz\nworkload: io:1ms\ncpython: yes\n```\n",
        "# T\n\n## S\n\n```concviz\nworkload: io:1ms\ncpython: no\n```\n",
        "# T\n\n## S\n\n```concviz\nworkload: io:1ms\ncpython: maybe\n```\n",
        "# T\n\n## S\n\n```concviz\nworkload: io:1ms\npython: /usr/bin/python3\n```\n",
    };
    lesson l;
    lesson_errors e;
    ASSERT_INT_EQ(lesson_parse(&l, "c.md", texts[0], strlen(texts[0]), &e), 0);
    ASSERT_INT_EQ(l.steps[0].set.cpython, 1);
    lesson_free(&l);
    ASSERT_INT_EQ(lesson_parse(&l, "c.md", texts[1], strlen(texts[1]), &e), 0);
    ASSERT_INT_EQ(l.steps[0].set.cpython, 0);
    lesson_free(&l);
    ASSERT_INT_EQ(lesson_parse(&l, "c.md", texts[2], strlen(texts[2]), &e), SIM_E_FORMAT);
    ASSERT_CONTAINS(e.msg[0], "c.md:7: cpython: expected yes or no");
    ASSERT_INT_EQ(lesson_parse(&l, "c.md", texts[3], strlen(texts[3]), &e), SIM_E_FORMAT);
    ASSERT_CONTAINS(e.msg[0], "key 'python' is not allowed: a lesson can only configure concviz");
}

/* A trace of `model` for the judge: one task, done at end_ns. */
static void done_trace(sim_trace *t, sim_model model, int64_t end_ns, int cpython)
{
    ASSERT_INT_EQ(sim_trace_init(t, model, 1, 1), 0);
    sim_mark m = {.t = 0, .state = SIM_ST_RUNNING, .cpu = SIM_NO_CPU};
    ASSERT_INT_EQ(sim_trace_add_mark(t, 0, m), 0);
    m.t = end_ns;
    m.state = SIM_ST_DONE;
    ASSERT_INT_EQ(sim_trace_add_mark(t, 0, m), 0);
    t->end_ns = t->now_ns = end_ns;
    t->outcome = SIM_OUTCOME_OK;
    if (cpython) {
        t->source = SIM_SOURCE_CPYTHON;
        snprintf(t->python.impl, sizeof t->python.impl, "cpython");
        snprintf(t->python.version, sizeof t->python.version, "3.11.7");
    }
}

/* `check: wall cpython MODEL` (and `fastest cpython`): judged on CPython's
 * runs, not the engines'; skipped, saying why, where CPython measured
 * nothing; and any claim of a `cpython: yes` step judged on them too. */
static void test_cpython_checks(void)
{
    static const char md[] =
        "# C\n\n## Wall\n\n```concviz\nworkload: io:100ms\nmodels: asyncio, threading\n"
        "cpython: yes\nquestion: How long in CPython?\nchoices: 10ms, 100ms, 1s\n"
        "answer: 100ms\ncheck: wall cpython threading\ntolerance: 20%\n```\n"
        "\n## Fastest\n\n```concviz\nworkload: io:100ms\nmodels: asyncio, threading\n"
        "cpython: yes\nquestion: Which first in CPython?\nanswer: asyncio\n"
        "check: FASTEST CPYTHON\n```\n"
        "\n## Engines\n\n```concviz\nworkload: io:100ms\nmodels: asyncio, threading\n"
        "cpython: yes\nquestion: Which first?\nanswer: threading\ncheck: fastest\n```\n";
    lesson l;
    lesson_errors e;
    int rc = lesson_parse(&l, "c.md", md, strlen(md), &e);
    ASSERT_MSG(rc == 0, "%s", e.n ? e.msg[0] : "?");
    ASSERT_INT_EQ(l.steps[0].pred.cpython, 1);
    ASSERT_INT_EQ(l.steps[0].pred.check, LESSON_CHECK_WALL);
    ASSERT_INT_EQ(l.steps[0].pred.check_model, SIM_MODEL_THREADING);
    ASSERT_INT_EQ(l.steps[1].pred.cpython, 1);
    ASSERT_INT_EQ(l.steps[1].pred.check, LESSON_CHECK_FASTEST);
    ASSERT_INT_EQ(l.steps[2].pred.cpython, 0);

    /* The engines: asyncio 50 ms, threading 300 ms; nothing measured in
     * CPython yet. */
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.machine.cpus = 2;
    c.ntraces = 2;
    done_trace(&c.traces[0], SIM_MODEL_ASYNCIO, 50 * 1000000ll, 0);
    done_trace(&c.traces[1], SIM_MODEL_THREADING, 300 * 1000000ll, 0);
    lesson_verdict v;
    ASSERT_INT_EQ(lesson_judge(&l.steps[0], &c, &v), 0);
    ASSERT(v.skipped && !v.ran);
    ASSERT_CONTAINS(v.text, "did not measure it in CPython");
    /* No python3: CPython's traces say why, and so does the verdict. */
    for (int i = 0; i < 2; i++) {
        ASSERT_INT_EQ(sim_trace_init(&c.cpython[i], c.traces[i].model, 1, 1), 0);
        c.cpython[i].source = SIM_SOURCE_CPYTHON;
        c.cpython[i].outcome = SIM_OUTCOME_NOT_RUN;
        snprintf(c.cpython[i].error, sizeof c.cpython[i].error,
                 "python3 was not found on PATH: install Python 3");
    }
    ASSERT_INT_EQ(lesson_judge(&l.steps[0], &c, &v), 0);
    ASSERT(v.skipped && !v.ran);
    ASSERT_CONTAINS(v.text, "python3 was not found on PATH");
    ASSERT_INT_EQ(lesson_judge_cpython(&l.steps[2], &c, &v), 0);
    ASSERT(v.skipped && !v.ran);
    /* Measured: threading 105 ms in CPython, the engine's 300 ms aside. */
    for (int i = 0; i < 2; i++)
        sim_trace_deinit(&c.cpython[i]);
    done_trace(&c.cpython[0], SIM_MODEL_ASYNCIO, 104 * 1000000ll, 1);
    done_trace(&c.cpython[1], SIM_MODEL_THREADING, 105 * 1000000ll, 1);
    ASSERT_INT_EQ(lesson_judge(&l.steps[0], &c, &v), 0);
    ASSERT(v.ran && v.agrees && !v.skipped);
    ASSERT(v.value == 105 * 1000000.0);
    ASSERT_CONTAINS(v.text, "Measured in CPython 3.11.7: threading took 105 ms");
    /* The engines' fastest is asyncio; in CPython they tie. */
    ASSERT_INT_EQ(lesson_judge(&l.steps[1], &c, &v), 0);
    ASSERT(v.ran && v.agrees);
    ASSERT_INT_EQ(v.measured, 3);
    ASSERT_CONTAINS(v.text, "fastest in CPython 3.11.7: asyncio and threading (a tie)");
    ASSERT_INT_EQ(lesson_judge(&l.steps[2], &c, &v), 0);
    ASSERT(v.ran && !v.agrees); /* the engines: asyncio first, not threading */
    ASSERT_INT_EQ(lesson_judge_cpython(&l.steps[2], &c, &v), 0);
    ASSERT(v.ran && !v.agrees); /* CPython: a tie, which 'threading' alone is not */
    ASSERT_CONTAINS(v.text, "Measured in CPython 3.11.7:");
    for (int i = 0; i < 2; i++) {
        sim_trace_deinit(&c.traces[i]);
        sim_trace_deinit(&c.cpython[i]);
    }
    lesson_free(&l);
}

/* Ties and "any of": a choice may name several models joined by "and"
 * (they tie), with a comment in parentheses; on such a step a choice is
 * right only when its models are exactly those that tie. Without tie
 * choices, an answer listing several choices accepts any of them. */
static void test_ties(void)
{
    static const char text[] =
        "# T\n\n## Tie\n\n```concviz\nworkload: 2*io:10ms\nmodels: asyncio, threading\n"
        "question: Which finishes first?\n"
        "choices: asyncio, threading, threading and asyncio (a tie)\n"
        "answer: asyncio and threading\ncheck: fastest\n```\n\n"
        "## Any of\n\n```concviz\nworkload: 2*io:10ms\nmodels: asyncio, threading\n"
        "question: Which would you choose?\nanswer: threading, asyncio\ncheck: fastest\n```\n";
    lesson l;
    lesson_errors e;
    ASSERT_MSG(lesson_parse(&l, "t.md", text, strlen(text), &e) == 0, "%s",
               e.n ? e.msg[0] : "?");
    const lesson_prediction *tie = &l.steps[0].pred, *any = &l.steps[1].pred;
    ASSERT(tie->tie_choices && !any->tie_choices);
    ASSERT_INT_EQ(tie->nchoices, 3);
    ASSERT_INT_EQ(tie->choice_models[2],
                  (1u << SIM_MODEL_ASYNCIO) | (1u << SIM_MODEL_THREADING));
    ASSERT_INT_EQ(tie->answers, 4u); /* the answer named the models, in another order */
    ASSERT_INT_EQ(any->answers, 3u);
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.machine.cpus = 2;
    c.ntraces = 2;
    /* A tie: 100 ms and 102 ms. */
    done_trace(&c.traces[0], SIM_MODEL_ASYNCIO, 100000000, 0);
    done_trace(&c.traces[1], SIM_MODEL_THREADING, 102000000, 0);
    lesson_verdict v;
    ASSERT_INT_EQ(lesson_judge(&l.steps[0], &c, &v), 0);
    ASSERT(v.ran && v.agrees);
    ASSERT_INT_EQ(v.measured, 4u); /* only the tie choice: "asyncio" alone is not right */
    ASSERT_CONTAINS(v.text, "(a tie)");
    ASSERT_INT_EQ(lesson_judge(&l.steps[1], &c, &v), 0);
    ASSERT(v.ran && v.agrees);
    ASSERT_INT_EQ(v.measured, 3u); /* any of the two */
    /* No tie: asyncio 100 ms, threading 300 ms. */
    sim_trace_deinit(&c.traces[1]);
    done_trace(&c.traces[1], SIM_MODEL_THREADING, 300000000, 0);
    ASSERT_INT_EQ(lesson_judge(&l.steps[0], &c, &v), 0);
    ASSERT(v.ran && !v.agrees);
    ASSERT_INT_EQ(v.measured, 1u);
    ASSERT_INT_EQ(lesson_judge(&l.steps[1], &c, &v), 0);
    ASSERT(v.ran && !v.agrees); /* the lesson listed threading too */
    ASSERT_INT_EQ(v.measured, 1u);
    for (int i = 0; i < 2; i++)
        sim_trace_deinit(&c.traces[i]);
    lesson_free(&l);
    /* A tie choice names models of the step, each once, and two choices
     * cannot name the same models. */
    static const char *const bad[] = {
        "choices: asyncio, asyncio and multiprocessing\n",
        "choices: asyncio, asyncio and asyncio\n",
        "choices: asyncio and threading, threading and asyncio\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[512];
        snprintf(t, sizeof t, "# T\n\n## S\n\n```concviz\nworkload: 2*io:10ms\n"
                 "models: asyncio, threading\nquestion: Q?\n%sanswer: asyncio\n"
                 "check: fastest\n```\n", bad[i]);
        ASSERT_INT_EQ(lesson_parse(&l, "b.md", t, strlen(t), &e), SIM_E_FORMAT);
        ASSERT_CONTAINS(e.msg[0], "b.md:9: choices:");
    }
}

/* `code: yes` opens the code view for a step; anything but yes or no is
 * an error that says what the key does. */
static void test_code_key(void)
{
    static const char ok[] = "# T\n\n## S\n\n```concviz\nworkload: io:1ms\ncode: yes\n```\n\n"
                             "## U\n\n```concviz\nworkload: io:1ms\n```\n";
    static const char bad[] = "# T\n\n## S\n\n```concviz\nworkload: io:1ms\ncode: maybe\n```\n";
    lesson l;
    lesson_errors e;
    ASSERT_MSG(lesson_parse(&l, "c.md", ok, strlen(ok), &e) == 0, "%s", e.n ? e.msg[0] : "?");
    ASSERT(l.steps[0].set.code == 1 && l.steps[1].set.code == 0);
    lesson_free(&l);
    ASSERT_INT_EQ(lesson_parse(&l, "c.md", bad, strlen(bad), &e), SIM_E_FORMAT);
    ASSERT_CONTAINS(e.msg[0], "c.md:7: code: expected yes or no");
}

/* Scores: each step's mark after answers (F, W then R), written as a
 * fourth field and read back; a file of the older three fields still
 * reads, with no answers. */
static void test_scores(void)
{
    ASSERT_INT_EQ(lesson_mark_after(LESSON_MARK_NONE, 1), LESSON_MARK_FIRST);
    ASSERT_INT_EQ(lesson_mark_after(LESSON_MARK_NONE, 0), LESSON_MARK_WRONG);
    ASSERT_INT_EQ(lesson_mark_after(LESSON_MARK_WRONG, 0), LESSON_MARK_WRONG);
    ASSERT_INT_EQ(lesson_mark_after(LESSON_MARK_WRONG, 1), LESSON_MARK_RETRY);
    ASSERT_INT_EQ(lesson_mark_after(LESSON_MARK_FIRST, 0), LESSON_MARK_FIRST);
    ASSERT_INT_EQ(lesson_mark_after(LESSON_MARK_RETRY, 0), LESSON_MARK_RETRY);
    char tmpl[] = "/tmp/concviz-scores-XXXXXX";
    ASSERT(mkdtemp(tmpl));
    char path[4096], msg[512];
    snprintf(path, sizeof path, "%s/progress", tmpl);
    FILE *f = fopen(path, "w");
    ASSERT(f);
    fputs("01-old.md\t2\t1\n", f); /* as written before scores */
    fclose(f);
    lesson_progress p;
    ASSERT_INT_EQ(lesson_progress_load(&p, path, msg, sizeof msg), 0);
    const lesson_progress_entry *e = lesson_progress_get(&p, "01-old.md");
    ASSERT(e && e->step == 2 && e->done && e->marks[0] == 0);
    lesson_progress_free(&p);
    /* Step 1 right at once; step 3 wrong, then right. */
    ASSERT_INT_EQ(lesson_progress_answer(path, "02-new.md", 1, 1, NULL, msg, sizeof msg), 0);
    ASSERT_INT_EQ(lesson_progress_answer(path, "02-new.md", 3, 0, NULL, msg, sizeof msg), 0);
    ASSERT_INT_EQ(lesson_progress_answer(path, "02-new.md", 3, 1, NULL, msg, sizeof msg), 0);
    ASSERT_INT_EQ(lesson_progress_answer(path, "02-new.md", 1, 0, NULL, msg, sizeof msg), 0);
    ASSERT_INT_EQ(lesson_progress_update(path, "02-new.md", 3, 1, NULL, msg, sizeof msg), 0);
    ASSERT_INT_EQ(lesson_progress_load(&p, path, msg, sizeof msg), 0);
    e = lesson_progress_get(&p, "02-new.md");
    ASSERT(e && e->step == 3 && e->done);
    ASSERT_STR_EQ(e->marks, "-F-R"); /* the step update kept the marks */
    e = lesson_progress_get(&p, "01-old.md");
    ASSERT(e && e->marks[0] == 0);
    /* The score against a lesson of four steps, questions at 1, 2 and 3. */
    lesson l;
    memset(&l, 0, sizeof l);
    lesson_step steps[4];
    memset(steps, 0, sizeof steps);
    char q[] = "Q?";
    for (int k = 1; k < 4; k++) {
        steps[k].pred.question = q;
        steps[k].pred.nchoices = 2;
    }
    l.steps = steps;
    l.nsteps = 4;
    lesson_score sc;
    lesson_progress_score(lesson_progress_get(&p, "02-new.md"), &l, &sc);
    ASSERT(sc.questions == 3 && sc.first == 1 && sc.retry == 1 && sc.wrong == 0);
    char t[96];
    lesson_score_text(&sc, t, sizeof t);
    ASSERT_STR_EQ(t, "1/3 right first time, 1 after a retry");
    lesson_progress_score(NULL, &l, &sc);
    lesson_score_text(&sc, t, sizeof t);
    ASSERT_STR_EQ(t, "3 questions, none answered yet");
    lesson_progress_free(&p);
    f = fopen(path, "r");
    ASSERT(f);
    char line[256];
    int found = 0;
    while (fgets(line, sizeof line, f))
        found += strcmp(line, "02-new.md\t3\t1\t-F-R\n") == 0;
    fclose(f);
    ASSERT_INT_EQ(found, 1);
    unlink(path);
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.lock", path);
    unlink(lock);
    rmdir(tmpl);
}

int main(void)
{
    test_structure();
    test_ties();
    test_code_key();
    test_scores();
    test_cpython();
    test_cpython_checks();
    test_lost();
    test_goldens();
    test_course();
    test_hostile();
    test_progress();
    puts("lesson: all passed");
    return 0;
}
