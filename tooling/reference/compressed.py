"""Reference for the Lasso benchmark: the same FISTA with adaptive restart as src/lasso.ts, in numpy,
with scipy.fft.dctn(norm='ortho') as the DCT. Reads JSON on stdin, prints JSON on stdout."""
import json
import sys
import time

import numpy as np
from scipy.fft import dctn, idctn


def fista(A, y, lam, iterations, analyze, synthesize):
    n = A.shape[1]
    L = np.linalg.norm(A, 2) ** 2 * 1.01
    c = np.zeros(n)
    v = c.copy()
    t = 1.0
    for _ in range(iterations):
        g = analyze(A.T @ (A @ synthesize(v) - y))
        prev = c
        w = v - g / L
        c = np.sign(w) * np.maximum(np.abs(w) - lam / L, 0.0)
        uphill = np.dot(v - c, c - prev) > 0
        t_next = 1.0 if uphill else (1 + np.sqrt(1 + 4 * t * t)) / 2
        beta = 0.0 if uphill else (t - 1) / t_next
        t = t_next
        v = c + beta * (c - prev)
    return synthesize(c)


def main():
    data = json.load(sys.stdin)
    A = np.array(data["A"], dtype=np.float64)
    y = np.array(data["y"], dtype=np.float64)
    shape = tuple(data["shape"])
    if data["basis"] == "dct":
        analyze = lambda x: dctn(x.reshape(shape), norm="ortho").ravel()
        synthesize = lambda c: idctn(c.reshape(shape), norm="ortho").ravel()
    else:
        analyze = synthesize = lambda x: x
    times = []
    for _ in range(data["repeats"]):
        t = time.perf_counter()
        x = fista(A, y, data["lambda"], data["iterations"], analyze, synthesize)
        times.append((time.perf_counter() - t) * 1000)
    json.dump({"times_ms": times, "signal": x.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
