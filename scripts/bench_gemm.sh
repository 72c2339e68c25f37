#!/usr/bin/env bash
# Side-by-side speed of this repository's GEMM (internal/blas, the default
# build's matrix products) and OpenBLAS on every matrix shape the project
# uses (blas.Shapes): one test binary built with -tags openblas runs
# BenchmarkGemm, which times each shape with our kernels (impl=ours) and
# right after with OpenBLAS (impl=openblas), COUNT times. Both may use
# THREADS threads (default 2). Prints the median time of each, the ratio
# OpenBLAS time / our time of the medians and of the minimums (above 1:
# ours is faster; the minimum is the time least disturbed by other work on
# the machine), then the smallest ratios and their geometric means.
#
# Usage: [THREADS=2] [COUNT=5] [BENCHTIME=0.3s] [RUN=regexp] scripts/bench_gemm.sh
# (needs Debian's libopenblas-dev and python3; run from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${THREADS:-2}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

CGO_LDFLAGS=-lopenblas go test -tags openblas -c -o "$tmp/blas.test" ./internal/blas
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
GOMAXPROCS="$threads" OPENBLAS_NUM_THREADS="$threads" "$tmp/blas.test" -test.run '^$' \
	-test.bench "BenchmarkGemm/shape=.*(${RUN:-.})" -test.count "${COUNT:-5}" -test.benchtime "${BENCHTIME:-0.3s}" \
	-test.benchmem | tee "$tmp/log" | grep -v '^Benchmark' || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/log" <<'PY'
import collections, re, statistics, sys
ns = collections.defaultdict(list)
gf = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    m = re.match(r'BenchmarkGemm/shape=(\S+)/impl=(\w+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) GFLOP/s', line)
    if not m:
        continue
    shape, impl = m.group(1), m.group(2)
    if shape not in order:
        order.append(shape)
    ns[(shape, impl)].append(float(m.group(3)))
    gf[(shape, impl)].append(float(m.group(4)))
print()
print(f"{'shape':34s} {'ours µs':>9s} {'OpenBLAS µs':>11s} {'ours GF/s':>9s} {'OB GF/s':>8s} {'ratio':>6s} {'ratio of min':>12s}")
ratios, minratios = [], []
for s in order:
    o, b = statistics.median(ns[(s, 'ours')]), statistics.median(ns[(s, 'openblas')])
    r, rm = b / o, min(ns[(s, 'openblas')]) / min(ns[(s, 'ours')])
    ratios.append((r, s))
    minratios.append((rm, s))
    print(f"{s:34s} {o/1e3:9.1f} {b/1e3:11.1f} {statistics.median(gf[(s, 'ours')]):9.1f} {statistics.median(gf[(s, 'openblas')]):8.1f} {r:6.2f} {rm:12.2f}")
n = len(ns[(order[0], 'ours')])
for name, rs in (("median", ratios), ("minimum", minratios)):
    r, s = min(rs)
    print(f"ratio of the {name}s (OpenBLAS time / our time) over {n} runs: smallest {r:.2f} ({s}), "
          f"geometric mean {statistics.geometric_mean([x for x, _ in rs]):.2f}")
PY
