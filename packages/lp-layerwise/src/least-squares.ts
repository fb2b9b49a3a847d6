/** Least-squares layer inversions: linear layers, and the LP's fast path for clean observations. */
import { type Activation, type GramFactor, Matrix, matvec, NormalEquations, QR, selectRows } from '@inv/core';
import { negativeSlope, rowKind, rowTarget, rowViolation } from './rows.js';

/** p = W h + b, for a layer that is not a generator layer (the observed rows of a masked last layer). */
export function preActivation(weight: Matrix, bias: Float64Array | undefined, h: ArrayLike<number>): Float64Array {
  const p = matvec(weight, h);
  if (bias) for (let i = 0; i < p.length; i++) p[i] += bias[i];
  return p;
}

/** One layer as the fast path and the LP see it: its observed rows and how to evaluate them. */
export interface LayerRows {
  /** The observed rows (m×k). */
  readonly weight: Matrix;
  readonly bias?: Float64Array;
  readonly activation: Activation;
  /** h ≥ 0: the layer's input is a ReLU output. */
  readonly nonnegative: boolean;
  /** W h + b on the observed rows (Generator.preActivation when every row is observed). */
  preActivation(h: ArrayLike<number>): Float64Array;
}

/** Relative |R_kk| below which the columns count as dependent (no unique least-squares solution). */
const RANK_TOL = 1e-10;

/** argmin_h ‖W h + b − p‖₂, or undefined when W does not have full column rank. */
export function solveLinearLayer(weight: Matrix, bias: Float64Array | undefined, p: ArrayLike<number>): Float64Array | undefined {
  if (weight.rows < weight.cols) return undefined;
  const qr = new QR(weight);
  if (qr.isRankDeficient(RANK_TOL)) return undefined;
  const rhs = Float64Array.from(p);
  if (bias) for (let i = 0; i < rhs.length; i++) rhs[i] -= bias[i];
  return qr.solve(rhs);
}

export interface FastPathResult {
  h: Float64Array;
  /** The largest constraint violation (the t this point needs), ≤ the tolerance it was accepted at. */
  violation: number;
}

/** The least-squares fit to the pinned rows at one threshold: what the fast path and constrained least squares start from. */
export interface PinnedFit {
  /** rowKind of every observed unit at the threshold. */
  kinds: Uint8Array;
  /** A factor of the pinned rows of W (RᵀR = W_PᵀW_P): the normal equations', or QR's when those are ill-conditioned. */
  factor: GramFactor;
  /** argmin_h ‖W_P h + b_P − targets‖₂, before any clamping to h ≥ 0. */
  h: Float64Array;
}

/**
 * Least squares on the rows whose pre-activation is pinned (x_i > thres, or the negative branch of a
 * leaky ReLU). Undefined when they do not determine h (fewer than k, or rank deficient). Costs one QR.
 */
export function pinnedFit(layer: LayerRows, x: ArrayLike<number>, thres: number): PinnedFit | undefined {
  const { weight, bias, activation } = layer;
  const alpha = negativeSlope(activation);
  const m = weight.rows;
  const kinds = new Uint8Array(m);
  const pinned: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < m; i++) {
    kinds[i] = rowKind(activation, x[i], thres);
    const t = rowTarget(kinds[i], x[i], alpha);
    if (t === undefined) continue;
    pinned.push(i);
    targets.push(t - (bias ? bias[i] : 0));
  }
  if (pinned.length < weight.cols) return undefined;
  // The normal equations on the wasm kernels (a fifth of QR's time on 300×250); QR where they are ill-conditioned.
  const normal = NormalEquations.of(weight, pinned);
  if (normal) {
    const b = new Float64Array(m);
    pinned.forEach((i, q) => (b[i] = targets[q]));
    return { kinds, factor: normal, h: normal.solve(b) };
  }
  const qr = new QR(selectRows(weight, pinned));
  if (qr.isRankDeficient(RANK_TOL)) return undefined;
  return { kinds, factor: qr, h: qr.solve(targets) };
}

/**
 * The largest row violation of h (the t it needs at these row kinds) and h ≥ 0 when the layer's input
 * is a ReLU output; h is clamped to h ≥ 0 in place (the clamped part counts as violation).
 */
export function pointViolation(layer: LayerRows, x: ArrayLike<number>, kinds: Uint8Array, h: Float64Array): number {
  const alpha = negativeSlope(layer.activation);
  let violation = 0;
  if (layer.nonnegative) {
    for (let j = 0; j < h.length; j++) {
      violation = Math.max(violation, -h[j]);
      if (h[j] < 0) h[j] = 0;
    }
  }
  const p = layer.preActivation(h);
  for (let i = 0; i < p.length; i++) violation = Math.max(violation, rowViolation(kinds[i], p[i], x[i], alpha));
  return violation;
}

/**
 * Least squares on the pinned rows (pinnedFit), accepted only if the point satisfies every row (pinned
 * and one-sided) and h ≥ 0 within `tolerance`. Otherwise undefined, and the caller solves the LP.
 */
export function fastPath(layer: LayerRows, x: ArrayLike<number>, thres: number, tolerance: number): FastPathResult | undefined {
  const fit = pinnedFit(layer, x, thres);
  const point = fit && fitPoint(layer, x, fit);
  return point && point.violation <= tolerance ? point : undefined;
}

/** The fit's point clamped to h ≥ 0 where the layer needs it, with its violation. */
export function fitPoint(layer: LayerRows, x: ArrayLike<number>, fit: PinnedFit): FastPathResult {
  const h = fit.h.slice();
  return { h, violation: pointViolation(layer, x, fit.kinds, h) };
}
