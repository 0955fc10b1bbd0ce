/* utrace_read.c - the tracer's files, read back into ut_rec (utrace_rec.h).
 *
 * Each file is one process's records, a line each, written into shared
 * memory as they happened (concviz_trace.py). The program wrote them, and
 * the program is anything at all: it may have been killed in the middle
 * of a line, and it can reach the folder and write what it likes. So
 * nothing here trusts a line: a line that does not parse is counted and
 * passed over, every number is range-checked, every index is checked
 * before it is used, and memory grows only with what the files hold.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rec.h"
#include "utrace_rec.h"

/* ---- fields --------------------------------------------------------------- */

typedef struct line {
    const char *p, *end;
} line;

/* The next field: up to a space or the line's end. Returns its length, 0
 * at the end of the line. */
static size_t field(line *l, const char **f)
{
    while (l->p < l->end && *l->p == ' ')
        l->p++;
    *f = l->p;
    while (l->p < l->end && *l->p != ' ')
        l->p++;
    return (size_t)(l->p - *f);
}

/* A whole number (a minus sign allowed), into *v. Returns 0 or -1. */
static int num(line *l, int64_t *v)
{
    const char *f;
    size_t n = field(l, &f);
    if (n == 0 || n > 20)
        return -1;
    int neg = f[0] == '-';
    uint64_t x = 0;
    for (size_t i = (size_t)neg; i < n; i++) {
        if (f[i] < '0' || f[i] > '9' || x > (UINT64_MAX - 9) / 10)
            return -1;
        x = x * 10 + (uint64_t)(f[i] - '0');
    }
    if (n == (size_t)neg || x > (uint64_t)INT64_MAX)
        return -1;
    *v = neg ? -(int64_t)x : (int64_t)x;
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
         : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A %-escaped field, decoded into buf (cut to n-1 bytes). Returns its
 * length, or -1 when there is none. */
static int text(line *l, char *buf, size_t n)
{
    const char *f;
    size_t len = field(l, &f), k = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len && k + 1 < n; i++) {
        int hi, lo;
        if (f[i] == '%' && i + 2 < len && (hi = hexval(f[i + 1])) >= 0 &&
            (lo = hexval(f[i + 2])) >= 0) {
            char c = (char)(hi * 16 + lo);
            buf[k++] = c == '\0' ? '?' : c; /* a C string cannot hold a NUL */
            i += 2;
        } else {
            buf[k++] = f[i];
        }
    }
    buf[k] = '\0';
    return (int)k;
}

/* A word (a name, a label) interned in the program's strings. */
static int word(ut_rec *r, line *l, uint32_t *idx)
{
    char buf[256];
    if (text(l, buf, sizeof buf) < 0)
        return 1; /* no such field: the line is bad */
    return sim_tprogram_intern(r->prog, buf, idx) ? -ENOMEM : 0;
}

/* ---- growing arrays ------------------------------------------------------------ */

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, c * size);
    if (!q)
        return -ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

#define PUSH(arr, n, cap) grow((void **)&(arr), &(cap), (n), sizeof *(arr))

/* ---- processes and threads ------------------------------------------------------ */

static void proc_init(ut_proc *p, int32_t pid)
{
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->t_start = -1;
    p->t_exit = -1;
    p->name = SIM_NO_TASK;
    p->cost_event = p->cost_record = p->cost_hook = -1;
    p->t_begin = p->t_ready = -1;
}

static void proc_free(ut_proc *p)
{
    for (size_t i = 0; i < p->nthreads; i++)
        free(p->threads[i].blocks);
    for (size_t i = 0; i < p->ntasks; i++)
        free(p->tasks[i].steps);
    free(p->threads);
    free(p->tasks);
    free(p->children);
    free(p->msgs);
}

void ut_rec_free(ut_rec *r)
{
    for (size_t i = 0; i < r->nprocs; i++)
        proc_free(&r->procs[i]);
    free(r->procs);
    r->procs = NULL;
    r->nprocs = r->cap = 0;
}

ut_proc *ut_rec_proc(const ut_rec *r, int32_t pid)
{
    for (size_t i = 0; i < r->nprocs; i++)
        if (r->procs[i].pid == pid)
            return &r->procs[i];
    return NULL;
}

/* The thread `ident` of p, made (unnamed, times unknown) if new; NULL when
 * memory ran out or the process has too many. A process's threads are
 * few, or, when a program starts a thousand, looked for from the newest:
 * a thread's records follow its start. `starts`: for its T record; an
 * ident already started belongs to a thread that has ended (CPython
 * reuses an ended thread's ident for the next one, as the C library
 * reuses its stack), so this is a new thread. */
static ut_thread *thread_of(ut_rec *r, ut_proc *p, uint64_t ident, int starts)
{
    for (size_t i = p->nthreads; i > 0; i--)
        if (p->threads[i - 1].ident == ident) {
            if (!starts || p->threads[i - 1].t0 < 0)
                return &p->threads[i - 1];
            break;
        }
    if (p->nthreads >= UT_MAX_LANES || PUSH(p->threads, p->nthreads, p->cap_threads))
        return NULL;
    ut_thread *t = &p->threads[p->nthreads++];
    memset(t, 0, sizeof *t);
    t->ident = ident;
    t->t0 = t->t1 = t->raised_t = t->wait_t0 = -1;
    t->cpu0 = t->cpu1 = -1;
    t->name = SIM_NO_TASK;
    t->raised = SIM_NO_TASK;
    (void)r;
    return t;
}

static ut_task *task_of(ut_proc *p, int64_t num)
{
    /* The tracer numbers tasks 1, 2, ... in the order of their first
     * steps, which is the order of their K records. */
    if (num < 1 || (uint64_t)num > p->ntasks)
        return NULL;
    return &p->tasks[num - 1];
}

static void seen(ut_proc *p, int64_t t)
{
    if (t > p->last_t)
        p->last_t = t;
}

/* ---- one line ------------------------------------------------------------------- */

/* Returns 0 (used), 1 (not understood: counted) or -ENOMEM. */
static int parse_line(ut_rec *r, ut_proc *p, line *l)
{
    const char *tag;
    if (field(l, &tag) != 1)
        return 1;
    int64_t a, b, c, d, e;
    char buf[64];
    int w;
    switch (tag[0]) {
    case 'V': /* V FORMAT VERSION IMPL FT GIL MODE */
        if (num(l, &a) || a != UT_FORMAT || text(l, p->version, sizeof p->version) < 0 ||
            text(l, buf, sizeof buf) < 0 || num(l, &b) || num(l, &c) ||
            text(l, buf, sizeof buf) != 1)
            return 1;
        p->mode = buf[0];
        return 0;
    case 'P': /* P PID PPID T HOW */
        if (num(l, &a) || num(l, &b) || num(l, &c) || text(l, p->how, sizeof p->how) < 0 ||
            a != p->pid)
            return 1;
        p->ppid = (int32_t)b;
        p->t_start = c;
        seen(p, c);
        return 0;
    case 'N':
        return word(r, l, &p->name);
    case 'Q':
        if (num(l, &a) || num(l, &b) || num(l, &c) || a < 0 || b < 0 || c < 0)
            return 1;
        p->cost_event = a;
        p->cost_record = b;
        p->cost_hook = c;
        /* the tracer's start, when given: from its import to the script */
        if (num(l, &d) == 0 && num(l, &e) == 0 && d > 0 && e >= d) {
            p->t_begin = d;
            p->t_ready = e;
            seen(p, e);
        }
        return 0;
    case 'Z':
        if (num(l, &a) || num(l, &b) || num(l, &c) || num(l, &d) || a < 0 || b < 0 ||
            c < 0 || d < 0)
            return 1;
        p->events = (uint64_t)a;
        p->records = (uint64_t)b;
        p->hooks = (uint64_t)c;
        p->dropped = (uint64_t)d;
        return 0;
    case 'T': { /* T IDENT NATIVE T CPU NAME */
        if (num(l, &a) || num(l, &b) || num(l, &c) || num(l, &d))
            return 1;
        ut_thread *t = thread_of(r, p, (uint64_t)a, 1);
        if (!t)
            return -ENOMEM;
        t->native = b;
        t->t0 = c;
        t->cpu0 = d;
        seen(p, c);
        return word(r, l, &t->name);
    }
    case 'E': { /* E IDENT T CPU NAME */
        if (num(l, &a) || num(l, &b) || num(l, &c))
            return 1;
        ut_thread *t = thread_of(r, p, (uint64_t)a, 0);
        if (!t)
            return -ENOMEM;
        if (t->t1 >= 0)
            return 0; /* said twice (the main thread: atexit after the end) */
        t->t1 = b;
        t->cpu1 = c;
        seen(p, b);
        uint32_t name;
        if ((w = word(r, l, &name)) == 0)
            t->name = name; /* a thread may be renamed while it runs */
        return w < 0 ? w : 0;
    }
    case 'B': { /* B IDENT T0 T1 CPU KIND LABEL */
        if (num(l, &a) || num(l, &b) || num(l, &c) || num(l, &d) || c < b ||
            text(l, buf, sizeof buf) != 1)
            return 1;
        ut_block k = {.t0 = b, .t1 = c, .cpu = d, .kind = buf[0]};
        if ((w = word(r, l, &k.what)) != 0)
            return w;
        ut_thread *t = thread_of(r, p, (uint64_t)a, 0);
        if (!t || PUSH(t->blocks, t->nblocks, t->cap))
            return -ENOMEM;
        t->blocks[t->nblocks++] = k;
        if (t->wait_t0 >= 0 && k.t0 >= t->wait_t0)
            t->wait_t0 = -1; /* the wait it began has ended */
        seen(p, c);
        return 0;
    }
    case 'W': { /* W IDENT T0 KIND LABEL */
        if (num(l, &a) || num(l, &b) || text(l, buf, sizeof buf) != 1)
            return 1;
        ut_thread *t = thread_of(r, p, (uint64_t)a, 0);
        if (!t)
            return -ENOMEM;
        if ((w = word(r, l, &t->wait_what)) != 0)
            return w;
        t->wait_t0 = b;
        t->wait_kind = buf[0];
        seen(p, b);
        return 0;
    }
    case 'K': { /* K TASK IDENT LOOP T_CREATED NAME */
        if (num(l, &a) || num(l, &b) || num(l, &c) || num(l, &d) ||
            (uint64_t)a != p->ntasks + 1 || c < 1 || c > UT_MAX_LANES)
            return 1;
        if (p->ntasks >= UT_MAX_LANES || PUSH(p->tasks, p->ntasks, p->cap_tasks))
            return -ENOMEM;
        ut_task *k = &p->tasks[p->ntasks];
        memset(k, 0, sizeof *k);
        k->num = (uint32_t)a;
        k->ident = (uint64_t)b;
        k->loop = (uint32_t)c;
        k->created = d;
        if ((w = word(r, l, &k->name)) != 0)
            return w;
        p->ntasks++;
        ut_thread *t = thread_of(r, p, (uint64_t)b, 0);
        if (!t)
            return -ENOMEM;
        if (!t->loop)
            t->loop = (uint32_t)c;
        seen(p, d);
        return 0;
    }
    case 'S': { /* S TASK T_READY T0 T1 ST [KIND LABEL [WAKE]] */
        if (num(l, &a) || num(l, &b) || num(l, &c) || num(l, &d) || d < c ||
            text(l, buf, sizeof buf) != 1)
            return 1;
        ut_task *k = task_of(p, a);
        if (!k)
            return 1;
        ut_step s = {.ready = b < c ? b : c, .t0 = c, .t1 = d, .st = buf[0],
                     .what = SIM_NO_TASK};
        if (s.st == 'w') {
            if (text(l, buf, sizeof buf) != 1)
                return 1;
            s.kind = buf[0];
            if ((w = word(r, l, &s.what)) != 0)
                return w;
            if (num(l, &e) == 0 && e > d)
                s.wake = e;
        } else if (s.st != 'd' && s.st != 'r') {
            return 1;
        }
        if (PUSH(k->steps, k->nsteps, k->cap))
            return -ENOMEM;
        k->steps[k->nsteps++] = s;
        seen(p, d);
        return 0;
    }
    case 'C': { /* C IDENT T0 T1 PID METHOD NAME */
        if (num(l, &a) || num(l, &b) || num(l, &c) || num(l, &d) || d <= 0 ||
            d > INT32_MAX || c < b)
            return 1;
        if (PUSH(p->children, p->nchildren, p->cap_children))
            return -ENOMEM;
        ut_child *ch = &p->children[p->nchildren];
        memset(ch, 0, sizeof *ch);
        ch->ident = (uint64_t)a;
        ch->t0 = b;
        ch->t1 = c;
        ch->pid = (int32_t)d;
        if (text(l, ch->method, sizeof ch->method) < 0)
            return 1;
        p->nchildren++;
        seen(p, c);
        return 0;
    }
    case 'M': { /* M IDENT T DIR LEN CRC */
        if (num(l, &a) || num(l, &b) || text(l, buf, sizeof buf) != 1 || num(l, &c) ||
            num(l, &d) || (buf[0] != 's' && buf[0] != 'r') || c < 0 || c > UINT32_MAX ||
            d < 0 || d > UINT32_MAX)
            return 1;
        if (PUSH(p->msgs, p->nmsgs, p->cap_msgs))
            return -ENOMEM;
        p->msgs[p->nmsgs++] = (ut_msg){(uint64_t)a, b, (uint32_t)c, (uint32_t)d, buf[0]};
        seen(p, b);
        return 0;
    }
    case 'R': { /* R IDENT T TYPE MESSAGE */
        char type[96], msg[200] = "", both[300];
        if (num(l, &a) || num(l, &b) || text(l, type, sizeof type) < 0)
            return 1;
        text(l, msg, sizeof msg);
        snprintf(both, sizeof both, "%s%s%s", type, msg[0] ? ": " : "", msg);
        ut_thread *t = thread_of(r, p, (uint64_t)a, 0);
        if (!t)
            return -ENOMEM;
        t->raised_t = b;
        seen(p, b);
        return sim_tprogram_intern(r->prog, both, &t->raised) ? -ENOMEM : 0;
    }
    case 'X': /* X T CODE */
        if (num(l, &a) || num(l, &b))
            return 1;
        if (p->t_exit < 0) {
            p->t_exit = a;
            p->exit_code = (int)(b < -255 ? -255 : b > 255 ? 255 : b);
        }
        seen(p, a);
        return 0;
    default:
        return 1;
    }
}

int ut_rec_read_buf(ut_rec *r, int32_t pid, const char *buf, size_t len)
{
    if (PUSH(r->procs, r->nprocs, r->cap))
        return -ENOMEM;
    ut_proc *p = &r->procs[r->nprocs];
    proc_init(p, pid);
    r->nprocs++;
    /* Only what was written: the rest of the mapped file is zero bytes. */
    const char *end = memchr(buf, '\0', len);
    if (!end)
        end = buf + len;
    for (const char *s = buf; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            break; /* cut in the middle of a line: the program was stopped */
        line l = {s, nl};
        int e = parse_line(r, p, &l);
        if (e < 0)
            return e;
        if (e > 0 && !(nl - s > 0 && s[0] == 'Z'))
            p->bad_lines++;
        s = nl + 1;
    }
    /* A wait that never ended (its thread was stopped in it): a block to
     * its thread's end. */
    for (size_t i = 0; i < p->nthreads; i++) {
        ut_thread *t = &p->threads[i];
        if (t->wait_t0 < 0)
            continue;
        if (PUSH(t->blocks, t->nblocks, t->cap))
            return -ENOMEM;
        t->blocks[t->nblocks++] = (ut_block){.t0 = t->wait_t0, .t1 = UT_OPEN, .cpu = -1,
                                             .what = t->wait_what, .kind = t->wait_kind};
        t->wait_t0 = -1;
    }
    return 0;
}

/* Processes by when they started, the main one first at equal times. */
static int by_start(const void *a, const void *b)
{
    const ut_proc *x = a, *y = b;
    if (x->t_start != y->t_start)
        return x->t_start < y->t_start ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

int ut_rec_read_dir(ut_rec *r, const char *dir, size_t *unreadable)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        if (unreadable)
            (*unreadable)++;
        return 0;
    }
    int e = 0;
    struct dirent *de;
    while (!e && (de = readdir(dp))) {
        char *endp;
        long pid = strtol(de->d_name, &endp, 10);
        if (*endp || pid <= 0 || pid > INT32_MAX)
            continue;
        int fd = openat(dirfd(dp), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (fd >= 0)
                close(fd);
            if (unreadable)
                (*unreadable)++;
            continue;
        }
        /* Read, not mapped: a process that escaped its group could still
         * be writing, and a mapped file cut short would stop concviz. */
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int done = 0;
        while (!done && !e) {
            if (len + (1u << 20) > cap) {
                size_t c = cap ? cap * 2 : (1u << 20);
                char *nb = realloc(buf, c);
                if (!nb) {
                    e = -ENOMEM;
                    break;
                }
                buf = nb;
                cap = c;
            }
            ssize_t k = read(fd, buf + len, cap - len);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            done = memchr(buf + len, '\0', (size_t)k) != NULL; /* the unwritten rest */
            len += (size_t)k;
        }
        close(fd);
        if (!e && len)
            e = ut_rec_read_buf(r, (int32_t)pid, buf, len);
        free(buf);
    }
    closedir(dp);
    if (!e && r->nprocs > 1)
        if (r->nprocs > 1)
            qsort(r->procs, r->nprocs, sizeof *r->procs, by_start);
    return e;
}
