/** One solve scored against the truth, the unit every experiment aggregates. */
import { createProblem, gaussianVector, Generator, relativeError, Rng, solve, sphereVector, type LinearOperator } from '@inv/core';

export interface Scored {
  solver: string;
  /** ‖ẑ − z*‖/‖z*‖. */
  latentError: number;
  /** ‖G(ẑ) − G(z*)‖/‖G(z*)‖. */
  reconstructionError: number;
  timeMs: number;
  status: string;
  /** The verdict (docs/verdict.md): stopped properly and fits the observation. */
  success: boolean;
}

/** The verdict columns every success-rate experiment adds beside its recovery-based success rate. */
export const VERDICT_COLUMNS = ['verdict_success_rate', 'false_successes'] as const;

/**
 * The fraction of solves the verdict calls a success, and how many of those did not recover the
 * latent (`recovered` says which did): a false success is a fit to a wrong latent, which only a
 * non-injective G allows on the noise-free observations the experiments use.
 */
export function verdictCells(group: readonly Scored[], recovered: (s: Scored) => boolean): [number, number] {
  return [group.filter((r) => r.success).length / group.length, group.filter((r) => r.success && !recovered(r)).length];
}

export interface Instance {
  generator: Generator;
  latent: Float64Array;
  signal: Float64Array;
}

/** A random net with the papers' N(0, 1/n_i) weights and a latent ~ N(0, I) (or on the unit sphere). */
export function randomInstance(widths: readonly number[], seed: number, latent: 'gaussian' | 'sphere' = 'gaussian'): Instance {
  const generator = Generator.random(widths, { seed });
  const rng = new Rng(seed + 7919);
  const z = latent === 'sphere' ? sphereVector(rng, widths[0]) : gaussianVector(rng, widths[0]);
  return { generator, latent: z, signal: generator.forward(z) };
}

export async function solveScored(
  instance: Instance,
  observation: Float64Array,
  solver: string,
  options: Record<string, unknown> = {},
  extra: { measurement?: LinearOperator; noiseLevel?: number } = {},
): Promise<Scored> {
  const problem = createProblem({ generator: instance.generator, observation, ...extra });
  const r = await solve(problem, solver, options);
  return {
    solver,
    latentError: relativeError(r.latent, instance.latent),
    reconstructionError: relativeError(r.reconstruction, instance.signal),
    timeMs: r.timeMs,
    status: r.status,
    success: r.success,
  };
}

/** `count` evenly spaced values from `from` to `to`. */
export function linspace(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? from : from + ((to - from) * i) / (count - 1)));
}

/** from, from+step, … up to and including `to`. */
export function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}
