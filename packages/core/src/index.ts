/**
 * @inv/core: the contract every inv solver and app builds on. Batched tfjs-wasm work lives in
 * `@inv/core/tf` so that importing the contract does not load tfjs (about 200 ms per worker thread).
 */
export * from './errors.js';
export * from './optional.js';
export * from './random.js';
export * from './linalg.js';
export * from './activations.js';
export * from './generator.js';
export * from './stages.js';
export * from './permute.js';
export * from './random-conv.js';
export * from './operators.js';
export * from './noise.js';
export * from './measurement-spec.js';
export * from './problem.js';
export * from './result.js';
export * from './verdict.js';
export * from './judge.js';
export * from './polish.js';
export * from './option-text.js';
export * from './solver.js';
export * from './batch-workers.js';
export * from './metrics.js';
export * from './pace.js';
export * from './image.js';
export * from './io/ndarray.js';
export * from './io/npy.js';
export * from './io/json-array.js';
export * from './io/layers-model.js';
export { serializeOnnx } from './io/onnx-write.js';
export { decodeOnnx, MAX_STAGE_VALUES, onnxToLayersModel, parseOnnx, SUPPORTED_ONNX_OPS, type ExternalDataReader, type OnnxOptions } from './io/onnx.js';
export * from './io/png.js';
export * from './io/limits.js';
export * from './table.js';
export * from './bench-contract.js';
export * from './kernels/index.js';
