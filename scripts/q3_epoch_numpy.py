#!/usr/bin/env python3
"""One Q3 training epoch in numpy (float64), the reference for `recog bench`.

The assignment's network, 1024 -> 64 sigmoid -> 36 softmax, trained for one
epoch of mini-batch SGD (batch 32, a fresh random permutation) on random data
of the NIST36 training shape (10716 x 1024), written as the assignment's
numpy code does it: per batch forward, softmax cross-entropy, backward
(delta = P - Y, the batch-summed gradients) and the update W -= lr * grad.

Usage: q3_epoch_numpy.py [--epochs N] [--threads T]
Prints one line per timed epoch: "numpy <threads> <wall seconds> <CPU seconds>"
(CPU time of the whole process, user + system, steadier on a shared machine).
Set the BLAS thread count with --threads (it sets OPENBLAS_NUM_THREADS
before numpy loads; run with Debian's /usr/bin/python3, which has numpy).
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

N, D, H, C, BATCH, LR = 10716, 1024, 64, 36, 32, 3e-3

rng = np.random.default_rng(0)
X = rng.random((N, D))
Y = np.eye(C)[rng.integers(0, C, N)]


def xavier(i, o):
    r = np.sqrt(6.0 / (i + o))
    return rng.uniform(-r, r, (i, o))


W1, b1 = xavier(D, H), np.zeros(H)
W2, b2 = xavier(H, C), np.zeros(C)


def epoch():
    global W1, b1, W2, b2
    perm = rng.permutation(N)
    total_loss, correct = 0.0, 0
    for s in range(0, N, BATCH):
        idx = perm[s:s + BATCH]
        xb, yb = X[idx], Y[idx]
        # forward
        h1 = 1.0 / (1.0 + np.exp(-(xb @ W1 + b1)))
        a2 = h1 @ W2 + b2
        a2 -= a2.max(axis=1, keepdims=True)
        p = np.exp(a2)
        p /= p.sum(axis=1, keepdims=True)
        total_loss -= np.sum(yb * np.log(p))
        correct += np.sum(p.argmax(1) == yb.argmax(1))
        # backward (summed over the batch)
        d2 = p - yb
        gW2, gb2 = h1.T @ d2, d2.sum(0)
        d1 = (d2 @ W2.T) * h1 * (1.0 - h1)
        gW1, gb1 = xb.T @ d1, d1.sum(0)
        W1 -= LR * gW1
        b1 -= LR * gb1
        W2 -= LR * gW2
        b2 -= LR * gb2
    return total_loss / N, correct / N


epoch()  # warm-up
for _ in range(args.epochs):
    t0, c0 = time.perf_counter(), time.process_time()
    epoch()
    print(f"numpy {args.threads} {time.perf_counter() - t0:.6f} {time.process_time() - c0:.6f}", flush=True)
