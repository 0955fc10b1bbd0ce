/* lesson_text.c - words and numbers in a lesson's settings.
 *
 * Two small helpers of the settings parser (lesson_keys.c), kept apart
 * because they know nothing of keys or steps: a duration as a teacher
 * writes it ("200ms", "0.5 s"), strict enough that a typo is an error and
 * not a surprise, and the edit distance behind "did you mean 'workload'?".
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_priv.h"

/* Levenshtein distance, case-insensitive, on one row; long words are
 * never close (99), which keeps the row on the stack. */
size_t lesson_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (up + 1 < best)
                best = up + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

int lesson_parse_duration(const char *s, double *ns)
{
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s) && *s != '.')
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0)
        return -1;
    for (const char *q = s; q < end; q++)
        if (!isdigit((unsigned char)*q) && *q != '.')
            return -1;  /* no exponents, signs or hex */
    while (*end == ' ')
        end++;
    double mul;
    if (strcmp(end, "us") == 0)
        mul = 1e3;
    else if (strcmp(end, "ms") == 0)
        mul = 1e6;
    else if (strcmp(end, "s") == 0)
        mul = 1e9;
    else
        return -1;
    *ns = v * mul;
    return *ns > 3600e9 ? -1 : 0;
}
