#!/usr/bin/env python3
"""Loads a Backprop .safetensors model into PyTorch exactly as the README shows, and checks that
PyTorch's outputs equal `backprop predict` on the same raw inputs.

Opt-in (needs torch and safetensors: pip install torch safetensors):
    python3 scripts/check_pytorch_load.py model.safetensors [--backprop .build/release/backprop]
Prints one JSON line; exits 1 when the outputs differ by more than 1e-5.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import torch
from safetensors import safe_open
from safetensors.torch import load_file


def load(path):
    """The README's loader: nn.Sequential of Linear + activation, and a predict function."""
    tensors = load_file(path)
    with safe_open(path, "pt") as f:
        model_info = json.loads(f.metadata()["backprop"])
    activation = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
                  "leaky-relu": lambda: torch.nn.LeakyReLU(0.01), "identity": torch.nn.Identity,
                  "softmax": lambda: torch.nn.Softmax(dim=1)}
    layers = []
    for i, layer in enumerate(model_info["layers"]):
        linear = torch.nn.Linear(layer["inputs"], layer["outputs"])
        linear.load_state_dict({"weight": tensors[f"layers.{i}.weight"], "bias": tensors[f"layers.{i}.bias"]})
        layers += [linear, activation[layer["activation"]]()]
    model = torch.nn.Sequential(*layers).eval()
    prep = model_info.get("preprocessing")

    def predict(x):
        if prep:
            x = (x - torch.tensor(prep["offset"])) / torch.tensor(prep["scale"])
        return model(x)
    return model_info, predict


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--backprop", default=".build/release/backprop")
    p.add_argument("--samples", type=int, default=16)
    args = p.parse_args()
    info, predict = load(args.model)
    inputs = info["layers"][0]["inputs"]
    prep = info.get("preprocessing") or {"offset": [0.0] * inputs, "scale": [1.0] * inputs}
    gen = torch.Generator().manual_seed(0)
    raw = torch.tensor(prep["offset"]) + torch.tensor(prep["scale"]) * torch.randn(args.samples, inputs, generator=gen)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "in.csv")
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(raw.tolist())
        out = subprocess.run([args.backprop, "predict", "--model", args.model, "--csv", path, "--json"],
                             check=True, capture_output=True, text=True).stdout
    ours = torch.tensor([row["output"] for row in json.loads(out)["predictions"]])
    with torch.no_grad():
        theirs = predict(raw)
    diff = float((ours - theirs).abs().max())
    print(json.dumps({"check": "pytorch_load", "model": args.model, "samples": args.samples,
                      "max_abs_difference": diff, "ok": diff <= 1e-5}))
    sys.exit(0 if diff <= 1e-5 else 1)


if __name__ == "__main__":
    main()
