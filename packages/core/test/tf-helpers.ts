import { expect } from 'vitest';
import { type Generator, type Matrix, relativeError } from '../src/index.js';
import { fromTensor, tf, type TfGenerator } from '../src/tf.js';

/**
 * The tfjs batch path of `tg` (built from `g`) against float64, row by row: forward of Z and vjp with V
 * to float32 precision, and no tensor left behind.
 */
export async function expectTfMatchesFloat64(tg: TfGenerator, g: Generator, Z: Matrix, V: Matrix): Promise<void> {
  const before = tf.memory().numTensors;
  const [X, G] = tf.tidy(() => {
    const trace = tg.trace(tf.tensor2d(Float32Array.from(Z.data), [Z.rows, Z.cols]));
    return [trace.post[trace.post.length - 1].clone(), tg.vjp(trace, tf.tensor2d(Float32Array.from(V.data), [V.rows, V.cols]))];
  });
  const Xm = await fromTensor(X as tf.Tensor2D), Gm = await fromTensor(G as tf.Tensor2D);
  expect(tf.memory().numTensors).toBe(before);
  for (let b = 0; b < Z.rows; b++) {
    expect(relativeError(Xm.row(b), g.forward(Z.row(b)))).toBeLessThan(1e-5);
    expect(relativeError(Gm.row(b), g.vjp(Z.row(b), V.row(b)))).toBeLessThan(1e-4);
  }
}
