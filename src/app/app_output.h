/* app_output.h - the standard streams: made safe at start-up, and checked
 * at the end, so that output nobody could read is reported, not lost.
 *
 * A program started with stdout closed (`concviz run --json >&-`) would
 * otherwise hand descriptor 1 to the first file it opens: the worker
 * helper's socket, say, which would then receive the JSON. So main() first
 * puts /dev/null on any of 0, 1 and 2 that is closed, before anything else
 * opens a file. Descriptors 1 and 2 get it read-only: a write to them still
 * fails (EBADF), as it would on a closed descriptor, and that failure is
 * what app_output_finish reports.
 */
#ifndef APP_OUTPUT_H
#define APP_OUTPUT_H

#include <stdio.h>

#include "app_signals.h"

/* Opens /dev/null on each of the descriptors 0, 1 and 2 that is closed.
 * Returns 0, or -1 if /dev/null cannot be opened (then concviz must not go
 * on: its next file could become its stdout). */
int app_stdio_guard(void);

/* Flushes f (stdout) and checks that everything printed to it since the
 * start was written. Returns APP_EXIT_OK; or, having said on stderr what
 * was lost and why, APP_EXIT_SIGPIPE when the reader of a pipe went away
 * (`| head`), APP_EXIT_RUNTIME for anything else (stdout closed, a full
 * disk, /dev/full). `what` names the output ("the JSON"); `sig` (or NULL)
 * is the command's signals, in which a SIGPIPE is then recorded. */
int app_output_finish(FILE *f, const char *what, app_signals *sig);

/* Prints "concviz: MSG" and a newline on stderr, MSG escaped (escape.h):
 * for every message that may carry text from a file (a saved run's or a
 * lesson's words, a file name read from a folder). Lines and tabs stay. */
void app_print_error(const char *msg);

#endif
