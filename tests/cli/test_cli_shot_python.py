"""`concviz shot --python`: pictures with CPython's runs under the models'.

The picture is decoded (a PNG reader in a few lines of the standard
library) and its panels counted down the left margin, where only the
panels' alternating backgrounds are drawn: with CPython, one more panel
under each model. An interpreter that is not there still gives a picture
(its panels say why) and exit 1, as `run --python` does; a saved run that
kept CPython's runs is drawn with them. The parts that need a real python3
skip, saying so, where there is none.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

import cvz

CONCVIZ = cvz.concviz()
bare = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
WHITE, GREY = (0xFF, 0xFF, 0xFF), (0xF6, 0xF6, 0xF2)  # the light theme's panels


def shot(*args, timeout=180):
    p = subprocess.run([CONCVIZ, "shot", *args], capture_output=True, text=True,
                       env=bare, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", b[:8]
    i, idat, w = 8, b"", 0
    while i < len(b):
        n, kind = struct.unpack(">I4s", b[i:i + 8])
        data = b[i + 8:i + 8 + n]
        if kind == b"IHDR":
            w, h, depth, color = struct.unpack(">IIBB", data[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += data
        i += 12 + n
    raw = zlib.decompress(idat)
    stride, rows, prev = w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            up, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + up) & 255
            elif f == 3:
                line[x] = (line[x] + (a + up) // 2) & 255
            elif f == 4:
                p = a + up - c
                pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
                pr = a if pa <= pb and pa <= pc else up if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def panels(path):
    """How many panels the picture has: runs of a panel's background down
    the left margin (x = 1, left of every label), each at least 8 px."""
    w, h, rows = png_pixels(path)
    runs, cur, n = 0, None, 0
    for y in range(h):
        c = rows[y][1]
        c = c if c in (WHITE, GREY) else None
        if c == cur:
            n += 1
            continue
        if cur is not None and n >= 8:
            runs += 1
        cur, n = c, 1
    if cur is not None and n >= 8:
        runs += 1
    return runs


tmp = tempfile.mkdtemp(prefix="concviz-shot-python-")
try:
    # --- no interpreter: the picture is made, its CPython panels say why;
    # exit 1 and the reason on stderr, as `run --python`
    out = os.path.join(tmp, "none.png")
    code, o, err = shot("--python", "/nonexistent/python3", "--workload", "2*io:10ms",
                        "--models", "asyncio,threading", "--size", "800x600", "-o", out)
    assert code == 1, (code, o, err)
    assert "--python: /nonexistent/python3" in err and "install Python 3" in err, err
    assert os.path.getsize(out) > 0
    assert panels(out) == 4, panels(out)

    # --- an interpreter that fails when asked: the same
    fake = os.path.join(tmp, "fake-python")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho 'half a line' >&2\nexit 1\n")
    os.chmod(fake, 0o755)
    code, o, err = shot("--python", fake, "--workload", "io:10ms", "--models", "asyncio",
                        "--size", "800x600", "-o", out)
    assert code == 1 and "--python:" in err, (code, err)
    assert panels(out) == 2, panels(out)

    # --- without --python: one panel a model
    code, o, err = shot("--workload", "2*io:10ms", "--models", "asyncio,threading",
                        "--size", "800x600", "-o", out)
    assert code == 0, (code, err)
    assert panels(out) == 2, panels(out)

    # --- --python runs something: not with --open; a bad value is a usage error
    code, o, err = shot("--open", out, "--python", "-o", out)
    assert code == 2 and "--open draws a saved run: --python does not apply" in err, err
    code, o, err = shot("--python=", "-o", out)
    assert code == 2 and "--python= needs an interpreter" in err, err

    if shutil.which("python3") is None:
        print("skipped: no python3 here: shot --python with a real interpreter is not "
              "tried", file=sys.stderr)
        sys.exit(cvz.SKIP)

    # --- a real python3: measured, and drawn under each model, every theme
    for theme in ("light", "dark", "projector"):
        out = os.path.join(tmp, f"real-{theme}.png")
        code, o, err = shot("--python", "--workload", "2*io:20ms", "--models",
                            "asyncio,threading", "--size", "1280x720", "--theme", theme,
                            "-o", out)
        assert code == 0, (code, err)
        if theme == "light":
            assert panels(out) == 4, panels(out)

    # --- a saved run keeps CPython's runs: drawn with them, still and animated
    trace = os.path.join(tmp, "run.json")
    code, o, err = cvz.run("run", "--python", "--workload", "2*io:20ms", "--models",
                           "asyncio,threading", "--trace", trace, timeout=180)
    assert code == 0, (code, err)
    out = os.path.join(tmp, "saved.png")
    code, o, err = shot("--open", trace, "--size", "1280x720", "-o", out)
    assert code == 0, (code, err)
    assert panels(out) == 4, panels(out)
    gif = os.path.join(tmp, "saved.gif")
    code, o, err = shot("--open", trace, "--animate", "--fps", "2", "--duration", "1",
                        "--size", "640x360", "-o", gif)
    assert code == 0 and open(gif, "rb").read(6) == b"GIF89a", (code, err)
    # ... and --animate runs with --python too
    code, o, err = shot("--python", "--animate", "--workload", "io:20ms", "--models",
                        "asyncio", "--fps", "2", "--duration", "1", "--size", "640x360",
                        "-o", gif)
    assert code == 0, (code, err)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
