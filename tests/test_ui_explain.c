/* test_ui_explain.c - each panel's one-line explanation, derived from
 * fixture traces (ui_fixture.h) whose schedule is known, and the moments
 * a presenter steps through (events, switches). No SDL.
 */
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "moments.h"
#include "test.h"
#include "ui_fixture.h"
#include "view.h"

/* One model's trace of `n` tasks of (cpu a, io b, cpu c) ms. */
static void one(sim_comparison *c, sim_model m, uint32_t n, int64_t a, int64_t b, int64_t cc)
{
    memset(c, 0, sizeof *c);
    c->machine.cpus = 2;
    fixture_schedule(&c->traces[0], m, n, a * FX_MS, b * FX_MS, cc * FX_MS);
    c->traces[0].outcome = SIM_OUTCOME_OK;
    c->ntraces = 1;
}

/* A comparison of one trace of model m: `ntasks` task lanes, then
 * nlanes - ntasks lanes of the caller's kinds. Returns the trace. */
static sim_trace *begin(sim_comparison *c, sim_model m, uint32_t ntasks, uint32_t nlanes)
{
    memset(c, 0, sizeof *c);
    c->machine.cpus = 2;
    sim_trace *t = &c->traces[0];
    ASSERT(sim_trace_init(t, m, ntasks, nlanes) == 0);
    for (uint32_t i = 0; i < ntasks; i++)
        t->lanes[i].kind = SIM_LANE_TASK, t->lanes[i].index = i, t->lanes[i].cpu_ns = -1;
    c->ntraces = 1;
    return t;
}

/* The trace ended, whole, at `end`. */
static void finish(sim_trace *t, int64_t end)
{
    t->end_ns = t->now_ns = end;
    t->outcome = SIM_OUTCOME_OK;
}

/* asyncio: task 0 computes 300 ms at once while tasks 1 and 2, which
 * wait 10 ms twice each, wait for the loop. */
static void hogging_loop(sim_comparison *c)
{
    sim_trace *t = begin(c, SIM_MODEL_ASYNCIO, 3, 4);
    t->lanes[3].kind = SIM_LANE_LOOP;
    fx_mark(t, 0, 0, SIM_ST_RUNNING, SIM_NO_TASK);
    fx_mark(t, 0, 300 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    for (uint32_t i = 1; i < 3; i++) {
        int64_t at = 300 * FX_MS + i * FX_MS / 10;
        fx_mark(t, i, 0, SIM_ST_READY, SIM_NO_TASK);
        for (int k = 0; k < 2; k++) {
            fx_mark(t, i, at, SIM_ST_RUNNING, SIM_NO_TASK);
            fx_mark(t, i, at + FX_MS / 20, SIM_ST_IO, SIM_NO_TASK);
            at += 10 * FX_MS + FX_MS / 20;
        }
        fx_mark(t, i, at, SIM_ST_DONE, SIM_NO_TASK);
    }
    fx_mark(t, 3, 0, SIM_ST_RUNNING, 0);
    finish(t, 321 * FX_MS);
}

/* threading: task 0 computes 200 ms; task 1 waits 1 ms for I/O ten times,
 * and each time waits 5 ms for the GIL to come back: the convoy. */
static void convoy(sim_comparison *c)
{
    sim_trace *t = begin(c, SIM_MODEL_THREADING, 2, 3);
    t->lanes[2].kind = SIM_LANE_GIL;
    fx_mark(t, 0, 0, SIM_ST_RUNNING, SIM_NO_TASK);
    fx_mark(t, 0, 200 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
    int64_t at = 0;
    for (int k = 0; k < 10; k++) {
        fx_mark(t, 1, at, SIM_ST_IO, SIM_NO_TASK);
        fx_mark(t, 1, at + FX_MS, SIM_ST_READY, SIM_NO_TASK);
        fx_mark(t, 1, at + 6 * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
        at += 6 * FX_MS + FX_MS / 10;
    }
    fx_mark(t, 1, at, SIM_ST_DONE, SIM_NO_TASK);
    fx_mark(t, 2, 0, SIM_ST_RUNNING, 0);
    finish(t, 200 * FX_MS);
}

/* threading: three I/O tasks and no CPU task; each waits 10 ms for I/O,
 * then 30 ms for the GIL (held by threads starting and ending, as with
 * thousands of threads): no convoy, since no CPU task holds the GIL. */
static void io_only_queued(sim_comparison *c)
{
    sim_trace *t = begin(c, SIM_MODEL_THREADING, 3, 4);
    t->lanes[3].kind = SIM_LANE_GIL;
    for (uint32_t i = 0; i < 3; i++) {
        fx_mark(t, i, 0, SIM_ST_IO, SIM_NO_TASK);
        fx_mark(t, i, 10 * FX_MS, SIM_ST_READY, SIM_NO_TASK);
        fx_mark(t, i, (40 + i) * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
        fx_mark(t, i, (40 + i) * FX_MS + FX_MS / 10, SIM_ST_DONE, SIM_NO_TASK);
    }
    fx_mark(t, 3, 0, SIM_ST_RUNNING, 0);
    finish(t, 43 * FX_MS);
}

/* 4 tasks each holding lock 0 for 30 ms, one after another. */
static void one_lock(sim_comparison *c)
{
    sim_trace *t = begin(c, SIM_MODEL_THREADING, 4, 6);
    for (uint32_t i = 0; i < 4; i++) {
        if (i)
            fx_mark(t, i, 0, SIM_ST_LOCK, SIM_NO_TASK);
        fx_mark(t, i, i * 30 * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
        fx_mark(t, i, (i + 1) * 30 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
        fx_mark(t, 5, i * 30 * FX_MS, SIM_ST_RUNNING, i);
    }
    fx_mark(t, 5, 120 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    t->lanes[4].kind = SIM_LANE_GIL;
    t->lanes[5].kind = SIM_LANE_LOCK;
    finish(t, 120 * FX_MS);
}

/* Four threads of fine steps: each computes 100 us, the next one starts
 * a millisecond later (the main thread starts them one by one): no I/O,
 * and most of the wall time is spent waiting to run. */
static void fine_steps(sim_comparison *c, sim_model m)
{
    sim_trace *t = begin(c, m, 4, 5);
    for (uint32_t i = 0; i < 4; i++) {
        if (i)
            fx_mark(t, i, 0, SIM_ST_READY, SIM_NO_TASK);
        fx_mark(t, i, i * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
        fx_mark(t, i, i * FX_MS + FX_MS / 10, SIM_ST_DONE, SIM_NO_TASK);
    }
    t->lanes[4].kind = SIM_LANE_GIL;
    finish(t, 3 * FX_MS + FX_MS / 10);
}

/* A pool of two workers whose second is still starting when the first
 * has run all four tasks, 10 ms each: one at a time, four rounds. */
static void slow_second_worker(sim_comparison *c)
{
    sim_trace *t = begin(c, SIM_MODEL_MULTIPROCESSING, 4, 6);
    t->lanes[4].kind = t->lanes[5].kind = SIM_LANE_WORKER;
    t->lanes[4].index = 0, t->lanes[5].index = 1;
    fx_mark(t, 5, 0, SIM_ST_STARTING, SIM_NO_TASK);
    /* an empty run (two marks at one instant): not a worker running */
    fx_mark(t, 5, 5 * FX_MS, SIM_ST_RUNNING, 0);
    fx_mark(t, 5, 5 * FX_MS, SIM_ST_STARTING, SIM_NO_TASK);
    for (uint32_t i = 0; i < 4; i++) {
        fx_mark(t, i, 0, SIM_ST_READY, SIM_NO_TASK);
        fx_mark(t, i, i * 10 * FX_MS, SIM_ST_RUNNING, SIM_NO_TASK);
        fx_mark(t, i, (i + 1) * 10 * FX_MS, SIM_ST_DONE, SIM_NO_TASK);
        fx_mark(t, 4, i * 10 * FX_MS, SIM_ST_RUNNING, i);
    }
    fx_mark(t, 4, 40 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    fx_mark(t, 5, 40 * FX_MS, SIM_ST_IDLE, SIM_NO_TASK);
    finish(t, 40 * FX_MS);
}

static void says(sim_model m, uint32_t n, int64_t a, int64_t b, int64_t cc, int brief,
                 const char *want)
{
    sim_comparison c;
    one(&c, m, n, a, b, cc);
    ui_explain e;
    ui_explain_facts(&c.traces[0], &c, &e);
    char line[256];
    ASSERT(ui_explain_text(&e, brief, line, sizeof line) > 0);
    ASSERT_MSG(strcmp(line, want) == 0, "%s: got \"%s\", want \"%s\"", sim_model_name(m),
               line, want);
    sim_comparison_deinit(&c);
}

static void test_explain(void)
{
    /* The two examples, word for word. */
    says(SIM_MODEL_MULTIPROCESSING, 8, 0, 200, 0, 0,
         "8 I/O tasks on a pool of 2 workers wait for a free worker, 4 rounds of 200 ms");
    says(SIM_MODEL_THREADING, 4, 100, 0, 0, 0,
         "4 CPU tasks take turns holding the GIL: 400 ms of computation one after another");
    /* I/O under threading and asyncio: the waits overlap. */
    says(SIM_MODEL_THREADING, 8, 0, 200, 0, 0,
         "8 I/O tasks wait at once: each releases the GIL while it waits, so the waits "
         "overlap (about 200 ms)");
    says(SIM_MODEL_ASYNCIO, 8, 0, 200, 0, 0,
         "8 I/O tasks wait together: while one waits the loop runs another, so all take "
         "about the longest task (200 ms)");
    /* Computation on one thread adds up. */
    says(SIM_MODEL_ASYNCIO, 4, 40, 60, 40, 0,
         "4 CPU tasks share one thread: their 320 ms of computation run one after "
         "another; their waits overlap");
    /* Processes compute in parallel, two at a time. */
    says(SIM_MODEL_MULTIPROCESSING, 4, 100, 0, 0, 0,
         "4 CPU tasks on a pool of 2 workers: 2 at a time, 2 rounds of 100 ms");
    says(SIM_MODEL_MULTIPROCESSING, 2, 100, 0, 0, 0, "2 CPU tasks run in parallel on 2 workers");
    /* Brief lines, for a narrow panel. */
    says(SIM_MODEL_MULTIPROCESSING, 8, 0, 200, 0, 1, "4 rounds of 200 ms on 2 workers");
    says(SIM_MODEL_THREADING, 4, 100, 0, 0, 1, "the GIL: 400 ms of computation in turn");

    /* Equal CPU tasks on one thread: their computation adds up; none of
     * them in particular blocks the others. */
    says(SIM_MODEL_ASYNCIO, 4, 100, 0, 0, 0,
         "4 CPU tasks share one thread: their 400 ms of computation run one after another");

    /* One task holding the loop: the others wait for it. */
    sim_comparison c;
    hogging_loop(&c);
    ui_explain e;
    ui_explain_facts(&c.traces[0], &c, &e);
    ASSERT(e.block_ns >= 300 * FX_MS);
    char line[256];
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_STR_EQ(line, "task 0 computes 300 ms without an await: every other task waits "
                        "for the loop meanwhile");
    sim_comparison_deinit(&c);
    /* The convoy: the I/O thread waits for the GIL more than for I/O. */
    convoy(&c);
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_STR_EQ(line, "the convoy effect: task 1 waits 50 ms for the GIL after its waits, "
                        "more than the 10 ms of I/O itself, while a CPU task holds it");
    sim_comparison_deinit(&c);
    /* I/O tasks that waited long for the GIL with no CPU task to hold it:
     * not a convoy; the line says they waited to run, and for what. */
    io_only_queued(&c);
    ui_explain_facts(&c.traces[0], &c, &e);
    ASSERT_INT_EQ(e.convoy_ready_ns, 0);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_STR_EQ(line, "3 I/O tasks wait at once: each releases the GIL while it waits, so "
                        "the waits overlap (about 10.1 ms); they wait to run, 93 ms in all: for "
                        "the main thread to start each thread, and for the GIL as threads "
                        "start and end");
    sim_comparison_deinit(&c);
    /* Tasks queued for one lock: the lock sets the time. */
    one_lock(&c);
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_STR_EQ(line, "4 CPU tasks take turns holding lock 0: it is held 120 ms of the "
                        "120 ms");
    sim_comparison_deinit(&c);
    /* Fine steps, no I/O: the tasks waited to run, not for I/O, and the
     * line must not say that waits overlap. */
    fine_steps(&c, SIM_MODEL_THREADING);
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_STR_EQ(line, "4 CPU tasks take turns holding the GIL: 400 us of computation; "
                        "they wait to run, 6 ms in all: for the main thread to "
                        "start each thread (start() waits for it), and for the GIL");
    ui_explain_text(&e, 1, line, sizeof line);
    ASSERT_STR_EQ(line, "the GIL: 400 us of computation");
    sim_comparison_deinit(&c);
    fine_steps(&c, SIM_MODEL_ASYNCIO);
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_STR_EQ(line, "4 CPU tasks share one thread: 400 us of computation, and the event "
                        "loop's own work between them takes the rest");
    sim_comparison_deinit(&c);
    /* A pool's workers count as running at once only when they did. */
    slow_second_worker(&c);
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_CONTAINS(line, "on a pool of 2 workers: 1 at a time, 4 rounds of 10 ms");
    sim_comparison_deinit(&c);
    fine_steps(&c, SIM_MODEL_FREE_THREADING);
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_MSG(!strstr(line, "overlap"), "free-threading: \"%s\"", line);
    ASSERT_CONTAINS(line, "start each thread");
    sim_comparison_deinit(&c);
    hogging_loop(&c);
    /* Not finished: a stopped run and a model that never ran say so. */
    c.traces[0].outcome = SIM_OUTCOME_CANCELLED;
    c.traces[0].end_ns = 120 * FX_MS;
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_STR_EQ(line, "stopped after 120 ms: the lanes show what it did until then");
    c.traces[0].outcome = SIM_OUTCOME_NOT_RUN;
    ui_explain_facts(&c.traces[0], &c, &e);
    ui_explain_text(&e, 0, line, sizeof line);
    ASSERT_CONTAINS(line, "not run");
    /* A live trace says nothing: its caption shows meanwhile. */
    c.traces[0].outcome = SIM_OUTCOME_RUNNING;
    ui_explain_facts(&c.traces[0], &c, &e);
    ASSERT_INT_EQ(ui_explain_text(&e, 0, line, sizeof line), 0);
    sim_comparison_deinit(&c);
}

static void test_moments(void)
{
    sim_comparison c;
    fixture_comparison(&c, 4);
    int64_t end = ui_comparison_end(&c);
    /* Events: strictly after, strictly before, and never past the limit. */
    int64_t t = ui_next_event(&c, 0, +1, end);
    ASSERT(t > 0);
    int64_t t2 = ui_next_event(&c, t, +1, end);
    ASSERT(t2 > t);
    ASSERT_INT_EQ(ui_next_event(&c, t2, -1, end), t);
    ASSERT_INT_EQ(ui_next_event(&c, 0, -1, end), -1);
    ASSERT_INT_EQ(ui_next_event(&c, end, +1, end), -1);
    ASSERT_INT_EQ(ui_next_event(&c, 0, +1, t - 1), -1);
    /* Every event in order: as many steps as distinct mark times. */
    int steps = 0;
    for (int64_t at = 0; (at = ui_next_event(&c, at, +1, end)) >= 0;)
        steps++;
    ASSERT(steps > 10);
    /* Switches: the GIL's hand-offs (threading, 5 ms slices) and the
     * dispatches; the loop's switches under asyncio. */
    int64_t s = ui_next_switch(&c, 0, +1, end);
    ASSERT(s >= 0);
    int found = 0;
    for (int p = 0; p < c.ntraces; p++)
        for (size_t k = 0; k < c.traces[p].nflows; k++)
            found |= c.traces[p].flows[k].t1 == s;
    int on_loop = 0;
    const sim_trace *as = &c.traces[0];
    for (uint32_t i = as->ntasks; i < as->nlanes; i++)
        for (size_t k = 0; k < as->lanes[i].nmarks; k++)
            on_loop |= as->lanes[i].marks[k].t == s;
    ASSERT(found || on_loop);
    int64_t s2 = ui_next_switch(&c, s, +1, end);
    ASSERT(s2 > s);
    ASSERT_INT_EQ(ui_next_switch(&c, s2, -1, end), s);
    sim_comparison_deinit(&c);
}

static void test_bookmarks(void)
{
    ui_view v;
    ui_view_init(&v);
    ASSERT_INT_EQ(ui_view_bookmark(&v, 300, 5), 1);
    ASSERT_INT_EQ(ui_view_bookmark(&v, 100, 5), 1);
    ASSERT_INT_EQ(ui_view_bookmark(&v, 200, 5), 1);
    ASSERT_INT_EQ(v.nbookmarks, 3);
    ASSERT(v.bookmarks[0] == 100 && v.bookmarks[1] == 200 && v.bookmarks[2] == 300);
    ASSERT_INT_EQ(ui_view_bookmark_next(&v, 150, +1), 200);
    ASSERT_INT_EQ(ui_view_bookmark_next(&v, 200, +1), 300);
    ASSERT_INT_EQ(ui_view_bookmark_next(&v, 300, +1), -1);
    ASSERT_INT_EQ(ui_view_bookmark_next(&v, 200, -1), 100);
    /* B again near a bookmark removes it. */
    ASSERT_INT_EQ(ui_view_bookmark(&v, 203, 5), 0);
    ASSERT_INT_EQ(v.nbookmarks, 2);
    for (int i = 0; i < UI_MAX_BOOKMARKS; i++)
        ui_view_bookmark(&v, 1000 + i * 100, 5);
    ASSERT_INT_EQ(v.nbookmarks, UI_MAX_BOOKMARKS);
    ASSERT_INT_EQ(ui_view_bookmark(&v, 99999, 5), -1);
}

int main(void)
{
    test_explain();
    test_moments();
    test_bookmarks();
    puts("ui_explain: ok");
    return 0;
}
