"""No display: the window and the lesson player say so, name the headless
commands that do the same, and exit 1 at once, instead of running unseen
until killed. SDL_VIDEODRIVER set by hand still counts as a display (the
tests' own dummy driver)."""
import os
import subprocess

import cvz


def run_bare(*args, extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env.update(extra or {})
    p = subprocess.run([cvz.concviz(), *args], capture_output=True, text=True,
                       timeout=30, env=env)
    return p.returncode, p.stdout, p.stderr


for args, extra in ((["--workload", "io:1ms"], None),
                    (["window", "--models", "asyncio"], None),
                    (["--workload", "io:1ms"], {"DISPLAY": ":4242"}),  # no X server there
                    (["lesson", "1"], None)):
    code, out, err = run_bare(*args, extra=extra)
    assert code == 1, (args, extra, code, err)
    assert "cannot open a window" in err, err
    assert "concviz run" in err and "concviz shot -o" in err, err
    assert "--all-steps -o" in err, err
    if args[0] == "lesson":
        assert "shot --lesson 01-concurrency-vs-parallelism.md --all-steps" in err, err

# --help needs no display.
code, out, err = run_bare("--help")
assert code == 0, err
code, out, err = run_bare("window", "--help")
assert code == 0 and "--shots-dir" in out, err
