"""Hostile workloads and options, tried systematically: each gets a clear
message and exit code 2 before anything runs; never a crash, never a hang."""
import os

import cvz

bad_workloads = [
    "", " ", "+", "*", "()", "(,)", "8*", "*io:1ms", "io", "io:", "io:ms", "io:-1ms",
    "io:1e400ms", "io:1.5.5ms", "io:1mss", "cpu:0s", "0*io:1ms", "-3*io:1ms",
    "99999999999999999999999*io:1ms", "1000001*io:1ms", "(1000000000*io:1ms)",
    "io:2h", "io:99999999999999999999s", "cpu:nan", "cpu:infs", "yield:1ms",
    "(" * 10000 + "io:1ms" + ")" * 10000, "(" * 13 + "io:1ms" + ")" * 13,
    "io:1ms" + ")" * 5, "(io:1ms", "io:1ms,io:1ms", "io:1ms ++ io:1ms",
    "io:1ms" + " + io:1ms" * 11000,  # 99 KB: over the 64 KiB limit
    os.fsdecode(b"\xff\xfe\x01binary"),  # raw bytes, not UTF-8 "io:1ms\x7f", "cpu:1ms\u00a0", "ïo:1ms",
    "8*io:200ms; rm -rf /", "$(reboot)", "`id`",
]
for w in bad_workloads:
    code, out, err = cvz.run("run", "--workload", w, timeout=30)
    shown = repr(w[:40])
    assert code == 2, f"{shown}: exit {code}: {err[:300]}"
    assert err.startswith("concviz: workload:1:") or err.startswith("concviz: "), \
        f"{shown}: {err[:300]}"
    assert "Traceback" not in err and "Sanitizer" not in err, f"{shown}: {err[:500]}"
    assert out == "", f"{shown}: printed {out[:200]}"
    # One screen of message at most, even for a 99 KB workload.
    assert len(err) < 2000, f"{shown}: {len(err)} bytes of message"

bad_options = [
    ["--workers", "1e9"], ["--workers", "-1"], ["--workers", "257"], ["--workers", ""],
    ["--threads", "0"], ["--threads", "100001"], ["--switch-interval", "nan"],
    ["--switch-interval", "inf"], ["--switch-interval", "0"], ["--switch-interval", "5MS"],
    ["--switch-interval", ".5"], ["--switch-interval", "1e3ms"], ["--switch-interval", "0x10"],
    ["--timeout", "5 s s"], ["--workers", "0x10"], ["--workers", "2.0"],
    ["--timeout", "0"], ["--timeout", "-5s"], ["--timeout", "1e30"], ["--models", ""],
    ["--models", ","], ["--models", "asyncio,asyncio"], ["--json", "--json", "--bogus"],
    ["--trace"], ["--trace", ""], ["--workload"],
]
for args in bad_options:
    code, out, err = cvz.run("run", *args, timeout=30)
    assert code == 2, f"{args}: exit {code}: {err[:300]}"
    assert err.startswith("concviz: "), f"{args}: {err[:300]}"

# Limits per model, refused before anything starts, naming what to change.
for args, hint in (
        (["--models", "threading", "--workload", "200000*io:1ms"], "--threads"),
        (["--models", "free-threading", "--workload", "150000*io:1ms"], "--threads"),
):
    code, out, err = cvz.run("run", *args, timeout=30)
    assert code == 2 and hint in err, (args, code, err)
