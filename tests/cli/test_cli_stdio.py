"""Standard streams: concviz started with stdout closed, or writing to a
full disk or a pipe whose reader left, says what was lost and exits with
the documented code (1, or 141 for a broken pipe), never 0; a closed
descriptor never becomes one of concviz's own files."""
import json
import os
import subprocess
import tempfile

import cvz

d = tempfile.mkdtemp()
trace = os.path.join(d, "run.json")


def sh(script, *args, timeout=60):
    """Runs `script` in sh with $C the binary and "$@" the args."""
    p = subprocess.run(["sh", "-c", script, "sh", *args], capture_output=True,
                       text=True, timeout=timeout, env=dict(os.environ, C=cvz.concviz()))
    return p.returncode, p.stdout, p.stderr


# stdout closed: the JSON went nowhere, exit 1 with a message. Before, fd 1
# became the worker helper's socket and the JSON went to the helper, exit 0.
code, out, err = sh('exec "$C" run --json --models asyncio,multiprocessing '
                    '--workers 2 --workload 2*io:1ms --trace "$1" >&-', trace)
assert code == 1, (code, err)
assert "stdout is closed" in err and "JSON" in err, err
doc = json.load(open(trace))  # the trace, saved anyway, holds both models ok
names = {e["args"]["name"] for e in doc["traceEvents"]
         if e.get("ph") == "M" and e["name"] == "process_name"}
assert names == {"asyncio", "multiprocessing"}, names
assert sorted(os.listdir(d)) == ["run.json"], os.listdir(d)

# The table too, and stdin or stderr closed changes nothing for the run.
code, out, err = sh('exec "$C" run --models asyncio --workload io:1ms >&-')
assert code == 1 and "stdout is closed" in err and "table" in err, (code, err)
code, out, err = sh('exec "$C" run --json --models multiprocessing --workers 1 '
                    '--workload io:1ms <&-')
assert code == 0 and json.loads(out)["results"][0]["ok"], (code, err)
code, out, err = sh('exec "$C" run --json --models multiprocessing --workers 1 '
                    '--workload io:1ms 2>&-')
assert code == 0 and json.loads(out)["results"][0]["ok"], (code, err)

# A full disk behind stdout.
code, out, err = sh('exec "$C" run --json --models asyncio --workload io:1ms >/dev/full')
assert code == 1 and "no space left" in err, (code, err)
code, out, err = sh('exec "$C" python --workload io:1ms >/dev/full')
assert code == 1 and "no space left" in err, (code, err)

# lesson --verify with stdout closed: the verdicts are lost, and said to be.
lesson = os.path.join(d, "mp.md")
with open(lesson, "w") as f:
    f.write("# MP\n\nIntro.\n\n## One step\n\nText.\n\n```concviz\n"
            "workload: 2*io:20ms\nmodels: asyncio, multiprocessing\nworkers: 2\n"
            "question: Which is faster?\nanswer: asyncio, multiprocessing\n"
            "check: fastest\n```\n")
code, out, err = sh('exec "$C" lesson --verify "$1" >&-', lesson)
assert code == 1 and "stdout is closed" in err, (code, err)
assert "FAILED" not in err, err
