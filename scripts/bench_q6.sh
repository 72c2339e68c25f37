#!/usr/bin/env bash
# Side-by-side speed of Q6's PCA fit: recog's default build (q6/fit: the
# 32 principal directions and all variances of the centred 10716 x 1024
# NIST36 training set, from its Gram matrix) against numpy's
# np.linalg.svd(X - mean, full_matrices=False) of the same matrix
# (scripts/q6_svd_numpy.py, with 1 and 2 BLAS threads), alternately, ROUNDS
# times. Prints the load average before and after, every measurement and
# the ratio numpy / recog (above 1: recog is faster; target: at least 1).
# With EIGH=1 numpy's eigh of the Gram matrix (the route recog takes) is
# timed too. numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
# (they slow OpenBLAS down).
#
# Usage: [EIGH=1] [THREADS="1 2"] scripts/bench_q6.sh [ROUNDS]   (default 3;
# needs ./data/nist36 and Debian's /usr/bin/python3 with numpy)
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
	"$tmp/recog" bench --run '^q6/fit$' --repeat 2 \
		| awk -v t="$(nproc)" '$1 == "q6/fit" { print "recog", t, $3, $4 }' | tee -a "$log"
	for t in ${THREADS:-1 2}; do
		env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" scripts/q6_svd_numpy.py --threads "$t" --rounds 2 \
			$([[ -n "${EIGH:-}" ]] && echo --eigh) | tee -a "$log"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per fit:"
"$py" scripts/bench_summary.py "$log" numpy-svd@1/recog numpy-svd@2/recog numpy-svd@best/recog \
	$([[ -n "${EIGH:-}" ]] && echo numpy-eigh@best/recog)
