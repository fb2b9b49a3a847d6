/**
 * The shipped decoders represent digits they never saw: Adam in latent space (`gd`) finds, for each of
 * 50 held-out digits, a latent whose image is close to the digit.
 *
 * Thresholds (per-pixel MSE on [0, 1] images): every digit below 0.06 and the median below 0.02
 * (PSNR 17 dB), and every digit at most 0.75x as far from its reconstruction as from the mean
 * held-out digit (the best input-independent guess: 0.043-0.130 for these digits). Measured with the
 * options below: 20-60-784 median 0.0095, worst 0.046, worst ratio 0.51; 20-500-500-784 median 0.0084,
 * worst 0.038, worst ratio 0.42; leaky-20-200-500-784 median 0.0075, worst 0.031, worst ratio 0.35.
 */
import { createBatchProblem, Matrix, median, mse, noiseVector, psnr, Rng, solve, type Generator } from '@inv/core';
import '@inv/gd';
import '@inv/plugin';
import { describe, expect, it } from 'vitest';
import { heldOutDigits, LEAKY_MODELS, MNIST_MODELS, mnistGenerator, type Digits } from '../src/node.js';

const digits = heldOutDigits();
const meanDigit = new Float64Array(784);
for (const im of digits.images) im.forEach((v, p) => (meanDigit[p] += v / digits.count));

/** Adam from 2 random starts, batched on tfjs-wasm; the budget keeps the file under a minute. */
const ADAM = { optimizer: 'adam', learningRate: 0.1, maxIterations: 150, restarts: 2, negationCheck: false, seed: 0 };

async function reconstruct(G: Generator, images: readonly Float64Array[]): Promise<Float64Array[]> {
  const Y = new Matrix(images.length, 784);
  images.forEach((im, b) => Y.data.set(im, b * 784));
  const results = await solve(createBatchProblem({ generator: G, observation: Y }), 'gd', ADAM);
  return results.map((r) => G.forward(r.latent));
}

const first = (d: Digits, n: number) => d.images.slice(0, n);

/** The images plus Gaussian noise of standard deviation `sigma` per pixel, drawn from Rng(seed). */
function withNoise(images: readonly Float64Array[], sigma: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return images.map((im) => {
    const noise = noiseVector(rng, im.length, 'gaussian', sigma);
    return im.map((v, p) => v + noise[p]);
  });
}

describe.each([...MNIST_MODELS, ...LEAKY_MODELS])('shipped decoder %s', (name) => {
  it('reconstructs each of 50 held-out digits by inversion', async () => {
    const G = mnistGenerator(name);
    const images = first(digits, 50);
    const recs = await reconstruct(G, images);
    const errors = recs.map((r, i) => mse(r, images[i]));
    for (const [i, e] of errors.entries()) {
      expect(e, `digit ${i} (label ${digits.labels[i]})`).toBeLessThan(0.06);
      expect(e / mse(meanDigit, images[i]), `digit ${i} vs the mean digit`).toBeLessThan(0.75);
    }
    expect(median(errors)).toBeLessThan(0.02);
  });
});

describe('denoising with gd on a shipped MNIST generator', () => {
  it('raises PSNR above the noisy input', async () => {
    const G = mnistGenerator('20-60-784');
    const clean = digits.images.slice(100, 116);
    // Gaussian noise of standard deviation 0.3 per pixel: noisy PSNR 10.4 dB on average; measured
    // reconstructions 19.3 dB on average, the smallest gain 5.8 dB.
    const noisy = withNoise(clean, 0.3, 3);
    const recs = await reconstruct(G, noisy);
    clean.forEach((im, i) => {
      expect(psnr(recs[i], im)).toBeGreaterThan(psnr(noisy[i], im) + 3);
    });
  });
});

describe('denoising with PLUGIn on a shipped MNIST generator', () => {
  it('fits G itself, not σ⁻¹ of noisy pixels, when the noise is stated', async () => {
    const G = mnistGenerator('20-60-784');
    const clean = digits.images.slice(200, 208);
    const noisy = withNoise(clean, 0.3, 5);
    const batch = createBatchProblem({ generator: G, observation: Matrix.fromRows(noisy), noiseLevel: 0.3 });
    const direct = await solve(batch, 'plugin', { maxIterations: 2000 });
    const inverted = await solve(batch, 'plugin', { maxIterations: 2000, invertOutput: 'always' });
    expect(direct.every((r) => r.info?.outputInverted === false)).toBe(true);
    expect(inverted.every((r) => r.info?.outputInverted === true)).toBe(true);
    const medianPsnr = (images: readonly Float64Array[]) => median(images.map((x, i) => psnr(x, clean[i])));
    // Measured (median PSNR): noisy 10.5 dB, through σ⁻¹ 12.2 dB, on G itself 15.8 dB (gd: 17.5 dB).
    const onG = medianPsnr(direct.map((r) => r.reconstruction));
    expect(onG).toBeGreaterThan(medianPsnr(inverted.map((r) => r.reconstruction)) + 2);
    expect(onG).toBeGreaterThan(medianPsnr(noisy) + 3);
  });
});
