/* app_saved.c - saved runs in the window: the "recorded on" line, dated
 * file names in the pictures folder, and saving the run on screen as a
 * trace (Ctrl+Shift+S).
 *
 * A saved run can be shown on another machine than the one that measured
 * it, and its numbers (speed-up, CPU use) only mean something next to the
 * machine's CPUs: so every picture of a run says where and when it was
 * recorded, a live one as well as a loaded one, in the same words.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app_ui.h"
#include "cost_note.h"
#include "program_view.h"
#include "read_file.h"
#include "trace_chrome.h"

void app_recorded_line(const sim_comparison *c, char *buf, size_t n)
{
    if (ui_program_recorded(c, buf, n) > 0) /* a program's trace says its own */
        return;
    const sim_machine *m = &c->machine;
    /* "2026-11-25T22:04:28Z" -> "2026-11-25 22:04 UTC"; anything else as is. */
    char date[40];
    const char *at = c->recorded_at;
    if (strlen(at) >= 16 && at[10] == 'T' && at[strlen(at) - 1] == 'Z')
        snprintf(date, sizeof date, "%.10s %.5s UTC", at, at + 11);
    else
        snprintf(date, sizeof date, "%s", at[0] ? at : "an unknown date");
    /* "Intel(R) Xeon(R) CPU" reads as "Intel Xeon CPU": the marks only
     * take room from the line's end, where the date is. */
    char cpu[sizeof m->cpu_model];
    size_t k = 0;
    for (const char *p = m->cpu_model; *p && k + 1 < sizeof cpu;) {
        if (strncmp(p, "(R)", 3) == 0 || strncmp(p, "(r)", 3) == 0)
            p += 3;
        else if (strncmp(p, "(TM)", 4) == 0 || strncmp(p, "(tm)", 4) == 0)
            p += 4;
        else
            cpu[k++] = *p++;
    }
    cpu[k] = 0;
    /* What its costs rest on, last: a line too long for the picture is
     * cut at its end, and the date matters more. */
    char costs[96] = "";
    if (c->ntraces > 0 && ui_costs_tag(&c->traces[0], costs + 2, sizeof costs - 3) > 0) {
        costs[0] = ',';
        costs[1] = ' ';
    }
    snprintf(buf, n, "recorded on %s, %d CPU%s, %s, %s%s",
             m->hostname[0] ? m->hostname : "an unnamed machine", m->cpus,
             m->cpus == 1 ? "" : "s", cpu[0] ? cpu : "unknown CPU", date, costs);
}

/* mkdir -p dir. */
static int mkdirs(const char *dir, char *err, size_t en)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
        snprintf(err, en, "%s: the path is too long", dir);
        return -1;
    }
    for (char *c = p + 1;; c++) {
        if (*c != '/' && *c)
            continue;
        char keep = *c;
        *c = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, en, "%s: cannot make the folder: %s", p, strerror(errno));
            return -1;
        }
        if (!keep)
            return 0;
        *c = keep;
    }
}

int app_mkdirs_for(const char *path, char *err, size_t en)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = 0;
    return mkdirs(dir, err, en);
}

void app_pictures_dir(char *buf, size_t n)
{
    const char *home = getenv("HOME");
    if (!home)
        home = ".";
    const char *x = getenv("XDG_PICTURES_DIR");
    char found[1024] = "";
    if (x && *x) {
        snprintf(found, sizeof found, "%s", x);
    } else {
        char path[1024];
        const char *cfg = getenv("XDG_CONFIG_HOME");
        if (cfg && *cfg)
            snprintf(path, sizeof path, "%s/user-dirs.dirs", cfg);
        else
            snprintf(path, sizeof path, "%s/.config/user-dirs.dirs", home);
        /* A regular file only (read_file.h): a FIFO there must not hang
         * the window. A missing or unreadable file means the default. */
        char *text = NULL, why[256];
        size_t len = 0;
        if (sim_file_read_all(path, "settings", 64 * 1024, &text, &len, why, sizeof why) != 0)
            text = NULL;
        for (char *line = text; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = 0;
            char *q1, *q2;
            if (strncmp(line, "XDG_PICTURES_DIR=", 17) == 0 && (q1 = strchr(line, '"')) &&
                (q2 = strchr(q1 + 1, '"'))) {
                *q2 = 0;
                if (strncmp(q1 + 1, "$HOME", 5) == 0)
                    snprintf(found, sizeof found, "%s%s", home, q1 + 6);
                else
                    snprintf(found, sizeof found, "%s", q1 + 1);
            }
            line = nl ? nl + 1 : NULL;
        }
        free(text);
    }
    /* xdg-user-dir answers $HOME itself for a folder not set: the desktop
     * is no place for screenshots, ~/Pictures is. */
    if (!found[0] || strcmp(found, home) == 0)
        snprintf(found, sizeof found, "%s/Pictures", home);
    snprintf(buf, n, "%.900s/concviz", found);
}

int app_stamp_path(const char *dir, const char *ext, char *buf, size_t n, char *err,
                   size_t en)
{
    if (mkdirs(dir, err, en) != 0)
        return -1;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int k = 1; k < 1000; k++) {
        int r = k == 1 ? snprintf(buf, n, "%s/concviz-%s.%s", dir, stamp, ext)
                       : snprintf(buf, n, "%s/concviz-%s-%d.%s", dir, stamp, k, ext);
        if (r < 0 || (size_t)r >= n) {
            snprintf(err, en, "%s: the path is too long", dir);
            return -1;
        }
        struct stat st;
        if (stat(buf, &st) != 0)
            return 0;
    }
    snprintf(err, en, "%s: too many files this second", dir);
    return -1;
}

int app_save_trace(app *a, const char *dir)
{
    char path[1024], err[512], msg[1100];
    if (a->run_active) {
        ui_view_toast(&a->view, "the run is still going: save it when it has finished", 3.0);
        return -1;
    }
    if (a->cmp.ntraces == 0) {
        ui_view_toast(&a->view, "nothing to save yet: press R to run the workload", 3.0);
        return -1;
    }
    if (app_stamp_path(dir, "json", path, sizeof path, err, sizeof err) != 0 ||
        sim_chrome_save(path, &a->cmp, err, sizeof err) != 0) {
        ui_view_toast(&a->view, err, 4.0);
        return -1;
    }
    snprintf(msg, sizeof msg, "saved the run as %s (concviz open, or Perfetto)", path);
    ui_view_toast(&a->view, msg, 3.0);
    printf("concviz: saved the run as %s\n", path);
    return 0;
}
