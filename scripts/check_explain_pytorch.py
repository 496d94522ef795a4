#!/usr/bin/env python3
"""Compares `backprop explain --json` with PyTorch autograd on the same model and batch: the
loss, every dW and db, and the updated weights after one SGD step.

Opt-in (needs torch): python3 scripts/check_explain_pytorch.py [--backprop .build/release/backprop]
It writes random models (several activations, losses and reductions) to a temporary folder,
runs explain on each, and prints one JSON line per case; exits 1 if any differs by > 1e-9.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch

torch.set_default_dtype(torch.float64)
ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda z: z,
       "leaky-relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01), "softmax": lambda z: torch.softmax(z, dim=1)}


def loss_fn(name, reduction, z, a, y):
    if name == "squared-error":
        per_sample = 0.5 * ((a - y) ** 2).sum(dim=1)
    elif name == "binary-cross-entropy":
        per_sample = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none").sum(dim=1)
    else:
        per_sample = -(y * torch.log_softmax(z, dim=1)).sum(dim=1)
    return per_sample.sum() if reduction == "sum" else per_sample.mean()


def case(backprop, folder, sizes, hidden, output, loss, reduction, lr, seed):
    g = torch.Generator().manual_seed(seed)
    Ws = [torch.randn(sizes[i + 1], sizes[i], generator=g) * 0.7 for i in range(len(sizes) - 1)]
    bs = [torch.randn(sizes[i + 1], generator=g) * 0.3 for i in range(len(sizes) - 1)]
    acts = [hidden] * (len(sizes) - 2) + [output]
    x = torch.rand(3, sizes[0], generator=g) * 2 - 1
    y = torch.rand(3, sizes[-1], generator=g)
    if loss == "softmax-cross-entropy":
        y = y / y.sum(dim=1, keepdim=True)
    model = {"format": "backprop-model", "version": 2, "loss": loss, "reduction": reduction,
             "layers": [{"activation": a, "weights": W.tolist(), "biases": b.tolist()} for a, W, b in zip(acts, Ws, bs)]}
    path = os.path.join(folder, f"m{seed}.json")
    with open(path, "w") as f:
        json.dump(model, f)
    cmd = [backprop, "explain", "--model", path, "--lr", repr(lr), "--json"]
    for row_x, row_y in zip(x.tolist(), y.tolist()):
        cmd += ["--input", ",".join(repr(v) for v in row_x), "--target", ",".join(repr(v) for v in row_y)]
    trace = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)

    params = [t.clone().requires_grad_(True) for t in Ws + bs]
    a = x
    for i, act in enumerate(acts):
        z = a @ params[i].T + params[len(Ws) + i]
        a = ACT[act](z)
    value = loss_fn(loss, reduction, z, a, y)
    value.backward()
    worst = abs(value.item() - trace["loss"])
    for i, layer in enumerate(trace["layers"]):
        dW, db = params[i].grad, params[len(Ws) + i].grad
        worst = max(worst, (torch.tensor(layer["dW"]) - dW).abs().max().item(),
                    (torch.tensor(layer["db"]) - db).abs().max().item(),
                    (torch.tensor(layer["updated_weights"]) - (Ws[i] - lr * dW)).abs().max().item())
    return {"case": f"{'-'.join(map(str, sizes))} {hidden}/{output} {loss} {reduction}", "max_abs_difference": worst}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--backprop", default=".build/release/backprop")
    args = p.parse_args()
    cases = [(h, "sigmoid", "squared-error") for h in ACT if h != "softmax"]
    cases += [("tanh", "identity", "squared-error"), ("relu", "sigmoid", "binary-cross-entropy"),
              ("leaky-relu", "softmax", "softmax-cross-entropy"), ("sigmoid", "softmax", "squared-error")]
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for seed, (hidden, output, loss) in enumerate(cases):
            for reduction in ("sum", "mean"):
                result = case(args.backprop, folder, [3, 4, 3], hidden, output, loss, reduction, 0.3, seed)
                result["ok"] = result["max_abs_difference"] <= 1e-9
                ok &= result["ok"]
                print(json.dumps(result))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
