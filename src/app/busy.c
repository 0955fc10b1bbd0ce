/* busy.c - other programs' CPU time, from /proc (see busy.h).
 *
 * /proc/stat has one line per CPU: "cpu3 user nice system idle iowait irq
 * softirq steal guest guest_nice". Busy is everything but idle and iowait
 * (guest time is already inside user). Only the CPUs this process may run
 * on count: in a container limited to two of sixty-four CPUs, load on the
 * other sixty-two is nobody's business here.
 *
 * Ticks are coarse (a hundredth of a second), so a verdict needs a window
 * of a good fraction of a second: over 50 ms, one tick more or less would
 * be 0.2 CPUs. The window the check looks at is a second.
 */
#include "busy.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int app_busy_parse_stat(const char *text, const unsigned char *allowed, int *cpus,
                        uint64_t *busy)
{
    *cpus = 0;
    *busy = 0;
    for (const char *line = text; line && *line;) {
        unsigned id;
        unsigned long long v[8] = {0};
        /* "cpu3 ..." (not the "cpu " total line). */
        if (strncmp(line, "cpu", 3) == 0 && line[3] >= '0' && line[3] <= '9' &&
            sscanf(line + 3, "%u %llu %llu %llu %llu %llu %llu %llu %llu", &id, &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) >= 5) {
            if (id >= 1024 || !allowed || ((allowed[id / 8] >> (id % 8)) & 1u)) {
                /* user nice system [idle iowait] irq softirq steal */
                *busy += v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
                (*cpus)++;
            }
        }
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    return *cpus > 0 ? 0 : -1;
}

int app_busy_parse_pid_stat(const char *line, uint64_t *ticks)
{
    /* "PID (COMM) S PPID ...": the name may hold spaces and parentheses,
     * so fields are counted from the last ')'. utime is field 14. */
    const char *p = strrchr(line, ')');
    if (!p)
        return -1;
    unsigned long long f[15];
    /* state ppid pgrp session tty tpgid flags minflt cminflt majflt
     * cmajflt utime stime cutime cstime */
    char st;
    if (sscanf(p + 1, " %c %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
               &st, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9],
               &f[10], &f[11], &f[12], &f[13]) != 15)
        return -1;
    *ticks = f[10] + f[11] + f[12] + f[13];
    return 0;
}

/* A /proc file: its size reads as 0, so it is read to its end (at most
 * 256 KiB: /proc/stat of a machine with a thousand CPUs is smaller). */
static int read_small(const char *path, char **text)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t cap = 256 * 1024, len = 0;
    char *buf = malloc(cap + 1);
    ssize_t r = 0;
    while (buf && len < cap && (r = read(fd, buf + len, cap - len)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (!buf || r < 0) {
        free(buf);
        return -1;
    }
    buf[len] = 0;
    *text = buf;
    return 0;
}

int app_busy_read_proc(void *user, app_busy_sample *s)
{
    const pid_t *helper = user;
    memset(s, 0, sizeof *s);
    s->t_ns = now_ns();
    cpu_set_t set;
    unsigned char allowed[128];
    memset(allowed, 0, sizeof allowed);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int i = 0; i < 1024 && i < CPU_SETSIZE; i++)
            if (CPU_ISSET(i, &set))
                allowed[i / 8] |= (unsigned char)(1u << (i % 8));
    } else {
        memset(allowed, 0xff, sizeof allowed);
    }
    char *text = NULL;
    if (read_small("/proc/stat", &text) != 0)
        return -1;
    int rc = app_busy_parse_stat(text, allowed, &s->cpus, &s->busy_ticks);
    free(text);
    if (rc != 0)
        return -1;
    uint64_t t;
    if (read_small("/proc/self/stat", &text) != 0)
        return -1;
    rc = app_busy_parse_pid_stat(text, &t);
    free(text);
    if (rc != 0)
        return -1;
    s->ours_ticks = t;
    if (helper && *helper > 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)*helper);
        if (read_small(path, &text) == 0) {
            if (app_busy_parse_pid_stat(text, &t) == 0)
                s->ours_ticks += t;
            free(text);
        }
    }
    return 0;
}

void app_busy_init(app_busy *b, app_busy_source source, void *user, pid_t helper,
                   int64_t window_ns)
{
    memset(b, 0, sizeof *b);
    b->helper = helper;
    b->source = source ? source : app_busy_read_proc;
    b->user = source ? user : &b->helper;
    b->window_ns = window_ns > 0 ? window_ns : APP_BUSY_WINDOW_NS;
}

static const app_busy_sample *newest(const app_busy *b)
{
    return b->n ? &b->ring[(b->head + APP_BUSY_SAMPLES - 1) % APP_BUSY_SAMPLES] : NULL;
}

static void push(app_busy *b, const app_busy_sample *s)
{
    b->ring[b->head] = *s;
    b->head = (b->head + 1) % APP_BUSY_SAMPLES;
    if (b->n < APP_BUSY_SAMPLES)
        b->n++;
}

static int sample(app_busy *b)
{
    app_busy_sample s;
    if (b->source(b->user, &s) != 0)
        return -1;
    push(b, &s);
    return 0;
}

void app_busy_poll(app_busy *b)
{
    /* The window polls every frame: /proc is read a few times a second. */
    if (b->source == app_busy_read_proc) {
        int64_t now = now_ns();
        if (b->n && now - b->polled_ns < b->window_ns / 5)
            return;
        b->polled_ns = now;
    }
    /* The source's own clock decides (a test's source has its own). */
    app_busy_sample s;
    const app_busy_sample *last = newest(b);
    if (b->source(b->user, &s) != 0)
        return;
    if (!last || s.t_ns - last->t_ns >= b->window_ns / 5)
        push(b, &s);
}

int app_busy_ready(const app_busy *b)
{
    const app_busy_sample *last = newest(b);
    if (!last)
        return 0;
    /* The next sample will be at least as late as the newest. */
    for (int k = 1; k <= b->n; k++) {
        const app_busy_sample *s = &b->ring[(b->head + APP_BUSY_SAMPLES - k) % APP_BUSY_SAMPLES];
        if (last->t_ns - s->t_ns >= b->window_ns * 9 / 10)
            return 1;
    }
    return 0;
}

void app_busy_between(const app_busy_sample *a, const app_busy_sample *b, double needed,
                      app_busy_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->cpus = b->cpus;
    v->needed = needed;
    v->seconds = (double)(b->t_ns - a->t_ns) / 1e9;
    if (v->seconds < 0.2 || b->busy_ticks < a->busy_ticks)
        return; /* too short for ticks of 10 ms to say anything */
    double tick = (double)sysconf(_SC_CLK_TCK);
    if (tick <= 0)
        tick = 100;
    double busy = (double)(b->busy_ticks - a->busy_ticks);
    double ours = b->ours_ticks >= a->ours_ticks ? (double)(b->ours_ticks - a->ours_ticks) : 0;
    double others = (busy - ours) / tick / v->seconds;
    v->others = others > 0 ? others : 0;
    v->known = 1;
    double need = needed < 1 ? 1 : needed > v->cpus ? v->cpus : needed;
    /* Busy when what is left free is less than the run can use. */
    v->busy = v->others > (double)v->cpus - need + APP_BUSY_MARGIN;
}

void app_busy_check(app_busy *b, double needed, app_busy_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (sample(b) != 0)
        return;
    const app_busy_sample *now = newest(b);
    /* 9/10 of the window: the poll's own rhythm must not lose a verdict. */
    const app_busy_sample *from = NULL;
    for (int k = 2; k <= b->n; k++) {
        const app_busy_sample *s = &b->ring[(b->head + APP_BUSY_SAMPLES - k) % APP_BUSY_SAMPLES];
        if (now->t_ns - s->t_ns >= b->window_ns * 9 / 10) {
            from = s;
            break;
        }
    }
    if (from)
        app_busy_between(from, now, needed, v);
}

size_t app_busy_sentence(const app_busy_verdict *v, const char *when, char *buf, size_t n)
{
    if (!v->known)
        return (size_t)snprintf(buf, n, "%s", "");
    /* What the run needs is said only when it is less than every CPU. */
    char need[64] = "";
    int k = (int)(v->needed + 0.5);
    if (k >= 1 && k < v->cpus)
        snprintf(need, sizeof need, " (this run needs %d)", k);
    return (size_t)snprintf(buf, n,
                            "other programs used %.1f of %d CPU%s %s%s: expect longer, less "
                            "parallel times than on a quiet machine",
                            v->others, v->cpus, v->cpus == 1 ? "" : "s", when, need);
}

double app_busy_needed(const sim_config *cfg, uint64_t ntasks, int cpus)
{
    double most = 1;
    for (int i = 0; i < cfg->nmodels; i++) {
        double k = 1;
        if (cfg->models[i] == SIM_MODEL_MULTIPROCESSING)
            k = cfg->workers > 0 ? cfg->workers : cpus;
        else if (cfg->models[i] == SIM_MODEL_FREE_THREADING)
            k = cfg->threads > 0 ? cfg->threads : (double)ntasks;
        if (k > (double)ntasks && ntasks > 0)
            k = (double)ntasks;
        if (k > most)
            most = k;
    }
    return most > cpus ? cpus : most;
}
