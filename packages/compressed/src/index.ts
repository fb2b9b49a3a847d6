/**
 * @inv/compressed: Gaussian and subsampled measurement operators, compressed-sensing problems with
 * generative priors, Lasso baselines (pixel and DCT) and the m ≳ 2^d·n_0 guard. Browser-safe.
 */
export * from './gaussian.js';
export * from './subsample.js';
export * from './spec.js';
export * from './guard.js';
export * from './problem.js';
export * from './basis.js';
export * from './lasso.js';
export * from './sweep.js';
