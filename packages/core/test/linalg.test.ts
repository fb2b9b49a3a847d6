import { describe, expect, it } from 'vitest';
import { dot, gaussianVector, lstsq, Matrix, matmul, matTvec, matvec, LU, norm2, NormalEquations, opNorm, QR, Rng, selectRows, transpose } from '../src/index.js';

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  return new Matrix(rows, cols, gaussianVector(new Rng(seed), rows * cols));
}

function naiveMatvec(A: Matrix, x: Float64Array): Float64Array {
  const out = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[i] += A.get(i, j) * x[j];
  return out;
}

describe('dense kernels', () => {
  it('matvec agrees with the textbook loop for row counts that are not multiples of 4', () => {
    for (const rows of [1, 3, 4, 7, 30]) {
      const A = randomMatrix(rows, 11, rows);
      const x = gaussianVector(new Rng(99), 11);
      const got = matvec(A, x), want = naiveMatvec(A, x);
      for (let i = 0; i < rows; i++) expect(got[i]).toBeCloseTo(want[i], 12);
    }
  });

  it('matTvec is the adjoint of matvec: <Ax, y> = <x, Aᵀy>', () => {
    const A = randomMatrix(37, 23, 1);
    const x = gaussianVector(new Rng(2), 23), y = gaussianVector(new Rng(3), 37);
    expect(dot(matvec(A, x), y)).toBeCloseTo(dot(x, matTvec(A, y)), 10);
  });

  it('matmul, transpose and selectRows agree with matvec', () => {
    const A = randomMatrix(9, 5, 4), B = randomMatrix(5, 3, 5);
    const C = matmul(A, B);
    const x = gaussianVector(new Rng(6), 3);
    const direct = matvec(C, x), chained = matvec(A, matvec(B, x));
    for (let i = 0; i < 9; i++) expect(direct[i]).toBeCloseTo(chained[i], 12);
    expect(transpose(transpose(A)).data).toEqual(A.data);
    expect(selectRows(A, [2, 7]).toRows()).toEqual([Array.from(A.row(2)), Array.from(A.row(7))]);
  });

  it('checks shapes with messages that name the operation', () => {
    expect(() => matvec(randomMatrix(3, 4, 1), new Float64Array(5))).toThrow(/matvec: x has length 5, expected 4/);
    expect(() => matmul(randomMatrix(3, 4, 1), randomMatrix(3, 4, 1))).toThrow(/matmul/);
    expect(() => new Matrix(2, 2, new Float64Array(3))).toThrow(/expected 2x2 = 4 entries/);
  });

  it('norm2 does not overflow on huge entries', () => {
    expect(norm2([3e200, 4e200])).toBeCloseTo(5e200, -190);
  });

  it('opNorm matches the known spectral norm', () => {
    const D = new Matrix(3, 3, Float64Array.from([3, 0, 0, 0, -7, 0, 0, 0, 2]));
    expect(opNorm(D)).toBeCloseTo(7, 8);
    // A rank-one matrix u vᵀ has norm ‖u‖‖v‖.
    const u = gaussianVector(new Rng(8), 6), v = gaussianVector(new Rng(9), 4);
    const R = new Matrix(6, 4);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 4; j++) R.data[i * 4 + j] = u[i] * v[j];
    expect(opNorm(R)).toBeCloseTo(norm2(u) * norm2(v), 8);
    // Through apply/adjoint only (an operator that is never a matrix): the same answer.
    const op = { rows: 6, cols: 4, apply: (x: ArrayLike<number>) => matvec(R, x), adjoint: (y: ArrayLike<number>, out?: Float64Array) => matTvec(R, y, out) };
    expect(opNorm(op)).toBeCloseTo(norm2(u) * norm2(v), 8);
    expect(opNorm(op, { maxIterations: 1 })).toBeLessThanOrEqual(norm2(u) * norm2(v) * (1 + 1e-12));
  });

  it('least squares recovers an exact solution to 1e-12 and the normal-equation residual is zero', () => {
    const A = randomMatrix(60, 20, 10);
    const x = gaussianVector(new Rng(11), 20);
    const got = lstsq(A, matvec(A, x));
    for (let i = 0; i < 20; i++) expect(Math.abs(got[i] - x[i])).toBeLessThan(1e-12);
    const b = gaussianVector(new Rng(12), 60);
    const xs = lstsq(A, b);
    const r = matvec(A, xs).map((v, i) => v - b[i]);
    expect(norm2(matTvec(A, r))).toBeLessThan(1e-10);
  });

  it('the triangular factor solves: RᵀR = AᵀA, so solveR(solveRt(Aᵀb)) is the least-squares solution', () => {
    const A = randomMatrix(50, 12, 14);
    const b = gaussianVector(new Rng(15), 50);
    const qr = new QR(A);
    const viaR = qr.solveR(qr.solveRt(matTvec(A, b)));
    const direct = qr.solve(b);
    for (let i = 0; i < 12; i++) expect(Math.abs(viaR[i] - direct[i])).toBeLessThan(1e-12 * (1 + Math.abs(direct[i])));
    // ‖R⁻ᵀ v‖² = vᵀ(AᵀA)⁻¹v for any v.
    const v = gaussianVector(new Rng(16), 12);
    const w = qr.solveRt(v);
    expect(dot(w, w)).toBeCloseTo(dot(v, qr.solveR(w)), 12);
  });

  it('least squares refuses rank-deficient and wide systems', () => {
    const A = randomMatrix(10, 3, 13);
    const D = new Matrix(10, 4);
    for (let i = 0; i < 10; i++) {
      D.data.set(A.row(i), i * 4);
      D.data[i * 4 + 3] = A.get(i, 0) + A.get(i, 1); // a dependent column
    }
    expect(new QR(D).isRankDeficient()).toBe(true);
    expect(() => lstsq(D, new Float64Array(10))).toThrow(/rank deficient/);
    expect(() => lstsq(randomMatrix(2, 3, 1), new Float64Array(2))).toThrow(/at least as many rows/);
  });
});

describe('least squares by the normal equations', () => {
  it('on chosen rows (repeats allowed) agrees with QR on those rows, and its factor is QR\'s R up to signs', () => {
    const A = randomMatrix(300, 60, 21);
    const rng = new Rng(22);
    const rows = Array.from({ length: 150 }, () => Math.floor(rng.uniform() * 300));
    const targets = gaussianVector(rng, rows.length);
    const sum = new Float64Array(300);
    rows.forEach((i, q) => (sum[i] += targets[q]));
    const normal = NormalEquations.of(A, rows)!;
    expect(normal).toBeDefined();
    const qr = new QR(selectRows(A, rows));
    const want = qr.solve(targets), got = normal.solve(sum);
    for (let j = 0; j < 60; j++) expect(Math.abs(got[j] - want[j])).toBeLessThan(1e-12 * (1 + Math.abs(want[j])));
    // Rᵀ·R is the same matrix for both factors: ‖R⁻ᵀv‖ agrees for any v.
    const v = gaussianVector(rng, 60);
    expect(norm2(normal.solveRt(v))).toBeCloseTo(norm2(qr.solveRt(v)), 10);
    const w = normal.solveR(normal.solveRt(v)), u = qr.solveR(qr.solveRt(v));
    for (let j = 0; j < 60; j++) expect(w[j]).toBeCloseTo(u[j], 10);
  });

  it('refuses too few rows, dependent columns, and a condition number past what squaring it allows', () => {
    const A = randomMatrix(100, 8, 23);
    expect(NormalEquations.of(A, [0, 1, 2])).toBeUndefined();
    const D = new Matrix(100, 8, A.data.slice());
    for (let i = 0; i < 100; i++) D.data[i * 8 + 7] = D.data[i * 8] + 1e-7 * A.data[i * 8 + 7];
    const all = Array.from({ length: 100 }, (_, i) => i);
    expect(NormalEquations.of(D, all)).toBeUndefined();
    expect(new QR(D).isRankDeficient()).toBe(false);
    expect(NormalEquations.of(A, all)).toBeDefined();
  });
});

describe('LU with partial pivoting', () => {
  it('solves A·x = b and Aᵀ·x = b (a zero leading pivot forces a row swap)', () => {
    const n = 30, A = randomMatrix(n, n, 31).data.slice();
    A[0] = 0;
    const lu = LU.of(A, n)!;
    const x = gaussianVector(new Rng(32), n);
    const b = new Float64Array(n), bt = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      b[i] += A[i * n + j] * x[j];
      bt[j] += A[i * n + j] * x[i];
    }
    const got = lu.solve(b), gotT = lu.solveTransposed(bt);
    for (let i = 0; i < n; i++) {
      expect(got[i]).toBeCloseTo(x[i], 9);
      expect(gotT[i]).toBeCloseTo(x[i], 9);
    }
  });

  it('refuses a singular matrix', () => {
    const n = 6, A = randomMatrix(n, n, 33).data.slice();
    for (let j = 0; j < n; j++) A[5 * n + j] = A[j] - 2 * A[n + j];
    expect(LU.of(A, n)).toBeUndefined();
  });
});
