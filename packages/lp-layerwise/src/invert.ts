/**
 * Top-down layer-wise inversion of one observation (Lei, Jalal, Dhillon, Dimakis 2019): the last layer
 * first, each recovered input becoming the observation of the layer below. ReLU-type layers go through
 * an LP (l-inf or l1); sigmoid, tanh and linear layers are undone elementwise and by least squares.
 */
import { type Generator, invertActivation, isDense, normInf, now, selectRows, sparseToMatrix, type Status } from '@inv/core';
import { fastPath, type LayerRows, preActivation, solveLinearLayer } from './least-squares.js';
import type { Highs } from './highs.js';
import { LayerLp, type LpNorm, type LpOutcome } from './layer-lp.js';
import { activate } from '@inv/core';

export interface InvertSettings {
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
  /**
   * Extra thresholds of the l-inf schedule (threshold·growth^s, s ≤ this) tried with the fast path
   * before the LP; each costs one least-squares solve. 0: only the initial threshold.
   */
  fastPathSteps?: number;
  /** Start each layer's first LP from the previous observation's basis (PGD iterates are close). */
  warmStart?: boolean;
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

/** Relative size under which an l1 fit counts as exact and the fast path as clean. */
const EXACT = 1e-9;

export class LayerwiseInverter {
  private readonly data: LayerRows[];
  private readonly models: (LayerLp | undefined)[];
  private counters = { thresholdSteps: 0, lpSolves: 0, fastPaths: 0, leastSquares: 0 };

  /** `observedRows`: the outputs a mask keeps (all when undefined). */
  constructor(
    private readonly highs: Highs,
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
  invert(y: ArrayLike<number>, settings: InvertSettings): Inversion {
    this.counters = { thresholdSteps: 0, lpSolves: 0, fastPaths: 0, leastSquares: 0 };
    let x: Float64Array = Float64Array.from(y);
    let threshold = settings.threshold;
    let failure: LayerStep['failure'];
    for (let i = this.data.length - 1; i >= 0; i--) {
      const layer = this.data[i];
      const kind = layer.activation.kind;
      const step = kind === 'relu' || kind === 'leaky_relu' ? this.invertReluLayer(i, x, threshold, settings) : this.invertSmoothLayer(i, x, settings);
      if (step.failure && (step.failure.status !== 'infeasible' || failure === undefined)) failure = step.failure;
      if (step.failure && step.failure.status !== 'infeasible') return this.finish(new Float64Array(this.data[0].weight.cols), threshold, failure);
      threshold = step.threshold;
      x = step.h;
    }
    return this.finish(x, threshold, failure);
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
      failure: { status: 'numerical_error', message: `layer ${i} (${activation.kind}): its ${weight.rows} observed rows do not determine its ${weight.cols} inputs (rank deficient)` },
    };
  }

  private model(i: number): LayerLp {
    const d = this.data[i];
    return (this.models[i] ??= new LayerLp(this.highs, d.weight, d.bias, d.activation, this.norm, d.nonnegative));
  }

  /** Threshold steps (`step` > 0) always reuse the basis: only a few row bounds change. */
  private solveLp(i: number, x: Float64Array, threshold: number, settings: InvertSettings, step: number): LpOutcome | LayerStep {
    const remaining = (settings.deadline - now()) / 1000;
    if (remaining <= 0) return { h: new Float64Array(this.data[i].weight.cols), threshold, failure: { status: 'time_limit', message: `time limit reached before layer ${i}` } };
    const lp = this.model(i).solve(x, threshold, remaining, step > 0 || settings.warmStart === true);
    this.counters.lpSolves++;
    if (lp.status === 'optimal') return lp;
    const status: Status = lp.status === 'time_limit' ? 'time_limit' : lp.status === 'infeasible' ? 'infeasible' : 'numerical_error';
    return { h: lp.h, threshold, failure: { status, message: `layer ${i}: HiGHS stopped with model status ${lp.modelStatus} (${lp.status}) at threshold ${threshold.toExponential(2)}` } };
  }

  private tryFastPath(i: number, x: Float64Array, threshold: number, tolerance: number): Float64Array | undefined {
    const fp = fastPath(this.data[i], x, threshold, tolerance);
    if (fp) this.counters.fastPaths++;
    return fp?.h;
  }

  /** ReLU/leaky ReLU layer: the threshold schedule of the l-inf or l1 LP. */
  private invertReluLayer(i: number, x: Float64Array, threshold: number, settings: InvertSettings): LayerStep {
    const exact = EXACT * (1 + normInf(x));
    return settings.norm === 'linf' ? this.linfSchedule(i, x, threshold, settings) : this.l1Schedule(i, x, threshold, settings, exact);
  }

  /** Grow the threshold by `growth` until min t ≤ threshold (papers.md 2.2, "linf"). */
  private linfSchedule(i: number, x: Float64Array, threshold: number, settings: InvertSettings): LayerStep {
    // The fast path walks the same threshold grid, never past maxThresholdSteps.
    const fastSteps = settings.fastPath ? Math.min(settings.fastPathSteps ?? 0, settings.maxThresholdSteps) : -1;
    for (let s = 0; s <= fastSteps; s++) {
      const t = threshold * settings.growth ** s;
      const h = this.tryFastPath(i, x, t, t);
      if (h) {
        this.counters.thresholdSteps += s;
        return { h, threshold: t };
      }
    }
    for (let step = 0; ; step++) {
      const lp = this.solveLp(i, x, threshold, settings, step);
      if ('failure' in lp) return lp as LayerStep;
      const out = lp as LpOutcome;
      if (out.slack <= threshold * (1 + 1e-12)) return { h: out.h, threshold };
      if (step >= settings.maxThresholdSteps) {
        return {
          h: out.h,
          threshold,
          failure: { status: 'infeasible', message: `layer ${i}: the l-inf LP stayed infeasible after ${step} threshold steps (min t ${out.slack.toExponential(2)} > threshold ${threshold.toExponential(2)})` },
        };
      }
      threshold *= settings.growth;
      this.counters.thresholdSteps++;
    }
  }

  /**
   * Grow the threshold while the l1 misfit ‖x − σ(W h + b)‖₁ against this layer's observation keeps
   * falling; keep the best. (The authors' script measured it against the true activations, an oracle.)
   */
  private l1Schedule(i: number, x: Float64Array, threshold: number, settings: InvertSettings, exact: number): LayerStep {
    if (settings.fastPath) {
      const h = this.tryFastPath(i, x, threshold, exact);
      if (h) return { h, threshold };
    }
    let best: { h: Float64Array; misfit: number; threshold: number } | undefined;
    for (let step = 0; ; step++) {
      const lp = this.solveLp(i, x, threshold, settings, step);
      if ('failure' in lp) return best ? { h: best.h, threshold: best.threshold } : (lp as LayerStep);
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
  }
}
