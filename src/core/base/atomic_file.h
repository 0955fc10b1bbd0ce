/* atomic_file.h - writing a file so that it is either all there or not at all.
 *
 * sim_afile_open creates a new file with no name yet in the final name's
 * folder (O_TMPFILE: nothing to see, nothing left behind even by SIGKILL).
 * The caller writes through `f`. sim_afile_commit checks every write,
 * flushes the data to the disk and gives the file its name in one step
 * (replacing an old file through a hidden name and a rename: see
 * atomic_file.c): a reader (or a crash) sees the old file or the new one,
 * never half of one. If anything fails, the new file is gone and the old
 * file is left as it was.
 *
 * Limits, admitted:
 * - Only regular files (or names that do not exist yet) can be replaced
 *   this way. An existing target that is not a regular file (/dev/full, a
 *   FIFO, /dev/stdout) is refused at open with a message saying so: a
 *   device has no folder to put a temporary file in, and renaming over it
 *   would replace the device node instead of writing to it.
 * - A symbolic link as target is followed for the checks, but the rename
 *   replaces the link itself by the new file (as editors' "safe save" does).
 * - Where the file system has no O_TMPFILE (or /proc is missing), the file
 *   is a hidden named one, `.NAME.XXXXXX`, renamed at commit: a process
 *   killed outright (SIGKILL) before then leaves it behind, never a broken
 *   file under the final name. With O_TMPFILE only a SIGKILL inside commit,
 *   between two system calls, can leave such a name.
 * - Writing past RLIMIT_FSIZE raises SIGXFSZ, which kills the process by
 *   default; a program that wants the clear "file too big" error instead
 *   ignores SIGXFSZ (the write then fails with EFBIG).
 */
#ifndef SIM_ATOMIC_FILE_H
#define SIM_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct sim_afile {
    FILE *f;       /* write here between open and commit/abort */
    char *path;    /* the final name (a copy) */
    char *tmp;     /* the named temporary file, or NULL: a nameless one */
    struct sim_afile_sink *sink_; /* private: the descriptor and the first
                                   * write error's errno */
} sim_afile;

/* Creates the temporary file. Returns 0, or SIM_E_SYS with `msg` naming the
 * path and the cause ("out/run.json: the folder out does not exist"). On
 * failure there is nothing to commit or abort. */
int sim_afile_open(sim_afile *f, const char *path, char *msg, size_t n);

/* The same with a named temporary file `.NAME.XXXXXX` in any case: what
 * sim_afile_open falls back to without O_TMPFILE (tests use it to try that
 * road on any file system). */
int sim_afile_open_named(sim_afile *f, const char *path, char *msg, size_t n);

/* Flushes, checks every write, fsyncs, closes and renames over the final
 * name, then fsyncs the folder. Returns 0, or SIM_E_SYS with `msg` ("run.json:
 * could not write: no space left on the disk"); then the old file is
 * untouched and the temporary file is gone. Either way `f` is finished. */
int sim_afile_commit(sim_afile *f, char *msg, size_t n);

/* Gives up: closes (and, if it has a name, removes) the new file. */
void sim_afile_abort(sim_afile *f);

#endif
