"""Reference timings: the layer-wise l-inf LPs (Lei et al. 2019) as the paper's authors solve them,
with cvxopt's dense interior-point `solvers.lp` (default tolerances), the same row rules as
packages/lp-layerwise/src/rows.ts, and the authors' threshold schedule (start at `threshold`, grow
by `growth` while min t > threshold). Reads JSON on stdin:
  {"layers": [{"rows", "cols", "weight": [...row-major], "bias": [...] | null,
               "kind": "relu" | "leaky_relu" | "sigmoid", "alpha": float (leaky slope), "nonneg": bool}],
   "observations": [[...], ...], "threshold": float, "growth": float, "max_steps": int, "clip": float,
   "max_threshold": float (optional: the schedule stops there, as inv's threshold cap)}
A sigmoid layer is undone as the package does: logit of the clipped value, then least squares.
and prints {"times_ms": [...] (wall), "cpu_ms": [...] (process CPU time), "latents": [[...], ...], "lp_solves": [...], "thresholds": [...],
"feasible": [...] (false when a layer gave up at max_steps or max_threshold)}.
Needs python3 with numpy and cvxopt (Debian: python3-cvxopt)."""
import json
import sys
import time

import numpy as np
from cvxopt import matrix, solvers

solvers.options["show_progress"] = False
from layer_input import read_layers


def layer_lp(W, b, alpha, x, thres, nonneg):
    """G, h of min t s.t. G [h; t] <= h_vec for one threshold (rows.ts: Active, Inactive, Ambiguous, Negative)."""
    m, k = W.shape
    blocks, rhs = [], []

    def add(rows, coef, scale, t_sign, value):
        if rows.any():
            blocks.append(np.hstack([scale * coef * W[rows], t_sign * np.ones((int(rows.sum()), 1))]))
            rhs.append(scale * value[rows])

    active = x > thres
    c1 = x - b
    c2 = x - alpha * b
    if alpha == 0:
        add(np.ones(m, bool), 1.0, 1.0, -1.0, c1)  # p - t <= x (every row)
        add(active, 1.0, -1.0, -1.0, c1)  # -(p) - t <= -x (active rows)
    else:
        negative = x < -thres
        ambiguous = ~active & ~negative
        add(active | ambiguous, 1.0, 1.0, -1.0, c1)  # p - t <= x
        add(active, 1.0, -1.0, -1.0, c1)  # p + t >= x
        add(ambiguous | negative, alpha, -1.0, -1.0, c2)  # alpha p + t >= x
        add(negative, alpha, 1.0, -1.0, c2)  # alpha p - t <= x
    # t >= 0, and h >= 0 below a ReLU.
    extra = np.zeros((k + 1 if nonneg else 1, k + 1))
    extra[-1, k] = -1.0
    if nonneg:
        extra[np.arange(k), np.arange(k)] = -1.0
    blocks.append(extra)
    rhs.append(np.zeros(extra.shape[0]))
    return np.vstack(blocks), np.concatenate(rhs)


def invert_layer(W, b, alpha, x, thres, growth, max_steps, nonneg, max_threshold):
    k = W.shape[1]
    c = matrix(np.r_[np.zeros(k), 1.0])
    solves = 0
    for step in range(max_steps + 1):
        if step > 0 and thres > max_threshold * (1 + 1e-12):
            thres /= growth
            return z[:k], thres, solves, False
        G, h = layer_lp(W, b, alpha, x, thres, nonneg)
        sol = solvers.lp(c, matrix(G), matrix(h))
        solves += 1
        z = np.array(sol["x"]).ravel()
        if sol["status"] == "optimal" and z[k] <= thres * (1 + 1e-12):
            return z[:k], thres, solves, True
        thres *= growth
    return z[:k], thres / growth, solves, False


def main():
    spec = json.load(sys.stdin)
    layers = [(L["kind"], W, b, float(L.get("alpha", 0.0)), bool(L["nonneg"])) for L, W, b in read_layers(spec)]
    times, cpu, latents, counts, finals, fits = [], [], [], [], [], []
    for y in spec["observations"]:
        t0, c0 = time.perf_counter(), time.process_time()
        x = np.asarray(y, dtype=float)
        thres = spec["threshold"]
        total = 0
        feasible = True
        for kind, W, b, alpha, nonneg in reversed(layers):
            if kind == "sigmoid":
                c = spec.get("clip", 1e-6)
                v = np.clip(x, c, 1 - c)
                x = np.linalg.lstsq(W, np.log(v / (1 - v)) - b, rcond=None)[0]
                continue
            x, thres, solves, ok = invert_layer(W, b, alpha, x, thres, spec["growth"], spec["max_steps"], nonneg, spec.get("max_threshold", float("inf")))
            total += solves
            feasible = feasible and ok
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        latents.append(x.tolist())
        counts.append(total)
        finals.append(thres)
        fits.append(feasible)
    json.dump({"times_ms": times, "cpu_ms": cpu, "latents": latents, "lp_solves": counts, "thresholds": finals, "feasible": fits}, sys.stdout)


if __name__ == "__main__":
    main()
