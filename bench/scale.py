#!/usr/bin/env python3
"""bench/scale.py - the whole-process targets of "Scale" (issue 17).

Each figure is a whole `concviz` process, timed from outside as a user
would time it: wall seconds and peak resident memory (the kernel's
maxrss of that one child, through os.wait4), the median and the p99 of
several runs. Where python3 is present, the same workload runs as the
plain Python program `concviz python` prints, under this python3: the
CPython anchor, measured in the same session on the same machine.

It measures; it never fails on a time or a size (the machine is shared
and noisy: a benchmark that fails on a time fails on the neighbours).
It fails only when a run itself fails, or when a saved trace does not
reopen.

    bench/scale.py --concviz build-bench/src/app/concviz [--quick] [--json F]

--quick runs each figure three times and leaves out the hundred million
steps (a minute each) and the CPython anchor of a million coroutines
(half a minute and 1.6 GiB).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

MiB = 1024 * 1024


def run_once(argv, stdin=None, capture=False):
    """Runs argv to its end; returns (wall s, peak RSS bytes, its stdout if
    captured). Only what is asked for is kept: a million tasks' JSON goes
    to /dev/null, as it would to a pipe that reads it."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                             stdout=out if capture else subprocess.DEVNULL, stderr=err)
        if stdin:
            p.stdin.write(stdin)
            p.stdin.close()
        # wait4, not Popen.wait: the child's own rusage, its peak RSS.
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-2000:])
            raise SystemExit(f"bench/scale.py: failed ({p.returncode}): {' '.join(argv)}")
        out.seek(0)
        return wall, ru.ru_maxrss * 1024, out.read()


def p99(xs):
    """The 99th percentile, nearest rank (with few runs: the largest)."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(0.99 * len(s) + 0.5)) - 1))]


def measure(argv, runs, stdin=None):
    walls, rss = [], []
    for _ in range(runs):
        w, r, _ = run_once(argv, stdin)
        walls.append(w)
        rss.append(r)
    return {"runs": runs, "wall_median_s": statistics.median(walls), "wall_p99_s": p99(walls),
            "rss_median_mib": statistics.median(rss) / MiB, "rss_p99_mib": p99(rss) / MiB}


def python_program(concviz, workload, model):
    """The plain Python program for one model, as `concviz python` prints it."""
    _, _, out = run_once([concviz, "python", "--workload", workload, "--models", model],
                         capture=True)
    return out


def fmt(m):
    return (f"wall {m['wall_median_s']:7.2f} s (p99 {m['wall_p99_s']:6.2f}), "
            f"peak RSS {m['rss_median_mib']:7.0f} MiB (p99 {m['rss_p99_mib']:5.0f})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--concviz", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    cz = a.concviz
    runs = 3 if a.quick else 5
    python = None if os.environ.get("CONCVIZ_NO_PYTHON") else "python3"
    rows = []

    def row(name, m, target, anchor=None, note=""):
        rows.append({"figure": name, **m, "target": target,
                     "anchor": anchor, "note": note})
        print(f"{name}\n    concviz: {fmt(m)}\n    target:  {target}")
        if anchor:
            print(f"    CPython: {fmt(anchor)}")
        if note:
            print(f"    {note}")
        sys.stdout.flush()

    # A million waiting coroutines, the bare engine and with CPython's costs.
    w = "1000000*io:1s"
    for costs in ("none", "calibrated"):
        argv = [cz, "run", "--json", "--models", "asyncio", "--workload", w]
        if costs == "none":
            argv += ["--costs", "none"]
        # Charging CPython's costs makes a run of ten seconds or more: three
        # runs tell its spread well enough.
        m = measure(argv, runs if costs == "none" else 3)
        anchor = None
        if python and costs == "none" and not a.quick:
            anchor = measure([python, "-"], 1, python_program(cz, w, "asyncio"))
        row(f"run asyncio {w} --costs {costs}, whole process", m,
            "<= 1.5 s wall, <= 300 MiB", anchor)

    # Ten thousand real threads.
    w = "10000*io:100ms"
    m = measure([cz, "run", "--json", "--models", "threading", "--workload", w,
                 "--costs", "none"], runs)
    anchor = None
    if python:
        anchor = measure([python, "-"], runs, python_program(cz, w, "threading"))
    row(f"run threading {w} --costs none, whole process", m,
        "no slower than CPython", anchor)

    # A hundred million steps in a 1 GiB budget; the saved trace reopens.
    if not a.quick:
        for model, w in (("asyncio", "(100000000*yield)"),
                         ("threading", "2*(50000000*inc:x)")):
            with tempfile.TemporaryDirectory() as d:
                trace = os.path.join(d, "t.json")
                m = measure([cz, "run", "--models", model, "--workload", w, "--costs", "none",
                             "--memory-limit", "1GiB", "--trace", trace], 1)
                size = os.path.getsize(trace)
                o = measure([cz, "shot", "--open", trace, "-o", os.path.join(d, "t.png")], 1)
            row(f"run {model} {w} --costs none --memory-limit 1GiB", m,
                "completes within 1 GiB; the saved trace reopens",
                note=f"trace {size / MiB:.0f} MiB on disk; reopened by shot: {fmt(o)}")

    if a.json:
        with open(a.json, "w") as f:
            json.dump({"quick": a.quick, "figures": rows}, f, indent=1)
        print(f"(written to {a.json})")


if __name__ == "__main__":
    main()
