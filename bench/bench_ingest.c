/* bench_ingest.c - turning a recording into a trace, per event, at 10^5,
 * 10^6 and 10^7 events.
 *
 * Sixteen writers (threads) share one resource lane, as threads share the
 * GIL lane, and each has task lanes of its own; a quarter of the events
 * are instants and flows. Events are recorded in time order by writers
 * picked at random, so every writer's share of the shared arrays arrives
 * interleaved with the others'. Two ways to read them:
 *
 *   - at once: one sim_trace_ingest after the run, writer after writer, as
 *     `concviz run` does;
 *   - live: a frame every 10,000 events, each writer publishing only what
 *     is up to 2,000 events old, as the window reads a running engine.
 *
 * The figure is the ingest time divided by the events: it should not grow
 * with the events (it grew with them, quadratically, before order.c).
 */
#include <stdatomic.h>

#include "bench.h"
#include "rec.h"
#include "trace.h"

enum { K = 16, TASKS = 1024, FRAME = 10000, LAG = 2000 };

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static sim_event event_of(uint64_t i, uint32_t *writer)
{
    uint32_t h = mix((uint32_t)i * 2654435761u + 1);
    uint32_t w = h % K, kind = (h >> 8) % 8, task = w + K * ((h >> 12) % (TASKS / K));
    sim_event e = {.t = 7 * (int64_t)i, .cpu = SIM_NO_CPU};
    *writer = w;
    if (kind < 3) {          /* the shared lane */
        e.type = SIM_EV_STATE;
        e.lane = TASKS;
        e.code = (uint8_t)(i % 2 ? SIM_ST_RUNNING : SIM_ST_IDLE);
        e.arg = task;
    } else if (kind < 6) {   /* the writer's own task lanes */
        e.type = SIM_EV_STATE;
        e.lane = task;
        e.code = (uint8_t)(SIM_ST_READY + i % 3);
    } else if (kind < 7) {
        e.type = SIM_EV_INSTANT;
        e.lane = task;
        e.code = SIM_IN_AWAIT;
    } else {
        e.type = SIM_EV_FLOW;
        e.lane = TASKS;
        e.from_lane = task;
        e.v = e.t - 3;
        e.code = SIM_FL_HANDOFF;
    }
    return e;
}

static sim_event *slot_of(sim_rec *r, uint32_t w, uint64_t i)
{
    return (sim_event *)((char *)r->head + r->writers[w].offset) + i;
}

/* Records n events (published at once, or staged for `live`); returns the
 * ns spent in sim_trace_ingest per event. */
static double one_run(uint64_t n, int live)
{
    uint8_t kinds[1] = {SIM_LANE_GIL};
    uint64_t caps[K], count[K] = {0}, pub[K] = {0};
    uint64_t *gidx[K];
    for (int w = 0; w < K; w++) {
        caps[w] = n / K + n / (4 * K) + 64;
        gidx[w] = live ? malloc(caps[w] * sizeof(uint64_t)) : NULL;
        if (live && !gidx[w])
            exit(1);
    }
    sim_rec_desc d = {.model = SIM_MODEL_THREADING, .ntask_lanes = TASKS, .nres_lanes = 1,
                      .res_kind = kinds, .nwriters = K, .writer_cap = caps};
    sim_rec r;
    if (sim_rec_init(&r, &d) != 0) {
        perror("sim_rec_init");
        exit(1);
    }
    sim_trace t = {0};
    double spent = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t w;
        sim_event e = event_of(i, &w);
        if (count[w] == caps[w])
            continue;
        *slot_of(&r, w, count[w]) = e;
        if (live)
            gidx[w][count[w]] = i;
        count[w]++;
        if (!live || ((i + 1) % FRAME && i + 1 < n))
            continue;
        for (uint32_t v = 0; v < K; v++) {
            uint64_t lag = (v * 131u) % LAG;
            while (pub[v] < count[v] && gidx[v][pub[v]] + lag <= i)
                pub[v]++;
            atomic_store_explicit(&r.writers[v].count, pub[v], memory_order_release);
        }
        double t0 = bench_now_ns();
        if (sim_trace_ingest(&t, &r) != 0)
            exit(1);
        spent += bench_now_ns() - t0;
    }
    for (uint32_t v = 0; v < K; v++)
        atomic_store_explicit(&r.writers[v].count, count[v], memory_order_release);
    sim_rec_finish(&r, 7 * (int64_t)n, 0);
    double t0 = bench_now_ns();
    if (sim_trace_ingest(&t, &r) != 0)
        exit(1);
    spent += bench_now_ns() - t0;
    sim_trace_deinit(&t);
    sim_rec_deinit(&r);
    for (int w = 0; w < K; w++)
        free(gidx[w]);
    return spent / (double)n;
}

int main(void)
{
    static const struct { uint64_t n; int runs; const char *name; } sizes[] = {
        {100000, 15, "10^5"}, {1000000, 7, "10^6"}, {10000000, 3, "10^7"},
    };
    for (int live = 0; live < 2; live++) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            double samples[15];
            for (int r = 0; r < sizes[k].runs; r++)
                samples[r] = one_run(sizes[k].n, live);
            char figure[160];
            snprintf(figure, sizeof figure, "ingesting one event into the trace, %s events, "
                     "16 writers, %s", sizes[k].name,
                     live ? "live (a frame every 10,000)" : "at once");
            bench_report(figure, "ns", bench_stats_of(samples, sizes[k].runs), 0, "report",
                         "the same at every size: the cost follows the new events only");
        }
    }
    return 0;
}
