"""NumPy (OpenBLAS) fp32 matrix-product GFLOP/s on the MNIST model's shapes; prints one JSON line.

The thread count is OpenBLAS's: set OPENBLAS_NUM_THREADS before running
(OPENBLAS_CORETYPE too where OpenBLAS needs it: blas_core.py).
Each product is laid out as the NumPy trainer computes it (transposed operands are views, which
OpenBLAS reads with its transpose flags). Median of several timed samples after a warm-up.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np

from common import blas_info

# (label, m, k, n, A transposed, B transposed)
SHAPES = [
    ("x·W1 (128x784)·(784x512)", 128, 784, 512, False, False),
    ("xᵀ·dh (128x784)ᵀ·(128x512)", 784, 128, 512, True, False),
    ("h·W2 (128x512)·(512x10)", 128, 512, 10, False, False),
    ("dz·W2ᵀ (128x10)·(512x10)ᵀ", 128, 10, 512, False, True),
    ("hᵀ·dz (128x512)ᵀ·(128x10)", 512, 128, 10, True, False),
    ("1024³", 1024, 1024, 1024, False, False),
]


def operand(rng, rows, cols, transposed):
    """A rows x cols float32 matrix, stored transposed (as a view) when asked."""
    if transposed:
        return rng.standard_normal((cols, rows), dtype=np.float32).T
    return rng.standard_normal((rows, cols), dtype=np.float32)


def gflops(m, k, n, ta, tb, samples, min_seconds, rng):
    a, b = operand(rng, m, k, ta), operand(rng, k, n, tb)
    c = np.empty((m, n), np.float32)
    np.matmul(a, b, out=c)
    # Calls per sample so that a sample lasts about min_seconds.
    calls, t = 1, 0.0
    while t < min_seconds:
        calls *= 2
        t0 = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=c)
        t = time.perf_counter() - t0
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=c)
        times.append((time.perf_counter() - t0) / calls)
    return 2 * m * k * n / statistics.median(times) / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--samples", type=int, default=7)
    p.add_argument("--min-seconds", type=float, default=0.05, help="length of one timed sample")
    args = p.parse_args()
    rng = np.random.default_rng(0)
    results = [dict(shape=label, m=m, k=k, n=n, gflops=gflops(m, k, n, ta, tb, args.samples, args.min_seconds, rng))
               for label, m, k, n, ta, tb in SHAPES]
    blas, cores = blas_info()
    print(json.dumps(dict(threads=int(os.environ.get("OPENBLAS_NUM_THREADS", "0")), blas=blas, openblas_cores=cores,
                          results=results)), flush=True)


if __name__ == "__main__":
    main()
