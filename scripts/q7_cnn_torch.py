#!/usr/bin/env python3
"""The q7 MNIST CNN's training throughput in PyTorch (CPU, float32), a
reference for `recog bench --run q7/cnn-epoch`.

The network of issue 6 / docs/q7_autodiff.md: conv 3x3 1->32, ReLU, conv 3x3
32->64, ReLU, max-pool 2, fully connected 9216->128, ReLU, 128->10 (no
padding), cross-entropy, Adam lr 1e-3, batch 64, on 1280 random 28x28 images
(20 batches, the same count as recog's bench case).

Usage: q7_cnn_torch.py [--rounds N] [--threads T]
Prints one line per timed round: "torch-cnn <threads> <wall seconds> <CPU seconds> <samples/s>"
Run with Debian's /usr/bin/python3, which has torch 1.13.
"""
import argparse
import os
import time

ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=3, help="timed rounds of 1280 images (after one warm-up)")
ap.add_argument("--threads", type=int, default=2, help="intra-op threads (torch.set_num_threads)")
args = ap.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import torch  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(0)
N, BATCH = 1280, 64
X = torch.rand(N, 1, 28, 28)
labels = torch.randint(0, 10, (N,))
model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(),
    torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(),
    torch.nn.MaxPool2d(2), torch.nn.Flatten(),
    torch.nn.Linear(9216, 128), torch.nn.ReLU(),
    torch.nn.Linear(128, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()


def one_round():
    perm = torch.randperm(N)
    for lo in range(0, N, BATCH):
        idx = perm[lo:lo + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(X[idx]), labels[idx])
        loss.backward()
        opt.step()


one_round()
for _ in range(args.rounds):
    t0, c0 = time.perf_counter(), time.process_time()
    one_round()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"torch-cnn {args.threads} {wall:.4f} {cpu:.4f} {N / wall:.0f}", flush=True)
