"""`concviz calibrate` with fake interpreters, and `--costs` in `concviz run`.

A fake interpreter is a shell script standing where python3 would: one
that prints a valid profile (so every step after the measuring runs, with
no Python needed), one that fails, one that prints half a profile, one
with an absurd cost, one that prints too much, and one that never ends
(stopped by --timeout, then by Ctrl+C). Each time: the exit code, the
message, the old profile left as it was, no temporary file, no process.
The real python3 is test_cli_calibrate_real.py's (a slow test).
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import cvz

HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN = os.path.join(HERE, "..", "..", "src", "core", "costs", "builtin-cpython-3.12.json")

root = tempfile.mkdtemp(prefix="concviz-cli-calibrate-")
cache = os.path.join(root, "cache")
tmp = os.path.join(root, "tmp")
bin_dir = os.path.join(root, "bin")
for d in (tmp, bin_dir):
    os.makedirs(d)
ENV = {"XDG_CACHE_HOME": cache, "TMPDIR": tmp}


# The fake interpreter's long sleep, unique to this run of the test, so
# that another run at the same time (another build's tests) is not
# mistaken for a leftover of this one.
SLEEP = "sleep 1001.%d" % os.getpid()


def fake(name, body):
    path = os.path.join(bin_dir, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return os.path.realpath(path)


def calibrate(*args, env=None, timeout=60):
    e = dict(ENV)
    e.update(env or {})
    return cvz.run("calibrate", *args, env=e, timeout=timeout)


def no_leftovers():
    assert os.listdir(tmp) == [], ("temporary files left", os.listdir(tmp))
    marks = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert SLEEP not in marks, "a process of the fake interpreter is still running"


# What the script prints: a profile without machine, date or command.
doc = json.load(open(BUILTIN))
script_out = {"concviz_costs": doc["concviz_costs"], "interpreter": dict(doc["interpreter"]),
              "speed": {"spin_turn_ns": doc["speed"]["spin_turn_ns"]},
              "heap": {"asyncio_mmap_threshold": 209612},
              "costs": doc["costs"]}
del script_out["interpreter"]["command"]
script_out["interpreter"]["version"] = "3.99.1"
good_json = os.path.join(root, "good.json")
with open(good_json, "w") as f:
    json.dump(script_out, f)
# The fake is called python3, so the default choice finds its profile.
good = fake("python3", 'cat "%s"\n' % good_json)
profile = os.path.join(cache, "concviz", "costs-cpython-3.99.1.json")

# ---- a good calibration: saved, and printed beside the built-in one
code, out, err = calibrate("--python", good)
assert code == 0, (code, err)
saved = json.load(open(profile))
assert saved["interpreter"]["command"] == good
assert saved["interpreter"]["version"] == "3.99.1"
assert saved["machine"]["cpus"] >= 1 and saved["speed"]["unit_ns"] > 0
assert saved["costs"]["sleep0"] == script_out["costs"]["sleep0"]
assert saved["heap"]["asyncio_mmap_threshold"] == 209612, saved["heap"]
assert "saved     " + profile in out, out
assert "built-in 3.12" in out and "thread_start" in out and "mpq_put_byte" in out, out
assert oct(os.stat(os.path.dirname(profile)).st_mode & 0o777) == "0o700"
no_leftovers()
before = open(profile).read()

# ---- runs charge it by default when that python3 is the one in PATH
path_env = {"XDG_CACHE_HOME": cache, "PATH": bin_dir + ":" + os.environ.get("PATH", "")}
code, out, err = cvz.run("run", "--json", "--models", "asyncio", "--workload", "io:1ms",
                         env=path_env)
assert code == 0, err
c = json.loads(out)["results"][0]["costs"]
assert c["source"] == "calibrated" and c["interpreter"]["version"] == "3.99.1", c
assert c["file"] == profile and c["costs"]["to_thread"] > 0, c
assert c["heap"]["asyncio_mmap_threshold"] == 209612, c
code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "io:1ms", env=path_env)
assert code == 0 and "costs     CPython 3.99.1 calibrated on this machine, " in out, out

# ---- --costs none, builtin, a file, a bad file
for which, source in (("none", "none"), ("builtin", "builtin"), (profile, "file")):
    code, out, err = cvz.run("run", "--json", "--models", "asyncio,threading", "--workload",
                             "io:1ms", "--costs", which, env=path_env)
    assert code == 0, (which, err)
    for r in json.loads(out)["results"]:
        assert r["costs"]["source"] == source, (which, r["costs"])
    if which == "none":
        assert set(r["costs"]["costs"].values()) == {0}
    if which == "builtin":
        assert r["costs"]["interpreter"]["version"].startswith("3.12"), r["costs"]
        assert r["costs"]["scale"] > 0
    if which == profile:
        assert r["costs"]["file"] == profile
code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "io:1ms",
                         "--costs", "none")
assert code == 0 and "costs     none: the bare engines" in out, out
bad = os.path.join(root, "bad.json")
with open(bad, "w") as f:
    f.write(before.replace('"lock": ', '"lock": -'))
for which, words in ((bad, bad + ":"), (bad, "costs.lock: expected ns from 0"),
                     (os.path.join(root, "nope.json"), "nope.json: no such file"),
                     (root, "is a folder"), ("", "expected calibrated, builtin, none")):
    code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "io:1ms",
                             "--costs", which)
    assert code == 2 and words in err and out == "", (which, code, err)
# What a profile file holds reaches the terminal escaped (escape.h).
with open(bad, "w") as f:
    f.write(before.replace('"lock": ', '"lock\\u001b[2J": '))
code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "io:1ms", "--costs", bad)
assert code == 2 and "costs.lock\\x1b[2J: not a cost" in err and "\x1b" not in err, err
# A broken profile in the cache is named too, not skipped.
broken = os.path.join(cache, "concviz", "costs-cpython-3.98.0.json")
with open(broken, "w") as f:
    f.write('{"concviz_costs": 6, "costs": {"lock": -1}}')
code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "io:1ms", env=path_env)
assert code == 2 and broken in err and "costs.lock" in err, err
# One an older concviz saved is passed over: the run goes on, and says why.
with open(broken, "w") as f:
    f.write('{"concviz_costs": 1, "costs": {}}')
code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "io:1ms", env=path_env)
assert code == 0, err
os.unlink(broken)
# The trace records it too.
trace = os.path.join(root, "run.json")
code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "io:1ms",
                         "--costs", "builtin", "--trace", trace)
assert code == 0, err
model = json.load(open(trace))["otherData"]["models"][0]
assert model["costs"]["source"] == "builtin", model["costs"]

# ---- fakes that fail: exit 1, a clear message, the old profile as it was
half = fake("half", "printf '{\"concviz_costs\": 3, \"interpreter\": {'\n")
absurd_json = os.path.join(root, "absurd.json")
absurd_out = json.loads(json.dumps(script_out))
absurd_out["costs"]["loop_turn"] = 5e9
with open(absurd_json, "w") as f:
    json.dump(absurd_out, f)
cases = [
    (fake("fails", "echo 'Traceback: boom' >&2\nexit 1\n"), (), "failed (exit status 1)"),
    (half, (), "is it cut short?"),
    (fake("absurd", 'cat "%s"\n' % absurd_json), (), "costs.loop_turn: expected ns from 0"),
    (fake("chatty", "yes 0123456789\n"), (), "printed more than"),
    (fake("killed", "kill -9 $$\n"), (), "killed by signal 9"),
    (fake("hangs", "%s &\n%s\n" % (SLEEP, SLEEP)), ("--timeout", "1"), "ran longer than 1.00 s"),
]
for prog, more, words in cases:
    t0 = time.monotonic()
    code, out, err = calibrate("--python", prog, *more)
    assert code == 1, (prog, code, err)
    assert words in err and "nothing was saved" in err, (prog, err)
    assert time.monotonic() - t0 < 30, (prog, "took too long")
    assert open(profile).read() == before, (prog, "the old profile changed")
    no_leftovers()

# ---- Ctrl+C while it measures: 130, nothing saved, nothing left
hangs = os.path.join(bin_dir, "hangs")
p = subprocess.Popen([cvz.concviz(), "calibrate", "--python", hangs],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                     env=dict(os.environ, **ENV), start_new_session=True)
assert cvz.wait_until(lambda: SLEEP in subprocess.run(
    ["ps", "-eo", "args"], capture_output=True, text=True).stdout, 10)
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=30)
assert p.returncode == 130, (p.returncode, err)
assert "interrupted (SIGINT)" in err and "nothing was saved" in err, err
assert open(profile).read() == before
no_leftovers()

# ---- bad options and interpreters that are not: exit 2
for args, words in ((("--python", "/no/such/python"), "no such file"),
                    (("--python", root), "is a folder, not a program"),
                    (("--python", good_json), "not an executable program"),
                    (("--python", "no-such-python-anywhere"), "no such program in PATH"),
                    (("--python",), "--python needs a value"),
                    (("--timeout", "soon"), "--timeout"),
                    (("--bogus",), "unknown option '--bogus'")):
    code, out, err = calibrate(*args)
    assert code == 2 and words in err and "Try 'concviz calibrate --help'" in err, (args, err)

# ---- no python3 at all: says so, and how to install it
empty = os.path.join(root, "empty")
os.makedirs(empty)
code, out, err = calibrate(env={"PATH": empty})
assert code == 1 and "no python3 in PATH" in err and "apt-get install python3" in err, err

code, out, err = cvz.run("calibrate", "--help")
assert code == 0 and "--python PATH" in out and "--timeout DUR" in out
code, out, err = cvz.run("--help")
assert "calibrate" in out

shutil.rmtree(root)
