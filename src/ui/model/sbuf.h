/* sbuf.h - a bounded appender: sentences built piece by piece (the
 * tooltip, the "why") never overflow their buffer, and stay
 * NUL-terminated; what does not fit is cut. */
#ifndef UI_SBUF_H
#define UI_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct ui_sbuf {
    char *p;
    size_t n, len;
} ui_sbuf;

static inline void ui_put(ui_sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void ui_put(ui_sbuf *b, const char *fmt, ...)
{
    if (b->n == 0 || b->len >= b->n - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(b->p + b->len, b->n - b->len, fmt, ap);
    va_end(ap);
    if (r > 0)
        b->len += (size_t)r < b->n - b->len ? (size_t)r : b->n - b->len - 1;
}

#endif
