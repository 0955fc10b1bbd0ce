"""`concviz run --python`: each model's program measured in CPython beside it.

- the CPython results in --json: one per model, source "cpython", the
  interpreter's version (the one `python3` on PATH reports), every task
  done, the recorded wall time agreeing with the wall_ms= line the program
  printed itself, and wall_vs_engine the ratio of the two wall times;
- the table: a row "  CPython 3.X" under each model's, and the footer
  naming the interpreter and its version;
- the program run is the program `concviz python` prints: `concviz python
  --record` without the recorder's block and its _cz_ lines is that text;
- --trace keeps the CPython traces (otherData.cpython, format 3);
- no interpreter: the engines' rows are still printed, the message says how
  to install python3, exit 1; no free-threaded Python: said, exit 0;
- fake interpreters that hang (with --timeout), exit 1 or write garbage:
  a sentence each, exit 1, and no process of theirs left;
- SIGTERM while CPython runs: exit 143, no process and no folder left.
"""
import glob
import json
import os
import re
import signal
import stat
import subprocess
import tempfile
import time

import cvz

PY = subprocess.run(["python3", "-c", "import platform; print(platform.python_version())"],
                    capture_output=True, text=True, check=True).stdout.strip()
SHORT = ".".join(PY.split(".")[:2])


# A temporary folder of this test's own (concviz makes its folders under
# $TMPDIR): another test running beside it makes concviz-py-* folders of
# its own in /tmp, which must not read as ours left behind.
TMP = tempfile.mkdtemp(prefix="cvz-test-python-run-")
os.environ["TMPDIR"] = TMP


def folders():
    return set(glob.glob(os.path.join(TMP, "concviz-py-*")))


before = folders()

# --- the JSON: a CPython result beside each engine's
code, out, err = cvz.run("run", "--json", "--python", "--workload", "4*io:100ms",
                         "--workers", "2", timeout=120)
assert code == 0, (code, err)
doc = json.loads(out)
engines = [r for r in doc["results"] if r["source"] == "engine"]
cpython = [r for r in doc["results"] if r["source"] == "cpython"]
assert [r["model"] for r in engines] == ["asyncio", "threading", "multiprocessing"], doc
assert [r["model"] for r in cpython] == ["asyncio", "threading", "multiprocessing"], doc
for r, e in zip(cpython, engines):
    assert r["ok"] is True, r
    assert r["python"]["version"] == PY and r["python"]["interpreter"] == "python3", r["python"]
    assert r["python"]["implementation"] == "cpython"
    assert r["tasks_done"] == 4 and len(r["tasks"]) == 4
    for t in r["tasks"]:
        assert 0 <= t["start_ms"] <= t["end_ms"] <= r["wall_ms"] + 1e-6, t
        assert 0 <= t["cpu_ms"] <= t["end_ms"] - t["start_ms"] + 1e-6, t
    # the last task ends before the program does: at once under asyncio and
    # threading; a Pool still has to stop its workers
    slack = 100.0 if r["model"] == "multiprocessing" else max(5.0, 0.1 * r["wall_ms"])
    assert r["wall_ms"] <= r["printed_wall_ms"] + 0.5, r
    assert r["printed_wall_ms"] - r["wall_ms"] <= slack, r
    assert abs(r["wall_vs_engine"] - r["wall_ms"] / e["wall_ms"]) < 0.01, (r, e)
for m in ("asyncio", "threading"):
    w = cvz.result({"results": cpython}, m)["wall_ms"]
    assert 95 <= w < 400, f"{m} in CPython: 4*io:100ms took {w} ms"
w = cvz.result({"results": cpython}, "multiprocessing")["wall_ms"]
assert w >= 195, f"multiprocessing in CPython with 2 workers: {w} ms, want 2 rounds"

# --- the table: a CPython row under each model's, the interpreter named
code, out, err = cvz.run("run", "--python", "--workload", "2*(cpu:20ms,io:20ms)",
                         "--models", "asyncio,threading", timeout=120)
assert code == 0, (code, err)
rows = re.findall(rf"^  CPython {re.escape(SHORT)} +\S+ ms .* (\d+\.\d+)x$", out, re.M)
assert len(rows) == 2, out
assert f"python3 (CPython {PY})" in out, out
assert "CPy/conc" in out

# --- the program measured is the program printed
for spec in ("4*(cpu:40ms,io:60ms,cpu:40ms) + 4*io:150ms",
             "2*lock:L(100*(load:hits,cpu:20us,store:hits)) + put:q:1KB + get:q + "
             "thread(io:1ms) + process(cpu:1ms)"):
    for model in ("asyncio", "threading", "multiprocessing", "free-threading"):
        c1, plain, _ = cvz.run("python", "--workload", spec, "--models", model)
        c2, rec, _ = cvz.run("python", "--record", "--workload", spec, "--models", model)
        assert c1 == 0 and c2 == 0
        assert "_cz_setup(" in rec
        stripped = re.sub(r"\n\n# >>> concviz recorder.*?# <<< concviz recorder <<<\n", "",
                          rec, flags=re.S)
        stripped = "".join(line for line in stripped.splitlines(keepends=True)
                           if not line.lstrip().startswith("_cz_"))
        assert stripped == plain, f"{spec} under {model}: the recorded program differs"

# --- --trace keeps them
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "run.json")
    code, out, err = cvz.run("run", "--python", "--workload", "2*io:20ms", "--models",
                             "asyncio", "--trace", path, timeout=120)
    assert code == 0, err
    with open(path) as f:
        saved = json.load(f)
    other = saved["otherData"]
    assert other["concviz_format"] == 4
    assert [m["name"] for m in other["cpython"]] == ["asyncio"]
    assert other["cpython"][0]["python"]["version"] == PY
    assert other["cpython"][0]["of"] == 0
    names = [e["args"]["name"] for e in saved["traceEvents"] if e.get("name") == "process_name"]
    assert names == ["asyncio", f"asyncio (CPython {PY}, measured)"], names

# --- no interpreter: the engines still run; how to install one; exit 1
code, out, err = cvz.run("run", "--python", "/nonexistent/python3", "--workload", "2*io:10ms",
                         "--models", "asyncio")
assert code == 1, (code, err)
assert re.search(r"^asyncio +\S+ ms", out, re.M), out
assert "sudo apt-get install python3" in err, err
code, out, err = cvz.run("run", "--python", "--workload", "2*io:10ms", "--models", "asyncio",
                         env={"PATH": "/nonexistent"})
assert code == 1, (code, err)
assert "python3 was not found on PATH" in err and "sudo apt-get install python3" in err, err
assert re.search(r"^asyncio +\S+ ms", out, re.M), out

# free-threading without a free-threaded Python: said, and not a failure
code, out, err = cvz.run("run", "--python", "--workload", "2*io:10ms", "--models",
                         "asyncio,free-threading", env={"PATH": os.path.dirname(
                             subprocess.run(["sh", "-c", "command -v python3"],
                                            capture_output=True, text=True).stdout.strip())},
                         timeout=120)
if "no free-threaded Python was found" in err:
    assert code == 0, (code, err)
    assert "no free-threaded Python was found" in out
else:
    print("a free-threaded Python is on PATH here: its absence is not tested")

code, out, err = cvz.run("run", "--python=", "--workload", "io:1ms")
assert code == 2, (code, err)

# --- fake interpreters
ANSWER = f'if [ "$3" = "-c" ]; then echo "concviz-probe cpython {PY} 0 1 3 11"; exit 0; fi\n'


def fake(d, name, body):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + ANSWER + body + "\n")
    os.chmod(path, stat.S_IRWXU)
    return path


def left(marker):
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    return True
        except OSError:
            pass
    return False


with tempfile.TemporaryDirectory() as d:
    hang = fake(d, "hang", "sleep 987661 & sleep 987661; wait")
    t0 = time.monotonic()
    code, out, err = cvz.run("run", "--python", hang, "--timeout", "1s", "--workload",
                             "2*io:10ms", "--models", "threading", timeout=60)
    assert code == 1, (code, err)
    assert "stopped after 1.00 s (--timeout)" in out and "threading in CPython" in err, (out, err)
    assert time.monotonic() - t0 < 20
    assert not left("987661"), "a process of the hanging interpreter is still running"

    boom = fake(d, "boom", "echo 'Traceback: RuntimeError: boom' >&2; exit 1")
    code, out, err = cvz.run("run", "--python", boom, "--workload", "io:10ms", "--models",
                             "asyncio")
    assert code == 1 and "exited with status 1: Traceback: RuntimeError: boom" in out, (out, err)

    junk = fake(d, "junk", 'printf "concviz-recording 1\\n\\033]0;pwned\\007\\n" > '
                           '"$CONCVIZ_RECORD.$$"; echo \'{"traceEvents": [\'')
    code, out, err = cvz.run("run", "--python", junk, "--workload", "io:10ms", "--models",
                             "asyncio")
    assert code == 1 and "its recording cannot be used" in out, (out, err)
    assert "\033" not in out and "\033" not in err, "terminal escapes reached the terminal"

# --- lesson --verify judges a `cpython: yes` step on CPython's run too
LESSON = """# Real CPython

## Computing

```concviz
workload: 2*cpu:50ms
models: threading
cpython: yes
question: About how long does threading take?
choices: 10ms, 100ms, 1s
answer: 100ms
check: wall threading
tolerance: 90%
```
"""
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "real.md")
    with open(path, "w") as f:
        f.write(LESSON)
    code, out, err = cvz.run("lesson", "--verify", path, timeout=120)
    # judged on CPython's run too (the verdict itself is the machine's: a
    # busy one can make 100 ms of work take twice that)
    assert re.search(rf"step 1 'Computing': CPython (ok|FAILED): Measured in CPython "
                     rf"{re.escape(PY)}: threading took", out), (out, err)
    code, out, err = cvz.run("lesson", "--verify", path, env={"PATH": "/nonexistent"},
                             timeout=120)
    assert "CPython skipped: python3 was not found on PATH" in out, (out, err)
    code, out, err = cvz.run("lesson", "--check", "--python", "python3", path)
    assert code == 2 and "--python goes with --verify" in err, (code, err)

# --- SIGTERM while CPython runs: stopped cleanly, nothing left
p = cvz.start("run", "--python", "--workload", "(40*io:250ms)", "--models", "threading")
try:
    assert cvz.wait_until(lambda: any("threading_demo.py" in open(f"/proc/{c}/cmdline").read()
                                      for c in cvz.children_of(p.pid)
                                      if os.path.exists(f"/proc/{c}/cmdline")), 30), \
        "CPython never started"
    kids = set(cvz.children_of(p.pid))
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 143, (p.returncode, err)
    assert cvz.wait_until(lambda: not any(cvz.alive(k) for k in kids), 5), "a process is left"
finally:
    cvz.kill_tree(p.pid)

assert folders() <= before, f"folders left behind: {folders() - before}"
os.rmdir(TMP)  # empty, or this fails: something else was left there
print(f"run --python with python3 {PY}: all passed")
