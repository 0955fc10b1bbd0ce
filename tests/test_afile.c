/* test_afile.c - atomic file writes: all or nothing, and clear errors.
 *
 * Each case checks what a person would see afterwards: the final file's
 * content and mode, that no hidden temporary file was left, and the
 * message's words. A failed write is made real with the file-size limit
 * (RLIMIT_FSIZE, SIGXFSZ ignored so that write() says EFBIG), which needs
 * no special file system, and with a tiny tmpfs (ENOSPC) mounted in a
 * mount namespace of this process alone, when it is allowed to make one.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic_file.h"
#include "err.h"
#include "test.h"

static char dir[64];

static char *path_of(const char *name)
{
    static char buf[4][256];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ASSERT(f);
    fputs(text, f);
    ASSERT(fclose(f) == 0);
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    buf[k] = '\0';
    fclose(f);
    return buf;
}

/* Hidden files in the test folder: temporary files left behind. */
static int leftovers(void)
{
    DIR *d = opendir(dir);
    ASSERT(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

typedef int (*opener)(sim_afile *f, const char *path, char *msg, size_t n);

/* The same cases for both roads: the nameless file (O_TMPFILE), invisible
 * while it is written, and the named fallback, seen as one hidden file. */
static void test_write_and_replace(opener open_fn, int visible)
{
    char msg[256];
    sim_afile f;
    const char *p = path_of("run.json");
    remove(p);
    remove(path_of("plain.txt"));
    ASSERT_INT_EQ(open_fn(&f, p, msg, sizeof msg), 0);
    ASSERT_INT_EQ(leftovers(), visible);     /* the temporary file, if it has a name */
    ASSERT(slurp(p) == NULL);                /* nothing under the name yet */
    fputs("first", f.f);
    ASSERT_INT_EQ(sim_afile_commit(&f, msg, sizeof msg), 0);
    ASSERT_STR_EQ(slurp(p), "first");
    ASSERT_INT_EQ(leftovers(), 0);
    struct stat st;
    ASSERT(stat(p, &st) == 0);
    ASSERT_INT_EQ(st.st_mode & 0777, 0644);  /* 0666 less the umask 022 */

    /* Replacing keeps the old file's mode, and leaves no hidden name. */
    ASSERT(chmod(p, 0640) == 0);
    ASSERT_INT_EQ(open_fn(&f, p, msg, sizeof msg), 0);
    fputs("second", f.f);
    ASSERT_INT_EQ(sim_afile_commit(&f, msg, sizeof msg), 0);
    ASSERT_STR_EQ(slurp(p), "second");
    ASSERT(stat(p, &st) == 0);
    ASSERT_INT_EQ(st.st_mode & 0777, 0640);
    ASSERT_INT_EQ(leftovers(), 0);

    /* Abort leaves the old file as it was. */
    ASSERT_INT_EQ(open_fn(&f, p, msg, sizeof msg), 0);
    fputs("third, never seen", f.f);
    sim_afile_abort(&f);
    ASSERT_STR_EQ(slurp(p), "second");
    ASSERT_INT_EQ(leftovers(), 0);

    /* A name without a folder is in the current folder. */
    ASSERT(chdir(dir) == 0);
    ASSERT_INT_EQ(open_fn(&f, "plain.txt", msg, sizeof msg), 0);
    fputs("here", f.f);
    ASSERT_INT_EQ(sim_afile_commit(&f, msg, sizeof msg), 0);
    ASSERT_STR_EQ(slurp(path_of("plain.txt")), "here");
    ASSERT(chdir("/") == 0);
}

static void test_bad_targets(void)
{
    char msg[512];
    sim_afile f;
    char want[512];

    const char *p = path_of("no/such/folder/run.json");
    ASSERT_INT_EQ(sim_afile_open(&f, p, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: the folder %s/no/such/folder does not exist", p, dir);
    ASSERT_STR_EQ(msg, want);

    put_file(path_of("plain"), "x");
    p = path_of("plain/run.json");
    ASSERT_INT_EQ(sim_afile_open(&f, p, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: %s/plain is not a folder", p, dir);
    ASSERT_STR_EQ(msg, want);

    ASSERT(mkdir(path_of("sub"), 0755) == 0);
    p = path_of("sub");
    ASSERT_INT_EQ(sim_afile_open(&f, p, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: is a folder, not a file", p);
    ASSERT_STR_EQ(msg, want);

    p = path_of("sub/");
    ASSERT_INT_EQ(sim_afile_open(&f, p, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "names a folder; give a file name");

    ASSERT_INT_EQ(sim_afile_open(&f, "", msg, sizeof msg), SIM_E_SYS);
    ASSERT_STR_EQ(msg, "a file name is needed");

    /* A device cannot be replaced atomically: refused, clearly, at open. */
    ASSERT_INT_EQ(sim_afile_open(&f, "/dev/full", msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "/dev/full: not a regular file; concviz writes files atomically");
    ASSERT(access("/dev/full", F_OK) == 0);  /* and left alone */
    ASSERT_INT_EQ(leftovers(), 0);
}

static void test_failed_write(void)
{
    char msg[256];
    sim_afile f;
    const char *p = path_of("big.json");
    put_file(p, "the old content");

    /* Writes beyond 64 KiB fail with EFBIG instead of killing us. */
    ASSERT(signal(SIGXFSZ, SIG_IGN) != SIG_ERR);
    struct rlimit old, lim;
    ASSERT(getrlimit(RLIMIT_FSIZE, &old) == 0);
    lim = old;
    lim.rlim_cur = 64 * 1024;
    ASSERT(setrlimit(RLIMIT_FSIZE, &lim) == 0);

    ASSERT_INT_EQ(sim_afile_open(&f, p, msg, sizeof msg), 0);
    for (int i = 0; i < 20000; i++)
        fprintf(f.f, "line %d of a file that is too big\n", i);
    int e = sim_afile_commit(&f, msg, sizeof msg);
    ASSERT(setrlimit(RLIMIT_FSIZE, &old) == 0);
    ASSERT_INT_EQ(e, SIM_E_SYS);
    char want[512];
    snprintf(want, sizeof want, "%s: could not write the file: the file would be "
             "bigger than the file-size limit (ulimit -f)", p);
    ASSERT_STR_EQ(msg, want);
    ASSERT_STR_EQ(slurp(p), "the old content");
    ASSERT_INT_EQ(leftovers(), 0);
    ASSERT(f.f == NULL && f.tmp == NULL);    /* nothing left to free */
}

/* SIGKILL while the file is being written: with O_TMPFILE nothing is left
 * behind, and the old file is as it was. (The named fallback cannot
 * promise this: atomic_file.h.) */
static void test_killed(void)
{
    char msg[256];
    const char *p = path_of("killed.json");
    put_file(p, "the old content");
    int ready[2];
    ASSERT(pipe(ready) == 0);
    pid_t pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        sim_afile f;
        if (sim_afile_open(&f, p, msg, sizeof msg) != 0)
            _exit(1);
        fputs("half of a new file", f.f);
        fflush(f.f);
        ASSERT(write(ready[1], "x", 1) == 1);
        pause();
        _exit(0);
    }
    char c;
    ASSERT(read(ready[0], &c, 1) == 1);
    ASSERT(kill(pid, SIGKILL) == 0);
    int status;
    ASSERT(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
    close(ready[0]);
    close(ready[1]);
    ASSERT_STR_EQ(slurp(p), "the old content");
    ASSERT_INT_EQ(leftovers(), 0);
    ASSERT(unlink(p) == 0);
}

/* A real full disk: a 16 KiB tmpfs, mounted where only this process sees
 * it. Skipped (not failed) where namespaces or mounts are not allowed. */
static void test_disk_full(void)
{
    char msg[256];
    const char *mnt = path_of("tiny");
    ASSERT(mkdir(mnt, 0755) == 0);
    if (unshare(CLONE_NEWNS) != 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", mnt, "tmpfs", 0, "size=16k") != 0) {
        fprintf(stderr, "disk-full case skipped: cannot mount a tmpfs here (%s)\n",
                strerror(errno));
        ASSERT(rmdir(mnt) == 0);
        return;
    }
    char p[256];
    snprintf(p, sizeof p, "%s/run.json", mnt);
    put_file(p, "the old content");
    sim_afile f;
    ASSERT_INT_EQ(sim_afile_open(&f, p, msg, sizeof msg), 0);
    for (int i = 0; i < 20000; i++)
        fprintf(f.f, "line %d of a file bigger than the disk\n", i);
    ASSERT_INT_EQ(sim_afile_commit(&f, msg, sizeof msg), SIM_E_SYS);
    char want[512];
    snprintf(want, sizeof want, "%s: could not write the file: no space left on the disk", p);
    ASSERT_STR_EQ(msg, want);
    ASSERT_STR_EQ(slurp(p), "the old content");
    ASSERT(unlink(p) == 0);
    ASSERT(umount(mnt) == 0);
    ASSERT(rmdir(mnt) == 0);
}

static void cleanup(void)
{
    static const char *const names[] = {"run.json", "plain.txt", "plain",
                                        "big.json", "sub"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        remove(path_of(names[i]));
    rmdir(dir);
}

int main(void)
{
    umask(022);
    snprintf(dir, sizeof dir, "/tmp/concviz-afile-XXXXXX");
    ASSERT(mkdtemp(dir));
    test_write_and_replace(sim_afile_open, 0);
    test_write_and_replace(sim_afile_open_named, 1);
    test_killed();
    test_bad_targets();
    test_failed_write();
    test_disk_full();
    cleanup();
    puts("afile: ok");
    return 0;
}
