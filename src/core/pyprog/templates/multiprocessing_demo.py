## multiprocessing_demo.py - the multiprocessing program: a Pool of worker
## processes takes the tasks from a queue.
##
## A template, as asyncio_demo.py explains: __NAME__ placeholders, lines
## written only where `## if FLAG` holds, and ## notes, never written.
##
## Flags: cpu_count (one worker per CPU, os.cpu_count(), as no number of
## workers was given), in_main (main() makes shared memory, locks,
## semaphores or queues, and init_worker() hands them to the workers),
## globals (plain variables: each process has its own copy), shared,
## names, counters, record (as in asyncio_demo.py).
"""__MODEL__: __CAPTION__.

The workload
    __WORKLOAD__
## if cpu_count
as a plain Python program: __NTASKS__, a pool of one worker process per CPU.
## else
as a plain Python program: __NTASKS__, a pool of __WORKERS__ worker processes.
## end
Written by `concviz python`. The last line it prints is its wall
time, as wall_ms=...
"""
import multiprocessing
## if cpu_count
import os
## end
import time

__PRELUDE__
__RECORDER__
## if names
## (two blank lines part the shared state, if any, from cpu() above)


## end
## if globals
# Module globals are per-process copies: each worker process has its
# own, so what a task changes stays there; the parent's stays 0.
## end
## if in_main
# Shared memory, locks, semaphores and queues are made in main() and
# handed to each worker process by init_worker().
## end
__STATE__


# The tasks, each run by a worker process with its own interpreter and
# its own GIL: cpu() in several workers runs on several cores at once.
# time.sleep(s) waits for s seconds, keeping its worker busy.
## if shared
# Shared state: each worker process changes its own copy of a global.
# A multiprocessing.Value is real shared memory, and x.value += 1 reads
# it, then writes it: another process can write between, and updates
# get lost unless a lock is held (with L:, or with x.get_lock():).
## end
__TASKS__


# Which function each task runs, and how many copies, in workload
# order (the task numbers are the rows of concviz's timeline).
PLAN = [
    __PLAN__
]


## if in_main
def init_worker(turns, shared):
    """Runs once in each worker process. Processes share no memory,
    so each worker needs its own copy of the calibration,
    and the shared objects main() made, to find them by name."""
    global TURNS_PER_10MS
    __GLOBALS__
    TURNS_PER_10MS = turns
    __UNPACK__
## if record
    _cz_worker()
## end
## else
def init_worker(turns):
    """Runs once in each worker process. Processes share no memory,
    so each worker needs its own copy of the calibration."""
    global TURNS_PER_10MS
    TURNS_PER_10MS = turns
## if record
    _cz_worker()
## end
## end


def main():
## if in_main
    # Shared between processes: made before the workers start, and
    # handed to each of them by init_worker().
    __MAKE__
    shared = (
        __SHARED__
    )
## end
## if cpu_count
    # One worker process per CPU; tasks wait in a queue for a free one.
## else
    # __WORKERS__ worker processes; tasks wait in a queue for a free one.
## end
    with multiprocessing.Pool(__WORKERS__, initializer=init_worker,
                              initargs=__INITARGS__) as pool:
        results = []
        for task, copies in PLAN:
            for _ in range(copies):
                results.append(pool.apply_async(task))
        for result in results:
            result.get()  # raises here if the task raised
## if counters
    # Each counter's final value, and the value a run that loses no
    # update ends with.
## end
    __COUNTERS__


if __name__ == "__main__":
    # How the workers start, as concviz starts them (--start-method):
    # forkserver is Python's default on Linux since 3.14 (fork before it).
    multiprocessing.set_start_method("__START_METHOD__")
    TURNS_PER_10MS = calibrate()
## if record
    _cz_setup(False)
## end
    start = time.perf_counter()
## if record
    _cz_begin()
## end
    main()
## if record
    _cz_stop()
## end
    print(f"wall_ms={(time.perf_counter() - start) * 1000:.1f}")
## if record
    _cz_save()
## end
