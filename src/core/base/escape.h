/* escape.h - text from a file, made safe to print on a terminal.
 *
 * A terminal obeys the control characters it is sent: ESC [ 2 J clears the
 * screen, ESC ] 0 ; ... BEL retitles the window, and some terminals have
 * had sequences that answer back with typed input. A saved run or a lesson
 * is data from anywhere, so its text (a model name, an error, a title, a
 * file name) must never reach the terminal as it is. Every place that
 * prints such text to stdout or stderr passes it through sim_escape first.
 *
 * Escaped, as C would write them: the C0 controls (\x00-\x1f; \n, \r and
 * \t by name), DEL (\x7f), the C1 controls U+0080-U+009F (\u0080), the
 * bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069),
 * which can make text read differently from what it is, the line and
 * paragraph separators, and every byte that is not valid UTF-8 (\xNN,
 * since a lone 0x9b is CSI to some terminals). Valid printable UTF-8, "é"
 * or "→" or "中", passes unchanged, and so does a backslash.
 */
#ifndef SIM_ESCAPE_H
#define SIM_ESCAPE_H

#include <stddef.h>

enum {
    SIM_ESCAPE_KEEP_LINES = 1, /* keep \n and \t: a message of several lines */
};

/* Writes the escaped text into buf (always NUL-terminated; when it does not
 * fit it is cut at a whole character and ends in "..."). Returns buf, so
 * that it can be printed directly: printf("%s\n", sim_escape(s, 0, b, n)).
 * A NULL s is "". */
const char *sim_escape(const char *s, int flags, char *buf, size_t n);

#endif
