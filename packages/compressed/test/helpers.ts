import { dot, gaussianVector, Rng, type LinearOperator } from '@inv/core';

/** |⟨Ax, y⟩ − ⟨x, Aᵀy⟩| / (‖Ax‖‖y‖) for random x, y: zero up to rounding for a true adjoint pair. */
export function adjointGap(op: LinearOperator, seed: number): number {
  const rng = new Rng(seed);
  const x = gaussianVector(rng, op.cols);
  const y = gaussianVector(rng, op.rows);
  const Ax = op.apply(x);
  const Aty = op.adjoint(y);
  const lhs = dot(Ax, y), rhs = dot(x, Aty);
  return Math.abs(lhs - rhs) / Math.max(Math.sqrt(dot(Ax, Ax) * dot(y, y)), 1e-300);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
