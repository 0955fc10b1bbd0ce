/* atomic_file.c - write to a temporary file, then rename it over the name.
 *
 * rename(2) within one file system replaces the name in one step, so a
 * reader sees either the whole old file or the whole new one. That only
 * holds if the new file is really complete before the rename, so every
 * step that can fail is checked: each write, the final flush, fsync (the
 * data is on the disk, not just in the page cache) and close (some file
 * systems report errors only there). After the rename the folder is
 * fsynced too, so that the new name itself survives a power cut.
 *
 * stdio forgets *why* a write failed: ferror() says only that one did, and
 * errno may have changed since. So the FILE handed to the caller is made
 * with fopencookie over our own write function, which keeps the first
 * errno; the message can then say "no space left on the disk" rather than
 * "write error".
 */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

struct sim_afile_sink {
    int fd;
    int err;   /* first errno of a failed write or close, 0 if none */
};

static ssize_t sink_write(void *c, const char *buf, size_t size)
{
    struct sim_afile_sink *s = c;
    size_t done = 0;
    while (done < size && !s->err) {
        ssize_t k = write(s->fd, buf + done, size - done);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            s->err = errno;
            break;
        }
        if (k == 0) {
            s->err = EIO;
            break;
        }
        done += (size_t)k;
    }
    /* fopencookie wants the bytes written, 0 on error: never negative. */
    return (ssize_t)done;
}

static int sink_close(void *c)
{
    struct sim_afile_sink *s = c;
    int r = 0;
    if (s->fd >= 0 && close(s->fd) != 0) {
        if (!s->err)
            s->err = errno;
        r = -1;
    }
    s->fd = -1;
    return r;
}

/* The cause of a failure in words a person acts on. */
static const char *cause(int e, char *buf, size_t n)
{
    switch (e) {
    case ENOSPC: return "no space left on the disk";
    case EFBIG: return "the file would be bigger than the file-size limit (ulimit -f)";
    case EDQUOT: return "the disk quota is used up";
    case EROFS: return "the file system is read-only";
    case EACCES: case EPERM: return "permission denied";
    case EIO: return "an input/output error on the disk";
    default: return strerror_r(e, buf, n);
    }
}

/* The process's umask, read without changing it (umask(2) can only set it,
 * which would race with other threads creating files). */
static mode_t current_umask(void)
{
    mode_t m = 022;
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return m;
    char line[128];
    while (fgets(line, sizeof line, f)) {
        unsigned v;
        if (sscanf(line, "Umask: %o", &v) == 1) {
            m = (mode_t)v & 0777;
            break;
        }
    }
    fclose(f);
    return m;
}

/* Splits path into its folder ("." if none) and last name, in new
 * strings. Returns 0 or -1 (out of memory). */
static int split(const char *path, char **dir, char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *dir = strdup(".");
        *base = strdup(path);
    } else {
        size_t dl = (size_t)(slash - path);
        *dir = dl == 0 ? strdup("/") : strndup(path, dl);
        *base = strdup(slash + 1);
    }
    if (!*dir || !*base) {
        free(*dir);
        free(*base);
        return -1;
    }
    return 0;
}

static int check_target(const char *path, const char *dir, const char *base,
                        char *msg, size_t n)
{
    char eb[128];
    struct stat st;
    if (base[0] == '\0') {
        snprintf(msg, n, "%s: names a folder; give a file name", path);
        return -1;
    }
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT)
            snprintf(msg, n, "%s: the folder %s does not exist", path, dir);
        else if (errno == ENOTDIR)
            snprintf(msg, n, "%s: %s is not a folder", path, dir);
        else
            snprintf(msg, n, "%s: cannot reach the folder %s: %s", path, dir,
                     cause(errno, eb, sizeof eb));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(msg, n, "%s: %s is not a folder", path, dir);
        return -1;
    }
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(msg, n, "%s: is a folder, not a file", path);
            return -1;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(msg, n, "%s: not a regular file; concviz writes files "
                     "atomically (a temporary file renamed over the name), "
                     "which works only for regular files", path);
            return -1;
        }
    }
    return 0;
}

int sim_afile_open(sim_afile *f, const char *path, char *msg, size_t n)
{
    char eb[128];
    memset(f, 0, sizeof *f);
    if (!path || !path[0]) {
        snprintf(msg, n, "a file name is needed");
        return SIM_E_SYS;
    }
    char *dir = NULL, *base = NULL;
    struct sim_afile_sink *sink = NULL;
    int fd = -1;
    if (split(path, &dir, &base) < 0)
        goto nomem;
    if (check_target(path, dir, base, msg, n) < 0)
        goto fail;
    f->path = strdup(path);
    size_t tl = strlen(dir) + strlen(base) + 16;
    f->tmp = malloc(tl);
    sink = malloc(sizeof *sink);
    if (!f->path || !f->tmp || !sink)
        goto nomem;
    snprintf(f->tmp, tl, "%s/.%s.XXXXXX", dir, base);
    /* O_CLOEXEC: worker processes forked meanwhile must not inherit it. */
    fd = mkostemp(f->tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(msg, n, "%s: cannot create a file in %s: %s", path, dir,
                 cause(errno, eb, sizeof eb));
        goto fail;
    }
    /* mkstemp makes the file private (0600); give it the mode a plain
     * fopen would: the old file's, or 0666 less the umask. */
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777)
                                       : (0666 & ~current_umask());
    if (fchmod(fd, mode) != 0) {
        snprintf(msg, n, "%s: cannot set the file's permissions: %s", path,
                 cause(errno, eb, sizeof eb));
        goto fail_unlink;
    }
    sink->fd = fd;
    sink->err = 0;
    cookie_io_functions_t io = {.write = sink_write, .close = sink_close};
    f->f = fopencookie(sink, "w", io);
    if (!f->f)
        goto nomem_unlink;
    f->sink_ = sink;
    free(dir);
    free(base);
    return 0;

nomem_unlink:
    snprintf(msg, n, "%s: out of memory", path);
fail_unlink:
    close(fd);
    unlink(f->tmp);
    goto fail;
nomem:
    snprintf(msg, n, "%s: out of memory", path);
fail:
    free(sink);
    free(dir);
    free(base);
    free(f->path);
    free(f->tmp);
    memset(f, 0, sizeof *f);
    return SIM_E_SYS;
}

static void finish(sim_afile *f)
{
    free(f->sink_);
    free(f->path);
    free(f->tmp);
    memset(f, 0, sizeof *f);
}

void sim_afile_abort(sim_afile *f)
{
    if (f->f) {
        fclose(f->f);
        unlink(f->tmp);
    }
    finish(f);
}

/* Makes the rename itself durable. Some file systems cannot fsync a
 * folder; by then the new file is in place, so this is best effort. */
static void sync_folder(const char *path)
{
    char *dir = NULL, *base = NULL;
    if (split(path, &dir, &base) < 0)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
    free(base);
}

int sim_afile_commit(sim_afile *f, char *msg, size_t n)
{
    char eb[128];
    struct sim_afile_sink *s = f->sink_;
    if (!f->f) {
        snprintf(msg, n, "sim_afile_commit: the file is not open");
        return SIM_E_SYS;
    }
    int e = 0;
    const char *what = "write";
    if (fflush(f->f) != 0 || ferror(f->f) || s->err) {
        e = s->err ? s->err : EIO;
    } else if (fsync(s->fd) != 0) {
        e = errno;
    }
    /* fclose closes the descriptor through sink_close, which keeps its
     * error: NFS and some others report a failed write only here. */
    if (fclose(f->f) != 0 && !e)
        e = s->err ? s->err : EIO;
    f->f = NULL;
    if (!e && rename(f->tmp, f->path) != 0) {
        e = errno;
        what = "replace";
    }
    if (e) {
        snprintf(msg, n, "%s: could not %s the file: %s", f->path, what,
                 cause(e, eb, sizeof eb));
        unlink(f->tmp);
        finish(f);
        return SIM_E_SYS;
    }
    sync_folder(f->path);
    finish(f);
    return 0;
}
