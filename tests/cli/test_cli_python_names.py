"""concviz python: a workload name never takes a name the programs use.

The programs' own names (cpu, PLAN, main, pool, task_1, in_process_1, ...)
come from the templates in src/core/pyprog/templates and from the
generator; a workload name that is one of them gets a trailing '_'
(plan.c's reserved list). A name added to a template and forgotten there
would let `inc:results` overwrite the program's own `results`. So every
name the templates and the golden programs of name-free workloads bind or
read (variables, functions, arguments, modules), and every keyword, is
used as a workload name here, and each must come out renamed, under every
model. Attributes (time.sleep) and keyword arguments (target=) are not
names a global can hide, and are left out.
"""
import ast
import keyword
import os
import re

import cvz

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sources = [os.path.join(root, "src/core/pyprog/templates", f)
           for f in sorted(os.listdir(os.path.join(root, "src/core/pyprog/templates")))
           if f.endswith(".py")]
goldens = os.path.join(root, "tests/fixtures/pyprog")
sources += [os.path.join(goldens, f) for f in sorted(os.listdir(goldens))
            if f.startswith(("mixed_", "executors_", "pools_"))]  # no workload names

names = set()
for path in sources:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
names = {n for n in names if not re.fullmatch(r"__[A-Z][A-Z0-9_]*__", n)}  # placeholders
names |= set(keyword.kwlist) | set(getattr(keyword, "softkwlist", []))
assert {"cpu", "PLAN", "main", "task_1", "in_process_1", "PROCESS_POOL"} <= names, names

spec = " + ".join(f"inc:{n}" for n in sorted(names))
for model in ("asyncio", "threading", "multiprocessing", "free-threading"):
    code, out, err = cvz.run("python", "--workload", spec, "--models", model)
    assert code == 0, (model, code, err)
    for n in sorted(names):
        assert re.search(rf"^{re.escape(n)}_+ = 0  # {re.escape(n)}$", out, re.M), \
            f"{model}: the workload name {n!r} is not renamed: it clashes with the program's own"
print(f"{len(names)} names, all renamed under every model")
