/* wrap.h - one line of text broken into lines that fit a width, greedily,
 * at spaces; with no SDL: the caller says how wide a string is.
 *
 * The break is made in place: the space a line ends at becomes its NUL,
 * so the lines are pointers into the caller's string. A list of items
 * ("Thread() 6.75 us, first thread 191 us") is broken after a comma where
 * that leaves the line at least half full, so an item's figure stays with
 * its name. A word wider than the width stays whole (the drawing cuts it).
 */
#ifndef UI_WRAP_H
#define UI_WRAP_H

/* How many pixels string s takes (ctx: the caller's, e.g. a font). */
typedef int (*ui_width_fn)(void *ctx, const char *s);

/* Appends s's lines to lines[*k ...], at most max lines in all. */
void ui_wrap_line(char *s, int max_w, ui_width_fn width, void *ctx, char **lines, int *k,
                  int max);

#endif
