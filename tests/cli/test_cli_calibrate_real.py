"""`concviz calibrate` with the machine's real python3 (a slow test: the
calibration takes about ten seconds).

The profile is saved, complete, named by the interpreter's version, and
the next run charges it by default. Without python3 the case is skipped,
saying so: a fresh Debian machine may not have it.
"""
import json
import os
import shutil
import tempfile
import time

import cvz

python3 = shutil.which("python3")
if not python3:
    print("skipped: no python3 in PATH to calibrate with (Debian: apt-get install python3)")
    raise SystemExit(cvz.SKIP)

root = tempfile.mkdtemp(prefix="concviz-cli-calibrate-real-")
env = {"XDG_CACHE_HOME": os.path.join(root, "cache"), "TMPDIR": root}
t0 = time.monotonic()
code, out, err = cvz.run("calibrate", env=env, timeout=300)
took = time.monotonic() - t0
assert code == 0, (code, err)
# About 10 s on the development machine; generous for a busy one.
assert took < 120, f"calibrate took {took:.0f} s"
folder = os.path.join(root, "cache", "concviz")
files = os.listdir(folder)
assert len(files) == 1 and files[0].startswith("costs-") and files[0].endswith(".json"), files
doc = json.load(open(os.path.join(folder, files[0])))
assert doc["interpreter"]["command"] == os.path.realpath(python3), doc["interpreter"]
assert files[0] == "costs-%s-%s.json" % (doc["interpreter"]["implementation"],
                                         doc["interpreter"]["version"])
# Plausible, not exact: the machine is shared.
c = doc["costs"]
assert 1 < c["loop_turn"] < 1000, c["loop_turn"]
assert c["thread_start"] > c["loop_turn"] and c["start_spawn"] > c["start_fork"] > 0, c
assert c["mpq_put_byte"] > 0 and doc["speed"]["spin_turn_ns"] > 0, doc["speed"]
# Where glibc's mmap threshold stands once asyncio is imported (Linux):
# at least its first value, at most what it rises to.
assert 128 << 10 <= doc["heap"]["asyncio_mmap_threshold"] <= 32 << 20, doc["heap"]
assert sorted(x for x in os.listdir(root) if x != "cache") == [], os.listdir(root)

code, out, err = cvz.run("run", "--json", "--models", "asyncio", "--workload", "io:1ms",
                         env=env)
assert code == 0, err
costs = json.loads(out)["results"][0]["costs"]
assert costs["source"] == "calibrated", costs
assert costs["interpreter"]["version"] == doc["interpreter"]["version"]
shutil.rmtree(root)
print(f"calibrated {doc['interpreter']['version']} in {took:.1f} s")
