/* read_file.c - regular files only: open without waiting, then look.
 *
 * The order matters. stat(path) then open(path) leaves a gap in which the
 * name can change; and a plain open of a FIFO blocks until someone opens
 * it for writing, before there is anything to fstat. So: open with
 * O_NONBLOCK (a FIFO then opens at once, a device too), fstat the
 * descriptor, refuse anything that is not a regular file, and only then
 * read. For a regular file O_NONBLOCK changes nothing, but it is cleared
 * anyway so the caller gets an ordinary descriptor.
 */
#include "read_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static const char *kind_of(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a file";
}

static void open_failed(int e, char *why, size_t n)
{
    switch (e) {
    case ENOENT: snprintf(why, n, "no such file"); break;
    case ENOTDIR: snprintf(why, n, "no such file (a part of the path is not a folder)"); break;
    case EACCES: snprintf(why, n, "cannot open: permission denied"); break;
    case ELOOP: snprintf(why, n, "cannot open: too many symbolic links"); break;
    default: snprintf(why, n, "cannot open: %s", strerror(e)); break;
    }
}

int sim_file_open_regular(const char *path, int flags, mode_t mode, const char *what,
                          int *fd, struct stat *st, char *why, size_t n)
{
    *fd = -1;
    int k = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode);
    if (k < 0) {
        int e = errno;
        if (e == EISDIR)
            snprintf(why, n, "is a folder, not a %s file", what);
        else
            open_failed(e, why, n);
        return SIM_E_ERRNO(e);
    }
    int e = 0;
    if (fstat(k, st) != 0) {
        e = errno;
        snprintf(why, n, "cannot read: %s", strerror(e));
    } else if (S_ISDIR(st->st_mode)) {
        e = EISDIR;
        snprintf(why, n, "is a folder, not a %s file", what);
    } else if (!S_ISREG(st->st_mode)) {
        e = EINVAL;
        snprintf(why, n, "not a regular file (%s); concviz reads a %s only from a "
                 "regular file", kind_of(st->st_mode), what);
    } else {
        int fl = fcntl(k, F_GETFL);
        if (fl < 0 || fcntl(k, F_SETFL, fl & ~O_NONBLOCK) != 0) {
            e = errno;
            snprintf(why, n, "cannot read: %s", strerror(e));
        }
    }
    if (e) {
        close(k);
        return SIM_E_ERRNO(e);
    }
    *fd = k;
    return 0;
}

/* "1 GiB", "256 KiB", "1000 bytes": a limit as it was written. */
static void limit_text(size_t max, char *buf, size_t n)
{
    static const struct { size_t unit; const char *name; } units[] = {
        {(size_t)1 << 30, "GiB"}, {(size_t)1 << 20, "MiB"}, {(size_t)1 << 10, "KiB"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (max >= units[i].unit && max % units[i].unit == 0) {
            snprintf(buf, n, "%zu %s", max / units[i].unit, units[i].name);
            return;
        }
    }
    snprintf(buf, n, "%zu bytes", max);
}

int sim_file_read_all(const char *path, const char *what, size_t max, char **buf,
                      size_t *len, char *why, size_t n)
{
    *buf = NULL;
    *len = 0;
    int fd;
    struct stat st;
    int e = sim_file_open_regular(path, O_RDONLY, 0, what, &fd, &st, why, n);
    if (e)
        return e;
    if ((uint64_t)st.st_size > (uint64_t)max) {
        char lim[32];
        limit_text(max, lim, sizeof lim);
        snprintf(why, n, "too big (%lld bytes); concviz reads a %s of at most %s",
                 (long long)st.st_size, what, lim);
        close(fd);
        return SIM_E_FORMAT;
    }
    size_t want = (size_t)st.st_size, got = 0;
    char *b = malloc(want + 1);
    if (!b) {
        snprintf(why, n, "out of memory");
        close(fd);
        return SIM_E_NOMEM;
    }
    while (got < want) {
        ssize_t k = read(fd, b + got, want - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            e = errno;
            snprintf(why, n, "cannot read: %s", strerror(e));
            free(b);
            close(fd);
            return SIM_E_ERRNO(e);
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    b[got] = '\0';
    *buf = b;
    *len = got;
    return 0;
}
