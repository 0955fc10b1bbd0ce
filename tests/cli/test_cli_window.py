"""The window under signals, with no display (SDL's dummy video driver):
SIGINT and SIGTERM close it and stop the run cleanly; a worker killed
under it is shown as lost while the window goes on; nothing is left."""
import os
import signal
import time

import cvz

env = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


def start_window(*args):
    import subprocess
    e = dict(os.environ)
    e.update(env)
    return subprocess.Popen([cvz.concviz(), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e,
                            start_new_session=True)


def descendants(pid, want):
    return cvz.wait_until(lambda: (lambda c: c if len(c) >= want else None)(
        cvz.children_of(pid)), 15)


def gone(pids):
    return cvz.wait_until(lambda: not any(cvz.alive(p) for p in pids), 5)


args = ("--models", "multiprocessing", "--workers", "2", "--workload", "4*io:5s")

# Does this SDL have a dummy driver that can open a window? If not, skip.
probe = start_window("--workload", "io:1ms", "--models", "asyncio")
time.sleep(1.5)
if probe.poll() is not None:
    out, err = probe.communicate()
    if "cannot open a window" in err:
        print("skipped: no video driver can open a window here:", err.strip())
        raise SystemExit(cvz.SKIP)
    raise AssertionError(f"the window exited early: {probe.returncode}: {err}")
probe.send_signal(signal.SIGTERM)
probe.communicate(timeout=10)

for sig, code_want, word in ((signal.SIGINT, 130, "interrupted"),
                             (signal.SIGTERM, 143, "terminated")):
    p = start_window(*args)
    try:
        kids = descendants(p.pid, 3)
        assert kids, "the workers never started"
        t0 = time.monotonic()
        os.kill(p.pid, sig)
        out, err = p.communicate(timeout=10)
        assert p.returncode == code_want, (p.returncode, err)
        assert word in err, err
        assert time.monotonic() - t0 < 3
        assert gone(kids), f"left behind: {[k for k in kids if cvz.alive(k)]}"
    finally:
        cvz.kill_tree(p.pid)

# A worker killed under the window: the window goes on (it draws the lost
# worker), and closes cleanly afterwards.
p = start_window(*args)
try:
    kids = descendants(p.pid, 3)
    assert kids
    helper = [k for k in kids
              if open(f"/proc/{k}/stat").read().rsplit(")", 1)[1].split()[1] == str(p.pid)]
    workers = [k for k in kids if k not in helper]
    assert workers, kids
    os.kill(workers[0], signal.SIGKILL)
    time.sleep(1.0)
    assert p.poll() is None, f"the window died with the worker: {p.communicate()}"
    os.kill(p.pid, signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 143, (p.returncode, err)
    assert gone(kids), f"left behind: {[k for k in kids if cvz.alive(k)]}"
finally:
    cvz.kill_tree(p.pid)

# @pictures reads ~/.config/user-dirs.dirs: a FIFO there is not read (it
# would block the window before it opens), the default folder is used.
import tempfile
cfg = tempfile.mkdtemp()
os.mkfifo(os.path.join(cfg, "user-dirs.dirs"))
env["XDG_CONFIG_HOME"] = cfg
p = start_window("--shots-dir", "@pictures", "--workload", "io:1ms", "--models", "asyncio")
try:
    time.sleep(1.5)
    assert p.poll() is None, f"the window exited: {p.communicate()}"
    os.kill(p.pid, signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 143, (p.returncode, err)  # not killed inside open()
finally:
    cvz.kill_tree(p.pid)
del env["XDG_CONFIG_HOME"]
