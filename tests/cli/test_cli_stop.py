"""The reliability battery: every run stops when asked, fits its memory
budget, and leaves nothing behind (issue 19).

Each case is one `concviz run` of a long repeat of one step kind under one
model, a workload that would run for minutes (or hours) if nothing stopped
it, stopped one of five ways:

  timeout      --timeout 400ms
  SIGINT       Ctrl+C, the command line's cancel
  SIGTERM      what a session manager or `kill` sends
  SIGKILL      of concviz itself: nothing can be done by concviz then, so
               the helper and the workers must die by themselves
               (PR_SET_PDEATHSIG) and no file may be half written
  worker       SIGKILL of one worker process (a pool worker, an executor's
               process) or of the forkserver helper

Every step kind appears under every model with the timeout (40 cases); the
signals are spread over the models and the step kinds (each kind meets
SIGINT and SIGTERM once, under different models). Then: a queue that
outgrows a small --memory-limit, a run refused up front, and a lesson step
with its own timeout under `lesson --verify`.

What each case asserts:
  - the stop time: the promise (stop.h) is one poll, 20 ms, and the run
    ends within 100 ms plus the time to write what it recorded. This
    machine is shared and noisy, so a case fails only beyond SLACK_S; the
    measured figures are printed for every case, to read the real margin;
  - the exit code (README, "Exit codes") and the sentence on stderr;
  - no process left: every descendant seen while it ran (polled from
    /proc, with its start time so a reused pid is not mistaken for it) and
    every process of its session is gone;
  - no file left: its private TMPDIR is empty, the trace folder holds the
    whole trace or nothing (never a temporary), no file it was seen holding
    open or mapped under /tmp or /dev/shm is still there, and no shared
    memory named for concviz appeared;
  - its peak memory (each process's high-water mark, VmHWM, added up)
    under the budget it was given.

Failures are collected and reported together at the end, so one run shows
every case that broke. CONCVIZ_STOP_CASES=REGEX runs only the cases whose
label ("multiprocessing lock SIGKILL") matches, for a quicker look.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import cvz

SLACK_S = 1.5           # how late a stop may be before the case fails
TIMEOUT_S = 0.4         # the --timeout of the timeout cases
SETTLE_S = 0.3          # how long a run goes on before a signal: mid-repeat
BUDGET = "2GiB"         # every case's --memory-limit
BUDGET_KIB = 2 << 20
POLL_S = 0.03           # how often the processes are looked at
GIVE_UP_S = 15          # a case still running this long after its stop hangs
MEMORY_STOP_S = 10      # a queue filling a 64 MiB budget stops within this

MODELS = ("asyncio", "threading", "free-threading", "multiprocessing")

# One long repeat of each step kind, two tasks so that the GIL, the locks,
# the semaphore and the queue are contended. The repeats are as long as
# the budget lets the estimate be (a run is refused up front if its
# recording could not fit): each would take from tens of seconds to hours.
KINDS = {
    "cpu": "2*(100000*cpu:1ms)",
    "io": "2*(100000*io:1ms)",
    "yield": "2*(3000000*yield)",
    "inc": "2*(100*(30000000*inc:x))",
    "load/store": "2*(100*(30000000*(load:x,store:x)))",
    "lock": "2*(1000000*lock:L(1000*inc:x))",
    "sem": "2*(500000*sem:S/1(yield))",
    "put/get": "2*(1000000*(put:q:8B,get:q))",
    "thread": "2*(300000*thread(cpu:100us))",
    "process": "2*(100000*process(io:1ms))",
}

# What each way of stopping ends with: the exit code (or -9, killed) and
# words stderr must hold.
EXPECT = {
    "timeout": (1, "stopped after 400 ms (--timeout)"),
    "SIGINT": (130, "interrupted (SIGINT): the run was stopped cleanly; no process is left"),
    "SIGTERM": (143, "terminated (SIGTERM): the run was stopped cleanly; no process is left"),
    "SIGKILL": (-9, ""),
    "worker": (1, "was killed by signal 9 (SIGKILL)"),
    "helper": (1, "the forkserver helper"),
    "memory": (1, "grew past its memory budget"),
    "refused": (2, "would need at least"),
}

def sanitized(path):
    """Is the program built with a sanitizer? Its memory is then mostly the
    sanitizer's (AddressSanitizer's shadow, redzones and quarantine: several
    times the program's own), so the memory bounds are checked only in a
    plain build; everything else is checked in both."""
    with open(path, "rb") as f:
        data = f.read()
    return b"AddressSanitizer" in data or b"ThreadSanitizer" in data


SANITIZED = sanitized(cvz.concviz())
ROOT = tempfile.mkdtemp(prefix="cvz-stop-")
failures = []


# ---- processes, read from /proc ----

def family(root, table):
    """root's descendants and every process of its session (root started
    one), as {pid: (start time, ppid)}; root itself excluded."""
    out = {}
    frontier = [root]
    while frontier:
        p = frontier.pop()
        for c, (pp, _, st, _) in table.items():
            if pp == p and c not in out:
                out[c] = (st, pp)
                frontier.append(c)
    for c, (pp, sid, st, state) in table.items():
        if sid == root and c != root and c not in out:
            out[c] = (st, pp)
    return out


def still_there(procs):
    """The processes of procs ({pid: (start time, ...)}) alive now: same pid,
    same start time, not a zombie that is about to be reaped."""
    table = cvz.proc_table()
    return sorted(p for p, (st, _) in procs.items()
                  if p in table and table[p][2] == st and table[p][3] != "Z")


def status_of(pid, key):
    """A number from /proc/PID/status ("Threads", "VmHWM" in KiB), or 0."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


WATCHED = ("/tmp/", "/dev/shm/")
PROGRAM = os.path.realpath(cvz.concviz())  # mapped, of course, wherever it is


def files_of(pid):
    """Paths under /tmp or /dev/shm that pid holds open or mapped (a file
    deleted already, or a memfd, has nothing to leave behind)."""
    found = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                found.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
        with open(f"/proc/{pid}/maps") as f:
            for line in f:
                parts = line.split(maxsplit=5)
                if len(parts) == 6:
                    found.add(parts[5].strip())
    except OSError:
        pass
    return {p for p in found if p.startswith(WATCHED) and not p.endswith("(deleted)")
            and p != PROGRAM}


def shm_names():
    """Shared memory named for concviz. (concviz names none: its recording
    is a memfd, which has no name to leave. Other programs on this machine
    make and remove their own names here meanwhile, so only concviz's are
    looked at; and /tmp is not, since each case has a TMPDIR of its own.)"""
    try:
        return {n for n in os.listdir("/dev/shm") if "concviz" in n}
    except OSError:
        return set()


# ---- one case ----

class Case:
    def __init__(self, model, kind, stop, trace=False, args=(), budget_kib=None,
                 command=None, over_program=False):
        self.model, self.kind, self.stop, self.trace = model, kind, stop, trace
        self.args = list(args)
        self.expect = EXPECT[stop]
        self.budget_kib = budget_kib or BUDGET_KIB
        self.command = command
        # The bound is over what concviz takes running nothing (measured).
        self.over_program = over_program


def launch(case, d):
    env = dict(os.environ)
    env["TMPDIR"] = os.path.join(d, "tmp")
    os.makedirs(env["TMPDIR"])
    os.makedirs(os.path.join(d, "out"))
    if case.command:
        argv = [cvz.concviz(), *case.command]
    else:
        argv = [cvz.concviz(), "run", "--json", "--models", case.model,
                "--workload", KINDS.get(case.kind, case.kind), "--memory-limit", BUDGET,
                *case.args]
        if case.stop == "timeout":
            argv += ["--timeout", f"{int(TIMEOUT_S * 1000)}ms"]
        if case.trace:
            argv += ["--trace", os.path.join(d, "out", "run.json")]
    out = open(os.path.join(d, "stdout"), "w")
    err = open(os.path.join(d, "stderr"), "w")
    # A session of its own: whatever it starts can be found by session
    # even if it leaves concviz's tree.
    p = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
    out.close()
    err.close()
    return p


class Watch:
    """What a running case is seen to have: processes and files."""

    def __init__(self, pid):
        self.pid = pid
        self.procs = {}
        self.files = set()
        self.hwm = {}

    def look(self):
        fam = family(self.pid, cvz.proc_table())
        for c, v in fam.items():
            self.procs.setdefault(c, v)
        for p in [self.pid, *fam]:
            self.files |= files_of(p)
            self.hwm[p] = max(self.hwm.get(p, 0), status_of(p, "VmHWM"))
        return fam

    def peak_kib(self):
        """The peak memory of concviz and its processes together: the sum
        of each one's high-water mark (VmHWM: a peak, so a sample taken
        after it still holds it; only growth in the last poll before exit
        can be missed). Pages the processes share are counted in each, so
        this is an upper bound. (wait4's ru_maxrss would not do: Linux
        carries the test's own peak, at the fork, into the child's across
        exec.)"""
        return sum(self.hwm.values())

    def helper_and_workers(self):
        """The forkserver helper is concviz's first child (started before
        anything runs); every other process is a worker."""
        direct = [c for c, (st, pp) in self.procs.items() if pp == self.pid]
        if not direct:
            return None, []
        helper = min(direct, key=lambda c: (self.procs[c][0], c))
        return helper, [c for c in self.procs if c != helper]


def wait_exit(p, watch, deadline):
    """Polls until p exits (or deadline), looking at its processes
    meanwhile. Returns when it exited, or None."""
    while True:
        pid, status = os.waitpid(p.pid, os.WNOHANG)
        if pid == p.pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            return time.monotonic()
        if time.monotonic() > deadline:
            return None
        watch.look()
        time.sleep(POLL_S / 3)


def ready(p, watch, case):
    """Waits until the run is under way: its run thread started (signals
    are blocked from then on) and, where the case kills a worker, the
    workers exist; then lets it go on into its repeat. False if it ended
    or never got there."""
    want_kids = 0
    if case.stop in ("worker", "helper") or (case.stop == "SIGKILL" and
                                             case.model == "multiprocessing"):
        # The helper, and two workers (a pool of 2, or asyncio's executor
        # growing to min(2, CPUs)).
        want_kids = 1 + (2 if case.model == "multiprocessing" else min(2, cvz.cpus()))
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if p.poll() is not None:
            return False
        fam = watch.look()
        if status_of(p.pid, "Threads") >= 2 and len(fam) >= want_kids:
            break
        time.sleep(POLL_S)
    else:
        return False
    end = time.monotonic() + SETTLE_S
    while time.monotonic() < end:
        watch.look()
        time.sleep(POLL_S)
    return p.poll() is None


def fail(label, why):
    failures.append(f"{label}: {why}")
    print(f"    FAILED: {label}: {why}")


def check_files(case, d, watch, before, label):
    left = os.listdir(os.path.join(d, "tmp"))
    if left:
        fail(label, f"left in its TMPDIR: {left}")
    out = os.listdir(os.path.join(d, "out"))
    if case.stop == "SIGKILL" or not case.trace:
        if out:
            fail(label, f"left in the trace folder: {out}")
    elif out != ["run.json"]:
        fail(label, f"the trace folder holds {out}, not the whole trace alone")
    else:
        path = os.path.join(d, "out", "run.json")
        try:
            if os.path.getsize(path) < 8 << 20:
                json.load(open(path))["otherData"]["workload"]
            else:
                with open(path, "rb") as f:
                    head = f.read(1)
                    f.seek(-2, os.SEEK_END)
                    tail = f.read()
                assert head == b"{" and tail.strip().endswith(b"}")
        except Exception as e:  # a broken trace, whatever broke in it
            fail(label, f"the trace is not whole: {e!r}")
    # The case's own folder (its stdout, stderr and trace) is checked above.
    kept = [f for f in watch.files if os.path.exists(f) and not f.startswith(d + "/")]
    if kept:
        fail(label, f"files it held under /tmp or /dev/shm are still there: {kept}")
    new = shm_names() - before
    if new:
        fail(label, f"new shared memory named for concviz: {sorted(new)}")


def run_case(case):
    label = f"{case.model} {case.kind} {case.stop}"
    d = os.path.join(ROOT, re.sub(r"[^a-z0-9]+", "-", label.lower()))
    os.makedirs(d)
    bound_kib = case.budget_kib + (program_peak_kib(case.model) if case.over_program else 0)
    before = shm_names()
    t0 = time.monotonic()
    p = launch(case, d)
    watch = Watch(p.pid)
    try:
        if case.stop in ("timeout", "memory", "refused"):
            # Asked from the start: by its deadline, or by its budget.
            asked = t0 + (TIMEOUT_S if case.stop == "timeout" else 0)
        else:
            if not ready(p, watch, case):
                p.wait(GIVE_UP_S)
                fail(label, f"ended (exit {p.returncode}) or stalled before it could be "
                     f"stopped: {open(os.path.join(d, 'stderr')).read()[-400:]!r}")
                return
            if case.stop in ("SIGINT", "SIGTERM", "SIGKILL"):
                target = p.pid
            else:
                helper, workers = watch.helper_and_workers()
                target = helper if case.stop == "helper" else max(workers or [0])
                if not target:
                    fail(label, f"no process to kill among {watch.procs}")
                    return
            asked = time.monotonic()
            os.kill(target, getattr(signal, case.stop, signal.SIGKILL))
        ended = wait_exit(p, watch, max(asked, t0) + GIVE_UP_S)
        if ended is None:
            fail(label, f"still running {GIVE_UP_S} s after it was stopped")
            return
        # Processes die after concviz when it was killed: the stop is over
        # when the last of them is gone.
        gone = cvz.wait_until(lambda: not still_there(watch.procs), 5, step=0.01)
        last = time.monotonic() if gone else None
        late = (max(ended, last) if case.stop == "SIGKILL" and last else ended) - asked
        err = open(os.path.join(d, "stderr")).read()
        code_want, words = case.expect
        peak_kib = watch.peak_kib()
        print(f"  {label:42} exit {p.returncode:4}  stopped {late * 1000:6.0f} ms after "
              f"it was asked  peak {peak_kib / 1024:6.1f} MiB (of {bound_kib / 1024:.0f})  "
              f"processes {len(watch.procs)}")
        if p.returncode != code_want:
            fail(label, f"exit {p.returncode}, not {code_want}: {err[-500:]!r}")
        if words and words not in err:
            fail(label, f"stderr lacks {words!r}: {err[-500:]!r}")
        # A run stopped by its budget stops when the budget is reached,
        # which takes as long as filling it: it must stop by itself, well
        # before its 1000 s of waiting.
        bound = MEMORY_STOP_S if case.stop == "memory" else SLACK_S
        if late > bound:
            fail(label, f"stopped {late:.2f} s after it was asked (at most {bound} s)")
        if not gone:
            fail(label, f"processes left: {still_there(watch.procs)}")
        if case.stop != "SIGKILL" and not SANITIZED and peak_kib > bound_kib:
            fail(label, f"peak memory {peak_kib / 1024:.1f} MiB over its bound "
                 f"{bound_kib / 1024:.1f} MiB")
        check_files(case, d, watch, before, label)
    finally:
        cvz.kill_tree(p.pid)
        for c in still_there(watch.procs):
            try:
                os.kill(c, signal.SIGKILL)
            except OSError:
                pass
        if p.returncode is None:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                pass


# ---- the matrix ----

def matrix():
    cases = []
    kinds = list(KINDS)
    # Every step kind under every model, stopped by its timeout; a few
    # also save their trace (the stop time then includes writing it).
    for m in MODELS:
        for i, k in enumerate(kinds):
            cases.append(Case(m, k, "timeout", trace=(i % 4 == MODELS.index(m))))
    # Each kind meets SIGINT and SIGTERM, under two different models.
    for i, k in enumerate(kinds):
        cases.append(Case(MODELS[i % 4], k, "SIGINT", trace=(i % 3 == 0)))
        cases.append(Case(MODELS[(i + 2) % 4], k, "SIGTERM", trace=(i % 3 == 1)))
    # SIGKILL of concviz, once a model, with a trace being prepared.
    for m, k in (("asyncio", "process"), ("threading", "sem"),
                 ("free-threading", "cpu"), ("multiprocessing", "lock")):
        cases.append(Case(m, k, "SIGKILL", trace=True))
    # A worker killed: pool workers at three kinds of step, an executor's
    # process, the forkserver helper.
    for k in ("cpu", "put/get", "lock"):
        cases.append(Case("multiprocessing", k, "worker", args=["--workers", "2"]))
    cases.append(Case("asyncio", "process", "worker"))
    cases.append(Case("multiprocessing", "io", "helper", args=["--workers", "2"]))
    return cases


def program_peak_kib(model):
    """What concviz itself takes under model, running (nearly) nothing: the
    program, its libraries, the helper and the workers. A run's budget is
    for the run; this comes on top."""
    d = tempfile.mkdtemp(dir=ROOT)
    p = launch(Case(model, "io:1ms", "memory",
                    command=["run", "--models", model, "--workload", "io:1ms"]), d)
    watch = Watch(p.pid)
    wait_exit(p, watch, time.monotonic() + GIVE_UP_S)
    return watch.peak_kib()


def memory_cases():
    """Queues that outgrow a small budget: asyncio.Queue and queue.Queue are
    unbounded, and a multiprocessing.Queue's feeder holds what the pipe
    cannot take, so only the budget stops them. Each run stops with the
    memory sentence, and its peak stays within the budget (the queued items
    and the recording together: one account, rec.h's sim_rec_hold) over
    what concviz takes running nothing."""
    grow = {
        "asyncio": "(50000*(put:q:4KiB,yield)) + (io:1000s, get:q)",
        "threading": "(200000*put:q:512B) + (io:1000s, get:q)",
        "multiprocessing": "(20000*put:q:4KiB) + (io:1000s, get:q)",
    }
    # The account prices what it cannot see (malloc's bookkeeping, the
    # trace built afterwards) by estimates: a sixteenth of the budget is
    # allowed for them. (Before the one account, the recording and the
    # queues could each fill the budget: 80-90 MiB here.)
    for m, w in grow.items():
        yield Case(m, "queue past 64MiB", "memory",
                   command=["run", "--models", m, "--workload", w, "--memory-limit",
                            "64MiB"], budget_kib=(64 << 10) + (4 << 10), over_program=True)
    # Refused before anything starts: exit 2, the estimate and the limit.
    # Steps alone are never refused (a trace summarizes what is too dense:
    # trace.h, "Dense lanes"); a million tasks' lanes and state cannot
    # shrink below a few hundred bytes each, 64 MiB cannot hold them.
    yield Case("asyncio,multiprocessing", "1000000*yield", "refused",
               command=["run", "--models", "asyncio,multiprocessing", "--workload",
                        "1000000*yield", "--memory-limit", "64MiB"],
               budget_kib=64 << 10)


def lesson_case(d):
    """A lesson step with its own timeout: --verify keeps it (each run of
    a step is bounded by a minute, or by less when the step says so)."""
    path = os.path.join(d, "spin.md")
    with open(path, "w") as f:
        f.write("# Spin\n\nIntro.\n\n## One step\n\nText.\n\n```concviz\n"
                "workload: 2*(100*(30000000*inc:x))\nmodels: asyncio, multiprocessing\n"
                "workers: 2\ntimeout: 400ms\nquestion: Which is faster?\n"
                "answer: asyncio\ncheck: fastest\n```\n")
    t0 = time.monotonic()
    code, out, err = cvz.run("lesson", "--verify", path, timeout=60)
    took = time.monotonic() - t0
    print(f"  {'lesson --verify, a step with timeout: 400ms':42} exit {code:4}  took "
          f"{took * 1000:6.0f} ms for its two models")
    if code != 1 or "stopped after 400 ms (--timeout)" not in out:
        fail("lesson", f"exit {code}: {out[-400:]!r} {err[-400:]!r}")
    # Two runs of 400 ms, one after the other.
    if took > 2 * TIMEOUT_S + SLACK_S:
        fail("lesson", f"took {took:.2f} s for two runs of {TIMEOUT_S} s")


def main():
    t_start = time.monotonic()
    only = re.compile(os.environ.get("CONCVIZ_STOP_CASES", ""))
    cases = [c for c in matrix() + list(memory_cases())
             if only.search(f"{c.model} {c.kind} {c.stop}")]
    print(f"{len(cases) + 1} cases; a stop may be up to {SLACK_S} s late "
          f"(the promise: about 100 ms plus writing what was recorded)")
    if SANITIZED:
        print("a sanitizer's build: the memory bounds are not checked (its memory is "
              "mostly the sanitizer's)")
    for c in cases:
        run_case(c)
    if only.search("lesson"):
        d = os.path.join(ROOT, "lesson")
        os.makedirs(d)
        lesson_case(d)
    print(f"{len(cases) + 1} cases in {time.monotonic() - t_start:.1f} s")
    if failures:
        print(f"{len(failures)} failed:")
        for f in failures:
            print("  " + f)
        sys.exit(1)
    shutil.rmtree(ROOT, ignore_errors=True)


main()
