/* subproc.c - a program run to its end in a process group of its own (see
 * subproc.h for why).
 *
 * The order of the ending matters. When the program has exited, concviz
 * first waits for it without reaping it (waitid with WNOWAIT): as long as
 * that zombie exists, its process group cannot be given to anyone else,
 * so killing the group with SIGKILL cannot hit a stranger. Then the
 * program is reaped, and then every orphan that came back to concviz.
 */
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

enum { POLL_MS = 50, REAP_NS = 2000000000 };

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child(char *const argv[], int out_fd, pid_t parent)
{
    setpgid(0, 0);
    /* Dies with concviz, even if concviz is killed outright. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(127);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0)
        _exit(127);
    /* concviz ignores SIGXFSZ (main.c); the program gets the defaults. */
    signal(SIGXFSZ, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(argv[0], argv);
    _exit(127);
}

/* Appends what the pipe holds. Returns 1 at the end of the output, 0 if
 * more may come, -1 if there is too much. */
static int take(int fd, app_subproc *r, size_t *cap, size_t max_out)
{
    char buf[4096];
    ssize_t k = read(fd, buf, sizeof buf);
    if (k < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : 1;
    if (k == 0)
        return 1;
    if (r->len + (size_t)k > max_out)
        return -1;
    if (r->len + (size_t)k + 1 > *cap) {
        size_t nc = *cap ? *cap * 2 : 8192;
        while (nc < r->len + (size_t)k + 1)
            nc *= 2;
        char *p = realloc(r->out, nc);
        if (!p)
            return -1;
        r->out = p;
        *cap = nc;
    }
    memcpy(r->out + r->len, buf, (size_t)k);
    r->len += (size_t)k;
    r->out[r->len] = '\0';
    return 0;
}

/* A signal that asks concviz to stop, if one came (waiting at most ms). */
static int stop_signal(const sigset_t *sigs, long ms)
{
    struct timespec w = {ms / 1000, (ms % 1000) * 1000000l};
    int s = sigtimedwait(sigs, NULL, &w);
    return s == SIGINT || s == SIGTERM ? s : 0;
}

/* Kills what is left of the group, reaps the program and every orphan
 * that came back to concviz. */
static void finish(pid_t pid, app_subproc *r, int killed)
{
    kill(-pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (!killed) {
        if (WIFEXITED(st)) {
            r->end = APP_SUBPROC_EXITED;
            r->status = WEXITSTATUS(st);
        } else if (WIFSIGNALED(st)) {
            r->end = APP_SUBPROC_SIGNALED;
            r->status = WTERMSIG(st);
        }
    }
    /* The orphans were killed with the group; they come back to us as
     * zombies. One that left the group (setsid) is waited for a while,
     * then left to init: admitted, and nothing Python does. */
    int64_t until = sim_clock_ns() + REAP_NS;
    for (;;) {
        pid_t p = waitpid(-1, NULL, WNOHANG);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0 || sim_clock_ns() > until)
            break;
        if (p == 0) {
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
        }
    }
}

int app_subproc_run(char *const argv[], int64_t timeout_ns, size_t max_out,
                    app_subproc *r, char *msg, size_t n)
{
    memset(r, 0, sizeof *r);
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &sigs, &old);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(msg, n, "could not make a pipe: %s", strerror(errno));
        sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, n, "could not start %s: %s", argv[0], strerror(errno));
        close(fds[0]);
        close(fds[1]);
        prctl(PR_SET_CHILD_SUBREAPER, 0);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (pid == 0)
        child(argv, fds[1], parent);
    /* Also here: whichever of the two runs first, the group exists before
     * concviz may have to kill it. */
    setpgid(pid, pid);
    close(fds[1]);

    int64_t deadline = sim_clock_ns() + timeout_ns;
    size_t cap = 0;
    int killed = 0, eof = 0;
    while (!killed) {
        /* Once the output is over, this is also the pause between looks. */
        int s = stop_signal(&sigs, eof ? 5 : 0);
        if (s) {
            r->end = APP_SUBPROC_INTERRUPTED;
            r->signal = s;
            killed = 1;
            break;
        }
        if (sim_clock_ns() > deadline) {
            r->end = APP_SUBPROC_TIMEOUT;
            killed = 1;
            break;
        }
        if (eof) {
            /* The output is over: wait for the program to exit, without
             * reaping it yet (see the top of the file). */
            siginfo_t si;
            memset(&si, 0, sizeof si);
            if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | WNOHANG) == 0 &&
                si.si_pid == pid)
                break;
            continue;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        if (poll(&p, 1, POLL_MS) > 0) {
            int t = take(fds[0], r, &cap, max_out);
            if (t < 0) {
                r->end = APP_SUBPROC_TOO_MUCH;
                killed = 1;
            } else if (t > 0) {
                eof = 1;
            }
        }
    }
    close(fds[0]);
    finish(pid, r, killed);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (!r->out) {
        r->out = calloc(1, 1);
        if (!r->out) {
            snprintf(msg, n, "out of memory");
            return -1;
        }
    }
    return 0;
}

void app_subproc_free(app_subproc *r)
{
    free(r->out);
    memset(r, 0, sizeof *r);
}
