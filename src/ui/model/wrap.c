/* wrap.c - one line broken into lines that fit a width (wrap.h). */
#include "wrap.h"

#include <string.h>

void ui_wrap_line(char *s, int max_w, ui_width_fn width, void *ctx, char **lines, int *k,
                  int max)
{
    while (*k < max) {
        lines[(*k)++] = s;
        if (*k == max || width(ctx, s) <= max_w) /* the last line keeps the rest */
            return;
        /* The last space the line may end at, and the last one after a
         * comma that leaves it at least half full. */
        char *cut = NULL, *comma = NULL;
        for (char *sp = strchr(s, ' '); sp; sp = strchr(sp + 1, ' ')) {
            *sp = 0;
            int w = width(ctx, s);
            *sp = ' ';
            if (w > max_w)
                break;
            cut = sp;
            if (sp > s && sp[-1] == ',' && 2 * w >= max_w)
                comma = sp;
        }
        if (comma)
            cut = comma;
        if (!cut)
            return;
        *cut = 0;
        s = cut + 1;
    }
}
