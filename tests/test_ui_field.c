/* test_ui_field.c - the workload field as data: typing over a selection,
 * Shift-moves, words, undo grouping, history, the pointer's column, and
 * UTF-8 kept whole. No SDL: the field is plain C (ui/model/field.c).
 */
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "test.h"

static void type(ui_field *f, const char *s)
{
    /* One character at a time, as SDL_TEXTINPUT delivers typing. */
    char one[8];
    for (const char *p = s; *p;) {
        int k = 1;
        while (((unsigned char)p[k] & 0xC0) == 0x80)
            k++;
        memcpy(one, p, (size_t)k);
        one[k] = 0;
        ASSERT_INT_EQ(ui_field_insert(f, one), 0);
        p += k;
    }
}

static void test_select_and_type(void)
{
    ui_field f;
    ui_field_init(&f);
    ui_field_set(&f, "8*io:200ms");
    ASSERT_INT_EQ(f.cursor, 10);
    /* Select-all, then typing replaces it (typed text is no longer
     * appended to what was there). */
    ui_field_select_all(&f);
    char sel[64];
    ASSERT_INT_EQ(ui_field_selected(&f, sel, sizeof sel), 10);
    ASSERT_STR_EQ(sel, "8*io:200ms");
    type(&f, "4*cpu:1s");
    ASSERT_STR_EQ(f.text, "4*cpu:1s");
    /* Shift+Home selects back to the start; Left collapses to its start. */
    ui_field_move(&f, UI_MOVE_HOME, 1);
    ASSERT_INT_EQ(ui_field_selection(&f, NULL, NULL), 8);
    ui_field_move(&f, UI_MOVE_LEFT, 0);
    ASSERT_INT_EQ(f.cursor, 0);
    ASSERT_INT_EQ(ui_field_selection(&f, NULL, NULL), 0);
    /* Shift+Right twice, then Backspace deletes the selection only. */
    ui_field_move(&f, UI_MOVE_RIGHT, 1);
    ui_field_move(&f, UI_MOVE_RIGHT, 1);
    ui_field_backspace(&f, 0);
    ASSERT_STR_EQ(f.text, "cpu:1s");
    /* Words stop at the workload's punctuation. */
    ui_field_set(&f, "4*(cpu:40ms,io:60ms)");
    ui_field_move(&f, UI_MOVE_WORD_LEFT, 0);
    ASSERT_INT_EQ(f.cursor, (int)strlen("4*(cpu:40ms,io:"));
    ui_field_move(&f, UI_MOVE_WORD_LEFT, 1);
    ASSERT_INT_EQ(f.cursor, (int)strlen("4*(cpu:40ms,"));
    ASSERT_INT_EQ(ui_field_selected(&f, sel, sizeof sel), 3);
    ASSERT_STR_EQ(sel, "io:");
    ui_field_backspace(&f, 1); /* deletes the selection, not a word more */
    ASSERT_STR_EQ(f.text, "4*(cpu:40ms,60ms)");
    ui_field_move(&f, UI_MOVE_END, 0);
    ui_field_backspace(&f, 1); /* Ctrl+Backspace: the word before */
    ASSERT_STR_EQ(f.text, "4*(cpu:40ms,");
    /* Control characters from a paste: tabs and newlines become spaces. */
    ui_field_select_all(&f);
    ASSERT_INT_EQ(ui_field_insert(&f, "a\tb\nc\x01"), 0);
    ASSERT_STR_EQ(f.text, "a b c");
}

static void test_undo(void)
{
    ui_field f;
    ui_field_init(&f);
    ui_field_set(&f, "io:1ms");
    type(&f, " + cpu");
    ui_field_backspace(&f, 0);
    ui_field_backspace(&f, 0);
    ASSERT_STR_EQ(f.text, "io:1ms + c");
    /* The deletions are one step, the typing another, the set a third. */
    ASSERT(ui_field_undo(&f));
    ASSERT_STR_EQ(f.text, "io:1ms + cpu");
    ASSERT(ui_field_undo(&f));
    ASSERT_STR_EQ(f.text, "io:1ms");
    ASSERT(ui_field_redo(&f));
    ASSERT_STR_EQ(f.text, "io:1ms + cpu");
    ASSERT(ui_field_undo(&f));
    ASSERT(ui_field_undo(&f));
    ASSERT_STR_EQ(f.text, "");
    ASSERT(!ui_field_undo(&f));
    /* A move ends a run of typing: two runs, two steps. */
    ui_field_set(&f, "");
    type(&f, "ab");
    ui_field_move(&f, UI_MOVE_LEFT, 0);
    type(&f, "X");
    ASSERT_STR_EQ(f.text, "aXb");
    ASSERT(ui_field_undo(&f));
    ASSERT_STR_EQ(f.text, "ab");
    /* A new edit forgets what could be redone. */
    type(&f, "c");
    ASSERT(!ui_field_redo(&f));
    /* More edits than undo steps: the oldest go, the newest stay. */
    for (int i = 0; i < UI_FIELD_UNDO + 10; i++) {
        char t[16];
        snprintf(t, sizeof t, "v%d", i);
        ui_field_set(&f, t);
    }
    int undone = 0;
    while (ui_field_undo(&f))
        undone++;
    ASSERT_INT_EQ(undone, UI_FIELD_UNDO);
}

static void test_history(void)
{
    ui_field f;
    ui_field_init(&f);
    ui_field_remember(&f, "8*io:200ms");
    ui_field_remember(&f, "4*cpu:100ms");
    ui_field_remember(&f, "4*cpu:100ms"); /* no duplicate of the newest */
    ui_field_set(&f, "half-typed");
    ASSERT(ui_field_history(&f, -1));
    ASSERT_STR_EQ(f.text, "4*cpu:100ms");
    ASSERT(ui_field_history(&f, -1));
    ASSERT_STR_EQ(f.text, "8*io:200ms");
    ASSERT(!ui_field_history(&f, -1)); /* the oldest */
    ASSERT(ui_field_history(&f, +1));
    ASSERT(ui_field_history(&f, +1));
    ASSERT_STR_EQ(f.text, "half-typed"); /* back to what was being typed */
    ASSERT(!ui_field_history(&f, +1));
    /* Undo walks back through what the history showed. */
    ui_field_history(&f, -1);
    ASSERT(ui_field_undo(&f));
    ASSERT_STR_EQ(f.text, "half-typed");
}

static void test_geometry_and_utf8(void)
{
    ASSERT_INT_EQ(ui_mono_advance(12), 7);
    ASSERT_INT_EQ(ui_mono_advance(20), 12);
    ui_field f;
    ui_field_init(&f);
    ui_field_set(&f, "io:5\xc2\xb5s + cpu:1ms");
    ui_field_geometry(&f, 100, 70, 7); /* ten columns */
    ASSERT_INT_EQ(f.cols, 10);
    /* The cursor at the end is in view: the text scrolled. */
    ASSERT(f.first_col > 0);
    int end_col = ui_field_col(&f, f.cursor);
    ASSERT(end_col >= f.first_col && end_col < f.first_col + f.cols);
    ui_field_move(&f, UI_MOVE_HOME, 0);
    ASSERT_INT_EQ(f.first_col, 0);
    /* A click maps to the nearest gap between characters; the two bytes
     * of "µ" are one column, never split. */
    ASSERT_INT_EQ(ui_field_offset_at(&f, 100 + 4 * 7 + 2), 4);
    ASSERT_INT_EQ(ui_field_offset_at(&f, 100 + 5 * 7), 6);
    ASSERT_INT_EQ(ui_field_x_of(&f, 6), 100 + 5 * 7);
    ASSERT_INT_EQ(ui_field_offset_at(&f, 0), 0);
    ui_field_place(&f, 5, 0); /* inside "µ": back to its start */
    ASSERT_INT_EQ(f.cursor, 4);
    ui_field_move(&f, UI_MOVE_RIGHT, 0);
    ASSERT_INT_EQ(f.cursor, 6);
    ui_field_backspace(&f, 0);
    ASSERT_STR_EQ(f.text, "io:5s + cpu:1ms");
    /* A text set that is cut to fit never ends inside a character. */
    char big[UI_FIELD_MAX + 8];
    memset(big, 'a', sizeof big);
    memcpy(big + UI_FIELD_MAX - 2, "\xc2\xb5\xc2\xb5", 4);
    big[sizeof big - 1] = 0;
    ui_field_set(&f, big);
    ASSERT_INT_EQ((int)strlen(f.text), UI_FIELD_MAX - 2);
    /* A full field refuses an insert whole. */
    ASSERT_INT_EQ(ui_field_insert(&f, "xyz"), -1);
    ASSERT_INT_EQ((int)strlen(f.text), UI_FIELD_MAX - 2);
}

int main(void)
{
    test_select_and_type();
    test_undo();
    test_history();
    test_geometry_and_utf8();
    puts("ui_field: ok");
    return 0;
}
