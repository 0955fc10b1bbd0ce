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
 * completely over. Serving the requests, forking, killing and reaping are
 * the starter's (mp_starter.c), shared with the fork method's thread; this
 * file keeps the helper's own part: its birth, its loop, how its child
 * becomes a worker. It ignores SIGINT, like its workers: Ctrl-C in a
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
#include "mp_starter.h"
#include "start_method.h"

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

/* --- the helper's side: the starter (mp_starter.c) does the protocol */

/* In the freshly forked worker: tie its life to the helper, drop what
 * belongs to the helper, and run the worker loop. Never returns. */
static void become_worker(void *ctx, const sim_mp_starter *st, const sim_mp_job *job,
                          const char *spec, uint32_t k, int64_t t_fork)
{
    const int *sfd = ctx;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != st->self)
        _exit(1);
    close(st->sock);
    close(*sfd);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (job->start == SIM_START_SPAWN) /* a new program image (mp_spawn.c) */
        sim_mp_spawn_exec(job, spec, st->fds, k, t_fork, st->self);
    _exit(sim_mp_worker_main(job, spec, st->fds[0], st->fds[1], st->fds[2], k, t_fork));
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

    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    sim_mp_starter st;
    sim_mp_starter_init(&st, sock, 0, become_worker, &sfd);
    char *buf = malloc(SIM_MP_MAX_MSG + 1);
    if (sfd < 0 || !buf)
        _exit(1);
    for (;;) {
        struct pollfd p[2] = {{sock, POLLIN, 0}, {sfd, POLLIN, 0}};
        /* The timeout only guards against a lost SIGCHLD. */
        int r = poll(p, 2, 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (r >= 0 && (p[1].revents & POLLIN)) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                ;
        }
        sim_mp_starter_reap(&st, 0);
        if (r > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
            !sim_mp_starter_serve(&st, buf))
            break;
    }
    /* The parent is gone or asked us to stop: nothing outlives us. */
    sim_mp_starter_finish(&st);
    _exit(0);
}

int sim_forkserver_start(sim_forkserver *fs)
{
    fs->pid = 0;
    fs->sock = -1;
    int sv[2];
    if (sim_mp_starter_socketpair(sv) != 0)
        return SIM_E_SYS;
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
