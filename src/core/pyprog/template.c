/* template.c - fills the Python templates in, counting lines as they go.
 *
 * The programs `concviz python` prints are .py files in templates/, read
 * by students as Python and checked by `python3 -m py_compile` as they
 * are in the repository. So everything the generator adds must already be
 * Python there, and the template language has three things only, all of
 * them a name or a comment to Python:
 *
 *   __NAME__    a placeholder: two underscores, an upper-case name, two
 *               underscores (Python's own __name__ is lower case, and
 *               never taken for one). To Python it is a name. A block
 *               slot stands alone on its line, and the generator writes
 *               whole lines there (the task functions, the PLAN rows),
 *               each at the placeholder's indentation, or none at all. A
 *               value slot becomes a few characters of its line: a
 *               number, a few words. Which is which, the generator says.
 *   ## if FLAG  the lines up to the matching `## else` or `## end` are
 *   ## else     written only when FLAG holds for the program; the lines
 *   ## end      after `## else`, only when it does not. Nested as needed.
 *               Python sees both branches, so both must fit where they are.
 *   ## text     any other line starting with ## is a note for whoever
 *               reads the template, and is never written.
 *
 * Blank lines belong to what they separate: a block slot that can be
 * empty writes its own blank lines in front of what it writes, so an empty
 * one leaves no gap. That is why a template writes `__STATE__` right
 * under the code before it.
 *
 * A placeholder or flag the generator does not define, or an `## if`
 * without its `## end`, is a bug in a template: it aborts in every
 * build, and the golden tests meet every template in every branch.
 */
#include "template.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST 8 /* `## if` inside `## if`: deeper than any template needs */

void py_write(py_out *o, const char *s, size_t n)
{
    fwrite(s, 1, n, o->f);
    for (size_t i = 0; i < n; i++)
        o->lines += s[i] == '\n';
}

void py_puts(py_out *o, const char *s)
{
    py_write(o, s, strlen(s));
}

/* Formats into a buffer first, to count the newlines. A line of a program
 * holds at most a few identifiers (each under 330 bytes) and numbers, far
 * less than the buffer: a longer one is a bug here. */
static void py_vprintf(py_out *o, const char *fmt, va_list ap)
{
    char buf[2048];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        abort();
    py_write(o, buf, (size_t)n);
}

void py_printf(py_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    py_vprintf(o, fmt, ap);
    va_end(ap);
}

uint32_t py_line(py_out *o, int indent, const char *fmt, ...)
{
    va_list ap;
    fprintf(o->f, "%*s", indent, "");
    va_start(ap, fmt);
    py_vprintf(o, fmt, ap);
    va_end(ap);
    py_write(o, "\n", 1);
    return o->lines;
}

void py_seconds(int64_t ns, char *buf, size_t n)
{
    char frac[16];
    snprintf(frac, sizeof frac, "%09lld", (long long)(ns % 1000000000));
    size_t l = strlen(frac);
    while (l > 1 && frac[l - 1] == '0')
        frac[--l] = '\0';
    snprintf(buf, n, "%lld.%s", (long long)(ns / 1000000000), frac);
}

const pyprog_template *tpl_find(const char *name)
{
    for (const pyprog_template *t = pyprog_templates; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* The first placeholder in s: where its leading "__" is, or NULL; *len
 * is the length of its NAME. */
static const char *find_slot(const char *s, size_t *len)
{
    for (const char *p = strstr(s, "__"); p; p = strstr(p + 1, "__")) {
        if (!is_upper(p[2]))
            continue;
        const char *q = p + 2;
        while (is_upper(*q) || (*q >= '0' && *q <= '9') || *q == '_')
            q++;
        if (q - p >= 5 && q[-1] == '_' && q[-2] == '_') {
            *len = (size_t)(q - p) - 4;
            return p;
        }
    }
    return NULL;
}

static const tpl_slot *slot_named(const tpl_fill *fill, const char *name, size_t len)
{
    for (size_t i = 0; i < fill->nslots; i++) {
        const tpl_slot *s = &fill->slots[i];
        if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
            return s;
    }
    abort(); /* a placeholder nobody fills */
}

static int flag_named(const tpl_fill *fill, const char *name, size_t len)
{
    for (size_t i = 0; i < fill->nflags; i++)
        if (strlen(fill->flags[i].name) == len && strncmp(fill->flags[i].name, name, len) == 0)
            return fill->flags[i].on;
    abort(); /* a flag nobody defines */
}

/* One line that is written: a block slot, or text with value slots. */
static void write_line(py_out *o, const char *line, const tpl_fill *fill)
{
    size_t indent = strspn(line, " "), len;
    const char *p = find_slot(line, &len);
    const tpl_slot *slot = p ? slot_named(fill, p + 2, len) : NULL;
    if (slot && slot->block) {
        if (p != line + indent || strcmp(p + len + 4, "\n") != 0)
            abort(); /* a block slot must be alone on its line */
        slot->write(o, fill->ctx, (int)indent);
        return;
    }
    for (; p; p = find_slot(line, &len)) {
        slot = slot_named(fill, p + 2, len);
        if (slot->block)
            abort(); /* a block slot inside a line */
        py_write(o, line, (size_t)(p - line));
        slot->write(o, fill->ctx, -1);
        line = p + len + 4;
    }
    py_puts(o, line);
}

/* `## if FLAG`, `## else`, `## end`: the kind of steering line, or NOTE for
 * a note. Strict on purpose, so that a note never steers. */
enum { NOTE, IF, ELSE, END };

static int directive(const char *s, const char **flag, size_t *len)
{
    if (strcmp(s, "## else\n") == 0)
        return ELSE;
    if (strcmp(s, "## end\n") == 0)
        return END;
    if (strncmp(s, "## if ", 6) != 0)
        return NOTE;
    *flag = s + 6;
    *len = strcspn(*flag, " \n");
    return strcmp(*flag + *len, "\n") == 0 && *len > 0 ? IF : NOTE;
}

void tpl_write(py_out *o, const char *name, const tpl_fill *fill)
{
    const pyprog_template *t = tpl_find(name);
    int open = 0;                    /* `## if`s not yet ended */
    int on[MAX_NEST + 1] = {1};      /* on[d]: lines d `## if`s deep are written */
    int holds[MAX_NEST + 1] = {0};   /* each open `## if`'s flag */
    int in_else[MAX_NEST + 1] = {0}; /* each open `## if` past its `## else` */
    if (!t)
        abort();
    for (const char *const *l = t->lines; *l; l++) {
        const char *s = *l + strspn(*l, " "), *flag = NULL;
        size_t len = 0;
        if (strncmp(s, "##", 2) != 0) {
            if (on[open])
                write_line(o, *l, fill);
            continue;
        }
        switch (directive(s, &flag, &len)) {
        case IF:
            if (open == MAX_NEST)
                abort();
            open++;
            holds[open] = flag_named(fill, flag, len);
            in_else[open] = 0;
            on[open] = on[open - 1] && holds[open];
            break;
        case ELSE:
            if (open == 0 || in_else[open])
                abort();
            in_else[open] = 1;
            on[open] = on[open - 1] && !holds[open];
            break;
        case END:
            if (open == 0)
                abort();
            open--;
            break;
        default: /* a note */
            break;
        }
    }
    if (open != 0)
        abort(); /* an `## if` without its `## end` */
}
