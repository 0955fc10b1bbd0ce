/* test_ui_code.c - the code view and the value lanes, as data.
 *
 * On a hand-made trace whose instants say where each task is and what it
 * loaded and stored: the step index answers with the noted step (or the
 * task's first, before any note); the lens finds the generator's line of
 * that step in the very program `concviz python` prints; the code view
 * marks every task's line when there are few and only the chosen one when
 * there are many, and scrolls within the program; a store that writes no
 * more than what was there is a lost update, said in words; after the
 * first cut the series is a summary and no loss is claimed there; the
 * Python classifier colours keywords, strings, comments and docstrings.
 */
#include <string.h>

#include "code_view.h"
#include "lens.h"
#include "test.h"
#include "values.h"

#define US 1000ll

static void mark(sim_trace *t, uint32_t lane, int64_t at, sim_state s)
{
    sim_mark m = {.t = at, .arg = SIM_NO_TASK, .state = (uint8_t)s, .cpu = SIM_NO_CPU};
    ASSERT(sim_trace_add_mark(t, lane, m) == 0);
}

static void instant(sim_trace *t, uint32_t lane, int64_t at, sim_instant i, uint32_t arg)
{
    sim_tinstant in = {.t = at, .lane = lane, .arg = arg, .code = (uint8_t)i};
    ASSERT(sim_trace_add_instant(t, in) == 0);
}

/* Two tasks of `(load:hits, yield, store:hits)` under asyncio: both load
 * 0, both store 1 (the second store loses the first), as lesson 08 shows. */
static void race(sim_comparison *c, const sim_workload *w)
{
    memset(c, 0, sizeof *c);
    c->workload = strdup(w->spec);
    ASSERT(c->workload);
    sim_trace *t = &c->traces[0];
    ASSERT(sim_trace_init(t, SIM_MODEL_ASYNCIO, 2, 3) == 0);
    t->lanes[2].kind = SIM_LANE_LOOP;
    ASSERT(sim_trace_set_names(t, w) == 0);
    t->has_steps = 1;
    uint32_t load = 0, yield = 1, store = 2;
    for (uint32_t k = 0; k < w->nops; k++) {
        if (w->ops[k].kind == SIM_OP_LOAD)
            load = k;
        if (w->ops[k].kind == SIM_OP_YIELD)
            yield = k;
        if (w->ops[k].kind == SIM_OP_STORE)
            store = k;
    }
    for (uint32_t k = 0; k < 2; k++) {
        int64_t at = 10 * US * k;
        mark(t, k, 0, SIM_ST_READY);
        mark(t, k, at + 1 * US, SIM_ST_RUNNING);
        instant(t, k, at + 1 * US, SIM_IN_LOAD, sim_value_arg(0, 0));
        instant(t, k, at + 2 * US, SIM_IN_STEP, yield);
        mark(t, k, at + 2 * US, SIM_ST_READY);
    }
    for (uint32_t k = 0; k < 2; k++) {
        int64_t at = 30 * US + 10 * US * k;
        mark(t, k, at, SIM_ST_RUNNING);
        instant(t, k, at + 1 * US, SIM_IN_STEP, store);
        instant(t, k, at + 1 * US, SIM_IN_STORE, sim_value_arg(0, 1));
        mark(t, k, at + 2 * US, SIM_ST_DONE);
    }
    (void)load;
    t->end_ns = t->now_ns = 60 * US;
    t->outcome = SIM_OUTCOME_OK;
    c->ntraces = 1;
}

static void test_steps_and_lines(void)
{
    sim_workload w;
    sim_parse_error pe;
    ASSERT(sim_workload_parse(&w, "2*(load:hits,yield,store:hits)", &pe) == 0);
    sim_comparison c;
    race(&c, &w);
    ui_lens L;
    memset(&L, 0, sizeof L);
    ASSERT_INT_EQ(ui_lens_update(&L, &c), 0);
    ASSERT(L.p[0].prog.text && L.p[0].steps.valid);
    /* Before any note: the first step; then each note's. */
    long first = ui_lens_op_at(&L, 0, 1, 0);
    ASSERT(first >= 0 && w.ops[first].kind == SIM_OP_LOAD);
    long op = ui_lens_op_at(&L, 0, 0, 5 * US);
    ASSERT(op >= 0 && w.ops[op].kind == SIM_OP_YIELD);
    op = ui_lens_op_at(&L, 0, 0, 35 * US);
    ASSERT(op >= 0 && w.ops[op].kind == SIM_OP_STORE);
    /* The line is the generator's, and it is that step's code. */
    size_t len;
    const char *s = ui_lens_line_text(&L, 0, ui_lens_task_line(&L, 0, 0, 5 * US), &len);
    ASSERT(s && len > 0);
    char line[200];
    snprintf(line, sizeof line, "%.*s", (int)len, s);
    ASSERT_CONTAINS(line, "await asyncio.sleep(0)");
    s = ui_lens_line_text(&L, 0, ui_lens_task_line(&L, 0, 1, 0), &len);
    snprintf(line, sizeof line, "%.*s", (int)len, s);
    ASSERT_CONTAINS(line, "tmp = hits");
    /* The program is the one `concviz python` prints (minus its two
     * header lines): a file of whole lines. */
    ASSERT_CONTAINS(L.p[0].prog.text, "async def task_1():");
    ASSERT(L.p[0].prog.nlines > 40);

    /* The code view marks both tasks' lines (few tasks), sorted by line. */
    ui_view v;
    ui_view_init(&v);
    ui_code_mark m[UI_CODE_MAX_MARKS];
    int n = ui_code_marks(&L, &v, &c, 0, 5 * US, -1, m, UI_CODE_MAX_MARKS);
    ASSERT_INT_EQ(n, 2);
    /* At 5 us task 0 awaits (line of the await), task 1 has not loaded
     * yet (line of the load, above): sorted by line. */
    ASSERT_INT_EQ(m[0].task, 1);
    ASSERT_INT_EQ(m[1].task, 0);
    ASSERT(m[0].line + 1 == m[1].line);
    /* At 31.5 us task 0 stores (the line after the await), task 1 still
     * awaits. */
    n = ui_code_marks(&L, &v, &c, 0, 31 * US + 500, -1, m, UI_CODE_MAX_MARKS);
    ASSERT_INT_EQ(n, 2);
    ASSERT_INT_EQ(m[0].task, 1);
    ASSERT_INT_EQ(m[1].task, 0);
    ASSERT(m[0].line + 1 == m[1].line);
    /* Finished tasks have no line. */
    ASSERT_INT_EQ(ui_code_marks(&L, &v, &c, 0, 59 * US, -1, m, UI_CODE_MAX_MARKS), 0);

    /* Scrolling: the default shows the task functions; a jump puts a line
     * in view; the scroll stays within the program. */
    ui_layout lay;
    v.show_code = 1;
    ui_view_layout(&v, &c, 1280, 720, 0, &lay);
    ASSERT(lay.code.w > 0 && lay.code.x >= lay.tl_x0 + lay.tl_w);
    ui_code_geom g;
    ui_code_geom_of(&lay, &g);
    ASSERT(g.rows > 10);
    int top = ui_code_first(&v, &lay, &L, 0);
    ASSERT(top <= (int)L.p[0].prog.map.group_line[0] - 1);
    ASSERT(top + g.rows >= (int)L.p[0].prog.map.group_line[0]);
    ui_code_show_line(&v, &lay, &L, 2);
    ASSERT(ui_code_first(&v, &lay, &L, 0) <= 1);
    ui_code_scroll_by(&v, &lay, &L, 100000);
    ASSERT_INT_EQ(ui_code_first(&v, &lay, &L, 0), (int)L.p[0].prog.nlines - g.rows);
    ui_code_scroll_by(&v, &lay, &L, -100000);
    ASSERT_INT_EQ(ui_code_first(&v, &lay, &L, 0), 0);
    ui_lens_free(&L);
    sim_comparison_deinit(&c);
    sim_workload_free(&w);
}

static void test_many_tasks(void)
{
    sim_workload w;
    sim_parse_error pe;
    ASSERT(sim_workload_parse(&w, "20*(cpu:1ms,io:1ms)", &pe) == 0);
    sim_comparison c;
    memset(&c, 0, sizeof c);
    c.workload = strdup(w.spec);
    sim_trace *t = &c.traces[0];
    ASSERT(sim_trace_init(t, SIM_MODEL_ASYNCIO, 20, 21) == 0);
    t->lanes[20].kind = SIM_LANE_LOOP;
    t->has_steps = 1;
    for (uint32_t k = 0; k < 20; k++)
        mark(t, k, 0, SIM_ST_READY);
    t->end_ns = t->now_ns = 10 * US;
    c.ntraces = 1;
    ui_lens L;
    memset(&L, 0, sizeof L);
    ASSERT_INT_EQ(ui_lens_update(&L, &c), 0);
    ui_view v;
    ui_view_init(&v);
    ui_code_mark m[UI_CODE_MAX_MARKS];
    /* Twenty tasks: only the chosen and the hovered are marked. */
    ASSERT_INT_EQ(ui_code_marks(&L, &v, &c, 0, 5 * US, -1, m, UI_CODE_MAX_MARKS), 0);
    v.code_task = 7;
    ASSERT_INT_EQ(ui_code_marks(&L, &v, &c, 0, 5 * US, 12, m, UI_CODE_MAX_MARKS), 2);
    ASSERT_INT_EQ(m[0].task, 7);
    ASSERT_INT_EQ(m[1].task, 12);
    ui_lens_free(&L);
    sim_comparison_deinit(&c);
    sim_workload_free(&w);
}

static void test_values(void)
{
    sim_workload w;
    sim_parse_error pe;
    ASSERT(sim_workload_parse(&w, "2*(load:hits,yield,store:hits)", &pe) == 0);
    sim_comparison c;
    race(&c, &w);
    sim_trace *t = &c.traces[0];
    ASSERT_INT_EQ(ui_value_lanes(t), 1);
    ui_values v;
    memset(&v, 0, sizeof v);
    ASSERT_INT_EQ(ui_values_build(&v, t), 0);
    ASSERT_INT_EQ(v.n, 1);
    ASSERT_INT_EQ(v.exact_until, -1);
    const ui_vseries *s = &v.s[0];
    ASSERT_INT_EQ(s->n, 4);
    ASSERT_INT_EQ(s->lost, 1);
    ASSERT_INT_EQ(s->nlost, 1);
    const ui_vpoint *p = &s->p[3];
    ASSERT_INT_EQ(p->task, 1);
    ASSERT_INT_EQ(p->lost, 1);
    ASSERT_INT_EQ(p->over, 0);
    char buf[160];
    ui_vpoint_describe(t, s, p, buf, sizeof buf);
    ASSERT_STR_EQ(buf, "task 1 stored 1 over task 0's 1: one update lost");
    ui_vpoint_describe(t, s, &s->p[0], buf, sizeof buf);
    ASSERT_STR_EQ(buf, "task 0 loaded hits = 0");
    ASSERT_INT_EQ(ui_vseries_value(s, 35 * US), 1);
    ASSERT_INT_EQ(ui_vseries_value(s, 5 * US), 0);
    ASSERT_INT_EQ(ui_vseries_scale(s, 0, 20 * US), 1); /* never below 1 */
    /* A cut before the second store: no loss is claimed past it. */
    sim_tinstant cut = {.t = 35 * US, .lane = 0, .code = SIM_IN_VALUES_CUT};
    ASSERT(sim_trace_add_instant(t, cut) == 0);
    ASSERT_INT_EQ(ui_values_build(&v, t), 0);
    ASSERT_INT_EQ(v.exact_until, 35 * US);
    ASSERT_INT_EQ(v.s[0].lost, 0);
    ui_values_free(&v);
    /* A saved run from before format 4: no value lanes at all. */
    t->has_steps = 0;
    ASSERT_INT_EQ(ui_value_lanes(t), 0);
    ASSERT_INT_EQ(ui_values_build(&v, t), 0);
    ASSERT_INT_EQ(v.n, 0);
    ui_values_free(&v);
    sim_comparison_deinit(&c);
    sim_workload_free(&w);
}

static void classes(const char *line, int *in_doc, const char *want)
{
    uint8_t cls[256];
    size_t n = strlen(line);
    ui_code_classify(line, n, in_doc, cls);
    char got[256];
    for (size_t i = 0; i < n; i++)
        got[i] = "pksc"[cls[i]];
    got[n] = 0;
    ASSERT_STR_EQ(got, want);
}

static void test_classify(void)
{
    int doc = 0;
    classes("for x in y:  # go", &doc, "kkkpppkkpppppcccc");
    classes("print(f\"a{b}\")", &doc, "ppppppsssssssp");
    classes("\"\"\"Doc", &doc, "ssssss");
    ASSERT_INT_EQ(doc, 1);
    classes("still doc", &doc, "sssssssss");
    classes("end\"\"\" and", &doc, "sssssspkkk");
    ASSERT_INT_EQ(doc, 0);
    classes("x = 'a#b'", &doc, "ppppsssss");
}

int main(void)
{
    test_steps_and_lines();
    test_many_tasks();
    test_values();
    test_classify();
    puts("ui_code: ok");
    return 0;
}
