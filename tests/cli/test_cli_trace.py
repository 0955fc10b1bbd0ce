"""test_cli_trace.py - `concviz trace -- python3 script.py` from outside.

What a person sees: the program's output passes through (stdout and stderr,
stdin from a pipe), its exit code becomes concviz's (128+N for a signal, 1
for --timeout), the trace is saved (-o) where `concviz shot --open` draws
it, concviz's own lines come after the program's on stderr, and the
tracer never changes what the program computes (traced and untraced print
the same). Faults: a script that raises, is killed, forks without exec,
never ends (--timeout, with a child of its own), starts a thousand threads;
an interpreter that is not Python or is too old; usage errors (exit 2).
After each, no process of the program is left.
"""
import atexit
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import cvz

py = shutil.which("python3")
if not py:
    print("test_cli_trace: skipped: no python3")
    sys.exit(cvz.SKIP)

d = tempfile.mkdtemp(prefix="concviz-test-trace-")
atexit.register(shutil.rmtree, d, True)  # a failed assert leaves nothing either
env = {"SDL_VIDEODRIVER": "dummy", "TMPDIR": d}


def script(name, text):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def trace(*args, stdin=None, timeout=120):
    """concviz trace ARGS; returns (exit code, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env)
    p = subprocess.run([cvz.concviz(), "trace", *args], capture_output=True, text=True,
                       errors="replace", timeout=timeout, env=e, input=stdin)
    return p.returncode, p.stdout, p.stderr


def no_leftovers(marker):
    """No process whose command line holds marker."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        assert marker.encode() not in cmd, f"left behind: {cmd!r}"


def saved(path):
    with open(path) as f:
        doc = json.load(f)
    assert "concviz_program" in doc["otherData"], doc["otherData"].keys()
    return doc


def lanes(doc):
    return [x["args"]["name"] for x in doc["traceEvents"]
            if x.get("ph") == "M" and x.get("name") == "thread_name"]


def only_own_files():
    """Nothing of concviz's in TMPDIR: its private folder is gone."""
    left = [x for x in os.listdir(d) if not x.endswith((".py", ".sh", ".json", ".png", ".txt"))]
    assert not left, left


# ---- output, stdin and the exit code pass through ----
p = script("hello.py", "import sys\n"
                       "line = sys.stdin.readline().strip()\n"
                       "print('out', line)\n"
                       "print('err', file=sys.stderr)\n"
                       "sys.exit(3)\n")
out = os.path.join(d, "hello.json")
code, so, se = trace("-o", out, "--", py, p, stdin="from-stdin\n")
assert code == 3, (code, se)
assert so == "out from-stdin\n", repr(so)
assert se.startswith("err\n"), se  # the program's first, concviz's after
assert "concviz: traced" in se and "exited with status 3" in se, se
doc = saved(out)
assert doc["otherData"]["exit_code"] == 3
assert "MainThread" in lanes(doc)
png = os.path.join(d, "hello.png")
code, so2, se2 = cvz.run("shot", "--open", out, "-o", png, "--size", "800x600", env=env)
assert code == 0 and os.path.getsize(png) > 0, se2
only_own_files()

# ---- a bad output path: refused before the program runs ----
marker_file = os.path.join(d, "ran.txt")
p = script("marks.py", "open(%r, 'w').write('ran')\n" % marker_file)
for target, word in ((os.path.join(d, "missing", "x.json"), "missing"),
                     ("/dev/full", "/dev/full"), (d, "folder")):
    code, so, se = trace("-o", target, "--", py, p)
    assert code == 1 and se.startswith("concviz: ") and word in se, (target, code, se)
    assert not os.path.exists(marker_file), "the program ran before the path was checked"

# ---- the tracer never changes what the program computes ----
p = script("compute.py", "import asyncio, threading, hashlib\n"
                         "acc = []\n"
                         "def work(i):\n"
                         "    acc.append(hashlib.sha256(str(i).encode() * 1000).hexdigest())\n"
                         "ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]\n"
                         "[t.start() for t in ts]; [t.join() for t in ts]\n"
                         "async def f(i):\n"
                         "    await asyncio.sleep(0.001 * (8 - i))\n"
                         "    return i * i\n"
                         "async def main():\n"
                         "    return await asyncio.gather(*(f(i) for i in range(8)))\n"
                         "print(sorted(acc), asyncio.run(main()))\n")
plain = subprocess.run([py, p], capture_output=True, text=True, timeout=60).stdout
code, so, se = trace("-o", os.path.join(d, "compute.json"), "--", py, p)
assert code == 0, se
assert so == plain and plain, (so, plain)
# ...nor what it sees of itself: its name, file, arguments, path, module
p = script("itself.py", "import sys, os\n"
                        "print(__name__, __file__, sys.argv, __package__, __spec__,\n"
                        "      sys.modules['__main__'].__file__, sys.path[0],\n"
                        "      type(__loader__).__name__)\n")
plain = subprocess.run([py, "itself.py", "x", "y"], capture_output=True, text=True,
                       timeout=60, cwd=d).stdout
e = dict(os.environ)
e.update(env)
traced = subprocess.run([os.path.abspath(cvz.concviz()), "trace", "-o", "itself.json", "--", py, "itself.py",
                         "x", "y"], capture_output=True, text=True, timeout=60, cwd=d, env=e)
assert traced.returncode == 0, traced.stderr
assert traced.stdout == plain and plain, (traced.stdout, plain)

# ---- a script that raises: exit 1, the exception said, the trace kept ----
p = script("raises.py", "def f():\n    raise ValueError('bad value')\nf()\n")
out = os.path.join(d, "raises.json")
code, so, se = trace("-o", out, "--", py, p)
assert code == 1, (code, se)
assert "ValueError: bad value" in se and "Traceback" in se, se
# Python's own traceback, without the tracer's frames
assert "concviz_trace" not in se and "runpy" not in se, se
assert "ValueError" in saved(out)["otherData"]["raised"]

# ---- killed by a signal: 128 + N ----
p = script("killed.py", "import os, signal, time\ntime.sleep(0.05)\n"
                        "os.kill(os.getpid(), signal.SIGKILL)\n")
out = os.path.join(d, "killed.json")
code, so, se = trace("-o", out, "--", py, p)
assert code == 128 + 9, (code, se)
assert "signal 9" in se, se
saved(out)

# ---- forks without exec: the child is traced, a lane of its own ----
p = script("forks.py", "import os, time\n"
                       "pid = os.fork()\n"
                       "if pid == 0:\n"
                       "    time.sleep(0.05)\n"
                       "    os._exit(0)\n"
                       "os.waitpid(pid, 0)\n"
                       "print('parent done')\n")
out = os.path.join(d, "forks.json")
code, so, se = trace("-o", out, "--", py, p)
assert code == 0 and so == "parent done\n", (code, so, se)
pids = {x["pid"] for x in saved(out)["traceEvents"] if x.get("ph") == "X"}
assert len(pids) == 2, pids
assert "2 processes" in se, se

# ---- never ends: --timeout stops it and its child, keeps what it did ----
marker = "31337.25"
p = script("forever.py", "import multiprocessing, time\n"
                         "def child():\n"
                         "    time.sleep(%s)\n"
                         "if __name__ == '__main__':\n"
                         "    multiprocessing.Process(target=child).start()\n"
                         "    print('started', flush=True)\n"
                         "    time.sleep(%s)\n" % (marker, marker))
out = os.path.join(d, "forever.json")
code, so, se = trace("--timeout", "2s", "-o", out, "--", py, p)
assert code == 1, (code, se)
assert so == "started\n", so
assert "--timeout" in se, se
doc = saved(out)
assert doc["otherData"]["outcome"] == "timeout", doc["otherData"]["outcome"]
no_leftovers(marker)

# ---- Ctrl+C: stops it as --timeout does, 130, the trace kept ----
import signal  # noqa: E402
import time  # noqa: E402
out = os.path.join(d, "interrupted.json")
e = dict(os.environ)
e.update(env)
w = subprocess.Popen([cvz.concviz(), "trace", "-o", out, "--", py, p], stdin=subprocess.DEVNULL,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
assert w.stdout.readline() == "started\n"
w.send_signal(signal.SIGINT)
so, se = w.communicate(timeout=60)
assert w.returncode == 130 and "interrupted" in se, (w.returncode, se)
assert saved(out)["otherData"]["outcome"] == "cancelled", se
no_leftovers(marker)

# ---- a thousand threads: every one a lane ----
p = script("many.py", "import threading, time\n"
                      "ts = [threading.Thread(target=time.sleep, args=(0.01,)) "
                      "for _ in range(1000)]\n"
                      "[t.start() for t in ts]; [t.join() for t in ts]\n"
                      "print(threading.active_count())\n")
out = os.path.join(d, "many.json")
code, so, se = trace("-o", out, "--", py, p, timeout=300)
assert code == 0 and so == "1\n", (code, so, se)
assert "1,001 threads" in se, se
assert len(lanes(saved(out))) == 1001

# ---- --show: the window opens on the trace once the program ended ----
out = os.path.join(d, "show.json")
e = dict(os.environ)
e.update(env)
w = subprocess.Popen([cvz.concviz(), "trace", "--show", "-o", out, "--", py,
                      os.path.join(d, "hello.py")], stdin=subprocess.DEVNULL,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
deadline = time.monotonic() + 60
while not os.path.exists(out) and time.monotonic() < deadline and w.poll() is None:
    time.sleep(0.1)
time.sleep(1.0)
assert w.poll() is None, ("the window should be open", w.communicate())
w.send_signal(signal.SIGTERM)
so, se = w.communicate(timeout=30)
assert w.returncode == 143 and "terminated" in se, (w.returncode, se)
saved(out)

# ---- interpreters that will not do, and usage errors: exit 2 ----
notpy = script("notpython.sh", "#!/bin/sh\necho hello\n")
os.chmod(notpy, 0o755)
hello = os.path.join(d, "hello.py")
cases = [
    ((), "nothing to trace"),
    (("--", py), "no script after"),
    (("--", py, "-c", "print(1)"), "not -c"),
    (("--", py, os.path.join(d, "missing.py")), "missing.py"),
    (("--bogus", "--", py, hello), "unknown option"),
    (("--timeout", "soon", "--", py, hello), "--timeout"),
    (("--", notpy, hello), "notpython.sh"),
    (("--", "no-such-python-here", hello), "no-such-python-here"),
]
for old in sorted(glob.glob("/root/.pyenv/versions/3.7*/bin/python3.7"))[:1]:
    cases.append((("--", old, hello), "3.8"))
for args, word in cases:
    code, so, se = trace(*args)
    assert code == 2, (args, code, se)
    assert se.startswith("concviz") and word in se, (args, se)
    assert "Traceback" not in se, se
code, so, se = cvz.run("trace", "--show", "--", py, hello,
                       env={"SDL_VIDEODRIVER": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""})
assert code == 2 and "--show needs a display" in se, (code, se)
code, so, se = trace("--help")
assert code == 0 and "concviz trace [OPTIONS] -- PYTHON" in so, so

only_own_files()
print("cli_trace: ok")
