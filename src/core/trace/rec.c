/* rec.c - the recording: lock-free, per-writer, shared-memory event arrays.
 *
 * Layout of the one mapping (all offsets fixed at init, so a forked worker
 * that maps the same memfd sees the same addresses relative to the head):
 *
 *   sim_rec_head | sim_writer[nwriters] | res_kind[nres] | pad | events of
 *   writer 0 | events of writer 1 | ...
 *
 * The mapping comes from a memfd, whose pages the kernel allocates only
 * when touched: a writer sized for a million events costs nothing until it
 * records them. Each writer has exactly one thread (or process) appending
 * to it, so appending is a plain store followed by a release-store of the
 * count; readers load the count with acquire and may read every event
 * below it. That is the whole synchronisation protocol.
 */
#include "rec.h"

#include "err.h"
#include "estimate.h"
#include "pages.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define REC_MAGIC 0x43565a52u /* "CVZR" */
#define DEFAULT_CAP (1u << 20)

static size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

static void set_pointers(sim_rec *r)
{
    r->writers = (sim_writer *)(r->head + 1);
    r->res_kind = (uint8_t *)(r->writers + r->head->nwriters);
}

uint16_t sim_current_cpu(void)
{
    int c = sched_getcpu();
    return c < 0 || c >= (int)SIM_NO_CPU ? (uint16_t)SIM_NO_CPU : (uint16_t)c;
}

int sim_rec_init(sim_rec *r, const sim_rec_desc *d)
{
    memset(r, 0, sizeof *r);
    r->memfd = -1;
    if (d->nwriters == 0)
        return -EINVAL;

    size_t head_size = sizeof(sim_rec_head) + d->nwriters * sizeof(sim_writer) +
                       d->nres_lanes;
    /* The events start on a page of their own: madvise (giving pages back,
     * making them ready) takes page-aligned ranges only. */
    size_t off = align_up(head_size, 4096);
    size_t total = off;
    for (uint32_t w = 0; w < d->nwriters; w++) {
        uint64_t cap = d->writer_cap ? d->writer_cap[w] : DEFAULT_CAP;
        if (cap == 0)
            cap = 1;
        if (cap > (SIZE_MAX - total) / sizeof(sim_event) / 2)
            return -ENOMEM;
        total += align_up((size_t)cap * sizeof(sim_event), 4096);
    }

    int fd = -1;
    void *map;
    if (!d->cross_process) {
        /* One process: private memory, in 4 KiB pages (pages.h says why
         * not huge ones). A 4 KiB fault costs more than recording a
         * hundred events, so the pages a writer is expected to fill are
         * made ready before the run's clock starts (below). */
        map = mmap(NULL, total, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (map == MAP_FAILED)
            return -errno;
        goto mapped;
    }
    fd = memfd_create("concviz-rec", MFD_CLOEXEC);
    if (fd >= 0 && ftruncate(fd, (off_t)total) != 0) {
        /* A memfd is a file, so a file-size limit (ulimit -f) applies. */
        close(fd);
        fd = -1;
    }
    if (fd >= 0) {
        map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    } else {
        /* No memfd (an old kernel, a sandbox, a file-size limit): an
         * anonymous shared mapping serves every thread of this process,
         * but cannot be handed to the forkserver (multiprocessing then
         * reports that it cannot start its workers). */
        map = mmap(NULL, total, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    }
    if (map == MAP_FAILED) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return -e;
    }

mapped:
    r->model = d->model;
    r->head = map;
    r->map_size = total;
    r->memfd = fd;
    r->shared_ = d->cross_process != 0;
    r->head->magic = REC_MAGIC;
    r->head->nwriters = d->nwriters;
    r->head->ntask_lanes = d->ntask_lanes;
    r->head->nres_lanes = d->nres_lanes;
    r->head->model = (uint32_t)d->model;
    r->head->ns_per_tick = d->calib ? d->calib->ns_per_tick : 0.0;
    atomic_store(&r->head->end_ns, -1);
    atomic_store(&r->head->result, 0);
    atomic_store(&r->head->events_total, 0);
    atomic_store(&r->head->events_released, 0);
    atomic_store(&r->head->held_bytes, 0);
    atomic_store(&r->head->full, 0);
    atomic_store(&r->head->reader, 0);
    atomic_store(&r->head->waited_ns, 0);
    r->head->events_budget = d->events_budget;
    set_pointers(r);
    for (uint32_t i = 0; i < d->nres_lanes; i++)
        r->res_kind[i] = d->res_kind ? d->res_kind[i] : SIM_LANE_TASK;

    size_t pos = off, ready_left = SIM_REC_READY_BYTES;
    for (uint32_t w = 0; w < d->nwriters; w++) {
        uint64_t cap = d->writer_cap ? d->writer_cap[w] : DEFAULT_CAP;
        if (cap == 0)
            cap = 1;
        r->writers[w].cap = cap;
        r->writers[w].offset = pos;
        atomic_store(&r->writers[w].count, 0);
        atomic_store(&r->writers[w].overflow, 0);
        atomic_store(&r->writers[w].released, 0);
        size_t bytes = align_up((size_t)cap * sizeof(sim_event), 4096);
        uint64_t ready = d->writer_ready ? d->writer_ready[w] : 0;
        size_t want = align_up((size_t)(ready < cap ? ready : cap) * sizeof(sim_event), 4096);
        if (want > ready_left)
            want = ready_left;
        sim_pages_ready((char *)map + pos, want); /* a multiple of pages, within `bytes` */
        ready_left -= want;
        pos += bytes;
    }
    sim_rec_start_clock(r);
    return 0;
}

int sim_rec_attach(sim_rec *r, int memfd, size_t map_size)
{
    memset(r, 0, sizeof *r);
    r->memfd = -1;
    void *map = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (map == MAP_FAILED)
        return -errno;
    r->head = map;
    if (r->head->magic != REC_MAGIC || map_size < sizeof(sim_rec_head)) {
        munmap(map, map_size);
        r->head = NULL;
        return -EINVAL;
    }
    r->map_size = map_size;
    r->shared_ = 1;
    r->model = (sim_model)r->head->model;
    set_pointers(r);
    return 0;
}

void sim_rec_deinit(sim_rec *r)
{
    if (r->head)
        munmap(r->head, r->map_size);
    if (r->memfd >= 0)
        close(r->memfd);
    memset(r, 0, sizeof *r);
    r->memfd = -1;
}

/* What is held besides the events (queued items: sim_rec_hold), in
 * events' worth (rounded up). */
static uint64_t held_events(const sim_rec_head *h)
{
    int64_t held = atomic_load_explicit(&h->held_bytes, memory_order_relaxed);
    return held > 0 ? ((uint64_t)held + SIM_BYTES_PER_EVENT - 1) / SIM_BYTES_PER_EVENT : 0;
}

/* All that is held now, in events: those published by all writers
 * (counted in chunks), less those given back by a reader, and the rest. */
static uint64_t held(const sim_rec_head *h)
{
    uint64_t total = atomic_load_explicit(&h->events_total, memory_order_relaxed);
    uint64_t gone = atomic_load_explicit(&h->events_released, memory_order_relaxed);
    return (total > gone ? total - gone : 0) + held_events(h);
}

/* Over the budget with a reader following: waits, 100 us at a time, until
 * what is held is back to three quarters of the budget (so that the next
 * wait is some way off), or the reader has made no progress for its
 * patience. Returns 0 when it caught up, -1 when it gave up. */
static int wait_for_reader(sim_rec *r)
{
    sim_rec_head *h = r->head;
    uint64_t goal = h->events_budget / 4 * 3;
    int64_t start = sim_clock_ns(), progress = start;
    uint64_t last = atomic_load_explicit(&h->events_released, memory_order_relaxed);
    int rc = 0;
    while (held(h) > goal) {
        struct timespec ts = {0, 100 * 1000};
        nanosleep(&ts, NULL);
        int64_t now = sim_clock_ns();
        uint64_t gone = atomic_load_explicit(&h->events_released, memory_order_relaxed);
        if (gone != last) {
            last = gone;
            progress = now;
        } else if (now - progress > SIM_REC_READER_PATIENCE_NS ||
                   atomic_load_explicit(&h->full, memory_order_relaxed)) {
            rc = -1;
            break;
        }
    }
    atomic_fetch_add_explicit(&h->waited_ns, sim_clock_ns() - start, memory_order_relaxed);
    return rc;
}

void sim_rec_count_chunk(sim_rec *r)
{
    sim_rec_head *h = r->head;
    atomic_fetch_add_explicit(&h->events_total, SIM_REC_CHUNK, memory_order_relaxed);
    if (h->events_budget == 0 || held(h) <= h->events_budget)
        return;
    if (!atomic_load_explicit(&h->reader, memory_order_relaxed) || wait_for_reader(r) != 0)
        atomic_store_explicit(&h->full, 2, memory_order_relaxed);
}

void sim_rec_release(sim_rec *r, uint32_t w, uint64_t upto)
{
    /* A shared recording is read by more than its reader: the
     * multiprocessing engine looks back through a dead worker's own events
     * for the task it was running. Its events stay. */
    if (r->shared_)
        return;
    sim_writer *wr = &r->writers[w];
    uint64_t from = atomic_load_explicit(&wr->released, memory_order_relaxed);
    uint64_t n = atomic_load_explicit(&wr->count, memory_order_acquire);
    if (upto > n)
        upto = n;
    /* Whole pages only: the page holding event `upto` is still in use. */
    char *base = (char *)r->head + wr->offset;
    size_t page = 4096, lo = (size_t)from * sizeof(sim_event),
           hi = (size_t)upto * sizeof(sim_event) / page * page;
    lo = (lo + page - 1) / page * page;
    if (hi <= lo || upto <= from)
        return;
    if (madvise(base + lo, hi - lo, MADV_DONTNEED) != 0)
        return; /* nothing given back: the memory stays counted */
    atomic_store_explicit(&r->head->reader, 1, memory_order_relaxed);
    uint64_t now_released = hi / sizeof(sim_event);
    atomic_store_explicit(&wr->released, now_released, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->head->events_released, now_released - from,
                              memory_order_relaxed);
}

uint64_t sim_rec_released(const sim_rec *r, uint32_t w)
{
    return atomic_load_explicit(&r->writers[w].released, memory_order_relaxed);
}

int sim_rec_hold(sim_rec *r, int64_t bytes)
{
    sim_rec_head *h = r->head;
    atomic_fetch_add_explicit(&h->held_bytes, bytes, memory_order_relaxed);
    if (bytes <= 0 || h->events_budget == 0)
        return 0;
    /* Taken first, then checked: two takers at once cannot both slip
     * under the line; at worst both are refused. */
    if (held(h) <= h->events_budget)
        return 0;
    atomic_fetch_sub_explicit(&h->held_bytes, bytes, memory_order_relaxed);
    atomic_store_explicit(&h->full, 2, memory_order_relaxed);
    return -1;
}

void sim_rec_start_clock(sim_rec *r)
{
    r->head->tsc0 = sim_tsc_read();
    r->head->t0_abs = sim_clock_ns();
}

void sim_rec_finish(sim_rec *r, int64_t end_ns, int result)
{
    atomic_store_explicit(&r->head->result, result, memory_order_relaxed);
    /* Release: a reader that sees end_ns sees every event before it. */
    atomic_store_explicit(&r->head->end_ns, end_ns < 0 ? 0 : end_ns,
                          memory_order_release);
}

/* One event's fields, stored straight into the writer's next slot (see
 * sim_rec_state in rec.h for why not through a struct on the stack). */
static void put(sim_rec *r, uint32_t w, uint8_t type, uint8_t code, uint32_t lane,
                int64_t t, int64_t v, uint32_t arg, uint32_t from_lane)
{
    sim_event *e = sim_rec_slot(r, w);
    if (!e)
        return;
    e->t = t;
    e->v = v;
    e->lane = lane;
    e->arg = arg;
    e->from_lane = from_lane;
    e->type = type;
    e->code = code;
    e->cpu = SIM_NO_CPU;
    sim_rec_publish(r, w);
}

void sim_rec_state_range(sim_rec *r, uint32_t w, uint32_t first, uint32_t count,
                         int64_t t, sim_state s, uint32_t arg)
{
    if (count > 0)
        put(r, w, SIM_EV_STATE_RANGE, (uint8_t)s, first, t, 0, arg, first + count);
}

void sim_rec_instant(sim_rec *r, uint32_t w, uint32_t lane, int64_t t,
                     sim_instant what, uint32_t arg)
{
    put(r, w, SIM_EV_INSTANT, (uint8_t)what, lane, t, 0, arg, 0);
}

void sim_rec_flow(sim_rec *r, uint32_t w, sim_flow what, uint32_t from_lane,
                  int64_t t_from, uint32_t to_lane, int64_t t_to)
{
    put(r, w, SIM_EV_FLOW, (uint8_t)what, to_lane, t_to, t_from, 0, from_lane);
}

void sim_rec_task_cpu(sim_rec *r, uint32_t w, uint32_t task, int64_t cpu_ns)
{
    put(r, w, SIM_EV_TASK_CPU, 0, task, 0, cpu_ns, 0, 0);
}

void sim_rec_wait_for(sim_rec *r, uint32_t w, int64_t t, uint32_t task, uint32_t name,
                      uint32_t holder)
{
    put(r, w, SIM_EV_WAIT_FOR, 0, task, t, 0, name, holder);
}

const sim_event *sim_rec_events(const sim_rec *r, uint32_t w, uint64_t *count)
{
    const sim_writer *wr = &r->writers[w];
    *count = atomic_load_explicit(&wr->count, memory_order_acquire);
    return (const sim_event *)((const char *)r->head + wr->offset);
}
