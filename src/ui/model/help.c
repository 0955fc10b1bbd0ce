/* help.c - the welcome and help overlay: its words and its layout.
 *
 * The layout tries the window's text size first and steps down until the
 * page fits inside the window with a margin, so that a 800x600 window with
 * the projector theme still shows every line (a little smaller) rather
 * than cut the card. Widths are estimated as the controls bar estimates
 * them (ui_text_estimate), which errs wide: real text is a little narrower
 * than its estimate, so what is placed by estimate fits when drawn.
 */
#include "help.h"

#include <math.h>
#include <string.h>

#include "widgets.h"

const char ui_help_intro[] =
    "concviz runs one workload of tasks, for real, under Python's ways of doing "
    "work at once: asyncio (one thread and an event loop), threading (threads "
    "that share one GIL) and multiprocessing (a pool of processes). Each panel "
    "is one model: a row per task, coloured by what the task is doing at each "
    "moment (running, waiting for its turn, waiting for I/O), with the time it "
    "took and a line saying why. Hover over any bar to read what it waits for, "
    "slow the replay down to watch the switches, and change the workload to see "
    "what changes. Is it real? Press Y: the same Python programs run in CPython "
    "itself, and what it did is drawn under each panel.";

const char *const ui_help_tab_names[UI_HELP__PAGES] = {
    "Welcome", "Workload language", "Keys"};

const ui_help_row ui_help_language[] = {
    {NULL, "Steps"},
    {"cpu:200ms", "200 ms of computation (real work on one core)"},
    {"io:200ms", "a 200 ms wait that needs no CPU (a sleep, a socket)"},
    {"yield", "await something already done (asyncio.sleep(0))"},
    {NULL, "Tasks"},
    {"(s1,s2,s3)", "one task made of steps, in order"},
    {"8*io:200ms", "at the top: eight tasks at once"},
    {"(8*io:200ms)", "inside ( ): one task doing it eight times"},
    {"A + B", "groups side by side; tasks count from 0"},
    {NULL, "Shared state"},
    {"inc:n", "n += 1 on a shared variable n"},
    {"load:n ... store:n", "read n, then write it back plus one (a race)"},
    {"inc:shared.n", "a multiprocessing.Value, shared by processes"},
    {"lock:L(steps)", "with lock L: the steps, one task at a time"},
    {"sem:S/2(steps)", "with semaphore S of 2 permits"},
    {"put:q:1KB  get:q", "a queue: put an item of 1 KB, get one"},
    {NULL, "Executors (asyncio)"},
    {"thread(steps)", "await asyncio.to_thread(...): a pool thread"},
    {"process(steps)", "await run_in_executor(pool, ...): a process"},
    {NULL, "Units"},
    {"us  ms  s", "durations, decimals allowed (0.5s)"},
    {"B KB MB KiB MiB", "sizes of queue items"},
};
const int ui_help_nlanguage = (int)(sizeof ui_help_language / sizeof ui_help_language[0]);

const ui_help_row ui_help_keys[] = {
    {NULL, "Playback"},
    {"Space", "play / pause"},
    {"-  +", "slower / faster (0.01x to 4x)"},
    {"Left  Right", "step back / forward while paused"},
    {".  ,", "next / previous event (any lane changes state)"},
    {"]  [", "next / previous switch (loop, GIL hand-off, dispatch)"},
    {"Home  End", "restart / jump to the end"},
    {NULL, "The picture"},
    {"F", "fit the whole run"},
    {"wheel", "zoom around the pointer; Shift+wheel pans"},
    {"drag", "pan; Shift+drag selects a range"},
    {"PgUp PgDn  Up Down", "scroll the task lanes"},
    {"C  T", "code view; theme (light, dark, projector)"},
    {"click a lane", "its task's line in the code view"},
    {"over the code", "wheel, Up Down, PgUp PgDn scroll it"},
    {"Y", "CPython: each model's program in python3, under its panel"},
    {"Ctrl+=  Ctrl+-", "larger / smaller text"},
    {"F5", "presenter mode: controls hidden, big text"},
    {"B", "bookmark this moment (again: remove it)"},
    {"G  Shift+G", "next / previous bookmark"},
    {"F11", "fullscreen"},
    {NULL, "Runs and files"},
    {"R  Esc", "run the workload / stop the run"},
    {"F12  Ctrl+S", "screenshot into Pictures/concviz"},
    {"Ctrl+Shift+S", "save the run (concviz open)"},
    {"Tab  Enter", "move between controls / use one"},
    {NULL, "The workload field"},
    {"Enter", "run it"},
    {"Up  Down", "earlier workloads"},
    {"Ctrl+A  Ctrl+Z  Ctrl+Y", "select all, undo, redo"},
    {"Ctrl+C  Ctrl+X  Ctrl+V", "copy, cut, paste"},
    {NULL, "Lessons"},
    {"L", "the course: choose a lesson"},
    {"N  P", "next / previous step (also PgDn / PgUp)"},
    {"1-9", "answer a question"},
    {"F1  ?", "this help"},
};
const int ui_help_nkeys = (int)(sizeof ui_help_keys / sizeof ui_help_keys[0]);

static int maxi(int a, int b) { return a > b ? a : b; }

static void sizes(ui_help *hp, int px)
{
    hp->px = px;
    hp->small_px = maxi(8, (int)lround(px * 0.9));
    hp->title_px = (int)lround(px * 1.3);
    hp->row_h = (int)lround(px * 1.6);
    hp->line_h = (int)lround(px * 1.4);
    hp->pad = maxi(2, px / 2);
}

static int button_w(const char *label, int px, int pad)
{
    return ui_label_estimate(label, px) + 2 * pad;
}

/* The card's frame: title, close, tabs; returns the y where a page starts. */
static int frame(ui_help *hp, int x, int y, int bw)
{
    int pad = hp->pad;
    hp->title = (ui_rect){x + pad * 2, y + pad, bw - 4 * pad, (int)lround(hp->title_px * 1.4)};
    int cw = button_w("Close (Esc)", hp->small_px, pad);
    hp->close = (ui_rect){x + bw - pad * 2 - cw, y + pad, cw, hp->row_h};
    int ty = hp->title.y + hp->title.h + pad / 2;
    int tx = x + pad * 2;
    for (int i = 0; i < UI_HELP__PAGES; i++) {
        int tw = button_w(ui_help_tab_names[i], hp->small_px, pad);
        hp->tabs[i] = (ui_rect){tx, ty, tw, hp->row_h};
        tx += tw + pad / 2;
    }
    return ty + hp->row_h + pad;
}

/* The Welcome page in a card bw wide at (x, y); returns its height. With
 * place 0 only measures. */
static int welcome(ui_help *hp, int x, int y, int bw, int place)
{
    int pad = hp->pad, inner = bw - 4 * pad, ix = x + 2 * pad;
    int top = place ? frame(hp, x, y, bw) : y + (int)lround(hp->title_px * 1.4) + hp->row_h +
                                                 pad * 2 + pad / 2;
    /* The intro, wrapped by the drawing: lines by estimate, plus one. */
    int text_w = ui_text_estimate(ui_help_intro, hp->px);
    int lines = text_w / (inner > 0 ? inner : 1) + 2;
    int body_h = lines * hp->line_h;
    int cy = top + body_h + pad;
    cy += hp->line_h; /* "Three ways in" */
    int cw = button_w("Start the course (L)", hp->small_px, pad);
    int row1 = cy;
    cy += hp->row_h + pad;
    int lw = ui_label_estimate("Try a preset:", hp->small_px) + pad;
    int px = ix + lw, prow = cy;
    for (int i = 0; i < hp->npresets; i++) {
        int w = button_w(hp->presets[i], hp->small_px, pad);
        if (px + w > ix + inner && px > ix + lw) {
            px = ix + lw;
            cy += hp->row_h + pad / 2;
        }
        if (place)
            hp->preset[i] = (ui_rect){px, cy, w, hp->row_h};
        px += w + pad / 2;
    }
    cy += hp->row_h + pad;
    int tw = button_w("Type a workload (W)", hp->small_px, pad);
    int row3 = cy;
    cy += hp->row_h + pad;
    if (place) {
        hp->body = (ui_rect){ix, top, inner, body_h};
        hp->course = (ui_rect){ix, row1, cw, hp->row_h};
        hp->course_text = (ui_rect){ix + cw + pad, row1, inner - cw - pad, hp->row_h};
        hp->presets_label = (ui_rect){ix, prow, lw, hp->row_h};
        hp->type = (ui_rect){ix, row3, tw, hp->row_h};
        hp->type_text = (ui_rect){ix + tw + pad, row3, inner - tw - pad, hp->row_h};
    }
    return cy - y;
}

/* A two-column page (the language, the keys): returns its height for
 * `columns` columns; with place, sets the body. */
static int table(ui_help *hp, int x, int y, int bw, const ui_help_row *rows, int n,
                 int columns, int place)
{
    int pad = hp->pad;
    int top = place ? frame(hp, x, y, bw) : y + (int)lround(hp->title_px * 1.4) + hp->row_h +
                                                 pad * 2 + pad / 2;
    int per = (n + columns - 1) / columns;
    int h = per * hp->line_h;
    if (place)
        hp->body = (ui_rect){x + 2 * pad, top, bw - 4 * pad, h};
    return top - y + h + pad * 2;
}

/* The widest a table's rows need, in one column. */
static int table_w(const ui_help *hp, const ui_help_row *rows, int n)
{
    int kw = 0, tw = 0;
    for (int i = 0; i < n; i++) {
        if (!rows[i].key)
            continue;
        int k = ui_label_estimate(rows[i].key, hp->px);
        int t = ui_text_estimate(rows[i].text, hp->px);
        kw = k > kw ? k : kw;
        tw = t > tw ? t : tw;
    }
    return kw + tw + 4 * hp->pad;
}

void ui_help_layout(ui_help *hp, int w, int h, int font_px)
{
    int margin = maxi(4, font_px);
    for (int px = font_px; ; px = maxi(8, px * 9 / 10)) {
        sizes(hp, px);
        int pad = hp->pad;
        int bw = w - 2 * margin, need, cols = 1;
        if (hp->page == UI_HELP_WELCOME) {
            if (bw > px * 54)
                bw = px * 54;
            need = welcome(hp, 0, 0, bw, 0);
        } else {
            const ui_help_row *rows = hp->page == UI_HELP_KEYS ? ui_help_keys : ui_help_language;
            int n = hp->page == UI_HELP_KEYS ? ui_help_nkeys : ui_help_nlanguage;
            int one = table_w(hp, rows, n) + 4 * pad;
            need = table(hp, 0, 0, bw, rows, n, 1, 0);
            if (need > h - 2 * margin && 2 * one <= bw) {
                cols = 2;
                need = table(hp, 0, 0, bw, rows, n, 2, 0);
            }
            int want = cols * one;
            if (want < bw)
                bw = want;
            int tabs_w = 4 * pad;
            for (int i = 0; i < UI_HELP__PAGES; i++)
                tabs_w += button_w(ui_help_tab_names[i], hp->small_px, pad) + pad / 2;
            tabs_w += button_w("Close (Esc)", hp->small_px, pad) + pad;
            if (bw < tabs_w)
                bw = tabs_w < w - 2 * margin ? tabs_w : w - 2 * margin;
            /* Too narrow for a row: the text size goes down too. */
            if (one > bw * cols && px > 8) {
                continue;
            }
        }
        if (need > h - 2 * margin && px > 8)
            continue;
        hp->columns = cols;
        int x = (w - bw) / 2, y = (h - need) / 2;
        if (y < margin / 2)
            y = margin / 2;
        hp->box = (ui_rect){x, y, bw, need};
        if (hp->page == UI_HELP_WELCOME) {
            welcome(hp, x, y, bw, 1);
        } else {
            const ui_help_row *rows = hp->page == UI_HELP_KEYS ? ui_help_keys : ui_help_language;
            int n = hp->page == UI_HELP_KEYS ? ui_help_nkeys : ui_help_nlanguage;
            table(hp, x, y, bw, rows, n, cols, 1);
        }
        return;
    }
}

int ui_help_hit(const ui_help *hp, int x, int y)
{
    if (!ui_rect_has(hp->box, x, y))
        return UI_HELP_NONE;
    if (ui_rect_has(hp->close, x, y))
        return UI_HELP_CLOSE;
    for (int i = 0; i < UI_HELP__PAGES; i++)
        if (ui_rect_has(hp->tabs[i], x, y))
            return UI_HELP_TAB0 + i;
    if (hp->page == UI_HELP_WELCOME) {
        if (ui_rect_has(hp->course, x, y))
            return UI_HELP_COURSE;
        if (ui_rect_has(hp->type, x, y))
            return UI_HELP_TYPE;
        for (int i = 0; i < hp->npresets; i++)
            if (ui_rect_has(hp->preset[i], x, y))
                return UI_HELP_PRESET0 + i;
    }
    return UI_HELP_BOX;
}
