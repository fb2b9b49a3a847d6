/** @inv/core: the contract every inv solver and app builds on. */
export * from './errors.js';
export * from './random.js';
export * from './linalg.js';
export * from './activations.js';
export * from './generator.js';
export * from './operators.js';
export * from './problem.js';
export * from './result.js';
export * from './solver.js';
export * from './metrics.js';
export * from './image.js';
export * from './tf.js';
export * from './io/ndarray.js';
export * from './io/npy.js';
export * from './io/json-array.js';
export * from './io/layers-model.js';
export * from './io/png.js';
