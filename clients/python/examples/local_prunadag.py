#!/usr/bin/env python3
"""The Python prunAdag-V3 of prunadag_v3.py on NumPy alone (no protocol), on a problem
exported with `problemsuite export A1 --dense --out DIR`: the same solver code with a
local oracle grad(x) = A^T (A x - b) and the harness's stop test (||g|| <= eps, k = kmax).
Beside `problemsuite solve A1 --solver py-prunadag-v3 --json`, the difference is what the
protocol adds.

    python3 clients/python/examples/local_prunadag.py DIR [REPEATS]
"""
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prunadag_v3 import prunadag_v3, problemsuite  # noqa: E402


class LocalProblem:
    def __init__(self, a, b, eps, kmax):
        self.a, self.b, self.eps, self.kmax = a, b, eps, kmax
        self.n = a.shape[1]
        self.k = -1

    def grad(self, x):
        self.k += 1
        g = self.a.T @ (self.a @ x - self.b)
        norm = float(np.linalg.norm(g))
        if norm <= self.eps or self.k >= self.kmax:
            raise problemsuite.Stop("stop", g)
        return g


d = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
a, b, x0 = np.load(f"{d}/A.npy"), np.load(f"{d}/b.npy"), np.load(f"{d}/x0.npy")
settings = json.load(open(f"{d}/problem.json"))["solvers"]["prunadag-v3"]
times, iterations = [], 0
for _ in range(repeats):
    p = LocalProblem(a, b, settings["eps"], settings["kmax"])
    t0 = time.perf_counter()
    try:
        prunadag_v3(p, x0, settings)
    except problemsuite.Stop:
        pass
    times.append(time.perf_counter() - t0)
    iterations = p.k
print(json.dumps({"solver": "python prunadag_v3, NumPy oracle", "iterations": iterations,
                  "median_s": statistics.median(times), "best_s": min(times), "runs": repeats}))
