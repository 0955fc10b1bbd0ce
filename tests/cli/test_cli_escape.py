"""Text from files (a saved run's names and errors, a lesson's title and
text, file names in the lesson folder) reaches the terminal escaped: the
terminal never receives the control characters a file holds."""
import json
import os
import tempfile

import cvz

ESC = "\u001b]0;PWNED\u0007\u001b[2J"
d = tempfile.mkdtemp()
env = {"XDG_DATA_HOME": os.path.join(d, "data"),
       "XDG_STATE_HOME": os.path.join(d, "state"), "HOME": d}


def clean(*texts):
    for t in texts:
        assert "\x1b" not in t and "\x07" not in t, repr(t[:300])


# A saved run whose model name holds escape sequences: the loader's error
# quotes it, escaped.
run = os.path.join(d, "run.json")
code, out, err = cvz.run("run", "--models", "asyncio", "--workload", "2*io:1ms",
                         "--trace", run)
assert code == 0, err
doc = json.load(open(run))
doc["otherData"]["models"][0]["name"] = ESC + "asyncio"
bad = os.path.join(d, "bad-model.json")
json.dump(doc, open(bad, "w"))
for args in (["open", bad], ["shot", "--open", bad, "-o", os.path.join(d, "x.png")]):
    code, out, err = cvz.run(*args, env=env)
    assert code == 1, (args, code, err)
    clean(out, err)
    assert "\\x1b]0;PWNED\\x07\\x1b[2J" in err, err

# A lesson whose title and step title hold them: --list, --check, --verify.
mine = os.path.join(env["XDG_DATA_HOME"], "concviz", "lessons")
os.makedirs(mine)
lesson = os.path.join(mine, "90-esc.md")
with open(lesson, "w") as f:
    f.write(f"# {ESC}Title\n\nIntro.\n\n## Step {ESC}one\n\nText.\n\n```concviz\n"
            "workload: 2*io:20ms\nmodels: asyncio, threading\n"
            f"question: Which {ESC}?\nanswer: asyncio, threading\ncheck: fastest\n```\n")
code, out, err = cvz.run("lesson", "--list", env=env)
assert code == 0, err
clean(out, err)
assert "\\x1b]0;PWNED\\x07\\x1b[2JTitle" in out, out
for mode in ("--check", "--verify"):
    code, out, err = cvz.run("lesson", mode, lesson, env=env)
    assert code in (0, 1), (mode, code, err)
    clean(out, err)
code, out, err = cvz.run("lesson", "--verify", lesson, env=env)
assert "Step \\x1b]0;PWNED" in out, out

# A lesson error quoting the file's text; a file name with them in the folder.
with open(os.path.join(mine, f"91-{ESC}.md"), "w") as f:
    f.write(f"# T\n\n## S\n\n```concviz\nworkload: io:1ms\n{ESC}key: 1\n```\n")
code, out, err = cvz.run("lesson", "--check", os.path.join(mine, f"91-{ESC}.md"), env=env)
assert code == 1, (code, err)
clean(out, err)
code, out, err = cvz.run("lesson", "--list", env=env)
clean(out, err)
assert "91-\\x1b]0;PWNED" in out, out
code, out, err = cvz.run("lesson", "91", env=env)
clean(out, err)
