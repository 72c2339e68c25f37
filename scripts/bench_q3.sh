#!/usr/bin/env bash
# Side-by-side speed of one Q3 training epoch (10716 x 1024, batch 32,
# 1024-64-36, sigmoid + softmax, SGD): recog (pure Go and OpenBLAS builds)
# against numpy (float64, OpenBLAS) and PyTorch (float32), alternately, ROUNDS
# times, with 1 and 2 BLAS threads, so that the ratios come from one run on a
# noisy machine. Prints every measurement and a summary (the minimum and
# median of each, and their ratios to recog with OpenBLAS).
#
# Usage: [THREADS="1 2"] scripts/bench_q3.sh [ROUNDS]   (default 5; needs ./data/nist36 and
# Debian's /usr/bin/python3 with numpy and torch; run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
py="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/recog-go" ./cmd/recog
CGO_LDFLAGS=-lopenblas go build -tags openblas -o "$tmp/recog-openblas" ./cmd/recog
log="$tmp/log"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
	for threads in ${THREADS:-1 2}; do
		# recog prints "q3/train-epoch <min> <median> <median cpu> ..."; take
		# the median wall and CPU times of 3 epochs, as the scripts time 3
		# epochs (each line: name threads wall cpu).
		OPENBLAS_NUM_THREADS=$threads GOMAXPROCS=$threads "$tmp/recog-openblas" bench --threads "$threads" --run 'q3/train-epoch' --repeat 3 \
			| awk -v t="$threads" '$1 == "q3/train-epoch" { print "recog-openblas-f64", t, $3, $4 } $1 == "q3/train-epoch-f32" { print "recog-openblas-f32", t, $3, $4 }' | tee -a "$log"
		"$py" scripts/q3_epoch_numpy.py --threads "$threads" --epochs 3 \
			| sort -k3 -g | sed -n 2p | tee -a "$log"
		"$py" scripts/q3_epoch_torch.py --threads "$threads" --epochs 3 \
			| sort -k3 -g | sed -n 2p | tee -a "$log"
	done
	if [[ $round == 1 ]]; then
		GOMAXPROCS=2 "$tmp/recog-go" bench --run 'q3/train-epoch' --repeat 3 \
			| awk '$1 == "q3/train-epoch" { print "recog-purego-f64", 2, $3, $4 } $1 == "q3/train-epoch-f32" { print "recog-purego-f32", 2, $3, $4 }' | tee -a "$log"
	fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per epoch: median of 3 epochs in each round, then min and median over $rounds rounds,"
echo "wall time and CPU time (user + system of the process; steadier when the machine is shared):"
"$py" - "$log" <<'PY'
import collections, statistics, sys
wall, cpu = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, threads, w, c = line.split()
    wall[(name, int(threads))].append(float(w))
    cpu[(name, int(threads))].append(float(c))
mw = {k: statistics.median(v) for k, v in wall.items()}
mc = {k: statistics.median(v) for k, v in cpu.items()}
print(f"{'implementation':<20} {'threads':>7} {'min wall':>9} {'med wall':>9} {'min cpu':>8} {'med cpu':>8}")
for k in sorted(wall):
    print(f"{k[0]:<20} {k[1]:>7} {min(wall[k]):9.4f} {mw[k]:9.4f} {min(cpu[k]):8.4f} {mc[k]:8.4f}")
print()
def ratio(a, b):
    if a in mw and b in mw:
        print(f"{a[0]} ({a[1]} thr) / {b[0]} ({b[1]} thr): wall {mw[a] / mw[b]:.2f}, cpu {mc[a] / mc[b]:.2f}")
for t in (1, 2):
    ratio(("numpy", t), ("recog-openblas-f64", t))
    ratio(("torch", t), ("recog-openblas-f32", t))
refs = [k for k in mw if k[0] in ("numpy", "torch")]
ours = [k for k in mw if k[0].startswith("recog-openblas")]
if refs and ours:
    r, o = min(refs, key=mw.get), min(ours, key=mw.get)
    print(f"fastest reference {r[0]} ({r[1]} thr) {mw[r]:.4f} s / fastest recog {o[0]} ({o[1]} thr) {mw[o]:.4f} s = {mw[r] / mw[o]:.2f} (wall medians)")
PY
