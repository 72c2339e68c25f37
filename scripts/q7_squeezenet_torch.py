#!/usr/bin/env python3
"""SqueezeNet 1.1 feature extraction in PyTorch (CPU, float32), the reference
for `recog bench --run q7/squeezenet-features`.

torchvision is not installed here, so the network is torchvision's
squeezenet1_1 written out in plain torch.nn (the same layers, names and
shapes), with the ImageNet weights of the mirror's ONNX-zoo model read from
./data/squeezenet/onnx-zoo-squeezenet1.1-npy through
torchvision_to_onnxzoo_names.json. Before timing, it checks the network on
the reference input (test_redpanda_input_1x3x224x224.npy, torchvision's
224 x 224 preprocessing of test_redpanda.jpg) against the reference logits.

Timed: the feature layers (model.features, layers 0..12, output 512 x 13 x 13)
on 64 images of 3 x 224 x 224 in batches of 8 (Q7.2's ExtractBatch), under
torch.no_grad(); the images are N(0, 1) noise (the work does not depend on
the values; recog times the same layers on decoded Flowers 17 images).

Usage: q7_squeezenet_torch.py [--rounds N] [--threads T]
Prints one line per timed round: "torch-squeezenet <threads> <wall s> <CPU s> <images/s>".
Run with Debian's /usr/bin/python3 (torch 1.13, numpy).
"""
import argparse
import json
import os
import time

ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=3, help="timed rounds of 64 images (after one warm-up)")
ap.add_argument("--threads", type=int, default=1, help="intra-op threads (torch.set_num_threads)")
args = ap.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(args.threads)
DIR = os.path.join(os.path.dirname(__file__), "..", "data", "squeezenet")
N, BATCH = 64, 8


class Fire(nn.Module):
    """torchvision's Fire: squeeze 1x1 + ReLU, then 1x1 and 3x3 expands + ReLU, concatenated."""

    def __init__(self, cin, squeeze, e1, e3):
        super().__init__()
        self.squeeze = nn.Conv2d(cin, squeeze, 1)
        self.expand1x1 = nn.Conv2d(squeeze, e1, 1)
        self.expand3x3 = nn.Conv2d(squeeze, e3, 3, padding=1)

    def forward(self, x):
        x = torch.relu(self.squeeze(x))
        return torch.cat([torch.relu(self.expand1x1(x)), torch.relu(self.expand3x3(x))], 1)


class SqueezeNet11(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 3, stride=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, ceil_mode=True),
            Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), nn.MaxPool2d(3, 2, ceil_mode=True),
            Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), nn.MaxPool2d(3, 2, ceil_mode=True),
            Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Conv2d(512, 1000, 1), nn.ReLU(inplace=True),
                                        nn.AdaptiveAvgPool2d(1))

    def forward(self, x):
        return torch.flatten(self.classifier(self.features(x)), 1)


model = SqueezeNet11().eval()
names = json.load(open(os.path.join(DIR, "torchvision_to_onnxzoo_names.json")))
state = {k: torch.from_numpy(np.load(os.path.join(DIR, "onnx-zoo-squeezenet1.1-npy", v + ".npy")).astype(np.float32))
         for k, v in names.items()}
model.load_state_dict(state)
with torch.no_grad():
    x = torch.from_numpy(np.load(os.path.join(DIR, "reference", "test_redpanda_input_1x3x224x224.npy")).astype(np.float32))
    want = np.load(os.path.join(DIR, "reference", "test_redpanda_logits_1000.npy")).reshape(-1)
    got = model(x).numpy().reshape(-1)
    err = float(np.abs(got - want).max())
    print(f"# reference image: top class {int(got.argmax())} (want {int(want.argmax())}), max |logit difference| {err:.2e}", flush=True)
    if got.argmax() != want.argmax() or err > 1e-2:
        raise SystemExit("the network does not reproduce the reference logits")

torch.manual_seed(0)
images = torch.randn(N, 3, 224, 224)


def one_round():
    with torch.no_grad():
        for lo in range(0, N, BATCH):
            model.features(images[lo:lo + BATCH])


one_round()
for _ in range(args.rounds):
    t0, c0 = time.perf_counter(), time.process_time()
    one_round()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"torch-squeezenet {args.threads} {wall:.4f} {cpu:.4f} {N / wall:.1f}", flush=True)
