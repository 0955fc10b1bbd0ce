/* test_json.c - the strict JSON reader and the writing helpers.
 *
 * Table-driven: documents that must be accepted, documents that must be
 * refused with a given "line:col: expected ..." message, then the scalar
 * readers (exact integers, exact scaled fractions, escapes) and the writers
 * round-tripped through the reader.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "test.h"

static const char *const valid[] = {
    "{}", "[]", "0", "-0", "1.5e-3", "-12.0E+2", "true", "false", "null",
    "\"\"", " \t\r\n{ \"a\" : [1, 2, {\"b\": null}] } \n",
    "\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
    "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
    "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
    "{\"a\":{},\"a\":[]}",
};

typedef struct bad_case {
    const char *doc;
    const char *error;   /* the expected message, exactly */
} bad_case;

static const bad_case invalid[] = {
    {"", "1:1: expected a value"},
    {"   ", "1:4: expected a value"},
    {"{", "1:2: expected a member name in quotes"},
    {"[1,]", "1:4: expected a value"},
    {"{\"a\":1,}", "1:8: expected a member name in quotes"},
    {"{\"a\" 1}", "1:6: expected ':' after a member name"},
    {"[1 2]", "1:4: expected ',' or ']'"},
    {"{\"a\":1 \"b\":2}", "1:8: expected ',' or '}'"},
    {"01", "1:2: expected no leading zero in a number"},
    {"1.", "1:3: expected a digit"},
    {"-", "1:2: expected a digit"},
    {"1e+", "1:4: expected a digit"},
    {"+1", "1:1: expected a value"},
    {"NaN", "1:1: expected a value"},
    {"tru", "1:1: expected a value"},
    {"[1] x", "1:5: expected the end of the document"},
    {"\"abc", "1:5: expected a closing quote"},
    {"\"a\tb\"", "1:3: expected an escape (\\n, \\t, \\u00XX), not a raw control character"},
    {"\"\\x\"", "1:3: expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX"},
    {"\"\\u12G4\"", "1:6: expected 4 hex digits after \\u"},
    {"\"\\udc00\"", "1:2: expected a high surrogate before this low surrogate"},
    {"\"\\ud800\"", "1:8: expected \\u and a low surrogate after a high surrogate"},
    {"\"\\ud800\\u0041\"", "1:8: expected a low surrogate (\\uDC00-\\uDFFF)"},
    {"\"\xc0\xaf\"", "1:2: expected UTF-8 text in a string"},      /* overlong */
    {"\"\xed\xa0\x80\"", "1:2: expected UTF-8 text in a string"},  /* surrogate */
    {"\"\xf4\x90\x80\x80\"", "1:2: expected UTF-8 text in a string"}, /* > U+10FFFF */
    {"\"\xe2\x82\"", "1:2: expected UTF-8 text in a string"},      /* cut short */
    {"\xef\xbb\xbf{}", "1:1: expected JSON, not a byte-order mark"},
    {"{\n  \"a\": [1,\n  2,,3]}", "3:5: expected a value"},
    {"/* c */ {}", "1:1: expected a value"},
};

static void test_documents(void)
{
    char msg[256];
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        ASSERT_MSG(sim_json_validate(valid[i], strlen(valid[i]), msg, sizeof msg) == 0,
                   "valid[%zu] %s: %s", i, valid[i], msg);
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        const bad_case *b = &invalid[i];
        ASSERT_MSG(sim_json_validate(b->doc, strlen(b->doc), msg, sizeof msg) < 0,
                   "invalid[%zu] accepted: %s", i, b->doc);
        ASSERT_STR_EQ(msg, b->error);
    }
    /* A NUL byte inside the buffer is not JSON either. */
    ASSERT(sim_json_validate("[1,\0]", 5, msg, sizeof msg) < 0);
    ASSERT_STR_EQ(msg, "1:4: expected a value");
}

static void test_depth(void)
{
    char msg[256];
    enum { N = 100000 };
    char *doc = malloc(2 * N);
    ASSERT(doc);
    /* Exactly the limit is fine. */
    memset(doc, '[', SIM_JSON_MAX_DEPTH);
    memset(doc + SIM_JSON_MAX_DEPTH, ']', SIM_JSON_MAX_DEPTH);
    ASSERT(sim_json_validate(doc, 2 * SIM_JSON_MAX_DEPTH, msg, sizeof msg) == 0);
    /* One more level, or a hundred thousand, is refused without recursion. */
    memset(doc, '[', N);
    memset(doc + N, ']', N);
    ASSERT(sim_json_validate(doc, 2 * N, msg, sizeof msg) < 0);
    ASSERT_STR_EQ(msg, "1:65: expected at most 64 levels of nesting");
    /* Objects in arrays in objects: {"a":[{"a":[... */
    for (size_t i = 0; i + 6 <= N; i += 6)
        memcpy(doc + i, "{\"a\":[", 6);
    ASSERT(sim_json_validate(doc, N / 6 * 6, msg, sizeof msg) < 0);
    ASSERT_STR_EQ(msg, "1:193: expected at most 64 levels of nesting");
    free(doc);
}

static int64_t fixed(const char *s, int scale, int *ok)
{
    sim_json j;
    int64_t v = 0;
    sim_json_init(&j, s, strlen(s));
    *ok = sim_json_fixed(&j, scale, &v) == 0 && sim_json_finish(&j) == 0;
    return v;
}

static void test_numbers(void)
{
    static const struct { const char *s; int scale; int ok; int64_t v; } cases[] = {
        {"123.456", 3, 1, 123456},
        {"0.001", 3, 1, 1},
        {"-0.005", 3, 1, -5},
        {"7", 3, 1, 7000},
        {"1.5e3", 3, 1, 1500000},
        {"1234e-3", 3, 1, 1234},
        {"1.2340", 3, 1, 1234},
        {"0.000000", 3, 1, 0},
        {"0e999999999", 3, 1, 0},
        {"1.2345", 3, 0, 0},        /* below a nanosecond */
        {"1e-4", 3, 0, 0},
        {"9223372036854775.807", 3, 1, INT64_MAX},
        {"9223372036854775.808", 3, 0, 0},
        {"-9223372036854775.808", 3, 1, INT64_MIN},
        {"1e16", 3, 0, 0},
        {"1e999999999999", 3, 0, 0},
        {"9007199254740993", 0, 1, 9007199254740993ll}, /* not a double */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int ok;
        int64_t v = fixed(cases[i].s, cases[i].scale, &ok);
        ASSERT_MSG(ok == cases[i].ok, "%s", cases[i].s);
        if (ok)
            ASSERT_INT_EQ(v, cases[i].v);
    }

    static const struct { const char *s; int ok; int64_t v; } ints[] = {
        {"0", 1, 0}, {"-1", 1, -1},
        {"9223372036854775807", 1, INT64_MAX},
        {"-9223372036854775808", 1, INT64_MIN},
        {"9223372036854775808", 0, 0},
        {"-9223372036854775809", 0, 0},
        {"1.0", 0, 0}, {"1e2", 0, 0}, {"\"1\"", 0, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        sim_json j;
        int64_t v = 0;
        sim_json_init(&j, ints[i].s, strlen(ints[i].s));
        int ok = sim_json_int64(&j, &v) == 0;
        ASSERT_MSG(ok == ints[i].ok, "%s", ints[i].s);
        if (ok)
            ASSERT_INT_EQ(v, ints[i].v);
    }
    char msg[128];
    sim_json j;
    sim_json_init(&j, "\n  1.5", 6);
    int64_t v;
    ASSERT(sim_json_int64(&j, &v) < 0);
    sim_json_error(&j, msg, sizeof msg);
    ASSERT_STR_EQ(msg, "2:3: expected an integer");
}

static void test_strings(void)
{
    const char *doc = "[\"a\\u00e9\\ud83d\\ude00\\n\", \"0123456789\", \"x\\u0000y\"]";
    sim_json j;
    char buf[16];
    size_t len;
    sim_json_init(&j, doc, strlen(doc));
    ASSERT(sim_json_begin_array(&j) == 0);
    ASSERT(sim_json_next_item(&j) == 1);
    ASSERT(sim_json_string(&j, buf, sizeof buf, &len) == 0);
    ASSERT_STR_EQ(buf, "a\xc3\xa9\xf0\x9f\x98\x80\n");
    ASSERT_INT_EQ(len, 8);
    ASSERT(sim_json_next_item(&j) == 1);
    char small[5];
    ASSERT(sim_json_string(&j, small, sizeof small, &len) < 0);
    char msg[128];
    sim_json_error(&j, msg, sizeof msg);
    ASSERT_STR_EQ(msg, "1:27: expected a string of at most 4 bytes");

    /* string_dup: sizes and the \u0000 a C string cannot hold. */
    sim_json_init(&j, doc, strlen(doc));
    char *s = NULL;
    ASSERT(sim_json_begin_array(&j) == 0);
    ASSERT(sim_json_next_item(&j) == 1);
    ASSERT(sim_json_string_dup(&j, 100, &s) == 0);
    ASSERT_STR_EQ(s, "a\xc3\xa9\xf0\x9f\x98\x80\n");
    free(s);
    ASSERT(sim_json_next_item(&j) == 1);
    ASSERT(sim_json_string_dup(&j, 9, &s) < 0);
    sim_json_init(&j, doc, strlen(doc));
    ASSERT(sim_json_begin_array(&j) == 0);
    ASSERT(sim_json_next_item(&j) == 1 && sim_json_skip(&j) == 0);
    ASSERT(sim_json_next_item(&j) == 1 && sim_json_skip(&j) == 0);
    ASSERT(sim_json_next_item(&j) == 1);
    ASSERT(sim_json_string_dup(&j, 100, &s) < 0);
    sim_json_error(&j, msg, sizeof msg);
    ASSERT_CONTAINS(msg, "without \\u0000");
}

static void test_walk(void)
{
    const char *doc = "{\"ts\": 12.5, \"skip\": {\"deep\": [1, {\"x\": []}]},"
                      " \"a_very_long_member_name_indeed\": true, \"ok\": false}";
    sim_json j;
    sim_json_init(&j, doc, strlen(doc));
    ASSERT(sim_json_begin_object(&j) == 0);
    char key[8];
    int64_t ts = -1;
    int ok = -1, lng = -1, more, nkeys = 0;
    while ((more = sim_json_next_key(&j, key, sizeof key)) > 0) {
        nkeys++;
        if (!strcmp(key, "ts"))
            ASSERT(sim_json_fixed(&j, 3, &ts) == 0);
        else if (!strcmp(key, "ok"))
            ASSERT(sim_json_bool(&j, &ok) == 0);
        else if (!strcmp(key, "a_very_"))   /* truncated names match no key */
            ASSERT(sim_json_bool(&j, &lng) == 0);
        else
            ASSERT(sim_json_skip(&j) == 0);
    }
    ASSERT_INT_EQ(more, 0);
    ASSERT(sim_json_finish(&j) == 0);
    ASSERT_INT_EQ(nkeys, 4);
    ASSERT_INT_EQ(ts, 12500);
    ASSERT_INT_EQ(ok, 0);
    ASSERT_INT_EQ(lng, 1); /* truncated to the buffer: the caller sees a prefix */
}

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ASSERT(f);
    fn(f, arg);
    ASSERT(fclose(f) == 0);
    return out;
}

static void put_string(FILE *f, const void *s) { sim_json_write_string(f, s); }

static void test_writers(void)
{
    /* Every byte 1..255 survives a round trip, or becomes U+FFFD when it is
     * not valid UTF-8; the output is always valid JSON. */
    char in[256];
    for (int i = 0; i < 255; i++)
        in[i] = (char)(i + 1);
    in[255] = '\0';
    char *out = capture(put_string, in);
    char msg[128];
    ASSERT_MSG(sim_json_validate(out, strlen(out), msg, sizeof msg) == 0, "%s", msg);
    sim_json j;
    char back[1024];
    sim_json_init(&j, out, strlen(out));
    ASSERT(sim_json_string(&j, back, sizeof back, NULL) == 0);
    ASSERT(memcmp(back, in, 127) == 0);           /* ASCII, controls escaped */
    ASSERT_CONTAINS(back + 127, "\xef\xbf\xbd");  /* the rest is replaced */
    free(out);

    const char *text = "quote \" backslash \\ tab \t caf\xc3\xa9 \xf0\x9f\x98\x80";
    out = capture(put_string, text);
    sim_json_init(&j, out, strlen(out));
    ASSERT(sim_json_string(&j, back, sizeof back, NULL) == 0);
    ASSERT_STR_EQ(back, text);
    free(out);

    static const struct { int64_t v; int scale; const char *s; } fx[] = {
        {123456, 3, "123.456"}, {-5, 3, "-0.005"}, {0, 3, "0.000"},
        {7, 0, "7"}, {INT64_MIN, 3, "-9223372036854775.808"},
        {INT64_MAX, 6, "9223372036854.775807"},
    };
    for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
        char *p = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&p, &len);
        sim_json_write_fixed(f, fx[i].v, fx[i].scale);
        fclose(f);
        ASSERT_STR_EQ(p, fx[i].s);
        int ok;
        ASSERT_INT_EQ(fixed(p, fx[i].scale, &ok), fx[i].v);
        ASSERT(ok);
        free(p);
    }
}

/* The hand-made formatter against its definition (printf), over values
 * of every size and sign and every scale. */
static void test_format_fixed(void)
{
    uint64_t x = 88172645463325252ull;
    for (int k = 0; k < 200000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t v = (int64_t)(x >> (x % 64));
        if (x & 1)
            v = -v;
        if (k < 19 * 3)
            v = k < 19 ? 0 : k < 38 ? INT64_MIN : INT64_MAX;
        int scale = (int)((x >> 8) % 19);
        uint64_t p = 1, mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        for (int i = 0; i < scale; i++)
            p *= 10;
        char want[64], got[SIM_JSON_FIXED_MAX + 1];
        if (scale == 0)
            snprintf(want, sizeof want, "%s%llu", v < 0 ? "-" : "", (unsigned long long)mag);
        else
            snprintf(want, sizeof want, "%s%llu.%0*llu", v < 0 ? "-" : "",
                     (unsigned long long)(mag / p), scale, (unsigned long long)(mag % p));
        got[sim_json_format_fixed(got, v, scale)] = '\0';
        ASSERT_STR_EQ(got, want);
    }
}

int main(void)
{
    test_documents();
    test_format_fixed();
    test_depth();
    test_numbers();
    test_strings();
    test_walk();
    test_writers();
    puts("json: ok");
    return 0;
}
