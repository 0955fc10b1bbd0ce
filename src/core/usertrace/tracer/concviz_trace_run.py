"""What `concviz trace -- python3 SCRIPT ARGS` runs: python3
concviz_trace_run.py SCRIPT ARGS. It starts concviz's tracer
(concviz_trace.py, beside this file) and then runs the script as Python
would have run it, as __main__ (or, with -m MODULE, the module).
"""
import time

# When the tracer's own start began: what it costs before the script runs
# (importing it, calibrating) is part of what tracing costs the program.
_T_BEGIN = time.perf_counter_ns()

import os  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import concviz_trace  # noqa: E402

del sys.path[0]
concviz_trace.main(_T_BEGIN)
