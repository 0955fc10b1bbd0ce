"""What CPython's own machinery costs on this machine: run by `concviz calibrate`.

    python3 calibrate.py [--progress]
    python3 calibrate.py --plain    (plain computation only: process_passes)

Prints one JSON object on stdout (nothing else goes there), a cost profile
as src/core/costs/costs.h describes it: the interpreter, its speed for pure
computation, and the price in nanoseconds of each operation concviz's
engines perform (the names and what each means are costs.c's table;
concviz refuses the output if one is missing, or one more). concviz adds
the machine, the date and its own speed, and saves it. With --progress, a
dot per group of measurements goes to stderr.

How each cost is measured:
- Many operations in a row make one repetition, REPS repetitions a cost.
  A cost timed on the wall clock (a wait) is their median: the middle one,
  which a repetition slowed down by another program does not move, nor a
  lucky one. A cost timed on the thread's CPU clock (pure computation) is
  their lower quartile: nothing makes the interpreter's own work faster
  than it is, but a neighbour on the core, the virtual machine's stolen
  time or a slower clock of the core make it slower, for several
  repetitions in a row (three calibrations a minute apart here gave
  `x += 1` 29, 30 and 58 ns by their medians). A run charges the cost and
  then meets the machine's noise itself, as CPython does: counting the
  noise in the cost would count it twice. Costs measured together take
  turns repetition by repetition (interleaved), and plain computation is
  measured again in fresh interpreters, each cost the typical process's
  (process_passes: CPython's speed differs from process to process).
- Pure computation is timed on this thread's CPU clock, waiting on the
  wall clock (see wall_ns and cpu_ns below).
- An operation written in a `for` loop is measured in one, and the loop's
  own turn is taken off: each repetition times an empty loop of the same
  length right before, and keeps the difference. concviz charges
  `loop_turn` for each repetition of a workload's N*(...) and the
  operation's own cost for each step, as CPython pays for both.
- Some costs are differences of two measurements (a timer is "sleep(d)
  minus sleep(0)"); noise can make a small difference come out below zero.
  It is then reported as 0, and a note on stderr says so. The event loop's
  differences (its iteration, a timer, a wait) time both loops back to
  back in each repetition and keep the differences (aio_paired).

The script must run on every CPython from 3.8 to 3.14 with only the
standard library, so it avoids newer syntax and looks newer functions up
(asyncio.to_thread is 3.9+). It must also be importable: the spawn and
forkserver start methods import it again in their children (as
__mp_main__), where nothing below the last `if __name__` may run.
"""
# Only what a generated multiprocessing program imports: the spawn and
# forkserver children import this file again before they run (as workers
# of a generated program import it), and a heavier import here would make
# their start look dearer than it is. The rest is imported at the bottom,
# by the process that measures.
import itertools  # the cpu() helper's loop (prelude.py), as the programs import it
import multiprocessing
import sys
import textwrap
import time

FORMAT = 6          # the profile format (costs.h): concviz refuses any other
REPS = 9            # repetitions of each measurement (see above)
TARGET_NS = 8000000  # aim: one repetition lasts about 8 ms

# Two clocks, each for one kind of cost:
# - wall_ns, the time that passes, for what waits on something else (a
#   thread to start, a process to answer, the kernel's timer): the waiting
#   is the cost;
# - cpu_ns, this thread's CPU time, for pure computation (bytecode, an
#   uncontended lock, a loop trip that waits for nothing): the machine is
#   shared, and while another program has the core this clock stops, so
#   what it measures is the interpreter's work and nothing else.
wall_ns = time.perf_counter_ns
cpu_ns = time.thread_time_ns


def note(text):
    sys.stderr.write("calibrate.py: " + text + "\n")


# ---- measuring ------------------------------------------------------------

def typical(times, clock):
    """What a cost is, of its repetitions' times (see the module's notes):
    on the CPU clock, the lower quartile; on the wall clock, the median."""
    if clock is cpu_ns:
        ordered = sorted(times)
        return ordered[(len(ordered) - 1) // 4]
    return statistics.median(times)


def median_per_op(run, n, reps=REPS, clock=wall_ns):
    """What a cost is (typical: see above) over `reps` repetitions of run(n)'s time
    divided by n, in ns; run(n) does n operations."""
    times = []
    for _ in range(reps):
        t0 = clock()
        run(n)
        times.append((clock() - t0) / n)
    return typical(times, clock)


def median_self_timed(run, n, reps=REPS):
    """The same for a run(n) that times the part that counts itself and
    returns it in ns."""
    return statistics.median([run(n) / n for _ in range(reps)])


def sized(run, start, clock):
    """How many operations make run(n) last about TARGET_NS."""
    n = start
    while True:
        t0 = clock()
        run(n)
        took = clock() - t0
        if took >= TARGET_NS // 4 or n >= 1 << 24:
            break
        n *= 2
    return max(1, int(n * TARGET_NS / max(took, 1)))


def cpu_cost(run, start=64):
    """Per operation, in CPU time, with run(n) sized to about TARGET_NS."""
    return median_per_op(run, sized(run, start, cpu_ns), clock=cpu_ns)


def rep_beyond(run, n):
    """One repetition of run(n), per operation, in CPU time, beyond the turn
    of the loop that repeats it: an empty loop of the same length is timed
    right before and taken off, so that the pair sees the same machine (a
    busy neighbour on the core slows both), where two separate medians
    could come from different moments."""
    def rep():
        t0 = cpu_ns()
        loop_empty(n)
        t1 = cpu_ns()
        run(n)
        t2 = cpu_ns()
        return ((t2 - t1) - (t1 - t0)) / n
    return rep


def interleaved(reps):
    """Costs on the CPU clock measured together: `reps` maps each name to a
    function that times one repetition and returns it per operation (or a
    dict of several names' values). The repetitions take turns, one of
    each in a round, REPS rounds, so that a slow spell of the machine
    (another virtual machine busy on the host's core, a few hundred
    milliseconds at a time here) falls on one repetition of every cost
    rather than on all of one cost's: in one process here, ten
    measurements of a lock's `with` in a row gave 200 ns or 400 ns, by
    whether a spell covered the cost's 150 ms. Each cost is then the
    lower quartile of its own repetitions (typical)."""
    times = {}
    for _ in range(REPS):
        for name, rep in reps.items():
            got = rep()
            for key, value in (got.items() if isinstance(got, dict) else [(name, got)]):
                times.setdefault(key, []).append(value)
    return {key: typical(values, cpu_ns) for key, values in times.items()}


def reps_beyond(runs, start=64):
    """{name: rep_beyond(run, n)} for {name: run}, each run(n) sized to
    about TARGET_NS: repetitions for interleaved."""
    return {name: rep_beyond(run, sized(run, start, cpu_ns)) for name, run in runs.items()}


def cpu_costs_beyond(runs, start=64):
    """Per operation, in CPU time, beyond the turn of the loop that repeats
    it (rep_beyond), for several costs at once ({name: run}), their
    repetitions interleaved. Returns {name: ns}."""
    measured = interleaved(reps_beyond(runs, start))
    return {name: beyond(name, ns, 0.0) for name, ns in measured.items()}


def beyond(name, total, base):
    """total - base, not below 0 (see the module's notes)."""
    d = total - base
    if d < 0:
        note("%s: %.1f ns came out below its baseline %.1f ns (noise); 0 is "
             "reported" % (name, total, base))
        return 0.0
    return d


# ---- pure computation: the cpu() helper of concviz's Python programs ------

def spin(turns):
    """The loop of the generated programs' cpu() helper (pyprog prelude)."""
    total = 0
    for _ in itertools.repeat(None, turns):
        total ^= 1
    return total


# ---- plain bytecode: a loop turn, a global's load, store and += -----------

X = 0


def loop_empty(n):
    for _ in range(n):
        pass


def loop_inc(n):
    global X
    for _ in range(n):
        X += 1


def loop_load(n):
    tmp = 0
    for _ in range(n):
        tmp = X
    return tmp


def loop_store(n):
    global X
    tmp = 0
    for _ in range(n):
        X = tmp + 1


def bytecode(costs):
    turn = cpu_cost(loop_empty, start=1024)
    costs["loop_turn"] = turn
    costs.update(cpu_costs_beyond({"global_inc": loop_inc, "global_load": loop_load,
                                   "global_store": loop_store}, start=1024))
    return turn


# ---- threading --------------------------------------------------------------

def noop():
    pass


def with_loop(ctx):
    """A loop of n `with ctx:` blocks."""
    def run(n):
        for _ in range(n):
            with ctx:
                pass
    return run


def threads_started(n):
    """n Thread.start() calls, each returning once its thread runs; the
    threads wait on an event so none has finished (and freed its stack
    for the next one) meanwhile."""
    go = threading.Event()
    threads = [threading.Thread(target=go.wait) for _ in range(n)]
    t0 = wall_ns()
    for t in threads:
        t.start()
    took = wall_ns() - t0
    go.set()
    for t in threads:
        t.join()
    return took


def threads_made(n):
    """n threading.Thread(target=f) objects made (and dropped), not started."""
    for _ in range(n):
        threading.Thread(target=noop)


def thread_start_code(n):
    """What a Thread.start() takes beyond a bare start, for n of each: a
    bare start is a _thread.start_new_thread whose thread releases a lock
    the starter waits on, the same hand-shake as start()'s (the new thread
    runs, says so, the starter wakes and takes the GIL back) without the
    Python code around it. Each pair is timed back to back, in turn one
    first and the other, so that a slow spell falls on both; the median
    difference is the interpreter's work, which concviz computes on top of
    its own real start (the kernel's part, which it does for real)."""
    import _thread
    go = threading.Event()
    park = _thread.allocate_lock()
    park.acquire()
    alive = [0]

    def bare(started):
        alive[0] += 1
        started.release()
        park.acquire()
        park.release()
        alive[0] -= 1

    def bare_start():
        started = _thread.allocate_lock()
        started.acquire()
        t0 = wall_ns()
        _thread.start_new_thread(bare, (started,))
        started.acquire()
        return wall_ns() - t0

    def start(t):
        t0 = wall_ns()
        t.start()
        return wall_ns() - t0

    threads = [threading.Thread(target=go.wait) for _ in range(n)]
    diffs = []
    for i, t in enumerate(threads):
        if i % 2:
            diffs.append(start(t) - bare_start())
        else:
            b = bare_start()
            diffs.append(start(t) - b)
    go.set()
    park.release()
    for t in threads:
        t.join()
    while alive[0]:
        time.sleep(0.0005)
    return diffs


def thread_exit(n):
    """What a thread does after its target returns until join() can return,
    beyond a hand-over, for n of each: in one case the main thread waits in
    join() for a thread whose target returns; in the other it waits on a
    lock that a thread releases, and that thread goes on living. Both
    threads first sleep a little, so that the main thread is surely
    waiting. The first case is the second (a thread wakes one waiting)
    and the thread's exit: the rest of its bootstrap, Python code (it
    leaves threading's table of threads) and its thread state cleared,
    holding the GIL. Each pair is timed in turn, one first and then the
    other; the median difference is that exit."""
    def exit_gap():
        at = [0]

        def target():
            time.sleep(0.0005)
            at[0] = wall_ns()
        t = threading.Thread(target=target)
        t.start()
        t.join()
        return wall_ns() - at[0]

    def handover_gap():
        at = [0]
        lock, done = threading.Lock(), threading.Lock()
        lock.acquire()
        done.acquire()

        def target():
            time.sleep(0.0005)
            at[0] = wall_ns()
            lock.release()
            done.acquire()
        t = threading.Thread(target=target)
        t.start()
        lock.acquire()
        gap = wall_ns() - at[0]
        done.release()
        t.join()
        return gap

    diffs = []
    for i in range(n):
        if i % 2:
            diffs.append(exit_gap() - handover_gap())
        else:
            h = handover_gap()
            diffs.append(exit_gap() - h)
    return diffs


def thread_pool_tasks(n):
    """A ThreadPoolExecutor's CPU per task, used as a generated program uses
    it (every task submitted, then every result collected), its one thread
    started: the submitting thread's (submit() and result()) and the pool
    thread's (the item taken from the queue, run, its result set). Each
    the lower quartile of REPS batches of n."""
    import concurrent.futures
    main, worker = [], []
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(noop).result()
        for _ in range(REPS):
            p0, m0 = time.process_time_ns(), cpu_ns()
            futures = [pool.submit(noop) for _ in range(n)]
            for f in futures:
                f.result()
            m, p = cpu_ns() - m0, time.process_time_ns() - p0
            main.append(m / n)
            worker.append(max(0, p - m) / n)
    return typical(main, cpu_ns), typical(worker, cpu_ns)


def threads_joined(n):
    """n Thread.join() calls on threads that have finished. (Waiting for a
    thread that still runs costs a wake-up more: see lock_handovers.)"""
    threads = [threading.Thread(target=noop) for _ in range(n)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(0.001)
    t0 = wall_ns()
    for t in threads:
        t.join()
    return wall_ns() - t0


def sleep0(n):
    for _ in range(n):
        time.sleep(0)


def gil_enabled():
    probe = getattr(sys, "_is_gil_enabled", None)
    return probe() if probe else True


def gil_handoffs(seconds=0.15, interval=0.001):
    """Median time from one thread's last moment holding the GIL to the
    other thread's first, over the switches of two threads that compute.

    Each thread reads the clock at every turn of its loop; a gap longer
    than GAP_NS means another thread held the GIL meanwhile. Sorted
    together, the gaps' ends alternate: thread A stops, B resumes, B
    stops, A resumes. A hand-off is a stop followed by the other thread's
    resume, and its cost the time between them: the drop request honoured,
    the condition variable signalled, the other thread woken and scheduled.
    A short switch interval makes many hand-offs in a short time."""
    gap_ns = 20000
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    deadline = wall_ns() + int(seconds * 1e9)
    events = []

    def compute(k):
        mine = []
        last = wall_ns()
        while last < deadline:
            t = wall_ns()
            if t - last > gap_ns:
                mine.append((last, 0, k))   # stopped
                mine.append((t, 1, k))      # resumed
            last = t
        events.extend(mine)

    threads = [threading.Thread(target=compute, args=(k,)) for k in (0, 1)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    events.sort()
    lat = [b[0] - a[0] for a, b in zip(events, events[1:])
           if a[1] == 0 and b[1] == 1 and a[2] != b[2]]
    return statistics.median(lat) if len(lat) >= 10 else None


def lock_handovers(n):
    """A ping-pong through two locks used as signals: each round trip is two
    hand-overs, a lock released by one thread and taken by the other, which
    was blocked waiting for it (and so must also get the GIL back)."""
    ping, pong = threading.Lock(), threading.Lock()
    ping.acquire()
    pong.acquire()

    def other():
        for _ in range(n):
            ping.acquire()
            pong.release()

    t = threading.Thread(target=other)
    t.start()
    t0 = wall_ns()
    for _ in range(n):
        ping.release()
        pong.acquire()
    took = wall_ns() - t0
    t.join()
    return took / 2


def queue_puts_gets(n):
    """One repetition of n put() then n get() on a queue.Queue, per
    operation (in CPU time: neither waits), with the loop's turn."""
    q = queue.Queue()
    item = bytes(1000)

    def rep():
        t0 = cpu_ns()
        for _ in range(n):
            q.put(item)
        t1 = cpu_ns()
        for _ in range(n):
            q.get()
        t2 = cpu_ns()
        return {"queue_put": (t1 - t0) / n, "queue_get": (t2 - t1) / n}
    return rep


def threading_costs(costs, turn):
    costs["thread_start"] = median_self_timed(threads_started, 100)
    diffs = [d for _ in range(REPS) for d in thread_start_code(20)]
    costs["thread_start_code"] = max(0.0, statistics.median(diffs))
    costs["thread_join"] = median_self_timed(threads_joined, 100)
    diffs = [d for _ in range(REPS) for d in thread_exit(40)]
    costs["thread_exit"] = max(0.0, statistics.median(diffs))
    costs["thread_pool_task"], costs["thread_pool_task_worker"] = thread_pool_tasks(2000)
    costs["sleep0"] = beyond("sleep0", median_per_op(sleep0, 100), turn)
    if gil_enabled():
        hand = [gil_handoffs() for _ in range(3)]
        hand = [h for h in hand if h is not None]
        if not hand:
            raise RuntimeError("gil_handoff: two computing threads never switched")
        costs["gil_handoff"] = statistics.median(hand)
    else:
        costs["gil_handoff"] = 0.0  # free-threaded: no GIL to hand off
    costs["lock_handover"] = median_self_timed(lock_handovers, 500)
    threading_cpu_costs(costs, turn)


def threading_cpu_costs(costs, turn):
    """The threading module's own work, measured together (interleaved)."""
    runs = {"thread_new": threads_made, "lock": with_loop(threading.Lock()),
            "semaphore": with_loop(threading.Semaphore(3))}
    reps = reps_beyond(runs)
    reps["queue"] = queue_puts_gets(2000)
    for name, ns in interleaved(reps).items():
        costs[name] = beyond(name, ns, turn if name.startswith("queue_") else 0.0)


# ---- asyncio ----------------------------------------------------------------

async def aio_noop():
    pass


async def aio_yields(n):
    for _ in range(n):
        await asyncio.sleep(0)


async def aio_timers(n):
    # A delay of 1 ns is due by the time the loop looks at its timers: the
    # timer is made, pushed on the heap, popped and fired, but no time is
    # spent waiting.
    for _ in range(n):
        await asyncio.sleep(1e-9)


async def aio_time(make, n, reps=REPS, clock=cpu_ns):
    """Per operation, median of `reps`, of `await make(n)`. In CPU time by
    default: the loop's thread does all the work of a trip through the
    loop, and when nothing sleeps (below) it waits for nothing."""
    times = []
    for _ in range(reps):
        t0 = clock()
        await make(n)
        times.append((clock() - t0) / n)
    return typical(times, clock)


async def aio_gather(n):
    await asyncio.gather(*[aio_noop() for _ in range(n)])


async def aio_task_end(n, reps=REPS):
    """Per task, what its end costs: n tasks gathered, each waiting for one
    future; the future's result set and every task woken, then (a) each
    returns, or (b) each awaits a second future. (a) ends the task (its
    coroutine returns, the task's result set, gather's callback scheduled
    and run, the gather done); (b) the same wake-up and an await instead.
    Timed in pairs, as aio_paired does; the collector off meanwhile, as
    gc_costs prices its collections apart."""
    loop = asyncio.get_running_loop()

    async def once(f):
        await f

    async def twice(f, f2):
        await f
        await f2

    async def woken(make):
        first, second = loop.create_future(), loop.create_future()
        g = asyncio.gather(*[make(first, second) for _ in range(n)])
        await asyncio.sleep(0)  # every task waits at its first future
        t0 = cpu_ns()
        first.set_result(None)
        await asyncio.sleep(0)  # every task woken: ended, or waiting again
        await asyncio.sleep(0)  # gather's callbacks run
        t1 = cpu_ns()
        second.set_result(None)
        await g
        return t1 - t0

    import gc
    was = gc.isenabled()
    gc.disable()
    try:
        diffs = []
        for _ in range(reps):
            ended = await woken(lambda f, f2: once(f))
            again = await woken(twice)
            diffs.append((ended - again) / n)
    finally:
        if was:
            gc.enable()
    return max(0.0, typical(diffs, cpu_ns))


async def aio_crowd(n, tasks=100):
    """n trips through the loop by `tasks` tasks at once: the loop's own
    turn (polling the selector) is shared by every task ready at it."""
    await asyncio.gather(*[aio_yields(n // tasks) for _ in range(tasks)])


def aio_with(ctx):
    async def run(n):
        for _ in range(n):
            async with ctx:
                pass
    return run


async def aio_lock_turns(n, tasks=2):
    """n acquires of one asyncio.Lock held across an await, by `tasks`
    tasks. With two, every acquire waits for the other task: a future
    made, awaited, resolved by the release, the waiter woken, and one pass
    of the loop more (the releaser, going round, must wait in its turn).
    With one, nothing waits: the same turns, a pass each."""
    lock = asyncio.Lock()

    async def turns(k):
        for _ in range(k):
            async with lock:
                await asyncio.sleep(0)
    await asyncio.gather(*[turns(n // tasks) for _ in range(tasks)])


async def aio_paired(make_a, n_a, make_b, n_b, reps=REPS):
    """Per operation, what `await make_a(n_a)` costs beyond `await
    make_b(n_b)`. Each repetition times both back to back and keeps the
    difference, so that a slow spell of the machine falls on both: the
    difference of two separate measurements carries the noise of each
    (six runs here put the loop's iteration anywhere from 0.2 to 3.3 us
    that way; paired, in the same runs, 1.2 to 1.5 us; a slow spell over a
    whole calibration still moves every cost). Of the differences, the lower
    quartile, as of any cost on the CPU clock: a slow spell still adds
    more to the half that runs longer."""
    diffs = []
    for _ in range(reps):
        t0 = cpu_ns()
        await make_a(n_a)
        t1 = cpu_ns()
        await make_b(n_b)
        t2 = cpu_ns()
        diffs.append((t1 - t0) / n_a - (t2 - t1) / n_b)
    return typical(diffs, cpu_ns)


async def aio_wait_extra(n):
    """Per acquire, what two tasks taking turns at a lock cost beyond one
    task doing the same turns alone: the wait and one loop iteration."""
    async def two(k):
        await aio_lock_turns(k, tasks=2)

    async def one(k):
        await aio_lock_turns(k, tasks=1)
    return await aio_paired(two, n, one, n)


async def aio_queue(n, reps=REPS):
    q = asyncio.Queue()
    item = bytes(1000)
    puts, gets = [], []
    for _ in range(reps):
        t0 = cpu_ns()
        for _ in range(n):
            await q.put(item)
        t1 = cpu_ns()
        for _ in range(n):
            await q.get()
        t2 = cpu_ns()
        puts.append((t1 - t0) / n)
        gets.append((t2 - t1) / n)
    return typical(puts, cpu_ns), typical(gets, cpu_ns)


def in_thread(loop, fn):
    to_thread = getattr(asyncio, "to_thread", None)
    if to_thread:
        return to_thread(fn)
    return loop.run_in_executor(None, fn)  # 3.8: what to_thread wraps


async def aio_to_threads(n):
    loop = asyncio.get_running_loop()
    for _ in range(n):
        await in_thread(loop, noop)


async def aio_in_process(pool, n):
    loop = asyncio.get_running_loop()
    for _ in range(n):
        await loop.run_in_executor(pool, noop)


async def asyncio_main(costs, turn, executor=True):
    """The event loop's costs; with `executor`, a to_thread round trip too
    (a wait, on the wall clock: plain_costs leaves it out)."""
    one = await aio_time(aio_yields, 2000)
    # one = turn + step + iteration; crowd = turn + step + iteration / 100
    iteration = max(0.0, await aio_paired(aio_yields, 2000, aio_crowd, 5000) * 100 / 99)
    costs["asyncio_iteration"] = iteration
    costs["asyncio_yield"] = beyond("asyncio_yield", one - iteration, turn)
    # A timer's sleep needs one iteration more than sleep(0): the timer's
    # callback sets the future's result in one, the task resumes in the next.
    timed = await aio_paired(aio_timers, 2000, aio_yields, 2000)
    costs["asyncio_timer"] = beyond("asyncio_timer", timed, iteration)
    costs["asyncio_task"] = await aio_time(aio_gather, 2000)
    costs["asyncio_task_end"] = min(costs["asyncio_task"], await aio_task_end(2000))
    costs["asyncio_lock"] = beyond("asyncio_lock", await aio_time(aio_with(asyncio.Lock()), 5000), turn)
    costs["asyncio_semaphore"] = beyond(
        "asyncio_semaphore", await aio_time(aio_with(asyncio.Semaphore(3)), 5000), turn)
    put, get = await aio_queue(2000)
    costs["asyncio_queue_put"] = beyond("asyncio_queue_put", put, turn)
    costs["asyncio_queue_get"] = beyond("asyncio_queue_get", get, turn)
    costs["asyncio_wait"] = beyond("asyncio_wait", await aio_wait_extra(4000), iteration)
    if not executor:
        return
    await aio_to_threads(10)  # the executor's thread, started once
    costs["to_thread"] = await aio_time(aio_to_threads, 200, clock=wall_ns)


def asyncio_costs(costs, turn):
    asyncio.run(asyncio_main(costs, turn))


# What a probe in a fresh interpreter does first, to be in the state the
# programs of `concviz python` are in when their clock starts: their cpu()
# loop calibrated (about 50 ms of a loop that leaves its mark on the
# interpreter: asyncio.run, or a first thread, then starts slower than in
# a fresh one). The probe has imported time.
CALIBRATED_CPU = """
from itertools import repeat
def spin(turns):
    total = 0
    for _ in repeat(None, turns):
        total ^= 1
    return total
def measure(turns):
    start = time.thread_time()
    spin(turns)
    return time.thread_time() - start
turns = 1000
while measure(turns) < 0.01:
    turns *= 2
best = min(measure(turns) for _ in range(3))
"""

# A program's first asyncio.run, timed in a fresh interpreter each time (the
# first one makes what later ones reuse), asyncio imported at the top.
ASYNCIO_RUN_PROBE = """
import asyncio, time
""" + CALIBRATED_CPU + """
async def main():
    global t1
    t1 = time.thread_time_ns()
t0 = time.thread_time_ns()
asyncio.run(main())
t2 = time.thread_time_ns()
print(t1 - t0, t2 - t1)
"""


IMPORT_PROBE = """
import multiprocessing, time
t0 = time.process_time_ns()
import asyncio, concurrent.futures
print(time.process_time_ns() - t0)
"""


# The default executor of an asyncio program, made by its first to_thread:
# asyncio leaves concurrent.futures.thread (and with it queue) to be
# imported then. Then what asyncio.run's end adds once it has a thread
# (3.9 on: shutdown_default_executor), beyond asyncio_run_end.
EXECUTOR_PROBE = """
import asyncio, time
def noop():
    pass
async def main():
    loop = asyncio.get_running_loop()
    t0 = time.thread_time_ns()
    import concurrent.futures
    pool = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="asyncio")
    made = time.thread_time_ns() - t0
    loop.set_default_executor(pool)
    await loop.run_in_executor(None, noop)
    shut = 0
    if hasattr(loop, "shutdown_default_executor"):
        t0 = time.perf_counter_ns()
        await loop.shutdown_default_executor()
        shut = time.perf_counter_ns() - t0
    print(made, shut)
asyncio.run(main())
"""


# A program's first thread: its first Thread() and start() against its
# second pair, in a fresh interpreter each time, after the loop of the
# cpu() helper is calibrated, as in the programs of `concviz python`.
FIRST_THREAD_PROBE = """
import threading, time
""" + CALIBRATED_CPU + """
go = threading.Event()
ns = time.perf_counter_ns
t0 = ns()
threading.Thread(target=go.wait).start()
t1 = ns()
threading.Thread(target=go.wait).start()
t2 = ns()
go.set()
print((t1 - t0) - (t2 - t1))
"""


def probe(costs, source, *names, as_file=False):
    """Runs `source` in a fresh interpreter REPS times; each run prints one
    number of ns per name, and each cost is the median of its column. With
    as_file, the source is a script file, as a program is (a forkserver
    imports its main module from the file)."""
    import os
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        argv = [sys.executable, "-I", "-c", source]
        if as_file:
            argv[2:] = [os.path.join(d, "probe.py")]
            with open(argv[2], "w") as f:
                f.write(source)
        runs = [[int(x) for x in subprocess.run(
            argv, capture_output=True, text=True, check=True).stdout.split()]
            for _ in range(REPS)]
    for k, name in enumerate(names):
        costs[name] = max(0.0, statistics.median(run[k] for run in runs))


# A program's forkserver launch: the server's CPU time once the first
# Process started by forkserver runs (its start-up, its imports, the
# program's module imported), in a fresh interpreter that starts as the
# programs do, run from a file as they are.
# CPU time another process of ours has used, in ns: the scheduler's own
# count (/proc/PID/schedstat) where there is one, else utime + stime
# (/proc/PID/stat, in clock ticks). Source text, so that the launch probe
# below runs the very same function that this script defines from it.
PROCESS_CPU = """
def process_cpu_ns(pid):
    import os
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int((int(fields[11]) + int(fields[12])) * 1e9 / os.sysconf("SC_CLK_TCK"))
"""
exec(PROCESS_CPU)


LAUNCH_PROBE = """
import multiprocessing, os, time
def child(conn):
    conn.send_bytes(b"1")
    conn.close()
""" + PROCESS_CPU + """
if __name__ == "__main__":
""" + textwrap.indent(CALIBRATED_CPU, "    ") + """
    multiprocessing.set_start_method("forkserver")
    r, w = multiprocessing.Pipe(duplex=False)
    p = multiprocessing.Process(target=child, args=(w,))
    p.start()
    r.recv_bytes()
    from multiprocessing import forkserver
    print(process_cpu_ns(forkserver._forkserver._forkserver_pid))
    p.join()
"""


# A threading program's pool (--threads): `import concurrent.futures` at
# the top leaves concurrent.futures.thread to the pool's making.
THREAD_POOL_PROBE = """
import concurrent.futures, sys, time
""" + CALIBRATED_CPU + """
t0 = time.thread_time_ns()
pool = concurrent.futures.ThreadPoolExecutor(2)
print(time.thread_time_ns() - t0)
"""


# A program's multiprocessing.Pool(), from the call until it starts its
# first worker, in a fresh interpreter as the programs of `concviz python`
# make it (multiprocessing imported at the top, the start method set, the
# cpu() helper calibrated): the modules the first Pool imports
# (multiprocessing.pool, queues, synchronize, connection), its two
# SimpleQueues with their pipes and locks (with forkserver or spawn a lock
# also starts the resource tracker), before any process starts. The probe
# stops it there (Pool() cleans up when starting a worker fails).
POOL_PROBE = """
import multiprocessing, os, time
""" + CALIBRATED_CPU + """
from multiprocessing import process
class Stop(Exception):
    pass
first = []
def start(self):
    first.append(time.process_time_ns())
    raise Stop
if "forkserver" in multiprocessing.get_all_start_methods():
    multiprocessing.set_start_method("forkserver")
process.BaseProcess.start = start
t0 = time.process_time_ns()
try:
    multiprocessing.Pool(2)
except Stop:
    pass
print(first[0] - t0)
"""


def pool_make_costs(costs):
    probe(costs, POOL_PROBE, "pool_make")


def first_thread_costs(costs):
    probe(costs, FIRST_THREAD_PROBE, "thread_first")
    probe(costs, THREAD_POOL_PROBE, "thread_pool")


def executor_costs(costs):
    probe(costs, EXECUTOR_PROBE, "default_executor", "executor_shutdown")


def import_costs(costs):
    """What a child of an asyncio program pays again when it imports the
    program (spawn, and the forkserver): asyncio and concurrent.futures."""
    probe(costs, IMPORT_PROBE, "import_asyncio")


def asyncio_run_costs(costs):
    probe(costs, ASYNCIO_RUN_PROBE, "asyncio_run_start", "asyncio_run_end")


HEAP_PROBE = r"""
import asyncio, sys, time
from itertools import repeat


async def make(n):
    return bytes(n)


def heap():
    with open("/proc/self/maps") as f:
        for line in f:
            if line.rstrip().endswith("[heap]"):
                lo, hi = line.split()[0].split("-")
                return int(lo, 16), int(hi, 16)
    return 0, 0


x = asyncio.run(make(int(sys.argv[1])))
lo, hi = heap()
print(1 if lo <= id(x) < hi else 0)
"""


def asyncio_mmap_threshold():
    """From what size on a bytes(n) that an asyncio program makes is a
    mapping of fresh pages of its own rather than main-heap memory: the C
    library's mmap threshold as the program's imports left it (glibc
    raises it to the size of each mapped block freed). Each probe is a
    fresh interpreter that imports what the programs import and makes one
    object in asyncio.run (a probe that freed a mapping would raise the
    threshold itself); where the object lies says which it got: CPython's
    id() is its address, and /proc/self/maps names the main heap. The
    range is halved down to 1 KiB, about 15 probes. 0 where that cannot be
    seen (no /proc)."""
    import os
    import subprocess

    def on_heap(n):
        out = subprocess.run([sys.executable, "-I", "-c", HEAP_PROBE, str(n)],
                             capture_output=True, text=True, check=True).stdout
        return out.strip() == "1"

    if not os.path.exists("/proc/self/maps"):
        return 0
    lo, hi = 128 << 10, 32 << 20  # glibc's first threshold, the most it rises to
    if not on_heap(lo):
        return lo
    if on_heap(hi):
        return hi
    while hi - lo > 1024:
        mid = (lo + hi) // 2
        if on_heap(mid):
            lo = mid
        else:
            hi = mid
    return hi


# The cyclic garbage collector as an asyncio program meets it (gcsim.h):
# where its counts and generations stand as main() starts, how many
# container objects a task allocates (made, started and waiting in
# gather; then as it ends), and what a collection costs per object it
# looks at. With argv[2] "1" the watch also counts the objects of the
# generations each collection looks at (which takes time of its own, so
# the times come from runs without it).
GC_PROBE = """
import asyncio, gc, sys, time
""" + CALIBRATED_CPU + """
N, COUNT, WAIT = int(sys.argv[1]), sys.argv[2] == "1", float(sys.argv[3])
spent, seen, t = [0, 0, 0], [0, 0, 0], [0]
def watch(phase, info):
    g = info["generation"]
    if phase == "start":
        if COUNT:
            seen[g] += sum(len(gc.get_objects(i)) for i in range(g + 1))
        t[0] = time.perf_counter_ns()
    else:
        spent[g] += time.perf_counter_ns() - t[0]
def made():
    return sum(s["collections"] for s in gc.get_stats())
async def task():
    await asyncio.sleep(WAIT)
async def main():
    start = gc.get_count()
    objects = [len(gc.get_objects(g)) for g in range(3)]
    full = gc.get_stats()[2]["collections"]
    made0 = made()
    gc.callbacks.append(watch)
    waiting = asyncio.gather(*[task() for _ in range(N)])
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    made1, mid = made(), gc.get_count()
    await waiting
    made2, end = made(), gc.get_count()
    gc.callbacks.remove(watch)
    step = gc.get_threshold()[0] + 1
    print(*gc.get_threshold(), *start, *objects, full,
          (made1 - made0) * step + mid[0] - start[0],
          (made2 - made1) * step + end[0] - mid[0], *spent, *seen,
          gc.get_stats()[2]["collections"] - full)
asyncio.run(main())
"""


def gc_costs(gc, small=10000, large=50000):
    """The garbage collector's figures, from fresh interpreters (GC_PROBE):
    runs that count the objects each collection looks at, and runs that
    time them, with `small` and `large` waiting tasks: a full collection's
    time per object grows with the objects (fewer fit in the caches), so
    both are kept. A task that awaits sleep(0) holds fewer objects than
    one that awaits a timer: counted apart."""
    import subprocess

    def run(n, count, wait="0.05"):
        out = subprocess.run([sys.executable, "-I", "-c", GC_PROBE, str(n), count, wait],
                             capture_output=True, text=True, check=True).stdout
        return [int(x) for x in out.split()]

    def per_object(n):
        counted = run(n, "1")
        seen, fulls = counted[15:18], counted[18]
        young, old = [], []
        for _ in range(2):
            spent = run(n, "0")[12:15]
            young.append((spent[0] + spent[1]) / max(1, seen[0] + seen[1]))
            old.append(spent[2] / max(1, seen[2]))
        return (statistics.median(young), statistics.median(old),
                seen[2] // max(1, fulls), counted)

    young_s, old_s, seen_s, _ = per_object(small)
    young_l, old_l, seen_l, counted = per_object(large)
    th, start, objects, full = counted[0:3], counted[3:6], counted[6:9], counted[9]
    made, ended = counted[10], counted[11]
    ready = run(large, "1", "0")[10]
    gc.update({"threshold%d" % k: th[k] for k in range(3)})
    gc.update({"start_count%d" % k: start[k] for k in range(3)})
    gc.update({"start_objects%d" % k: objects[k] for k in range(3)})
    gc.update(start_full=full, task_objects=round(max(0, made) / large, 3),
              task_ready_objects=round(max(0, ready) / large, 3),
              task_end_objects=round(max(0, ended) / large, 3),
              young_object_ns=round((young_s + young_l) / 2, 3),
              full_object_ns_small=round(old_s, 3), full_objects_small=seen_s,
              full_object_ns=round(old_l, 3), full_objects=seen_l)


async def aio_process_main(costs):
    import concurrent.futures
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        await aio_in_process(pool, 5)  # the worker, started once
        costs["run_in_process"] = await aio_time(
            lambda n: aio_in_process(pool, n), 100, clock=wall_ns)


# ---- multiprocessing --------------------------------------------------------

def child_ready(conn):
    """A started process's first act: say how much CPU it took to get here
    (a new process's CPU time starts at 0 when it is forked)."""
    conn.send_bytes(str(time.process_time_ns()).encode())
    conn.close()


def start_once(ctx):
    """The CPU one Process start costs until its target runs: the child's
    own, and what start() took in this process. CPU, not wall time: starting
    a process is computation (an interpreter's start-up, the imports), and
    concviz computes it again on the machine where it runs; a wall time
    measured on a busy machine would count the machine's other work too."""
    r, w = ctx.Pipe(duplex=False)
    p = ctx.Process(target=child_ready, args=(w,))
    own = time.process_time_ns()
    p.start()
    child = int(r.recv_bytes())
    own = time.process_time_ns() - own
    w.close()
    r.close()
    p.join()
    return child + own


def forkserver_pid():
    """The forkserver's process id, once it runs (a private attribute, in
    every CPython from 3.4 to 3.14), or None."""
    try:
        from multiprocessing import forkserver
        return forkserver._forkserver._forkserver_pid
    except (ImportError, AttributeError):
        return None


def start_costs(costs):
    methods = multiprocessing.get_all_start_methods()
    for method, reps in (("fork", 15), ("forkserver", 15), ("spawn", 5)):
        if method not in methods:
            raise RuntimeError("start method %s is not available" % method)
        ctx = multiprocessing.get_context(method)
        first = start_once(ctx)  # forkserver: starts the server itself
        pid = forkserver_pid() if method == "forkserver" else None
        launched = process_cpu_ns(pid) if pid else 0
        costs["start_" + method] = statistics.median(start_once(ctx) for _ in range(reps))
        if method == "forkserver":
            # The server's launch: the CPU the server process itself had
            # used after the first start (its start-up and imports), else
            # what the first start cost beyond the others. Each start
            # after it costs the server too (the fork's parent side, the
            # fds handed over, the child reaped), on the way of the process
            # that waits for its child's pid: that is the start's. Read
            # after all the starts instead, the launch held fifteen starts'
            # server work, 12 to 14 ms here, and short Pool programs ran
            # that much long.
            if pid:
                server = (process_cpu_ns(pid) - launched) / reps
                costs["start_forkserver"] += max(0.0, server)
            launch = launched if pid else first - costs["start_forkserver"]
            costs["forkserver_launch"] = max(0.0, launch)
    # The launch again as a program pays it: the server imports the
    # program's main module, and this one is a big script (28 to 49 ms of
    # server CPU by calibration, against 30 to 34 for a program's).
    if forkserver_pid() is not None:
        probe(costs, LAUNCH_PROBE, "forkserver_launch", as_file=True)


MP_READER_S = 30  # the longest mp_queue_costs waits for its reader's answer


def mp_drain(q, acks):
    """The reader process of mp_queue_puts: takes a batch's length, then
    that many items, and says so; None ends it."""
    while True:
        k = q.get()
        if k is None:
            return
        for _ in range(k):
            q.get()
        acks.put(k)


def mp_queue_puts(out, acks, item, k):
    """k items put into a multiprocessing.Queue that another process reads,
    as a program's producer puts them: the putting process's CPU time per
    item until the reader has them all. put() only queues an item for the
    feeder thread, which pickles it and writes it to the pipe: what the
    process pays is both (its CPU time counts both threads). With the
    reader in this process instead, its get()s would take turns at the GIL
    with the feeder, a hand-off an item: that measured 6 or 22 us an item,
    by run, where a producer of its own pays 7 to 12."""
    out.put(k)
    t0 = time.process_time_ns()
    for _ in range(k):
        out.put(item)
    acks.get(timeout=MP_READER_S)
    return (time.process_time_ns() - t0) / k


def mp_queue_gets(q, item, k):
    """k get()s of items already in the pipe, per item, in CPU time:
    reading and unpickling, timed once the feeder has written everything
    (the pause below)."""
    for _ in range(k):
        q.put(item)
    time.sleep(0.002 + k * len(item) * 2e-9)
    t0 = cpu_ns()
    for _ in range(k):
        q.get()
    return (cpu_ns() - t0) / k


def grow_pipe(q):
    """Makes the queue's pipe hold 1 MiB (Linux), so that a few large items
    fit without the feeder blocking; returns how many bytes it holds."""
    try:
        import fcntl
        setsz = getattr(fcntl, "F_SETPIPE_SZ", 1031)
        return fcntl.fcntl(q._writer.fileno(), setsz, 1 << 20)
    except (ImportError, AttributeError, OSError):
        return 65536


def mp_queue_costs(costs):
    ctx = multiprocessing.get_context()
    q = ctx.Queue()
    room = grow_pipe(q)
    q.put(b"")  # starts the feeder thread
    q.get()
    out, acks = ctx.Queue(), ctx.Queue()
    reader = ctx.Process(target=mp_drain, args=(out, acks), daemon=True)
    reader.start()
    out.put(0)  # the reader runs, and this feeder thread too
    acks.get(timeout=MP_READER_S)
    small, large = 100, 60000
    fits = max(1, min(16, room // (large + 64)))
    per = {}
    # A batch of puts pays a hand-shake once (the feeder woken, the
    # reader's answer: about 200 us); a program's stream of puts pays it
    # once in all. Batches of 512 small items make it 0.4 us an item (64
    # made it 3: 12.5 us an item against 9 to 10 in a stream).
    for size, k_put, k_get in ((small, 512, 64), (large, 128, fits)):
        item = bytes(size)
        puts, gets = [], []
        for _ in range(max(REPS, 64 // k_get)):
            puts.append(mp_queue_puts(out, acks, item, k_put))
            gets.append(mp_queue_gets(q, item, k_get))
        per[size] = statistics.median(puts), statistics.median(gets)
    out.put(None)
    reader.join()
    for done in (q, out, acks):
        done.close()
        done.join_thread()
    for i, what in enumerate(("put", "get")):
        slope = (per[large][i] - per[small][i]) / (large - small)
        if slope < 0:
            note("mpq_%s_byte: came out below 0 (noise); 0 is reported" % what)
            slope = 0.0
        costs["mpq_" + what + "_byte"] = slope
        costs["mpq_" + what] = max(0.0, per[small][i] - slope * small)


def mp_sync_costs(costs):
    ctx = multiprocessing.get_context()
    v = ctx.Value("q", 0)

    def incs(n):
        for _ in range(n):
            v.value += 1
    costs.update(cpu_costs_beyond({"mp_lock": with_loop(ctx.Lock()),
                                   "mp_semaphore": with_loop(ctx.Semaphore(3)),
                                   "mp_value_inc": incs}))


def pool_costs(costs):
    """A Pool's CPU per task, pipelined as a generated program uses it (every
    task submitted, then every result collected): the parent's (its task
    and result handler threads) and the workers'. Each is the difference
    between a big batch and a small one, so the pool's own start and end
    cancel out. The workers' CPU is read from RUSAGE_CHILDREN after they
    are joined, so this pool forks them: a forkserver's children are the
    server's, not ours."""
    import resource
    ctx = multiprocessing.get_context("fork")

    def batch(n):
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        own0 = time.process_time_ns()
        pool = ctx.Pool(2)
        results = [pool.apply_async(noop) for _ in range(n)]
        for r in results:
            r.get()
        pool.close()
        pool.join()
        own = time.process_time_ns() - own0
        kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        kids = (kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime) * 1e9
        return own, kids

    small, large = 100, 3100
    parent, worker = [], []
    for _ in range(REPS):
        p0, k0 = batch(small)
        p1, k1 = batch(large)
        parent.append((p1 - p0) / (large - small))
        worker.append((k1 - k0) / (large - small))
    costs["pool_task"] = max(0.0, statistics.median(parent))
    costs["pool_task_worker"] = max(0.0, statistics.median(worker))


# ---- the whole --------------------------------------------------------------

PROCESS_PASSES = 8  # fresh interpreters that measure plain computation again
PASS_TIMEOUT_S = 120  # the longest one may take (about 3 s here)


def plain_costs():
    """The costs of plain computation (the bytecodes, threading's and
    multiprocessing's locks and queues, the event loop's), measured in this
    process: {name: ns}. What a --plain run prints."""
    costs = {}
    turn = bytecode(costs)
    threading_cpu_costs(costs, turn)
    asyncio.run(asyncio_main(costs, turn, executor=False))
    mp_sync_costs(costs)
    return costs


def typical_process(values):
    """One cost from its measurements in several processes: their geometric
    mean, the largest left out (a slow spell of the machine over a whole
    pass). Not the lowest: CPython's speed for the same code differs from
    one process to the next, and not by a little (here, of eight fresh
    interpreters, five ran `x += 1` in 52 to 60 ns and a loop's turn in 27
    to 28, three in 31 to 46 and 15 to 18; `await asyncio.sleep(0)` 5.2 to
    6.2 us against 3.4 to 4.1), whichever core they ran on; a profile
    taken from one process was a draw from that, and a generated program,
    a fresh process, another. Eight fresh processes, not four: drawn
    from ten processes' measurements of `x += 1`, a cost made of five
    measurements was 1.5 times off (either way) the median of three
    program runs, as the fidelity report takes it, in 28% of the draws;
    of nine, in 20%."""
    import math
    values = sorted(values)
    if len(values) >= 3:
        values = values[:-1]
    if min(values) <= 0:
        return statistics.median(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))


def process_passes(costs, n=PROCESS_PASSES):
    """The costs of plain computation again, in `n` fresh interpreters
    (this script with --plain), each cost the typical process's of its
    n + 1 measurements (typical_process). Within a process a cost is the
    lower quartile of its repetitions (interleaved, so that a slow spell
    of a second falls on one repetition of each); across processes, the
    typical one."""
    import json
    import os
    import subprocess
    samples = {name: [ns] for name, ns in plain_costs().items()}
    for name in samples:
        samples[name].insert(0, costs[name])
    for _ in range(n):
        # One that fails (killed, out of memory, a timeout) is left out and
        # said: the others, and this process's two, still make the cost.
        try:
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--plain"],
                                 capture_output=True, text=True, check=True,
                                 timeout=PASS_TIMEOUT_S).stdout
            got = json.loads(out)
        except (OSError, ValueError, subprocess.SubprocessError) as e:
            note("a pass in a fresh interpreter failed and is left out: %s" % e)
            continue
        for name, ns in got.items():
            if name in samples:
                samples[name].append(ns)
    for name, values in samples.items():
        costs[name] = typical_process(values)


def measure(progress):
    def step(fn, *args):
        fn(*args)
        if progress:
            sys.stderr.write(".")
            sys.stderr.flush()

    t0 = wall_ns()
    costs = {}
    speed = {}
    heap = {}
    gc = {}
    # The processes first, while this one is small and has no threads
    # (fork warns about forking a process with threads since 3.12).
    step(start_costs, costs)
    step(lambda: speed.update(spin_turn_ns=cpu_cost(spin, start=1024)))
    turn = bytecode(costs)
    step(threading_costs, costs, turn)
    step(asyncio_costs, costs, turn)
    step(lambda: asyncio.run(aio_process_main(costs)))
    step(asyncio_run_costs, costs)
    step(import_costs, costs)
    step(executor_costs, costs)
    step(first_thread_costs, costs)
    step(lambda: heap.update(asyncio_mmap_threshold=asyncio_mmap_threshold()))
    step(gc_costs, gc)
    step(mp_queue_costs, costs)
    step(mp_sync_costs, costs)
    step(pool_costs, costs)
    step(pool_make_costs, costs)
    step(process_passes, costs)
    if progress:
        sys.stderr.write("\n")
    # A cost profile as costs.h describes it, less what concviz adds: the
    # machine, the date, the command it ran and its own speed.
    return {
        "concviz_costs": FORMAT,
        "interpreter": {
            "implementation": sys.implementation.name,
            "version": platform.python_version(),
            "executable": sys.executable or "",
            "gil": gil_enabled(),
        },
        "speed": {"spin_turn_ns": round(speed["spin_turn_ns"], 3)},
        "heap": heap,
        "gc": gc,
        "took_ms": round((wall_ns() - t0) / 1e6, 1),
        "costs": {k: round(v, 3) for k, v in sorted(costs.items())},
    }


def main(argv):
    progress = "--progress" in argv[1:]
    warnings.simplefilter("ignore", DeprecationWarning)
    if "--plain" in argv[1:]:  # one of process_passes' interpreters
        json.dump(plain_costs(), sys.stdout)
        sys.stdout.write("\n")
        return
    json.dump(measure(progress), sys.stdout, indent=1)
    sys.stdout.write("\n")
    sys.stdout.flush()


if __name__ == "__main__":
    import asyncio
    import json
    import platform
    import queue
    import statistics
    import threading
    import warnings
    main(sys.argv)
