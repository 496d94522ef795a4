#!/usr/bin/env python3
"""examples/fashion-mnist-90.args in PyTorch, to tell the network's ceiling from Backprop's code.

The recipe: 784-256-128-10, ReLU, Backprop's initialisation (He uniform ±√(6/in) before a ReLU,
Xavier uniform ±√(6/(in+out)) before the softmax, zero biases), softmax cross-entropy, Adam
(lr 0.0015, batch 128), dropout 0.1 on both hidden layers (inverted: kept outputs scaled by
1/(1 − p), as Backprop does), 18 epochs, the learning rate cosine over epochs as Backprop computes
it (lr_e = ½ lr (1 + cos(π e / E)), e = 0 … E − 1), images as bytes / 255. Then optional variants
that Backprop does not have, to see whether any of them lifts the ceiling:
  --label-smoothing 0.1   softmax cross-entropy against (1 − ε)·y + ε/10
  --ema 0.999             test the exponential moving average of the weights
  --flip                  each training image mirrored left–right with probability ½, per step
  --shift K [--shift-p P] each training image (with probability P, default 1) moved by −K…K pixels
                          across and down, uniformly, zeros shifted in, per step
Prints one JSON line per seed (test accuracy after the last epoch), then their mean.

    .venv-ref/bin/python bench/reference/recipe_torch.py --seeds 1,2,3 [--label-smoothing 0.1]
"""
import argparse
import json
import math

import torch
import torch.nn.functional as F
from torch import nn

import fmnist_data


def shifted(batch, k, p, gen):
    """Each image of batch (B, 28, 28), with probability p, moved by dx, dy uniform in −k…k (zeros
    shifted in); returns (B, 784)."""
    n = len(batch)
    padded = F.pad(batch, (k, k, k, k))
    dx = torch.randint(-k, k + 1, (n,), generator=gen)
    dy = torch.randint(-k, k + 1, (n,), generator=gen)
    if p < 1:
        still = torch.rand(n, generator=gen) >= p
        dx[still] = 0
        dy[still] = 0
    out = torch.empty(n, 28, 28)
    for a in range(-k, k + 1):
        for b in range(-k, k + 1):
            chosen = (dx == a) & (dy == b)
            if chosen.any():
                out[chosen] = padded[chosen][:, k - b:k - b + 28, k - a:k - a + 28]
    return out.view(n, 784)


def run(seed, args, data):
    xtr, ytr, xte, yte = data
    torch.manual_seed(seed)
    sizes = [784, 256, 128, 10]
    layers = []
    for l, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        if l < len(sizes) - 2:      # He uniform, ±√(6/in), before a ReLU; Xavier uniform before softmax
            nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")
        else:
            nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if l < len(sizes) - 2:
            layers.append(nn.ReLU())
            if args.dropout > 0:
                layers.append(nn.Dropout(args.dropout))
    model = nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    average = [p.detach().clone() for p in model.parameters()]
    gen = torch.Generator().manual_seed(seed)
    n = len(xtr)
    images = xtr.view(-1, 28, 28)
    for epoch in range(args.epochs):
        for group in opt.param_groups:
            group["lr"] = 0.5 * args.lr * (1 + math.cos(math.pi * epoch / args.epochs))
        model.train()
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, args.batch):
            idx = perm[i:i + args.batch]
            xb, yb = xtr[idx], ytr[idx]
            if args.shift:
                xb = shifted(images[idx], args.shift, args.shift_p, gen)
            if args.flip:
                mirrored = torch.rand(len(idx), generator=gen) < 0.5
                batch = images[idx].clone()
                batch[mirrored] = batch[mirrored].flip(-1)
                xb = batch.view(-1, 784)
            loss = F.cross_entropy(model(xb), yb, label_smoothing=args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if args.ema:
                with torch.no_grad():
                    for a, p in zip(average, model.parameters()):
                        a.mul_(args.ema).add_(p, alpha=1 - args.ema)
    if args.ema:
        with torch.no_grad():
            for a, p in zip(average, model.parameters()):
                p.copy_(a)
    model.eval()
    with torch.no_grad():
        return float((model(xte).argmax(1) == yte).float().mean())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--epochs", type=int, default=18)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=0.0015)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--ema", type=float, default=0.0)
    p.add_argument("--flip", action="store_true")
    p.add_argument("--shift", type=int, default=0)
    p.add_argument("--shift-p", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data-dir", default=fmnist_data.DEFAULT_DIR)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    data = tuple(torch.from_numpy(a) for a in fmnist_data.load(args.data_dir))
    accuracies = []
    for seed in (int(s) for s in args.seeds.split(",")):
        accuracies.append(run(seed, args, data))
        print(json.dumps({"bench": "recipe_torch", "seed": seed, "test_acc": accuracies[-1]}), flush=True)
    print(json.dumps({"bench": "recipe_torch", "dropout": args.dropout, "label_smoothing": args.label_smoothing, "ema": args.ema, "flip": args.flip, "shift": args.shift, "shift_p": args.shift_p,
                      "epochs": args.epochs, "test_acc": accuracies, "mean": sum(accuracies) / len(accuracies)}))


if __name__ == "__main__":
    main()
