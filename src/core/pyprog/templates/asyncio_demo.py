## asyncio_demo.py - the asyncio program: one coroutine per task, all of
## them gathered in one event loop.
##
## A template: Python as `concviz python` prints it, with a few additions
## the generator fills in (template.c tells the rules). __NAME__ is a
## placeholder: alone on its line, the lines the workload needs there
## (the task functions, the PLAN rows); inside a line, a value. The lines
## from `## if FLAG` to `## else` or `## end` are written only when FLAG
## holds. Lines like these, starting with ##, are notes for the reader of
## the template and are never written. The template compiles as it is.
##
## Flags: shared (the workload has shared state), names (it has names at
## all), globals (some of them are module globals), in_main (locks,
## semaphores and queues, made in main()), counters (it has variables),
## processes (it has process(...) steps), record (the recorded variant,
## which concviz runs to measure CPython: pyprog.h, SIM_PYPROG_RECORD).
"""__MODEL__: __CAPTION__.

The workload
    __WORKLOAD__
as a plain Python program: __NTASKS__, one coroutine per task, one event loop.
Written by `concviz python`. The last line it prints is its wall
time, as wall_ms=...
"""
import asyncio
## if processes
import concurrent.futures
import multiprocessing
## end
import time

__PRELUDE__
__RECORDER__
## if names
## (two blank lines part the shared state, if any, from cpu() above)


## end
## if globals
# The shared state: module globals, one copy that every task uses.
## end
## if in_main
# The locks, semaphores and queues are made in main(), in the event loop.
## end
__STATE__


# The tasks. cpu() never awaits, so while it runs no other task can.
# await asyncio.sleep(s) waits for s seconds and lets the event loop
# run the other tasks; asyncio.sleep(0) only lets them run (yield).
## if shared
# Shared state: between two awaits no other task runs, so x += 1 and
# tmp = x ... x = tmp + 1 lose no update unless an await falls between.
## end
__TASKS__


# Which function each task runs, and how many copies, in workload
# order (the task numbers are the rows of concviz's timeline).
PLAN = [
    __PLAN__
]
## if processes


def init_worker(turns):
    """Runs once in each worker process. Processes share no memory,
    so each worker needs its own copy of the calibration."""
    global TURNS_PER_10MS
    TURNS_PER_10MS = turns
## if record
    _cz_worker()
## end
## end


async def main():
    __GLOBALS__
## if in_main
    # Made inside the running event loop: before Python 3.10 asyncio's
    # locks and queues belong to the loop that exists when they are made.
## end
    __MAKE__
    coroutines = []
    for task, copies in PLAN:
        for _ in range(copies):
            coroutines.append(task())
    # gather starts them in this order and waits until all are done.
    await asyncio.gather(*coroutines)
## if counters
    # Each counter's final value, and the value a run that loses no
    # update ends with.
## end
    __COUNTERS__


if __name__ == "__main__":
    TURNS_PER_10MS = calibrate()
## if record
    _cz_setup(True)
## end
## if processes
    # process(...) runs in this pool of one worker per CPU, made after
    # calibrate() so that init_worker() hands each worker the turns. Its
    # workers start as concviz starts them (--start-method): forkserver is
    # Python's default on Linux since 3.14 (fork before it).
    with concurrent.futures.ProcessPoolExecutor(
        initializer=init_worker, initargs=(TURNS_PER_10MS,),
        mp_context=multiprocessing.get_context("__START_METHOD__"),
    ) as PROCESS_POOL:
        start = time.perf_counter()
## if record
        _cz_begin()
## end
        asyncio.run(main())
## else
    start = time.perf_counter()
## if record
    _cz_begin()
## end
    asyncio.run(main())
## end
## if record
    _cz_stop()
## end
    print(f"wall_ms={(time.perf_counter() - start) * 1000:.1f}")
## if record
    _cz_save()
## end
