/* test_escape.c - text from files, escaped before it reaches a terminal. */
#include "escape.h"
#include "test.h"

typedef struct esc_case {
    const char *in;
    int flags;
    const char *want;
} esc_case;

static const esc_case cases[] = {
    {"plain text, 100%", 0, "plain text, 100%"},
    {"", 0, ""},
    /* The example: a window title and a clear-screen. */
    {"\x1b]0;PWNED\x07\x1b[2Jasyncio", 0, "\\x1b]0;PWNED\\x07\\x1b[2Jasyncio"},
    {"a\nb\tc\rd", 0, "a\\nb\\tc\\rd"},
    {"a\nb\tc\rd", SIM_ESCAPE_KEEP_LINES, "a\nb\tc\\rd"},
    {"del\x7f", 0, "del\\x7f"},
    /* Valid UTF-8 passes: accents, arrows, CJK, an emoji. */
    {"caf\xc3\xa9 \xe2\x86\x92 \xe4\xb8\xad \xf0\x9f\x98\x80", 0,
     "caf\xc3\xa9 \xe2\x86\x92 \xe4\xb8\xad \xf0\x9f\x98\x80"},
    /* C1 controls as characters (U+009B is CSI), and as lone bytes. */
    {"\xc2\x9b" "2J", 0, "\\u009b2J"},
    {"\x9b" "2J", 0, "\\x9b2J"},
    /* Broken UTF-8: truncated, overlong, a surrogate, past U+10FFFF. */
    {"\xe2\x86", 0, "\\xe2\\x86"},
    {"\xc0\xaf", 0, "\\xc0\\xaf"},
    {"\xed\xa0\x80", 0, "\\xed\\xa0\\x80"},
    {"\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80"},
    /* Bidirectional overrides: text that reads backwards. */
    {"x\xe2\x80\xaey", 0, "x\\u202ey"},
    {"back\\slash", 0, "back\\slash"},
};

static void test_cases(void)
{
    char buf[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ASSERT_STR_EQ(sim_escape(cases[i].in, cases[i].flags, buf, sizeof buf), cases[i].want);
    ASSERT_STR_EQ(sim_escape(NULL, 0, buf, sizeof buf), "");
}

/* Cut to fit, at a whole piece, with "..." saying so; never past n. */
static void test_cut(void)
{
    char buf[8];
    ASSERT_STR_EQ(sim_escape("1234567", 0, buf, sizeof buf), "1234567");
    ASSERT_STR_EQ(sim_escape("12345678", 0, buf, sizeof buf), "1234...");
    ASSERT_STR_EQ(sim_escape("12\x1b" "45678", 0, buf, sizeof buf), "12...");
    ASSERT_STR_EQ(sim_escape("\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad", 0, buf, sizeof buf),
                  "\xe4\xb8\xad...");
    char one[1] = {'x'};
    ASSERT_STR_EQ(sim_escape("abc", 0, one, sizeof one), "");
    ASSERT(sim_escape("abc", 0, buf, 0) == buf); /* no room: nothing written */
}

int main(void)
{
    test_cases();
    test_cut();
    return 0;
}
