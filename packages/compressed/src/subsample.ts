/**
 * The subsampled identity: y = s·x[indices] for m distinct positions drawn from a seed (random
 * inpainting, the "partial identity" of CS). With `scaled`, s = √(n/m) so that E[AᵀA] = I like the
 * Gaussian operators; otherwise s = 1 and the operator is a plain mask.
 */
import { assertInteger, BaseOperator, Matrix, MaskOperator, Rng, ValueError } from '@inv/core';

/** m distinct indices of [0, n), sorted, chosen uniformly by a partial Fisher–Yates shuffle. */
export function randomIndices(m: number, n: number, seed: number): Int32Array {
  assertInteger(n, 'subsample n (signal length)', 1);
  assertInteger(m, 'subsample m (number of measurements)', 1);
  if (m > n) throw new ValueError(`subsample m: expected at most n = ${n} measurements, got ${m}`);
  const rng = new Rng(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, m).sort();
}

export class SubsampleOperator extends BaseOperator {
  readonly kind = 'subsample';
  readonly scale: number;
  private readonly mask: MaskOperator;

  constructor(n: number, indices: ArrayLike<number>, readonly scaled = false) {
    const mask = new MaskOperator(n, indices);
    super(mask.rows, n);
    this.mask = mask;
    this.scale = scaled ? Math.sqrt(n / mask.rows) : 1;
  }

  get indices(): Int32Array {
    return this.mask.indices;
  }

  /** Unscaled, the operator is a mask: solvers may take their selection fast paths. */
  get selects(): Int32Array | undefined {
    return this.scale === 1 ? this.mask.indices : undefined;
  }

  protected applyUnchecked(x: ArrayLike<number>, out: Float64Array): Float64Array {
    this.mask.apply(x, out);
    return this.scaleInPlace(out);
  }

  protected adjointUnchecked(y: ArrayLike<number>, out: Float64Array): Float64Array {
    this.mask.adjoint(y, out);
    return this.scaleInPlace(out);
  }

  override applyMatrix(M: Matrix): Matrix {
    // The mask's applyMatrix returns a fresh matrix, so it can be scaled in place.
    const out = this.mask.applyMatrix(M);
    this.scaleInPlace(out.data);
    return out;
  }

  private scaleInPlace(v: Float64Array): Float64Array {
    if (this.scale !== 1) for (let i = 0; i < v.length; i++) v[i] *= this.scale;
    return v;
  }

  describe(): string {
    return `subsample ${this.rows}/${this.cols}${this.scaled ? ' scaled' : ''}`;
  }
}

/** m of the n entries, chosen by `seed`. */
export function subsampleOperator(m: number, n: number, seed = 0, options: { scaled?: boolean } = {}): SubsampleOperator {
  return new SubsampleOperator(n, randomIndices(m, n, seed), options.scaled ?? false);
}
