#!/usr/bin/env python3
"""The CSV job of bench/compare.py: write a CSV of Fashion-MNIST's t10k images, or time numpy.loadtxt on one.

    csv_numpy.py --make FILE     10 000 rows: 784 pixel columns (0…255) and a label column, with a header
    csv_numpy.py --load FILE     numpy.loadtxt(FILE, delimiter=",", skiprows=1, dtype=float32); prints one JSON line
"""
import argparse
import json
import os
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--make")
    p.add_argument("--load")
    p.add_argument("--data-dir", default=None)
    args = p.parse_args()
    import numpy as np
    import fmnist_data
    if args.make:
        folder = args.data_dir or fmnist_data.DEFAULT_DIR
        x = fmnist_data.read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz")).reshape(10000, -1)
        y = fmnist_data.read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
        with open(args.make, "w") as f:
            f.write(",".join([f"p{i}" for i in range(x.shape[1])] + ["label"]) + "\n")
            for r in range(len(x)):
                f.write(",".join(map(str, x[r])) + f",{y[r]}\n")
        print(json.dumps({"file": args.make, "bytes": os.path.getsize(args.make)}))
    if args.load:
        t0 = time.perf_counter()
        a = np.loadtxt(args.load, delimiter=",", skiprows=1, dtype=np.float32)
        seconds = time.perf_counter() - t0
        size = os.path.getsize(args.load)
        print(json.dumps({"bench": "csv_numpy", "numpy": np.__version__, "rows": int(a.shape[0]),
                          "seconds": seconds, "mb_per_second": size / 1e6 / seconds}))


if __name__ == "__main__":
    main()
