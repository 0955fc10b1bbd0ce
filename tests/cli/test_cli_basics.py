"""The command line: help, version, usage errors and their exit codes."""
import cvz

code, out, err = cvz.run("--help")
assert code == 0 and "usage: concviz" in out, (code, out, err)
code, out, err = cvz.run("--version")
assert code == 0 and out.startswith("concviz "), (code, out)
code, out, err = cvz.run("run", "--help")
assert code == 0 and "--workload" in out and "(8*io:200ms)" in out, out

for args in (["--bogus"], ["frobnicate"], ["run", "--bogus"], ["run", "--workers"],
             ["run", "--workers", "0"], ["run", "--workers", "x"],
             ["run", "--threads", "100001"], ["run", "--models", "asyncio,nope"],
             ["run", "--switch-interval", "-1"], ["run", "--timeout", "soon"],
             ["python", "--bogus"]):
    code, out, err = cvz.run(*args)
    assert code == 2, f"{args}: exit {code}, want 2: {err}"
    assert err.startswith("concviz: "), f"{args}: {err!r}"
    assert "--help" in err, f"{args}: no hint: {err!r}"

# A bad workload: the column, the spot, exit 2, before anything ran.
code, out, err = cvz.run("run", "--workload", "8*io:2x0ms")
assert code == 2, (code, err)
assert "workload:1:" in err and "^" in err, err
assert out == "", out

# Limits per model say what to change.
code, out, err = cvz.run("run", "--models", "threading", "--workload", "200000*io:1ms")
assert code == 2 and "--threads" in err, (code, err)
code, out, err = cvz.run("run", "--models", "threading", "--threads", "4",
                         "--workload", "20*io:1ms")
assert code == 0, (code, err)
