import { describe, expect, it } from 'vitest';
import { ConvMap, dot, gaussianVector, Rng } from '@inv/core';
import { initTf, tf } from '@inv/core/tf';
import { convTransposeFilterGrad } from '../src/conv-vae.js';

describe('the conv VAE training kernels', () => {
  it('the filter gradient of a same Conv2DTranspose satisfies <convT(X, K), dY> = <K, dK> (checked with the float64 map)', async () => {
    await initTf();
    const rng = new Rng(3);
    for (const [h, w, c, f, kk, s] of [[7, 7, 3, 2, 4, 2], [5, 6, 2, 3, 3, 2], [4, 4, 2, 2, 3, 1]]) {
      const B = 2;
      const X = gaussianVector(rng, B * h * w * c);
      const K = gaussianVector(rng, kk * kk * f * c);
      const map = new ConvMap('conv2d_transpose', [h, w, c], [kk, kk, f, c], K, [s, s], 'same');
      const dY = gaussianVector(rng, B * map.rows);
      const dK = await tf.tidy(() =>
        convTransposeFilterGrad(tf.tensor4d(Float32Array.from(X), [B, h, w, c]), tf.tensor4d(Float32Array.from(dY), [B, ...map.outShape] as [number, number, number, number]), kk, kk, s),
      ).data();
      let lhs = 0;
      for (let b = 0; b < B; b++) lhs += dot(map.apply(X.subarray(b * map.cols, (b + 1) * map.cols)), dY.subarray(b * map.rows, (b + 1) * map.rows));
      expect(Math.abs(lhs - dot(K, dK)) / Math.abs(lhs)).toBeLessThan(1e-5);
    }
  });
});

describe('trainMnistVae on the conv decoder', () => {
  it('one epoch on 300 digits lowers the loss; the same seed gives the same weights', async () => {
    const { trainMnistVae } = await import('../src/node.js');
    const run = () => trainMnistVae({ model: 'conv-20-784', epochs: 1, digits: 300, batchSize: 25, seed: 4 });
    const [a, b] = [await run(), await run()];
    expect(a.generator.describe()).toBe('20-7x7x32-14x14x16-28x28x1 relu,relu,sigmoid (with biases)');
    expect(a.losses[0]).toBeLessThan(543); // 784 pixels at p = 0.5
    expect(b.losses).toEqual(a.losses);
    const z = Float64Array.from({ length: 20 }, (_, i) => Math.cos(i));
    expect(b.generator.forward(z)).toEqual(a.generator.forward(z));
  });
});
