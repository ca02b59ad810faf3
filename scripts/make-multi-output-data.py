#!/usr/bin/env python3
# Writes examples/data/multi_output.csv (examples/multi_output.dlm's table): 1,000 rows of inputs
# a0..a2 (normal) and b0, b1 (uniform in [-2, 2]), a value price (a nonlinear function of them plus
# noise) and a class kind (which of three sums is largest). Seeded: the same file every run.
import numpy as np, os
r = np.random.RandomState(13)
n = 1000
a = np.round(r.randn(n, 3), 3)
b = np.round(r.rand(n, 2) * 4 - 2, 3)
price = np.round(2.0 + a[:, 0] - 2 * a[:, 1] + 0.5 * a[:, 2] * b[:, 0] + 0.75 * b[:, 1] ** 2 + 0.1 * r.randn(n), 3)
kind = np.argmax(np.c_[a[:, 0] + b[:, 0], a[:, 1] - b[:, 1], a[:, 2] + 0.5 * np.abs(b[:, 0])], axis=1)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "data", "multi_output.csv")
with open(out, "w") as f:
    f.write("a0,a1,a2,b0,b1,price,kind\n")
    for i in range(n):
        f.write(",".join("%g" % v for v in list(a[i]) + list(b[i]) + [price[i]]) + ",%d\n" % kind[i])
