"""Reference timings: the same layer-wise l-inf LPs (Lei et al. 2019, docs/algorithms.md) with
scipy.optimize.linprog(method='highs'). Reads JSON on stdin:
  {"layers": [{"rows", "cols", "weight": [...row-major], "bias": [...] | null, "relu_input": bool}],
   "observations": [[...], ...], "threshold": float, "growth": float, "max_steps": int}
and prints {"times_ms": [...], "latents": [[...], ...], "lp_solves": int}."""
import json
import sys
import time

import numpy as np
from scipy.optimize import linprog
from layer_input import read_layers


def invert_layer(W, b, x, thres, growth, max_steps, nonneg):
    m, k = W.shape
    c = np.zeros(k + 1)
    c[k] = 1.0
    bounds = [(0, None) if nonneg else (None, None)] * k + [(0, None)]
    solves = 0
    for _ in range(max_steps + 1):
        active = x > thres
        upper = np.hstack([W, -np.ones((m, 1))])
        lower = np.hstack([-W[active], -np.ones((int(active.sum()), 1))])
        A_ub = np.vstack([upper, lower])
        b_ub = np.concatenate([x - b, -(x[active] - b[active])])
        res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        solves += 1
        if res.status != 0:
            raise RuntimeError(f"linprog status {res.status}: {res.message}")
        if res.x[k] <= thres * (1 + 1e-12):
            return res.x[:k], thres, solves
        thres *= growth
    return res.x[:k], thres, solves


def main():
    spec = json.load(sys.stdin)
    layers = [(W, b, L["relu_input"]) for L, W, b in read_layers(spec)]
    times, latents, total = [], [], 0
    for y in spec["observations"]:
        t0 = time.perf_counter()
        x = np.asarray(y, dtype=float)
        thres = spec["threshold"]
        for W, b, nonneg in reversed(layers):
            x, thres, solves = invert_layer(W, b, x, thres, spec["growth"], spec["max_steps"], nonneg)
            total += solves
        times.append((time.perf_counter() - t0) * 1000)
        latents.append(x.tolist())
    json.dump({"times_ms": times, "latents": latents, "lp_solves": total}, sys.stdout)


if __name__ == "__main__":
    main()
