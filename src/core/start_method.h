/* start_method.h - how the multiprocessing engine starts its workers.
 *
 * Python offers three start methods (multiprocessing.set_start_method),
 * and concviz runs each of them for real:
 *
 *   fork        the worker is a fork of concviz itself: a copy-on-write copy
 *               of the whole parent. Cheap for a small parent, dearer as the
 *               parent grows (its page tables are copied).
 *   forkserver  the worker is forked by a small helper process started at
 *               start-up (forkserver.h). The default, as in CPython on Linux
 *               since 3.14.
 *   spawn       a fresh program image: the helper forks and then execs
 *               concviz itself in a hidden worker mode, which reads its work
 *               from an inherited pipe and parses the workload again. The
 *               slowest to start, as in CPython (a new interpreter, the work
 *               unpickled). The default on macOS and Windows.
 *
 * Like a Python program, which must guard its entry point with
 * `if __name__ == "__main__":` for spawn to work, a program that runs the
 * spawn start method must call sim_spawn_worker_main() first thing in
 * main(): the exec'd worker is that same program, started as
 * `PROGRAM __worker FD`.
 */
#ifndef SIM_START_METHOD_H
#define SIM_START_METHOD_H

typedef enum sim_start_method {
    SIM_START_FORKSERVER = 0, /* the default: zero in a desc means this */
    SIM_START_FORK,
    SIM_START_SPAWN,
    SIM_START__COUNT
} sim_start_method;

/* "forkserver", "fork", "spawn". */
const char *sim_start_method_name(sim_start_method s);
/* Parses a start method's name; returns 0 and sets *s, or -1. */
int sim_start_method_parse(const char *name, sim_start_method *s);

/* The hidden first argument of an exec'd worker. */
#define SIM_WORKER_ARG "__worker"

/* If argv[1] is SIM_WORKER_ARG, runs the worker (or refuses, with a
 * message on stderr, when it was not started by concviz) and returns its
 * exit status (0 .. 5; 2 when refused). Returns -1 for any other argv:
 * the program then goes on as usual. */
int sim_spawn_worker_main(int argc, char **argv);

#endif
