/* assets.h - finding concviz's data files (fonts) wherever it runs from. */
#ifndef UI_ASSETS_H
#define UI_ASSETS_H

#include <stddef.h>

/* Finds `rel` (e.g. "fonts/DejaVuSans.ttf") among, in order: the folder in
 * $CONCVIZ_DATADIR, the installed data folder, ../share/concviz beside the
 * executable, and the source tree's assets/. Writes the path into buf and
 * returns 0, or -1 if none has it. */
int ui_assets_find(const char *rel, char *buf, size_t n);

#endif
