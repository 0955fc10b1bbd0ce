/* test_lesson_player.c - the lesson player driven by synthetic events.
 *
 * A two-step fixture lesson (a prediction, then a plain step) is written to
 * a temporary user lessons folder, with XDG_STATE_HOME and XDG_DATA_HOME
 * pointing into a temporary folder, so the learner's real progress is never
 * touched (lesson_player_util.h). The tests press keys and click as a
 * learner would and check the player's state: the step, the guess, the
 * reveal after a real (short) run, the progress saved, resuming and
 * restarting, the picker. Then a step is drawn headless and probed: the
 * narration is inked where the panel says, and no wrapped line runs past
 * the panel's edge. Then the word wrapping alone, with a fixed-width
 * measure and no fonts; every setting a step may set reaching its run; a
 * busy machine said in the reveal; a `cpython: yes` step. The whole course
 * played through is test_lesson_course.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app_lesson.h"
#include "draw_lesson.h"
#include "headless.h"
#include "lesson_player_util.h"
#include "mp_spawn.h"
#include "test.h"

static void test_keys_guess_reveal(void)
{
    app *a = open_player(-1);
    app_lesson *L = a->lesson;
    ASSERT_INT_EQ(L->step, 0);
    /* A prediction asks first: nothing runs, the panels are empty. */
    ASSERT_INT_EQ(L->phase, APP_LESSON_ASK);
    ASSERT(L->panel.asking);
    ASSERT(!a->run_active);
    ASSERT_INT_EQ(a->cmp.ntraces, 0);
    ASSERT_STR_EQ(a->ws.field.text, "2*io:20ms");
    ASSERT(sim_config_has_model(&a->cfg, SIM_MODEL_ASYNCIO) &&
           sim_config_has_model(&a->cfg, SIM_MODEL_THREADING));
    ASSERT(!sim_config_has_model(&a->cfg, SIM_MODEL_MULTIPROCESSING));
    /* A number past the choices is ignored; 2 takes "threading". */
    send_key(a, SDLK_5);
    ASSERT_INT_EQ(L->phase, APP_LESSON_ASK);
    send_key(a, SDLK_2);
    ASSERT_INT_EQ(L->guess, 1);
    ASSERT_INT_EQ(L->panel.guess, 1);
    ASSERT_INT_EQ(L->phase, APP_LESSON_RUNNING);
    ASSERT(a->run_active);
    ASSERT(!L->panel.show_after);
    run_out(a);
    /* The reveal: judged against this run, the narration for after it shown. */
    ASSERT(L->judged);
    ASSERT(L->verdict.ran);
    ASSERT(L->panel.revealed);
    ASSERT(L->panel.show_after);
    ASSERT(L->panel.reveal == &L->reveal);
    ASSERT_CONTAINS(L->reveal_text, "you guessed threading");
    ASSERT_CONTAINS(L->reveal_text, "Measured here");
    ASSERT_INT_EQ(L->panel.right, 3u);
    ASSERT(L->panel.measured != 0);
    ASSERT_INT_EQ(L->panel.reveal_good, (int)((L->verdict.measured >> 1) & 1u));
    /* Number keys do nothing once answered. */
    send_key(a, SDLK_1);
    ASSERT_INT_EQ(L->guess, 1);
    lesson_progress p = {0};
    const lesson_progress_entry *e = saved(&p, "99-tiny.md");
    ASSERT(e && e->step == 0 && !e->done);

    /* N: the next step runs at once (no question); reaching it finishes the lesson. */
    send_key(a, SDLK_n);
    ASSERT_INT_EQ(L->step, 1);
    ASSERT_INT_EQ(L->phase, APP_LESSON_RUNNING);
    ASSERT_STR_EQ(a->ws.field.text, "2*cpu:10ms");
    e = saved(&p, "99-tiny.md");
    ASSERT(e && e->step == 1 && e->done);
    run_out(a);
    ASSERT(L->panel.show_after);
    ASSERT(L->panel.reveal == NULL);
    /* N at the last step stays; P and Page Up go back, Page Down forward. */
    send_key(a, SDLK_n);
    ASSERT_INT_EQ(L->step, 1);
    send_key(a, SDLK_p);
    ASSERT_INT_EQ(L->step, 0);
    ASSERT_INT_EQ(L->phase, APP_LESSON_ASK);
    ASSERT_INT_EQ(a->cmp.ntraces, 0); /* the old run would give the answer away */
    send_key(a, SDLK_PAGEDOWN);
    ASSERT_INT_EQ(L->step, 1);
    send_key(a, SDLK_PAGEUP);
    ASSERT_INT_EQ(L->step, 0);
    /* While the workload field has the focus, letters are text, not steps. */
    for (int i = 0; i < a->ws.n; i++)
        if (a->ws.w[i].kind == UI_W_FIELD)
            a->ws.focus = i;
    send_key(a, SDLK_n);
    ASSERT_INT_EQ(L->step, 0);
    a->ws.focus = -1;
    lesson_progress_free(&p);
    close_player(a);
}

static void test_clicks_resume_restart(void)
{
    /* The progress says step 1 (from the test above), done: a finished
     * lesson opens at its start. Make it "in progress at step 1". */
    lesson_progress p = {0};
    saved(&p, "99-tiny.md");
    char msg[256];
    ASSERT_INT_EQ(lesson_progress_update(progress_path, "99-tiny.md", 1, 0, NULL, msg,
                                         sizeof msg), 0);
    app *a = open_player(-1);
    app_lesson *L = a->lesson;
    ASSERT_INT_EQ(L->step, 1); /* resumed */
    /* Clicks: Previous, then a choice, then Next. */
    click(a, L->panel.prev);
    ASSERT_INT_EQ(L->step, 0);
    app_layout(a, W, H);
    ASSERT_INT_EQ(L->panel.nchoices, 2);
    ASSERT(L->panel.choice[0].h > 0);
    ASSERT(L->panel.choice[0].y > L->panel.body.y);
    ASSERT(L->panel.choice[1].y + L->panel.choice[1].h <= L->panel.prev.y);
    click(a, L->panel.choice[0]);
    ASSERT_INT_EQ(L->guess, 0);
    ASSERT_INT_EQ(L->phase, APP_LESSON_RUNNING);
    run_out(a);
    ASSERT_CONTAINS(L->reveal_text, "you guessed asyncio");
    click(a, L->panel.next);
    ASSERT_INT_EQ(L->step, 1);
    /* Restart: back to the first step, the progress forgotten then saved anew. */
    click(a, L->panel.restart);
    ASSERT_INT_EQ(L->step, 0);
    const lesson_progress_entry *e = saved(&p, "99-tiny.md");
    ASSERT(e && e->step == 0 && !e->done);
    /* A click outside the panel is the window's, not the player's. */
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = 10;
    ev.button.y = H / 2;
    ASSERT_INT_EQ(app_lesson_event(a, &ev), 0);
    lesson_progress_free(&p);
    close_player(a);
}

static void test_picker(void)
{
    app *a = open_player(0);
    app_lesson *L = a->lesson;
    send_key(a, SDLK_l);
    ASSERT(L->panel.picker);
    /* The shipped course (at least 10 lessons) and the user's own lesson,
     * which is the one open and so the selection. */
    ASSERT(L->nrows >= 11);
    int mine = -1;
    for (int i = 0; i < L->nrows; i++)
        if (strcmp(L->rows[i].title, "Tiny lesson") == 0)
            mine = i;
    ASSERT(mine >= 0);
    ASSERT(L->rows[mine].current);
    ASSERT_INT_EQ(L->panel.sel, mine);
    ASSERT_CONTAINS(L->rows[mine].detail, "(yours)");
    ASSERT_CONTAINS(L->rows[mine].detail, "step 1/2");
    /* Keys move the selection and N does not step the hidden lesson. */
    send_key(a, SDLK_HOME);
    ASSERT_INT_EQ(L->panel.sel, 0);
    send_key(a, SDLK_DOWN);
    ASSERT_INT_EQ(L->panel.sel, 1);
    send_key(a, SDLK_UP);
    ASSERT_INT_EQ(L->panel.sel, 0);
    send_key(a, SDLK_n);
    ASSERT_INT_EQ(L->step, 0);
    ASSERT(L->panel.picker);
    /* Esc closes; L again, Enter opens the first shipped lesson. */
    send_key(a, SDLK_ESCAPE);
    ASSERT(!L->panel.picker);
    send_key(a, SDLK_l);
    send_key(a, SDLK_HOME);
    char want[LESSON_MAX_NAME];
    /* The detail ends with the file name: "... · 01-first.md". */
    const char *dot = strrchr(L->rows[0].detail, ' ');
    ASSERT(dot);
    snprintf(want, sizeof want, "%s", dot + 1);
    send_key(a, SDLK_RETURN);
    ASSERT(!L->panel.picker);
    ASSERT_STR_EQ(L->name, want);
    ASSERT(L->les.nsteps >= 1);
    /* A click on a row opens it too: back to the fixture. */
    send_key(a, SDLK_l);
    app_layout(a, W, H);
    L->panel.sel = mine;
    ui_lesson_panel_show_sel(&L->panel);
    ui_rect r;
    ASSERT_INT_EQ(ui_lesson_panel_row_rect(&L->panel, mine, &r), 0);
    click(a, r);
    ASSERT_STR_EQ(L->name, "99-tiny.md");
    ASSERT(!L->panel.picker);
    close_player(a);
}

static int ink(const ui_headless *hl, ui_rect r, ui_color bg)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            ui_color c = ui_headless_pixel(hl, x, y);
            if (abs(c.r - bg.r) + abs(c.g - bg.g) + abs(c.b - bg.b) > 150)
                n++;
        }
    return n;
}

static void test_render(void)
{
    ui_headless hl;
    char err[256];
    ASSERT_MSG(ui_headless_init(&hl, W, H, err, sizeof err) == 0, "%s", err);
    app *a = open_player(0);
    app_lesson *L = a->lesson;
    app_layout(a, hl.w, hl.h);
    ui_frame_extra x = {.widgets = &a->ws};
    ui_draw_frame(&hl.ui, &a->layout, &a->view, &a->cmp, &x);
    ui_draw_lesson(&hl.ui, &a->layout, &a->view, &a->cmp, &L->panel);
    SDL_RenderPresent(hl.r);
    const ui_lesson_panel *p = &L->panel;
    /* The timelines end where the panel begins. */
    ASSERT(a->layout.w == p->rect.x);
    ASSERT(p->rect.x + p->rect.w == W);
    ASSERT(p->rect.w >= W / 5 && p->rect.w <= W / 2);
    const ui_theme *th = ui_theme_get(a->view.theme);
    ui_color bg = th->panel[0];
    /* The first lines of the narration (the intro) are inked; the gap
     * between the last choice and the buttons is not. */
    ui_rect top = {p->body.x, p->body.y, p->body.w, p->row_h * 2};
    ASSERT_MSG(ink(&hl, top, bg) > 200, "narration ink %d", ink(&hl, top, bg));
    ASSERT(ui_headless_pixel(&hl, p->rect.x + p->rect.w / 2, p->body.y - 1).a == 255);
    /* The question's choices are drawn where clicks go: text in each. */
    for (int i = 0; i < p->nchoices; i++)
        ASSERT(ink(&hl, p->choice[i], th->button) > 30);
    /* No wrapped run is wider than the panel, and the text wrapped to
     * several lines. */
    int lines = 0, last_y = -1;
    for (size_t i = 0; i < p->flow.nruns; i++) {
        const ui_flow_run *r = &p->flow.runs[i];
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)r->len, r->text);
        int w, h;
        ui_text_size(&hl.ui.text,
                     r->style & LESSON_STYLE_CODE ? UI_FONT_MONO
                     : r->big || (r->style & LESSON_STYLE_BOLD) ? UI_FONT_BOLD
                                                                 : UI_FONT_REGULAR,
                     r->big ? (int)(p->font_px * 1.3 + 0.5) : p->font_px, buf, &w, &h);
        ASSERT_MSG(r->x + w <= p->flow_w + 2, "run '%s' at %d, %d wide, panel %d", buf,
                   r->x, w, p->flow_w);
        if (r->y != last_y)
            lines++;
        last_y = r->y;
    }
    ASSERT(lines >= 4);
    /* The after-run narration is not in the flow before the reveal. */
    for (size_t i = 0; i < p->flow.nruns; i++)
        ASSERT(!strstr(p->flow.runs[i].text, "AFTERWORD") ||
               (size_t)(strstr(p->flow.runs[i].text, "AFTERWORD") - p->flow.runs[i].text) >=
                   p->flow.runs[i].len);
    close_player(a);
    ui_headless_deinit(&hl);
}

static int fixed_measure(void *user, int style, int big, const char *s, size_t len)
{
    (void)user;
    (void)s;
    return (int)len * (big ? 10 : 8) + (style & LESSON_STYLE_BOLD ? (int)len : 0);
}

static void test_wrap(void)
{
    char text[] = "aaa bbb ccc dddddddddddddddddddd e";
    lesson_span spans[] = {{0, 4, 0}, {4, 3, LESSON_STYLE_BOLD}, {7, 27, 0}};
    lesson_block b = {.kind = LESSON_BLOCK_PARAGRAPH, .text = text, .len = strlen(text),
                      .spans = spans, .nspans = 3};
    ui_flow f = {0};
    ui_flow_desc d = {.w = 64, .line_h = 10, .big_line_h = 14, .gap = 4, .indent = 12,
                      .measure = fixed_measure};
    ASSERT_INT_EQ(ui_flow_add_block(&f, &d, &b, 0), 0);
    /* "aaa bbb" fits 64 px (24 + 8 + 27 = 59); "ccc" wraps; the long word
     * sits alone on its line (and overflows); "e" follows on the next. */
    ASSERT_INT_EQ((int)f.nruns, 5);
    ASSERT(f.runs[0].y == 0 && f.runs[1].y == 0);
    ASSERT_INT_EQ(f.runs[1].style, LESSON_STYLE_BOLD);
    ASSERT_INT_EQ(f.runs[1].x, 32);
    ASSERT(f.runs[2].y == 10 && f.runs[2].x == 0 && f.runs[2].len == 3);
    ASSERT(f.runs[3].y == 20 && f.runs[4].y == 30);
    ASSERT_INT_EQ(f.height, 40 + 4);
    /* A list item is indented and gets a bullet. */
    lesson_block item = b;
    item.kind = LESSON_BLOCK_ITEM;
    item.depth = 1;
    size_t before = f.nruns;
    ASSERT_INT_EQ(ui_flow_add_block(&f, &d, &item, 0), 0);
    ASSERT_INT_EQ(f.runs[before].x, 12);
    ASSERT(f.ndecos == 1 && f.decos[0].kind == UI_FLOW_BULLET);
    ui_flow_free(&f);
}

/* Every setting a lesson step may set reaches the run the player starts:
 * the run configuration's table (config.h) lists them, and each one, set
 * to something other than its default, must be what the recorded run
 * used. (The start method once went missing here: lesson 13 then drew
 * forkserver under a narration about spawn.) */
static void test_every_setting_reaches_run(void)
{
    static const char lesson_text[] =
        "# Settings\n\n## All of them\n\nEvery setting a step can set.\n\n"
        "```concviz\n"
        "workload: 4*io:5ms\n"
        "models: multiprocessing, threading, asyncio\n"
        "workers: 3\n"
        "threads: 2\n"
        "switch-interval: 2ms\n"
        "timeout: 30s\n"
        "start-method: spawn\n"
        "```\n";
    char path[700];
    snprintf(path, sizeof path, "%s/98-settings.md", user_dir);
    FILE *f = fopen(path, "w");
    ASSERT(f);
    ASSERT(fputs(lesson_text, f) >= 0);
    ASSERT_INT_EQ(fclose(f), 0);
    app *a = open_lesson(path, 0);
    run_out(a);
    const lesson_step *s = &a->lesson->les.steps[0];
    sim_config want = s->set.cfg;
    sim_config_resolve(&want, a->cmp.machine.cpus);
    ASSERT_INT_EQ(a->cmp.ntraces, 3);
    ASSERT_STR_EQ(a->cmp.workload, "4*io:5ms");
    int checked = 0;
    for (int k = 0; k < SIM_CFG__COUNT; k++) {
        if (!sim_config_fields[k].in_lessons || k == SIM_CFG_WORKLOAD)
            continue;
        char got[256], exp[256], dflt[256];
        sim_config none = {0};
        sim_config_resolve(&none, a->cmp.machine.cpus);
        sim_config_get(&want, (sim_config_key)k, exp, sizeof exp);
        sim_config_get(&none, (sim_config_key)k, dflt, sizeof dflt);
        /* The step must set something else than the default, or this
         * proves nothing: a new field needs a line in the lesson above. */
        ASSERT_MSG(strcmp(exp, dflt) != 0, "the test lesson leaves '%s' at its default",
                   sim_config_fields[k].name);
        for (int i = 0; i < a->cmp.ntraces; i++) {
            sim_config_get(&a->cmp.traces[i].cfg, (sim_config_key)k, got, sizeof got);
            ASSERT_MSG(strcmp(got, exp) == 0, "%s: the step set %s, the %s run used %s",
                       sim_config_fields[k].name, exp,
                       sim_model_name(a->cmp.traces[i].model), got);
        }
        checked++;
    }
    ASSERT(checked >= 6);
    /* The multiprocessing workers were really spawned: each starts with
     * the exec of a fresh program, which takes far longer than a fork. */
    const sim_trace *mp = NULL;
    for (int i = 0; i < a->cmp.ntraces; i++)
        if (a->cmp.traces[i].model == SIM_MODEL_MULTIPROCESSING)
            mp = &a->cmp.traces[i];
    ASSERT(mp && mp->cfg.start_method == SIM_START_SPAWN);
    /* ...and the step, with its models in another order, is this run. */
    ASSERT(lesson_step_is_run(s, &a->cmp));
    close_player(a);
    ASSERT_INT_EQ(unlink(path), 0);
}

/* A made-up /proc where other programs use 1.8 of 2 CPUs. */
static int busy_source(void *user, app_busy_sample *s)
{
    int64_t *t = user;
    *t += 250000000;
    s->t_ns = *t;
    s->busy_ticks = (uint64_t)(*t / 1000000000.0 * 1.8 * sysconf(_SC_CLK_TCK));
    s->ours_ticks = 0;
    s->cpus = 2;
    return 0;
}

/* On a busy machine the reveal says so, whatever the verdict, and the
 * run still happens (after the second of looking). */
static void test_busy_reveal(void)
{
    int64_t t = 0;
    app_desc d = {.busy_source = busy_source, .busy_user = &t};
    app *a = open_player_with(0, &d);
    app_lesson *L = a->lesson;
    ASSERT_INT_EQ(L->phase, APP_LESSON_ASK);
    send_key(a, SDLK_1);
    ASSERT_INT_EQ(L->phase, APP_LESSON_RUNNING);
    run_out(a);
    ASSERT(a->shown_busy.busy);
    ASSERT(L->judged);
    ASSERT_CONTAINS(L->reveal_text, "The machine was busy");
    ASSERT_CONTAINS(L->reveal_text, "other programs used 1.8 of 2 CPUs");
    /* A plain step says it in the panel's status line. */
    send_key(a, SDLK_n);
    run_out(a);
    ASSERT_CONTAINS(L->panel.status, "busy machine");
    close_player(a);
}

/* A `cpython: yes` step: its panels show CPython's run under the model's,
 * its check (on CPython's run) is judged against it or, with no
 * interpreter, not judged, saying why; the next step, without the key,
 * hides the panels again. */
static const char cpython_lesson[] =
    "# In CPython too\n"
    "\n"
    "## Measured\n"
    "\n"
    "```concviz\n"
    "workload: 2*io:20ms\n"
    "models: asyncio\n"
    "cpython: yes\n"
    "question: About how long does asyncio take in CPython?\n"
    "choices: 2ms, 20ms, 2s\n"
    "answer: 20ms\n"
    "check: wall cpython asyncio\n"
    "tolerance: 1000%\n"
    "```\n"
    "\n"
    "## Engines alone\n"
    "\n"
    "```concviz\n"
    "workload: 2*io:10ms\n"
    "models: asyncio\n"
    "```\n";

static void play_cpython(const char *python, int real)
{
    char path[700];
    snprintf(path, sizeof path, "%s/98-cpython.md", user_dir);
    FILE *f = fopen(path, "w");
    ASSERT(f);
    ASSERT(fputs(cpython_lesson, f) >= 0);
    ASSERT_INT_EQ(fclose(f), 0);
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.busy_window_ns = -1, .python = python};
    app_init(a, &d);
    app_lesson_desc ld = {.path = path, .user_dir = user_dir,
                          .progress_path = progress_path, .start_step = 0};
    char err[512];
    ASSERT_MSG(app_lesson_attach(a, &ld, err, sizeof err) == 0, "%s", err);
    app_lesson *L = a->lesson;
    ASSERT_INT_EQ(a->view.show_cpython, 1); /* on with the step, before its question */
    app_tick(a, 0.01);
    ASSERT_INT_EQ(ui_widgets_find(&a->ws, APP_W_CPYTHON)->on, 1);
    send_key(a, SDLK_2);
    run_out(a);
    app_layout(a, W, H);
    ASSERT_INT_EQ(a->layout.npanels, 2); /* asyncio, and CPython under it */
    const sim_trace *py = sim_comparison_cpython(&a->cmp, 0);
    ASSERT(py);
    if (real) {
        ASSERT_MSG(py->outcome == SIM_OUTCOME_OK, "%s", py->error);
        ASSERT_CONTAINS(L->reveal_text, "Measured in CPython 3.");
        ASSERT_CONTAINS(L->reveal_text, "asyncio took");
    } else {
        ASSERT_INT_EQ(py->outcome, SIM_OUTCOME_NOT_RUN);
        ASSERT_CONTAINS(L->reveal_text, "Not judged: ");
        ASSERT_CONTAINS(L->reveal_text, "install Python 3");
        ASSERT(!L->panel.reveal_good);
    }
    /* The next step has no `cpython: yes`: the panels go. */
    send_key(a, SDLK_n);
    ASSERT_INT_EQ(a->view.show_cpython, 0);
    run_out(a);
    app_layout(a, W, H);
    ASSERT_INT_EQ(a->layout.npanels, 1);
    ASSERT(sim_comparison_cpython(&a->cmp, 0) == NULL);
    app_deinit(a);
    free(a);
    unlink(path);
}

static void test_cpython_step(void)
{
    play_cpython("/nonexistent/python3", 0);
    if (system("python3 -c pass >/dev/null 2>&1") != 0)
        TEST_SKIP_CASE("no python3 here: a `cpython: yes` step is played with a real "
                       "interpreter only where there is one");
    play_cpython(NULL, 1);
}

int main(int argc, char **argv)
{
    /* The spawn start method execs this very program as a worker. */
    int worker = sim_spawn_worker_main(argc, argv);
    if (worker >= 0)
        return worker;
    setup_dirs();
    test_wrap();
    test_keys_guess_reveal();
    test_clicks_resume_restart();
    test_picker();
    test_render();
    test_every_setting_reaches_run();
    test_busy_reveal();
    test_cpython_step();
    printf("lesson_player: ok\n");
    TEST_DONE();
}
