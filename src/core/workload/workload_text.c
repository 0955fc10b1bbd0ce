/* workload_text.c - a workload error, written for people.
 *
 * Kept apart from the parser: this only turns an error into text. An error is shown as a compiler would show it, a `file:line:col`
 * line and then the spec with a caret under the column; a long spec is cut
 * to a window around the column so the caret stays on screen.
 *
 * Limit: columns count bytes. Bytes that are not printable ASCII are shown
 * as '?' (and any whitespace as a space) so that the caret stays aligned.
 */
#include "workload.h"

#include <stdio.h>
#include <string.h>

/* strlen that stops looking after `max` bytes (strnlen is POSIX, not C11). */
static size_t strlen_max(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Appends to a fixed buffer, cutting what does not fit, always NUL-terminated. */
typedef struct out {
    char *buf;
    size_t n, len;
} out;

static void put(out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && o->len + 1 < o->n; i++)
        o->buf[o->len++] = s[i];
    if (o->n)
        o->buf[o->len] = '\0';
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

/* Long specs are shown as a window this wide around the column. */
#define WINDOW 64

size_t sim_parse_error_format(const sim_parse_error *err, const char *spec,
                              char *buf, size_t n)
{
    out o = {buf, n, 0};
    char head[48];
    if (n == 0)
        return 0;
    buf[0] = '\0';
    if (!err->column || !spec) {
        puts_(&o, "workload: ");
    } else {
        snprintf(head, sizeof head, "workload:%d:%d: ", err->line ? err->line : 1,
                 err->column);
        puts_(&o, head);
    }
    put(&o, err->message, strlen_max(err->message, sizeof err->message));
    puts_(&o, "\n");
    if (!err->column || !spec)
        return o.len;
    size_t len = strlen_max(spec, (size_t)SIM_MAX_SPEC_LEN + 1);
    size_t col = (size_t)err->column - 1;
    if (col > len)
        col = len;
    size_t start = 0, end = len;
    if (len > WINDOW) {
        start = col > WINDOW / 2 ? col - WINDOW / 2 : 0;
        if (start + WINDOW > len)
            start = len - WINDOW;
        end = start + WINDOW;
    }
    puts_(&o, start > 0 ? "  ..." : "  ");
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)spec[i];
        char shown = (char)c;
        if (c == ' ' || (c >= '\t' && c <= '\r'))
            shown = ' ';
        else if (c < 0x20 || c >= 0x7f)
            shown = '?';
        put(&o, &shown, 1);
    }
    puts_(&o, end < len ? "...\n" : "\n");
    puts_(&o, start > 0 ? "     " : "  ");
    for (size_t i = start; i < col; i++)
        put(&o, " ", 1);
    puts_(&o, "^\n");
    return o.len;
}
