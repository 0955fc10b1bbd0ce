/* test_lesson_course.c - the whole course, played through the lesson player.
 *
 * A learner presses 1 at every question and N after every step, from the
 * first lesson to the last; each step's run is started by the player and
 * stopped at once, and the judge reads stand-in runs of the step's
 * settings. Every step's panel is drawn headless at the smallest window the
 * course is made for, a large one and a handout's page, and must hold its
 * text. The learner's progress goes to a temporary folder
 * (lesson_player_util.h); the player on a small fixture lesson is
 * test_lesson_player.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_lesson.h"
#include "draw_lesson.h"
#include "headless.h"
#include "lesson_player_util.h"
#include "mp_spawn.h"
#include "test.h"

/* A finished trace standing in for a model's run of a step: every task
 * done at end_ns, the settings copied from the real run's trace. */
static void stand_in(sim_trace *t, const sim_trace *real, int64_t end_ns)
{
    uint32_t n = real->ntasks ? real->ntasks : 1;
    ASSERT_INT_EQ(sim_trace_init(t, real->model, n, n), 0);
    for (uint32_t k = 0; k < n; k++) {
        t->lanes[k].kind = SIM_LANE_TASK;
        t->lanes[k].index = k;
        sim_trace_add_mark(t, k, (sim_mark){.t = 0, .state = SIM_ST_RUNNING,
                                            .cpu = SIM_NO_CPU});
        sim_trace_add_mark(t, k, (sim_mark){.t = end_ns, .state = SIM_ST_DONE,
                                            .cpu = SIM_NO_CPU});
    }
    t->end_ns = t->now_ns = end_ns;
    t->outcome = SIM_OUTCOME_OK;
    t->cfg = real->cfg;
    t->mem_per_task_bytes = 1000 + end_ns / 1000;
}

/* Draws the player into hl and asks the panel whether any text box
 * overflows its area or covers another (ui_lesson_overflows). */
static void check_layout(app *a, ui_headless *hl, const char *when)
{
    app_layout(a, hl->w, hl->h);
    ui_frame_extra x = {.widgets = &a->ws};
    ui_draw_frame(&hl->ui, &a->layout, &a->view, &a->cmp, &x);
    ui_draw_lesson(&hl->ui, &a->layout, &a->view, &a->cmp, &a->lesson->panel);
    char what[512];
    int n = ui_lesson_overflows(&hl->ui, &a->lesson->panel, what, sizeof what);
    ASSERT_MSG(n == 0, "%s step %d at %dx%d, %s: %d problem(s), the first: %s",
               a->lesson->name, a->lesson->step + 1, hl->w, hl->h, when, n, what);
}

/* The same after the reveal, with the widest tags a choice can carry
 * (your guess, measured here, the lesson's answer) on every choice. */
static void check_layout_widest(app *a, ui_headless *hl)
{
    ui_lesson_panel *p = &a->lesson->panel;
    ui_lesson_panel keep = *p;
    p->revealed = 1;
    p->guess = 0;
    p->measured = p->right = 0xffu;
    check_layout(a, hl, "with every tag");
    p->revealed = keep.revealed;
    p->guess = keep.guess;
    p->measured = keep.measured;
    p->right = keep.right;
    app_layout(a, W, H);
}

/* Lets the app start the step's run (the interpreter probe, if any, may
 * come first), then stops it at once: the comparison then holds a trace of
 * every model with the settings the run really used, and the player
 * finishes the step as after any run. */
static void start_and_stop(app *a)
{
    for (int i = 0; i < 1000 && !a->run_active && app_run_busy(a); i++) {
        struct timespec t = {0, 5 * 1000 * 1000};
        nanosleep(&t, NULL);
        app_tick(a, 0.005);
    }
    ASSERT_MSG(a->run_active, "step %d of %s: the run did not start (%s)",
               a->lesson->step + 1, a->lesson->name, a->ws.field.error);
    app_stop_run(a);
    run_out(a);
}

/* The whole course, played as a learner who presses 1 at every question
 * and N after every step, from lesson 01 to the last one, where N at a
 * lesson's last step opens the next lesson. Each step's run is started by
 * the player and stopped at once (a real run of the course takes a
 * minute): what matters is that the run the player started is the step's
 * scenario, whatever the order of its models, so that every prediction is
 * judged; the judge itself then reads stand-in runs of the same settings.
 * Last, the answers are in the progress, as a score. */
static void test_course_walk(void)
{
    char sdir[512], first[4096];
    shipped_dir(sdir, sizeof sdir);
    lesson_catalog cat;
    ASSERT_INT_EQ(lesson_catalog_list(&cat, sdir, NULL), 0);
    ASSERT(cat.n >= 15);
    snprintf(first, sizeof first, "%s", cat.v[0].path);
    app *a = calloc(1, sizeof *a);
    ASSERT(a);
    app_desc d = {.busy_window_ns = -1, .python = "/nonexistent/python3"};
    app_init(a, &d);
    /* Only the shipped course: the course ends at its last lesson. */
    app_lesson_desc ld = {.path = first, .shipped_dir = sdir,
                          .progress_path = progress_path, .start_step = 0};
    char err[512];
    ASSERT_MSG(app_lesson_attach(a, &ld, err, sizeof err) == 0, "%s", err);
    app_lesson *L = a->lesson;
    /* The smallest window the course is made for, and a large one. */
    ui_headless small, large;
    ASSERT_MSG(ui_headless_init(&small, 800, 600, err, sizeof err) == 0, "%s", err);
    ASSERT_MSG(ui_headless_init(&large, 1920, 1080, err, sizeof err) == 0, "%s", err);
    /* A handout's page, at the size `shot --lesson` makes by default. */
    ui_headless page;
    ASSERT_MSG(ui_headless_init(&page, 1600, 900, err, sizeof err) == 0, "%s", err);
    size_t lessons = 0, steps = 0, judged = 0;
    int retried = 0;               /* one question answered wrong, then right */
    char retried_name[LESSON_MAX_NAME] = "";
    lesson_progress retry_p = {0};
    for (size_t li = 0; li < cat.n; li++) {
        ASSERT_STR_EQ(L->name, cat.v[li].name);
        ASSERT_INT_EQ(L->step, 0);
        lessons++;
        size_t nsteps = L->les.nsteps; /* N at the last step opens the next lesson */
        for (size_t k = 0; k < nsteps; k++) {
            const lesson_step *s = &L->les.steps[k];
            ASSERT_INT_EQ(L->step, (int)k);
            steps++;
            if (L->phase == APP_LESSON_ASK) {
                check_layout(a, &small, "asking");
                send_key(a, SDLK_1);
                ASSERT_INT_EQ(L->guess, 0);
            }
            start_and_stop(a);
            ASSERT_MSG(lesson_step_is_run(s, &a->cmp), "%s step %zu: the run the player "
                       "started is not the step's scenario", L->name, k + 1);
            /* The code view is open exactly where a step asks for it (no
             * key was pressed in this walk). */
            ASSERT_INT_EQ(a->view.show_code, s->set.code);
            check_layout(a, &small, "after the run");
            check_layout(a, &large, "after the run");
            /* As a handout's page: no buttons, the machine and date whole,
             * the whole step from its title (a page cannot scroll). */
            L->panel.handout = 1;
            app_recorded_line(&a->cmp, L->panel.footer, sizeof L->panel.footer);
            check_layout(a, &page, "as a handout");
            ASSERT(L->panel.prev.w == 0 && L->panel.keys.w == 0 && L->panel.foot.h > 0);
            L->panel.handout = 0;
            if (s->pred.question)
                check_layout_widest(a, &small);
            if (s->pred.question) {
                ASSERT_MSG(L->judged, "%s step %zu '%s' was not judged: %s", L->name, k + 1,
                           s->title, L->reveal_text);
                ASSERT(!strstr(L->reveal_text, "Not judged: the run on screen"));
                judged++;
                /* The judge on stand-ins of the same settings gives a verdict. */
                if (!s->pred.cpython && s->pred.check != LESSON_CHECK_LOST) {
                    sim_comparison syn = a->cmp;
                    memset(syn.cpython, 0, sizeof syn.cpython);
                    for (int i = 0; i < a->cmp.ntraces; i++)
                        stand_in(&syn.traces[i], &a->cmp.traces[i], (i + 1) * 10000000ll);
                    ASSERT(lesson_step_is_run(s, &syn));
                    lesson_verdict v;
                    ASSERT_INT_EQ(lesson_judge(s, &syn, &v), 0);
                    ASSERT_MSG(v.ran, "%s step %zu: %s", L->name, k + 1, v.text);
                    for (int i = 0; i < syn.ntraces; i++)
                        sim_trace_deinit(&syn.traces[i]);
                }
            }
            if (s->pred.question && s->pred.nchoices > 0 && k > 0 && !retried &&
                !lesson_guess_choice_right(&s->pred, 0)) {
                /* Wrong by the lesson (the stopped run gives no measure):
                 * back with P, forward with N, and the right choice now. */
                retried = 1;
                send_key(a, SDLK_p);
                if (L->phase == APP_LESSON_ASK)
                    send_key(a, SDLK_1);
                start_and_stop(a);
                send_key(a, SDLK_n);
                ASSERT_INT_EQ(L->step, (int)k);
                ASSERT_INT_EQ(L->phase, APP_LESSON_ASK);
                int right = 0;
                while (!lesson_guess_choice_right(&s->pred, right))
                    right++;
                send_key(a, SDLK_1 + right);
                start_and_stop(a);
                const lesson_progress_entry *e = saved(&retry_p, L->name);
                ASSERT_MSG(e && (int)strlen(e->marks) > (int)k &&
                               e->marks[k] == LESSON_MARK_RETRY,
                           "%s step %zu: marks '%s' after a wrong answer and a right one",
                           L->name, k + 1, e ? e->marks : "(none)");
                snprintf(retried_name, sizeof retried_name, "%s", L->name);
            }
            ASSERT(L->step + 1 < (int)nsteps || L->panel.next_lesson || li + 1 == cat.n);
            send_key(a, SDLK_n);
        }
        if (li + 1 == cat.n) {
            /* The end of the course: N stays at the last step. */
            ASSERT_STR_EQ(L->name, cat.v[li].name);
            ASSERT_INT_EQ(L->step, (int)nsteps - 1);
            ASSERT(!L->panel.next_lesson);
        }
    }
    ASSERT_MSG(lessons >= 15 && steps >= 50 && judged >= 30, "%zu lessons, %zu steps, %zu judged", lessons, steps, judged);
    ASSERT(retried);
    lesson_progress_free(&retry_p);
    /* Every lesson is done and scored: each question answered once. */
    lesson_progress p = {0};
    for (size_t li = 0; li < cat.n; li++) {
        const lesson_progress_entry *e = saved(&p, cat.v[li].name);
        ASSERT_MSG(e && e->done, "%s not done", cat.v[li].name);
        lesson l;
        lesson_errors errs;
        ASSERT_INT_EQ(lesson_load(&l, cat.v[li].path, &errs), 0);
        lesson_score sc;
        lesson_progress_score(e, &l, &sc);
        int again = strcmp(cat.v[li].name, retried_name) == 0;
        ASSERT_MSG(sc.first + sc.wrong + sc.retry == sc.questions && sc.retry == again,
                   "%s: %d questions, marks '%s'", cat.v[li].name, sc.questions, e->marks);
        lesson_free(&l);
    }
    lesson_progress_free(&p);
    lesson_catalog_free(&cat);
    app_deinit(a);
    free(a);
    ui_headless_deinit(&small);
    ui_headless_deinit(&large);
    ui_headless_deinit(&page);
}

int main(int argc, char **argv)
{
    /* The spawn start method execs this very program as a worker. */
    int worker = sim_spawn_worker_main(argc, argv);
    if (worker >= 0)
        return worker;
    setup_dirs();
    test_course_walk();
    printf("lesson_course: ok\n");
    TEST_DONE();
}
