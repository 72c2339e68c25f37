#!/usr/bin/env python3
"""One Q5 autoencoder epoch in numpy (float64), the reference for
`recog bench --run q5/epoch`.

The assignment's autoencoder, 1024 -> 32 ReLU -> 32 ReLU -> 32 ReLU -> 1024
sigmoid, trained for one epoch on the NIST36 training set
(./data/nist36/nist36_train.mat, 10716 x 1024) with `recog q5`'s defaults:
batches of 36 from a fresh random permutation, the total squared error
J = sum (x_hat - x)^2, back-propagation (dJ/dx_hat = 2 (x_hat - x)), and
momentum SGD with mu = 0.9 and lr = 3e-5 on the batch-summed gradients
(v <- mu v - lr g, theta <- theta + v), written as the assignment's numpy
code does it (forward, backwards, the update per parameter).

Usage: q5_epoch_numpy.py [--epochs N] [--threads T]
Prints one line per timed epoch: "numpy-ae <threads> <wall seconds> <CPU seconds>"
(CPU time of the whole process, user + system). Run with Debian's
/usr/bin/python3 (numpy).
"""
import argparse
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--epochs", type=int, default=3, help="timed epochs (after one warm-up epoch)")
ap.add_argument("--threads", type=int, default=1, help="BLAS threads")
args = ap.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402  (after the thread variables)

sys.path.insert(0, os.path.dirname(__file__))
import nist36  # noqa: E402

X = nist36.load("train")["train_data"]
N, D = X.shape
SIZES, BATCH, LR, MU = [D, 32, 32, 32, D], 36, 3e-5, 0.9

rng = np.random.default_rng(1)
params = []
for i, o in zip(SIZES[:-1], SIZES[1:]):
    r = np.sqrt(6.0 / (i + o))
    params.append([rng.uniform(-r, r, (i, o)), np.zeros(o)])
velocity = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]


def epoch():
    perm = rng.permutation(N)
    total = 0.0
    for s in range(0, N, BATCH):
        xb = X[perm[s:s + BATCH]]
        # forward: three ReLU layers, a sigmoid output
        hs = [xb]
        for li, (w, b) in enumerate(params):
            a = hs[-1] @ w + b
            hs.append(1.0 / (1.0 + np.exp(-a)) if li == len(params) - 1 else np.maximum(a, 0))
        out = hs[-1]
        total += np.sum((out - xb) ** 2)
        # backward
        delta = 2 * (out - xb) * out * (1 - out)
        for li in range(len(params) - 1, -1, -1):
            w, b = params[li]
            gw, gb = hs[li].T @ delta, delta.sum(0)
            if li > 0:
                delta = (delta @ w.T) * (hs[li] > 0)
            vw, vb = velocity[li]
            vw *= MU
            vw -= LR * gw
            vb *= MU
            vb -= LR * gb
            w += vw
            b += vb
    return total


epoch()  # warm-up
for _ in range(args.epochs):
    t0, c0 = time.perf_counter(), time.process_time()
    epoch()
    print(f"numpy-ae {args.threads} {time.perf_counter() - t0:.4f} {time.process_time() - c0:.4f}", flush=True)
