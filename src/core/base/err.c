/* err.c - one short sentence for each error (see err.h for the domain).
 *
 * Errors travel as plain ints (0, a sim_err or a negated errno) so that
 * any layer can pass them on unchanged; this is where they become words.
 * The caller usually adds the details (which file, which worker) around
 * this text.
 */
#include "err.h"

#include <string.h>

int sim_err_is_errno(int e) { return e < 0 && e > -4000; }

const char *sim_err_str(int e)
{
    switch ((sim_err)e) {
    case SIM_OK:
        return "success";
    case SIM_E_NOMEM:
        return "out of memory";
    case SIM_E_USAGE:
        return "bad option, workload or limit";
    case SIM_E_SYS:
        return "a system call failed";
    case SIM_E_CANCELLED:
        return "cancelled";
    case SIM_E_LOST:
        return "a worker process died";
    case SIM_E_TIMEOUT:
        return "timed out";
    case SIM_E_FORMAT:
        return "a file is not in the expected format";
    case SIM_E_DEADLOCK:
        return "deadlock: every task waits on something nothing can release";
    case SIM_E_MEMLIMIT:
        return "the run would pass its memory budget";
    case SIM_E_VERSION:
        return "a file made by another version of concviz";
    }
    /* strerror's table is read-only in glibc; its text for an unknown
     * number is "Unknown error N", built in a per-thread buffer. */
    if (sim_err_is_errno(e))
        return strerror(-e);
    return "unknown error";
}
