/**
 * TensorFlow.js layers-model files (model.json + weight shards) holding a Sequential stack of Dense
 * layers, or of convolutional layers (./conv-layers.ts, docs/conv-stages.md). Two layouts are read: the Python converter's (`modelTopology.model_config`) and the one
 * tfjs-layers `model.save` writes (`modelTopology.class_name`). Kernels are stored [in, out] in both.
 */
import { activationName, leakyRelu, linear, parseActivation, type Activation } from '../activations.js';
import { FormatError } from '../errors.js';
import { denseLayer, Generator, isDense, mapLayer, type Stage } from '../generator.js';
import { Matrix } from '../linalg.js';
import { concatBytes } from './bytes.js';
import { parseJsonText } from './json-text.js';
import { checkLayerCount } from './limits.js';
import {
  batchNormLayer, type BuiltStage, CONV_LAYER_CLASSES, convLayer, flattenLayer, flushPending, type LayerState, permuteLayer, reshapeLayer, upSamplingLayer,
} from './conv-layers.js';
import { activationLayers, mapLayers, reshapeLayers } from './conv-write.js';

export type LayersModelLayout = 'tfjs' | 'keras';

export interface LayersModelFiles {
  /** The model.json object. */
  modelJson: Record<string, unknown>;
  /** The weight shard, named by `weightsPath`. */
  weightData: Uint8Array;
  weightsPath: string;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  offset: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON value for a message. String() or Number() would throw on an object such as {"toString": false}. */
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** A numeric config field: `fallback` when absent, NaN (rejected later) when not a number. */
const numberField = (v: unknown, fallback: number): number => (v === undefined || v === null ? fallback : typeof v === 'number' ? v : NaN);

/** The weight shard paths in the order their bytes are concatenated (relative to model.json). */
export function weightPaths(modelJson: unknown, source = 'model.json'): string[] {
  const manifest = getManifest(modelJson, source);
  return manifest.flatMap((group, g) => {
    if (!isObject(group) || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) {
      throw new FormatError(`${source}: weightsManifest[${g}].paths must be a list of file names`);
    }
    return group.paths as string[];
  });
}

/** Throws if a name occurs twice: a repeated weight would silently feed the wrong layer, a repeated shard be read twice. */
function checkUnique(names: readonly string[], what: string, source: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new FormatError(`${source}: ${what} '${n}' is listed more than once in weightsManifest`);
    seen.add(n);
  }
}

/** The number of weight bytes the manifest declares (float32), known before any shard is read. */
export function declaredWeightBytes(modelJson: unknown, source = 'model.json'): number {
  return weightSpecs(modelJson, source).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
}

function getManifest(modelJson: unknown, source: string): unknown[] {
  if (!isObject(modelJson)) throw new FormatError(`${source}: expected a JSON object (a tfjs layers-model)`);
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    throw new FormatError(`${source}: format is '${shown(modelJson.format)}', expected 'layers-model'`);
  }
  if (!Array.isArray(modelJson.weightsManifest)) throw new FormatError(`${source}: missing weightsManifest (a list of weight groups)`);
  return modelJson.weightsManifest;
}

function weightSpecs(modelJson: unknown, source: string): WeightSpec[] {
  const specs: WeightSpec[] = [];
  let offset = 0;
  getManifest(modelJson, source).forEach((group, g) => {
    if (!isObject(group) || !Array.isArray(group.weights)) throw new FormatError(`${source}: weightsManifest[${g}].weights must be a list`);
    group.weights.forEach((w, i) => {
      const where = `${source}: weightsManifest[${g}].weights[${i}]`;
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        throw new FormatError(`${where} needs a name and a shape of non-negative integers`);
      }
      if (w.quantization !== undefined) throw new FormatError(`${where} (${w.name}) is quantized; only float32 weights are supported`);
      const dtype = w.dtype ?? 'float32';
      if (dtype !== 'float32') throw new FormatError(`${where} (${w.name}) has dtype ${shown(dtype)}, expected float32`);
      const shape = w.shape as number[];
      specs.push({ name: w.name, shape, dtype, offset });
      offset += shape.reduce((a, b) => a * b, 1) * 4;
    });
  });
  checkUnique(specs.map((w) => w.name), 'weight', source);
  return specs;
}

/** The list of layer configs, from either layout. */
function layerList(modelJson: Json, source: string): Json[] {
  const topo = modelJson.modelTopology;
  if (!isObject(topo)) throw new FormatError(`${source}: missing modelTopology`);
  const model = isObject(topo.model_config) ? topo.model_config : topo;
  if (model.class_name !== 'Sequential') {
    throw new FormatError(`${source}: model class is '${shown(model.class_name)}', expected 'Sequential' (a stack of Dense layers)`);
  }
  const config = model.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers)) throw new FormatError(`${source}: modelTopology has no list of layers`);
  checkLayerCount(layers.length, source);
  if (!layers.every(isObject)) throw new FormatError(`${source}: modelTopology has no list of layers`);
  return layers as Json[];
}

function activationOf(name: unknown, where: string): Activation {
  if (typeof name !== 'string') throw new FormatError(`${where}: activation must be a string name, got ${JSON.stringify(name)}`);
  try {
    return parseActivation(name === 'leaky_relu' ? 'leaky_relu:0.2' : name);
  } catch {
    throw new FormatError(`${where}: unsupported activation '${name}' (supported: relu, leaky_relu, linear, sigmoid, tanh)`);
  }
}

function inputWidth(cfg: Json): number | undefined {
  const shape = inputShape(cfg);
  return shape?.length === 1 ? shape[0] : undefined;
}

/** The declared input shape without the batch axis ([k], or [h, w, c] for an image input). */
function inputShape(cfg: Json): number[] | undefined {
  const shape = cfg.batch_input_shape ?? cfg.batch_shape ?? cfg.batchInputShape;
  if (!Array.isArray(shape) || shape.length < 2) return undefined;
  const dims = shape.slice(1);
  return dims.every((d) => Number.isInteger(d) && (d as number) >= 1) ? (dims as number[]) : undefined;
}

const SUPPORTED = ['Dense', 'Activation', 'ReLU', 'LeakyReLU', 'Dropout', 'InputLayer', ...CONV_LAYER_CLASSES].join(', ');

/** Parses model.json bytes; returns the JSON and the weight shard paths it names (relative to it). */
export function readModelJson(bytes: Uint8Array, source = 'model.json'): { json: unknown; shards: string[] } {
  const json = parseJsonText(new TextDecoder().decode(bytes), source);
  const shards = weightPaths(json, source);
  checkUnique(shards, 'weight file', source);
  return { json, shards };
}

/** A Generator from a parsed model.json and its weight shards' bytes, in manifest order. */
export function assembleLayersModel(json: unknown, shards: readonly Uint8Array[], source = 'model.json'): Generator {
  return parseLayersModel(json, concatBytes(shards), source);
}

/** Builds a Generator from a parsed model.json and its concatenated weight bytes. */
export function parseLayersModel(modelJson: unknown, weightData: Uint8Array | ArrayBuffer, source = 'model.json'): Generator {
  const bytes = weightData instanceof Uint8Array ? weightData : new Uint8Array(weightData);
  const specs = weightSpecs(modelJson, source);
  const layers = layerList(modelJson as Json, source);
  const weights = new Weights(specs, bytes, source);
  const stack: Stack = { built: [], pending: [] };
  layers.forEach((layer, i) => readLayer(layer, i, stack, weights, source));
  return toGenerator(stack, weights, source);
}

/** The manifest's weights over their concatenated bytes, handed to layers by name (or in manifest order). */
class Weights {
  private readonly view: DataView;
  private readonly used = new Set<WeightSpec>();
  private next = 0; // manifest order, for files whose weight names do not carry the layer name

  constructor(
    private readonly specs: readonly WeightSpec[],
    bytes: Uint8Array,
    source: string,
  ) {
    const total = specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
    if (bytes.length !== total) throw new FormatError(`${source}: the weight files hold ${bytes.length} bytes, the manifest describes ${total}`);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Layer `layerName`'s `kind` weight (kernel, bias, …): by name, else the next unused one in manifest order. */
  take(layerName: string, kind: string, where: string): WeightSpec {
    const byName = this.specs.find((s) => !this.used.has(s) && (s.name === `${layerName}/${kind}` || s.name.endsWith(`/${layerName}/${kind}`)));
    let spec = byName;
    if (!spec) {
      while (this.next < this.specs.length && this.used.has(this.specs[this.next])) this.next++;
      spec = this.specs[this.next];
      if (!spec || !spec.name.endsWith(kind)) throw new FormatError(`${where}: no ${kind} weight found in the manifest`);
    }
    this.used.add(spec);
    return spec;
  }

  /** A weight's float32 values as float64. */
  read(spec: WeightSpec): Float64Array {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.view.getFloat32(spec.offset + 4 * i, true);
    return out;
  }

  /** The first weight that no layer took. */
  firstUnused(): WeightSpec | undefined {
    return this.specs.find((s) => !this.used.has(s));
  }
}

/** The stages read so far and the shape that flows into the next layer. */
interface Stack {
  built: BuiltStage[];
  /** The input width an InputLayer or the first layer's config declares. */
  declaredInput?: number;
  /** The current output shape (without the batch axis), when known. */
  shape?: number[];
  pending: LayerState['pending'];
}

/** Reads layer `i` onto the stack: a new stage, an activation for the last one, or a change of shape. */
function readLayer(layer: Json, i: number, stack: Stack, weights: Weights, source: string): void {
  const cfg = isObject(layer.config) ? layer.config : {};
  const name = typeof cfg.name === 'string' ? cfg.name : `layer ${i}`;
  const where = `${source}: layer ${i} ('${name}', ${shown(layer.class_name)})`;
  switch (layer.class_name) {
    case 'InputLayer':
      stack.declaredInput = inputWidth(cfg);
      stack.shape = inputShape(cfg);
      break;
    case 'Dropout': // identity at inference time
      break;
    case 'Dense':
      readDense(cfg, name, where, stack, weights);
      break;
    case 'Activation':
      setActivation(stack, activationOf(cfg.activation, where), where);
      break;
    case 'ReLU': {
      const slope = numberField(cfg.negative_slope, 0);
      if ((cfg.max_value ?? null) !== null || numberField(cfg.threshold, 0) !== 0) {
        throw new FormatError(`${where}: ReLU with max_value or threshold is not supported`);
      }
      setActivation(stack, slope === 0 ? { kind: 'relu' } : leakyReluOf(slope, where), where);
      break;
    }
    case 'LeakyReLU':
      setActivation(stack, leakyReluOf(numberField(cfg.alpha ?? cfg.negative_slope, 0.3), where), where);
      break;
    default: {
      const state: LayerState = {
        where,
        name,
        cfg,
        shape: stack.shape,
        built: stack.built,
        pending: stack.pending,
        weight: (kind) => {
          const spec = weights.take(name, kind, where);
          return { values: weights.read(spec), shape: spec.shape, name: spec.name };
        },
      };
      if (!convClass(layer.class_name, state)) {
        throw new FormatError(`${where}: layer type '${shown(layer.class_name)}' is not supported (supported: ${SUPPORTED})`);
      }
      stack.shape = state.shape as number[] | undefined;
      stack.pending = state.pending;
    }
  }
}

/** A Dense layer: kernel [in, out] (transposed into the stage's out × in matrix) and an optional bias. */
function readDense(cfg: Json, name: string, where: string, stack: Stack, weights: Weights): void {
  const { pending, shape } = stack;
  const units = cfg.units;
  if (!Number.isInteger(units) || (units as number) < 1) throw new FormatError(`${where}: units must be a positive integer`);
  if (pending.length || (shape && shape.length !== 1)) {
    throw new FormatError(`${where}: Dense needs a flat input, got [${(pending.length ? pending[0].outShape : shape!).join(', ')}] (add a Flatten before it)`);
  }
  stack.declaredInput ??= inputWidth(cfg);
  const activation = cfg.activation === undefined ? linear : activationOf(cfg.activation, where);
  const kernel = weights.take(name, 'kernel', where);
  const inWidth = shape ? shape[0] : (stack.declaredInput ?? kernel.shape[0]);
  if (kernel.shape.length !== 2 || kernel.shape[0] !== inWidth || kernel.shape[1] !== units) {
    throw new FormatError(`${where}: kernel '${kernel.name}' has shape [${kernel.shape.join(', ')}], expected [${inWidth}, ${units}]`);
  }
  const k = weights.read(kernel);
  const weight = new Matrix(units as number, inWidth);
  for (let r = 0; r < inWidth; r++) for (let c = 0; c < (units as number); c++) weight.data[c * inWidth + r] = k[r * (units as number) + c];
  let bias: Float64Array | undefined;
  if (cfg.use_bias !== false) {
    const b = weights.take(name, 'bias', where);
    if (b.shape.length !== 1 || b.shape[0] !== units) throw new FormatError(`${where}: bias '${b.name}' has shape [${b.shape.join(', ')}], expected [${units}]`);
    bias = weights.read(b);
  }
  stack.built.push({ weight, bias, activation, name });
  stack.shape = [units as number];
}

/** An activation layer: sets the activation of the stage before it, which must still be linear. */
function setActivation(stack: Stack, act: Activation, where: string): void {
  const last = stack.built[stack.built.length - 1];
  if (!last) throw new FormatError(`${where}: an activation before any Dense layer is not supported`);
  if (stack.pending.length) throw new FormatError(`${where}: an activation between UpSampling2D and a convolution is not supported`);
  if (last.activation.kind !== 'linear') {
    throw new FormatError(`${where}: follows Dense '${last.name}' which already applies ${activationName(last.activation)}; only one activation per Dense layer is supported`);
  }
  last.activation = act;
}

/** The generator of the stages read; every weight of the manifest must have been used. */
function toGenerator(stack: Stack, weights: Weights, source: string): Generator {
  const { built } = stack;
  flushPending({ built, pending: stack.pending });
  if (built.length === 0) throw new FormatError(`${source}: the model has no Dense or convolution layer`);
  const unused = weights.firstUnused();
  if (unused) throw new FormatError(`${source}: weight '${unused.name}' belongs to no supported layer`);
  const stages: Stage[] = built.map((b) => {
    try {
      const field = `${source}: layer '${b.name}'`;
      return b.map ? mapLayer(b.map, b.bias, b.activation, field) : denseLayer(b.weight!, b.bias, b.activation, field, b.outShape);
    } catch (e) {
      throw new FormatError((e as Error).message);
    }
  });
  try {
    return new Generator(stages);
  } catch (e) {
    throw new FormatError(`${source}: ${(e as Error).message}`);
  }
}

/** The convolutional layer classes (./conv-layers.ts); false for a class that is not one of them. */
function convClass(className: unknown, state: LayerState): boolean {
  const act = (cfg: Json) => activationOf(cfg.activation, state.where);
  switch (className) {
    case 'Conv2D':
      convLayer(state, false, act);
      return true;
    case 'Conv2DTranspose':
      convLayer(state, true, act);
      return true;
    case 'UpSampling2D':
      upSamplingLayer(state);
      return true;
    case 'BatchNormalization':
      batchNormLayer(state);
      return true;
    case 'Reshape':
      reshapeLayer(state);
      return true;
    case 'Flatten':
      flattenLayer(state);
      return true;
    case 'Permute':
      permuteLayer(state);
      return true;
    default:
      return false;
  }
}

function leakyReluOf(alpha: number, where: string): Activation {
  if (!(alpha > 0 && alpha < 1)) throw new FormatError(`${where}: leaky ReLU slope ${alpha} is not in (0, 1)`);
  return leakyRelu(alpha);
}

/**
 * Writes a generator as a layers model. `tfjs` is the layout of tfjs-layers `model.save`; `keras`
 * the one the Python converter writes. Leaky ReLU becomes a linear Dense followed by a LeakyReLU layer.
 */
export function serializeLayersModel(
  generator: Generator,
  options: { layout?: LayersModelLayout; weightsPath?: string; name?: string } = {},
): LayersModelFiles {
  const layout = options.layout ?? 'tfjs';
  const weightsPath = options.weightsPath ?? 'weights.bin';
  const first = generator.stages[0];
  const inShape = isDense(first) ? [first.weight.cols] : [...first.map.inShape];
  const layers: Json[] = [{ class_name: 'InputLayer', config: { batch_input_shape: [null, ...inShape], dtype: 'float32', sparse: false, name: 'input' } }];
  const weights: { name: string; shape: number[]; dtype: string }[] = [];
  const chunks: Float32Array[] = [];
  let shape: readonly number[] = inShape;
  generator.stages.forEach((layer, i) => {
    if (!isDense(layer)) {
      layers.push(...reshapeLayers(shape, layer.map.inShape, i));
      const written = mapLayers(layer, i);
      layers.push(...written.layers);
      for (const w of written.weights) {
        chunks.push(w.data);
        weights.push({ name: w.name, shape: w.shape, dtype: 'float32' });
      }
      shape = layer.map.outShape;
      return;
    }
    const name = `dense_${i + 1}`;
    const { rows, cols, data } = layer.weight;
    layers.push(...reshapeLayers(shape, [cols], i));
    const { activation, extra } = activationLayers(layer.activation, i);
    layers.push({
      class_name: 'Dense',
      config: { name, trainable: true, dtype: 'float32', units: rows, activation, use_bias: layer.bias !== undefined },
    });
    layers.push(...extra);
    const kernel = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) kernel[c * rows + r] = data[r * cols + c];
    chunks.push(kernel);
    weights.push({ name: `${name}/kernel`, shape: [cols, rows], dtype: 'float32' });
    if (layer.bias) {
      chunks.push(Float32Array.from(layer.bias));
      weights.push({ name: `${name}/bias`, shape: [rows], dtype: 'float32' });
    }
    shape = [rows];
  });
  const weightData = new Uint8Array(chunks.reduce((s, c) => s + c.byteLength, 0));
  let offset = 0;
  const dv = new DataView(weightData.buffer);
  for (const c of chunks) for (let i = 0; i < c.length; i++, offset += 4) dv.setFloat32(offset, c[i], true);
  const sequential = { class_name: 'Sequential', config: { name: options.name ?? 'generator', layers } };
  const modelTopology =
    layout === 'keras'
      ? { keras_version: '2.15.0', backend: 'tensorflow', model_config: sequential }
      : { ...sequential, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  const modelJson = {
    format: 'layers-model',
    generatedBy: layout === 'keras' ? 'keras v2.15.0' : 'inv',
    convertedBy: layout === 'keras' ? 'TensorFlow.js Converter v4.22.0' : null,
    modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights }],
  };
  return { modelJson, weightData, weightsPath };
}
