/* textbuf.h - a bounded appender for the sentences the view builds (a
 * hover, a header): it never overflows and always ends with a NUL; what
 * does not fit is cut. */
#ifndef UI_TEXTBUF_H
#define UI_TEXTBUF_H

#include <stddef.h>

typedef struct ui_textbuf {
    char *p;
    size_t n, len;
} ui_textbuf;

/* An empty buffer over p[0..n). */
static inline ui_textbuf ui_textbuf_of(char *p, size_t n)
{
    if (n)
        p[0] = 0;
    return (ui_textbuf){p, n, 0};
}

/* Appends printf-style. */
void ui_textbuf_put(ui_textbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
