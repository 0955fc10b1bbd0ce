/* template.h - the Python templates, and the writer that fills them in.
 *
 * Private to pyprog. The templates are the .py files in templates/,
 * embedded at build time by embed.py; template.c says what their
 * placeholders and `## if` lines mean. Everything a program holds is
 * written through a py_out, which counts the lines as they go out: that
 * count is where the line map (sim_pyprog_map) comes from.
 */
#ifndef PYPROG_TEMPLATE_H
#define PYPROG_TEMPLATE_H

#include <stdint.h>
#include <stdio.h>

/* One embedded template: its file name without ".py", and its lines, each
 * with its '\n', up to a NULL. The table (made by embed.py) ends with a
 * NULL name. */
typedef struct pyprog_template {
    const char *name;
    const char *const *lines;
} pyprog_template;

extern const pyprog_template pyprog_templates[];

/* Where a program goes, and how many lines of it are out. */
typedef struct py_out {
    FILE *f;
    uint32_t lines; /* '\n's written so far: the next line is lines + 1 */
} py_out;

/* Writes n bytes of s, or the string s, counting the newlines. */
void py_write(py_out *o, const char *s, size_t n);
void py_puts(py_out *o, const char *s);
void py_printf(py_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One whole line: `indent` spaces, the text, '\n'. Returns its number. */
uint32_t py_line(py_out *o, int indent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds as a Python literal, exactly: 200 ms -> 0.2, 1 s -> 1.0. */
void py_seconds(int64_t ns, char *buf, size_t n);

/* What fills a placeholder __NAME__. A block slot stands alone on its
 * line and becomes whole lines, each starting with `indent` spaces (more
 * for what it nests), or none; a value slot becomes a few characters of
 * the line it is in (indent is then -1). */
typedef struct tpl_slot {
    const char *name; /* "TASKS" for __TASKS__ */
    int block;        /* 1: a block slot; 0: a value slot */
    void (*write)(py_out *o, void *ctx, int indent);
} tpl_slot;

/* A word `## if` can test, and whether it holds for this program. */
typedef struct tpl_flag {
    const char *name;
    int on;
} tpl_flag;

/* Everything one template needs to become a program. Every placeholder
 * and flag the template uses must be here, and each slot used as what it
 * is (block or value): anything else is a programmer error and aborts. */
typedef struct tpl_fill {
    const tpl_slot *slots;
    size_t nslots;
    const tpl_flag *flags;
    size_t nflags;
    void *ctx; /* handed to each slot's write */
} tpl_fill;

/* Writes the template `name` (which must exist) with `fill`. */
void tpl_write(py_out *o, const char *name, const tpl_fill *fill);

/* The embedded template `name`, or NULL. */
const pyprog_template *tpl_find(const char *name);

#endif
