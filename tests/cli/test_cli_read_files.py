"""Every file concviz reads (a saved run, a lesson, the progress file) is a
regular file or is refused with a message naming it: a FIFO, a device or a
folder never blocks concviz and is never read. `lesson --list` skips such
entries in the learner's folder with a note."""
import os
import tempfile

import cvz

d = tempfile.mkdtemp()
fifo = os.path.join(d, "fifo.md")
os.mkfifo(fifo)
folder = os.path.join(d, "folder.md")
os.mkdir(folder)
env = {"XDG_DATA_HOME": os.path.join(d, "data"),
       "XDG_STATE_HOME": os.path.join(d, "state"), "HOME": d}


def refused(args, name, kind, code_want=1):
    # A hang would show as subprocess.TimeoutExpired.
    code, out, err = cvz.run(*args, timeout=20, env=env)
    assert code == code_want, (args, code, err)
    assert name in err and kind in err, (args, err)
    return err


# Saved runs: `open` and `shot --open`.
for target, kind in ((fifo, "not a regular file (a FIFO)"),
                     ("/dev/zero", "not a regular file (a character device)"),
                     (folder, "is a folder")):
    refused(["open", target], target, kind)
    refused(["shot", "--open", target, "-o", os.path.join(d, "x.png")], target, kind)

# Lessons: --check, --verify, the player (before any window opens).
for target, kind in ((fifo, "not a regular file (a FIFO)"),
                     ("/dev/zero", "not a regular file (a character device)"),
                     (folder, "is a folder")):
    refused(["lesson", "--check", target], target, kind)
    refused(["lesson", "--verify", target], target, kind)
    refused(["lesson", target], target, kind)

# The learner's folder: a FIFO and a folder named like lessons are skipped
# with a note; the real lesson beside them is listed.
mine = os.path.join(env["XDG_DATA_HOME"], "concviz", "lessons")
os.makedirs(mine)
os.mkfifo(os.path.join(mine, "90-fifo.md"))
os.mkdir(os.path.join(mine, "91-folder.md"))
with open(os.path.join(mine, "93-mine.md"), "w") as f:
    f.write("# Mine\n\nIntro.\n\n## A step\n\nText.\n\n```concviz\nworkload: io:1ms\n```\n")
code, out, err = cvz.run("lesson", "--list", timeout=20, env=env)
assert code == 0, (code, err)
assert "93-mine.md" in out and "Mine" in out, out
assert "90-fifo.md" not in out and "91-folder.md" not in out, out
assert "skipped" in err and "90-fifo.md" in err and "FIFO" in err, err
assert "91-folder.md" in err and "folder" in err, err
# Found by name, still; the FIFO is not a lesson to open.
refused(["lesson", "90-fifo"], "90-fifo", "no lesson called", 2)

# The progress file: a FIFO there is not read (--list says so, and goes on),
# and --reset refuses to touch it.
state = os.path.join(env["XDG_STATE_HOME"], "concviz")
os.makedirs(state)
os.mkfifo(os.path.join(state, "progress"))
code, out, err = cvz.run("lesson", "--list", timeout=20, env=env)
assert code == 0 and "93-mine.md" in out, (code, err)
assert "progress not read" in err and "FIFO" in err, err
refused(["lesson", "--reset", "93-mine"], "progress", "FIFO")
