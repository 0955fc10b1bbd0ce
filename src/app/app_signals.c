/* app_signals.c - SIGINT, SIGTERM and SIGPIPE, collected instead of handled.
 *
 * A signal handler interrupts whatever the thread was doing, and may only
 * call async-signal-safe functions; the usual way out is a global flag the
 * program polls. Blocking the signals and fetching them with sigtimedwait
 * gives the same "poll when convenient" without the flag and without the
 * handler: the signal simply waits, pending, until the main thread asks.
 * Every command that runs something long does it this way, so that Ctrl+C
 * means the same thing everywhere and exits with the same code.
 */
#include "app_signals.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "app.h"
#include "comparison.h"
#include "run.h"

void app_signals_block(app_signals *s)
{
    s->got = 0;
    s->pipe = 0;
    sigemptyset(&s->set);
    sigaddset(&s->set, SIGINT);
    sigaddset(&s->set, SIGTERM);
    sigaddset(&s->set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &s->set, &s->old);
}

static void record(app_signals *s, int sig)
{
    if (sig == SIGPIPE)
        s->pipe = 1;
    else if (sig > 0 && !s->got)
        s->got = sig;
}

int app_signals_poll(app_signals *s, int64_t wait_ns)
{
    struct timespec t = {(time_t)(wait_ns / 1000000000), (long)(wait_ns % 1000000000)};
    int sig = sigtimedwait(&s->set, NULL, &t);
    if (sig <= 0)
        return 0; /* EAGAIN: nothing came; EINTR: another signal, ask again later */
    record(s, sig);
    return sig;
}

/* How often a waiting command reads the run: often enough that the
 * recording a fast engine piles up meanwhile stays small (20 ms of a
 * loop recording 20 million events a second is 13 MB). */
#define SYNC_EVERY_NS (20 * 1000 * 1000)

int app_signals_wait_run(app_signals *s, sim_run *r, sim_comparison *c, int *sync_rc)
{
    int cancelled = 0;
    *sync_rc = 0;
    while (!atomic_load_explicit(&r->finished, memory_order_acquire)) {
        app_signals_poll(s, SYNC_EVERY_NS);
        if (s->got && !cancelled) {
            sim_run_cancel(r);
            cancelled = 1;
        }
        if (*sync_rc == 0 && (*sync_rc = sim_run_sync(r, c)) != 0 && !cancelled) {
            sim_run_cancel(r); /* nowhere to put what it records */
            cancelled = 1;
        }
    }
    int result = sim_run_wait(r);
    if (*sync_rc == 0)
        *sync_rc = sim_run_sync(r, c);
    return result;
}

void app_signals_drain(app_signals *s)
{
    while (app_signals_poll(s, 0) > 0)
        ;
}

void app_signals_restore(app_signals *s)
{
    while (app_signals_poll(s, 0) > 0)
        ;
    pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}

int app_signal_exit_code(int sig)
{
    switch (sig) {
    case SIGINT: return APP_EXIT_SIGINT;
    case SIGTERM: return APP_EXIT_SIGTERM;
    case SIGPIPE: return APP_EXIT_SIGPIPE;
    default: return APP_EXIT_RUNTIME;
    }
}

int app_signal_exit(int sig, const char *what)
{
    const char *name = sig == SIGINT    ? "interrupted (SIGINT)"
                       : sig == SIGTERM ? "terminated (SIGTERM)"
                       : sig == SIGPIPE ? "the output's reader went away (SIGPIPE)"
                                        : "stopped by a signal";
    fprintf(stderr, "concviz: %s: %s\n", name, what);
    return app_signal_exit_code(sig);
}
