/* embedded.h - the tracer's Python files, carried inside concviz (the
 * costs' embed.py writes them into the build as byte arrays, from
 * tracer/). Each ends with a NUL not counted in its _len. */
#ifndef UT_EMBEDDED_H
#define UT_EMBEDDED_H

#include <stddef.h>

extern const char ut_tracer_py[];      /* concviz_trace.py: the tracer */
extern const size_t ut_tracer_py_len;
extern const char ut_run_py[];         /* concviz_trace_run.py: the main process's start */
extern const size_t ut_run_py_len;
extern const char ut_site_py[];        /* sitecustomize.py: the other processes' start */
extern const size_t ut_site_py_len;

#endif
