#!/usr/bin/env python3
"""One Q3 training epoch in PyTorch (CPU, float32), a reference for `recog bench`.

The assignment's network, 1024 -> 64 sigmoid -> 36 softmax, as PyTorch users
write it: nn.Sequential(Linear, Sigmoid, Linear), CrossEntropyLoss with
reduction="sum" (the assignment's summed loss, so the same learning rate
means the same step), autograd and optim.SGD, one epoch of batch 32 over a
fresh random permutation of random data of the NIST36 training shape
(10716 x 1024).

Usage: q3_epoch_torch.py [--epochs N] [--threads T]
Prints one line per timed epoch: "torch <threads> <wall seconds> <CPU seconds>"
(CPU time of the whole process, user + system, steadier on a shared machine).
Run with Debian's /usr/bin/python3, which has torch 1.13.
"""
import argparse
import os
import time

ap = argparse.ArgumentParser()
ap.add_argument("--epochs", type=int, default=3, help="timed epochs (after one warm-up epoch)")
ap.add_argument("--threads", type=int, default=1, help="intra-op threads (torch.set_num_threads)")
args = ap.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import torch  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(0)
N, D, H, C, BATCH, LR = 10716, 1024, 64, 36, 32, 3e-3

X = torch.rand(N, D)
labels = torch.randint(0, C, (N,))
model = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.Sigmoid(), torch.nn.Linear(H, C))
for m in model:
    if isinstance(m, torch.nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        torch.nn.init.zeros_(m.bias)
loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")
opt = torch.optim.SGD(model.parameters(), lr=LR)


def epoch():
    perm = torch.randperm(N)
    total_loss, correct = 0.0, 0
    for s in range(0, N, BATCH):
        idx = perm[s:s + BATCH]
        xb, yb = X[idx], labels[idx]
        out = model(xb)
        loss = loss_fn(out, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total_loss += loss.item()
        correct += (out.argmax(1) == yb).sum().item()
    return total_loss / N, correct / N


epoch()  # warm-up
for _ in range(args.epochs):
    t0, c0 = time.perf_counter(), time.process_time()
    epoch()
    print(f"torch {args.threads} {time.perf_counter() - t0:.6f} {time.process_time() - c0:.6f}", flush=True)
