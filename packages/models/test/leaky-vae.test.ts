import { boxVector, gaussianVector } from '@inv/core';
import { tf } from '@inv/core/tf';
import { describe, expect, it } from 'vitest';
import { dense, type Dense, gaussian, lossAndGrads, mlpDecoder, startRun } from '../src/vae.js';

/** One layer in float64 from tfjs-layout weights (kernel in×out), counting its negative pre-activations. */
function layer64(l: Dense, w: Map<string, Float64Array>, h: Float64Array, negatives: number[], index: number): Float64Array {
  const [inp, out] = l.kernel.shape as [number, number];
  const K = w.get(l.kernel.name)!;
  const b = l.bias ? w.get(l.bias.name)! : undefined;
  return Float64Array.from({ length: out }, (_, o) => {
    let p = b ? b[o] : 0;
    for (let i = 0; i < inp; i++) p += h[i] * K[i * out + o];
    if (p < 0) negatives[index]++;
    return !l.relu || p > 0 ? p : l.leak * p;
  });
}

describe('the leaky VAE step', () => {
  it('its hand-written gradient matches central finite differences of the loss (float64) on a tiny LeakyReLU(0.1) decoder', async () => {
    const { rng, run } = await startRun('gradcheck', 5);
    const [k, n, B, sigma] = [2, 6, 4, 0.5];
    const encoder = [dense(rng, n, 4, true, true, `${run}/enc_1`), dense(rng, 4, 2 * k, true, false, `${run}/enc_2`)];
    const decoder = [dense(rng, k, 3, false, true, `${run}/dec_1`, 0.1), dense(rng, 3, n, false, true, `${run}/dec_2`, 0.1)];
    const variables = [...encoder, ...decoder].flatMap((d) => (d.bias ? [d.kernel, d.bias] : [d.kernel]));
    const x = boxVector(rng, B * n, 0.5).map((v) => v + 0.5);
    const eps = gaussianVector(rng, B * k);

    // The step under test, on tfjs-wasm in float32.
    const { loss, grads } = tf.tidy(() => {
      const r = lossAndGrads(encoder, mlpDecoder(decoder), k, tf.tensor2d(Float32Array.from(x), [B, n]), tf.tensor2d(Float32Array.from(eps), [B, k]), gaussian(sigma));
      return { loss: r.loss.dataSync()[0], grads: new Map(r.grads.map((g) => [g.name, Float64Array.from(g.tensor.dataSync())])) };
    });

    // The same loss in float64: (1/B) Σ_b [Σ (G(z_b) − x_b)² / (2σ²) + KL_b], z = μ + e^{lv/2}·ε.
    const weights = new Map(variables.map((v) => [v.name, Float64Array.from(v.dataSync())]));
    const negatives = [0, 0];
    const loss64 = () => {
      let sum = 0;
      for (let b = 0; b < B; b++) {
        const xb = x.subarray(b * n, (b + 1) * n);
        const e = layer64(encoder[1], weights, layer64(encoder[0], weights, xb, [0], 0), [0], 0);
        const z = Float64Array.from({ length: k }, (_, j) => e[j] + Math.exp(e[k + j] / 2) * eps[b * k + j]);
        const g = layer64(decoder[1], weights, layer64(decoder[0], weights, z, negatives, 0), negatives, 1);
        g.forEach((v, i) => (sum += (v - xb[i]) ** 2 / (2 * sigma * sigma)));
        for (let j = 0; j < k; j++) sum += -0.5 * (1 + e[k + j] - e[j] ** 2 - Math.exp(e[k + j]));
      }
      return sum / B;
    };
    expect(Math.abs(loss - loss64()) / loss64()).toBeLessThan(1e-5);
    // Both decoder layers have inputs on the leaky side, so the 0.1 slope carries part of the gradient.
    expect(negatives[0]).toBeGreaterThan(0);
    expect(negatives[1]).toBeGreaterThan(0);

    const h = 1e-6;
    let checked = 0;
    for (const v of variables) {
      const w = weights.get(v.name)!;
      const g = grads.get(v.name)!;
      expect(g, v.name).toHaveLength(w.length);
      for (let i = 0; i < w.length; i++) {
        const w0 = w[i];
        w[i] = w0 + h;
        const up = loss64();
        w[i] = w0 - h;
        const down = loss64();
        w[i] = w0;
        const fd = (up - down) / (2 * h);
        // Relative 1e-3 (an absolute 1e-6 floor for gradients that are zero, e.g. of dead encoder units).
        expect(Math.abs(g[i] - fd), `${v.name}[${i}]: ${g[i]} vs ${fd}`).toBeLessThanOrEqual(1e-3 * Math.abs(fd) + 1e-6);
        if (Math.abs(fd) > 1e-3) checked++;
      }
    }
    expect(checked).toBeGreaterThan(40); // most of the 65 weights have a gradient well away from zero
    for (const v of variables) v.dispose();
  });
});
