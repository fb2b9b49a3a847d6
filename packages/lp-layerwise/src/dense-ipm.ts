/**
 * A dense primal-dual interior point (Mehrotra predictor-corrector) for one l-inf layer LP
 * (docs/lp-layerwise.md, "Dense kernel"):
 *
 *   min t  s.t.  coef_q·(W h)_{unit_q} − t ≤ rhs_q  (q < R),   −t ≤ 0,   −h ≤ 0 (below a ReLU).
 *
 * HiGHS' simplex needs hundreds to thousands of iterations on these dense, tall LPs; the interior
 * point needs 5–16 on the benchmark layers, each one normal matrix Gᵀ diag(w) G. Rows of one unit
 * share its weight row a_i, so that is Wᵀ diag(ω) W plus rank-one terms: m·k²/2 multiply-adds on
 * core's WebAssembly kernels (weightedGram, cholesky), whatever the number of rows.
 *
 * Its answer is not trusted as such: the k + 1 rows it drives tight are taken as a basis, and that
 * basis' vertex and duals are solved for exactly. The vertex is returned only when it satisfies every
 * row and either the duals are nonnegative (the simplex's own optimality test) or t = 0 there.
 * Otherwise the basis goes back to the caller, and HiGHS finishes from it.
 */
import { cholesky, choleskySolve, dot, LU, type Matrix, matTvec, weightedGram } from '@inv/core';

/** The data rows in ≤ form: row q reads coef[q]·p[unit[q]] − t ≤ rhs[q], with p = W h. */
export interface LinfRows {
  unit: Int32Array;
  coef: Float64Array;
  rhs: Float64Array;
}

/**
 * A basis of n = k + 1 rows, in the kernel's row numbering: q < R a data row, R the row −t ≤ 0
 * (t at its bound 0), R + 1 + j the row −h_j ≤ 0 (h_j at its bound 0).
 */
export type DenseBasis = Int32Array;

export type DenseOutcome =
  /** A vertex certified optimal; `support`: data rows whose dual is positive (absent when the certificate is t = 0 alone). */
  | { kind: 'optimal'; h: Float64Array; t: number; basis: DenseBasis; support?: Int32Array; iterations: number }
  /** The certificate failed (a degenerate or nearly degenerate optimum): the basis the interior point points at, for a simplex to finish from. */
  | { kind: 'basis'; basis: DenseBasis; iterations: number }
  /** `stop` said so: the current h. */
  | { kind: 'aborted'; h: Float64Array };

export interface DenseControl {
  /** Awaited between iterations (a yield); `stop` is checked after it. */
  between?: () => Promise<void>;
  stop?: () => boolean;
}

/** A row of the vertex may exceed its bound by this much (relative) and still count as satisfied. */
export const DENSE_FEAS_TOL = 1e-9;

/** The interior point's settings, in one place (docs/lp-layerwise.md, "Dense kernel"). */
const IPM = {
  /** Iterations before giving up (5–16 on the benchmark layers). */
  maxIterations: 80,
  /** Relative residuals and gap at which it stops and a basis is read off. */
  tol: 1e-10,
  /** Vertices tried before convergence once t ≈ 0 (each costs a factorisation of the basis). */
  maxEarly: 3,
  /** t and the primal residual (relative) below which those vertices are tried. */
  earlyT: 1e-6,
  /** Iterations past convergence spent waiting for the active rows to separate (see `separated`). */
  maxExtra: 8,
  /** λ/s of the n-th row over that of the (n+1)-th at which the n most active rows count as identified. */
  separation: 1e3,
  /** Fraction of the step to the boundary. */
  step: 0.99,
} as const;

/**
 * Solves the LP, or returns null when the kernel cannot vouch for an optimal vertex (singular normal
 * matrix or basis, no convergence, a certificate that fails), or the current h when `stop` said so.
 */
export async function denseLinf(
  W: Matrix,
  /** Wᵀ, kept by the caller: W·h as Wᵀ's transposed product runs on core's resident wasm kernel. */
  Wt: Matrix,
  rows: LinfRows,
  nonnegative: boolean,
  control: DenseControl = {},
  /** Reused between calls for the normal matrix (a caller's, so that concurrent solves never share it). */
  work: { normal?: Float64Array } = {},
): Promise<DenseOutcome | null> {
  const ipm = new Ipm(W, Wt, rows, nonnegative, work);
  if (!ipm.start()) return null;
  for (; ipm.iterations < IPM.maxIterations; ipm.iterations++) {
    const mu = ipm.residuals();
    // t → 0 (a clean layer): any n tight rows make a certified vertex, so try one early, once t is
    // small and the dual bound (−rᵀλ, about min t) says min t is zero to the vertex tolerance.
    if (ipm.earlyVertexDue()) {
      const out = ipm.vertex();
      if (out?.kind === 'optimal') return out;
    }
    if (ipm.converged()) return ipm.vertex();
    if (!ipm.move(mu)) return null;
    if (control.between) await control.between();
    if (control.stop?.()) return { kind: 'aborted', h: ipm.z.slice(0, ipm.k) };
  }
  return null;
}

/**
 * The interior point's state and steps. A class rather than closures in denseLinf: V8 then compiles
 * each method once for every LP, where fresh closures per call made it throw away and recompile the
 * optimised code (a cold `inv solve` spends most of its time compiling).
 */
class Ipm {
  readonly k: number;
  readonly n: number;
  readonly R: number;
  readonly M: number;
  /** Full right-hand side: data rows, then −t ≤ 0, then −h_j ≤ 0. */
  readonly hvec: Float64Array;
  readonly scaleH: number;
  readonly p: Float64Array;
  readonly u: Float64Array;
  readonly N: Float64Array;
  readonly omega: Float64Array;
  readonly nu: Float64Array;
  readonly scaled: Float64Array;
  readonly z: Float64Array;
  readonly s: Float64Array;
  readonly lam: Float64Array;
  readonly rp: Float64Array;
  readonly rd: Float64Array;
  readonly rc: Float64Array;
  readonly w: Float64Array;
  readonly dz: Float64Array;
  readonly ds: Float64Array;
  readonly dl: Float64Array;
  readonly dzA: Float64Array;
  readonly dsA: Float64Array;
  readonly dlA: Float64Array;
  readonly rhsN: Float64Array;
  readonly tmpM: Float64Array;
  readonly tmpN: Float64Array;
  iterations = 0;
  /** Σ s·λ at the current point (residuals()). */
  gap = 0;
  extra = 0;
  early = 0;

  constructor(
    readonly W: Matrix,
    readonly Wt: Matrix,
    readonly rows: LinfRows,
    readonly nonnegative: boolean,
    work: { normal?: Float64Array },
  ) {
    const m = W.rows, k = W.cols, n = k + 1, R = rows.unit.length;
    const M = R + 1 + (nonnegative ? k : 0);
    this.k = k;
    this.n = n;
    this.R = R;
    this.M = M;
    this.hvec = new Float64Array(M);
    this.hvec.set(rows.rhs);
    this.scaleH = 1 + maxAbs(rows.rhs);
    this.p = new Float64Array(m);
    this.u = new Float64Array(m);
    // A new (n²) buffer every LP would have V8 collect garbage far more often (external memory).
    this.N = work.normal?.length === n * n ? work.normal : (work.normal = new Float64Array(n * n));
    this.omega = new Float64Array(m);
    this.nu = new Float64Array(m);
    this.scaled = new Float64Array(k);
    this.z = new Float64Array(n);
    this.s = new Float64Array(M);
    this.lam = new Float64Array(M);
    this.rp = new Float64Array(M);
    this.rd = new Float64Array(n);
    this.rc = new Float64Array(M);
    this.w = new Float64Array(M);
    this.dz = new Float64Array(n);
    this.ds = new Float64Array(M);
    this.dl = new Float64Array(M);
    this.dzA = new Float64Array(n);
    this.dsA = new Float64Array(M);
    this.dlA = new Float64Array(M);
    this.rhsN = new Float64Array(n);
    this.tmpM = new Float64Array(M);
    this.tmpN = new Float64Array(n);
  }

  /** out = G z: the rows' left-hand sides. */
  Gz(z: Float64Array, out: Float64Array): Float64Array {
    const { R, k, p } = this, { unit, coef } = this.rows;
    matTvec(this.Wt, z.subarray(0, k), p);
    const t = z[k];
    for (let q = 0; q < R; q++) out[q] = coef[q] * p[unit[q]] - t;
    out[R] = -t;
    if (this.nonnegative) for (let j = 0; j < k; j++) out[R + 1 + j] = -z[j];
    return out;
  }

  /** out = Gᵀ v. */
  GTv(v: Float64Array, out: Float64Array): Float64Array {
    const { R, k, u } = this, { unit, coef } = this.rows;
    u.fill(0);
    let st = 0;
    for (let q = 0; q < R; q++) {
      u[unit[q]] += coef[q] * v[q];
      st += v[q];
    }
    matTvec(this.W, u, out.subarray(0, k));
    if (this.nonnegative) for (let j = 0; j < k; j++) out[j] -= v[R + 1 + j];
    out[k] = -st - v[R];
    return out;
  }

  /** N = Gᵀ diag(w) G, Cholesky-factorised in place; false when it is not positive definite. */
  factor(w: Float64Array): boolean {
    const { R, k, n, omega, nu, N } = this, { unit, coef } = this.rows;
    omega.fill(0);
    nu.fill(0);
    let tt = w[R];
    for (let q = 0; q < R; q++) {
      const c = coef[q], i = unit[q];
      omega[i] += w[q] * c * c;
      nu[i] += w[q] * c;
      tt += w[q];
    }
    weightedGram(this.W, omega, N, n);
    if (this.nonnegative) for (let j = 0; j < k; j++) N[j * n + j] += w[R + 1 + j];
    matTvec(this.W, nu, this.scaled);
    for (let j = 0; j < k; j++) N[j * n + k] = N[k * n + j] = -this.scaled[j];
    N[k * n + k] = tt;
    return cholesky(N, n);
  }

  /** Mehrotra's start: the least-squares point of G z = h, slacks and duals shifted positive. */
  start(): boolean {
    const { n, k, M, s, lam, hvec, z } = this;
    if (!this.factor(new Float64Array(M).fill(1))) return false;
    const gh = this.GTv(hvec, new Float64Array(n));
    choleskySolve(this.N, n, gh, z);
    this.Gz(z, s);
    for (let r = 0; r < M; r++) s[r] = hvec[r] - s[r];
    // λ: the least-norm solution of Gᵀ λ = −c, i.e. λ = −G N⁻¹ c.
    const w0 = new Float64Array(n);
    w0[k] = -1;
    choleskySolve(this.N, n, w0, w0);
    this.Gz(w0, lam);
    shiftPositive(s, lam);
    return true;
  }

  /** The Newton direction for the complementarity target rc (docs/lp-layerwise.md, "Dense kernel"). */
  direction(outZ: Float64Array, outS: Float64Array, outL: Float64Array): void {
    const { n, M, lam, rp, rc, s, tmpM, tmpN, rhsN, rd } = this;
    for (let r = 0; r < M; r++) tmpM[r] = (lam[r] * rp[r] - rc[r]) / s[r];
    this.GTv(tmpM, tmpN);
    for (let j = 0; j < n; j++) rhsN[j] = -rd[j] - tmpN[j];
    choleskySolve(this.N, n, rhsN, outZ);
    this.Gz(outZ, outS);
    for (let r = 0; r < M; r++) {
      outS[r] = -rp[r] - outS[r];
      outL[r] = (-rc[r] - lam[r] * outS[r]) / s[r];
    }
  }

  /** The residuals rp and rd of the current point; returns μ, the mean complementarity. */
  residuals(): number {
    const { k, M, z, s, lam, rp, rd, hvec } = this;
    this.Gz(z, rp);
    for (let r = 0; r < M; r++) rp[r] += s[r] - hvec[r];
    this.GTv(lam, rd);
    rd[k] += 1;
    let gap = 0;
    for (let r = 0; r < M; r++) gap += s[r] * lam[r];
    this.gap = gap;
    return gap / M;
  }

  /** Whether to try a vertex before convergence (at most IPM.maxEarly times). */
  earlyVertexDue(): boolean {
    const { z, k, scaleH } = this;
    return z[k] <= IPM.earlyT * scaleH && maxAbs(this.rp) <= IPM.earlyT * scaleH && -dot(this.hvec, this.lam) <= DENSE_FEAS_TOL * scaleH && this.early++ < IPM.maxEarly;
  }

  /**
   * Converged, and the n tight rows stand apart from the rest (a few iterations past convergence at
   * most), unless t ≈ 0, where any n tight rows make a certified vertex.
   */
  converged(): boolean {
    const { z, k, scaleH } = this;
    if (!(maxAbs(this.rp) <= IPM.tol * scaleH && maxAbs(this.rd) <= IPM.tol && this.gap <= IPM.tol * (1 + Math.abs(z[k])))) return false;
    return z[k] <= DENSE_FEAS_TOL * scaleH || ++this.extra > IPM.maxExtra || separated(this.s, this.lam, this.n);
  }

  /** One predictor-corrector step from the residuals; false when the normal matrix is singular. */
  move(mu: number): boolean {
    const { n, M, z, s, lam, rc, w } = this;
    for (let r = 0; r < M; r++) w[r] = lam[r] / s[r];
    if (!this.factor(w)) return false;
    const { dz, ds, dl, dzA, dsA, dlA } = this;
    // Predictor.
    for (let r = 0; r < M; r++) rc[r] = s[r] * lam[r];
    this.direction(dzA, dsA, dlA);
    const ap = Math.min(1, maxStep(s, dsA)), ad = Math.min(1, maxStep(lam, dlA));
    let muAff = 0;
    for (let r = 0; r < M; r++) muAff += (s[r] + ap * dsA[r]) * (lam[r] + ad * dlA[r]);
    muAff /= M;
    const sigma = Math.pow(muAff / mu, 3);
    // Corrector.
    for (let r = 0; r < M; r++) rc[r] = s[r] * lam[r] + dsA[r] * dlA[r] - sigma * mu;
    this.direction(dz, ds, dl);
    const sp = Math.min(1, IPM.step * maxStep(s, ds)), sd = Math.min(1, IPM.step * maxStep(lam, dl));
    for (let j = 0; j < n; j++) z[j] += sp * dz[j];
    for (let r = 0; r < M; r++) {
      s[r] += sp * ds[r];
      lam[r] += sd * dl[r];
    }
    return true;
  }

  vertex(): DenseOutcome | null {
    return basisVertex(this, this.iterations);
  }
}

/**
 * The vertex of the n rows with the largest λ/s (the ones the interior point drives tight). It is
 * optimal, as exact as a simplex basis, when it satisfies every row and either the basis' duals are
 * nonnegative (the simplex's test) or t = 0 there (t ≥ 0 is a row: nothing is lower). Otherwise the
 * basis is returned for a simplex to finish from; null when it is singular.
 */
function basisVertex(ipm: Ipm, iterations: number): DenseOutcome | null {
  const { W, rows, nonnegative, s, lam, hvec } = ipm;
  const k = W.cols, n = k + 1, R = rows.unit.length, M = s.length;
  const order = Int32Array.from({ length: M }, (_, r) => r);
  const score = Float64Array.from({ length: M }, (_, r) => lam[r] / s[r]);
  order.sort((a, b) => score[b] - score[a] || a - b);
  // The rows within a factor IPM.separation of the n-th are the tight ones: exactly the first n once they
  // stand apart, more at a degenerate optimum (t = 0 on a clean layer). Among those, bound rows come
  // first: they fix a variable each and shrink the system below.
  // With t fixed, a unit's two rows (±a_i) are dependent: one of them is taken.
  let tight = n;
  while (tight < M && score[order[tight]] * IPM.separation >= score[order[n - 1]]) tight++;
  const candidates = order.slice(0, tight).sort((a, b) => Number(a < R) - Number(b < R) || score[b] - score[a] || a - b);
  const chosen = new Int32Array(n), used = new Uint8Array(W.rows);
  let count = 0, tFixed = false;
  for (const list of [candidates, order.subarray(tight)]) {
    for (const r of list) {
      if (count === n) break;
      if (r < R) {
        if (tFixed && used[rows.unit[r]]) continue;
        used[rows.unit[r]] = 1;
      } else if (r === R) tFixed = true;
      chosen[count++] = r;
    }
  }
  if (count < n) return null;
  // The basis' bound rows fix their variables at 0 (h_j, or t for the row −t ≤ 0); the data rows of
  // the basis then form a square system in the free variables (h_F, and t unless fixed), smaller
  // than n×n wherever h ≥ 0 binds (about half the inputs below a ReLU).
  const fixed = new Uint8Array(n), data: number[] = [];
  for (const r of chosen) {
    if (r < R) data.push(r);
    else fixed[r === R ? k : r - R - 1] = 1;
  }
  const free: number[] = [];
  for (let j = 0; j < n; j++) if (!fixed[j]) free.push(j);
  const d = data.length;
  if (free.length !== d) return null;
  const tFree = !fixed[k];
  const G = new Float64Array(d * d), b = new Float64Array(d);
  for (let q = 0; q < d; q++) {
    const r = data[q], c = rows.coef[r], src = rows.unit[r] * k, o = q * d;
    b[q] = hvec[r];
    for (let f = 0; f < d; f++) {
      const j = free[f];
      G[o + f] = j === k ? -1 : c * W.data[src + j];
    }
  }
  const lu = LU.of(G, d, true);
  if (!lu) return null;
  const zf = lu.solve(b);
  const z = new Float64Array(n);
  free.forEach((j, f) => (z[j] = zf[f]));
  // Duals (G_Sᵀ λ = −c): the data rows' from the reduced transposed system (−c is −1 at t), then
  // the bound rows' from their columns' equations.
  const cf = Float64Array.from(free, (j) => (j === k ? -1 : 0));
  const yd = lu.solveTransposed(cf);
  const y: number[] = Array.from(yd);
  if (!tFree) {
    let sum = 0;
    for (const v of yd) sum += v;
    y.push(1 - sum);
  }
  for (let j = 0; j < k; j++) {
    if (!fixed[j]) continue;
    let v = 0;
    for (let q = 0; q < d; q++) v += yd[q] * rows.coef[data[q]] * W.data[rows.unit[data[q]] * k + j];
    y.push(v);
  }
  const big = maxAbs(y);
  let dualFeasible = true;
  for (const v of y) if (v < -1e-9 * big) dualFeasible = false;
  const g = ipm.Gz(z, ipm.tmpM);
  let primalFeasible = true;
  for (let r = 0; r < M; r++) if (g[r] - hvec[r] > DENSE_FEAS_TOL * (1 + Math.abs(hvec[r]))) primalFeasible = false;
  const zeroT = z[k] <= DENSE_FEAS_TOL * (1 + maxAbs(rows.rhs));
  if (!primalFeasible || !(dualFeasible || zeroT)) return { kind: 'basis', basis: chosen, iterations };
  if (nonnegative) for (let j = 0; j < k; j++) if (z[j] < 0) z[j] = 0;
  const h = z.slice(0, k), t = Math.max(0, z[k]);
  if (!dualFeasible) return { kind: 'optimal', h, t, basis: chosen, iterations };
  const support = data.filter((_, q) => yd[q] > 0);
  return { kind: 'optimal', h, t, basis: chosen, support: Int32Array.from(support), iterations };
}

/** True when the n-th largest λ/s is IPM.separation times the (n+1)-th: the active rows are identified. */
function separated(s: Float64Array, lam: Float64Array, n: number): boolean {
  if (s.length <= n) return true;
  const score = Float64Array.from(s, (v, r) => lam[r] / v).sort().reverse();
  return score[n - 1] >= IPM.separation * score[n];
}

function maxAbs(a: ArrayLike<number>): number {
  let v = 0;
  for (let i = 0; i < a.length; i++) v = Math.max(v, Math.abs(a[i]));
  return v;
}

/** The largest step in [0, ∞) keeping x + α·dx ≥ 0. */
function maxStep(x: Float64Array, dx: Float64Array): number {
  let a = Infinity;
  for (let i = 0; i < x.length; i++) if (dx[i] < 0) a = Math.min(a, -x[i] / dx[i]);
  return a;
}

/** Mehrotra's shift: both vectors strictly positive and balanced. */
function shiftPositive(s: Float64Array, lam: Float64Array): void {
  let ms = Infinity, ml = Infinity;
  for (let i = 0; i < s.length; i++) {
    ms = Math.min(ms, s[i]);
    ml = Math.min(ml, lam[i]);
  }
  const a = Math.max(-1.5 * ms, 0), b = Math.max(-1.5 * ml, 0);
  let sl = 0, ss = 0, sll = 0;
  for (let i = 0; i < s.length; i++) {
    s[i] += a;
    lam[i] += b;
    sl += s[i] * lam[i];
    ss += s[i];
    sll += lam[i];
  }
  const da = ss > 0 ? (0.5 * sl) / sll : 1, db = sll > 0 ? (0.5 * sl) / ss : 1;
  for (let i = 0; i < s.length; i++) {
    s[i] += da + 1e-12;
    lam[i] += db + 1e-12;
  }
}
