/**
 * General linear measurements (a dense or Gaussian A): projected gradient x ← P(x + μ·Aᵀ(y − A·x)),
 * where P(v) = G(invert(v)) is the layer-wise LP inversion followed by the generator, an approximate
 * projection onto the range of G. One inverter (one HiGHS model per layer) serves every iteration.
 */
import {
  distance, gaussianVector, gaussNewtonPolish, type Generator, type LinearOperator, norm2, opNorm, type Polished, type Progress, residualOf, Rng, type Status, ValueError,
} from '@inv/core';
import type { Inversion, InvertSettings, LayerwiseInverter } from './invert.js';

export interface PgdSettings {
  /** μ; default: adaptive, 1 / restrictedGain(G, A), halved while the residual grows, never below 1/‖A‖₂². */
  step?: number;
  maxIterations: number;
  /** Stop when ‖x_{t+1} − x_t‖ ≤ tol·‖x_t‖. */
  tol: number;
  /** Gauss–Newton steps on the final latent (./polish.ts); 0 turns the polish off. */
  polishSteps: number;
}

/** ‖y − A·G(ẑ)‖ ≤ this·‖y‖ counts as an exact fit (status converged even at the iteration limit). */
const EXACT_FIT = 1e-10;

/**
 * Restarts allowed from a seeded point of the range when a projection maps x = 0 to G(ẑ) = 0 (an l1
 * projection can: h = 0 is then its cheapest fit), a fixed point PGD would never leave.
 */
const ZERO_RESTARTS = 3;
const RESTART_SEED = 0x9e57a7;

/**
 * A residual this many times the best one, at a step that can no longer be halved, ends the run as
 * `diverged`: the layer-wise projection is not a true projection and can be expansive, and then the
 * iterates only grow (on the trained leaky-20-200-500-784 decoder with 200 Gaussian measurements the
 * residual went 10.3, 339, 5.5e3, 1.3e5 while each iteration's LPs got slower).
 */
const DIVERGED = 10;

/** Iterations between tries of the polish as an early exit. */
const POLISH_EVERY = 10;

/** Samples of G(z) behind the default step. */
export const GAIN_SAMPLES = 8;

/**
 * The mean of ‖A·G(z)‖² / ‖G(z)‖² over `samples` seeded z ~ N(0, I): how much A stretches signals in
 * the range of G. For an N(0, 1/m) matrix it is ≈ 1 (A is near-isometric there, while ‖A‖₂² ≈ (1 + √(n/m))²
 * is several times larger), so μ = 1/gain takes the full step the range allows. Undefined when every
 * sample is G(z) = 0.
 */
export function restrictedGain(generator: Generator, A: LinearOperator, samples = GAIN_SAMPLES, seed = 0): number | undefined {
  const rng = new Rng(seed);
  let sum = 0, count = 0;
  for (let s = 0; s < samples; s++) {
    const x = generator.forward(gaussianVector(rng, generator.inputDim));
    const size = norm2(x);
    if (size === 0) continue;
    sum += (norm2(A.apply(x)) / size) ** 2;
    count++;
  }
  return count > 0 && sum > 0 ? sum / count : undefined;
}

interface Iterate {
  x: Float64Array;
  /** The inversion whose G(ẑ) is x (undefined for the starting point x = 0). */
  inversion?: Inversion;
  residual: number;
}

/** The default step's ingredients for one (generator, measurement): computed once, shared by every batch item. */
interface StepScale {
  /** restrictedGain(G, A), undefined when every sample is G(z) = 0. */
  gain: number | undefined;
  /** 1/‖A‖₂², computed on first use. */
  floor?: number;
}

const stepScales = new WeakMap<Generator, WeakMap<LinearOperator, StepScale>>();

function stepScaleFor(generator: Generator, A: LinearOperator): StepScale {
  let byMeasurement = stepScales.get(generator);
  if (!byMeasurement) stepScales.set(generator, (byMeasurement = new WeakMap()));
  let scale = byMeasurement.get(A);
  if (!scale) byMeasurement.set(A, (scale = { gain: restrictedGain(generator, A) }));
  return scale;
}

/** 1/‖A‖₂² (cached per generator and measurement); a ValueError for a measurement with ‖A‖₂ = 0. */
function floorStep(A: LinearOperator, scale: StepScale): number {
  if (scale.floor === undefined) {
    const norm = opNorm(A, { tol: 1e-8, maxIterations: 200 });
    if (!(norm > 0)) throw new ValueError(`measurement: the ${A.rows}×${A.cols} ${A.kind} operator has norm ‖A‖₂ = ${norm}, so projected gradient has no step (an all-zero matrix?)`);
    scale.floor = 1 / norm ** 2;
  }
  return scale.floor;
}

/** What one projected-gradient run carries from iteration to iteration. */
interface PgdRun {
  readonly generator: Generator;
  readonly A: LinearOperator;
  readonly y: Float64Array;
  readonly pgd: PgdSettings;
  /** The adaptive step's cached scale; undefined with a fixed step. */
  readonly scale: StepScale | undefined;
  /** ‖y − A·G(ẑ)‖ at or below this is an exact fit. */
  readonly exactFit: number;
  mu: number;
  readonly firstStep: number;
  halvings: number;
  current: Iterate;
  best: Iterate | undefined;
  /** The threshold the next projection starts its schedule at. */
  start: number;
  lpSolves: number;
  restarts: number;
}

export async function projectedGradient(
  inverter: LayerwiseInverter,
  generator: Generator,
  A: LinearOperator,
  y: Float64Array,
  settings: InvertSettings,
  pgd: PgdSettings,
  onIteration?: (p: Omit<Progress, 'item' | 'items'>) => void,
  signal?: AbortSignal,
): Promise<Inversion> {
  const run = startRun(generator, A, y, settings, pgd);
  for (let it = 1; it <= pgd.maxIterations; it++) {
    if (signal?.aborted) return finishRun(run, 'aborted', `aborted after ${it - 1} projected-gradient iterations`, it - 1);
    const r = acceptOrBacktrack(run);
    if (diverging(run)) {
      const message = `projected gradient diverged: ‖y − A·x‖ grew to ${run.current.residual.toExponential(2)} by iteration ${it - 1}, more than ${DIVERGED}× the best ${run.best!.residual.toExponential(2)}, at step ${run.mu.toExponential(2)} (the best iterate is returned)`;
      return finishRun(run, 'diverged', message, it - 1);
    }
    const { point, stepInf } = gradientPoint(run, r);
    // x = G(ẑ) is in the range, so the top layer is feasible at t = ‖g − x‖∞: start the schedule
    // there (after the first iteration) instead of climbing from the noise level every time.
    if (it > 1) run.start = Math.max(settings.threshold, Math.min(run.start, stepInf));
    const inv = await inverter.invert(point, { ...settings, threshold: run.start, warmStart: it > 1 });
    run.lpSolves += inv.info.lpSolves;
    if (inv.status === 'aborted') return finishRun(run, 'aborted', `aborted in projected-gradient iteration ${it}: ${inv.message}`, it - 1);
    if (inv.status === 'time_limit' || inv.status === 'numerical_error') {
      return finishRun(run, inv.status, `projected gradient, iteration ${it}: ${inv.message}`, it);
    }
    const next = generator.forward(inv.latent);
    const change = distance(next, run.current.x);
    const size = norm2(run.current.x);
    if (restartFromZero(run, next, size)) continue;
    onIteration?.({ iteration: it, residual: run.current.residual });
    run.current = { x: next, inversion: inv, residual: Infinity };
    run.start = inv.info.threshold;
    // Every POLISH_EVERY iterations, try the polish: once it fits y exactly there is nothing left to gain.
    if (pgd.polishSteps > 0 && it % POLISH_EVERY === 0) {
      const tried = gaussNewtonPolish(generator, A, y, inv.latent, pgd.polishSteps);
      if (tried.residual <= run.exactFit) {
        run.current.residual = norm2(residualOf(A, y, next));
        return finishRun(run, 'converged', `projected gradient converged in ${it} iterations`, it, { from: inv.latent, result: tried });
      }
    }
    // size > 0: a projection that returns G(ẑ) = 0 from x = 0 is stuck, not converged.
    if (size > 0 && change <= pgd.tol * size) {
      run.current.residual = norm2(residualOf(A, y, next));
      return finishRun(run, 'converged', `projected gradient converged in ${it} iterations (step ${run.mu.toExponential(2)})`, it);
    }
  }
  run.current.residual = norm2(residualOf(A, y, run.current.x));
  return finishRun(run, 'max_iterations', `projected gradient stopped after ${pgd.maxIterations} iterations without meeting tol ${pgd.tol}`, pgd.maxIterations);
}

/** The first step and the starting point x = 0. */
function startRun(generator: Generator, A: LinearOperator, y: Float64Array, settings: InvertSettings, pgd: PgdSettings): PgdRun {
  // 1/‖A‖² makes the gradient step non-expansive whatever G is: the floor of the adaptive step. Both it
  // and the gain are cached per (generator, measurement), so a batch computes them once.
  const scale = pgd.step === undefined ? stepScaleFor(generator, A) : undefined;
  const mu = pgd.step ?? Math.max(1 / (scale!.gain ?? Infinity), floorStep(A, scale!));
  return {
    generator, A, y, pgd, scale, exactFit: EXACT_FIT * norm2(y),
    mu, firstStep: mu, halvings: 0,
    current: { x: new Float64Array(A.cols), residual: Infinity }, best: undefined,
    start: settings.threshold, lpSolves: 0, restarts: 0,
  };
}

/**
 * Measures the current iterate and returns its residual y − A·x; when the residual grew under the
 * adaptive step, goes back to the best iterate with half the step (a safeguard, not a line search).
 */
function acceptOrBacktrack(run: PgdRun): Float64Array {
  const { A, y } = run;
  let r = residualOf(A, y, run.current.x);
  run.current.residual = norm2(r);
  if (!run.best || run.current.residual <= run.best.residual) run.best = run.current;
  else if (run.scale && run.mu > floorStep(A, run.scale)) {
    run.mu = Math.max(run.mu / 2, floorStep(A, run.scale));
    run.halvings++;
    run.current = run.best;
    r = residualOf(A, y, run.current.x);
  }
  return r;
}

/** Whether the current iterate is DIVERGED times worse than the best, with no smaller step left to try. */
function diverging(run: PgdRun): boolean {
  const { best, current } = run;
  if (!best || current === best || !(current.residual > DIVERGED * best.residual)) return false;
  return !run.scale || run.mu <= floorStep(run.A, run.scale);
}

/** x + μ·Aᵀr, the point the projection maps back to the range, and ‖μ·Aᵀr‖∞. */
function gradientPoint(run: PgdRun, r: Float64Array): { point: Float64Array; stepInf: number } {
  const point = run.A.adjoint(r);
  let stepInf = 0;
  for (let j = 0; j < point.length; j++) {
    stepInf = Math.max(stepInf, Math.abs(run.mu * point[j]));
    point[j] = run.current.x[j] + run.mu * point[j];
  }
  return { point, stepInf };
}

/** x = 0 projected to G(ẑ) = 0: restart from a seeded point of the range (at most ZERO_RESTARTS times). */
function restartFromZero(run: PgdRun, next: Float64Array, size: number): boolean {
  if (!(size === 0 && norm2(next) === 0 && run.restarts < ZERO_RESTARTS && norm2(run.y) > 0)) return false;
  // Forget x = 0 as the best iterate, or the step safeguard would send the restart back to it.
  run.current = { x: rangePoint(run.generator, run.A, run.y, ++run.restarts), residual: Infinity };
  run.best = undefined;
  return true;
}

/**
 * The result: the better of the best and the current iterate, polished (Gauss–Newton) when it converged or
 * ran out of iterations; `tried` is a polish already run from `tried.from` (the early exit), reused if final.
 */
function finishRun(run: PgdRun, status: Status, message: string, iterations: number, tried?: { from: Float64Array; result: Polished }): Inversion {
  const { generator, A, y, pgd } = run;
  const final = run.best && run.best.residual <= run.current.residual ? run.best : run.current;
  const inv = final.inversion;
  let latent = inv?.latent ?? new Float64Array(generator.inputDim);
  let polished = 0;
  if (pgd.polishSteps > 0 && inv && (status === 'converged' || status === 'max_iterations')) {
    const p = tried?.from === latent ? tried.result : gaussNewtonPolish(generator, A, y, latent, pgd.polishSteps);
    latent = p.latent;
    polished = p.steps;
    if (p.residual <= run.exactFit) {
      status = 'converged';
      message = `projected gradient (${iterations} iterations) and ${p.steps} Gauss–Newton steps fit y exactly`;
    }
  }
  return {
    status,
    message,
    latent,
    iterations: iterations + polished,
    info: {
      ...(inv?.info ?? { threshold: run.start }),
      lpSolves: run.lpSolves, step: run.mu, firstStep: run.firstStep, stepHalvings: run.halvings, gaussNewtonSteps: polished, zeroRestarts: run.restarts,
    },
  };
}

/** G(c·z) for a seeded z ~ N(0, I), scaled so that ‖A·G(c·z)‖ ≈ ‖y‖ (exactly for bias-free ReLU nets). */
function rangePoint(generator: Generator, A: LinearOperator, y: Float64Array, restart: number): Float64Array {
  const z = gaussianVector(new Rng(RESTART_SEED + restart), generator.inputDim);
  const reach = norm2(A.apply(generator.forward(z)));
  const c = reach > 0 ? norm2(y) / reach : 1;
  return generator.forward(z.map((v) => c * v));
}
