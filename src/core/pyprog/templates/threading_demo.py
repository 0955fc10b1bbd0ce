## threading_demo.py - the threading program, and the free-threading one:
## the same threads, and where they differ, `## if free_threading`.
##
## A template, as asyncio_demo.py explains: __NAME__ placeholders, lines
## written only where `## if FLAG` holds, and ## notes, never written.
##
## Flags: free_threading (the program for a Python without a GIL), pool (a
## pool of a fixed number of threads, rather than one thread per task),
## threading_module (it uses threading: for its threads, or for Lock and
## Semaphore), queues, shared, names, counters, record (as in asyncio_demo.py).
"""__MODEL__: __CAPTION__.

The workload
    __WORKLOAD__
## if pool
as a plain Python program: __NTASKS__, a pool of __THREADS__ threads.
## else
as a plain Python program: __NTASKS__, one thread per task.
## end
Written by `concviz python`. The last line it prints is its wall
time, as wall_ms=...
## if free_threading

Needs a free-threaded Python (python3.13t, or PYTHON_GIL=0 with it):
a regular python3 runs these threads one at a time, as threading.
## end
"""
## if pool
import concurrent.futures
## end
## if queues
import queue
## end
import sys
## if threading_module
import threading
## end
import time

__PRELUDE__
__RECORDER__
## if names


# The shared state: module globals, one copy that every thread uses.
## end
__STATE__


## if free_threading
# The tasks. Without a GIL, cpu() in several threads runs on several
# cores at once. time.sleep(s) waits for s seconds; time.sleep(0) just
# lets another thread run (yield).
## if shared
# Shared state: without a GIL, threads on two cores race on x += 1 as on
# tmp = x ... x = tmp + 1, and lose updates unless a lock (with L:) is held.
## end
## else
# The tasks. cpu() holds the GIL, giving it up only when another thread
# has waited a switch interval for it. time.sleep(s) waits without the
# GIL, so waits overlap; time.sleep(0) just lets another thread run.
## if shared
# Shared state: since CPython 3.10 no thread switch falls inside a bare
# x += 1 in practice (a detail, not a promise). In tmp = x ... x = tmp + 1
# the GIL can switch at a call between them: updates get lost, unless a
# lock (with L:) lets one thread at a time through.
## end
## end
__TASKS__


# Which function each task runs, and how many copies, in workload
# order (the task numbers are the rows of concviz's timeline).
PLAN = [
    __PLAN__
]


def main():
## if pool
    # __THREADS__ threads; tasks wait in a queue for a free one.
    with concurrent.futures.ThreadPoolExecutor(__THREADS__) as pool:
        futures = []
        for task, copies in PLAN:
            for _ in range(copies):
                futures.append(pool.submit(task))
        for future in futures:
            future.result()  # raises here if the task raised
## else
    threads = []
    for task, copies in PLAN:
        for _ in range(copies):
            threads.append(threading.Thread(target=task))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
## end
## if counters
    # Each counter's final value, and the value a run that loses no
    # update ends with.
## end
    __COUNTERS__


if __name__ == "__main__":
## if free_threading
    if getattr(sys, "_is_gil_enabled", lambda: True)():
        print("note: this Python has a GIL, so threads take turns",
              file=sys.stderr)
## else
    # How long a thread may keep the GIL once another thread waits
    # for it (Python's default: 0.005 s).
    sys.setswitchinterval(__SWITCH_INTERVAL__)
## end
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
