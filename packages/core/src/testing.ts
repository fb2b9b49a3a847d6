/**
 * `@inv/core/testing`: the solver contract as checks every solver package runs (docs/contributing.md),
 * and the adjoint test for operators. The checks are plain async functions that throw on a breach
 * (`solverChecks`), so they work under any runner; `describeSolver` registers them with vitest, which is
 * therefore an optional peer of @inv/core: only this entry imports it, and only test code imports this entry.
 */
import { describe, it } from 'vitest';
import { InvError } from './errors.js';
import { dot } from './linalg.js';
import type { LinearOperator } from './operators.js';
import { batchItem, isBatchProblem, type BatchProblem, type Problem } from './problem.js';
import { gaussianVector, Rng } from './random.js';
import type { Result } from './result.js';
import { getSolver, solve, type Progress, type Solver } from './solver.js';

/** What the conformance suite runs a solver on. */
export interface SolverCases {
  /** A small problem the solver fits (the verdict check needs `success` on it). */
  fits(): Problem;
  /**
   * A batch of a few observations (below any threshold that switches to another arithmetic): solved as a
   * batch it must give the results of its items solved one at a time. Options in `options` must make the
   * items independent of their index in the batch (e.g. a given or zero start, not a per-item seed).
   */
  batch(): BatchProblem;
  /**
   * A problem (or batch) and options on which the solver reports progress and runs far longer than a test
   * should: the suite aborts it at its first progress report and expects a prompt 'aborted'. With
   * `maxIterations` in the schema, it must also stop at `maxIterations: 3` with status 'max_iterations'.
   */
  long(): { problem: Problem | BatchProblem; options?: Record<string, unknown> };
  /** Options for every run (merged under each check's own). */
  options?: Record<string, unknown>;
  /** Bad options, each with the message its one-line InvError must match (besides an unknown name, always checked). */
  badOptions: ReadonlyArray<readonly [Record<string, unknown>, RegExp]>;
  /**
   * Whether `maxIterations` bounds the result's `iterations` (default true). False for a solver whose
   * `iterations` counts something else (lp-layerwise counts LP solves; maxIterations bounds one stage):
   * then only the status 'max_iterations' is checked.
   */
  maxIterationsBoundsResult?: boolean;
  /** Relative tolerance of batch equals single (default 1e-9). */
  batchTolerance?: number;
}

export interface SolverCheck {
  name: string;
  run(): Promise<void>;
}

class ContractError extends Error {}

function fail(solver: Solver, what: string): never {
  throw new ContractError(`solver '${solver.name}': ${what}`);
}

function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}

/** The honest verdict (docs/verdict.md): success exactly when stopped properly and fitting; a finite latent. */
function checkVerdict(solver: Solver, r: Result, where: string): void {
  if (!r.latent.every(Number.isFinite)) fail(solver, `${where}: the latent is not finite`);
  if (r.success !== (r.status === 'converged' && r.fit.ok)) fail(solver, `${where}: success ${r.success} with status ${r.status} and fit.ok ${r.fit.ok}`);
  if (!(r.residual >= 0) || !(Math.abs(r.fit.residual - r.residual) <= 1e-9 * Math.max(1, r.residual))) {
    fail(solver, `${where}: residual ${r.residual} disagrees with fit.residual ${r.fit.residual}`);
  }
}

const results = (r: Result | Result[]): Result[] => (Array.isArray(r) ? r : [r]);

/** The contract's checks for `solver`, as plain functions that throw on a breach. */
export function solverChecks(solver: Solver, cases: SolverCases): SolverCheck[] {
  const base = cases.options ?? {};
  const run = (problem: Problem | BatchProblem, options: Record<string, unknown> = {}, context = {}) =>
    solve(problem as Problem, solver, { ...base, ...options }, context) as Promise<Result | Result[]>;
  const checks: SolverCheck[] = [
    {
      name: 'is registered under its name, with a described schema',
      async run() {
        let found: Solver | undefined;
        try {
          found = getSolver(solver.name);
        } catch {
          fail(solver, 'is not registered (call registerSolver when the package is imported)');
        }
        if (found !== solver) fail(solver, 'a different object is registered under its name');
        for (const [key, spec] of Object.entries(solver.options)) if (!spec.description) fail(solver, `option '${key}' has no description`);
      },
    },
    {
      name: 'rejects bad options with one-line InvErrors naming them',
      async run() {
        const bad: [Record<string, unknown>, RegExp][] = [[{ notAnOption: 1 }, /unknown option 'notAnOption'/], ...cases.badOptions.map(([o, m]) => [o, m] as [Record<string, unknown>, RegExp])];
        for (const [options, message] of bad) {
          const error = await run(cases.fits(), options).then(() => undefined, (e: unknown) => e);
          const shown = JSON.stringify(options);
          if (!(error instanceof InvError)) fail(solver, `${shown} was not rejected with an InvError (got ${error === undefined ? 'a result' : String(error)})`);
          if (!message.test(error.message)) fail(solver, `${shown}: message '${error.message}' does not match ${message}`);
          if (error.message.includes('\n')) fail(solver, `${shown}: the message has more than one line`);
        }
      },
    },
    {
      name: 'an aborted signal: status aborted and a finite latent, before and during a run',
      async run() {
        for (const r of results(await run(cases.fits(), {}, { signal: AbortSignal.abort() }))) {
          if (r.status !== 'aborted') fail(solver, `an already aborted signal gave status ${r.status}`);
          checkVerdict(solver, r, 'an already aborted signal');
        }
        // Aborted at the first progress report of a run that would otherwise go on far longer than the test's
        // timeout: returning at all is the promptness asked for, without timing anything.
        const { problem, options } = cases.long();
        const controller = new AbortController();
        const out = results(await withFallbackAbort(controller, () => run(problem, options, { signal: controller.signal, onProgress: () => controller.abort('progress') })));
        if (controller.signal.reason !== 'progress') fail(solver, 'the long run reported no progress, so it could not be aborted at a report');
        if (!out.some((r) => r.status === 'aborted')) fail(solver, `aborted mid-run, it ended ${out.map((r) => r.status).join(', ')}`);
        out.forEach((r, i) => checkVerdict(solver, r, `aborted run, item ${i}`));
      },
    },
    {
      name: 'reports progress with item, items and a whole iteration count',
      async run() {
        const { problem, options } = cases.long();
        const items = isBatchProblem(problem) ? problem.observations.rows : 1;
        const seen: Progress[] = [];
        const controller = new AbortController();
        await withFallbackAbort(controller, () =>
          run(problem, options, {
            signal: controller.signal,
            onProgress: (p: Progress) => {
              seen.push(p);
              if (seen.length >= 3) controller.abort();
            },
          }),
        );
        if (seen.length === 0) fail(solver, 'reported no progress');
        for (const p of seen) {
          if (p.items !== items || !(p.item >= 0 && p.item < items)) fail(solver, `progress item ${p.item} of ${p.items} in a run of ${items}`);
          if (!Number.isInteger(p.iteration) || p.iteration < 0) fail(solver, `progress iteration ${p.iteration}`);
          if (p.residual !== undefined && !(p.residual >= 0)) fail(solver, `progress residual ${p.residual}`);
        }
      },
    },
    {
      name: 'batch equals its items solved one at a time',
      async run() {
        const batch = cases.batch();
        const one = 'workers' in solver.options ? { workers: 1 } : {};
        const together = results(await run(batch, one));
        if (together.length !== batch.observations.rows) fail(solver, `${together.length} results for a batch of ${batch.observations.rows}`);
        for (let i = 0; i < together.length; i++) {
          const single = results(await run(batchItem(batch, i)))[0];
          checkVerdict(solver, together[i], `batch item ${i}`);
          compare(solver, together[i], single, cases.batchTolerance ?? 1e-9, `batch item ${i} vs alone`);
        }
      },
    },
    {
      name: 'the verdict: success only when converged and fitting',
      async run() {
        const problem = cases.fits();
        const r = results(await run(problem))[0];
        checkVerdict(solver, r, 'the fitting problem');
        if (!r.success) fail(solver, `the fitting problem ended ${r.status} (${r.message}), not success`);
        // The same observation pushed off the range of A·G and stated clean: nothing may claim success.
        const y = Float64Array.from(problem.observation);
        const push = 0.5 * Math.max(Math.sqrt(dot(y, y)), 1);
        gaussianVector(new Rng(7), y.length, push / Math.sqrt(y.length)).forEach((e, i) => (y[i] += e));
        const off = results(await run({ ...problem, observation: y, noiseLevel: 0, noiseNorm: 0 } as Problem))[0];
        checkVerdict(solver, off, 'an observation off the range');
        if (off.success) fail(solver, `claimed success on an observation off the range (residual ${off.residual})`);
      },
    },
  ];
  if ('maxIterations' in solver.options) {
    checks.push({
      name: 'stops at maxIterations with that status',
      async run() {
        const { problem, options } = cases.long();
        for (const r of results(await run(problem, { ...options, maxIterations: 3 }))) {
          if (r.status !== 'max_iterations' || (cases.maxIterationsBoundsResult !== false && r.iterations > 3)) fail(solver, `maxIterations 3 gave status ${r.status} after ${r.iterations} iterations`);
          checkVerdict(solver, r, 'maxIterations 3');
        }
      },
    });
  }
  if ('workers' in solver.options) {
    checks.push({
      name: 'a batch over worker threads equals the batch in one thread',
      async run() {
        const batch = cases.batch();
        const threads = results(await run(batch, { workers: 2 }));
        const one = results(await run(batch, { workers: 1 }));
        if (threads.some((r) => r.info?.ranIn !== 'workers')) fail(solver, 'workers: 2 did not run in worker threads');
        threads.forEach((r, i) => compare(solver, r, one[i], cases.batchTolerance ?? 1e-9, `worker item ${i} vs one thread`));
      },
    });
  }
  return checks;
}

/**
 * Runs `task`, aborting `controller` after FALLBACK_ABORT_MS if nothing else has: a solver that never
 * reports progress then fails its check instead of running the long case to its end. Not a timing test.
 */
async function withFallbackAbort<T>(controller: AbortController, task: () => Promise<T>): Promise<T> {
  const timer = setTimeout(() => controller.abort('fallback'), FALLBACK_ABORT_MS);
  try {
    return await task();
  } finally {
    clearTimeout(timer);
  }
}

const FALLBACK_ABORT_MS = 2000;

function compare(solver: Solver, a: Result, b: Result, tol: number, where: string): void {
  if (a.status !== b.status) fail(solver, `${where}: status ${a.status} vs ${b.status}`);
  const gap = relativeGap(a.latent, b.latent);
  if (!(gap <= tol)) fail(solver, `${where}: latents differ by ${gap.toExponential(2)} (relative), more than ${tol}`);
}

/** The conformance suite as a vitest `describe` block: call it at the top level of a test file. */
export function describeSolver(solver: Solver, cases: SolverCases): void {
  describe(`solver contract: ${solver.name}`, () => {
    for (const check of solverChecks(solver, cases)) it(check.name, () => check.run());
  });
}

/**
 * ⟨Ax, y⟩ − ⟨x, Aᵀy⟩ for seeded Gaussian x, y, relative to ‖Ax‖‖y‖ (PyLops' dottest): zero up to rounding
 * for a true adjoint pair. Returns the gap; throws if it exceeds `tol`.
 */
export function adjointTest(op: LinearOperator, { seed = 1, tol = 1e-12 }: { seed?: number; tol?: number } = {}): number {
  const rng = new Rng(seed);
  const x = gaussianVector(rng, op.cols);
  const y = gaussianVector(rng, op.rows);
  const Ax = op.apply(x);
  const Aty = op.adjoint(y);
  const gap = Math.abs(dot(Ax, y) - dot(x, Aty)) / Math.max(Math.sqrt(dot(Ax, Ax) * dot(y, y)), 1e-300);
  if (!(gap <= tol)) throw new Error(`adjointTest: ${op.describe()}: |⟨Ax,y⟩ − ⟨x,Aᵀy⟩| is ${gap.toExponential(2)} of ‖Ax‖‖y‖ (tol ${tol})`);
  return gap;
}
