"""A learner's folder with many lessons (300, more than the 256 concviz
once listed): every one is listed and can be found by name."""
import os
import tempfile

import cvz

d = tempfile.mkdtemp()
env = {"XDG_DATA_HOME": os.path.join(d, "data"),
       "XDG_STATE_HOME": os.path.join(d, "state"), "HOME": d}
mine = os.path.join(env["XDG_DATA_HOME"], "concviz", "lessons")
os.makedirs(mine)
N = 300
for i in range(N):
    with open(os.path.join(mine, f"{100 + i}-mine-{i}.md"), "w") as f:
        f.write(f"# Mine {i}\n\nIntro.\n\n## A step\n\nText.\n\n"
                "```concviz\nworkload: io:1ms\n```\n")

code, out, err = cvz.run("lesson", "--list", timeout=120, env=env)
assert code == 0, (code, err)
listed = [line for line in out.splitlines() if "[yours]" in line]
assert len(listed) == N, f"{len(listed)} of {N} listed; stderr: {err}"
assert "399-mine-299.md" in out and "Mine 299" in out, out[-500:]
assert "not listed" not in err, err

# Found by number and by file name, the last ones too.
for name in ("399", "399-mine-299", "250-mine-150.md"):
    code, out, err = cvz.run("lesson", "--reset", name, timeout=60, env=env)
    assert code == 0 and "no progress to forget" in out, (name, code, out, err)
