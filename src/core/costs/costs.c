/* costs.c - the price list's rows, the two profiles concviz carries (none
 * and the built-in one), and a profile described in one line.
 *
 * Each row says exactly what calibrate.py measures under that name, since
 * a number is only as good as what it is the number of. The operations a
 * `for` loop repeats are measured in one and exclude the loop's own turn
 * (loop_turn): an engine charges loop_turn for each repetition of a
 * workload's N*(...) and the row's cost for each step, the way CPython
 * pays for both.
 *
 * The built-in profile is a profile file (builtin-cpython-3.12.json),
 * embedded as it is when concviz is built, and read with the same parser
 * as any other profile, so it cannot be a format of its own. Its numbers
 * are the median, cost by cost, of five `concviz calibrate --python
 * /root/.pyenv/versions/3.12.1/bin/python3` in a row on the reference
 * machine (2 vCPUs of an AMD EPYC, shared with other work: one calibration
 * alone can catch a busy moment); the costs later formats added, of three
 * to six such runs on the days they were added (format 3: asyncio_wait;
 * format 4: thread_new, thread_start_code, thread_first, thread_pool,
 * thread_pool_task(_worker), default_executor, executor_shutdown; format 5:
 * thread_exit; format 6: pool_make, asyncio_task_end). Format 6 also measured start_forkserver
 * and forkserver_launch again (the server's own work for each start moved
 * from the launch to the start): those four are the medians of three runs
 * with 3.12.1 on a machine like the reference one, divided by its speed
 * scale against it (0.75).
 */
#include "costs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"

#define US 1e3
#define MS 1e6
#define S 1e9

/* max_ns: far above anything measured (10 to 1000 times), so only a
 * broken or hand-made file reaches it. */
const sim_cost_info sim_cost_infos[SIM_COST__COUNT] = {
    [SIM_COST_LOOP_TURN] = {"loop_turn", "loop turn",
        "one turn of an empty `for _ in range(n)` loop", "per turn", 10 * US, 1},
    [SIM_COST_GLOBAL_INC] = {"global_inc", "x += 1",
        "`x += 1` on a global, inside a function, beyond the loop turn", "per step",
        10 * US, 1},
    [SIM_COST_GLOBAL_LOAD] = {"global_load", "load",
        "`tmp = x` of a global into a local, beyond the loop turn", "per step", 10 * US, 1},
    [SIM_COST_GLOBAL_STORE] = {"global_store", "store",
        "`x = tmp + 1` into a global, beyond the loop turn", "per step", 10 * US, 1},

    [SIM_COST_ASYNCIO_TASK] = {"asyncio_task", "task",
        "creating a task and gathering it: asyncio.gather(*coroutines) of "
        "coroutines that return at once, per coroutine", "per task", MS, 1},
    [SIM_COST_ASYNCIO_TASK_END] = {"asyncio_task_end", "task end",
        "the part of asyncio_task paid as a task ends: its coroutine returns, "
        "its result is set, gather's callback runs; measured as a woken task "
        "that returns against one that awaits again", "per task", MS, 1},
    [SIM_COST_ASYNCIO_RUN_START] = {"asyncio_run_start", "asyncio.run start",
        "a program's first asyncio.run(main()) until main() runs: the event loop "
        "and its selector made, once per program", "per program", 100 * MS, 1},
    [SIM_COST_ASYNCIO_RUN_END] = {"asyncio_run_end", "asyncio.run end",
        "a program's first asyncio.run(main()) after main() returns: the loop "
        "shut down and closed, once per program", "per program", 100 * MS, 1},
    [SIM_COST_ASYNCIO_ITERATION] = {"asyncio_iteration", "loop iteration",
        "one iteration of the event loop (polling the selector with no "
        "wait), shared by every task ready at it", "per iteration", MS, 1},
    [SIM_COST_ASYNCIO_YIELD] = {"asyncio_yield", "loop trip",
        "a task's trip through the event loop, `await asyncio.sleep(0)`, "
        "beyond the loop turn and the loop's iteration", "per await", MS, 1},
    [SIM_COST_ASYNCIO_TIMER] = {"asyncio_timer", "timer",
        "`await asyncio.sleep(d)` with d > 0 beyond sleep(0) and the wait: a "
        "timer made, pushed, fired, and one more loop iteration", "per sleep", MS, 1},
    [SIM_COST_ASYNCIO_LOCK] = {"asyncio_lock", "asyncio lock",
        "`async with lock:` of an asyncio.Lock nobody holds", "per acquire", MS, 1},
    [SIM_COST_ASYNCIO_SEMAPHORE] = {"asyncio_semaphore", "asyncio semaphore",
        "`async with sem:` of an asyncio.Semaphore with a permit free", "per acquire",
        MS, 1},
    [SIM_COST_ASYNCIO_QUEUE_PUT] = {"asyncio_queue_put", "queue put",
        "`await q.put(item)` on an unbounded asyncio.Queue", "per item", MS, 1},
    [SIM_COST_ASYNCIO_QUEUE_GET] = {"asyncio_queue_get", "queue get",
        "`await q.get()` of an item already in an asyncio.Queue", "per item", MS, 1},
    [SIM_COST_ASYNCIO_WAIT] = {"asyncio_wait", "wait for another task",
        "a coroutine that must wait for a lock, a semaphore or a queue's item "
        "another task holds: a future made and awaited, resolved by the task "
        "that frees it, and the wake-up, beyond the uncontended operation and "
        "the loop's iteration", "per wait", MS, 1},
    [SIM_COST_TO_THREAD] = {"to_thread", "to_thread",
        "`await asyncio.to_thread(f)` of a function that returns at once, "
        "its pool thread already started: the round trip", "per call", 100 * MS, 1},
    [SIM_COST_DEFAULT_EXECUTOR] = {"default_executor", "default executor",
        "what an asyncio program's first `asyncio.to_thread(f)` (or "
        "`run_in_executor(None, f)`) does before the round trip: "
        "concurrent.futures.thread imported (it imports queue), which asyncio "
        "leaves to the first use, and the loop's ThreadPoolExecutor made; its "
        "threads are thread_new and thread_start", "per program", 100 * MS, 1},
    [SIM_COST_EXECUTOR_SHUTDOWN] = {"executor_shutdown", "default executor shut down",
        "what asyncio.run's end takes beyond asyncio_run_end once the default "
        "executor has a thread: loop.shutdown_default_executor() starts a thread "
        "that shuts the pool down and joins its thread, and wakes the loop "
        "(3.9 on; 0 before)", "per program", 100 * MS, 1},
    [SIM_COST_RUN_IN_PROCESS] = {"run_in_process", "run_in_executor",
        "`await loop.run_in_executor(pool, f)` with a ProcessPoolExecutor whose "
        "worker is started: the round trip", "per call", S, 1},

    [SIM_COST_THREAD_NEW] = {"thread_new", "Thread()",
        "threading.Thread(target=f): the object made (its name, its Event, its "
        "Condition and locks) before start()", "per thread", MS, 1},
    [SIM_COST_THREAD_START] = {"thread_start", "thread start",
        "Thread.start(), which returns once the new thread runs: shown, not "
        "charged whole, for concviz starts a real thread the same way and "
        "charges start()'s Python code (thread_start_code)", "per thread",
        100 * MS, 1},
    [SIM_COST_THREAD_START_CODE] = {"thread_start_code", "thread start's Python",
        "the part of thread_start that is Python code (start() and the new "
        "thread's bootstrap up to saying it runs): thread_start less a bare "
        "_thread.start_new_thread with the same hand-shake, which is the "
        "kernel's and the wake-ups' part", "per thread", 100 * MS, 1},
    [SIM_COST_THREAD_FIRST] = {"thread_first", "first thread",
        "what a program's first Thread() and start() take beyond its second "
        "pair, in a fresh interpreter once the cpu() helper is calibrated (as "
        "the programs of `concviz python` start their clock): Python code run "
        "for the first time, and a CPU that slept woken for the new thread; "
        "once per program", "per program", 100 * MS, 1},
    [SIM_COST_THREAD_POOL] = {"thread_pool", "ThreadPoolExecutor made",
        "a threading program's first concurrent.futures.ThreadPoolExecutor(n): "
        "concurrent.futures.thread imported (with queue), which `import "
        "concurrent.futures` leaves to the first use, and the pool made; its "
        "threads are thread_new and thread_start", "per program", 100 * MS, 1},
    [SIM_COST_THREAD_POOL_TASK] = {"thread_pool_task", "pool task",
        "what the submitting thread computes per task of a batch of "
        "ThreadPoolExecutor.submit(f) calls and their result(), f returning at "
        "once, the pool's thread started (CPU of that thread)", "per task", MS, 1},
    [SIM_COST_THREAD_POOL_TASK_WORKER] = {"thread_pool_task_worker",
        "pool task, its thread's part",
        "what a ThreadPoolExecutor's thread computes per task around f: the work "
        "item taken from the queue, run, its result set on the future (CPU of "
        "the pool's thread)", "per task", MS, 1},
    [SIM_COST_THREAD_JOIN] = {"thread_join", "thread join",
        "Thread.join() of a thread that has finished (one still running costs a "
        "wake-up more, as lock_handover)", "per thread", 100 * MS, 1},
    [SIM_COST_THREAD_EXIT] = {"thread_exit", "thread exit",
        "what a thread does after its target returns until join() can return, "
        "beyond a lock's hand-over: the rest of its bootstrap (it leaves "
        "threading's table of threads) and its thread state cleared, holding "
        "the GIL", "per thread", MS, 1},
    [SIM_COST_SLEEP0] = {"sleep0", "time.sleep(0)",
        "time.sleep(0): since 3.11 a real nanosleep, mostly the kernel's timer "
        "slack (50 us by default)", "per call", 100 * MS, 0},
    [SIM_COST_GIL_HANDOFF] = {"gil_handoff", "GIL hand-off",
        "from the last moment one computing thread holds the GIL to the first "
        "moment the other runs, when the switch interval forces a switch",
        "per hand-off", 100 * MS, 1},
    [SIM_COST_LOCK] = {"lock", "lock",
        "`with lock:` of a threading.Lock nobody holds", "per acquire", MS, 1},
    [SIM_COST_SEMAPHORE] = {"semaphore", "semaphore",
        "`with sem:` of a threading.Semaphore with a permit free", "per acquire",
        MS, 1},
    [SIM_COST_LOCK_HANDOVER] = {"lock_handover", "lock hand-over",
        "a threading.Lock released by one thread and taken by another that "
        "waited for it: its wake-up, and the GIL taken back", "per hand-over",
        100 * MS, 1},
    [SIM_COST_QUEUE_PUT] = {"queue_put", "queue put",
        "queue.Queue.put(item) on an unbounded queue", "per item", MS, 1},
    [SIM_COST_QUEUE_GET] = {"queue_get", "queue get",
        "queue.Queue.get() of an item already there", "per item", MS, 1},

    [SIM_COST_START_FORK] = {"start_fork", "fork start",
        "a multiprocessing.Process started with fork, until it runs its target",
        "per process", 10 * S, 1},
    [SIM_COST_START_FORKSERVER] = {"start_forkserver", "forkserver start",
        "a Process started with forkserver (its server already running), until "
        "it runs its target", "per process", 10 * S, 1},
    [SIM_COST_FORKSERVER_LAUNCH] = {"forkserver_launch", "forkserver launch",
        "what the first Process started with forkserver takes beyond the others: "
        "the server itself starts (a fresh interpreter that imports the program), "
        "once per program", "per program", 10 * S, 1},
    [SIM_COST_START_SPAWN] = {"start_spawn", "spawn start",
        "a Process started with spawn (a fresh interpreter), until it runs its "
        "target", "per process", 10 * S, 1},
    [SIM_COST_IMPORT_ASYNCIO] = {"import_asyncio", "import asyncio",
        "importing asyncio and concurrent.futures in a fresh interpreter that "
        "has imported multiprocessing: what a spawned worker, or the forkserver, "
        "of an asyncio program adds to its start, as it imports the program",
        "per import", 10 * S, 1},
    [SIM_COST_POOL_TASK] = {"pool_task", "pool task",
        "what a multiprocessing.Pool's parent computes per task of a batch of "
        "pool.apply_async(f) calls: the task pickled and written by its task "
        "handler, the result read and unpickled by its result handler (CPU of "
        "the parent, all its threads)", "per task", S, 1},
    [SIM_COST_POOL_MAKE] = {"pool_make", "Pool made",
        "a program's multiprocessing.Pool(n) until it starts its first worker: "
        "the modules a first Pool imports, its queues, pipes and locks (with "
        "forkserver, the resource tracker started), once per program",
        "per program", S, 1},
    [SIM_COST_POOL_TASK_WORKER] = {"pool_task_worker", "pool task, worker's part",
        "what a Pool's worker computes per task around f: the task read and "
        "unpickled, the result pickled and written (CPU of the workers)",
        "per task", S, 1},
    [SIM_COST_MPQ_PUT] = {"mpq_put", "queue put",
        "multiprocessing.Queue.put(item): the feeder thread pickles it and writes "
        "it to the pipe (CPU of the putting process), per item", "per item",
        100 * MS, 1},
    [SIM_COST_MPQ_PUT_BYTE] = {"mpq_put_byte", "queue put, per byte",
        "what each byte of a bytes item adds to mpq_put", "per byte", US, 1},
    [SIM_COST_MPQ_GET] = {"mpq_get", "queue get",
        "multiprocessing.Queue.get() of an item in the pipe: reading and "
        "unpickling it, per item", "per item", 100 * MS, 1},
    [SIM_COST_MPQ_GET_BYTE] = {"mpq_get_byte", "queue get, per byte",
        "what each byte of a bytes item adds to mpq_get", "per byte", US, 1},
    [SIM_COST_MP_LOCK] = {"mp_lock", "lock",
        "`with lock:` of a multiprocessing.Lock nobody holds", "per acquire", MS, 1},
    [SIM_COST_MP_SEMAPHORE] = {"mp_semaphore", "semaphore",
        "`with sem:` of a multiprocessing.Semaphore with a permit free",
        "per acquire", MS, 1},
    [SIM_COST_MP_VALUE_INC] = {"mp_value_inc", "v.value += 1",
        "`v.value += 1` on a multiprocessing.Value (its lock taken twice)",
        "per step", MS, 1},
};

int sim_cost_find(const char *name)
{
    for (int k = 0; k < SIM_COST__COUNT; k++)
        if (strcmp(name, sim_cost_infos[k].name) == 0)
            return k;
    return -1;
}

const char *sim_costs_script(size_t *len)
{
    *len = sim_costs_calibrate_py_len;
    return sim_costs_calibrate_py;
}

void sim_costs_none(sim_costs *out)
{
    memset(out, 0, sizeof *out);
    out->origin.source = SIM_COSTS_NONE;
    out->origin.gil = 1;
    out->origin.scale = 1.0;
}

void sim_costs_builtin(const sim_calib *calib, sim_costs *out)
{
    char msg[512];
    sim_costs c;
    if (sim_costs_parse(sim_costs_builtin_json, sim_costs_builtin_json_len,
                        "builtin-cpython-3.12.json", SIM_COSTS_HAS_ALL, &c, msg,
                        sizeof msg) != 0) {
        /* The file is part of concviz and its test reads it: a programmer's
         * error, not the user's. */
        fprintf(stderr, "concviz: the built-in cost profile is broken: %s\n", msg);
        abort();
    }
    double scale = 1.0;
    if (calib && calib->ns_per_unit > 0.0 && c.origin.unit_ns > 0.0) {
        scale = calib->ns_per_unit / c.origin.unit_ns;
        if (!isfinite(scale) || scale <= 0.0)
            scale = 1.0;
    }
    for (int k = 0; k < SIM_COST__COUNT; k++)
        if (sim_cost_infos[k].scales)
            c.ns[k] *= scale;
    c.gc.young_object_ns *= scale; /* the collector's work is the interpreter's */
    c.gc.full_object_ns *= scale;
    c.gc.full_object_ns_small *= scale;
    c.origin.source = SIM_COSTS_BUILTIN;
    c.origin.scale = scale;
    c.origin.file[0] = '\0';
    *out = c;
}

/* ---- one line ------------------------------------------------------------ */

static size_t put(char *buf, size_t n, size_t len, int r)
{
    if (r < 0 || len >= n)
        return len;
    return (size_t)r < n - len ? len + (size_t)r : n - 1;
}

/* "CPython 3.12.1", "PyPy 7.3", or the name as the interpreter gave it. */
static size_t interpreter(const sim_costs_origin *o, char *buf, size_t n, size_t len)
{
    const char *impl = o->implementation;
    if (strcmp(impl, "cpython") == 0)
        impl = "CPython";
    else if (strcmp(impl, "pypy") == 0)
        impl = "PyPy";
    len = put(buf, n, len, snprintf(buf + len, n - len, "%s %s%s", impl[0] ? impl : "Python",
                                    o->version, o->gil ? "" : " (free-threaded)"));
    return len;
}

static size_t where_when(const sim_costs_origin *o, int cpus, const char *cpu_model,
                         const char *verb, char *buf, size_t n, size_t len)
{
    if (o->cpus == cpus && cpu_model && strcmp(o->cpu_model, cpu_model) == 0)
        len = put(buf, n, len, snprintf(buf + len, n - len, " %s on this machine", verb));
    else
        len = put(buf, n, len, snprintf(buf + len, n - len, " %s on %s (%d CPU%s)", verb,
                                        o->cpu_model[0] ? o->cpu_model : "an unknown CPU",
                                        o->cpus, o->cpus == 1 ? "" : "s"));
    return put(buf, n, len, snprintf(buf + len, n - len, ", %.10s", o->measured_at));
}

size_t sim_costs_describe(const sim_costs *c, int cpus, const char *cpu_model, char *buf,
                          size_t n)
{
    const sim_costs_origin *o = &c->origin;
    size_t len = 0;
    if (n == 0)
        return 0;
    buf[0] = '\0';
    switch (o->source) {
    case SIM_COSTS_NONE:
        return put(buf, n, 0, snprintf(buf, n, "none: the bare engines (CPython's own "
                                               "machinery costs nothing)"));
    case SIM_COSTS_BUILTIN:
        len = put(buf, n, 0, snprintf(buf, n, "built-in: "));
        len = interpreter(o, buf, n, len);
        len = where_when(o, cpus, cpu_model, "measured", buf, n, len);
        if (fabs(o->scale - 1.0) >= 0.005)
            len = put(buf, n, len, snprintf(buf + len, n - len,
                                            ", scaled x%.2f to this machine", o->scale));
        break;
    case SIM_COSTS_CALIBRATED:
        len = interpreter(o, buf, n, 0);
        len = where_when(o, cpus, cpu_model, "calibrated", buf, n, len);
        break;
    case SIM_COSTS_FILE:
    default:
        len = interpreter(o, buf, n, 0);
        len = where_when(o, cpus, cpu_model, "measured", buf, n, len);
        len = put(buf, n, len, snprintf(buf + len, n - len, " (%s)", o->file));
        break;
    }
    if (o->note[0])
        len = put(buf, n, len, snprintf(buf + len, n - len, " (%s)", o->note));
    return len;
}
