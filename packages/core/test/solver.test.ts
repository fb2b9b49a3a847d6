import { describe, expect, it } from 'vitest';
import {
  checkSupport, createBatchProblem, createProblem, finishResult, Generator, getSolver, listSolvers, Matrix, MatrixOperator, mse, now, psnr,
  registerSolver, relativeError, resolveOptions, solve, type Solver, type OptionSchema, sigmoid, median, oneLine,
} from '../src/index.js';

const schema: OptionSchema = {
  step: { type: 'number', default: 0.5, exclusiveMin: 0, description: 'step' },
  maxIterations: { type: 'integer', default: 10, min: 1, description: 'iterations' },
  verbose: { type: 'boolean', default: false, description: 'talk' },
  init: { type: 'enum', values: ['zero', 'random'], default: 'zero', description: 'start' },
  initialLatent: { type: 'vector', length: 'latent', description: 'start point' },
};

const seenItems: string[] = [];

/** A solver that returns the least-squares latent of a linear generator: enough to exercise the contract. */
const exact: Solver = {
  name: 'test-exact',
  summary: 'exact for linear nets',
  reference: 'none',
  supports: { hidden: ['linear'], output: ['linear'], measurements: ['identity'], biases: false },
  options: schema,
  async solve(problem, options, context) {
    const t0 = now();
    seenItems.push(`${context.item ?? 0}/${context.items ?? 1}`);
    context.onProgress?.({ item: 0, items: 1, iteration: 1 });
    const { lstsq } = await import('../src/linalg.js');
    const z = lstsq(problem.generator.weightProduct(), problem.observation);
    return finishResult(this.name, problem, { status: 'converged', message: `step ${options.step}`, latent: z, iterations: 1 }, t0);
  },
};

describe('oneLine', () => {
  it('keeps the first non-empty line of any error', () => {
    expect(oneLine(new Error('\n  first line \nsecond'))).toBe('first line');
    expect(oneLine('plain')).toBe('plain');
    expect(oneLine(new Error(''))).toBe('unknown error');
  });
});

describe('registry', () => {
  it('registers solvers once and finds them by name', () => {
    registerSolver(exact);
    registerSolver(exact); // idempotent for the same object
    expect(getSolver('test-exact')).toBe(exact);
    expect(listSolvers().map((s) => s.name)).toContain('test-exact');
    expect(() => registerSolver({ ...exact })).toThrow(/already registered/);
    expect(() => getSolver('nope')).toThrow(/unknown solver 'nope' \(registered: .*test-exact/);
  });
});

describe('options', () => {
  it('fill defaults and keep given values', () => {
    const o = resolveOptions(schema, { step: 2, init: 'random', initialLatent: [1, 2] });
    expect(o).toMatchObject({ step: 2, maxIterations: 10, verbose: false, init: 'random' });
    expect(o.initialLatent).toEqual(Float64Array.from([1, 2]));
  });

  it('reject unknown names and wrong types with one-line messages naming the option', () => {
    expect(() => resolveOptions(schema, { stp: 1 }, "solver 'x'")).toThrow(/solver 'x': unknown option 'stp' \(known: step, maxIterations, verbose, init, initialLatent\)/);
    expect(() => resolveOptions(schema, { step: -1 })).toThrow(/option 'step': expected a value > 0, got -1/);
    expect(() => resolveOptions(schema, { step: 0 })).toThrow(/option 'step': expected a value > 0, got 0/);
    expect(resolveOptions(schema, { step: 1e-300 }).step).toBe(1e-300);
    expect(() => resolveOptions(schema, { step: 'fast' })).toThrow(/expected a finite number/);
    expect(() => resolveOptions(schema, { maxIterations: 2.5 })).toThrow(/expected an integer/);
    expect(() => resolveOptions(schema, { verbose: 'yes' })).toThrow(/true or false/);
    expect(() => resolveOptions(schema, { init: 'given' })).toThrow(/one of zero, random/);
    expect(() => resolveOptions(schema, { initialLatent: [1, NaN] })).toThrow(/finite numbers/);
  });
});

describe('solve', () => {
  const g = Generator.random([3, 7, 9], { seed: 1, activation: { kind: 'linear' } });
  const z = Float64Array.from([0.5, -1, 2]);

  it('validates options and support, then returns a uniform result', async () => {
    const r = await solve(createProblem({ generator: g, observation: g.forward(z) }), 'test-exact', { step: 0.25 });
    expect(r.status).toBe('converged');
    expect(r.success).toBe(true);
    expect(r.message).toBe('step 0.25');
    expect(relativeError(r.latent, z)).toBeLessThan(1e-12);
    expect(r.residual).toBeLessThan(1e-12);
    expect(relativeError(r.reconstruction, g.forward(z))).toBeLessThan(1e-12);
    expect(r.timeMs).toBeGreaterThanOrEqual(0);
    await expect(solve(createProblem({ generator: g, observation: g.forward(z) }), 'test-exact', { bogus: 1 })).rejects.toThrow(/unknown option 'bogus'/);
  });

  it('checks a latent-length vector option against the generator, for single problems and batches', async () => {
    const problem = createProblem({ generator: g, observation: g.forward(z) });
    const batch = createBatchProblem({ generator: g, observation: Matrix.fromRows([g.forward(z)]) });
    for (const p of [problem, batch]) {
      const error = await solve(p as typeof problem, 'test-exact', { initialLatent: [1, 2] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ShapeError', message: "solver 'test-exact' option 'initialLatent': expected length 3 (the latent dimension), got 2" });
    }
    expect((await solve(problem, 'test-exact', { initialLatent: [1, 2, 3] })).status).toBe('converged');
  });

  it('solves a batch one problem at a time when the solver has no batch path, reporting progress per item', async () => {
    const Y = new Matrix(2, 9);
    Y.data.set(g.forward(z), 0);
    Y.data.set(g.forward([1, 1, 1]), 9);
    const seen: number[] = [];
    const rs = await solve(createBatchProblem({ generator: g, observation: Y }), exact, {}, { onProgress: (p) => seen.push(p.item) });
    expect(rs).toHaveLength(2);
    expect(relativeError(rs[1].latent, [1, 1, 1])).toBeLessThan(1e-12);
    expect(seen).toEqual([0, 1]); // the solver reports item 0 each time; the wrapper maps it to the batch index
    expect(seenItems.slice(-2)).toEqual(['0/2', '1/2']); // and tells the solver which item it is solving
  });

  it('refuses problems outside what the solver supports, naming the layer or measurement', () => {
    const relu = Generator.random([3, 7, 9], { seed: 1 });
    expect(() => checkSupport(exact, createProblem({ generator: relu, observation: relu.forward(z) }))).toThrow(/does not support relu on hidden layer 0/);
    const last = Generator.random([3, 7, 9], { seed: 1, activation: { kind: 'linear' }, outputActivation: sigmoid });
    expect(() => checkSupport(exact, createProblem({ generator: last, observation: last.forward(z) }))).toThrow(/sigmoid on the last layer \(layer 1\)/);
    const biased = Generator.random([3, 7, 9], { seed: 1, bias: true, activation: { kind: 'linear' } });
    expect(() => checkSupport(exact, createProblem({ generator: biased, observation: biased.forward(z) }))).toThrow(/does not support biases/);
    const A = new MatrixOperator(new Matrix(2, 9, new Float64Array(18).fill(1)));
    expect(() => checkSupport(exact, createProblem({ generator: g, observation: [0, 0], measurement: A }))).toThrow(/does not support matrix measurements/);
  });

  it('keeps non-finite info numbers as text, so a Result never holds NaN or Infinity', () => {
    const p = createProblem({ generator: g, observation: g.forward(z) });
    const r = finishResult('x', p, { status: 'converged', message: 'ok', latent: z, iterations: 1, info: { step: Infinity, objective: NaN, kept: 2, name: 'a' } }, now());
    expect(r.info).toEqual({ step: 'Infinity', objective: 'NaN', kept: 2, name: 'a' });
  });

  it('never returns a non-finite latent: it becomes zeros with status diverged', () => {
    const p = createProblem({ generator: g, observation: g.forward(z) });
    const r = finishResult('x', p, { status: 'max_iterations', message: 'ran out', latent: [1, NaN, 2], iterations: 5 }, now());
    expect(r.status).toBe('diverged');
    expect(r.success).toBe(false);
    expect(Array.from(r.latent)).toEqual([0, 0, 0]);
    expect(r.message).toMatch(/ran out; the latent was not finite/);
    expect(Number.isFinite(r.residual)).toBe(true);
  });
});

describe('metrics', () => {
  it('take the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('compute relative error, MSE and PSNR', () => {
    expect(relativeError([3, 4], [0, 0])).toBe(5);
    expect(relativeError([1, 1], [1, 0])).toBe(1);
    expect(mse([1, 2, 3], [1, 2, 5])).toBeCloseTo(4 / 3, 15);
    expect(psnr([0.5, 0.5], [0.6, 0.4])).toBeCloseTo(20, 10); // mse 0.01 → 10·log10(100)
    expect(psnr([1], [1])).toBe(Infinity);
    expect(() => mse([1], [1, 2])).toThrow(/lengths 1 and 2 differ/);
  });
});
