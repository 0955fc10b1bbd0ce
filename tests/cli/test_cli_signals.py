"""Process hygiene: SIGINT, SIGTERM, a killed worker, a killed concviz.
Afterwards no child, grandchild or zombie is left, and nothing hangs."""
import os
import signal
import time

import cvz


def workers_of(pid, want):
    """Waits until pid has at least `want` descendants; returns them."""
    return cvz.wait_until(lambda: (lambda c: c if len(c) >= want else None)(
        cvz.children_of(pid)), 10)


def gone(pids):
    return cvz.wait_until(lambda: not any(cvz.alive(p) for p in pids), 5)


# SIGINT and SIGTERM during a multiprocessing run: exit 130 / 143, a clear
# message, the helper and the workers gone.
for sig, code_want, word in ((signal.SIGINT, 130, "interrupted"),
                             (signal.SIGTERM, 143, "terminated")):
    p = cvz.start("run", "--models", "multiprocessing", "--workers", "2",
                  "--workload", "4*io:5s")
    try:
        kids = workers_of(p.pid, 3)  # the helper and two workers
        assert kids, "the workers never started"
        t0 = time.monotonic()
        os.kill(p.pid, sig)
        out, err = p.communicate(timeout=10)
        took = time.monotonic() - t0
        assert p.returncode == code_want, (p.returncode, err)
        assert word in err and "no process is left" in err, err
        assert took < 3, f"stopping took {took:.1f} s"
        assert gone(kids), f"left behind: {[k for k in kids if cvz.alive(k)]}"
    finally:
        cvz.kill_tree(p.pid)

# SIGINT during asyncio and threading runs: they stop too.
for model in ("asyncio", "threading"):
    p = cvz.start("run", "--models", model, "--workload", "4*(20*io:250ms)")
    try:
        time.sleep(0.5)
        os.kill(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=10)
        assert p.returncode == 130, (model, p.returncode, err)
    finally:
        cvz.kill_tree(p.pid)

# SIGKILL of one worker: the run ends with exit 1 and names what happened.
p = cvz.start("run", "--models", "multiprocessing", "--workers", "2",
              "--workload", "4*io:3s")
try:
    kids = workers_of(p.pid, 3)
    assert kids
    # The workers are the helper's children; the helper is concviz's child.
    helper = [k for k in kids if k in cvz.children_of(p.pid) and
              os.path.exists(f"/proc/{k}") and
              open(f"/proc/{k}/stat").read().split(")")[1].split()[1] == str(p.pid)]
    workers = [k for k in kids if k not in helper]
    assert workers, kids
    os.kill(workers[0], signal.SIGKILL)
    out, err = p.communicate(timeout=15)
    assert p.returncode == 1, (p.returncode, err)
    assert "killed by signal 9" in err and "worker" in err, err
    assert gone(kids), f"left behind: {[k for k in kids if cvz.alive(k)]}"
finally:
    cvz.kill_tree(p.pid)

# SIGKILL of concviz itself: its helper and workers die with it.
p = cvz.start("run", "--models", "multiprocessing", "--workers", "2",
              "--workload", "4*io:5s")
try:
    kids = workers_of(p.pid, 3)
    assert kids
    os.kill(p.pid, signal.SIGKILL)
    p.communicate(timeout=10)
    assert gone(kids), f"orphans left: {[k for k in kids if cvz.alive(k)]}"
finally:
    cvz.kill_tree(p.pid)

# SIGINT and SIGTERM during `lesson --verify`: the step's run stops cleanly
# through the same exit path as `run` (130 / 143), its workers gone.
import tempfile
lesson_dir = tempfile.mkdtemp()
slow = os.path.join(lesson_dir, "slow.md")
with open(slow, "w") as f:
    f.write("# Slow\n\nIntro.\n\n## One step\n\nText.\n\n```concviz\n"
            "workload: 2*io:5s\nmodels: asyncio, multiprocessing\nworkers: 2\n"
            "question: Which is faster?\nanswer: asyncio, multiprocessing\n"
            "check: fastest\n```\n")
for sig, code_want, word in ((signal.SIGINT, 130, "interrupted"),
                             (signal.SIGTERM, 143, "terminated")):
    p = cvz.start("lesson", "--verify", slow)
    try:
        kids = workers_of(p.pid, 3)
        assert kids, "the workers never started"
        t0 = time.monotonic()
        os.kill(p.pid, sig)
        out, err = p.communicate(timeout=10)
        assert p.returncode == code_want, (p.returncode, err)
        assert word in err and "no process is left" in err, err
        assert time.monotonic() - t0 < 3
        assert gone(kids), f"left behind: {[k for k in kids if cvz.alive(k)]}"
    finally:
        cvz.kill_tree(p.pid)
