/* pyproc.c - the guard process: the interpreter in a group of its own,
 * every descendant waited for (pyproc.h says why it is shaped so).
 *
 * concviz is multithreaded (the window, the run's thread), so between the
 * fork and the exec, and in the guard all its life, only async-signal-safe
 * calls are made: no malloc, no stdio, no locks. Everything the guard and
 * the interpreter need (paths, argv, envp, the files) is ready before the
 * fork. The guard's loop is sigtimedwait on SIGCHLD and SIGTERM, with a
 * short timeout that drives its grace periods.
 */
#include "pyproc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"

/* After the program ended by itself, its children get this long to end
 * (multiprocessing's resource tracker and forkserver leave right after
 * the main process). */
#define LINGER_NS (2000ll * 1000000ll)
/* After a SIGKILL to the group, how long the guard waits for the last of
 * them before it reports the ones it cannot stop. */
#define LAST_NS (1000ll * 1000000ll)

/* What the guard tells concviz at the end. */
typedef struct report {
    int exec_errno, status, killed, leftovers;
    int64_t wall_ns;
} report;

static void close_from(int first, int keep)
{
    if (keep >= first) {
        if (keep > first)
            close_range((unsigned)first, (unsigned)keep - 1, 0);
        if (close_range((unsigned)keep + 1, ~0u, 0) == 0)
            return;
    } else if (close_range((unsigned)first, ~0u, 0) == 0) {
        return;
    }
    for (int fd = first; fd < 65536; fd++) /* an old kernel: the slow way */
        if (fd != keep)
            close(fd);
}

static void write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        c += k;
        n -= (size_t)k;
    }
}

/* The interpreter, in the guard's child. Never returns. */
static void become_program(const sim_pyproc_desc *d, int in, int out, int err, int exec_w,
                           pid_t guard)
{
    if (setpgid(0, 0) != 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != guard)
        _exit(127);
    /* What concviz blocked or ignored must not reach Python: Pool.terminate
     * sends SIGTERM, and Python sets its own SIGINT and SIGPIPE. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(127);
    close_from(3, exec_w);
    if (d->cwd && chdir(d->cwd) != 0) {
        int e = errno;
        write_all(exec_w, &e, sizeof e);
        _exit(127);
    }
    execve(d->path, d->argv, d->envp);
    int e = errno;
    write_all(exec_w, &e, sizeof e);
    _exit(127);
}

/* Reaps every child that ended; notes the program's status. Returns 1
 * while children remain, 0 when none is left. */
static int reap(pid_t prog, int *status, int *done)
{
    for (;;) {
        int st;
        pid_t k = waitpid(-1, &st, WNOHANG);
        if (k > 0) {
            if (k == prog) {
                *status = st;
                *done = 1;
            }
            continue;
        }
        if (k == 0)
            return 1;
        if (errno == EINTR)
            continue;
        return 0; /* ECHILD */
    }
}

/* The guard. Never returns. */
static void guard_main(const sim_pyproc_desc *d, int in, int out, int err, int report_w,
                       pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
        _exit(1);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);  /* a terminal's Ctrl+C is concviz's to judge */
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGPIPE);
    sigprocmask(SIG_SETMASK, &set, NULL);
    report rep = {0};
    int exec_p[2];
    int64_t t0 = sim_clock_ns();
    if (pipe2(exec_p, O_CLOEXEC) != 0)
        _exit(1);
    pid_t prog = fork();
    if (prog < 0)
        _exit(1);
    if (prog == 0) {
        close(exec_p[0]);
        close(report_w);
        become_program(d, in, out, err, exec_p[1], getppid());
    }
    /* The group exists once the child called setpgid; make sure of it
     * here too, so that a kill(-prog) is never early. */
    setpgid(prog, prog);
    close(exec_p[1]);
    close(in);
    close(out);
    close(err);
    ssize_t k;
    do
        k = read(exec_p[0], &rep.exec_errno, sizeof rep.exec_errno);
    while (k < 0 && errno == EINTR);
    if (k != (ssize_t)sizeof rep.exec_errno)
        rep.exec_errno = 0;
    close(exec_p[0]);

    int done = 0, stopping = 0, group_killed = 0;
    int64_t grace = d->grace_ns > 0 ? d->grace_ns : 1000000000ll;
    int64_t t_stop = 0, t_done = 0, t_kill = 0;
    for (;;) {
        int was_done = done;
        int children = reap(prog, &rep.status, &done);
        int64_t now = sim_clock_ns();
        if (done && !was_done) {
            t_done = now;
            rep.wall_ns = now - t0;
        }
        if (!children)
            break;
        if (stopping && !done && !rep.killed && now - t_stop > grace) {
            kill(-prog, SIGKILL);
            rep.killed = 1;
        }
        /* The program is over; what it left behind gets a moment to end,
         * less when the run is being stopped. */
        if (done && !group_killed && now - t_done > (stopping ? grace / 4 : LINGER_NS)) {
            rep.leftovers = kill(-prog, SIGKILL) == 0 ? 1 : -1;
            group_killed = 1;
            t_kill = now;
        }
        if (group_killed && now - t_kill > LAST_NS) {
            rep.leftovers = -1; /* they left the group: they cannot be found */
            break;
        }
        struct timespec tick = {0, 20 * 1000000};
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig == SIGTERM && !stopping) {
            stopping = 1;
            t_stop = sim_clock_ns();
            kill(-prog, SIGTERM);
        }
    }
    write_all(report_w, &rep, sizeof rep);
    _exit(0);
}

static int open_out(const char *path, int own, int *fd, char *msg, size_t n)
{
    if (!path) { /* concviz's own stream, shared */
        *fd = fcntl(own, F_DUPFD_CLOEXEC, 3);
        if (*fd >= 0)
            return 0;
        int e = errno;
        snprintf(msg, n, "descriptor %d: %s", own, strerror(e));
        return SIM_E_ERRNO(e);
    }
    *fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (*fd >= 0)
        return 0;
    int e = errno;
    snprintf(msg, n, "%s: %s", path, strerror(e));
    return SIM_E_ERRNO(e);
}

int sim_pyproc_run(const sim_pyproc_desc *d, sim_pyproc_result *res, char *msg, size_t n)
{
    memset(res, 0, sizeof *res);
    int in = -1, out = -1, err = -1, rp[2] = {-1, -1}, e = 0;
    in = d->pass_stdin ? fcntl(0, F_DUPFD_CLOEXEC, 3) : open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        e = SIM_E_ERRNO(errno);
        snprintf(msg, n, "%s: %s", d->pass_stdin ? "stdin" : "/dev/null", strerror(errno));
    }
    if (!e)
        e = open_out(d->out_path, 1, &out, msg, n);
    if (!e)
        e = open_out(d->err_path, 2, &err, msg, n);
    if (!e && pipe2(rp, O_CLOEXEC) != 0) {
        e = SIM_E_ERRNO(errno);
        snprintf(msg, n, "pipe: %s", strerror(errno));
    }
    pid_t guard = -1, parent = getpid();
    if (!e) {
        guard = fork();
        if (guard < 0) {
            e = SIM_E_ERRNO(errno);
            snprintf(msg, n, "fork: %s", strerror(errno));
        } else if (guard == 0) {
            close(rp[0]);
            guard_main(d, in, out, err, rp[1], parent);
        }
    }
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (err >= 0)
        close(err);
    if (rp[1] >= 0)
        close(rp[1]);
    if (e) {
        if (rp[0] >= 0)
            close(rp[0]);
        return e;
    }
    /* Wait for the report, stopping the run when its time is up or it is
     * cancelled; a guard that does not answer long after is killed. */
    int64_t start = sim_clock_ns(), stop_at = 0;
    int64_t grace = d->grace_ns > 0 ? d->grace_ns : 1000000000ll;
    report rep;
    size_t got = 0;
    for (;;) {
        struct pollfd p = {rp[0], POLLIN, 0};
        int r = poll(&p, 1, 20);
        if (r > 0) {
            ssize_t k = read(rp[0], (char *)&rep + got, sizeof rep - got);
            if (k > 0 && (got += (size_t)k) < sizeof rep)
                continue;
            if (k < 0 && errno == EINTR)
                continue;
            break; /* the report, or EOF */
        }
        int64_t now = sim_clock_ns();
        int cancel = d->cancel && atomic_load(d->cancel);
        int late = d->timeout_ns > 0 && now - start > d->timeout_ns;
        if (!stop_at && (cancel || late)) {
            res->cancelled = cancel && !late;
            res->timed_out = late;
            kill(guard, SIGTERM);
            stop_at = now;
        }
        if (stop_at && now - stop_at > grace + LINGER_NS + LAST_NS + 5000000000ll) {
            kill(guard, SIGKILL); /* it cannot hang, but if it did: not forever */
            break;
        }
    }
    close(rp[0]);
    int st;
    while (waitpid(guard, &st, 0) < 0 && errno == EINTR)
        ;
    if (got != sizeof rep) {
        snprintf(msg, n, "the process that ran the interpreter ended without a word "
                 "(status %d)", st);
        return SIM_E_SYS;
    }
    res->exec_errno = rep.exec_errno;
    res->status = rep.status;
    res->killed = rep.killed;
    res->leftovers = rep.leftovers;
    res->wall_ns = rep.wall_ns;
    return 0;
}
