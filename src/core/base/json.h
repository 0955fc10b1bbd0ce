/* json.h - a small, strict JSON reader (RFC 8259) for hostile input, and
 * the few writing helpers concviz's JSON outputs share.
 *
 * The reader is a pull parser over a buffer in memory: the caller walks the
 * document value by value and decides what to keep, so reading a file of
 * millions of events needs no tree of millions of nodes. It never recurses:
 * nesting is tracked on a small fixed stack, refused beyond
 * SIM_JSON_MAX_DEPTH levels. The first error sticks: every later call fails
 * at once, and sim_json_error() says "line:col: expected ..." (both 1-based,
 * columns in bytes).
 *
 * Walking an object:
 *
 *     if (sim_json_begin_object(j) < 0) return fail;
 *     char key[32];
 *     int more;
 *     while ((more = sim_json_next_key(j, key, sizeof key)) > 0) {
 *         if (strcmp(key, "ts") == 0) sim_json_int64(j, &ts);
 *         else sim_json_skip(j);
 *     }
 *     if (more < 0) return fail;
 *
 * Arrays are the same with sim_json_begin_array / sim_json_next_item.
 */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_JSON_MAX_DEPTH 64

typedef enum sim_json_type {
    SIM_JSON_ERROR = -1,  /* a syntax error (see sim_json_error) */
    SIM_JSON_END = 0,     /* no value here: end of input, or `]` / `}` */
    SIM_JSON_OBJECT,
    SIM_JSON_ARRAY,
    SIM_JSON_STRING,
    SIM_JSON_NUMBER,
    SIM_JSON_TRUE,
    SIM_JSON_FALSE,
    SIM_JSON_NULL,
} sim_json_type;

typedef struct sim_json {
    const char *buf;      /* the document; not owned, need not end in NUL */
    size_t len;
    size_t pos;           /* the next byte to read */
    int depth;            /* open containers */
    uint8_t stack[SIM_JSON_MAX_DEPTH]; /* '{' or '[' for each */
    uint8_t first;        /* the open container has no member yet */
    int failed;
    size_t err_pos;       /* where the first error was found */
    char err[200];        /* "expected ..." */
} sim_json;

/* Where the reader is: the offset of the next byte to read (after
 * sim_json_peek, where the next value starts). For messages that point at
 * a value, and for a reader that notes where a member is to come back. */
static inline size_t sim_json_pos(const sim_json *j)
{
    return j->pos;
}

/* The document's bytes from offset `at` (a value noted with sim_json_pos),
 * and its length: to quote a piece of it in a message. */
static inline const char *sim_json_at(const sim_json *j, size_t at)
{
    return j->buf + (at < j->len ? at : j->len);
}
static inline size_t sim_json_size(const sim_json *j)
{
    return j->len;
}

/* Goes to the value that starts at `pos` (noted with sim_json_pos), read
 * as if it stood alone: no container is open around it. For a reader that
 * walks a document's members in its own order. */
void sim_json_seek(sim_json *j, size_t pos);

/* Whether the error was found at the end of the input: the document was
 * cut short (a file still being written, or truncated). */
int sim_json_cut_short(const sim_json *j);

/* Starts reading `len` bytes at `buf`. A UTF-8 byte-order mark is refused
 * (RFC 8259 says not to add one). */
void sim_json_init(sim_json *j, const char *buf, size_t len);

/* The type of the next value, without consuming it (SIM_JSON_END at `]`,
 * `}` or the end of input). */
sim_json_type sim_json_peek(sim_json *j);

/* Containers. begin_* consumes the opening bracket (fails if the next value
 * is not an object / array). next_key returns 1 and the member's name
 * (decoded, truncated to n-1 bytes: a longer name matches no key anyone
 * looks for, and *truncated says so if not NULL), then the caller reads or
 * skips the value; it returns 0 after the closing brace, -1 on error.
 * next_item returns 1 when a value follows, 0 after `]`, -1 on error. */
int sim_json_begin_object(sim_json *j);
int sim_json_next_key(sim_json *j, char *key, size_t n);
int sim_json_begin_array(sim_json *j);
int sim_json_next_item(sim_json *j);

/* Scalars: each consumes one value of its type, or fails (0 / -1). */
/* A string, decoded into buf (at most n-1 bytes and a NUL); *len (if not
 * NULL) gets the full decoded length. Fails if the text does not fit. */
int sim_json_string(sim_json *j, char *buf, size_t n, size_t *len);
/* A string as it stands in the document, not decoded: *s points at its
 * first byte (inside the buffer, no NUL after it) and *len counts its
 * bytes, quotes excluded; escapes are left as written. It is checked as any
 * string is. For long strings of plain characters (a lane's marks), read
 * with no copy. */
int sim_json_string_span(sim_json *j, const char **s, size_t *len);
/* A string of at most `max` decoded bytes, in a new allocation the caller
 * frees. Refuses an embedded \u0000 (C strings cannot hold it). */
int sim_json_string_dup(sim_json *j, size_t max, char **out);
/* An integer written as one (no fraction, no exponent), exactly. */
int sim_json_int64(sim_json *j, int64_t *v);
/* A number times 10^scale, which must be a whole number that fits in
 * int64_t: with scale 3, "123.456" (microseconds) gives 123456 (ns), with
 * no floating point on the way, so no rounding. "1.2345" fails. */
int sim_json_fixed(sim_json *j, int scale, int64_t *v);
int sim_json_bool(sim_json *j, int *v);
/* Any value, containers included (iteratively). */
int sim_json_skip(sim_json *j);

/* After the top-level value: only whitespace may remain. Returns 0 or -1. */
int sim_json_finish(sim_json *j);

/* Records an error at the current position (for the caller's own
 * "expected ..." about content). Returns -1. */
int sim_json_fail(sim_json *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same, for a value at byte `at` rather than where the reader is (a
 * value read and then found wrong: its start is what to point at). */
int sim_json_fail_at(sim_json *j, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "line:col: expected ..." of the first error, or "" if none. */
void sim_json_error(const sim_json *j, char *buf, size_t n);

/* Checks that buf is exactly one valid JSON document. Returns 0, or -1 with
 * the error in msg. */
int sim_json_validate(const char *buf, size_t len, char *msg, size_t n);

/* Writing. The string is written quoted and escaped; bytes that are not
 * valid UTF-8 become U+FFFD, so the output is always valid JSON. */
void sim_json_write_string(FILE *f, const char *s);
/* v / 10^scale written exactly with `scale` decimals: (123456, 3) gives
 * 123.456, (-5, 3) gives -0.005. scale is 0..18. */
void sim_json_write_fixed(FILE *f, int64_t v, int scale);
/* The same into buf, which must hold SIM_JSON_FIXED_MAX bytes; no NUL.
 * Returns the length. Made by hand, not by printf: a million-task run
 * writes six million of them, and printf's parsing of its format was most
 * of the time. */
#define SIM_JSON_FIXED_MAX 24
size_t sim_json_format_fixed(char *buf, int64_t v, int scale);

#endif
