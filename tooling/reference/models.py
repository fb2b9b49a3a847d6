"""numpy references for @inv/models benchmarks. JSON on stdin, JSON on stdout.

task "decode": G applied to `count` latents (float64), weights as plain out x in lists.
task "train": one epoch of the same VAE (encoder with biases, bias-free decoder, BCE + KL, Adam),
float32, hand-written backprop as in src/vae.ts.
"""
import json
import sys
import time

import numpy as np


def decode(req):
    layers = [np.array(l["weight"], dtype=np.float64).reshape(l["rows"], l["cols"]) for l in req["generator"]]
    z = np.array(req["latents"], dtype=np.float64).reshape(req["count"], -1)
    t = time.perf_counter()
    h = z
    for i, w in enumerate(layers):
        h = h @ w.T
        h = np.maximum(h, 0) if i < len(layers) - 1 else 1 / (1 + np.exp(-h))
    ms = (time.perf_counter() - t) * 1000
    return {"timeMs": ms, "output": h.ravel().tolist()}


def train(req):
    widths = req["widths"]
    k, n = widths[0], widths[-1]
    x_all = np.array(req["pixels"], dtype=np.float32).reshape(-1, n) / 255
    rng = np.random.default_rng(0)
    enc_w = [n] + widths[1:-1][::-1] + [2 * k]

    def glorot(i, o):
        a = np.sqrt(6 / (i + o))
        return rng.uniform(-a, a, (i, o)).astype(np.float32)

    # (kernel, bias or None, relu?)
    enc = [[glorot(enc_w[i], enc_w[i + 1]), np.zeros(enc_w[i + 1], np.float32), i < len(enc_w) - 2] for i in range(len(enc_w) - 1)]
    dec = [[glorot(widths[i], widths[i + 1]), None, i < len(widths) - 2] for i in range(len(widths) - 1)]
    params = [p for l in enc + dec for p in l[:2] if p is not None]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2, eps_ = req["learningRate"], 0.9, 0.999, 1e-7
    bs = req["batchSize"]

    def fwd(layers, h):
        ins, pres = [], []
        for w, b, r in layers:
            ins.append(h)
            p = h @ w + (b if b is not None else 0)
            pres.append(p)
            h = np.maximum(p, 0) if r else p
        return ins, pres, h

    def bwd(layers, ins, pres, g, grads):
        for i in range(len(layers) - 1, -1, -1):
            w, b, r = layers[i]
            if r:
                g = g * (pres[i] > 0)
            grads[id(w)] = ins[i].T @ g
            if b is not None:
                grads[id(b)] = g.sum(0)
            g = g @ w.T
        return g

    t = time.perf_counter()
    order = rng.permutation(len(x_all))
    total, step = 0.0, 0
    for s in range(0, len(x_all), bs):
        x = x_all[order[s:s + bs]]
        B = len(x)
        ins_e, pres_e, stats = fwd(enc, x)
        mu, lv = stats[:, :k], stats[:, k:]
        std = np.exp(0.5 * lv)
        e = rng.standard_normal(mu.shape).astype(np.float32)
        z = mu + std * e
        ins_d, pres_d, logits = fwd(dec, z)
        bce = np.maximum(logits, 0) - logits * x + np.log1p(np.exp(-np.abs(logits)))
        kl = -0.5 * (1 + lv - mu ** 2 - std ** 2)
        total += float(bce.sum() + kl.sum())
        grads = {}
        dz = bwd(dec, ins_d, pres_d, (1 / (1 + np.exp(-logits)) - x) / B, grads)
        dmu = dz + mu / B
        dlv = dz * e * std * 0.5 + (std ** 2 - 1) / (2 * B)
        bwd(enc, ins_e, pres_e, np.concatenate([dmu, dlv], 1), grads)
        step += 1
        for i, p in enumerate(params):
            g = grads[id(p)]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            p -= lr * (m[i] / (1 - b1 ** step)) / (np.sqrt(v[i] / (1 - b2 ** step)) + eps_)
    ms = (time.perf_counter() - t) * 1000
    return {"timeMs": ms, "loss": total / len(x_all)}


req = json.load(sys.stdin)
out = decode(req) if req["task"] == "decode" else train(req)
json.dump(out, sys.stdout)
