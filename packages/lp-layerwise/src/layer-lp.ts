/**
 * One HiGHS model per layer, built once from the typed-array API and re-solved with new row bounds
 * for each observation and threshold (a warm re-solve is ~20 ms against ~650 ms cold; stack.md).
 *
 * Variables: h (k, free for the latent, ≥ 0 after a ReLU) and slacks (one t for l-inf, one s_i per
 * row for l1). Rows come in blocks of m so that every row kind of ./rows.ts is a choice of bounds:
 *   U1: p_i − s ≤ x_i   L1: p_i + s ≥ x_i   (and for leaky ReLU)   U2: α·p_i − s ≤ x_i   L2: α·p_i + s ≥ x_i
 * with p = W h + b. Unused rows get infinite bounds, so the matrix never changes.
 */
import type { Activation, Matrix } from '@inv/core';
import type { Highs } from './highs.js';
import { negativeSlope, RowKind, rowKind } from './rows.js';

export type LpNorm = 'linf' | 'l1';

export type LpStatus = 'optimal' | 'infeasible' | 'time_limit' | 'error';

export interface LpOutcome {
  status: LpStatus;
  /** HiGHS' model status code (for messages). */
  modelStatus: number;
  /** The recovered input of the layer (length k). */
  h: Float64Array;
  /** The optimal slack: t for l-inf, Σ s_i for l1. */
  slack: number;
}

type Model = ReturnType<Highs['createModel']>;

export class LayerLp {
  private readonly model: Model;
  private readonly rows: number;
  private readonly blocks: number;
  private readonly alpha: number;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private disposed = false;

  /**
   * `weight` (m×k) and `bias` are the observed rows of the layer; `nonnegative` bounds h ≥ 0 (the
   * layer below is a ReLU).
   */
  constructor(
    private readonly highs: Highs,
    private readonly weight: Matrix,
    private readonly bias: Float64Array | undefined,
    private readonly activation: Activation,
    readonly norm: LpNorm,
    nonnegative: boolean,
  ) {
    const m = weight.rows, k = weight.cols;
    this.rows = m;
    this.alpha = negativeSlope(activation);
    this.blocks = activation.kind === 'leaky_relu' ? 4 : 2;
    const slacks = norm === 'linf' ? 1 : m;
    const numCols = k + slacks, numRows = this.blocks * m;
    const inf = highs.infinity;
    const colCost = new Float64Array(numCols).fill(1, k);
    const colLower = new Float64Array(numCols).fill(nonnegative ? 0 : -inf, 0, k);
    const colUpper = new Float64Array(numCols).fill(inf);
    const starts = new Int32Array(numRows + 1);
    const indices = new Int32Array(numRows * (k + 1));
    const values = new Float64Array(numRows * (k + 1));
    let nz = 0;
    for (let r = 0; r < numRows; r++) {
      const block = Math.floor(r / m), i = r % m;
      const scale = block < 2 ? 1 : this.alpha;
      const o = i * k;
      for (let j = 0; j < k; j++) {
        const v = scale * weight.data[o + j];
        if (v === 0) continue;
        indices[nz] = j;
        values[nz++] = v;
      }
      indices[nz] = k + (norm === 'linf' ? 0 : i);
      values[nz++] = block % 2 === 0 ? -1 : 1;
      starts[r + 1] = nz;
    }
    this.lower = new Float64Array(numRows).fill(-inf);
    this.upper = new Float64Array(numRows).fill(inf);
    this.model = highs.createModel({
      numCols,
      numRows,
      colCost,
      colLower,
      colUpper,
      rowLower: this.lower,
      rowUpper: this.upper,
      matrix: { format: 'csr', numRows, numCols, starts, indices: indices.subarray(0, nz), values: values.subarray(0, nz) },
    });
    this.model.options.set({ output_flag: false });
  }

  /**
   * Solves for observation `x` (length m) at threshold `thres`; `timeLimit` in seconds. `warm` keeps
   * the last basis: worth it for a nearby observation (a threshold step, a PGD iterate), but slower
   * than a fresh start for an unrelated one (measured: ~1.5–3x more simplex iterations). A cold solve
   * clears all solver state (basis, solution, presolve), so it starts exactly like a new model and
   * its result cannot depend on earlier observations; it also measured faster than keeping the
   * solver and only resetting the basis (noisy 20-250-600 batch in one thread: 368 vs 403 ms/item).
   */
  solve(x: ArrayLike<number>, thres: number, timeLimit = Infinity, warm = true): LpOutcome {
    if (this.disposed) throw new Error('LayerLp: used after dispose');
    const m = this.rows, inf = this.highs.infinity, b = this.bias, alpha = this.alpha;
    const lo = this.lower.fill(-inf), up = this.upper.fill(inf);
    for (let i = 0; i < m; i++) {
      const c1 = x[i] - (b ? b[i] : 0);
      const c2 = x[i] - (b ? alpha * b[i] : 0);
      switch (rowKind(this.activation, x[i], thres)) {
        case RowKind.Active:
          up[i] = c1;
          lo[m + i] = c1;
          break;
        case RowKind.Inactive:
          up[i] = c1;
          break;
        case RowKind.Ambiguous:
          up[i] = c1;
          lo[3 * m + i] = c2;
          break;
        case RowKind.Negative:
          up[2 * m + i] = c2;
          lo[3 * m + i] = c2;
          break;
      }
    }
    const model = this.model;
    if (!warm) model.clearSolver();
    model.changeRowsBounds({ kind: 'range', from: 0, to: this.blocks * m - 1 }, lo, up);
    // HiGHS' time limit is cumulative over runs unless the clocks are reset.
    model.zeroAllClocks();
    model.options.set({ time_limit: Number.isFinite(timeLimit) ? Math.max(timeLimit, 1e-3) : 1e100 });
    const modelStatus = model.run().modelStatus as number;
    const codes = this.highs.constants.modelStatus;
    const k = this.weight.cols;
    const status: LpStatus =
      modelStatus === codes.optimal ? 'optimal'
      : modelStatus === codes.infeasible || modelStatus === codes.unboundedOrInfeasible ? 'infeasible'
      : modelStatus === codes.timeLimit ? 'time_limit'
      : 'error';
    if (status !== 'optimal') return { status, modelStatus, h: new Float64Array(k), slack: Infinity };
    const col = model.getSolution().colValue;
    return { status, modelStatus, h: col.slice(0, k), slack: model.getObjectiveValue() };
  }

  /** Frees the native model (GC does not; stack.md gotcha 9). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
