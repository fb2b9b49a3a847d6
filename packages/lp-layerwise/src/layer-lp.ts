/**
 * One layer's LPs. l-inf LPs that HiGHS would start cold go to the dense interior point of
 * ./dense-ipm.ts (docs/lp-layerwise.md, "Dense kernel"); the rest go to one HiGHS model per layer,
 * made on first use from the typed-array API and re-solved with new row bounds for each observation
 * and threshold (a warm re-solve is ~20 ms against ~650 ms cold; docs/engineering.md, "Keep a layer's model").
 *
 * Variables: h (k, free for the latent, ≥ 0 after a ReLU) and slacks (one t for l-inf, one s_i per
 * row for l1). Rows come in blocks of m so that every row kind of ./rows.ts is a choice of bounds:
 *   U1: p_i − s ≤ x_i   L1: p_i + s ≥ x_i   (and for leaky ReLU)   U2: α·p_i − s ≤ x_i   L2: α·p_i + s ≥ x_i
 * with p = W h + b. Unused rows get infinite bounds, so the matrix never changes.
 */
import { type Activation, type Matrix, matvec, NormalEquations, now, QR, selectRows, transpose } from '@inv/core';
import { DENSE_FEAS_TOL, denseLinf, type LinfRows } from './dense-ipm.js';
import type { Highs } from './highs.js';
import { negativeSlope, relaxedKind, RowKind, rowKind } from './rows.js';

/** Relative violation above which a row outside the working set is added (the full LP's clean answers are exact to ~1e-12, and so must these be). */
const ROW_TOL = 1e-12;
/** Relative slack under which a row counts as tight at the optimum (polish). */
const TIGHT = 1e-9;
export type LpNorm = 'linf' | 'l1';

export type LpStatus = 'optimal' | 'infeasible' | 'time_limit' | 'aborted' | 'error';

/** How a caller can pause and stop LPs (an abortable solve). */
export interface LpPause {
  /** Cut HiGHS runs into slices of a few iterations, with `between` and `stop` in between (see LayerLp.run). */
  sliced?: boolean;
  /** Awaited between slices, constraint-generation rounds and LPs (a yield to the event loop). */
  between?: () => Promise<void>;
  /** Checked after `between`: true stops the LP with status `aborted`. */
  stop?: () => boolean;
}

export interface LpRequest extends LpPause {
  /** The activity threshold. */
  thres: number;
  /** Seconds for this LP (every slice and round included); Infinity when absent. */
  timeLimit?: number;
  /** Keep the last basis and working set (see LayerLp.solve). */
  warm?: boolean;
  /**
   * Solve the relaxation that holds for every threshold in [relaxFrom, thres] (rows.ts relaxedKind):
   * its min t is a lower bound for the LP at each of them.
   */
  relaxFrom?: number;
  /** l-inf: a point h whose most violated rows seed the working set of a cold solve. */
  start?: Float64Array;
}

export interface LpOutcome {
  status: LpStatus;
  /** HiGHS' model status code (for messages; absent for the dense kernel's answers). */
  modelStatus?: number;
  /** The recovered input of the layer (length k). */
  h: Float64Array;
  /** The optimal slack: t for l-inf, Σ s_i for l1. */
  slack: number;
  /**
   * l-inf, optimal: the rows whose dual value is nonzero. Row bounds do not depend on the threshold,
   * only which rows exist does, so at any threshold where all of them exist the same duals are
   * feasible and `slack` is a lower bound on min t there (see LayerLp.supportPresent).
   */
  support?: Int32Array;
}

/** Which row blocks (bit b: block b, see the header) each RowKind uses, as bounds in `solve`. */
const KIND_BLOCKS: Record<RowKind, number> = {
  [RowKind.Active]: 0b0011,
  [RowKind.Inactive]: 0b0001,
  [RowKind.Ambiguous]: 0b1001,
  [RowKind.Negative]: 0b1100,
  [RowKind.NegativeLower]: 0b1000,
};

type Model = ReturnType<Highs['createModel']>;

export class LayerLp {
  /** HiGHS' runtime and model, loaded and made when HiGHS first solves an LP of this layer. */
  private model?: Model;
  private runtime?: Highs;
  private readonly rows: number;
  private readonly blocks: number;
  private readonly alpha: number;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private disposed = false;
  /** Constraint generation (l-inf): rows in the working set, bounds as passed to HiGHS, scratch. */
  private readonly inSet: Uint8Array;
  private readonly activeLower: Float64Array;
  private readonly activeUpper: Float64Array;
  private readonly violation: Float64Array;
  private seeded = false;
  /** Slack columns: 1 (l-inf) or m (l1). */
  private readonly slacks: number;
  /** The model holds only rows that have been in a working set (l-inf constraint generation). */
  private readonly lazy: boolean;
  /** LP row (block·m + unit) of each model row, and model row of each LP row (−1: not in the model). */
  private modelRows: number[] = [];
  private readonly position: Int32Array;
  /** HiGHS runs of constraint generation since construction (rounds ≥ LPs). */
  rounds = 0;
  /** LPs the dense kernel solved, and those it handed back to HiGHS. */
  denseSolves = 0;
  denseFallbacks = 0;
  /** HiGHS' model holds the basis of the last solve (false after a dense solve). */
  private highsWarm = false;
  /**
   * The last dense solve's basis, in LP terms (tight LP rows; columns at their bound 0, t being column
   * k), installed in HiGHS when it solves next: the optimal basis before a warm re-solve, or the basis
   * the interior point pointed at when its certificate failed.
   */
  private denseBasis?: { rows: number[]; cols: number[] };
  /** Wᵀ for the dense kernel (made on its first use). */
  private transposed?: Matrix;
  /** Buffers reused between LPs: the dense kernel's normal matrix, the polish's factor. */
  private readonly work: { normal?: Float64Array; polish?: Float64Array } = {};
  /** The last dense solve's certified vertex (see stillOptimal). */
  private denseVertex?: LpOutcome & { zeroT: boolean };

  /**
   * Simplex iterations per slice (~1e8 matrix entries touched: about 60 on a 3,136×501 leaky layer,
   * 330 on a 1,200×251 ReLU layer). Every slice costs HiGHS a refactorisation: at 3e7 entries per
   * slice the sliced 20-200-500-784 leaky inversion took 21.8 s of CPU against 13.7 s unsliced.
   */
  private readonly sliceIterations: number;

  /**
   * `weight` (m×k) and `bias` are the observed rows of the layer; `nonnegative` bounds h ≥ 0 (the
   * layer below is a ReLU).
   */
  constructor(
    /** The runtime, or how to load it: HiGHS is loaded on the first LP the dense kernel leaves to it. */
    private readonly highs: Highs | (() => Promise<Highs>),
    private readonly weight: Matrix,
    private readonly bias: Float64Array | undefined,
    private readonly activation: Activation,
    readonly norm: LpNorm,
    private readonly nonnegative: boolean,
    /** l-inf: constraint generation (false: every row in every LP, as the authors' formulation). */
    private readonly generate = true,
    /** l-inf with constraint generation: LPs HiGHS would start cold go to ./dense-ipm.ts. */
    private readonly dense = true,
  ) {
    const m = weight.rows, k = weight.cols;
    this.rows = m;
    this.alpha = negativeSlope(activation);
    this.blocks = activation.kind === 'leaky_relu' ? 4 : 2;
    const slacks = norm === 'linf' ? 1 : m;
    const numCols = k + slacks, numRows = this.blocks * m;
    const inf = Infinity;
    this.slacks = slacks;
    // l-inf with constraint generation: the model holds only rows that have been in a working set
    // (HiGHS' iterations cost in proportion to the model's rows, free ones included).
    this.lazy = norm === 'linf' && generate;
    this.position = new Int32Array(numRows).fill(-1);
    this.lower = new Float64Array(numRows).fill(-inf);
    this.upper = new Float64Array(numRows).fill(inf);
    this.sliceIterations = Math.round(Math.min(1000, Math.max(10, 1e8 / (numRows * (k + 1)))));
    this.inSet = new Uint8Array(numRows);
    this.activeLower = new Float64Array(numRows);
    this.activeUpper = new Float64Array(numRows);
    this.violation = new Float64Array(numRows);
  }

  /** LPs go to the dense interior point first (l-inf with constraint generation). */
  get denseFirst(): boolean {
    return this.lazy && this.dense;
  }

  /**
   * A new HiGHS model: every row, or (lazy) none yet. A lazy model is rebuilt for every cold solve, so
   * that nothing of earlier solves (HiGHS' scaling of earlier rows included) can change the result.
   */
  private build(highs: Highs): Model {
    const k = this.weight.cols, numCols = k + this.slacks, numRows = this.lower.length, inf = Infinity;
    this.modelRows = this.lazy ? [] : Array.from({ length: numRows }, (_, r) => r);
    for (let r = 0; r < numRows; r++) this.position[r] = this.lazy ? -1 : r;
    const matrix = this.rowMatrix(this.modelRows);
    const model = highs.createModel({
      numCols,
      numRows: matrix.numRows,
      colCost: new Float64Array(numCols).fill(1, k),
      colLower: new Float64Array(numCols).fill(this.nonnegative ? 0 : -inf, 0, k),
      colUpper: new Float64Array(numCols).fill(inf),
      rowLower: this.lazy ? new Float64Array(0) : this.lower,
      rowUpper: this.lazy ? new Float64Array(0) : this.upper,
      matrix,
    });
    // Presolve off: on these dense layers it cost more than it saved (250→600, noise 1e-3, cold dual
    // simplex: 1.7 s without against 2.7 s with, on a loaded machine), and a run stopped by the slice
    // time limit during presolve restarts it from scratch instead of resuming from a basis.
    model.options.set({ output_flag: false, presolve: 'off' });
    return model;
  }

  /** The CSR rows of the given LP rows (r = block·m + unit; see the header). */
  private rowMatrix(ids: ArrayLike<number>) {
    const m = this.rows, k = this.weight.cols, data = this.weight.data, n = ids.length;
    const starts = new Int32Array(n + 1);
    const indices = new Int32Array(n * (k + 1));
    const values = new Float64Array(n * (k + 1));
    let nz = 0;
    for (let q = 0; q < n; q++) {
      const r = ids[q], block = Math.floor(r / m), i = r % m;
      const scale = block < 2 ? 1 : this.alpha;
      const o = i * k;
      for (let j = 0; j < k; j++) {
        const v = scale * data[o + j];
        if (v === 0) continue;
        indices[nz] = j;
        values[nz++] = v;
      }
      indices[nz] = k + (this.slacks === 1 ? 0 : i);
      values[nz++] = block % 2 === 0 ? -1 : 1;
      starts[q + 1] = nz;
    }
    return { format: 'csr' as const, numRows: n, numCols: k + this.slacks, starts, indices: indices.subarray(0, nz), values: values.subarray(0, nz) };
  }

  /**
   * Solves for observation `x` (length m) at `request.thres`. `warm` keeps the last basis (and, for
   * l-inf, the working set): worth it for a nearby observation (a threshold step, a PGD iterate).
   * A cold solve clears all solver state (basis, solution, presolve), so it starts exactly like a new
   * model and its result cannot depend on earlier observations.
   *
   * l-inf uses constraint generation (docs/lp-layerwise.md): at the optimum only about k + 1 of the
   * 2m rows are tight, so the LP is solved on a working set (the rows `start` violates most, or all
   * rows without a start), the other rows are checked at the answer and the violated ones added, and
   * HiGHS re-optimises from its basis, until no row is violated: the full LP's answer from smaller LPs.
   * Each run is cut into slices of a few simplex iterations (HiGHS resumes from its basis), and
   * `between` is awaited after every slice and round, so a caller can yield and abort.
   */
  async solve(x: ArrayLike<number>, request: LpRequest): Promise<LpOutcome> {
    if (this.disposed) throw new Error('LayerLp: used after dispose');
    const m = this.rows, inf = Infinity, b = this.bias, alpha = this.alpha;
    const { thres, relaxFrom } = request;
    const lo = this.lower.fill(-inf), up = this.upper.fill(inf);
    for (let i = 0; i < m; i++) {
      const c1 = x[i] - (b ? b[i] : 0);
      const c2 = x[i] - (b ? alpha * b[i] : 0);
      const kind = relaxFrom === undefined ? rowKind(this.activation, x[i], thres) : relaxedKind(this.activation, x[i], relaxFrom, thres);
      // Bit b of KIND_BLOCKS: block b's row exists, with an upper bound on the "− t" blocks (0, 2)
      // and a lower one on the "+ t" blocks (1, 3); blocks 2 and 3 are the α-scaled rows.
      const blocks = KIND_BLOCKS[kind];
      for (let b = 0; b < 4; b++) {
        if (!(blocks & (1 << b))) continue;
        const c = b < 2 ? c1 : c2;
        if (b % 2 === 0) up[b * m + i] = c;
        else lo[b * m + i] = c;
      }
    }
    // Warm LPs too, on layers of every width, unless HiGHS holds a warm basis (after a fallback): a HiGHS
    // re-solve from the dense basis costs a factorisation of that basis per run, 5–13 s per LP on a 500→784
    // layer at large thresholds, against 0.5–0.8 s for the kernel from scratch (docs/lp-layerwise.md,
    // "Dense kernel"). Once HiGHS has a basis it keeps the layer's warm LPs, so its model is not rebuilt.
    if (this.denseFirst && !(request.warm === true && this.highsWarm)) {
      const reuse = request.warm === true && this.denseVertex && this.stillOptimal(this.denseVertex) ? this.denseVertex : undefined;
      if (reuse) return this.polish(reuse);
      const out = await this.solveDense(request);
      if (out) return out.status === 'optimal' ? this.polish(out) : out;
    }
    const warm = request.warm === true && this.highsWarm;
    const basis = this.highsWarm ? undefined : this.denseBasis;
    this.highsWarm = true;
    this.denseBasis = this.denseVertex = undefined;
    const highs = (this.runtime ??= typeof this.highs === 'function' ? await this.highs() : this.highs);
    if (this.disposed) throw new Error('LayerLp: disposed while HiGHS loaded');
    if (!this.model || (!warm && this.lazy && this.modelRows.length > 0)) {
      // A cold solve starts from an empty model, exactly like a new one.
      this.model?.dispose();
      this.model = this.build(highs);
    } else if (!warm) this.model.clearSolver();
    const model = this.model;
    const generate = this.norm === 'linf' && this.generate;
    if (!generate) {
      model.changeRowsBounds({ kind: 'range', from: 0, to: this.blocks * m - 1 }, lo, up);
      const out = await this.run(request);
      return this.norm === 'linf' && out.status === 'optimal' ? this.polish(out) : out;
    }
    this.seedWorkingSet(warm, request.start);
    const installed = basis !== undefined && this.installBasis(basis);
    for (let first = true; ; first = false) {
      if (!(first && installed)) this.applyWorkingSet();
      const out = await this.run(request);
      if (out.status !== 'optimal') return out;
      this.rounds++;
      if (this.addViolated(out.h, out.slack) === 0) return this.polish(out);
      await request.between?.();
    }
  }

  /**
   * The current LP (bounds in this.lower/upper) by the dense interior point; null when it could not
   * vouch for its answer (HiGHS then solves the LP, from the basis the interior point found when there
   * is one).
   */
  private async solveDense(request: LpRequest): Promise<LpOutcome | null> {
    const m = this.rows, inf = Infinity, alpha = this.alpha, n = this.lower.length;
    const ids: number[] = [];
    for (let r = 0; r < n; r++) if (this.bounded(r)) ids.push(r);
    const rows: LinfRows = { unit: new Int32Array(ids.length), coef: new Float64Array(ids.length), rhs: new Float64Array(ids.length) };
    ids.forEach((r, q) => {
      // Upper bounds sit on the "− t" blocks (0, 2), lower ones on the "+ t" blocks (1, 3): in ≤ form every row reads c·p_i − t ≤ rhs.
      const block = Math.floor(r / m), sign = block % 2 === 0 ? 1 : -1;
      rows.unit[q] = r % m;
      rows.coef[q] = sign * (block < 2 ? 1 : alpha);
      rows.rhs[q] = sign * (sign > 0 ? this.upper[r] : this.lower[r]);
    });
    const deadline = now() + (request.timeLimit ?? Infinity) * 1000;
    let timedOut = false;
    const stop = () => request.stop?.() === true || (timedOut = now() > deadline);
    this.transposed ??= transpose(this.weight);
    const found = await denseLinf(this.weight, this.transposed, rows, this.nonnegative, { between: request.between, stop }, this.work);
    if (found?.kind === 'aborted') return { status: timedOut ? 'time_limit' : 'aborted', h: found.h, slack: Infinity };
    if (!found) {
      this.denseFallbacks++;
      return null;
    }
    const k = this.weight.cols, R = ids.length;
    this.denseBasis = { rows: Array.from(found.basis.filter((q) => q < R), (q) => ids[q]), cols: Array.from(found.basis.filter((q) => q >= R), (q) => (q === R ? k : q - R - 1)) };
    this.highsWarm = false;
    this.denseVertex = undefined;
    if (found.kind === 'basis') {
      this.denseFallbacks++;
      return null;
    }
    this.denseSolves++;
    const support = found.support && Int32Array.from(found.support, (q) => ids[q]);
    const out: LpOutcome = { status: 'optimal', h: found.h, slack: found.t, ...(support ? { support } : {}) };
    this.denseVertex = { ...out, zeroT: !support };
    return out;
  }

  /** Whether LP row r exists in the current LP (one of its bounds is finite). */
  private bounded(r: number): boolean {
    return this.lower[r] > -Infinity || this.upper[r] < Infinity;
  }

  /**
   * True when the last dense vertex is optimal for the LP now in this.lower/upper (a warm request: the
   * same observation at another threshold). Row bounds do not depend on the threshold, only which rows
   * exist, so when every row of its certificate still exists (or the certificate was t = 0) and the
   * vertex satisfies every row now, the same duals prove it optimal. O(m·k).
   */
  private stillOptimal(v: LpOutcome & { zeroT: boolean }): boolean {
    if (!v.zeroT && !v.support!.every((r) => this.bounded(r))) return false;
    const w = this.violations(v.h, v.slack);
    for (let r = 0; r < w.length; r++) {
      if (!this.bounded(r)) continue;
      const bound = this.upper[r] < Infinity ? this.upper[r] : this.lower[r];
      if (w[r] > DENSE_FEAS_TOL * (1 + Math.abs(bound))) return false;
    }
    return true;
  }

  /**
   * Puts the dense solve's basis into HiGHS' model: its rows join the working set and sit at their
   * bound, the other model rows and the columns not at a bound are basic. False (nothing installed)
   * when a basis row is not in this LP (the threshold changed its kind).
   */
  private installBasis(basis: { rows: number[]; cols: number[] }): boolean {
    const inf = Infinity, set = this.inSet;
    if (!basis.rows.every((r) => this.bounded(r))) return false;
    for (const r of basis.rows) set[r] = 1;
    this.applyWorkingSet();
    const codes = this.runtime!.constants.basisStatus, model = this.model!;
    const colStatus = new Int32Array(this.weight.cols + this.slacks).fill(codes.basic);
    for (const j of basis.cols) colStatus[j] = codes.lower;
    const rowStatus = new Int32Array(this.modelRows.length).fill(codes.basic);
    for (const r of basis.rows) rowStatus[this.position[r]] = this.upper[r] < inf ? codes.upper : codes.lower;
    model.setBasis({ colStatus, rowStatus });
    return true;
  }

  /**
   * True when every row of `support` (an LpOutcome's) exists, with the same bound, in the LP for
   * observation `x` at `thres`: then that outcome's min t is a lower bound for this LP (the dual
   * certificate of docs/lp-layerwise.md, "Threshold search"). O(|support|).
   */
  supportPresent(support: Int32Array, x: ArrayLike<number>, thres: number): boolean {
    const m = this.rows;
    for (const r of support) {
      const i = r % m;
      if (!(KIND_BLOCKS[rowKind(this.activation, x[i], thres)] & (1 << Math.floor(r / m)))) return false;
    }
    return true;
  }

  /**
   * Rows in the working set keep their bounds, the other model rows are free; working-set rows not yet
   * in the model are added (HiGHS keeps its basis, the new rows basic).
   */
  private applyWorkingSet(): void {
    const inf = Infinity, n = this.lower.length, set = this.inSet;
    const added: number[] = [];
    for (let r = 0; r < n; r++) if (set[r] && this.position[r] < 0) added.push(r);
    if (added.length > 0) {
      const lower = Float64Array.from(added, (r) => this.lower[r]);
      const upper = Float64Array.from(added, (r) => this.upper[r]);
      for (const r of added) {
        this.position[r] = this.modelRows.length;
        this.modelRows.push(r);
      }
      this.model!.addRows({ lower, upper, matrix: this.rowMatrix(added) });
    }
    const rows = this.modelRows, count = rows.length;
    if (count === 0) return;
    const lo = this.activeLower, up = this.activeUpper;
    for (let q = 0; q < count; q++) {
      const r = rows[q];
      lo[q] = set[r] ? this.lower[r] : -inf;
      up[q] = set[r] ? this.upper[r] : inf;
    }
    this.model!.changeRowsBounds({ kind: 'range', from: 0, to: count - 1 }, lo.subarray(0, count), up.subarray(0, count));
  }

  /**
   * A cold solve starts from the rows `start` violates most (2(k + 1) of them: the optimum has about
   * k + 1 tight rows), or from every row without a start; a warm one keeps the rows it had.
   */
  private seedWorkingSet(warm: boolean, start: Float64Array | undefined): void {
    const set = this.inSet, n = set.length;
    const bounded = (r: number) => this.bounded(r);
    if (warm && this.seeded) {
      for (let r = 0; r < n; r++) if (!bounded(r)) set[r] = 0;
      return;
    }
    this.seeded = true;
    if (!start) {
      for (let r = 0; r < n; r++) set[r] = bounded(r) ? 1 : 0;
      return;
    }
    set.fill(0);
    const v = this.violations(start, 0);
    const order = Array.from({ length: n }, (_, r) => r).filter(bounded);
    order.sort((a, c) => v[c] - v[a] || a - c);
    for (const r of order.slice(0, 2 * (this.weight.cols + 1))) set[r] = 1;
  }

  /** How far each row's bound is exceeded at (h, t) (≤ 0 when it holds). */
  private violations(h: Float64Array, t: number): Float64Array {
    const m = this.rows, p = matvec(this.weight, h), alpha = this.alpha;
    const v = this.violation;
    for (let r = 0; r < v.length; r++) {
      const block = Math.floor(r / m), i = r % m;
      const activity = (block < 2 ? p[i] : alpha * p[i]) + (block % 2 === 0 ? -t : t);
      v[r] = Math.max(this.lower[r] - activity, activity - this.upper[r]);
    }
    return v;
  }

  /**
   * A degenerate optimum (more than k + 1 tight rows, as in every clean layer, where t ≈ 0) is a face,
   * and which vertex of it HiGHS stops at depends on its path; a badly conditioned vertex loses digits
   * that the layers below amplify. The least-squares point of all tight rows (each at its bound, t
   * fixed) is taken instead when it satisfies every row at the same t: then it is optimal as well.
   */
  private polish(out: LpOutcome): LpOutcome {
    const k = this.weight.cols, m = this.rows, t = out.slack, inf = Infinity;
    const v = this.violations(out.h, t);
    // Least squares on the tight rows: unit i's rows all read a_i·h = target, so the normal equations
    // take unit i once per tight row, with the sum of their targets.
    const units: number[] = [], sum = new Float64Array(m);
    for (let r = 0; r < v.length; r++) {
      const lo = this.lower[r], up = this.upper[r];
      const upper = up < inf;
      if (!upper && !(lo > -inf)) continue;
      const bound = upper ? up : lo;
      if (v[r] < -TIGHT * (1 + Math.abs(bound))) continue;
      const block = Math.floor(r / m), scale = block < 2 ? 1 : this.alpha, i = r % m;
      units.push(i);
      sum[i] += (upper ? bound + t : bound - t) / scale;
    }
    if (units.length <= k + 1) return out;
    this.work.polish ??= new Float64Array(k * k);
    const h = leastSquaresOn(this.weight, units, sum, this.work.polish);
    if (!h) return out;
    if (this.nonnegative && h.some((x) => x < 0)) return out;
    const w = this.violations(h, t);
    for (let r = 0; r < w.length; r++) {
      const lo = this.lower[r], up = this.upper[r];
      const scale = Math.max(lo > -inf ? Math.abs(lo) : 0, up < inf ? Math.abs(up) : 0);
      if (w[r] > ROW_TOL * (1 + scale)) return out;
    }
    return { ...out, h };
  }

  /** Adds the rows outside the working set that (h, t) violates, the worst k + 1 first; returns how many. */
  private addViolated(h: Float64Array, t: number): number {
    const v = this.violations(h, t), set = this.inSet;
    const violated: number[] = [];
    for (let r = 0; r < v.length; r++) {
      if (set[r] || !(v[r] > 0)) continue;
      const lo = this.lower[r], up = this.upper[r];
      const scale = Math.max(lo > -Infinity ? Math.abs(lo) : 0, up < Infinity ? Math.abs(up) : 0);
      if (v[r] > ROW_TOL * (1 + scale)) violated.push(r);
    }
    violated.sort((a, c) => v[c] - v[a] || a - c);
    for (const r of violated.slice(0, this.weight.cols + 1)) set[r] = 1;
    return violated.length;
  }

  /**
   * One HiGHS run, in slices of `sliceIterations` simplex iterations with `between` awaited in between
   * (slices end at iteration counts, not times, so the path and the answer do not depend on the load).
   */
  private async run(request: LpRequest): Promise<LpOutcome> {
    const model = this.model!;
    const deadline = now() + (request.timeLimit ?? Infinity) * 1000;
    const codes = this.runtime!.constants.modelStatus;
    const k = this.weight.cols;
    const sliced = request.sliced === true && request.between !== undefined;
    let modelStatus: number;
    for (;;) {
      const remaining = deadline - now();
      // HiGHS' time limit is cumulative over runs unless the clocks are reset.
      model.zeroAllClocks();
      model.options.set({
        time_limit: Number.isFinite(remaining) ? Math.max(remaining, 1) / 1000 : 1e100,
        simplex_iteration_limit: sliced ? this.sliceIterations : 2147483647,
      });
      modelStatus = model.run().modelStatus as number;
      // A slice ended by its iteration limit resumes from HiGHS' basis after the caller had its turn.
      if (modelStatus !== codes.iterationLimit) break;
      await request.between!();
      if (request.stop?.()) return { status: 'aborted', modelStatus, h: this.lastH(), slack: Infinity };
    }
    const status: LpStatus =
      modelStatus === codes.optimal ? 'optimal'
      : modelStatus === codes.infeasible || modelStatus === codes.unboundedOrInfeasible ? 'infeasible'
      : modelStatus === codes.timeLimit ? 'time_limit'
      : 'error';
    if (status !== 'optimal') return { status, modelStatus, h: status === 'time_limit' ? this.lastH() : new Float64Array(k), slack: Infinity };
    const solution = model.getSolution();
    const out: LpOutcome = { status, modelStatus, h: solution.colValue.slice(0, k), slack: model.getObjectiveValue() };
    if (this.norm === 'linf') {
      const dual = solution.rowDual, support: number[] = [];
      for (let q = 0; q < dual.length; q++) if (dual[q] !== 0) support.push(this.modelRows[q]);
      out.support = Int32Array.from(support);
    }
    return out;
  }

  /** HiGHS' current column values (finite, possibly infeasible) after an interrupted run. */
  private lastH(): Float64Array {
    const k = this.weight.cols;
    try {
      const col = this.model!.getSolution().colValue;
      const h = col.slice(0, k);
      return h.every(Number.isFinite) ? h : new Float64Array(k);
    } catch {
      return new Float64Array(k);
    }
  }

  /** Frees the native model (GC does not; docs/engineering.md, "Free the model"). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model?.dispose();
  }
}

/**
 * argmin_h Σ_q (W_{units[q]}·h − target_q)², with `sum[i]` the sum of unit i's targets: the normal
 * equations, or QR where they are ill-conditioned; undefined when the rows are rank deficient.
 */
function leastSquaresOn(W: Matrix, units: number[], sum: Float64Array, work: Float64Array): Float64Array | undefined {
  const normal = NormalEquations.of(W, units, work);
  if (normal) return normal.solve(sum);
  const counts = new Float64Array(W.rows);
  for (const i of units) counts[i]++;
  const qr = new QR(selectRows(W, units));
  // Every repeat of a unit gets the mean target: the least-squares point is the same.
  return qr.isRankDeficient(1e-10) ? undefined : qr.solve(units.map((i) => sum[i] / counts[i]));
}
