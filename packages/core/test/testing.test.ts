/**
 * @inv/core/testing checks itself: a healthy toy solver passes the conformance suite, and each
 * deliberately broken variant fails the check that covers its fault (the suite can fail).
 */
import { describe, expect, it } from 'vitest';
import {
  createBatchProblem, createProblem, finishResult, gaussianVector, Generator, linear, MaskOperator, Matrix, MatrixOperator, now,
  registerSolver, Rng, type Progress, type Solver, type SolveContext, type Problem, type OptionValues,
} from '../src/index.js';
import { adjointTest, describeSolver, solverChecks, type SolverCases } from '../src/testing.js';

type Fault = 'none' | 'unregistered' | 'laxSchema' | 'deaf' | 'silent' | 'badProgress' | 'nanOnAbort' | 'overrun' | 'itemDependent' | 'neverConverges';

/** Gradient descent on ½‖A·G(z) − y‖² for a linear generator, step 1/‖A·J‖_F², with `fault` built in. */
function toy(fault: Fault): Solver {
  return {
    name: `toy-${fault}`,
    summary: 'gradient descent for the conformance tests',
    reference: 'none',
    supports: { hidden: ['linear'], output: ['linear'], measurements: 'any', biases: false },
    options: {
      step: fault === 'laxSchema' ? { type: 'number', description: 'step' } : { type: 'number', exclusiveMin: 0, description: 'step (default 1/‖AJ‖_F²)' },
      maxIterations: { type: 'integer', default: 10_000, min: 1, description: 'iteration limit' },
      tol: { type: 'number', default: 1e-13, min: 0, description: 'stop when the step moves z by less than tol' },
    },
    async solve(problem: Problem, options: OptionValues, context: SolveContext) {
      const t0 = now();
      const { generator: G, measurement: A, observation: y } = problem;
      const k = G.inputDim;
      let L = 0;
      for (let i = 0; i < k; i++) {
        const e = new Float64Array(k);
        e[i] = 1;
        for (const v of A.apply(G.forward(e))) L += v * v;
      }
      const step = (options.step as number | undefined) ?? 1 / L;
      const max = (options.maxIterations as number) + (fault === 'overrun' ? 10 : 0);
      const z = new Float64Array(k);
      const report = (p: Progress) => fault !== 'silent' && context.onProgress?.(fault === 'badProgress' ? { ...p, items: 0 } : p);
      const finish = (status: 'converged' | 'max_iterations' | 'aborted', iterations: number, latent: ArrayLike<number> = z) =>
        finishResult(this.name, problem, { status, message: status, latent, iterations }, t0);
      for (let it = 1; it <= max; it++) {
        if (context.signal?.aborted && fault !== 'deaf') return finish('aborted', it - 1, fault === 'nanOnAbort' ? z.map(() => NaN) : z);
        if (fault === 'deaf' && it > 20_000) break;
        // Yield now and then, as real solvers do, so that a timer can abort the run.
        if (it % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
        const r = A.apply(G.forward(z));
        for (let i = 0; i < r.length; i++) r[i] -= y[i];
        const g = G.vjp(z, A.adjoint(r));
        let moved = 0;
        for (let i = 0; i < k; i++) {
          z[i] -= step * g[i];
          moved = Math.max(moved, Math.abs(step * g[i]));
        }
        if (it % 50 === 0 || it === 1) report({ item: context.item ?? 0, items: context.items ?? 1, iteration: it, residual: Math.hypot(...r) });
        if (fault === 'itemDependent' && (context.item ?? 0) > 0 && it === 5) return finish('max_iterations', it);
        if (moved <= (options.tol as number)) return finish(fault === 'neverConverges' ? 'max_iterations' : 'converged', it);
      }
      return finish('max_iterations', max);
    },
  };
}

const generator = Generator.random([3, 30], { seed: 5, activation: linear });
const truths = Array.from({ length: 3 }, (_, i) => gaussianVector(new Rng(10 + i), 3));
const cases: SolverCases = {
  fits: () => createProblem({ generator, observation: generator.forward(truths[0]) }),
  batch: () => createBatchProblem({ generator, observation: Matrix.fromRows(truths.map((t) => Array.from(generator.forward(t)))) }),
  // Noise keeps the run from converging; tol 0 and a huge limit keep it going until aborted.
  long: () => ({
    problem: createProblem({ generator, observation: generator.forward(truths[1]).map((v, i) => v + 0.1 * Math.sin(i)) }),
    options: { tol: 0, maxIterations: 1e9 },
  }),
  badOptions: [[{ step: -1 }, /option 'step': expected a value > 0/]],
};

const healthy = toy('none');
registerSolver(healthy);
describeSolver(healthy, cases);

describe('the suite fails a solver that breaks the contract', () => {
  const expectations: [Fault, RegExp, RegExp][] = [
    ['unregistered', /registered/, /is not registered/],
    ['laxSchema', /bad options/, /\{"step":-1\} was not rejected/],
    ['deaf', /aborted signal/, /already aborted signal gave status/],
    ['silent', /reports progress/, /reported no progress/],
    ['badProgress', /reports progress/, /progress item 0 of 0/],
    ['nanOnAbort', /aborted signal/, /gave status diverged/],
    ['overrun', /maxIterations/, /maxIterations 3 gave status \w+ after \d+ iterations/],
    ['itemDependent', /batch equals/, /batch item 1 vs alone: status max_iterations vs converged/],
    ['neverConverges', /verdict/, /the fitting problem ended max_iterations/],
  ];
  for (const [fault, check, message] of expectations) {
    it(`${fault}: '${check.source}' throws ${message.source}`, async () => {
      const solver = toy(fault);
      if (fault !== 'unregistered') registerSolver(solver);
      const checks = solverChecks(solver, cases);
      const broken = checks.filter((c) => check.test(c.name));
      expect(broken).toHaveLength(1);
      await expect(broken[0].run()).rejects.toThrow(message);
    });
  }
});

describe('adjointTest', () => {
  it('passes true adjoint pairs and returns their rounding-level gap', () => {
    const M = new Matrix(7, 11, gaussianVector(new Rng(3), 77));
    expect(adjointTest(new MatrixOperator(M))).toBeLessThan(1e-14);
    expect(adjointTest(new MaskOperator(11, [0, 4, 9]))).toBeLessThan(1e-14);
  });

  it('throws, naming the operator, when the adjoint is wrong', () => {
    const M = new MatrixOperator(new Matrix(7, 11, gaussianVector(new Rng(3), 77)));
    const wrong = Object.assign(Object.create(Object.getPrototypeOf(M)), M, { adjoint: (y: ArrayLike<number>) => M.adjoint(y).map((v) => 1.01 * v) });
    expect(() => adjointTest(wrong)).toThrow(/adjointTest: .*\|⟨Ax,y⟩ − ⟨x,Aᵀy⟩\| is \S+ of ‖Ax‖‖y‖/);
  });
});
