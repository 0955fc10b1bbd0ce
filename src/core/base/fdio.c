/* fdio.c - whole messages through pipes and sockets (see fdio.h). */
#include "fdio.h"

#include <errno.h>
#include <unistd.h>

int sim_fd_write_all(int fd, const void *p, size_t n, _Atomic uint64_t *progress)
{
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
        if (progress)
            atomic_fetch_add(progress, 1);
    }
    return 0;
}

int sim_fd_read_all(int fd, void *p, size_t n, _Atomic uint64_t *progress)
{
    char *c = p;
    while (n > 0) {
        ssize_t k = read(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
        if (progress)
            atomic_fetch_add(progress, 1);
    }
    return 0;
}
