/* textbuf.c - the bounded appender (textbuf.h). */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>

void ui_textbuf_put(ui_textbuf *b, const char *fmt, ...)
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
