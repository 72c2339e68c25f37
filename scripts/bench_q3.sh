#!/usr/bin/env bash
# Side-by-side speed of one Q3 training epoch (10716 x 1024, batch 32,
# 1024-64-36, sigmoid + softmax, SGD): recog's default build (pure Go, this
# repository's GEMM; q3/train-epoch in float64 and q3/train-epoch-f32)
# against numpy (float64, OpenBLAS) and PyTorch (float32), alternately,
# ROUNDS times, the references with 1 (and 2) BLAS threads, so that the
# ratios come from one run on a noisy machine. Prints the load average
# before and after, every measurement, and the ratios numpy / recog float64
# and PyTorch / recog float32 (above 1: recog is faster; targets: 2 against
# 1 thread).
#
# numpy and PyTorch run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
# (the environment here may set them, and they slow OpenBLAS down).
#
# Usage: [OPENBLAS=1] [THREADS="1 2"] scripts/bench_q3.sh [ROUNDS]   (default 3;
# needs ./data/nist36 and Debian's /usr/bin/python3 with numpy and torch;
# OPENBLAS=1 also times the -tags openblas build)
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
		# "q3/train-epoch <min> <median> <median cpu> ...": the median of 3 epochs.
		"$tmp/$b" bench --run 'q3/train-epoch' --repeat 3 \
			| awk -v b="$b" -v t="$(nproc)" '$1 == "q3/train-epoch" { print b "-f64", t, $3, $4 } $1 == "q3/train-epoch-f32" { print b "-f32", t, $3, $4 }' \
			| tee -a "$log"
	done
	for t in ${THREADS:-1}; do
		env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" scripts/q3_epoch_numpy.py --threads "$t" --epochs 3 | tee -a "$log"
		env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" scripts/q3_epoch_torch.py --threads "$t" --epochs 3 | tee -a "$log"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per epoch:"
"$py" scripts/bench_summary.py "$log" numpy@1/recog-f64 torch@1/recog-f32 numpy@best/recog-f64 torch@best/recog-f32 \
	$([[ -n "${OPENBLAS:-}" ]] && echo numpy@1/recog-openblas-f64 torch@1/recog-openblas-f32)
