#!/usr/bin/env bash
# Side-by-side training throughput of the q7 MNIST CNN (the issue's speed
# comparison): recog's bench case q7/cnn-epoch (the default build: pure Go,
# this repository's GEMM) and the same network in PyTorch
# (scripts/q7_cnn_torch.py, with 1 and 2 threads), alternately, ROUNDS
# times, so that the ratio comes from one run on a noisy machine. Both train
# 1280 images in batches of 64 with Adam. Prints the load average before and
# after, every measurement, and the ratio of PyTorch's time (at its best
# thread count) to recog's: above 1, recog is faster.
#
# Usage: [OPENBLAS=1] [THREADS="1 2"] scripts/bench_q7.sh [ROUNDS]   (default 3;
# needs ./data/mnist and Debian's /usr/bin/python3 with torch; OPENBLAS=1 also
# times the -tags openblas build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
py="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/recog" ./cmd/recog
builds=(recog)
if [[ -n "${OPENBLAS:-}" ]]; then
	CGO_LDFLAGS=-lopenblas go build -tags openblas -o "$tmp/recog-openblas" ./cmd/recog
	builds+=(recog-openblas)
fi
log="$tmp/log"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
	for b in "${builds[@]}"; do
		# "q7/cnn-epoch <min> <median> <median cpu> ...": the median of 3 epochs.
		"$tmp/$b" bench --run 'q7/cnn-epoch' --repeat 3 \
			| awk -v b="$b" -v t="$(nproc)" '$1 == "q7/cnn-epoch" { print b, t, $3, $4 }' | tee -a "$log"
	done
	for t in ${THREADS:-1 2}; do
		"$py" scripts/q7_cnn_torch.py --rounds 3 --threads "$t" | tee -a "$log"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per 1280 training images (samples/s = 1280 / s):"
"$py" scripts/bench_summary.py "$log" torch-cnn@best/recog torch-cnn@1/recog torch-cnn@2/recog \
	$([[ -n "${OPENBLAS:-}" ]] && echo torch-cnn@best/recog-openblas)
