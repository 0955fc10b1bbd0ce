"""What issue 14 asked of the command line: `run --repeat N` reports each
model's median run with its spread (table and JSON) and refuses a bad N;
`shot -o x.jpg` writes a real JPEG, an unknown extension is refused; the
window's --repeat is checked before any window opens."""
import json
import os
import subprocess
import tempfile

import cvz

d = tempfile.mkdtemp()
bare = {k: v for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}

# --repeat: the JSON names the runs, and the wall time shown is the median.
code, out, err = cvz.run("run", "--json", "--workload", "2*io:5ms", "--models",
                         "asyncio,threading", "--repeat", "3")
assert code == 0, err
doc = json.loads(out)
for r in doc["results"]:
    assert r["runs"] == 3, r
    walls = sorted(r["wall_ms_runs"])
    assert len(walls) == 3, r
    assert r["wall_ms_min"] == walls[0] and r["wall_ms_max"] == walls[-1], r
    assert r["wall_ms_median"] == walls[1], r
    assert abs(r["wall_ms"] - r["wall_ms_median"]) < 1e-6, r  # the run shown is it
# ...and the table says it in words.
code, out, err = cvz.run("run", "--workload", "2*io:5ms", "--models", "asyncio",
                         "--repeat=3")
assert code == 0, err
assert "median of 3 runs" in out, out
# Without --repeat, nothing changes in the JSON.
code, out, err = cvz.run("run", "--json", "--workload", "io:1ms", "--models", "asyncio")
assert code == 0 and "runs" not in json.loads(out)["results"][0], out
# Bad values are usage errors, before anything runs.
for bad in ("0", "16", "x", ""):
    code, out, err = cvz.run("run", "--workload", "io:1ms", "--repeat", bad)
    assert code == 2, (bad, code, err)
    assert "--repeat: expected a whole number from 1 to 15" in err, err
code, out, err = cvz.run("--repeat", "99", env=bare)
assert code == 2 and "--repeat" in err, (code, err)

# shot: a JPEG is a JPEG; an extension concviz does not write is refused.
jpg = os.path.join(d, "slide.jpg")
p = subprocess.run([cvz.concviz(), "shot", "-o", jpg, "--workload", "2*io:5ms",
                    "--models", "asyncio", "--size", "640x360"],
                   capture_output=True, text=True, env=bare, timeout=120)
assert p.returncode == 0, p.stderr
with open(jpg, "rb") as f:
    head = f.read(4)
assert head[:3] == b"\xff\xd8\xff", head  # JPEG's start of image
for name in ("slide.bmp", "slide.tiff", "slide.png.bak"):
    p = subprocess.run([cvz.concviz(), "shot", "-o", os.path.join(d, name), "--workload",
                        "io:1ms"], capture_output=True, text=True, env=bare, timeout=60)
    assert p.returncode == 2, (name, p.returncode, p.stderr)
    assert "concviz writes PNG (.png), JPEG (.jpg, .jpeg)" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(d, name))
p = subprocess.run([cvz.concviz(), "shot", "--animate", "-o", os.path.join(d, "a.jpg"),
                    "--workload", "io:1ms"], capture_output=True, text=True, env=bare,
                   timeout=60)
assert p.returncode == 2 and "writes a GIF" in p.stderr, p.stderr
os.unlink(jpg)
os.rmdir(d)
print("cli_classroom: ok")
