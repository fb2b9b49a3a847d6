/** The `gd` solver: CSGM-style descent in latent space with restarts, the λ‖z‖² prior and the negation check. */
import {
  ACTIVATION_KINDS, batchItem, finishResult, gaussianVector, Matrix, now, Rng, solveBatchWithWorkers,
  type BatchProblem, type OptionValues, type Problem, type RawResult, type Result, type SolveContext, type Solver,
} from '@inv/core';
import { gdOptionSchema, settingsFrom, WORKER_BATCH_MIN, type GdSettings } from './options.js';
import { Float64Oracle, type ObjectiveData, type Oracle } from './oracle.js';
import { optimize, type Outcome, type Task } from './optimize.js';

/** Batches with at least this many descents (observations × restarts) run on tfjs-wasm. */
export const TF_BATCH_MIN = 16;

/** Start points shared by every observation: restart 0 follows `init`, the others are N(0, I) draws. */
export function startPoints(settings: GdSettings, k: number): Float64Array[] {
  const rng = new Rng(settings.seed);
  return Array.from({ length: settings.restarts }, (_, r) => {
    const draw = gaussianVector(rng, k);
    if (r > 0 || settings.init === 'random') return draw;
    return settings.init === 'given' ? Float64Array.from(settings.initialLatent!) : new Float64Array(k);
  });
}

/** The restart with the lowest objective, as a raw result. */
function bestOf(outcomes: readonly Outcome[], settings: GdSettings): RawResult {
  // A restart that blew up at its start point has no finite objective and never wins.
  const score = (o: Outcome) => (Number.isFinite(o.value) ? o.value : Infinity);
  let best = 0;
  outcomes.forEach((o, r) => {
    if (score(o) < score(outcomes[best])) best = r;
  });
  const o = outcomes[best];
  const info: Record<string, number | string | boolean> = {
    preset: settings.preset,
    optimizer: settings.optimizer,
    objective: o.value,
    restarts: outcomes.length,
    bestRestart: best,
    negations: o.negations,
    totalIterations: outcomes.reduce((sum, x) => sum + x.iterations, 0),
  };
  if (o.step !== undefined) info.step = o.step;
  const restartNote = outcomes.length > 1 ? ` (best of ${outcomes.length} restarts: ${best})` : '';
  return { status: o.status, message: o.message + restartNote, latent: o.latent, iterations: o.iterations, history: o.history, info };
}

/** Runs every restart of every observation of `data` and returns one raw result per observation. */
async function solveAll(data: ObjectiveData, oracle: Oracle, settings: GdSettings, context: SolveContext): Promise<RawResult[]> {
  const items = data.observations.rows;
  const starts = startPoints(settings, data.generator.inputDim);
  const tasks: Task[] = [];
  for (let b = 0; b < items; b++) for (const start of starts) tasks.push({ target: b, start });
  try {
    const outcomes = await optimize(tasks, { data, oracle, settings, context, items });
    return Array.from({ length: items }, (_, b) => bestOf(outcomes.slice(b * starts.length, (b + 1) * starts.length), settings));
  } finally {
    oracle.dispose();
  }
}

function objectiveData(problem: Problem | BatchProblem, observations: Matrix, settings: GdSettings): ObjectiveData {
  return { generator: problem.generator, measurement: problem.measurement, observations, lambda: settings.lambda };
}

export const gdSolver: Solver = {
  name: 'gd',
  summary: 'gradient descent or Adam on ‖A·G(z) − y‖² + λ‖z‖², with random restarts and the negation check',
  reference: 'Bora, Jalal, Price, Dimakis 2017 (CSGM); Hand, Voroninski 2018; Huang, Hand, Heckel, Voroninski 2018',
  supports: { hidden: ACTIVATION_KINDS, output: ACTIVATION_KINDS, measurements: 'any', biases: true, convolutional: true },
  options: gdOptionSchema,

  async solve(problem: Problem, options: OptionValues, context: SolveContext): Promise<Result> {
    const startedAt = now();
    const settings = settingsFrom(options);
    const y = problem.observation;
    const data = objectiveData(problem, new Matrix(1, y.length, Float64Array.from(y)), settings);
    const [raw] = await solveAll(data, new Float64Oracle(data), settings, context);
    return finishResult(gdSolver.name, problem, raw, startedAt);
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
      // tfjs is loaded only when a batch needs it, so single solves never touch the wasm backend.
      const oracle = useTf ? await (await import('./tf-oracle.js')).TfOracle.create(data) : new Float64Oracle(data);
      const raws = await solveAll(data, oracle, settings, context);
      return raws.map((raw, b) => {
        const result = finishResult(gdSolver.name, batchItem(problem, b), raw, startedAt);
        result.info = { ...result.info, backend: useTf ? 'tfjs-wasm' : 'float64' };
        return result;
      });
    });
  },
};
