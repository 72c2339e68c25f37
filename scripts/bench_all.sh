#!/usr/bin/env bash
# Every side-by-side speed comparison of issue 11, one after the other, each
# printing its load averages, measurements and ratios (see each script):
#
#   scripts/bench_gemm.sh        our GEMM against OpenBLAS, every project shape  (target ≥ 0.8)
#   scripts/bench_q3.sh          Q3 epoch against numpy and PyTorch, 1 thread    (target ≥ 2)
#   scripts/bench_q5.sh          Q5 autoencoder epoch against numpy              (target ≥ 1)
#   scripts/bench_q6.sh          Q6 PCA fit against numpy's SVD                  (target ≥ 1)
#   scripts/bench_q7.sh          MNIST CNN training against PyTorch              (target ≥ 1, aim 1.5)
#   scripts/bench_squeezenet.sh  SqueezeNet 1.1 features against PyTorch         (target ≥ 0.7)
#
# Usage: scripts/bench_all.sh [ROUNDS]   (default 3; takes 20-40 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
for s in bench_gemm bench_q3 bench_q5 bench_q6 bench_q7 bench_squeezenet; do
	echo "=== scripts/$s.sh  ($(date -u +%H:%M:%S) UTC)"
	if [[ $s == bench_gemm ]]; then
		COUNT="$rounds" scripts/$s.sh
	else
		scripts/$s.sh "$rounds"
	fi
	echo
done
