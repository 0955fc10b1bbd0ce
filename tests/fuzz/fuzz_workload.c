/* fuzz_workload.c - libFuzzer target for the workload language.
 *
 * Any bytes go in. A parse either fails with a message and a column inside
 * the spec (then the message is formatted into buffers of several sizes),
 * or succeeds, and then every structural promise of workload.h is checked:
 * each task's group contains it, and a cursor walks each sampled task to
 * END (or a bound of steps) seeing only primitive steps with durations in
 * range. A broken promise aborts, which libFuzzer reports as a crash.
 *
 * Built by `meson setup -Dfuzz=true` (see README.md, Testing), with the
 * sanitizers, which catch what the checks do not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

#define MAX_WALK 20000   /* steps walked per task: loops can repeat 10^8 times */
#define MAX_SAMPLED 64   /* tasks walked per workload: there can be 10^6 */

static void check(int ok)
{
    if (!ok)
        abort();
}

static void walk(const sim_workload *w, uint64_t task)
{
    const sim_group *g = sim_workload_group_of(w, task);
    check(task >= g->first_task && task - g->first_task < g->count);
    sim_cursor c;
    sim_cursor_init(&c, w, task);
    uint64_t steps = 0;
    for (; steps < MAX_WALK; steps++) {
        const sim_op *op = sim_cursor_next(&c, w);
        check(op >= w->ops && op < w->ops + w->nops);
        check(c.depth <= SIM_MAX_NEST);
        if (op->kind == SIM_OP_END)
            break;
        /* Loops are the cursor's business: it never hands them out. */
        check(op->kind != SIM_OP_LOOP && op->kind != SIM_OP_NEXT);
        check(op->kind <= SIM_OP_EXEC_END);
        if (op->kind == SIM_OP_CPU || op->kind == SIM_OP_IO)
            check(op->a >= 1000 && op->a <= SIM_MAX_DURATION_NS);
    }
    /* a walk that ended early saw exactly the promised number of steps */
    if (steps < MAX_WALK)
        check(steps == g->steps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SIM_MAX_SPEC_LEN + 16)
        return 0;
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';

    sim_workload w;
    sim_parse_error err;
    char buf[1024];
    if (sim_workload_parse(&w, spec, &err) == 0) {
        check(w.ntasks >= 1 && w.ntasks <= SIM_MAX_TASKS && w.ngroups >= 1);
        check(w.nominal_ns >= 0 && w.cpu_ns >= 0 && w.cpu_ns <= w.nominal_ns);
        check(strcmp(w.spec, spec) == 0);
        uint64_t stride = w.ntasks / MAX_SAMPLED + 1;
        for (uint64_t t = 0; t < w.ntasks; t += stride)
            walk(&w, t);
        walk(&w, w.ntasks - 1);
        sim_format_ns(w.nominal_ns, buf, sizeof buf);
        sim_workload_free(&w);
    } else {
        size_t len = strlen(spec);
        check(w.ops == NULL && w.groups == NULL && w.spec == NULL);
        check(err.column >= 0 && (size_t)err.column <= len + 1);
        check(err.message[0] != '\0' && memchr(err.message, '\0', sizeof err.message));
        size_t sizes[] = {sizeof buf, 100, 7, 1};
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            size_t n = sim_parse_error_format(&err, spec, buf, sizes[i]);
            check(n < sizes[i] && strlen(buf) == n);
        }
    }
    free(spec);
    return 0;
}
