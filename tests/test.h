/* test.h - honest assertions for test programs.
 *
 * Like libuv's ASSERT macros, these fire in every build (NDEBUG or not)
 * and say where and what failed. A test program is a main() that calls
 * ASSERT*; it exits 0 when all pass. Exit code 77 tells meson "skipped".
 *
 * Skip one case, not the program: a case that cannot judge on this
 * machine (one CPU, a machine too busy to show parallelism) says why with
 * TEST_SKIP_CASE and returns; the other cases still run. TEST_DONE() at
 * the end of main says how many were skipped. TEST_SKIP skips the whole
 * program, for when nothing can run at all (no python3, no display).
 */
#ifndef CONCVIZ_TEST_H
#define CONCVIZ_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_SKIP_CODE 77

#define ASSERT(cond)                                                        \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__,      \
                    __LINE__, #cond);                                       \
            abort();                                                        \
        }                                                                   \
    } while (0)

#define ASSERT_MSG(cond, ...)                                               \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: assertion failed: %s: ", __FILE__,      \
                    __LINE__, #cond);                                       \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
            abort();                                                        \
        }                                                                   \
    } while (0)

#define ASSERT_INT_EQ(a, b)                                                 \
    do {                                                                    \
        long long a_ = (long long)(a), b_ = (long long)(b);                 \
        if (a_ != b_) {                                                     \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n",       \
                    __FILE__, __LINE__, #a, #b, a_, b_);                    \
            abort();                                                        \
        }                                                                   \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                                 \
    do {                                                                    \
        const char *a_ = (a), *b_ = (b);                                    \
        if (strcmp(a_, b_) != 0) {                                          \
            fprintf(stderr, "%s:%d: %s == %s failed:\n  got:  \"%s\"\n"     \
                    "  want: \"%s\"\n", __FILE__, __LINE__, #a, #b, a_, b_); \
            abort();                                                        \
        }                                                                   \
    } while (0)

#define ASSERT_CONTAINS(hay, needle)                                        \
    do {                                                                    \
        const char *h_ = (hay), *n_ = (needle);                             \
        if (!h_ || !strstr(h_, n_)) {                                       \
            fprintf(stderr, "%s:%d: \"%s\" not found in:\n%s\n", __FILE__,  \
                    __LINE__, n_, h_ ? h_ : "(null)");                      \
            abort();                                                        \
        }                                                                   \
    } while (0)

#define TEST_SKIP(...)                                                      \
    do {                                                                    \
        fprintf(stderr, "skipped: ");                                       \
        fprintf(stderr, __VA_ARGS__);                                       \
        fputc('\n', stderr);                                                \
        exit(TEST_SKIP_CODE);                                               \
    } while (0)

/* Cases skipped so far in this program (a test program is one thread of
 * control; this counter is the test harness's, not the product's). */
static int test_skipped_cases_ __attribute__((unused));

#define TEST_SKIP_CASE(...)                                                 \
    do {                                                                    \
        fprintf(stderr, "skipped (this case only): ");                      \
        fprintf(stderr, __VA_ARGS__);                                       \
        fputc('\n', stderr);                                                \
        test_skipped_cases_++;                                              \
        return;                                                             \
    } while (0)

#define TEST_DONE()                                                         \
    do {                                                                    \
        if (test_skipped_cases_)                                            \
            fprintf(stderr, "%d case%s skipped (see above); the others "    \
                    "passed\n", test_skipped_cases_,                        \
                    test_skipped_cases_ == 1 ? "" : "s");                   \
        return 0;                                                           \
    } while (0)

#endif
