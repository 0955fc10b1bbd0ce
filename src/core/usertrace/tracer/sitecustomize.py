"""concviz's tracer in the processes a traced program starts (spawn,
forkserver, a subprocess running Python): Python imports sitecustomize at
start-up from PYTHONPATH, where `concviz trace` put this folder, so the
tracer starts before anything of the program runs (concviz_trace.py).

Then the folder leaves sys.path again, so the program sees the path it
would see untraced, and the sitecustomize this one stands in front of (a
distribution's, as Debian's), if there is one, runs as it would have.
"""
import os
import sys


def _concviz_start():
    here = os.path.dirname(os.path.abspath(__file__))
    args = getattr(sys, "orig_argv", None) or sys.argv or []
    main = any(a.endswith("concviz_trace_run.py") for a in args[:4])
    if os.environ.get("CONCVIZ_TRACE_DIR") and not main:
        try:
            import concviz_trace
            concviz_trace.start_child()
        except Exception:  # the tracer must never stop the program
            pass
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    try:
        import importlib.machinery
        import importlib.util
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
        if spec is not None and spec.loader is not None:
            mod = importlib.util.module_from_spec(spec)
            sys.modules["sitecustomize"] = mod
            spec.loader.exec_module(mod)
    except Exception:
        pass


_concviz_start()
