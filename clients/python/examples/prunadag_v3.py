#!/usr/bin/env python3
"""prunAdag V3 in Python on the problemsuite client, written from spec/algorithms.md
(Algorithm 2.1 with a = c*theta_k*rho_k*|x|, b = |x|), as an external solver of the harness.

    PROBLEMSUITE_SOLVERS=clients/python/examples/solvers problemsuite run --solvers py-prunadag-v3 ...

Sums over components are taken in index order (cumsum), the relevant set breaks ties to
the lower index (stable sort), so the iterates follow the Swift prunadag-v3 to rounding.
The harness applies the stop test (eps, kmax): problem.grad raises Stop when it fires.
"""
import os
import sys

import numpy as np

try:
    import problemsuite
except ImportError:  # run from the repository without `pip install ./clients/python`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import problemsuite

RHO_FLOOR = np.finfo(np.float64).tiny  # the smallest normal double, as the Swift solver


def ordered_sum(a):
    """Sum in index order (as the Swift loops), not NumPy's pairwise order."""
    return float(np.cumsum(a)[-1]) if a.size else 0.0


def prunadag_v3(problem, x0, settings):
    n = problem.n
    n_r = min(int(settings["nR"]), n)
    sigma = float(settings.get("sigma", 1e-2))
    c = float(settings.get("c", 1.0))
    x = np.array(x0, dtype=np.float64)
    v = np.full(n, sigma)
    u = np.full(n, sigma)
    g = problem.grad(x)
    k = 0
    while True:
        mask = np.zeros(n, dtype=bool)
        if n_r >= n:
            mask[:] = True
        else:
            mask[np.argsort(-np.abs(g), kind="stable")[:n_r]] = True
        theta = 1.0 / (k + 1)
        g_r = ordered_sum(np.where(mask, g * g, 0.0))
        x_out = ordered_sum(np.where(mask, 0.0, x * x))
        rho = min(1.0, np.sqrt(g_r) / max(np.sqrt(x_out), RHO_FLOOR))
        lower = c * theta * rho
        v_new = v + g * g
        s = -g / np.sqrt(v_new)
        mag = np.abs(x)
        a = lower * mag
        size = np.abs(s)
        shrinks = ((s < 0) & (x > 0)) | ((s > 0) & (x < 0))
        acceptable = ~mask & (x != 0) & shrinks & (a <= size) & (size <= mag)
        opt = mask | acceptable
        u_new = u + x * x
        radius = mag / np.sqrt(u_new)
        d = np.minimum(np.minimum(a, radius), mag)
        x_dec = np.where(x > 0, x - d, np.where(x < 0, x + d, x))
        x = np.where(opt, x + s, x_dec)
        v = np.where(opt, v_new, v)
        u = np.where(opt, u, u_new)
        k += 1
        g = problem.grad(x)  # raises problemsuite.Stop when the harness's stop test fires


if __name__ == "__main__":
    problemsuite.serve(prunadag_v3, name="py-prunadag-v3")
