#!/usr/bin/env python3
"""Summarises a side-by-side benchmark log for the scripts/bench_*.sh scripts.

The log has one line per measurement: "<name> <threads> <wall seconds> <CPU seconds>"
(CPU = user + system time of the measured process). Prints, for each name
and thread count, the number of runs and the minimum and median wall and CPU
times, then one line per ratio asked for on the command line:

  bench_summary.py LOG REF/OURS ...

REF and OURS are names, optionally with "@T" for one thread count; "@best"
(the default for REF) takes the reference's thread count with the smallest
median wall time, and OURS without "@" its only (or fastest) row. A ratio is
REF median / OURS median, of the wall and of the CPU times: above 1, ours is
faster. On a shared machine the wall ratio can favour the process with more
threads (it gets more of the CPUs), so both are printed.
"""
import collections
import statistics
import sys

log, specs = sys.argv[1], sys.argv[2:]
wall, cpu = collections.defaultdict(list), collections.defaultdict(list)
for line in open(log):
    f = line.split()
    if len(f) < 4 or f[0].startswith("#"):
        continue
    try:
        key, w, c = (f[0], int(f[1])), float(f[2]), float(f[3])
    except ValueError:
        continue
    wall[key].append(w)
    cpu[key].append(c)
if not wall:
    sys.exit("bench_summary: no measurements in " + log)
mw = {k: statistics.median(v) for k, v in wall.items()}
mc = {k: statistics.median(v) for k, v in cpu.items()}
print(f"{'implementation':<24} {'threads':>7} {'runs':>4} {'min wall':>9} {'med wall':>9} {'min cpu':>8} {'med cpu':>8}")
for k in sorted(wall):
    print(f"{k[0]:<24} {k[1]:>7} {len(wall[k]):>4} {min(wall[k]):9.4f} {mw[k]:9.4f} {min(cpu[k]):8.4f} {mc[k]:8.4f}")


def pick(spec, default_best):
    name, _, t = spec.partition("@")
    rows = [k for k in mw if k[0] == name]
    if not rows:
        return None
    if t and t != "best":
        rows = [k for k in rows if k[1] == int(t)]
        return rows[0] if rows else None
    return min(rows, key=mw.get)


print()
for spec in specs:
    ref, ours = spec.split("/")
    r, o = pick(ref, True), pick(ours, False)
    if r is None or o is None:
        print(f"{spec}: no measurements")
        continue
    print(f"{r[0]} ({r[1]} thr) / {o[0]} ({o[1]} thr): wall {mw[r] / mw[o]:.2f}, cpu {mc[r] / mc[o]:.2f}"
          f"  (medians {mw[r]:.4f} s / {mw[o]:.4f} s wall)")
