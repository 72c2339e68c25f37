#!/usr/bin/env bash
# Side-by-side speed of one Q3 training epoch (10716 x 1024, batch 32,
# 1024-64-36, sigmoid + softmax, SGD): recog (pure Go and OpenBLAS builds)
# against numpy (float64, OpenBLAS) and PyTorch (float32), alternately, ROUNDS
# times, with 1 and 2 BLAS threads, so that the ratios come from one run on a
# noisy machine. Prints every measurement and a summary (the minimum and
# median of each, and their ratios to recog with OpenBLAS).
#
# Usage: scripts/bench_q3.sh [ROUNDS]   (default 5; needs ./data/nist36 and
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
	for threads in 1 2; do
		# recog prints "q3/train-epoch <min> <median> <median cpu> ..."; take
		# the median wall time of 3 epochs, as the scripts time 3 epochs.
		OPENBLAS_NUM_THREADS=$threads GOMAXPROCS=$threads "$tmp/recog-openblas" bench --run 'q3/train-epoch' --repeat 3 \
			| awk -v t="$threads" '$1 == "q3/train-epoch" { print "recog-openblas", t, $3 }' | tee -a "$log"
		"$py" scripts/q3_epoch_numpy.py --threads "$threads" --epochs 3 \
			| sort -k3 -g | sed -n 2p | tee -a "$log"
		"$py" scripts/q3_epoch_torch.py --threads "$threads" --epochs 3 \
			| sort -k3 -g | sed -n 2p | tee -a "$log"
	done
	if [[ $round == 1 ]]; then
		GOMAXPROCS=2 "$tmp/recog-go" bench --run 'q3/train-epoch' --repeat 3 \
			| awk '$1 == "q3/train-epoch" { print "recog-purego", 2, $3 }' | tee -a "$log"
	fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per epoch (median of 3 epochs per round; min and median over $rounds rounds):"
"$py" - "$log" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, threads, secs = line.split()
    runs[(name, int(threads))].append(float(secs))
ref = {t: statistics.median(runs[("recog-openblas", t)]) for t in (1, 2) if runs[("recog-openblas", t)]}
best = min(ref.values())
print(f"{'implementation':<16} {'threads':>7} {'min s':>8} {'median s':>9} {'median / recog-openblas best':>30}")
for (name, t), v in sorted(runs.items()):
    print(f"{name:<16} {t:>7} {min(v):8.4f} {statistics.median(v):9.4f} {statistics.median(v) / best:30.2f}")
PY
