/* test_lesson_verify.c - every claim of the course, checked by running it.
 *
 * For each prediction step of each lesson in lessons/, the step's scenario
 * runs headless (the same models, workers, threads and switch interval as
 * the player) and the judge compares the measured answer with the lesson's.
 * A step that needs more CPUs than this machine gives is skipped with a
 * message. Timing on a shared machine is noisy, so a step that disagrees
 * is run up to twice more; a false claim disagrees every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "progress.h"
#include "test.h"

static int run_step(const lesson_step *s, const sim_calib *calib, sim_forkserver *fs,
                    lesson_verdict *v)
{
    sim_run *r = calloc(1, sizeof *r);
    ASSERT(r);
    sim_run_desc d;
    lesson_step_run_desc(s, &d);
    d.calib = calib;
    d.fs = fs;
    d.timeout_ns = 60ll * 1000000000ll;
    char msg[512];
    int e = sim_run_exec(r, &d, msg, sizeof msg);
    ASSERT_MSG(e == 0, "the run failed: %s (%s)", msg, sim_err_str(e));
    sim_comparison c;
    memset(&c, 0, sizeof c);
    ASSERT_INT_EQ(sim_run_sync(r, &c), 0);
    ASSERT_INT_EQ(lesson_judge(s, &c, v), 0);
    sim_comparison_deinit(&c);
    sim_run_deinit(r);
    free(r);
    return v->skipped || (v->ran && v->agrees);
}

int main(void)
{
    const char *root = getenv("CONCVIZ_SOURCE_ROOT");
    ASSERT(root);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/lessons", root);
    lesson_catalog cat;
    ASSERT_INT_EQ(lesson_catalog_list(&cat, dir, NULL), 0);
    ASSERT(cat.n >= 10);
    sim_forkserver fs;
    sim_forkserver *fsp = sim_forkserver_start(&fs) == 0 ? &fs : NULL;
    sim_calib calib;
    sim_calib_measure(&calib);
    int checked = 0, skipped = 0, failed = 0;
    for (size_t i = 0; i < cat.n; i++) {
        lesson l;
        lesson_errors e;
        ASSERT_MSG(lesson_load(&l, cat.v[i].path, &e) == 0, "%s", e.msg[0]);
        for (size_t k = 0; k < l.nsteps; k++) {
            const lesson_step *s = &l.steps[k];
            if (!s->pred.question)
                continue;
            lesson_verdict v;
            int ok = 0;
            for (int attempt = 0; attempt < 3 && !ok; attempt++)
                ok = run_step(s, &calib, fsp, &v);
            printf("%s:%d: %s: %s\n", cat.v[i].name, s->pred.line,
                   v.skipped ? "skipped" : ok ? "ok" : "FAILED", v.text);
            fflush(stdout);
            checked++;
            skipped += v.skipped;
            failed += !ok;
        }
        lesson_free(&l);
    }
    if (fsp)
        sim_forkserver_stop(fsp);
    lesson_catalog_free(&cat);
    printf("%d claims: %d verified, %d skipped (too few CPUs), %d failed\n", checked,
           checked - skipped - failed, skipped, failed);
    ASSERT_INT_EQ(failed, 0);
    return 0;
}
