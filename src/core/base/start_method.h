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
 * The exec'd worker's side is in mp/mp_spawn.h.
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

#endif
