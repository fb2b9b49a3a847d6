"""Plain fixed-step gradient descent on ||G(z) - y||^2 in numpy, the reference for @inv/gd's bench.

Reads {step, tol, max_iterations, problems: [{weights: [{rows, cols, data}], y, truth, start}]} on stdin
and prints {times_ms, errors, iterations} on stdout. Same update and stopping rule as the inv solver
with a fixed step and no negation check: z <- z - step * 2 J^T (G(z) - y), stop when
||dz|| <= tol * ||z||.
"""
import json
import sys
import time

import numpy as np


def solve(weights, y, start, step, tol, max_iterations):
    z = start.copy()
    for it in range(1, max_iterations + 1):
        masks, h = [], z
        for W in weights:
            pre = W @ h
            masks.append(pre > 0)
            h = np.maximum(pre, 0)
        g = 2 * (h - y)
        for W, mask in zip(reversed(weights), reversed(masks)):
            g = W.T @ (g * mask)
        nxt = z - step * g
        moved = np.linalg.norm(nxt - z)
        z = nxt
        if moved <= tol * np.linalg.norm(z):
            return z, it
    return z, max_iterations


def main():
    spec = json.load(sys.stdin)
    out = {"times_ms": [], "errors": [], "iterations": []}
    for p in spec["problems"]:
        weights = [np.array(w["data"], dtype=np.float64).reshape(w["rows"], w["cols"]) for w in p["weights"]]
        y, truth, start = (np.array(p[k], dtype=np.float64) for k in ("y", "truth", "start"))
        t0 = time.perf_counter()
        z, its = solve(weights, y, start, spec["step"], spec["tol"], spec["max_iterations"])
        out["times_ms"].append((time.perf_counter() - t0) * 1000)
        out["errors"].append(float(np.linalg.norm(z - truth) / np.linalg.norm(truth)))
        out["iterations"].append(its)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
