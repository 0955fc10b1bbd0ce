/* mp_queue.c - multiprocessing.Queue, the workers' side: put, the feeder
 * thread, get.
 *
 * CPython's Queue.put does not write to the pipe: it appends the item to
 * a buffer and returns, and a "feeder" thread, started by the first put,
 * pickles the items and writes them to the pipe one by one. So a put
 * never waits for a consumer, however full the pipe is; and a process that
 * put items nobody reads cannot exit, since it joins its feeder first
 * (the documentation's "joining processes that use queues" warning). Here
 * the same, for real: the feeder is a pthread of the worker process, the
 * bytes cross a real pipe, and a worker's end waits for its feeder.
 *
 * The pipe's order is the queue's: an item gets its number when the
 * feeder writes it (under the queue's write lock, shared by all
 * processes), and the consumer checks that numbers only grow. The bytes
 * are real: an item is `bytes(size)` as the Python program makes it (zeros,
 * from calloc) with its producer's mark in the first and the last 64,
 * which the consumer checks. On the way the item is copied, allocated and
 * freed as CPython's pickling and reading do (mp_pickle.c): that memory
 * work is timed, and only the rest of the calibrated cost is burned.
 *
 * The items a feeder holds count against the run's memory budget, in the
 * recording's one account that every process shares (sim_rec_hold): past
 * it, the recording is marked full and the parent stops the run (stop.h).
 */
#include "mp_region.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clock.h"
#include "fdio.h"
#include "mp_pickle.h"

typedef struct fitem {
    struct fitem *next;
    uint32_t queue;       /* the name's index */
    item_head h;
    unsigned char bytes[];
} fitem;

typedef struct sim_mp_feeder {
    sim_mpshare_w *s;
    pthread_t thread;
    pthread_mutex_t m;
    pthread_cond_t c;     /* an item came, or one was written, or closing */
    fitem *head, *tail;
    int closing;          /* the worker ends: write the rest, then stop */
    int failed;           /* a write failed: the pipe is gone */
    uint32_t last_task;   /* the task that put the last item (for a deadlock) */
    uint32_t last_queue;
} sim_mp_feeder;

enum { SAMPLE = 64 };

static uint8_t fill_of(uint32_t producer) { return (uint8_t)(0x5a ^ producer); }

/* What an item waiting in the feeder costs in memory: its bytes, its head,
 * and malloc's own bookkeeping (about 16 bytes an allocation). */
static int64_t item_cost(int64_t size)
{
    return size + (int64_t)sizeof(fitem) + 16;
}

void sim_mpshare_set_costs(sim_mpshare_w *s, const sim_calib *c, const sim_costs *costs)
{
    s->calib = c;
    s->put_ns = costs ? costs->ns[SIM_COST_MPQ_PUT] : 0.0;
    s->put_byte_ns = costs ? costs->ns[SIM_COST_MPQ_PUT_BYTE] : 0.0;
    s->get_byte_ns = costs ? costs->ns[SIM_COST_MPQ_GET_BYTE] : 0.0;
}

/* CPython's own work for a queue (pickling, unpickling): real computation
 * by the thread that does it, less what the copies made for real took
 * (copy_ns). Past a few hundred kilobytes the copies, into memory that
 * is new to the process, cost more than the calibrated line (fitted on
 * items up to 60 KB) says; then they are the whole cost, as in CPython. */
static void queue_work(const sim_mpshare_w *s, double ns, int64_t copy_ns)
{
    ns -= (double)copy_ns;
    if (s->calib && ns >= 1.0)
        sim_burn_sink(sim_burn(sim_calib_units(s->calib, (int64_t)ns), 1));
}

/* The feeder thread: writes the items in the order they were put. CPython's
 * feeder pickles each item first (the put only appended it to a buffer), so
 * that cost is paid here, by this thread, not by the task that put. */
static void *feeder_main(void *arg)
{
    sim_mp_feeder *f = arg;
    sim_mpshare_w *s = f->s;
    for (;;) {
        sim_check(pthread_mutex_lock(&f->m), "feeder: pthread_mutex_lock");
        while (!f->head && !f->closing)
            sim_check(pthread_cond_wait(&f->c, &f->m), "feeder: pthread_cond_wait");
        fitem *it = f->head;
        if (it) {
            f->head = it->next;
            if (!f->head)
                f->tail = NULL;
        }
        sim_check(pthread_mutex_unlock(&f->m), "feeder: pthread_mutex_unlock");
        if (!it)
            break; /* closing, and nothing left */
        /* Pickled, and the item itself dropped, as CPython's feeder does. */
        item_head h = it->h;
        uint32_t queue = it->queue;
        int64_t t0 = sim_clock_ns();
        sim_pickled p;
        int bad = sim_pickle_dumps(&p, &h, sizeof h, it->bytes, (size_t)h.size) != 0;
        if (bad)
            p.mem = NULL;
        free(it);
        queue_work(s, s->put_ns + s->put_byte_ns * (double)h.size, sim_clock_ns() - t0);
        mp_obj *o = &s->reg->obj[queue];
        sim_mp_locked(&o->wrt);
        h.seq = atomic_load(&o->puts) + 1;
        int fd = s->fds[queue];
        if (!bad && p.glued) { /* the header inside the message, numbered now */
            memcpy(p.mem, &h, sizeof h);
            bad = sim_fd_write_all(fd, p.data, p.n, &s->reg->progress) != 0;
        } else if (!bad) {
            bad = sim_fd_write_all(fd, &h, sizeof h, &s->reg->progress) != 0 ||
                  sim_fd_write_all(fd, p.data, p.n, &s->reg->progress) != 0;
        }
        atomic_store(&o->puts, h.seq);
        sim_mp_unlocked(&o->wrt);
        free(p.mem);
        sim_rec_hold(s->rec, -item_cost(h.size));
        sim_check(pthread_mutex_lock(&f->m), "feeder: pthread_mutex_lock");
        f->failed |= bad;
        sim_check(pthread_cond_broadcast(&f->c), "feeder: pthread_cond_broadcast");
        sim_check(pthread_mutex_unlock(&f->m), "feeder: pthread_mutex_unlock");
    }
    return NULL;
}

static sim_mp_feeder *feeder_start(sim_mpshare_w *s)
{
    sim_mp_feeder *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->s = s;
    if (pthread_mutex_init(&f->m, NULL) != 0) {
        free(f);
        return NULL;
    }
    if (pthread_cond_init(&f->c, NULL) != 0 ||
        pthread_create(&f->thread, NULL, feeder_main, f) != 0) {
        pthread_mutex_destroy(&f->m);
        free(f);
        return NULL;
    }
    return f;
}

void sim_mpshare_put(sim_mpshare_w *s, const sim_op *op, uint32_t task)
{
    if (!s->feeder && !(s->feeder = feeder_start(s))) {
        atomic_store(&s->reg->corrupt, 1); /* no thread: the item cannot go */
        return;
    }
    sim_mp_feeder *f = s->feeder;
    /* The item: bytes(size), zeros from calloc as in CPython (a big one is
     * a fresh mapping, its pages untouched until pickling reads them). */
    fitem *it = calloc(1, sizeof *it + (size_t)op->a);
    if (!it) {
        atomic_store(&s->reg->corrupt, 1);
        return;
    }
    it->next = NULL;
    it->queue = op->b;
    it->h = (item_head){.producer = task, .fill = fill_of(task), .size = op->a,
                        .t_put = sim_rec_now(s->rec)};
    /* On the queue from now on, for its length (the feeder writes it). */
    sim_rec_instant(s->rec, s->wr, task, it->h.t_put, SIM_IN_PUT, op->b);
    int64_t mark = op->a < SAMPLE ? op->a : SAMPLE;
    memset(it->bytes, fill_of(task), (size_t)mark);
    memset(it->bytes + op->a - mark, fill_of(task), (size_t)mark);
    /* Past the budget (the recording and every process's feeder items
     * together), the hold fails and marks the recording full: the parent
     * stops the run, cleanly. */
    int over = sim_rec_hold(s->rec, item_cost(op->a)) != 0;
    sim_check(pthread_mutex_lock(&f->m), "feeder: pthread_mutex_lock");
    if (!over) {
        if (f->tail)
            f->tail->next = it;
        else
            f->head = it;
        f->tail = it;
        f->last_task = task;
        f->last_queue = op->b;
        sim_check(pthread_cond_broadcast(&f->c), "feeder: pthread_cond_broadcast");
    }
    sim_check(pthread_mutex_unlock(&f->m), "feeder: pthread_mutex_unlock");
    atomic_fetch_add(&s->reg->progress, 1);
    if (over)
        free(it);
}

void sim_mpshare_flush(sim_mpshare_w *s)
{
    sim_mp_feeder *f = s->feeder;
    if (!f)
        return;
    sim_check(pthread_mutex_lock(&f->m), "feeder: pthread_mutex_lock");
    f->closing = 1;
    sim_check(pthread_cond_broadcast(&f->c), "feeder: pthread_cond_broadcast");
    /* Items still waiting: this worker cannot end before they are written.
     * If nobody reads them, it waits for room in the pipe forever, which
     * the parent's deadlock check sees and says. */
    int blocked = f->head != NULL;
    uint32_t task = f->last_task, queue = f->last_queue;
    sim_check(pthread_mutex_unlock(&f->m), "feeder: pthread_mutex_unlock");
    if (blocked)
        sim_mp_block(s, task, queue | SIM_WAIT_PUT);
    sim_check(pthread_join(f->thread, NULL), "feeder: pthread_join");
    if (blocked)
        sim_mp_unblock(s, task);
    if (f->failed)
        atomic_store(&s->reg->corrupt, 1);
    sim_check(pthread_cond_destroy(&f->c), "feeder: pthread_cond_destroy");
    sim_check(pthread_mutex_destroy(&f->m), "feeder: pthread_mutex_destroy");
    free(f);
    s->feeder = NULL;
}

/* The item's first and last bytes carry its producer's mark. */
static int sample_ok(const unsigned char *b, int64_t size, uint32_t fill)
{
    int64_t n = size < SAMPLE ? size : SAMPLE;
    for (int64_t i = 0; i < n; i++)
        if (b[i] != (unsigned char)fill || b[size - 1 - i] != (unsigned char)fill)
            return 0;
    return 1;
}

int sim_mpshare_get(sim_mpshare_w *s, const sim_op *op, uint32_t task)
{
    mp_obj *o = &s->reg->obj[op->b];
    int waited = atomic_load(&o->puts) == atomic_load(&o->gets);
    if (waited)
        sim_rec_state(s->rec, s->wr, task, sim_rec_now(s->rec), SIM_ST_QUEUE, SIM_NO_TASK,
                      SIM_NO_CPU);
    sim_mp_block(s, task, op->b);
    sim_mp_locked(&o->rd);
    item_head h;
    int bad = sim_fd_read_all(s->fds[op->b], &h, sizeof h, &s->reg->progress) < 0 ||
              h.size <= 0 || h.size > SIM_MAX_ITEM_BYTES;
    /* Read in pieces, as CPython's get() reads under its lock (the time
     * outside read() counted: copy_ns). */
    int64_t copy_ns = 0;
    unsigned char *msg = bad ? NULL
                             : sim_pickle_recv(s->fds[op->b], (size_t)h.size,
                                               &s->reg->progress, &copy_ns);
    bad |= !msg;
    if (bad || h.fill != fill_of(h.producer) || h.seq <= o->last_seq)
        atomic_store(&s->reg->corrupt, 1);
    o->last_seq = h.seq;
    atomic_fetch_add(&o->gets, 1);
    sim_mp_unlocked(&o->rd);
    sim_mp_unblock(s, task);
    atomic_fetch_add(&s->reg->messages, 1);
    atomic_fetch_add(&s->reg->bytes, (uint64_t)h.size);
    /* Unpickling the item, after the read and outside the queue's lock;
     * then the task drops what it got. */
    if (!bad) {
        int64_t t0 = sim_clock_ns();
        unsigned char *obj = sim_pickle_loads(msg, (size_t)h.size);
        if (!obj || !sample_ok(obj, h.size, h.fill))
            atomic_store(&s->reg->corrupt, 1);
        free(obj);
        queue_work(s, s->get_byte_ns * (double)h.size, copy_ns + sim_clock_ns() - t0);
    }
    int64_t now = sim_rec_now(s->rec);
    sim_rec_instant(s->rec, s->wr, task, now, SIM_IN_GOT, op->b);
    if (!bad && h.producer < s->w->ntasks)
        sim_rec_flow(s->rec, s->wr, SIM_FL_MESSAGE, h.producer, h.t_put, task, now);
    if (waited)
        sim_rec_state(s->rec, s->wr, task, now, SIM_ST_RUNNING, SIM_NO_TASK,
                      sim_current_cpu());
    return waited;
}
