/* app_lesson.c - the lesson player's steps: set up, ask, run, reveal.
 *
 * A step's settings go into the app's own run settings, so the run is an
 * ordinary window run: the learner can slow it down, zoom, hover, run it
 * again with R. A prediction asks before anything runs, and the panels are
 * emptied meanwhile: a previous step's run of the same workload would give
 * the answer away.
 *
 * The reveal is judged by lesson_judge against THIS run, not against the
 * lesson's text: the learner is told whether their guess matches what this
 * machine measured, and, when the machine disagrees with the lesson (one
 * CPU, a busy machine), that it does and why. A run the learner changed
 * (another workload in the field) is not the step's scenario and is not
 * judged.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_lesson.h"

static const lesson_step *cur(const app_lesson *L) { return &L->les.steps[L->step]; }

static int asks(const lesson_step *s) { return s->pred.question && s->pred.nchoices > 0; }

/* ---- the reveal, as a styled block ---------------------------------- */

static void reveal_clear(app_lesson *L)
{
    L->reveal_text[0] = 0;
    memset(&L->reveal, 0, sizeof L->reveal);
    L->reveal.text = L->reveal_text;
    L->reveal.spans = L->reveal_spans;
}

static void say(app_lesson *L, uint8_t style, const char *fmt, ...)
{
    size_t off = L->reveal.len;
    if (off + 1 >= sizeof L->reveal_text || L->reveal.nspans >= APP_LESSON_REVEAL_SPANS)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(L->reveal_text + off, sizeof L->reveal_text - off, fmt, ap);
    va_end(ap);
    if (k <= 0)
        return;
    size_t len = (size_t)k < sizeof L->reveal_text - off ? (size_t)k
                                                         : sizeof L->reveal_text - off - 1;
    L->reveal_spans[L->reveal.nspans++] = (lesson_span){(uint32_t)off, (uint32_t)len, style};
    L->reveal.len = off + len;
}

static void why_differs(app_lesson *L, const sim_comparison *c, const lesson_verdict *v)
{
    if (v->skipped)
        return; /* the judge's sentence already says why (too few CPUs) */
    int cpus = c->machine.cpus;
    say(L, LESSON_STYLE_BOLD, "\nWhy this machine differs: ");
    say(L, 0, "these are real timings, not a simulation. This machine lets concviz use "
              "%d CPU%s%s; other programs (this window's drawing included), power saving "
              "and a first run's warm-up shift times too. Press R to run the step again and compare.",
        cpus, cpus == 1 ? "" : "s",
        cpus < 2 ? ", so nothing can run in parallel here" : "");
}

/* A `cpython: yes` step: the same claim, on CPython's runs (the panels
 * under each model show them). */
static void say_cpython(app_lesson *L, const lesson_step *s, const sim_comparison *c)
{
    lesson_verdict cv;
    if (lesson_judge_cpython(s, c, &cv) != 0)
        return;
    say(L, LESSON_STYLE_BOLD, "\nIn CPython itself: ");
    if (cv.skipped && !cv.ran)
        say(L, 0, "not measured: %s", cv.text);
    else
        say(L, 0, "%s", cv.text);
}

static void judge(app *a)
{
    app_lesson *L = a->lesson;
    const lesson_step *s = cur(L);
    const lesson_prediction *p = &s->pred;
    reveal_clear(L);
    L->judged = 0;
    L->panel.reveal_good = 1;
    if (!lesson_step_is_run(s, &a->cmp)) {
        say(L, LESSON_STYLE_BOLD, "Not judged: ");
        say(L, 0, "the run on screen is not this step's scenario (the workload or the "
                  "models were changed). Press P then N to run the step as written.");
        L->panel.reveal_good = 0;
        return;
    }
    lesson_verdict *v = &L->verdict;
    if (lesson_judge(s, &a->cmp, v) != 0)
        return;
    L->judged = 1;
    if (!v->ran && v->skipped && s->pred.cpython) {
        /* The check is on CPython's run, and there is none (no python3). */
        say(L, LESSON_STYLE_BOLD, "Not judged: ");
        say(L, 0, "this step's answer is measured in CPython, which did not run: %s",
            v->text);
        L->panel.reveal_good = 0;
        return;
    }
    if (!v->ran) {
        say(L, LESSON_STYLE_BOLD, "No answer from this run: ");
        say(L, 0, "%s Press R to run it again.", v->text);
        L->panel.reveal_good = 0;
        return;
    }
    if (L->guess >= 0 && L->guess < p->nchoices) {
        int here = (v->measured >> L->guess) & 1u;
        L->panel.reveal_good = here;
        char got[160] = "";
        size_t gn = 0;
        for (int i = 0; i < p->nchoices; i++)
            if (((v->measured >> i) & 1u) && gn < sizeof got)
                gn += (size_t)snprintf(got + gn, sizeof got - gn, "%s%s", gn ? " and " : "",
                                       p->choices[i]);
        if (here && !v->agrees && p->nchoices > 0 && !lesson_check_is_models(p->check)) {
            /* The nearest choice, but outside the lesson's margin: the
             * guess was right among the choices, the lesson's figure is
             * what this machine does not bear out (said below). */
            say(L, LESSON_STYLE_BOLD, "Your guess is the nearest choice: ");
            say(L, 0, "you guessed %s, the choice closest to what this machine measured, "
                      "though the measurement falls outside the lesson's margin.",
                p->choices[L->guess]);
        } else {
            say(L, LESSON_STYLE_BOLD, here ? "Right: " : "Not this time: ");
            say(L, 0, "you guessed %s; this machine measured %s.", p->choices[L->guess],
                here ? "that" : got[0] ? got : "none of the choices");
        }
        if (here != lesson_guess_choice_right(p, L->guess))
            say(L, LESSON_STYLE_ITALIC, " By the lesson's answer your guess would count as %s.",
                here ? "wrong" : "right");
        say(L, 0, "\n");
    } else if (asks(s) && !L->handout) {
        say(L, LESSON_STYLE_BOLD, "The answer: ");
        say(L, 0, "the step ran without a guess.\n");
    } else {
        say(L, LESSON_STYLE_BOLD, "The answer, measured: ");
        say(L, 0, "\n");
    }
    say(L, 0, "%s", v->text);
    if (s->set.cpython && !s->pred.cpython)
        say_cpython(L, s, &a->cmp);
    if (a->shown_busy.busy) {
        /* Said whatever the verdict: a right guess on a busy machine may
         * be right for the wrong reason. */
        char busy[400];
        app_busy_sentence(&a->shown_busy, "in the second before the run", busy, sizeof busy);
        say(L, LESSON_STYLE_BOLD, "\nThe machine was busy: ");
        say(L, 0, "%s. Close other programs and press R to run the step again.", busy);
    }
    if (!v->agrees)
        why_differs(L, &a->cmp, v);
}

/* The learner's answer goes into the progress's marks once per guess (a
 * run again with R is not another answer): right as the reveal said, on
 * this machine's run; where the run gave no answer, by the lesson's. */
static void score(app *a)
{
    app_lesson *L = a->lesson;
    const lesson_step *s = cur(L);
    if (L->scored || L->guess < 0 || L->guess >= s->pred.nchoices || !L->progress_path[0])
        return;
    L->scored = 1;
    int right = L->judged && L->verdict.ran ? (int)((L->verdict.measured >> L->guess) & 1u)
                                            : lesson_guess_choice_right(&s->pred, L->guess);
    char msg[512];
    lesson_progress fresh;
    if (lesson_progress_answer(L->progress_path, L->name, L->step, right, &fresh, msg,
                               sizeof msg) == 0) {
        lesson_progress_free(&L->prog);
        L->prog = fresh;
    }
    /* A failure to save was already said when the step was entered. */
}

/* ---- entering a step -------------------------------------------------- */

static int speed_index(double speed)
{
    int best = UI_SPEED_DEFAULT;
    double bd = 1e9;
    for (int i = 0; i < UI_NSPEEDS; i++) {
        double d = fabs(log(ui_speed_value(i)) - log(speed > 0 ? speed : 1.0));
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

static void apply_settings(app *a, const lesson_step *s)
{
    ui_field_set(&a->ws.field, s->set.workload);
    a->ws.focus = -1;
    a->ws.editing = -1;
    /* Every setting of the step, as it is: the same configuration that
     * `lesson --verify` and the handouts run (lesson_step_run_desc). The
     * models are spelt out, since the bar shows them as toggles. */
    sim_config mine = a->cfg;
    a->cfg = s->set.cfg;
    sim_config_default_models(&a->cfg);
    a->cfg.workload = NULL; /* the text field holds it */
    /* Not a lesson's to choose (it may name a file): the learner's
     * --costs stays. */
    a->cfg.costs = mine.costs;
    a->cfg.costs_file = mine.costs_file;
    a->view.speed = speed_index(s->set.speed);
    a->view.has_sel = 0;
    a->view.task_scroll = 0;
    /* `cpython: yes`: the step's programs run in the learner's python3
     * too, drawn under the models (app_python.h). */
    app_python_step(a, s->set.cpython);
    /* `code: yes`: the program beside the timelines. A step without the
     * key closes it only if a step opened it (as `cpython: yes` does its
     * panels); one the learner opened with C stays. */
    if (s->set.code && !a->view.show_code) {
        a->view.show_code = 1;
        a->lesson->code_opened = 1;
    } else if (!s->set.code && a->lesson->code_opened) {
        a->view.show_code = 0;
        a->lesson->code_opened = 0;
    }
}

static void start(app *a)
{
    app_lesson *L = a->lesson;
    L->panel.asking = 0;
    if (app_start_run(a) == SIM_OK) {
        L->phase = APP_LESSON_RUNNING;
        snprintf(L->panel.status, sizeof L->panel.status, "running the step\xe2\x80\xa6");
    } else {
        L->phase = APP_LESSON_DONE;
        snprintf(L->panel.status, sizeof L->panel.status, "the run did not start: %.120s",
                 a->ws.field.error);
    }
    L->panel.version++;
}

void app_lesson_goto(app *a, int k)
{
    app_lesson *L = a->lesson;
    if (k < 0)
        k = 0;
    if (k >= (int)L->les.nsteps)
        k = (int)L->les.nsteps - 1;
    L->step = k;
    L->guess = -1;
    L->judged = 0;
    L->scored = 0;
    L->want_range = 0;
    reveal_clear(L);
    ui_lesson_panel *p = &L->panel;
    p->step = k;
    p->guess = -1;
    p->reveal = NULL;
    p->revealed = 0;
    p->show_after = 0;
    p->right = p->measured = 0;
    p->scroll = 0;
    p->status[0] = 0;
    p->version++;
    /* At the last step, Next opens the next lesson of the course. */
    L->next_path[0] = L->next_title[0] = 0;
    if (k == (int)L->les.nsteps - 1 && !L->handout)
        app_lesson_find_next(a);
    p->next_lesson = L->next_path[0] != 0;
    const lesson_step *s = cur(L);
    apply_settings(a, s);
    app_lesson_save_progress(a);
    if (asks(s) && !L->handout) {
        app_clear_run(a);
        L->phase = APP_LESSON_ASK;
        p->asking = 1;
        snprintf(p->status, sizeof p->status, "your guess? click a choice or press 1-%d",
                 s->pred.nchoices);
        return;
    }
    start(a);
}

void app_lesson_answer(app *a, int choice)
{
    app_lesson *L = a->lesson;
    const lesson_step *s = cur(L);
    if (L->phase != APP_LESSON_ASK || choice < 0 || choice >= s->pred.nchoices)
        return;
    L->guess = choice;
    L->scored = 0;
    L->panel.guess = choice;
    start(a);
}

void app_lesson_restart(app *a)
{
    app_lesson *L = a->lesson;
    lesson_progress_reset(&L->prog, L->name);
    if (L->progress_path[0]) {
        /* Starting over forgets the answers' marks too. */
        char msg[512];
        lesson_progress_forget(L->progress_path, L->name, NULL, msg, sizeof msg);
    }
    app_lesson_goto(a, 0);
    ui_view_toast(&a->view, "the lesson starts again from its first step", 2.5);
}

/* ---- time passes -------------------------------------------------------- */

static void finish(app *a)
{
    app_lesson *L = a->lesson;
    const lesson_step *s = cur(L);
    ui_lesson_panel *p = &L->panel;
    L->phase = APP_LESSON_DONE;
    L->want_range = 1;
    p->asking = 0;
    p->show_after = 1;
    snprintf(p->status, sizeof p->status, "%.159s",
             a->view.status[0] ? a->view.status
             : a->shown_busy.busy ? "done, on a busy machine: timings may be off (R runs again)"
                                  : "done: Space replays, N goes on");
    if (s->pred.question) {
        judge(a);
        score(a);
        p->reveal = &L->reveal;
        p->revealed = L->judged && L->verdict.ran;
        p->right = s->pred.answers;
        p->measured = L->judged ? L->verdict.measured : 0;
        p->scroll_to_reveal = 1;
    }
    p->version++;
    app_lesson_save_progress(a);
}

void app_lesson_tick(app *a)
{
    app_lesson *L = a->lesson;
    if (!L)
        return;
    if (!L->les.nsteps)
        return; /* the picker alone, outside a lesson */
    if (app_run_busy(a)) {
        if (L->phase != APP_LESSON_RUNNING) {
            /* A run the learner started (R): follow it, judge it at the end. */
            L->phase = APP_LESSON_RUNNING;
            L->panel.asking = 0;
            L->panel.reveal = NULL;
            L->panel.revealed = 0;
            L->panel.show_after = 0;
            snprintf(L->panel.status, sizeof L->panel.status, "running\xe2\x80\xa6");
            L->panel.version++;
        }
        return;
    }
    if (L->phase == APP_LESSON_RUNNING)
        finish(a);
}

/* ---- layout -------------------------------------------------------------- */

void app_lesson_layout(app *a, int w, int h)
{
    app_lesson *L = a->lesson;
    /* The text sizes of the whole window, so that the panel and the
     * timelines beside it read alike. */
    ui_layout full;
    ui_layout_desc fd = {.w = w, .h = h, .font_scale = a->view.font_scale,
                         .text_scale = ui_view_text_scale(&a->view)};
    ui_layout_compute(&full, &fd);
    int pw = ui_lesson_panel_width(w, full.font_px);
    int tw = w - pw;
    /* layout.c sizes text from the width too; keep the window's size. */
    float keep = a->view.font_scale;
    double base_full = fmin(h / 56.0, w / 96.0), base_tl = fmin(h / 56.0, tw / 96.0);
    if (base_full < 11)
        base_full = 11;
    if (base_tl < 11)
        base_tl = 11;
    a->view.font_scale = (float)(keep * base_full / base_tl);
    app_layout_bar(a, tw, h);
    a->view.font_scale = keep;
    const lesson_step *s = L->les.nsteps ? cur(L) : NULL;
    if (s && L->want_range && L->phase == APP_LESSON_DONE) {
        L->want_range = 0;
        if (s->set.view_to_ns > s->set.view_from_ns) {
            ui_tm_fit(&a->view.tm, s->set.view_from_ns, s->set.view_to_ns);
            a->view.fitted = 0;
        }
    }
    ui_lesson_panel_layout(&L->panel, (ui_rect){tw, 0, pw, h}, full.font_px, full.small_px,
                           full.title_px, full.row_h, full.pad);
    if (L->panel.picker)
        ui_lesson_panel_show_sel(&L->panel);
}

/* ---- input ---------------------------------------------------------------- */

static int field_focused(const app *a)
{
    return a->ws.focus >= 0 && a->ws.w[a->ws.focus].kind == UI_W_FIELD;
}

static void click(app *a, int item)
{
    app_lesson *L = a->lesson;
    switch (item) {
    case UI_LP_PREV:
        if (!L->panel.picker && L->step > 0)
            app_lesson_goto(a, L->step - 1);
        break;
    case UI_LP_NEXT:
        if (L->panel.picker || !L->les.nsteps)
            break;
        if (L->step + 1 < (int)L->les.nsteps)
            app_lesson_goto(a, L->step + 1);
        else
            app_lesson_open_next(a); /* or says that the course ends here */
        break;
    case UI_LP_LESSONS:
        if (L->panel.picker)
            app_lesson_picker_leave(a); /* L may be gone now */
        else
            app_lesson_picker_open(a);
        break;
    case UI_LP_RESTART:
        if (!L->les.nsteps)
            break; /* no lesson open yet */
        app_lesson_picker_close(a);
        app_lesson_restart(a);
        break;
    default:
        if (item >= UI_LP_ROW0)
            app_lesson_pick(a, item - UI_LP_ROW0);
        else if (item >= UI_LP_CHOICE0)
            app_lesson_answer(a, item - UI_LP_CHOICE0);
        break;
    }
}

static int picker_key(app *a, SDL_Keycode k)
{
    ui_lesson_panel *p = &a->lesson->panel;
    int page = p->rows_visible > 1 ? p->rows_visible - 1 : 1;
    switch (k) {
    case SDLK_UP: p->sel--; break;
    case SDLK_DOWN: p->sel++; break;
    case SDLK_PAGEUP: p->sel -= page; break;
    case SDLK_PAGEDOWN: p->sel += page; break;
    case SDLK_HOME: p->sel = 0; break;
    case SDLK_END: p->sel = p->nrows - 1; break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        app_lesson_pick(a, p->sel);
        return 1;
    case SDLK_ESCAPE:
    case SDLK_l:
        app_lesson_picker_leave(a); /* L may be gone now */
        return 1;
    case SDLK_n:
    case SDLK_p:
        return 1; /* no stepping through a lesson hidden behind the picker */
    default:
        return 0;
    }
    ui_lesson_panel_show_sel(p);
    return 1;
}

static int key(app *a, const SDL_KeyboardEvent *k)
{
    app_lesson *L = a->lesson;
    SDL_Keycode sym = k->keysym.sym;
    if (k->keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI))
        return 0;
    if (L->panel.picker)
        return picker_key(a, sym);
    if (sym >= SDLK_1 && sym <= SDLK_9) {
        if (L->phase != APP_LESSON_ASK)
            return 0;
        app_lesson_answer(a, (int)(sym - SDLK_1));
        return 1;
    }
    if (sym >= SDLK_KP_1 && sym <= SDLK_KP_9) {
        if (L->phase != APP_LESSON_ASK)
            return 0;
        app_lesson_answer(a, (int)(sym - SDLK_KP_1));
        return 1;
    }
    switch (sym) {
    case SDLK_n:
    case SDLK_PAGEDOWN:
        click(a, UI_LP_NEXT);
        return 1;
    case SDLK_p:
    case SDLK_PAGEUP:
        click(a, UI_LP_PREV);
        return 1;
    case SDLK_l:
        app_lesson_picker_open(a);
        return 1;
    default:
        return 0;
    }
}

int app_lesson_event(app *a, const SDL_Event *e)
{
    app_lesson *L = a->lesson;
    if (!L || a->view.show_help)
        return 0;
    double sc = a->px_scale > 0 ? a->px_scale : 1.0;
    ui_lesson_panel *p = &L->panel;
    switch (e->type) {
    case SDL_KEYDOWN:
        return field_focused(a) ? 0 : key(a, &e->key);
    case SDL_MOUSEMOTION:
        p->hot = ui_lesson_panel_hit(p, (int)(e->motion.x * sc), (int)(e->motion.y * sc));
        return 0; /* the window still follows the pointer */
    case SDL_MOUSEBUTTONDOWN: {
        if (e->button.button != SDL_BUTTON_LEFT || a->drag)
            return 0;
        int item = ui_lesson_panel_hit(p, (int)(e->button.x * sc), (int)(e->button.y * sc));
        if (item == UI_LP_NONE)
            return 0;
        a->ws.focus = -1;
        click(a, item);
        return 1;
    }
    case SDL_MOUSEWHEEL: {
        if (!ui_rect_has(p->rect, a->view.mouse_x, a->view.mouse_y))
            return 0;
        if (p->picker) {
            p->top -= e->wheel.y;
            if (p->top > p->nrows - p->rows_visible)
                p->top = p->nrows - p->rows_visible;
            if (p->top < 0)
                p->top = 0;
        } else {
            ui_lesson_panel_scroll(p, -e->wheel.y * 3 * (p->row_h > 0 ? p->row_h : 16));
        }
        return 1;
    }
    default:
        return 0;
    }
}

/* ---- attach / detach ------------------------------------------------------ */

int app_lesson_attach(app *a, const app_lesson_desc *d, char *err, size_t n)
{
    app_lesson *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, n, "out of memory");
        return -1;
    }
    lesson_errors errs;
    int rc = lesson_load(&L->les, d->path, &errs);
    if (rc != 0 || L->les.nsteps == 0) {
        if (rc == 0)
            lesson_free(&L->les);
        snprintf(err, n, "%s", rc == 0 ? "the lesson has no steps"
                               : errs.n > 0 ? errs.msg[0] : "out of memory");
        free(L);
        return -1;
    }
    snprintf(L->path, sizeof L->path, "%s", d->path);
    const char *slash = strrchr(d->path, '/');
    snprintf(L->name, sizeof L->name, "%s", slash ? slash + 1 : d->path);
    snprintf(L->shipped_dir, sizeof L->shipped_dir, "%s", d->shipped_dir ? d->shipped_dir : "");
    snprintf(L->user_dir, sizeof L->user_dir, "%s", d->user_dir ? d->user_dir : "");
    snprintf(L->progress_path, sizeof L->progress_path, "%s",
             d->progress_path && !d->handout ? d->progress_path : "");
    L->handout = d->handout;
    L->panel.les = &L->les;
    L->panel.hot = UI_LP_NONE;
    L->panel.flow.reveal_y = L->panel.qflow.reveal_y = -1;
    reveal_clear(L);
    a->lesson = L;
    int k = d->start_step;
    if (k < 0) {
        char msg[512];
        k = 0;
        if (L->progress_path[0] &&
            lesson_progress_load(&L->prog, L->progress_path, msg, sizeof msg) != 0)
            ui_view_toast(&a->view, msg, 4.0);
        const lesson_progress_entry *pe = lesson_progress_get(&L->prog, L->name);
        /* A finished lesson opens at its start again; one in progress
         * where the learner stopped. */
        if (pe && !(pe->done && pe->step >= (int)L->les.nsteps - 1))
            k = pe->step;
        if (k > 0) {
            char t[160];
            snprintf(t, sizeof t, "welcome back: step %d of %zu (Restart lesson starts over)",
                     k + 1, L->les.nsteps);
            ui_view_toast(&a->view, t, 4.0);
        }
    }
    app_lesson_goto(a, k);
    return 0;
}

void app_lesson_detach(app *a)
{
    app_lesson *L = a->lesson;
    if (!L)
        return;
    app_lesson_picker_close(a);
    ui_lesson_panel_deinit(&L->panel);
    lesson_progress_free(&L->prog);
    lesson_free(&L->les);
    free(L);
    a->lesson = NULL;
}
