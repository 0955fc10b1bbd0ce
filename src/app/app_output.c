/* app_output.c - safe standard streams at start-up; lost output reported.
 *
 * stdio remembers that a write failed (ferror) but not why, and errno may
 * have changed since. So app_output_finish asks in order: did the final
 * flush fail, and with what errno; did a SIGPIPE arrive (SIGPIPE is
 * blocked while commands run, app_signals.h, so a broken pipe leaves one
 * pending instead of killing concviz); is the descriptor one that cannot
 * be written at all (a closed stdout, which app_stdio_guard made a
 * read-only /dev/null).
 */
#include "app_output.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "escape.h"

int app_stdio_guard(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        /* open returns the lowest free descriptor: this very one, since
         * every lower one is open by now. */
        int k = open("/dev/null", O_RDONLY);
        if (k < 0)
            return -1;
        if (k != fd) { /* cannot happen, but never keep a stray descriptor */
            close(k);
            return -1;
        }
    }
    return 0;
}

void app_print_error(const char *msg)
{
    char e[4096];
    fprintf(stderr, "concviz: %s\n", sim_escape(msg, SIM_ESCAPE_KEEP_LINES, e, sizeof e));
}

int app_output_finish(FILE *f, const char *what, app_signals *sig)
{
    errno = 0;
    int failed = fflush(f) != 0;
    int e = failed ? errno : 0;
    if (!failed && !ferror(f))
        return APP_EXIT_OK;
    if (sig)
        app_signals_poll(sig, 0);
    if (e == EPIPE || (sig && sig->pipe)) {
        fprintf(stderr, "concviz: the output's reader went away (broken pipe), so %s "
                        "got cut short\n", what);
        return APP_EXIT_SIGPIPE;
    }
    int fl = fcntl(fileno(f), F_GETFL);
    if (e == EBADF || (fl >= 0 && (fl & O_ACCMODE) == O_RDONLY)) {
        fprintf(stderr, "concviz: stdout is closed, so %s went nowhere; run concviz "
                        "with its output going somewhere (a terminal, a file, a pipe)\n", what);
    } else if (e == ENOSPC) {
        fprintf(stderr, "concviz: %s could not be written: no space left on the "
                        "device stdout goes to\n", what);
    } else {
        fprintf(stderr, "concviz: %s could not be written to stdout: %s\n", what,
                e ? strerror(e) : "a write failed");
    }
    return APP_EXIT_RUNTIME;
}
