/* source.c - naming the interpreter that measured a trace.
 *
 * A trace measured in CPython (sim_trace.source, trace.h) is shown beside
 * the engine's as "CPython 3.11.7": a measurement means something only
 * next to the interpreter and version that made it, so every place that
 * shows one names both, with this one function.
 */
#include <stdio.h>
#include <string.h>

#include "trace.h"

static const char *impl_name(const sim_python *p)
{
    return !p->impl[0] || strcmp(p->impl, "cpython") == 0 ? "CPython"
           : strcmp(p->impl, "pypy") == 0                 ? "PyPy"
                                                          : p->impl;
}

static size_t done(int k, char *buf, size_t n)
{
    if (k < 0) {
        if (n)
            buf[0] = '\0';
        return 0;
    }
    return (size_t)k < n ? (size_t)k : (n ? n - 1 : 0);
}

size_t sim_python_short(const sim_python *p, char *buf, size_t n)
{
    size_t len = strcspn(p->version, ".");
    if (p->version[len])
        len += 1 + strcspn(p->version + len + 1, ".");
    int k = len ? snprintf(buf, n, "%s %.*s%s", impl_name(p), (int)len, p->version,
                           p->free_threaded == 1 ? "t" : "")
                : snprintf(buf, n, "%s", impl_name(p));
    return done(k, buf, n);
}

size_t sim_python_label(const sim_python *p, char *buf, size_t n)
{
    const char *impl = impl_name(p);
    const char *extra = p->free_threaded == 1 && p->gil == 1 ? ", free-threaded, GIL on"
                        : p->free_threaded == 1              ? ", free-threaded"
                                                             : "";
    int k = snprintf(buf, n, "%s %s%s", impl, p->version[0] ? p->version : "(version unknown)",
                     extra);
    return done(k, buf, n);
}
