/* stop.c - the stop every engine asks about (see stop.h). */
#include "stop.h"

#include <errno.h>
#include <time.h>

#include "check.h"
#include "err.h"

void sim_stop_init(sim_stop *s, const atomic_int *cancel, int64_t deadline,
                   const sim_rec *rec)
{
    s->cancel = cancel;
    atomic_init(&s->halt, 0);
    s->deadline = deadline > 0 ? deadline : 0;
    s->rec = rec;
}

void sim_stop_halt(sim_stop *s, int why)
{
    int none = 0;
    if (why != 0)
        atomic_compare_exchange_strong(&s->halt, &none, why);
}

int sim_stop_check(sim_stop *s)
{
    int h = atomic_load_explicit(&s->halt, memory_order_relaxed);
    if (h)
        return h;
    if (s->cancel && atomic_load_explicit(s->cancel, memory_order_relaxed))
        sim_stop_halt(s, SIM_E_CANCELLED);
    else if (s->rec && atomic_load_explicit(&s->rec->head->full, memory_order_relaxed))
        sim_stop_halt(s, SIM_E_MEMLIMIT);
    else if (s->deadline > 0 && s->rec && sim_rec_now(s->rec) >= s->deadline)
        sim_stop_halt(s, SIM_E_TIMEOUT);
    return atomic_load_explicit(&s->halt, memory_order_relaxed);
}

int sim_stop_sleep_until(sim_stop *s, int64_t until)
{
    int64_t t0 = s->rec->head->t0_abs;
    for (;;) {
        int why = sim_stop_check(s);
        if (why)
            return why;
        int64_t now = sim_rec_now(s->rec);
        if (now >= until)
            return 0;
        int64_t wake = until - now > SIM_STOP_POLL_NS ? now + SIM_STOP_POLL_NS : until;
        if (s->deadline > 0 && wake > s->deadline)
            wake = s->deadline; /* wake for the timeout, not after it */
        struct timespec ts = sim_timespec(t0 + wake);
        int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        if (rc != 0 && rc != EINTR)
            return SIM_E_ERRNO(rc);
    }
}

int sim_stop_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return -1;
    int ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
             pthread_cond_init(c, &ca) == 0;
    sim_check(pthread_condattr_destroy(&ca), "pthread_condattr_destroy");
    return ok ? 0 : -1;
}

int sim_stop_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    struct timespec ts = sim_timespec(sim_clock_ns() + SIM_STOP_POLL_NS);
    int rc = pthread_cond_timedwait(c, m, &ts);
    if (rc == ETIMEDOUT)
        return 1;
    sim_check(rc, "pthread_cond_timedwait");
    return 0;
}
