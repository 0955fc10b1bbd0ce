"""cvz.py - helpers shared by the command-line tests (Python stdlib only).

Each test script is run by meson as `python3 SCRIPT CONCVIZ`, where CONCVIZ
is the built binary. A test fails by raising (an assert or any exception),
and is skipped by exiting with 77.
"""
import json
import os
import signal
import subprocess
import sys
import time

SKIP = 77


def concviz():
    return sys.argv[1]


def run(*args, timeout=60, env=None):
    """Runs concviz with args; returns (exit code, stdout, stderr)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([concviz(), *args], capture_output=True, text=True,
                       errors="replace", timeout=timeout, env=e)
    return p.returncode, p.stdout, p.stderr


def run_json(*args, timeout=60):
    code, out, err = run("run", "--json", *args, timeout=timeout)
    assert code == 0, f"exit {code}: {err}"
    return json.loads(out)


def result(doc, model):
    for r in doc["results"]:
        if r["model"] == model:
            return r
    raise AssertionError(f"no result for {model} in {doc}")


def cpus():
    return len(os.sched_getaffinity(0))


def proc_table():
    """{pid: (ppid, session, start time, state)} of every process, from
    /proc/PID/stat (the start time tells a pid from a later reuse of it)."""
    t = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        # The fields after the name: state ppid pgrp session ... starttime (22nd).
        rest = s[s.rfind(")") + 2:].split()
        t[int(d)] = (int(rest[1]), int(rest[3]), int(rest[19]), rest[0])
    return t


def children_of(pid):
    """Every live process descended from pid (from /proc), with its state."""
    table = proc_table()
    out = {}
    frontier = [pid]
    while frontier:
        p = frontier.pop()
        for c, (pp, _, _, state) in table.items():
            if pp == p and c not in out:
                out[c] = state
                frontier.append(c)
    return out


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return False
    return s[s.rfind(")") + 2:].split()[0] != "Z"


def wait_until(pred, timeout, step=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def start(*args):
    """Starts concviz in the background, in a session of its own."""
    return subprocess.Popen([concviz(), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def kill_tree(pid):
    for c in children_of(pid):
        try:
            os.kill(c, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
