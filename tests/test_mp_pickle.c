/* test_mp_pickle.c - a queue item's buffers as CPython makes them
 * (mp_pickle.c): the message the feeder writes (a small item glued to its
 * header, one write; a big one in two), and the reader's loop: the pipe
 * read in pieces (a default pipe holds 64 KiB, so a megabyte crosses in
 * many), the bytes intact, the time outside read() counted, and an end of
 * file inside a message said as a failure.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
/* mp's own header: what this test checks is private to mp. */
#include "src/core/mp/private/mp_pickle.h"
#include "test.h"

typedef struct head {
    uint32_t a, b;
} head;

static unsigned char *pattern(size_t n)
{
    unsigned char *b = malloc(n);
    ASSERT(b);
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(i * 7 + i / 251);
    return b;
}

static void test_dumps_small_glued(void)
{
    size_t n = 1000;
    unsigned char *b = pattern(n);
    head h = {1, 2};
    sim_pickled p;
    ASSERT_INT_EQ(sim_pickle_dumps(&p, &h, sizeof h, b, n), 0);
    ASSERT_INT_EQ(p.glued, 1);
    ASSERT_INT_EQ(p.n, sizeof h + n);
    ASSERT(memcmp(p.data, &h, sizeof h) == 0);
    ASSERT(memcmp(p.data + sizeof h, b, n) == 0);
    free(p.mem);
    /* 16 KiB is the last size glued (connection.py: n > 16384 is not) */
    free(b);
    b = pattern(16384);
    ASSERT_INT_EQ(sim_pickle_dumps(&p, &h, sizeof h, b, 16384), 0);
    ASSERT_INT_EQ(p.glued, 1);
    free(p.mem);
    free(b);
}

static void test_dumps_big_apart(void)
{
    /* Past 16 KiB the header goes apart; past 64 KiB the pickler writes
     * the payload straight into its BytesIO. Both paths keep the bytes. */
    size_t sizes[] = {16385, 65535, 65536, 3 << 20};
    head h = {3, 4};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *b = pattern(sizes[i]);
        sim_pickled p;
        ASSERT_INT_EQ(sim_pickle_dumps(&p, &h, sizeof h, b, sizes[i]), 0);
        ASSERT_INT_EQ(p.glued, 0);
        ASSERT_INT_EQ(p.n, sizes[i]);
        ASSERT(memcmp(p.data, b, sizes[i]) == 0);
        free(p.mem);
        free(b);
    }
}

typedef struct writer {
    int fd;
    const unsigned char *b;
    size_t n;
    int rc;
} writer;

static void *write_main(void *arg)
{
    writer *w = arg;
    w->rc = sim_fd_write_all(w->fd, w->b, w->n, NULL);
    close(w->fd);
    return NULL;
}

/* n bytes written by a thread into a fresh pipe of the default size, read
 * by sim_pickle_recv(want) and loaded; returns what came (or NULL) and
 * the pieces counted. */
static unsigned char *through_pipe(const unsigned char *b, size_t n, size_t want,
                                   uint64_t *pieces, int64_t *copy_ns)
{
    int p[2];
    ASSERT(pipe(p) == 0);
    writer w = {p[1], b, n, 0};
    pthread_t t;
    ASSERT(pthread_create(&t, NULL, write_main, &w) == 0);
    _Atomic uint64_t progress = 0;
    *copy_ns = 0;
    unsigned char *msg = sim_pickle_recv(p[0], want, &progress, copy_ns);
    unsigned char *obj = msg ? sim_pickle_loads(msg, want) : NULL;
    ASSERT(pthread_join(t, NULL) == 0);
    close(p[0]);
    *pieces = atomic_load(&progress);
    return obj;
}

static void test_recv_in_pieces(void)
{
    size_t n = 1 << 20;
    unsigned char *b = pattern(n);
    uint64_t pieces;
    int64_t copy_ns;
    unsigned char *obj = through_pipe(b, n, n, &pieces, &copy_ns);
    ASSERT(obj);
    ASSERT(memcmp(obj, b, n) == 0);
    /* A pipe holds 64 KiB (the kernel's default, as CPython's queue has):
     * a megabyte needs at least 16 reads. */
    ASSERT_MSG(pieces >= 16, "%llu pieces", (unsigned long long)pieces);
    ASSERT(copy_ns > 0);
    free(obj);
    /* a small one: one read */
    obj = through_pipe(b, 100, 100, &pieces, &copy_ns);
    ASSERT(obj && memcmp(obj, b, 100) == 0);
    ASSERT_INT_EQ(pieces, 1);
    free(obj);
    free(b);
}

static void test_recv_end_of_file(void)
{
    /* The writer stops half-way and closes: the message cannot complete. */
    size_t n = 200000;
    unsigned char *b = pattern(n);
    uint64_t pieces;
    int64_t copy_ns;
    ASSERT(through_pipe(b, n / 2, n, &pieces, &copy_ns) == NULL);
    ASSERT(pieces >= 1);
    free(b);
}

int main(void)
{
    test_dumps_small_glued();
    test_dumps_big_apart();
    test_recv_in_pieces();
    test_recv_end_of_file();
    TEST_DONE();
}
