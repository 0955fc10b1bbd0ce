/* atomic_file.c - a file appears whole under its name, or not at all.
 *
 * Linux can create a file with no name at all: open(folder, O_TMPFILE)
 * gives a descriptor to a new file in that folder which no directory entry
 * points to. Whatever happens to the process, even SIGKILL or a power cut,
 * such a file vanishes with its last descriptor: nothing is left behind.
 * Once it is completely written, linkat() gives it a name. Every step that
 * can fail is checked first: each write, the final flush, fsync (the data
 * is on the disk, not just in the page cache). After the new name is in
 * place the folder is fsynced too, so the name itself survives a power cut.
 *
 * linkat cannot replace an existing name (it fails with EEXIST), and there
 * is no system call that puts a nameless file over an existing one. So:
 * - when the final name does not exist, the file is linked straight to it:
 *   one step, nothing can be left over;
 * - when it exists (the usual case: saving a trace again), the file is
 *   linked to a hidden temporary name `.NAME.XXXXXX` beside it and renamed
 *   over the final name, which replaces it in one step: a reader sees the
 *   whole old file or the whole new one. Only a SIGKILL (or a crash) in
 *   the microseconds between the link and the rename can leave that
 *   hidden name; SIGINT, SIGTERM and SIGPIPE cannot, since concviz's
 *   commands keep them blocked while they write (app_signals.h).
 * The alternative, renaming the old file away first, would leave a moment
 * with no file under the name at all, which a reader could see.
 *
 * Some file systems have no O_TMPFILE (it needs support in each one; NFS
 * and older FUSE file systems lack it), and linking a descriptor needs
 * /proc. There the old scheme is used: a named temporary file from
 * mkstemp, renamed over the final name at the end. It is visible while it
 * is written, and a SIGKILL then leaves it behind; every other way out
 * (an error, abort, a signal collected by the command) removes it.
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
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

/* A hidden name beside `base` in `dir` that does not exist yet:
 * "DIR/.BASE.XXXXXX" with six random letters. Returns a new string, or
 * NULL (out of memory). The caller retries on EEXIST. */
static char *hidden_name(const char *dir, const char *base)
{
    static const char letters[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char rnd[6];
    if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
        /* No entropy yet (early boot): the clock is random enough here,
         * since a name already taken only costs another try. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec * 2654435761u ^ (uint64_t)getpid();
        for (size_t i = 0; i < sizeof rnd; i++, x >>= 8)
            rnd[i] = (unsigned char)x;
    }
    size_t tl = strlen(dir) + strlen(base) + 16;
    char *t = malloc(tl);
    if (!t)
        return NULL;
    int k = snprintf(t, tl, "%s/.%s.", dir, base);
    for (size_t i = 0; i < sizeof rnd; i++)
        t[k++] = letters[rnd[i] % (sizeof letters - 1)];
    t[k] = '\0';
    return t;
}

/* The nameless file: O_TMPFILE in the folder. Returns the descriptor, -1
 * with errno when the folder refuses it, or -2 when O_TMPFILE (or /proc,
 * needed to link it) is not available here and the named scheme must do. */
static int open_nameless(const char *dir, mode_t mode)
{
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0)
        return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? -2 : -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (access(proc, F_OK) != 0) {
        close(fd);
        return -2;
    }
    return fd;
}

static int open_file(sim_afile *f, const char *path, int named, char *msg, size_t n)
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
    sink = malloc(sizeof *sink);
    if (!f->path || !sink)
        goto nomem;
    /* Replacing a file keeps its mode; a new one gets 0666 less the umask,
     * as a plain fopen would give it. */
    struct stat st;
    int replacing = stat(path, &st) == 0;
    fd = named ? -2 : open_nameless(dir, replacing ? 0600 : 0666);
    if (fd == -2) {
        size_t tl = strlen(dir) + strlen(base) + 16;
        f->tmp = malloc(tl);
        if (!f->tmp)
            goto nomem;
        snprintf(f->tmp, tl, "%s/.%s.XXXXXX", dir, base);
        /* O_CLOEXEC: worker processes forked meanwhile must not inherit it. */
        fd = mkostemp(f->tmp, O_CLOEXEC);
        if (fd >= 0 && !replacing && fchmod(fd, 0666 & ~current_umask()) != 0)
            goto fail_chmod;
    }
    if (fd < 0) {
        snprintf(msg, n, "%s: cannot create a file in %s: %s", path, dir,
                 cause(errno, eb, sizeof eb));
        free(f->tmp);
        f->tmp = NULL;
        goto fail;
    }
    if (replacing && fchmod(fd, st.st_mode & 07777) != 0)
        goto fail_chmod;
    sink->fd = fd;
    sink->err = 0;
    cookie_io_functions_t io = {.write = sink_write, .close = sink_close};
    f->f = fopencookie(sink, "w", io);
    if (!f->f)
        goto nomem_close;
    f->sink_ = sink;
    free(dir);
    free(base);
    return 0;

fail_chmod:
    snprintf(msg, n, "%s: cannot set the file's permissions: %s", path,
             cause(errno, eb, sizeof eb));
    goto fail_close;
nomem_close:
    snprintf(msg, n, "%s: out of memory", path);
fail_close:
    close(fd);
    if (f->tmp)
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

int sim_afile_open(sim_afile *f, const char *path, char *msg, size_t n)
{
    return open_file(f, path, 0, msg, n);
}

int sim_afile_open_named(sim_afile *f, const char *path, char *msg, size_t n)
{
    return open_file(f, path, 1, msg, n);
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
        fclose(f->f); /* a nameless file is gone with its descriptor */
        if (f->tmp)
            unlink(f->tmp);
    }
    finish(f);
}

/* Makes the new name itself durable. Some file systems cannot fsync a
 * folder; by then the new file is in place, so this is best effort. */
static void sync_folder(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Gives the nameless file (descriptor fd) the name f->path: straight when
 * the name is free, else through a hidden name and rename (see the top of
 * this file). On success *tmp is the hidden name to rename from, or NULL
 * when the file is in place already. Returns 0 or an errno. */
static int link_nameless(sim_afile *f, int fd, const char *dir, const char *base,
                         char **tmp)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    *tmp = NULL;
    if (linkat(AT_FDCWD, proc, AT_FDCWD, f->path, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno != EEXIST)
        return errno;
    for (int tries = 0; tries < 100; tries++) {
        char *t = hidden_name(dir, base);
        if (!t)
            return ENOMEM;
        if (linkat(AT_FDCWD, proc, AT_FDCWD, t, AT_SYMLINK_FOLLOW) == 0) {
            *tmp = t;
            return 0;
        }
        int e = errno;
        free(t);
        if (e != EEXIST)
            return e;
    }
    return EEXIST;
}

int sim_afile_commit(sim_afile *f, char *msg, size_t n)
{
    char eb[128];
    struct sim_afile_sink *s = f->sink_;
    if (!f->f) {
        snprintf(msg, n, "sim_afile_commit: the file is not open");
        return SIM_E_SYS;
    }
    char *dir = NULL, *base = NULL, *linked = NULL;
    int e = 0, in_place = 0;
    const char *what = "write";
    if (split(f->path, &dir, &base) < 0) {
        e = ENOMEM;
    } else if (fflush(f->f) != 0 || ferror(f->f) || s->err) {
        e = s->err ? s->err : EIO;
    } else if (fsync(s->fd) != 0) {
        e = errno;
    } else if (!f->tmp) {
        /* The nameless file gets its name while its descriptor is open. */
        e = link_nameless(f, s->fd, dir, base, &linked);
        if (e)
            what = "name";
        in_place = !e && !linked;
    }
    /* fclose closes the descriptor through sink_close, which keeps its
     * error: NFS and some others report a failed write only here. */
    if (fclose(f->f) != 0 && !e)
        e = s->err ? s->err : EIO;
    f->f = NULL;
    const char *from = f->tmp ? f->tmp : linked;
    if (!e && from && rename(from, f->path) != 0) {
        e = errno;
        what = "replace";
    }
    if (e) {
        snprintf(msg, n, "%s: could not %s the file: %s", f->path, what,
                 cause(e, eb, sizeof eb));
        if (from)
            unlink(from);
        else if (in_place) /* linked, then the close failed: there was no old file */
            unlink(f->path);
    } else {
        sync_folder(dir);
    }
    free(linked);
    free(dir);
    free(base);
    finish(f);
    return e ? SIM_E_SYS : 0;
}
