#!/usr/bin/env python3
"""tests/bench/measure.py RUNS CMD... - runs CMD RUNS times (stdout and
stderr discarded) and prints one line: median wall ms, median CPU ms
(user + system of the child, from getrusage), and the largest peak RSS
(KiB) seen, as "wall=W cpu=C maxrss=R"."""
import resource
import subprocess
import sys
import time

runs = int(sys.argv[1])
cmd = sys.argv[2:]
walls, cpus = [], []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    walls.append((time.perf_counter() - t0) * 1000)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1000)
walls.sort()
cpus.sort()
print("wall=%.2f cpu=%.2f maxrss=%d" % (walls[runs // 2], cpus[runs // 2],
                                          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
