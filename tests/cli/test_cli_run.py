"""`concviz run --json`: the numbers show cooperative yielding, GIL
serialization and true parallelism, with generous bounds (noisy machine)."""
import json

import cvz

# Eight tasks that each wait 200 ms: about one wait under asyncio and
# threading; a pool of 2 processes needs 4 rounds.
doc = cvz.run_json("--workload", "8*io:200ms", "--workers", "2")
assert doc["workload"] == "8*io:200ms"
assert isinstance(doc["cpus"], int) and doc["cpus"] >= 1
assert [r["model"] for r in doc["results"]] == ["asyncio", "threading", "multiprocessing"]
for r in doc["results"]:
    assert r["ok"] is True, r
    assert len(r["tasks"]) == 8
    assert [t["id"] for t in r["tasks"]] == list(range(8))
    for t in r["tasks"]:
        assert 0 <= t["start_ms"] <= t["end_ms"] <= r["wall_ms"] + 1e-6, t
    assert abs(sum(t["cpu_ms"] for t in r["tasks"]) - r["cpu_ms"]) < 1e-3
for m in ("asyncio", "threading"):
    w = cvz.result(doc, m)["wall_ms"]
    assert 190 <= w < 400, f"{m}: 8*io:200ms took {w} ms, want about 200"
w = cvz.result(doc, "multiprocessing")["wall_ms"]
assert w >= 600, f"multiprocessing with 2 workers: {w} ms, want about 4 rounds"

# (8*io:200ms) is ONE task waiting eight times in a row.
doc = cvz.run_json("--workload", "(8*io:200ms)", "--models", "asyncio")
w = cvz.result(doc, "asyncio")["wall_ms"]
assert 1550 <= w < 2500, w

# Four 200 ms computations: about the sum under asyncio and threading,
# clearly less with 2 processes on 2 CPUs.
doc = cvz.run_json("--workload", "4*cpu:200ms", "--workers", "2")
for m in ("asyncio", "threading"):
    w = cvz.result(doc, m)["wall_ms"]
    assert w >= 0.75 * 800, f"{m}: 4*cpu:200ms in {w} ms, want about 800"
th = cvz.result(doc, "threading")
assert th["switches"] >= 10, f"GIL hand-offs: {th['switches']}"
# Two worker processes compute at once: two tasks' runs overlap in time
# (a structure, true even when another program holds a core meanwhile).
spans = sorted((t["start_ms"], t["end_ms"]) for t in cvz.result(doc, "multiprocessing")["tasks"])
assert any(b[0] < a[1] for a, b in zip(spans, spans[1:])), f"one task at a time: {spans}"
if cvz.cpus() >= 2:
    # Faster, too, with a second core free: 0.8 of asyncio's wall (0.7 is
    # usual), which one task at a time (about 1.2) never meets. On a shared
    # machine (and beside another test) another program may hold that core:
    # concviz then says "busy machine", and the run is tried again, up to
    # three times; a slow run on a quiet machine fails at once.
    for attempt in range(3):
        mp = cvz.result(doc, "multiprocessing")["wall_ms"]
        aw = cvz.result(doc, "asyncio")["wall_ms"]
        if mp < 0.8 * aw:
            break
        assert attempt == 0 or busy, f"multiprocessing {mp} ms vs asyncio {aw} ms, quiet machine"
        print(f"try {attempt + 1}: multiprocessing {mp} ms vs asyncio {aw} ms; again")
        code, out, err = cvz.run("run", "--json", "--workload", "4*cpu:200ms", "--workers",
                                 "2", "--models", "asyncio,multiprocessing")
        assert code == 0, f"exit {code}: {err}"
        doc, busy = json.loads(out), "busy machine" in err
    if mp >= 0.8 * aw:
        assert busy, f"multiprocessing {mp} ms vs asyncio {aw} ms, quiet machine"
        print(f"not faster in three tries, each on a busy machine ({err.strip()}): "
              "the speed-up is not checked")
else:
    print("one CPU: the parallelism check is skipped")
