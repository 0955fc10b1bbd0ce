/* run.c - one workload, several models, one after another.
 *
 * Everything that can be refused is refused before anything starts: the
 * workload is parsed and every chosen model's limits are checked first.
 * Then the models run in order, in a thread of their own (sim_run_start) or
 * in the caller's (sim_run_exec). Each engine publishes its recording as
 * soon as it exists, and sim_run_sync turns those recordings into the
 * comparison a reader draws, while they grow.
 */
#include "run.h"

#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The memory budget, before anything runs. Every model's trace stays
 * until the comparison is shown, so they add up; the threads, processes
 * and tasks of one model are gone before the next starts. What every
 * state would take (record_bytes) may be more than the budget: a trace
 * folds what is too dense (trace.h, "Dense lanes") and the run's reader
 * gives the recording back as it reads, so only what cannot shrink is
 * refused up front: each model's lanes at their smallest, the largest
 * model's threads, processes and tasks. A run that fits gets, per model,
 * what it may use while it runs: all it would record when that fits
 * beside the others, else a share of what is left in proportion to what
 * it would record (its recording and its trace are then held to it).
 * `cfg` resolved; fills est[] and budget[], one per model of cfg. */
static int plan_memory(const sim_workload *w, const sim_config *cfg, int cpus,
                       sim_estimate *est, int64_t *budget, char *msg, size_t n)
{
    int64_t records = 0, least = 0, most = 0;
    int worst = 0;
    for (int i = 0; i < cfg->nmodels; i++) {
        sim_estimate *e = &est[i];
        sim_estimate_model(w, cfg->models[i], cfg, cpus, e);
        records = records > INT64_MAX - e->record_bytes ? INT64_MAX : records + e->record_bytes;
        least = least > INT64_MAX - e->record_min_bytes ? INT64_MAX
                                                        : least + e->record_min_bytes;
        int64_t fixed = e->thread_bytes + e->process_bytes + e->task_bytes;
        if (fixed > most)
            most = fixed;
        if (e->total_bytes - e->queue_bytes > est[worst].total_bytes - est[worst].queue_bytes)
            worst = i;
    }
    int64_t limit = cfg->memory_limit;
    int64_t need = least > INT64_MAX - most ? INT64_MAX : least + most;
    if (need > limit) {
        const sim_estimate *e = &est[worst];
        char need_s[32], limit_s[32], rec_s[32], fixed_s[32];
        sim_format_bytes(need, need_s, sizeof need_s);
        sim_format_bytes(limit, limit_s, sizeof limit_s);
        sim_format_bytes(e->record_min_bytes, rec_s, sizeof rec_s);
        sim_format_bytes(e->thread_bytes + e->process_bytes + e->task_bytes, fixed_s,
                         sizeof fixed_s);
        if (msg)
            snprintf(msg, n, "this run would need at least %s of memory and its budget is %s "
                     "(--memory-limit; by default half of the available memory). %s "
                     "alone would need %s for its trace (its lanes, every long state "
                     "kept, the short ones summarized) and %s for its tasks, threads "
                     "and processes: use fewer tasks, threads or workers, or a larger "
                     "--memory-limit", need_s, limit_s,
                     sim_model_name(cfg->models[worst]), rec_s, fixed_s);
        return SIM_E_USAGE;
    }
    int64_t room = limit - most; /* for every model's trace together */
    for (int i = 0; i < cfg->nmodels; i++) {
        const sim_estimate *e = &est[i];
        int64_t fixed = e->thread_bytes + e->process_bytes + e->task_bytes;
        int64_t mine = e->record_bytes;
        if (records > room)
            mine = (int64_t)((double)room * ((double)e->record_bytes / (double)records));
        if (mine < e->record_min_bytes)
            mine = e->record_min_bytes;
        /* Its own recording may grow into whatever the others leave. */
        budget[i] = records <= room ? limit - (records - e->record_bytes) - fixed
                                    : mine + (most - fixed);
    }
    return SIM_OK;
}

int sim_run_check_memory(const sim_workload *w, const sim_config *cfg, char *msg, size_t n)
{
    sim_config c = *cfg;
    int cpus = sim_machine_cpus();
    sim_config_resolve(&c, cpus);
    sim_estimate est[SIM_MODEL__COUNT];
    int64_t budget[SIM_MODEL__COUNT];
    return plan_memory(w, &c, cpus, est, budget, msg, n);
}

int64_t sim_run_expected_ns(const sim_run *r, sim_model *which)
{
    int64_t most = 0;
    for (int i = 0; i < r->cfg.nmodels; i++)
        if (r->est[i].wall_ns >= most) {
            most = r->est[i].wall_ns;
            if (which)
                *which = r->cfg.models[i];
        }
    return most;
}

static int prepare(sim_run *r, const sim_run_desc *d, char *msg, size_t n)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < SIM_MODEL__COUNT; i++) {
        atomic_init(&r->published[i], NULL);
        r->mem_per_task[i] = -1;
        r->recs[i].memfd = -1;
    }
    atomic_init(&r->cancel, 0);
    atomic_init(&r->done, 0);
    atomic_init(&r->cpython_done, 0);
    atomic_init(&r->finished, 0);
    if (msg && n)
        msg[0] = '\0';

    r->cpus = sim_machine_cpus();
    r->cfg = d->cfg;
    r->given = d->cfg;
    sim_config_resolve(&r->cfg, r->cpus);
    if (d->python) {
        const sim_interp *in[2] = {d->python->gil, d->python->ft};
        const char *why[2] = {d->python->gil_missing, d->python->ft_missing};
        r->python = 1;
        for (int k = 0; k < 2; k++) {
            r->has_interp[k] = in[k] != NULL;
            if (in[k])
                r->interp[k] = *in[k];
            snprintf(r->interp_missing[k], sizeof r->interp_missing[k], "%s",
                     why[k] ? why[k] : "no interpreter");
        }
    }
    const char *spec = r->cfg.workload;
    sim_parse_error err;
    if (sim_workload_parse(&r->w, spec, &err) != 0) {
        if (msg)
            sim_parse_error_format(&err, spec, msg, n);
        return SIM_E_USAGE;
    }

    r->cfg.workload = r->w.spec; /* the run's own copy, alive as long as the run */
    r->fs = d->fs;

    for (int i = 0; i < r->cfg.nmodels; i++) {
        int e = sim_engine_check_limits(r->cfg.models[i], &r->w, r->cfg.workers,
                                        r->cfg.threads, msg, n);
        if (e) {
            sim_workload_free(&r->w);
            return SIM_E_USAGE;
        }
    }
    if (plan_memory(&r->w, &r->cfg, r->cpus, r->est, r->budget, msg, n) != SIM_OK) {
        sim_workload_free(&r->w);
        return SIM_E_USAGE;
    }
    if (d->calib)
        r->calib = *d->calib;
    else
        sim_calib_measure(&r->calib);
    /* After the calibration: the built-in profile is scaled by it. */
    char why[512];
    if (sim_costs_resolve(&r->cfg, &r->calib, &r->costs, msg ? msg : why,
                          msg ? n : sizeof why) != 0) {
        sim_workload_free(&r->w);
        return SIM_E_USAGE;
    }
    r->cfg.costs_file = r->costs.origin.source == SIM_COSTS_FILE ? r->costs.origin.file
                                                                 : NULL;
    return SIM_OK;
}

/* Why model i did not finish, in one sentence, the same for every model:
 * a stop says when and why; anything else is the engine's own sentence. */
static void stop_sentence(const sim_run *r, int e, const char *engine, char *buf, size_t n)
{
    char d[32];
    if (e == SIM_E_TIMEOUT) {
        sim_format_ns(r->cfg.timeout_ns, d, sizeof d);
        snprintf(buf, n, "stopped after %s (--timeout)", d);
    } else if (e == SIM_E_CANCELLED) {
        snprintf(buf, n, "stopped on request");
    } else if (e == SIM_E_MEMLIMIT) {
        char b[32];
        sim_format_bytes(r->cfg.memory_limit, b, sizeof b);
        snprintf(buf, n, "stopped: it grew past its memory budget (%s in all; its recording "
                 "or its queued items outgrew what it was planned to need): use fewer "
                 "tasks, repeats or queued bytes, or a larger --memory-limit", b);
    } else if (engine[0]) {
        snprintf(buf, n, "%s", engine);
    } else {
        snprintf(buf, n, "%s", sim_err_str(e));
    }
}

/* `run --python`: model i's program in CPython, after the engine ran it. */
static void measure_cpython(sim_run *r, int i)
{
    sim_model m = r->cfg.models[i];
    int k = m == SIM_MODEL_FREE_THREADING;
    sim_trace *t = &r->cpython[i];
    if (atomic_load(&r->cancel)) {
        const sim_python *py = r->has_interp[k] ? &r->interp[k].info : NULL;
        sim_cpython_unmeasured(t, &r->w, m, py, "not run: the run was stopped");
        r->cpython_res[i].status = SIM_E_CANCELLED;
    } else if (!r->has_interp[k]) {
        sim_cpython_unmeasured(t, &r->w, m, NULL, r->interp_missing[k]);
        r->cpython_res[i].status = SIM_E_USAGE;
    } else {
        sim_cpython_desc d = {&r->w, m, &r->given, &r->cfg, &r->interp[k], &r->cancel};
        sim_cpython_run(&d, t, &r->cpython_res[i]);
    }
    /* The run's settings, but the pool CPython really had, started its way. */
    int workers = t->cfg.workers;
    sim_start_method start = t->cfg.start_method;
    t->cfg = r->cfg;
    if (m == SIM_MODEL_MULTIPROCESSING && workers > 0) {
        t->cfg.workers = workers;
        t->cfg.start_method = start;
    }
    atomic_store_explicit(&r->cpython_done, i + 1, memory_order_release);
}

static void run_models(sim_run *r)
{
    r->result = SIM_OK;
    for (int i = 0; i < r->cfg.nmodels; i++) {
        if (r->python && i > 0)
            measure_cpython(r, i - 1);
        if (atomic_load(&r->cancel)) {
            r->status[i] = SIM_E_CANCELLED;
            snprintf(r->errors[i], sizeof r->errors[i], "not run: the run was stopped");
            if (r->result == SIM_OK)
                r->result = SIM_E_CANCELLED;
            atomic_store_explicit(&r->done, i + 1, memory_order_release);
            continue;
        }
        sim_engine_args a = {
            .w = &r->w,
            .calib = &r->calib,
            .cfg = &r->cfg,
            .model = r->cfg.models[i],
            .cpus = r->cpus,
            /* The trace is built while the run goes on (the reader follows
             * it), so its share of the budget is not the engine's: the
             * recording and the queues share the rest (estimate.h). */
            .budget_bytes = (int64_t)((double)r->budget[i] * (1.0 - SIM_TRACE_BUDGET_SHARE)),
            .costs = &r->costs,
            .fs = r->fs,
            .cancel = &r->cancel,
            .rec = &r->recs[i],
            .publish = &r->published[i],
            .mem_per_task_bytes = -1,
        };
        int e;
        switch (r->cfg.models[i]) {
        case SIM_MODEL_ASYNCIO: e = sim_asyncio_run(&a); break;
        case SIM_MODEL_MULTIPROCESSING: e = sim_multiprocessing_run(&a); break;
        default: e = sim_threading_run(&a); break;
        }
        r->status[i] = e;
        r->mem_per_task[i] = a.mem_per_task_bytes;
        if (e != SIM_OK) {
            stop_sentence(r, e, a.error, r->errors[i], sizeof r->errors[i]);
            if (r->result == SIM_OK)
                r->result = e;
        }
        /* Release: a reader that sees `done` > i sees status, errors, mem. */
        atomic_store_explicit(&r->done, i + 1, memory_order_release);
    }
    if (r->python && r->cfg.nmodels > 0)
        measure_cpython(r, r->cfg.nmodels - 1);
    atomic_store_explicit(&r->finished, 1, memory_order_release);
}

static void *run_thread(void *arg)
{
    run_models(arg);
    return NULL;
}

int sim_run_start(sim_run *r, const sim_run_desc *d, char *msg, size_t n)
{
    int e = prepare(r, d, msg, n);
    if (e)
        return e;
    e = pthread_create(&r->thread, NULL, run_thread, r);
    if (e) {
        if (msg)
            snprintf(msg, n, "could not start the run's thread: %s", strerror(e));
        sim_workload_free(&r->w);
        return SIM_E_SYS;
    }
    r->started = 1;
    return SIM_OK;
}

int sim_run_exec(sim_run *r, const sim_run_desc *d, char *msg, size_t n)
{
    int e = prepare(r, d, msg, n);
    if (e)
        return e;
    run_models(r);
    return r->result;
}

void sim_run_cancel(sim_run *r) { atomic_store(&r->cancel, 1); }

int sim_run_wait(sim_run *r)
{
    if (r->started) {
        int e = pthread_join(r->thread, NULL);
        if (e) {
            fprintf(stderr, "concviz: pthread_join: %s\n", strerror(e));
            abort();
        }
        r->started = 0;
    }
    return r->result;
}

static void now_utc(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int sim_run_sync(sim_run *r, sim_comparison *c)
{
    if (!c->workload) {
        c->workload = strdup(r->w.spec ? r->w.spec : "");
        if (!c->workload)
            return -ENOMEM;
        sim_machine_probe(&c->machine);
        c->machine.cpus = r->cpus;
        c->nominal_ns = r->w.nominal_ns;
        now_utc(c->recorded_at, sizeof c->recorded_at);
    }
    int done = atomic_load_explicit(&r->done, memory_order_acquire);
    for (int i = 0; i < r->cfg.nmodels; i++) {
        sim_rec *rec = atomic_load_explicit(&r->published[i], memory_order_acquire);
        sim_trace *t = &c->traces[i];
        int fresh = c->ntraces < i + 1, e = 0;
        if (!rec && i < done && fresh) {
            /* Over without a recording: it never started (the run was
             * stopped first) or could not. Its panel says so. */
            e = sim_trace_init(t, r->cfg.models[i], (uint32_t)r->w.ntasks,
                               (uint32_t)r->w.ntasks);
            if (!e)
                e = sim_trace_set_names(t, &r->w);
            if (e)
                return e;
            t->outcome = r->status[i] == SIM_E_CANCELLED ? SIM_OUTCOME_NOT_RUN
                                                         : sim_outcome_of(r->status[i]);
            t->end_ns = t->now_ns = 0;
        } else if (!rec) {
            break;
        } else {
            if (fresh) {
                e = sim_trace_set_names(t, &r->w);
                /* Its share of the model's budget (estimate.h). */
                sim_trace_set_budget(t, (int64_t)((double)r->budget[i] *
                                                  SIM_TRACE_BUDGET_SHARE));
            }
            /* The run's recordings are read by this comparison only:
             * their memory goes back as it is read. */
            if (!e)
                e = sim_trace_consume(t, rec);
            if (e)
                return e;
        }
        if (fresh)
            c->ntraces = i + 1;
        t->cfg = r->cfg;
        t->cfg.workload = c->workload; /* the comparison's copy outlives the run */
        t->cfg.costs_file = NULL;      /* t->costs.origin.file names it */
        t->costs = r->costs;
        t->has_costs = 1;
        if (i < done) {
            t->mem_per_task_bytes = r->mem_per_task[i];
            if (r->status[i] != SIM_OK)
                snprintf(t->error, sizeof t->error, "%s", r->errors[i]);
        }
    }
    /* CPython's traces are built whole, once each: moved, not copied. */
    int measured = atomic_load_explicit(&r->cpython_done, memory_order_acquire);
    for (int i = 0; i < measured && i < c->ntraces; i++) {
        if (r->cpython[i].source != SIM_SOURCE_CPYTHON || c->cpython[i].source != 0)
            continue;
        sim_trace_deinit(&c->cpython[i]);
        c->cpython[i] = r->cpython[i];
        c->cpython[i].cfg.workload = c->workload;
        memset(&r->cpython[i], 0, sizeof r->cpython[i]);
    }
    return 0;
}

void sim_run_deinit(sim_run *r)
{
    for (int i = 0; i < SIM_MODEL__COUNT; i++) {
        if (atomic_load(&r->published[i]) || r->recs[i].head)
            sim_rec_deinit(&r->recs[i]);
        sim_trace_deinit(&r->cpython[i]);
    }
    sim_workload_free(&r->w);
    memset(r, 0, sizeof *r);
}
