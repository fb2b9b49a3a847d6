import { describe, expect, it } from 'vitest';
import {
  createBatchProblem, createProblem, dot, gaussianVector, Generator, IdentityOperator, MaskOperator, Matrix, MatrixOperator, Rng,
  batchItem, isBatchProblem, type LinearOperator,
} from '../src/index.js';

const n = 12;
const ops: LinearOperator[] = [
  new IdentityOperator(n),
  MaskOperator.fromMask([1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1]),
  new MatrixOperator(new Matrix(5, n, gaussianVector(new Rng(1), 5 * n))),
];

describe('measurement operators', () => {
  for (const A of ops) {
    it(`${A.describe()}: adjoint identity, applyMatrix and toMatrix agree with apply`, () => {
      const x = gaussianVector(new Rng(2), n), y = gaussianVector(new Rng(3), A.rows);
      expect(dot(A.apply(x), y)).toBeCloseTo(dot(x, A.adjoint(y)), 12);
      const M = new Matrix(n, 3, gaussianVector(new Rng(4), n * 3));
      const AM = A.applyMatrix(M);
      const col = Float64Array.from({ length: n }, (_, i) => M.get(i, 1));
      const Acol = A.apply(col);
      for (let i = 0; i < A.rows; i++) expect(AM.get(i, 1)).toBeCloseTo(Acol[i], 12);
      const D = A.toMatrix();
      for (let i = 0; i < A.rows; i++) expect(dot(D.row(i), x)).toBeCloseTo(A.apply(x)[i], 12);
    });
  }

  it('a mask keeps the observed entries in order and its 0/1 vector round-trips', () => {
    const m = MaskOperator.fromMask([0, 1, 1, 0]);
    expect(Array.from(m.apply([10, 20, 30, 40]))).toEqual([20, 30]);
    expect(Array.from(m.toMask())).toEqual([0, 1, 1, 0]);
    expect(m.describe()).toBe('mask 2/4');
  });

  it('rejects bad masks and wrong input lengths with messages naming the field', () => {
    expect(() => MaskOperator.fromMask([0, 0, 0], 'mask.npy')).toThrow(/mask.npy: observes no entries/);
    expect(() => MaskOperator.fromMask([0, 2, 1], 'mask.npy')).toThrow(/mask.npy: expected only 0 and 1, found 2 at index 1/);
    expect(() => MaskOperator.fromMask([0, NaN], 'mask.npy')).toThrow(/mask.npy: expected finite numbers/);
    expect(() => new MaskOperator(4, [2, 1])).toThrow(/strictly increasing/);
    expect(() => ops[2].apply(new Float64Array(3))).toThrow(/matrix operator: input has length 3, expected 12/);
    expect(() => new MatrixOperator(new Matrix(1, 2, Float64Array.from([1, Infinity])), 'A.npy')).toThrow(/A.npy: expected finite numbers/);
  });
});

describe('problems', () => {
  const g = Generator.random([3, 8, n], { seed: 1 });

  it('default to the identity and validate the observation', () => {
    const y = g.forward([1, 2, 3]);
    expect(createProblem({ generator: g, observation: y }).measurement.kind).toBe('identity');
    expect(() => createProblem({ generator: g, observation: y.subarray(1) })).toThrow(/observation: expected length 12 \(identity 12\), got 11/);
    expect(() => createProblem({ generator: g, observation: Float64Array.from(y).fill(NaN, 4, 5) })).toThrow(/observation: expected finite numbers, found NaN at index 4/);
    expect(() => createProblem({ generator: g, observation: y, measurement: new IdentityOperator(5) })).toThrow(/generator outputs 12/);
    expect(() => createProblem({ generator: g, observation: y, noiseLevel: -1 })).toThrow(/noiseLevel/);
  });

  it('accept a B×m matrix as a batch whose items are views of its rows', () => {
    const Y = new Matrix(2, 7, gaussianVector(new Rng(5), 14));
    const batch = createBatchProblem({ generator: g, observation: Y, measurement: ops[1] });
    expect(isBatchProblem(batch)).toBe(true);
    expect(batchItem(batch, 1).observation).toEqual(Y.row(1));
    expect(() => createBatchProblem({ generator: g, observation: new Matrix(2, 6) , measurement: ops[1] })).toThrow(/rows of length 7/);
    expect(() => createProblem({ generator: g, observation: Y })).toThrow(/expected a vector, got a matrix/);
  });
});
