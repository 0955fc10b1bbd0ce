## prelude.py - the calibrated computation every program begins with.
##
## `cpu:DUR` is real computation in concviz, so each program first measures
## how many turns of a small loop take 10 ms on the machine at hand, then
## turns it as often as DUR needs. Like concviz's own calibration this is
## approximate: turbo clocks and other programs make it drift by some
## percent. Written where a program says __PRELUDE__, after its imports
## (it uses their `import time`).
from itertools import repeat

# How many turns of spin()'s loop take 10 ms on this machine: measured
# at start, so that cpu(seconds) computes for about that long.
TURNS_PER_10MS = 0


def spin(turns):
    """Pure computation: a loop that runs `turns` times, every turn the
    same work. (Counting with range() would not be: its numbers up to 256
    are ready-made, the later ones made and freed each turn, so a short
    call ran a third faster a turn than the long one it is calibrated by.)"""
    total = 0
    for _ in repeat(None, turns):
        total ^= 1
    return total


def measure(turns):
    """Seconds of this thread's CPU time that spin(turns) takes: CPU time,
    not wall time, so that other programs running meanwhile do not make
    the loop look slower than it is."""
    start = time.thread_time()
    spin(turns)
    return time.thread_time() - start


def calibrate():
    """Count how many turns of spin() take 10 ms."""
    turns = 1000
    while measure(turns) < 0.01:
        turns *= 2
    # The fastest of three tries: a cache or a clock slowed by the rest of
    # the machine can slow a try down, nothing can speed it up.
    best = min(measure(turns) for _ in range(3))
    return max(1, int(turns * 0.01 / best))


def cpu(seconds):
    """Compute for about `seconds` of one core's time (cpu:DUR)."""
    spin(int(TURNS_PER_10MS * seconds / 0.01))
