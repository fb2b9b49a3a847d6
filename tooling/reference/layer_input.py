"""Shared by the layer-wise LP references: the layers of the JSON the benchmarks send."""
import numpy as np


def read_layers(spec):
    """[(layer dict, W (rows x cols), b)] for spec["layers"] (row-major weights, bias or null)."""
    out = []
    for L in spec["layers"]:
        W = np.asarray(L["weight"], dtype=float).reshape(L["rows"], L["cols"])
        b = np.zeros(L["rows"]) if L["bias"] is None else np.asarray(L["bias"], dtype=float)
        out.append((L, W, b))
    return out
