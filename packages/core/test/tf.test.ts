import { describe, expect, it } from 'vitest';
import {
  gaussianVector, Generator, IdentityOperator, leakyRelu, MaskOperator, Matrix, MatrixOperator, relativeError, Rng, sigmoid, tanh, type LinearOperator,
} from '../src/index.js';
import { fromTensor, initTf, tf, TfGenerator, TfMeasurement } from '../src/tf.js';
import { expectTfMatchesFloat64 } from './tf-helpers.js';

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
      await expectTfMatchesFloat64(tg, g, Z, V);
      tg.dispose();
    });
  }
});

describe('TfMeasurement', () => {
  const n = 12, B = 5;
  const rng = new Rng(8);
  const operators: [string, LinearOperator, number][] = [
    ['identity', new IdentityOperator(n), n],
    ['mask (zeroes columns, keeps width n)', new MaskOperator(n, [0, 3, 4, 9, 11]), n],
    ['matrix', new MatrixOperator(new Matrix(7, n, gaussianVector(rng, 7 * n))), 7],
  ];
  for (const [name, A, width] of operators) {
    it(`${name}: residuals, their norms and adjoints match the float64 operator`, async () => {
      await initTf();
      const meas = TfMeasurement.create(A);
      expect(meas.width).toBe(width);
      const G = new Matrix(B, n, gaussianVector(rng, B * n));
      const Y = new Matrix(B, A.rows, gaussianVector(rng, B * A.rows));
      const lifted = meas.liftRows(Array.from({ length: B }, (_, b) => Y.row(b)));
      expect(lifted).toHaveLength(B * width);
      // pickRows packs the chosen rows in the order given.
      const picked = meas.pickRows(lifted, [2, 0]);
      expect(Array.from(picked.dataSync())).toEqual([...lifted.subarray(2 * width, 3 * width), ...lifted.subarray(0, width)]);
      picked.dispose();
      const before = tf.memory().numTensors;
      const [R, back] = tf.tidy(() => {
        const r = tf.sub(meas.apply(tf.tensor2d(Float32Array.from(G.data), [B, n])), tf.tensor2d(lifted, [B, width])) as tf.Tensor2D;
        return [r, meas.adjoint(r).clone()]; // the identity's adjoint is r itself
      });
      const Rm = await fromTensor(R as tf.Tensor2D), backM = await fromTensor(back as tf.Tensor2D);
      expect(tf.memory().numTensors).toBe(before);
      for (let b = 0; b < B; b++) {
        const r = A.apply(G.row(b)).map((v, i) => v - Y.row(b)[i]);
        const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
        expect(Math.abs(norm(Rm.row(b)) - norm(r)) / norm(r)).toBeLessThan(1e-6);
        expect(relativeError(backM.row(b), A.adjoint(r))).toBeLessThan(1e-5);
      }
      // liftMatrix puts M's rows where apply puts the measurements: (A·G)·M = apply(G)·liftMatrix(M).
      const M = new Matrix(A.rows, 3, gaussianVector(rng, A.rows * 3));
      const L = meas.liftMatrix(M);
      expect([L.rows, L.cols]).toEqual([width, 3]);
      const g = G.row(0);
      const viaA = Array.from({ length: 3 }, (_, j) => A.apply(g).reduce((s, v, i) => s + v * M.data[i * 3 + j], 0));
      const viaLift = Array.from({ length: 3 }, (_, j) => meas.lift(A.apply(g)).reduce((s, v, i) => s + v * L.data[i * 3 + j], 0));
      expect(relativeError(viaLift, viaA)).toBeLessThan(1e-12);
      meas.dispose();
    });
  }
});
