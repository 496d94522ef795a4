#!/usr/bin/env python3
"""Writes tiny-idx/: a 4x4-pixel, 3-class data set in the MNIST IDX format, gzip-compressed.

Class k draws a bright horizontal bar in rows k and k+1 over noise; 60 training and 30 test
images. Also bad-idx/, gzip IDX image files whose header disagrees with their data: short.gz
(the header says 61 images, the data holds 60), long.gz (the header says 59) and huge.gz (the
header claims 2^20 x 1024 x 1024 images, a terabyte, over no data).
Run from this folder: python3 make_tiny_idx.py
"""
import gzip
import random
import struct


def idx(shape, values):
    return bytes([0, 0, 8, len(shape)]) + b"".join(struct.pack(">I", s) for s in shape) + bytes(values)


def images(n, rng):
    pixels, labels = [], []
    for i in range(n):
        k = i % 3
        for r in range(4):
            for c in range(4):
                bright = r in (k, k + 1)
                pixels.append(rng.randint(170, 255) if bright else rng.randint(0, 90))
        labels.append(k)
    return pixels, labels


def main():
    rng = random.Random(7)
    for prefix, n in (("train", 60), ("t10k", 30)):
        pixels, labels = images(n, rng)
        with gzip.GzipFile(f"tiny-idx/{prefix}-images-idx3-ubyte.gz", "wb", mtime=0) as f:
            f.write(idx((n, 4, 4), pixels))
        with gzip.GzipFile(f"tiny-idx/{prefix}-labels-idx1-ubyte.gz", "wb", mtime=0) as f:
            f.write(idx((n,), labels))
    pixels, _ = images(60, rng)
    for name, claimed in (("short", 61), ("long", 59)):
        with gzip.GzipFile(f"bad-idx/{name}.gz", "wb", mtime=0) as f:
            f.write(idx((claimed, 4, 4), [])[:16] + bytes(pixels))
    with gzip.GzipFile("bad-idx/huge.gz", "wb", mtime=0) as f:
        f.write(idx((1 << 20, 1 << 10, 1 << 10), []))


if __name__ == "__main__":
    main()
