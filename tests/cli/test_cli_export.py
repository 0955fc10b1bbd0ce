"""Pictures with no display: `concviz shot` writes PNGs and GIFs of the
asked size with DISPLAY unset; `shot --open` and `open` read saved runs and
refuse anything else clearly; bad options are usage errors (2), bad paths
and files runtime errors (1); a failed or interrupted export leaves the old
file as it was and no temporary file behind."""
import json
import os
import resource
import signal
import struct
import subprocess
import tempfile
import time

import cvz

d = tempfile.mkdtemp()
# No display at all: no DISPLAY, no WAYLAND_DISPLAY, no SDL video driver.
bare = {k: v for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
WORKLOAD = "2*cpu:20ms + 2*io:15ms"
CONCVIZ = os.path.abspath(cvz.concviz())  # some runs below change folder


def shot(*args, env=None, **kw):
    p = subprocess.run([CONCVIZ, "shot", *args], capture_output=True, text=True,
                       env=env or bare, timeout=120, **kw)
    return p.returncode, p.stdout, p.stderr


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", head[:8]
    return struct.unpack(">II", head[16:24])


def gif_frames(path):
    """(width, height, frames, total delay in cs), walking the blocks."""
    b = open(path, "rb").read()
    assert b[:6] == b"GIF89a", b[:6]
    w, h, flags = struct.unpack("<HHB", b[6:11])
    i = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = delay = 0

    def skip_blocks(i):
        while b[i]:
            i += b[i] + 1
        return i + 1

    while True:
        t = b[i]
        if t == 0x3B:
            return w, h, frames, delay
        if t == 0x21:
            if b[i + 1] == 0xF9:
                delay += struct.unpack("<H", b[i + 4:i + 6])[0]
            i = skip_blocks(i + 2)
        elif t == 0x2C:
            left, top, fw, fh, fl = struct.unpack("<HHHHB", b[i + 1:i + 10])
            assert left + fw <= w and top + fh <= h
            i += 10 + (3 << ((fl & 7) + 1) if fl & 0x80 else 0)
            i = skip_blocks(i + 1)
            frames += 1
        else:
            raise AssertionError(f"bad GIF block {t:#x} at {i}")


def leftovers():
    return sorted(f for f in os.listdir(d) if f.startswith("."))


# A PNG of a live run, default size, no display.
out = os.path.join(d, "live.png")
code, so, se = shot("-o", out, "--workload", WORKLOAD, "--workers", "2")
assert code == 0, (code, se)
assert png_size(out) == (1600, 900)

# A saved run, drawn again at another size and theme.
run = os.path.join(d, "run.json")
code, so, se = cvz.run("run", "--workload", WORKLOAD, "--workers", "2", "--trace", run)
assert code == 0, se
out2 = os.path.join(d, "open.png")
code, so, se = shot("--open", run, "-o", out2, "--size", "640x360", "--theme", "dark",
                    "--at", "10", "--range", "0:40")
assert code == 0, (code, se)
assert png_size(out2) == (640, 360)

# The GIF has the frames asked for, lasting as long as asked (+ the hold).
gif = os.path.join(d, "anim.gif")
code, so, se = shot("--open", run, "--animate", "-o", gif, "--fps", "10",
                    "--duration", "1.5", "--size", "640x360")
assert code == 0, (code, se)
w, h, frames, delay = gif_frames(gif)
assert (w, h, frames) == (640, 360, 15), (w, h, frames)
assert delay == 150 + 150, delay
assert "100%" in se, se  # progress, a line every 10% when not a terminal
assert leftovers() == [], leftovers()

# Bad options: exit 2 and a message naming the problem.
usage = [
    ((), "-o FILE"),
    (("-o", "x.gif"), "--animate"),
    (("--animate", "-o", "x.png"), "GIF"),
    (("-o", "x.png", "--size", "100x100"), "--size"),
    (("-o", "x.png", "--size", "9000x9000"), "--size"),
    (("-o", "x.png", "--size", "big"), "--size"),
    (("-o", "x.png", "--theme", "pink"), "--theme"),
    (("-o", "x.png", "--font-scale", "0"), "--font-scale"),
    (("-o", "x.png", "--at", "-1"), "--at"),
    (("-o", "x.png", "--at", "soon"), "--at"),
    (("-o", "x.png", "--range", "50:10"), "--range"),
    (("-o", "x.png", "--range", "10"), "--range"),
    (("-o", "x.png", "--fps", "10"), "--animate"),
    (("--animate", "-o", "x.gif", "--fps", "51"), "--fps"),
    (("--animate", "-o", "x.gif", "--fps", "0"), "--fps"),
    (("--animate", "-o", "x.gif", "--duration", "-2"), "--duration"),
    (("-o", "x.png", "--open", run, "--workers", "2"), "--workers"),
    (("-o", "x.png", "--open", run, "--at", "99999"), "end of the run"),
    (("-o", "x.png", "--open", run, "--range", "99999:100000"), "end of the run"),
    (("-o", "x.png", "--workload", "3*nope"), "nope"),
    (("-o", "x.png", "--bogus"), "--bogus"),
]
for args, word in usage:
    code, so, se = shot(*args, cwd=d)
    assert code == 2, (args, code, se)
    assert se.startswith("concviz: ") and word in se and "Traceback" not in se, (args, se)
assert not os.path.exists(os.path.join(d, "x.png"))

# Bad paths: exit 1, before any run, and nothing written.
for target, word in ((os.path.join(d, "missing", "x.png"), "missing"),
                     ("/dev/full", "/dev/full"), (d, "folder")):
    t0 = time.monotonic()
    code, so, se = shot("-o", target, "--workload", "io:3s")
    assert code == 1 and se.startswith("concviz: ") and word in se, (target, code, se)
    assert time.monotonic() - t0 < 2.5, "the path should be refused before the run"

# Bad files, for `shot --open` and `open`: exit 1, one clear line.
bad = {
    "notjson.json": b"hello, this is not JSON\n",
    # JSON, but no trace (another tool's Chrome trace opens: test_cli_trace.py).
    "other.json": json.dumps({"displayTimeUnit": "ns", "events": []}).encode(),
    "noevents.json": json.dumps({"traceEvents": [{"ph": "C", "ts": 1, "pid": 1}]}).encode(),
    "truncated.json": open(run, "rb").read()[: os.path.getsize(run) // 2],
    "empty.json": b"",
    "binary.json": bytes(range(256)) * 4,
}
before = open(out, "rb").read()
for name, data in bad.items():
    p = os.path.join(d, name)
    with open(p, "wb") as f:
        f.write(data)
    code, so, se = shot("--open", p, "-o", out)
    assert code == 1 and se.startswith("concviz: ") and name in se, (name, code, se)
    assert "Traceback" not in se and len(se.strip().splitlines()) == 1, se
    code, so, se = cvz.run("open", p, env={"SDL_VIDEODRIVER": "dummy"}, timeout=30)
    assert code == 1 and se.startswith("concviz: ") and name in se, (name, code, se)
code, so, se = cvz.run("open", os.path.join(d, "nope.json"), timeout=30)
assert code == 1 and "nope.json" in se, (code, se)
code, so, se = cvz.run("open", timeout=30)
assert code == 2 and "RUN.json" in se, (code, se)
assert open(out, "rb").read() == before, "a failed export changed the old file"


# A full disk (a file-size limit): exit 1, the old file as it was.
def small_fsize():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))


gif_before = open(gif, "rb").read()
code, so, se = shot("--open", run, "--animate", "-o", gif, "--fps", "5", "--duration", "1",
                    preexec_fn=small_fsize)
assert code == 1 and "concviz: " in se, (code, se)
assert open(gif, "rb").read() == gif_before, "a failed GIF changed the old file"
code, so, se = shot("--open", run, "-o", out, preexec_fn=small_fsize)
assert code == 1 and "concviz: " in se, (code, se)
assert open(out, "rb").read() == before
assert leftovers() == [], leftovers()

# Interrupted mid-animation: exit 130, the old file as it was, no temporary.
p = subprocess.Popen([CONCVIZ, "shot", "--open", run, "--animate", "-o", gif,
                      "--fps", "50", "--duration", "60"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True, env=bare)
time.sleep(1.5)
p.send_signal(signal.SIGINT)
so, se = p.communicate(timeout=30)
assert p.returncode == 130 and "interrupted" in se, (p.returncode, se)
assert open(gif, "rb").read() == gif_before
assert leftovers() == [], leftovers()
print("cli_export: ok")
