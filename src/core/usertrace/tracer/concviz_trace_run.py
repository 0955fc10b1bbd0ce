"""What `concviz trace -- python3 SCRIPT ARGS` runs: python3
concviz_trace_run.py SCRIPT ARGS. It starts concviz's tracer
(concviz_trace.py, beside this file) and then runs the script as Python
would have run it, as __main__ (or, with -m MODULE, the module).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import concviz_trace  # noqa: E402

del sys.path[0]
concviz_trace.main()
