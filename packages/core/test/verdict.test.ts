import { describe, expect, it } from 'vitest';
import {
  allowedResidual, createBatchProblem, createProblem, DEFAULT_VERDICT, finishResult, Generator, gaussianVector, judge, linear, Matrix, norm2, now, Rng, solve,
  type RawResult, type Solver, type Status,
} from '../src/index.js';

/** A solver that reports whatever status it is told, at the latent it is told: a liar on demand. */
const teller: Solver = {
  name: 'test-teller',
  summary: 'reports a given status and latent',
  reference: 'none',
  supports: { hidden: ['relu', 'linear'], output: ['relu', 'linear'], measurements: 'any', biases: false },
  options: {
    status: { type: 'enum', values: ['converged', 'max_iterations', 'time_limit', 'diverged'], default: 'converged', description: 'status to report' },
    at: { type: 'vector', length: 'latent', description: 'latent to report' },
  },
  async solve(problem, options) {
    const raw: RawResult = { status: options.status as Status, message: 'told so', latent: options.at as Float64Array, iterations: 3 };
    return finishResult(this.name, problem, raw, now());
  },
};

const G = new Generator(Generator.random([3, 8], { seed: 4 }).layers.map((l) => ({ ...l, activation: linear })));
const zStar = Float64Array.from([0.5, -1, 2]);
const x = G.forward(zStar);

describe('the verdict', () => {
  it('allows noiseFactor·‖ε‖ + tol·‖y‖, with ‖ε‖ = noiseNorm, else noiseLevel·√m, else 0', () => {
    const ny = norm2(x);
    expect(allowedResidual(createProblem({ generator: G, observation: x }))).toBeCloseTo(1e-3 * ny, 15);
    expect(allowedResidual(createProblem({ generator: G, observation: x, noiseLevel: 0.1 }))).toBeCloseTo(1.5 * 0.1 * Math.sqrt(8) + 1e-3 * ny, 15);
    expect(allowedResidual(createProblem({ generator: G, observation: x, noiseLevel: 0.1, noiseNorm: 0.2 }))).toBeCloseTo(1.5 * 0.2 + 1e-3 * ny, 15);
    expect(allowedResidual(createProblem({ generator: G, observation: x, noiseNorm: 0.2, verdict: { noiseFactor: 3, tol: 0 } }))).toBeCloseTo(0.6, 15);
    expect(DEFAULT_VERDICT).toEqual({ noiseFactor: 1.5, tol: 1e-3 });
    expect(() => createProblem({ generator: G, observation: x, noiseNorm: -1 })).toThrow('noiseNorm: expected a finite number >= 0, got -1');
    expect(() => createProblem({ generator: G, observation: x, verdict: { tol: Number.NaN } })).toThrow(/verdict\.tol: expected a finite number >= 0/);
    expect(() => createProblem({ generator: G, observation: x, verdict: { slack: 2 } as never })).toThrow("verdict: unknown field 'slack' (known: noiseFactor, tol)");
  });

  it('turns a converged answer that does not fit into no_fit, with ρ, the allowed level and what to try', async () => {
    const problem = createProblem({ generator: G, observation: x });
    const wrong = Float64Array.from([0.5, -1, 2.1]);
    const r = await solve(problem, teller, { at: wrong });
    const rho = norm2(G.forward(wrong).map((v, i) => v - x[i]));
    expect(r.status).toBe('no_fit');
    expect(r.success).toBe(false);
    expect(r.fit).toEqual({ residual: r.residual, allowed: 1e-3 * norm2(x), ok: false });
    expect(r.residual).toBeCloseTo(rho, 14);
    expect(r.message).toBe(
      `stopped by its own rule (told so) at a point that does not fit: ‖A·G(ẑ) − y‖ = ${rho.toExponential(2)} > ${(1e-3 * norm2(x)).toExponential(2)} allowed (no noise stated); ` +
        'try random restarts or another start, another solver, or more measurements; if the observation is noisy, state its noise (noiseLevel or noiseNorm)',
    );
    // The same answer fits a problem that states noise of that size, and then it is a success.
    const noisy = await solve(createProblem({ generator: G, observation: x, noiseNorm: rho }), teller, { at: wrong });
    expect([noisy.status, noisy.success, noisy.fit.ok, noisy.fit.noise, noisy.message]).toEqual(['converged', true, true, rho, 'told so']);
  });

  it('says whether a max_iterations or time_limit answer fits, and never calls it a success', async () => {
    const problem = createProblem({ generator: G, observation: x });
    const fits = await solve(problem, teller, { status: 'max_iterations', at: zStar });
    expect([fits.status, fits.success, fits.fit.ok]).toEqual(['max_iterations', false, true]);
    expect(fits.message).toMatch(/^told so; the answer fits nonetheless \(‖A·G\(ẑ\) − y‖ = .* ≤ .* allowed \(no noise stated\)\), but the stopping rule was not met$/);
    const not = await solve(problem, teller, { status: 'time_limit', at: new Float64Array(3) });
    expect([not.status, not.success, not.fit.ok]).toEqual(['time_limit', false, false]);
    expect(not.message).toMatch(/^told so; the answer does not fit \(‖A·G\(ẑ\) − y‖ = .* > .* allowed/);
    const diverged = await solve(problem, teller, { status: 'diverged', at: zStar });
    expect([diverged.status, diverged.success, diverged.message]).toEqual(['diverged', false, 'told so']);
  });

  it('is idempotent: judging a judged result changes nothing', async () => {
    const problem = createProblem({ generator: G, observation: x });
    for (const status of ['converged', 'max_iterations'] as const) {
      const r = await solve(problem, teller, { status, at: new Float64Array(3) });
      expect(judge(problem, judge(problem, r))).toEqual(r);
    }
  });

  it('judges every item of a batch solved one by one, each against its own row', async () => {
    const rows = [x, gaussianVector(new Rng(1), 8), x.map((v) => 2 * v)];
    const results = await solve(createBatchProblem({ generator: G, observation: Matrix.fromRows(rows) }), teller, { at: zStar });
    expect(results.map((r) => [r.status, r.success])).toEqual([['converged', true], ['no_fit', false], ['no_fit', false]]);
    expect(results[2].fit.residual).toBeCloseTo(norm2(x), 12);
  });
});
