/**
 * Dense float64 kernels for single inversions. tfjs has no float64 and exact recovery (errors of 1e-9
 * and below) needs it; for one matrix-vector product these loops are within about 1.35x of tfjs-wasm
 * (docs/engineering.md, "Dense kernels"), so single problems stay here and batches go to ./tf.ts.
 */
import { ShapeError, ValueError } from './errors.js';
import { kernelCholesky, kernelMatTvec, kernelWeightedGram } from './kernels/select.js';

/** A row-major dense matrix. */
export class Matrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Float64Array = new Float64Array(rows * cols),
  ) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`matrix: expected non-negative integer dimensions, got ${rows}x${cols}`);
    }
    if (data.length !== rows * cols) {
      throw new ShapeError(`matrix: expected ${rows}x${cols} = ${rows * cols} entries, got ${data.length}`);
    }
  }

  static fromRows(rows: ArrayLike<ArrayLike<number>>, field = 'matrix'): Matrix {
    const r = rows.length;
    const c = r > 0 ? rows[0].length : 0;
    const m = new Matrix(r, c);
    for (let i = 0; i < r; i++) {
      if (rows[i].length !== c) throw new ShapeError(`${field}: row ${i} has length ${rows[i].length}, expected ${c}`);
      m.data.set(rows[i], i * c);
    }
    return m;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  /** A view (no copy) of row i. */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  toRows(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }
}

/** out = A·x. Row dot products, four rows at a time (register accumulation; see docs/engineering.md, "Dense kernels"). */
export function matvec(A: Matrix, x: ArrayLike<number>, out: Float64Array = new Float64Array(A.rows)): Float64Array {
  const { rows, cols, data } = A;
  if (x.length !== cols) throw new ShapeError(`matvec: x has length ${x.length}, expected ${cols}`);
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const o0 = i * cols, o1 = o0 + cols, o2 = o1 + cols, o3 = o2 + cols;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < cols; j++) {
      const xj = x[j];
      s0 += data[o0 + j] * xj;
      s1 += data[o1 + j] * xj;
      s2 += data[o2 + j] * xj;
      s3 += data[o3 + j] * xj;
    }
    out[i] = s0; out[i + 1] = s1; out[i + 2] = s2; out[i + 3] = s3;
  }
  for (; i < rows; i++) {
    const o = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[o + j] * x[j];
    out[i] = s;
  }
  return out;
}

/**
 * out = Aᵀ·y (the adjoint). Rows with y_i = 0 are skipped (after a ReLU about half are), and the rest
 * are accumulated eight at a time so that `out` is read and written once per eight rows. Measured
 * against row dot products (`matvec` on the transpose): 2-2.9x faster with half the entries zero, equal
 * when none is. A matrix used for a third product (or passed to `makeResident`) moves into the
 * WebAssembly SIMD kernel (./kernels), 3.5-4x faster again; it must not be written in place afterwards
 * (call `dropResident` first). `setKernel('js')` keeps everything on this loop.
 */
export function matTvec(A: Matrix, y: ArrayLike<number>, out: Float64Array = new Float64Array(A.cols)): Float64Array {
  const { rows, cols, data: c } = A;
  if (y.length !== rows) throw new ShapeError(`matTvec: y has length ${y.length}, expected ${rows}`);
  if (kernelMatTvec(A, y, out)) return out;
  out.fill(0);
  const active = new Int32Array(rows);
  let n = 0;
  for (let i = 0; i < rows; i++) if (y[i] !== 0) active[n++] = i;
  let t = 0;
  for (; t + 7 < n; t += 8) {
    const y0 = y[active[t]], y1 = y[active[t + 1]], y2 = y[active[t + 2]], y3 = y[active[t + 3]];
    const y4 = y[active[t + 4]], y5 = y[active[t + 5]], y6 = y[active[t + 6]], y7 = y[active[t + 7]];
    const o0 = active[t] * cols, o1 = active[t + 1] * cols, o2 = active[t + 2] * cols, o3 = active[t + 3] * cols;
    const o4 = active[t + 4] * cols, o5 = active[t + 5] * cols, o6 = active[t + 6] * cols, o7 = active[t + 7] * cols;
    for (let j = 0; j < cols; j++) {
      out[j] += y0 * c[o0 + j] + y1 * c[o1 + j] + y2 * c[o2 + j] + y3 * c[o3 + j] + (y4 * c[o4 + j] + y5 * c[o5 + j] + y6 * c[o6 + j] + y7 * c[o7 + j]);
    }
  }
  for (; t < n; t++) {
    const i = active[t], yi = y[i], o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += yi * c[o + j];
  }
  return out;
}

/**
 * out = Aᵀ·diag(w)·A (k×k for A m×k, row stride `stride` ≥ k; other entries untouched): the normal
 * matrix of weighted least squares and interior-point methods. Each entry is one sum, mirrored, so the
 * result is exactly symmetric. On the WebAssembly SIMD kernel (./kernels/emit-gram.ts; Aᵀ made
 * resident on first use, so A must not be written in place afterwards) unless `setKernel('js')`; both
 * sum in the same order (even terms, odd terms, then the two) and agree bit for bit.
 */
export function weightedGram(A: Matrix, w: ArrayLike<number>, out: Float64Array = new Float64Array(A.cols * A.cols), stride = A.cols): Float64Array {
  const { rows: m, cols: k } = A;
  if (w.length !== m) throw new ShapeError(`weightedGram: w has length ${w.length}, expected ${m}`);
  if (stride < k || out.length < (k - 1) * stride + k) throw new ShapeError(`weightedGram: out holds ${out.length} entries, expected a ${k}x${k} block with row stride ${stride}`);
  if (kernelWeightedGram(A, w, out, stride)) return out;
  const t = transpose(A).data, scaled = new Float64Array(m);
  for (let a = 0; a < k; a++) {
    const oa = a * m;
    for (let i = 0; i < m; i++) scaled[i] = w[i] * t[oa + i];
    for (let b = a; b < k; b++) {
      const ob = b * m;
      let even = 0, odd = 0, i = 0;
      for (; i + 1 < m; i += 2) {
        even += scaled[i] * t[ob + i];
        odd += scaled[i + 1] * t[ob + i + 1];
      }
      if (i < m) even += scaled[i] * t[ob + i];
      out[a * stride + b] = out[b * stride + a] = even + odd;
    }
  }
  return out;
}

/**
 * In-place Cholesky factorisation A = L·Lᵀ of the symmetric positive definite n×n matrix in `A` (row
 * stride `stride`; the lower triangle is read and overwritten by L, the upper one left alone). False
 * when a pivot is not positive (A is not positive definite to working precision). Blocked by four
 * columns: the dot products with the columns left of a block (n³/6 multiply-adds in all) run on the
 * WebAssembly SIMD kernel of ./kernels/emit-gram.ts unless `setKernel('js')`; both sum in the same
 * order and agree bit for bit.
 */
export function cholesky(A: Float64Array, n: number, stride = n): boolean {
  if (stride < n || A.length < (n - 1) * stride + n) throw new ShapeError(`cholesky: A holds ${A.length} entries, expected ${n}x${n} with row stride ${stride}`);
  const viaKernel = kernelCholesky(A, n, stride, factorBlocked);
  if (viaKernel !== null) return viaKernel;
  return factorBlocked(A, 0, stride, n, (J0, nb, D) => {
    for (let jj = 0; jj < nb; jj++) {
      const oj = (J0 + jj) * stride;
      for (let i = J0; i < n; i++) {
        const oi = i * stride;
        let even = 0, odd = 0;
        for (let q = 0; q < J0; q += 2) {
          even += A[oj + q] * A[oi + q];
          odd += A[oj + q + 1] * A[oi + q + 1];
        }
        D[jj * n + i] = even + odd;
      }
    }
  });
}

/**
 * cholesky's loop over blocks of four columns of the n×n matrix at M[off + i·ld + j]: `dots` gives the
 * products with the columns left of the block, the rest is done here, column by column.
 */
function factorBlocked(M: Float64Array, off: number, ld: number, n: number, dots: (J0: number, nb: number, D: Float64Array) => void): boolean {
  const D = new Float64Array(4 * n);
  for (let J0 = 0; J0 < n; J0 += 4) {
    const nb = Math.min(4, n - J0);
    if (J0 > 0) {
      dots(J0, nb, D);
      for (let jj = 0; jj < nb; jj++) for (let i = J0 + jj; i < n; i++) M[off + i * ld + J0 + jj] -= D[jj * n + i];
    }
    for (let j = J0; j < J0 + nb; j++) {
      const oj = off + j * ld;
      let d = M[oj + j];
      for (let q = J0; q < j; q++) d -= M[oj + q] * M[oj + q];
      if (!(d > 0)) return false;
      const l = Math.sqrt(d);
      M[oj + j] = l;
      for (let i = j + 1; i < n; i++) {
        const oi = off + i * ld;
        let v = M[oi + j];
        for (let q = J0; q < j; q++) v -= M[oi + q] * M[oj + q];
        M[oi + j] = v / l;
      }
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b from cholesky's factor (x may be b). */
export function choleskySolve(L: Float64Array, n: number, b: ArrayLike<number>, x: Float64Array = new Float64Array(n), stride = n): Float64Array {
  for (let i = 0; i < n; i++) x[i] = b[i];
  triangularSolve(L, n, stride, x, true, false);
  return triangularSolve(L, n, stride, x, true, true);
}

/**
 * x ← T⁻¹·x in place, T the lower (else upper) triangle of the n×n row-major M (row stride `stride`),
 * or its transpose; `unit`: ones on the diagonal, not stored.
 */
function triangularSolve(M: Float64Array, n: number, stride: number, x: Float64Array, lower: boolean, transposed: boolean, unit = false): Float64Array {
  // T(i, q) = M[i·a + q·b].
  const a = transposed ? 1 : stride, b = transposed ? stride : 1;
  if (lower !== transposed) {
    for (let i = 0; i < n; i++) {
      let v = x[i];
      for (let q = 0, o = i * a; q < i; q++) v -= M[o + q * b] * x[q];
      x[i] = unit ? v : v / M[i * (a + b)];
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      let v = x[i];
      for (let q = i + 1, o = i * a; q < n; q++) v -= M[o + q * b] * x[q];
      x[i] = unit ? v : v / M[i * (a + b)];
    }
  }
  return x;
}

/** LU factorisation with partial pivoting of a square n×n row-major matrix (P·A = L·U). */
export class LU {
  private constructor(
    private readonly lu: Float64Array,
    private readonly n: number,
    private readonly piv: Int32Array,
  ) {}

  /**
   * Factorises A (copied, or in place when `inPlace`: A is then overwritten), or undefined when a
   * pivot is below 1e-13 of A's largest entry (singular to working precision).
   */
  static of(A: Float64Array, n: number, inPlace = false): LU | undefined {
    const M = inPlace ? A : A.slice(0, n * n), piv = Int32Array.from({ length: n }, (_, i) => i);
    let scale = 0;
    for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(M[i]));
    for (let j = 0; j < n; j++) {
      let best = j, bv = Math.abs(M[j * n + j]);
      for (let i = j + 1; i < n; i++) {
        const v = Math.abs(M[i * n + j]);
        if (v > bv) {
          bv = v;
          best = i;
        }
      }
      if (!(bv > 1e-13 * scale)) return undefined;
      if (best !== j) {
        for (let q = 0; q < n; q++) {
          const t = M[j * n + q];
          M[j * n + q] = M[best * n + q];
          M[best * n + q] = t;
        }
        const t = piv[j];
        piv[j] = piv[best];
        piv[best] = t;
      }
      const d = M[j * n + j];
      for (let i = j + 1; i < n; i++) {
        const oi = i * n, f = (M[oi + j] /= d);
        if (f === 0) continue;
        for (let q = j + 1, oj = j * n; q < n; q++) M[oi + q] -= f * M[oj + q];
      }
    }
    return new LU(M, n, piv);
  }

  /** x with A·x = b. */
  solve(b: ArrayLike<number>): Float64Array {
    const { lu, n, piv } = this;
    const x = Float64Array.from({ length: n }, (_, i) => b[piv[i]]);
    triangularSolve(lu, n, n, x, true, false, true);
    return triangularSolve(lu, n, n, x, false, false);
  }

  /** x with Aᵀ·x = b (Aᵀ = Uᵀ·Lᵀ·P). */
  solveTransposed(b: ArrayLike<number>): Float64Array {
    const { lu, n, piv } = this;
    const y = Float64Array.from(b);
    triangularSolve(lu, n, n, y, false, true);
    triangularSolve(lu, n, n, y, true, true, true);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[piv[i]] = y[i];
    return x;
  }
}

/** Aᵀ as a new matrix. */
export function transpose(A: Matrix): Matrix {
  const T = new Matrix(A.cols, A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) T.data[j * A.rows + i] = A.data[i * A.cols + j];
  return T;
}

/** C = A·B. */
export function matmul(A: Matrix, B: Matrix): Matrix {
  if (A.cols !== B.rows) throw new ShapeError(`matmul: ${A.rows}x${A.cols} times ${B.rows}x${B.cols}`);
  const Bt = transpose(B);
  const C = new Matrix(A.rows, B.cols);
  const col = new Float64Array(A.rows);
  for (let j = 0; j < B.cols; j++) {
    matvec(A, Bt.row(j), col);
    for (let i = 0; i < A.rows; i++) C.data[i * B.cols + j] = col[i];
  }
  return C;
}

/** The rows of A listed in `index`, as a new matrix. */
export function selectRows(A: Matrix, index: ArrayLike<number>): Matrix {
  const S = new Matrix(index.length, A.cols);
  for (let r = 0; r < index.length; r++) S.data.set(A.row(index[r]), r * A.cols);
  return S;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Euclidean norm, scaled to avoid overflow for large entries. */
export function norm2(a: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

export function normInf(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** ‖a − b‖₂. */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ShapeError(`distance: lengths ${a.length} and ${b.length} differ`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i] - b[i];
  return norm2(d);
}

/** out = a − b. */
export function sub(a: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array = new Float64Array(a.length)): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** Anything with a shape, a product and its adjoint (a `LinearOperator` from ./operators.ts qualifies). */
export interface Adjointable {
  readonly rows: number;
  readonly cols: number;
  apply(x: ArrayLike<number>, out?: Float64Array): Float64Array;
  adjoint(y: ArrayLike<number>, out?: Float64Array): Float64Array;
}

/**
 * The spectral norm ‖A‖₂ by power iteration on AᵀA, for a dense matrix or any operator with an
 * adjoint. Deterministic start; stops when the estimate changes by less than `tol` (relative).
 */
export function opNorm(A: Matrix | Adjointable, options: { tol?: number; maxIterations?: number } = {}): number {
  const tol = options.tol ?? 1e-10, maxIterations = options.maxIterations ?? 500;
  if (A.rows === 0 || A.cols === 0) return 0;
  const apply = A instanceof Matrix ? (x: Float64Array) => matvec(A, x) : (x: Float64Array) => A.apply(x);
  const adjoint = A instanceof Matrix ? (y: Float64Array, out: Float64Array) => matTvec(A, y, out) : (y: Float64Array, out: Float64Array) => A.adjoint(y, out);
  let v: Float64Array = new Float64Array(A.cols);
  for (let j = 0; j < A.cols; j++) v[j] = 1 + 0.01 * Math.sin(j + 1); // generic, never orthogonal to the top vector in practice
  let sigma = 0;
  for (let it = 0; it < maxIterations; it++) {
    const n = norm2(v);
    if (n === 0) return 0;
    for (let j = 0; j < v.length; j++) v[j] /= n;
    const Av = apply(v);
    const next = norm2(Av);
    v = adjoint(Av, v);
    if (Math.abs(next - sigma) <= tol * next) return next;
    sigma = next;
  }
  return sigma;
}

/** A Householder QR factorisation of an m×n matrix with m >= n, for least squares. */
export class QR implements GramFactor {
  private readonly qr: Float64Array;
  private readonly rdiag: Float64Array;
  readonly rows: number;
  readonly cols: number;

  constructor(A: Matrix) {
    const m = A.rows, n = A.cols;
    if (m < n) throw new ShapeError(`least squares: expected at least as many rows as columns, got ${m}x${n}`);
    this.rows = m;
    this.cols = n;
    // Column-major copy: each Householder step works down one column.
    const qr = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) qr[j * m + i] = A.data[i * n + j];
    const rdiag = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const ck = k * m;
      let nrm = norm2(qr.subarray(ck + k, ck + m)); // scaled, so no overflow; Math.hypot per entry was 10x slower
      if (nrm !== 0) {
        if (qr[ck + k] < 0) nrm = -nrm;
        for (let i = k; i < m; i++) qr[ck + i] /= nrm;
        qr[ck + k] += 1;
        for (let j = k + 1; j < n; j++) {
          const cj = j * m;
          let s = 0;
          for (let i = k; i < m; i++) s += qr[ck + i] * qr[cj + i];
          s = -s / qr[ck + k];
          for (let i = k; i < m; i++) qr[cj + i] += s * qr[ck + i];
        }
      }
      rdiag[k] = -nrm;
    }
    this.qr = qr;
    this.rdiag = rdiag;
  }

  /** True when some |R_kk| is below `tol` times the largest: the columns are (numerically) dependent. */
  isRankDeficient(tol = 1e-10): boolean {
    let max = 0;
    for (const d of this.rdiag) max = Math.max(max, Math.abs(d));
    for (const d of this.rdiag) if (Math.abs(d) <= tol * max) return true;
    return max === 0;
  }

  /** argmin_x ‖A x − b‖₂. */
  solve(b: ArrayLike<number>): Float64Array {
    const m = this.rows, n = this.cols, qr = this.qr;
    if (b.length !== m) throw new ShapeError(`least squares: right-hand side has length ${b.length}, expected ${m}`);
    if (this.isRankDeficient(1e-14)) throw new ValueError(`least squares: the ${m}x${n} matrix is rank deficient`);
    const y = Float64Array.from(b);
    for (let k = 0; k < n; k++) {
      const ck = k * m;
      let s = 0;
      for (let i = k; i < m; i++) s += qr[ck + i] * y[i];
      s = -s / qr[ck + k];
      for (let i = k; i < m; i++) y[i] += s * qr[ck + i];
    }
    const x = new Float64Array(n);
    for (let k = n - 1; k >= 0; k--) {
      let s = y[k];
      for (let j = k + 1; j < n; j++) s -= qr[j * m + k] * x[j];
      x[k] = s / this.rdiag[k];
    }
    return x;
  }

  /** x with R·x = v, R the n×n upper-triangular factor (A = Q·R, so AᵀA = RᵀR). */
  solveR(v: ArrayLike<number>): Float64Array {
    const m = this.rows, n = this.cols, qr = this.qr;
    const x = Float64Array.from(v);
    // Column by column from the last: R's column j is qr[j·m .. j·m + j − 1] above the diagonal.
    for (let j = n - 1; j >= 0; j--) {
      const xj = (x[j] /= this.rdiag[j]);
      const cj = j * m;
      for (let i = 0; i < j; i++) x[i] -= qr[cj + i] * xj;
    }
    return x;
  }

  /** x with Rᵀ·x = v. */
  solveRt(v: ArrayLike<number>): Float64Array {
    const m = this.rows, n = this.cols, qr = this.qr;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ci = i * m;
      let s = v[i];
      for (let j = 0; j < i; j++) s -= qr[ci + j] * x[j];
      x[i] = s / this.rdiag[i];
    }
    return x;
  }
}

/** The triangular solves of a factor R with AᵀA = RᵀR (QR's, or the normal equations'). */
export interface GramFactor {
  /** x with R·x = v. */
  solveR(v: ArrayLike<number>): Float64Array;
  /** x with Rᵀ·x = v. */
  solveRt(v: ArrayLike<number>): Float64Array;
}

/**
 * Least squares on some rows of A by the normal equations: AₛᵀAₛ = L·Lᵀ (weightedGram and cholesky,
 * on the WebAssembly kernels), R = Lᵀ, and two steps of iterative refinement per solve. A fraction of
 * Householder QR's cost on tall dense rows. Conditioning is squared, so `of` refuses (undefined) when
 * the diagonal of L spans more than MAX_SPREAD (condition number above about 1e6, where the normal
 * equations lose digits QR keeps): callers then use QR.
 */
export class NormalEquations implements GramFactor {
  /** Largest ratio of L's largest to smallest diagonal entry accepted (see the class comment). */
  static readonly MAX_SPREAD = 1e6;

  private constructor(
    private readonly A: Matrix,
    private readonly weights: Float64Array,
    private readonly L: Float64Array,
  ) {}

  /**
   * The factorisation of A's rows `rows` (indices, repeats allowed), or undefined (see the class
   * comment). `work` (k² entries), when given, holds the factor: a caller that factorises often can
   * spare the allocation (the factor is valid until `work` is reused).
   */
  static of(A: Matrix, rows: ArrayLike<number>, work?: Float64Array): NormalEquations | undefined {
    const k = A.cols, weights = new Float64Array(A.rows);
    for (let q = 0; q < rows.length; q++) weights[rows[q]]++;
    if (rows.length < k) return undefined;
    const L = weightedGram(A, weights, work && work.length >= k * k ? work.subarray(0, k * k) : new Float64Array(k * k));
    if (!cholesky(L, k)) return undefined;
    let lo = Infinity, hi = 0;
    for (let j = 0; j < k; j++) {
      lo = Math.min(lo, L[j * k + j]);
      hi = Math.max(hi, L[j * k + j]);
    }
    return hi <= NormalEquations.MAX_SPREAD * lo ? new NormalEquations(A, weights, L) : undefined;
  }

  /** argmin_x Σ_q (A_{rows[q]}·x − b_q)², b given per row of A (b_i the sum over i's repeats). */
  solve(b: ArrayLike<number>): Float64Array {
    const { A, weights, L } = this, k = A.cols, m = A.rows;
    if (b.length !== m) throw new ShapeError(`least squares: right-hand side has length ${b.length}, expected ${m}`);
    const x = choleskySolve(L, k, matTvec(A, b));
    const r = new Float64Array(m);
    for (let step = 0; step < 2; step++) {
      const p = matvec(A, x);
      for (let i = 0; i < m; i++) r[i] = b[i] - weights[i] * p[i];
      const dx = choleskySolve(L, k, matTvec(A, r));
      for (let j = 0; j < k; j++) x[j] += dx[j];
    }
    return x;
  }

  solveR(v: ArrayLike<number>): Float64Array {
    // R = Lᵀ.
    return triangularSolve(this.L, this.A.cols, this.A.cols, Float64Array.from(v), true, true);
  }

  solveRt(v: ArrayLike<number>): Float64Array {
    return triangularSolve(this.L, this.A.cols, this.A.cols, Float64Array.from(v), true, false);
  }
}

/** argmin_x ‖A x − b‖₂ for a full-column-rank A (Householder QR). */
export function lstsq(A: Matrix, b: ArrayLike<number>): Float64Array {
  return new QR(A).solve(b);
}
