/** The `gd` solver: CSGM-style descent in latent space with restarts, the λ‖z‖² prior and the negation check. */
import {
  ACTIVATION_KINDS, allowedResidual, batchItem, finishResult, gaussianVector, gaussNewtonPolish, loadOptional, Matrix, now, residualNorm, Rng, solveBatchWithWorkers,
  type BatchProblem, type OptionValues, type Problem, type RawResult, type Result, type SolveContext, type Solver,
} from '@inv/core';
import { gdOptionSchema, settingsFrom, WORKER_BATCH_MIN, type GdSettings } from './options.js';
import { Float64Oracle, type ObjectiveData, type Oracle } from './oracle.js';
import { optimize, type Outcome, type Task } from './optimize.js';

/** Batches with at least this many descents (observations × restarts) run on tfjs-wasm. */
export const TF_BATCH_MIN = 16;

/**
 * Start points shared by every observation: restart 0 follows `init`, the others are N(0, I) draws;
 * then the `retries` further draws, taken in turn by observations whose descents end without fitting.
 */
export function startPoints(settings: GdSettings, k: number, withRetries = false): Float64Array[] {
  const rng = new Rng(settings.seed);
  return Array.from({ length: settings.restarts + (withRetries ? settings.retries : 0) }, (_, r) => {
    const draw = gaussianVector(rng, k);
    if (r > 0 || settings.init === 'random') return draw;
    return settings.init === 'given' ? Float64Array.from(settings.initialLatent!) : new Float64Array(k);
  });
}

/** A restart that blew up at its start point has no finite objective and never wins. */
const score = (o: Outcome) => (Number.isFinite(o.value) ? o.value : Infinity);

/**
 * A descent that stopped by its own rule (a stationary point, a dead start where G(z) = 0 and the
 * gradient vanishes) at a misfit above what the problem's noise allows: another start may do better.
 */
function stuck(o: Outcome, allowed: number): boolean {
  return o.status === 'converged' && !(o.misfit <= allowed * allowed);
}

/** The restart with the lowest objective, as a raw result; `retries` of them were retries. */
function bestOf(outcomes: readonly Outcome[], settings: GdSettings, retries: number): RawResult {
  let best = 0;
  outcomes.forEach((o, r) => {
    if (score(o) < score(outcomes[best])) best = r;
  });
  const o = outcomes[best];
  const info: Record<string, number | string | boolean> = {
    preset: settings.preset,
    optimizer: settings.optimizer,
    objective: o.value,
    restarts: outcomes.length - retries,
    retries,
    bestRestart: best,
    negations: o.negations,
    totalIterations: outcomes.reduce((sum, x) => sum + x.iterations, 0),
  };
  if (o.step !== undefined) info.step = o.step;
  const restartNote = outcomes.length > 1 ? ` (best of ${outcomes.length} starts${retries ? `, ${retries} of them retries after descents that stopped without fitting` : ''}: ${best})` : '';
  return { status: o.status, message: o.message + restartNote, latent: o.latent, iterations: o.iterations, history: o.history, info };
}

/**
 * Runs every restart of every observation of `data`, then, one round at a time, a further start for
 * each observation whose best descent is `stuck` (up to `retries` rounds); one raw result per observation.
 * `allowed[b]` is the largest residual observation b's noise allows (core's `allowedResidual`).
 */
async function solveAll(data: ObjectiveData, oracle: Oracle, settings: GdSettings, context: SolveContext, allowed: readonly number[]): Promise<RawResult[]> {
  const items = data.observations.rows;
  const starts = startPoints(settings, data.generator.inputDim, true);
  const tasks: Task[] = [];
  for (let b = 0; b < items; b++) for (const start of starts.slice(0, settings.restarts)) tasks.push({ target: b, start });
  try {
    const first = await optimize(tasks, { data, oracle, settings, context, items });
    const outcomes = Array.from({ length: items }, (_, b) => first.slice(b * settings.restarts, (b + 1) * settings.restarts));
    const retried = new Array<number>(items).fill(0);
    const bestScore = (b: number) => outcomes[b].reduce((best, o) => (score(o) < score(best) ? o : best));
    for (let round = 0; round < settings.retries && !context.signal?.aborted; round++) {
      const again = outcomes.map((_, b) => b).filter((b) => stuck(bestScore(b), allowed[b]));
      if (again.length === 0) break;
      const start = starts[settings.restarts + round];
      const more = await optimize(again.map((b) => ({ target: b, start })), { data, oracle, settings, context, items });
      more.forEach((o) => {
        outcomes[o.target].push(o);
        retried[o.target]++;
      });
    }
    return outcomes.map((list, b) => bestOf(list, settings, retried[b]));
  } finally {
    oracle.dispose();
  }
}

/**
 * Gauss–Newton steps (core's `gaussNewtonPolish`) on an observation's best latent when its descent
 * did not end with a fit: gradient descent approaches the latent of an ill-conditioned trained net only
 * linearly, while Gauss–Newton lands on it once the activation pattern is right. Run in float64 on the
 * problem itself (also after a float32 batch), only with λ = 0 (it ignores the prior term), and it
 * keeps only steps that lower the residual. Polish steps that stop early (no further gain) are a stopping
 * rule of their own: status converged, which the verdict then checks.
 */
function polished(raw: RawResult, problem: Problem, settings: GdSettings, allowed: number): RawResult {
  if (settings.polishSteps === 0 || settings.lambda !== 0) return raw;
  if (raw.status !== 'converged' && raw.status !== 'max_iterations') return raw;
  const latent = Float64Array.from(raw.latent);
  const before = residualNorm(problem, latent);
  if (raw.status === 'converged' && before <= allowed) return raw;
  const p = gaussNewtonPolish(problem.generator, problem.measurement, problem.observation, latent, settings.polishSteps);
  if (p.steps === 0) return raw;
  const stopped = p.steps < settings.polishSteps || p.residual === 0;
  const note = `then ${p.steps} Gauss–Newton steps took ‖A·G(z) − y‖ from ${before.toExponential(2)} to ${p.residual.toExponential(2)}`;
  return {
    ...raw,
    status: stopped ? 'converged' : raw.status,
    message: stopped ? `${raw.message}; ${note} and stopped gaining` : `${raw.message}; ${note}`,
    latent: p.latent,
    info: { ...raw.info, polishSteps: p.steps, descentResidual: before, polishedResidual: p.residual },
  };
}

function objectiveData(problem: Problem | BatchProblem, observations: Matrix, settings: GdSettings): ObjectiveData {
  return { generator: problem.generator, measurement: problem.measurement, observations, lambda: settings.lambda };
}

/** `work`'s value, or undefined if `signal` fires first (a late value is disposed when it arrives). */
async function unlessAborted<T extends { dispose(): void }>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return work;
  if (signal.aborted) {
    void work.then((v) => v.dispose(), () => {});
    return undefined;
  }
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const winner = await Promise.race([work, aborted]);
  signal.removeEventListener('abort', onAbort);
  if (winner === undefined) void work.then((v) => v.dispose(), () => {});
  return winner;
}

export const gdSolver: Solver = {
  name: 'gd',
  summary: 'gradient descent or Adam on ‖A·G(z) − y‖² + λ‖z‖², with random restarts and the negation check',
  reference: 'Bora, Jalal, Price, Dimakis 2017 (CSGM); Hand, Voroninski 2018; Huang, Hand, Heckel, Voroninski 2018',
  supports: { hidden: ACTIVATION_KINDS, output: ACTIVATION_KINDS, measurements: 'any', biases: true, convolutional: true },
  options: gdOptionSchema,
  // Needs only G(z) and its vjp, so it takes every generator core takes.
  conditions: () => [
    {
      name: 'a forward pass and its gradient',
      kind: 'required',
      holds: true,
      reason: 'descends ‖A·G(z) − y‖² + λ‖z‖² from restarts on any weights; a global minimum is proven only for expansive Gaussian ReLU nets (Hand, Voroninski)',
    },
  ],

  async solve(problem: Problem, options: OptionValues, context: SolveContext): Promise<Result> {
    const startedAt = now();
    const settings = settingsFrom(options);
    const y = problem.observation;
    const data = objectiveData(problem, new Matrix(1, y.length, Float64Array.from(y)), settings);
    const allowed = allowedResidual(problem);
    const [raw] = await solveAll(data, new Float64Oracle(data), settings, context, [allowed]);
    return finishResult(gdSolver.name, problem, polished(raw, problem, settings, allowed), startedAt);
  },

  /**
   * All observations and restarts descend together; 16 or more run on tfjs-wasm (float32), fewer in
   * float64. Large batches are split over worker threads in Node (every observation shares the start
   * points, so a chunk's results do not depend on where it was cut).
   */
  async solveBatch(problem: BatchProblem, options: OptionValues, context: SolveContext): Promise<Result[]> {
    const spread = { solver: gdSolver.name, module: 'index.js', base: import.meta.url, minItems: WORKER_BATCH_MIN };
    return solveBatchWithWorkers(problem, options, context, spread, async () => {
      const startedAt = now();
      const settings = settingsFrom(options);
      const data = objectiveData(problem, problem.observations, settings);
      const useTf = problem.observations.rows * settings.restarts >= TF_BATCH_MIN;
      // tfjs is loaded only when a batch needs it, so single solves never touch the wasm backend. Loading
      // it takes up to a second; an abort meanwhile scores the start points in float64 at once instead.
      const tfOracle = useTf
        ? unlessAborted(loadOptional(() => import('./tf-oracle.js'), `gd: ${TF_BATCH_MIN} or more descents at once`).then((m) => m.TfOracle.create(data)), context.signal)
        : undefined;
      const oracle = (await tfOracle) ?? new Float64Oracle(data);
      const backend = oracle instanceof Float64Oracle ? 'float64' : 'tfjs-wasm';
      const allowed = Array.from({ length: problem.observations.rows }, (_, b) => allowedResidual(batchItem(problem, b)));
      const raws = await solveAll(data, oracle, settings, context, allowed);
      return raws.map((raw, b) => {
        const item = batchItem(problem, b);
        const result = finishResult(gdSolver.name, item, polished(raw, item, settings, allowed[b]), startedAt);
        result.info = { ...result.info, backend };
        return result;
      });
    });
  },
};
