/**
 * The shipped convolutional decoder conv-20-784 against the dense 20-500-500-784, on held-out digits,
 * with the protocol of inversion.test.ts (gd: Adam lr 0.1, 150 steps, 2 restarts, batched on tfjs-wasm).
 * Measured (test/conv-decoder.test.ts protocol, digits 0–49 / 100–131, 2026-11-26):
 *   best fit, median per-pixel MSE on 50 digits: conv 0.00425, dense 0.00801 (47% lower);
 *   denoising σ = 0.1, median PSNR on 32 digits: noisy 20.0 dB, conv 23.4, dense 20.7, 20-60-784 20.0;
 *   inpainting from 30% of the pixels: conv 20.4 dB, dense 18.5, 20-60-784 18.1;
 *   compressed sensing (Gaussian, 16 digits), median MSE: conv 0.0095 / 0.0067 / 0.0057 at m = 50 / 100 / 200,
 *   dense 0.0149 / 0.0109 / 0.0102: conv at m = 50 beats dense at m = 200.
 */
import {
  ComposedMap, ConvMap, createBatchProblem, gaussianVector, getKernel, isConvResident, type LinearOperator, MaskOperator, Matrix, MatrixOperator, median, mse, noiseVector, psnr,
  relativeError, Rng, setKernel, solve, type Generator,
} from '@inv/core';
import { fromTensor, initTf, tf, TfGenerator } from '@inv/core/tf';
import '@inv/gd';
import { describe, expect, it } from 'vitest';
import { heldOutDigits, mnistGenerator } from '../src/node.js';

const ADAM = { optimizer: 'adam', learningRate: 0.1, maxIterations: 150, restarts: 2, negationCheck: false, seed: 0 };
const digits = heldOutDigits();
const conv = mnistGenerator('conv-20-784');
const dense = mnistGenerator('20-500-500-784');

async function fit(G: Generator, A: LinearOperator, ys: readonly Float64Array[]): Promise<Float64Array[]> {
  const Y = new Matrix(ys.length, A.rows);
  ys.forEach((y, b) => Y.data.set(y, b * A.rows));
  const results = await solve(createBatchProblem({ generator: G, measurement: A, observation: Y }), 'gd', ADAM);
  return results.map((r) => G.forward(r.latent));
}

const all = new MaskOperator(784, Array.from({ length: 784 }, (_, i) => i));
const medianOf = (recs: Float64Array[], clean: readonly Float64Array[], metric: (a: Float64Array, b: Float64Array) => number) => median(recs.map((r, i) => metric(r, clean[i])));

describe('the shipped conv decoder conv-20-784', () => {
  it('is 20 → 7×7×32 → 14×14×16 → 28×28×1 with biases and a sigmoid output', () => {
    expect(conv.describe()).toBe('20-7x7x32-14x14x16-28x28x1 relu,relu,sigmoid (with biases)');
  });

  it('its float64 forward and vjp on the wasm conv kernel (and forced JS) equal the tfjs path to float32 precision', async () => {
    await initTf();
    const rng = new Rng(5);
    const B = 4, Z = new Matrix(B, 20, gaussianVector(rng, B * 20)), V = new Matrix(B, 784, gaussianVector(rng, B * 784));
    const tg = await TfGenerator.create(conv);
    const [X, Gz] = tf.tidy(() => {
      const trace = tg.trace(tf.tensor2d(Float32Array.from(Z.data), [B, 20]));
      return [trace.post[trace.post.length - 1].clone(), tg.vjp(trace, tf.tensor2d(Float32Array.from(V.data), [B, 784]))];
    });
    const [Xm, Gm] = [await fromTensor(X as tf.Tensor2D), await fromTensor(Gz as tf.Tensor2D)];
    tf.dispose([X, Gz]);
    expect(getKernel()).toBe('wasm');
    for (let r = 0; r < 3; r++) conv.vjp(Z.row(0), V.row(0)); // the conv stages become resident
    const convs = conv.stages.flatMap((s) => ('map' in s ? (s.map instanceof ComposedMap ? s.map.parts : [s.map]) : [])).filter((m) => m instanceof ConvMap);
    expect(convs.length).toBe(2);
    for (const m of convs) expect(isConvResident(m.core)).toBe(true);
    try {
      for (const kernel of ['wasm', 'js'] as const) {
        setKernel(kernel);
        for (let b = 0; b < B; b++) {
          expect(relativeError(conv.forward(Z.row(b)), Xm.row(b)), `${kernel} forward`).toBeLessThan(1e-5);
          expect(relativeError(conv.vjp(Z.row(b), V.row(b)), Gm.row(b)), `${kernel} vjp`).toBeLessThan(1e-4);
        }
      }
    } finally {
      setKernel('wasm');
    }
  });

  it('fits 50 held-out digits with a median per-pixel MSE at least 20% below the dense decoder', async () => {
    const images = digits.images.slice(0, 50);
    const [c, d] = [await fit(conv, all, images), await fit(dense, all, images)];
    const [mc, md] = [medianOf(c, images, mse), medianOf(d, images, mse)];
    expect(mc).toBeLessThan(0.8 * md);
    expect(mc).toBeLessThan(0.0067); // 20% below the 0.0084 the dense decoder is documented at
  });

  it('denoises (σ = 0.1) above the noisy input and the dense decoder, and inpaints better (median PSNR, same digits)', async () => {
    const clean = digits.images.slice(100, 116);
    const rng = new Rng(7);
    const noisy = clean.map((im) => {
      const n = noiseVector(rng, 784, 'gaussian', 0.1);
      return im.map((v, p) => v + n[p]);
    });
    const [c, d] = [await fit(conv, all, noisy), await fit(dense, all, noisy)];
    expect(medianOf(c, clean, psnr)).toBeGreaterThan(medianOf(noisy, clean, psnr) + 2);
    expect(medianOf(c, clean, psnr)).toBeGreaterThan(medianOf(d, clean, psnr) + 1);
    const maskRng = new Rng(11);
    const mask = MaskOperator.fromMask(Array.from({ length: 784 }, () => (maskRng.uniform() < 0.3 ? 1 : 0)));
    const seen = clean.map((im) => mask.apply(im));
    expect(medianOf(await fit(conv, mask, seen), clean, psnr)).toBeGreaterThan(medianOf(await fit(dense, mask, seen), clean, psnr));
  });

  it('compressed sensing: with 100 Gaussian measurements it beats the dense decoder with 200', async () => {
    const clean = digits.images.slice(100, 116);
    const gaussian = (m: number) => new MatrixOperator(new Matrix(m, 784, gaussianVector(new Rng(2000 + m), m * 784, 1 / Math.sqrt(m))));
    const [A100, A200] = [gaussian(100), gaussian(200)];
    const c = await fit(conv, A100, clean.map((im) => A100.apply(im)));
    const d = await fit(dense, A200, clean.map((im) => A200.apply(im)));
    expect(medianOf(c, clean, mse)).toBeLessThan(medianOf(d, clean, mse));
  });
});
