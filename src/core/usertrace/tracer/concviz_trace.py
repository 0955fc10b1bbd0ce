"""concviz's tracer: what `concviz trace -- python3 script.py` runs in every
Python process of the program, to see what its threads, asyncio tasks and
processes do, in concviz's terms, at little cost.

concviz carries this file inside itself and writes it, with
sitecustomize.py and concviz_trace_run.py, to a private folder for one run
(src/core/usertrace/utrace_run.c); nothing is installed. The main process
runs concviz_trace_run.py, which starts the tracer and then the script;
processes the program starts with spawn or forkserver find the folder on
PYTHONPATH, and sitecustomize.py starts the tracer in them before anything
else; processes made by fork inherit it and start again (os.register_at_fork).

What it watches, and how:
- calls into C functions that block (time.sleep, a socket's recv, select,
  os.read, Lock.acquire, SimpleQueue.get, waitpid, ...): with
  sys.monitoring on 3.12 and later, where a call site that calls anything
  else is switched off after its first call (sys.monitoring.DISABLE), so
  ordinary code runs at full speed; with sys.setprofile and
  threading.setprofile on 3.8 to 3.11, which call the tracer at every call
  and return, Python's or C's (the cost concviz states after each trace).
  A blocking call is kept when it lasted DEFAULT_MIN_NS or more, with the
  thread's CPU time at its end and what called it (Queue.get,
  Condition.wait, Pool's worker waiting for a task: the outermost of the
  standard library's functions it was called from);
- threads: threading.Thread's start and end (Thread._bootstrap_inner);
- asyncio: each callback the event loop runs (Handle._run) that is a
  task's step, with when the task was made ready (the loop's _call_soon),
  and after the step what the task awaits (the innermost coroutine it is
  suspended in: asyncio.sleep, Lock.acquire, Queue.get, a stream, ...);
- processes: multiprocessing's Process.start in the parent, its
  _bootstrap in the child, fork in any process, and the messages on
  multiprocessing's pipes (Connection._send_bytes and _recv_bytes: their
  length and a checksum of their first 4 KiB, by which concviz pairs a
  send with its receive);
- threading.Lock() and threading.RLock() made after the tracer started are
  thin wrappers, because `with lock:` waits in a C call no hook reports;
  they do what the locks do (the same methods, one more Python call).
The tracer never changes what the script computes: every wrapper calls
what it wraps with the same arguments and returns what it returned.

Where it writes: CONCVIZ_TRACE_DIR/PID, one file per process, a record a
line, into shared memory mapped from the file (mmap): a record is in the
file the moment it is written, so a program killed or stopped keeps
everything up to that moment, with no flush and no signal handler. The
file grows in chunks; its unwritten end is zero bytes. Records (times are
time.perf_counter_ns(), which is CLOCK_MONOTONIC on Linux, the clock
concviz reads too; CPU times are time.thread_time_ns(); NAME and LABEL are
%-escaped: space, %, control bytes as %XX):

  V VERSION IMPL FREE_THREADED GIL MODE     the interpreter; MODE m or p
  Q EVENT_NS RECORD_NS HOOK_NS T_BEGIN T_READY   the main process: calibrated
                                            costs; the tracer's start, from
                                            T_BEGIN to T_READY
  P PID PPID T HOW                          this process's tracer started
  N NAME                                    its multiprocessing name
  T IDENT NATIVE_ID T CPU NAME              a thread started
  E IDENT T CPU NAME                        a thread ended
  B IDENT T0 T1 CPU KIND LABEL              a blocking call from T0 to T1
  W IDENT T0 KIND LABEL                     a lock was taken: the thread waits from
                                            T0 (its B follows when the wait ends;
                                            a deadlock's never does)
  K TASK IDENT LOOP T_CREATED NAME          an asyncio task's first step
  S TASK T_READY T0 T1 ST [KIND LABEL [WAKE]]   one step of a task
  C IDENT T0 T1 PID METHOD NAME             Process.start() started PID
  M IDENT T DIR LEN CRC                     a pipe message sent (s) or received (r)
  R IDENT T TYPE MESSAGE                    an exception ended the script or a thread
  X T CODE                                  the process is ending
  Z EVENTS RECORDS HOOKS DROPPED            counts so far (rewritten in place)

The reader is src/core/usertrace/utrace_read.c; the two change together
(FORMAT there and here).
"""
import _thread
import atexit
import mmap
import os
import sys
import threading
import time
import weakref
import zlib

FORMAT = 1
ENV_DIR = "CONCVIZ_TRACE_DIR"
# Blocking calls shorter than this are not kept: a non-blocking socket's
# recv in an event loop, an uncontended lock. 50 us is also where concviz
# stops drawing differences (the clocks' own cost, the kernel's timer slack).
DEFAULT_MIN_NS = 50000
CHUNK = 4 << 20            # the file grows by this much
MAX_BYTES = 1 << 30        # per process; past it, records are counted as dropped
ZLINE = 80                 # the Z line's fixed width, at the file's start

_now = time.perf_counter_ns
_cpu = time.thread_time_ns
_ident = _thread.get_ident
_allocate_lock = _thread.allocate_lock

# What the tracer is doing in this process: set by start().
_state = {"on": False, "pid": 0, "mode": "", "main": False}
_count = [0, 0, 0]         # callbacks, records, hooks (wrapper calls)
# The thread that is forking, from just before the fork until this
# process's side of it is done. The child starts as a copy of that thread,
# with the parent's file still mapped (shared): what it would write before
# its own file is open (other modules' at-fork hooks run first, and a lock
# they take is traced) would land in the parent's file, over the parent's
# own records. That thread writes nothing in the meantime, in either process.
_forking = [None]
_min_ns = DEFAULT_MIN_NS


# ---- the output: records appended to shared memory --------------------------

def _esc(text):
    """A name or label as one field: UTF-8, with space, % and control
    bytes written %XX, so that a record is split by spaces alone."""
    raw = str(text).encode("utf-8", "replace")
    if all(32 < b < 127 and b != 37 for b in raw):
        return raw
    return b"".join(b"%%%02X" % b if b <= 32 or b == 37 or b == 127 else bytes((b,))
                    for b in raw)


class _Out:
    """One process's file, mapped: write() appends a record under a lock
    (threads share it; a free-threaded build runs them at once)."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        os.ftruncate(self.fd, CHUNK)
        self.map = mmap.mmap(self.fd, CHUNK)
        self.size = CHUNK
        self.pos = ZLINE
        self.dropped = 0
        self.lock = _allocate_lock()
        self.map[0:ZLINE] = b"Z".ljust(ZLINE - 1) + b"\n"

    def write(self, rec):
        f = _forking[0]
        if f is not None and f == _ident():
            return
        with self.lock:
            end = self.pos + len(rec)
            if end > self.size and not self._grow(end):
                self.dropped += 1
                return
            try:
                self.map[self.pos:end] = rec
            except (ValueError, TypeError):  # closed, in a forked child's teardown
                return
            self.pos = end
            _count[1] += 1
            if not _count[1] & 63:  # a process may be killed any time: keep its counts
                self._counts()

    def _grow(self, end):
        size = self.size
        while size < end:
            size += CHUNK
        if size > MAX_BYTES:
            return False
        try:
            os.ftruncate(self.fd, size)
            self.map.resize(size)
        except (OSError, ValueError):
            return False
        self.size = size
        return True

    def _counts(self):
        z = b"Z %d %d %d %d" % (_count[0], _count[1], _count[2], self.dropped)
        self.map[0:len(z)] = z

    def counts(self):
        with self.lock:
            self._counts()


_out = [None]


def _write(rec):
    o = _out[0]
    if o is not None:
        o.write(rec)


# ---- blocking calls -----------------------------------------------------------
#
# KIND says what a thread waits for, as concviz draws it: s sleep, n socket,
# l select (and the event loop's wait), f file or pipe, w a child process,
# k a lock, m a semaphore, q a queue, v another thread's or task's doing
# (an Event, a Condition's notify, a join, a future's result, gather).

_BY_ID = {}       # id(C function or method descriptor) -> (kind, label)
_BY_NAME = {}     # name -> {self's type or module: (kind, label)}: setprofile's view
_KEEP = []        # the objects whose ids _BY_ID holds, kept alive


def _by_owner(fn):
    """A bound C function or method, as sys.setprofile shows calls: by its
    name, then its module (a function) or its object's type (a method),
    looked for along the type's bases once and remembered."""
    owners = _BY_NAME.get(getattr(fn, "__name__", None))
    if owners is None:
        return None
    own = getattr(fn, "__self__", None)
    if type(own) is _ModuleType:
        return owners.get(own)
    t = type(own)
    what = owners.get(t, 0)
    if what == 0:
        what = None
        for base in t.__mro__:
            what = owners.get(base)
            if what:
                break
        owners[t] = what
    return what


_ModuleType = type(os)


def _blocking(owner, name, kind, label):
    fn = getattr(owner, name, None)
    if fn is None:
        return
    _KEEP.append(fn)
    _BY_ID[id(fn)] = (kind, label)
    # sys.setprofile sees a method call as a bound method of the object, a
    # function as a function of its module: keyed by name, then by owner,
    # the module the function says it is of (os.read is posix's).
    if type(owner) is _ModuleType:
        owner = getattr(fn, "__self__", owner)
    _BY_NAME.setdefault(name, {})[owner] = (kind, label)


def _blocking_table():
    import select
    import socket
    import _socket
    import io
    _blocking(time, "sleep", "s", "time.sleep")
    _blocking(select, "select", "l", "select.select")
    for ctor in ("poll", "epoll", "devpoll"):
        if hasattr(select, ctor):
            try:
                obj = getattr(select, ctor)()
            except OSError:
                continue
            _blocking(type(obj), "poll", "l", ctor + ".poll")
            if hasattr(obj, "close"):
                obj.close()
    for name in ("recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg", "send",
                 "sendall", "sendto", "sendmsg", "connect", "connect_ex", "_accept"):
        _blocking(_socket.socket, name, "n", "socket." + name.lstrip("_"))
    _blocking(_socket, "getaddrinfo", "n", "getaddrinfo")
    _blocking(socket, "getaddrinfo", "n", "getaddrinfo")
    for name in ("read", "write", "pread", "pwrite", "readv", "writev", "fsync"):
        _blocking(os, name, "f", "os." + name)
    for name in ("waitpid", "wait", "waitid", "wait3", "wait4"):
        _blocking(os, name, "w", "os." + name)
    for cls in (io.FileIO, io.BufferedReader, io.BufferedWriter, io.BufferedRandom,
                io.BufferedRWPair, io.TextIOWrapper):
        for name in ("read", "read1", "readinto", "readall", "readline", "readlines",
                     "write", "flush", "peek"):
            if name in cls.__dict__:
                _blocking(cls, name, "f", "file." + name)
    lock_type = type(_allocate_lock())
    for name in ("acquire", "acquire_lock", "__enter__"):
        _blocking(lock_type, name, "k", "Lock.acquire")
    rlock = getattr(_thread, "RLock", None)
    if rlock is not None:
        for name in ("acquire", "__enter__"):
            _blocking(rlock, name, "k", "RLock.acquire")
    try:
        import _queue
        _blocking(_queue.SimpleQueue, "get", "q", "SimpleQueue.get")
    except ImportError:
        pass
    try:
        import _multiprocessing
        for name in ("acquire", "__enter__"):
            _blocking(_multiprocessing.SemLock, name, "k", "multiprocessing lock")
    except (ImportError, AttributeError):
        pass

# What called a blocking call: functions of the standard library that say
# more than the C call does, found by their code objects. A module not yet
# imported is looked for again at the next blocking call that lasted long
# enough (_register_pending), so nothing is imported for the tracer's sake.
_CALLERS = {}     # code -> (kind, label)
_PENDING = {
    "threading": [("Condition.wait", "v", "Condition.wait"),
                  ("Condition.wait_for", "v", "Condition.wait"),
                  ("Event.wait", "v", "Event.wait"),
                  ("Semaphore.acquire", "m", "Semaphore.acquire"),
                  ("Barrier.wait", "v", "Barrier.wait"),
                  ("Thread.join", "v", "Thread.join")],
    "queue": [("Queue.get", "q", "Queue.get"), ("Queue.put", "q", "Queue.put"),
              ("Queue.join", "q", "Queue.join")],
    "concurrent.futures._base": [("Future.result", "v", "Future.result"),
                                 ("Future.exception", "v", "Future.result"),
                                 ("wait", "v", "futures.wait"),
                                 ("as_completed", "v", "futures.as_completed")],
    "concurrent.futures.thread": [("_worker", "q", "pool thread waiting for work")],
    "concurrent.futures.process": [("_process_worker", "q", "worker waiting for a call")],
    "multiprocessing.queues": [("Queue.get", "q", "multiprocessing Queue.get"),
                               ("Queue.put", "q", "multiprocessing Queue.put"),
                               ("SimpleQueue.get", "q", "SimpleQueue.get"),
                               ("JoinableQueue.join", "q", "JoinableQueue.join")],
    "multiprocessing.pool": [("worker", "q", "Pool worker waiting for a task"),
                             ("ApplyResult.wait", "v", "Pool result"),
                             ("ApplyResult.get", "v", "Pool result"),
                             ("Pool.join", "v", "Pool.join")],
    "multiprocessing.connection": [("Connection._recv", "f", "pipe read"),
                                   ("Connection._send", "f", "pipe write"),
                                   ("wait", "l", "connection.wait")],
    "multiprocessing.process": [("BaseProcess.join", "v", "Process.join")],
    "multiprocessing.synchronize": [("SemLock.__enter__", "k", "multiprocessing lock"),
                                    ("Semaphore.__enter__", "m", "multiprocessing Semaphore"),
                                    ("Condition.wait", "v", "multiprocessing Condition"),
                                    ("Event.wait", "v", "multiprocessing Event")],
    "subprocess": [("Popen.wait", "w", "Popen.wait"),
                   ("Popen.communicate", "w", "Popen.communicate")],
    "asyncio.base_events": [("BaseEventLoop._run_once", "l", "event loop waiting")],
    "_frozen_importlib_external": [("FileLoader.get_data", "f", "import (reading a module)")],
}
_STDLIB = os.path.dirname(os.__file__) + os.sep
_is_std = {}      # code -> whether it belongs to the standard library
_OWN_FILES = set()


def _register_pending():
    for modname in list(_PENDING):
        mod = sys.modules.get(modname)
        if mod is None:
            continue
        # Two threads may get here at once: the one that pops registers.
        for path, kind, label in _PENDING.pop(modname, ()):
            obj = mod
            for part in path.split("."):
                obj = getattr(obj, part, None)
            code = getattr(obj, "__code__", None)
            if code is not None:
                _CALLERS[code] = (kind, label)


def _caller_label(frame, kind, label):
    """The outermost standard-library function known to _CALLERS among the
    frames that lead to the call, stopping at the program's own code."""
    if _PENDING:
        _register_pending()
    depth = 0
    while frame is not None and depth < 12:
        code = frame.f_code
        known = _CALLERS.get(code)
        if known is not None:
            kind, label = known
        std = _is_std.get(code)
        if std is None:
            fn = code.co_filename
            std = fn.startswith(_STDLIB) or fn.startswith("<frozen") or fn in _OWN_FILES
            _is_std[code] = std
        if not std:
            break
        frame = frame.f_back
        depth += 1
    return kind, label


def _kept(ident, t0, t1, kind, label, frame):
    """Writes a blocking call that lasted long enough."""
    try:
        kind, label = _caller_label(frame, kind, label)
        _write(b"B %d %d %d %d %s %s\n" % (ident, t0, t1, _cpu(), kind.encode(),
                                           _esc(label)))
    except Exception:  # the tracer must never break the program
        pass


# sys.setprofile's callback (3.8-3.11): every call and return comes here,
# so the common case (not a C call) returns after one comparison.
_pending = {}     # thread ident -> (t0, function object, (kind, label))


def _profile(frame, event, arg):
    _count[0] += 1
    if event == "c_call":
        what = _by_owner(arg)
        if what is not None and getattr(arg, "__self__", None) is not _out_lock():
            _pending[_ident()] = (_now(), arg, what)
    elif event == "c_return" or event == "c_exception":
        if _pending:
            p = _pending.pop(_ident(), None)
            if p is not None:
                t1 = _now()
                if p[1] is arg and t1 - p[0] >= _min_ns:
                    _kept(_ident(), p[0], t1, p[2][0], p[2][1], frame)


def _out_lock():
    o = _out[0]
    return o.lock if o is not None else None


# sys.monitoring's callbacks (3.12+): a call site calling anything that
# does not block is switched off for good after its first call.
_DISABLE = None
_mon_pending = {}
_BuiltinType = type(len)


def _on_call(code, offset, fn, arg0):
    _count[0] += 1
    what = _BY_ID.get(id(fn))
    if what is None:
        if type(fn) is not _BuiltinType:
            return _DISABLE
        what = _by_owner(fn)  # a bound method called as such: lock.__exit__, f = s.recv
        if what is None:
            return _DISABLE
        arg0 = fn.__self__
    o = _out[0]
    if o is not None and arg0 is o.lock:
        return _DISABLE
    _mon_pending[_ident()] = (_now(), fn, what)


def _on_c_return(code, offset, fn, arg0):
    if _mon_pending:
        p = _mon_pending.pop(_ident(), None)
        if p is not None and p[1] is fn:
            t1 = _now()
            if t1 - p[0] >= _min_ns:
                _kept(_ident(), p[0], t1, p[2][0], p[2][1], sys._getframe(1))


# ---- threads ------------------------------------------------------------------

def _thread_start(name):
    nid = threading.get_native_id() if hasattr(threading, "get_native_id") else 0
    _write(b"T %d %d %d %d %s\n" % (_ident(), nid, _now(), _cpu(), _esc(name)))
    _keep_counts()


def _thread_end(name):
    _write(b"E %d %d %d %s\n" % (_ident(), _now(), _cpu(), _esc(name)))
    _keep_counts()


def _keep_counts():
    o = _out[0]
    if o is not None:
        o.counts()


def _wrap_thread():
    orig = threading.Thread._bootstrap_inner

    def _bootstrap_inner(self):
        if _state["on"]:
            _count[2] += 1
            _thread_start(self.name)
        try:
            orig(self)
        finally:
            if _state["on"]:
                _thread_end(self.name)
    threading.Thread._bootstrap_inner = _bootstrap_inner

    orig_hook = getattr(threading, "excepthook", None)
    if orig_hook is not None:
        def excepthook(args):
            if _state["on"]:
                _raised(args.exc_type, args.exc_value)
            return orig_hook(args)
        threading.excepthook = excepthook


def _raised(etype, value):
    msg = str(value).splitlines()[0] if str(value) else ""
    _write(b"R %d %d %s %s\n" % (_ident(), _now(), _esc(getattr(etype, "__name__", "?")),
                                 _esc(msg[:200])))


def _wait_lock(lock, timeout, label):
    """A lock another thread holds: the wait is written as it begins (W),
    so that one that never ends (a deadlock stopped by --timeout) is seen
    for what it is; then the blocking acquire, timed by the hooks (B)."""
    try:
        _write(b"W %d %d k %s\n" % (_ident(), _now(), _esc(label)))
    except Exception:
        pass
    return lock.acquire(True, timeout)


class _Lock:
    """threading.Lock() while traced: the lock itself, behind methods of
    Python, so that `with lock:` waits in a call the tracer sees. A taken
    lock is tried without waiting first (what acquire does anyway when the
    lock is free), so that only a real wait is written."""
    __slots__ = ("_lock", "__weakref__")

    def __init__(self):
        self._lock = _allocate_lock()

    def acquire(self, blocking=True, timeout=-1):
        if not blocking or not _state["on"]:
            return self._lock.acquire(blocking, timeout)
        if self._lock.acquire(False):
            return True
        return _wait_lock(self._lock, timeout, "Lock.acquire")

    def __enter__(self):
        return self.acquire()

    def release(self):
        self._lock.release()

    def __exit__(self, *exc):
        self._lock.release()

    def locked(self):
        return self._lock.locked()

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()

    def __repr__(self):
        return repr(self._lock)

    def __reduce__(self):
        raise TypeError("cannot pickle '_thread.lock' object")


class _RLock:
    """threading.RLock() while traced, likewise."""
    __slots__ = ("_lock", "__weakref__")

    def __init__(self, *args, **kwargs):
        self._lock = _make_rlock(*args, **kwargs)

    def acquire(self, blocking=True, timeout=-1):
        if not blocking or not _state["on"]:
            return self._lock.acquire(blocking, timeout)
        if self._lock.acquire(False):
            return True
        return _wait_lock(self._lock, timeout, "RLock.acquire")

    def __enter__(self):
        return self.acquire()

    def release(self):
        self._lock.release()

    def __exit__(self, *exc):
        self._lock.release()

    def __getattr__(self, name):  # _is_owned, _release_save, _recursion_count...
        return getattr(self._lock, name)

    def __repr__(self):
        return repr(self._lock)

    def __reduce__(self):
        raise TypeError("cannot pickle '_thread.RLock' object")


_make_rlock = threading.RLock


def _wrap_locks():
    threading.Lock = _Lock
    threading.RLock = _RLock


# ---- asyncio --------------------------------------------------------------------

_tasks = {}       # id(task) -> [number, weakref]
_ready = {}       # id(task) -> when it was last made ready
_loops = {}       # id(loop) -> number
_next = [0, 0]


def _task_of(callback):
    task = getattr(callback, "__self__", None)
    if task is not None and type(task).__name__ == "Task" and hasattr(task, "get_coro"):
        return task
    return None


def _task_number(task, loop, t):

    k = id(task)
    entry = _tasks.get(k)
    if entry is not None and entry[1]() is task:
        return entry[0]
    _next[0] += 1
    _tasks[k] = [_next[0], weakref.ref(task)]
    lk = id(loop)
    if lk not in _loops:
        _next[1] += 1
        _loops[lk] = _next[1]
    name = task.get_name() if hasattr(task, "get_name") else "Task"
    _write(b"K %d %d %d %d %s\n" % (_next[0], _ident(), _loops[lk], _ready.get(k, t),
                                     _esc(name)))
    return _next[0]


# What a task waits for, from the innermost coroutine it is suspended in:
# (file's last part, function's qualified name, or its name before 3.11)
# -> (kind, label). Anything else is said by the future the task waits on
# (another task, asyncio.gather, a future an executor will complete).
_AWAITS = {
    ("tasks.py", "sleep"): ("s", "asyncio.sleep"),
    ("locks.py", "Lock.acquire"): ("k", "asyncio.Lock"),
    ("locks.py", "Semaphore.acquire"): ("m", "asyncio.Semaphore"),
    ("locks.py", "Event.wait"): ("v", "asyncio.Event.wait"),
    ("locks.py", "Condition.wait"): ("v", "asyncio.Condition.wait"),
    ("locks.py", "Barrier.wait"): ("v", "asyncio.Barrier.wait"),
    ("locks.py", "acquire"): ("k", "asyncio lock or semaphore"),
    ("locks.py", "wait"): ("v", "asyncio Event or Condition"),
    ("queues.py", "get"): ("q", "asyncio.Queue.get"),
    ("queues.py", "put"): ("q", "asyncio.Queue.put"),
    ("queues.py", "join"): ("q", "asyncio.Queue.join"),
    ("streams.py", "_wait_for_data"): ("n", "stream read"),
    ("streams.py", "_drain_helper"): ("n", "stream drain"),
    ("selector_events.py", "sock_recv"): ("n", "sock_recv"),
    ("selector_events.py", "sock_recv_into"): ("n", "sock_recv"),
    ("selector_events.py", "sock_sendall"): ("n", "sock_sendall"),
    ("selector_events.py", "sock_connect"): ("n", "sock_connect"),
    ("selector_events.py", "sock_accept"): ("n", "sock_accept"),
    ("base_events.py", "create_connection"): ("n", "create_connection"),
    ("base_events.py", "_create_connection_transport"): ("n", "create_connection"),
    ("base_events.py", "getaddrinfo"): ("n", "getaddrinfo"),
    ("base_events.py", "create_server"): ("n", "create_server"),
    ("threads.py", "to_thread"): ("f", "to_thread"),
    ("tasks.py", "wait"): ("v", "asyncio.wait"),
    ("tasks.py", "_wait"): ("v", "asyncio.wait"),
    ("tasks.py", "wait_for"): ("v", "asyncio.wait_for"),
    ("tasks.py", "_wait_for_one"): ("v", "asyncio.as_completed"),
    ("subprocess.py", "wait"): ("w", "subprocess wait"),
    ("subprocess.py", "communicate"): ("w", "subprocess communicate"),
}


def _awaiting(task):
    """(kind, label, wake) for a suspended task: wake is when a sleep's
    timer is due (0: not a sleep, or not known)."""
    coro = task.get_coro()
    inner = None
    for _ in range(64):  # the chain of awaits, outermost first
        if coro is None:
            break
        if getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None):
            inner = coro
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    if inner is not None:
        code = getattr(inner, "cr_code", None) or inner.gi_code
        base = os.path.basename(code.co_filename)
        what = _AWAITS.get((base, getattr(code, "co_qualname", ""))) or \
            _AWAITS.get((base, code.co_name))
        if what is not None and code.co_filename.startswith(_STDLIB):
            wake = 0
            if what[1] == "asyncio.sleep":
                frame = getattr(inner, "cr_frame", None)
                h = frame.f_locals.get("h") if frame is not None else None
                if h is not None and hasattr(h, "when"):
                    # the loop's clock is time.monotonic(): concviz's clock
                    wake = int(h.when() * 1e9)
            return what[0], what[1], wake
    fut = getattr(task, "_fut_waiter", None)
    name = type(fut).__name__ if fut is not None else ""
    if name == "_GatheringFuture":
        return "v", "asyncio.gather", 0
    if name in ("Task", "_asyncio.Task"):
        return "v", "another task", 0
    return "v", "a future", 0


def _after_step(task, num, ready, t0):
    """The record of one step of a task, once it has run."""
    try:
        t1 = _now()
        k = id(task)
        if task.done():
            _write(b"S %d %d %d %d d\n" % (num, ready, t0, t1))
            _tasks.pop(k, None)
            _ready.pop(k, None)
        elif k in _ready:  # it yielded (asyncio.sleep(0)): ready again already
            _write(b"S %d %d %d %d r\n" % (num, ready, t0, t1))
        else:
            kind, label, wake = _awaiting(task)
            _write(b"S %d %d %d %d w %s %s %d\n" % (num, ready, t0, t1, kind.encode(),
                                                 _esc(label), wake))
    except Exception:
        pass


def _wrap_asyncio_events(mod):
    orig = mod.Handle._run

    def _run(self):
        task = _task_of(self._callback) if _state["on"] else None
        if task is None:
            return orig(self)
        _count[2] += 1
        try:
            t0 = _now()
            num = _task_number(task, self._loop, t0)
            ready = _ready.pop(id(task), t0)
        except Exception:
            return orig(self)
        try:
            return orig(self)
        finally:
            _after_step(task, num, ready, t0)
    mod.Handle._run = _run


def _wrap_asyncio_loop(mod):
    orig = mod.BaseEventLoop._call_soon

    def _call_soon(self, callback, args, context):
        if _state["on"]:
            try:
                task = _task_of(callback)
                if task is not None:
                    _ready.setdefault(id(task), _now())
            except Exception:
                pass
        return orig(self, callback, args, context)
    mod.BaseEventLoop._call_soon = _call_soon


# ---- processes ------------------------------------------------------------------

def _wrap_process(mod):
    start = mod.BaseProcess.start
    boot = mod.BaseProcess._bootstrap

    def start_(self):
        t0 = _now()
        r = start(self)
        if _state["on"]:
            _count[2] += 1
            method = getattr(getattr(self, "_popen", None), "method", "?")
            _write(b"C %d %d %d %d %s %s\n" % (_ident(), t0, _now(), self.pid or 0,
                                               _esc(method), _esc(self.name)))
        return r

    def _bootstrap(self, *args, **kwargs):
        if _state["on"]:
            _write(b"N %s\n" % _esc(self.name))
        code = 1
        try:
            code = boot(self, *args, **kwargs)
            return code
        finally:
            if _state["on"]:
                _process_end(code)
    mod.BaseProcess.start = start_
    mod.BaseProcess._bootstrap = _bootstrap


def _message(direction, buf):
    """A message on a pipe: its length and the checksum of its first 4 KiB,
    by which concviz pairs a send with its receive (a large one is not
    read whole: checking it would cost more than sending it)."""
    try:
        _count[2] += 1
        m = memoryview(buf)
        if m.format != "B" or m.ndim != 1:
            m = m.cast("B")
        _write(b"M %d %d %s %d %d\n" % (_ident(), _now(), direction, m.nbytes,
                                        zlib.crc32(m[:4096])))
        m.release()
        _keep_counts()  # a worker may be killed any time: keep its counts
    except Exception:
        pass


def _wrap_connection(mod):
    conn = getattr(mod, "Connection", None)
    if conn is None or not hasattr(conn, "_send_bytes"):
        return
    send, recv = conn._send_bytes, conn._recv_bytes

    def _send_bytes(self, buf):
        if _state["on"]:
            _message(b"s", buf)
        return send(self, buf)

    def _recv_bytes(self, maxsize=None):
        r = recv(self, maxsize)
        if _state["on"]:
            _message(b"r", r.getbuffer())
        return r
    conn._send_bytes = _send_bytes
    conn._recv_bytes = _recv_bytes


def _process_end(code):
    o = _out[0]
    if o is None or _state["pid"] != os.getpid():
        return
    # The thread that ends the process ends with it, with its CPU time: a
    # multiprocessing child leaves through os._exit, where atexit never
    # runs (the reader keeps the first end a thread is given).
    try:
        _thread_end(threading.current_thread().name)
    except Exception:
        pass
    _write(b"X %d %d\n" % (_now(), code if isinstance(code, int) else 1))
    o.counts()


def _named(label):
    """A patch for a module whose main() makes this process a helper of
    multiprocessing's: the process is named so before main() runs."""
    def patch(mod):
        main = getattr(mod, "main", None)
        if main is None:
            return

        def main_(*args, **kwargs):
            if _state["on"]:
                _write(b"N %s\n" % _esc(label))
            return main(*args, **kwargs)
        mod.main = main_
    return patch


# Modules patched as they are imported (none is imported for the tracer's
# sake): a finder first on sys.meta_path hands each import on to the
# others and patches the module once it has run.
_PATCHES = {
    "asyncio.events": _wrap_asyncio_events,
    "asyncio.base_events": _wrap_asyncio_loop,
    "multiprocessing.process": _wrap_process,
    "multiprocessing.connection": _wrap_connection,
    "multiprocessing.forkserver": _named("forkserver"),
    "multiprocessing.resource_tracker": _named("resource tracker"),
}


class _Loader:
    def __init__(self, loader, patch):
        self.loader, self.patch = loader, patch

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        self.patch(module)

    def __getattr__(self, name):
        return getattr(self.loader, name)


class _Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is _Finder:
                continue
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader, patch)
                return spec
        return None


def _patch_imports():
    for name, patch in _PATCHES.items():
        mod = sys.modules.get(name)
        if mod is not None:
            patch(mod)
    sys.meta_path.insert(0, _Finder)


# ---- starting, forking, ending --------------------------------------------------

def _open(how, t=None):
    pid = os.getpid()
    d = os.environ.get(ENV_DIR, "")
    old = _out[0]
    _out[0] = None
    if old is not None:
        try:
            old.map.close()
            os.close(old.fd)
        except (OSError, ValueError):
            pass
    if not d:
        return False
    try:
        _out[0] = _Out(os.path.join(d, str(pid)))
    except OSError:
        return False
    _state["pid"] = pid
    _count[0] = _count[1] = _count[2] = 0
    _write(b"V %d %s %s %d %d %s\n" % (
        FORMAT, _esc(".".join(str(x) for x in sys.version_info[:3])),
        _esc(sys.implementation.name), 1 if _free_threaded() else 0,
        1 if getattr(sys, "_is_gil_enabled", lambda: True)() else 0,
        _state["mode"].encode()))
    _write(b"P %d %d %d %s\n" % (pid, os.getppid(), _now() if t is None else t,
                                  how.encode()))
    return True


def _free_threaded():
    import sysconfig
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def _fork_before():
    _state["fork_t"] = _now()
    _forking[0] = _ident()


def _fork_parent():
    _forking[0] = None


def _fork_child():
    _forking[0] = None
    if not _state["on"]:
        return
    t = _state.get("fork_t", _now())
    _pending.clear()
    _mon_pending.clear()
    _tasks.clear()
    _ready.clear()
    # The child starts at the fork: the parent's thread that forked is its
    # only thread, its main thread from now on.
    if _open("fork", t):
        _thread_start(threading.current_thread().name)


def _how_started():
    args = getattr(sys, "orig_argv", None) or sys.argv or []
    argv = " ".join(args)
    if "--multiprocessing-fork" in args:
        return "spawn"
    if "forkserver" in argv:
        return "forkserver"
    if "resource_tracker" in argv:
        return "tracker"
    return "exec"


def _at_exit():
    if _state["on"] and _state["pid"] == os.getpid():
        _thread_end("MainThread")
        _process_end(0)


def _install_hooks():
    global _DISABLE
    if sys.version_info >= (3, 12):
        mon = sys.monitoring
        tool = None
        for t in (4, 3, 5):  # free ids, past the debugger's, coverage's and profiler's
            if mon.get_tool(t) is None:
                tool = t
                break
        if tool is not None:
            mon.use_tool_id(tool, "concviz")
            _DISABLE = mon.DISABLE
            mon.register_callback(tool, mon.events.CALL, _on_call)
            mon.register_callback(tool, mon.events.C_RETURN, _on_c_return)
            mon.register_callback(tool, mon.events.C_RAISE, _on_c_return)
            mon.set_events(tool, mon.events.CALL)
            _state["mode"] = "m"
            return
    sys.setprofile(_profile)
    threading.setprofile(_profile)
    _state["mode"] = "p"


def start(how, t_begin=0):
    """Starts tracing this process (once): how is main, spawn, ...;
    t_begin: when the tracer's start began (the main process's runner)."""
    if _state["on"] or not os.environ.get(ENV_DIR):
        return _state["on"]
    global _min_ns
    try:
        _min_ns = int(os.environ.get("CONCVIZ_TRACE_MIN_NS", DEFAULT_MIN_NS))
    except ValueError:
        pass
    _OWN_FILES.add(__file__)
    _blocking_table()
    _state["mode"] = "m" if sys.version_info >= (3, 12) else "p"
    if not _open(how):
        return False
    _state["on"] = True
    _state["main"] = how == "main"
    _wrap_thread()
    _wrap_locks()
    _patch_imports()
    os.register_at_fork(before=_fork_before, after_in_parent=_fork_parent,
                        after_in_child=_fork_child)
    atexit.register(_at_exit)
    _thread_start(threading.current_thread().name)
    if how == "main":
        _calibrate(t_begin)
    _install_hooks()
    return True


def start_child():
    """sitecustomize.py's entry: a process the program started."""
    return start(_how_started())


# ---- what an event costs --------------------------------------------------------

def _nothing():
    pass


def _calls(n, g):
    for _ in range(n):
        g()


def _calibrate(t_begin):
    """Times the callbacks as the program meets them, so that concviz can
    say what the tracer cost: an event that is passed over (the common
    case), a record written, a hook around a step or a thread. Done once,
    in the main process, before the script starts (about 10 ms).

    With sys.setprofile, every call and return of the program calls the
    tracer through the interpreter's profiling machinery, which costs more
    than the callback's own body: a loop of calls is timed profiled and
    not, and the difference is what two events cost. With sys.monitoring,
    a call site that calls nothing the tracer wants is switched off after
    its first call, so an event's cost is the callback's body, timed
    directly."""
    n = 4000
    mon = sys.version_info >= (3, 12)
    f = _calibrate
    rounds = []
    for _ in range(5):  # the median round: the fastest would flatter the tracer
        if mon:
            t0 = _now()
            for _ in range(n):
                _on_call(None, 0, f, None)
            t1 = _now()
            for _ in range(n):
                pass
            t2 = _now()
            cost = max(0, (t1 - t0) - (t2 - t1)) // n
        else:
            t0 = _now()
            _calls(n, _nothing)
            t1 = _now()
            sys.setprofile(_profile)
            try:
                _calls(n, _nothing)
            finally:
                sys.setprofile(None)
            t2 = _now()
            cost = max(0, (t2 - t1) - (t1 - t0)) // (2 * n)  # a call and a return each
        rounds.append(cost)
    ev = sorted(rounds)[len(rounds) // 2]
    o = _Out.__new__(_Out)
    o.map = bytearray(1 << 20)
    o.size = 1 << 20
    o.pos = ZLINE
    o.dropped = 0
    o.lock = _allocate_lock()
    rec_n = 500
    saved = _count[1]
    rec = None
    for _ in range(5):
        t0 = _now()
        for i in range(rec_n):
            if o.pos > o.size - 200:
                o.pos = ZLINE
            o.write(b"B %d %d %d %d %s %s\n" % (_ident(), _now(), _now(), _cpu(), b"s",
                                               _esc("time.sleep")))
        cost = (_now() - t0) // rec_n
        rec = cost if rec is None or cost < rec else rec
    _count[1] = saved
    # A hook: a wrapper's call, two clock reads and a record.
    hook = rec + 2 * ev + 200
    _count[0] = 0
    _pending.clear()
    _write(b"Q %d %d %d %d %d\n" % (ev, rec, hook, t_begin or _now(), _now()))


def main(t_begin=0):
    """concviz_trace_run.py: start tracing, then run the script as Python
    would (its folder first on sys.path, as __main__), and say how it
    ended if it raised."""
    start("main", t_begin)
    runner = getattr(sys.modules.get("__main__"), "__file__", None)
    if runner:
        _OWN_FILES.add(runner)
    args = sys.argv[1:]
    if not args:
        sys.exit("concviz_trace_run.py: no script")
    import runpy
    # sys.path as Python would have it: the script's folder first (the
    # current one for -m), not this file's, unless -I or -P said none.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    safe = getattr(sys.flags, "safe_path", False) or sys.flags.isolated
    if args[0] == "-m":
        if len(args) < 2:
            sys.exit("concviz_trace_run.py: -m needs a module")
        sys.argv = args[1:]
        if not safe:
            sys.path.insert(0, os.getcwd())
        target = args[1]
        run = lambda: runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        target = args[0]
        if not safe:
            sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        run = (lambda: _run_script(target)) if os.path.isfile(target) else \
            (lambda: runpy.run_path(target, run_name="__main__"))  # a folder, a zip
    try:
        run()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as e:
        if _state["on"]:
            _raised(type(e), e)
        # As Python would print it for `python3 script.py`: without the
        # frames of the tracer and runpy that ran the script.
        tb = e.__traceback__
        while tb is not None and _runner_frame(tb.tb_frame.f_code.co_filename):
            tb = tb.tb_next
        if tb is not None:
            e = e.with_traceback(tb)  # what Python prints is the exception's own
        sys.excepthook(type(e), e, e.__traceback__)
        sys.exit(1)


def _run_script(path):
    """Runs a script file as `python3 path` would: as a fresh __main__
    module (in sys.modules, for pickle and spawn), its __file__ absolute
    from 3.9 on as Python makes it, sys.argv[0] as given. runpy.run_path
    would keep the path as given in __file__, and put the runner's module
    back as __main__ once the script ended."""
    import builtins
    import importlib.machinery
    import types
    full = os.path.abspath(path) if sys.version_info >= (3, 9) else path
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=full, __builtins__=builtins, __spec__=None,
                         __package__=None, __cached__=None,
                         __loader__=importlib.machinery.SourceFileLoader("__main__", full))
    sys.modules["__main__"] = main
    with open(path, "rb") as f:
        source = f.read()
    exec(compile(source, full, "exec", dont_inherit=True), main.__dict__)


def _runner_frame(filename):
    """Whether a frame is the tracer's or runpy's, not the program's."""
    return filename in _OWN_FILES or filename == "<frozen runpy>" or \
        os.path.basename(filename) == "runpy.py"
