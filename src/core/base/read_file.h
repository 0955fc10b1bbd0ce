/* read_file.h - opening the files concviz reads: regular files, or refused.
 *
 * Every file concviz reads on a user's word (a saved run, a lesson, the
 * progress file, the pictures folder's settings) goes through here, so
 * that a name which turns out to be a FIFO, a device or a folder is
 * refused with a clear sentence instead of being read: opening a FIFO
 * waits for a writer forever, reading /dev/zero never ends, and a folder
 * cannot be read at all. The file is opened with O_NONBLOCK, so the open
 * itself never waits, then fstat'd: what the descriptor is, not what the
 * name was a moment before (a name can be swapped between a stat and an
 * open).
 *
 * Messages name what went wrong but not the path (callers put the path
 * where their own messages put it: "lessons/03.md:1: ..." or "run.json:
 * ..."), and say how to fix it where there is something to say.
 */
#ifndef SIM_READ_FILE_H
#define SIM_READ_FILE_H

#include <stddef.h>
#include <sys/stat.h>

/* Opens `path` with `flags` (O_RDONLY, or O_RDWR | O_CREAT for a lock file;
 * O_NONBLOCK, O_CLOEXEC and O_NOCTTY are added) and checks that it is a
 * regular file. `what` names the kind of file in messages ("trace",
 * "lesson"). Returns 0 with *fd open (blocking again) and *st filled, or
 * SIM_E_ERRNO(e) with `why` set ("no such file", "not a regular file (a
 * FIFO): ..."); then nothing is left open. */
int sim_file_open_regular(const char *path, int flags, mode_t mode, const char *what,
                          int *fd, struct stat *st, char *why, size_t n);

/* Reads the whole regular file `path`, of at most `max` bytes, into a new
 * buffer (NUL-terminated; the caller frees it). A file growing meanwhile is
 * cut at the size fstat gave, one shrinking ends where it ends. Returns 0,
 * SIM_E_FORMAT when the file is bigger than max ("too big (N bytes); ..."),
 * SIM_E_NOMEM, or a system error as sim_file_open_regular. */
int sim_file_read_all(const char *path, const char *what, size_t max, char **buf,
                      size_t *len, char *why, size_t n);

#endif
