/**
 * Least squares under the LP's rows: a feasibility certificate for the l-inf LP at one threshold that
 * costs a few triangular solves on top of the fast path's factorisation (docs/lp-layerwise.md, "Constrained
 * least squares").
 *
 * The point is the pinned rows' least-squares fit h_ls corrected so that every row's violation is at
 * most the threshold: the violated constraints (rows, and h_j ≥ 0 after a ReLU) are pinned to just
 * inside their bound and the fit is re-solved subject to them; constraints are only added, never
 * dropped, until no row is violated. With the pinned rows' factor R (RᵀR = W_PᵀW_P) and the pinned
 * constraints G h = g: h = h_ls + R⁻¹Z λ, Z = R⁻ᵀGᵀ, (ZᵀZ) λ = g − G h_ls.
 *
 * A point is returned only when it satisfies every row at the threshold, so the LP there is feasible
 * (min t ≤ threshold): the threshold search may take it instead of solving that LP.
 */
import { choleskySolve } from '@inv/core';
import { type PinnedFit, type FastPathResult, type LayerRows, pointViolation } from './least-squares.js';
import { negativeSlope, rowBounds, rowViolation } from './rows.js';

/** Constraints are pinned this fraction of the threshold inside their bound, so that rounding cannot push them out again. */
const MARGIN = 1e-3;
/** Active-set rounds before giving up (the LP decides). */
const MAX_ROUNDS = 30;

/**
 * A point that satisfies every row of `layer` at `thres` (and h ≥ 0 when the input is a ReLU output),
 * the least-squares fit of the pinned rows as far as the rows allow; undefined when the loop does not
 * find one (the rows may still be feasible: only the LP can say no).
 */
export function constrainedLeastSquares(layer: LayerRows, x: ArrayLike<number>, thres: number, fit: PinnedFit): FastPathResult | undefined {
  const m = layer.weight.rows, k = layer.weight.cols;
  const alpha = negativeSlope(layer.activation);
  const { kinds, factor: R } = fit;
  const hls = fit.h;
  const inner = thres * (1 - MARGIN);
  /** Constraint index: a row i < m, or h_{i−m} ≥ 0. */
  const pinned = new Uint8Array(m + k);
  const z: Float64Array[] = [];
  const rhs: number[] = [];
  let factor: Float64Array = new Float64Array(0);
  let h: Float64Array = hls.slice();
  // At most k constraints can be pinned (then h is determined); each round pins at least `batch`.
  const batch = Math.max(8, Math.ceil(k / 8));
  for (let round = 0; round <= MAX_ROUNDS; round++) {
    const p = layer.preActivation(h);
    const violated = violations(layer, x, kinds, alpha, thres, pinned, p, h);
    if (violated.length === 0) {
      const violation = pointViolation(layer, x, kinds, h);
      return violation <= thres ? { h, violation } : undefined;
    }
    if (round === MAX_ROUNDS || z.length + Math.min(batch, violated.length) >= k) return undefined;
    violated.sort((a, b) => b.v - a.v || a.c - b.c);
    const q0 = z.length;
    for (const { c } of violated.slice(0, batch)) {
      pinned[c] = 1;
      const [g, target] = constraint(layer, x, kinds, alpha, inner, p, c);
      let ghls = 0;
      for (let j = 0; j < k; j++) ghls += g[j] * hls[j];
      z.push(R.solveRt(g));
      rhs.push(target - ghls);
    }
    const q = z.length;
    const next = extendCholesky(factor, q0, q, z);
    if (!next) return undefined;
    factor = next;
    h = correction(R, hls, z, choleskySolve(factor, q, rhs));
  }
  return undefined;
}

/*
 * The helpers below keep constrainedLeastSquares small: V8 compiles it twice on a cold run (on the
 * stack, then on its next call), and a cold `inv solve` spends much of its time compiling.
 */

/** The constraints not yet pinned that h violates by more than thres, with their violations. */
function violations(layer: LayerRows, x: ArrayLike<number>, kinds: Uint8Array, alpha: number, thres: number, pinned: Uint8Array, p: Float64Array, h: Float64Array): { c: number; v: number }[] {
  const m = p.length;
  const violated: { c: number; v: number }[] = [];
  for (let i = 0; i < m; i++) {
    const v = rowViolation(kinds[i], p[i], x[i], alpha);
    if (v > thres && !pinned[i]) violated.push({ c: i, v });
  }
  if (layer.nonnegative) for (let j = 0; j < h.length; j++) if (h[j] < 0 && !pinned[m + j]) violated.push({ c: m + j, v: -h[j] });
  return violated;
}

/** Constraint c pinned just inside its bound: g·h = target (c < m a row, else h_{c−m} = 0). */
function constraint(layer: LayerRows, x: ArrayLike<number>, kinds: Uint8Array, alpha: number, inner: number, p: Float64Array, c: number): [Float64Array, number] {
  const { weight, bias } = layer;
  const m = weight.rows;
  const g = new Float64Array(weight.cols);
  if (c >= m) {
    g[c - m] = 1;
    return [g, 0];
  }
  g.set(weight.row(c));
  const [lo, hi] = rowBounds(kinds[c], x[c], inner, alpha);
  return [g, (p[c] > hi ? hi : lo) - (bias ? bias[c] : 0)];
}

/** h = h_ls + R⁻¹ Σ_a λ_a z_a. */
function correction(R: PinnedFit['factor'], hls: Float64Array, z: Float64Array[], lambda: Float64Array): Float64Array {
  const k = hls.length;
  const zl = new Float64Array(k);
  for (let a = 0; a < z.length; a++) {
    const za = z[a], la = lambda[a];
    for (let j = 0; j < k; j++) zl[j] += la * za[j];
  }
  const delta = R.solveR(zl);
  return hls.map((v, j) => v + delta[j]);
}

/**
 * Extends the Cholesky factor L (row-major, LLᵀ = ZᵀZ) from q0 to q constraints: only added
 * constraints get new rows, the leading block is unchanged. False when they are (nearly) dependent.
 */
function extendCholesky(old: Float64Array, q0: number, q: number, z: Float64Array[]): Float64Array | undefined {
  const l = new Float64Array(q * q);
  for (let a = 0; a < q0; a++) l.set(old.subarray(a * q0, a * q0 + a + 1), a * q);
  for (let a = q0; a < q; a++) {
    const za = z[a], ra = a * q;
    for (let c = 0; c <= a; c++) {
      const zc = z[c], rc = c * q;
      let s = 0;
      for (let j = 0; j < za.length; j++) s += za[j] * zc[j];
      const diag = s;
      for (let r = 0; r < c; r++) s -= l[ra + r] * l[rc + r];
      if (c < a) l[ra + c] = s / l[rc + c];
      else if (s > 1e-12 * diag) l[ra + a] = Math.sqrt(s);
      else return undefined;
    }
  }
  return l;
}
