"""numpy reference for core's kernel benchmark (float64, whatever BLAS numpy links).

stdin: {"products": [{"rows", "cols", "zeroFraction"}], "weights": [{"rows", "cols", "data"}], "z": [...],
        "calls", "repeats"}
stdout: {"products": [{"ms"}], "forward": {"ms", "output"}}   ms = median over repeats of `calls` calls
"""
import json
import sys
import time

import numpy as np


def timed(f, calls, repeats):
    for _ in range(calls):
        f()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            f()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def forward(Ws, z):
    h = z
    for W in Ws:
        h = np.maximum(W @ h, 0.0)
    return h


def main():
    inp = json.load(sys.stdin)
    calls, repeats = inp["calls"], inp["repeats"]
    rng = np.random.default_rng(0)
    products = []
    for p in inp["products"]:
        A = rng.standard_normal((p["rows"], p["cols"]))
        y = rng.standard_normal(p["rows"])
        y[rng.random(p["rows"]) < p["zeroFraction"]] = 0.0
        products.append({"ms": timed(lambda: A.T @ y, calls, repeats)})
    Ws = [np.array(w["data"], dtype=np.float64).reshape(w["rows"], w["cols"]) for w in inp["weights"]]
    z = np.array(inp["z"], dtype=np.float64)
    ms = timed(lambda: forward(Ws, z), calls, repeats)
    json.dump({"products": products, "forward": {"ms": ms, "output": forward(Ws, z).tolist()}}, sys.stdout)


if __name__ == "__main__":
    main()
