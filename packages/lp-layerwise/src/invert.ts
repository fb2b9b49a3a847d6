/**
 * Top-down layer-wise inversion of one observation (Lei, Jalal, Dhillon, Dimakis 2019): the last layer
 * first, each recovered input becoming the observation of the layer below. ReLU-type layers go through
 * an LP (l-inf or l1); sigmoid, tanh and linear layers are undone elementwise and by least squares.
 */
import { type Generator, invertActivation, isDense, normInf, now, selectRows, sparseToMatrix, type Status } from '@inv/core';
import { fastPath, fitPoint, type LayerRows, pinnedFit, preActivation, solveLinearLayer } from './least-squares.js';
import { constrainedLeastSquares } from './constrained-ls.js';
import type { Highs } from './highs.js';
import { LayerLp, type LpNorm, type LpOutcome, type LpPause } from './layer-lp.js';
import { activate } from '@inv/core';

export interface InvertSettings extends LpPause {
  norm: LpNorm;
  /** Initial threshold (the noise level, or ~1e-9 for clean observations). */
  threshold: number;
  /** Factor applied to the threshold while the l-inf LP is infeasible (or the l1 fit improves). */
  growth: number;
  maxThresholdSteps: number;
  fastPath: boolean;
  /** Clip for the elementwise inverse of a sigmoid/tanh output. */
  clip: number;
  /** Absolute deadline on the `now()` clock (ms), or Infinity. */
  deadline: number;
  /** Start each layer's first LP from the previous observation's basis (PGD iterates are close). */
  warmStart?: boolean;
  /**
   * The largest threshold any layer may reach (docs/lp-layerwise.md, "Threshold cap"); past it the
   * layer is `infeasible`. Infinity: no cap.
   */
  maxThreshold?: number;
  /** l-inf constraint generation (default true; false: every row in every LP). */
  generate?: boolean;
  /** l-inf with constraint generation: LPs to the dense interior point first (default true). */
  dense?: boolean;
}

export interface Inversion {
  status: Status;
  message: string;
  latent: Float64Array;
  /** Layer solves: LPs plus least-squares solves. */
  iterations: number;
  info: { threshold: number; lpSolves: number; [key: string]: number };
}

interface LayerStep {
  h: Float64Array;
  threshold: number;
  failure?: { status: Status; message: string };
}

/** Live HiGHS models per inverter (one per layer up to this depth). */
const MAX_LIVE_MODELS = 16;

/** Relative size under which an l1 fit counts as exact and the fast path as clean. */
const EXACT = 1e-9;

export class LayerwiseInverter {
  private readonly data: LayerRows[];
  private readonly models: (LayerLp | undefined)[];
  /** Layers with a live model, most recently used first. */
  private recent: number[] = [];
  private counters = { thresholdSteps: 0, lpSolves: 0, fastPaths: 0, leastSquares: 0 };

  /** `observedRows`: the outputs a mask keeps (all when undefined). */
  constructor(
    private readonly highs: Highs | (() => Promise<Highs>),
    generator: Generator,
    readonly norm: LpNorm,
    observedRows?: ArrayLike<number>,
  ) {
    const layers = generator.stages;
    this.data = layers.map((l, i): LayerRows => {
      const nonnegative = i > 0 && layers[i - 1].activation.kind === 'relu';
      // A convolutional stage hands its sparse rows to the same layer code (the LP skips the zeros).
      const full = isDense(l) ? l.weight : sparseToMatrix(l.map.sparseRows());
      if (i < layers.length - 1 || observedRows === undefined) {
        return { weight: full, bias: l.bias, activation: l.activation, nonnegative, preActivation: (h) => generator.preActivation(i, h) };
      }
      // A mask keeps only some rows of the last layer: no generator layer computes exactly those.
      const weight = selectRows(full, observedRows);
      const bias = l.bias && Float64Array.from(observedRows, (r) => l.bias![r]);
      return { weight, bias, activation: l.activation, nonnegative, preActivation: (h) => preActivation(weight, bias, h) };
    });
    this.models = layers.map(() => undefined);
  }

  /** Inverts `y` (the observed outputs) to a latent. Never throws for numerical trouble: see status. */
  async invert(y: ArrayLike<number>, settings: InvertSettings): Promise<Inversion> {
    this.counters = { thresholdSteps: 0, lpSolves: 0, fastPaths: 0, leastSquares: 0 };
    let x: Float64Array = Float64Array.from(y);
    let threshold = settings.threshold;
    let failure: LayerStep['failure'];
    for (let i = this.data.length - 1; i >= 0; i--) {
      const layer = this.data[i];
      const kind = layer.activation.kind;
      const step = kind === 'relu' || kind === 'leaky_relu' ? await this.invertReluLayer(i, x, threshold, settings) : this.invertSmoothLayer(i, x, settings);
      if (step.failure && (step.failure.status !== 'infeasible' || failure === undefined)) failure = step.failure;
      if (step.failure?.status === 'aborted' || step.failure?.status === 'time_limit') {
        // The latest finite latent: this layer's partial answer pushed through the layers below by least squares.
        return this.finish(this.latentFrom(i, step.h), threshold, failure);
      }
      if (step.failure && step.failure.status !== 'infeasible') return this.finish(new Float64Array(this.data[0].weight.cols), threshold, failure);
      threshold = step.threshold;
      x = step.h;
    }
    return this.finish(x, threshold, failure);
  }

  /** A latent from layer i's input h: least squares through the layers below (zeros where that fails). */
  private latentFrom(i: number, h: Float64Array): Float64Array {
    let x = h;
    for (let j = i - 1; j >= 0; j--) {
      const { weight, bias, activation } = this.data[j];
      const alpha = activation.kind === 'leaky_relu' ? activation.alpha : activation.kind === 'relu' ? 0 : 1;
      // Undo the activation where it is invertible (leaky: x/α below zero); a ReLU's zeros stay as they are.
      const p = x.map((v) => (v < 0 && alpha > 0 ? v / alpha : v));
      const next = activation.kind === 'relu' || activation.kind === 'leaky_relu' || activation.kind === 'linear' ? solveLinearLayer(weight, bias, p) : undefined;
      if (!next || !next.every(Number.isFinite)) return new Float64Array(this.data[0].weight.cols);
      x = next;
    }
    return x;
  }

  private finish(latent: Float64Array, threshold: number, failure: LayerStep['failure']): Inversion {
    const c = this.counters;
    return {
      status: failure?.status ?? 'converged',
      message: failure?.message ?? `inverted ${this.data.length} layers (${c.lpSolves} LPs, ${c.fastPaths} fast paths, final threshold ${threshold.toExponential(2)})`,
      latent,
      iterations: c.lpSolves + c.fastPaths + c.leastSquares,
      info: { threshold, ...c },
    };
  }

  /** Sigmoid/tanh: elementwise inverse (clipped), then least squares; linear: least squares. */
  private invertSmoothLayer(i: number, x: Float64Array, settings: InvertSettings): LayerStep {
    const { weight, bias, activation } = this.data[i];
    const p = activation.kind === 'linear' ? x : invertActivation(activation, x, settings.clip);
    const h = solveLinearLayer(weight, bias, p);
    this.counters.leastSquares++;
    if (h) return { h, threshold: settings.threshold };
    return {
      h: new Float64Array(weight.cols),
      threshold: settings.threshold,
      // Found during the solve (the sizes alone allowed it, conditions.ts): the rows are rank deficient.
      failure: { status: 'infeasible', message: `layer ${i} (${activation.kind}): its ${weight.rows} observed rows are rank deficient (found during the solve), so the layer-wise LP cannot determine its ${weight.cols} inputs` },
    };
  }

  private model(i: number, settings: InvertSettings): LayerLp {
    const d = this.data[i];
    const known = this.models[i];
    if (known) {
      this.recent = [i, ...this.recent.filter((j) => j !== i)];
      return known;
    }
    // Deep nets: only the most recently used models stay alive, so the HiGHS heap stays bounded.
    while (this.recent.length >= MAX_LIVE_MODELS) {
      const j = this.recent.pop()!;
      this.models[j]?.dispose();
      this.models[j] = undefined;
    }
    this.recent.unshift(i);
    return (this.models[i] = new LayerLp(this.highs, d.weight, d.bias, d.activation, this.norm, d.nonnegative, settings.generate ?? true, settings.dense ?? true));
  }

  /** One LP (all its constraint-generation rounds), or the failure it ended in. */
  private async solveLp(i: number, x: Float64Array, threshold: number, settings: InvertSettings, warm: boolean, extra: { start?: Float64Array; relaxFrom?: number } = {}): Promise<LpOutcome | LayerStep> {
    const remaining = (settings.deadline - now()) / 1000;
    const k = this.data[i].weight.cols;
    if (remaining <= 0) return { h: extra.start ?? new Float64Array(k), threshold, failure: { status: 'time_limit', message: `time limit reached before layer ${i}` } };
    await settings.between?.();
    if (settings.stop?.()) return { h: extra.start ?? new Float64Array(k), threshold, failure: { status: 'aborted', message: `aborted before an LP of layer ${i}` } };
    const lp = await this.model(i, settings).solve(x, { thres: threshold, timeLimit: remaining, warm, ...extra, between: settings.between, stop: settings.stop, sliced: settings.sliced });
    this.counters.lpSolves++;
    if (lp.status === 'optimal') return lp;
    const h = lp.h.every((v) => v === 0) && extra.start ? extra.start : lp.h;
    if (lp.status === 'aborted') return { h, threshold, failure: { status: 'aborted', message: `aborted in layer ${i} at threshold ${threshold.toExponential(2)}` } };
    const status: Status = lp.status === 'time_limit' ? 'time_limit' : lp.status === 'infeasible' ? 'infeasible' : 'numerical_error';
    const by = lp.modelStatus === undefined ? `the dense interior point stopped (${lp.status})` : `HiGHS stopped with model status ${lp.modelStatus} (${lp.status})`;
    return { h, threshold, failure: { status, message: `layer ${i}: ${by} at threshold ${threshold.toExponential(2)}` } };
  }

  /** ReLU/leaky ReLU layer: the threshold schedule of the l-inf or l1 LP. */
  private invertReluLayer(i: number, x: Float64Array, threshold: number, settings: InvertSettings): Promise<LayerStep> {
    const exact = EXACT * (1 + normInf(x));
    return settings.norm === 'linf' ? this.linfSearch(i, x, threshold, settings) : this.l1Schedule(i, x, threshold, settings, exact);
  }

  /**
   * The smallest threshold of the grid threshold·growthˢ (s ≤ maxThresholdSteps, threshold ≤
   * maxThreshold) at which the l-inf LP is feasible (min t ≤ threshold): the authors' schedule
   * (papers: grow by `growth` while infeasible) gives the same one, from far fewer LPs
   * (docs/lp-layerwise.md, "Threshold search"):
   * - least squares on the pinned rows first (the fast path): accepted at the first threshold if it
   *   satisfies every row there; it also seeds the LP's working set;
   * - bracketing: an infeasible LP at τ with min t = T jumps to the first grid point ≥ T;
   * - bisection between the last threshold proven infeasible and the first found feasible.
   * A point is proven infeasible together with every grid point below it: for ReLU layers by
   * monotonicity (a larger threshold only drops constraints), for leaky ReLU by the relaxation LP of
   * the interval (rows.ts relaxedKind); when that proof fails the grid is walked step by step.
   * At the threshold found, least squares replaces the LP point if it is feasible there too.
   */
  private async linfSearch(i: number, x: Float64Array, threshold: number, settings: InvertSettings): Promise<LayerStep> {
    const growth = settings.growth;
    const cap = settings.maxThreshold ?? Infinity;
    const grid = (s: number) => threshold * growth ** s;
    let last = settings.maxThresholdSteps;
    while (last > 0 && grid(last) > cap * (1 + 1e-12)) last--;
    const layer = this.data[i];
    const leaky = layer.activation.kind === 'leaky_relu';
    // The least-squares point serves the fast path and seeds HiGHS' working set; the dense kernel needs no seed.
    const fit = settings.fastPath || !this.model(i, settings).denseFirst ? pinnedFit(layer, x, threshold) : undefined;
    const ls = fit && fitPoint(layer, x, fit);
    // The fast path: least squares, or least squares under the rows (a point that proves the LP feasible here).
    const fast = settings.fastPath && fit ? (ls!.violation <= threshold ? ls : constrainedLeastSquares(layer, x, threshold, fit)) : undefined;
    if (fast) {
      this.counters.fastPaths++;
      return { h: fast.h, threshold };
    }
    const found = (s: number, h: Float64Array): LayerStep => {
      this.counters.thresholdSteps += s;
      const t = grid(s);
      if (settings.fastPath && s > 0) {
        const f = pinnedFit(layer, x, t);
        const better = f && constrainedLeastSquares(layer, x, t, f);
        if (better) {
          this.counters.fastPaths++;
          return { h: better.h, threshold: t };
        }
      }
      return { h, threshold: t };
    };
    const feasible = (lp: LpOutcome, s: number) => lp.slack <= grid(s) * (1 + 1e-12);
    // Dual certificates: an LP with min t = T proves every threshold below T infeasible at which all
    // rows carrying its nonzero duals exist (LayerLp.supportPresent), without solving that LP.
    const certificates: { t: number; support: Int32Array }[] = [];
    const lpAt = async (t: number, warm: boolean, extra: { start?: Float64Array; relaxFrom?: number } = {}) => {
      const r = await this.solveLp(i, x, t, settings, warm, extra);
      const support = (r as LpOutcome).support;
      if (support) certificates.push({ t: (r as LpOutcome).slack, support });
      return r;
    };
    const certified = (s: number) => {
      const t = grid(s), model = this.model(i, settings);
      return certificates.some((c) => c.t > t * (1 + 1e-9) && model.supportPresent(c.support, x, t));
    };
    /** Every grid point in (lo, s] certified infeasible. */
    const allCertified = (lo: number, s: number) => {
      for (let q = lo + 1; q <= s; q++) if (!certified(q)) return false;
      return true;
    };
    const first = await lpAt(threshold, settings.warmStart === true, { start: ls?.h });
    if ('failure' in first) return first as LayerStep;
    let lp = first as LpOutcome;
    if (feasible(lp, 0)) return found(0, lp.h);
    /** The first grid index whose threshold is at least t. */
    const stepFor = (t: number) => Math.max(0, Math.ceil(Math.log(t / threshold) / Math.log(growth) - 1e-9));
    const giveUp = (s: number, out: LpOutcome): LayerStep => {
      this.counters.thresholdSteps += s;
      const capped = s >= last && last < settings.maxThresholdSteps;
      const why = capped
        ? `reached the threshold cap ${cap.toExponential(2)} (maxThreshold; the stated noise and the observation set it)`
        : `stayed infeasible after ${s} threshold steps`;
      return {
        h: out.h,
        threshold: grid(s),
        failure: { status: 'infeasible', message: `layer ${i}: the l-inf LP ${why} (min t ${out.slack.toExponential(2)} > threshold ${grid(s).toExponential(2)})` },
      };
    };
    // Proves every grid point ≤ s infeasible, given that every point ≤ lo is.
    const proven = async (lo: number, s: number): Promise<boolean | LayerStep> => {
      if (!leaky || allCertified(lo, s)) return true;
      const r = await lpAt(grid(s), true, { relaxFrom: grid(lo) });
      if ('failure' in r) return r as LayerStep;
      return (r as LpOutcome).slack > grid(s) * (1 + 1e-12);
    };
    // Walks the grid one step at a time from lo + 1 (the authors' schedule) when no proof is at hand.
    const walk = async (lo: number): Promise<LayerStep> => {
      for (let s = lo + 1; ; s++) {
        if (s < last && certified(s)) continue;
        const r = await lpAt(grid(s), true);
        if ('failure' in r) return r as LayerStep;
        if (feasible(r as LpOutcome, s)) return found(s, (r as LpOutcome).h);
        if (s >= last) return giveUp(s, r as LpOutcome);
      }
    };
    // lo: every grid point ≤ lo is proven infeasible; hi: the lowest feasible point found. Until one is
    // found, step ahead to where the last LP's slack points (bracketing); then bisect (lo, hi.s].
    let lo = 0;
    let hi: { s: number; h: Float64Array } | undefined;
    while (!hi || hi.s - lo > 1) {
      if (hi && certified(lo + 1)) {
        lo++;
        continue;
      }
      if (!hi && lo >= last) return giveUp(lo, lp);
      const s: number = hi ? (lo + hi.s) >> 1 : Math.min(last, Math.max(lo + 1, stepFor(lp.slack)));
      const r = await lpAt(grid(s), true);
      if ('failure' in r) return r as LayerStep;
      if (feasible(r as LpOutcome, s)) {
        hi = { s, h: (r as LpOutcome).h };
        continue;
      }
      const proof = await proven(lo, s);
      if (typeof proof !== 'boolean') return proof;
      if (!proof) return walk(lo);
      lp = r as LpOutcome;
      lo = s;
    }
    return found(hi.s, hi.h);
  }

  /**
   * Grow the threshold while the l1 misfit ‖x − σ(W h + b)‖₁ against this layer's observation keeps
   * falling; keep the best. (The authors' script measured it against the true activations, an oracle.)
   */
  private async l1Schedule(i: number, x: Float64Array, threshold: number, settings: InvertSettings, exact: number): Promise<LayerStep> {
    if (settings.fastPath) {
      const fp = fastPath(this.data[i], x, threshold, exact);
      if (fp) {
        this.counters.fastPaths++;
        return { h: fp.h, threshold };
      }
    }
    let best: { h: Float64Array; misfit: number; threshold: number } | undefined;
    for (let step = 0; ; step++) {
      const lp = await this.solveLp(i, x, threshold, settings, step > 0 || settings.warmStart === true);
      if ('failure' in lp) return best && (lp as LayerStep).failure?.status === 'infeasible' ? { h: best.h, threshold: best.threshold } : (lp as LayerStep);
      const h = (lp as LpOutcome).h;
      const misfit = this.l1Misfit(i, x, h);
      if (best && misfit >= best.misfit) break;
      best = { h, misfit, threshold };
      if (misfit <= exact * x.length || step >= settings.maxThresholdSteps) break;
      threshold *= settings.growth;
      this.counters.thresholdSteps++;
    }
    return { h: best!.h, threshold: best!.threshold };
  }

  private l1Misfit(i: number, x: Float64Array, h: Float64Array): number {
    const d = this.data[i];
    const out = activate(d.activation, d.preActivation(h));
    let s = 0;
    for (let r = 0; r < x.length; r++) s += Math.abs(x[r] - out[r]);
    return s;
  }

  /** Frees every HiGHS model this inverter created. */
  dispose(): void {
    for (const m of this.models) m?.dispose();
    this.models.fill(undefined);
    this.recent = [];
  }
}
