/**
 * Writes the map stages of a generator (./conv-layers.ts reads them) as Keras layers: UpSampling2D,
 * Conv2D / Conv2DTranspose with a per-channel bias, the activation, and a Reshape or Flatten wherever the
 * next stage expects another shape.
 */
import { type Activation } from '../activations.js';
import { FormatError } from '../errors.js';
import type { MapLayer } from '../generator.js';
import { PermuteMap } from '../permute.js';
import { ComposedMap, ConvMap, type LinearMap, type Shape, UpSampling2DMap } from '../stages.js';

type Json = Record<string, unknown>;

export interface WrittenWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The config fields and extra layer that express an activation (leaky ReLU is its own layer). */
export function activationLayers(act: Activation, index: number): { activation: string; extra: Json[] } {
  if (act.kind !== 'leaky_relu') return { activation: act.kind, extra: [] };
  return { activation: 'linear', extra: [{ class_name: 'LeakyReLU', config: { name: `leaky_re_lu_${index + 1}`, alpha: act.alpha, dtype: 'float32' } }] };
}

/** A Reshape (or Flatten for a flat target) when the next stage takes another shape than the last gave. */
export function reshapeLayers(from: Shape, to: Shape, index: number): Json[] {
  if (from.join() === to.join()) return [];
  if (to.length === 1) return [{ class_name: 'Flatten', config: { name: `flatten_${index + 1}`, dtype: 'float32' } }];
  return [{ class_name: 'Reshape', config: { name: `reshape_${index + 1}`, target_shape: [...to], dtype: 'float32' } }];
}

/** The per-channel values of a bias that repeats over the pixels of an NHWC output with `c` channels. */
export function perChannel(bias: Float64Array, c: number, where: string, format = 'a layers model'): Float64Array {
  for (let i = c; i < bias.length; i++) if (bias[i] !== bias[i % c]) throw new FormatError(`${where}: its bias is not one value per channel, which ${format} cannot store`);
  return bias.subarray(0, c);
}

/**
 * A map stage's parts, checked to be writable (at most one convolution, and a bias only with one),
 * with that convolution's per-channel bias: the stage's bias taken back through the parts after the
 * convolution (a permutation is undone by its adjoint; an upsampling keeps a per-channel bias).
 * Shared by this writer and ./onnx-write.ts.
 */
export function stageParts(stage: MapLayer, where: string, format: string): { parts: readonly LinearMap[]; convBias?: Float64Array } {
  const parts: readonly LinearMap[] = stage.map instanceof ComposedMap ? stage.map.parts : [stage.map];
  const convAt = parts.findIndex((p) => p instanceof ConvMap);
  if (parts.filter((p) => p instanceof ConvMap).length > 1 || parts.some((p) => !(p instanceof ConvMap) && !(p instanceof UpSampling2DMap) && !(p instanceof PermuteMap))) {
    throw new FormatError(`${where}: ${stage.map.describe()} cannot be written as ${format}`);
  }
  if (!stage.bias) return { parts };
  if (convAt < 0) throw new FormatError(`${where}: a bias without a convolution cannot be written as ${format}`);
  const after = parts.slice(convAt + 1);
  const convBias = after.reduceRight((b, p) => (p instanceof PermuteMap ? p.adjoint(b) : Float64Array.from({ length: p.cols }, (_, i) => b[i % p.inShape[2]])), stage.bias as Float64Array);
  const back = after.reduce((b, p) => p.apply(b), convBias);
  if (back.some((v, i) => v !== stage.bias![i])) throw new FormatError(`${where}: its bias is not one value per channel, which ${format} cannot store`);
  return { parts, convBias };
}

/** The Keras layers and weights of one map stage. */
export function mapLayers(stage: MapLayer, index: number): { layers: Json[]; weights: WrittenWeight[] } {
  const layers: Json[] = [];
  const weights: WrittenWeight[] = [];
  const where = `layer ${index}`;
  const { parts, convBias } = stageParts(stage, where, 'a layers model');
  const { activation, extra } = activationLayers(stage.activation, index);
  const lastIsConv = parts[parts.length - 1] instanceof ConvMap;
  parts.forEach((p, j) => {
    const name = `${p.kind}_${index + 1}_${j + 1}`;
    if (p instanceof UpSampling2DMap) {
      layers.push({ class_name: 'UpSampling2D', config: { name, size: [...p.size], data_format: 'channels_last', interpolation: 'nearest', dtype: 'float32' } });
      return;
    }
    if (p instanceof PermuteMap) {
      layers.push({ class_name: 'Permute', config: { name, dims: p.axes.map((a) => a + 1), dtype: 'float32' } });
      return;
    }
    const conv = p as ConvMap;
    const last = j === parts.length - 1;
    const filters = conv.outShape[2];
    layers.push({
      class_name: conv.kind === 'conv2d' ? 'Conv2D' : 'Conv2DTranspose',
      config: {
        name, trainable: true, dtype: 'float32', filters, kernel_size: conv.kernelShape.slice(0, 2), strides: [...conv.strides], padding: conv.padding,
        data_format: 'channels_last', dilation_rate: [1, 1], activation: last ? activation : 'linear', use_bias: convBias !== undefined,
      },
    });
    weights.push({ name: `${name}/kernel`, shape: [...conv.kernelShape], data: Float32Array.from(conv.kernel) });
    if (convBias) weights.push({ name: `${name}/bias`, shape: [filters], data: Float32Array.from(perChannel(convBias, filters, where)) });
  });
  if (!lastIsConv && activation !== 'linear') layers.push({ class_name: 'Activation', config: { name: `activation_${index + 1}`, activation, dtype: 'float32' } });
  layers.push(...extra);
  return { layers, weights };
}
