/**
 * Measurement operators A (PyLops habit): a shape m×n, `apply` (A·x) and `adjoint` (Aᵀ·y), so that a
 * mask or a Gaussian generated from its seed never has to be a dense matrix.
 */
import { assertFinite, ShapeError, ValueError } from './errors.js';
import { type Adjointable, Matrix, matmul, matTvec, matvec, selectRows } from './linalg.js';

/** An m×n operator: m = `rows` measurements of the generator's n = `cols` outputs, with A·x and Aᵀ·y. */
export interface LinearOperator extends Adjointable {
  /** `identity`, `mask`, `matrix`, or a kind added by another package (e.g. `gaussian`). */
  readonly kind: string;
  /** A·M for an n×k matrix M (used to build PLUGIn's fixed matrix A·W_d⋯W_1). */
  applyMatrix(M: Matrix): Matrix;
  /** The dense m×n matrix (for batched tfjs work); large on-the-fly operators may refuse. */
  toMatrix(): Matrix;
  /** A one-line description such as `mask 549/784`. */
  describe(): string;
  /**
   * Set only when A·x = x[selects] exactly (a mask, an unscaled subsample): solvers may then apply A by
   * picking or zeroing entries instead of multiplying by a matrix. Use `selectedEntries(A)` to read it.
   */
  readonly selects?: Int32Array;
}

/** The entries A picks, unscaled, if A is a selection (see `LinearOperator.selects`); undefined otherwise. */
export function selectedEntries(A: LinearOperator): Int32Array | undefined {
  return A.kind === 'identity' ? undefined : A.selects;
}

/** Shape checks and column-by-column `applyMatrix` shared by all operators. */
export abstract class BaseOperator implements LinearOperator {
  abstract readonly kind: string;
  constructor(readonly rows: number, readonly cols: number) {}
  protected abstract applyUnchecked(x: ArrayLike<number>, out: Float64Array): Float64Array;
  protected abstract adjointUnchecked(y: ArrayLike<number>, out: Float64Array): Float64Array;
  abstract describe(): string;

  apply(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.rows)): Float64Array {
    if (x.length !== this.cols) throw new ShapeError(`${this.kind} operator: input has length ${x.length}, expected ${this.cols}`);
    return this.applyUnchecked(x, out);
  }

  adjoint(y: ArrayLike<number>, out: Float64Array = new Float64Array(this.cols)): Float64Array {
    if (y.length !== this.rows) throw new ShapeError(`${this.kind} operator adjoint: input has length ${y.length}, expected ${this.rows}`);
    return this.adjointUnchecked(y, out);
  }

  applyMatrix(M: Matrix): Matrix {
    if (M.rows !== this.cols) throw new ShapeError(`${this.kind} operator: matrix has ${M.rows} rows, expected ${this.cols}`);
    return this.byColumns(M.cols, (j, x) => {
      for (let i = 0; i < M.rows; i++) x[i] = M.data[i * M.cols + j];
    });
  }

  toMatrix(): Matrix {
    return this.byColumns(this.cols, (j, x) => {
      if (j > 0) x[j - 1] = 0;
      x[j] = 1;
    });
  }

  /** The rows × count matrix whose column j is A·x, after `fill(j, x)` has written x. */
  private byColumns(count: number, fill: (j: number, x: Float64Array) => void): Matrix {
    const out = new Matrix(this.rows, count);
    const x = new Float64Array(this.cols);
    const column = new Float64Array(this.rows);
    for (let j = 0; j < count; j++) {
      fill(j, x);
      this.applyUnchecked(x, column);
      for (let i = 0; i < this.rows; i++) out.data[i * count + j] = column[i];
    }
    return out;
  }
}

/** A = I (denoising). */
export class IdentityOperator extends BaseOperator {
  readonly kind = 'identity';
  constructor(n: number) {
    super(n, n);
  }
  protected applyUnchecked(x: ArrayLike<number>, out: Float64Array): Float64Array {
    for (let i = 0; i < this.rows; i++) out[i] = x[i];
    return out;
  }
  protected adjointUnchecked(y: ArrayLike<number>, out: Float64Array): Float64Array {
    return this.applyUnchecked(y, out);
  }
  override applyMatrix(M: Matrix): Matrix {
    if (M.rows !== this.cols) throw new ShapeError(`identity operator: matrix has ${M.rows} rows, expected ${this.cols}`);
    return M;
  }
  describe(): string {
    return `identity ${this.rows}`;
  }
}

/** A keeps the outputs listed in `indices` (inpainting): y = x[indices]. */
export class MaskOperator extends BaseOperator {
  readonly kind = 'mask';
  readonly indices: Int32Array;

  get selects(): Int32Array {
    return this.indices;
  }

  /** `indices`: strictly increasing positions in [0, n). */
  constructor(n: number, indices: ArrayLike<number>) {
    super(indices.length, n);
    this.indices = Int32Array.from(indices);
    for (let i = 0; i < this.indices.length; i++) {
      const v = this.indices[i];
      if (v !== indices[i] || v < 0 || v >= n || (i > 0 && v <= this.indices[i - 1])) {
        throw new ValueError(`mask indices: expected strictly increasing integers in [0, ${n}), got ${indices[i]} at position ${i}`);
      }
    }
  }

  /** From a 0/1 vector over the generator's outputs; `field` names the source in messages. */
  static fromMask(mask: ArrayLike<number>, field = 'mask'): MaskOperator {
    assertFinite(mask, field);
    const idx: number[] = [];
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 1) idx.push(i);
      else if (mask[i] !== 0) throw new ValueError(`${field}: expected only 0 and 1, found ${mask[i]} at index ${i}`);
    }
    if (idx.length === 0) throw new ValueError(`${field}: observes no entries (all zeros)`);
    return new MaskOperator(mask.length, idx);
  }

  /** The 0/1 vector of length n. */
  toMask(): Float64Array {
    const m = new Float64Array(this.cols);
    for (const i of this.indices) m[i] = 1;
    return m;
  }

  protected applyUnchecked(x: ArrayLike<number>, out: Float64Array): Float64Array {
    for (let i = 0; i < this.indices.length; i++) out[i] = x[this.indices[i]];
    return out;
  }
  protected adjointUnchecked(y: ArrayLike<number>, out: Float64Array): Float64Array {
    out.fill(0);
    for (let i = 0; i < this.indices.length; i++) out[this.indices[i]] = y[i];
    return out;
  }
  override applyMatrix(M: Matrix): Matrix {
    if (M.rows !== this.cols) throw new ShapeError(`mask operator: matrix has ${M.rows} rows, expected ${this.cols}`);
    return selectRows(M, this.indices);
  }
  describe(): string {
    return `mask ${this.rows}/${this.cols}`;
  }
}

/** A dense m×n matrix (for example loaded from a .npy file). */
export class MatrixOperator extends BaseOperator {
  readonly kind: string = 'matrix';
  constructor(readonly matrix: Matrix, field = 'measurement matrix') {
    super(matrix.rows, matrix.cols);
    if (matrix.rows === 0 || matrix.cols === 0) throw new ShapeError(`${field}: expected a non-empty matrix, got ${matrix.rows}x${matrix.cols}`);
    assertFinite(matrix.data, field);
  }
  protected applyUnchecked(x: ArrayLike<number>, out: Float64Array): Float64Array {
    return matvec(this.matrix, x, out);
  }
  protected adjointUnchecked(y: ArrayLike<number>, out: Float64Array): Float64Array {
    return matTvec(this.matrix, y, out);
  }
  override applyMatrix(M: Matrix): Matrix {
    return matmul(this.matrix, M);
  }
  override toMatrix(): Matrix {
    return this.matrix;
  }
  describe(): string {
    return `${this.kind} ${this.rows}x${this.cols}`;
  }
}

/** A structured-cloneable operator (for worker threads): selections travel as masks, other kinds go dense. */
export type PlainOperator =
  | { kind: 'identity'; n: number }
  | { kind: 'mask'; n: number; indices: Int32Array }
  | { kind: 'matrix'; rows: number; cols: number; data: Float64Array };

/** Checks `kind` and `selects`, not classes, so an operator from a second copy of core (a bundle, src vs dist) still maps. */
export function operatorToPlain(A: LinearOperator): PlainOperator {
  if (A.kind === 'identity') return { kind: 'identity', n: A.cols };
  const picked = selectedEntries(A);
  if (picked) return { kind: 'mask', n: A.cols, indices: picked };
  const M = A.toMatrix();
  return { kind: 'matrix', rows: M.rows, cols: M.cols, data: M.data };
}

export function operatorFromPlain(p: PlainOperator): LinearOperator {
  if (p.kind === 'identity') return new IdentityOperator(p.n);
  if (p.kind === 'mask') return new MaskOperator(p.n, p.indices);
  return new MatrixOperator(new Matrix(p.rows, p.cols, p.data));
}
