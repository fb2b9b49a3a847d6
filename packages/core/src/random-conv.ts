/**
 * Random convolutional generators (Gaussian weights) for tests and experiments: the papers' dense
 * convention carried over by scaling every stage so that ‖A_i‖_F² = n_{i−1} (E‖A_i x‖² = ‖x‖² for a
 * random direction), which is what N(0, 1/n_i) entries give a dense layer.
 */
import { relu } from './activations.js';
import { assertInteger, ShapeError } from './errors.js';
import { denseLayer, Generator, mapLayer, type RandomGeneratorOptions, type Stage } from './generator.js';
import { Matrix } from './linalg.js';
import { gaussianVector, Rng } from './random.js';
import { ComposedMap, Conv2DMap, Conv2DTransposeMap, type LinearMap, type Padding, type Shape, UpSampling2DMap } from './stages.js';

export type ConvStageSpec =
  /** Dense to an image shape [h, w, c] (or a flat [n]). */
  | { kind: 'dense'; shape: readonly number[] }
  | { kind: 'conv2d' | 'conv2d_transpose'; filters: number; kernel: number; stride?: number; padding?: Padding; upsample?: number };

/** The options of `Generator.random`: seed, biases, hidden and output activations. */
export type RandomConvOptions = RandomGeneratorOptions;

/**
 * A random generator from latent width k through `specs` (stride default 1, padding default `same`;
 * `upsample` puts a nearest UpSampling2D before the convolution, in the same stage).
 */
export function randomConvGenerator(k: number, specs: readonly ConvStageSpec[], options: RandomConvOptions = {}): Generator {
  assertInteger(k, 'latent width', 1);
  if (specs.length === 0) throw new ShapeError('conv generator: expected at least one stage');
  const rng = new Rng(options.seed ?? 0);
  const hidden = options.activation ?? relu;
  let shape: Shape = [k];
  const stages: Stage[] = specs.map((spec, i) => {
    const act = i === specs.length - 1 ? (options.outputActivation ?? hidden) : hidden;
    const n = shape.reduce((a, b) => a * b, 1);
    let stage: Stage;
    if (spec.kind === 'dense') {
      const out = spec.shape.reduce((a, b) => a * b, 1);
      const weight = new Matrix(out, n, gaussianVector(rng, out * n, 1 / Math.sqrt(out)));
      stage = denseLayer(weight, options.bias ? gaussianVector(rng, out, 1 / Math.sqrt(out)) : undefined, act, `layer ${i}`, spec.shape.length > 1 ? spec.shape : undefined);
      shape = spec.shape;
    } else {
      if (shape.length !== 3) throw new ShapeError(`conv generator stage ${i}: a convolution needs an image input; give the dense stage before it a shape [h, w, c]`);
      const stride = spec.stride ?? 1, padding = spec.padding ?? 'same';
      const parts: LinearMap[] = [];
      let inShape = shape;
      if (spec.upsample) {
        const up = new UpSampling2DMap(inShape, [spec.upsample, spec.upsample]);
        parts.push(up);
        inShape = up.outShape;
      }
      const c = inShape[2];
      const kernelShape = spec.kind === 'conv2d' ? [spec.kernel, spec.kernel, c, spec.filters] : [spec.kernel, spec.kernel, spec.filters, c];
      const raw = gaussianVector(rng, kernelShape.reduce((a, b) => a * b, 1));
      const make = (kernel: Float64Array) =>
        spec.kind === 'conv2d' ? new Conv2DMap(inShape, kernelShape, kernel, [stride, stride], padding) : new Conv2DTransposeMap(inShape, kernelShape, kernel, [stride, stride], padding);
      const probe = make(raw);
      const frob = probe.sparseRows().value.reduce((s, v) => s + v * v, 0);
      const scale = Math.sqrt(probe.cols / frob);
      parts.push(make(raw.map((v) => v * scale)));
      const map = parts.length === 1 ? parts[0] : new ComposedMap(parts);
      // one bias per output channel, repeated over the pixels (as a Keras convolution has)
      const f = spec.filters;
      const perChannel = options.bias ? gaussianVector(rng, f, 1 / Math.sqrt(map.rows)) : undefined;
      stage = mapLayer(map, perChannel && Float64Array.from({ length: map.rows }, (_, r) => perChannel[r % f]), act, `layer ${i}`);
      shape = map.outShape;
    }
    return stage;
  });
  return new Generator(stages);
}
