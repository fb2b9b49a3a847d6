import { createProblem, gaussianVector, Generator, type LinearOperator, Rng, type RandomGeneratorOptions } from '@inv/core';

/** A random net, a Gaussian latent and its clean observation A·G(z*). */
export function instance(widths: number[], seed: number, options: RandomGeneratorOptions = {}, measurement?: (n: number, rng: Rng) => LinearOperator) {
  const generator = Generator.random(widths, { seed, ...options });
  const rng = new Rng(seed + 1000);
  const latent = gaussianVector(rng, widths[0]);
  const signal = generator.forward(latent);
  const A = measurement?.(signal.length, rng);
  const observation = A ? A.apply(signal) : signal;
  return { generator, latent, signal, A, problem: createProblem({ generator, measurement: A, observation }) };
}
