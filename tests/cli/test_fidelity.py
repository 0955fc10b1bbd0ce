"""Fidelity: a few rows of bench/fidelity.py's corpus, each within 2x of
CPython on this machine.

Each row runs the workload through `concviz run --json` and through the
program `concviz python` prints for it, under the python3 running this
test: median of 3 runs each, alternating. A row fails only beyond 2x, and
only if two more tries on a busy machine are beyond 2x too. The full
report, every row and its deviation, is `scripts/bench`'s.

Like the report, it charges a profile calibrated on this machine a minute
before: it runs `concviz calibrate` first, into a cache of its own (the
built-in profile, CPython 3.12 measured elsewhere and scaled by the
machine's speed, put `2*(200000*inc:hits)` at 1.9 to 2.1 of CPython 3.11's
time on a machine where 3.11 runs `x += 1` twice as fast as when the
built-in was measured: a bound that tests the machine, not concviz). If
calibrating fails, it says so and goes on with the built-in profile.

The rows: big steps, and the fine-grained rows of issue 12's table, where
what CPython's own machinery costs is most of the time (the cost model,
costs.h, is what brings them within reach).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "bench"))
import cvz        # noqa: E402
import fidelity   # noqa: E402

BOUND = 2.0       # the "the test fails beyond 2x"
TRIES = 3

ROWS = [
    # Big steps.
    ("8*io:200ms", "asyncio"),
    ("8*io:200ms", "threading"),
    ("8*io:200ms", "multiprocessing"),
    ("4*cpu:100ms", "threading"),
    ("4*cpu:100ms", "multiprocessing"),
    ("(20*io:10ms)", "asyncio"),
    ("32*thread(io:10ms)", "multiprocessing"),
    # Finer rows that already agree. Not (2000*cpu:50us): CPython's own
    # time for it moves most with the machine (the program's cpu() loop
    # is calibrated once, on 10 ms, and 2000 short calls meet whatever
    # comes after: 84 to 111 ms for 100 ms asked, in one hour here); big
    # cpu rows have the margin.
    ("(1000*io:100us)", "threading"),
    ("(1000*io:100us)", "multiprocessing"),
    ("cpu:300ms + (50*(io:1ms,cpu:50us))", "threading"),
    # Issue 12's table, and rows whose time is mostly a cost of the
    # profile: start() waits for each new thread; queue.Queue put and get;
    # a forkserver's launch and a process executor's round trips.
    ("(20000*yield)", "threading"),
    ("(20000*yield)", "asyncio"),
    ("2*(200000*inc:hits)", "threading"),
    ("2*lock:L(50000*inc:hits)", "threading"),
    ("50*(put:q:1KB) + 50*get:q", "multiprocessing"),
    ("50*(put:q:1KB) + 50*get:q", "asyncio"),
    ("1000*io:100ms", "threading"),
    ("32*thread(io:10ms)", "asyncio"),
    ("32*thread(io:10ms)", "threading"),
    ("(10000*put:q:1KB) + (10000*get:q)", "threading"),
    ("(50*process(yield))", "asyncio"),
]


def case_of(workload):
    for c in fidelity.CORPUS:
        if c.workload == workload:
            return c
    raise AssertionError(f"{workload} is not in bench/fidelity.py's corpus")


def show(row):
    return (f"concviz {fidelity.fmt_ms(row['concviz_median_ms'])} ms, CPython "
            f"{fidelity.fmt_ms(row['python_median_ms'])} ms, ratio {row['ratio']:.2f}")


concviz = cvz.concviz()
python = sys.executable
print(f"CPython {sys.version.split()[0]} ({python}); load average "
      f"{fidelity.loadavg()}")

# A cache of its own, calibrated now (see above); every concviz below
# inherits it.
cache = tempfile.mkdtemp(prefix="concviz-fidelity-cache-")
os.environ["XDG_CACHE_HOME"] = cache
try:
    cal = subprocess.run([concviz, "calibrate"], capture_output=True, text=True,
                         errors="replace", timeout=240)
    if cal.returncode != 0:
        print("calibrate failed (exit %d): %s; the built-in profile is charged"
              % (cal.returncode, (cal.stderr.strip().splitlines() or ["?"])[-1]))
except subprocess.TimeoutExpired:
    print("calibrate took over 240 s; the built-in profile is charged")
print(fidelity.describe_costs(fidelity.concviz_costs(concviz),
                              fidelity.python_version(python)))
failures = []
for workload, model in ROWS:
    case = case_of(workload)
    assert model in case.models, (workload, model)
    for attempt in range(1, TRIES + 1):
        row = fidelity.measure(concviz, python, case, model, runs=3)
        assert "error" not in row, f"{workload} {model}: {row['error']}"
        within = 1 / BOUND <= row["ratio"] <= BOUND
        print(f"{workload} {model}: {show(row)}"
              f"{'' if within else f' (beyond {BOUND:g}x, try {attempt} of {TRIES})'}")
        if within:
            break
    if not within:
        failures.append(f"{workload} {model}: {show(row)}")

shutil.rmtree(cache, ignore_errors=True)
for f in failures:
    print(f"FAILED, beyond {BOUND:g}x of CPython: {f}")
print(f"load average {fidelity.loadavg()} after")
assert not failures, f"{len(failures)} rows beyond {BOUND:g}x of CPython"
