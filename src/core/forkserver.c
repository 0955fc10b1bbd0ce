/* forkserver.c - a small helper process that forks the workers.
 *
 * fork() copies the caller's page tables: the bigger concviz grows (a long
 * trace, a window, fonts), the longer each worker takes to start. So, as
 * Python's forkserver does, concviz forks one tiny helper first thing in
 * main(), while it is still small, and later asks it over a Unix socket to
 * fork each run's workers. The files a run needs (the recording's memfd,
 * the task pipe's read end, the result pipe's write end) travel with the
 * request as SCM_RIGHTS, the kernel's way of passing open files between
 * processes.
 *
 * Nothing may outlive concviz, even after `kill -9`. Two links make sure:
 * the helper asks the kernel for SIGKILL when its parent dies
 * (PR_SET_PDEATHSIG), and each worker asks the same of the helper. A
 * process whose parent died before the prctl took effect notices, because
 * getppid() no longer names the parent it was forked from, and leaves.
 * Limit: Linux sends the death signal when the parent THREAD that forked
 * ends, so the helper must be started from a thread that lives as long as
 * the helper is needed (main(), or the engine's own thread for one run).
 *
 * The helper serves one run at a time. It reaps its workers when SIGCHLD
 * arrives (through a signalfd, so the main loop is one poll()) and tells
 * the parent about every fork and every exit; SIM_FS_IDLE says a run is
 * completely over. It ignores SIGINT, like its workers: Ctrl-C in a
 * terminal reaches the whole process group, and it is concviz's to decide
 * what an interruption means (kill the run, report, exit 130).
 */
#include "forkserver.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "mp_proto.h"
#include "mp_start.h"
#include "rec.h"
#include "start_method.h"
#include "workload.h"

#define MAX_MSG (sizeof(sim_mp_job) + SIM_MAX_SPEC_LEN + 1)

/* --- the parent's side */

int sim_fs_send_run(sim_forkserver *fs, const sim_mp_job *job, const char *spec,
                    int memfd, int task_r, int res_w)
{
    struct iovec iov[2] = {
        {(void *)job, sizeof *job},
        {(void *)spec, job->spec_len},
    };
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr m = {0};
    m.msg_iov = iov;
    m.msg_iovlen = 2;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(3 * sizeof(int));
    int fds[3] = {memfd, task_r, res_w};
    memcpy(CMSG_DATA(h), fds, sizeof fds);
    ssize_t n;
    do
        n = sendmsg(fs->sock, &m, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

int sim_fs_send_kill(sim_forkserver *fs)
{
    sim_mp_job job = {.kind = SIM_FS_KILL};
    ssize_t n;
    do
        n = send(fs->sock, &job, sizeof job, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

/* --- the helper's side */

typedef struct helper {
    int sock;           /* to the parent */
    int sfd;            /* signalfd for SIGCHLD */
    pid_t self;
    /* The current run. */
    int active;
    int fds[3];         /* memfd, task pipe read end, result pipe write end */
    pid_t *pids;        /* per worker; 0 once reaped */
    uint32_t n, alive;
} helper;

static void note(helper *h, uint32_t kind, uint32_t index, pid_t pid, int status,
                 int err)
{
    sim_mp_note m = {.kind = kind, .index = index, .pid = (int32_t)pid,
                     .status = status, .err = err};
    ssize_t r;
    do
        r = send(h->sock, &m, sizeof m, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    /* A failed send means the parent is gone; the loop will see EOF. */
}

static void close_run_fds(int fds[3])
{
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

static void end_run(helper *h)
{
    close_run_fds(h->fds);
    free(h->pids);
    h->pids = NULL;
    h->n = h->alive = 0;
    h->active = 0;
    note(h, SIM_FS_IDLE, 0, 0, 0, 0);
}

static void kill_all(helper *h)
{
    for (uint32_t k = 0; k < h->n; k++)
        if (h->pids[k] > 0)
            kill(h->pids[k], SIGKILL);
}

static void reap(helper *h, int block)
{
    while (h->alive > 0) {
        int st;
        pid_t p = waitpid(-1, &st, block ? 0 : WNOHANG);
        if (p < 0 && errno == EINTR)
            continue;
        if (p <= 0)
            break;
        for (uint32_t k = 0; k < h->n; k++) {
            if (h->pids[k] == p) {
                h->pids[k] = 0;
                h->alive--;
                note(h, SIM_FS_EXITED, k, p, st, 0);
                break;
            }
        }
    }
    if (h->active && h->alive == 0)
        end_run(h);
}

/* In the freshly forked worker: tie its life to the helper, drop what
 * belongs to the helper, and run the worker loop. Never returns. */
static void become_worker(helper *h, const sim_mp_job *job, const char *spec,
                          uint32_t k, int64_t t_fork)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != h->self)
        _exit(1);
    close(h->sock);
    close(h->sfd);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (job->start == SIM_START_SPAWN) /* a new program image (mp_spawn.c) */
        sim_mp_spawn_exec(job, spec, h->fds, k, t_fork, h->self);
    _exit(sim_mp_worker_main(job, spec, h->fds[0], h->fds[1], h->fds[2], k, t_fork));
}

static void start_run(helper *h, const sim_mp_job *job, const char *spec, int fds[3])
{
    if (h->active || job->nworkers == 0) {
        close_run_fds(fds);
        note(h, SIM_FS_FAILED, 0, 0, 0, h->active ? EBUSY : EINVAL);
        return;
    }
    h->pids = calloc(job->nworkers, sizeof *h->pids);
    if (!h->pids) {
        close_run_fds(fds);
        note(h, SIM_FS_FAILED, 0, 0, 0, ENOMEM);
        return;
    }
    memcpy(h->fds, fds, sizeof h->fds);
    h->n = job->nworkers;
    h->alive = 0;
    h->active = 1;
    for (uint32_t k = 0; k < h->n; k++) {
        /* The fork time is taken here, so the start cost the worker
         * records covers fork() itself. */
        int64_t t_fork = sim_clock_ns();
        pid_t p = fork();
        if (p == 0)
            become_worker(h, job, spec, k, t_fork);
        if (p < 0) {
            note(h, SIM_FS_FAILED, k, 0, 0, errno);
            kill_all(h);
            break;
        }
        h->pids[k] = p;
        h->alive++;
        note(h, SIM_FS_SPAWNED, k, p, 0, 0);
    }
    if (h->alive == 0)
        end_run(h);
}

/* Reads one request; returns 0 on EOF or a fatal socket error. */
static int serve(helper *h, char *buf)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(8 * sizeof(int))];
    } ctl;
    struct iovec iov = {buf, MAX_MSG};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    ssize_t n = recvmsg(h->sock, &m, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return 0;
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
        if (h->active)
            kill_all(h);
    } else if (job.kind == SIM_FS_RUN && nfds == 3 &&
               (size_t)n == sizeof job + job.spec_len) {
        buf[n] = '\0';
        start_run(h, &job, buf + sizeof job, fds);
    } else {
        close_run_fds(fds);
        note(h, SIM_FS_FAILED, 0, 0, 0, EPROTO);
    }
    return 1;
}

static void close_others(int keep)
{
    if (keep > 3)
        close_range(3, (unsigned)keep - 1, 0);
    if (close_range((unsigned)keep + 1, ~0u, 0) == 0)
        return;
    /* An old kernel without close_range: the slow way. */
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        if (fd != keep)
            close(fd);
}

static void helper_main(int sock, pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(0);
    close_others(sock);
    /* The parent's handlers mean nothing here. */
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_SETMASK, &chld, NULL);

    helper h = {.sock = sock, .self = getpid(), .fds = {-1, -1, -1}};
    h.sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    char *buf = malloc(MAX_MSG + 1);
    if (h.sfd < 0 || !buf)
        _exit(1);
    for (;;) {
        struct pollfd p[2] = {{sock, POLLIN, 0}, {h.sfd, POLLIN, 0}};
        /* The timeout only guards against a lost SIGCHLD. */
        int r = poll(p, 2, 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (r >= 0 && (p[1].revents & POLLIN)) {
            struct signalfd_siginfo si;
            while (read(h.sfd, &si, sizeof si) == (ssize_t)sizeof si)
                ;
        }
        reap(&h, 0);
        if (r > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !serve(&h, buf))
            break;
    }
    /* The parent is gone or asked us to stop: nothing outlives us. */
    if (h.active) {
        kill_all(&h);
        reap(&h, 1);
    }
    _exit(0);
}

int sim_forkserver_start(sim_forkserver *fs)
{
    fs->pid = 0;
    fs->sock = -1;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return SIM_E_SYS;
    /* A request holds a whole workload spec: make room for it. */
    int size = (int)(2 * MAX_MSG);
    for (int i = 0; i < 2; i++) {
        setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return SIM_E_SYS;
    }
    if (pid == 0) {
        close(sv[0]);
        helper_main(sv[1], parent);
    }
    close(sv[1]);
    fs->pid = pid;
    fs->sock = sv[0];
    return SIM_OK;
}

void sim_forkserver_stop(sim_forkserver *fs)
{
    if (fs->sock >= 0)
        close(fs->sock);
    fs->sock = -1;
    if (fs->pid <= 0)
        return;
    /* EOF on its socket makes the helper kill its workers and exit; give
     * it two seconds, then insist. */
    for (int i = 0; i < 2000; i++) {
        pid_t p = waitpid(fs->pid, NULL, WNOHANG);
        if (p == fs->pid || (p < 0 && errno != EINTR)) {
            fs->pid = 0;
            return;
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    kill(fs->pid, SIGKILL);
    while (waitpid(fs->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    fs->pid = 0;
}
