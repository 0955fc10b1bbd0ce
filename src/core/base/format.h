/* format.h - numbers written for people: durations, bytes, counts, speeds.
 *
 * One formatter per kind of number, so that "1.5 ms", "16 KiB" and
 * "1 switch" read the same in the table of `concviz run`, in the window
 * and in a lesson's reveal. Each writes into buf (always NUL-terminated,
 * cut to fit) and returns the length written.
 */
#ifndef SIM_FORMAT_H
#define SIM_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* "850 ns", "1.5 ms", "200 ms", "2.00 s": three significant digits; from
 * 100 s on, "12 min 5 s" and "3 h 28 min". */
size_t sim_format_ns(int64_t ns, char *buf, size_t n);
/* "512 B", "16 KiB", "1.5 MiB", "2.0 GiB" (powers of 1024); "-" when < 0. */
size_t sim_format_bytes(int64_t bytes, char *buf, size_t n);
/* "1 switch", "2 switches", "1,234,567 events": the count with thousands
 * separated and the noun in the right number. */
size_t sim_format_count(uint64_t count, const char *one, const char *many,
                        char *buf, size_t n);
/* How a child process ended, from waitpid's status, as the end of a
 * sentence about it: "was killed by signal 9 (SIGKILL)", "exited with
 * status 2". */
size_t sim_format_wait_status(int status, char *buf, size_t n);
/* A playback speed: "0.01x", "0.25x", "1x", "4x". */
size_t sim_format_speed(double speed, char *buf, size_t n);

#endif
