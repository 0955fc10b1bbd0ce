/* trace_load.h - reading a saved run (a `concviz run --trace` file) back.
 *
 * The loader reads the Chrome Trace Event files trace_chrome.h describes,
 * and only those: the comparison it fills is exactly the one written
 * (marks, instants, flows and every field), so a saved run draws as the
 * live one did.
 *
 * Files come from other people and other machines, so nothing in them is
 * trusted. A bad file gets SIM_E_FORMAT and a message naming it, with
 * line:col for a syntax error; it never crashes, hangs or makes the loader
 * take memory out of proportion to what the file holds. The file itself is
 * mapped, not copied, and given back page by page as it is read. The
 * documented limits:
 */
#ifndef SIM_TRACE_LOAD_H
#define SIM_TRACE_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"

/* Largest file opened: 16 GiB (a million-task run saves about 1 GB; the
 * first pass over a file checks about a gigabyte a second). What a file
 * holds is held to memory instead: see sim_trace_load_budget. */
#define SIM_TRACE_MAX_FILE (16ull * 1024 * 1024 * 1024)
/* Resource lanes (loop, GIL, workers, cores) in one model. */
#define SIM_TRACE_MAX_RES_LANES 4096u
/* Task lanes: the workload language's limit, SIM_MAX_TASKS. */
/* Times (and durations) are 0 ..  10^15 ns, about 11.5 days. */
#define SIM_TRACE_MAX_NS 1000000000000000ll

/* Reads the file at `path` into *c (which the caller frees with
 * sim_comparison_deinit). Returns 0; or SIM_E_SYS when the file cannot be
 * read ("RUN.json: no such file"), SIM_E_FORMAT when it is not a valid
 * concviz trace ("RUN.json:3:17: expected ','"), SIM_E_NOMEM when its
 * runs would need more memory than the budget (said before anything is
 * built, with the sizes) or memory ran out; on failure *c is left empty
 * (zeroed). */
int sim_trace_load(const char *path, sim_comparison *c, char *msg, size_t n);

/* The same, from `len` bytes in memory; `name` is used in messages. */
int sim_trace_load_mem(const char *buf, size_t len, const char *name,
                       sim_comparison *c, char *msg, size_t n);
/* The same with a memory budget of `budget` bytes for the traces. */
int sim_trace_load_mem_budget(const char *buf, size_t len, const char *name,
                              uint64_t budget, sim_comparison *c, char *msg, size_t n);

/* The memory the loaded traces may take: half of what the system has
 * available now (MemAvailable), UINT64_MAX when it cannot tell. */
uint64_t sim_trace_load_budget(void);

#endif
