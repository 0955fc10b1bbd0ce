/* mp_fork.c - the fork start method: workers forked from concviz itself.
 *
 * Python's "fork" start method calls fork() in the parent: the child is a
 * copy-on-write copy of the whole parent, ready at once, with no need to
 * send it its work. Cheap for a small parent; the bigger the parent (a
 * window, fonts, a long trace), the more page tables fork() must copy.
 *
 * To keep one protocol for every start method, the forking is done by a
 * thread of this process that speaks the forkserver's protocol
 * (mp_proto.h) over a socket pair: it receives the run request with its
 * files, forks the workers, reaps them and sends a note for every fork and
 * every exit. Python's Pool has the same kind of helper thread (its worker
 * handler, which joins exited workers). The engine cannot tell it from the
 * helper process, except that there is no helper pid to kill.
 *
 * It waits for its own children only (a pidfd per worker, polled with the
 * socket; every few ms with WNOHANG where the kernel has no pidfds), never
 * for "any child": the forkserver helper is a child of this process too.
 *
 * Limits, as in CPython (which warns about fork with threads since 3.12):
 * the child of a multi-threaded process holds only the forking thread. It
 * runs the worker loop at once, which takes no lock another thread could
 * have held except malloc's and stdio's, which glibc resets in the child.
 * Each worker asks for SIGKILL when the thread that forked it ends
 * (PR_SET_PDEATHSIG follows the thread), so the thread lives until every
 * worker is reaped; a `kill -9` of concviz ends it, and so the workers.
 */
#include "mp_start.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "err.h"
#include "rec.h"
#include "workload.h"

#define MAX_MSG (sizeof(sim_mp_job) + SIM_MAX_SPEC_LEN + 1)
#define SWEEP_MS 5 /* without pidfds: how often to look for exited workers */

typedef struct forker {
    int sock;
    pid_t self;
    int active;
    int fds[3];       /* memfd, task pipe read end, result pipe write end */
    pid_t *pids;      /* per worker; 0 once reaped */
    int *pidfds;      /* per worker; -1 when none */
    uint32_t n, alive;
} forker;

static void note(forker *f, uint32_t kind, uint32_t index, pid_t pid, int status,
                 int err)
{
    sim_mp_note m = {.kind = kind, .index = index, .pid = (int32_t)pid,
                     .status = status, .err = err};
    ssize_t r;
    do
        r = send(f->sock, &m, sizeof m, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
}

static void close_fds(int fds[3])
{
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

static void end_run(forker *f)
{
    close_fds(f->fds);
    free(f->pids);
    free(f->pidfds);
    f->pids = NULL;
    f->pidfds = NULL;
    f->n = f->alive = 0;
    f->active = 0;
    note(f, SIM_FS_IDLE, 0, 0, 0, 0);
}

static void kill_all(forker *f)
{
    for (uint32_t k = 0; k < f->n; k++)
        if (f->pids[k] > 0)
            kill(f->pids[k], SIGKILL);
}

static void reap(forker *f, int block)
{
    for (uint32_t k = 0; k < f->n && f->alive > 0; k++) {
        if (f->pids[k] <= 0)
            continue;
        int st;
        pid_t p;
        do
            p = waitpid(f->pids[k], &st, block ? 0 : WNOHANG);
        while (p < 0 && errno == EINTR);
        if (p != f->pids[k])
            continue;
        note(f, SIM_FS_EXITED, k, p, st, 0);
        f->pids[k] = 0;
        f->alive--;
        if (f->pidfds[k] >= 0)
            close(f->pidfds[k]);
        f->pidfds[k] = -1;
    }
    if (f->active && f->alive == 0)
        end_run(f);
}

/* Closes every descriptor but the three a worker needs. */
static void keep_only(const int fds[3])
{
    int k[3] = {fds[0], fds[1], fds[2]};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (k[j] < k[i]) {
                int t = k[i];
                k[i] = k[j];
                k[j] = t;
            }
    unsigned from = 3;
    for (int i = 0; i < 3; i++) {
        if ((unsigned)k[i] > from)
            close_range(from, (unsigned)k[i] - 1, 0);
        if ((unsigned)k[i] + 1 > from)
            from = (unsigned)k[i] + 1;
    }
    close_range(from, ~0u, 0);
}

/* In the child: die with the forking thread, drop everything of the
 * parent's but the run's three files and the copied memory, and run. */
static _Noreturn void become_worker(forker *f, const sim_mp_job *job, const char *spec,
                                    uint32_t k, int64_t t_fork)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != f->self)
        _exit(1);
    keep_only(f->fds);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    signal(SIGINT, SIG_IGN); /* as the helper's workers: Ctrl-C is concviz's */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    _exit(sim_mp_worker_main(job, spec, f->fds[0], f->fds[1], f->fds[2], k, t_fork));
}

static void start_run(forker *f, const sim_mp_job *job, const char *spec, int fds[3])
{
    if (f->active || job->nworkers == 0) {
        close_fds(fds);
        note(f, SIM_FS_FAILED, 0, 0, 0, f->active ? EBUSY : EINVAL);
        return;
    }
    f->pids = calloc(job->nworkers, sizeof *f->pids);
    f->pidfds = malloc(job->nworkers * sizeof *f->pidfds);
    if (!f->pids || !f->pidfds) {
        free(f->pids);
        free(f->pidfds);
        f->pids = NULL;
        f->pidfds = NULL;
        close_fds(fds);
        note(f, SIM_FS_FAILED, 0, 0, 0, ENOMEM);
        return;
    }
    memcpy(f->fds, fds, sizeof f->fds);
    f->n = job->nworkers;
    f->alive = 0;
    f->active = 1;
    for (uint32_t k = 0; k < f->n; k++) {
        f->pidfds[k] = -1;
        int64_t t_fork = sim_clock_ns(); /* the start cost covers fork() */
        pid_t p = fork();
        if (p == 0)
            become_worker(f, job, spec, k, t_fork);
        if (p < 0) {
            note(f, SIM_FS_FAILED, k, 0, 0, errno);
            kill_all(f);
            break;
        }
        f->pids[k] = p;
        f->alive++;
        f->pidfds[k] = (int)syscall(SYS_pidfd_open, p, 0);
        note(f, SIM_FS_SPAWNED, k, p, 0, 0);
    }
    if (f->alive == 0)
        end_run(f);
}

/* Reads one request; returns 0 at EOF (the engine is done with us). */
static int serve(forker *f, char *buf)
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
    ssize_t n = recvmsg(f->sock, &m, MSG_CMSG_CLOEXEC);
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
        close_fds(fds);
        return 1;
    }
    memcpy(&job, buf, sizeof job);
    if (job.kind == SIM_FS_KILL) {
        close_fds(fds);
        if (f->active)
            kill_all(f);
    } else if (job.kind == SIM_FS_RUN && nfds == 3 &&
               (size_t)n == sizeof job + job.spec_len) {
        buf[n] = '\0';
        start_run(f, &job, buf + sizeof job, fds);
    } else {
        close_fds(fds);
        note(f, SIM_FS_FAILED, 0, 0, 0, EPROTO);
    }
    return 1;
}

static void *forker_main(void *arg)
{
    sim_mp_forker *fk = arg;
    forker f = {.sock = fk->sock, .self = getpid(), .fds = {-1, -1, -1}};
    char *buf = malloc(MAX_MSG + 1);
    struct pollfd p[1 + SIM_MAX_WORKERS];
    for (int open = buf != NULL; open;) {
        nfds_t np = 0;
        p[np++] = (struct pollfd){f.sock, POLLIN, 0};
        int sweep = 0;
        for (uint32_t k = 0; k < f.n; k++) {
            if (f.pids[k] <= 0)
                continue;
            if (f.pidfds[k] >= 0 && np < sizeof p / sizeof p[0])
                p[np++] = (struct pollfd){f.pidfds[k], POLLIN, 0};
            else
                sweep = 1;
        }
        int r = poll(p, np, sweep ? SWEEP_MS : 1000);
        if (r < 0 && errno != EINTR)
            break;
        reap(&f, 0);
        if (r > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            open = serve(&f, buf);
    }
    /* The engine closed its end (or something broke): nothing outlives us. */
    if (f.active) {
        kill_all(&f);
        reap(&f, 1);
    }
    free(buf);
    return NULL;
}

int sim_mp_forker_start(sim_mp_forker *fk)
{
    fk->fs.pid = 0;
    fk->fs.sock = fk->sock = -1;
    fk->running = 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return SIM_E_SYS;
    int size = (int)(2 * MAX_MSG);
    for (int i = 0; i < 2; i++) {
        setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    fk->fs.sock = sv[0];
    fk->sock = sv[1];
    int e = pthread_create(&fk->thread, NULL, forker_main, fk);
    if (e != 0) {
        close(sv[0]);
        close(sv[1]);
        fk->fs.sock = fk->sock = -1;
        errno = e;
        return SIM_E_SYS;
    }
    fk->running = 1;
    return SIM_OK;
}

void sim_mp_forker_stop(sim_mp_forker *fk)
{
    if (fk->fs.sock >= 0)
        close(fk->fs.sock);
    fk->fs.sock = -1;
    if (fk->running) {
        int e = pthread_join(fk->thread, NULL);
        if (e != 0)
            abort(); /* a programmer's error: joined twice, or never started */
        fk->running = 0;
    }
    if (fk->sock >= 0)
        close(fk->sock);
    fk->sock = -1;
}
