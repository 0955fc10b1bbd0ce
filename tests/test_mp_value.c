/* test_mp_value.c - a multiprocessing.Value's own lock (mp_shared.c):
 * each read and each write of shared.NAME takes it, does its share of the
 * access's work holding it, and lets it go; a second taker waits for it and
 * is told how long; a plain variable has no lock; and the step interpreter
 * takes it around the read and the write of `inc`, not around both (so
 * that two processes still lose updates, as CPython's do).
 *
 * The lock is a process-shared mutex in the engine's shared region; here
 * two threads of one process stand in for two processes (the mutex does
 * not tell them apart), with a region of this test's own.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
/* mp's own headers: what this test checks is private to mp. */
#include "src/core/mp/private/mp_region.h"
#include "src/core/mp/private/mp_shared.h"
#include "step.h"
#include "stop.h"
#include "test.h"
#include "workload.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

typedef struct taker {
    sim_mpshare_w *s;
    uint32_t name;
    atomic_int done;
    int64_t waited, returned_ns;
} taker;

static void *take_main(void *arg)
{
    taker *k = arg;
    k->waited = sim_mpshare_value_guard(k->s, k->name, 1, 0);
    k->returned_ns = sim_clock_ns();
    atomic_store(&k->done, 1);
    sim_mpshare_value_guard(k->s, k->name, 0, 0);
    return NULL;
}

/* A fake engine for sim_step_run: two variables, and a guard that
 * writes what it sees ("T0": take, the variable at 0; "G1": give, at 1;
 * lower case for the plain variable). */
typedef struct step_log {
    _Atomic int64_t vars[4];
    uint32_t hits;
    char text[128];
    size_t len;
} step_log;

static _Atomic int64_t *log_var(void *eng, sim_task_run *r, uint32_t name)
{
    (void)r;
    return &((step_log *)eng)->vars[name];
}

static int64_t log_guard(void *eng, sim_task_run *r, uint32_t name, int take, uint32_t units)
{
    (void)r, (void)units;
    step_log *l = eng;
    char c = take ? 'T' : 'G';
    if (name != l->hits)
        c = (char)(c - 'A' + 'a');
    l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, "%c%lld ", c,
                               (long long)atomic_load(&l->vars[name]));
    return 0;
}

/* The index of name `name` in the workload. */
static uint32_t name_of(const sim_workload *w, const char *name)
{
    for (uint32_t i = 0; i < w->nnames; i++)
        if (strcmp(w->names[i].name, name) == 0)
            return i;
    ASSERT_MSG(0, "no name %s", name);
    return 0;
}

int main(void)
{
    sim_workload w;
    sim_parse_error perr;
    ASSERT_INT_EQ(sim_workload_parse(&w, "2*(inc:shared.hits, inc:plain)", &perr), SIM_OK);
    uint32_t hits = name_of(&w, "shared.hits"), plain = name_of(&w, "plain");
    ASSERT(w.names[hits].shared && !w.names[plain].shared);

    /* A region of this test's own, its mutexes as the engine makes them. */
    sim_mp_region *reg = calloc(1, sizeof *reg + 4 * sizeof(uint32_t));
    ASSERT(reg);
    pthread_mutexattr_t ma;
    ASSERT_INT_EQ(pthread_mutexattr_init(&ma), 0);
    ASSERT_INT_EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
    ASSERT_INT_EQ(pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST), 0);
    for (uint32_t i = 0; i < w.nnames; i++)
        ASSERT_INT_EQ(pthread_mutex_init(&reg->obj[i].m, &ma), 0);
    sim_mpshare_w s = {.w = &w, .reg = reg};

    /* Free: taken at once (no wait), held, let go. */
    ASSERT_INT_EQ(sim_mpshare_value_guard(&s, hits, 1, 1000), 0);
    ASSERT_INT_EQ(pthread_mutex_trylock(&reg->obj[hits].m), EBUSY);
    sim_mpshare_value_guard(&s, hits, 0, 0);
    ASSERT_INT_EQ(pthread_mutex_trylock(&reg->obj[hits].m), 0);
    ASSERT_INT_EQ(pthread_mutex_unlock(&reg->obj[hits].m), 0);

    /* A plain variable has no lock: nothing is taken. */
    ASSERT_INT_EQ(sim_mpshare_value_guard(&s, plain, 1, 0), 0);
    ASSERT_INT_EQ(pthread_mutex_trylock(&reg->obj[plain].m), 0);
    ASSERT_INT_EQ(pthread_mutex_unlock(&reg->obj[plain].m), 0);
    sim_mpshare_value_guard(&s, plain, 0, 0);

    /* Held by one, another waits until it is let go, and is told how
     * long it waited (the step interpreter leaves that out of its
     * account of concviz's own work). */
    ASSERT_INT_EQ(sim_mpshare_value_guard(&s, hits, 1, 0), 0);
    taker k = {.s = &s, .name = hits};
    atomic_init(&k.done, 0);
    pthread_t t;
    ASSERT_INT_EQ(pthread_create(&t, NULL, take_main, &k), 0);
    sleep_ms(30);
    ASSERT_INT_EQ(atomic_load(&k.done), 0);
    int64_t gave = sim_clock_ns();
    sim_mpshare_value_guard(&s, hits, 0, 0);
    ASSERT_INT_EQ(pthread_join(t, NULL), 0);
    ASSERT(k.returned_ns >= gave);
    ASSERT_MSG(k.waited >= 25000000, "waited %lld ns for a lock held 30 ms",
               (long long)k.waited);

    /* Under the step interpreter: the lock is taken around the read and
     * around the write of each inc, never across both: a guard that
     * records the variable's value at each take and give sees it
     * unchanged through the first pair and changed within the second. */
    step_log log = {0};
    static const sim_step_ops ops = {.var = log_var, .guard = log_guard};
    sim_stop stop;
    sim_stop_init(&stop, NULL, 0, NULL);
    sim_task_run run;
    sim_task_run_init(&run, &w, 0);
    log.hits = hits;
    ASSERT_INT_EQ(sim_step_run(&ops, &log, &stop, &w, NULL, &run, NULL), SIM_STEP_DONE);
    /* inc:shared.hits: take 0, give 0 (the read), take 0, give 1 (the
     * write); inc:plain: a take and a give of its own, which the engine's
     * guard ignores (above), here logged with the plain variable's value */
    static const char want[] = "T0 G0 T0 G1 t0 g0 t0 g1 ";
    ASSERT_STR_EQ(log.text, want);
    pthread_mutex_destroy(&reg->obj[hits].m);
    pthread_mutex_destroy(&reg->obj[plain].m);
    pthread_mutexattr_destroy(&ma);
    free(reg);
    sim_workload_free(&w);
    TEST_DONE();
}
