/* mp_pickle.c - a queue item's buffers, as CPython 3.11 makes them.
 *
 * What happens to `q.put(bytes(n))` and `q.get()` in memory (Lib/
 * multiprocessing/queues.py and connection.py, Modules/_pickle.c,
 * Modules/_io/bytesio.c, os.read):
 *   the feeder   ForkingPickler.dumps writes into an io.BytesIO. A payload
 *                under 64 KiB goes through the pickler's own output buffer
 *                first (4 KiB, grown by half), then into the BytesIO in one
 *                write; a bigger one goes straight into the BytesIO. A
 *                message up to 16 KiB is then glued to its 4-byte length
 *                (`header + buf`, a copy) and sent in one write; a bigger
 *                one is sent in two writes, without the copy.
 *   the reader   Connection._recv reads in a loop: os.read(fd, remaining)
 *                makes a bytes object of `remaining` bytes, the pipe fills
 *                what it holds (64 KiB at most by default), the object
 *                shrinks to that, and BytesIO.write appends it to a buffer
 *                that grows to fit exactly. pickle.loads then copies the
 *                payload into a new bytes object.
 * Every bytes object is 33 bytes of header plus its data, from malloc.
 * The copies and the allocations are made here for real, with the sizes
 * above, so glibc decides as it does for CPython when a block is a fresh
 * mapping and when a reused one (its threshold moves as blocks are freed).
 */
#include "mp_pickle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"

enum {
    PYBYTES_HEAD = 33,        /* a bytes object's header and final NUL */
    PICKLE_FRAME = 64 * 1024, /* _pickle.c's FRAME_SIZE_TARGET */
    PICKLE_BUF = 4096,        /* _pickle.c's WRITE_BUF_SIZE */
    PICKLE_OPS = 16,          /* PROTO, FRAME, BINBYTES and STOP around the data */
    SEND_GLUED = 16 * 1024,   /* connection.py: up to this, header + buf */
};

/* bytesio.c's resize_buffer: the size the buffer becomes to hold `size`
 * bytes, from `alloc`. Growing by up to an eighth over-allocates (as a
 * list does); growing more, or shrinking by half, fits exactly. */
static size_t bytesio_alloc(size_t alloc, size_t size)
{
    if (size < alloc / 2)
        return size + 1;
    if (size < alloc)
        return alloc;
    if (size <= alloc + alloc / 8)
        return size + (size >> 3) + (size < 9 ? 3 : 6);
    return size + 1;
}

/* A bytes object resized (_PyBytes_Resize is a realloc). */
static unsigned char *bytes_resize(unsigned char *p, size_t n)
{
    return realloc(p, n + PYBYTES_HEAD);
}

/* ForkingPickler.dumps: the payload in a BytesIO, at PICKLE_OPS. */
static unsigned char *dumps(const unsigned char *b, size_t n)
{
    if (n < PICKLE_FRAME) {
        /* The pickler's buffer, then one write of it into the BytesIO. */
        size_t need = n + PICKLE_OPS;
        unsigned char *out = malloc(PICKLE_BUF + PYBYTES_HEAD);
        if (out && need > PICKLE_BUF) {
            unsigned char *grown = bytes_resize(out, need / 2 * 3);
            if (!grown)
                free(out);
            out = grown;
        }
        if (!out)
            return NULL;
        memcpy(out + PICKLE_OPS, b, n);
        unsigned char *bio = bytes_resize(NULL, bytesio_alloc(0, need));
        if (bio)
            memcpy(bio, out, need);
        free(out);
        return bio;
    }
    /* The opcodes first (a few bytes), then the payload straight in: the
     * BytesIO grows to the exact size, then by an eighth for STOP. */
    unsigned char *bio = bytes_resize(NULL, bytesio_alloc(0, PICKLE_OPS));
    size_t alloc = bytesio_alloc(PICKLE_OPS, n + PICKLE_OPS);
    unsigned char *grown = bio ? bytes_resize(bio, alloc) : NULL;
    if (!grown) {
        free(bio);
        return NULL;
    }
    bio = grown;
    memcpy(bio + PICKLE_OPS, b, n);
    grown = bytes_resize(bio, bytesio_alloc(alloc, n + PICKLE_OPS + 1));
    if (!grown)
        free(bio);
    return grown;
}

int sim_pickle_dumps(sim_pickled *p, const void *head, size_t head_n,
                     const unsigned char *b, size_t n)
{
    unsigned char *bio = dumps(b, n);
    if (!bio)
        return -1;
    if (n > SEND_GLUED) {
        /* Sent in two writes, the payload from the BytesIO itself. */
        *p = (sim_pickled){.mem = bio, .data = bio + PICKLE_OPS, .n = n, .glued = 0};
        return 0;
    }
    /* Glued to its header (here concviz's own), a new buffer. */
    unsigned char *msg = bytes_resize(NULL, head_n + n);
    if (msg) {
        memcpy(msg, head, head_n);
        memcpy(msg + head_n, bio + PICKLE_OPS, n);
    }
    free(bio);
    if (!msg)
        return -1;
    *p = (sim_pickled){.mem = msg, .data = msg, .n = head_n + n, .glued = 1};
    return 0;
}

unsigned char *sim_pickle_recv(int fd, size_t n, _Atomic uint64_t *progress,
                               int64_t *copy_ns)
{
    unsigned char *bio = NULL;
    size_t alloc = 0, got = 0;
    int64_t t = sim_clock_ns();
    while (got < n) {
        /* os.read(fd, remaining): a bytes object of that size, then the
         * read, then the object shrunk to what came. */
        size_t remaining = n - got;
        unsigned char *chunk = bytes_resize(NULL, remaining);
        if (!chunk)
            goto fail;
        *copy_ns += sim_clock_ns() - t;
        ssize_t k;
        do
            k = read(fd, chunk, remaining);
        while (k < 0 && errno == EINTR);
        t = sim_clock_ns();
        if (k <= 0) {
            free(chunk);
            goto fail;
        }
        if (progress)
            atomic_fetch_add(progress, 1);
        if ((size_t)k < remaining) {
            unsigned char *small = bytes_resize(chunk, (size_t)k);
            if (!small) {
                free(chunk);
                goto fail;
            }
            chunk = small;
        }
        /* BytesIO.write(chunk) */
        size_t grow = bytesio_alloc(alloc, got + (size_t)k);
        if (grow != alloc) {
            unsigned char *nb = bytes_resize(bio, grow);
            if (!nb) {
                free(chunk);
                goto fail;
            }
            bio = nb;
            alloc = grow;
        }
        memcpy(bio + got, chunk, (size_t)k);
        got += (size_t)k;
        free(chunk);
    }
    *copy_ns += sim_clock_ns() - t;
    return bio;
fail:
    free(bio);
    *copy_ns += sim_clock_ns() - t;
    return NULL;
}

unsigned char *sim_pickle_loads(unsigned char *msg, size_t n)
{
    unsigned char *obj = bytes_resize(NULL, n);
    if (obj)
        memcpy(obj, msg, n);
    free(msg);
    return obj;
}
