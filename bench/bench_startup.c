/* bench_startup.c - start-up to the first frame drawn, of the real window.
 *
 * Starts the `concviz` binary given as the argument, with no subcommand
 * (the window, running the default comparison), under SDL's "dummy" video
 * driver so that no display is needed, and with CONCVIZ_FIRST_FRAME_FD
 * naming the write end of a pipe: window.c writes CLOCK_MONOTONIC there
 * right after its first SDL_RenderPresent and then closes. The figure is
 * that time minus the time just before fork, so it includes fork, exec,
 * the dynamic loader, SDL and font start-up, and whatever the app does
 * before its first frame. The dummy driver skips the display server's own
 * start-up cost, which a real desktop adds (a few ms to tens of ms).
 * It measures; it does not assert.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define RUNS 11

/* One start: the ms from fork to the first frame, or -1. */
static double one(const char *exe)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    double t0 = bench_now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        char num[16];
        close(fd[0]);
        snprintf(num, sizeof num, "%d", fd[1]);
        setenv("CONCVIZ_FIRST_FRAME_FD", num, 1);
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        execl(exe, exe, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    /* One line; not "until EOF": worker processes of the run inherit the
     * write end and may outlive the window by a moment. */
    char buf[64];
    size_t got = 0;
    while (got < sizeof buf - 1 && !memchr(buf, '\n', got)) {
        ssize_t n = read(fd[0], buf + got, sizeof buf - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = 0;
    close(fd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!memchr(buf, '\n', got)) {
        fprintf(stderr, "bench_startup: %s drew no frame (exit status %d)\n", exe,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    double t1 = strtod(buf, NULL);
    return (t1 - t0) / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_startup PATH-TO-CONCVIZ\n");
        return 2;
    }
    double ms[RUNS];
    int n = 0;
    one(argv[1]); /* warms the page cache; not counted */
    for (int i = 0; i < RUNS; i++) {
        double v = one(argv[1]);
        if (v < 0)
            return 1;
        ms[n++] = v;
    }
    bench_stats st = bench_stats_of(ms, n);
    bench_report("start-up to the first frame drawn (window, dummy video driver)", "ms",
                 st, 200, "<= 200 ms", "fork + exec to the first SDL_RenderPresent");
    return 0;
}
