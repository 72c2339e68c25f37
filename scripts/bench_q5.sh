#!/usr/bin/env bash
# Side-by-side speed of one Q5 autoencoder epoch (recog q5's defaults: the
# NIST36 training set, 1024-32-32-32-1024, batch 36, momentum SGD): recog's
# default build (q5/epoch) against the same network in numpy
# (scripts/q5_epoch_numpy.py, float64, 1 BLAS thread), alternately, ROUNDS
# times. Prints the load average before and after, every measurement and
# the ratio numpy / recog (above 1: recog is faster; target: at least 1).
# numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they slow
# OpenBLAS down).
#
# Usage: [THREADS="1 2"] scripts/bench_q5.sh [ROUNDS]   (default 3; needs
# ./data/nist36 and Debian's /usr/bin/python3 with numpy)
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
	"$tmp/recog" bench --run '^q5/epoch$' --repeat 3 \
		| awk -v t="$(nproc)" '$1 == "q5/epoch" { print "recog", t, $3, $4 }' | tee -a "$log"
	for t in ${THREADS:-1}; do
		env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" scripts/q5_epoch_numpy.py --threads "$t" --epochs 3 | tee -a "$log"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per epoch:"
"$py" scripts/bench_summary.py "$log" numpy-ae@1/recog numpy-ae@best/recog
