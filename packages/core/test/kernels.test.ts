import { afterEach, describe, expect, it } from 'vitest';
import {
  dropResident, Generator, gaussianVector, getKernel, isResident, makeResident, Matrix, matTvec, Rng, setKernel, ValueError, wasmSimdAvailable, weightedGram, cholesky, choleskySolve,
} from '../src/index.js';
import { emitMatTvecModule } from '../src/kernels/emit.js';
import { MATTVEC_WASM_BASE64 } from '../src/kernels/mattvec-bytes.js';
import { emitGramModule } from '../src/kernels/emit-gram.js';
import { GRAM_WASM_BASE64 } from '../src/kernels/gram-bytes.js';
import { isGramResident } from '../src/kernels/wasm-gram.js';
import { expectEmbeddedBytes } from './kernel-bytes.js';
import { kernelMatTvec } from '../src/kernels/select.js';

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  return new Matrix(rows, cols, gaussianVector(new Rng(seed), rows * cols));
}

/** y with roughly `zeroFraction` of its entries exactly zero (as after a ReLU). */
function sparseVector(n: number, zeroFraction: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const y = gaussianVector(rng, n);
  for (let i = 0; i < n; i++) if (rng.uniform() < zeroFraction) y[i] = 0;
  return y;
}

function jsMatTvec(A: Matrix, y: Float64Array): Float64Array {
  setKernel('js');
  try {
    return matTvec(A, y);
  } finally {
    setKernel('wasm');
  }
}

/** Aᵀy on the wasm kernel, failing the test if the kernel did not run it. */
function wasmMatTvec(A: Matrix, y: Float64Array): Float64Array {
  expect(makeResident(A)).toBe(true);
  const out = new Float64Array(A.cols);
  expect(kernelMatTvec(A, y, out)).toBe(true);
  return out;
}

/** The kernels add in the same order (no fused multiply-add in wasm), so they agree bit for bit. */
function expectIdentical(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  expect(Array.from(got)).toEqual(Array.from(want));
}

afterEach(() => setKernel('wasm'));

describe('wasm SIMD matTvec kernel', () => {
  it('is available in Node and the embedded bytes are what the emitter produces', () => {
    expect(wasmSimdAvailable()).toBe(true);
    expect(getKernel()).toBe('wasm');
    expectEmbeddedBytes(emitMatTvecModule(), MATTVEC_WASM_BASE64, new URL('../src/kernels/mattvec-bytes.ts', import.meta.url));
  });

  it('agrees bit for bit with the JS loop on random shapes (odd columns, partial row groups, zero fractions)', () => {
    let seed = 10;
    for (const [rows, cols] of [[2, 2], [3, 5], [9, 7], [17, 1], [64, 33], [101, 64], [500, 600], [600, 20], [784, 500]]) {
      for (const zeros of [0, 0.5, 0.95]) {
        const A = randomMatrix(rows, cols, seed++), y = sparseVector(rows, zeros, seed++);
        expectIdentical(wasmMatTvec(A, y), jsMatTvec(A, y));
      }
    }
  });

  it('handles 1×n and n×1 matrices', () => {
    const wide = randomMatrix(1, 257, 1), tall = randomMatrix(257, 1, 2);
    const y1 = Float64Array.of(-1.5), yTall = sparseVector(257, 0.3, 3);
    const wideOut = wasmMatTvec(wide, y1);
    for (let j = 0; j < 257; j++) expect(wideOut[j]).toBe(-1.5 * wide.get(0, j));
    expectIdentical(wasmMatTvec(tall, yTall), jsMatTvec(tall, yTall));
  });

  it('returns exact zeros for an all-zero y and for all-zero rows of A, even when skipped rows hold Infinity', () => {
    const A = randomMatrix(40, 13, 4);
    expect(Array.from(wasmMatTvec(A, new Float64Array(40)))).toEqual(new Array(13).fill(0));
    const B = randomMatrix(40, 13, 5);
    const y = sparseVector(40, 0, 6);
    for (let i = 0; i < 40; i += 3) B.data.fill(0, i * 13, (i + 1) * 13); // zero rows
    B.data[13 * 2 + 4] = Infinity; // row 2 is skipped below, so no NaN may appear
    y[2] = 0;
    const got = wasmMatTvec(B, y);
    expect(got.every(Number.isFinite)).toBe(true);
    expectIdentical(got, jsMatTvec(B, y));
  });

  it('keeps many resident matrices correct while memory grows (earlier copies survive the growth)', () => {
    const mats = Array.from({ length: 24 }, (_, m) => randomMatrix(301, 257, 100 + m)); // 24 × 0.6 MB
    const ys = mats.map((_, m) => sparseVector(301, 0.5, 200 + m));
    const first = mats.map((A, m) => wasmMatTvec(A, ys[m]));
    for (let m = 0; m < mats.length; m++) {
      expect(isResident(mats[m])).toBe(true);
      expect(matTvec(mats[m], ys[m])).toEqual(first[m]);
      expectIdentical(first[m], jsMatTvec(mats[m], ys[m]));
    }
    for (const A of mats) dropResident(A);
    expect(mats.some(isResident)).toBe(false);
  });

  it('gives bit-identical results on repeated calls', () => {
    const A = randomMatrix(123, 77, 7), y = sparseVector(123, 0.5, 8);
    const a = wasmMatTvec(A, y), b = wasmMatTvec(A, y), c = matTvec(A, y);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('makes a matrix resident on its third product only, and never a tiny or one-off one', () => {
    const A = randomMatrix(64, 64, 9), tiny = randomMatrix(8, 8, 10), y = sparseVector(64, 0.5, 11);
    matTvec(A, y);
    matTvec(A, y);
    expect(isResident(A)).toBe(false);
    const third = matTvec(A, y);
    expect(isResident(A)).toBe(true);
    expectIdentical(third, jsMatTvec(A, y));
    for (let r = 0; r < 5; r++) matTvec(tiny, y.subarray(0, 8));
    expect(isResident(tiny)).toBe(false);
  });

  it('notices a matrix rewritten in place (sampled entries) and recomputes from the new data', () => {
    const A = randomMatrix(50, 30, 12), y = sparseVector(50, 0, 13);
    wasmMatTvec(A, y);
    A.data[0] += 1;
    const got = matTvec(A, y);
    expectIdentical(got, jsMatTvec(A, y));
    expect(isResident(A)).toBe(false);
  });

  it('falls back to the JS loop when out is longer than Aᵀy, zeroing the tail as before', () => {
    const A = randomMatrix(40, 30, 14), y = sparseVector(40, 0, 15);
    makeResident(A);
    const out = new Float64Array(32).fill(7);
    matTvec(A, y, out);
    expect(out[30]).toBe(0);
    expect(out[31]).toBe(0);
  });

  it('setKernel("js") routes every product to the JS loop; unknown names are rejected', () => {
    const A = randomMatrix(40, 30, 16), y = sparseVector(40, 0, 17);
    makeResident(A);
    setKernel('js');
    expect(getKernel()).toBe('js');
    expect(kernelMatTvec(A, y, new Float64Array(30))).toBe(false);
    expect(() => setKernel('gpu' as 'js')).toThrow(ValueError);
    expect(() => setKernel('gpu' as 'js')).toThrow(/kernel: expected one of js, wasm, got "gpu"/);
  });

  it('Generator.forward on 20-600-500-500 is bit-identical on both kernels', () => {
    const G = Generator.random([20, 600, 500, 500], { seed: 0 });
    const z = gaussianVector(new Rng(18), 20);
    setKernel('js');
    const want = G.forward(z);
    setKernel('wasm');
    for (let r = 0; r < 3; r++) G.forward(z); // the transposed weights become resident
    for (let i = 0; i < G.depth; i++) expect(isResident(G.transposedWeight(i))).toBe(true);
    expectIdentical(G.forward(z), want);
  });
});

describe('wasm SIMD weighted Gram kernel (Aᵀ diag(w) A)', () => {
  const gram = (A: Matrix, w: Float64Array, kernel: 'js' | 'wasm', stride = A.cols) => {
    setKernel(kernel);
    try {
      return weightedGram(A, w, new Float64Array(A.cols * stride).fill(NaN), stride);
    } finally {
      setKernel('wasm');
    }
  };

  it('the embedded bytes are what the emitter produces', () => {
    expectEmbeddedBytes(emitGramModule(), GRAM_WASM_BASE64, new URL('../src/kernels/gram-bytes.ts', import.meta.url));
  });

  it('agrees bit for bit with the JS loop (odd rows, odd columns, partial blocks of four) and with the plain sum', () => {
    let seed = 300;
    for (const [rows, cols] of [[64, 33], [65, 32], [101, 21], [300, 50], [784, 101]]) {
      const A = randomMatrix(rows, cols, seed++);
      const w = Float64Array.from(gaussianVector(new Rng(seed++), rows), (v) => v * v);
      const fast = gram(A, w, 'wasm'), slow = gram(A, w, 'js');
      expect(isGramResident(A)).toBe(true);
      expectIdentical(fast, slow);
      for (const [a, b] of [[0, 0], [0, cols - 1], [cols - 1, 1], [cols >> 1, cols >> 2]]) {
        let want = 0;
        for (let i = 0; i < rows; i++) want += w[i] * A.get(i, a) * A.get(i, b);
        expect(fast[a * cols + b]).toBeCloseTo(want, 10);
        expect(fast[a * cols + b]).toBe(fast[b * cols + a]);
      }
    }
  });

  it('writes a k×k block into a wider row stride and leaves the rest alone', () => {
    const A = randomMatrix(80, 9, 7), w = new Float64Array(80).fill(1);
    for (const kernel of ['js', 'wasm'] as const) {
      const out = gram(A, w, kernel, 10);
      for (let r = 0; r < 9; r++) expect(Number.isNaN(out[r * 10 + 9])).toBe(true);
      let want = 0;
      for (let i = 0; i < 80; i++) want += A.get(i, 8) ** 2;
      expect(out[8 * 10 + 8]).toBeCloseTo(want, 10);
    }
  });
});

describe('cholesky (blocked, off-block products on the wasm kernel)', () => {
  const spd = (n: number, seed: number) => {
    const A = randomMatrix(n + 5, n, seed), w = new Float64Array(n + 5).fill(1);
    return weightedGram(A, w);
  };
  const factor = (A: Float64Array, n: number, kernel: 'js' | 'wasm') => {
    setKernel(kernel);
    try {
      const L = A.slice();
      return { ok: cholesky(L, n), L };
    } finally {
      setKernel('wasm');
    }
  };

  it('agrees bit for bit with the JS loop, and L·Lᵀ is A, for sizes around the block of four', () => {
    for (const n of [33, 34, 35, 36, 64, 101]) {
      const A = spd(n, 400 + n);
      const fast = factor(A, n, 'wasm'), slow = factor(A, n, 'js');
      expect(fast.ok && slow.ok).toBe(true);
      expectIdentical(fast.L, slow.L);
      let worst = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          let v = 0;
          for (let q = 0; q <= j; q++) v += fast.L[i * n + q] * fast.L[j * n + q];
          worst = Math.max(worst, Math.abs(v - A[i * n + j]) / (1 + Math.abs(A[i * n + j])));
        }
      expect(worst).toBeLessThan(1e-12);
      const x = gaussianVector(new Rng(n), n), b = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j] * x[j];
      const got = choleskySolve(fast.L, n, b);
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(x[i], 8);
    }
  });

  it('reports a matrix that is not positive definite', () => {
    for (const kernel of ['js', 'wasm'] as const) {
      const n = 40, A = spd(n, 9);
      A[37 * n + 37] = -1;
      expect(factor(A, n, kernel).ok).toBe(false);
    }
  });
});
