"""Handouts and scores: `concviz shot --lesson FILE --all-steps -o DIR`
writes one PNG per step and an index.html that opens offline (no address
of another site, every picture beside it), with each step's title, its
question and what this machine measured; `lesson --list` shows a lesson's
score from the progress file, and still reads a progress file of the older
three fields."""
import os
import re
import tempfile

import cvz

d = tempfile.mkdtemp()
env = {"XDG_DATA_HOME": os.path.join(d, "data"),
       "XDG_STATE_HOME": os.path.join(d, "state"), "HOME": d}
mine = os.path.join(env["XDG_DATA_HOME"], "concviz", "lessons")
os.makedirs(mine)
lesson = os.path.join(mine, "97-handout.md")
with open(lesson, "w") as f:
    f.write("# A `<b>` & its index\n\nIntro.\n\n"
            "## Waiting together\n\nTwo waits.\n\n"
            "```concviz\nworkload: 2*io:10ms\nmodels: asyncio, threading\n"
            "question: Which finishes first?\n"
            "choices: asyncio, threading, asyncio and threading (a tie)\n"
            "answer: asyncio and threading\ncheck: fastest\n```\n\n"
            "After.\n\n"
            "## Computing\n\nOne computation.\n\n"
            "```concviz\nworkload: cpu:5ms\nmodels: asyncio\n```\n")

out_dir = os.path.join(d, "handout")
code, out, err = cvz.run("shot", "--lesson", lesson, "--all-steps", "-o", out_dir,
                         "--size", "800x600", timeout=120, env=env)
assert code == 0, (code, out, err)
files = sorted(os.listdir(out_dir))
assert files == ["01-waiting-together.png", "02-computing.png", "index.html"], files
html = open(os.path.join(out_dir, "index.html"), encoding="utf-8").read()
assert html.startswith("<!DOCTYPE html>"), html[:80]
# Offline: nothing fetched from elsewhere, every picture a file beside it.
assert "http:" not in html and "https:" not in html and "<script" not in html, html
for src in re.findall(r'<img src="([^"]+)"', html):
    assert os.path.isfile(os.path.join(out_dir, src)), src
assert len(re.findall(r"<section>", html)) == 2, html
# The lesson's words escaped, the question and the measurement given.
assert "A &lt;b&gt; &amp; its index" in html, html
assert "Step 1: Waiting together" in html and "Which finishes first?" in html, html
assert "Measured here: asyncio" in html, html
assert "Recorded on " in html and " UTC" in html, html

# Scores: an old three-field line and a new one with marks.
state = os.path.join(env["XDG_STATE_HOME"], "concviz")
os.makedirs(state, exist_ok=True)
with open(os.path.join(state, "progress"), "w") as f:
    f.write("97-handout.md\t1\t1\tW\n01-concurrency-vs-parallelism.md\t1\t0\n")
code, out, err = cvz.run("lesson", "--list", timeout=60, env=env)
assert code == 0, (code, err)
line = [l for l in out.splitlines() if l.startswith("97-handout.md")][0]
assert "(done: 0/1 right first time)" in line, line
line = [l for l in out.splitlines() if l.startswith("01-concurrency")][0]
assert "(at step 2" in line, line
