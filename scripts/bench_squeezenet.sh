#!/usr/bin/env bash
# Side-by-side speed of SqueezeNet 1.1's feature extraction (Q7.2: layers
# 0..12 on 224 x 224 images, batches of 8, 64 images): recog's default
# build (q7/squeezenet-features, on decoded Flowers 17 images) against the
# same network in PyTorch (scripts/q7_squeezenet_torch.py, with 1 and 2
# threads), alternately, ROUNDS times. Prints the load average before and
# after, every measurement and the ratio PyTorch / recog at PyTorch's best
# thread count (above 1: recog is faster; target: at least 0.7). It also
# times recog's decoding of the same 64 JPEGs (q7/flowers-decode; no
# reference: the Python here has no PIL).
#
# Usage: [THREADS="1 2"] scripts/bench_squeezenet.sh [ROUNDS]   (default 3;
# needs ./data/flowers17, ./data/squeezenet and Debian's /usr/bin/python3
# with torch)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
py="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/recog" ./cmd/recog
log="$tmp/log"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
	"$tmp/recog" bench --run '^q7/(squeezenet-features|flowers-decode)$' --repeat 3 \
		| awk -v t="$(nproc)" '$1 == "q7/squeezenet-features" { print "recog", t, $3, $4 } $1 == "q7/flowers-decode" { print "recog-decode", t, $3, $4 }' \
		| tee -a "$log"
	for t in ${THREADS:-1 2}; do
		"$py" scripts/q7_squeezenet_torch.py --rounds 3 --threads "$t" | tee -a "$log"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per 64 images (images/s = 64 / s):"
"$py" scripts/bench_summary.py "$log" torch-squeezenet@best/recog torch-squeezenet@1/recog torch-squeezenet@2/recog
