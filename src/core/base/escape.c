/* escape.c - control characters and broken UTF-8 made visible (escape.h).
 *
 * The text is walked one UTF-8 sequence at a time. A sequence is valid if
 * its lead byte says how long it is, its continuation bytes are 10xxxxxx,
 * and the code point it spells is the shortest form, not a surrogate and
 * at most U+10FFFF (the rules of RFC 3629). A valid sequence is copied
 * unless it is one of the characters escape.h lists; an invalid lead byte
 * is written as \xNN and the walk goes on at the next byte, so that one
 * bad byte never hides the text after it.
 */
#include "escape.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Decodes the sequence at s. Returns its length (1-4) with *cp set, or 0
 * if the byte at s does not start a valid sequence. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* Whether a valid code point must still be escaped. */
static int hidden(uint32_t cp, int flags)
{
    if (cp == '\n' || cp == '\t')
        return !(flags & SIM_ESCAPE_KEEP_LINES);
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x2028 || cp == 0x2029;
}

const char *sim_escape(const char *s, int flags, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t k = 0, room = 0; /* room: where "..." would go if needed */
    while (*p) {
        char piece[16];
        size_t len;
        uint32_t cp;
        size_t in = decode(p, &cp);
        if (in == 0) {
            len = (size_t)snprintf(piece, sizeof piece, "\\x%02x", p[0]);
            in = 1;
        } else if (!hidden(cp, flags)) {
            memcpy(piece, p, in);
            len = in;
        } else if (cp == '\n' || cp == '\r' || cp == '\t') {
            piece[0] = '\\';
            piece[1] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
            len = 2;
        } else if (cp < 0x80) {
            len = (size_t)snprintf(piece, sizeof piece, "\\x%02x", (unsigned)cp);
        } else {
            len = (size_t)snprintf(piece, sizeof piece, "\\u%04x", (unsigned)cp);
        }
        if (k + len >= n) {
            /* It does not fit: go back to the last piece boundary that
             * leaves room for "..." and say that the text goes on. */
            k = room;
            if (k + 3 < n) {
                memcpy(buf + k, "...", 3);
                k += 3;
            }
            break;
        }
        memcpy(buf + k, piece, len);
        k += len;
        p += in;
        if (k + 3 < n)
            room = k;
    }
    buf[k] = '\0';
    return buf;
}
