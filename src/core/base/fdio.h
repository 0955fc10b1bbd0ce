/* fdio.h - moving a whole message through a pipe or a socket.
 *
 * A read or a write on a pipe may move fewer bytes than asked (a big item
 * crosses a small pipe in turns) or be interrupted by a signal (EINTR).
 * These two loop until all n bytes have moved, so a caller can think in
 * whole messages: the multiprocessing queues' items, spawn's hand-over, the
 * executors' jobs and results.
 */
#ifndef SIM_FDIO_H
#define SIM_FDIO_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Each chunk moved adds one to *progress (NULL: nothing counted): the
 * multiprocessing deadlock check takes bytes moving for progress. Return
 * 0, or -1 at end of file or on an error (errno says which). */
int sim_fd_write_all(int fd, const void *p, size_t n, _Atomic uint64_t *progress);
int sim_fd_read_all(int fd, void *p, size_t n, _Atomic uint64_t *progress);

#endif
