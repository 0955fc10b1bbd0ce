/* mp_spawn.h - the spawn start method's other half: the exec'd worker.
 *
 * Like a Python program, which must guard its entry point with
 * `if __name__ == "__main__":` for spawn to work, a program that runs the
 * spawn start method must call sim_spawn_worker_main() first thing in
 * main(): the exec'd worker is that same program, started as
 * `PROGRAM __worker FD`.
 */
#ifndef SIM_MP_SPAWN_H
#define SIM_MP_SPAWN_H

/* The hidden first argument of an exec'd worker. */
#define SIM_WORKER_ARG "__worker"

/* If argv[1] is SIM_WORKER_ARG, runs the worker (or refuses, with a
 * message on stderr, when it was not started by concviz) and returns its
 * exit status (0 .. 5; 2 when refused). Returns -1 for any other argv:
 * the program then goes on as usual. */
int sim_spawn_worker_main(int argc, char **argv);

#endif
