/* bench_rec.c - the cost of recording one trace event on the hot path
 * (clock read + 32-byte store + release publish), and the child-to-parent
 * transport: a forked child records into the shared mapping while the
 * parent reads, with no pipe per event. */
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "rec.h"

enum { EVENTS = 1 << 20, RUNS = 15 };

/* A recording of EVENTS slots whose pages are touched already: we measure
 * recording, not page faults. */
static void warm_rec(sim_rec *rec, const sim_rec_desc *d)
{
    if (sim_rec_init(rec, d) != 0) {
        perror("sim_rec_init");
        exit(1);
    }
    for (int i = 0; i < EVENTS; i++)
        sim_rec_state(rec, 0, 0, i, SIM_ST_RUNNING, 0, SIM_NO_CPU);
    atomic_store(&rec->writers[0].count, 0);
}

static void bench_emit(const sim_calib *cal, const char *figure, const char *note)
{
    sim_rec_desc d = {.model = SIM_MODEL_ASYNCIO, .ntask_lanes = 1, .nwriters = 1,
                      .writer_cap = (uint64_t[]){EVENTS}, .calib = cal};
    double samples[RUNS];
    for (int r = 0; r < RUNS; r++) {
        sim_rec rec;
        warm_rec(&rec, &d);
        double t0 = bench_now_ns();
        for (int i = 0; i < EVENTS; i++)
            sim_rec_state(&rec, 0, 0, sim_rec_now(&rec), SIM_ST_RUNNING, (uint32_t)i,
                          SIM_NO_CPU);
        samples[r] = (bench_now_ns() - t0) / EVENTS;
        sim_rec_deinit(&rec);
    }
    bench_stats s = bench_stats_of(samples, RUNS);
    bench_report(figure, "ns", s, 10, "<= 10 ns", note);
    if (cal)
        return;
    printf("BENCH {\"figure\": \"bytes stored per trace event\", \"unit\": \"B\", "
           "\"median\": %zu, \"p99\": %zu, \"min\": %zu, \"max\": %zu, \"runs\": 1, "
           "\"target\": 32, \"target_text\": \"<= 32 B\", \"met\": %s, \"note\": \"\"}\n",
           sizeof(sim_event), sizeof(sim_event), sizeof(sim_event), sizeof(sim_event),
           sizeof(sim_event) <= 32 ? "true" : "false");
}

/* The floor under the figure above: reading the clock alone, and storing
 * an event whose time is already known (the event loop's switch records
 * two events on one clock read: asyncio.c). */
static void bench_parts(const sim_calib *cal)
{
    sim_rec_desc d = {.model = SIM_MODEL_ASYNCIO, .ntask_lanes = 1, .nwriters = 1,
                      .writer_cap = (uint64_t[]){EVENTS}, .calib = cal};
    double clock[RUNS], store[RUNS];
    for (int r = 0; r < RUNS; r++) {
        sim_rec rec;
        warm_rec(&rec, &d);
        int64_t sum = 0;
        double t0 = bench_now_ns();
        for (int i = 0; i < EVENTS; i++)
            sum += sim_rec_now(&rec);
        double t1 = bench_now_ns();
        for (int i = 0; i < EVENTS; i++)
            sim_rec_state(&rec, 0, 0, sum + i, SIM_ST_RUNNING, (uint32_t)i, SIM_NO_CPU);
        double t2 = bench_now_ns();
        clock[r] = (t1 - t0) / EVENTS;
        store[r] = (t2 - t1) / EVENTS;
        sim_rec_deinit(&rec);
    }
    bench_report("... of which reading the clock (the TSC, scaled to ns)", "ns",
                 bench_stats_of(clock, RUNS), 0, "report",
                 "the CPU's rdtsc instruction: the floor of an event with a clock read");
    bench_report("record one trace event, its time known (store + publish)", "ns",
                 bench_stats_of(store, RUNS), 10, "<= 10 ns",
                 "a switch of the event loop: two events, one clock read");
}

static void bench_transport(const sim_calib *cal)
{
    double samples[RUNS];
    for (int r = 0; r < RUNS; r++) {
        sim_rec_desc d = {.model = SIM_MODEL_MULTIPROCESSING, .ntask_lanes = 1,
                          .nwriters = 1, .writer_cap = (uint64_t[]){EVENTS},
                          .calib = cal, .cross_process = 1};
        sim_rec rec;
        if (sim_rec_init(&rec, &d) != 0)
            exit(1);
        double t0 = bench_now_ns();
        pid_t pid = fork();
        if (pid == 0) {
            sim_rec child;
            if (sim_rec_attach(&child, rec.memfd, rec.map_size) != 0)
                _exit(1);
            for (int i = 0; i < EVENTS; i++)
                sim_rec_state(&child, 0, 0, sim_rec_now(&child), SIM_ST_RUNNING,
                              (uint32_t)i, SIM_NO_CPU);
            _exit(0);
        }
        /* The parent reads every event as it is published. */
        uint64_t seen = 0, sum = 0;
        while (seen < EVENTS) {
            uint64_t n;
            const sim_event *ev = sim_rec_events(&rec, 0, &n);
            for (; seen < n; seen++)
                sum += ev[seen].arg;
        }
        samples[r] = (bench_now_ns() - t0) / EVENTS;
        int st;
        waitpid(pid, &st, 0);
        if (sum != (uint64_t)EVENTS * (EVENTS - 1) / 2) {
            fprintf(stderr, "transport lost events\n");
            exit(1);
        }
        sim_rec_deinit(&rec);
    }
    bench_stats s = bench_stats_of(samples, RUNS);
    bench_report("child-to-parent trace transport, per event (shared memory)", "ns", s,
                 100, "<= 100 ns", "includes fork and first-touch page faults");
}

int main(void)
{
    sim_calib cal;
    sim_calib_measure(&cal);
    bench_emit(cal.ns_per_tick > 0 ? &cal : NULL, "record one trace event (clock + store + publish)",
               cal.ns_per_tick > 0 ? "clock: calibrated TSC" : "clock: clock_gettime (no trusted TSC)");
    if (cal.ns_per_tick > 0)
        bench_parts(&cal);
    if (cal.ns_per_tick > 0)
        bench_emit(NULL, "record one trace event, clock_gettime instead of the TSC",
                   "for comparison");
    bench_transport(&cal);
    return 0;
}
