/* app_check.c - what the window says about a workload before it runs it.
 *
 * The field is checked as it is typed: the parser's own message, with the
 * caret under the column it points at (as `concviz run` prints it), and
 * then the limits a model would refuse the run for, in the window's words.
 * The core's messages speak to the command line ("use --threads N"); a
 * person at the window has a "threads" stepper instead, so the limits the
 * bar can reach are checked here first and said in terms of the bar. Last,
 * the memory budget, in the core's own sentence (the window has no control
 * for it: --memory-limit is given to the window as to `run`), so a run
 * that cannot fit says so before Run is pressed. The core still checks
 * everything when the run starts (run.h): this only says it sooner.
 */
#include <stdio.h>
#include <string.h>

#include "app_ui.h"
#include "format.h"
#include "run.h"
#include "workload.h"

int app_check_run(const sim_config *cfg, const sim_workload *w, char *msg, size_t n)
{
    if (cfg->nmodels == 0) {
        snprintf(msg, n, "choose at least one model (the toggles of the Models row)");
        return -1;
    }
    for (int i = 0; i < cfg->nmodels; i++) {
        sim_model m = cfg->models[i];
        if ((m != SIM_MODEL_THREADING && m != SIM_MODEL_FREE_THREADING) || cfg->threads != 0)
            continue;
        /* concviz's own limit, or what this machine can start now (as
         * the core checks it: limits.c), whichever is lower. */
        const char *why = NULL;
        long long limit = sim_machine_thread_room(&why);
        if (limit >= SIM_MAX_THREADS)
            limit = SIM_MAX_THREADS, why = NULL;
        if (w->ntasks > (unsigned long long)limit) {
            char tasks[48];
            sim_format_count(w->ntasks, "thread", "threads", tasks, sizeof tasks);
            snprintf(msg, n, "%s would start %s, one per task, and %s %lld: set threads "
                     "(below) to a pool of at most %lld, as ThreadPoolExecutor does, or "
                     "turn %s off", sim_model_name(m), tasks,
                     why ? "this machine can start about" : "its limit is", limit, limit,
                     sim_model_name(m));
            return -1;
        }
    }
    /* A few sums over the workload's groups: cheap enough as it is typed
     * (app_check_field checks each text and settings once). */
    if (sim_run_check_memory(w, cfg, msg, n) != SIM_OK)
        return -1;
    return 0;
}

int app_check_field(app *a)
{
    ui_field *f = &a->ws.field;
    /* Checked already, with these settings? (The bar checks every frame.) */
    if (a->checked.valid && strcmp(a->checked.workload, f->text) == 0 &&
        memcmp(&a->checked.cfg, &a->cfg, sizeof a->cfg) == 0)
        return f->error[0] ? -1 : 0;
    snprintf(a->checked.workload, sizeof a->checked.workload, "%s", f->text);
    a->checked.cfg = a->cfg;
    a->checked.valid = 1;
    f->error[0] = 0;
    f->error_at = -1;
    a->field_ntasks = 0;
    sim_workload w;
    sim_parse_error pe;
    if (sim_workload_parse(&w, f->text, &pe) != 0) {
        snprintf(f->error, sizeof f->error, "%s", pe.message);
        f->error_at = pe.column > 0 ? pe.column - 1 : -1;
        return -1;
    }
    a->field_ntasks = w.ntasks;
    int rc = app_check_run(&a->cfg, &w, f->error, sizeof f->error);
    sim_workload_free(&w);
    return rc;
}
