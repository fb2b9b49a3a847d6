/**
 * The convolutional layer classes of a tfjs layers-model (docs/conv-stages.md): Conv2D,
 * Conv2DTranspose, UpSampling2D, BatchNormalization, Reshape and Flatten. Each class is one small
 * function that updates the stages being built; layers-model.ts dispatches on the class name.
 */
import { type Activation, linear } from '../activations.js';
import { FormatError } from '../errors.js';
import { Matrix } from '../linalg.js';
import { PermuteMap } from '../permute.js';
import { ComposedMap, ConvMap, type LinearMap, MatrixMap, type Padding, type Shape, UpSampling2DMap } from '../stages.js';

type Json = Record<string, unknown>;

/** A stage being built: a dense matrix or a map, its bias (full length) and activation. */
export interface BuiltStage {
  name: string;
  weight?: Matrix;
  map?: LinearMap;
  bias?: Float64Array;
  activation: Activation;
  /** For a dense stage: the image shape a Reshape gave its output. */
  outShape?: Shape;
}

/** What a layer function sees and changes. */
export interface LayerState {
  readonly where: string;
  readonly name: string;
  readonly cfg: Json;
  /** The current output shape (without the batch axis), when known. */
  shape?: Shape;
  readonly built: BuiltStage[];
  /** Linear maps (UpSampling2D after an activation) waiting for the next convolution. */
  pending: LinearMap[];
  /** The named weight of this layer (`kernel`, `bias`, `gamma`, …) as float64, with its shape. */
  weight(kind: string): { values: Float64Array; shape: number[]; name: string };
}

export const CONV_LAYER_CLASSES = ['Conv2D', 'Conv2DTranspose', 'UpSampling2D', 'BatchNormalization', 'Reshape', 'Flatten', 'Permute'] as const;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function pair(v: unknown, field: string, where: string, fallback?: number): [number, number] {
  const value = v === undefined || v === null ? fallback : v;
  const arr = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(arr) || arr.length !== 2 || !arr.every((d) => Number.isInteger(d) && (d as number) >= 1)) {
    throw new FormatError(`${where}: ${field} must be two positive integers, got ${JSON.stringify(v)}`);
  }
  return [arr[0] as number, arr[1] as number];
}

function channelsLast(cfg: Json, where: string): void {
  if (cfg.data_format !== undefined && cfg.data_format !== null && cfg.data_format !== 'channels_last') {
    throw new FormatError(`${where}: data_format '${String(cfg.data_format)}' is not supported (only channels_last)`);
  }
}

function imageShape(state: LayerState): Shape {
  const s = state.shape;
  if (!s || s.length !== 3) {
    throw new FormatError(`${state.where}: expects an image input [height, width, channels], got ${s ? `[${s.join(', ')}]` : 'an unknown shape'} (add a Reshape before it)`);
  }
  return s;
}

/** Conv2D and Conv2DTranspose: a new stage (composed with a pending UpSampling2D), per-channel bias broadcast. */
export function convLayer(state: LayerState, transposed: boolean, activationOf: (cfg: Json) => Activation): void {
  const { cfg, where } = state;
  channelsLast(cfg, where);
  const [dh, dw] = pair(cfg.dilation_rate, 'dilation_rate', where, 1);
  if (dh !== 1 || dw !== 1) throw new FormatError(`${where}: dilation_rate ${dh}x${dw} is not supported (only 1)`);
  if (transposed && cfg.output_padding !== undefined && cfg.output_padding !== null) throw new FormatError(`${where}: output_padding is not supported`);
  if (cfg.groups !== undefined && cfg.groups !== 1) throw new FormatError(`${where}: grouped convolutions are not supported`);
  const padding = cfg.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') throw new FormatError(`${where}: padding '${String(padding)}' is not supported (same, valid)`);
  const filters = cfg.filters;
  if (!Number.isInteger(filters) || (filters as number) < 1) throw new FormatError(`${where}: filters must be a positive integer`);
  const [kh, kw] = pair(cfg.kernel_size, 'kernel_size', where);
  const strides = pair(cfg.strides, 'strides', where, 1);
  const first = state.pending.length ? state.pending[0].inShape : imageShape(state);
  const inShape = state.pending.length ? state.pending[state.pending.length - 1].outShape : first;
  const c = inShape[2];
  const expected = transposed ? [kh, kw, filters as number, c] : [kh, kw, c, filters as number];
  const kernel = state.weight('kernel');
  if (kernel.shape.join() !== expected.join()) throw new FormatError(`${where}: kernel '${kernel.name}' has shape [${kernel.shape.join(', ')}], expected [${expected.join(', ')}]`);
  let conv: ConvMap;
  try {
    conv = new ConvMap(transposed ? 'conv2d_transpose' : 'conv2d', inShape, expected, kernel.values, strides, padding as Padding);
  } catch (e) {
    throw new FormatError(`${where}: ${(e as Error).message}`);
  }
  const map = state.pending.length ? new ComposedMap([...state.pending, conv]) : conv;
  state.pending = [];
  let bias: Float64Array | undefined;
  if (cfg.use_bias !== false) {
    const b = state.weight('bias');
    if (b.shape.length !== 1 || b.shape[0] !== filters) throw new FormatError(`${where}: bias '${b.name}' has shape [${b.shape.join(', ')}], expected [${filters}]`);
    bias = broadcast(b.values, map.rows);
  }
  state.built.push({ name: state.name, map, bias, activation: cfg.activation === undefined ? linear : activationOf(cfg) });
  state.shape = map.outShape;
}

/** A per-channel vector repeated over every pixel of an NHWC image of `n` values. */
function broadcast(perChannel: Float64Array, n: number): Float64Array {
  const c = perChannel.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = perChannel[i % c];
  return out;
}

/**
 * UpSampling2D (nearest). Right after a map stage with no activation yet it joins that stage (U·(Ax + b));
 * otherwise it waits for the next convolution (σ commutes with nearest upsampling, but a following
 * Conv2D needs it inside its stage).
 */
export function upSamplingLayer(state: LayerState): void {
  const { cfg, where } = state;
  channelsLast(cfg, where);
  if (cfg.interpolation !== undefined && cfg.interpolation !== 'nearest') throw new FormatError(`${where}: interpolation '${String(cfg.interpolation)}' is not supported (only nearest)`);
  const inShape = state.pending.length ? state.pending[state.pending.length - 1].outShape : imageShape(state);
  const up = new UpSampling2DMap(inShape, pair(cfg.size, 'size', where, 2));
  const last = state.built[state.built.length - 1];
  if (!state.pending.length && last?.map && last.activation.kind === 'linear') {
    last.map = new ComposedMap([last.map, up]);
    if (last.bias) last.bias = up.apply(last.bias);
  } else {
    state.pending.push(up);
  }
  state.shape = up.outShape;
}

/** BatchNormalization (inference): folded into the preceding stage's map and bias as a channel scale. */
export function batchNormLayer(state: LayerState): void {
  const { cfg, where } = state;
  const last = state.built[state.built.length - 1];
  const axis = cfg.axis;
  const rank = state.shape?.length ?? 1;
  const axes = Array.isArray(axis) ? axis : [axis ?? -1];
  if (axes.length !== 1 || !(axes[0] === -1 || axes[0] === rank)) throw new FormatError(`${where}: only normalisation over the last (channel) axis is supported, got axis ${JSON.stringify(axis)}`);
  if (!last || state.pending.length || last.activation.kind !== 'linear') {
    throw new FormatError(`${where}: a BatchNormalization must directly follow a Dense, Conv2D or Conv2DTranspose with no activation (it is folded into that layer)`);
  }
  const eps = typeof cfg.epsilon === 'number' ? cfg.epsilon : 1e-3;
  const channels = state.shape ? state.shape[state.shape.length - 1] : 0;
  const vector = (kind: string) => {
    const w = state.weight(kind);
    if (w.shape.length !== 1 || w.shape[0] !== channels) throw new FormatError(`${where}: ${kind} '${w.name}' has shape [${w.shape.join(', ')}], expected [${channels}]`);
    return w.values;
  };
  const gamma = cfg.scale === false ? new Float64Array(channels).fill(1) : vector('gamma');
  const beta = cfg.center === false ? new Float64Array(channels) : vector('beta');
  const mean = vector('moving_mean');
  const variance = vector('moving_variance');
  const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + eps));
  if (!scale.every(Number.isFinite)) throw new FormatError(`${where}: moving_variance + epsilon must be positive`);
  if (last.weight) {
    const m = new MatrixMap(last.weight).scaleChannels(scale) as MatrixMap;
    last.weight = m.weight;
  } else {
    last.map = last.map!.scaleChannels(scale);
  }
  const n = last.weight ? last.weight.rows : last.map!.rows;
  const bias = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % channels;
    bias[i] = ((last.bias?.[i] ?? 0) - mean[c]) * scale[c] + beta[c];
  }
  last.bias = bias;
}

/** Reshape: the identity on flattened NHWC vectors; records the new shape. */
export function reshapeLayer(state: LayerState): void {
  const { cfg, where } = state;
  const target = cfg.target_shape;
  if (!Array.isArray(target) || !target.every((d) => (Number.isInteger(d) && (d as number) >= 1) || d === -1)) {
    throw new FormatError(`${where}: target_shape must be a list of positive integers`);
  }
  const n = state.shape ? size(state.shape) : undefined;
  let dims = target as number[];
  if (dims.includes(-1)) {
    if (n === undefined) throw new FormatError(`${where}: target_shape with -1 needs a known input shape`);
    const known = size(dims.filter((d) => d !== -1));
    dims = dims.map((d) => (d === -1 ? n / known : d));
  }
  if (n !== undefined && size(dims) !== n) throw new FormatError(`${where}: cannot reshape ${n} values to [${dims.join(', ')}]`);
  setShape(state, dims);
}

/** Flatten: the identity on flattened NHWC vectors. */
export function flattenLayer(state: LayerState): void {
  channelsLast(state.cfg, state.where);
  if (!state.shape) throw new FormatError(`${state.where}: needs a known input shape`);
  setShape(state, [size(state.shape)]);
}

function setShape(state: LayerState, dims: number[]): void {
  if (state.pending.length) throw new FormatError(`${state.where}: a Reshape or Flatten between UpSampling2D and a convolution is not supported`);
  const last = state.built[state.built.length - 1];
  if (last?.weight && dims.length === 3) last.outShape = dims;
  state.shape = dims;
}

/**
 * Permute (Keras' dims count from 1, without the batch axis): a permutation of the entries, which
 * commutes with every activation, so it joins the stage before it: P·σ(Ax + b) = σ(PAx + Pb). A
 * Dense stage just has its rows reordered; a map stage gains a PermuteMap part.
 */
export function permuteLayer(state: LayerState): void {
  const { cfg, where } = state;
  const inShape = state.pending.length ? state.pending[state.pending.length - 1].outShape : state.shape;
  if (!inShape) throw new FormatError(`${where}: needs a known input shape`);
  const dims = cfg.dims;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d))) throw new FormatError(`${where}: dims must be a list of axes (1 … ${inShape.length})`);
  let map: PermuteMap;
  try {
    map = new PermuteMap(inShape, (dims as number[]).map((d) => d - 1));
  } catch (e) {
    throw new FormatError(`${where}: ${(e as Error).message}`);
  }
  const last = state.built[state.built.length - 1];
  if (state.pending.length) {
    state.pending.push(map);
  } else if (last?.weight) {
    const src = map.sparseRows().col, w = last.weight;
    const rows = new Matrix(w.rows, w.cols);
    for (let r = 0; r < w.rows; r++) rows.data.set(w.data.subarray(src[r] * w.cols, (src[r] + 1) * w.cols), r * w.cols);
    last.weight = rows;
    if (last.bias) last.bias = map.apply(last.bias);
    last.outShape = map.outShape;
  } else if (last?.map) {
    last.map = new ComposedMap([last.map, map]);
    if (last.bias) last.bias = map.apply(last.bias);
  } else {
    throw new FormatError(`${where}: a Permute before the first Dense or convolution is not supported`);
  }
  state.shape = map.outShape;
}

/** Pending upsampling at the end of the model becomes its own linear stage. */
export function flushPending(state: Pick<LayerState, 'pending' | 'built'>): void {
  if (!state.pending.length) return;
  const map = state.pending.length === 1 ? state.pending[0] : new ComposedMap(state.pending);
  state.built.push({ name: 'up_sampling', map, activation: linear });
  state.pending = [];
}
