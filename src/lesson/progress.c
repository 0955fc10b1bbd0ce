/* progress.c - remembering where a learner stopped; listing the lessons.
 *
 * The XDG base-directory spec says where a program keeps state that
 * should survive a restart but is not a document (XDG_STATE_HOME) and
 * where users put data files of their own (XDG_DATA_HOME). Both must be
 * absolute paths; a relative one is ignored, as the spec asks.
 *
 * The progress file is tiny and rewritten whole each time, through
 * atomic_file.h: a crash or a full disk leaves the previous file intact.
 * Reading is forgiving (a bad line is skipped), writing is strict.
 *
 * Several players may share one home folder (a classroom's), each saving
 * after every step. Rewriting the file from what one player read at start
 * would undo what the others saved since; so every change is a merge under
 * a lock: lock, read the file as it is now, change this lesson's line,
 * write, unlock. Entries of other lessons are never lost, and two players
 * of the same lesson simply agree on whichever saved last.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "err.h"
#include "lesson.h"
#include "read_file.h"
#include "progress.h"

static int xdg_path(const char *var, const char *fallback, const char *tail,
                    char *buf, size_t n)
{
    const char *base = getenv(var);
    int k;
    if (base && base[0] == '/') {
        k = snprintf(buf, n, "%s/concviz/%s", base, tail);
    } else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
            return SIM_E_USAGE;
        k = snprintf(buf, n, "%s/%s/concviz/%s", home, fallback, tail);
    }
    return k < 0 || (size_t)k >= n ? SIM_E_USAGE : 0;
}

int lesson_progress_path(char *buf, size_t n)
{
    return xdg_path("XDG_STATE_HOME", ".local/state", "progress", buf, n);
}

int lesson_user_dir(char *buf, size_t n)
{
    return xdg_path("XDG_DATA_HOME", ".local/share", "lessons", buf, n);
}

int lesson_state_path(const char *leaf, char *buf, size_t n)
{
    return xdg_path("XDG_STATE_HOME", ".local/state", leaf, buf, n);
}

static int name_ok(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    return len > 0 && len < LESSON_MAX_NAME && !strpbrk(name, "/\t\n\r");
}

void lesson_progress_free(lesson_progress *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

const lesson_progress_entry *lesson_progress_get(const lesson_progress *p, const char *name)
{
    for (size_t i = 0; name && i < p->n; i++)
        if (strcmp(p->v[i].name, name) == 0)
            return &p->v[i];
    return NULL;
}

int lesson_progress_set(lesson_progress *p, const char *name, int step, int done)
{
    if (!name_ok(name) || step < 0 || step >= LESSON_MAX_STEPS)
        return SIM_E_USAGE;
    lesson_progress_entry *e = (lesson_progress_entry *)lesson_progress_get(p, name);
    if (!e) {
        if (p->n >= LESSON_MAX_PROGRESS)
            return SIM_E_USAGE;
        if (p->n == p->cap) {
            size_t cap = p->cap ? p->cap * 2 : 16;
            lesson_progress_entry *v = realloc(p->v, cap * sizeof *v);
            if (!v)
                return SIM_E_NOMEM;
            p->v = v;
            p->cap = cap;
        }
        e = &p->v[p->n++];
        snprintf(e->name, sizeof e->name, "%s", name);
        e->marks[0] = '\0';
    }
    e->step = step;
    e->done = done ? 1 : 0;
    return 0;
}

char lesson_mark_after(char old, int right)
{
    if (old == LESSON_MARK_FIRST || old == LESSON_MARK_RETRY)
        return old;
    if (old == LESSON_MARK_WRONG)
        return right ? LESSON_MARK_RETRY : LESSON_MARK_WRONG;
    return right ? LESSON_MARK_FIRST : LESSON_MARK_WRONG;
}

/* Sets step k's mark, padding the steps before it with '-'. */
static void set_mark(lesson_progress_entry *e, int k, char mark)
{
    size_t len = strlen(e->marks);
    while ((int)len < k)
        e->marks[len++] = LESSON_MARK_NONE;
    e->marks[k] = mark;
    if ((int)len <= k)
        e->marks[k + 1] = '\0';
}

static char mark_of(const lesson_progress_entry *e, int k)
{
    return e && k < (int)strlen(e->marks) ? e->marks[k] : LESSON_MARK_NONE;
}

void lesson_progress_score(const lesson_progress_entry *e, const lesson *l, lesson_score *s)
{
    memset(s, 0, sizeof *s);
    for (size_t k = 0; k < l->nsteps; k++) {
        const lesson_prediction *p = &l->steps[k].pred;
        if (!p->question || p->nchoices == 0)
            continue; /* the player asks only where there are choices */
        s->questions++;
        char m = mark_of(e, (int)k);
        s->first += m == LESSON_MARK_FIRST;
        s->retry += m == LESSON_MARK_RETRY;
        s->wrong += m == LESSON_MARK_WRONG;
    }
}

void lesson_score_text(const lesson_score *s, char *buf, size_t n)
{
    int answered = s->first + s->retry + s->wrong;
    if (s->questions == 0)
        snprintf(buf, n, "%s", "");
    else if (answered == 0)
        snprintf(buf, n, "%d question%s, none answered yet", s->questions,
                 s->questions == 1 ? "" : "s");
    else if (s->retry == 0)
        snprintf(buf, n, "%d/%d right first time", s->first, s->questions);
    else
        snprintf(buf, n, "%d/%d right first time, %d after a retry", s->first, s->questions,
                 s->retry);
}

void lesson_progress_reset(lesson_progress *p, const char *name)
{
    if (!name) {
        p->n = 0;
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->v[i].name, name) == 0) {
            memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof p->v[0]);
            p->n--;
            return;
        }
    }
}

/* Only the letters of marks: a damaged field reads as "unanswered" there. */
static void keep_marks(lesson_progress_entry *e, const char *m)
{
    size_t k = 0;
    for (; m[k] && k < LESSON_MAX_STEPS; k++)
        e->marks[k] = m[k] == LESSON_MARK_FIRST || m[k] == LESSON_MARK_RETRY ||
                              m[k] == LESSON_MARK_WRONG
                          ? m[k] : LESSON_MARK_NONE;
    while (k > 0 && e->marks[k - 1] == LESSON_MARK_NONE)
        k--; /* "-" is how an entry without answers is written */
    e->marks[k] = '\0';
}

/* One line, "NAME<TAB>STEP<TAB>DONE[<TAB>MARKS]" (MARKS is missing from
 * files written before scores were kept); anything else is skipped. */
static int parse_line(lesson_progress *p, const char *line, size_t len)
{
    char name[LESSON_MAX_NAME], rest[64 + LESSON_MAX_STEPS];
    const char *tab = memchr(line, '\t', len);
    size_t nl = tab ? (size_t)(tab - line) : 0, rl = tab ? len - nl - 1 : 0;
    int step, done;
    if (!tab || nl >= sizeof name || rl >= sizeof rest)
        return 0;
    memcpy(name, line, nl);
    name[nl] = '\0';
    memcpy(rest, tab + 1, rl);
    rest[rl] = '\0';
    if (sscanf(rest, "%d\t%d", &step, &done) != 2)
        return 0;
    int rc = lesson_progress_set(p, name, step, done);
    if (rc == 0) {
        const char *t1 = strchr(rest, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        keep_marks((lesson_progress_entry *)lesson_progress_get(p, name), t2 ? t2 + 1 : "");
    }
    return rc == SIM_E_NOMEM ? rc : 0;
}

int lesson_progress_load(lesson_progress *p, const char *path, char *msg, size_t n)
{
    memset(p, 0, sizeof *p);
    char *buf, why[256];
    size_t len;
    int rc = sim_file_read_all(path, "progress", LESSON_MAX_PROGRESS_BYTES, &buf, &len,
                               why, sizeof why);
    if (rc == SIM_E_ERRNO(ENOENT))
        return 0;
    if (rc) {
        snprintf(msg, n, "%s: %s", path, why);
        return rc == SIM_E_NOMEM ? rc : SIM_E_SYS;
    }
    for (size_t at = 0; at < len && rc == 0;) {
        const char *end = memchr(buf + at, '\n', len - at);
        size_t ll = end ? (size_t)(end - (buf + at)) : len - at;
        rc = parse_line(p, buf + at, ll);
        at += ll + 1;
    }
    free(buf);
    if (rc) {
        lesson_progress_free(p);
        snprintf(msg, n, "out of memory");
    }
    return rc;
}

/* mkdir -p of the folder holding `path`. */
static int make_parents(const char *path, char *msg, size_t n)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
        snprintf(msg, n, "%s: path too long", path);
        return SIM_E_SYS;
    }
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *q = dir + 1; ; q++) {
        if (*q == '/' || *q == '\0') {
            char c = *q;
            *q = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                snprintf(msg, n, "%s: cannot create the folder: %s", dir, strerror(errno));
                return SIM_E_SYS;
            }
            *q = c;
            if (c == '\0')
                break;
        }
    }
    return 0;
}

/* Rewrites the whole file atomically (atomic_file.h). Only under the lock:
 * a write from a progress read earlier would undo what others wrote since. */
static int write_progress(const lesson_progress *p, const char *path, char *msg, size_t n)
{
    sim_afile af;
    int rc = sim_afile_open(&af, path, msg, n);
    if (rc)
        return rc;
    for (size_t i = 0; i < p->n; i++)
        fprintf(af.f, "%s\t%d\t%d\t%s\n", p->v[i].name, p->v[i].step, p->v[i].done,
                p->v[i].marks[0] ? p->v[i].marks : "-");
    return sim_afile_commit(&af, msg, n);
}

/* Takes the lock: flock on PATH.lock, a file of its own, since the progress
 * file itself is replaced at each write and a lock on the old one would
 * guard nothing. It waits for another concviz in the kernel (LOCK_EX, not a
 * loop of tries: a loop that sleeps between tries can lose to a busy writer
 * forever). The wait is short, since a holder keeps the lock only while it
 * rewrites a tiny file, and never endless: the kernel drops the lock when
 * its holder's file is closed, even by a process that dies. Returns 0 with
 * *fd holding the lock (closing it releases it), or SIM_E_SYS. */
static int lock_progress(const char *path, int *fd, char *msg, size_t n)
{
    char lp[4200], why[256];
    struct stat st;
    snprintf(lp, sizeof lp, "%s.lock", path);
    if (sim_file_open_regular(lp, O_RDWR | O_CREAT, 0600, "lock", fd, &st, why,
                              sizeof why) != 0) {
        snprintf(msg, n, "%s: %s", lp, why);
        return SIM_E_SYS;
    }
    while (flock(*fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        snprintf(msg, n, "%s: cannot lock: %s", lp, strerror(errno));
        close(*fd);
        *fd = -1;
        return SIM_E_SYS;
    }
    return 0;
}

/* Under the lock: read the file as it is now, change one entry (or forget
 * it, step < 0), write it back. Others' entries are never lost. */
/* One change to an entry: set its step (step >= 0), forget it (step < 0),
 * or record an answer (answer >= 0: the step answered, right or not). */
typedef struct change {
    int step, done;
    int answer, right;
} change;

static int merge(const char *path, const char *name, change ch, int *had,
                 lesson_progress *fresh, char *msg, size_t n)
{
    int step = ch.answer >= 0 ? ch.answer : ch.step, done = ch.done;
    if (!name || (step >= 0 && !name_ok(name)))
        return SIM_E_USAGE;
    int rc = make_parents(path, msg, n);
    int fd = -1;
    if (rc == 0)
        rc = lock_progress(path, &fd, msg, n);
    if (rc)
        return rc;
    lesson_progress p;
    rc = lesson_progress_load(&p, path, msg, n);
    if (rc == 0) {
        int found = lesson_progress_get(&p, name) != NULL;
        if (had)
            *had = found;
        if (ch.answer >= 0) {
            const lesson_progress_entry *e = lesson_progress_get(&p, name);
            if (!e)
                rc = lesson_progress_set(&p, name, step, 0);
            if (rc == 0) {
                lesson_progress_entry *w = (lesson_progress_entry *)lesson_progress_get(&p, name);
                set_mark(w, ch.answer, lesson_mark_after(mark_of(w, ch.answer), ch.right));
            }
        } else if (step >= 0) {
            rc = lesson_progress_set(&p, name, step, done);
        } else {
            lesson_progress_reset(&p, name);
        }
        if (rc == 0 && (step >= 0 || found))
            rc = write_progress(&p, path, msg, n);
        else if (rc == SIM_E_NOMEM)
            snprintf(msg, n, "out of memory");
    }
    close(fd); /* releases the lock */
    if (rc == 0 && fresh)
        *fresh = p;
    else
        lesson_progress_free(&p);
    return rc;
}

int lesson_progress_update(const char *path, const char *name, int step, int done,
                           lesson_progress *fresh, char *msg, size_t n)
{
    if (step < 0 || step >= LESSON_MAX_STEPS)
        return SIM_E_USAGE;
    return merge(path, name, (change){step, done, -1, 0}, NULL, fresh, msg, n);
}

int lesson_progress_answer(const char *path, const char *name, int step, int right,
                           lesson_progress *fresh, char *msg, size_t n)
{
    if (step < 0 || step >= LESSON_MAX_STEPS)
        return SIM_E_USAGE;
    return merge(path, name, (change){0, 0, step, right ? 1 : 0}, NULL, fresh, msg, n);
}

int lesson_progress_forget(const char *path, const char *name, int *had, char *msg,
                           size_t n)
{
    return merge(path, name, (change){-1, 0, -1, 0}, had, NULL, msg, n);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const lesson_entry *)a)->name, ((const lesson_entry *)b)->name);
}

/* Notes an entry named like a lesson that is not a regular file (a FIFO, a
 * folder, a broken link): it is never opened, and --list says why. */
static int skip(lesson_catalog *c, const char *dir, const char *name, const char *why)
{
    if (c->nskipped == c->skipped_cap) {
        size_t cap = c->skipped_cap ? c->skipped_cap * 2 : 8;
        lesson_skipped *v = realloc(c->skipped, cap * sizeof *v);
        if (!v)
            return SIM_E_NOMEM;
        c->skipped = v;
        c->skipped_cap = cap;
    }
    lesson_skipped *k = &c->skipped[c->nskipped++];
    snprintf(k->path, sizeof k->path, "%s/%s", dir, name);
    snprintf(k->why, sizeof k->why, "%s", why);
    return 0;
}

/* Why an entry of the folder cannot be a lesson, or NULL if it can. stat
 * (not open) never blocks, even on a FIFO; lesson_load checks again on
 * the descriptor it reads, in case the name changes meanwhile. */
static const char *not_a_lesson(int dfd, const char *name)
{
    struct stat st;
    if (fstatat(dfd, name, &st, 0) != 0)
        return errno == ENOENT ? "a broken symbolic link" : "cannot be read";
    if (S_ISREG(st.st_mode))
        return NULL;
    if (S_ISDIR(st.st_mode))
        return "a folder, not a file";
    if (S_ISFIFO(st.st_mode))
        return "not a regular file (a FIFO)";
    return "not a regular file (a device or a socket)";
}

/* Room for one more entry (zeroed; the caller counts it in c->n): the
 * array grows as needed, up to LESSON_MAX_LISTED. Returns the entry, or
 * NULL with *nomem set. */
static lesson_entry *add_entry(lesson_catalog *c, int *nomem)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        if (cap > LESSON_MAX_LISTED)
            cap = LESSON_MAX_LISTED;
        lesson_entry *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            *nomem = 1;
            return NULL;
        }
        c->v = v;
        c->cap = cap;
    }
    lesson_entry *e = &c->v[c->n];
    memset(e, 0, sizeof *e);
    return e;
}

/* The *.md entries of one folder, sorted by name; with titles, each one
 * parsed for its title. */
static int list_dir(lesson_catalog *c, const char *dir, int user, int titles)
{
    if (!dir)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t first = c->n;
    struct dirent *de;
    int rc = 0, nomem = 0;
    while (rc == 0 && !nomem && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 4 || len >= LESSON_MAX_NAME || de->d_name[0] == '.' ||
            strcmp(de->d_name + len - 3, ".md") != 0)
            continue;
        const char *why = not_a_lesson(dirfd(d), de->d_name);
        if (why) {
            rc = skip(c, dir, de->d_name, why);
            continue;
        }
        if (c->n >= LESSON_MAX_LISTED) {
            c->unlisted++;
            continue;
        }
        lesson_entry *e = add_entry(c, &nomem);
        if (!e)
            break;
        if (snprintf(e->path, sizeof e->path, "%s/%s", dir, de->d_name) >= (int)sizeof e->path)
            continue;
        snprintf(e->name, sizeof e->name, "%s", de->d_name);
        e->user = user;
        c->n++;
    }
    closedir(d);
    if (rc || nomem)
        return rc ? rc : SIM_E_NOMEM;
    if (c->n > first)
        qsort(c->v + first, c->n - first, sizeof c->v[0], by_name);
    for (size_t i = first; titles && i < c->n; i++) {
        lesson l;
        lesson_errors errs;
        rc = lesson_load(&l, c->v[i].path, &errs);
        if (rc == SIM_E_NOMEM)
            return rc;
        if (rc == 0) {
            c->v[i].valid = 1;
            snprintf(c->v[i].title, sizeof c->v[i].title, "%s", l.title);
            lesson_free(&l);
        }
    }
    return 0;
}

static int catalog(lesson_catalog *c, const char *shipped_dir, const char *user_dir,
                   int titles)
{
    memset(c, 0, sizeof *c);
    int rc = list_dir(c, shipped_dir, 0, titles);
    if (rc == 0)
        rc = list_dir(c, user_dir, 1, titles);
    if (rc)
        lesson_catalog_free(c);
    return rc;
}

int lesson_catalog_list(lesson_catalog *c, const char *shipped_dir, const char *user_dir)
{
    return catalog(c, shipped_dir, user_dir, 1);
}

int lesson_catalog_scan(lesson_catalog *c, const char *shipped_dir, const char *user_dir)
{
    return catalog(c, shipped_dir, user_dir, 0);
}

void lesson_catalog_free(lesson_catalog *c)
{
    free(c->v);
    free(c->skipped);
    memset(c, 0, sizeof *c);
}
