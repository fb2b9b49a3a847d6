/**
 * How one observed unit x_i = σ(p_i) constrains its pre-activation p_i at threshold `thres`
 * (Lei et al. 2019; docs/algorithms.md, "Layer-wise linear programs"). The LP bounds and the fast-path check both read these, so the
 * two agree on what "feasible at this threshold" means.
 */
import type { Activation } from '@inv/core';

export const enum RowKind {
  /** p = x (within t): ReLU/leaky with x > thres. */
  Active = 0,
  /** p ≤ x + t: ReLU with x ≤ thres (the unit may have been cut off). */
  Inactive = 1,
  /** (x − t)/α ≤ p ≤ x + t: leaky ReLU with |x| ≤ thres (either branch). */
  Ambiguous = 2,
  /** |α·p − x| ≤ t: leaky ReLU with x < −thres (the negative branch). */
  Negative = 3,
  /**
   * α·p ≥ x − t only: a negative leaky-ReLU unit that is Negative at some thresholds of an interval
   * and Ambiguous at others (the constraint both kinds share; see relaxedKind).
   */
  NegativeLower = 4,
}

/** The slope applied to negative pre-activations (0 for ReLU). */
export function negativeSlope(a: Activation): number {
  return a.kind === 'leaky_relu' ? a.alpha : 0;
}

export function rowKind(a: Activation, x: number, thres: number): RowKind {
  if (x > thres) return RowKind.Active;
  if (a.kind !== 'leaky_relu') return RowKind.Inactive;
  return x < -thres ? RowKind.Negative : RowKind.Ambiguous;
}

/**
 * The constraint that every threshold in [lo, hi] imposes on the unit: rowKind(·, hi) for ReLU
 * (Active only relaxes to Inactive as the threshold grows), and for a leaky unit whose kind changes
 * inside the interval the one constraint its two kinds share (p ≤ x + t above zero, α·p ≥ x − t
 * below). An LP with these rows is a relaxation of the LP at every threshold of the interval, so its
 * min t is a lower bound for all of them.
 */
export function relaxedKind(a: Activation, x: number, lo: number, hi: number): RowKind {
  const k = rowKind(a, x, hi);
  if (a.kind !== 'leaky_relu' || Math.abs(x) <= lo || Math.abs(x) > hi) return k;
  return x > 0 ? RowKind.Inactive : RowKind.NegativeLower;
}

/** The smallest t for which p satisfies the row's constraint (0 when it holds exactly). */
export function rowViolation(kind: RowKind, p: number, x: number, alpha: number): number {
  switch (kind) {
    case RowKind.Active:
      return Math.abs(p - x);
    case RowKind.Inactive:
      return Math.max(0, p - x);
    case RowKind.Ambiguous:
      return Math.max(0, p - x, x - alpha * p);
    case RowKind.Negative:
      return Math.abs(alpha * p - x);
    case RowKind.NegativeLower:
      return Math.max(0, x - alpha * p);
  }
}

/** The value of p that an exactly fitting row pins down, or undefined for a one-sided row. */
export function rowTarget(kind: RowKind, x: number, alpha: number): number | undefined {
  if (kind === RowKind.Active) return x;
  if (kind === RowKind.Negative) return x / alpha;
  return undefined;
}

/**
 * The interval of p that the row allows at threshold t (rowViolation(kind, p, x, α) ≤ t exactly when
 * lo ≤ p ≤ hi), as [lo, hi] with ±Infinity for a missing side.
 */
export function rowBounds(kind: RowKind, x: number, t: number, alpha: number): [number, number] {
  switch (kind) {
    case RowKind.Active:
      return [x - t, x + t];
    case RowKind.Inactive:
      return [-Infinity, x + t];
    case RowKind.Ambiguous:
      return [(x - t) / alpha, x + t];
    case RowKind.Negative:
      return [(x - t) / alpha, (x + t) / alpha];
    case RowKind.NegativeLower:
      return [(x - t) / alpha, Infinity];
  }
}
