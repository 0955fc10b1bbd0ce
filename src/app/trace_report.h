/* trace_report.h - what `concviz trace` says after the program: how it
 * ended, what ran (processes, threads, tasks), what tracing it cost, and
 * where the trace went. */
#ifndef APP_TRACE_REPORT_H
#define APP_TRACE_REPORT_H

#include <stdio.h>

#include "comparison.h"
#include "utrace.h"

/* Writes the report to f (stderr: the program's own output has stdout).
 * `saved` is the trace's file, or NULL when it was not saved. */
void app_trace_report(FILE *f, const sim_comparison *c, const sim_utrace_result *res,
                      const char *saved);

#endif
