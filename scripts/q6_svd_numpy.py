#!/usr/bin/env python3
"""Q6's PCA fit in numpy, the reference for `recog bench --run q6/fit`.

The SVD of the centred NIST36 training set (./data/nist36/nist36_train.mat,
10716 x 1024, float64), as a numpy user would compute PCA:
np.linalg.svd(X - X.mean(0), full_matrices=False) (LAPACK's dgesdd through
OpenBLAS; it also forms U, which PCA does not need, so the timing of
np.linalg.eigh on the Gram matrix X̃ᵀX̃, the route `pca.Fit` takes, is
printed too when --eigh is given).

Usage: q6_svd_numpy.py [--rounds N] [--threads T] [--eigh]
Prints one line per timed round: "numpy-svd <threads> <wall seconds> <CPU seconds>"
(CPU time of the whole process, user + system), then the fraction of the
variance the first 32 components explain (recog: 0.77787) as a check that
the data was read right. Run with Debian's /usr/bin/python3 (numpy).
"""
import argparse
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=3, help="timed fits (after one warm-up)")
ap.add_argument("--threads", type=int, default=1, help="BLAS threads")
ap.add_argument("--eigh", action="store_true", help="also time np.linalg.eigh of the Gram matrix")
args = ap.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402  (after the thread variables)

sys.path.insert(0, os.path.dirname(__file__))
import nist36  # noqa: E402

X = nist36.load("train")["train_data"]


def fit_svd():
    xc = X - X.mean(axis=0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    return s * s / (len(X) - 1), vt[:32].T


def fit_eigh():
    xc = X - X.mean(axis=0)
    lam, v = np.linalg.eigh(xc.T @ xc)
    return lam[::-1] / (len(X) - 1), v[:, ::-1][:, :32]


for name, fit in (("numpy-svd", fit_svd), ("numpy-eigh", fit_eigh)):
    if name == "numpy-eigh" and not args.eigh:
        continue
    var, _ = fit()  # warm-up
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        fit()
        print(f"{name} {args.threads} {time.perf_counter() - t0:.4f} {time.process_time() - c0:.4f}", flush=True)
    print(f"# {name}: variance explained by 32 components {var[:32].sum() / var.sum():.5f}", flush=True)
