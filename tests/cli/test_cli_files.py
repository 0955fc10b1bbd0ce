"""Files concviz writes: --trace is valid Chrome Trace JSON with what a
redraw needs; bad paths and full disks give clear errors and leave the old
file as it was."""
import json
import os
import resource
import signal
import tempfile

import cvz

d = tempfile.mkdtemp()
path = os.path.join(d, "run.json")
code, out, err = cvz.run("run", "--workload", "2*cpu:30ms + 2*io:20ms",
                         "--workers", "2", "--trace", path)
assert code == 0, err
doc = json.load(open(path))
ev = doc["traceEvents"]
meta = doc["otherData"]
assert meta["concviz_format"] >= 1 and meta["workload"] == "2*cpu:30ms + 2*io:20ms"
assert meta["machine"]["cpus"] >= 1
names = {e["args"]["name"] for e in ev if e.get("ph") == "M" and e["name"] == "process_name"}
assert names == {"asyncio", "threading", "multiprocessing"}, names
threads = [e for e in ev if e.get("ph") == "M" and e["name"] == "thread_name"]
assert any(e["args"]["name"] == "task 0" for e in threads)
assert any(e["args"]["name"] == "GIL" for e in threads)
assert any(e.get("ph") == "M" and e["name"] == "thread_sort_index" for e in ev)
xs = [e for e in ev if e.get("ph") == "X"]
assert xs and all(isinstance(e["ts"], (int, float)) and e["dur"] >= 0 for e in xs)
assert any(e.get("ph") in ("s", "f") for e in ev), "no flow events"
# Perfetto's JSON importer finds "ts" and "dur" in an event by scanning its
# members, and gives up on an event holding an array; it skips top-level
# members it does not know (concviz_lanes), and older releases read
# otherData in one piece from the first chunk: it comes first, and small.
assert not [e for e in ev if any(isinstance(v, list) for v in e.values())]
raw = open(path, "rb").read()
assert raw.startswith(b'{"otherData":{') and raw.index(b'"traceEvents"') < 64 * 1024
assert meta["concviz_format"] >= 3 and len(doc["concviz_lanes"]) == 3
assert not [f for f in os.listdir(d) if f != "run.json"], os.listdir(d)

# A failed write leaves the old file as it was, and no temporary file.
before = open(path).read()
code, out, err = cvz.run("run", "--workload", "8*io:1ms", "--trace",
                         os.path.join(d, "missing", "x.json"))
assert code == 1 and "concviz: " in err and "missing" in err, (code, err)
code, out, err = cvz.run("run", "--workload", "8*io:1ms", "--trace", "/dev/full")
assert code == 1 and err.startswith("concviz: "), (code, err)


def small_fsize():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


import subprocess
p = subprocess.run([cvz.concviz(), "run", "--models", "asyncio,threading",
                    "--workload", "4*io:1ms", "--trace", path],
                   capture_output=True, text=True, preexec_fn=small_fsize, timeout=60)
assert p.returncode == 1 and "concviz: " in p.stderr, (p.returncode, p.stderr)
assert open(path).read() == before, "the old trace was changed by a failed write"
assert sorted(os.listdir(d)) == ["run.json"], os.listdir(d)
