/* mp_pickle.h - the memory a multiprocessing.Queue item goes through in
 * CPython, allocated and copied for real (private to mp_queue.c).
 *
 * A bytes item of n bytes is copied three times on its way: pickled into a
 * fresh buffer by the feeder, read from the pipe in pieces into a growing
 * buffer, unpickled into a fresh bytes object. For items of kilobytes
 * these copies are a small part of what calibrate measures (the
 * interpreter's own work is the rest); for items of megabytes they are
 * nearly all of it, and the memory is new each time (glibc hands big
 * blocks out as fresh mappings, each page a fault the first time it is
 * written). concviz makes the same allocations, of the same sizes, in the
 * same order, with the same allocator, so it pays what CPython pays
 * there, on any machine; mp_queue.c times them and charges only the rest
 * of the calibrated cost.
 */
#ifndef SIM_MP_PICKLE_H
#define SIM_MP_PICKLE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* What the feeder writes for one item: a small one glued to its header
 * (one write of data, n bytes in all), a big one as the header and then
 * the payload (data, n bytes), two writes. The caller frees mem. */
typedef struct sim_pickled {
    unsigned char *mem;
    const unsigned char *data;
    size_t n;
    int glued;
} sim_pickled;

/* ForkingPickler.dumps(b) for a bytes object of n bytes, and the message
 * made of it with concviz's header of head_n bytes. Returns 0, or -1 when
 * out of memory (p untouched). */
int sim_pickle_dumps(sim_pickled *p, const void *head, size_t head_n,
                     const unsigned char *b, size_t n);

/* Connection.recv_bytes() of an n-byte message from fd: returns the
 * message (the caller frees it, or hands it to sim_pickle_loads), or NULL
 * on end of file, a read error or no memory. Each piece read adds one to
 * *progress (fdio.h); *copy_ns gains the time spent outside read(). */
unsigned char *sim_pickle_recv(int fd, size_t n, _Atomic uint64_t *progress,
                               int64_t *copy_ns);

/* ForkingPickler.loads() of the message: a new object of its n bytes,
 * copied; the message is freed. Returns the object (the caller frees it)
 * or NULL when out of memory. */
unsigned char *sim_pickle_loads(unsigned char *msg, size_t n);

#endif
