/* pyrec.c - reading back what a Python program recorded about itself.
 *
 * One record a line, words and integers separated by single spaces
 * (recorder.py writes them with "%d" and " ".join): a small hand-written
 * reader takes them, because a general one would accept what the writer
 * never writes. Each line must end with '\n': a file killed mid-write is
 * "cut short", never half-read. The entries of a task are checked as they
 * are read (each pc names a step the recorder times), and the whole is
 * checked once every file is in (sim_pyrec_check): counts against the
 * workload, times against the run.
 */
#include "pyrec.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pyprog.h"
#include "read_file.h"
#include "start_method.h"

/* A recording file larger than this is refused (40 bytes an entry is
 * more than four numbers of a long run take). */
#define MAX_FILE (SIM_PYREC_MAX_ENTRIES * 80ull + (16u << 20))
/* Times may lie this far outside [origin, end] before they are called
 * wrong: a worker can be started a moment before the program's start. */
#define SLACK_NS (10ll * 1000000000ll)

typedef struct reader {
    sim_pyrec *r;
    const char *name;
    const char *p, *end; /* the rest of the current line, and its end ('\n') */
    int line;
    char *msg;
    size_t n;
} reader;

static int bad(reader *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(reader *d, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(d->msg, d->n, "%s:%d: %s", d->name, d->line, text);
    return SIM_E_FORMAT;
}

static int nomem(reader *d)
{
    snprintf(d->msg, d->n, "%s: out of memory", d->name);
    return SIM_E_NOMEM;
}

/* " 123" or " -4": one space, then a whole number that fits int64_t. */
static int num(reader *d, int64_t *v)
{
    if (d->p >= d->end || *d->p != ' ')
        return bad(d, "a number is missing");
    d->p++;
    int neg = d->p < d->end && *d->p == '-';
    d->p += neg;
    uint64_t x = 0;
    const char *start = d->p;
    while (d->p < d->end && *d->p >= '0' && *d->p <= '9') {
        if (d->p - start >= 19)
            return bad(d, "a number too large");
        x = x * 10 + (uint64_t)(*d->p++ - '0');
    }
    if (d->p == start || (d->p < d->end && *d->p != ' '))
        return bad(d, "not a whole number");
    *v = neg ? -(int64_t)x : (int64_t)x;
    return 0;
}

/* " word": one space, then letters, digits and ._+- (a version, a name). */
static int word(reader *d, char *buf, size_t n)
{
    if (d->p >= d->end || *d->p != ' ')
        return bad(d, "a word is missing");
    d->p++;
    size_t k = 0;
    for (; d->p < d->end && *d->p != ' '; d->p++) {
        char c = *d->p;
        int okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '+' || c == '-';
        if (!okc || k + 1 >= n)
            return bad(d, "a word that is not one (a letter, digit or ._+- at most %zu)", n - 1);
        buf[k++] = c;
    }
    buf[k] = '\0';
    return k ? 0 : bad(d, "an empty word");
}

static int nums(reader *d, int64_t *v, int k)
{
    for (int i = 0; i < k; i++) {
        int e = num(d, &v[i]);
        if (e)
            return e;
    }
    return 0;
}

static int at_end(reader *d)
{
    return d->p == d->end ? 0 : bad(d, "more on the line than its record holds");
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

/* The program of group g: its length, and its timed counts (pyprog.h). */
static size_t program(const sim_pyrec *r, const sim_group *g, uint64_t **counts)
{
    size_t len = 1;
    while (r->w->ops[g->prog + len - 1].kind != SIM_OP_END)
        len++;
    *counts = calloc(len, sizeof **counts);
    if (*counts && sim_pyprog_timed_counts(r->w, r->model, g, *counts, len) != len) {
        free(*counts);
        *counts = NULL;
    }
    return len;
}

void sim_pyrec_body_map(const sim_workload *w, const sim_group *g, uint32_t *exec_of,
                        size_t len)
{
    for (size_t pc = 0; pc < len; pc++)
        exec_of[pc] = UINT32_MAX;
    /* Executor bodies hold only cpu, io and yield steps: they never nest. */
    for (size_t pc = 0; pc < len; pc++) {
        const sim_op *op = &w->ops[g->prog + pc];
        if (op->kind != SIM_OP_EXEC)
            continue;
        for (size_t k = pc + 1; (int64_t)(g->prog + k) < op->a && k < len; k++)
            exec_of[k] = (uint32_t)pc;
    }
}

/* The entries of a task or body (recorder.py, ENTRY): each a pc naming a
 * step the recorder times, then two or three numbers as its kind has,
 * with sane values for it. Kept as four, c = -1 where the file has none;
 * a thread(...) body's start and end become c = -2 and -3. */
static int read_entries(reader *d, const sim_group *g, sim_pyrec_entry **out, size_t *nout)
{
    const sim_workload *w = d->r->w;
    uint64_t *counts = NULL;
    size_t len = program(d->r, g, &counts), cap = 0;
    int e = counts ? 0 : nomem(d);
    while (!e && d->p < d->end) {
        int64_t pc, v[3] = {0, 0, -1};
        if ((e = num(d, &pc)))
            break;
        if (d->r->entries >= d->r->limit) {
            e = bad(d, "more entries than the workload can record (%llu)",
                    (unsigned long long)d->r->limit);
            break;
        }
        int marker = pc < 0;
        if (marker)
            pc = -1 - pc;
        if (pc < 0 || (uint64_t)pc >= len || !counts[pc]) {
            e = bad(d, "entry %zu names op %lld, which the recorder does not time", *nout,
                    (long long)pc);
            break;
        }
        const sim_op *op = &w->ops[g->prog + pc];
        int four = !marker && (op->kind == SIM_OP_CPU || op->kind == SIM_OP_LOOP);
        if ((e = nums(d, v, four ? 3 : 2)))
            break;
        int okv = marker ? op->kind == SIM_OP_EXEC && op->b == SIM_EXEC_THREAD &&
                               d->r->model == SIM_MODEL_ASYNCIO && v[1] >= -1
                 : op->kind == SIM_OP_RELEASE ? v[1] == 0
                 : v[0] <= v[1] && v[2] >= -1;
        if (!okv) {
            e = bad(d, "entry %zu (op %lld) holds values its step cannot have", *nout,
                    (long long)pc);
            break;
        }
        if (marker) /* a start (a thread's id) or an end (-1) */
            v[2] = v[1] < 0 ? -3 : -2;
        if (grow((void **)out, &cap, *nout + 1, sizeof *out[0])) {
            e = nomem(d);
            break;
        }
        (*out)[(*nout)++] = (sim_pyrec_entry){v[0], v[1], v[2], (uint32_t)pc};
        d->r->entries++;
    }
    free(counts);
    return e;
}

static int read_task(reader *d)
{
    int64_t v[8];
    int e = nums(d, v, 8);
    if (e)
        return e;
    sim_pyrec *r = d->r;
    if (v[0] < 0 || (uint64_t)v[0] >= r->w->ntasks)
        return bad(d, "task %lld is not a task of the workload (0..%llu)", (long long)v[0],
                   (unsigned long long)r->w->ntasks - 1);
    sim_pyrec_task *t = &r->tasks[v[0]];
    if (t->seen)
        return bad(d, "task %lld is recorded twice", (long long)v[0]);
    if ((v[5] < 0 && v[5] != -1) || (v[5] >= 0 && v[5] < v[3]) || (v[7] != 0 && v[7] != 1))
        return bad(d, "task %lld has an impossible start, end or outcome", (long long)v[0]);
    *t = (sim_pyrec_task){.seen = 1, .ok = (int)v[7], .pid = v[1], .tid = v[2],
                          .t0 = v[3], .c0 = v[4], .t1 = v[5], .c1 = v[6]};
    return read_entries(d, sim_workload_group_of(r->w, (uint64_t)v[0]), &t->e, &t->ne);
}

static int read_body(reader *d)
{
    int64_t v[8];
    int e = nums(d, v, 8);
    if (e)
        return e;
    sim_pyrec *r = d->r;
    if (v[0] < 0 || (uint64_t)v[0] >= r->w->ngroups)
        return bad(d, "group %lld is not a group of the workload", (long long)v[0]);
    const sim_group *g = &r->w->groups[v[0]];
    size_t len = 1;
    while (r->w->ops[g->prog + len - 1].kind != SIM_OP_END)
        len++;
    if (v[1] < 0 || (uint64_t)v[1] >= len || r->model != SIM_MODEL_ASYNCIO ||
        r->w->ops[g->prog + v[1]].kind != SIM_OP_EXEC ||
        r->w->ops[g->prog + v[1]].b != SIM_EXEC_PROCESS)
        return bad(d, "op %lld of group %lld is no process(...) body", (long long)v[1],
                   (long long)v[0]);
    if (v[6] < v[4])
        return bad(d, "a process(...) body ends before it starts");
    if (grow((void **)&r->bodies, &r->cap_bodies, r->nbodies + 1, sizeof *r->bodies))
        return nomem(d);
    sim_pyrec_body *b = &r->bodies[r->nbodies++];
    *b = (sim_pyrec_body){.group = (uint32_t)v[0], .pc = (uint32_t)v[1], .pid = v[2],
                          .tid = v[3], .t0 = v[4], .c0 = v[5], .t1 = v[6], .c1 = v[7]};
    e = read_entries(d, g, &b->e, &b->ne);
    uint32_t *exec_of = e ? NULL : malloc(len * sizeof *exec_of);
    if (!e && !exec_of)
        e = nomem(d);
    if (exec_of)
        sim_pyrec_body_map(r->w, g, exec_of, len);
    for (size_t i = 0; !e && i < b->ne; i++)
        if (exec_of[b->e[i].pc] != b->pc)
            e = bad(d, "a process(...) body records op %u, not one of its own", b->e[i].pc);
    free(exec_of);
    return e;
}

static int read_python(reader *d)
{
    int64_t v[2];
    char start[16];
    sim_python *p = &d->r->python;
    int e = word(d, p->impl, sizeof p->impl);
    if (!e)
        e = word(d, p->version, sizeof p->version);
    if (!e)
        e = nums(d, v, 2);
    if (!e)
        e = word(d, start, sizeof start);
    if (e)
        return e;
    sim_start_method sm;
    if (strcmp(start, "none") == 0)
        d->r->start_method = -1;
    else if (sim_start_method_parse(start, &sm) == 0)
        d->r->start_method = (int)sm;
    else
        return bad(d, "'%s' is not a start method of multiprocessing", start);
    if ((v[0] != 0 && v[0] != 1) || (v[1] != 0 && v[1] != 1))
        return bad(d, "the interpreter's flags are not 0 or 1");
    p->free_threaded = (int8_t)v[0];
    p->gil = (int8_t)v[1];
    return 0;
}

static int read_counter(reader *d)
{
    char name[SIM_MAX_NAME_LEN + 1];
    int64_t v;
    int e = word(d, name, sizeof name);
    if (!e)
        e = num(d, &v);
    if (e)
        return e;
    long k = sim_workload_find_name(d->r->w, name, SIM_NAME_VAR);
    if (k < 0)
        return bad(d, "counter %s is not a variable of the workload", name);
    sim_pyrec *r = d->r;
    for (size_t i = 0; i < r->ncounters; i++)
        if (r->counters[i].name == (uint32_t)k)
            return bad(d, "counter %s is recorded twice", name);
    if (grow((void **)&r->counters, &r->cap_counters, r->ncounters + 1, sizeof *r->counters))
        return nomem(d);
    r->counters[r->ncounters++] = (sim_pyrec_counter){(uint32_t)k, v};
    return 0;
}

/* One line, the keyword already taken. */
static int read_record(reader *d, const char *kw)
{
    sim_pyrec *r = d->r;
    int64_t v[4];
    int e;
    if (!strcmp(kw, "task")) {
        e = read_task(d);
    } else if (!strcmp(kw, "body")) {
        e = read_body(d);
    } else if (!strcmp(kw, "process")) {
        e = nums(d, v, 2);
    } else if (!strcmp(kw, "worker")) {
        if ((e = nums(d, v, 2)))
            return e;
        if (grow((void **)&r->workers, &r->cap_workers, r->nworkers + 1, sizeof *r->workers))
            return nomem(d);
        r->workers[r->nworkers++] = (sim_pyrec_worker){v[0], v[1]};
    } else if (!strcmp(kw, "python")) {
        e = read_python(d);
    } else if (!strcmp(kw, "counter")) {
        e = read_counter(d);
    } else if (!strcmp(kw, "main")) {
        if ((e = nums(d, v, 4)))
            return e;
        if (r->have_main)
            return bad(d, "two main processes");
        if (v[1] < 0 || v[2] < v[1] || (v[3] != 0 && v[3] != 1))
            return bad(d, "the run's start and end are not in order");
        r->have_main = 1;
        r->main_pid = v[0];
        r->origin = v[1];
        r->end = v[2];
        r->partial = (int)v[3];
    } else {
        return bad(d, "'%.20s' is not a record concviz's recorder writes", kw);
    }
    return e ? e : at_end(d);
}

int sim_pyrec_read_text(sim_pyrec *r, const char *name, const char *buf, size_t len,
                        char *msg, size_t n)
{
    reader d = {r, name, buf, buf, 0, msg, n};
    static const char head[] = "concviz-recording ";
    if (len < sizeof head || memcmp(buf, head, sizeof head - 1) != 0) {
        d.line = 1;
        return bad(&d, "not a concviz recording (it does not begin with "
                       "\"concviz-recording\")");
    }
    int had_main = r->have_main; /* the main line ends its own file */
    for (const char *p = buf; p < buf + len;) {
        const char *nl = memchr(p, '\n', (size_t)(buf + len - p));
        d.line++;
        if (!nl)
            return bad(&d, "the file is cut short: its last line has no end");
        if (r->have_main && !had_main)
            return bad(&d, "a record after the main process's last one");
        d.p = p;
        d.end = nl;
        char kw[24];
        size_t k = 0;
        while (d.p < d.end && *d.p != ' ' && k + 1 < sizeof kw)
            kw[k++] = *d.p++;
        kw[k] = '\0';
        int e;
        if (d.line == 1) {
            int64_t v;
            e = strcmp(kw, "concviz-recording") ? bad(&d, "not a recording") : num(&d, &v);
            if (!e && v != SIM_PYREC_VERSION)
                e = bad(&d, "recording format %lld; this concviz reads format %d",
                        (long long)v, SIM_PYREC_VERSION);
            if (!e)
                e = at_end(&d);
        } else {
            e = read_record(&d, kw);
        }
        if (e)
            return e;
        p = nl + 1;
    }
    return 0;
}

int sim_pyrec_read_dir(sim_pyrec *r, const char *dir, const char *prefix, char *msg, size_t n)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        snprintf(msg, n, "%s: %s", dir, strerror(errno));
        return SIM_E_SYS;
    }
    size_t plen = strlen(prefix);
    int e = 0;
    struct dirent *de;
    while (!e && (de = readdir(dp))) {
        const char *s = de->d_name;
        if (strncmp(s, prefix, plen) != 0 || s[plen] != '.' || !s[plen + 1] ||
            strspn(s + plen + 1, "0123456789") != strlen(s + plen + 1))
            continue;
        char path[4096], why[256], *buf;
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, s);
        int re = sim_file_read_all(path, "recording", MAX_FILE, &buf, &len, why, sizeof why);
        if (re) {
            snprintf(msg, n, "%s: %s", s, why);
            e = re == SIM_E_NOMEM ? re : re == SIM_E_FORMAT ? SIM_E_FORMAT : SIM_E_SYS;
            break;
        }
        e = sim_pyrec_read_text(r, s, buf, len, msg, n);
        free(buf);
    }
    closedir(dp);
    return e;
}

uint64_t sim_pyrec_expected(const sim_workload *w, sim_model m)
{
    uint64_t total = 0;
    for (size_t g = 0; g < w->ngroups; g++) {
        const sim_group *gr = &w->groups[g];
        size_t len = 1;
        while (w->ops[gr->prog + len - 1].kind != SIM_OP_END)
            len++;
        uint64_t *c = calloc(len, sizeof *c);
        if (!c || sim_pyprog_timed_counts(w, m, gr, c, len) != len) {
            free(c);
            return UINT64_MAX;
        }
        uint64_t one = 0;
        for (size_t i = 0; i < len; i++) {
            const sim_op *op = &w->ops[gr->prog + i];
            /* a thread(...) body also records its start and end */
            uint64_t k = c[i] * (1 + 2 * (op->kind == SIM_OP_EXEC && op->b == SIM_EXEC_THREAD &&
                                          m == SIM_MODEL_ASYNCIO));
            one = one > UINT64_MAX - k || k < c[i] ? UINT64_MAX : one + k;
        }
        free(c);
        uint64_t all = gr->count && one > UINT64_MAX / gr->count ? UINT64_MAX : one * gr->count;
        total = total > UINT64_MAX - all ? UINT64_MAX : total + all;
    }
    return total;
}

int sim_pyrec_init(sim_pyrec *r, const sim_workload *w, sim_model m)
{
    memset(r, 0, sizeof *r);
    r->w = w;
    r->model = m;
    r->python.free_threaded = -1;
    r->python.gil = -1;
    r->start_method = -1;
    r->tasks = calloc(w->ntasks ? w->ntasks : 1, sizeof *r->tasks);
    uint64_t want = sim_pyrec_expected(w, m);
    r->limit = want < SIM_PYREC_MAX_ENTRIES ? want : SIM_PYREC_MAX_ENTRIES;
    return r->tasks ? 0 : SIM_E_NOMEM;
}

void sim_pyrec_free(sim_pyrec *r)
{
    for (uint64_t i = 0; r->tasks && i < r->w->ntasks; i++)
        free(r->tasks[i].e);
    for (size_t i = 0; i < r->nbodies; i++)
        free(r->bodies[i].e);
    free(r->tasks);
    free(r->bodies);
    free(r->workers);
    free(r->counters);
    memset(r, 0, sizeof *r);
}

/* ---- the whole, once every file is read ---- */

static int in_run(const sim_pyrec *r, int64_t t)
{
    return t >= r->origin - SLACK_NS && t <= r->end + SLACK_NS;
}

/* One task's entries, against its program: how often each op came, and
 * whether the times are within the run. */
static int check_task(const sim_pyrec *r, uint64_t id, uint64_t *seen, const uint64_t *want,
                      const uint32_t *exec_of, size_t len, char *msg, size_t n)
{
    const sim_pyrec_task *t = &r->tasks[id];
    const sim_group *g = sim_workload_group_of(r->w, id);
    memset(seen, 0, len * sizeof *seen);
    if (!in_run(r, t->t0) || (t->t1 >= 0 && !in_run(r, t->t1))) {
        snprintf(msg, n, "task %llu starts or ends outside the run", (unsigned long long)id);
        return SIM_E_FORMAT;
    }
    for (size_t i = 0; i < t->ne; i++) {
        const sim_pyrec_entry *e = &t->e[i];
        int marker = e->c == -2 || e->c == -3;
        if (!in_run(r, e->a) || (!marker && e->b != 0 && !in_run(r, e->b))) {
            snprintf(msg, n, "task %llu records a step outside the run",
                     (unsigned long long)id);
            return SIM_E_FORMAT;
        }
        seen[e->pc] += !marker;
    }
    /* A thread(...) body's start and end come once per await of it. */
    for (size_t pc = 0; pc < len; pc++) {
        const sim_op *op = &r->w->ops[g->prog + pc];
        uint64_t expect = want[pc];
        uint32_t exec = exec_of[pc];
        if (exec != UINT32_MAX && r->w->ops[g->prog + exec].b == SIM_EXEC_PROCESS &&
            r->model == SIM_MODEL_ASYNCIO)
            continue; /* a process(...) body's steps are in its body record */
        int over = seen[pc] > expect, under = seen[pc] < expect && !r->partial;
        if (over || under) {
            snprintf(msg, n, "task %llu recorded op %zu (%s) %llu time%s; the workload "
                     "runs it %llu time%s", (unsigned long long)id, pc,
                     op->kind == SIM_OP_LOOP ? "a loop" : "a step",
                     (unsigned long long)seen[pc], seen[pc] == 1 ? "" : "s",
                     (unsigned long long)expect, expect == 1 ? "" : "s");
            return SIM_E_FORMAT;
        }
    }
    return 0;
}

/* A process(...) body records each of its steps once per run of it:
 * the task's count divided by the count of its EXEC. */
static int check_body(const sim_pyrec *r, const sim_pyrec_body *b, char *msg, size_t n)
{
    const sim_group *g = &r->w->groups[b->group];
    uint64_t *want;
    size_t len = program(r, g, &want);
    uint32_t *exec_of = malloc(len * sizeof *exec_of);
    if (!want || !exec_of) {
        free(want);
        free(exec_of);
        return SIM_E_NOMEM;
    }
    sim_pyrec_body_map(r->w, g, exec_of, len);
    int e = 0;
    if (!in_run(r, b->t0) || !in_run(r, b->t1)) {
        snprintf(msg, n, "a process(...) body runs outside the run");
        e = SIM_E_FORMAT;
    }
    for (uint32_t pc = b->pc + 1; !e && pc < len; pc++) {
        if (exec_of[pc] != b->pc || !want[pc])
            continue;
        uint64_t got = 0, per = want[b->pc] ? want[pc] / want[b->pc] : 0;
        for (size_t i = 0; i < b->ne; i++)
            got += b->e[i].pc == pc;
        if (got != per) {
            snprintf(msg, n, "a process(...) body recorded op %u %llu times, not %llu", pc,
                     (unsigned long long)got, (unsigned long long)per);
            e = SIM_E_FORMAT;
        }
    }
    free(want);
    free(exec_of);
    return e;
}

int sim_pyrec_check(const sim_pyrec *r, char *msg, size_t n)
{
    if (!r->have_main) {
        snprintf(msg, n, "the main process's record is missing: the program ended "
                 "before it could write it");
        return SIM_E_FORMAT;
    }
    int e = 0;
    uint64_t *seen = NULL, *want = NULL;
    uint32_t *exec_of = NULL;
    size_t len = 0;
    const sim_group *last = NULL;
    for (uint64_t id = 0; !e && id < r->w->ntasks; id++) {
        const sim_pyrec_task *t = &r->tasks[id];
        if (!t->seen) {
            if (r->partial)
                continue;
            snprintf(msg, n, "task %llu was never recorded", (unsigned long long)id);
            e = SIM_E_FORMAT;
            break;
        }
        const sim_group *g = sim_workload_group_of(r->w, id);
        if (g != last) {
            free(want);
            free(seen);
            free(exec_of);
            len = program(r, g, &want);
            seen = calloc(len, sizeof *seen);
            exec_of = malloc(len * sizeof *exec_of);
            last = g;
            if (!want || !seen || !exec_of) {
                e = SIM_E_NOMEM;
                break;
            }
            sim_pyrec_body_map(r->w, g, exec_of, len);
        }
        if (!r->partial && t->t1 < 0) {
            snprintf(msg, n, "task %llu did not end: it raised an exception",
                     (unsigned long long)id);
            e = SIM_E_FORMAT;
        }
        if (!e)
            e = check_task(r, id, seen, want, exec_of, len, msg, n);
    }
    free(want);
    free(seen);
    free(exec_of);
    for (size_t i = 0; !e && i < r->nbodies; i++)
        e = check_body(r, &r->bodies[i], msg, n);
    return e;
}
