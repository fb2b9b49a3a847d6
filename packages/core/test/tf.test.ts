import { describe, expect, it } from 'vitest';
import { gaussianVector, Generator, leakyRelu, Matrix, relativeError, Rng, sigmoid, tanh } from '../src/index.js';
import { fromTensor, initTf, tf, TfGenerator } from '../src/tf.js';

describe('tfjs-wasm batches', () => {
  it('runs on the wasm backend', async () => {
    expect(await initTf()).toBe('wasm');
  });

  for (const [name, g] of [
    ['relu, bias-free', Generator.random([8, 40, 30], { seed: 1 })],
    ['leaky relu + tanh, biases', Generator.random([8, 40, 30], { seed: 2, bias: true, activation: leakyRelu(0.2), outputActivation: tanh })],
    ['relu + sigmoid, biases', Generator.random([8, 40, 30], { seed: 3, bias: true, outputActivation: sigmoid })],
  ] as const) {
    it(`${name}: forward and vjp of a batch equal the float64 results row by row to float32 precision`, async () => {
      const tg = await TfGenerator.create(g);
      const B = 16;
      const Z = new Matrix(B, 8, gaussianVector(new Rng(4), B * 8));
      const V = new Matrix(B, 30, gaussianVector(new Rng(5), B * 30));
      const before = tf.memory().numTensors;
      const [X, G] = tf.tidy(() => {
        const Zt = tf.tensor2d(Float32Array.from(Z.data), [B, 8]);
        const trace = tg.trace(Zt);
        return [trace.post[trace.post.length - 1].clone(), tg.vjp(trace, tf.tensor2d(Float32Array.from(V.data), [B, 30]))];
      });
      const Xm = await fromTensor(X as tf.Tensor2D), Gm = await fromTensor(G as tf.Tensor2D);
      expect(tf.memory().numTensors).toBe(before);
      for (let b = 0; b < B; b++) {
        expect(relativeError(Xm.row(b), g.forward(Z.row(b)))).toBeLessThan(1e-5);
        expect(relativeError(Gm.row(b), g.vjp(Z.row(b), V.row(b)))).toBeLessThan(1e-4);
      }
      tg.dispose();
    });
  }
});
