/* app_signals.h - the one way concviz's commands notice Ctrl+C, SIGTERM
 * and a closed pipe, and the exit code each one ends with.
 *
 * A command that runs models, writes a file or keeps a window open calls
 * app_signals_block first thing, before any thread starts (threads inherit
 * the mask): SIGINT, SIGTERM and SIGPIPE then never interrupt anything.
 * They wait, pending, until the command asks with app_signals_poll (or
 * app_signals_wait_run, which also cancels the run), so no handler runs at
 * an awkward moment and no global flag is needed. At the end,
 * app_signals_drain takes what is still pending and leaves them blocked
 * until concviz exits, so that nothing can kill it once its work is done;
 * app_signals_restore, which puts the old mask back, is for a command that
 * gives up before its work starts. While SIGPIPE is blocked, a write to a
 * pipe nobody reads fails with EPIPE instead of killing concviz, and the
 * command says so.
 *
 * Only SIGKILL (and SIGSTOP) can still end concviz abruptly; what it leaves
 * then is covered elsewhere (atomic_file.h, PR_SET_PDEATHSIG in the helper).
 */
#ifndef APP_SIGNALS_H
#define APP_SIGNALS_H

#include <signal.h>
#include <stdint.h>

struct sim_run;

typedef struct app_signals {
    sigset_t set;   /* SIGINT, SIGTERM, SIGPIPE */
    sigset_t old;   /* the mask before app_signals_block */
    int got;        /* the first SIGINT or SIGTERM received, 0 while none */
    int pipe;       /* 1 once a SIGPIPE arrived (a reader went away) */
} app_signals;

/* Blocks SIGINT, SIGTERM and SIGPIPE in the calling thread (and so in every
 * thread it starts later). */
void app_signals_block(app_signals *s);

/* Waits at most wait_ns (0: just looks) for one of them. Returns the signal
 * that arrived (and records it in s->got or s->pipe), or 0. */
int app_signals_poll(app_signals *s, int64_t wait_ns);

/* Waits until the run is over; the first SIGINT or SIGTERM cancels it (the
 * engines stop as for the window's Stop button). A SIGPIPE is recorded and
 * the run goes on: a reader of stdout going away spoils only the output.
 * Meanwhile it reads the run into `c` (zeroed before the first call) every
 * few milliseconds and once more at the end (sim_run_sync), as a window
 * does: the recording's memory goes back as it is read, and the reading
 * overlaps the run's waits. *sync_rc gets 0, or the first failure of
 * sim_run_sync (no memory), after which `c` is not read any further.
 * Returns sim_run_wait's result. */
struct sim_comparison;
int app_signals_wait_run(app_signals *s, struct sim_run *r, struct sim_comparison *c,
                         int *sync_rc);

/* Takes whatever is still pending (recording it, so that a Ctrl+C pressed
 * while the last file was written is still reported) and restores the old
 * mask. Check s->got and s->pipe after this. */
void app_signals_restore(app_signals *s);
/* Takes what is pending and leaves the signals blocked: for a command that
 * is about to return and exit. Unblocked, a SIGTERM that came while it tore
 * its run down (or while a sanitizer checked for leaks at exit) would kill
 * it with nothing said, after its work was done; blocked, it is noted (and
 * gives the exit code) or, once noted no more, dropped at exit. */
void app_signals_drain(app_signals *s);

/* The exit code for a signal: APP_EXIT_SIGINT, _SIGTERM or _SIGPIPE. */
int app_signal_exit_code(int sig);

/* Says what happened on stderr, "concviz: interrupted (SIGINT): <what>",
 * and returns app_signal_exit_code(sig). `what` says what concviz did
 * about it ("the run was stopped cleanly; no process is left behind"). */
int app_signal_exit(int sig, const char *what);

#endif
