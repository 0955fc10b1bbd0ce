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
 * every exit, with the same starter code as the helper (mp_starter.c); this
 * file keeps the thread's loop and how its child becomes a worker.
 * Python's Pool has the same kind of helper thread (its worker
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
#include "mp_starter.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "engine.h"
#include "err.h"
#include "workload.h"

#define SWEEP_MS 5 /* without pidfds: how often to look for exited workers */

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
static void become_worker(void *ctx, const sim_mp_starter *st, const sim_mp_job *job,
                          const char *spec, uint32_t k, int64_t t_fork)
{
    (void)ctx;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != st->self)
        _exit(1);
    keep_only(st->fds);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    signal(SIGINT, SIG_IGN); /* as the helper's workers: Ctrl-C is concviz's */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    _exit(sim_mp_worker_main(job, spec, st->fds[0], st->fds[1], st->fds[2], k, t_fork));
}

static void *forker_main(void *arg)
{
    sim_mp_forker *fk = arg;
    sim_mp_starter f;
    sim_mp_starter_init(&f, fk->sock, 1, become_worker, NULL);
    char *buf = malloc(SIM_MP_MAX_MSG + 1);
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
        sim_mp_starter_reap(&f, 0);
        if (r > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            open = sim_mp_starter_serve(&f, buf);
    }
    /* The engine closed its end (or something broke): nothing outlives us. */
    sim_mp_starter_finish(&f);
    free(buf);
    return NULL;
}

int sim_mp_forker_start(sim_mp_forker *fk)
{
    fk->fs.pid = 0;
    fk->fs.sock = fk->sock = -1;
    fk->running = 0;
    int sv[2];
    if (sim_mp_starter_socketpair(sv) != 0)
        return SIM_E_SYS;
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
