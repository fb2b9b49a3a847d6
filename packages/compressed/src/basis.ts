/**
 * Orthonormal sparsifying bases Ψ for the Lasso baselines: the pixel basis (Ψ = I) and the DCT-II with
 * orthonormal scaling (scipy's `dct(norm='ortho')`), 2-D and separable for images. Ψ is orthonormal,
 * so analysis is Ψᵀ and ‖AΨ‖ = ‖A‖.
 */
import { assertInteger, ShapeError, ValueError, type Adjointable } from '@inv/core';

/** Ψ (size × size) as an operator: synthesis is its product, analysis its adjoint (which inverts it). */
export interface Basis {
  readonly name: string;
  readonly size: number;
  /** c = Ψᵀx. */
  analyze: Adjointable['adjoint'];
  /** x = Ψc. */
  synthesize: Adjointable['apply'];
}

/** 1-D DCTs are dense N×N matrices; above this length ask for a 2-D shape instead. */
export const MAX_DCT_LENGTH = 8192;

export function pixelBasis(n: number): Basis {
  assertInteger(n, 'basis size', 1);
  const copy = (v: ArrayLike<number>, out = new Float64Array(n)) => {
    if (v.length !== n) throw new ShapeError(`pixel basis: expected length ${n}, got ${v.length}`);
    out.set(v);
    return out;
  };
  return { name: 'pixel', size: n, analyze: copy, synthesize: copy };
}

/** The orthonormal DCT-II matrix D (N×N, row-major): c = D·x, x = Dᵀ·c. */
export function dctMatrix(N: number): Float64Array {
  assertInteger(N, 'dct length', 1);
  if (N > MAX_DCT_LENGTH) throw new ValueError(`dct length: expected at most ${MAX_DCT_LENGTH}, got ${N} (use a 2-D shape)`);
  const D = new Float64Array(N * N);
  for (let k = 0; k < N; k++) {
    const s = k === 0 ? Math.sqrt(1 / N) : Math.sqrt(2 / N);
    for (let j = 0; j < N; j++) D[k * N + j] = s * Math.cos((Math.PI * (2 * j + 1) * k) / (2 * N));
  }
  return D;
}

/** out (rows×N) = X (rows×N) · Mᵀ when `transposeM`, else X·M, for square N×N M. */
function rightMultiply(X: ArrayLike<number>, rows: number, N: number, M: Float64Array, transposeM: boolean, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const xo = r * N;
    for (let k = 0; k < N; k++) {
      let s = 0;
      if (transposeM) for (let j = 0; j < N; j++) s += X[xo + j] * M[k * N + j];
      else for (let j = 0; j < N; j++) s += X[xo + j] * M[j * N + k];
      out[xo + k] = s;
    }
  }
}

/** out (N×cols) = M·X when not `transposeM`, else Mᵀ·X. */
function leftMultiply(X: Float64Array, N: number, cols: number, M: Float64Array, transposeM: boolean, out: Float64Array): void {
  out.fill(0);
  for (let k = 0; k < N; k++) {
    for (let j = 0; j < N; j++) {
      const m = transposeM ? M[j * N + k] : M[k * N + j];
      if (m === 0) continue;
      const xo = j * cols, oo = k * cols;
      for (let c = 0; c < cols; c++) out[oo + c] += m * X[xo + c];
    }
  }
}

/**
 * The orthonormal DCT-II on a [length] or [height, width] grid (row-major, as MNIST's 28×28). The 2-D
 * transform is D_h·X·D_wᵀ.
 */
export function dctBasis(shape: readonly number[]): Basis {
  if (shape.length !== 1 && shape.length !== 2) throw new ShapeError(`dct shape: expected [n] or [height, width], got ${JSON.stringify(shape)}`);
  const [h, w] = shape.length === 2 ? shape : [1, shape[0]];
  assertInteger(h, 'dct height', 1);
  assertInteger(w, 'dct width', 1);
  const Dh = dctMatrix(h), Dw = dctMatrix(w);
  const n = h * w;
  const tmp = new Float64Array(n);
  // Checks the length only: rightMultiply reads v before anything is written to `out`, so no copy is needed.
  const check = (v: ArrayLike<number>) => {
    if (v.length !== n) throw new ShapeError(`dct basis: expected length ${n} (${shape.join('x')}), got ${v.length}`);
    return v;
  };
  // Analysis is D_h·X·D_wᵀ, synthesis its transpose D_hᵀ·C·D_w: the same two products, transposes flipped.
  const transform = (v: ArrayLike<number>, out: Float64Array, analyze: boolean) => {
    rightMultiply(check(v), h, w, Dw, analyze, tmp);
    leftMultiply(tmp, h, w, Dh, !analyze, out);
    return out;
  };
  return {
    name: 'dct',
    size: n,
    analyze: (x, out = new Float64Array(n)) => transform(x, out, true),
    synthesize: (c, out = new Float64Array(n)) => transform(c, out, false),
  };
}

/** A 2-D shape for n when n is a perfect square (28×28 images), else [n]. */
export function imageShape(n: number): number[] {
  const s = Math.round(Math.sqrt(n));
  return s * s === n ? [s, s] : [n];
}
