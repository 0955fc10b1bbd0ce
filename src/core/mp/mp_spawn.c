/* mp_spawn.c - the spawn start method: a worker that is a new program image.
 *
 * CPython's spawn starts a fresh interpreter (`python -c 'from
 * multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=7)'
 * --multiprocessing-fork`), writes the pickled preparation data and the
 * Process object into a pipe, and the child reads them back, imports the
 * main module again and unpickles its work before it can run anything.
 * concviz does the same, in C:
 *
 *   1. the forkserver helper forks a child (forkserver.c), which writes one
 *      message into a new pipe: who the worker is, when it was forked, the
 *      numbers of the files it inherits, the job and the workload spec;
 *   2. the child clears close-on-exec on those files and on the pipe's read
 *      end, and execs /proc/self/exe (this very program, whatever its name
 *      or path) as `PROGRAM __worker FD`;
 *   3. the new image's main() calls sim_spawn_worker_main() before anything
 *      else; it reads the message, checks it comes from concviz, ties its
 *      life to the helper again and runs the same worker loop as the other
 *      methods, which parses the workload again (the honest analogue of
 *      unpickling).
 *
 * The start cost the worker records therefore covers fork, exec, loading
 * the program and its shared libraries, and reading and parsing its work:
 * what makes spawn the slowest method in Python too.
 *
 * Nothing may outlive concviz: the parent-death signal survives exec, but
 * the worker sets it again once it runs and then checks that its parent is
 * still the helper that forked it (if the helper died in between, the
 * signal would never come).
 */
#include "mp_start.h"

#include "fdio.h"
#include "mp_spawn.h"
#include "start_method.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workload.h"

#define SPAWN_MAGIC 0x77767a63u /* "czvw" */

/* The message on the pipe, followed by job.spec_len bytes of spec. */
typedef struct spawn_msg {
    uint32_t magic;
    uint32_t index;       /* the worker's number in its pool */
    int64_t t_fork_abs;   /* CLOCK_MONOTONIC just before the helper forked */
    int32_t parent;       /* the helper's pid */
    int32_t fds[3];       /* memfd, task pipe read end, result pipe write end */
    sim_mp_job job;
} spawn_msg;

_Noreturn void sim_mp_spawn_exec(const sim_mp_job *job, const char *spec,
                                 const int fds[3], uint32_t index,
                                 int64_t t_fork_abs, pid_t parent)
{
    /* The read end is inherited across exec; the write end is not. */
    int p[2];
    if (pipe(p) != 0 || fcntl(p[1], F_SETFD, FD_CLOEXEC) != 0)
        _exit(1);
    spawn_msg m = {.magic = SPAWN_MAGIC, .index = index, .t_fork_abs = t_fork_abs,
                   .parent = (int32_t)parent, .job = *job};
    memcpy(m.fds, fds, sizeof m.fds);
    /* The whole message goes in before exec, so it must fit in the pipe
     * (64 KiB by default; a spec may be 64 KiB on its own). */
    size_t need = sizeof m + job->spec_len;
    if (need > 65536 && fcntl(p[1], F_SETPIPE_SZ, (int)need) < 0)
        _exit(1);
    if (sim_fd_write_all(p[1], &m, sizeof m, NULL) != 0 ||
        sim_fd_write_all(p[1], spec, job->spec_len, NULL) != 0)
        _exit(1);
    close(p[1]);
    for (int i = 0; i < 3; i++)
        if (fcntl(fds[i], F_SETFD, 0) != 0)
            _exit(1);
    char arg[16];
    snprintf(arg, sizeof arg, "%d", p[0]);
    char *argv[] = {"concviz", SIM_WORKER_ARG, arg, NULL};
    execv("/proc/self/exe", argv);
    _exit(1);
}

static int refuse(const char *why)
{
    fprintf(stderr,
            "concviz: '%s' is the worker mode of the spawn start method: concviz "
            "starts it itself and hands it its work on an inherited pipe; it "
            "cannot be run by hand (%s)\n",
            SIM_WORKER_ARG, why);
    return 2;
}

int sim_spawn_worker_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], SIM_WORKER_ARG) != 0)
        return -1;
    if (argc != 3)
        return refuse("it takes exactly one argument, a pipe's descriptor");
    char *end;
    errno = 0;
    long fd = strtol(argv[2], &end, 10);
    struct stat st;
    /* 0..2 are the standard streams: a terminal is never our pipe. */
    if (errno || end == argv[2] || *end || fd < 3 || fd > 65535 ||
        fstat((int)fd, &st) != 0 || !S_ISFIFO(st.st_mode))
        return refuse("no pipe from concviz on that descriptor");
    /* The whole message was written before exec: it is there now, or the
     * pipe is not ours. Never block on a stranger's pipe. */
    spawn_msg m;
    if (fcntl((int)fd, F_SETFL, O_NONBLOCK) != 0 ||
        sim_fd_read_all((int)fd, &m, sizeof m, NULL) != 0 || m.magic != SPAWN_MAGIC ||
        m.job.spec_len > SIM_MAX_SPEC_LEN)
        return refuse("the pipe does not carry a worker's job");
    char *spec = malloc((size_t)m.job.spec_len + 1);
    if (!spec)
        return 1;
    if (sim_fd_read_all((int)fd, spec, m.job.spec_len, NULL) != 0) {
        free(spec);
        return refuse("the job on the pipe is cut short");
    }
    spec[m.job.spec_len] = '\0';
    close((int)fd);
    /* Die with the helper, and check it did not die already. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != (pid_t)m.parent) {
        free(spec);
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        if (fcntl(m.fds[i], F_SETFD, FD_CLOEXEC) != 0) {
            free(spec);
            return refuse("the job's files were not inherited");
        }
    }
    int code = sim_mp_worker_main(&m.job, spec, m.fds[0], m.fds[1], m.fds[2], m.index,
                                  m.t_fork_abs);
    free(spec);
    return code;
}
