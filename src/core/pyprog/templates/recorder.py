## recorder.py - concviz's recorder: what `concviz run --python` adds to a
## program to measure it under CPython. Written where a template says
## __RECORDER__, only in the recorded variant (SIM_PYPROG_RECORD); the
## program `concviz python` prints has none of it.
##
## Every name here starts with _cz_, and so does every line steps.c adds
## to the program around its steps, so that the program concviz runs is
## the printed one plus lines anyone can tell apart: test_pyprog takes
## them out again and compares the rest byte for byte. plan.c reserves
## each name used here, so that no workload name hides one
## (tests/cli/test_cli_python_names.py checks it).
##
## What each process writes to CONCVIZ_RECORD.PID, one record a line; the
## reader is src/core/cpython/trace_python.c, and the two change together
## (SIM_PYREC_VERSION there):
##   concviz-recording 1
##   process PID PPID                 first, in every process that writes
##   worker PID T                     init_worker() ran at T
##   task N PID TID T0 C0 T1 C1 OK ENTRY...   (OK 0, T1 -1: it never ended)
##   body G PC PID TID T0 C0 T1 C1 ENTRY...
##   python IMPL VERSION FREE_THREADED GIL_ENABLED START     the main process:
##   counter NAME VALUE
##   main PID ORIGIN END PARTIAL      last: the file is whole
## START is multiprocessing's start method (fork, spawn, forkserver; none
## when the program started no process), T are time.perf_counter_ns(), C
## time.thread_time_ns() (-1: not read),
## N the task's number in PLAN order (the timeline's lane), PC the op's
## index from the start of its task's program (workload.h), G the first
## group of the workload whose tasks run the function holding a process(...)
## body, OK 1 when the task ended, 0 when it has not (it raised, or the run
## was stopped). An ENTRY is a step
## from A to B: PC A B for a wait or a call (a lock's release: PC A 0),
## PC A B C for a cpu step or a loop timed as a whole, with C ns of the
## thread's CPU (-1: not read); -1-PC A TID for a thread(...) body starting
## at A in thread TID, and -1-PC A -1 for its end.


# >>> concviz recorder (concviz run --python) >>>
# concviz added this block, and every line that starts with _cz_, to
# measure the program in CPython; without them the program is the one
# `concviz python` prints. With CONCVIZ_RECORD=PATH in the environment,
# each process writes what its tasks did to PATH.PID: when each wait and
# call began and ended (time.perf_counter_ns), the CPU time of the thread
# around computations (time.thread_time_ns), and the process and thread of
# each task. Steps with no call (x += 1) are not timed one by one: a loop
# of them is timed as a whole, so the measuring costs little.
import contextvars as _cz_contextvars
import functools as _cz_functools
import os as _cz_os
import signal as _cz_signal
import sys as _cz_sys
import threading as _cz_threading

_cz_ns = time.perf_counter_ns
_cz_cpu = time.thread_time_ns
_cz_tid = _cz_threading.get_native_id
_cz_PATH = _cz_os.environ.get("CONCVIZ_RECORD", "")
_cz_ID = _cz_contextvars.ContextVar("_cz_ID")
_cz_state = {"main": 0, "pid": 0, "origin": 0, "end": 0, "next": 0}
_cz_tasks = []  # the records of the tasks this process runs
_cz_counters = []


def _cz_write(_cz_text):
    """Appends to this process's recording, PATH.PID."""
    if not _cz_PATH:
        return
    _cz_pid = _cz_os.getpid()
    if _cz_state["pid"] != _cz_pid:  # this process's first record
        _cz_state["pid"] = _cz_pid
        _cz_text = "concviz-recording 1\nprocess %d %d\n%s" % (
            _cz_pid, _cz_os.getppid(), _cz_text)
    _cz_fd = _cz_os.open("%s.%d" % (_cz_PATH, _cz_pid),
                         _cz_os.O_WRONLY | _cz_os.O_CREAT | _cz_os.O_APPEND, 0o600)
    try:
        _cz_data = _cz_text.encode()
        while _cz_data:
            _cz_data = _cz_data[_cz_os.write(_cz_fd, _cz_data):]
    finally:
        _cz_os.close(_cz_fd)


def _cz_line(_cz_kind, _cz_rec):
    return _cz_kind + " " + " ".join(map(str, _cz_rec)) + "\n"


def _cz_task():
    """A task starts (its body's first line): its record, a list its steps
    extend. Its number is its place in PLAN: given by _cz_run to a thread
    or a worker's task; under asyncio, the order in which the tasks first
    run, which is the order gather() made them in (the loop runs the tasks
    it is given first in, first out), so no wrapper around each coroutine
    costs a frame at every await."""
    _cz_n = _cz_ID.get(-1)
    if _cz_n < 0:
        _cz_n = _cz_state["next"]
        _cz_state["next"] = _cz_n + 1
    _cz_rec = [_cz_n, _cz_os.getpid(), _cz_tid(), _cz_ns(), _cz_cpu(), -1, -1, 0]
    _cz_tasks.append(_cz_rec)
    return _cz_rec


def _cz_done(_cz_rec):
    """A task ends (its body's last line; a task that raised never comes)."""
    _cz_rec[5] = _cz_ns()
    _cz_rec[6] = _cz_cpu()
    _cz_rec[7] = 1
    if _cz_os.getpid() != _cz_state["main"]:
        # A worker process can be killed once its tasks are done (a Pool
        # is terminated at its end), so it writes each task at once.
        _cz_tasks.remove(_cz_rec)
        _cz_write(_cz_line("task", _cz_rec))


def _cz_run(_cz_fn, _cz_n):
    """Runs task _cz_n of PLAN, in a thread or a worker process."""
    _cz_ID.set(_cz_n)
    _cz_fn()


def _cz_body(_cz_group, _cz_pc):
    """A process(...) body starts in a worker of PROCESS_POOL."""
    return [_cz_group, _cz_pc, _cz_os.getpid(), _cz_tid(), _cz_ns(), _cz_cpu(), -1, -1]


def _cz_body_end(_cz_rec):
    _cz_rec[6] = _cz_ns()
    _cz_rec[7] = _cz_cpu()
    _cz_write(_cz_line("body", _cz_rec))


def _cz_worker():
    """init_worker() ran in a new worker process."""
    _cz_write("worker %d %d\n" % (_cz_os.getpid(), _cz_ns()))


def _cz_counter(_cz_name, _cz_value):
    _cz_counters.append("counter %s %d\n" % (_cz_name, _cz_value))


def _cz_save(_cz_partial=0):
    """The main process's record, at the end (or when stopped)."""
    import multiprocessing as _cz_mp
    import sysconfig as _cz_sysconfig
    _cz_out = ["python %s %s %d %d %s\n" % (
        _cz_sys.implementation.name, _cz_sys.version.split()[0],
        1 if _cz_sysconfig.get_config_var("Py_GIL_DISABLED") else 0,
        1 if getattr(_cz_sys, "_is_gil_enabled", lambda: True)() else 0,
        _cz_mp.get_start_method(allow_none=True) or "none")]
    for _cz_rec in _cz_tasks:
        _cz_out.append(_cz_line("task", _cz_rec))
    _cz_out.extend(_cz_counters)
    _cz_out.append("main %d %d %d %d\n" % (
        _cz_os.getpid(), _cz_state["origin"], _cz_state["end"], _cz_partial))
    _cz_write("".join(_cz_out))


def _cz_on_term(_cz_sig, _cz_frame):
    """SIGTERM (concviz's --timeout): the main process saves what it has."""
    if _cz_os.getpid() != _cz_state["main"]:  # a worker: die as usual
        _cz_signal.signal(_cz_sig, _cz_signal.SIG_DFL)
        _cz_os.kill(_cz_os.getpid(), _cz_sig)
        return
    _cz_state["end"] = _cz_ns()
    _cz_save(1)
    _cz_os._exit(128 + _cz_sig)


def _cz_forked():
    """A forked worker dies of SIGTERM at once, as without the recorder: a
    Python handler could run too late (Pool.terminate sends SIGTERM)."""
    _cz_signal.signal(_cz_signal.SIGTERM, _cz_signal.SIG_DFL)


def _cz_setup(_cz_async):
    """Before the run. Threads and worker processes: each PLAN row becomes
    one row per task, numbered in PLAN's order, run through _cz_run."""
    _cz_state["main"] = _cz_os.getpid()
    _cz_os.register_at_fork(after_in_child=_cz_forked)
    _cz_signal.signal(_cz_signal.SIGTERM, _cz_on_term)
    if _cz_async:
        return
    _cz_rows = []
    for _cz_fn, _cz_copies in PLAN:
        for _cz_i in range(_cz_copies):
            _cz_rows.append((_cz_functools.partial(_cz_run, _cz_fn, len(_cz_rows)), 1))
    PLAN[:] = _cz_rows


def _cz_begin():
    _cz_state["origin"] = _cz_ns()


def _cz_stop():
    _cz_state["end"] = _cz_ns()
# <<< concviz recorder <<<
