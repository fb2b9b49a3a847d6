/**
 * The descent loop, run in lockstep over many tasks (restarts × observations) so that one oracle call
 * serves them all: gradient descent (fixed or automatic step) or Adam, with the negation check of
 * Huang, Hand, Heckel and Voroninski, early stopping, divergence, progress and cancellation.
 */
import { distance, Matrix, norm2, Pacer, type HistoryEntry, type SolveContext, type Status } from '@inv/core';
import { gaussNewtonStep, squaredNorm, type ObjectiveData, type Oracle } from './oracle.js';
import type { GdSettings } from './options.js';

/** One descent: a start point scored against observation `target`. */
export interface Task {
  target: number;
  start: Float64Array;
}

export interface Outcome {
  target: number;
  latent: Float64Array;
  value: number;
  misfit: number;
  status: Status;
  message: string;
  iterations: number;
  negations: number;
  /** The final GD step (gd only). */
  step?: number;
  history?: HistoryEntry[];
}

// Armijo's sufficient-decrease constant and the automatic step's growth and shrink factors.
const ARMIJO = 1e-4;
const GROW = 1.25;
const SHRINK = 0.5;
// Steps this much below the first one cannot move z in float64 any more.
const UNDERFLOW = 1e-15;
// TensorFlow's Adam constants, as CSGM used them.
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

interface State extends Outcome {
  gradient: Float64Array;
  done: boolean;
  eta: number;
  firstEta: number;
  moment1?: Float64Array;
  moment2?: Float64Array;
}

function negated(M: Matrix): Matrix {
  return new Matrix(M.rows, M.cols, M.data.map((v) => -v));
}

function finish(s: State, status: Status, message: string): void {
  s.done = true;
  s.status = status;
  s.message = message;
}

function record(s: State, iteration: number): void {
  s.history?.push({ iteration, residual: Math.sqrt(s.misfit), objective: s.value });
}

export interface RunInput {
  data: ObjectiveData;
  oracle: Oracle;
  settings: GdSettings;
  context: SolveContext;
  /** Number of observations (for progress reports). */
  items: number;
}

/** Initial scores, the negation check at the start, and the first step of every task. */
function initialStates(tasks: readonly Task[], { data, oracle, settings }: RunInput): State[] {
  const k = data.generator.inputDim;
  const targets = Int32Array.from(tasks, (t) => t.target);
  const Z = Matrix.fromRows(tasks.map((t) => t.start));
  const flippedAtStart = new Uint8Array(tasks.length);
  if (settings.negationCheck) {
    const plus = oracle.values(Z, targets).value;
    const minus = oracle.values(negated(Z), targets).value;
    for (let t = 0; t < tasks.length; t++) {
      if (!(minus[t] < plus[t])) continue;
      Z.row(t).forEach((v, j, row) => (row[j] = -v));
      flippedAtStart[t] = 1;
    }
  }
  const at = oracle.valuesAndGradients(Z, targets);
  return tasks.map((task, t) => {
    const latent = Z.row(t).slice();
    const gradient = at.gradient.row(t).slice();
    const eta = settings.optimizer === 'adam' ? settings.learningRate : (settings.step ?? gaussNewtonStep(data, latent, gradient));
    const s: State = {
      target: task.target, latent, gradient, value: at.value[t], misfit: at.misfit[t], status: 'max_iterations', message: '',
      iterations: 0, negations: flippedAtStart[t], done: false, eta, firstEta: eta, history: settings.history ? [] : undefined,
    };
    if (settings.optimizer === 'adam') {
      s.moment1 = new Float64Array(k);
      s.moment2 = new Float64Array(k);
    }
    record(s, 0);
    if (!Number.isFinite(s.value)) finish(s, 'diverged', 'the objective is not finite at the initial point');
    else if (s.value === 0) finish(s, 'converged', 'the initial point fits the observation exactly');
    else if (gradient.every((g) => g === 0)) {
      finish(s, 'converged', 'the gradient is exactly zero at the initial point, a stationary point that does not fit the observation (z = 0 is one for bias-free ReLU nets); start elsewhere, e.g. init random');
    }
    return s;
  });
}

/** Writes the next candidate of task `s` at iteration `it` into `out`. */
function propose(s: State, it: number, out: Float64Array): void {
  const { latent: z, gradient: g } = s;
  if (!s.moment1 || !s.moment2) {
    for (let j = 0; j < z.length; j++) out[j] = z[j] - s.eta * g[j];
    return;
  }
  const m = s.moment1, v = s.moment2;
  const c1 = 1 - BETA1 ** it, c2 = 1 - BETA2 ** it;
  for (let j = 0; j < z.length; j++) {
    m[j] = BETA1 * m[j] + (1 - BETA1) * g[j];
    v[j] = BETA2 * v[j] + (1 - BETA2) * g[j] * g[j];
    out[j] = z[j] - (s.eta * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + EPSILON);
  }
}

/** Runs every task to its stopping rule and reports how each ended. */
export async function optimize(tasks: readonly Task[], input: RunInput): Promise<Outcome[]> {
  const { oracle, settings, context, data } = input;
  const k = data.generator.inputDim;
  const adaptive = settings.optimizer === 'gd' && settings.step === undefined;
  const states = initialStates(tasks, input);
  const pacer = new Pacer();
  let aborted = false;

  for (let it = 1; it <= settings.maxIterations; it++) {
    const active = states.filter((s) => !s.done);
    if (active.length === 0) break;
    if (context.signal?.aborted) {
      aborted = true;
      break;
    }
    const candidates = new Matrix(active.length, k);
    active.forEach((s, i) => propose(s, it, candidates.row(i)));
    const targets = Int32Array.from(active, (s) => s.target);
    const at = oracle.valuesAndGradients(candidates, targets);
    const opposite = settings.negationCheck ? oracle.values(negated(candidates), targets) : undefined;
    const flipped: State[] = [];

    active.forEach((s, i) => {
      s.iterations = it;
      const flip = opposite !== undefined && opposite.value[i] < at.value[i];
      const value = flip ? opposite.value[i] : at.value[i];
      if (adaptive && !(value <= s.value - ARMIJO * s.eta * squaredNorm(s.gradient))) {
        // A rejected move (including a non-finite one): stay and try half the step.
        s.eta *= SHRINK;
        if (s.eta < s.firstEta * UNDERFLOW) finish(s, 'converged', 'no step along the gradient lowers the objective any more (stationary to float64 precision)');
        return;
      }
      if (!Number.isFinite(value)) {
        finish(s, 'diverged', `the objective became non-finite at iteration ${it}; the last finite iterate is returned`);
        return;
      }
      const next = candidates.row(i).slice();
      if (flip) {
        next.forEach((v, j) => (next[j] = -v));
        s.negations++;
        s.moment1?.forEach((v, j, m) => (m[j] = -v));
        flipped.push(s);
      } else s.gradient = at.gradient.row(i).slice();
      const moved = distance(next, s.latent);
      s.latent = next;
      s.value = value;
      s.misfit = flip ? opposite.misfit[i] : at.misfit[i];
      if (adaptive) s.eta *= GROW;
      record(s, it);
      if (s.value === 0) finish(s, 'converged', `the observation is fitted exactly after ${it} iterations`);
      else if (moved <= settings.tol * norm2(next)) finish(s, 'converged', `the move fell below tol·‖z‖ after ${it} iterations`);
    });

    if (flipped.length > 0) {
      const again = oracle.valuesAndGradients(Matrix.fromRows(flipped.map((s) => s.latent)), Int32Array.from(flipped, (s) => s.target));
      flipped.forEach((s, i) => (s.gradient = again.gradient.row(i).slice()));
    }

    if (context.onProgress && pacer.reportDue()) {
      const lead = active[0];
      // A batch that is a chunk of a larger one (worker threads) numbers items from context.item.
      context.onProgress({ item: (context.item ?? 0) + lead.target, items: context.items ?? input.items, iteration: it, residual: Math.sqrt(lead.misfit) });
    }
    await pacer.maybeYield(); // lets timers and abort handlers run during a long solve
  }

  for (const s of states) {
    if (s.done) continue;
    if (aborted) finish(s, 'aborted', `aborted after ${s.iterations} iterations`);
    else finish(s, 'max_iterations', `reached maxIterations (${settings.maxIterations}) before the move fell below tol·‖z‖`);
  }
  return states.map((s) => ({
    target: s.target, latent: s.latent, value: s.value, misfit: s.misfit, status: s.status, message: s.message,
    iterations: s.iterations, negations: s.negations, step: settings.optimizer === 'gd' ? s.eta : undefined, history: s.history,
  }));
}
