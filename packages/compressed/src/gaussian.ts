/**
 * Gaussian measurement operators with i.i.d. N(0, 1/m) entries, so that E[AᵀA] = I and ‖A·x‖ ≈ ‖x‖
 * (the convention of the CS theory and of PLUGIn-CS). The CSGM code draws N(0, 1) entries instead
 * (`np.random.randn`): its A is √m times ours, so its y and noise are √m times ours as well.
 *
 * Row i is drawn from its own stream, seeded by a bijective hash of (seed, i). Any row can therefore be
 * regenerated alone and in any order: the materialised and on-the-fly operators have the same entries,
 * and a partial Gaussian operator (chosen rows of the seeded ensemble) matches the rows of a full one.
 */
import { assertInteger, BaseOperator, dot, Matrix, MatrixOperator, Rng, ShapeError, ValueError } from '@inv/core';

/** On-the-fly operators refuse `toMatrix()` beyond this many entries (8e6 doubles = 64 MB). */
export const MAX_DENSE_ENTRIES = 8_000_000;

/** The murmur3 finaliser: a bijection on 32-bit integers with good avalanche. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The 32-bit base key of a seed (any finite number). */
function seedKey(seed: number): number {
  return new Rng(seed).uint32();
}

/**
 * Fills `out` with row `row` of the seeded Gaussian ensemble, entries N(0, scale²). Rows of one seed
 * never share a stream: key = mix32(base + row) is a bijection of row for row < 2^32.
 */
export function fillGaussianRow(seed: number, row: number, scale: number, out: Float64Array): Float64Array {
  return fillKeyedRow(seedKey(seed), row, scale, out);
}

/** fillGaussianRow with the seed's base key already computed (operators compute it once). */
function fillKeyedRow(key: number, row: number, scale: number, out: Float64Array): Float64Array {
  const rng = new Rng(mix32((key + row) >>> 0));
  for (let j = 0; j < out.length; j++) out[j] = scale * rng.normal();
  return out;
}

export interface GaussianOptions {
  /** Regenerate rows from the seed at every product instead of storing the m×n matrix (memory O(m + n)). */
  onTheFly?: boolean;
  /**
   * Rows of the seeded ensemble to use (a partial Gaussian operator); default 0, 1, …, m−1. Entries
   * are scaled by 1/√(number of rows), so every variant has N(0, 1/m) entries.
   */
  rows?: ArrayLike<number>;
}

function checkSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ValueError(`gaussian seed: expected a finite number, got ${JSON.stringify(seed)}`);
}

/** The row indices of a Gaussian operator, after its seed and signal length are checked (both kinds of operator). */
function checkedRows(m: number, n: number, seed: number, rows: ArrayLike<number> | undefined): Int32Array {
  checkSeed(seed);
  assertInteger(n, 'gaussian n (signal length)', 1);
  return rowList(m, rows);
}

function rowList(m: number, rows: ArrayLike<number> | undefined): Int32Array {
  if (rows === undefined) {
    assertInteger(m, 'gaussian m (number of measurements)', 1);
    return Int32Array.from({ length: m }, (_, i) => i);
  }
  if (rows.length !== m) throw new ShapeError(`gaussian rows: expected ${m} row indices, got ${rows.length}`);
  if (m < 1) throw new ValueError('gaussian rows: expected at least one row index');
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= 2 ** 31) throw new ValueError(`gaussian rows: expected integers in [0, 2^31), got ${r} at position ${i}`);
  }
  return Int32Array.from(rows);
}

function describeGaussian(op: { rows: number; cols: number; seed: number; rowIndices: Int32Array }, variant: string): string {
  const partial = op.rowIndices.some((r, i) => r !== i) ? ', partial' : '';
  return `gaussian ${op.rows}x${op.cols} seed ${op.seed} (${variant}${partial})`;
}

/** A Gaussian operator stored as a dense m×n matrix: fastest products, memory 8·m·n bytes. */
export class GaussianMatrixOperator extends MatrixOperator {
  override readonly kind: string = 'gaussian';
  readonly rowIndices: Int32Array;

  constructor(m: number, n: number, readonly seed: number, rows?: ArrayLike<number>) {
    const rowIndices = checkedRows(m, n, seed, rows);
    const matrix = new Matrix(rowIndices.length, n);
    const scale = 1 / Math.sqrt(rowIndices.length);
    const key = seedKey(seed);
    rowIndices.forEach((r, i) => fillKeyedRow(key, r, scale, matrix.row(i)));
    super(matrix, 'gaussian matrix');
    this.rowIndices = rowIndices;
  }

  override describe(): string {
    return describeGaussian(this, 'matrix');
  }
}

/**
 * A Gaussian operator that regenerates each row from the seed during every product: memory O(m + n)
 * (one row buffer), m·n normal draws per product.
 */
export class OnTheFlyGaussianOperator extends BaseOperator {
  readonly kind = 'gaussian';
  readonly rowIndices: Int32Array;
  private readonly scale: number;
  private readonly buffer: Float64Array;
  /** seedKey(seed), computed once rather than for every row of every product. */
  private readonly key: number;

  constructor(m: number, n: number, readonly seed: number, rows?: ArrayLike<number>) {
    const rowIndices = checkedRows(m, n, seed, rows);
    super(rowIndices.length, n);
    this.rowIndices = rowIndices;
    this.scale = 1 / Math.sqrt(rowIndices.length);
    this.buffer = new Float64Array(n);
    this.key = seedKey(seed);
  }

  /** Row i of A (a fresh copy unless `out` is given). */
  row(i: number, out: Float64Array = new Float64Array(this.cols)): Float64Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows) throw new ValueError(`gaussian row: expected an integer in [0, ${this.rows}), got ${i}`);
    return fillKeyedRow(this.key, this.rowIndices[i], this.scale, out);
  }

  protected applyUnchecked(x: ArrayLike<number>, out: Float64Array): Float64Array {
    const a = this.buffer;
    for (let i = 0; i < this.rows; i++) {
      fillKeyedRow(this.key, this.rowIndices[i], this.scale, a);
      out[i] = dot(a, x);
    }
    return out;
  }

  protected adjointUnchecked(y: ArrayLike<number>, out: Float64Array): Float64Array {
    const a = this.buffer;
    out.fill(0);
    for (let i = 0; i < this.rows; i++) {
      const yi = y[i];
      if (yi === 0) continue;
      fillKeyedRow(this.key, this.rowIndices[i], this.scale, a);
      for (let j = 0; j < a.length; j++) out[j] += a[j] * yi;
    }
    return out;
  }

  /** A·M row by row, so each row is drawn once rather than once per column of M. */
  override applyMatrix(M: Matrix): Matrix {
    if (M.rows !== this.cols) throw new ShapeError(`gaussian operator: matrix has ${M.rows} rows, expected ${this.cols}`);
    const out = new Matrix(this.rows, M.cols);
    const a = this.buffer;
    for (let i = 0; i < this.rows; i++) {
      fillKeyedRow(this.key, this.rowIndices[i], this.scale, a);
      const o = i * M.cols;
      for (let j = 0; j < a.length; j++) {
        const aij = a[j];
        const mo = j * M.cols;
        for (let c = 0; c < M.cols; c++) out.data[o + c] += aij * M.data[mo + c];
      }
    }
    return out;
  }

  /** The dense matrix, refused above MAX_DENSE_ENTRIES entries (the point of this operator is not to build it). */
  override toMatrix(): Matrix {
    if (this.rows * this.cols > MAX_DENSE_ENTRIES) {
      throw new ValueError(`gaussian operator: refusing to materialise ${this.rows}x${this.cols} (more than ${MAX_DENSE_ENTRIES} entries); use apply/adjoint`);
    }
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < this.rows; i++) this.row(i, out.row(i));
    return out;
  }

  describe(): string {
    return describeGaussian(this, 'on the fly');
  }
}

export type GaussianOperator = GaussianMatrixOperator | OnTheFlyGaussianOperator;

/**
 * An m×n operator with N(0, 1/m) entries drawn from `seed`. On the fly when asked, or by default when
 * the dense matrix would exceed MAX_DENSE_ENTRIES entries.
 */
export function gaussianOperator(m: number, n: number, seed = 0, options: GaussianOptions = {}): GaussianOperator {
  assertInteger(m, 'gaussian m (number of measurements)', 1);
  assertInteger(n, 'gaussian n (signal length)', 1);
  const onTheFly = options.onTheFly ?? m * n > MAX_DENSE_ENTRIES;
  return onTheFly ? new OnTheFlyGaussianOperator(m, n, seed, options.rows) : new GaussianMatrixOperator(m, n, seed, options.rows);
}

/** Rows `rows` of the seeded Gaussian ensemble (a partial Gaussian operator), scaled by 1/√rows.length. */
export function partialGaussianOperator(n: number, seed: number, rows: ArrayLike<number>, options: Omit<GaussianOptions, 'rows'> = {}): GaussianOperator {
  if (rows.length < 1) throw new ValueError('partial gaussian rows: expected at least one row index');
  return gaussianOperator(rows.length, n, seed, { ...options, rows });
}
