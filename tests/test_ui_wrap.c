/* test_ui_wrap.c - a line broken to fit a width: at spaces, after a comma
 * where that leaves the line half full, a long word whole, never more
 * lines than asked; with a fixed-pitch width (10 px a byte). */
#include <string.h>

#include "test.h"
#include "wrap.h"

static int pitch(void *ctx, const char *s)
{
    (void)ctx;
    return 10 * (int)strlen(s);
}

/* The lines of `text` at max_w, joined by '|'. */
static void wrap(const char *text, int max_w, int max, char *out, size_t n)
{
    char s[256], *lines[16];
    int k = 0;
    strcpy(s, text);
    ui_wrap_line(s, max_w, pitch, NULL, lines, &k, max);
    out[0] = 0;
    for (int i = 0; i < k; i++) {
        if (i)
            strncat(out, "|", n - strlen(out) - 1);
        strncat(out, lines[i], n - strlen(out) - 1);
    }
}

int main(void)
{
    char out[256];
    wrap("fits as it is", 200, 16, out, sizeof out);
    ASSERT_STR_EQ(out, "fits as it is");
    /* greedy, at spaces */
    wrap("the main thread runs Python code", 110, 16, out, sizeof out);
    ASSERT_STR_EQ(out, "the main|thread runs|Python code");
    /* after a comma, so a figure stays with its name */
    wrap("Thread() 6.75 us, first thread 191 us, join 360 ns", 300, 16, out, sizeof out);
    ASSERT_STR_EQ(out, "Thread() 6.75 us,|first thread 191 us,|join 360 ns");
    /* ... unless the comma comes too early in the line */
    wrap("a, bbbbbbbbbb cccc dddd", 150, 16, out, sizeof out);
    ASSERT_STR_EQ(out, "a, bbbbbbbbbb|cccc dddd");
    /* a word wider than the line stays whole */
    wrap("/a/very/long/path/name next", 100, 16, out, sizeof out);
    ASSERT_STR_EQ(out, "/a/very/long/path/name next");
    wrap("x /a/very/long/path/name", 100, 16, out, sizeof out);
    ASSERT_STR_EQ(out, "x|/a/very/long/path/name");
    /* never more lines than asked: the last keeps the rest */
    wrap("one two three four five", 40, 2, out, sizeof out);
    ASSERT_STR_EQ(out, "one|two three four five");
    TEST_DONE();
}
