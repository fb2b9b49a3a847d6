"""numpy reference for the PLUGIn benchmark: the same update on the same instances, in float64.

stdin: {"weights": [{"rows", "cols", "data"}], "single": [[y...]], "batch": [[y...]], "step", "tol",
        "batchTol", "maxIterations"}   (bias-free ReLU net, identity measurement, zero start)
stdout: {"single": {"ms", "latents", "iterations"}, "batch": {"ms", "latents", "iterations"}}
"""
import json
import sys
import time

import numpy as np


def forward(Ws, Z):
    for W in Ws:
        Z = np.maximum(Z @ W.T, 0.0)
    return Z


def plugin_single(Ws, M, y, step, tol, max_it):
    z = np.zeros(M.shape[1])
    for it in range(max_it):
        h = z
        for W in Ws:
            h = np.maximum(W @ h, 0.0)
        s = step * (M.T @ (h - y))
        size = np.linalg.norm(z)
        z = z - s
        if np.linalg.norm(s) <= tol * size:
            return z, it + 1
    return z, max_it


def plugin_batch(Ws, M, Y, step, tol, max_it):
    """Rows of Z advance together; a row leaves the active set when its own relative step is below tol."""
    B, k = Y.shape[0], M.shape[1]
    Z = np.zeros((B, k))
    its = np.full(B, max_it)
    active = np.arange(B)
    for it in range(max_it):
        Za = Z[active]
        S = step * ((forward(Ws, Za) - Y[active]) @ M)
        done = np.linalg.norm(S, axis=1) <= tol * np.linalg.norm(Za, axis=1)
        Z[active] = Za - S
        its[active[done]] = it + 1
        active = active[~done]
        if active.size == 0:
            break
    return Z, its


def main():
    inp = json.load(sys.stdin)
    Ws = [np.array(w["data"], dtype=np.float64).reshape(w["rows"], w["cols"]) for w in inp["weights"]]
    M = Ws[0]
    for W in Ws[1:]:
        M = W @ M
    step, tol, max_it = inp["step"], inp["tol"], inp["maxIterations"]
    out = {}
    Ys = [np.array(y) for y in inp["single"]]
    times = []
    for _ in range(inp.get("repeats", 1)):  # median of repeats, as the JS side does
        t = time.perf_counter()
        res = [plugin_single(Ws, M, y, step, tol, max_it) for y in Ys]
        times.append((time.perf_counter() - t) * 1e3)
    out["single"] = {"ms": float(np.median(times)), "latents": [r[0].tolist() for r in res], "iterations": [r[1] for r in res]}
    Yb = np.array(inp["batch"])
    t = time.perf_counter()
    Z, its = plugin_batch(Ws, M, Yb, step, max(tol, inp["batchTol"]), max_it)
    out["batch"] = {"ms": (time.perf_counter() - t) * 1e3, "latents": Z.tolist(), "iterations": its.tolist()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
