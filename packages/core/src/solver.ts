/**
 * The solver contract and registry. Solver packages implement `Solver` and call `registerSolver` when
 * imported (as tfjs backends register kernels); the apps find solvers only through the registry.
 */
import { InvError, OptionError, ShapeError, UnsupportedError } from './errors.js';
import { brokenBound } from './option-text.js';
import { batchItem, isBatchProblem, type BatchProblem, type Problem } from './problem.js';
import type { ActivationKind } from './activations.js';
import type { Result } from './result.js';
import { judge } from './judge.js';
import { isDense, stageIn, stageOut, type Generator, type MapLayer, type Stage } from './generator.js';

export type OptionSpec =
  /** `exclusiveMin`: the value must be greater than this (a step size > 0). */
  | { type: 'number'; default?: number; min?: number; exclusiveMin?: number; max?: number; description: string }
  | { type: 'integer'; default?: number; min?: number; max?: number; description: string }
  | { type: 'boolean'; default?: boolean; description: string }
  | { type: 'enum'; values: readonly string[]; default?: string; description: string }
  /**
   * A vector such as an initial point (the CLI reads it from a .npy or .json file). With
   * `length: 'latent'`, `solve` checks it against the generator's latent dimension.
   */
  | { type: 'vector'; length?: 'latent'; description: string };

export type OptionSchema = Readonly<Record<string, OptionSpec>>;

/** Plain values as resolved from a schema. */
export type OptionValues = Record<string, number | boolean | string | Float64Array | undefined>;

/**
 * The value one spec resolves to. Any `{ type }` record works (the CLI's flag specs add 'string'), so
 * that every typed view of options is derived here.
 */
export type OptionValue<S extends { type: string }> = S extends { type: 'number' | 'integer' }
  ? number
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : S extends { type: 'vector' }
        ? Float64Array
        : string;

/** The typed view of values resolved from schema `S`: an option with a default is always set. */
export type OptionsOf<S extends Readonly<Record<string, { type: string }>>> = {
  readonly [K in keyof S]: S[K] extends { default: unknown } ? OptionValue<S[K]> : OptionValue<S[K]> | undefined;
};

/** Declares a schema keeping its literal types, so that `OptionsOf<typeof schema>` is exact. */
export function defineOptions<const S extends OptionSchema>(schema: S): S {
  return schema;
}

/**
 * Values resolved against `schema` (what `solve` passes a solver), seen through the schema's types. The one
 * cast of the options contract: `resolveOptions` has checked every value against its spec and set defaults.
 */
export function optionsOf<S extends OptionSchema>(_schema: S, values: OptionValues): OptionsOf<S> {
  return values as unknown as OptionsOf<S>;
}

export interface SolverSupport {
  /** Activations allowed on hidden layers. */
  readonly hidden: readonly ActivationKind[];
  /** Activations allowed on the last layer. */
  readonly output: readonly ActivationKind[];
  /** Measurement kinds (`identity`, `mask`, `matrix`, `gaussian`, …) or 'any' for every linear operator. */
  readonly measurements: readonly string[] | 'any';
  readonly biases: boolean;
  /** Takes generators with convolutional stages (Conv2D, Conv2DTranspose, UpSampling2D); absent means dense only. */
  readonly convolutional?: boolean;
}

/**
 * Piecewise-linear hidden layers (ReLU, leaky ReLU, linear), any output activation the core reads,
 * biases, convolutional stages and any measurement: what the layer-wise solvers (PLUGIn, the LPs) take.
 */
export const PIECEWISE_LINEAR_SUPPORT: SolverSupport = {
  hidden: ['relu', 'leaky_relu', 'linear'],
  output: ['relu', 'leaky_relu', 'linear', 'sigmoid', 'tanh'],
  measurements: 'any',
  biases: true,
  convolutional: true,
};

export interface Progress {
  /** Index of the problem in a batch (0 for a single problem). */
  item: number;
  /** Number of problems in the batch. */
  items: number;
  iteration: number;
  /** Current ‖A·G(z) − y‖ when the solver knows it. */
  residual?: number;
}

export interface SolveContext {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /**
   * This problem's index in its batch when a batch is solved one by one (for per-item seeds); for a
   * batch that is one chunk of a larger batch (in a worker thread), the index of its first row. 0 otherwise.
   */
  item?: number;
  /** The size of that larger batch; otherwise 1 (a problem) or the batch's own size. */
  items?: number;
  /**
   * Called with each item of a batch as it is finished, by index in this batch, when the batch is solved
   * one by one: a worker thread sends them on, so that finished items survive if the rest is cut short.
   */
  onItem?: (index: number, result: Result) => void;
}

/**
 * One condition a solver states about a generator, checked from its stages alone (before any solve),
 * for `inv info` and other apps. `required`: the solver cannot answer when it fails (it refuses the
 * generator or ends `infeasible`); `theory`: an assumption of the solver's guarantee, so that without
 * it the solver still runs but its answer is heuristic.
 */
export interface Condition {
  /** What is needed, in a few words (e.g. `every stage expands (out >= in)`). */
  readonly name: string;
  readonly kind: 'required' | 'theory';
  readonly holds: boolean;
  /** One line: why it holds or not, naming the first stage where it fails. */
  readonly reason: string;
}

export interface Solver {
  /** The `method=` string, e.g. `plugin`, `lp-linf`. */
  readonly name: string;
  /** One line for `inv list`. */
  readonly summary: string;
  /** The paper(s) the method comes from. */
  readonly reference: string;
  readonly supports: SolverSupport;
  readonly options: OptionSchema;
  /** Solves one problem. `options` are already validated and completed with defaults. */
  solve(problem: Problem, options: OptionValues, context: SolveContext): Promise<Result>;
  /** Solves a batch faster than one problem at a time; without it problems are solved in turn. */
  solveBatch?(problem: BatchProblem, options: OptionValues, context: SolveContext): Promise<Result[]>;
  /**
   * The conditions this solver needs or its theory assumes, checked on `generator`'s stages (cheap: no
   * solve). Apps read them through `conditionsFor`, which puts the `supports` check first.
   */
  conditions?(generator: Generator): Condition[];
}

// Kept on globalThis so that two copies of @inv/core (e.g. one bundled) still share one registry.
const REGISTRY_KEY = Symbol.for('@inv/core/solvers');
const registry: Map<string, Solver> = ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] as Map<string, Solver>) ??
  ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] = new Map<string, Solver>());

/** Adds a solver; registering the same object twice is a no-op, a different one under a taken name is an error. */
export function registerSolver(solver: Solver): void {
  const existing = registry.get(solver.name);
  if (existing && existing !== solver) throw new InvError('ERR_REGISTRY', `solver '${solver.name}' is already registered`);
  registry.set(solver.name, solver);
}

export function getSolver(name: string): Solver {
  const solver = registry.get(name);
  if (!solver) {
    const known = [...registry.keys()].sort();
    throw new OptionError(`solver: unknown solver '${name}' (registered: ${known.length ? known.join(', ') : 'none; import a solver package'})`);
  }
  return solver;
}

export function listSolvers(): Solver[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Validates `given` against a schema, fills defaults, and rejects unknown names with the list of known ones. */
export function resolveOptions(schema: OptionSchema, given: Record<string, unknown> = {}, who = 'solver'): OptionValues {
  const out: OptionValues = {};
  for (const key of Object.keys(given)) {
    if (!(key in schema)) {
      const known = Object.keys(schema);
      throw new OptionError(`${who}: unknown option '${key}' (known: ${known.length ? known.join(', ') : 'none'})`);
    }
  }
  for (const [key, spec] of Object.entries(schema)) {
    const value = given[key];
    if (value === undefined) {
      out[key] = 'default' in spec ? spec.default : undefined;
      continue;
    }
    const bad = (expected: string) => new OptionError(`${who} option '${key}': expected ${expected}, got ${JSON.stringify(value)}`);
    switch (spec.type) {
      case 'number':
      case 'integer': {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a finite number');
        if (spec.type === 'integer' && !Number.isInteger(value)) throw bad('an integer');
        const bound = brokenBound(spec, value);
        if (bound) throw bad(`a value ${bound}`);
        out[key] = value;
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') throw bad('true or false');
        out[key] = value;
        break;
      case 'enum':
        if (typeof value !== 'string' || !spec.values.includes(value)) throw bad(`one of ${spec.values.join(', ')}`);
        out[key] = value;
        break;
      case 'vector': {
        if (!(value instanceof Float64Array) && !Array.isArray(value)) throw bad('an array of numbers');
        const v = Float64Array.from(value as ArrayLike<number>);
        if (!v.every(Number.isFinite)) throw bad('finite numbers');
        out[key] = v;
        break;
      }
    }
  }
  return out;
}

/**
 * A stage named for messages: its index, kind, activation and in → out sizes (with shapes for images),
 * e.g. `stage 2 (conv2d_transpose 4x4 s2x2 same, sigmoid: 14x14x16 → 28x28x1, 3136 → 784)`.
 */
export function describeStage(generator: Generator, i: number): string {
  const s: Stage = generator.stages[i];
  const kind = isDense(s) ? 'dense' : s.map.describe();
  const shapes = isDense(s) ? '' : `${s.map.inShape.join('x')} → ${s.map.outShape.join('x')}, `;
  return `stage ${i} (${kind}, ${s.activation.kind}: ${shapes}${stageIn(s)} → ${stageOut(s)})`;
}

/** The first stage with fewer outputs than inputs (contracting), or -1. */
export function firstContractingStage(generator: Generator): number {
  return generator.stages.findIndex((s) => stageOut(s) < stageIn(s));
}

/**
 * What `solver` states about `generator`: first whether it takes the generator's stages at all
 * (`supports`: activations, biases, convolutions; measurements are not known here), then the solver's own
 * `conditions`. A solver without `conditions` states only that first one.
 */
export function conditionsFor(solver: Solver, generator: Generator): Condition[] {
  let reason = `takes every stage of this generator (${generator.stages.length} stages)`;
  let holds = true;
  try {
    checkGeneratorSupport(solver, generator);
  } catch (e) {
    if (!(e instanceof UnsupportedError)) throw e;
    holds = false;
    reason = e.message;
  }
  return [{ name: 'supports its stages', kind: 'required', holds, reason }, ...(solver.conditions?.(generator) ?? [])];
}

/** Throws UnsupportedError, naming the layer or measurement, if `solver` cannot take `problem`. */
export function checkSupport(solver: Solver, problem: Problem | BatchProblem): void {
  checkGeneratorSupport(solver, problem.generator);
  const s = solver.supports;
  const measurement = problem.measurement;
  if (s.measurements !== 'any' && !s.measurements.includes(measurement.kind)) {
    throw new UnsupportedError(`solver '${solver.name}' does not support ${measurement.kind} measurements (supported: ${s.measurements.join(', ')})`);
  }
}

function checkGeneratorSupport(solver: Solver, generator: Generator): void {
  const s = solver.supports;
  if (!generator.isDense && !s.convolutional) {
    const i = generator.stages.findIndex((l) => !isDense(l));
    throw new UnsupportedError(`solver '${solver.name}' does not support convolutional stages (layer ${i} is ${(generator.stages[i] as MapLayer).map.describe()})`);
  }
  generator.stages.forEach((layer, i) => {
    const last = i === generator.stages.length - 1;
    const allowed = last ? s.output : s.hidden;
    if (!allowed.includes(layer.activation.kind)) {
      throw new UnsupportedError(
        `solver '${solver.name}' does not support ${layer.activation.kind} on ${last ? `the last layer (layer ${i})` : `hidden layer ${i}`} (supported: ${allowed.join(', ')})`,
      );
    }
    if (layer.bias && !s.biases) throw new UnsupportedError(`solver '${solver.name}' does not support biases (layer ${i} has one)`);
  });
}

/** Throws a ShapeError naming the option if a `length: 'latent'` vector does not have k entries. */
function checkLatentOptions(solver: Solver, values: OptionValues, k: number): void {
  for (const [key, spec] of Object.entries(solver.options)) {
    const value = values[key];
    if (spec.type === 'vector' && spec.length === 'latent' && value instanceof Float64Array && value.length !== k) {
      throw new ShapeError(`solver '${solver.name}' option '${key}': expected length ${k} (the latent dimension), got ${value.length}`);
    }
  }
}

/** What `solve` and `solveUnjudged` take: a problem or batch, a solver or its name, options, a context. */
type SolveArgs = [problem: Problem | BatchProblem, solverOrName: string | Solver, options?: Record<string, unknown>, context?: SolveContext];

/**
 * Solves a problem with a solver given by name or object (scipy's `minimize(method=…)`): options are
 * validated first, a batch gives one result per observation. Every result is judged here, whichever
 * path produced it (docs/verdict.md): `success` only when the solver stopped properly and the answer fits.
 */
export function solve(problem: Problem, solver: string | Solver, options?: Record<string, unknown>, context?: SolveContext): Promise<Result>;
export function solve(problem: BatchProblem, solver: string | Solver, options?: Record<string, unknown>, context?: SolveContext): Promise<Result[]>;
export async function solve(...args: SolveArgs): Promise<Result | Result[]> {
  const problem = args[0];
  const results = await solveUnjudged(...args);
  if (!isBatchProblem(problem)) return judge(problem, results as Result);
  return (results as Result[]).map((r, i) => judge(batchItem(problem, i), r));
}

/**
 * `solve` without the verdict: what core's batch worker runs on a chunk, so that the caller's `solve`
 * judges every result exactly once. Not for applications: their results must be judged.
 */
export async function solveUnjudged(...[problem, solverOrName, options = {}, context = {}]: SolveArgs): Promise<Result | Result[]> {
  const solver = typeof solverOrName === 'string' ? getSolver(solverOrName) : solverOrName;
  const resolved = resolveOptions(solver.options, options, `solver '${solver.name}'`);
  checkSupport(solver, problem);
  checkLatentOptions(solver, resolved, problem.generator.inputDim);
  if (!isBatchProblem(problem)) return solver.solve(problem, resolved, context);
  const results = solver.solveBatch ? await solver.solveBatch(problem, resolved, context) : await solveOneByOne(solver, problem, resolved, context);
  if (results.length !== problem.observations.rows) {
    throw new InvError('ERR_SOLVER', `solver '${solver.name}' returned ${results.length} results for a batch of ${problem.observations.rows}`);
  }
  return results;
}

/**
 * A batch solved one problem at a time with `solver.solve` (options already resolved), progress
 * reported with each problem's batch index. What `solve` does for solvers without `solveBatch`, and
 * what a `solveBatch` can fall back to for small batches.
 */
export async function solveOneByOne(solver: Solver, problem: BatchProblem, options: OptionValues, context: SolveContext = {}): Promise<Result[]> {
  const results: Result[] = [];
  const first = context.item ?? 0;
  const items = context.items ?? problem.observations.rows;
  for (let i = 0; i < problem.observations.rows; i++) {
    const item = first + i;
    const onProgress = context.onProgress && ((p: Progress) => context.onProgress!({ ...p, item, items }));
    results.push(await solver.solve(batchItem(problem, i), options, { signal: context.signal, onProgress, item, items }));
    context.onItem?.(i, results[i]);
  }
  return results;
}
