/* bench_engines.c - the engines' own costs, measured from their traces:
 * one asyncio loop step, the GIL's drop-request-to-hand-off time, a worker
 * process's start (fork or exec to ready) under each start method, and the
 * memory a waiting task costs
 * under each model. */
#include "bench.h"
#include "mp_spawn.h"
#include "run.h"

enum { RUNS = 7 };

/* Runs one model on a workload with the cost profile `costs`; fills *c.
 * Exits on failure. */
static void run_costs(sim_model m, const char *spec, int workers, sim_costs_source costs,
                      const sim_calib *cal, sim_run *r, sim_comparison *c)
{
    sim_run_desc d = {.cfg = {.workload = spec, .models = {m}, .nmodels = 1,
                              .workers = workers, .costs = costs},
                      .calib = cal};
    char msg[1024];
    memset(c, 0, sizeof *c);
    if (sim_run_exec(r, &d, msg, sizeof msg) != SIM_OK || sim_run_sync(r, c) != 0) {
        fprintf(stderr, "bench: %s on %s failed: %s %s\n", sim_model_name(m), spec, msg,
                r->errors[0]);
        exit(1);
    }
}

/* The same with the default profile (CPython's costs charged). */
static void run_one(sim_model m, const char *spec, int workers, const sim_calib *cal,
                    sim_run *r, sim_comparison *c)
{
    run_costs(m, spec, workers, SIM_COSTS_CALIBRATED, cal, r, c);
}

static void done(sim_run *r, sim_comparison *c)
{
    sim_comparison_deinit(c);
    sim_run_deinit(r);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One loop step: resume a task, run it to its next await, re-queue it,
 * record. 1000 tasks x 200 yields; each step is the time from one
 * RUNNING mark of the loop's lane to the next (the clock the recording
 * reads), so the median and the p99 are those of single steps, 200,000
 * a run; the mean is the run's wall time over its steps. Bare engine
 * (--costs none): CPython's own costs are what the second figure adds. */
static void bench_loop_step(const sim_calib *cal)
{
    const char *spec = "1000*(200*yield)";
    const double steps = 1000.0 * 201.0;
    enum { MAXD = 1000 * 201 * RUNS };
    static int64_t d[MAXD];
    static double dd[MAXD];
    double mean[RUNS];
    size_t nd = 0;
    for (int i = 0; i < RUNS; i++) {
        sim_run r;
        sim_comparison c;
        run_costs(SIM_MODEL_ASYNCIO, spec, 0, SIM_COSTS_NONE, cal, &r, &c);
        const sim_trace *t = &c.traces[0];
        sim_summary s;
        sim_trace_summarize(t, c.nominal_ns, c.machine.cpus, &s);
        mean[i] = (double)s.wall_ns / steps;
        for (uint32_t l = t->ntasks; l < t->nlanes; l++) {
            const sim_lane *lane = &t->lanes[l];
            if (lane->kind != SIM_LANE_LOOP)
                continue;
            for (size_t k = 0; k + 1 < lane->nmarks && nd < MAXD; k++)
                if (lane->marks[k].state == SIM_ST_RUNNING &&
                    lane->marks[k + 1].state == SIM_ST_RUNNING)
                    d[nd++] = lane->marks[k + 1].t - lane->marks[k].t;
        }
        done(&r, &c);
    }
    qsort(d, nd, sizeof *d, cmp_i64);
    for (size_t k = 0; k < nd; k++)
        dd[k] = (double)d[k];
    bench_report("asyncio: one loop step (resume, run to await, re-queue, record), "
                 "single steps, --costs none", "ns", bench_stats_of(dd, (int)nd), 50,
                 "<= 50 ns", "1000*(200*yield), 7 runs");
    bench_report("asyncio: one loop step, mean over a run (wall / steps), --costs none", "ns",
                 bench_stats_of(mean, RUNS), 50, "<= 50 ns", "1000*(200*yield)");
    for (int i = 0; i < RUNS; i++) {
        sim_run r;
        sim_comparison c;
        run_one(SIM_MODEL_ASYNCIO, spec, 0, cal, &r, &c);
        sim_summary s;
        sim_trace_summarize(&c.traces[0], c.nominal_ns, c.machine.cpus, &s);
        mean[i] = (double)s.wall_ns / steps;
        done(&r, &c);
    }
    bench_report("asyncio: one loop step with CPython's costs charged (await asyncio.sleep(0))",
                 "ns", bench_stats_of(mean, RUNS), 0, "CPython's own", "1000*(200*yield)");
}

static void bench_gil(const sim_calib *cal)
{
    enum { MAX = 4096 };
    static double lat[MAX];
    int n = 0;
    for (int run = 0; run < 3; run++) {
        sim_run r;
        sim_comparison c;
        run_one(SIM_MODEL_THREADING, "2*cpu:400ms", 0, cal, &r, &c);
        const sim_trace *t = &c.traces[0];
        /* For each hand-off, the latest drop request before it. */
        size_t k = 0;
        int64_t last_req = -1;
        for (size_t f = 0; f < t->nflows; f++) {
            if (t->flows[f].code != SIM_FL_HANDOFF)
                continue;
            while (k < t->ninstants && t->instants[k].t <= t->flows[f].t1) {
                if (t->instants[k].code == SIM_IN_DROP_REQUEST)
                    last_req = t->instants[k].t;
                k++;
            }
            if (last_req >= 0 && n < MAX)
                lat[n++] = (double)(t->flows[f].t1 - last_req) / 1e6;
            last_req = -1;
        }
        done(&r, &c);
    }
    bench_report("GIL: drop request to hand-off (interval 5 ms)", "ms", bench_stats_of(lat, n),
                 6, "<= interval + 1 ms", "2*cpu:400ms, 3 runs");
}

/* Fork (or fork and exec) to ready, per worker, for each start method. The
 * parent here is small (a benchmark), which is fork's best case. */
static void bench_process_start(const sim_calib *cal)
{
    static const struct {
        sim_start_method sm;
        const char *figure, *target_text;
        double target;
    } cases[] = {
        {SIM_START_FORK, "process start, fork to ready, per worker (fork from a small parent)",
         "<= 1 ms median", 1},
        {SIM_START_FORKSERVER, "process start, fork to ready, per worker (forkserver helper)",
         "<= 1 ms median", 1},
        {SIM_START_SPAWN, "process start, fork+exec to ready, per worker (spawn)",
         "report honestly (the slowest)", 0},
    };
    enum { MAX = 256 };
    static double start[MAX];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int n = 0;
        for (int run = 0; run < 8; run++) {
            sim_model m = SIM_MODEL_MULTIPROCESSING;
            /* The bare engine's start (--costs none): with CPython's
             * costs, a start also pays what CPython's takes (its fork,
             * its imports in a spawned worker), which is a report of its
             * own (costs.h), not this target. */
            sim_run_desc d = {.cfg = {.workload = "8*io:1ms", .models = {m}, .nmodels = 1,
                                      .workers = 4, .start_method = cases[k].sm,
                                      .costs = SIM_COSTS_NONE},
                              .calib = cal};
            sim_run r;
            sim_comparison c = {0};
            char msg[1024];
            if (sim_run_exec(&r, &d, msg, sizeof msg) != SIM_OK || sim_run_sync(&r, &c) != 0) {
                fprintf(stderr, "bench: %s start failed: %s %s\n",
                        sim_start_method_name(cases[k].sm), msg, r.errors[0]);
                exit(1);
            }
            const sim_trace *t = &c.traces[0];
            for (uint32_t l = t->ntasks; l < t->nlanes; l++) {
                const sim_lane *lane = &t->lanes[l];
                if (lane->kind != SIM_LANE_WORKER)
                    continue;
                int64_t s = -1;
                for (size_t i = 0; i < lane->nmarks; i++) {
                    if (lane->marks[i].state == SIM_ST_STARTING && s < 0)
                        s = lane->marks[i].t;
                    else if (lane->marks[i].state != SIM_ST_STARTING && s >= 0) {
                        if (n < MAX)
                            start[n++] = (double)(lane->marks[i].t - s) / 1e6;
                        break;
                    }
                }
            }
            done(&r, &c);
        }
        bench_report(cases[k].figure, "ms", bench_stats_of(start, n), cases[k].target,
                     cases[k].target_text, "8*io:1ms on 4 workers, 8 runs, --costs none");
    }
}

static void bench_memory(const sim_calib *cal)
{
    static const struct { sim_model m; const char *spec; int workers; } cases[] = {
        {SIM_MODEL_ASYNCIO, "10000*io:300ms", 0},
        {SIM_MODEL_THREADING, "500*io:300ms", 0},
        {SIM_MODEL_MULTIPROCESSING, "8*io:300ms", 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v[3];
        for (int k = 0; k < 3; k++) {
            sim_run r;
            sim_comparison c;
            run_one(cases[i].m, cases[i].spec, cases[i].workers, cal, &r, &c);
            v[k] = (double)c.traces[0].mem_per_task_bytes;
            done(&r, &c);
        }
        char fig[128];
        snprintf(fig, sizeof fig, "memory per waiting task: %s", sim_model_name(cases[i].m));
        bench_report(fig, "B", bench_stats_of(v, 3),
                     cases[i].m == SIM_MODEL_ASYNCIO ? 256 : 0,
                     cases[i].m == SIM_MODEL_ASYNCIO ? "<= 256 B" : "report honestly",
                     cases[i].spec);
    }
}

int main(int argc, char **argv)
{
    /* spawn's workers are this program exec'd again (start_method.h). */
    int ws = sim_spawn_worker_main(argc, argv);
    if (ws >= 0)
        return ws;
    sim_calib cal;
    sim_calib_measure(&cal);
    bench_loop_step(&cal);
    bench_gil(&cal);
    bench_process_start(&cal);
    bench_memory(&cal);
    return 0;
}
