/* mp_starter.c - the starter: serves run requests, forks, kills and reaps.
 *
 * The forkserver helper process (forkserver.c) and the fork method's
 * starter thread (mp_fork.c) do the same job for the engine, so they share
 * this code: read one request from the socket, with the run's three files
 * passed as SCM_RIGHTS; fork one child per worker; tell the engine about
 * every fork (SPAWNED) and every exit (EXITED), and that a run is over
 * (IDLE) once its last worker is reaped and its files are closed. A request
 * that makes no sense is answered with FAILED and an errno, never a crash:
 * the engine is trusted, but a protocol error must not leave files open.
 *
 * It only ever waits for its own workers' pids. In the helper they are its
 * only children, so "any child" would do; but the starter thread lives in
 * concviz itself, where the forkserver helper and other children must be
 * left alone. Limit: one run at a time (a second request gets EBUSY), as
 * the engine never asks for more.
 *
 * What differs between the two users is passed in: how a fresh child
 * becomes a worker (the helper may exec it for spawn; the thread must drop
 * concviz's files and signal handlers), and whether to keep a pidfd per
 * worker (the thread polls them, because it cannot use SIGCHLD: that
 * signal belongs to the whole process).
 */
#include "mp_starter.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rec.h"

static void note(sim_mp_starter *st, uint32_t kind, uint32_t index, pid_t pid,
                 int status, int err)
{
    sim_mp_note m = {.kind = kind, .index = index, .pid = (int32_t)pid,
                     .status = status, .err = err};
    ssize_t r;
    do
        r = send(st->sock, &m, sizeof m, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    /* A failed send means the engine is gone; the caller's loop sees EOF. */
}

static void close_run_fds(int fds[3])
{
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

static void free_run(sim_mp_starter *st)
{
    free(st->pids);
    free(st->pidfds);
    st->pids = NULL;
    st->pidfds = NULL;
    st->n = st->alive = 0;
    st->active = 0;
}

static void end_run(sim_mp_starter *st)
{
    close_run_fds(st->fds);
    free_run(st);
    note(st, SIM_FS_IDLE, 0, 0, 0, 0);
}

void sim_mp_starter_init(sim_mp_starter *st, int sock, int want_pidfds,
                         sim_mp_become_fn become, void *ctx)
{
    *st = (sim_mp_starter){.sock = sock, .self = getpid(),
                           .want_pidfds = want_pidfds, .become = become,
                           .ctx = ctx, .fds = {-1, -1, -1}};
}

void sim_mp_starter_kill(sim_mp_starter *st)
{
    for (uint32_t k = 0; k < st->n; k++)
        if (st->pids[k] > 0)
            kill(st->pids[k], SIGKILL);
}

void sim_mp_starter_reap(sim_mp_starter *st, int block)
{
    for (uint32_t k = 0; k < st->n && st->alive > 0; k++) {
        if (st->pids[k] <= 0)
            continue;
        int stat;
        pid_t p;
        do
            p = waitpid(st->pids[k], &stat, block ? 0 : WNOHANG);
        while (p < 0 && errno == EINTR);
        if (p != st->pids[k])
            continue;
        note(st, SIM_FS_EXITED, k, p, stat, 0);
        st->pids[k] = 0;
        st->alive--;
        if (st->pidfds && st->pidfds[k] >= 0)
            close(st->pidfds[k]);
        if (st->pidfds)
            st->pidfds[k] = -1;
    }
    if (st->active && st->alive == 0)
        end_run(st);
}

void sim_mp_starter_finish(sim_mp_starter *st)
{
    if (!st->active)
        return;
    sim_mp_starter_kill(st);
    sim_mp_starter_reap(st, 1);
}

static void start_run(sim_mp_starter *st, const sim_mp_job *job, const char *spec,
                      int fds[3])
{
    if (st->active || job->nworkers == 0) {
        close_run_fds(fds);
        note(st, SIM_FS_FAILED, 0, 0, 0, st->active ? EBUSY : EINVAL);
        return;
    }
    st->pids = calloc(job->nworkers, sizeof *st->pids);
    if (st->want_pidfds)
        st->pidfds = malloc(job->nworkers * sizeof *st->pidfds);
    if (!st->pids || (st->want_pidfds && !st->pidfds)) {
        free_run(st);
        close_run_fds(fds);
        note(st, SIM_FS_FAILED, 0, 0, 0, ENOMEM);
        return;
    }
    memcpy(st->fds, fds, sizeof st->fds);
    st->n = job->nworkers;
    st->alive = 0;
    st->active = 1;
    for (uint32_t k = 0; st->pidfds && k < st->n; k++)
        st->pidfds[k] = -1;
    for (uint32_t k = 0; k < st->n; k++) {
        /* The fork time is taken here, so the start cost the worker
         * records covers fork() itself. */
        int64_t t_fork = sim_clock_ns();
        pid_t p = fork();
        if (p == 0) {
            st->become(st->ctx, st, job, spec, k, t_fork);
            _exit(1);
        }
        if (p < 0) {
            note(st, SIM_FS_FAILED, k, 0, 0, errno);
            sim_mp_starter_kill(st);
            break;
        }
        st->pids[k] = p;
        st->alive++;
        if (st->pidfds)
            st->pidfds[k] = (int)syscall(SYS_pidfd_open, p, 0);
        note(st, SIM_FS_SPAWNED, k, p, 0, 0);
    }
    if (st->alive == 0)
        end_run(st);
}

int sim_mp_starter_serve(sim_mp_starter *st, char *buf)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(8 * sizeof(int))];
    } ctl;
    struct iovec iov = {buf, SIM_MP_MAX_MSG};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    ssize_t n = recvmsg(st->sock, &m, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return 0;
    /* Take the first three files; close any more, so none leaks. */
    int fds[3] = {-1, -1, -1};
    int nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < cnt; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (nfds < 3)
                fds[nfds++] = fd;
            else
                close(fd);
        }
    }
    sim_mp_job job;
    if ((size_t)n < sizeof job) {
        close_run_fds(fds);
        return 1;
    }
    memcpy(&job, buf, sizeof job);
    if (job.kind == SIM_FS_KILL) {
        close_run_fds(fds);
        if (st->active)
            sim_mp_starter_kill(st);
    } else if (job.kind == SIM_FS_RUN && nfds == 3 &&
               (size_t)n == sizeof job + job.spec_len) {
        buf[n] = '\0';
        start_run(st, &job, buf + sizeof job, fds);
    } else {
        close_run_fds(fds);
        note(st, SIM_FS_FAILED, 0, 0, 0, EPROTO);
    }
    return 1;
}

int sim_mp_starter_socketpair(int sv[2])
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    /* A request holds a whole workload spec: make room for it. */
    int size = (int)(2 * SIM_MP_MAX_MSG);
    for (int i = 0; i < 2; i++) {
        setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    return 0;
}
