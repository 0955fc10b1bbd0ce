"""Files concviz writes leave nothing behind: SIGKILL during a run, SIGTERM
while the trace is being written, a broken pipe on stdout, SIGTERM at any
moment of a `shot`. Afterwards the folder holds the old file or the whole
new one, and no temporary file."""
import json
import os
import signal
import subprocess
import tempfile
import time

import cvz

d = tempfile.mkdtemp()
path = os.path.join(d, "run.json")
OLD = '{"old": true}'


def reset():
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    with open(path, "w") as f:
        f.write(OLD)


def sigterm_after(delay, *args):
    """Starts concviz with args, sends it SIGTERM after delay seconds;
    returns its exit code and stderr."""
    p = cvz.start(*args)
    try:
        time.sleep(delay)
        os.kill(p.pid, signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    finally:
        cvz.kill_tree(p.pid)
    return p.returncode, err


def check_folder():
    """The old file or a whole new trace; nothing else."""
    assert os.listdir(d) == ["run.json"], os.listdir(d)
    text = open(path).read()
    if text != OLD:
        doc = json.loads(text)
        assert doc["otherData"]["workload"], "a trace without its workload"


# SIGKILL while the run goes on: the trace file being prepared has no name
# yet (O_TMPFILE), so nothing is left; the old file is as it was.
reset()
p = cvz.start("run", "--models", "asyncio,threading", "--workload", "4*io:3s",
              "--trace", path)
try:
    time.sleep(1.0)
    os.kill(p.pid, signal.SIGKILL)
    p.communicate(timeout=10)
finally:
    cvz.kill_tree(p.pid)
check_folder()
assert open(path).read() == OLD

# SIGTERM at moments spread over the run and the writing of a 25 MB trace:
# either it stopped cleanly (143) or it had finished (0); never a leftover.
codes = set()
for delay in (0.05, 0.15, 0.25, 0.35, 0.45, 0.6, 0.8):
    reset()
    code, err = sigterm_after(delay, "run", "--models", "asyncio", "--workload",
                              "20000*io:100ms", "--trace", path)
    assert code in (0, 143), (delay, code, err)
    codes.add(code)
    check_folder()
print("exit codes seen:", sorted(codes))

# A broken pipe on stdout (`| head -c 10`): the trace is saved first and
# whole; concviz stops cleanly with 141 and says why.
reset()
run = subprocess.Popen([cvz.concviz(), "run", "--json", "--models", "asyncio",
                        "--workload", "2000*io:1ms", "--trace", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
head = run.stdout.read(10)
run.stdout.close()  # the reader goes away, as head does
err = run.stderr.read().decode()
run.wait(timeout=30)
assert head == b'{"workload', head
assert run.returncode == 141, (run.returncode, err)
assert "broken pipe" in err, err
check_folder()
assert json.load(open(path))["otherData"]["workload"] == "2000*io:1ms"

# SIGTERM at moments spread over a whole `shot`, its run, its drawing, its
# writing and its teardown: 143 or 0, never killed by the signal (every
# command keeps the signals blocked once its work is done:
# app_signals_drain), and the old picture or a whole new one. The moments
# are fractions of one undisturbed shot's time, so that a slower build
# (a sanitizer's, whose leak check at exit is the widest gap) is probed
# across its own run and end. A build without pictures skips this.
png = os.path.join(d, "shot.png")
OLD_PNG = b"old picture"
shot = [cvz.concviz(), "shot", "-o", png, "--workload", "4*io:100ms"]
t0 = time.monotonic()
first = subprocess.run(shot, capture_output=True, text=True, timeout=60)
took = time.monotonic() - t0
if "has no pictures" in first.stderr:
    print("shot: skipped (a build without pictures)")
else:
    assert first.returncode == 0, (first.returncode, first.stderr)
    codes = set()
    for frac in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0):
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        with open(png, "wb") as f:
            f.write(OLD_PNG)
        code, err = sigterm_after(took * frac, *shot[1:])
        assert code in (0, 143), (frac, code, err)
        codes.add(code)
        assert os.listdir(d) == ["shot.png"], os.listdir(d)
        data = open(png, "rb").read()
        assert data == OLD_PNG or (data[:8] == b"\x89PNG\r\n\x1a\n" and
                                   data.endswith(b"IEND\xaeB`\x82")), data[:16]
    print(f"shot: {took:.2f} s undisturbed; exit codes seen:", sorted(codes))
