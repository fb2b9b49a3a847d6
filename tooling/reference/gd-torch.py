"""PyTorch CPU reference for @inv/gd's CSGM preset on a convolutional layers-model decoder.

Reads on stdin:
  {model: <folder with model.json + weight files (tfjs layers-model)>, threads, learning_rate,
   iterations, starts: [[k floats] per observation], observations: [[n floats] per observation],
   batch: true|false, check: {z, x}}
and prints {ms_per_inversion, total_ms, threads, torch, losses, latents, check_max_abs} on stdout.

The loop is the one @inv/gd runs with preset csgm (packages/gd/src/optimize.ts): Adam with
TensorFlow's constants (beta1 0.9, beta2 0.999, eps 1e-8), a fixed number of steps, the objective
||G(z) - y||^2 summed over the pixels (lambda 0, identity measurement, no negation check), from the
start points the caller passes (ours, so that both runs start alike). batch: every observation's
latent is one row of a single tensor (one forward and backward per step for all); otherwise one
observation at a time. Float32, as the tfjs batch path.

Reads only the model folder given (model.json and the weight files its manifest names).
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ACTIVATIONS = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "linear": lambda x: x,
}


def load_weights(folder, manifest):
    """name -> float32 array, from the manifest's groups in order (shards concatenated)."""
    out = {}
    for group in manifest:
        blob = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            if w["dtype"] != "float32":
                raise SystemExit(f"gd-torch.py: weight {w['name']}: only float32 is supported, got {w['dtype']}")
            count = int(np.prod(w["shape"])) if w["shape"] else 1
            out[w["name"]] = np.frombuffer(blob, dtype="<f4", count=count, offset=offset).reshape(w["shape"])
            offset += 4 * count
    return out


def layer_weights(weights, name):
    """The kernel and bias of a layer, named <layer>/kernel and <layer>/bias in the manifest."""
    pick = lambda what: torch.from_numpy(weights[f"{name}/{what}"].copy()) if f"{name}/{what}" in weights else None
    kernel = pick("kernel")
    if kernel is None:
        raise SystemExit(f"gd-torch.py: layer {name}: no weight '{name}/kernel' in the manifest")
    return kernel, pick("bias")


def build(folder):
    """The decoder as a function of a (B, k) latent tensor giving (B, n) outputs (NHWC flattened, as Keras)."""
    spec = json.load(open(os.path.join(folder, "model.json")))
    topology = spec["modelTopology"]
    config = topology.get("model_config", topology)["config"]
    layers = config["layers"] if isinstance(config, dict) else config
    weights = load_weights(folder, spec["weightsManifest"])
    steps = []
    for layer in layers:
        cls, cfg = layer["class_name"], layer["config"]
        name = cfg.get("name", "")
        if cls == "InputLayer":
            continue
        if cls == "Reshape":
            shape = tuple(cfg["target_shape"])
            steps.append(lambda h, s=shape: h.reshape((h.shape[0],) + s))
            continue
        if cls == "Flatten":
            steps.append(lambda h: h.reshape(h.shape[0], -1))
            continue
        kernel, bias = layer_weights(weights, name)
        act = ACTIVATIONS.get(cfg.get("activation", "linear"))
        if act is None:
            raise SystemExit(f"gd-torch.py: layer {name}: activation {cfg.get('activation')} is not supported")
        if cls == "Dense":
            steps.append(lambda h, W=kernel, b=bias, a=act: a(h @ W + (b if b is not None else 0)))
        elif cls in ("Conv2DTranspose", "Conv2D"):
            if cfg.get("padding") != "same" or cfg["kernel_size"][0] < cfg["strides"][0]:
                raise SystemExit(f"gd-torch.py: layer {name}: only 'same' padding with kernel >= stride is supported")
            # Keras kernels are [kh, kw, a, b]; torch wants [b, a, kh, kw] for both ops (conv2d: [out, in];
            # conv_transpose2d: [in, out]), on NCHW images.
            W = kernel.permute(3, 2, 0, 1).contiguous()
            s = tuple(cfg["strides"])
            k = tuple(cfg["kernel_size"])
            steps.append(lambda h, W=W, b=bias, s=s, k=k, a=act, t=(cls == "Conv2DTranspose"): a(conv(h, W, b, s, k, t)))
        else:
            raise SystemExit(f"gd-torch.py: layer {name}: class {cls} is not supported (Dense, Reshape, Flatten, Conv2D, Conv2DTranspose)")

    def forward(z):
        h = z
        for step in steps:
            h = step(h)
        return h.reshape(h.shape[0], -1)

    return forward


def conv(h, W, b, s, k, transpose):
    """A Keras 'same' (transposed) convolution on an NHWC batch (TensorFlow's padding rule)."""
    x = h.permute(0, 3, 1, 2)
    H, Wd = x.shape[2], x.shape[3]
    if transpose:
        out = (H * s[0], Wd * s[1])
        # The adjoint of the 'same' conv2d from `out` to (H, W): total padding (H-1)s + k - out, floor half before.
        full = F.conv_transpose2d(x, W, None, stride=s)
        before = [max((n - 1) * st + kk - o, 0) // 2 for n, st, kk, o in zip((H, Wd), s, k, out)]
        y = full[:, :, before[0] : before[0] + out[0], before[1] : before[1] + out[1]]
    else:
        out = (-(-H // s[0]), -(-Wd // s[1]))
        total = [max((o - 1) * st + kk - n, 0) for n, st, kk, o in zip((H, Wd), s, k, out)]
        x = F.pad(x, (total[1] // 2, total[1] - total[1] // 2, total[0] // 2, total[0] - total[0] // 2))
        y = F.conv2d(x, W, None, stride=s)
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return y.permute(0, 2, 3, 1)


def descend(G, Z0, Y, lr, iterations):
    """CSGM's loop: Adam on sum((G(z) - y)^2) per row, every row at once."""
    z = Z0.clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=lr, betas=(0.9, 0.999), eps=1e-8)
    for _ in range(iterations):
        opt.zero_grad(set_to_none=True)
        loss = ((G(z) - Y) ** 2).sum()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return z.detach(), ((G(z) - Y) ** 2).sum(1)


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(int(spec["threads"]))
    G = build(spec["model"])
    Z0 = torch.tensor(spec["starts"], dtype=torch.float32)
    Y = torch.tensor(spec["observations"], dtype=torch.float32)
    out = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    if "check" in spec:
        with torch.no_grad():
            x = G(torch.tensor([spec["check"]["z"]], dtype=torch.float32))[0].numpy()
        out["check_max_abs"] = float(np.max(np.abs(x - np.array(spec["check"]["x"]))))
    t0 = time.process_time()
    if spec["batch"]:
        Z, losses = descend(G, Z0, Y, spec["learning_rate"], spec["iterations"])
    else:
        rows = [descend(G, Z0[i : i + 1], Y[i : i + 1], spec["learning_rate"], spec["iterations"]) for i in range(Y.shape[0])]
        Z, losses = torch.cat([r[0] for r in rows]), torch.cat([r[1] for r in rows])
    total = (time.process_time() - t0) * 1000
    out.update(total_ms=total, ms_per_inversion=total / Y.shape[0], losses=losses.tolist(), latents=Z.tolist(), clock="process CPU time")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
