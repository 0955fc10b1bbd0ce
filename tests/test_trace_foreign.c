/* test_trace_foreign.c - Chrome traces other tools wrote, opened
 * (trace_foreign.c, trace_foreign_lanes.c), and a program's trace saved
 * and read back (trace_program.h).
 *
 * The fixtures in tests/fixtures/foreign/ were written for these tests in
 * the shapes the tools write: viztracer's (an object with traceEvents of
 * "X" spans nested per thread, thread and process names as "M" metadata,
 * viztracer_metadata naming the tool), Perfetto's and chrome://tracing's
 * JSON (a bare array of "B"/"E" pairs, two processes, a flow between
 * them, an async pair concviz does not draw). Checked: one lane per
 * thread, named as the file names it; a process lane above its threads
 * when there are several processes; running exactly while a span is open
 * (nested spans do not double it); instants as marks; flows as messages;
 * what is not drawn is counted in the note; and a cut or broken file gets
 * a message with where, never a half-built trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "test.h"
#include "trace_load.h"
#include "trace_program.h"

static char root[4096];

static void load(const char *name, sim_comparison *c)
{
    char path[4300], msg[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/foreign/%s", root, name);
    int e = sim_trace_load(path, c, msg, sizeof msg);
    ASSERT_MSG(e == 0, "%s: %s", name, msg);
    ASSERT_INT_EQ(c->ntraces, 1);
    ASSERT(c->traces[0].source == SIM_SOURCE_FOREIGN && c->traces[0].program);
}

static const char *label(const sim_trace *t, uint32_t lane)
{
    const char *s = sim_tprogram_str(t->program, t->program->lanes[lane].label);
    return s ? s : "?";
}

static int64_t running(const sim_trace *t, uint32_t lane)
{
    const sim_lane *l = &t->lanes[lane];
    int64_t sum = 0;
    for (uint32_t k = 0; k < l->nmarks; k++) {
        int64_t end = k + 1 < l->nmarks ? l->marks[k + 1].t : t->end_ns;
        if (l->marks[k].state == SIM_ST_RUNNING)
            sum += end - l->marks[k].t;
    }
    return sum;
}

static void test_viztracer(void)
{
    sim_comparison c;
    load("viztracer.json", &c);
    const sim_trace *t = &c.traces[0];
    /* One process: its two threads are the lanes, no process lane. */
    ASSERT_INT_EQ(t->nlanes, 2);
    ASSERT_STR_EQ(label(t, 0), "MainThread");
    ASSERT_STR_EQ(label(t, 1), "worker-1");
    ASSERT_CONTAINS(t->program->tool, "viztracer 0.16.3");
    /* Times from the first event (1000.5 us): the module's span covers the
     * main thread, the sleep nested in it adds nothing. */
    ASSERT_INT_EQ(t->end_ns, 500250);
    ASSERT_INT_EQ(running(t, 0), 500250);
    ASSERT_INT_EQ(running(t, 1), 250000);
    ASSERT_INT_EQ(t->lanes[1].marks[0].t, 199500);
    /* The innermost span names the mark: a hover says what ran. */
    long k = sim_lane_mark_at(&t->lanes[0], 150000);
    ASSERT(k >= 0);
    ASSERT_STR_EQ(sim_tprogram_str(t->program, t->lanes[0].marks[k].arg), "time.sleep");
    /* The instant is a mark on its thread; the counter is not drawn, and said. */
    ASSERT_INT_EQ(t->ninstants, 1);
    ASSERT_INT_EQ(t->instants[0].code, SIM_IN_MARK);
    ASSERT_INT_EQ(t->instants[0].lane, 0);
    ASSERT_STR_EQ(sim_tprogram_str(t->program, t->instants[0].arg), "checkpoint");
    ASSERT_CONTAINS(t->program->note, "1 counter event");
    sim_comparison_deinit(&c);
}

static void test_perfetto(void)
{
    sim_comparison c;
    load("perfetto.json", &c);
    const sim_trace *t = &c.traces[0];
    /* Two processes, each a lane above its thread. */
    ASSERT_INT_EQ(t->nlanes, 4);
    ASSERT_STR_EQ(label(t, 0), "server");
    ASSERT_INT_EQ(t->program->lanes[0].kind, SIM_PLANE_PROCESS);
    ASSERT_STR_EQ(label(t, 1), "accept");
    ASSERT_INT_EQ(t->program->lanes[1].kind, SIM_PLANE_THREAD);
    ASSERT_INT_EQ(t->program->lanes[1].owner, 0);
    ASSERT_STR_EQ(label(t, 2), "client");
    ASSERT_INT_EQ(t->program->lanes[3].owner, 2);
    ASSERT_INT_EQ(running(t, 1), 300000);
    ASSERT_INT_EQ(running(t, 3), 150000);
    ASSERT_INT_EQ(running(t, 0), running(t, 1));
    /* The flow: from the server's thread to the client's. */
    ASSERT_INT_EQ(t->nflows, 1);
    ASSERT_INT_EQ(t->flows[0].lane0, 1);
    ASSERT_INT_EQ(t->flows[0].lane1, 3);
    ASSERT_INT_EQ(t->flows[0].t0, 50000);
    ASSERT_INT_EQ(t->flows[0].code, SIM_FL_MESSAGE);
    ASSERT_CONTAINS(t->program->note, "async");
    sim_comparison_deinit(&c);
}

/* pid and tid given as strings (some exporters do): the same string is the
 * same thread, and names its lane. */
static void test_string_ids(void)
{
    static const char doc[] =
        "[{\"ph\":\"X\",\"pid\":\"browser\",\"tid\":\"io\",\"ts\":0,\"dur\":10,\"name\":\"a\"},"
        " {\"ph\":\"X\",\"pid\":\"browser\",\"tid\":\"io\",\"ts\":20,\"dur\":10,\"name\":\"b\"},"
        " {\"ph\":\"X\",\"pid\":\"browser\",\"tid\":\"main\",\"ts\":5,\"dur\":5,\"name\":\"c\"}]";
    sim_comparison c;
    char msg[512];
    ASSERT_MSG(sim_trace_load_mem(doc, strlen(doc), "s.json", &c, msg, sizeof msg) == 0, "%s",
               msg);
    const sim_trace *t = &c.traces[0];
    ASSERT_INT_EQ(t->nlanes, 2);
    ASSERT_STR_EQ(label(t, 0), "io");
    ASSERT_STR_EQ(label(t, 1), "main");
    ASSERT_INT_EQ(running(t, 0), 20000);
    sim_comparison_deinit(&c);
    /* An instant of a process's scope names no thread: a lane of its own,
     * said to be process-wide, not a thread "0". */
    static const char scoped[] =
        "[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":10,\"name\":\"a\"},"
        " {\"ph\":\"i\",\"pid\":1,\"ts\":5,\"s\":\"p\",\"name\":\"gc\"}]";
    ASSERT_MSG(sim_trace_load_mem(scoped, strlen(scoped), "p.json", &c, msg, sizeof msg) == 0,
               "%s", msg);
    t = &c.traces[0];
    ASSERT_INT_EQ(t->nlanes, 2);
    ASSERT_STR_EQ(label(t, 1), "process-wide");
    ASSERT_INT_EQ(t->ninstants, 1);
    ASSERT_INT_EQ(t->instants[0].lane, 1);
    sim_comparison_deinit(&c);
}

/* Broken or cut files: a message with the file's name, nothing half-built. */
static void test_bad(void)
{
    static const struct { const char *doc, *msg; } bad[] = {
        {"[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":\"soon\",\"dur\":1}]",
         "expected a number of microseconds"},
        {"[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1,\"dur\":1}", "is the file cut short?"},
        {"[{\"ph\":\"C\",\"pid\":1,\"ts\":1,\"args\":{\"a\":1}}]",
         "holds no event concviz can draw"},
        {"[{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1e13,\"dur\":1}]", "out of range"},
        {"{\"traceEvents\":7}", "X.json"},
    };
    char msg[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_comparison c;
        int e = sim_trace_load_mem(bad[i].doc, strlen(bad[i].doc), "X.json", &c, msg,
                                   sizeof msg);
        ASSERT_MSG(e != 0, "bad[%zu] opened", i);
        ASSERT_MSG(!strncmp(msg, "X.json", 6), "bad[%zu]: %s", i, msg);
        ASSERT_CONTAINS(msg, bad[i].msg);
        ASSERT(c.ntraces == 0);
        sim_comparison_deinit(&c);
    }
}

/* A foreign trace saved as a program's trace and read back is the same:
 * lanes, names, marks, instants and flows. */
static void test_round_trip(const char *name)
{
    sim_comparison a, b;
    load(name, &a);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ASSERT(f);
    ASSERT_INT_EQ(sim_program_write(f, &a), 0);
    ASSERT(fclose(f) == 0);
    char msg[512];
    ASSERT_MSG(sim_trace_load_mem(buf, len, "again.json", &b, msg, sizeof msg) == 0, "%s",
               msg);
    const sim_trace *x = &a.traces[0], *y = &b.traces[0];
    ASSERT_INT_EQ(y->nlanes, x->nlanes);
    ASSERT_INT_EQ(y->end_ns, x->end_ns);
    for (uint32_t i = 0; i < x->nlanes; i++) {
        ASSERT_STR_EQ(label(y, i), label(x, i));
        ASSERT_INT_EQ(y->program->lanes[i].kind, x->program->lanes[i].kind);
        ASSERT_INT_EQ(y->lanes[i].nmarks, x->lanes[i].nmarks);
        for (uint32_t k = 0; k < x->lanes[i].nmarks; k++) {
            ASSERT_INT_EQ(y->lanes[i].marks[k].t, x->lanes[i].marks[k].t);
            ASSERT_INT_EQ(y->lanes[i].marks[k].state, x->lanes[i].marks[k].state);
        }
    }
    ASSERT_INT_EQ(y->ninstants, x->ninstants);
    ASSERT_INT_EQ(y->nflows, x->nflows);
    sim_comparison_deinit(&a);
    sim_comparison_deinit(&b);
    free(buf);
}

int main(void)
{
    const char *r = getenv("CONCVIZ_SOURCE_ROOT");
    ASSERT_MSG(r && r[0], "CONCVIZ_SOURCE_ROOT is not set (run through meson test)");
    snprintf(root, sizeof root, "%s", r);
    test_viztracer();
    test_perfetto();
    test_string_ids();
    test_bad();
    test_round_trip("viztracer.json");
    test_round_trip("perfetto.json");
    TEST_DONE();
}
