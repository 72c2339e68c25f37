#!/usr/bin/env bash
# Side-by-side training throughput of the q7 MNIST CNN (issue 6's speed
# comparison): recog's bench case q7/cnn-epoch (OpenBLAS build) and the same
# network in PyTorch (scripts/q7_cnn_torch.py), alternately, ROUNDS times, so
# the ratio comes from one run on a noisy machine. Both train 1280 images in
# batches of 64 with Adam; PyTorch runs with 1 and 2 threads (THREADS).
#
# Usage: scripts/bench_q7.sh [ROUNDS]   (default 3; needs ./data/mnist and
# Debian's /usr/bin/python3 with torch; run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
py="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
CGO_LDFLAGS=-lopenblas go build -tags openblas -o "$tmp/recog" ./cmd/recog
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
	"$tmp/recog" bench --run 'q7/cnn-epoch' --repeat 3 | grep '^q7/cnn-epoch'
	for t in ${THREADS:-1 2}; do "$py" scripts/q7_cnn_torch.py --rounds 3 --threads "$t"; done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
