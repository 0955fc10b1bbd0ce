#!/usr/bin/env python3
"""fidelity.py - how close concviz's times are to CPython's, row by row.

concviz promises pictures true to what CPython does with the same workload
on the same machine. This report checks the promise where it can be
measured: for each row of a corpus (a workload and a model) it runs

    concviz run --json --models M --workload W          (its wall_ms)
    python3 PROG   where PROG = concviz python --workload W --models M
                                                        (its wall_ms=... line)

three times each, alternating the two (A B B A A B) so that both see the
same load, and compares the medians: ratio = concviz / CPython. Both sides
time the same thing: the concurrent part of the program, from before the
event loop, the first thread or the pool is made until the loop is shut
down, the threads joined or the pool stopped, after start-up and
calibration.

Deviation is |log ratio| written as a percentage, max(r, 1/r) - 1: a row
twice too slow and a row twice too fast both deviate by 100%. (|r - 1|
would call the second one only 50% off, and never more than 100%.)

The report measures; it never asserts a time. It exits 1 only when a row
could not be run at all (concviz or the program failed). Usage:

    python3 bench/fidelity.py --concviz build-bench/src/app/concviz \
        [--json fidelity-results.json] [--python python3] [--ft-python PATH]
        [--runs 3] [--only SUBSTRING]

scripts/bench runs it after the benchmarks. tests/cli/test_fidelity.py
imports it and holds a few rows of this corpus to a 2x bound.
"""
import argparse
import glob
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ASYNCIO, THREADING, MP, FT = "asyncio", "threading", "multiprocessing", "free-threading"
ALL = (ASYNCIO, THREADING, MP, FT)

# Issue 12's targets, printed beside the measured figures.
TARGET_MEDIAN = 0.15
TARGET_WORST = 0.50
TARGET_TABLE = 0.25     # each row of issue 12's table, and 10000*io:100ms


class Case:
    """One workload of the corpus and the models it runs under.

    table: the models for which (workload, model) is a row of issue 12's
    table, written there exactly so. may_refuse: concviz may refuse the
    workload under a model (a limit it is about to lose); the row is then
    skipped with concviz's own message instead of counted as a failure.
    options: more settings, given to `concviz run` and `concviz python`
    alike (("--threads", "2"): a pool of two threads)."""

    def __init__(self, workload, models, why, table=(), may_refuse=False, options=()):
        self.workload = workload
        self.models = tuple(models)
        self.why = why
        self.table = tuple(table)
        self.may_refuse = may_refuse
        self.options = tuple(options)
        self.label = " ".join((workload,) + self.options)


# The corpus. Every step kind (cpu, io, yield, inc, load/store, lock, sem,
# put/get, thread(...), process(...)) runs under every model; sizes are
# chosen so that the whole report takes a few minutes on two cores. Rows
# whose CPython time would be seconds (20,000 sleeps in a worker process,
# 500 rounds of 100 ms in a pool of two) run only under the models where
# they teach something.
CORPUS = [
    # Issue 12's table, exactly as written there.
    Case("(20000*yield)", (ASYNCIO, THREADING, FT),
         "one trip through the loop; time.sleep(0) is a real nanosleep",
         table=(ASYNCIO, THREADING)),
    Case("2*(200000*inc:hits)", ALL, "x += 1 in a loop, two tasks",
         table=(THREADING,)),
    Case("2*lock:L(50000*inc:hits)", ALL, "a lock held around a loop",
         table=(THREADING,)),
    Case("50*(put:q:1KB) + 50*get:q", ALL, "50 items through a queue",
         table=(MP, ASYNCIO)),
    Case("1000*io:100ms", (ASYNCIO, THREADING, FT), "a thousand waiting tasks",
         table=(THREADING,)),
    Case("32*thread(io:10ms)", (ASYNCIO, THREADING, MP),
         "asyncio.to_thread: the pool grows to its maximum", table=(ASYNCIO,)),
    Case("10000*io:100ms", (THREADING, ASYNCIO),
         "ten thousand threads: an ordinary classroom example",
         table=(THREADING,), may_refuse=True),
    # Big steps: where the models differ most plainly.
    Case("8*io:200ms", ALL, "I/O-bound: one wait, or four rounds of two"),
    Case("4*cpu:100ms", ALL, "CPU-bound: the sum, or in parallel"),
    Case("4*(cpu:20ms,io:50ms,cpu:20ms)", ALL, "mixed"),
    Case("cpu:200ms + 4*io:100ms", ALL, "a computation blocks the loop"),
    Case("cpu:300ms + (50*(io:1ms,cpu:50us))", (ASYNCIO, THREADING, MP),
         "the convoy effect beside a CPU hog"),
    # Finer steps: what each operation costs.
    Case("(20*io:10ms)", ALL, "timers one after another"),
    Case("100*io:10ms", ALL, "many short timers"),
    Case("(1000*io:100us)", ALL,
         "short sleeps: timer slack; asyncio's epoll rounds up to 1 ms"),
    Case("(2000*cpu:50us)", ALL, "short computations: a call each"),
    Case("4*(1000*yield)", ALL, "yield in four tasks"),
    Case("2*(100000*(load:n,store:n))", ALL, "tmp = n; n = tmp + 1"),
    Case("4*(200*(load:n,yield,store:n))", ALL,
         "a switch between load and store loses updates"),
    Case("2*(20000*inc:shared.hits)", ALL, "a multiprocessing.Value"),
    Case("4*(2000*lock:L(inc:hits))", ALL, "a contended lock, taken per turn"),
    Case("4*sem:S/2(cpu:50ms)", ALL, "a semaphore around computations"),
    Case("8*sem:S/2(io:50ms)", ALL, "a semaphore lets two waits at a time"),
    Case("4*(2000*sem:S/2(inc:hits))", ALL, "a semaphore taken per turn"),
    Case("4*(3000*sem:S/4(inc:x))", ALL,
         "a permit always free: threads still queue for the semaphore's own lock"),
    Case("4*(500*lock:L(yield))", ALL, "a lock held across a switch: every acquire waits"),
    Case("(10000*put:q:1KB) + (10000*get:q)", ALL, "a producer and a consumer"),
    Case("(1000*(put:q:1KB,yield)) + (1000*get:q)", ALL,
         "a consumer that waits for every item"),
    Case("(50*put:q:100KB) + (50*get:q)", ALL, "bigger items: the bytes"),
    Case("(10*(put:q:1MB)) + (10*get:q)", ALL,
         "big items: fresh pages of their own, where the heap's threshold is"),
    Case("(4*put:q:16MB) + (4*get:q)", (MP,),
         "items of megabytes: three copies into fresh memory, the pipe in 64 KiB turns"),
    Case("4*thread(cpu:20ms)", (ASYNCIO, THREADING, MP),
         "to_thread with computations: still one GIL"),
    Case("(200*thread(yield))", (ASYNCIO, THREADING, MP),
         "to_thread round trips"),
    Case("2*thread(io:1ms)", (ASYNCIO,),
         "the default executor made, two pool threads started, shut down"),
    Case("3*(cpu:300us)", (THREADING, FT),
         "short threads: what making and starting them costs"),
    Case("8*(io:1ms)", (THREADING, FT), "a ThreadPoolExecutor of two: made, grown, shut down",
         options=("--threads", "2")),
    Case("4*process(cpu:50ms)", (ASYNCIO, THREADING, MP),
         "run_in_executor on a process pool: in parallel"),
    Case("(50*process(yield))", (ASYNCIO, THREADING, MP),
         "process pool round trips"),
]


def deviation(ratio):
    """|log ratio| as a percentage: max(r, 1/r) - 1."""
    return max(ratio, 1.0 / ratio) - 1.0


def median(xs):
    return statistics.median(xs) if xs else None


# --- the machine and the interpreters

def machine_info():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu_model": cpu, "cpus": len(os.sched_getaffinity(0)),
            "kernel": platform.release()}


def loadavg():
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return None


def cpu_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = f[3] + (f[4] if len(f) > 4 else 0)
    return sum(f) - idle, sum(f)


def git_revision(root):
    try:
        rev = subprocess.run(["git", "-C", root, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10)
        return rev.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def python_version(python, env=None):
    """The interpreter's version and whether its GIL is on, or None."""
    code = ("import json, sys, sysconfig; print(json.dumps({'version': "
            "sys.version.split()[0], 'executable': sys.executable, 'gil': "
            "getattr(sys, '_is_gil_enabled', lambda: True)(), 'free_threaded_build': "
            "bool(sysconfig.get_config_var('Py_GIL_DISABLED'))}))")
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run([python, "-c", code], capture_output=True, text=True,
                           timeout=30, env=e)
    except (OSError, subprocess.SubprocessError):
        return None
    if p.returncode != 0:
        return None
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


FT_NAMES = ("python3.13t", "python3.14t", "python3.15t", "python3t")


def find_free_threaded(explicit=None, python="python3"):
    """An interpreter that runs without a GIL: (path, info, why_not).
    Tries --ft-python if given; else python3.13t and later on PATH and in
    pyenv's versions, then `python` itself with PYTHON_GIL=0. path is None
    when none is, and why_not says what was tried."""
    if explicit:
        cands = [explicit]
    else:
        cands = [p for p in map(shutil.which, FT_NAMES) if p]
        root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        cands += sorted(glob.glob(os.path.join(root, "versions", "*t", "bin", "python3*t")))
        cands.append(python)
    for c in cands:
        info = python_version(c, {"PYTHON_GIL": "0"})
        if info and not info["gil"]:
            return c, info, None
    if explicit:
        return None, None, f"{explicit} does not run without a GIL"
    return None, None, (f"no {', '.join(FT_NAMES)} on PATH or in pyenv, and {python} "
                        "with PYTHON_GIL=0 keeps its GIL or refuses")


def concviz_costs(concviz):
    """The cost profile concviz charges by default here (its `costs` in
    `run --json`), or None: which one a report ran with."""
    try:
        p = subprocess.run([concviz, "run", "--json", "--models", "asyncio", "--workload",
                            "io:1ms"], capture_output=True, text=True, timeout=60)
        return json.loads(p.stdout)["results"][0]["costs"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, IndexError):
        return None


def describe_costs(c, py):
    """One line on the profile concviz charges, and a warning when it is not
    what this interpreter measured."""
    if not c:
        return "costs: could not ask concviz which cost profile it charges"
    interp = c.get("interpreter") or {}
    line = (f"costs: concviz charges the {c.get('source')} profile of CPython "
            f"{interp.get('version', '?')}")
    if c.get("file"):
        line += f" ({c['file']})"
    if c.get("source") == "builtin":
        line += f", scaled x{c.get('scale', 1):.2f}"
    if c.get("note"):
        line += f": {c['note']}"
    if c.get("source") != "calibrated" or interp.get("version") != py["version"]:
        line += (f"\n       (not a profile of CPython {py['version']} measured here: "
                 "`concviz calibrate` first for the truest rows)")
    return line


# --- one side of a row

def concviz_once(concviz, workload, model, timeout=120, options=()):
    """One `concviz run --json`: {'ms', 'counters'} or {'error', 'code'}."""
    cmd = [concviz, "run", "--json", "--models", model, "--workload", workload,
           "--timeout", f"{timeout}s", *options]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        return {"error": f"concviz: no answer in {timeout + 30} s", "code": None}
    if p.returncode != 0:
        msg = (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[0]
        return {"error": msg, "code": p.returncode}
    try:
        r = json.loads(p.stdout)["results"][0]
    except (ValueError, KeyError, IndexError):
        return {"error": "concviz: unreadable --json output", "code": p.returncode}
    if not r.get("ok"):
        return {"error": f"concviz: {r.get('error')}", "code": p.returncode}
    counters = {k: v.get("final") for k, v in (r.get("counters") or {}).items()}
    return {"ms": float(r["wall_ms"]), "counters": counters}


def python_program(concviz, workload, model, folder, options=()):
    """Writes the program `concviz python` prints for the row; its path."""
    p = subprocess.run([concviz, "python", "--models", model, "--workload", workload,
                        *options],
                       capture_output=True, text=True, errors="replace", timeout=60)
    if p.returncode != 0:
        raise RuntimeError((p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[0])
    path = os.path.join(folder, re.sub(r"[^a-z]", "_", model) + "_demo.py")
    with open(path, "w") as f:
        f.write(p.stdout)
    return path


COUNTER_LINE = re.compile(r"^counter (\S+): final (-?\d+) of expected (\d+)$")


def python_once(python, program, env=None, timeout=120):
    """One run of a generated program: {'ms', 'counters'} or {'error'}."""
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run([python, os.path.basename(program)], capture_output=True,
                           text=True, errors="replace", timeout=timeout,
                           cwd=os.path.dirname(program), env=e)
    except subprocess.TimeoutExpired:
        return {"error": f"python: no answer in {timeout} s"}
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines or not lines[-1].startswith("wall_ms="):
        tail = (p.stderr.strip().splitlines() or [f"exit {p.returncode}, no wall_ms"])[-1]
        return {"error": f"python: {tail}"}
    counters = {}
    for line in lines:
        m = COUNTER_LINE.match(line)
        if m:
            counters[m.group(1)] = int(m.group(2))
    return {"ms": float(lines[-1][len("wall_ms="):]), "counters": counters}


# --- a row: both sides, alternating

def measure(concviz, python, case, model, runs=3, env=None):
    """Runs one row: `runs` times each side, in the order A B B A A B ...
    Returns a dict with the samples, the medians, the ratio and the
    deviation, or with 'skip' / 'error' set."""
    row = {"workload": case.workload, "model": model, "why": case.why,
           "table": model in case.table, "concviz_ms": [], "python_ms": []}
    if case.options:
        row["options"] = list(case.options)
    folder = tempfile.mkdtemp(prefix="concviz-fidelity-")
    try:
        try:
            program = python_program(concviz, case.workload, model, folder, case.options)
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            row["error"] = f"concviz python: {e}"
            return row
        for i in range(2 * runs):
            concviz_first = (i // 2) % 2 == 0   # A B | B A | A B ...
            side = "concviz" if (i % 2 == 0) == concviz_first else "python"
            if side == "concviz":
                r = concviz_once(concviz, case.workload, model, options=case.options)
                if "error" in r and r.get("code") == 2 and case.may_refuse:
                    row["skip"] = f"concviz refuses it: {r['error']}"
                    return row
            else:
                r = python_once(python, program, env)
            if "error" in r:
                row["error"] = r["error"]
                return row
            row[side + "_ms"].append(r["ms"])
            row[side + "_counters"] = r["counters"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cz, py = median(row["concviz_ms"]), median(row["python_ms"])
    row["concviz_median_ms"], row["python_median_ms"] = cz, py
    if cz and py and cz > 0 and py > 0:
        row["ratio"] = cz / py
        row["deviation"] = deviation(row["ratio"])
    else:
        row["error"] = "a time of zero: no ratio"
    return row


# --- the report

def fmt_ms(x):
    return "-" if x is None else (f"{x:.0f}" if x >= 100 else f"{x:.3g}")


def summarize(rows):
    """The corpus's figures beside issue 12's targets."""
    measured = [r for r in rows if "deviation" in r]
    devs = [r["deviation"] for r in measured]
    table = [r for r in measured if r["table"] and r["workload"] != "10000*io:100ms"]
    big = [r for r in measured if r["table"] and r["workload"] == "10000*io:100ms"]
    worst = max(measured, key=lambda r: r["deviation"]) if measured else None
    out = {
        "deviation": "max(r, 1/r) - 1, r = concviz / CPython (|log r| as a percentage)",
        "rows_measured": len(measured),
        "median_deviation": median(devs),
        "worst_deviation": worst["deviation"] if worst else None,
        "worst_row": " ".join([worst["workload"], *worst.get("options", ()), worst["model"]])
        if worst else None,
        "targets": {"median": TARGET_MEDIAN, "worst": TARGET_WORST,
                    "table_rows": TARGET_TABLE, "10000*io:100ms threading": TARGET_TABLE},
        "table_rows_within": sum(r["deviation"] <= TARGET_TABLE for r in table),
        "table_rows_measured": len(table),
        "threads_10000_deviation": big[0]["deviation"] if big else None,
    }
    return out


def print_summary(s, rows, out=sys.stdout):
    def pct(x):
        return "-" if x is None else f"{100 * x:.0f}%"

    def met(x, t):
        return "-" if x is None else ("yes" if x <= t else "no")
    print(f"deviation = max(r, 1/r) - 1 with r = concviz / CPython "
          f"(|log r| as a percentage), over {s['rows_measured']} rows:", file=out)
    print(f"  median deviation  {pct(s['median_deviation']):>6}   target <= "
          f"{pct(TARGET_MEDIAN)}   met: {met(s['median_deviation'], TARGET_MEDIAN)}", file=out)
    print(f"  worst deviation   {pct(s['worst_deviation']):>6}   target <= "
          f"{pct(TARGET_WORST)}   met: {met(s['worst_deviation'], TARGET_WORST)}"
          f"   ({s['worst_row']})", file=out)
    print(f"  issue 12's table  {s['table_rows_within']} of {s['table_rows_measured']} "
          f"rows within {pct(TARGET_TABLE)} (target: all)", file=out)
    th = s["threads_10000_deviation"]
    if th is None:
        skipped = [r for r in rows if r["workload"] == "10000*io:100ms" and
                   r["model"] == THREADING and "skip" in r]
        why = skipped[0]["skip"] if skipped else "not run"
        print(f"  10000*io:100ms threading: skipped ({why})", file=out)
    else:
        print(f"  10000*io:100ms threading  {pct(th):>6}   target <= {pct(TARGET_TABLE)}"
              f"   met: {met(th, TARGET_TABLE)}", file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--concviz", required=True, help="the concviz program to measure")
    ap.add_argument("--python", default="python3", help="the CPython to compare with")
    ap.add_argument("--ft-python", default=None,
                    help="a free-threaded CPython (default: looked for)")
    ap.add_argument("--json", default=None, help="also write the figures here")
    ap.add_argument("--runs", type=int, default=3, help="runs of each side (default 3)")
    ap.add_argument("--only", default=None,
                    help="only the rows whose 'workload model' contains this")
    a = ap.parse_args(argv)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    py = python_version(a.python)
    if py is None:
        print(f"fidelity: skipped: no Python at '{a.python}' (apt-get install python3)")
        return 0
    ft_path, ft, ft_absent = find_free_threaded(a.ft_python, a.python)
    t0, load0, ticks0 = time.monotonic(), loadavg(), cpu_ticks()
    meta = {"machine": machine_info(), "concviz": os.path.abspath(a.concviz),
            "concviz_revision": git_revision(root), "python": py,
            "free_threaded_python": dict(ft, path=ft_path) if ft else None,
            "free_threaded_absent": ft_absent,
            "runs": a.runs, "loadavg_before": load0,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %z")}
    m = meta["machine"]
    print(f"fidelity: concviz {meta['concviz_revision'] or '(revision unknown)'} against "
          f"CPython {py['version']} ({py['executable']})")
    print(f"machine: {m['cpu_model']}, {m['cpus']} CPUs, Linux {m['kernel']}; "
          f"load average {' '.join(f'{x:.2f}' for x in load0 or [])} before")
    meta["costs"] = concviz_costs(a.concviz)
    print(describe_costs(meta["costs"], py))
    if ft_path:
        print(f"free-threading: CPython {ft['version']} without a GIL ({ft_path}, PYTHON_GIL=0)")
    else:
        print(f"free-threading: no CPython without a GIL here ({ft_absent}): its "
              "rows are skipped")
    print(f"median of {a.runs} runs each, concviz and CPython alternating; ratio = "
          "concviz / CPython\n")

    todo = []
    for case in CORPUS:
        for model in case.models:
            if a.only and a.only not in f"{case.label} {model}":
                continue
            todo.append((case, model))
    w = max((len(c.label) for c, _ in todo), default=10)
    print(f"{'workload':<{w}}  {'model':<15} {'concviz ms':>10} {'CPython ms':>10} "
          f"{'ratio':>7} {'dev':>6}  note")
    rows = []
    for case, model in todo:
        if model == FT and not ft_path:
            row = {"workload": case.workload, "model": model, "why": case.why,
                   "table": False, "skip": "no CPython without a GIL"}
        else:
            python, env = (ft_path, {"PYTHON_GIL": "0"}) if model == FT else (a.python, None)
            row = measure(a.concviz, python, case, model, a.runs, env)
        rows.append(row)
        if model == FT and "skip" in row:
            continue    # said once, above
        note = "issue 12 table" if row["table"] else ""
        if "skip" in row:
            note = f"skipped: {row['skip']}"
        elif "error" in row:
            note = f"FAILED: {row['error']}"
        elif row["table"]:
            note += " (<= 25%: " + ("yes)" if row["deviation"] <= TARGET_TABLE else "no)")
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else "-"
        dev = f"{100 * row['deviation']:.0f}%" if "deviation" in row else "-"
        print(f"{case.label:<{w}}  {model:<15} {fmt_ms(row.get('concviz_median_ms')):>10} "
              f"{fmt_ms(row.get('python_median_ms')):>10} {ratio:>7} {dev:>6}  {note}",
              flush=True)

    s = summarize(rows)
    ticks1 = cpu_ticks()
    meta["loadavg_after"] = loadavg()
    meta["seconds"] = round(time.monotonic() - t0, 1)
    if ticks0 and ticks1 and ticks1[1] > ticks0[1]:
        meta["machine_busy"] = round((ticks1[0] - ticks0[0]) / (ticks1[1] - ticks0[1]), 3)
    print()
    print_summary(s, rows)
    busy = meta.get("machine_busy")
    print(f"took {meta['seconds']:.0f} s; load average "
          f"{' '.join(f'{x:.2f}' for x in meta['loadavg_after'] or [])} after; "
          f"all CPUs {'?' if busy is None else f'{100 * busy:.0f}%'} busy meanwhile "
          "(this report included)")
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump({"meta": meta, "summary": s, "rows": rows}, f, indent=1)
        os.replace(a.json + ".tmp", a.json)
        print(f"(written to {a.json})")
    failed = [r for r in rows if "error" in r]
    if failed:
        print(f"fidelity: {len(failed)} rows could not be run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
